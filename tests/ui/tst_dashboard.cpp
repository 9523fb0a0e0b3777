// The training dashboard, the runs panel, the evaluation panel and the log, on the tiny
// synthetic project (1x8x8, 4 classes, about a second of training on one CPU thread). Runs
// land in a temporary folder beside a copy of the project. No sleeps: every wait is on a
// signal or a condition.

#include "curveplot.h"
#include "dashboard.h"
#include "evaluationpanel.h"
#include "logpanel.h"
#include "projectdocument.h"
#include "runspanel.h"
#include "trainingcontroller.h"

#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTreeWidget>

#include <cmath>
#include <functional>
#include <memory>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;

QString tinyProjectSource() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json"); }

// The tiny project as edited by `edit`, written to `name` in `dir`; empty when it cannot be.
QString writeTinyProject(const QTemporaryDir &dir, const QString &name,
                         const std::function<void(nlohmann::json &)> &edit)
{
    QFile source(tinyProjectSource());
    if (!source.open(QIODevice::ReadOnly))
        return {};
    auto j = nlohmann::json::parse(source.readAll().toStdString());
    edit(j);
    const QString path = dir.filePath(name);
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(QByteArray::fromStdString(j.dump(2))) < 0)
        return {};
    return path;
}

int batchEventsIn(const QString &runDir)
{
    int n = 0;
    for (const TrainingEvent &e : readMetrics(runDir.toStdString()))
        n += e.kind == TrainingEvent::Kind::Batch;
    return n;
}

} // namespace

class TestDashboard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void decimationKeepsExtremesAndBoundsPoints();
    void curvePlotRedrawsDecimatedData();
    void deviceComboListsAutoThenDevices();
    void runsGoBesideTheProject();
    void startButtonTrainsAndPlots();
    void controlsWrapInANarrowWindow();
    void reconstructionHasNoAccuracyPlot();
    void regressionShowsRSquaredAndScatter();
    void smoothingIsTheDebiasedMovingAverage();
    void smoothingSliderRedrawsAndIsRemembered();
    void startClearsTheLastRun();
    void stopMidRunThenDeleteDoesNotHang();
    void pauseThenResume();
    void resumeContinuesAStoppedRun();
    void errorsAreShownNotFatal();
    void startRefusesAProjectWithProblems();
    void anotherProjectClearsTheLastRun();
    void runsPanelListsAndOverlays();
    void settingsDiffShowsChangedEpochs();
    void jsonDifferencesIgnoreLayout();
    void evaluationShowsConfusionAndThumbnails();
    void logPanelStampsAndColoursErrors();
    void runWhoseProcessIsGoneShowsInterrupted();
    void distillingRunShowsBothLossParts();

private:
    QPushButton *button(const char *name) const { return m_dashboard->findChild<QPushButton *>(name); }
    // Trains to the end through the Start button; returns the run folder.
    QString trainToEnd(int epochs = 0);
    void waitForPoints(int atLeast);

    QTemporaryDir m_dir;
    QString m_projectPath;
    std::unique_ptr<ProjectDocument> m_doc;
    Dashboard *m_dashboard = nullptr; // deleted in cleanup(), or by a test that checks deletion
    QStringList m_completedRuns;      // with the project's 3 epochs
    QString m_twoEpochRun;            // trained after /training/epochs was set to 2
    QString m_stoppedRun;             // stopped after its first epoch
};

void TestDashboard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the smoothing setting away from the user's
    QVERIFY(m_dir.isValid());
    m_projectPath = m_dir.filePath(QStringLiteral("tiny.json"));
    QVERIFY(QFile::copy(tinyProjectSource(), m_projectPath));
    m_doc = std::make_unique<ProjectDocument>();
    QString error;
    QVERIFY2(m_doc->load(m_projectPath, &error), qPrintable(error));
}

void TestDashboard::init()
{
    m_dashboard = new Dashboard(m_doc.get());
    m_dashboard->resize(1000, 700);
    auto *device = m_dashboard->findChild<QComboBox *>(QStringLiteral("deviceCombo"));
    QVERIFY(device);
    device->setCurrentText(QStringLiteral("cpu"));
    auto *threads = m_dashboard->findChild<QSpinBox *>(QStringLiteral("threadsSpin"));
    QVERIFY(threads);
    threads->setValue(1);
}

void TestDashboard::cleanup()
{
    delete m_dashboard; // stops and joins a run a failed test left behind
    m_dashboard = nullptr;
}

QString TestDashboard::trainToEnd(int epochs)
{
    m_dashboard->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(epochs);
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    if (!finished.wait(kRunTimeoutMs))
        return {};
    return finished.first().at(0).toString();
}

void TestDashboard::waitForPoints(int atLeast)
{
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss) >= atLeast,
                             kRunTimeoutMs);
}

