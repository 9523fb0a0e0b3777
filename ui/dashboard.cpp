#include "dashboard.h"

#include "curveplot.h"
#include "flowlayout.h"
#include "i18n.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/datasetformat.h"
#include "torchwright/diagnostics.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/settings.h"
#include "torchwright/training.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

namespace {

// Whether the project's runs measure accuracy: not when the target is the input or a real value.
bool hasAccuracy(const Project &p) { return !p.training.reconstructs() && !isRegression(p); }

const char *const kSmoothingKey = "dashboard/smoothing";

// One step of the debiased moving average (Dashboard::smoothCurve).
double smoothStep(double loss, double weight, double &ema, double &bias)
{
    if (std::isfinite(loss)) {
        ema = weight * ema + (1 - weight) * loss;
        bias = weight * bias + (1 - weight); // what a constant 1 would average to so far
    }
    return bias > 0 ? ema / bias : loss;
}

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

CurvePlot *makePlot(const QString &title, const QString &yLabel, QWidget *parent)
{
    auto *plot = new CurvePlot(parent);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0,
                                   new QCPTextElement(plot, title, QFont(plot->font().family(), -1, QFont::Bold)));
    plot->xAxis->setLabel(QObject::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    plot->setMinimumHeight(160);
    return plot;
}

} // namespace

