#pragma once
// The studio's document: the single source of truth for a project. Views and the inspector
// read it and react to its signals; every change goes through an undo command that calls the
// primitives below. The document owns the undo stack and marks it clean only after a save
// succeeded. Lives on the GUI thread.

#include "torchwright/analysis.h"
#include "torchwright/project.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <optional>

namespace torchwright::ui {

class ProjectDocument : public QObject {
    Q_OBJECT

public:
    explicit ProjectDocument(QObject *parent = nullptr);

    // Replaces the whole project (File > New / Open); clears the undo stack.
    void reset(const Project &project, const QString &filePath = {});
    bool load(const QString &path, QString *error);
    // Writes through QSaveFile (a temporary renamed into place); marks the stack clean.
    bool save(const QString &path, QString *error);

    const Project &project() const { return m_project; }
    const GraphAnalysis &analysis() const { return m_analysis; }
    QString filePath() const { return m_filePath; }
    QString displayName() const; // file name, or the project's name when unsaved
    bool isModified() const { return !m_undo.isClean(); }
    QUndoStack *undoStack() { return &m_undo; }
    std::string serialized() const { return serializeProject(m_project); }

    // ---- primitives for undo commands (each emits its signal and re-analyses) ----------
    // Inserts at `index` in the node list (-1: at the end).
    void insertNode(const Node &node, int index = -1);
    // Removes the node (not its edges: remove those first); returns its index.
    int removeNode(NodeId id);
    void insertEdge(const Edge &edge, int index = -1);
    int removeEdge(const Edge &edge); // returns its former index, or -1
    void setNodeParameter(NodeId id, const std::string &key, const nlohmann::json &value);
    void setNodeName(NodeId id, const std::string &name);
    void setNodePosition(NodeId id, double x, double y);
    // Settings outside the graph, addressed by JSON pointer into the project file
    // ("/training/epochs"). Returns false (and changes nothing) when the result would not
    // load, with the reason in `error`.
    bool setSetting(const std::string &pointer, const nlohmann::json &value, QString *error = nullptr);
    // The project as it would be after setSetting(), or nothing (with the reason) when that
    // change would be refused. Changes nothing.
    std::optional<Project> withSetting(const std::string &pointer, const nlohmann::json &value,
                                       QString *error = nullptr) const;
    nlohmann::json setting(const std::string &pointer) const;

    // ---- edits of the graph: each pushes one undo step, or nothing when there is nothing to do
    // A new layer of registry type `type` with its top-left corner at (x, y), a new id, a
    // unique name from the lower-cased type and the registry's initial parameters. Returns its
    // id, invalid for an unknown type.
    NodeId addLayer(const QString &type, double x, double y);
    // The node addLayer() would add, without adding it; nothing for an unknown type.
    std::optional<Node> makeLayer(const QString &type, double x, double y) const;
    // Whether `edge` may be added to the graph as it is now, and why not.
    EdgeCheck checkEdge(const Edge &edge) const { return checkNewEdge(m_project.graph, edge); }
    // Adds `edge` when checkEdge() allows it; returns that check.
    EdgeCheck connectPorts(const Edge &edge);
    // Removes the nodes with every edge touching them, and the edges.
    void deleteItems(const std::vector<NodeId> &nodes, const std::vector<Edge> &edges);
    // Adds the nodes of `data` (nodesToMime()'s format) with new ids, clashing names renamed,
    // the edges among them kept, positions offset so none lands on an existing node. Returns
    // the new ids; empty when `data` holds no usable nodes.
    std::vector<NodeId> pasteNodes(const QByteArray &data, const QString &undoText);
    // pasteNodes() of the nodes `ids`, without touching the clipboard.
    std::vector<NodeId> duplicateNodes(const std::vector<NodeId> &ids);
    // Moves every node to autoLayout()'s positions, starting where the graph is.
    void arrangeLayers();

    // Nodes and the edges among them as JSON for the clipboard.
    static QByteArray nodesToMime(const Project &project, const std::vector<NodeId> &ids);
    static constexpr const char *kNodesMimeType = "application/x-torchwright-nodes";

Q_SIGNALS:
    void projectReset();
    void nodeAdded(torchwright::NodeId id);
    void nodeRemoved(torchwright::NodeId id);
    void nodeChanged(torchwright::NodeId id); // parameters or name
    void nodeMoved(torchwright::NodeId id);
    void edgeAdded(const torchwright::Edge &edge);
    void edgeRemoved(const torchwright::Edge &edge);
    void settingsChanged();
    void analysisChanged(); // after every change: shapes, counts and problems are current
    void filePathChanged(const QString &path);
    void modifiedChanged(bool modified);

private:
    void reanalyze();

    Project m_project;
    GraphAnalysis m_analysis;
    QString m_filePath;
    QUndoStack m_undo;
};

} // namespace torchwright::ui

Q_DECLARE_METATYPE(torchwright::NodeId)
Q_DECLARE_METATYPE(torchwright::Edge)