void TestDashboard::decimationKeepsExtremesAndBoundsPoints()
{
    const int n = 100000, columns = 800;
    QVector<double> xs(n), ys(n);
    for (int i = 0; i < n; ++i) {
        xs[i] = i / 100.0;
        ys[i] = std::sin(i * 0.01) + 0.1 * std::cos(i * 7.3);
    }
    ys[31337] = -100.0;
    ys[77777] = 250.0;
    QVector<double> dx, dy;
    CurvePlot::decimate(xs, ys, xs.first(), xs.last(), columns, &dx, &dy);
    QVERIFY(dx.size() <= 4 * columns + 2);
    QVERIFY(dx.size() >= columns); // every column drawn
    QCOMPARE(dx.size(), dy.size());
    QCOMPARE(*std::min_element(dy.begin(), dy.end()), -100.0);
    QCOMPARE(*std::max_element(dy.begin(), dy.end()), 250.0);
    QCOMPARE(dx.first(), xs.first());
    QCOMPARE(dx.last(), xs.last());
    QVERIFY(std::is_sorted(dx.begin(), dx.end()));

    // A zoomed range keeps its own extremes, and the points just outside it.
    CurvePlot::decimate(xs, ys, 300.0, 320.0, columns, &dx, &dy);
    QVERIFY(dx.size() <= 4 * columns + 2);
    QCOMPARE(*std::min_element(dy.begin(), dy.end()), -100.0);
    QVERIFY(dx.first() < 300.0 && dx.last() > 320.0);

    // Few points come back whole.
    CurvePlot::decimate(xs.mid(0, 50), ys.mid(0, 50), 0, 0.49, columns, &dx, &dy);
    QCOMPARE(dx.size(), 50);
}

void TestDashboard::curvePlotRedrawsDecimatedData()
{
    CurvePlot plot;
    plot.resize(600, 300);
    const int s = plot.addSeries(QStringLiteral("loss"), QPen(Qt::blue));
    QVector<double> xs(100000), ys(100000);
    for (int i = 0; i < xs.size(); ++i) {
        xs[i] = i;
        ys[i] = (i == 4242) ? 9.0 : 1.0 / (1 + i);
    }
    plot.appendPoints(s, xs, ys);
    QVERIFY(plot.isDirty());
    plot.replotNow();
    QVERIFY(!plot.isDirty());
    QCOMPARE(plot.pointCount(s), 100000); // exact data kept
    const int drawn = plot.seriesGraph(s)->data()->size();
    QVERIFY2(drawn <= 4 * 800 + 2, qPrintable(QString::number(drawn)));
    bool found = false;
    const QCPRange yRange = plot.seriesGraph(s)->getValueRange(found);
    QVERIFY(found);
    QCOMPARE(yRange.upper, 9.0);
    QVERIFY(plot.yAxis->range().contains(9.0)); // the axes follow the data

    // Points arriving in bulk are drawn by one replot, not one per point.
    const int before = plot.replotCount();
    for (int i = 0; i < 1000; ++i)
        plot.appendPoint(s, 100000 + i, 0.5);
    QTRY_VERIFY(!plot.isDirty());
    QCOMPARE(plot.replotCount(), before + 1);
}

void TestDashboard::deviceComboListsAutoThenDevices()
{
    auto *combo = m_dashboard->findChild<QComboBox *>(QStringLiteral("deviceCombo"));
    QVERIFY(combo->count() >= 2);
    QCOMPARE(combo->itemText(0), QStringLiteral("auto"));
    QCOMPARE(combo->itemText(1), QStringLiteral("cpu"));
    for (QString name : {"startButton", "pauseButton", "resumeButton", "stopButton"})
        QVERIFY2(m_dashboard->findChild<QPushButton *>(name), qPrintable(name));
    QVERIFY(m_dashboard->findChild<QProgressBar *>(QStringLiteral("epochProgress")));
    QVERIFY(m_dashboard->findChild<QProgressBar *>(QStringLiteral("runProgress")));
    // Idle: only Start.
    QVERIFY(button("startButton")->isEnabled());
    QVERIFY(!button("pauseButton")->isEnabled());
    QVERIFY(!button("resumeButton")->isEnabled());
    QVERIFY(!button("stopButton")->isEnabled());
}

void TestDashboard::runsGoBesideTheProject()
{
    QCOMPARE(TrainingController::runsDirectoryFor(m_projectPath), m_dir.filePath(QStringLiteral("runs")));
    // A project never saved has no folder: its runs go to the system's temporary folder.
    QCOMPARE(TrainingController::runsDirectoryFor(QString()),
             QDir(QDir::tempPath()).filePath(QStringLiteral("torchwright-runs")));
}

