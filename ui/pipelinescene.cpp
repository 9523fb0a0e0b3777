#include "pipelinescene.h"

#include "i18n.h"
#include "loopcommon.h"
#include "projectdocument.h"
#include "stageitem.h"

#include "torchwright/versions.h"

#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>

#include <cmath>

namespace torchwright::ui {

PipelineScene::PipelineScene(ProjectDocument *doc, QObject *parent) : QGraphicsScene(parent), m_doc(doc)
{
    build();
    refresh();
    connect(doc, &ProjectDocument::analysisChanged, this, &PipelineScene::refresh);
    connect(doc, &ProjectDocument::projectReset, this, &PipelineScene::refresh);
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &PipelineScene::refreshLoop);
    connect(this, &QGraphicsScene::selectionChanged, this, [this] { Q_EMIT stageSelected(selectedStage()); });
}

PipelineScene::~PipelineScene()
{
    // QGraphicsScene's destructor deletes the stage items and announces the selection change;
    // the handler above would then call selectedStage() on a scene that is no longer a
    // PipelineScene (UBSan: member call during destruction).
    blockSignals(true);
}

StageItem *PipelineScene::item(Stage s) const
{
    auto it = m_items.find(s);
    return it == m_items.end() ? nullptr : it->second;
}

int PipelineScene::selectedStage() const
{
    for (QGraphicsItem *i : selectedItems())
        if (auto *s = dynamic_cast<StageItem *>(i))
            return int(s->stage());
    return -1;
}

void PipelineScene::selectStage(Stage s)
{
    clearSelection();
    if (StageItem *i = item(s))
        i->setSelected(true);
}

void PipelineScene::build()
{
    // Each stage where the table puts it (pipelinestages.cpp), in the table's order.
    for (const StageInfo &info : pipelineStages()) {
        auto *i = new StageItem(info.stage);
        i->setPos(info.position);
        addItem(i);
        m_items[info.stage] = i;
    }

    addArrow(Stage::InputData, Stage::Preprocess);
    addArrow(Stage::Preprocess, Stage::PretrainDecision);
    addArrow(Stage::PretrainDecision, Stage::Pretrain, tr("yes"));
    addArrow(Stage::PretrainDecision, Stage::TrainFromScratch, tr("no"));
    addArrow(Stage::Pretrain, Stage::Optimize);
    addArrow(Stage::TrainFromScratch, Stage::Optimize);
    addArrow(Stage::Optimize, Stage::EvaluateDeploy);
    addArrow(Stage::EvaluateDeploy, Stage::Application);
    addArrow(Stage::Application, Stage::UserFeedback);
    addArrow(Stage::UserFeedback, Stage::ContinuousOptimization);
    addArrow(Stage::ContinuousOptimization, Stage::ModelUpdate);
    addArrow(Stage::ModelUpdate, Stage::Optimize, {}, true);
}

void PipelineScene::addArrow(Stage fromStage, Stage toStage, const QString &label, bool loop)
{
    StageItem *from = item(fromStage);
    StageItem *to = item(toStage);
    QPointF a, b;
    QPainterPath path;
    if (loop) {
        // Model update -> back up into Optimize's underside, between the two rows.
        a = from->anchor(Qt::TopEdge);
        b = to->anchor(Qt::BottomEdge);
        const qreal midY = (a.y() + to->anchor(Qt::BottomEdge).y()) / 2 + 40;
        path.moveTo(a);
        path.lineTo(QPointF(a.x(), midY));
        path.lineTo(QPointF(b.x(), midY));
        path.lineTo(b);
    } else if (std::abs(from->pos().y() - to->pos().y()) < 1) {
        const bool rightwards = to->pos().x() > from->pos().x();
        a = from->anchor(rightwards ? Qt::RightEdge : Qt::LeftEdge);
        b = to->anchor(rightwards ? Qt::LeftEdge : Qt::RightEdge);
        path.moveTo(a);
        path.lineTo(b);
    } else if (std::abs(from->pos().x() - to->pos().x()) < 1) {
        a = from->anchor(Qt::BottomEdge);
        b = to->anchor(Qt::TopEdge);
        path.moveTo(a);
        path.lineTo(b);
    } else {
        a = from->anchor(Qt::RightEdge);
        b = to->anchor(Qt::LeftEdge);
        const qreal mid = (a.x() + b.x()) / 2;
        path.moveTo(a);
        path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b);
    }
    auto *line = addPath(path, QPen(QColor("#5b6b8c"), 2));
    line->setZValue(-1);
    // Arrow head at b, pointing along the last segment.
    const QPointF dir = path.pointAtPercent(1.0) - path.pointAtPercent(0.97);
    const qreal len = std::hypot(dir.x(), dir.y());
    if (len > 0) {
        const QPointF u = dir / len, n(-u.y(), u.x());
        QPolygonF head;
        head << b << b - u * 12 + n * 6 << b - u * 12 - n * 6;
        addPolygon(head, QPen(Qt::NoPen), QColor("#5b6b8c"))->setZValue(-1);
    }
    if (!label.isEmpty()) {
        auto *t = addSimpleText(label);
        t->setPos(path.pointAtPercent(0.45) + QPointF(6, -18));
    }
}

