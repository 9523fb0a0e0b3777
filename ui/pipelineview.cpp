#include "pipelineview.h"

#include <QAction>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace torchwright::ui {

PipelineView::PipelineView(QGraphicsScene *scene, QWidget *parent) : QGraphicsView(scene, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setObjectName("pipelineView");
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    auto action = [this](const QString &text, const QList<QKeySequence> &keys) {
        auto *a = new QAction(text, this);
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        return a;
    };
    m_zoomIn = action(tr("Zoom &In"), QKeySequence::keyBindings(QKeySequence::ZoomIn));
    m_zoomOut = action(tr("Zoom &Out"), QKeySequence::keyBindings(QKeySequence::ZoomOut));
    m_fit = action(tr("&Fit to View"), {QKeySequence(Qt::CTRL | Qt::Key_0)});
    connect(m_zoomIn, &QAction::triggered, this, &PipelineView::zoomIn);
    connect(m_zoomOut, &QAction::triggered, this, &PipelineView::zoomOut);
    connect(m_fit, &QAction::triggered, this, &PipelineView::fit);
}

qreal PipelineView::zoom() const { return transform().m11(); }

void PipelineView::setZoom(qreal zoom)
{
    m_autoFit = false;
    const qreal z = std::clamp(zoom, kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(z, z));
}

void PipelineView::zoomIn() { setZoom(zoom() * 1.2); }

void PipelineView::zoomOut() { setZoom(zoom() / 1.2); }

void PipelineView::fit()
{
    m_autoFit = true;
    const QRectF r = scene()->itemsBoundingRect().adjusted(-30, -30, 30, 30);
    setSceneRect(r);
    const QSize area = viewport()->size();
    if (r.isEmpty() || area.isEmpty())
        return;
    const qreal z =
        std::clamp(std::min(area.width() / r.width(), area.height() / r.height()), kMinFitZoom, kMaxFitZoom);
    setTransform(QTransform::fromScale(z, z));
    // Too wide to fit at a readable size: start where the pipeline starts, on the left.
    const qreal visibleWidth = area.width() / z;
    centerOn(QPointF(visibleWidth < r.width() ? r.left() + visibleWidth / 2 : r.center().x(), r.center().y()));
}

void PipelineView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit)
        fit();
}

void PipelineView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_autoFit)
        fit();
}

void PipelineView::wheelEvent(QWheelEvent *event)
{
    if (!(event->modifiers() & Qt::ControlModifier) || event->angleDelta().y() == 0) {
        QGraphicsView::wheelEvent(event); // scrolls
        return;
    }
    // 120 units are one notch; each notch zooms by 15 %, around the cursor.
    setZoom(zoom() * std::pow(1.15, event->angleDelta().y() / 120.0));
    event->accept();
}

} // namespace torchwright::ui
