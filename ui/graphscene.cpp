#include "graphscene.h"

#include "autolayout.h"
#include "commands/addremoveedge.h"
#include "commands/addremovenodes.h"
#include "commands/movenodes.h"
#include "edgeitem.h"
#include "nodeitem.h"
#include "portitem.h"

#include "torchwright/layers.h"

#include <QApplication>
#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QKeyEvent>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace torchwright::ui {

using nlohmann::json;

namespace {

// The canvas is effectively unbounded: the view pans and zooms over a fixed, large rectangle.
constexpr qreal kCanvasHalfSize = 50000.0;
// Distance between a pasted copy and its original.
constexpr qreal kPasteOffset = 40.0;

using EdgeKey = std::tuple<int, int, int, int>;
EdgeKey keyOf(const Edge &e)
{
    return {e.from.node.value, e.from.port, e.to.node.value, e.to.port};
}

// Drag ids only need to differ between consecutive drags on one stack; a process-wide counter
// also keeps two scenes on one document apart.
int nextDragId()
{
    static int counter = 0;
    return ++counter;
}

QPointF rounded(const QPointF &p) { return QPointF(std::round(p.x()), std::round(p.y())); }

// "conv12" -> "conv": the stem Graph::uniqueName numbers from.
std::string nameStem(const std::string &name)
{
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1])))
        --end;
    return name.substr(0, end);
}

} // namespace

GraphScene::GraphScene(ProjectDocument *doc, QObject *parent) : QGraphicsScene(parent), m_doc(doc)
{
    Q_ASSERT(doc);
    setSceneRect(-kCanvasHalfSize, -kCanvasHalfSize, 2 * kCanvasHalfSize, 2 * kCanvasHalfSize);
    setBackgroundBrush(QColor(244, 245, 247));
    connect(doc, &ProjectDocument::projectReset, this, &GraphScene::rebuild);
    connect(doc, &ProjectDocument::nodeAdded, this, &GraphScene::onNodeAdded);
    connect(doc, &ProjectDocument::nodeRemoved, this, &GraphScene::onNodeRemoved);
    connect(doc, &ProjectDocument::nodeChanged, this, &GraphScene::onNodeChanged);
    connect(doc, &ProjectDocument::nodeMoved, this, &GraphScene::onNodeMoved);
    connect(doc, &ProjectDocument::edgeAdded, this, &GraphScene::syncEdges);
    connect(doc, &ProjectDocument::edgeRemoved, this, &GraphScene::syncEdges);
    connect(doc, &ProjectDocument::analysisChanged, this, &GraphScene::onAnalysisChanged);
    rebuild();
}

GraphScene::~GraphScene()
{
    // Items go with the scene; stop listening first so no handler sees a half-destroyed scene.
    disconnect(m_doc, nullptr, this, nullptr);
}

// ---- lookup ----------------------------------------------------------------------------------

NodeItem *GraphScene::nodeItem(NodeId id) const
{
    auto it = m_nodes.find(id.value);
    return it == m_nodes.end() ? nullptr : it->second;
}

EdgeItem *GraphScene::edgeItem(const Edge &edge) const
{
    for (EdgeItem *item : m_edges)
        if (item->edge() == edge)
            return item;
    return nullptr;
}

std::vector<NodeItem *> GraphScene::nodeItems() const
{
    std::vector<NodeItem *> r;
    for (const Node &n : m_doc->project().graph.nodes)
        if (NodeItem *item = nodeItem(n.id))
            r.push_back(item);
    return r;
}

std::vector<EdgeItem *> GraphScene::edgeItems() const { return m_edges; }

QRectF GraphScene::nodesBoundingRect() const
{
    QRectF r;
    for (const auto &[id, item] : m_nodes)
        r = r.united(item->sceneBoundingRect());
    return r;
}

QRectF GraphScene::graphBoundingRect() const
{
    QRectF r = nodesBoundingRect();
    for (EdgeItem *item : m_edges)
        r = r.united(item->sceneBoundingRect());
    return r;
}

