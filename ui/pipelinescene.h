#pragma once
// The pipeline canvas: the lifecycle a model goes through, drawn like the article's diagram.
// Input data -> Preprocess -> "Pretrain?" -> (yes) Pretrain / (no) Train from scratch ->
// Optimize -> Evaluate & deploy -> Application -> User feedback -> Continuous optimization ->
// Model update -> back to Optimize. Each stage summarises its settings from the document;
// stages whose engine work is not there yet say so. Double-clicking Optimize (the model) asks
// for the layer graph. Lives on the GUI thread.

#include "pipelinestages.h"

#include <QGraphicsScene>
#include <QString>

#include <map>

namespace torchwright::ui {

class ProjectDocument;
class StageItem;

class PipelineScene : public QGraphicsScene {
    Q_OBJECT

public:
    explicit PipelineScene(ProjectDocument *doc, QObject *parent = nullptr);
    ~PipelineScene() override;

    StageItem *item(Stage s) const;
    // The selected stage, or -1.
    int selectedStage() const;
    void selectStage(Stage s);
    // The four stages after deployment, from the registry and the feedback store (loopStatus()).
    void refreshLoop();

Q_SIGNALS:
    void stageSelected(int stage); // -1 when nothing is selected
    void openModelRequested();

protected:
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;

private:
    void build();
    void refresh(); // summaries from the document
    void addArrow(Stage from, Stage to, const QString &label = {}, bool loop = false);

    ProjectDocument *m_doc;
    std::map<Stage, StageItem *> m_items;
};

} // namespace torchwright::ui