void TestDashboard::startButtonTrainsAndPlots()
{
    QSignalSpy started(m_dashboard, &Dashboard::runStarted);
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    QSignalSpy log(m_dashboard, &Dashboard::logMessage);
    // Idle: the buttons that cannot act say why.
    QCOMPARE(button("stopButton")->toolTip(), QStringLiteral("No run is training"));
    QCOMPARE(button("pauseButton")->toolTip(), QStringLiteral("No run is training"));
    QVERIFY(button("resumeButton")->toolTip().contains(QStringLiteral("Resume in the Runs panel")));
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QVERIFY(m_dashboard->isTraining());
    QVERIFY(!button("startButton")->isEnabled());
    QCOMPARE(button("startButton")->toolTip(), QStringLiteral("A run is training; stop it first"));
    QCOMPARE(button("resumeButton")->toolTip(), QStringLiteral("The run is not paused"));
    QVERIFY(button("stopButton")->isEnabled());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(started.count(), 1);
    const QString runDir = finished.first().at(0).toString();
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("completed"));
    QCOMPARE(started.first().at(0).toString(), runDir);
    QVERIFY(runDir.startsWith(m_dir.filePath(QStringLiteral("runs"))));
    QVERIFY(!m_dashboard->isTraining());
    QVERIFY(button("startButton")->isEnabled());
    QVERIFY(!button("stopButton")->isEnabled());
    QVERIFY(!log.isEmpty());

    // Every batch of the run, in epochs along x, smoothed alongside; every epoch in both.
    CurvePlot *batches = m_dashboard->batchLossPlot();
    const int n = batchEventsIn(runDir);
    QVERIFY(n > 0);
    QCOMPARE(batches->pointCount(Dashboard::RawBatchLoss), n);
    QCOMPARE(batches->pointCount(Dashboard::SmoothedBatchLoss), n);
    // The smoothed curve starts on the first batch (no pull towards zero) and stays in range.
    const QVector<double> &raw = batches->yData(Dashboard::RawBatchLoss);
    const QVector<double> &smooth = batches->yData(Dashboard::SmoothedBatchLoss);
    QCOMPARE(smooth.first(), raw.first());
    for (double y : smooth)
        QVERIFY(y >= *std::min_element(raw.begin(), raw.end()) && y <= *std::max_element(raw.begin(), raw.end()));
    QCOMPARE(batches->xData(Dashboard::RawBatchLoss).last(), 3.0);
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries), 3);
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::ValidationSeries), 3);
    QCOMPARE(m_dashboard->accuracyPlot()->pointCount(Dashboard::ValidationSeries), 3);
    const double lastAccuracy = m_dashboard->accuracyPlot()->yData(Dashboard::ValidationSeries).last();
    QVERIFY(lastAccuracy >= 0.0 && lastAccuracy <= 1.0);
    // The graphs get their points from the bounded-rate redraw.
    QTRY_VERIFY(!batches->isDirty() && !m_dashboard->accuracyPlot()->isDirty());
    QVERIFY(batches->seriesGraph(Dashboard::RawBatchLoss)->data()->size() > 0);
    QVERIFY(m_dashboard->epochLossPlot()->seriesGraph(Dashboard::TrainingSeries)->data()->size() == 3);
    auto *run = m_dashboard->findChild<QProgressBar *>(QStringLiteral("runProgress"));
    QCOMPARE(run->value(), run->maximum());
    QCOMPARE(readRunSummary(runDir.toStdString()).status, std::string("completed"));
    m_completedRuns << runDir;

    // A second run from the same dashboard starts with empty curves.
    const QString second = trainToEnd();
    QVERIFY(!second.isEmpty() && second != runDir);
    QCOMPARE(batches->pointCount(Dashboard::RawBatchLoss), batchEventsIn(second));
    m_completedRuns << second;
}

// TensorBoard's smoothing, by hand: ema_t = w ema_(t-1) + (1 - w) x_t from 0, shown as
// ema_t / (1 - w^t); a non-finite loss leaves the average where it was.
void TestDashboard::controlsWrapInANarrowWindow()
{
    // At 1024 px beside the Runs dock the dashboard has about 640 px: the control row wraps instead
    // of forcing a horizontal scroll bar; in a wide window it is one row.
    QVERIFY2(m_dashboard->minimumSizeHint().width() <= 600,
             qPrintable(QString::number(m_dashboard->minimumSizeHint().width())));
    auto *device = m_dashboard->findChild<QComboBox *>(QStringLiteral("deviceCombo"));
    QPushButton *start = button("startButton");
    m_dashboard->resize(600, 700);
    m_dashboard->show();
    QCoreApplication::processEvents();
    const auto top = [this](QWidget *w) { return w->mapTo(m_dashboard, QPoint(0, 0)).y(); };
    QVERIFY(top(start) > top(device) + device->height() / 2);
    QVERIFY(start->mapTo(m_dashboard, QPoint(start->width(), 0)).x() <= 600);
    m_dashboard->resize(1200, 700);
    QCoreApplication::processEvents();
    QVERIFY(std::abs(top(start) - top(device)) < device->height()); // one row
}

void TestDashboard::reconstructionHasNoAccuracyPlot()
{
    // An autoencoder (target = input) has only a loss: no empty accuracy plot beside it. Its own
    // document, so the shared one keeps the sample project for the other tests.
    QTemporaryDir dir;
    const QString path = writeTinyProject(dir, QStringLiteral("autoencoder.json"), [](nlohmann::json &j) {
        j["training"]["target"] = "input";
        j["training"]["loss"] = "mse";
    });
    QVERIFY(!path.isEmpty());
    ProjectDocument doc;
    Dashboard dashboard(&doc);
    auto *accuracy = dashboard.findChild<QWidget *>(QStringLiteral("accuracyPlot"));
    QVERIFY(accuracy);
    QVERIFY(!accuracy->isHidden());
    QString error;
    QVERIFY2(doc.load(path, &error), qPrintable(error));
    QVERIFY(doc.project().training.reconstructs());
    QVERIFY(accuracy->isHidden());
    QVERIFY2(doc.load(m_projectPath, &error), qPrintable(error));
    QVERIFY(!accuracy->isHidden());
}

