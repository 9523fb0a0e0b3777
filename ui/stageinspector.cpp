#include "stageinspector.h"

#include "commands/changesetting.h"
#include "pipelinescene.h"
#include "projectdocument.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

using nlohmann::json;

namespace {

QString joinNumbers(const json &j)
{
    QStringList parts;
    if (j.is_array())
        for (const auto &v : j)
            parts << QString::number(v.get<double>(), 'g', 8);
    return parts.join(", ");
}

json parseNumbers(const QString &text, bool integers, bool *ok)
{
    json out = json::array();
    *ok = true;
    for (const QString &part : text.split(QRegularExpression("[,x\\s]+"), Qt::SkipEmptyParts)) {
        bool good = false;
        const double v = part.toDouble(&good);
        if (!good || (integers && v != std::floor(v))) {
            *ok = false;
            return out;
        }
        out.push_back(integers ? json(int64_t(v)) : json(v));
    }
    return out;
}

} // namespace

StageInspector::StageInspector(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    auto *outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() + 2);
    m_title->setFont(f);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020");
    m_error->setObjectName("settingError");
    outer->addWidget(m_title);
    outer->addWidget(m_note);
    outer->addWidget(m_error);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_form = new QWidget(scroll);
    m_layout = new QFormLayout(m_form);
    scroll->setWidget(m_form);
    outer->addWidget(scroll, 1);
    connect(doc, &ProjectDocument::settingsChanged, this, &StageInspector::refreshValues);
    connect(doc, &ProjectDocument::projectReset, this, &StageInspector::rebuild);
    connect(doc, &ProjectDocument::analysisChanged, this, &StageInspector::refreshValues);
    rebuild();
}

void StageInspector::showStage(int stage)
{
    if (stage == m_stage)
        return;
    m_stage = stage;
    rebuild();
}

void StageInspector::push(const std::string &pointer, const json &value)
{
    if (m_updating)
        return;
    if (m_doc->setting(pointer) == value)
        return;
    // Check first so a refused value leaves no undo step behind.
    QString error;
    if (!m_doc->withSetting(pointer, value, &error)) {
        m_error->setText(error);
        refreshValues();
        return;
    }
    m_error->clear();
    m_doc->undoStack()->push(new ChangeSetting(m_doc, pointer, value));
}

