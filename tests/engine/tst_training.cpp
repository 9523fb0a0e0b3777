// Training on tiny synthetic data: a run completes and leaves a complete run folder, the same
// seed gives the same losses, a stopped run resumed from its checkpoint continues the epoch count
// and ends with the weights of an uninterrupted run, a NaN loss (a step schedule with gamma > 1
// makes epoch 2 diverge) fails the run with context, pause holds the worker between batches,
// early stopping ends a run at exactly the epoch its rule (training.h) names, and a graph that
// does not check fails the run with an Error event. A Finished event ends every session. The
// sink runs on the worker thread, and the tests call pause() and stop() from it. Everything
// waits on events with a bound; nothing sleeps.

#include "testhelpers.h"

#include "torchwright/diagnostics.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::describe;
using testhelpers::requestFor;
using Kind = TrainingEvent::Kind;
using Status = TrainingEvent::Status;

namespace {

const int kWaitMs = 60000;

// Collects events from any thread. `hook` runs on the sink's thread before the event is
// stored, without the log's lock held, so it may call into the session.
class EventLog {
public:
    std::function<void(const TrainingEvent &)> hook;

    TrainingEventSink sink()
    {
        return [this](const TrainingEvent &e) { record(e); };
    }

    void record(const TrainingEvent &e)
    {
        if (hook)
            hook(e);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(e);
        if (e.kind == Kind::Finished)
            m_finished = true;
        m_cv.notify_all();
    }

    bool waitFinished(int ms = kWaitMs)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_finished; });
    }

    std::vector<TrainingEvent> events() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_events;
    }

    std::vector<TrainingEvent> ofKind(Kind k) const
    {
        std::vector<TrainingEvent> out;
        for (const auto &e : events()) {
            if (e.kind == k)
                out.push_back(e);
        }
        return out;
    }

    std::vector<double> batchLosses() const
    {
        std::vector<double> out;
        for (const auto &e : ofKind(Kind::Batch))
            out.push_back(e.loss);
        return out;
    }

    QByteArray errors() const
    {
        QByteArray out;
        for (const auto &e : ofKind(Kind::Error))
            out += QByteArray::fromStdString(e.message) + '\n';
        return out;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<TrainingEvent> m_events;
    bool m_finished = false;
};

// A simple latch for "the hook has done its part".
class Flag {
public:
    void set()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_set = true;
        m_cv.notify_all();
    }
    bool wait(int ms = kWaitMs)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_set; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_set = false;
};

Project tinyProject()
{
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
    if (!load.ok())
        qWarning("%s", load.diagnostics.format().c_str());
    return load.project;
}

bool fileExists(const std::string &dir, const char *name)
{
    return QFileInfo::exists(QString::fromStdString(dir) + "/" + name);
}

std::map<std::string, torch::Tensor> scriptedTensors(const std::string &file)
{
    torch::jit::Module m = torch::jit::load(file);
    std::map<std::string, torch::Tensor> out;
    for (const auto &p : m.named_parameters(/*recurse=*/true))
        out["param:" + p.name] = p.value;
    for (const auto &b : m.named_buffers(/*recurse=*/true))
        out["buffer:" + b.name] = b.value;
    return out;
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainsAndWritesRunFolder();
    void sameSeedSameLosses();
    void resumeEqualsUninterrupted();
    void nanLossFailsWithContext();
    void pauseAndResume();
    void earlyStoppingRule();
    void earlyStopping();
    void accuracyWithoutValidationWatchesTrainingAccuracy();
    void destroyingRunningSessionStopsIt();
    void refusesBrokenGraph();
    void runJsonOfTheWrongTypeIsRefused();
    void pretrainedFrozenLayersKeepTheirWeights();
    void runJsonChecksumRefusesDamage();
    void runWhoseProcessIsGoneIsInterrupted();
    void tornMetricsLineIsRepairedOnResume();
    void runInterruptedInFirstEpochResumes();

private:
    QTemporaryDir m_tmp;
};

void TestTraining::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    configureThreads(1);
    const Project p = tinyProject();
    QVERIFY(!p.graph.nodes.empty());
    QCOMPARE(p.dataset.kind, std::string("synthetic"));
}