void TestDashboard::regressionShowsRSquaredAndScatter()
{
    // A regression table: no accuracy plot in the dashboard...
    QTemporaryDir dir;
    const QString path = writeTinyProject(dir, QStringLiteral("boston.json"), [](nlohmann::json &j) {
        j["dataset"] = {{"kind", "csv"},
                        {"path", "/usr/lib/python3/dist-packages/sklearn/datasets/data"},
                        {"sample_shape", {13}},
                        {"num_classes", 1},
                        {"csv", {{"file", "boston_house_prices.csv"}, {"target", "MEDV"}, {"task", "regression"}}}};
        j["training"]["loss"] = "mse";
    });
    ProjectDocument doc;
    Dashboard dashboard(&doc);
    auto *accuracy = dashboard.findChild<QWidget *>(QStringLiteral("accuracyPlot"));
    QVERIFY(accuracy);
    QString error;
    QVERIFY2(doc.load(path, &error), qPrintable(error));
    QVERIFY(accuracy->isHidden());

    // ...and in the evaluation R^2, MAE and predicted against true values, no confusion matrix.
    EvaluationPanel panel;
    Evaluation ev;
    ev.regression = true;
    ev.samples = 3;
    ev.accuracy = NAN;
    ev.loss = 2.0;
    ev.r2 = 0.8765;
    ev.mae = 1.25;
    ev.targets = {10, 20, 30};
    ev.outputs = {12, 19, 31};
    ev.checkpoint = "best.pt";
    panel.showEvaluation("run", ev);
    QVERIFY2(panel.accuracyText().contains(QStringLiteral("R² 0.8765")), qPrintable(panel.accuracyText()));
    QVERIFY2(panel.accuracyText().contains(QStringLiteral("1.25")), qPrintable(panel.accuracyText()));
    QVERIFY(!panel.accuracyText().contains(QStringLiteral("accuracy")));
    QVERIFY(!panel.regressionPlot()->isHidden());
    QVERIFY(panel.confusionPlot()->isHidden());
    QCOMPARE(panel.regressionPlot()->graph(0)->dataCount(), 3);
    QCOMPARE(panel.regressionPlot()->graph(0)->data()->at(1)->value, 19.0);
    QCOMPARE(panel.classTable()->rowCount(), 0);
    QVERIFY(panel.classTable()->isHidden());
    // Shown, the scatter plot gets the room the matrix had.
    panel.resize(400, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY2(panel.regressionPlot()->height() > 200, qPrintable(QString::number(panel.regressionPlot()->height())));
    // A classifier's evaluation afterwards brings the matrix back.
    Evaluation classes;
    classes.samples = 2;
    classes.correct = 1;
    classes.accuracy = 0.5;
    classes.confusion = {{1, 0}, {1, 0}};
    classes.support = {1, 1};
    classes.classNames = {"a", "b"};
    classes.precision = {0.5, NAN};
    classes.recall = {1, 0};
    panel.showEvaluation("run", classes);
    QVERIFY(panel.regressionPlot()->isHidden());
    QVERIFY(!panel.confusionPlot()->isHidden());
    QVERIFY(!panel.classTable()->isHidden());
}

void TestDashboard::smoothingIsTheDebiasedMovingAverage()
{
    const QVector<double> smoothed = Dashboard::smoothCurve({1, 2, 3, NAN, 3}, 0.5);
    QCOMPARE(smoothed.size(), 5);
    QCOMPARE(smoothed[0], 1.0);        // 0.5 / 0.5
    QCOMPARE(smoothed[1], 5.0 / 3.0);  // 1.25 / 0.75
    QCOMPARE(smoothed[2], 17.0 / 7.0); // 2.125 / 0.875
    QCOMPARE(smoothed[3], 17.0 / 7.0);
    QCOMPARE(smoothed[4], 41.0 / 15.0); // 2.5625 / 0.9375
    QCOMPARE(Dashboard::smoothCurve({4, 1, 7}, 0.0), QVector<double>({4, 1, 7}));
}

void TestDashboard::smoothingSliderRedrawsAndIsRemembered()
{
    QVERIFY(!trainToEnd(1).isEmpty());
    CurvePlot *batches = m_dashboard->batchLossPlot();
    auto *slider = m_dashboard->findChild<QSlider *>(QStringLiteral("smoothingSlider"));
    QVERIFY(slider);
    QCOMPARE(slider->maximum(), 99);
    // Moved with the keyboard as a person would: End is 0.99, Home is 0 (the raw curve).
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_Home);
    QCOMPARE(m_dashboard->smoothing(), 0.0);
    QCOMPARE(batches->yData(Dashboard::SmoothedBatchLoss), batches->yData(Dashboard::RawBatchLoss));
    QTest::keyClick(slider, Qt::Key_End);
    QCOMPARE(m_dashboard->smoothing(), 0.99);
    slider->setValue(60);
    QCOMPARE(m_dashboard->smoothing(), 0.6);
    QCOMPARE(m_dashboard->findChild<QLabel *>(QStringLiteral("smoothingLabel"))->text(), QStringLiteral("0.60"));
    const QVector<double> &raw = batches->yData(Dashboard::RawBatchLoss);
    const QVector<double> &smooth = batches->yData(Dashboard::SmoothedBatchLoss);
    QVERIFY(raw.size() > 2);
    QCOMPARE(smooth.size(), raw.size());
    double ema = 0, bias = 0;
    for (int i = 0; i < raw.size(); ++i) {
        ema = 0.6 * ema + 0.4 * raw[i];
        bias = 0.6 * bias + 0.4;
        QVERIFY2(std::abs(smooth[i] - ema / bias) < 1e-12, qPrintable(QString::number(i)));
    }
    QCOMPARE(batches->xData(Dashboard::SmoothedBatchLoss), batches->xData(Dashboard::RawBatchLoss));
    // The next dashboard (the next start of the studio) takes the setting back.
    QCOMPARE(QSettings().value(QStringLiteral("dashboard/smoothing")).toDouble(), 0.6);
    Dashboard other(m_doc.get());
    QCOMPARE(other.smoothing(), 0.6);
    QCOMPARE(other.findChild<QSlider *>(QStringLiteral("smoothingSlider"))->value(), 60);
}

// A new run starts from an empty dashboard: no curves, progress or device of the last one.
void TestDashboard::startClearsTheLastRun()
{
    QVERIFY(!trainToEnd(1).isEmpty());
    auto *epoch = m_dashboard->findChild<QProgressBar *>(QStringLiteral("epochProgress"));
    auto *run = m_dashboard->findChild<QProgressBar *>(QStringLiteral("runProgress"));
    QVERIFY(m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss) > 0);
    QCOMPARE(run->value(), run->maximum());
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    // Before the worker's first batch reaches the GUI thread (events are not processed here).
    QCOMPARE(m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss), 0);
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries), 0);
    QCOMPARE(run->value(), 0);
    QCOMPARE(epoch->format(), QStringLiteral("epoch"));
    QVERIFY(m_dashboard->findChild<QLabel *>(QStringLiteral("deviceLabel"))->text().isEmpty());
    QVERIFY(finished.wait(kRunTimeoutMs));
}

