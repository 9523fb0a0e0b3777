#include "pipelinestages.h"

#include "i18n.h"

#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"

#include <QCoreApplication>
#include <QStringList>

namespace torchwright::ui {

namespace {

// The contexts the texts were translated in before they moved here: titles through QObject::tr,
// notes through StageInspector::tr.
constexpr const char *kTitleContext = "QObject";
constexpr const char *kNoteContext = "torchwright::ui::StageInspector";

// The descriptors' names for a note, from the engine's lists rather than written out here.
template <typename List, typename Name>
QString joined(const List &list, Name name)
{
    QStringList parts;
    for (const auto &item : list)
        parts << name(item);
    return parts.join(QStringLiteral(", "));
}

QString datasetFormatLabels()
{
    return joined(datasetFormats(), [](const DatasetFormat &f) { return datasetText(f.label); });
}

QString exportFormatNames()
{
    return joined(exportFormatsList(), [](const ExportFormat &f) { return QString::fromStdString(f.name); });
}

// Two rows, like the article's figure: the way to a deployed model along the top, the loop of
// use and feedback back along the bottom into Optimize.
constexpr qreal kDx = 250, kTop = 0, kBottom = 330;

} // namespace

const std::vector<StageInfo> &pipelineStages()
{
    static const std::vector<StageInfo> stages = {
        {Stage::InputData,
         "input_data",
         QT_TRANSLATE_NOOP("QObject", "Input data"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Training data: %1. The validation split is taken from the training data."),
         datasetFormatLabels,
         {0, kTop},
         true},
        {Stage::Preprocess,
         "preprocess",
         QT_TRANSLATE_NOOP("QObject", "Preprocess"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Pixels are scaled to 0..1, then normalised per channel; \"dataset\" uses the "
                           "mean and standard deviation of the training split."),
         nullptr,
         {kDx, kTop},
         true},
        {Stage::PretrainDecision,
         "pretrain_decision",
         QT_TRANSLATE_NOOP("QObject", "Pretrain?"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Yes: initialise layers from another run's checkpoint (Pretrain). No: random "
                           "initialisation (Train from scratch)."),
         nullptr,
         {2 * kDx, kTop},
         true},
        {Stage::Pretrain,
         "pretrain",
         QT_TRANSLATE_NOOP("QObject", "Pretrain"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "The source is a run folder, a Torchwright checkpoint, a TorchScript file, a "
                           "PyTorch checkpoint (such as the one the exported PyTorch program writes) or a model "
                           "version of this project (@current, @v2: the loop back from Model update). Layers "
                           "are matched by name and every shape is checked against the layer graph; frozen "
                           "layers keep the pretrained weights."),
         nullptr,
         {3 * kDx, kTop - 125},
         true},
        {Stage::TrainFromScratch,
         "train_from_scratch",
         QT_TRANSLATE_NOOP("QObject", "Train from scratch"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Weights are initialised randomly from this seed; the same seed on the CPU gives "
                           "the same loss curve."),
         nullptr,
         {3 * kDx, kTop + 125},
         true},
        {Stage::Optimize,
         "optimize",
         QT_TRANSLATE_NOOP("QObject", "Optimize"),
         nullptr,
         nullptr,
         {4 * kDx, kTop},
         true},
        {Stage::EvaluateDeploy,
         "evaluate_deploy",
         QT_TRANSLATE_NOOP("QObject", "Evaluate & deploy"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "After training the dashboard shows test accuracy, the confusion matrix and "
                           "per-class precision and recall. Export writes the formats listed here "
                           "(%1), each checked against the trained model; the bundle adds a manifest and "
                           "runs with torchwright-cli predict."),
         exportFormatNames,
         {5 * kDx, kTop},
         true},
        {Stage::Application,
         "application",
         QT_TRANSLATE_NOOP("QObject", "Application"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Try the current model version: drop image files or a folder here, open them or "
                           "CSV rows, or pick test samples. Mark each prediction right, or wrong with the "
                           "correct class: both go to the feedback store. torchwright-cli predict --log "
                           "records predictions made in deployment."),
         nullptr,
         {5 * kDx, kBottom},
         true},
        {Stage::UserFeedback,
         "user_feedback",
         QT_TRANSLATE_NOOP("QObject", "User feedback"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "The predictions logged and the corrections people gave, kept beside the project "
                           "(feedback/). Review them here, or undo a review; torchwright-cli feedback add, "
                           "list and import do the same."),
         nullptr,
         {4 * kDx, kBottom},
         true},
        {Stage::ContinuousOptimization,
         "continuous_optimization",
         QT_TRANSLATE_NOOP("QObject", "Continuous optimization"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Fine-tunes the current version on the original training data plus the reviewed "
                           "feedback, with a small learning rate; a share of the reviewed items is held out "
                           "to measure versions on. The result is a new run whose parent is the version."),
         nullptr,
         {3 * kDx, kBottom},
         true},
        {Stage::ModelUpdate,
         "model_update",
         QT_TRANSLATE_NOOP("QObject", "Model update"),
         QT_TRANSLATE_NOOP("torchwright::ui::StageInspector",
                           "Model versions of this project (versions/): register a run, compare two versions "
                           "on the same test split and feedback set, promote one past the gate, or roll back. "
                           "The Pretrain stage's source @current starts the next run from the current version."),
         nullptr,
         {2 * kDx, kBottom},
         true},
    };
    return stages;
}

const StageInfo &stageInfo(Stage s)
{
    // The table is in the order of Stage, which the test of the table checks.
    return pipelineStages().at(size_t(s));
}

QString StageInfo::title() const { return QCoreApplication::translate(kTitleContext, titleSource); }

QString StageInfo::note() const
{
    if (!noteSource)
        return {};
    const QString text = QCoreApplication::translate(kNoteContext, noteSource);
    return noteArgument ? text.arg(noteArgument()) : text;
}

QString stageTitle(Stage s) { return stageInfo(s).title(); }

bool stageAvailable(Stage s) { return stageInfo(s).available; }

} // namespace torchwright::ui
