#include "stageitem.h"

#include <QFontMetrics>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace torchwright::ui {

namespace {
constexpr qreal kWidth = 200;
constexpr qreal kHeight = 112;
} // namespace

StageItem::StageItem(Stage stage, QGraphicsItem *parent) : QGraphicsObject(parent), m_stage(stage)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setToolTip(stageAvailable(stage) ? stageTitle(stage)
                                     : stageTitle(stage) + tr(": not available yet in this version"));
}

void StageItem::setSummary(const QString &summary)
{
    if (summary == m_summary)
        return;
    m_summary = summary;
    update();
}

void StageItem::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    update();
}

QRectF StageItem::boundingRect() const { return QRectF(-kWidth / 2 - 2, -kHeight / 2 - 2, kWidth + 4, kHeight + 4); }

QPointF StageItem::anchor(Qt::Edge edge) const
{
    switch (edge) {
    case Qt::LeftEdge: return mapToScene(QPointF(-kWidth / 2, 0));
    case Qt::RightEdge: return mapToScene(QPointF(kWidth / 2, 0));
    case Qt::TopEdge: return mapToScene(QPointF(0, -kHeight / 2));
    case Qt::BottomEdge: return mapToScene(QPointF(0, kHeight / 2));
    }
    return scenePos();
}

void StageItem::paint(QPainter *p, const QStyleOptionGraphicsItem *, QWidget *)
{
    p->setRenderHint(QPainter::Antialiasing);
    const bool available = stageAvailable(m_stage);
    QColor fill = available ? QColor("#eaf1ff") : QColor("#f1f1f1");
    if (m_stage == Stage::Optimize)
        fill = QColor("#fff1d6");
    if (!m_active)
        fill = fill.lighter(106);
    QPen pen(isSelected() ? QColor("#2f6fde") : QColor(available ? "#5b6b8c" : "#a0a0a0"), isSelected() ? 3 : 1.5);
    if (!available || !m_active)
        pen.setStyle(Qt::DashLine);
    p->setPen(pen);
    p->setBrush(fill);
    const QRectF r(-kWidth / 2, -kHeight / 2, kWidth, kHeight);
    if (m_stage == Stage::PretrainDecision) {
        QPolygonF diamond;
        diamond << QPointF(0, r.top()) << QPointF(r.right(), 0) << QPointF(0, r.bottom()) << QPointF(r.left(), 0);
        p->drawPolygon(diamond);
    } else {
        p->drawRoundedRect(r, 10, 10);
    }
    QFont title = p->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() + 1);
    p->setFont(title);
    p->setPen(available ? QColor("#1f2a44") : QColor("#808080"));
    const QRectF titleRect = m_stage == Stage::PretrainDecision ? r : r.adjusted(8, 6, -8, -kHeight / 2 - 4);
    p->drawText(titleRect, Qt::AlignHCenter | (m_stage == Stage::PretrainDecision ? Qt::AlignVCenter : Qt::AlignTop),
                stageTitle(m_stage));
    if (m_stage == Stage::PretrainDecision)
        return;
    QFont body = p->font();
    body.setBold(false);
    body.setPointSizeF(body.pointSizeF() - 1); // the UI's own size: read at the view's fitted zoom
    p->setFont(body);
    p->setPen(QColor(available ? "#3a4660" : "#8a8a8a"));
    const QString text = available ? m_summary : tr("not available yet");
    p->drawText(r.adjusted(8, 28, -8, -6), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, text);
}

} // namespace torchwright::ui