std::vector<NodeId> GraphScene::selectedNodeIds() const
{
    std::vector<NodeId> r;
    for (const Node &n : m_doc->project().graph.nodes)
        if (NodeItem *item = nodeItem(n.id); item && item->isSelected())
            r.push_back(n.id);
    return r;
}

std::vector<Edge> GraphScene::selectedEdges() const
{
    std::vector<Edge> r;
    for (EdgeItem *item : m_edges)
        if (item->isSelected())
            r.push_back(item->edge());
    return r;
}

void GraphScene::selectNodes(const std::vector<NodeId> &ids)
{
    // One selectionChanged() for the whole change: block it while clearing and setting.
    {
        const QSignalBlocker blocker(this);
        clearSelection();
        for (NodeId id : ids)
            if (NodeItem *item = nodeItem(id))
                item->setSelected(true);
    }
    Q_EMIT selectionChanged();
}

// ---- building from the document --------------------------------------------------------------

void GraphScene::rebuild()
{
    cancelConnection();
    m_moving = false;
    for (EdgeItem *item : m_edges)
        delete item;
    m_edges.clear();
    for (auto &[id, item] : m_nodes)
        delete item;
    m_nodes.clear();
    for (const Node &n : m_doc->project().graph.nodes)
        ensureNodeItem(n);
    syncEdges();
    onAnalysisChanged();
}

NodeItem *GraphScene::ensureNodeItem(const Node &node)
{
    NodeItem *item = nodeItem(node.id);
    if (!item) {
        item = new NodeItem(node.id);
        addItem(item);
        m_nodes[node.id.value] = item;
    }
    item->setNode(node);
    item->setPos(node.x, node.y);
    return item;
}

void GraphScene::onNodeAdded(NodeId id)
{
    const Node *node = m_doc->project().graph.node(id);
    if (!node)
        return;
    ensureNodeItem(*node);
    // Edges of the file may name this node before it existed (undo puts nodes back first).
    syncEdges();
}

void GraphScene::onNodeRemoved(NodeId id)
{
    if (m_connecting && (m_connectFrom.node == id || m_target.node == id))
        cancelConnection();
    m_moveOrigins.erase(id.value);
    auto it = m_nodes.find(id.value);
    if (it == m_nodes.end())
        return;
    NodeItem *item = it->second;
    m_nodes.erase(it);
    syncEdges(); // drops items of edges that now lack an end
    delete item;
}

void GraphScene::onNodeChanged(NodeId id)
{
    const Node *node = m_doc->project().graph.node(id);
    NodeItem *item = nodeItem(id);
    if (!node || !item)
        return;
    if (m_connecting && m_target.node == id)
        setTargetHighlight(nullptr, false); // its ports may be recreated below
    item->setNode(*node);
    placeEdgesOf(id);
    updatePortStates();
}

void GraphScene::onNodeMoved(NodeId id)
{
    const Node *node = m_doc->project().graph.node(id);
    NodeItem *item = nodeItem(id);
    if (!node || !item)
        return;
    item->setPos(node->x, node->y);
    placeEdgesOf(id);
}

void GraphScene::syncEdges()
{
    // Reconcile edge items with the document's edges as multisets: an edge gets an item once
    // both its nodes have one.
    std::map<EdgeKey, int> wanted;
    for (const Edge &e : m_doc->project().graph.edges)
        if (nodeItem(e.from.node) && nodeItem(e.to.node))
            ++wanted[keyOf(e)];
    std::vector<EdgeItem *> kept;
    for (EdgeItem *item : m_edges) {
        auto it = wanted.find(keyOf(item->edge()));
        if (it != wanted.end() && it->second > 0) {
            --it->second;
            kept.push_back(item);
        } else {
            delete item;
        }
    }
    m_edges = kept;
    const GraphAnalysis &analysis = m_doc->analysis();
    for (const auto &[key, count] : wanted)
        for (int i = 0; i < count; ++i) {
            const auto &[fromNode, fromPort, toNode, toPort] = key;
            auto *item = new EdgeItem(
                Edge {PortRef {NodeId {fromNode}, fromPort}, PortRef {NodeId {toNode}, toPort}});
            addItem(item);
            m_edges.push_back(item);
            placeEdge(item);
            // A provisional label; analysisChanged() follows every document change.
            const auto type = analysis.edgeType(item->edge());
            item->setLabel(
                type ? QString::fromStdString(formatShape(type->shape)) : QStringLiteral("?"));
        }
    updatePortStates();
}

