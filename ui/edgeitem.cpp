#include "edgeitem.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace torchwright::ui {

namespace {

QFont labelFont()
{
    QFont f;
    f.setPointSizeF(7.5);
    return f;
}

} // namespace

EdgeItem::EdgeItem(const Edge &edge) : m_edge(edge)
{
    setFlag(ItemIsSelectable);
    // Above the nodes, so that labels in the gap between two boxes stay readable.
    setZValue(1);
}

QPainterPath EdgeItem::curve(const QPointF &from, const QPointF &to)
{
    // Horizontal tangents at both ends. A backward edge (into a node further left) loops out
    // by a fixed amount, so that a long one does not sweep across half the canvas.
    const qreal dx = to.x() - from.x();
    const qreal bend = dx >= 0 ? std::max(40.0, dx / 2) : 150.0;
    QPainterPath path(from);
    path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
    return path;
}

void EdgeItem::setEndpoints(const QPointF &from, const QPointF &to)
{
    prepareGeometryChange();
    setPath(curve(from, to));
}

void EdgeItem::setLabel(const QString &label)
{
    if (label == m_label)
        return;
    prepareGeometryChange();
    m_label = label;
    update();
}

void EdgeItem::setProblem(bool problem)
{
    if (problem == m_problem)
        return;
    m_problem = problem;
    update();
}

QRectF EdgeItem::labelRect() const
{
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(m_label) + 8, fm.height() + 2);
    // Centred just above the curve's midpoint.
    const QPointF mid = path().pointAtPercent(0.5);
    return QRectF(mid - QPointF(size.width() / 2, size.height() + 2), size);
}

QRectF EdgeItem::boundingRect() const
{
    return path().boundingRect().adjusted(-4, -4, 4, 4).united(labelRect().adjusted(-1, -1, 1, 1));
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(8);
    QPainterPath s = stroker.createStroke(path());
    s.addRect(labelRect());
    return s;
}

void EdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const bool selected = option->state & QStyle::State_Selected;
    QColor color = m_problem ? QColor(200, 30, 30) : QColor(80, 90, 105);
    if (selected)
        color = QColor(30, 100, 220);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(color, selected ? 2.5 : 1.6));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());

    const QRectF r = labelRect();
    painter->setPen(QPen(color.lighter(150), 0.8));
    painter->setBrush(QColor(255, 255, 255, 225));
    painter->drawRoundedRect(r, 3, 3);
    painter->setFont(labelFont());
    painter->setPen(m_problem ? QColor(170, 20, 20) : QColor(40, 45, 55));
    painter->drawText(r, Qt::AlignCenter, m_label);
}

} // namespace torchwright::ui
