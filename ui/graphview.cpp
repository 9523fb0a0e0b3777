#include "graphview.h"

#include "edgeitem.h"
#include "graphscene.h"
#include "layerpalette.h"
#include "minimap.h"
#include "nodeitem.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace torchwright::ui {

GraphView::GraphView(GraphScene *scene, QWidget *parent) : QGraphicsView(scene, parent), m_scene(scene)
{
    setObjectName(QStringLiteral("graphView"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    // Zoom and pan move the scroll bars themselves; the canvas is far larger than any graph,
    // so the bars would tell nothing.
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    connect(scene->document(), &ProjectDocument::projectReset, this, &GraphView::onProjectReset);
    m_overview = new Minimap(this);
    connect(scene, &QGraphicsScene::changed, this, &GraphView::updateOverview);
    // Clearing the scene's views from its destructor scrolls them: nothing may ask it then.
    connect(scene, &GraphScene::aboutToBeDestroyed, this, [this] { m_scene = nullptr; });
}

qreal GraphView::zoom() const { return transform().m11(); }

void GraphView::setZoom(qreal zoom, const QPoint &viewAnchor)
{
    m_autoFit = false;
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const QPointF scenePoint = mapToScene(viewAnchor);
    setTransform(QTransform::fromScale(zoom, zoom));
    // Scroll so that the anchored scene point is back under the anchor.
    const QPointF nowAt = mapFromScene(scenePoint);
    scrollBy((nowAt - QPointF(viewAnchor)).toPoint());
    updateOverview();
}

void GraphView::setZoom(qreal zoom) { setZoom(zoom, viewport()->rect().center()); }

void GraphView::zoomBy(qreal factor, const QPoint &viewAnchor) { setZoom(this->zoom() * factor, viewAnchor); }

void GraphView::zoomIn() { zoomBy(1.25, viewport()->rect().center()); }
void GraphView::zoomOut() { zoomBy(1 / 1.25, viewport()->rect().center()); }

void GraphView::scrollBy(const QPoint &delta)
{
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + delta.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() + delta.y());
}

void GraphView::fitToView()
{
    if (!m_scene)
        return;
    const QRectF bounds = m_scene->graphBoundingRect();
    if (bounds.isNull()) {
        resetTransform();
        centerOn(0, 0);
        return;
    }
    const QRectF target = bounds.adjusted(-40, -40, 40, 40);
    const QRect port = viewport()->rect();
    const qreal fit = std::min(port.width() / target.width(), port.height() / target.height());
    const qreal z = std::clamp(fit, readableZoom(), 1.0);
    setTransform(QTransform::fromScale(z, z));
    // What does not fit is shown from the top (where the Input is), and from the left when it
    // is wider than the view as well.
    const QSizeF seen(port.width() / z, port.height() / z);
    QPointF centre = target.center();
    if (target.height() > seen.height())
        centre.setY(target.top() + seen.height() / 2);
    if (target.width() > seen.width())
        centre.setX(target.left() + seen.width() / 2);
    centerOn(centre);
    updateOverview();
}

void GraphView::panTo(const QPointF &scenePoint)
{
    m_autoFit = false;
    centerOn(scenePoint);
    updateOverview();
}

void GraphView::updateOverview()
{
    if (!m_overview)
        return; // still being built
    const QRectF graph = m_scene ? m_scene->graphBoundingRect() : QRectF();
    const QRectF seen = mapToScene(viewport()->rect()).boundingRect();
    const bool show = !graph.isNull() && !seen.contains(graph);
    if (show) {
        m_overview->relayout();
        m_overview->raise();
    }
    m_overview->setVisible(show);
}

void GraphView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    updateOverview();
}

qreal GraphView::readableZoom() { return NodeItem::readableZoom(); }

void GraphView::centerOnNode(NodeId id)
{
    if (NodeItem *item = m_scene ? m_scene->nodeItem(id) : nullptr) {
        m_autoFit = false;
        centerOn(item);
    }
}

QPointF GraphView::visibleCenter() const { return mapToScene(viewport()->rect().center()); }

void GraphView::onProjectReset()
{
    m_autoFit = true;
    if (isVisible())
        fitToView();
}

void GraphView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_autoFit)
        fitToView();
}

void GraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit && isVisible())
        fitToView();
    updateOverview();
}

void GraphView::wheelEvent(QWheelEvent *event)
{
    // The wheel scrolls a tall graph, Ctrl+wheel zooms: as the pipeline canvas and most editors.
    const QPoint steps = event->angleDelta();
    if (steps.y() == 0 || !(event->modifiers() & Qt::ControlModifier)) {
        m_autoFit = false;
        QGraphicsView::wheelEvent(event);
        return;
    }
    // 120 units are one notch; each notch zooms by 15 %.
    const qreal factor = std::pow(1.15, steps.y() / 120.0);
    zoomBy(factor, event->position().toPoint());
    event->accept();
}

void GraphView::mousePressEvent(QMouseEvent *event)
{
    const bool pan = event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld);
    if (pan) {
        m_panning = true;
        m_autoFit = false;
        m_lastPanPos = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint pos = event->position().toPoint();
        scrollBy(m_lastPanPos - pos);
        m_lastPanPos = pos;
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        if (event->buttons() & (Qt::MiddleButton | Qt::LeftButton))
            return; // the other pan button is still down
        m_panning = false;
        if (m_spaceHeld)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            m_spaceHeld = true;
            if (!m_panning)
                viewport()->setCursor(Qt::OpenHandCursor);
        }
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            m_spaceHeld = false;
            if (!m_panning)
                viewport()->unsetCursor();
        }
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void GraphView::focusOutEvent(QFocusEvent *event)
{
    // The space key's release goes elsewhere once focus has left.
    m_spaceHeld = false;
    QGraphicsView::focusOutEvent(event);
}

void GraphView::dragEnterEvent(QDragEnterEvent *event)
{
    if (!LayerPalette::typeFromMimeData(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
        return;
    }
    QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent *event)
{
    if (!LayerPalette::typeFromMimeData(event->mimeData()).isEmpty()) {
        const QPoint at = event->position().toPoint();
        markDropTarget(&at);
        event->acceptProposedAction();
        return;
    }
    QGraphicsView::dragMoveEvent(event);
}

void GraphView::dragLeaveEvent(QDragLeaveEvent *event)
{
    markDropTarget(nullptr);
    QGraphicsView::dragLeaveEvent(event);
}

void GraphView::markDropTarget(const QPoint *viewPos)
{
    if (!m_scene)
        return;
    EdgeItem *target = viewPos ? m_scene->edgeAt(mapToScene(*viewPos)) : nullptr;
    for (EdgeItem *edge : m_scene->edgeItems())
        edge->setDropTarget(edge == target);
}

void GraphView::dropEvent(QDropEvent *event)
{
    const QString type = LayerPalette::typeFromMimeData(event->mimeData());
    if (type.isEmpty()) {
        QGraphicsView::dropEvent(event);
        return;
    }
    markDropTarget(nullptr);
    const QPointF at = mapToScene(event->position().toPoint());
    EdgeItem *edge = m_scene ? m_scene->edgeAt(at) : nullptr;
    const NodeId added = !m_scene ? NodeId{}
                         : edge   ? m_scene->insertLayerOnEdge(type, edge->edge(), at)
                                  : m_scene->addLayer(type, at);
    if (added.valid())
        event->acceptProposedAction();
    else
        event->ignore();
    setFocus(Qt::OtherFocusReason);
}

} // namespace torchwright::ui
