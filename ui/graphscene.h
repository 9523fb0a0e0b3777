#pragma once
// The layer graph on a canvas. Built from a ProjectDocument and only reacting to its signals:
// items are created, moved, relabelled and deleted when the document says so, never by the
// user's gestures directly. Gestures (connecting ports, dragging nodes) and editing requests
// (add, delete, paste, duplicate, arrange) become the document's operations, each one undo
// step; whether a connection may be made is the engine's rule (checkNewEdge()). Lives on the
// GUI thread; the document must outlive the scene.

#include "projectdocument.h"

#include <QGraphicsScene>
#include <QPointer>

#include <map>
#include <optional>
#include <vector>

class QGraphicsPathItem;
class QGraphicsSimpleTextItem;

namespace torchwright::ui {

class EdgeItem;
class NodeItem;
class PortItem;

class GraphScene : public QGraphicsScene {
    Q_OBJECT

public:
    explicit GraphScene(ProjectDocument *doc, QObject *parent = nullptr);
    ~GraphScene() override;

    ProjectDocument *document() const { return m_doc; }

    NodeItem *nodeItem(NodeId id) const;        // nullptr when the node has no item
    EdgeItem *edgeItem(const Edge &edge) const; // the first item showing `edge`, or nullptr
    std::vector<NodeItem *> nodeItems() const;  // in the document's node order
    std::vector<EdgeItem *> edgeItems() const;
    QRectF nodesBoundingRect() const; // null when there are no nodes
    QRectF graphBoundingRect() const; // nodes and edges; null when empty

    // Selected nodes in the document's order, and selected edges.
    std::vector<NodeId> selectedNodeIds() const;
    std::vector<Edge> selectedEdges() const;
    // Replaces the selection; selectionChanged() fires once.
    void selectNodes(const std::vector<NodeId> &ids);

    // ---- editing: each is one ProjectDocument operation, so one undo step (or nothing when
    // there is nothing to do); the scene only selects what was made -----------------------
    // ProjectDocument::addLayer() centred at `scenePos`; selects it. Returns its id, invalid
    // for an unknown type.
    NodeId addLayer(const QString &type, const QPointF &scenePos);
    // Removes the selected nodes (with every edge touching them) and the selected edges.
    void deleteSelection();
    // ProjectDocument::pasteNodes(); selects the new nodes and returns their ids.
    std::vector<NodeId> pasteNodes(const QByteArray &data, const QString &undoText);
    // ProjectDocument::duplicateNodes() of the selection; selects the copies.
    std::vector<NodeId> duplicateSelection();
    // ProjectDocument::arrangeLayers().
    void arrangeLayers();
    // A layer of `type` under `above`, connected from it; `above`'s other outgoing edges are
    // re-wired through it where the shapes stay valid, and the layers below move down to make
    // room. One undo step; selects the new layer and returns its id (invalid when the type or
    // the node is unknown).
    NodeId addLayerBelow(const QString &type, NodeId above);
    // A layer of `type` put into `edge`: its source feeds the new layer, which feeds the edge's
    // input. Into an edge that runs down it goes right under the source (in its column when
    // `scenePos` is near it) and the cards below move down to make room; otherwise it is
    // centred at `scenePos`. One undo step; selects it and returns its id.
    NodeId insertLayerOnEdge(const QString &type, const Edge &edge, const QPointF &scenePos);
    // Removes every edge touching the nodes (one undo step; nothing when there are none).
    void disconnectNodes(const std::vector<NodeId> &ids);
    // Removes the edges at a port: an input's edge, or every edge leaving an output.
    void disconnectPort(const PortRef &port, bool input);
    // Replaces `old` by `replacement` in one undo step when the engine allows the replacement
    // in the graph without `old`; returns that check.
    EdgeCheck reattachEdge(const Edge &old, const Edge &replacement);
    // Whether `edge` may be added once `without` is gone (checkNewEdge() on that graph).
    EdgeCheck checkEdgeWithout(const Edge &edge, const std::optional<Edge> &without) const;
    // The top-most edge (line or label) at `scenePos`, or nullptr.
    EdgeItem *edgeAt(const QPointF &scenePos) const;
    // The port at `scenePos`, or nullptr; `node` (may be null) gets the card under it.
    PortItem *portAt(const QPointF &scenePos, NodeItem **node = nullptr) const;

    // ---- the connection being dragged: from an output to an input, from an input to an
    // output, or one end of an existing edge being moved to another port ---------------------
    bool isConnecting() const { return m_connecting; }
    // The edge whose end is being moved, if that is what the drag does.
    std::optional<Edge> reattaching() const { return m_reattach; }
    // True while the pointer is over an input the connection may end in.
    bool connectionAllowed() const { return m_connecting && m_targetAllowed; }
    // Why the input under the pointer is refused; empty when allowed or over nothing.
    QString connectionRefusal() const { return m_refusal; }

Q_SIGNALS:
    // From the destructor, while the scene is still whole: views stop asking it anything.
    void aboutToBeDestroyed();

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    // Document signals.
    void rebuild();
    NodeItem *ensureNodeItem(const Node &node);
    void onNodeAdded(NodeId id);
    void onNodeRemoved(NodeId id);
    void onNodeChanged(NodeId id);
    void onNodeMoved(NodeId id);
    void syncEdges();
    void onAnalysisChanged();

    void placeEdgesOf(NodeId id);
    void placeEdge(EdgeItem *item);
    void deleteItem(QGraphicsItem *item);
    void updatePortStates();

    // Connection drag. `fixed` is the end that stays; `fixedIsInput` when the pointer looks
    // for an output; `original` the edge whose other end moves.
    void beginConnection(const PortRef &fixed, bool fixedIsInput, const std::optional<Edge> &original,
                         const QPointF &scenePos);
    Edge pendingEdge() const; // the fixed end and m_target, in the right order
    void updateConnection(const QPointF &scenePos);
    // Why the document refuses `edge` (checkNewEdge()), empty when it may be made.
    QString refusalOf(const Edge &edge) const;
    void finishConnection();
    void cancelConnection();
    void setTargetHighlight(PortItem *port, bool allowed);
    // Moves for every card of `graph` from `card`'s top down (but `above`) to make room for it.
    static std::map<int, QPointF> roomBelow(const Graph &graph, const Node &card, NodeId above);
    // What the press at scenePos starts: a connection or an edge's end moving; false: neither.
    bool beginGestureAt(const QPointF &scenePos);

    ProjectDocument *m_doc;
    std::map<int, NodeItem *> m_nodes; // by node id; items owned by the scene
    std::vector<EdgeItem *> m_edges;   // owned by the scene

    bool m_connecting = false;
    PortRef m_connectFrom;    // the fixed end
    bool m_fromInput = false; // the fixed end is an input: the pointer looks for an output
    std::optional<Edge> m_reattach;
    PortRef m_target; // node invalid when the pointer is over no input
    bool m_targetAllowed = false;
    QString m_refusal;
    QGraphicsPathItem *m_rubber = nullptr;            // the line being dragged; owned by the scene
    QGraphicsSimpleTextItem *m_refusalText = nullptr; // its explanation; owned by the scene

    bool m_moving = false;
    bool m_moved = false;
    int m_dragId = 0;
    QPointF m_moveAnchor;                 // scene point where the drag started
    std::map<int, QPointF> m_moveOrigins; // positions of the dragged nodes at its start
};

} // namespace torchwright::ui
