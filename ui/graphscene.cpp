#include "graphscene.h"

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
    m_target = PortRef{};
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
    m_target = PortRef{};
    m_targetAllowed = false;
    m_refusal.clear();
    if (port) {
        m_target = port->ref();
        m_refusal = refusalOf(Edge{m_connectFrom, m_target});
        m_targetAllowed = m_refusal.isEmpty();
        if (m_targetAllowed)
            end = port->scenePos();
    } else if (node) {
        m_target = PortRef{node->nodeId(), -1};
        m_refusal = refusalOf(Edge{m_connectFrom, m_target});
    }
    setTargetHighlight(port, m_targetAllowed);

    const bool refused = !m_refusal.isEmpty();
    QPen pen(refused           ? QColor(200, 30, 30)
             : m_targetAllowed ? QColor(30, 140, 60)
                               : QColor(80, 90, 105),
             2.0, refused ? Qt::DashLine : Qt::SolidLine);
    m_rubber->setPen(pen);
    m_rubber->setPath(EdgeItem::curve(source->outputAnchor(), end));
    m_refusalText->setText(m_refusal);
    m_refusalText->setPos(
        scenePos + QPointF(12, 12) / std::max(0.05, views().isEmpty() ? 1.0 : views().first()->transform().m11()));
    m_refusalText->setVisible(refused);
    for (QGraphicsView *view : views())
        view->viewport()->setCursor(refused ? Qt::ForbiddenCursor : Qt::CrossCursor);
}

QString GraphScene::refusalOf(const Edge &edge) const { return QString::fromStdString(m_doc->checkEdge(edge).message); }

void GraphScene::finishConnection()
{
    const Edge edge{m_connectFrom, m_target};
    const bool allowed = m_targetAllowed && m_refusal.isEmpty();
    cancelConnection();
    if (allowed)
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
    setTargetHighlight(nullptr, false);
    delete m_rubber;
    m_rubber = nullptr;
    delete m_refusalText;
    m_refusalText = nullptr;
    for (QGraphicsView *view : views())
        view->viewport()->unsetCursor();
}

} // namespace torchwright::ui