void TestTraining::trainsAndWritesRunFolder()
{
    Project p = tinyProject();
    p.training.epochs = 3;
    const QString runsDir = m_tmp.filePath("basic");
    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, runsDir), log.sink());

    QVERIFY2(r.status == Status::Completed, log.errors().constData());
    QCOMPARE(r.epochsCompleted, 3);
    QVERIFY(QFileInfo(QString::fromStdString(r.runDir)).isDir());

    const auto events = log.events();
    QVERIFY(!events.empty());
    // Log lines may come first; the first other event is Started, the last is Finished.
    auto firstOther =
        std::find_if(events.begin(), events.end(), [](const TrainingEvent &e) { return e.kind != Kind::Log; });
    QVERIFY(firstOther != events.end());
    QCOMPARE(int(firstOther->kind), int(Kind::Started));
    QCOMPARE(firstOther->runDir, r.runDir);
    QCOMPARE(int(events.back().kind), int(Kind::Finished));
    QCOMPARE(int(events.back().status), int(Status::Completed));

    const auto epochs = log.ofKind(Kind::Epoch);
    QCOMPARE(epochs.size(), size_t(3));
    for (size_t i = 0; i < epochs.size(); ++i) {
        QCOMPARE(epochs[i].epoch, int(i) + 1);
        QCOMPARE(epochs[i].epochs, 3);
        QVERIFY(std::isfinite(epochs[i].loss));
        QVERIFY(std::isfinite(epochs[i].valLoss));
        QVERIFY(epochs[i].valAccuracy >= 0.0 && epochs[i].valAccuracy <= 1.0);
    }
    QVERIFY2(epochs.back().loss < epochs.front().loss,
             qPrintable(QString("first %1 last %2").arg(epochs.front().loss).arg(epochs.back().loss)));

    const auto batches = log.ofKind(Kind::Batch);
    QVERIFY(!batches.empty());
    QVERIFY(batches.front().batchesPerEpoch >= 3);
    QCOMPARE(batches.front().epoch, 1);
    QCOMPARE(batches.front().batch, 1);

    // The run folder.
    for (const char *name : {"project.json", "metrics.jsonl", "last.pt", "best.pt"})
        QVERIFY2(fileExists(r.runDir, name), name);

    QFile metrics(QString::fromStdString(r.runDir) + "/metrics.jsonl");
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    int batchLines = 0;
    int epochLines = 0;
    while (!metrics.atEnd()) {
        const QByteArray line = metrics.readLine().trimmed();
        if (line.isEmpty())
            continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line.toStdString());
        } catch (const std::exception &) {
            QFAIL(qPrintable(QString("metrics.jsonl line is not JSON: ") + line));
        }
        QVERIFY2(j.is_object(), line.constData());
        const TrainingEvent e = TrainingEvent::fromJson(j);
        batchLines += e.kind == Kind::Batch;
        epochLines += e.kind == Kind::Epoch;
    }
    QVERIFY(batchLines > 0);
    QCOMPARE(epochLines, 3);

    int epochEvents = 0;
    for (const auto &e : readMetrics(r.runDir))
        epochEvents += e.kind == Kind::Epoch;
    QCOMPARE(epochEvents, 3);

    const RunSummary s = readRunSummary(r.runDir);
    QCOMPARE(s.status, std::string("completed"));
    QCOMPARE(s.epochsCompleted, 3);
    QCOMPARE(s.epochsPlanned, 3);
    QCOMPARE(listRuns(runsDir.toStdString()).size(), size_t(1));

    const ProjectLoad stored = loadRunProject(r.runDir);
    QVERIFY2(stored.ok(), describe(stored.diagnostics).constData());
    QCOMPARE(stored.project.graph.nodes.size(), p.graph.nodes.size());

    const Evaluation ev = evaluateRun(r.runDir, "best", "cpu");
    QCOMPARE(ev.samples, p.dataset.syntheticTest);
    QVERIFY2(ev.accuracy > 0.4, qPrintable(QString::number(ev.accuracy)));
    QCOMPARE(ev.confusion.size(), size_t(4));
    int64_t total = 0;
    for (const auto &row : ev.confusion)
        for (int64_t c : row)
            total += c;
    QCOMPARE(total, int64_t(p.dataset.syntheticTest));
}

void TestTraining::sameSeedSameLosses()
{
    Project p = tinyProject();
    p.training.epochs = 2;
    EventLog a;
    EventLog b;
    EventLog c;
    const RunResult ra = trainBlocking(requestFor(p, m_tmp.filePath("seed_a")), a.sink());
    const RunResult rb = trainBlocking(requestFor(p, m_tmp.filePath("seed_b")), b.sink());
    QVERIFY2(ra.status == Status::Completed, a.errors().constData());
    QVERIFY2(rb.status == Status::Completed, b.errors().constData());
    QVERIFY(ra.runDir != rb.runDir);
    QVERIFY(!a.batchLosses().empty());
    QCOMPARE(a.batchLosses(), b.batchLosses());

    p.training.seed = 2;
    const RunResult rc = trainBlocking(requestFor(p, m_tmp.filePath("seed_c")), c.sink());
    QVERIFY2(rc.status == Status::Completed, c.errors().constData());
    QVERIFY(a.batchLosses() != c.batchLosses());
}