Dashboard::Dashboard(ProjectDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_controller(std::make_unique<TrainingController>())
{
    if (!m_document)
        qFatal("Dashboard needs a ProjectDocument");
    buildUi();
    fillDevices();
    takeSettingsFromProject();

    TrainingController *c = m_controller.get();
    connect(c, &TrainingController::started, this, &Dashboard::onStarted);
    connect(c, &TrainingController::batchesArrived, this, &Dashboard::onBatches);
    connect(c, &TrainingController::progressChanged, this, &Dashboard::onProgress);
    connect(c, &TrainingController::importProgress, this, &Dashboard::onImportProgress);
    connect(c, &TrainingController::epochFinished, this, &Dashboard::onEpoch);
    connect(c, &TrainingController::lossPartsArrived, this, &Dashboard::onLossParts);
    connect(c, &TrainingController::logLine, this, &Dashboard::onLog);
    connect(c, &TrainingController::finished, this, &Dashboard::onFinished);
    connect(c, &TrainingController::stateChanged, this, &Dashboard::updateButtons);
    // A newly opened project brings its own device and thread settings.
    connect(m_document, &ProjectDocument::projectReset, this, &Dashboard::takeSettingsFromProject);
    // A project that rebuilds its input (an autoencoder) or predicts a real value (a regression,
    // whose R^2 and MAE the log and the evaluation show) has no accuracy to plot: its loss is all.
    const auto showAccuracy = [this] { m_accuracyPlot->setVisible(hasAccuracy(m_document->project())); };
    connect(m_document, &ProjectDocument::projectReset, this, showAccuracy);
    connect(m_document, &ProjectDocument::settingsChanged, this, showAccuracy);
    // Another project (opened, or File > New): the last run's curves and progress were not its.
    connect(m_document, &ProjectDocument::projectReset, this, [this] {
        if (m_controller->isRunning())
            return;
        clearCurves();
        m_sawError = false;
        setStatus(tr("Ready"), false);
    });
    updateButtons();
}

Dashboard::~Dashboard()
{
    // Join the worker while the widgets its signals update still exist; the controller emits
    // nothing from its destructor.
    m_controller->disconnect(this);
    m_controller.reset();
}

void Dashboard::buildUi()
{
    m_deviceCombo = new QComboBox(this);
    m_deviceCombo->setObjectName(QStringLiteral("deviceCombo"));
    m_deviceCombo->setToolTip(tr("Device to train on; \"auto\" takes the first GPU when there is one"));
    m_threadsSpin = new QSpinBox(this);
    m_threadsSpin->setObjectName(QStringLiteral("threadsSpin"));
    // Up to twice the cores, within the schema's range of training.threads.
    const int mostThreads = int(findSetting("/training/threads")->intMax());
    m_threadsSpin->setRange(0, std::min(std::max(QThread::idealThreadCount(), 1) * 2, mostThreads));
    m_threadsSpin->setSpecialValueText(tr("auto"));
    m_threadsSpin->setToolTip(tr("CPU threads for LibTorch; auto uses every core"));
    m_epochsSpin = new QSpinBox(this);
    m_epochsSpin->setObjectName(QStringLiteral("epochsSpin"));
    // 0 is "as planned"; the most is the project setting's, so an override is never refused.
    m_epochsSpin->setRange(0, int(findSetting("/training/epochs")->intMax()));
    m_epochsSpin->setSpecialValueText(tr("as planned"));
    m_epochsSpin->setToolTip(tr("Epochs for this run (resuming: the total); \"as planned\" keeps the "
                                "project's (or the run's) setting"));

    auto button = [this](const QString &name, const QString &text) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        return b;
    };
    m_startButton = button(QStringLiteral("startButton"), tr("Start"));
    m_pauseButton = button(QStringLiteral("pauseButton"), tr("Pause"));
    m_resumeButton = button(QStringLiteral("resumeButton"), tr("Resume"));
    m_stopButton = button(QStringLiteral("stopButton"), tr("Stop"));
    connect(m_startButton, &QPushButton::clicked, this, &Dashboard::startTraining);
    connect(m_pauseButton, &QPushButton::clicked, this, [this] { m_controller->pause(); });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] { m_controller->resume(); });
    connect(m_stopButton, &QPushButton::clicked, this, [this] { m_controller->stop(); });

    m_epochProgress = new QProgressBar(this);
    m_epochProgress->setObjectName(QStringLiteral("epochProgress"));
    m_epochProgress->setRange(0, 1);
    m_epochProgress->setValue(0);
    m_epochProgress->setFormat(tr("epoch"));
    m_runProgress = new QProgressBar(this);
    m_runProgress->setObjectName(QStringLiteral("runProgress"));
    m_runProgress->setRange(0, 1);
    m_runProgress->setValue(0);
    m_samplesLabel = new QLabel(this);
    m_samplesLabel->setObjectName(QStringLiteral("samplesLabel"));
    m_etaLabel = new QLabel(this);
    m_etaLabel->setObjectName(QStringLiteral("etaLabel"));
    m_deviceLabel = new QLabel(this);
    m_deviceLabel->setObjectName(QStringLiteral("deviceLabel"));
    m_statusLabel = new QLabel(tr("Ready"), this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Two groups that wrap onto two rows in a narrow window (1024 px with the Runs dock).
    auto group = [this](std::initializer_list<QWidget *> widgets) {
        auto *box = new QWidget(this);
        auto *row = new QHBoxLayout(box);
        row->setContentsMargins(0, 0, 0, 0);
        for (QWidget *w : widgets)
            row->addWidget(w);
        return box;
    };
    auto *controls = new FlowLayout(nullptr, 12);
    controls->addWidget(group({new QLabel(tr("Device"), this), m_deviceCombo, new QLabel(tr("Threads"), this),
                               m_threadsSpin, new QLabel(tr("Epochs"), this), m_epochsSpin}));
    controls->addWidget(group({m_startButton, m_pauseButton, m_resumeButton, m_stopButton}));

    auto *progress = new QGridLayout;
    progress->addWidget(new QLabel(tr("Epoch"), this), 0, 0);
    progress->addWidget(m_epochProgress, 0, 1);
    progress->addWidget(m_samplesLabel, 0, 2);
    progress->addWidget(m_deviceLabel, 0, 3);
    progress->addWidget(new QLabel(tr("Run"), this), 1, 0);
    progress->addWidget(m_runProgress, 1, 1);
    progress->addWidget(m_etaLabel, 1, 2);
    progress->setColumnStretch(1, 1);

    m_batchPlot = makePlot(tr("Training loss per batch"), tr("loss"), this);
    m_batchPlot->setObjectName(QStringLiteral("batchLossPlot"));
    // The raw curve faint behind the smoothed one.
    m_batchPlot->addSeries(tr("batch"), QPen(QColor(120, 160, 215, 110), 1));
    // One pixel wide: a wider antialiased pen is stroked as an outline with a join at every
    // vertex, 24 ms for 100,000 points against 3 ms, long enough to delay the GUI thread.
    m_batchPlot->addSeries(tr("smoothed"), QPen(QColor(10, 50, 140), 1));

    m_smoothing = std::clamp(QSettings().value(kSmoothingKey, kDefaultSmoothing).toDouble(), 0.0, kMaxSmoothing);
    m_smoothingSlider = new QSlider(Qt::Horizontal, this);
    m_smoothingSlider->setObjectName(QStringLiteral("smoothingSlider"));
    m_smoothingSlider->setRange(0, int(std::lround(kMaxSmoothing * 100)));
    m_smoothingSlider->setValue(int(std::lround(m_smoothing * 100)));
    m_smoothingSlider->setMaximumWidth(220);
    m_smoothingSlider->setToolTip(tr("Smoothing of the batch loss: an exponential moving average (0: the raw "
                                     "curve; 0.99: the calmest). The raw curve stays faint behind it."));
    m_smoothingLabel = new QLabel(this);
    m_smoothingLabel->setObjectName(QStringLiteral("smoothingLabel"));
    m_smoothingLabel->setText(QString::number(m_smoothing, 'f', 2));
    m_smoothingLabel->setMinimumWidth(m_smoothingLabel->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 4);
    connect(m_smoothingSlider, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    m_lossPlot = makePlot(tr("Loss per epoch"), tr("loss"), this);
    m_lossPlot->setObjectName(QStringLiteral("epochLossPlot"));
    m_accuracyPlot = makePlot(tr("Accuracy per epoch"), tr("accuracy"), this);
    m_accuracyPlot->setObjectName(QStringLiteral("accuracyPlot"));
    m_accuracyPlot->setVisible(hasAccuracy(m_document->project()));
    for (CurvePlot *p : {m_lossPlot, m_accuracyPlot}) {
        const int t = p->addSeries(tr("training"), QPen(QColor(25, 80, 160), 2));
        const int v = p->addSeries(tr("validation"), QPen(QColor(220, 110, 20), 2));
        for (int s : {t, v}) {
            p->seriesGraph(s)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        }
    }

    auto *epochPlots = new QSplitter(Qt::Horizontal, this);
    epochPlots->addWidget(m_lossPlot);
    epochPlots->addWidget(m_accuracyPlot);
    auto *batchArea = new QWidget(this);
    auto *smoothingRow = new QHBoxLayout;
    smoothingRow->addStretch(1);
    smoothingRow->addWidget(new QLabel(tr("Smoothing"), batchArea));
    smoothingRow->addWidget(m_smoothingSlider);
    smoothingRow->addWidget(m_smoothingLabel);
    auto *batchLayout = new QVBoxLayout(batchArea);
    batchLayout->setContentsMargins(0, 0, 0, 0);
    batchLayout->setSpacing(0);
    batchLayout->addLayout(smoothingRow);
    batchLayout->addWidget(m_batchPlot, 1);
    auto *plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(batchArea);
    plots->addWidget(epochPlots);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(progress);
    layout->addWidget(m_statusLabel);
    layout->addWidget(plots, 1);
}

void Dashboard::fillDevices()
{
    m_deviceCombo->clear();
    m_deviceCombo->addItem(QStringLiteral("auto"));
    for (const std::string &d : availableDevices())
        m_deviceCombo->addItem(QString::fromStdString(d));
}

void Dashboard::takeSettingsFromProject()
{
    const TrainingSettings &ts = m_document->project().training;
    const int index = m_deviceCombo->findText(QString::fromStdString(ts.device));
    m_deviceCombo->setCurrentIndex(index >= 0 ? index : 0);
    m_threadsSpin->setValue(std::max(ts.threads, 0));
}

bool Dashboard::isTraining() const { return m_controller->isRunning(); }

QString Dashboard::currentRunDir() const { return m_controller->runDir(); }

QString Dashboard::statusText() const { return m_statusLabel->text(); }

TrainingController::Options Dashboard::optionsFromControls() const
{
    TrainingController::Options options;
    options.device = m_deviceCombo->currentText();
    options.threads = m_threadsSpin->value();
    if (m_epochsSpin->value() > 0)
        options.epochs = m_epochsSpin->value();
    return options;
}

void Dashboard::startTraining()
{
    if (m_controller->isRunning())
        return;
    // A project with problems is refused here, with them, instead of creating a run that fails.
    const Diagnostics &problems = m_document->analysis().diagnostics;
    if (problems.hasErrors()) {
        QString first;
        for (const Diagnostic &d : problems.items()) {
            if (d.severity != Severity::Error)
                continue;
            const QString line = diagnosticText(d);
            if (first.isEmpty())
                first = line;
            Q_EMIT logMessage(line, true);
        }
        setStatus(
            tr("Not started: the project has %n problem(s); fix them first. %1", "", problems.errorCount()).arg(first),
            true);
        return;
    }
    TrainingController::Options options = optionsFromControls();
    // Runs belong beside the project file; see runsDirectoryFor() for a project never saved.
    options.runsDir = TrainingController::runsDirectoryFor(m_document->filePath());
    clearCurves();
    m_sawError = false;
    setStatus(tr("Starting…"), false);
    m_controller->start(m_document->project(), options);
}

void Dashboard::startFinetune(const TrainRequest &request)
{
    if (m_controller->isRunning())
        return;
    TrainingController::Options options = optionsFromControls();
    options.epochs = request.epochs;
    options.finetune = request.finetune;
    options.runsDir = request.runsDir.empty() ? TrainingController::runsDirectoryFor(m_document->filePath())
                                              : QString::fromStdString(request.runsDir);
    clearCurves();
    m_sawError = false;
    setStatus(request.finetune ? tr("Fine-tuning from %1…").arg(QString::fromStdString(request.finetune->parentVersion))
                               : tr("Starting…"),
              false);
    m_controller->start(request.project, options);
}

void Dashboard::resumeRun(const QString &runDir)
{
    if (m_controller->isRunning())
        return;
    TrainingController::Options options = optionsFromControls();
    options.resumeRun = runDir;
    clearCurves();
    loadRecordedCurves(runDir);
    m_sawError = false;
    setStatus(tr("Resuming %1…").arg(QFileInfo(runDir).fileName()), false);
    // The engine trains the run's own project copy; the document's project is not used.
    m_controller->start(m_document->project(), options);
}

void Dashboard::stopAndWait() { m_controller->stopAndWait(); }

void Dashboard::clearCurves()
{
    m_batchPlot->clearData();
    m_lossPlot->clearData();
    if (m_lossPlot->seriesCount() > SoftLossSeries) {
        m_lossPlot->removeSeriesFrom(SoftLossSeries); // a distilling run adds them again
        m_lossPlot->legend->setWrap(0);
        m_lossPlot->legend->setFillOrder(QCPLayoutGrid::foRowsFirst);
        m_lossPlot->legend->setBrush(Qt::white);
    }
    m_accuracyPlot->clearData();
    m_ema = 0;
    m_emaBias = 0;
    m_epochProgress->setRange(0, 1);
    m_epochProgress->setValue(0);
    m_epochProgress->setFormat(tr("epoch"));
    m_runProgress->setRange(0, 1);
    m_runProgress->setValue(0);
    m_runProgress->setFormat(QStringLiteral("%p%"));
    m_samplesLabel->clear();
    m_etaLabel->clear();
    m_deviceLabel->clear();
}

void Dashboard::loadRecordedCurves(const QString &runDir)
{
    // The batches of an epoch that was stopped part-way come again when the run continues;
    // CurvePlot drops the recorded ones when an earlier x arrives.
    QVector<double> x, loss;
    std::vector<Message> problems; // a line torn by a kill: skipped, and said in the log
    const std::vector<TrainingEvent> events = readMetrics(runDir.toStdString(), &problems);
    for (const Message &problem : problems)
        Q_EMIT logMessage(messageText(problem), false);
    for (const TrainingEvent &e : events) {
        if (e.kind == TrainingEvent::Kind::Batch) {
            x.append(e.epoch - 1 + double(e.batch) / std::max(e.batchesPerEpoch, 1));
            loss.append(e.loss);
        } else if (e.kind == TrainingEvent::Kind::Epoch) {
            m_lossPlot->appendPoint(TrainingSeries, e.epoch, e.loss);
            m_lossPlot->appendPoint(ValidationSeries, e.epoch, e.valLoss);
            m_accuracyPlot->appendPoint(TrainingSeries, e.epoch, e.accuracy);
            m_accuracyPlot->appendPoint(ValidationSeries, e.epoch, e.valAccuracy);
            if (std::isfinite(e.softLoss) && std::isfinite(e.hardLoss))
                onLossParts(e.epoch, e.softLoss, e.hardLoss);
        }
    }
    appendBatches(x, loss);
}

QVector<double> Dashboard::smoothCurve(const QVector<double> &loss, double weight)
{
    double ema = 0, bias = 0;
    QVector<double> smoothed;
    smoothed.reserve(loss.size());
    for (double l : loss)
        smoothed.append(smoothStep(l, weight, ema, bias));
    return smoothed;
}

void Dashboard::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, kMaxSmoothing);
    m_smoothing = weight;
    QSettings().setValue(kSmoothingKey, weight);
    const int hundredths = int(std::lround(weight * 100));
    if (m_smoothingSlider->value() != hundredths) {
        const QSignalBlocker block(m_smoothingSlider);
        m_smoothingSlider->setValue(hundredths);
    }
    m_smoothingLabel->setText(QString::number(weight, 'f', 2));
    // The whole curve again with the new weight; later batches continue from its state.
    const QVector<double> &loss = m_batchPlot->yData(RawBatchLoss);
    m_ema = 0;
    m_emaBias = 0;
    QVector<double> smoothed;
    smoothed.reserve(loss.size());
    for (double l : loss)
        smoothed.append(smoothStep(l, weight, m_ema, m_emaBias));
    m_batchPlot->setPoints(SmoothedBatchLoss, m_batchPlot->xData(RawBatchLoss), smoothed);
}

