#pragma once
// A connection on the canvas: a curve from an output port to an input port with the tensor
// shape it carries as a label ("64x14x14", "?" when unknown). A passive view named by its
// engine Edge value; GraphScene places it and sets its label after every analysis.

#include "torchwright/graph.h"

#include <QGraphicsPathItem>

namespace torchwright::ui {

class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = UserType + 2 };

    explicit EdgeItem(const Edge &edge);

    int type() const override { return Type; }
    Edge edge() const { return m_edge; }

    // Scene points of the output and input ports it joins.
    void setEndpoints(const QPointF &from, const QPointF &to);
    void setLabel(const QString &label);
    QString label() const { return m_label; }
    // A problem at the input it ends in (a mismatched shape, a taken port): drawn red.
    void setProblem(bool problem);
    bool hasProblem() const { return m_problem; }

    // The curve an edge between two points takes; also used for the connection being dragged.
    static QPainterPath curve(const QPointF &from, const QPointF &to);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF labelRect() const;

    Edge m_edge;
    QString m_label = QStringLiteral("?");
    bool m_problem = false;
};

} // namespace torchwright::ui