void TestTraining::resumeEqualsUninterrupted()
{
    Project p = tinyProject();
    p.training.epochs = 4;

    // A: four epochs in one go.
    EventLog logA;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("resume_a")), logA.sink());
    QVERIFY2(a.status == Status::Completed, logA.errors().constData());
    QCOMPARE(a.epochsCompleted, 4);

    // B: stopped from the sink once epoch 2 has been checkpointed.
    EventLog logB;
    TrainingSession *sessionB = nullptr;
    logB.hook = [&sessionB](const TrainingEvent &e) {
        if (e.kind == Kind::Epoch && e.epoch == 2)
            sessionB->stop();
    };
    TrainingSession session(requestFor(p, m_tmp.filePath("resume_b")), logB.sink());
    sessionB = &session;
    session.start();
    QVERIFY2(logB.waitFinished(), "the stopped run did not finish");
    session.wait();
    QVERIFY(!session.isRunning());
    const RunResult b = session.result();
    QVERIFY2(b.status == Status::Stopped, logB.errors().constData());
    QCOMPARE(b.epochsCompleted, 2);
    QCOMPARE(logB.ofKind(Kind::Epoch).size(), size_t(2));
    QCOMPARE(readRunSummary(b.runDir).epochsCompleted, 2);
    QCOMPARE(readRunSummary(b.runDir).status, std::string("stopped"));
    QVERIFY(fileExists(b.runDir, "last.pt"));

    // C: B resumed from its last checkpoint.
    EventLog logC;
    TrainRequest resume = requestFor(p, m_tmp.filePath("resume_b"));
    resume.resumeRun = b.runDir;
    const RunResult c = trainBlocking(resume, logC.sink());
    QVERIFY2(c.status == Status::Completed, logC.errors().constData());
    QCOMPARE(c.epochsCompleted, 4);
    const auto epochsC = logC.ofKind(Kind::Epoch);
    QCOMPARE(epochsC.size(), size_t(2));
    QCOMPARE(epochsC.front().epoch, 3);

    // The resumed epochs are the uninterrupted run's epochs 3 and 4.
    const auto epochsA = logA.ofKind(Kind::Epoch);
    QCOMPARE(epochsA.size(), size_t(4));
    QCOMPARE(epochsC[0].loss, epochsA[2].loss);
    QCOMPARE(epochsC[1].loss, epochsA[3].loss);
    QCOMPARE(epochsC[1].valLoss, epochsA[3].valLoss);

    // Final weights through the public API: evaluation and the exported modules.
    const Evaluation evA = evaluateRun(a.runDir, "last", "cpu");
    const Evaluation evC = evaluateRun(c.runDir, "last", "cpu");
    QCOMPARE(evC.samples, evA.samples);
    QCOMPARE(evC.accuracy, evA.accuracy);
    QCOMPARE(evC.loss, evA.loss);
    QCOMPARE(evC.confusion, evA.confusion);

    const std::string fileA = m_tmp.filePath("resume_a.pt").toStdString();
    const std::string fileC = m_tmp.filePath("resume_c.pt").toStdString();
    exportTorchScript(a.runDir, fileA, "last");
    exportTorchScript(c.runDir, fileC, "last");
    const auto tensorsA = scriptedTensors(fileA);
    const auto tensorsC = scriptedTensors(fileC);
    QVERIFY(!tensorsA.empty());
    QCOMPARE(tensorsA.size(), tensorsC.size());
    for (const auto &[name, tensor] : tensorsA) {
        const auto it = tensorsC.find(name);
        QVERIFY2(it != tensorsC.end(), name.c_str());
        QVERIFY2(torch::equal(tensor, it->second), name.c_str());
    }

    // The exported module runs and the two agree.
    torch::jit::Module ma = torch::jit::load(fileA);
    torch::jit::Module mc = torch::jit::load(fileC);
    const torch::Tensor x = torch::randn({2, 1, 8, 8});
    const torch::Tensor ya = ma.forward({x}).toTensor();
    const torch::Tensor yc = mc.forward({x}).toTensor();
    QCOMPARE(ya.sizes().vec(), (std::vector<int64_t>{2, 4}));
    QVERIFY(torch::equal(ya, yc));
}

void TestTraining::nanLossFailsWithContext()
{
    const Project p = testhelpers::divergingProject(tinyProject());

    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("nan")), log.sink());
    QVERIFY2(r.status == Status::Failed, log.errors().constData());
    QCOMPARE(r.epochsCompleted, 1);

    const auto errors = log.ofKind(Kind::Error);
    QVERIFY(!errors.empty());
    bool found = false;
    for (const auto &e : errors) {
        if (containsCI(e.message, "epoch 2") && containsCI(e.message, "batch")
            && (containsCI(e.message, "nan") || containsCI(e.message, "inf")))
            found = true;
    }
    QVERIFY2(found, log.errors().constData());
    QCOMPARE(int(log.events().back().kind), int(Kind::Finished));
    QCOMPARE(int(log.events().back().status), int(Status::Failed));

    QVERIFY(fileExists(r.runDir, "last.pt"));
    const RunSummary s = readRunSummary(r.runDir);
    QCOMPARE(s.epochsCompleted, 1);
    QCOMPARE(s.status, std::string("failed"));
}

