#pragma once
// One port of a node on the canvas: an input on the node's top edge or its output in the
// middle of its bottom edge. A child of its NodeItem, which creates, places and deletes it; it knows the value id
// of the port it shows and nothing of the document.

#include "torchwright/graph.h"

#include <QGraphicsItem>

namespace torchwright::ui {

class NodeItem;

class PortItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };
    // How the port looks while a connection is dragged over it.
    enum class Highlight { None, Allowed, Refused };

    static constexpr qreal kRadius = 5.0;
    // Pointer hits count within this radius, so that ports are easy to catch at any zoom.
    static constexpr qreal kHitRadius = 9.0;

    PortItem(NodeItem *node, bool input, int index);

    int type() const override { return Type; }
    NodeItem *node() const { return m_node; }
    bool isInput() const { return m_input; }
    int index() const { return m_index; }
    // The engine's name for this port (the output is port 0).
    PortRef ref() const;

    void setConnected(bool connected);
    bool isConnected() const { return m_connected; }
    void setHighlight(Highlight highlight);
    Highlight highlight() const { return m_highlight; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    NodeItem *m_node;
    bool m_input;
    int m_index;
    bool m_connected = false;
    Highlight m_highlight = Highlight::None;
};

} // namespace torchwright::ui
