#pragma once
// The pipeline's stages, each described once: its settings key, title, note, place on the canvas
// and whether its engine work is there yet. The pipeline scene and the stage inspector both loop
// over this table, so a stage is added, renamed or moved in one place only.

#include <QPointF>
#include <QString>

#include <vector>

namespace torchwright::ui {

enum class Stage {
    InputData,
    Preprocess,
    PretrainDecision,
    Pretrain,
    TrainFromScratch,
    Optimize,
    EvaluateDeploy,
    Application,
    UserFeedback,
    ContinuousOptimization,
    ModelUpdate,
};

struct StageInfo {
    Stage stage;
    // The stage's name in the settings schema's `stages` lists (settings.h): "input_data".
    const char *key;
    // Untranslated source texts, translated on each call (title() and note()) so the table can
    // be built once yet follow the installed translator.
    const char *titleSource; // in QObject's translation context
    const char *noteSource;  // in StageInspector's context; null: no note
    // Fills the note's %1 from the engine's descriptors (dataset formats, export formats); null:
    // the note has no placeholder.
    QString (*noteArgument)();
    QPointF position; // of the stage's box on the canvas
    bool available;   // false for stages whose work arrives in later versions

    QString title() const;
    QString note() const;
};

// Every stage, in the order of Stage (and the order the canvas adds them).
const std::vector<StageInfo> &pipelineStages();
const StageInfo &stageInfo(Stage s);

QString stageTitle(Stage s);
// False for stages whose work arrives in later versions.
bool stageAvailable(Stage s);

} // namespace torchwright::ui