void Dashboard::appendBatches(const QVector<double> &x, const QVector<double> &loss)
{
    QVector<double> smoothed;
    smoothed.reserve(loss.size());
    for (double l : loss)
        smoothed.append(smoothStep(l, m_smoothing, m_ema, m_emaBias));
    m_batchPlot->appendPoints(RawBatchLoss, x, loss);
    m_batchPlot->appendPoints(SmoothedBatchLoss, x, smoothed);
}

void Dashboard::updateButtons()
{
    const bool running = m_controller->isRunning();
    const bool paused = m_controller->isPaused();
    const bool stopping = m_controller->isStopping();
    // Each button enabled with what it does, or disabled with why.
    auto offer = [](QPushButton *b, const QString &does, const QString &whyNot) {
        b->setEnabled(whyNot.isEmpty());
        b->setToolTip(whyNot.isEmpty() ? does : whyNot);
    };
    const QString idle = tr("No run is training");
    offer(m_startButton, tr("Train the project as it is now, in a new run folder"),
          running ? tr("A run is training; stop it first") : QString());
    offer(m_pauseButton, tr("Pause after the current batch"),
          !running   ? idle
          : stopping ? tr("The run is stopping")
          : paused   ? tr("The run is paused already")
                     : QString());
    offer(m_resumeButton, tr("Continue the paused run"),
          !running   ? tr("No run is paused (a stopped run continues with Resume in the Runs panel)")
          : stopping ? tr("The run is stopping")
          : !paused  ? tr("The run is not paused")
                     : QString());
    offer(m_stopButton, tr("Stop after the current batch; the last checkpoint stays, so the run can be resumed"),
          !running   ? idle
          : stopping ? tr("The run is stopping already")
                     : QString());
    m_deviceCombo->setEnabled(!running);
    m_threadsSpin->setEnabled(!running);
    m_epochsSpin->setEnabled(!running);
    if (running && !m_sawError) {
        if (stopping)
            setStatus(tr("Stopping after the current batch…"), false);
        else if (paused)
            setStatus(tr("Paused"), false);
        else if (!m_controller->runDir().isEmpty())
            setStatus(tr("Training %1").arg(QFileInfo(m_controller->runDir()).fileName()), false);
    }
}