void TestTraining::pauseAndResume()
{
    Project p = tinyProject();
    p.training.epochs = 2;

    EventLog log;
    Flag pausedFromSink;
    TrainingSession *session = nullptr;
    log.hook = [&](const TrainingEvent &e) {
        if (e.kind == Kind::Batch && e.epoch == 1 && e.batch == 2) {
            session->pause();
            pausedFromSink.set();
        }
    };
    TrainingSession s(requestFor(p, m_tmp.filePath("pause")), log.sink());
    session = &s;
    s.start();

    QVERIFY2(pausedFromSink.wait(), "batch 2 never arrived");
    QVERIFY(s.isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(s.isHeld(), kWaitMs);
    QVERIFY(s.isRunning());
    // The worker checks between batches, so nothing after batch 2 has run.
    for (const auto &e : log.ofKind(Kind::Batch))
        QVERIFY2(e.epoch == 1 && e.batch <= 2, qPrintable(QString("batch %1").arg(e.batch)));

    s.resume();
    QVERIFY2(log.waitFinished(), "the resumed run did not finish");
    s.wait();
    QVERIFY(!s.isPaused());
    QVERIFY(!s.isRunning());
    const RunResult r = s.result();
    QVERIFY2(r.status == Status::Completed, log.errors().constData());
    QCOMPARE(r.epochsCompleted, 2);
    QCOMPARE(log.ofKind(Kind::Epoch).size(), size_t(2));
}

void TestTraining::earlyStoppingRule()
{
    // A metric sequence worked through by hand (exact binary fractions, so no rounding): val_loss,
    // min_delta 0.125, patience 1.
    EarlyStoppingSettings s;
    s.enabled = true;
    s.metric = "val_loss";
    s.patience = 1;
    s.minDelta = 0.125;
    const double losses[] = {1.0, 0.9375, 0.8125, 0.75, 0.6875, 0.5};
    const bool improves[] = {true, false, true, false, false};
    const int counts[] = {0, 1, 0, 1, 2};
    double best = INFINITY;
    int without = 0, bestEpoch = 0, stoppedAfter = 0;
    for (int epoch = 1; epoch <= 6 && !stoppedAfter; ++epoch) {
        const double metric = losses[epoch - 1];
        const bool improved = earlyStoppingImproves(s, metric, best);
        QCOMPARE(improved, improves[epoch - 1]);
        if (improved) {
            best = metric;
            bestEpoch = epoch;
            without = 0;
        } else {
            ++without;
        }
        QCOMPARE(without, counts[epoch - 1]);
        if (earlyStoppingStops(s, without, epoch, 10))
            stoppedAfter = epoch;
    }
    // Epoch 5 (0.6875) is exactly min_delta below the best (0.8125): not an improvement, and the
    // second epoch in a row without one exceeds a patience of 1.
    QCOMPARE(stoppedAfter, 5);
    QCOMPARE(bestEpoch, 3);

    // The last planned epoch completes the run instead; disabled never stops.
    QVERIFY(!earlyStoppingStops(s, 2, 10, 10));
    s.enabled = false;
    QVERIFY(!earlyStoppingStops(s, 50, 5, 10));

    // An equal value never improves; val_accuracy improves upwards by more than min_delta.
    s.minDelta = 0;
    QVERIFY(!earlyStoppingImproves(s, 0.5, 0.5));
    QVERIFY(earlyStoppingImproves(s, 0.25, 0.5));
    s.metric = "val_accuracy";
    s.minDelta = 0.25;
    QVERIFY(!earlyStoppingImproves(s, 0.75, 0.5));
    QVERIFY(earlyStoppingImproves(s, 0.875, 0.5));
    QVERIFY(!earlyStoppingImproves(s, 0.25, 0.5));
}

void TestTraining::earlyStopping()
{
    // Learning rate 0: the weights never change, so every epoch's validation loss equals the
    // first one's. Epoch 1 improves on +inf; epochs 2, 3 and 4 do not, and the third of them
    // leaves the count (3) above a patience of 2, so the run stops after epoch 4.
    Project p = tinyProject();
    p.training.epochs = 10;
    p.training.optimizer.type = "sgd";
    p.training.optimizer.lr = 0;
    p.training.optimizer.momentum = 0;
    p.training.earlyStopping.enabled = true;
    p.training.earlyStopping.metric = "val_loss";
    p.training.earlyStopping.patience = 2;
    p.training.earlyStopping.minDelta = 0;

    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("early")), log.sink());
    QVERIFY2(r.status == Status::EarlyStopped, log.errors().constData());
    const auto epochs = log.ofKind(Kind::Epoch);
    QCOMPARE(int(epochs.size()), 4);
    for (const auto &e : epochs)
        QVERIFY(e.valLoss == epochs.front().valLoss); // the premise: the metric never moves
    QCOMPARE(r.epochsCompleted, 4);
    QVERIFY2(containsCI(r.message, "after epoch 4") && containsCI(r.message, "best was epoch 1"), r.message.c_str());
    QCOMPARE(readRunSummary(r.runDir).status, std::string("early_stopped"));
    QCOMPARE(readRunSummary(r.runDir).epochsCompleted, 4);
    QVERIFY(fileExists(r.runDir, "best.pt"));

    // The same run planned for 4 epochs reaches its last epoch as the rule fires: it completes.
    p.training.epochs = 4;
    EventLog full;
    const RunResult c = trainBlocking(requestFor(p, m_tmp.filePath("early_last")), full.sink());
    QVERIFY2(c.status == Status::Completed, full.errors().constData());
    QCOMPARE(c.epochsCompleted, 4);
}

