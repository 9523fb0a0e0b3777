#include "minimap.h"

#include "edgeitem.h"
#include "graphscene.h"
#include "graphview.h"
#include "nodeitem.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace torchwright::ui {

namespace {
constexpr int kMaxSide = 200; // the map's longer side, pixels
constexpr int kMargin = 12;   // from the viewport's corner
constexpr int kInset = 6;     // inside the map's frame
} // namespace

Minimap::Minimap(GraphView *view) : QWidget(view->viewport()), m_view(view)
{
    setObjectName(QStringLiteral("graphOverview"));
    setToolTip(tr("Overview: click or drag to move the view"));
    setCursor(Qt::PointingHandCursor);
    hide();
}

QRectF Minimap::sceneArea() const
{
    GraphScene *scene = m_view->graphScene();
    const QRectF graph = scene ? scene->graphBoundingRect() : QRectF();
    return graph.isNull() ? QRectF() : graph.adjusted(-40, -40, 40, 40);
}

qreal Minimap::scale() const
{
    const QRectF area = sceneArea();
    if (area.isEmpty())
        return 1.0;
    return std::min((width() - 2.0 * kInset) / area.width(), (height() - 2.0 * kInset) / area.height());
}

QPointF Minimap::toScene(const QPointF &mapPoint) const
{
    const QRectF area = sceneArea();
    const qreal s = scale();
    const QPointF origin(kInset + (width() - 2.0 * kInset - area.width() * s) / 2,
                         kInset + (height() - 2.0 * kInset - area.height() * s) / 2);
    return area.topLeft() + (mapPoint - origin) / s;
}

QPointF Minimap::fromScene(const QPointF &scenePoint) const
{
    const QRectF area = sceneArea();
    const qreal s = scale();
    const QPointF origin(kInset + (width() - 2.0 * kInset - area.width() * s) / 2,
                         kInset + (height() - 2.0 * kInset - area.height() * s) / 2);
    return origin + (scenePoint - area.topLeft()) * s;
}

void Minimap::relayout()
{
    const QRectF area = sceneArea();
    if (area.isEmpty())
        return;
    // At most a third of the view either way, so that it never hides much of the canvas.
    const QRect port = m_view->viewport()->rect();
    const qreal side = std::min<qreal>({kMaxSide, port.width() / 3.0, port.height() / 3.0});
    const qreal s = std::min(side / area.width(), side / area.height());
    const QSize size(std::max(60, int(area.width() * s) + 2 * kInset),
                     std::max(60, int(area.height() * s) + 2 * kInset));
    setGeometry(port.right() - size.width() - kMargin, port.bottom() - size.height() - kMargin, size.width(),
                size.height());
    update();
}

void Minimap::paintEvent(QPaintEvent *)
{
    GraphScene *scene = m_view->graphScene();
    if (!scene)
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(120, 125, 135), 1));
    p.setBrush(QColor(255, 255, 255, 230));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

    p.setPen(QPen(QColor(120, 130, 145), 1));
    for (EdgeItem *edge : scene->edgeItems())
        if (edge->isVisible())
            p.drawLine(fromScene(edge->sourcePoint()), fromScene(edge->targetPoint()));
    for (NodeItem *node : scene->nodeItems()) {
        const QRectF r = node->sceneBoundingRect();
        p.setPen(Qt::NoPen);
        p.setBrush(node->hasError()     ? QColor(220, 80, 80)
                   : node->isSelected() ? QColor(30, 100, 220)
                                        : QColor(110, 120, 140));
        p.drawRect(QRectF(fromScene(r.topLeft()), fromScene(r.bottomRight())));
    }
    const QRectF seen = m_view->mapToScene(m_view->viewport()->rect()).boundingRect();
    p.setPen(QPen(QColor(30, 100, 220), 1.5));
    p.setBrush(QColor(30, 100, 220, 40));
    p.drawRect(QRectF(fromScene(seen.topLeft()), fromScene(seen.bottomRight())).intersected(QRectF(rect())));
}

void Minimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        m_view->panTo(toScene(event->position()));
    event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        m_view->panTo(toScene(event->position()));
    event->accept();
}

} // namespace torchwright::ui