void GraphScene::placeEdge(EdgeItem *item)
{
    const Edge e = item->edge();
    NodeItem *from = nodeItem(e.from.node);
    NodeItem *to = nodeItem(e.to.node);
    if (from && to)
        item->setEndpoints(from->outputAnchor(), to->inputAnchor(e.to.port));
}

void GraphScene::placeEdgesOf(NodeId id)
{
    for (EdgeItem *item : m_edges)
        if (item->edge().from.node == id || item->edge().to.node == id)
            placeEdge(item);
}

void GraphScene::updatePortStates()
{
    std::set<std::pair<int, int>> taken;
    std::set<int> feeding;
    for (EdgeItem *item : m_edges) {
        taken.insert({item->edge().to.node.value, item->edge().to.port});
        feeding.insert(item->edge().from.node.value);
    }
    for (const auto &[id, item] : m_nodes) {
        for (int i = 0; i < item->inputCount(); ++i)
            item->inputPort(i)->setConnected(taken.count({id, i}) > 0);
        item->outputPort()->setConnected(feeding.count(id) > 0);
    }
}

void GraphScene::onAnalysisChanged()
{
    const GraphAnalysis &analysis = m_doc->analysis();
    std::map<int, QStringList> errors, warnings;
    std::set<std::pair<int, int>> badInputs;
    for (const Diagnostic &d : analysis.diagnostics.items()) {
        if (d.nodeId < 0)
            continue;
        const QString message = QString::fromStdString(d.message);
        if (d.severity == Severity::Error) {
            errors[d.nodeId] << message;
            if (d.port >= 0)
                badInputs.insert({d.nodeId, d.port});
        } else {
            warnings[d.nodeId] << message;
        }
    }
    for (const auto &[id, item] : m_nodes) {
        auto it = analysis.nodes.find(id);
        std::optional<int64_t> parameters;
        if (it != analysis.nodes.end() && it->second.ok)
            parameters = it->second.parameters;
        item->setAnalysis(parameters, errors[id], warnings[id]);
    }
    for (EdgeItem *item : m_edges) {
        const Edge e = item->edge();
        const auto type = analysis.edgeType(e);
        QString label = QStringLiteral("?");
        if (type) {
            label = QString::fromStdString(formatShape(type->shape));
            if (type->dtype != DType::Float32)
                label += ' ' + QString::fromLatin1(dtypeName(type->dtype));
        }
        item->setLabel(label);
        item->setProblem(badInputs.count({e.to.node.value, e.to.port}) > 0);
    }
}

// ---- editing -------------------------------------------------------------------------------

NodeId GraphScene::addLayer(const QString &typeName, const QPointF &scenePos)
{
    const auto &registry = LayerRegistry::instance();
    const LayerType *type = registry.find(typeName.toStdString());
    if (!type)
        return {};
    const Graph &graph = m_doc->project().graph;
    Node node;
    node.id = graph.nextId();
    node.type = type->name;
    node.name = graph.uniqueName(typeName.toLower().toStdString());
    node.params = registry.initialParams(*type);
    const QPointF topLeft = rounded(scenePos - QPointF(NodeItem::kWidth / 2, 30));
    node.x = topLeft.x();
    node.y = topLeft.y();
    const NodeId id = node.id;
    m_doc->undoStack()->push(AddRemoveNodes::add(m_doc, {node}, {}, tr("Add %1").arg(typeName)));
    selectNodes({id});
    return id;
}