void TestTraining::accuracyWithoutValidationWatchesTrainingAccuracy()
{
    // No validation split: val_accuracy is measured on the training split, higher is better, so
    // the best epoch is the one the rule picks from the epochs' training accuracies (and not from
    // the training loss, which falls while the accuracy rises).
    Project p = tinyProject();
    p.dataset.validationFraction = 0;
    p.training.epochs = 4;
    p.training.earlyStopping.enabled = false;
    p.training.earlyStopping.metric = "val_accuracy";
    p.training.earlyStopping.minDelta = 0;

    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("no_validation")), log.sink());
    QVERIFY2(r.status == Status::Completed, log.errors().constData());
    const auto epochs = log.ofKind(Kind::Epoch);
    QCOMPARE(int(epochs.size()), 4);
    double best = -INFINITY;
    int expected = 0;
    for (const auto &e : epochs) {
        QVERIFY(std::isnan(e.valAccuracy)); // the premise: nothing was validated
        if (earlyStoppingImproves(p.training.earlyStopping, e.accuracy, best)) {
            best = e.accuracy;
            expected = e.epoch;
        }
    }
    QVERIFY2(expected > 1, "the premise: the training accuracy rose after the first epoch");
    std::ifstream in(r.runDir + "/run.json");
    const nlohmann::json summary = nlohmann::json::parse(in);
    QCOMPARE(summary.at("best_epoch").get<int>(), expected);
}

void TestTraining::destroyingRunningSessionStopsIt()
{
    Project p = tinyProject();
    p.training.epochs = 50;

    EventLog log;
    Flag firstBatch;
    log.hook = [&](const TrainingEvent &e) {
        if (e.kind == Kind::Batch)
            firstBatch.set();
    };
    {
        TrainingSession s(requestFor(p, m_tmp.filePath("destroy")), log.sink());
        s.start();
        QVERIFY2(firstBatch.wait(), "no batch arrived");
        // Leaving the scope stops the worker and waits for it.
    }
    const auto events = log.events();
    QVERIFY(log.ofKind(Kind::Epoch).size() < 50);
    QVERIFY(!events.empty());
}

void TestTraining::refusesBrokenGraph()
{
    Project p = tinyProject();
    for (Node &n : p.graph.nodes) {
        if (n.type == "Linear")
            n.params["in_features"] = 999;
    }
    // The session turns every failure into a Failed result with an Error event (it never throws),
    // and the run ends before any batch.
    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("broken")), log.sink());
    QCOMPARE(int(r.status), int(Status::Failed));
    QVERIFY2(log.errors().contains("999"), log.errors().constData());
    QVERIFY(log.ofKind(Kind::Batch).empty());
    QCOMPARE(int(log.events().back().kind), int(Kind::Finished));
}

