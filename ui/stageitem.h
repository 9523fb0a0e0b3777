#pragma once
// One stage of the pipeline canvas: a rounded box (a diamond for the "Pretrain?" decision)
// with its title and a short summary of its settings.

#include "pipelinescene.h"

#include <QGraphicsObject>

namespace torchwright::ui {

class StageItem : public QGraphicsObject {
    Q_OBJECT

public:
    StageItem(Stage stage, QGraphicsItem *parent = nullptr);

    Stage stage() const { return m_stage; }
    void setSummary(const QString &summary);
    QString summary() const { return m_summary; }
    // Highlighted when the branch it lies on is the one taken (pretrain yes/no).
    void setActive(bool active);
    bool isActive() const { return m_active; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;
    // Where arrows attach, in scene coordinates.
    QPointF anchor(Qt::Edge edge) const;

private:
    Stage m_stage;
    QString m_summary;
    bool m_active = true;
};

} // namespace torchwright::ui