void TestDashboard::stopMidRunThenDeleteDoesNotHang()
{
    m_dashboard->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(100000);
    QSignalSpy started(m_dashboard, &Dashboard::runStarted);
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QVERIFY(started.wait(kRunTimeoutMs));
    const QString runDir = started.first().at(0).toString();
    // After one epoch there is a checkpoint to resume from (used by a later test).
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries) >= 1, kRunTimeoutMs);
    QTest::mouseClick(button("stopButton"), Qt::LeftButton);
    QVERIFY(!button("stopButton")->isEnabled()); // stopping
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("stopped"));
    QCOMPARE(readRunSummary(runDir.toStdString()).status, std::string("stopped"));
    m_stoppedRun = runDir;

    // Start again and delete the dashboard mid-run: the destructor stops and joins the worker.
    started.clear();
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QVERIFY(started.wait(kRunTimeoutMs));
    const QString second = started.first().at(0).toString();
    waitForPoints(1);
    delete m_dashboard;
    m_dashboard = nullptr;
    // The worker wrote its final status before it ended.
    QCOMPARE(readRunSummary(second.toStdString()).status, std::string("stopped"));
}

void TestDashboard::pauseThenResume()
{
    m_dashboard->findChild<QSpinBox *>(QStringLiteral("epochsSpin"))->setValue(100000);
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    waitForPoints(1);
    TrainingController *controller = m_dashboard->controller();
    QTest::mouseClick(button("pauseButton"), Qt::LeftButton);
    QVERIFY(controller->isPaused());
    QVERIFY(!button("pauseButton")->isEnabled());
    QVERIFY(button("resumeButton")->isEnabled());
    QVERIFY(button("stopButton")->isEnabled());
    // The worker finishes the batch in flight and holds before the next one. Once it holds,
    // every batch it trained is queued: after one drain the plot has them all, and a held worker
    // adds nothing, however many drains follow.
    QTRY_VERIFY_WITH_TIMEOUT(controller->isHeld(), kRunTimeoutMs);
    controller->drain();
    const int pausedAt = m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss);
    QVERIFY(pausedAt >= 1);
    QSignalSpy batches(controller, &TrainingController::batchesArrived);
    QCoreApplication::processEvents();
    controller->drain();
    QVERIFY(controller->isHeld());
    QCOMPARE(batches.count(), 0);
    QCOMPARE(m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss), pausedAt);

    QTest::mouseClick(button("resumeButton"), Qt::LeftButton);
    QVERIFY(!m_dashboard->controller()->isPaused());
    QVERIFY(button("pauseButton")->isEnabled());
    waitForPoints(pausedAt + 5);

    // Stop while paused also ends the run (the paused worker is woken up).
    QTest::mouseClick(button("pauseButton"), Qt::LeftButton);
    m_dashboard->stopAndWait();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("stopped"));
    QVERIFY(!m_dashboard->isTraining());
    QVERIFY(button("startButton")->isEnabled());
}

void TestDashboard::resumeContinuesAStoppedRun()
{
    QVERIFY(!m_stoppedRun.isEmpty());
    const int recordedEpochs = readRunSummary(m_stoppedRun.toStdString()).epochsCompleted;
    QVERIFY(recordedEpochs >= 1);
    QSignalSpy started(m_dashboard, &Dashboard::runStarted);
    QSignalSpy finished(m_dashboard, &Dashboard::runFinished);
    m_dashboard->resumeRun(m_stoppedRun);
    // The recorded curves are shown at once.
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries), recordedEpochs);
    QVERIFY(m_dashboard->batchLossPlot()->pointCount(Dashboard::RawBatchLoss) > 0);
    QVERIFY(started.wait(kRunTimeoutMs));
    QCOMPARE(started.first().at(0).toString(), m_stoppedRun);
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries) > recordedEpochs,
                             kRunTimeoutMs);
    const QVector<double> &epochs = m_dashboard->epochLossPlot()->xData(Dashboard::TrainingSeries);
    QCOMPARE(epochs.last(), double(epochs.size())); // one point per epoch, no repeats
    m_dashboard->stopAndWait();
    QCOMPARE(finished.count(), 1);
    QVERIFY(readRunSummary(m_stoppedRun.toStdString()).epochsCompleted > recordedEpochs);
}

void TestDashboard::errorsAreShownNotFatal()
{
    // A project whose dataset files are missing: the engine refuses it with an error event.
    QTemporaryDir dir;
    const QString path = writeTinyProject(dir, QStringLiteral("broken.json"), [](nlohmann::json &j) {
        j["dataset"]["kind"] = "idx";
        j["dataset"]["path"] = "no-such-folder";
    });
    QVERIFY(!path.isEmpty());
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(path, &error), qPrintable(error));

    Dashboard dashboard(&doc);
    dashboard.findChild<QComboBox *>(QStringLiteral("deviceCombo"))->setCurrentText(QStringLiteral("cpu"));
    QSignalSpy finished(&dashboard, &Dashboard::runFinished);
    QSignalSpy log(&dashboard, &Dashboard::logMessage);
    dashboard.startTraining();
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("failed"));
    bool sawError = false;
    for (const QList<QVariant> &args : log)
        sawError =
            sawError || (args.at(1).toBool() && args.at(0).toString().contains(QStringLiteral("no-such-folder")));
    QVERIFY(sawError);
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("no-such-folder")), qPrintable(dashboard.statusText()));
    QVERIFY(dashboard.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
}

