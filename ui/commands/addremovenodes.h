#pragma once
// Adds or removes a set of nodes together with edges. Removing takes every edge that touches
// the nodes too, and keeps each node's and edge's list position so undo restores the document
// byte for byte. The command owns what it removed until it is put back.

#include "projectdocument.h"

#include <QUndoCommand>

namespace torchwright::ui {

class AddRemoveNodes : public QUndoCommand {
public:
    // Adds `nodes` and `edges` (edges among them or to existing nodes).
    static AddRemoveNodes *add(ProjectDocument *doc, std::vector<Node> nodes, std::vector<Edge> edges,
                               const QString &text);
    // Removes the nodes, every edge touching them, and `edges` besides.
    static AddRemoveNodes *remove(ProjectDocument *doc, const std::vector<NodeId> &ids, const QString &text,
                                  const std::vector<Edge> &edges = {});

    void redo() override;
    void undo() override;

private:
    AddRemoveNodes(ProjectDocument *doc, bool adding, const QString &text);
    void insertAll();
    void removeAll();

    ProjectDocument *m_doc;
    bool m_adding;
    // With their list positions, ascending, so inserting in order restores them.
    std::vector<std::pair<int, Node>> m_nodes;
    std::vector<std::pair<int, Edge>> m_edges;
};

} // namespace torchwright::ui