// A run.json that is valid JSON of the wrong shape used to end the process (std::terminate) on
// --resume. Now resuming fails naming run.json and the field, leaving the file as it was, and
// the run list marks the run unreadable.
void TestTraining::runJsonOfTheWrongTypeIsRefused()
{
    const QString runsDir = m_tmp.filePath("wrong_run_json");
    struct Case {
        const char *text;
        const char *where; // expected in the message
    };
    const Case cases[] = {
        {"[]", "expected an object, got array"},
        {"\"text\"", "expected an object, got string"},
        {"{\"epochs_planned\": \"ten\"}", "/epochs_planned: expected an integer, got string"},
        {"{\"epochs_completed\": 4294967296}", "/epochs_completed: expected 0..100000"},
        {"{\"status\": 3}", "/status: expected a string"},
        {"{\"normalization\": {\"mean\": [0.5, \"x\"]}}", "/normalization/mean/1: expected a number"}};
    int i = 0;
    for (const Case &c : cases) {
        const QString dir = runsDir + "/run" + QString::number(i++);
        QVERIFY(QDir().mkpath(dir));
        Project stored = tinyProject();
        saveProjectFile(stored, (dir + "/project.json").toStdString());
        QFile f(dir + "/run.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(c.text);
        f.close();

        TrainRequest req = requestFor(tinyProject(), runsDir);
        req.resumeRun = dir.toStdString();
        EventLog log;
        const RunResult r = trainBlocking(req, log.sink());
        QCOMPARE(int(r.status), int(Status::Failed));
        const std::string message = r.message;
        QVERIFY2(message.find((dir + "/run.json").toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(c.where) != std::string::npos, message.c_str());
        QVERIFY(log.errors().contains("run.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray(c.text)); // not overwritten with a "failed" summary
        f.close();

        QCOMPARE(readRunSummary(dir.toStdString()).status, std::string("unreadable"));
    }
    const std::vector<RunSummary> runs = listRuns(runsDir.toStdString());
    QCOMPARE(runs.size(), std::size(cases));
    for (const RunSummary &s : runs)
        QCOMPARE(s.status, std::string("unreadable"));
}

void TestTraining::pretrainedFrozenLayersKeepTheirWeights()
{
    // Run A trains from scratch; run B starts from A's best checkpoint with conv1 frozen. After
    // B, conv1 is exactly A's and fc has moved on from it.
    Project p = tinyProject();
    p.training.epochs = 2;
    EventLog logA;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("pretrain_a")), logA.sink());
    QVERIFY2(a.status == Status::Completed, logA.errors().constData());

    Project q = p;
    q.pretrain.enabled = true;
    q.pretrain.source = a.runDir;
    q.pretrain.frozen = {"conv1"};
    q.training.seed = 99; // a different initialisation that the pretrained weights must replace
    EventLog logB;
    const RunResult b = trainBlocking(requestFor(q, m_tmp.filePath("pretrain_b")), logB.sink());
    QVERIFY2(b.status == Status::Completed, logB.errors().constData());
    bool logged = false;
    for (const auto &e : logB.ofKind(Kind::Log))
        logged = logged || containsCI(e.message, "pretrained layer 'conv1'");
    QVERIFY(logged);

    const std::string fileA = m_tmp.filePath("pretrain_a.pt").toStdString();
    const std::string fileB = m_tmp.filePath("pretrain_b.pt").toStdString();
    exportTorchScript(a.runDir, fileA, "best");
    exportTorchScript(b.runDir, fileB, "last");
    const auto ta = scriptedTensors(fileA);
    const auto tb = scriptedTensors(fileB);
    QVERIFY(torch::equal(ta.at("param:conv1__weight"), tb.at("param:conv1__weight")));
    QVERIFY(torch::equal(ta.at("param:conv1__bias"), tb.at("param:conv1__bias")));
    QVERIFY(!torch::equal(ta.at("param:fc__weight"), tb.at("param:fc__weight")));

    // A frozen name that is no layer is reported with its place.
    Project bad = q;
    bad.pretrain.frozen = {"nosuchlayer"};
    GraphAnalysis an = analyzeProject(bad);
    QVERIFY(!an.ok());
    QVERIFY(containsCI(an.diagnostics.format(), "/pretrain/frozen/0"));
    QVERIFY(containsCI(an.diagnostics.format(), "nosuchlayer"));
}

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

// A run stopped from the sink at `epoch`, `batch` (batch 0: after the epoch's event).
RunResult stoppedRun(const Project &p, const QString &runsDir, int epoch, int batch)
{
    EventLog log;
    TrainingSession *session = nullptr;
    log.hook = [&](const TrainingEvent &e) {
        if (e.epoch == epoch
            && ((batch == 0 && e.kind == Kind::Epoch) || (batch > 0 && e.kind == Kind::Batch && e.batch == batch)))
            session->stop();
    };
    TrainingSession s(requestFor(p, runsDir), log.sink());
    session = &s;
    s.start();
    log.waitFinished();
    s.wait();
    return s.result();
}

std::vector<double> epochLosses(const std::vector<TrainingEvent> &events)
{
    std::vector<double> out;
    for (const auto &e : events)
        if (e.kind == Kind::Epoch)
            out.push_back(e.loss);
    return out;
}

} // namespace

// run.json carries the SHA-256 of its content (runs.h): a damaged one is refused by the run list
// and by --resume, naming the file; one without the field (older runs) is accepted.
void TestTraining::runJsonChecksumRefusesDamage()
{
    Project p = tinyProject();
    p.training.epochs = 1;
    EventLog log;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("checksum")), log.sink());
    QVERIFY2(r.status == Status::Completed, log.errors().constData());
    const QString runJson = QString::fromStdString(r.runDir) + "/run.json";
    const QByteArray good = readAll(runJson);
    const nlohmann::json j = nlohmann::json::parse(good.toStdString());
    QVERIFY(j.contains("sha256"));
    QCOMPARE(j["sha256"].get<std::string>().size(), size_t(64));
    QCOMPARE(readRunSummary(r.runDir).status, std::string("completed"));

    // One changed figure: the list says unreadable and why; resuming refuses and keeps the file.
    QByteArray damaged = good;
    damaged.replace("\"epochs_completed\": 1", "\"epochs_completed\": 2");
    QVERIFY(damaged != good);
    writeAll(runJson, damaged);
    const RunSummary s = readRunSummary(r.runDir);
    QCOMPARE(s.status, std::string("unreadable"));
    QVERIFY2(s.message.find(runJson.toStdString()) != std::string::npos, s.message.c_str());
    QVERIFY2(containsCI(s.message, "damaged"), s.message.c_str());
    TrainRequest resume = requestFor(p, m_tmp.filePath("checksum"));
    resume.resumeRun = r.runDir;
    resume.epochs = 2;
    EventLog logResume;
    const RunResult refused = trainBlocking(resume, logResume.sink());
    QCOMPARE(int(refused.status), int(Status::Failed));
    QVERIFY2(containsCI(refused.message, "run.json") && containsCI(refused.message, "sha256"), refused.message.c_str());
    QCOMPARE(readAll(runJson), damaged);

    // Without the field (a run from before it): accepted, and the next write adds it.
    nlohmann::json old = j;
    old.erase("sha256");
    writeAll(runJson, QByteArray::fromStdString(old.dump(2)));
    QCOMPARE(readRunSummary(r.runDir).status, std::string("completed"));
    EventLog logOld;
    const RunResult continued = trainBlocking(resume, logOld.sink());
    QVERIFY2(continued.status == Status::Completed, logOld.errors().constData());
    QVERIFY(nlohmann::json::parse(readAll(runJson).toStdString()).contains("sha256"));
    QCOMPARE(readRunSummary(r.runDir).epochsCompleted, 2);
}

