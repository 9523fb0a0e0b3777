#include "projectdocument.h"
#include "i18n.h"

#include "autolayout.h"
#include "commands/addremoveedge.h"
#include "commands/addremovenodes.h"
#include "commands/movenodes.h"
#include "nodeitem.h"

#include "torchwright/jsonfile.h"
#include "torchwright/layers.h"

#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace torchwright::ui {

using nlohmann::json;

namespace {

// Distance between a pasted copy and its original.
constexpr double kPasteOffset = 40.0;

// "conv12" -> "conv": the stem Graph::uniqueName numbers from.
std::string nameStem(const std::string &name)
{
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1])))
        --end;
    return name.substr(0, end);
}

// The clipboard's nodes and edges (nodesToMime()'s format) as values, or nothing when `data`
// holds no usable nodes. The engine's reader does the work: they are wrapped in `project` so
// that nothing but the graph part is new.
std::optional<Graph> graphFromMime(const Project &project, const QByteArray &data)
{
    if (!jsonDepthError(data.toStdString()).empty())
        return std::nullopt;
    const json clip = json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
    if (!clip.is_object() || !clip.contains("nodes") || !clip["nodes"].is_array() || clip["nodes"].empty())
        return std::nullopt;
    json full = json::parse(projectToJson(project).dump());
    full["graph"] = json{{"nodes", clip["nodes"]}, {"edges", clip.value("edges", json::array())}};
    ProjectLoad load = projectFromJson(full);
    for (const Diagnostic &d : load.diagnostics.items())
        if (d.severity == Severity::Error && d.where.rfind("/graph", 0) == 0)
            return std::nullopt;
    return std::move(load.project.graph);
}

// How far pasted nodes move from where they were copied: the first multiple of kPasteOffset
// that puts none of them exactly on a node of `graph`.
double pasteOffset(const Graph &graph, const Graph &pasted)
{
    std::set<std::pair<double, double>> occupied;
    for (const Node &n : graph.nodes)
        occupied.insert({n.x, n.y});
    double offset = kPasteOffset;
    for (int tries = 0; tries < 50; ++tries, offset += kPasteOffset) {
        bool clash = false;
        for (const Node &n : pasted.nodes)
            clash = clash || occupied.count({n.x + offset, n.y + offset});
        if (!clash)
            break;
    }
    return offset;
}

} // namespace

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
    if (needsLayout(m_project.graph)) // written without positions: arranged top to bottom
        for (const auto &[id, at] : autoLayout(m_project.graph))
            if (Node *n = m_project.graph.node(NodeId{id})) {
                n->x = at.x();
                n->y = at.y();
            }
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
            *error = diagnosticsText(load.diagnostics, path);
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
    // Analysis leaves the project as edited (so undoing every edit gives back the same bytes).
    m_analysis = analyzeProject(m_project);
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

std::optional<Project> ProjectDocument::withSetting(const std::string &pointer, const json &value, QString *error) const
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
            *error = diagnosticsText(load.diagnostics);
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

std::optional<Node> ProjectDocument::makeLayer(const QString &typeName, double x, double y) const
{
    const auto &registry = LayerRegistry::instance();
    const LayerType *type = registry.find(typeName.toStdString());
    if (!type)
        return std::nullopt;
    const Graph &graph = m_project.graph;
    Node node;
    node.id = graph.nextId();
    node.type = type->name;
    node.name = graph.uniqueName(typeName.toLower().toStdString());
    node.params = registry.initialParams(*type);
    node.x = x;
    node.y = y;
    return node;
}

NodeId ProjectDocument::addLayer(const QString &typeName, double x, double y)
{
    const std::optional<Node> node = makeLayer(typeName, x, y);
    if (!node)
        return {};
    m_undo.push(AddRemoveNodes::add(this, {*node}, {}, tr("Add %1").arg(typeName)));
    return node->id;
}

EdgeCheck ProjectDocument::connectPorts(const Edge &edge)
{
    EdgeCheck check = checkEdge(edge);
    if (check.allowed())
        m_undo.push(new AddRemoveEdge(this, edge, true));
    return check;
}

void ProjectDocument::deleteItems(const std::vector<NodeId> &nodes, const std::vector<Edge> &edges)
{
    if (nodes.empty() && edges.empty())
        return;
    const QString text = nodes.empty() && edges.size() == 1 ? tr("Disconnect") : tr("Delete");
    m_undo.push(AddRemoveNodes::remove(this, nodes, text, edges));
}

std::vector<NodeId> ProjectDocument::pasteNodes(const QByteArray &data, const QString &undoText)
{
    const std::optional<Graph> pasted = graphFromMime(m_project, data);
    if (!pasted)
        return {};
    const double offset = pasteOffset(m_project.graph, *pasted);
    // New ids after the current ones; names kept unless taken (or unusable), then numbered.
    Graph scratch = m_project.graph;
    std::map<int, NodeId> newIds;
    std::vector<Node> nodes;
    NodeId next = scratch.nextId();
    for (Node n : pasted->nodes) {
        if (newIds.count(n.id.value))
            continue; // a repeated id in foreign data: keep the first
        newIds[n.id.value] = next;
        n.id = next;
        next = NodeId{next.value + 1};
        if (!isValidNodeName(n.name) || scratch.findByName(n.name)) {
            std::string stem = nameStem(n.name);
            if (!isValidNodeName(stem))
                stem = QString::fromStdString(n.type).toLower().toStdString();
            if (!isValidNodeName(stem))
                stem = "layer";
            n.name = scratch.uniqueName(stem);
        }
        n.x += offset;
        n.y += offset;
        scratch.nodes.push_back(n);
        nodes.push_back(n);
    }
    std::vector<Edge> edges;
    for (Edge e : pasted->edges) {
        auto from = newIds.find(e.from.node.value);
        auto to = newIds.find(e.to.node.value);
        if (from == newIds.end() || to == newIds.end())
            continue;
        e.from.node = from->second;
        e.to.node = to->second;
        edges.push_back(e);
    }
    std::vector<NodeId> ids;
    for (const Node &n : nodes)
        ids.push_back(n.id);
    m_undo.push(AddRemoveNodes::add(this, std::move(nodes), std::move(edges), undoText));
    return ids;
}

std::vector<NodeId> ProjectDocument::duplicateNodes(const std::vector<NodeId> &ids)
{
    if (ids.empty())
        return {};
    return pasteNodes(nodesToMime(m_project, ids), tr("Duplicate"));
}

void ProjectDocument::arrangeLayers()
{
    const Graph &graph = m_project.graph;
    if (graph.nodes.empty())
        return;
    // Start where the graph is: its top, and the Input's column (or the first node's).
    AutoLayoutOptions options;
    double top = graph.nodes.front().y;
    for (const Node &n : graph.nodes)
        top = std::min(top, n.y);
    const Node *anchor = &graph.nodes.front();
    for (const Node &n : graph.nodes)
        if (n.type == "Input") {
            anchor = &n;
            break;
        }
    options.origin = QPointF(anchor->x + NodeItem::kWidth / 2, top);
    std::map<int, QPointF> to = autoLayout(graph, options);
    bool changes = false;
    for (const Node &n : graph.nodes)
        changes = changes || to[n.id.value] != QPointF(n.x, n.y);
    if (changes)
        m_undo.push(new MoveNodes(this, std::move(to), 0, tr("Arrange layers")));
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
    const std::string text =
        nlohmann::ordered_json{{"nodes", j["graph"]["nodes"]}, {"edges", j["graph"]["edges"]}}.dump();
    return QByteArray(text.data(), int(text.size()));
}

} // namespace torchwright::ui
