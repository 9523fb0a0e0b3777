#pragma once
// The canvas's viewport onto a GraphScene: zoom with the wheel around the cursor, pan with the
// middle button or space + drag, rubber-band selection, fit to view, an overview (Minimap) while
// the graph is larger than the view, and drops of palette entries
// (LayerPalette::kLayerTypeMimeType): on an edge they are inserted into it
// (GraphScene::insertLayerOnEdge()), elsewhere added there (GraphScene::addLayer()).
// Until the person zooms or pans, the view keeps the whole graph fitted as it is resized.

#include "torchwright/graph.h"

#include <QGraphicsView>
#include <QPointer>

namespace torchwright::ui {

class GraphScene;
class Minimap;

class GraphView : public QGraphicsView {
    Q_OBJECT

public:
    static constexpr qreal kMinZoom = 0.1;
    static constexpr qreal kMaxZoom = 4.0;

    explicit GraphView(GraphScene *scene, QWidget *parent = nullptr);

    GraphScene *graphScene() const { return m_scene; }
    qreal zoom() const; // the scale of scene to view, 1 = one pixel per scene unit
    // Sets the scale (clamped to [kMinZoom, kMaxZoom]) keeping the scene point under
    // `viewAnchor` (viewport coordinates) where it is.
    void setZoom(qreal zoom, const QPoint &viewAnchor);
    void setZoom(qreal zoom); // around the viewport's centre
    void zoomBy(qreal factor, const QPoint &viewAnchor);
    void zoomIn();
    void zoomOut();
    // Shows every node and edge, at most at 1:1 and never below readableZoom(): a graph too
    // large for that is shown from its top at that zoom, and the rest is reached by scrolling
    // (or the overview).
    void fitToView();
    // The zoom below which the cards' text would be smaller than the UI font.
    static qreal readableZoom();
    // Scrolls so that the node is in the middle.
    void centerOnNode(NodeId id);
    // The scene point at the middle of the viewport: where added layers go.
    QPointF visibleCenter() const;
    // Centres the view on a scene point (the overview's clicks); the person has taken over.
    void panTo(const QPointF &scenePoint);
    // The overview in the corner, shown while the graph does not fit in the view.
    Minimap *overview() const { return m_overview; }
    void updateOverview();
    bool isPanning() const { return m_panning; }

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void scrollBy(const QPoint &delta);
    void onProjectReset();
    // Marks the edge a palette drop at `viewPos` would go into (none: nullptr clears it).
    void markDropTarget(const QPoint *viewPos);

    QPointer<GraphScene> m_scene;  // owned by the editor; may go first while widgets are torn down
    Minimap *m_overview = nullptr; // child of the viewport
    bool m_autoFit = true;         // until the person zooms or pans
    bool m_spaceHeld = false;
    bool m_panning = false;
    QPoint m_lastPanPos;
};

} // namespace torchwright::ui