void GraphScene::deleteSelection()
{
    const std::vector<NodeId> nodes = selectedNodeIds();
    std::set<int> chosen;
    for (NodeId id : nodes)
        chosen.insert(id.value);
    // Edges touching a deleted node go with it; only the others need their own command.
    std::vector<Edge> edges;
    for (const Edge &e : selectedEdges())
        if (!chosen.count(e.from.node.value) && !chosen.count(e.to.node.value))
            edges.push_back(e);
    const int commands = int(edges.size()) + (nodes.empty() ? 0 : 1);
    if (commands == 0)
        return;
    QUndoStack *stack = m_doc->undoStack();
    if (commands > 1)
        stack->beginMacro(tr("Delete"));
    for (const Edge &e : edges)
        stack->push(new AddRemoveEdge(m_doc, e, false));
    if (!nodes.empty())
        stack->push(AddRemoveNodes::remove(m_doc, nodes, tr("Delete")));
    if (commands > 1)
        stack->endMacro();
}

std::vector<NodeId> GraphScene::pasteNodes(const QByteArray &data, const QString &undoText)
{
    const json clip = json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
    if (!clip.is_object() || !clip.contains("nodes") || !clip["nodes"].is_array() ||
        clip["nodes"].empty())
        return {};
    // The engine's reader turns the clipboard's nodes and edges into values: wrap them in the
    // current project so that nothing but the graph part is new.
    json full = json::parse(projectToJson(m_doc->project()).dump());
    full["graph"] = json {{"nodes", clip["nodes"]}, {"edges", clip.value("edges", json::array())}};
    const ProjectLoad load = projectFromJson(full);
    for (const Diagnostic &d : load.diagnostics.items())
        if (d.severity == Severity::Error && d.where.rfind("/graph", 0) == 0)
            return {};
    const Graph &pasted = load.project.graph;

    // New ids after the current ones; names kept unless taken (or unusable), then numbered.
    Graph scratch = m_doc->project().graph;
    const std::set<std::pair<double, double>> occupied = [&] {
        std::set<std::pair<double, double>> s;
        for (const Node &n : scratch.nodes)
            s.insert({n.x, n.y});
        return s;
    }();
    qreal offset = kPasteOffset;
    for (int tries = 0; tries < 50; ++tries, offset += kPasteOffset) {
        bool clash = false;
        for (const Node &n : pasted.nodes)
            clash = clash || occupied.count({n.x + offset, n.y + offset});
        if (!clash)
            break;
    }
    std::map<int, NodeId> newIds;
    std::vector<Node> nodes;
    NodeId next = scratch.nextId();
    for (Node n : pasted.nodes) {
        if (newIds.count(n.id.value))
            continue; // a repeated id in foreign data: keep the first
        newIds[n.id.value] = next;
        n.id = next;
        next = NodeId {next.value + 1};
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
    for (Edge e : pasted.edges) {
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
    m_doc->undoStack()->push(
        AddRemoveNodes::add(m_doc, std::move(nodes), std::move(edges), undoText));
    selectNodes(ids);
    return ids;
}

std::vector<NodeId> GraphScene::duplicateSelection()
{
    const std::vector<NodeId> ids = selectedNodeIds();
    if (ids.empty())
        return {};
    return pasteNodes(ProjectDocument::nodesToMime(m_doc->project(), ids), tr("Duplicate"));
}

void GraphScene::arrangeLayers()
{
    const Graph &graph = m_doc->project().graph;
    if (graph.nodes.empty())
        return;
    // Start where the graph is: its left edge, and the Input's row (or the top one).
    AutoLayoutOptions options;
    double left = graph.nodes.front().x, top = graph.nodes.front().y;
    for (const Node &n : graph.nodes) {
        left = std::min(left, n.x);
        top = std::min(top, n.y);
    }
    double row = top;
    for (const Node &n : graph.nodes)
        if (n.type == "Input") {
            row = n.y;
            break;
        }
    options.origin = QPointF(left, row);
    std::map<int, QPointF> to = autoLayout(graph, options);
    bool changes = false;
    for (const Node &n : graph.nodes)
        changes = changes || to[n.id.value] != QPointF(n.x, n.y);
    if (changes)
        m_doc->undoStack()->push(new MoveNodes(m_doc, std::move(to), 0, tr("Arrange layers")));
}

QString GraphScene::connectionProblem(const Edge &edge) const
{
    const Graph &graph = m_doc->project().graph;
    const Node *from = graph.node(edge.from.node);
    const Node *to = graph.node(edge.to.node);
    if (!from || !to)
        return tr("the layer no longer exists");
    if (edge.from.node == edge.to.node)
        return tr("a layer cannot feed itself");
    const int inputs = NodeItem::inputPortCount(*to);
    if (inputs == 0)
        return tr("'%1' takes no inputs").arg(QString::fromStdString(to->name));
    if (edge.to.port < 0 || edge.to.port >= inputs)
        return tr("'%1' has no input %2").arg(QString::fromStdString(to->name)).arg(edge.to.port);
    for (const Edge &e : graph.edges)
        if (e.to == edge.to)
            return tr("input %1 of '%2' is already connected")
                .arg(edge.to.port)
                .arg(QString::fromStdString(to->name));
    if (graph.wouldCreateCycle(edge))
        return tr("connecting '%1' to '%2' would create a cycle")
            .arg(QString::fromStdString(from->name), QString::fromStdString(to->name));
    return {};
}

// ---- gestures --------------------------------------------------------------------------------

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_connecting) {
        for (QGraphicsItem *item : items(event->scenePos())) {
            if (auto *port = qgraphicsitem_cast<PortItem *>(item)) {
                if (!port->isInput()) {
                    beginConnection(port, event->scenePos());
                    event->accept();
                    return;
                }
                break;
            }
            // Edges end on ports and lie above nodes: look through them.
            if (item->type() == NodeItem::Type)
                break;
        }
    }
    QGraphicsScene::mousePressEvent(event);
    if (event->button() == Qt::LeftButton) {
        auto *grabbed = qgraphicsitem_cast<NodeItem *>(mouseGrabberItem());
        if (grabbed && grabbed->isSelected()) {
            m_moving = true;
            m_moved = false;
            m_dragId = nextDragId();
            m_moveAnchor = event->scenePos();
            m_moveOrigins.clear();
            for (NodeId id : selectedNodeIds())
                if (const Node *n = m_doc->project().graph.node(id))
                    m_moveOrigins[id.value] = QPointF(n->x, n->y);
        }
    }
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connecting) {
        updateConnection(event->scenePos());
        event->accept();
        return;
    }
    if (m_moving && (event->buttons() & Qt::LeftButton)) {
        const QPoint travelled = event->screenPos() - event->buttonDownScreenPos(Qt::LeftButton);
        if (!m_moved && travelled.manhattanLength() < QApplication::startDragDistance()) {
            event->accept();
            return;
        }
        const QPointF delta = event->scenePos() - m_moveAnchor;
        std::map<int, QPointF> to;
        for (const auto &[id, origin] : m_moveOrigins)
            to[id] = rounded(origin + delta);
        if (!to.empty()) {
            // Every step of this drag carries m_dragId and merges into one undo step.
            m_doc->undoStack()->push(new MoveNodes(m_doc, std::move(to), m_dragId, tr("Move")));
            m_moved = true;
        }
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connecting) {
        if (event->button() == Qt::LeftButton) {
            updateConnection(event->scenePos());
            finishConnection();
        }
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton) {
        m_moving = false;
        m_moveOrigins.clear();
    }
    QGraphicsScene::mouseReleaseEvent(event);
}

