#include "graphscene.h"
#include "i18n.h"

#include "autolayout.h"
#include "commands/addremoveedge.h"
#include "commands/addremovenodes.h"
#include "commands/movenodes.h"
#include "edgeitem.h"
#include "nodeitem.h"
#include "portitem.h"

#include "torchwright/layers.h"
#include "torchwright/project.h"

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
#include <utility>

namespace torchwright::ui {

namespace {

// The canvas is effectively unbounded: the view pans and zooms over a fixed, large rectangle.
constexpr qreal kCanvasHalfSize = 50000.0;

using EdgeKey = std::tuple<int, int, int, int>;
EdgeKey keyOf(const Edge &e) { return {e.from.node.value, e.from.port, e.to.node.value, e.to.port}; }

// Drag ids only need to differ between consecutive drags on one stack; a process-wide counter
// also keeps two scenes on one document apart.
int nextDragId()
{
    static int counter = 0;
    return ++counter;
}

QPointF rounded(const QPointF &p) { return QPointF(std::round(p.x()), std::round(p.y())); }

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
    Q_EMIT aboutToBeDestroyed();
    // QGraphicsScene's destructor deletes the items and may announce the selection change:
    // listeners would call this scene's members after its own part is gone (UBSan: vptr).
    blockSignals(true);
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
    // Out of the lists before deleting: deleting a selected item announces the selection
    // change, and its listeners walk m_edges and m_nodes.
    for (EdgeItem *item : std::exchange(m_edges, {}))
        deleteItem(item);
    for (auto &[id, item] : std::exchange(m_nodes, {}))
        deleteItem(item);
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
    placeEdgesOf(id);
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
    deleteItem(item);
    placeEdgesOf(id);
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
    std::vector<EdgeItem *> kept, dropped;
    for (EdgeItem *item : m_edges) {
        auto it = wanted.find(keyOf(item->edge()));
        if (it != wanted.end() && it->second > 0) {
            --it->second;
            kept.push_back(item);
        } else {
            dropped.push_back(item);
        }
    }
    // m_edges first: deleting a selected item announces the selection change, and listeners
    // walk m_edges (an item half-deleted there was used as an EdgeItem: UBSan, vptr).
    m_edges = kept;
    for (EdgeItem *item : dropped)
        deleteItem(item);
    const GraphAnalysis &analysis = m_doc->analysis();
    for (const auto &[key, count] : wanted)
        for (int i = 0; i < count; ++i) {
            const auto &[fromNode, fromPort, toNode, toPort] = key;
            auto *item = new EdgeItem(Edge{PortRef{NodeId{fromNode}, fromPort}, PortRef{NodeId{toNode}, toPort}});
            addItem(item);
            m_edges.push_back(item);
            placeEdge(item);
            // A provisional label; analysisChanged() follows every document change.
            const auto type = analysis.edgeType(item->edge());
            item->setLabel(type ? QString::fromStdString(formatShape(type->shape)) : QStringLiteral("?"));
        }
    updatePortStates();
}

void GraphScene::deleteItem(QGraphicsItem *item)
{
    // Taken off the scene while still whole, so the selection change is announced with the
    // item alive and already out of this scene's lists; then deleted.
    removeItem(item);
    delete item;
}

void GraphScene::placeEdge(EdgeItem *item)
{
    const Edge e = item->edge();
    NodeItem *from = nodeItem(e.from.node);
    NodeItem *to = nodeItem(e.to.node);
    if (!from || !to)
        return;
    const QPointF a = from->outputAnchor(), b = to->inputAnchor(e.to.port);
    // A downward edge whose straight run would cross other cards (a skip connection) takes a
    // lane left of them: the shape labels of the straight edges sit right of their lines.
    std::optional<qreal> lane;
    if (b.y() > a.y()) {
        const QRectF corridor(QPointF(std::min(a.x(), b.x()) - 10, a.y() + 1),
                              QPointF(std::max(a.x(), b.x()) + 10, b.y() - 1));
        qreal left = kCanvasHalfSize;
        for (const auto &[id, node] : m_nodes)
            if (node != from && node != to && node->sceneBoundingRect().intersects(corridor))
                left = std::min(left, node->sceneBoundingRect().left());
        if (left < kCanvasHalfSize)
            lane = std::min({left, a.x(), b.x()}) - 30;
    }
    item->setEndpoints(a, b, lane);
}

void GraphScene::placeEdgesOf(NodeId)
{
    // Any edge may need a lane around a node that moved, or no longer need one.
    for (EdgeItem *item : m_edges)
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
        const QString message = messageText(d.text);
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
    const QPointF topLeft = rounded(scenePos - QPointF(NodeItem::kWidth / 2, 30));
    const NodeId id = m_doc->addLayer(typeName, topLeft.x(), topLeft.y());
    if (id.valid())
        selectNodes({id});
    return id;
}

void GraphScene::deleteSelection() { m_doc->deleteItems(selectedNodeIds(), selectedEdges()); }

std::vector<NodeId> GraphScene::pasteNodes(const QByteArray &data, const QString &undoText)
{
    const std::vector<NodeId> ids = m_doc->pasteNodes(data, undoText);
    if (!ids.empty())
        selectNodes(ids);
    return ids;
}

std::vector<NodeId> GraphScene::duplicateSelection()
{
    const std::vector<NodeId> ids = m_doc->duplicateNodes(selectedNodeIds());
    if (!ids.empty())
        selectNodes(ids);
    return ids;
}

void GraphScene::arrangeLayers() { m_doc->arrangeLayers(); }

namespace {

// Errors at the nodes `at` of the project with `graph` in place of its own.
int errorsWith(const Project &project, const Graph &graph, std::initializer_list<NodeId> at)
{
    Project p = project;
    p.graph = graph;
    int errors = 0;
    const GraphAnalysis analysis = analyzeProject(p);
    for (const Diagnostic &d : analysis.diagnostics.items())
        if (d.severity == Severity::Error)
            for (NodeId id : at)
                errors += d.nodeId == id.value ? 1 : 0;
    return errors;
}

} // namespace

std::map<int, QPointF> GraphScene::roomBelow(const Graph &graph, const Node &card, NodeId above)
{
    // Every card from the new one's top down (but `above`) moves down by its height and a gap.
    const qreal gap = AutoLayoutOptions{}.layerGap;
    const qreal room = NodeItem::sizeFor(card).height() + gap;
    std::map<int, QPointF> moves;
    for (const Node &n : graph.nodes)
        if (n.id != above && n.y >= card.y - gap / 2)
            moves[n.id.value] = QPointF(n.x, n.y + room);
    return moves;
}

NodeId GraphScene::addLayerBelow(const QString &type, NodeId above)
{
    const Project &project = m_doc->project();
    const Node *parent = project.graph.node(above);
    NodeItem *parentItem = nodeItem(above);
    if (!parent || !parentItem)
        return {};
    const qreal gap = AutoLayoutOptions{}.layerGap;
    std::optional<Node> node = m_doc->makeLayer(type, parent->x, parent->y + parentItem->boundingRect().height() + gap);
    if (!node)
        return {};
    const Edge feed{PortRef{above, 0}, PortRef{node->id, 0}};

    // The graph with the new layer fed by `above`; then each outgoing edge of `above` in turn
    // goes through the new layer when that makes no more errors.
    Graph graph = project.graph;
    graph.nodes.push_back(*node);
    const bool fed = checkNewEdge(graph, feed).allowed();
    if (fed)
        graph.edges.push_back(feed);
    std::vector<Edge> through;
    if (fed) {
        // Judged by the errors at the edge's target only: the new layer's input is the same
        // either way, and until an edge leaves it the graph has an extra dangling output.
        for (const Edge &e : project.graph.edges) {
            if (e.from.node != above)
                continue;
            const int before = errorsWith(project, graph, {e.to.node});
            Graph candidate = graph;
            candidate.edges.erase(std::find(candidate.edges.begin(), candidate.edges.end(), e));
            candidate.edges.push_back(Edge{PortRef{node->id, 0}, e.to});
            if (errorsWith(project, candidate, {e.to.node}) <= before) {
                graph = std::move(candidate);
                through.push_back(e);
            }
        }
    }

    std::map<int, QPointF> moves = roomBelow(project.graph, *node, above);

    std::vector<Edge> added;
    if (fed)
        added.push_back(feed);
    for (const Edge &e : through)
        added.push_back(Edge{PortRef{node->id, 0}, e.to});
    QUndoStack *stack = m_doc->undoStack();
    stack->beginMacro(tr("Add %1 below %2").arg(type, QString::fromStdString(parent->name)));
    if (!moves.empty())
        stack->push(new MoveNodes(m_doc, std::move(moves)));
    if (!through.empty())
        stack->push(AddRemoveNodes::remove(m_doc, {}, QString(), through));
    stack->push(AddRemoveNodes::add(m_doc, {*node}, added, QString()));
    stack->endMacro();
    selectNodes({node->id});
    return node->id;
}

NodeId GraphScene::insertLayerOnEdge(const QString &type, const Edge &edge, const QPointF &scenePos)
{
    const Graph &graph = m_doc->project().graph;
    if (std::find(graph.edges.begin(), graph.edges.end(), edge) == graph.edges.end())
        return {};
    QPointF topLeft = rounded(scenePos - QPointF(NodeItem::kWidth / 2, 30));
    // Into an edge that runs down: the new card goes right under the source, in the column of
    // the point dropped on, and what is below moves down to make room.
    const Node *source = graph.node(edge.from.node);
    const Node *target = graph.node(edge.to.node);
    NodeItem *sourceItem = nodeItem(edge.from.node);
    const bool down = source && target && sourceItem && target->y > source->y;
    if (down)
        topLeft.setY(source->y + sourceItem->boundingRect().height() + AutoLayoutOptions{}.layerGap);
    std::optional<Node> node = m_doc->makeLayer(type, topLeft.x(), topLeft.y());
    if (!node)
        return {};
    if (down && std::abs(node->x - source->x) < NodeItem::kWidth / 2)
        node->x = source->x; // close to the source's column: in it
    std::map<int, QPointF> moves = down ? roomBelow(graph, *node, edge.from.node) : std::map<int, QPointF>{};
    std::vector<Edge> added{Edge{edge.from, PortRef{node->id, 0}}, Edge{PortRef{node->id, 0}, edge.to}};
    QUndoStack *stack = m_doc->undoStack();
    stack->beginMacro(tr("Insert %1").arg(type));
    if (!moves.empty())
        stack->push(new MoveNodes(m_doc, std::move(moves)));
    stack->push(AddRemoveNodes::remove(m_doc, {}, QString(), {edge}));
    stack->push(AddRemoveNodes::add(m_doc, {*node}, added, QString()));
    stack->endMacro();
    selectNodes({node->id});
    return node->id;
}

void GraphScene::disconnectNodes(const std::vector<NodeId> &ids)
{
    std::vector<Edge> edges;
    for (const Edge &e : m_doc->project().graph.edges)
        for (NodeId id : ids)
            if (e.from.node == id || e.to.node == id) {
                edges.push_back(e);
                break;
            }
    if (!edges.empty())
        m_doc->undoStack()->push(AddRemoveNodes::remove(m_doc, {}, tr("Disconnect"), edges));
}

void GraphScene::disconnectPort(const PortRef &port, bool input)
{
    std::vector<Edge> edges;
    for (const Edge &e : m_doc->project().graph.edges)
        if (input ? e.to == port : e.from.node == port.node)
            edges.push_back(e);
    if (!edges.empty())
        m_doc->undoStack()->push(AddRemoveNodes::remove(m_doc, {}, tr("Disconnect"), edges));
}

EdgeCheck GraphScene::reattachEdge(const Edge &old, const Edge &replacement)
{
    const Graph &graph = m_doc->project().graph;
    if (std::find(graph.edges.begin(), graph.edges.end(), old) == graph.edges.end())
        return EdgeCheck{EdgeRefusal::MissingSource, tr("The connection is gone.").toStdString()};
    if (old == replacement)
        return {};
    EdgeCheck check = checkEdgeWithout(replacement, old);
    if (!check.allowed())
        return check;
    QUndoStack *stack = m_doc->undoStack();
    stack->beginMacro(tr("Reconnect"));
    stack->push(AddRemoveNodes::remove(m_doc, {}, QString(), {old}));
    stack->push(new AddRemoveEdge(m_doc, replacement, true));
    stack->endMacro();
    return check;
}

// ---- gestures --------------------------------------------------------------------------------

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_connecting && beginGestureAt(event->scenePos())) {
        event->accept();
        return;
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

PortItem *GraphScene::portAt(const QPointF &scenePos, NodeItem **node) const
{
    if (node)
        *node = nullptr;
    // Edges end on ports and lie above the cards: look through them.
    for (QGraphicsItem *item : items(scenePos)) {
        if (item == m_rubber || item == m_refusalText || item->type() == EdgeItem::Type)
            continue;
        if (auto *p = qgraphicsitem_cast<PortItem *>(item)) {
            if (node)
                *node = p->node();
            return p;
        }
        if (auto *n = qgraphicsitem_cast<NodeItem *>(item)) {
            if (node)
                *node = n;
            return nullptr;
        }
    }
    return nullptr;
}

EdgeItem *GraphScene::edgeAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos))
        if (auto *e = qgraphicsitem_cast<EdgeItem *>(item))
            return e;
    return nullptr;
}

