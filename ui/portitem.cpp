#include "portitem.h"

#include "nodeitem.h"

#include <QCursor>
#include <QPainter>

namespace torchwright::ui {

PortItem::PortItem(NodeItem *node, bool input, int index)
    : QGraphicsItem(node), m_node(node), m_input(input), m_index(index)
{
    setAcceptHoverEvents(false);
    setToolTip(input
                   ? QObject::tr("Input %1: drag to an output to connect, or drag its connection elsewhere").arg(index)
                   : QObject::tr("Output: drag to an input to connect"));
    setCursor(QCursor(Qt::CrossCursor));
}

PortRef PortItem::ref() const { return PortRef{m_node->nodeId(), m_input ? m_index : 0}; }

void PortItem::setConnected(bool connected)
{
    if (connected == m_connected)
        return;
    m_connected = connected;
    update();
}

void PortItem::setHighlight(Highlight highlight)
{
    if (highlight == m_highlight)
        return;
    m_highlight = highlight;
    update();
}

QRectF PortItem::boundingRect() const { return QRectF(-kHitRadius, -kHitRadius, 2 * kHitRadius, 2 * kHitRadius); }

QPainterPath PortItem::shape() const
{
    QPainterPath path;
    path.addEllipse(QPointF(0, 0), kHitRadius, kHitRadius);
    return path;
}

void PortItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    QColor line(70, 80, 95);
    QColor fill = m_connected ? QColor(90, 110, 140) : QColor(250, 250, 252);
    qreal radius = kRadius;
    switch (m_highlight) {
    case Highlight::None: break;
    case Highlight::Allowed:
        line = QColor(30, 140, 60);
        fill = QColor(120, 210, 140);
        radius = kRadius + 2;
        break;
    case Highlight::Refused:
        line = QColor(190, 30, 30);
        fill = QColor(240, 140, 140);
        radius = kRadius + 2;
        break;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(line, 1.5));
    painter->setBrush(fill);
    painter->drawEllipse(QPointF(0, 0), radius, radius);
}

} // namespace torchwright::ui
