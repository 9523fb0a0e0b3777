#pragma once
// The pipeline canvas's view. It fits the whole lifecycle on open and as it is resized, but never
// below kMinFitZoom, where the cards' text would be too small to read (the rest scrolls). Ctrl+wheel
// and the zoom actions (Ctrl+plus, Ctrl+minus) zoom; Ctrl+0 fits again. Once the person zooms,
// resizing keeps their zoom until they fit again.

#include <QGraphicsView>

class QAction;

namespace torchwright::ui {

class PipelineView : public QGraphicsView {
    Q_OBJECT

public:
    static constexpr qreal kMinZoom = 0.3;
    static constexpr qreal kMaxZoom = 3.0;
    static constexpr qreal kMinFitZoom = 0.75; // the cards' text stays at least ~9 px
    static constexpr qreal kMaxFitZoom = 1.25;

    explicit PipelineView(QGraphicsScene *scene, QWidget *parent = nullptr);

    qreal zoom() const;       // 1 = one pixel per scene unit
    void setZoom(qreal zoom); // clamped to [kMinZoom, kMaxZoom]; ends the automatic fit
    void zoomIn();
    void zoomOut();
    void fit(); // the whole canvas, within [kMinFitZoom, kMaxFitZoom]; resizing fits again
    bool isFitting() const { return m_autoFit; }

    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    QAction *fitAction() const { return m_fit; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    bool m_autoFit = true;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
    QAction *m_fit;
};

} // namespace torchwright::ui
