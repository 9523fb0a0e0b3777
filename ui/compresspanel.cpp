#include "compresspanel.h"

#include "i18n.h"
#include "loopcommon.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/jsonfile.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"
#include "torchwright/versions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <chrono>
#include <cmath>
#include <memory>

namespace torchwright::ui {

namespace {

QString countText(int64_t n)
{
    if (n >= 1000000000)
        return QString::number(double(n) / 1e9, 'f', 2) + QLatin1Char('G');
    if (n >= 1000000)
        return QString::number(double(n) / 1e6, 'f', 2) + QLatin1Char('M');
    if (n >= 10000)
        return QString::number(double(n) / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(n);
}

QString bytesText(int64_t bytes)
{
    if (bytes < 0)
        return QStringLiteral("–");
    if (bytes >= 1000000)
        return CompressPanel::tr("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 2);
    if (bytes >= 1000)
        return CompressPanel::tr("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 1);
    return CompressPanel::tr("%1 B").arg(bytes);
}

QString msText(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("–");
    return QString::number(ms, 'f', ms < 10 ? 2 : 1);
}

QString pairText(const QString &a, const QString &b) { return a + QStringLiteral(" / ") + b; }

QString methodText(const std::string &method)
{
    if (method == "original")
        return CompressPanel::tr("original");
    if (method == "prune")
        return CompressPanel::tr("pruned");
    if (method == "quantize")
        return CompressPanel::tr("int8");
    if (method == "distill")
        return CompressPanel::tr("distilled");
    return QString::fromStdString(method);
}

bool sameDir(const QString &a, const QString &b) { return QFileInfo(a) == QFileInfo(b); }

// run.json's "compression"."method" ("" for a run not made by compression, or unreadable).
std::string compressionMethod(const std::string &runDir)
{
    try {
        const nlohmann::json j = readJsonFile(runDir + "/run.json");
        const auto c = j.find("compression");
        if (c != j.end() && c->is_object())
            return c->value("method", std::string("compressed"));
    } catch (const std::exception &) {
    }
    return {};
}

} // namespace

// ---- CompressWork -----------------------------------------------------------------------------

CompressWork *CompressWork::forDocument(ProjectDocument *doc)
{
    if (auto *w = doc->findChild<CompressWork *>(QString(), Qt::FindDirectChildrenOnly))
        return w;
    return new CompressWork(doc);
}

CompressWork::CompressWork(ProjectDocument *doc) : QObject(doc), m_jobs(new BackgroundJobs(this))
{
    connect(m_jobs, &BackgroundJobs::busyChanged, this, &CompressWork::busyChanged);
    connect(m_jobs, &BackgroundJobs::failed, this, [this](const QString &message) {
        m_progressValue = m_progressMaximum = 0;
        m_log << message;
        Q_EMIT logAdded(message);
        Q_EMIT finished(false, message);
    });
}

CompressWork::~CompressWork()
{
    // Waits for a running job while this object is whole: what it posts is dropped with it.
    delete m_jobs;
}

void CompressWork::post(const QString &line)
{
    QMetaObject::invokeMethod(
        this,
        [this, line] {
            m_log << line;
            Q_EMIT logAdded(line);
        },
        Qt::QueuedConnection);
}

void CompressWork::postProgress(int value, int maximum)
{
    QMetaObject::invokeMethod(
        this,
        [this, value, maximum] {
            m_progressValue = value;
            m_progressMaximum = maximum;
            Q_EMIT progressChanged(value, maximum);
        },
        Qt::QueuedConnection);
}

CompressLog CompressWork::logger()
{
    return [this](const Message &m) { post(messageText(m)); };
}

void CompressWork::start(const QString &what)
{
    m_log.clear();
    m_log << what;
    m_progressValue = m_progressMaximum = 0;
    Q_EMIT logAdded(QString()); // a new log: views clear theirs and read log()
    Q_EMIT progressChanged(0, 0);
}

std::vector<CompressionRow> CompressWork::measureNow(const std::string &source,
                                                     const std::vector<std::string> &runsDirs,
                                                     const CompressionTableOptions &options)
{
    postProgress(0, 0);
    std::vector<std::string> runs;
    for (const CompressedRun &r : compressedRuns(source, runsDirs))
        runs.push_back(r.runDir);
    post(tr("Measuring the table: the source run and %n run(s) made from it…", nullptr, int(runs.size())));
    return compressionTable(source, runs, options, logger());
}

void CompressWork::deliver(bool ok, const QString &text, const QString &source, const std::vector<CompressionRow> &rows,
                           const QString &newRun)
{
    m_rows = rows;
    m_rowsSource = source;
    if (!newRun.isEmpty())
        m_lastRun = newRun;
    m_progressValue = m_progressMaximum = 0;
    m_log << text;
    Q_EMIT logAdded(text);
    Q_EMIT rowsChanged();
    Q_EMIT finished(ok, text);
}

namespace {

std::vector<std::string> stdList(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

// Turns a training run's events into the work's log and progress: each epoch a line, the bar
// over all the epochs to come (`totalEpochs`, or the run's own plan when 0), moved per batch at
// most ten times a second.
class EpochProgress {
public:
    using Post = std::function<void(const QString &)>;
    using Progress = std::function<void(int, int)>;
    EpochProgress(int totalEpochs, Post post, Progress progress)
        : m_total(totalEpochs), m_post(std::move(post)), m_progress(std::move(progress))
    {
    }

    void operator()(const TrainingEvent &e)
    {
        using K = TrainingEvent::Kind;
        const int total = m_total > 0 ? m_total : std::max(1, e.epochs);
        switch (e.kind) {
        case K::Started: m_post(CompressPanel::tr("Training in %1").arg(QString::fromStdString(e.runDir))); break;
        case K::Batch: {
            const auto now = std::chrono::steady_clock::now();
            if (now - m_lastBatch < std::chrono::milliseconds(100) || e.batchesPerEpoch <= 0)
                break;
            m_lastBatch = now;
            const double done = m_epochsDone + double(e.batch) / e.batchesPerEpoch;
            m_progress(int(std::lround(1000 * std::min(1.0, done / total))), 1000);
            break;
        }
        case K::Epoch: {
            ++m_epochsDone;
            QString line = CompressPanel::tr("Epoch %1 of %2: training loss %3")
                               .arg(m_epochsDone)
                               .arg(total)
                               .arg(e.loss, 0, 'f', 4);
            if (std::isfinite(e.valAccuracy))
                line += CompressPanel::tr(", validation accuracy %1 %").arg(e.valAccuracy * 100, 0, 'f', 2);
            m_post(line);
            m_progress(int(std::lround(1000 * std::min(1.0, double(m_epochsDone) / total))), 1000);
            break;
        }
        case K::Log:
        case K::Error:
            if (!e.message.empty())
                m_post(messageText(e.text.empty() ? Message(e.message) : e.text));
            break;
        case K::Finished:
            m_post(CompressPanel::tr("Training ended: %1").arg(QString::fromUtf8(statusName(e.status))));
            break;
        case K::Import: break;
        }
    }

private:
    int m_total;
    int m_epochsDone = 0;
    Post m_post;
    Progress m_progress;
    std::chrono::steady_clock::time_point m_lastBatch{};
};

} // namespace

void CompressWork::prune(const QString &sourceRun, const PruneOptions &options, const QStringList &runsDirs)
{
    start(tr("Pruning %1…").arg(QFileInfo(sourceRun).fileName()));
    m_jobs->run([this, source = sourceRun.toStdString(), options, dirs = stdList(runsDirs)]() -> std::function<void()> {
        auto progress = std::make_shared<EpochProgress>(
            std::max(1, options.steps) * std::max(0, options.finetuneEpochs), [this](const QString &l) { post(l); },
            [this](int v, int m) { postProgress(v, m); });
        const PruneResult result = pruneRun(
            source, options, [progress](const TrainingEvent &e) { (*progress)(e); }, logger());
        const QString text =
            tr("Pruned into %1: %2 → %3 parameters, %4 → %5 multiply-adds.")
                .arg(QFileInfo(QString::fromStdString(result.runDir)).fileName(), countText(result.parametersBefore),
                     countText(result.parametersAfter), countText(result.macsBefore), countText(result.macsAfter));
        post(text);
        std::vector<std::string> where = dirs;
        where.push_back(QFileInfo(QString::fromStdString(result.runDir)).absolutePath().toStdString());
        const auto rows = measureNow(source, where, {});
        return [this, text, source, rows, run = result.runDir] {
            deliver(true, text, QString::fromStdString(source), rows, QString::fromStdString(run));
        };
    });
}

void CompressWork::quantize(const QString &sourceRun, const QuantizeOptions &options, const QStringList &runsDirs)
{
    start(tr("Quantizing %1 to int8…").arg(QFileInfo(sourceRun).fileName()));
    m_jobs->run([this, source = sourceRun.toStdString(), options, dirs = stdList(runsDirs)]() -> std::function<void()> {
        const QuantizeResult result = quantizeRun(source, options, logger());
        QString text = tr("Quantized into %1: ONNX %2 → %3.")
                           .arg(QFileInfo(QString::fromStdString(result.runDir)).fileName(),
                                bytesText(result.floatOnnxBytes), bytesText(result.int8OnnxBytes));
        if (std::isfinite(result.agreement))
            text += QLatin1Char(' ')
                    + tr("The int8 model predicts the float model's class on %1 % of %2 test samples.")
                          .arg(result.agreement * 100, 0, 'f', 2)
                          .arg(result.testSamples);
        post(text);
        std::vector<std::string> where = dirs;
        where.push_back(QFileInfo(QString::fromStdString(result.runDir)).absolutePath().toStdString());
        const auto rows = measureNow(source, where, {});
        return [this, text, source, rows, run = result.runDir] {
            deliver(true, text, QString::fromStdString(source), rows, QString::fromStdString(run));
        };
    });
}

void CompressWork::distill(const QString &teacherRun, const QString &studentProject, std::optional<double> alpha,
                           std::optional<double> temperature, const QStringList &runsDirs)
{
    start(tr("Distilling %1 into %2…").arg(QFileInfo(teacherRun).fileName(), QFileInfo(studentProject).fileName()));
    m_jobs->run([this, teacher = teacherRun.toStdString(), student = studentProject.toStdString(), alpha, temperature,
                 dirs = stdList(runsDirs)]() -> std::function<void()> {
        TrainRequest request = distillRequest(teacher, student, alpha, temperature);
        auto progress = std::make_shared<EpochProgress>(
            request.epochs.value_or(request.project.training.epochs), [this](const QString &l) { post(l); },
            [this](int v, int m) { postProgress(v, m); });
        const RunResult result = trainBlocking(request, [progress](const TrainingEvent &e) { (*progress)(e); });
        if (result.status == TrainingEvent::Status::Failed)
            throw EngineError(result.text.empty() ? Message(result.message) : result.text);
        const QString text = tr("Distilled into %1 (%2 epoch(s)).")
                                 .arg(QFileInfo(QString::fromStdString(result.runDir)).fileName())
                                 .arg(result.epochsCompleted);
        post(text);
        std::vector<std::string> where = dirs;
        where.push_back(QFileInfo(QString::fromStdString(result.runDir)).absolutePath().toStdString());
        const auto rows = measureNow(teacher, where, {});
        return [this, text, teacher, rows, run = result.runDir] {
            deliver(true, text, QString::fromStdString(teacher), rows, QString::fromStdString(run));
        };
    });
}

void CompressWork::measure(const QString &sourceRun, const QStringList &runsDirs,
                           const CompressionTableOptions &options)
{
    start(tr("Measuring %1 and the runs made from it…").arg(QFileInfo(sourceRun).fileName()));
    m_jobs->run([this, source = sourceRun.toStdString(), options, dirs = stdList(runsDirs)]() -> std::function<void()> {
        const auto rows = measureNow(source, dirs, options);
        const QString text = tr("Measured %n run(s).", nullptr, int(rows.size()));
        return [this, text, source, rows] { deliver(true, text, QString::fromStdString(source), rows, {}); };
    });
}

// ---- CompressPanel ----------------------------------------------------------------------------

CompressPanel::CompressPanel(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_work(CompressWork::forDocument(doc)), m_registerJobs(new BackgroundJobs(this))
{
    setObjectName(QStringLiteral("compressPanel"));
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Compress")), this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("compressSummary"));
    m_summary->setWordWrap(true);

    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("compressSource"));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(12);
    m_technique = new QComboBox(this);
    m_technique->setObjectName(QStringLiteral("compressTechnique"));
    m_technique->addItem(tr("Prune"), int(Prune));
    m_technique->addItem(tr("Quantize to int8"), int(Quantize));
    m_technique->addItem(tr("Distill into a student"), int(Distill));
    m_forms = new QStackedWidget(this);
    m_forms->addWidget(buildPruneForm());
    m_forms->addWidget(buildQuantizeForm());
    m_forms->addWidget(buildDistillForm());
    connect(m_technique, &QComboBox::currentIndexChanged, m_forms, &QStackedWidget::setCurrentIndex);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Source run"), m_source);
    form->addRow(tr("Technique"), m_technique);

    m_run = new QPushButton(tr("Run"), this);
    m_run->setObjectName(QStringLiteral("compressRun"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("compressProgress"));
    m_progress->setMaximumHeight(12);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("compressLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(500);
    m_log->setFixedHeight(fontMetrics().lineSpacing() * 5 + 10);
    m_log->setPlaceholderText(tr("Progress and log lines of the technique and the measurements"));

    m_allowedDrop = new QDoubleSpinBox(this);
    m_allowedDrop->setObjectName(QStringLiteral("compressAllowedDrop"));
    m_allowedDrop->setRange(0, 100);
    m_allowedDrop->setSingleStep(0.1);
    m_allowedDrop->setDecimals(2);
    m_allowedDrop->setValue(CompressionTableOptions{}.allowedDrop);
    m_allowedDrop->setSuffix(tr(" points"));
    m_allowedDrop->setToolTip(tr("Test accuracy a compressed model may lose against the original and still pass"));
    m_measure = new QPushButton(tr("Measure"), this);
    m_measure->setObjectName(QStringLiteral("compressMeasure"));
    m_measure->setToolTip(tr("Measure the source run and every run made from it: sizes, latency, test accuracy"));
    m_register = new QPushButton(tr("Register as version…"), this);
    m_register->setObjectName(QStringLiteral("compressRegister"));
    m_register->setToolTip(tr("Make the selected row's run a new model version (Model update)"));
    auto *tableBar = new QHBoxLayout;
    tableBar->addWidget(new QLabel(tr("Allowed drop"), this));
    tableBar->addWidget(m_allowedDrop);
    tableBar->addStretch(1);
    tableBar->addWidget(m_measure);
    tableBar->addWidget(m_register);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("compressTable"));
    m_table->setHorizontalHeaderLabels({tr("Run"), tr("Method"), tr("Parameters"), tr("MACs"), tr("Size\nTS / ONNX"),
                                        tr("LibTorch ms\nbatch 1 / 64"), tr("ORT ms\nbatch 1 / 64"),
                                        tr("Test\naccuracy"), tr("Change\npoints"), tr("Result")});
    m_table->horizontalHeaderItem(MacsColumn)->setToolTip(tr("Multiply-adds per sample, from the layer graph"));
    m_table->horizontalHeaderItem(ParametersColumn)
        ->setToolTip(tr("All parameters; the non-zero ones in brackets when pruning zeroed some"));
    m_table->horizontalHeaderItem(SizeColumn)
        ->setToolTip(tr("The exported TorchScript and ONNX files; an int8 model has only its ONNX file"));
    m_table->horizontalHeaderItem(LibTorchColumn)
        ->setToolTip(tr("Median CPU milliseconds per batch of real test samples in LibTorch"));
    m_table->horizontalHeaderItem(OnnxRuntimeColumn)
        ->setToolTip(tr("Median CPU milliseconds per batch of real test samples in ONNX Runtime (ORT)"));
    m_table->horizontalHeaderItem(AccuracyColumn)->setToolTip(tr("On the full test split"));
    m_table->horizontalHeaderItem(ChangeColumn)->setToolTip(tr("Test accuracy against the original, in points"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    // Long run names keep their end, where a compressed run says what was done ("pruned 50.0%
    // (structured)"), which tells two runs of one source apart.
    m_table->setTextElideMode(Qt::ElideLeft);
    m_table->setMinimumHeight(150);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("compressStatus"));
    m_status->setWordWrap(true);

    auto *runBar = new QHBoxLayout;
    runBar->addWidget(m_run);
    runBar->addWidget(m_progress, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_summary);
    layout->addLayout(form);
    layout->addWidget(m_forms);
    layout->addLayout(runBar);
    layout->addWidget(m_log);
    layout->addLayout(tableBar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    connect(m_run, &QPushButton::clicked, this, &CompressPanel::runTechnique);
    connect(m_measure, &QPushButton::clicked, this, &CompressPanel::measure);
    connect(m_register, &QPushButton::clicked, this, &CompressPanel::chooseRegister);
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        fillTable();
        updateButtons();
    });
    connect(m_allowedDrop, &QDoubleSpinBox::valueChanged, this, &CompressPanel::markRows);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &CompressPanel::updateButtons);

    for (const QString &line : m_work->log())
        m_log->appendPlainText(line);
    connect(m_work, &CompressWork::logAdded, this, [this](const QString &line) {
        if (line.isEmpty()) { // a new job: its log starts again
            m_log->clear();
            for (const QString &l : m_work->log())
                m_log->appendPlainText(l);
        } else {
            m_log->appendPlainText(line);
        }
    });
    auto showProgress = [this](int value, int maximum) {
        m_progress->setRange(0, maximum);
        m_progress->setValue(value);
    };
    showProgress(m_work->progressValue(), m_work->progressMaximum());
    connect(m_work, &CompressWork::progressChanged, this, showProgress);
    connect(m_work, &CompressWork::busyChanged, this, &CompressPanel::updateButtons);
    connect(m_work, &CompressWork::rowsChanged, this, &CompressPanel::refresh);
    connect(m_work, &CompressWork::finished, this, [this](bool ok, const QString &text) {
        reportStatus(text, !ok);
        if (ok)
            LoopWatcher::forDocument(m_doc)->notify();
        Q_EMIT done(ok);
    });
    connect(m_registerJobs, &BackgroundJobs::busyChanged, this, &CompressPanel::updateButtons);
    connect(m_registerJobs, &BackgroundJobs::failed, this, [this](const QString &message) {
        reportStatus(message, true);
        Q_EMIT done(false);
    });
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &CompressPanel::refresh);
    connect(doc, &ProjectDocument::filePathChanged, this, &CompressPanel::refresh);
    refresh();
}

QWidget *CompressPanel::buildPruneForm()
{
    auto *w = new QWidget(this);
    auto *form = new QFormLayout(w);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_amount = new QDoubleSpinBox(w);
    m_amount->setObjectName(QStringLiteral("pruneAmount"));
    m_amount->setRange(1, 95);
    m_amount->setDecimals(0);
    m_amount->setSingleStep(5);
    m_amount->setSuffix(QStringLiteral(" %"));
    m_amount->setValue(PruneOptions{}.amount * 100);
    m_amount->setToolTip(tr("Unstructured: the share of the weights set to zero. Structured: the share of the "
                            "multiply-adds removed with whole channels and neurons."));
    m_structured = new QCheckBox(tr("Structured: remove whole channels"), w);
    m_structured->setObjectName(QStringLiteral("pruneStructured"));
    m_score = new QComboBox(w);
    m_score->setObjectName(QStringLiteral("pruneScore"));
    m_score->addItem(tr("L1 norm of the weights"), QStringLiteral("l1"));
    m_score->addItem(tr("Taylor score (weight × gradient)"), QStringLiteral("taylor"));
    m_score->setEnabled(false);
    connect(m_structured, &QCheckBox::toggled, m_score, &QWidget::setEnabled);
    m_steps = new QSpinBox(w);
    m_steps->setObjectName(QStringLiteral("pruneSteps"));
    m_steps->setRange(1, 20);
    m_steps->setValue(PruneOptions{}.steps);
    m_steps->setToolTip(tr("The amount is reached over this many steps, each followed by fine-tuning"));
    m_finetuneEpochs = new QSpinBox(w);
    m_finetuneEpochs->setObjectName(QStringLiteral("pruneFinetuneEpochs"));
    m_finetuneEpochs->setRange(0, 100);
    m_finetuneEpochs->setValue(PruneOptions{}.finetuneEpochs);
    form->addRow(tr("Amount"), m_amount);
    form->addRow(m_structured);
    form->addRow(tr("Channel score"), m_score);
    form->addRow(tr("Steps"), m_steps);
    form->addRow(tr("Fine-tuning epochs per step"), m_finetuneEpochs);
    return w;
}

QWidget *CompressPanel::buildQuantizeForm()
{
    auto *w = new QWidget(this);
    auto *form = new QFormLayout(w);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_mode = new QComboBox(w);
    m_mode->setObjectName(QStringLiteral("quantizeMode"));
    m_mode->addItem(tr("Static (calibrated activations)"), QStringLiteral("static"));
    m_mode->addItem(tr("Dynamic (Linear, LSTM, GRU weights)"), QStringLiteral("dynamic"));
    m_calibrate = new QSpinBox(w);
    m_calibrate->setObjectName(QStringLiteral("quantizeCalibrate"));
    m_calibrate->setRange(1, 1000000);
    m_calibrate->setValue(QuantizeOptions{}.calibrate);
    m_calibrate->setToolTip(tr("Training samples the observers see to choose the activations' ranges"));
    m_observer = new QComboBox(w);
    m_observer->setObjectName(QStringLiteral("quantizeObserver"));
    m_observer->addItem(tr("Min/max"), QStringLiteral("minmax"));
    m_observer->addItem(tr("Percentile"), QStringLiteral("percentile"));
    m_observer->addItem(tr("Entropy"), QStringLiteral("entropy"));
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        const bool calibrated = m_mode->currentData().toString() == QLatin1String("static");
        m_calibrate->setEnabled(calibrated);
        m_observer->setEnabled(calibrated);
    });
    form->addRow(tr("Mode"), m_mode);
    form->addRow(tr("Calibration samples"), m_calibrate);
    form->addRow(tr("Observer"), m_observer);
    return w;
}

QWidget *CompressPanel::buildDistillForm()
{
    auto *w = new QWidget(this);
    auto *form = new QFormLayout(w);
    form->setContentsMargins(0, 0, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_student = new QLineEdit(w);
    m_student->setObjectName(QStringLiteral("distillStudent"));
    m_student->setPlaceholderText(tr("The student's project file (.json)"));
    auto *browse = new QPushButton(tr("Browse…"), w);
    connect(browse, &QPushButton::clicked, this, &CompressPanel::chooseStudent);
    auto *studentRow = new QHBoxLayout;
    studentRow->addWidget(m_student, 1);
    studentRow->addWidget(browse);
    m_alpha = new QDoubleSpinBox(w);
    m_alpha->setObjectName(QStringLiteral("distillAlpha"));
    m_alpha->setRange(-0.05, 1);
    m_alpha->setSingleStep(0.05);
    m_alpha->setDecimals(2);
    m_alpha->setSpecialValueText(tr("the student's setting"));
    m_alpha->setValue(-0.05);
    m_alpha->setToolTip(tr("The share of the loss that follows the teacher; the rest is cross-entropy"));
    m_temperature = new QDoubleSpinBox(w);
    m_temperature->setObjectName(QStringLiteral("distillTemperature"));
    m_temperature->setRange(0, 100);
    m_temperature->setSingleStep(0.5);
    m_temperature->setDecimals(1);
    m_temperature->setSpecialValueText(tr("the student's setting"));
    m_temperature->setValue(0);
    m_temperature->setToolTip(tr("Softens both models' outputs before they are compared"));
    form->addRow(tr("Student project"), studentRow);
    form->addRow(tr("Alpha"), m_alpha);
    form->addRow(tr("Temperature"), m_temperature);
    return w;
}

void CompressPanel::chooseStudent()
{
    const QString start = m_student->text().isEmpty() ? QFileInfo(m_doc->filePath()).absolutePath() : m_student->text();
    const QString file =
        QFileDialog::getOpenFileName(this, tr("The student project"), start, tr("Torchwright projects (*.json)"));
    if (!file.isEmpty())
        m_student->setText(file);
}

QString CompressPanel::statusText() const { return m_status->text(); }
QString CompressPanel::logText() const { return m_log->toPlainText(); }
QStringList CompressPanel::rowRuns() const { return m_rowRuns; }

bool CompressPanel::rowPasses(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size() || !std::isfinite(m_rows[size_t(row)].accuracyChange))
        return false;
    return m_rows[size_t(row)].accuracyChange >= -m_allowedDrop->value() - 1e-9;
}

void CompressPanel::reportStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

QStringList CompressPanel::runsDirs() const
{
    QStringList dirs{TrainingController::runsDirectoryFor(m_doc->filePath())};
    const QString source = m_source->currentData().toString();
    if (!source.isEmpty()) {
        const QString beside = QFileInfo(source).absolutePath();
        if (!sameDir(beside, dirs.front()))
            dirs << beside;
    }
    return dirs;
}

QList<QPair<QString, QString>> CompressPanel::sourceRuns() const
{
    return finishedRuns(*m_doc, [this](const RunSummary &r) {
        const std::string method = compressionMethod(r.dir);
        return method.empty() ? QString() : QLatin1Char(' ') + tr("— %1").arg(methodText(method));
    });
}

void CompressPanel::refresh()
{
    const QString keep = m_source->currentData().toString();
    QList<QPair<QString, QString>> runs;
    try {
        runs = sourceRuns();
    } catch (const std::exception &e) {
        reportStatus(exceptionText(e), true);
    }
    {
        const QSignalBlocker block(m_source);
        m_source->clear();
        for (const auto &r : runs)
            m_source->addItem(r.second, r.first);
        // The run chosen before; else the one last measured (after a technique, its source); else
        // the newest run that was not made by compression.
        const QString wanted = keep.isEmpty() ? m_work->rowsSource() : keep;
        int index = 0;
        for (int i = m_source->count() - 1; i >= 0; --i)
            if (compressionMethod(m_source->itemData(i).toString().toStdString()).empty())
                index = i;
        for (int i = 0; i < m_source->count(); ++i)
            if (!wanted.isEmpty() && sameDir(m_source->itemData(i).toString(), wanted))
                index = i;
        if (m_source->count())
            m_source->setCurrentIndex(index);
    }
    if (runs.isEmpty())
        m_summary->setText(m_doc->filePath().isEmpty()
                               ? tr("Save the project and train it first: compression starts from a completed run.")
                               : tr("Compression starts from a completed run: train the model on the Dashboard "
                                    "first."));
    else
        m_summary->setText(tr("Make a smaller or faster model from a completed run, then compare it with the "
                              "original in the table: each technique writes a new run."));
    fillTable();
    updateButtons();
}

void CompressPanel::fillTable()
{
    const QString source = m_source->currentData().toString();
    m_rowRuns.clear();
    m_rows.clear();
    m_table->setRowCount(0);
    if (source.isEmpty())
        return;
    std::vector<CompressedRun> made;
    try {
        std::vector<std::string> dirs;
        for (const QString &d : runsDirs())
            dirs.push_back(d.toStdString());
        made = compressedRuns(source.toStdString(), dirs);
    } catch (const std::exception &e) {
        reportStatus(exceptionText(e), true);
    }
    // What each row shows before it is measured: the run and its method.
    std::vector<CompressionRow> listed;
    CompressionRow original;
    original.runDir = source.toStdString();
    original.label = QFileInfo(source).fileName().toStdString();
    try {
        original.label = readRunSummary(source.toStdString()).label();
    } catch (const std::exception &) {
    }
    original.method = "original";
    listed.push_back(original);
    for (const CompressedRun &r : made) {
        CompressionRow row;
        row.runDir = r.runDir;
        row.label = r.label;
        row.method = r.method;
        listed.push_back(row);
    }
    const bool measured = sameDir(m_work->rowsSource(), source);
    bool anyMeasured = false;
    for (CompressionRow &row : listed) {
        if (measured)
            for (const CompressionRow &m : m_work->rows())
                if (sameDir(QString::fromStdString(m.runDir), QString::fromStdString(row.runDir))) {
                    row = m;
                    anyMeasured = true;
                }
        m_rows.push_back(row);
        m_rowRuns << QString::fromStdString(row.runDir);
    }
    if (!anyMeasured)
        m_rows.clear();
    for (size_t i = 0; i < listed.size(); ++i) {
        const CompressionRow &r = anyMeasured ? m_rows[i] : listed[i];
        const bool has = anyMeasured && r.parameters > 0;
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *run = new QTableWidgetItem(QString::fromStdString(r.label));
        run->setData(Qt::UserRole, QString::fromStdString(r.runDir));
        run->setToolTip(r.note.empty()
                            ? QString::fromStdString(r.runDir)
                            : QString::fromStdString(r.runDir) + QLatin1Char('\n') + QString::fromStdString(r.note));
        if (i == 0) {
            QFont bold = run->font();
            bold.setBold(true);
            run->setFont(bold);
        }
        m_table->setItem(row, RunColumn, run);
        m_table->setItem(row, MethodColumn, new QTableWidgetItem(methodText(r.method)));
        const QString dash = QStringLiteral("–");
        QString params = dash;
        if (has) {
            params = countText(r.parameters);
            if (r.nonZeroParameters < r.parameters)
                params += QStringLiteral(" (%1)").arg(countText(r.nonZeroParameters));
        }
        m_table->setItem(row, ParametersColumn, new QTableWidgetItem(params));
        m_table->setItem(row, MacsColumn, new QTableWidgetItem(has ? countText(r.macs) : dash));
        m_table->setItem(
            row, SizeColumn,
            new QTableWidgetItem(has ? pairText(bytesText(r.torchscriptBytes), bytesText(r.onnxBytes)) : dash));
        m_table->setItem(row, LibTorchColumn,
                         new QTableWidgetItem(has ? pairText(msText(r.libtorchMs1), msText(r.libtorchMs64)) : dash));
        m_table->setItem(
            row, OnnxRuntimeColumn,
            new QTableWidgetItem(has ? pairText(msText(r.onnxRuntimeMs1), msText(r.onnxRuntimeMs64)) : dash));
        m_table->setItem(row, AccuracyColumn,
                         new QTableWidgetItem(has && std::isfinite(r.testAccuracy)
                                                  ? QStringLiteral("%1 %").arg(r.testAccuracy * 100, 0, 'f', 2)
                                                  : dash));
        m_table->setItem(row, ChangeColumn,
                         new QTableWidgetItem(has && std::isfinite(r.accuracyChange)
                                                  ? (r.accuracyChange >= 0 ? QStringLiteral("+") : QString())
                                                        + QString::number(r.accuracyChange, 'f', 2)
                                                  : dash));
        m_table->setItem(row, ResultColumn, new QTableWidgetItem(has ? QString() : tr("not measured")));
        for (int c = ParametersColumn; c < ColumnCount; ++c)
            if (c != ResultColumn)
                m_table->item(row, c)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    markRows();
    m_table->resizeColumnsToContents();
    m_table->resizeRowsToContents();
    // A run's time-stamped folder name would take the width of three figures: elided, in full
    // in its tooltip.
    const int runWidth = fontMetrics().horizontalAdvance(QLatin1Char('M')) * 13;
    if (m_table->columnWidth(RunColumn) > runWidth)
        m_table->setColumnWidth(RunColumn, runWidth);
}

void CompressPanel::markRows()
{
    const QColor passColor(0xd8, 0xf0, 0xdc), failColor(0xf8, 0xdc, 0xdc);
    for (int row = 0; row < m_table->rowCount() && size_t(row) < m_rows.size(); ++row) {
        const CompressionRow &r = m_rows[size_t(row)];
        if (r.parameters <= 0)
            continue;
        QTableWidgetItem *result = m_table->item(row, ResultColumn);
        const bool measuredAccuracy = std::isfinite(r.accuracyChange);
        const bool passes = rowPasses(row);
        result->setText(!measuredAccuracy ? tr("no accuracy") : passes ? tr("✔ passes") : tr("✘ fails"));
        result->setToolTip(measuredAccuracy ? tr("Loses %1 points at most: %2")
                                                  .arg(m_allowedDrop->value(), 0, 'f', 2)
                                                  .arg(passes ? tr("yes") : tr("no"))
                                            : QString::fromStdString(r.note));
        for (int c = 0; c < ColumnCount; ++c)
            if (QTableWidgetItem *item = m_table->item(row, c))
                item->setBackground(!measuredAccuracy ? QBrush() : passes ? QBrush(passColor) : QBrush(failColor));
    }
}

void CompressPanel::updateButtons()
{
    const bool busy = m_work->isBusy();
    const bool idle = !busy && !m_registerJobs->isBusy();
    const bool hasSource = m_source->count() > 0;
    m_run->setEnabled(!busy && hasSource);
    m_measure->setEnabled(!busy && hasSource);
    m_source->setEnabled(!busy);
    m_progress->setVisible(busy);
    int row = -1;
    for (QTableWidgetItem *item : m_table->selectedItems())
        row = item->row();
    m_register->setEnabled(idle && row >= 0 && !m_doc->filePath().isEmpty());
    m_register->setToolTip(m_doc->filePath().isEmpty() ? tr("Save the project first: its versions are kept beside it")
                                                       : tr("Make the selected row's run a new model version"));
}

void CompressPanel::runTechnique()
{
    const QString source = m_source->currentData().toString();
    if (source.isEmpty() || m_work->isBusy())
        return;
    reportStatus(QString(), false);
    switch (Technique(m_technique->currentData().toInt())) {
    case Prune: {
        PruneOptions o;
        o.amount = m_amount->value() / 100;
        o.structured = m_structured->isChecked();
        o.score = m_score->currentData().toString().toStdString();
        o.steps = m_steps->value();
        o.finetuneEpochs = m_finetuneEpochs->value();
        m_work->prune(source, o, runsDirs());
        break;
    }
    case Quantize: {
        QuantizeOptions o;
        o.mode = m_mode->currentData().toString().toStdString();
        o.calibrate = m_calibrate->value();
        o.observer = m_observer->currentData().toString().toStdString();
        m_work->quantize(source, o, runsDirs());
        break;
    }
    case Distill: {
        const QString student = m_student->text().trimmed();
        if (student.isEmpty()) {
            reportStatus(tr("Choose the student's project file first: the smaller model to train from this run."),
                         true);
            return;
        }
        std::optional<double> alpha, temperature;
        if (m_alpha->value() >= 0)
            alpha = m_alpha->value();
        if (m_temperature->value() > 0)
            temperature = m_temperature->value();
        m_work->distill(source, student, alpha, temperature, runsDirs());
        break;
    }
    }
    updateButtons();
}

void CompressPanel::measure()
{
    const QString source = m_source->currentData().toString();
    if (source.isEmpty() || m_work->isBusy())
        return;
    CompressionTableOptions o;
    o.allowedDrop = m_allowedDrop->value();
    reportStatus(QString(), false);
    m_work->measure(source, runsDirs(), o);
    updateButtons();
}

void CompressPanel::chooseRegister()
{
    int row = -1;
    for (QTableWidgetItem *item : m_table->selectedItems())
        row = item->row();
    if (row < 0)
        return;
    bool ok = false;
    const QString note = QInputDialog::getText(this, tr("Register as version"),
                                               tr("Make %1 a new model version. A note for the registry (optional):")
                                                   .arg(m_table->item(row, RunColumn)->text()),
                                               QLineEdit::Normal, m_table->item(row, MethodColumn)->text(), &ok);
    if (ok)
        registerRow(row, note);
}

void CompressPanel::registerRow(int row, const QString &note)
{
    if (row < 0 || row >= m_rowRuns.size())
        return;
    const Project project = m_doc->project();
    const QString dir = m_rowRuns[row];
    reportStatus(
        tr("Registering %1: measuring it on the test split and the feedback set…").arg(QFileInfo(dir).fileName()),
        false);
    m_registerJobs->run([this, project, dir = dir.toStdString(), note = note.toStdString()]() -> std::function<void()> {
        RegisterOptions options;
        options.note = note;
        const VersionInfo v = registerVersion(project, dir, options);
        return [this, v] {
            reportStatus(v.current ? tr("Registered %1; it is the current version.").arg(QString::fromStdString(v.id))
                                   : tr("Registered %1. Compare it with the current version under Model update, "
                                        "then promote it.")
                                         .arg(QString::fromStdString(v.id)),
                         false);
            LoopWatcher::forDocument(m_doc)->notify();
            Q_EMIT done(true);
        };
    });
    updateButtons();
}

} // namespace torchwright::ui