void Dashboard::setStatus(const QString &text, bool isError)
{
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(isError ? QStringLiteral("color: #c62828; font-weight: bold;") : QString());
}

void Dashboard::onStarted(const QString &runDir, const QString &device, int epochs)
{
    Q_UNUSED(epochs);
    m_deviceLabel->setText(tr("Device: %1").arg(device));
    updateButtons();
    Q_EMIT runStarted(runDir);
}

void Dashboard::onBatches(const QVector<double> &x, const QVector<double> &loss, const QVector<double> &accuracy,
                          int batchesPerEpoch)
{
    Q_UNUSED(accuracy);
    Q_UNUSED(batchesPerEpoch);
    appendBatches(x, loss);
}

void Dashboard::onProgress(int epoch, int epochs, int batch, int batchesPerEpoch, double samplesPerSecond,
                           double etaSeconds)
{
    m_epochProgress->setRange(0, std::max(batchesPerEpoch, 1));
    m_epochProgress->setValue(batch);
    m_epochProgress->setFormat(tr("epoch %1/%2, batch %3/%4").arg(epoch).arg(epochs).arg(batch).arg(batchesPerEpoch));
    const qint64 total = qint64(std::max(epochs, 1)) * std::max(batchesPerEpoch, 1);
    const qint64 done = qint64(epoch - 1) * batchesPerEpoch + batch;
    // QProgressBar counts in int; a per-mille scale fits any run.
    m_runProgress->setRange(0, 1000);
    m_runProgress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
    m_runProgress->setFormat(QStringLiteral("%p%"));
    m_samplesLabel->setText(tr("%1 samples/s").arg(samplesPerSecond, 0, 'f', 0));
    m_etaLabel->setText(tr("ETA %1").arg(formatDuration(etaSeconds)));
}

