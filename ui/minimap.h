#pragma once
// The overview of the layer graph: a small map in the canvas's bottom-right corner with every
// card and edge of the scene and a frame for the part the view shows. A click or drag on it
// moves the view there. GraphView shows it only while the graph is larger than the view.

#include <QRectF>
#include <QWidget>

namespace torchwright::ui {

class GraphView;

class Minimap : public QWidget {
    Q_OBJECT

public:
    explicit Minimap(GraphView *view);

    // The scene area the map shows (the graph with a margin), and the scene point under a point
    // of the map.
    QRectF sceneArea() const;
    QPointF toScene(const QPointF &mapPoint) const;
    QPointF fromScene(const QPointF &scenePoint) const;
    // Sizes and places itself in the view's corner for the current graph.
    void relayout();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    qreal scale() const; // map pixels per scene unit

    GraphView *m_view;
};

} // namespace torchwright::ui