// "running" is believed only while a process holds run.lock: during training the summary (what
// the runs panel and the CLI list) says running; a run.json left saying running by a process that
// is gone reads as interrupted, and resuming it finishes the run.
void TestTraining::runWhoseProcessIsGoneIsInterrupted()
{
    Project p = tinyProject();
    p.training.epochs = 2;
    const QString runsDir = m_tmp.filePath("liveness");
    EventLog log;
    std::string statusDuring;
    std::string listedDuring;
    log.hook = [&](const TrainingEvent &e) {
        if (e.kind == Kind::Batch && e.epoch == 1 && e.batch == 1) {
            statusDuring = readRunSummary(e.runDir).status;
            const auto runs = listRuns(runsDir.toStdString());
            listedDuring = runs.empty() ? "" : runs[0].status;
        }
    };
    const RunResult r = trainBlocking(requestFor(p, runsDir), log.sink());
    QVERIFY2(r.status == Status::Completed, log.errors().constData());
    QCOMPARE(statusDuring, std::string("running"));
    QCOMPARE(listedDuring, std::string("running"));
    QVERIFY(!runIsLive(r.runDir));

    // What kill -9 leaves: run.json still says running (checksum intact), nobody holds the lock.
    const QString runJson = QString::fromStdString(r.runDir) + "/run.json";
    nlohmann::json j = nlohmann::json::parse(readAll(runJson).toStdString());
    j["status"] = "running";
    j.erase("sha256");
    writeAll(runJson, QByteArray::fromStdString(j.dump(2)));
    const RunSummary s = readRunSummary(r.runDir);
    QCOMPARE(s.status, std::string("interrupted"));
    QVERIFY2(containsCI(s.message, "--resume"), s.message.c_str());
    QCOMPARE(listRuns(runsDir.toStdString())[0].status, std::string("interrupted"));
    // Reading did not write: run.json still says running.
    QCOMPARE(nlohmann::json::parse(readAll(runJson).toStdString())["status"].get<std::string>(),
             std::string("running"));
}