void GraphScene::keyPressEvent(QKeyEvent *event)
{
    if (m_connecting && event->key() == Qt::Key_Escape) {
        cancelConnection();
        event->accept();
        return;
    }
    QGraphicsScene::keyPressEvent(event);
}

void GraphScene::beginConnection(const PortItem *from, const QPointF &scenePos)
{
    m_connecting = true;
    m_connectFrom = from->ref();
    m_target = PortRef {};
    m_targetAllowed = false;
    m_refusal.clear();
    m_rubber = new QGraphicsPathItem;
    m_rubber->setZValue(3);
    addItem(m_rubber);
    m_refusalText = new QGraphicsSimpleTextItem;
    m_refusalText->setZValue(4);
    // Readable at any zoom.
    m_refusalText->setFlag(QGraphicsItem::ItemIgnoresTransformations);
    m_refusalText->setBrush(QColor(180, 20, 20));
    m_refusalText->setVisible(false);
    addItem(m_refusalText);
    updateConnection(scenePos);
}

void GraphScene::setTargetHighlight(PortItem *port, bool allowed)
{
    // Clear the old target's highlight; its item is looked up again because ports can be
    // recreated while a drag is in progress.
    for (const auto &[id, item] : m_nodes)
        for (int i = 0; i < item->inputCount(); ++i)
            item->inputPort(i)->setHighlight(PortItem::Highlight::None);
    if (port)
        port->setHighlight(allowed ? PortItem::Highlight::Allowed : PortItem::Highlight::Refused);
}