void PipelineScene::refresh()
{
    const Project &p = m_doc->project();
    const auto &a = m_doc->analysis();
    const auto &d = p.dataset;
    item(Stage::InputData)
        ->setSummary(tr("%1: %2\n%3 samples, %4 classes, %5% validation")
                         .arg(QString::fromStdString(d.kind),
                              d.path.empty() ? tr("(generated)") : QString::fromStdString(d.path).section('/', -1),
                              QString::fromStdString(formatShape(d.sampleShape)))
                         .arg(d.numClasses)
                         .arg(d.validationFraction * 100, 0, 'g', 3));
    item(Stage::Preprocess)
        ->setSummary(p.preprocess.normalize == "dataset" ? tr("normalise with the training split's mean and std")
                     : p.preprocess.normalize == "fixed" ? tr("normalise with fixed mean and std")
                                                         : tr("no normalisation"));
    const bool pretrain = p.pretrain.enabled;
    item(Stage::Pretrain)
        ->setSummary(pretrain ? tr("from %1\n%2 frozen layer(s)")
                                    .arg(QString::fromStdString(p.pretrain.source).section('/', -1))
                                    .arg(p.pretrain.frozen.size())
                              : tr("off"));
    item(Stage::Pretrain)->setActive(pretrain);
    item(Stage::TrainFromScratch)->setSummary(tr("random initialisation, seed %1").arg(p.training.seed));
    item(Stage::TrainFromScratch)->setActive(!pretrain);
    const auto &t = p.training;
    item(Stage::Optimize)
        ->setSummary(
            tr("model: %1 layers, %2 parameters%3\n%4, lr %5, %6 epochs, batch %7\ndouble-click: edit the model")
                .arg(p.graph.nodes.size())
                .arg(a.totalParameters)
                .arg(a.ok() ? QString() : tr(", %1 problem(s)").arg(a.diagnostics.errorCount()))
                .arg(QString::fromStdString(t.optimizer.type))
                .arg(t.optimizer.lr)
                .arg(t.epochs)
                .arg(t.batchSize));
    QStringList formats;
    for (const auto &f : p.exports.formats)
        formats << QString::fromStdString(f);
    item(Stage::EvaluateDeploy)->setSummary(tr("test accuracy, confusion matrix\nexport: %1").arg(formats.join(", ")));
    refreshLoop();
}

void PipelineScene::refreshLoop()
{
    const Project &p = m_doc->project();
    if (m_doc->filePath().isEmpty()) {
        const QString save = tr("save the project to keep versions and feedback beside it");
        for (Stage s : {Stage::Application, Stage::UserFeedback, Stage::ContinuousOptimization, Stage::ModelUpdate})
            item(s)->setSummary(save);
        return;
    }
    LoopStatus status;
    try {
        status = loopStatus(p);
    } catch (const std::exception &e) {
        const QString problem = tr("cannot read: %1").arg(exceptionText(e));
        item(Stage::ModelUpdate)->setSummary(problem);
        item(Stage::Application)->setSummary(problem);
        item(Stage::UserFeedback)->setSummary(problem);
        item(Stage::ContinuousOptimization)->setSummary(problem);
        return;
    }
    const QString current = QString::fromStdString(status.current);
    item(Stage::Application)
        ->setSummary(current.isEmpty()
                         ? tr("no model version yet:\nregister a run under Model update")
                         : tr("tries %1 (current)\ntop %2 classes per input").arg(current).arg(p.application.topK));
    item(Stage::UserFeedback)
        ->setSummary(status.items == 0 ? tr("no feedback yet")
                                       : tr("%1 items, %2 reviewed\n%3 wrong, %4 to review")
                                             .arg(status.items)
                                             .arg(status.reviewed)
                                             .arg(status.wrong)
                                             .arg(status.unreviewed));
    const auto &ft = p.finetune;
    item(Stage::ContinuousOptimization)
        ->setSummary(current.isEmpty() ? tr("needs a model version")
                                       : tr("%1 reviewed since %2\n%3 epochs, lr %4, feedback x%5")
                                             .arg(status.sinceCurrent)
                                             .arg(current)
                                             .arg(ft.epochs)
                                             .arg(ft.lr)
                                             .arg(ft.feedbackWeight));
    item(Stage::ModelUpdate)
        ->setSummary(status.versions == 0 ? tr("no versions yet:\nregister a completed run")
                                          : tr("%1 current, versions: %2\n%3 reviewed since %1, %4 to review")
                                                .arg(current)
                                                .arg(status.versions)
                                                .arg(status.sinceCurrent)
                                                .arg(status.unreviewed));
}

void PipelineScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    for (QGraphicsItem *i : items(event->scenePos()))
        if (auto *s = dynamic_cast<StageItem *>(i); s && s->stage() == Stage::Optimize) {
            Q_EMIT openModelRequested();
            return;
        }
    QGraphicsScene::mouseDoubleClickEvent(event);
}

} // namespace torchwright::ui