void Dashboard::onImportProgress(qint64 done, qint64 total)
{
    // QProgressBar counts in int; a per-mille scale fits any folder.
    m_epochProgress->setRange(0, 1000);
    m_epochProgress->setValue(int(total > 0 ? std::clamp<qint64>(done * 1000 / total, 0, 1000) : 0));
    m_epochProgress->setFormat(tr("reading data: %1 of %2").arg(QLocale().toString(done), QLocale().toString(total)));
}

void Dashboard::onEpoch(int epoch, int epochs, double loss, double accuracy, double valLoss, double valAccuracy,
                        double learningRate)
{
    Q_UNUSED(epochs);
    Q_UNUSED(learningRate);
    m_lossPlot->appendPoint(TrainingSeries, epoch, loss);
    m_lossPlot->appendPoint(ValidationSeries, epoch, valLoss);
    m_accuracyPlot->appendPoint(TrainingSeries, epoch, accuracy);
    m_accuracyPlot->appendPoint(ValidationSeries, epoch, valAccuracy);
}

void Dashboard::onLossParts(int epoch, double softLoss, double hardLoss)
{
    if (m_lossPlot->seriesCount() <= HardLossSeries) {
        // Dashed, beside the total they make up (alpha * soft + (1 - alpha) * hard).
        const int soft = m_lossPlot->addSeries(tr("soft part (teacher)"), QPen(QColor(30, 140, 60), 2, Qt::DashLine));
        const int hard = m_lossPlot->addSeries(tr("hard part (labels)"), QPen(QColor(140, 50, 160), 2, Qt::DashLine));
        for (int s : {soft, hard})
            m_lossPlot->seriesGraph(s)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 6));
        // Four entries in two columns, over the curves but letting them show through.
        m_lossPlot->legend->setWrap(2);
        m_lossPlot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        m_lossPlot->legend->setBrush(QColor(255, 255, 255, 200));
    }
    m_lossPlot->appendPoint(SoftLossSeries, epoch, softLoss);
    m_lossPlot->appendPoint(HardLossSeries, epoch, hardLoss);
}

void Dashboard::onLog(const QString &text, bool isError)
{
    if (isError) {
        m_sawError = true;
        setStatus(text, true);
    }
    Q_EMIT logMessage(text, isError);
}

void Dashboard::onFinished(const QString &status, const QString &message, const QString &runDir)
{
    const QString name = runDir.isEmpty() ? tr("(no run folder)") : QFileInfo(runDir).fileName();
    if (status == QLatin1String("failed")) {
        setStatus(tr("Run %1 failed: %2").arg(name, message), true);
    } else if (status == QLatin1String("completed")) {
        setStatus(tr("Run %1 completed").arg(name), false);
        m_runProgress->setRange(0, 1000);
        m_runProgress->setValue(1000);
    } else {
        setStatus(message.isEmpty() ? tr("Run %1: %2").arg(name, runStatusText(status)) : message, false);
    }
    m_etaLabel->clear();
    updateButtons();
    Q_EMIT runFinished(runDir, status);
}

} // namespace torchwright::ui