// Start on a graph with a shape error refuses with the problem, and creates no run (it used to
// start one that failed at once).
void TestDashboard::startRefusesAProjectWithProblems()
{
    QTemporaryDir dir;
    const QString path = writeTinyProject(dir, QStringLiteral("mismatch.json"), [](nlohmann::json &j) {
        for (auto &node : j["graph"]["nodes"])
            if (node["type"] == "Linear")
                node["params"]["out_features"] = 5; // the dataset has 4 classes
    });
    QVERIFY(!path.isEmpty());
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(path, &error), qPrintable(error));
    QVERIFY(!doc.analysis().ok());

    Dashboard dashboard(&doc);
    QSignalSpy log(&dashboard, &Dashboard::logMessage);
    dashboard.startTraining();
    QVERIFY(!dashboard.findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());
    QVERIFY2(dashboard.statusText().startsWith(QStringLiteral("Not started: the project has 1 problem")),
             qPrintable(dashboard.statusText()));
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("num_classes")), qPrintable(dashboard.statusText()));
    QCOMPARE(log.count(), 1);
    QVERIFY(log.first().at(1).toBool());
    const QDir runs(TrainingController::runsDirectoryFor(path));
    QVERIFY2(!runs.exists() || runs.isEmpty(), qPrintable(runs.path()));
}

// After a run, opening another project (or a new one) leaves no curve, progress or status of
// the run that belonged to the previous project.
void TestDashboard::anotherProjectClearsTheLastRun()
{
    QVERIFY(!trainToEnd(1).isEmpty());
    QVERIFY(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries) > 0);
    ProjectLoad load = loadProjectFile(tinyProjectSource().toStdString());
    QVERIFY(load.ok());
    m_doc->reset(load.project, m_projectPath);
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries), 0);
    QCOMPARE(m_dashboard->statusText(), QStringLiteral("Ready"));
    QCOMPARE(m_dashboard->findChild<QProgressBar *>(QStringLiteral("runProgress"))->value(), 0);
}

void TestDashboard::runsPanelListsAndOverlays()
{
    QVERIFY(m_completedRuns.size() == 2);
    RunsPanel panel(m_doc.get());
    QCOMPARE(panel.runsDirectory(), m_dir.filePath(QStringLiteral("runs")));
    const std::vector<RunSummary> onDisk = listRuns(panel.runsDirectory().toStdString());
    QCOMPARE(panel.runDirs().size(), int(onDisk.size()));
    for (const QString &run : m_completedRuns)
        QVERIFY(panel.runDirs().contains(run));

    // The row shows the run's figures.
    QTreeWidget *tree = panel.runsTree();
    const int row = int(panel.runDirs().indexOf(m_completedRuns[0]));
    QTreeWidgetItem *item = tree->topLevelItem(row);
    QCOMPARE(item->text(RunsPanel::StatusColumn), QStringLiteral("completed"));
    QCOMPARE(item->text(RunsPanel::EpochsColumn), QStringLiteral("3/3"));
    QVERIFY(item->text(RunsPanel::AccuracyColumn).endsWith(QLatin1Char('%')));
    QVERIFY(item->toolTip(RunsPanel::NameColumn).contains(QStringLiteral("Device: cpu")));

    // Ticking overlays validation accuracy and loss, one point per epoch.
    QCOMPARE(panel.overlayPlot()->seriesCount(), 0);
    item->setCheckState(RunsPanel::NameColumn, Qt::Checked);
    QCOMPARE(panel.overlayPlot()->seriesCount(), 2);
    QCOMPARE(panel.overlayPlot()->pointCount(0), 3);
    QCOMPARE(panel.overlayPlot()->pointCount(1), 3);
    panel.setRunChecked(m_completedRuns[1], true);
    QCOMPARE(panel.overlayPlot()->seriesCount(), 4);
    QCOMPARE(panel.checkedRuns().size(), 2);
    // A refresh keeps the ticks.
    panel.refresh();
    QCOMPARE(panel.checkedRuns().size(), 2);
    QCOMPARE(panel.overlayPlot()->seriesCount(), 4);

    // Resume is offered for the stopped run only; Evaluate for any run with a checkpoint.
    auto *resume = panel.findChild<QPushButton *>(QStringLiteral("resumeRunButton"));
    auto *evaluate = panel.findChild<QPushButton *>(QStringLiteral("evaluateButton"));
    QSignalSpy resumeRequested(&panel, &RunsPanel::resumeRequested);
    QSignalSpy evaluateRequested(&panel, &RunsPanel::evaluateRequested);
    panel.selectRuns({m_completedRuns[0]});
    QVERIFY(!resume->isEnabled());
    QVERIFY(evaluate->isEnabled());
    QTest::mouseClick(evaluate, Qt::LeftButton);
    QCOMPARE(evaluateRequested.count(), 1);
    QCOMPARE(evaluateRequested.first().at(0).toString(), m_completedRuns[0]);
    // The run continued by resumeContinuesAStoppedRun() was stopped again.
    panel.selectRuns({m_stoppedRun});
    QVERIFY(resume->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QCOMPARE(resumeRequested.count(), 1);
    QCOMPARE(resumeRequested.first().at(0).toString(), m_stoppedRun);
}

void TestDashboard::settingsDiffShowsChangedEpochs()
{
    QString error;
    QVERIFY2(m_doc->setSetting("/training/epochs", 2, &error), qPrintable(error));
    m_twoEpochRun = trainToEnd();
    QVERIFY(!m_twoEpochRun.isEmpty());
    QCOMPARE(m_dashboard->epochLossPlot()->pointCount(Dashboard::TrainingSeries), 2);
    QVERIFY(m_doc->setSetting("/training/epochs", 3, &error));

    const QVector<RunsPanel::Difference> diffs =
        RunsPanel::settingsDifferences(m_completedRuns[0], m_twoEpochRun, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(diffs.size(), 1);
    QCOMPARE(diffs[0].pointer, QStringLiteral("/training/epochs"));
    QCOMPARE(diffs[0].left, QStringLiteral("3"));
    QCOMPARE(diffs[0].right, QStringLiteral("2"));
    QVERIFY(RunsPanel::settingsDifferences(m_completedRuns[0], m_completedRuns[1]).isEmpty());

    // Through the panel: tick both, Compare.
    RunsPanel panel(m_doc.get());
    panel.setRunChecked(m_completedRuns[0], true);
    panel.setRunChecked(m_twoEpochRun, true);
    auto *compare = panel.findChild<QPushButton *>(QStringLiteral("compareButton"));
    QVERIFY(compare->isEnabled());
    QTest::mouseClick(compare, Qt::LeftButton);
    auto *table = panel.findChild<QTableWidget *>(QStringLiteral("settingsDiffTable"));
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("/training/epochs"));
}

void TestDashboard::jsonDifferencesIgnoreLayout()
{
    const auto a = nlohmann::json::parse(R"({"training": {"lr": 0.1, "betas": [0.9, 0.999]},
        "graph": {"nodes": [{"id": 1, "position": [0, 0]}]}, "ui": {"zoom": 1}, "frozen": ["a"]})");
    const auto b = nlohmann::json::parse(R"({"training": {"lr": 0.1, "betas": [0.8, 0.999]},
        "graph": {"nodes": [{"id": 1, "position": [5, 5]}]}, "ui": {"zoom": 2}, "frozen": [],
        "x/y": 1})");
    const auto diffs = RunsPanel::jsonDifferences(a, b);
    QStringList pointers;
    for (const auto &d : diffs)
        pointers << d.pointer;
    QCOMPARE(pointers, QStringList({"/frozen", "/frozen/0", "/training/betas/0", "/x~1y"}));
    QCOMPARE(diffs[0].left, QStringLiteral("(absent)"));
    QCOMPARE(diffs[0].right, QStringLiteral("[]"));
    QCOMPARE(diffs[1].left, QStringLiteral("\"a\""));
}