// A kill in the middle of writing leaves a torn last line in metrics.jsonl: readers skip it and
// say so; resuming drops it before appending, so every line of the file parses afterwards.
void TestTraining::tornMetricsLineIsRepairedOnResume()
{
    Project p = tinyProject();
    p.training.epochs = 3;
    const RunResult b = stoppedRun(p, m_tmp.filePath("torn"), 1, 0);
    QCOMPARE(int(b.status), int(Status::Stopped));
    const QString metrics = QString::fromStdString(b.runDir) + "/metrics.jsonl";
    const QByteArray whole = readAll(metrics);
    QVERIFY(whole.endsWith('\n'));
    const QByteArray torn = "{\"event\":\"batch\",\"epoch\":2,\"batch\":1,\"lo";
    writeAll(metrics, whole + torn);

    std::vector<Message> problems;
    const auto events = readMetrics(b.runDir, &problems);
    QVERIFY(!events.empty());
    QCOMPARE(problems.size(), size_t(1));
    QVERIFY2(containsCI(problems[0].str(), "metrics.jsonl") && containsCI(problems[0].str(), "torn"),
             problems[0].str().c_str());

    TrainRequest resume = requestFor(p, m_tmp.filePath("torn"));
    resume.resumeRun = b.runDir;
    EventLog log;
    const RunResult c = trainBlocking(resume, log.sink());
    QVERIFY2(c.status == Status::Completed, log.errors().constData());
    bool logged = false;
    for (const auto &e : log.ofKind(Kind::Log))
        logged = logged || containsCI(e.message, "torn");
    QVERIFY(logged);
    const QByteArray after = readAll(metrics);
    QVERIFY(after.startsWith(whole));
    QVERIFY(!after.contains(torn));
    for (const QByteArray &line : after.split('\n')) {
        if (line.isEmpty())
            continue;
        QVERIFY2(nlohmann::json::accept(line.toStdString()), line.constData());
    }
    problems.clear();
    readMetrics(b.runDir, &problems);
    QVERIFY(problems.empty());

    // The repair itself: a file that is all torn line is emptied; a whole file is left alone.
    const QString dir = m_tmp.filePath("torn_only");
    QVERIFY(QDir().mkpath(dir));
    writeAll(dir + "/metrics.jsonl", torn);
    QCOMPARE(repairMetricsFile(dir.toStdString()), int64_t(torn.size()));
    QCOMPARE(QFileInfo(dir + "/metrics.jsonl").size(), qint64(0));
    writeAll(dir + "/metrics.jsonl", "{}\n");
    QCOMPARE(repairMetricsFile(dir.toStdString()), int64_t(0));
    QCOMPARE(readAll(dir + "/metrics.jsonl"), QByteArray("{}\n"));
}

// A run stopped in its first epoch resumes from the checkpoint written before epoch 1 and ends
// with the losses of an uninterrupted run; a run killed before even that checkpoint (run.json
// says running, no last.pt) starts again from its seed, with the same losses.
void TestTraining::runInterruptedInFirstEpochResumes()
{
    Project p = tinyProject();
    p.training.epochs = 3;
    EventLog logA;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("first_a")), logA.sink());
    QVERIFY2(a.status == Status::Completed, logA.errors().constData());
    const std::vector<double> lossesA = epochLosses(logA.events());
    QCOMPARE(lossesA.size(), size_t(3));

    const RunResult b = stoppedRun(p, m_tmp.filePath("first_b"), 1, 2);
    QCOMPARE(int(b.status), int(Status::Stopped));
    QCOMPARE(b.epochsCompleted, 0);
    QVERIFY2(containsCI(b.message, "epoch 0") && containsCI(b.message, "--resume"), b.message.c_str());
    QVERIFY(fileExists(b.runDir, "last.pt"));
    TrainRequest resume = requestFor(p, m_tmp.filePath("first_b"));
    resume.resumeRun = b.runDir;
    EventLog logC;
    const RunResult c = trainBlocking(resume, logC.sink());
    QVERIFY2(c.status == Status::Completed, logC.errors().constData());
    QCOMPARE(c.epochsCompleted, 3);
    QCOMPARE(epochLosses(logC.events()), lossesA);

    // Killed before the first checkpoint: what is left is project.json, run.json (running) and
    // the start of metrics.jsonl.
    const RunResult d = stoppedRun(p, m_tmp.filePath("first_d"), 1, 1);
    const QString dir = QString::fromStdString(d.runDir);
    for (const char *name : {"last.pt", "last.json", "best.pt", "best.json"})
        QFile::remove(dir + "/" + name);
    nlohmann::json j = nlohmann::json::parse(readAll(dir + "/run.json").toStdString());
    j["status"] = "running";
    j["epochs_completed"] = 0;
    j.erase("sha256");
    writeAll(dir + "/run.json", QByteArray::fromStdString(j.dump(2)));
    QCOMPARE(readRunSummary(d.runDir).status, std::string("interrupted"));
    resume.resumeRun = d.runDir;
    EventLog logE;
    const RunResult e = trainBlocking(resume, logE.sink());
    QVERIFY2(e.status == Status::Completed, logE.errors().constData());
    QCOMPARE(epochLosses(logE.events()), lossesA);
    int epochLines = 0;
    for (const auto &ev : readMetrics(d.runDir))
        epochLines += ev.kind == Kind::Epoch;
    QCOMPARE(epochLines, 3); // the lost start's events are gone, not doubled

    // The same run with epochs completed but no checkpoint cannot continue, and says why.
    QFile::remove(dir + "/last.pt");
    EventLog logF;
    resume.epochs = 4;
    const RunResult f = trainBlocking(resume, logF.sink());
    QCOMPARE(int(f.status), int(Status::Failed));
    QVERIFY2(containsCI(f.message, "last.pt") && containsCI(f.message, "checkpoint not found"), f.message.c_str());
}

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
