#include "edgeitem.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace torchwright::ui {

namespace {

} // namespace

QFont EdgeItem::labelFont() { return QApplication::font(); }

EdgeItem::EdgeItem(const Edge &edge) : m_edge(edge)
{
    setFlag(ItemIsSelectable);
    // Above the nodes, so that labels in the gap between two boxes stay readable.
    setZValue(1);
}

QPainterPath EdgeItem::curve(const QPointF &from, const QPointF &to)
{
    // Vertical tangents at both ends. A backward edge (into a node further up) loops out by a
    // fixed amount, so that a long one does not sweep across half the canvas.
    const qreal dy = to.y() - from.y();
    const qreal bend = dy >= 0 ? std::max(30.0, dy / 2) : 150.0;
    QPainterPath path(from);
    path.cubicTo(from + QPointF(0, bend), to - QPointF(0, bend), to);
    return path;
}

QPainterPath EdgeItem::laneCurve(const QPointF &from, const QPointF &to, qreal lane)
{
    // Down out of the port, over to the lane, straight down it, and back in from above.
    const qreal turn = std::min(50.0, (to.y() - from.y()) / 3);
    const QPointF enter(lane, from.y() + turn), leave(lane, to.y() - turn);
    QPainterPath path(from);
    path.cubicTo(from + QPointF(0, turn * 0.8), enter - QPointF(0, turn * 0.8), enter);
    path.lineTo(leave);
    path.cubicTo(leave + QPointF(0, turn * 0.8), to - QPointF(0, turn * 0.8), to);
    return path;
}

void EdgeItem::setEndpoints(const QPointF &from, const QPointF &to, std::optional<qreal> lane)
{
    if (lane && to.y() - from.y() < 60)
        lane.reset(); // no room for a lane: the plain curve
    prepareGeometryChange();
    m_from = from;
    m_to = to;
    m_lane = lane;
    setPath(lane ? laneCurve(from, to, *lane) : curve(from, to));
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

void EdgeItem::setDropTarget(bool target)
{
    if (target == m_dropTarget)
        return;
    m_dropTarget = target;
    update();
}

QRectF EdgeItem::labelRect() const
{
    const QFontMetricsF fm(labelFont());
    const QSizeF size(fm.horizontalAdvance(m_label) + 10, fm.height() + 4);
    // Beside the line at its middle, so that it hides no line: right of it, or on a lane (which
    // runs left of the cards it passes) left of the lane.
    if (m_lane)
        return QRectF(QPointF(*m_lane - 6 - size.width(), (m_from.y() + m_to.y() - size.height()) / 2), size);
    return QRectF(path().pointAtPercent(0.5) + QPointF(6, -size.height() / 2), size);
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
    if (m_dropTarget)
        color = QColor(30, 140, 60);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(color, selected || m_dropTarget ? 3.0 : 1.6));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());

    const QRectF r = labelRect();
    painter->setPen(QPen(color.lighter(150), 0.8));
    painter->setBrush(QColor(255, 255, 255));
    painter->drawRoundedRect(r, 3, 3);
    painter->setFont(labelFont());
    painter->setPen(m_problem ? QColor(170, 20, 20) : QColor(40, 45, 55));
    painter->drawText(r, Qt::AlignCenter, m_label);
}

} // namespace torchwright::ui
