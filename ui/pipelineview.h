#pragma once
// The pipeline canvas's view: always shows the whole lifecycle, scaled to fit.

#include <QGraphicsView>

namespace torchwright::ui {

class PipelineView : public QGraphicsView {
    Q_OBJECT

public:
    explicit PipelineView(QGraphicsScene *scene, QWidget *parent = nullptr);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void fit();
};

} // namespace torchwright::ui
