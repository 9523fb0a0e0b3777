#pragma once
// A connection on the canvas: a curve down from an output port to an input port with the
// tensor shape it carries as a label ("64x14x14", "?" when unknown) in the UI font on its own
// background, beside the line. An edge that would cross cards runs down a lane left of them. A passive view named by
// its engine Edge value; GraphScene places it and sets its label after every analysis.

#include "torchwright/graph.h"

#include <QGraphicsPathItem>

#include <optional>

namespace torchwright::ui {

class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = UserType + 2 };

    explicit EdgeItem(const Edge &edge);

    int type() const override { return Type; }
    Edge edge() const { return m_edge; }

    // Scene points of the output and input ports it joins; with a lane, the curve leaves for the
    // vertical line x = lane between them and comes back (routing around cards).
    void setEndpoints(const QPointF &from, const QPointF &to, std::optional<qreal> lane = std::nullopt);
    std::optional<qreal> lane() const { return m_lane; }
    QPointF sourcePoint() const { return m_from; }
    QPointF targetPoint() const { return m_to; }
    void setLabel(const QString &label);
    QString label() const { return m_label; }
    // A problem at the input it ends in (a mismatched shape, a taken port): drawn red.
    void setProblem(bool problem);
    bool hasProblem() const { return m_problem; }
    // A palette layer is being dragged over it: dropped, it goes into this edge. Drawn green.
    void setDropTarget(bool target);
    bool isDropTarget() const { return m_dropTarget; }

    // The curve an edge between two points takes; also used for the connection being dragged.
    static QPainterPath curve(const QPointF &from, const QPointF &to);
    static QPainterPath laneCurve(const QPointF &from, const QPointF &to, qreal lane);
    static QFont labelFont(); // the UI font
    QRectF labelRect() const; // in scene coordinates (the item sits at the origin)

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    Edge m_edge;
    QPointF m_from, m_to;
    std::optional<qreal> m_lane;
    QString m_label = QStringLiteral("?");
    bool m_problem = false;
    bool m_dropTarget = false;
};

} // namespace torchwright::ui