void GraphScene::updateConnection(const QPointF &scenePos)
{
    NodeItem *source = nodeItem(m_connectFrom.node);
    if (!source) {
        cancelConnection();
        return;
    }
    // The input under the pointer: a port itself, or, over a node's body, its first free
    // input (its first input when all are taken, so that the refusal says why).
    PortItem *port = nullptr;
    NodeItem *node = nullptr;
    for (QGraphicsItem *item : items(scenePos)) {
        if (item == m_rubber || item == m_refusalText || item->type() == EdgeItem::Type)
            continue;
        if (auto *p = qgraphicsitem_cast<PortItem *>(item)) {
            // Over an output there is nothing to connect to, which is not a refusal.
            if (p->isInput()) {
                port = p;
                node = p->node();
            }
            break;
        }
        if (auto *n = qgraphicsitem_cast<NodeItem *>(item)) {
            node = n;
            break;
        }
    }
    if (node && !port) {
        const Graph &graph = m_doc->project().graph;
        for (int i = 0; i < node->inputCount() && !port; ++i) {
            bool taken = false;
            for (const Edge &e : graph.edges)
                taken = taken || (e.to.node == node->nodeId() && e.to.port == i);
            if (!taken)
                port = node->inputPort(i);
        }
        if (!port)
            port = node->inputPort(0);
    }

    QPointF end = scenePos;
    m_target = PortRef {};
    m_targetAllowed = false;
    m_refusal.clear();
    if (port) {
        m_target = port->ref();
        m_refusal = connectionProblem(Edge {m_connectFrom, m_target});
        m_targetAllowed = m_refusal.isEmpty();
        if (m_targetAllowed)
            end = port->scenePos();
    } else if (node) {
        m_target = PortRef {node->nodeId(), -1};
        m_refusal = connectionProblem(Edge {m_connectFrom, m_target});
    }
    setTargetHighlight(port, m_targetAllowed);

    const bool refused = !m_refusal.isEmpty();
    QPen pen(refused          ? QColor(200, 30, 30)
            : m_targetAllowed ? QColor(30, 140, 60)
                              : QColor(80, 90, 105),
        2.0, refused ? Qt::DashLine : Qt::SolidLine);
    m_rubber->setPen(pen);
    m_rubber->setPath(EdgeItem::curve(source->outputAnchor(), end));
    m_refusalText->setText(m_refusal);
    m_refusalText->setPos(scenePos +
        QPointF(12, 12) /
            std::max(0.05, views().isEmpty() ? 1.0 : views().first()->transform().m11()));
    m_refusalText->setVisible(refused);
    for (QGraphicsView *view : views())
        view->viewport()->setCursor(refused ? Qt::ForbiddenCursor : Qt::CrossCursor);
}

void GraphScene::finishConnection()
{
    const Edge edge {m_connectFrom, m_target};
    const bool allowed =
        m_targetAllowed && m_refusal.isEmpty() && connectionProblem(edge).isEmpty();
    cancelConnection();
    if (allowed)
        m_doc->undoStack()->push(new AddRemoveEdge(m_doc, edge, true));
}

void GraphScene::cancelConnection()
{
    if (!m_connecting)
        return;
    m_connecting = false;
    m_targetAllowed = false;
    m_refusal.clear();
    m_target = PortRef {};
    setTargetHighlight(nullptr, false);
    delete m_rubber;
    m_rubber = nullptr;
    delete m_refusalText;
    m_refusalText = nullptr;
    for (QGraphicsView *view : views())
        view->viewport()->unsetCursor();
}

} // namespace torchwright::ui
