#include "projectdocument.h"

#include <QFileInfo>
#include <QSaveFile>

#include <set>

namespace torchwright::ui {

using nlohmann::json;

ProjectDocument::ProjectDocument(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<torchwright::NodeId>();
    qRegisterMetaType<torchwright::Edge>();
    connect(&m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
    reanalyze();
}

void ProjectDocument::reset(const Project &project, const QString &filePath)
{
    m_undo.clear();
    m_project = project;
    if (!filePath.isEmpty())
        m_project.filePath = QFileInfo(filePath).absoluteFilePath().toStdString();
    m_filePath = filePath.isEmpty() ? QString() : QFileInfo(filePath).absoluteFilePath();
    m_undo.setClean();
    reanalyze();
    Q_EMIT projectReset();
    Q_EMIT filePathChanged(m_filePath);
    Q_EMIT modifiedChanged(false);
}

bool ProjectDocument::load(const QString &path, QString *error)
{
    ProjectLoad load = loadProjectFile(path.toStdString());
    if (!load.ok()) {
        if (error)
            *error = QString::fromStdString(load.diagnostics.format(path.toStdString())).trimmed();
        return false;
    }
    reset(load.project, path);
    return true;
}

bool ProjectDocument::save(const QString &path, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // Paths in the file are relative to it: saving elsewhere re-bases them.
    Project copy = relocatedProject(m_project, absolute.toStdString());
    const std::string text = serializeProject(copy);
    QSaveFile file(absolute);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size())
        || !file.commit()) {
        if (error)
            *error = absolute + ": " + file.errorString();
        return false;
    }
    m_project.dataset.path = copy.dataset.path;
    m_project.pretrain.source = copy.pretrain.source;
    m_project.filePath = copy.filePath;
    const bool moved = absolute != m_filePath;
    m_filePath = absolute;
    m_undo.setClean();
    if (moved)
        Q_EMIT filePathChanged(m_filePath);
    return true;
}

QString ProjectDocument::displayName() const
{
    if (!m_filePath.isEmpty())
        return QFileInfo(m_filePath).fileName();
    return m_project.name.empty() ? tr("Untitled") : QString::fromStdString(m_project.name);
}

void ProjectDocument::reanalyze()
{
    // On a copy: analysis fills parameter defaults, and the document must stay as edited so
    // that undoing every edit gives back the same bytes.
    Project copy = m_project;
    m_analysis = analyzeProject(copy);
    Q_EMIT analysisChanged();
}

void ProjectDocument::insertNode(const Node &node, int index)
{
    auto &nodes = m_project.graph.nodes;
    if (index < 0 || index > int(nodes.size()))
        index = int(nodes.size());
    nodes.insert(nodes.begin() + index, node);
    Q_EMIT nodeAdded(node.id);
    reanalyze();
}

int ProjectDocument::removeNode(NodeId id)
{
    const int index = m_project.graph.indexOf(id);
    if (index < 0)
        return -1;
    m_project.graph.nodes.erase(m_project.graph.nodes.begin() + index);
    Q_EMIT nodeRemoved(id);
    reanalyze();
    return index;
}

void ProjectDocument::insertEdge(const Edge &edge, int index)
{
    auto &edges = m_project.graph.edges;
    if (index < 0 || index > int(edges.size()))
        index = int(edges.size());
    edges.insert(edges.begin() + index, edge);
    Q_EMIT edgeAdded(edge);
    reanalyze();
}

int ProjectDocument::removeEdge(const Edge &edge)
{
    auto &edges = m_project.graph.edges;
    auto it = std::find(edges.begin(), edges.end(), edge);
    if (it == edges.end())
        return -1;
    const int index = int(it - edges.begin());
    edges.erase(it);
    Q_EMIT edgeRemoved(edge);
    reanalyze();
    return index;
}

void ProjectDocument::setNodeParameter(NodeId id, const std::string &key, const json &value)
{
    Node *n = m_project.graph.node(id);
    if (!n)
        return;
    if (value.is_null())
        n->params.erase(key);
    else
        n->params[key] = value;
    Q_EMIT nodeChanged(id);
    reanalyze();
}

void ProjectDocument::setNodeName(NodeId id, const std::string &name)
{
    Node *n = m_project.graph.node(id);
    if (!n)
        return;
    // Frozen-layer lists name layers: keep them pointing at the renamed layer.
    for (auto &f : m_project.pretrain.frozen)
        if (f == n->name)
            f = name;
    n->name = name;
    Q_EMIT nodeChanged(id);
    reanalyze();
}

void ProjectDocument::setNodePosition(NodeId id, double x, double y)
{
    Node *n = m_project.graph.node(id);
    if (!n)
        return;
    n->x = x;
    n->y = y;
    Q_EMIT nodeMoved(id);
}

json ProjectDocument::setting(const std::string &pointer) const
{
    const json j = json::parse(projectToJson(m_project).dump());
    const json::json_pointer p(pointer);
    return j.contains(p) ? j.at(p) : json();
}

std::optional<Project> ProjectDocument::withSetting(const std::string &pointer, const json &value,
                                                    QString *error) const
{
    json j = json::parse(projectToJson(m_project).dump());
    try {
        j[json::json_pointer(pointer)] = value;
    } catch (const json::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
    ProjectLoad load = projectFromJson(j, m_project.filePath);
    if (!load.ok()) {
        if (error)
            *error = QString::fromStdString(load.diagnostics.format()).trimmed();
        return std::nullopt;
    }
    load.project.filePath = m_project.filePath;
    return load.project;
}

bool ProjectDocument::setSetting(const std::string &pointer, const json &value, QString *error)
{
    std::optional<Project> changed = withSetting(pointer, value, error);
    if (!changed)
        return false;
    m_project = std::move(*changed);
    Q_EMIT settingsChanged();
    reanalyze();
    return true;
}

QByteArray ProjectDocument::nodesToMime(const Project &project, const std::vector<NodeId> &ids)
{
    std::set<int> chosen;
    for (NodeId id : ids)
        chosen.insert(id.value);
    Project part;
    part.dataset = project.dataset;
    for (const auto &n : project.graph.nodes)
        if (chosen.count(n.id.value))
            part.graph.nodes.push_back(n);
    for (const auto &e : project.graph.edges)
        if (chosen.count(e.from.node.value) && chosen.count(e.to.node.value))
            part.graph.edges.push_back(e);
    const auto j = projectToJson(part);
    const std::string text = nlohmann::ordered_json{{"nodes", j["graph"]["nodes"]}, {"edges", j["graph"]["edges"]}}.dump();
    return QByteArray(text.data(), int(text.size()));
}

} // namespace torchwright::ui