bool GraphScene::beginGestureAt(const QPointF &scenePos)
{
    if (PortItem *port = portAt(scenePos)) {
        if (!port->isInput()) { // a new connection from the output
            beginConnection(port->ref(), false, std::nullopt, scenePos);
            return true;
        }
        // An input: its edge's end moves, or a new connection starts from the free input.
        for (const Edge &e : m_doc->project().graph.edges)
            if (e.to == port->ref()) {
                beginConnection(e.from, false, e, scenePos);
                return true;
            }
        beginConnection(port->ref(), true, std::nullopt, scenePos);
        return true;
    }
    // Near either end of an edge's line: that end moves.
    if (EdgeItem *item = edgeAt(scenePos); item && !item->labelRect().contains(scenePos)) {
        constexpr qreal kEndReach = 28.0;
        const Edge e = item->edge();
        if (QLineF(scenePos, item->sourcePoint()).length() <= kEndReach) {
            beginConnection(e.to, true, e, scenePos);
            return true;
        }
        if (QLineF(scenePos, item->targetPoint()).length() <= kEndReach) {
            beginConnection(e.from, false, e, scenePos);
            return true;
        }
    }
    return false;
}

void GraphScene::beginConnection(const PortRef &fixed, bool fixedIsInput, const std::optional<Edge> &original,
                                 const QPointF &scenePos)
{
    m_connecting = true;
    m_connectFrom = fixed;
    m_fromInput = fixedIsInput;
    m_reattach = original;
    m_target = PortRef{};
    m_targetAllowed = false;
    m_refusal.clear();
    if (original)
        if (EdgeItem *item = edgeItem(*original))
            item->setVisible(false); // the rubber line stands for it while its end moves
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

Edge GraphScene::pendingEdge() const
{
    return m_fromInput ? Edge{PortRef{m_target.node, 0}, m_connectFrom} : Edge{m_connectFrom, m_target};
}

void GraphScene::setTargetHighlight(PortItem *port, bool allowed)
{
    // Clear the old target's highlight; its item is looked up again because ports can be
    // recreated while a drag is in progress.
    for (const auto &[id, item] : m_nodes) {
        for (int i = 0; i < item->inputCount(); ++i)
            item->inputPort(i)->setHighlight(PortItem::Highlight::None);
        item->outputPort()->setHighlight(PortItem::Highlight::None);
    }
    if (port)
        port->setHighlight(allowed ? PortItem::Highlight::Allowed : PortItem::Highlight::Refused);
}

void GraphScene::updateConnection(const QPointF &scenePos)
{
    NodeItem *fixedNode = nodeItem(m_connectFrom.node);
    if (!fixedNode) {
        cancelConnection();
        return;
    }
    // The port under the pointer: a port itself, or, over a card, its output (when looking for
    // an output) or its first free input (its first input when all are taken, so that the
    // refusal says why). A port of the other kind is nothing to connect to, not a refusal.
    NodeItem *node = nullptr;
    PortItem *port = portAt(scenePos, &node);
    if (port && port->isInput() != !m_fromInput) {
        port = nullptr;
        node = nullptr;
    }
    if (node && !port) {
        if (m_fromInput) {
            port = node->outputPort();
        } else {
            const Graph &graph = m_doc->project().graph;
            for (int i = 0; i < node->inputCount() && !port; ++i) {
                bool taken = false;
                for (const Edge &e : graph.edges)
                    taken =
                        taken || (e.to.node == node->nodeId() && e.to.port == i && !(m_reattach && e == *m_reattach));
                if (!taken)
                    port = node->inputPort(i);
            }
            if (!port)
                port = node->inputPort(0);
        }
    }

    QPointF end = scenePos;
    m_target = PortRef{};
    m_targetAllowed = false;
    m_refusal.clear();
    if (port) {
        m_target = port->ref();
        m_refusal = refusalOf(pendingEdge());
        m_targetAllowed = m_refusal.isEmpty();
        if (m_targetAllowed)
            end = port->scenePos();
    } else if (node) {
        m_target = PortRef{node->nodeId(), -1};
        m_refusal = refusalOf(pendingEdge());
    }
    setTargetHighlight(port, m_targetAllowed);

    const bool refused = !m_refusal.isEmpty();
    QPen pen(refused           ? QColor(200, 30, 30)
             : m_targetAllowed ? QColor(30, 140, 60)
                               : QColor(80, 90, 105),
             2.0, refused ? Qt::DashLine : Qt::SolidLine);
    m_rubber->setPen(pen);
    m_rubber->setPath(m_fromInput ? EdgeItem::curve(end, fixedNode->inputAnchor(m_connectFrom.port))
                                  : EdgeItem::curve(fixedNode->outputAnchor(), end));
    m_refusalText->setText(m_refusal);
    m_refusalText->setPos(
        scenePos + QPointF(12, 12) / std::max(0.05, views().isEmpty() ? 1.0 : views().first()->transform().m11()));
    m_refusalText->setVisible(refused);
    for (QGraphicsView *view : views())
        view->viewport()->setCursor(refused ? Qt::ForbiddenCursor : Qt::CrossCursor);
}

QString GraphScene::refusalOf(const Edge &edge) const
{
    if (m_reattach && edge == *m_reattach)
        return {}; // put back where it was
    return messageText(checkEdgeWithout(edge, m_reattach).text);
}

EdgeCheck GraphScene::checkEdgeWithout(const Edge &edge, const std::optional<Edge> &without) const
{
    if (!without)
        return m_doc->checkEdge(edge);
    Graph graph = m_doc->project().graph;
    auto it = std::find(graph.edges.begin(), graph.edges.end(), *without);
    if (it != graph.edges.end())
        graph.edges.erase(it);
    return checkNewEdge(graph, edge);
}

void GraphScene::finishConnection()
{
    const Edge edge = pendingEdge();
    const std::optional<Edge> original = m_reattach;
    const bool allowed = m_targetAllowed && m_refusal.isEmpty();
    cancelConnection();
    if (!allowed)
        return;
    if (original)
        reattachEdge(*original, edge);
    else
        m_doc->connectPorts(edge); // checks again: the graph may have changed since
}

void GraphScene::cancelConnection()
{
    if (!m_connecting)
        return;
    m_connecting = false;
    m_targetAllowed = false;
    m_refusal.clear();
    m_target = PortRef{};
    if (m_reattach)
        if (EdgeItem *item = edgeItem(*m_reattach))
            item->setVisible(true);
    m_reattach.reset();
    setTargetHighlight(nullptr, false);
    delete m_rubber;
    m_rubber = nullptr;
    delete m_refusalText;
    m_refusalText = nullptr;
    for (QGraphicsView *view : views())
        view->viewport()->unsetCursor();
}

} // namespace torchwright::ui