void TestDashboard::evaluationShowsConfusionAndThumbnails()
{
    QVERIFY(!m_completedRuns.isEmpty());
    EvaluationPanel panel;
    panel.resize(900, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy done(&panel, &EvaluationPanel::evaluationFinished);
    QSignalSpy failed(&panel, &EvaluationPanel::evaluationFailed);
    panel.evaluate(m_completedRuns[0], QStringLiteral("cpu"));
    QVERIFY(panel.isBusy());
    QVERIFY(done.wait(kRunTimeoutMs));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));

    const Evaluation &ev = panel.evaluation();
    const int classes = 4, testSamples = 128; // tests/data/tiny_synthetic/project.json
    QCOMPARE(ev.samples, testSamples);
    QVERIFY(panel.accuracyText().contains(QLatin1Char('%')));
    QVERIFY(panel.accuracyText().contains(QStringLiteral("of 128")));
    QCPColorMapData *cells = panel.confusionMap()->data();
    QCOMPARE(cells->keySize(), classes);
    QCOMPARE(cells->valueSize(), classes);
    double sum = 0;
    int bestT = 0, bestP = 0;
    for (int p = 0; p < classes; ++p)
        for (int t = 0; t < classes; ++t) {
            sum += cells->cell(p, t);
            if (cells->cell(p, t) > cells->cell(bestP, bestT)) {
                bestP = p;
                bestT = t;
            }
        }
    QCOMPARE(sum, double(testSamples));
    QCOMPARE(panel.classTable()->rowCount(), classes);
    QCOMPARE(panel.classTable()->item(0, 0)->text(), QStringLiteral("zero"));

    // Click the fullest cell of the heat map: its samples come as thumbnails.
    QSignalSpy thumbs(&panel, &EvaluationPanel::thumbnailsReady);
    QCustomPlot *plot = panel.confusionPlot();
    const QPoint at(int(plot->xAxis->coordToPixel(bestP)), int(plot->yAxis->coordToPixel(bestT)));
    QTest::mouseClick(plot, Qt::LeftButton, {}, at);
    QVERIFY(thumbs.wait(kRunTimeoutMs));
    QCOMPARE(thumbs.first().at(0).toInt(), bestT);
    QCOMPARE(thumbs.first().at(1).toInt(), bestP);
    const int expected = std::min(int(cells->cell(bestP, bestT)), EvaluationPanel::kMaxThumbnails);
    QCOMPARE(thumbs.first().at(2).toInt(), expected);
    QCOMPARE(panel.thumbnailList()->count(), expected);
    QListWidgetItem *first = panel.thumbnailList()->item(0);
    QVERIFY(!first->icon().isNull());
    QVERIFY(first->text().contains(QString::fromStdString(ev.classNames[size_t(bestT)])));

    // Off the diagonal: the mistakes of one pair (none, when the model is perfect).
    thumbs.clear();
    panel.showSamples(0, 1);
    QVERIFY(thumbs.wait(kRunTimeoutMs));
    QCOMPARE(thumbs.first().at(2).toInt(), std::min(int(cells->cell(1, 0)), EvaluationPanel::kMaxThumbnails));
    QCOMPARE(panel.thumbnailList()->count(), thumbs.first().at(2).toInt());
}

