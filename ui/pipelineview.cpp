#include "pipelineview.h"

namespace torchwright::ui {

PipelineView::PipelineView(QGraphicsScene *scene, QWidget *parent) : QGraphicsView(scene, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setObjectName("pipelineView");
}

void PipelineView::fit()
{
    const QRectF r = scene()->itemsBoundingRect().adjusted(-30, -30, 30, 30);
    fitInView(r, Qt::KeepAspectRatio);
}

void PipelineView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    fit();
}

void PipelineView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    fit();
}

} // namespace torchwright::ui