void StageInspector::rebuild()
{
    m_refreshers.clear();
    while (m_layout->rowCount() > 0)
        m_layout->removeRow(0);
    m_error->clear();
    if (m_stage < 0) {
        m_title->setText(tr("Pipeline"));
        m_note->setText(tr("Select a stage to see its settings. Double-click Optimize to edit the model."));
        return;
    }
    const Stage stage = Stage(m_stage);
    m_title->setText(stageTitle(stage));
    m_note->clear();

    auto addInt = [&](const QString &label, const std::string &ptr, int min, int max) {
        auto *w = new QSpinBox(m_form);
        w->setRange(min, max);
        w->setObjectName(QString::fromStdString(ptr));
        m_layout->addRow(label, w);
        m_refreshers.push_back([this, w, ptr] { w->setValue(m_doc->setting(ptr).get<int>()); });
        connect(w, qOverload<int>(&QSpinBox::valueChanged), this, [this, ptr](int v) { push(ptr, v); });
    };
    auto addDouble = [&](const QString &label, const std::string &ptr, double min, double max, int decimals, double step) {
        auto *w = new QDoubleSpinBox(m_form);
        w->setRange(min, max);
        w->setDecimals(decimals);
        w->setSingleStep(step);
        w->setObjectName(QString::fromStdString(ptr));
        m_layout->addRow(label, w);
        m_refreshers.push_back([this, w, ptr] { w->setValue(m_doc->setting(ptr).get<double>()); });
        connect(w, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this, ptr](double v) { push(ptr, v); });
    };
    auto addBool = [&](const QString &label, const std::string &ptr) {
        auto *w = new QCheckBox(m_form);
        w->setObjectName(QString::fromStdString(ptr));
        m_layout->addRow(label, w);
        m_refreshers.push_back([this, w, ptr] { w->setChecked(m_doc->setting(ptr).get<bool>()); });
        connect(w, &QCheckBox::toggled, this, [this, ptr](bool v) { push(ptr, v); });
    };
    auto addChoice = [&](const QString &label, const std::string &ptr, const QStringList &choices) {
        auto *w = new QComboBox(m_form);
        w->addItems(choices);
        w->setObjectName(QString::fromStdString(ptr));
        m_layout->addRow(label, w);
        m_refreshers.push_back(
            [this, w, ptr] { w->setCurrentText(QString::fromStdString(m_doc->setting(ptr).get<std::string>())); });
        connect(w, &QComboBox::currentTextChanged, this, [this, ptr](const QString &v) { push(ptr, v.toStdString()); });
    };
    auto addText = [&](const QString &label, const std::string &ptr, bool browse) {
        auto *row = new QWidget(m_form);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto *w = new QLineEdit(row);
        w->setObjectName(QString::fromStdString(ptr));
        h->addWidget(w, 1);
        if (browse) {
            auto *b = new QPushButton(tr("Browse..."), row);
            h->addWidget(b);
            connect(b, &QPushButton::clicked, this, [this, w] {
                const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a folder"), w->text());
                if (!dir.isEmpty()) {
                    w->setText(dir);
                    Q_EMIT w->editingFinished();
                }
            });
        }
        m_layout->addRow(label, row);
        m_refreshers.push_back([this, w, ptr] { w->setText(QString::fromStdString(m_doc->setting(ptr).get<std::string>())); });
        connect(w, &QLineEdit::editingFinished, this, [this, w, ptr] { push(ptr, w->text().toStdString()); });
    };
    auto addNumbers = [&](const QString &label, const std::string &ptr, bool integers) {
        auto *w = new QLineEdit(m_form);
        w->setObjectName(QString::fromStdString(ptr));
        w->setPlaceholderText(integers ? tr("e.g. 1, 28, 28") : tr("e.g. 0.5, 0.5, 0.5"));
        m_layout->addRow(label, w);
        m_refreshers.push_back([this, w, ptr] { w->setText(joinNumbers(m_doc->setting(ptr))); });
        connect(w, &QLineEdit::editingFinished, this, [this, w, ptr, integers] {
            bool ok = false;
            json v = parseNumbers(w->text(), integers, &ok);
            if (!ok) {
                m_error->setText(tr("%1: expected numbers separated by commas").arg(QString::fromStdString(ptr)));
                return;
            }
            push(ptr, v);
        });
    };
    auto addNames = [&](const QString &label, const std::string &ptr) {
        auto *w = new QLineEdit(m_form);
        w->setObjectName(QString::fromStdString(ptr));
        m_layout->addRow(label, w);
        m_refreshers.push_back([this, w, ptr] {
            QStringList names;
            for (const auto &n : m_doc->setting(ptr))
                names << QString::fromStdString(n.get<std::string>());
            w->setText(names.join(", "));
        });
        connect(w, &QLineEdit::editingFinished, this, [this, w, ptr] {
            json v = json::array();
            for (const QString &n : w->text().split(',', Qt::SkipEmptyParts))
                v.push_back(n.trimmed().toStdString());
            push(ptr, v);
        });
    };

    switch (stage) {
    case Stage::InputData:
        addChoice(tr("Kind"), "/dataset/kind", {"idx", "cifar10", "synthetic"});
        addText(tr("Folder"), "/dataset/path", true);
        addNumbers(tr("Sample shape"), "/dataset/sample_shape", true);
        addInt(tr("Classes"), "/dataset/num_classes", 1, 100000);
        addNames(tr("Class names"), "/dataset/class_names");
        addDouble(tr("Validation fraction"), "/dataset/validation_fraction", 0, 0.9, 3, 0.05);
        addInt(tr("Split seed"), "/dataset/split_seed", 0, 2147483647);
        m_note->setText(tr("Training data: IDX files (MNIST layout, plain or .gz), CIFAR-10 binary batches, or a "
                           "generated synthetic set. The validation split is taken from the training data."));
        break;
    case Stage::Preprocess:
        addChoice(tr("Normalisation"), "/preprocess/normalize", {"dataset", "fixed", "none"});
        addNumbers(tr("Mean (fixed)"), "/preprocess/mean", false);
        addNumbers(tr("Std (fixed)"), "/preprocess/std", false);
        m_note->setText(tr("Pixels are scaled to 0..1, then normalised per channel; \"dataset\" uses the mean and "
                           "standard deviation of the training split."));
        break;
    case Stage::PretrainDecision:
        addBool(tr("Start from a pretrained model"), "/pretrain/enabled");
        m_note->setText(tr("Yes: initialise layers from another run's checkpoint (Pretrain). No: random "
                           "initialisation (Train from scratch)."));
        break;
    case Stage::Pretrain:
        addBool(tr("Enabled"), "/pretrain/enabled");
        addText(tr("Source run or checkpoint"), "/pretrain/source", true);
        addNames(tr("Frozen layers"), "/pretrain/frozen");
        m_note->setText(tr("The source is a run folder, a Torchwright checkpoint, a TorchScript file or a "
                           "PyTorch checkpoint (such as the one the exported PyTorch program writes). Layers are "
                           "matched by name and every shape is checked against the layer graph; frozen layers "
                           "keep the pretrained weights."));
        break;
    case Stage::TrainFromScratch:
        addInt(tr("Seed"), "/training/seed", 0, 2147483647);
        m_note->setText(tr("Weights are initialised randomly from this seed; the same seed on the CPU gives the "
                           "same loss curve."));
        break;
    case Stage::Optimize: {
        addChoice(tr("Optimizer"), "/training/optimizer/type", {"adam", "adamw", "sgd", "rmsprop"});
        addDouble(tr("Learning rate"), "/training/optimizer/lr", 1e-7, 10, 7, 1e-4);
        addDouble(tr("Momentum"), "/training/optimizer/momentum", 0, 0.999, 3, 0.05);
        addBool(tr("Nesterov"), "/training/optimizer/nesterov");
        addDouble(tr("Weight decay"), "/training/optimizer/weight_decay", 0, 1, 6, 1e-4);
        addChoice(tr("Schedule"), "/training/schedule/type", {"none", "step", "cosine"});
        addInt(tr("Step size (epochs)"), "/training/schedule/step_size", 1, 100000);
        addDouble(tr("Step gamma"), "/training/schedule/gamma", 1e-6, 1e6, 6, 0.05);
        addDouble(tr("Minimum lr (cosine)"), "/training/schedule/min_lr", 0, 10, 7, 1e-5);
        addInt(tr("Epochs"), "/training/epochs", 1, 100000);
        addInt(tr("Batch size"), "/training/batch_size", 1, 1 << 20);
        addChoice(tr("Loss"), "/training/loss", {"cross_entropy", "mse", "bce_with_logits"});
        addBool(tr("Early stopping"), "/training/early_stopping/enabled");
        addChoice(tr("Watch"), "/training/early_stopping/metric", {"val_loss", "val_accuracy"});
        addInt(tr("Patience (epochs)"), "/training/early_stopping/patience", 0, 100000);
        addDouble(tr("Gradient clipping (norm, 0 = off)"), "/training/grad_clip", 0, 1e6, 3, 0.5);
        addChoice(tr("Device"), "/training/device", {"auto", "cpu", "cuda", "cuda:0", "cuda:1"});
        addInt(tr("Threads (0 = all cores)"), "/training/threads", 0, 4096);
        auto *open = new QPushButton(tr("Open the model (layer graph)"), m_form);
        open->setObjectName("openModel");
        connect(open, &QPushButton::clicked, this, &StageInspector::openModelRequested);
        m_layout->addRow(open);
        break;
    }
    case Stage::EvaluateDeploy: {
        addNames(tr("Export formats"), "/export/formats");
        auto *exportButton = new QPushButton(tr("Export a run…"), m_form);
        exportButton->setObjectName("exportRun");
        connect(exportButton, &QPushButton::clicked, this, &StageInspector::exportRequested);
        m_layout->addRow(exportButton);
        m_note->setText(tr("After training the dashboard shows test accuracy, the confusion matrix and "
                           "per-class precision and recall. Export writes the formats listed here (torchscript, "
                           "onnx, pytorch, bundle), each checked against the trained model; the bundle adds a "
                           "manifest and runs with torchwright-cli predict."));
        break;
    }
    case Stage::Application:
        m_note->setText(tr("Not available yet. This stage will serve the deployed model to an application; "
                           "today, export a bundle and load it with torch.jit.load, torch::jit::load or ONNX "
                           "Runtime, or run it with torchwright-cli predict."));
        break;
    case Stage::UserFeedback:
        m_note->setText(tr("Not available yet. This stage will collect labelled feedback from the application "
                           "as a new dataset for the next round of optimisation."));
        break;
    case Stage::ContinuousOptimization:
        m_note->setText(tr("Not available yet. This stage will retrain on the feedback automatically, starting "
                           "from the deployed model (the Pretrain stage can do this by hand today)."));
        break;
    case Stage::ModelUpdate:
        m_note->setText(tr("Not available yet. This stage will replace the deployed model when the retrained "
                           "one evaluates better, and hand it back to Optimize."));
        break;
    }
    refreshValues();
}

void StageInspector::refreshValues()
{
    m_updating = true;
    for (const auto &r : m_refreshers)
        r();
    m_updating = false;
}

} // namespace torchwright::ui