void TestDashboard::logPanelStampsAndColoursErrors()
{
    LogPanel log;
    log.append(QStringLiteral("epoch 1 done"), false);
    log.append(QStringLiteral("the loss became NaN <here>"), true);
    QCOMPARE(log.entryCount(), 2);
    QCOMPARE(log.errorCount(), 1);
    const QString text = log.text();
    QVERIFY(QRegularExpression(QStringLiteral("^\\[\\d\\d:\\d\\d:\\d\\d\\] epoch 1 done")).match(text).hasMatch());
    QVERIFY(text.contains(QStringLiteral("NaN <here>"))); // escaped, not taken for markup
    // The error line is red.
    QTextBlock last = log.view()->document()->lastBlock();
    QCOMPARE(last.begin().fragment().charFormat().foreground().color(), QColor(0xc6, 0x28, 0x28));
    QTest::mouseClick(log.findChild<QPushButton *>(QStringLiteral("clearLogButton")), Qt::LeftButton);
    QVERIFY(log.text().isEmpty());
    QCOMPARE(log.entryCount(), 0);
}

// A run folder whose run.json still says "running" but whose process is gone (killed with -9:
// nobody holds its run.lock) is shown as interrupted, with Resume offered, not as running.
void TestDashboard::runWhoseProcessIsGoneShowsInterrupted()
{
    QVERIFY(!m_completedRuns.isEmpty());
    const QString source = m_completedRuns[0];
    const QString killed = source + QStringLiteral("-killed");
    QVERIFY(QDir().mkpath(killed));
    for (const QString &name : QDir(source).entryList(QDir::Files))
        QVERIFY(QFile::copy(source + QLatin1Char('/') + name, killed + QLatin1Char('/') + name));
    // run.json as the killed process left it: status "running" (and no checksum, as a run.json
    // written by hand has none).
    QFile runJson(killed + QStringLiteral("/run.json"));
    QVERIFY(runJson.open(QIODevice::ReadOnly));
    QJsonObject summary = QJsonDocument::fromJson(runJson.readAll()).object();
    runJson.close();
    summary[QStringLiteral("status")] = QStringLiteral("running");
    summary.remove(QStringLiteral("sha256"));
    QVERIFY(runJson.open(QIODevice::WriteOnly | QIODevice::Truncate));
    runJson.write(QJsonDocument(summary).toJson());
    runJson.close();

    RunsPanel panel(m_doc.get());
    const int row = int(panel.runDirs().indexOf(killed));
    QVERIFY(row >= 0);
    QTreeWidgetItem *item = panel.runsTree()->topLevelItem(row);
    QCOMPARE(item->text(RunsPanel::StatusColumn), QStringLiteral("interrupted"));
    panel.selectRuns({killed});
    QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("resumeRunButton"))->isEnabled());
    QVERIFY(QDir(killed).removeRecursively());
}

// A project that distils from a teacher run (/distill/teacher) shows the two parts of its training
// loss in the loss plot, labelled in the legend, with the epochs' values from metrics.jsonl; the
// next run without a teacher has the two plain curves again.
void TestDashboard::distillingRunShowsBothLossParts()
{
    ProjectLoad load = loadProjectFile(tinyProjectSource().toStdString());
    QVERIFY(load.ok());
    TrainRequest req;
    req.project = load.project;
    req.runsDir = m_dir.filePath(QStringLiteral("teacher_runs")).toStdString();
    req.device = std::string("cpu");
    req.threads = 1;
    req.epochs = 1;
    const RunResult teacher = trainBlocking(req, {});
    QVERIFY2(teacher.status == TrainingEvent::Status::Completed, teacher.message.c_str());
    const QString student = writeTinyProject(m_dir, QStringLiteral("student.json"), [&](nlohmann::json &j) {
        j["distill"] = {{"teacher", teacher.runDir}, {"alpha", 0.6}};
    });
    QString error;
    QVERIFY2(m_doc->load(student, &error), qPrintable(error));
    const QString run = trainToEnd(2);
    QVERIFY(!run.isEmpty());
    CurvePlot *plot = m_dashboard->epochLossPlot();
    QCOMPARE(plot->seriesCount(), 4);
    QCOMPARE(plot->seriesGraph(Dashboard::SoftLossSeries)->name(), QStringLiteral("soft part (teacher)"));
    QCOMPARE(plot->seriesGraph(Dashboard::HardLossSeries)->name(), QStringLiteral("hard part (labels)"));
    QVERIFY(plot->legend->visible());
    QCOMPARE(plot->pointCount(Dashboard::SoftLossSeries), 2);
    QCOMPARE(plot->pointCount(Dashboard::HardLossSeries), 2);
    int epoch = 0;
    for (const TrainingEvent &e : readMetrics(run.toStdString())) {
        if (e.kind != TrainingEvent::Kind::Epoch)
            continue;
        QCOMPARE(plot->yData(Dashboard::SoftLossSeries)[epoch], e.softLoss);
        QCOMPARE(plot->yData(Dashboard::HardLossSeries)[epoch], e.hardLoss);
        QVERIFY(std::abs(plot->yData(Dashboard::TrainingSeries)[epoch] - (0.6 * e.softLoss + 0.4 * e.hardLoss)) < 1e-5);
        ++epoch;
    }
    QCOMPARE(epoch, 2);

    QVERIFY2(m_doc->load(m_projectPath, &error), qPrintable(error));
    QVERIFY(!trainToEnd(1).isEmpty());
    QCOMPARE(plot->seriesCount(), 2);
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
