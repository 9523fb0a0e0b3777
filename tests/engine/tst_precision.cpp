// Issue 14's training paths that this machine (no GPU) can check, on the tiny synthetic CNN and on
// Fashion-MNIST:
// - data streamed by the prefetch thread (--data-placement stream) gives the very batches, losses
//   and weights the device-resident path gives;
// - metrics read back from the device in windows (a GPU's default) give every batch its own event
//   with the same figures, and a loss that stops being finite still fails the run at its batch;
// - bf16 mixed precision trains on the CPU with float32 weights and checkpoints, and its run
//   evaluates and exports as any other; fp16 on the CPU is refused with a sentence;
// - channels-last memory trains to the same losses up to rounding;
// - a run whose checkpoint carries a GPU's random state (and fp16's loss scale) resumes on the
//   CPU, says what cannot carry over, and continues.
// The GPU side of each (and the speed) is checked by scripts/gpu-check on a machine with one.

#include "testhelpers.h"

#include "checkpoint.h"
#include "model.h"
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <mutex>
#include <string>
#include <vector>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::requestFor;
using Kind = TrainingEvent::Kind;
using Status = TrainingEvent::Status;

namespace {

// Every event of a run, collected from the worker thread.
struct Events {
    std::mutex mutex;
    std::vector<TrainingEvent> all;
    TrainingEventSink sink()
    {
        return [this](const TrainingEvent &e) {
            std::lock_guard<std::mutex> lock(mutex);
            all.push_back(e);
        };
    }
    std::vector<TrainingEvent> of(Kind k)
    {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<TrainingEvent> out;
        for (const auto &e : all)
            if (e.kind == k)
                out.push_back(e);
        return out;
    }
    std::string text()
    {
        std::lock_guard<std::mutex> lock(mutex);
        std::string out;
        for (const auto &e : all)
            if (e.kind == Kind::Log || e.kind == Kind::Error)
                out += e.message + "\n";
        return out;
    }
};

Project tinyProject()
{
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
    if (!load.ok())
        qWarning("%s", load.diagnostics.format().c_str());
    return load.project;
}

std::vector<double> losses(const std::vector<TrainingEvent> &events)
{
    std::vector<double> out;
    for (const auto &e : events)
        out.push_back(e.loss);
    return out;
}

// The weights of a run's checkpoint, by name.
std::map<std::string, torch::Tensor> weights(const std::string &runDir, const std::string &which = "last")
{
    LoadedRun run = loadRun(runDir, which, torch::kCPU);
    std::map<std::string, torch::Tensor> out;
    for (const auto &p : run.model->named_parameters())
        out[p.key()] = p.value().detach().clone();
    return out;
}

nlohmann::json runJson(const std::string &runDir) { return readRunJson(runDir); }

} // namespace

class TestPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void streamedBatchesEqualResident();
    void readBackInWindowsKeepsEveryBatch();
    void nonFiniteLossStillNamesItsBatch();
    void bf16TrainsOnTheCpuWithFloat32Weights();
    void fp16IsRefusedOnTheCpu();
    void channelsLastGivesTheSameLosses();
    void gpuCheckpointResumesOnTheCpu();

private:
    QTemporaryDir m_tmp;
};

void TestPrecision::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    configureThreads(1);
}

void TestPrecision::streamedBatchesEqualResident()
{
    Project p = tinyProject();
    p.training.epochs = 2;
    Events resident, streamed;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("resident")), resident.sink());
    TrainRequest req = requestFor(p, m_tmp.filePath("streamed"));
    req.dataPlacement = "stream";
    const RunResult b = trainBlocking(req, streamed.sink());
    QVERIFY2(a.status == Status::Completed, resident.text().c_str());
    QVERIFY2(b.status == Status::Completed, streamed.text().c_str());
    QCOMPARE(runJson(a.runDir).value("data_placement", ""), std::string("device"));
    QCOMPARE(runJson(b.runDir).value("data_placement", ""), std::string("stream"));
    QVERIFY2(containsCI(streamed.text(), "prefetch thread"), streamed.text().c_str());

    const auto ba = resident.of(Kind::Batch), bb = streamed.of(Kind::Batch);
    QVERIFY(ba.size() >= 14);
    QCOMPARE(losses(bb), losses(ba));
    const auto ea = resident.of(Kind::Epoch), eb = streamed.of(Kind::Epoch);
    QCOMPARE(eb.size(), ea.size());
    for (size_t i = 0; i < ea.size(); ++i) {
        QCOMPARE(eb[i].valLoss, ea[i].valLoss);
        QCOMPARE(eb[i].valAccuracy, ea[i].valAccuracy);
    }
    const auto wa = weights(a.runDir), wb = weights(b.runDir);
    for (const auto &[name, t] : wa)
        QVERIFY2(torch::equal(t, wb.at(name)), name.c_str());

    // A bad placement is refused, naming the option.
    TrainRequest bad = requestFor(p, m_tmp.filePath("badplacement"));
    bad.dataPlacement = "disk";
    Events refused;
    const RunResult c = trainBlocking(bad, refused.sink());
    QCOMPARE(int(c.status), int(Status::Failed));
    QVERIFY2(containsCI(c.message, "--data-placement") && containsCI(c.message, "disk"), c.message.c_str());
}

void TestPrecision::readBackInWindowsKeepsEveryBatch()
{
    // A GPU reads the figures back every 100 ms; 5 batches at a time stands for that here.
    Project p = tinyProject();
    p.training.epochs = 2;
    Events one, five;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("window1")), one.sink());
    TrainRequest req = requestFor(p, m_tmp.filePath("window5"));
    req.readbackBatches = 5;
    const RunResult b = trainBlocking(req, five.sink());
    QVERIFY2(a.status == Status::Completed && b.status == Status::Completed, five.text().c_str());
    const auto ba = one.of(Kind::Batch), bb = five.of(Kind::Batch);
    QCOMPARE(bb.size(), ba.size());
    for (size_t i = 0; i < ba.size(); ++i) {
        QCOMPARE(bb[i].epoch, ba[i].epoch);
        QCOMPARE(bb[i].batch, ba[i].batch);
        QCOMPARE(bb[i].loss, ba[i].loss);
        QCOMPARE(bb[i].accuracy, ba[i].accuracy);
        QVERIFY(bb[i].samplesPerSecond > 0);
    }
    const auto ea = one.of(Kind::Epoch), eb = five.of(Kind::Epoch);
    QCOMPARE(eb.size(), ea.size());
    for (size_t i = 0; i < ea.size(); ++i) {
        QCOMPARE(eb[i].loss, ea[i].loss);
        QCOMPARE(eb[i].accuracy, ea[i].accuracy);
        QCOMPARE(eb[i].valLoss, ea[i].valLoss);
    }
    // metrics.jsonl has every batch too.
    int lines = 0;
    for (const auto &e : readMetrics(b.runDir))
        lines += e.kind == Kind::Batch;
    QCOMPARE(lines, int(ba.size()));
}

void TestPrecision::nonFiniteLossStillNamesItsBatch()
{
    const Project p = testhelpers::divergingProject(tinyProject());
    Events one, four;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("nan1")), one.sink());
    TrainRequest req = requestFor(p, m_tmp.filePath("nan4"));
    req.readbackBatches = 4;
    const RunResult b = trainBlocking(req, four.sink());
    QCOMPARE(int(a.status), int(Status::Failed));
    QCOMPARE(int(b.status), int(Status::Failed));
    const auto errA = one.of(Kind::Error), errB = four.of(Kind::Error);
    QVERIFY(!errA.empty() && !errB.empty());
    QCOMPARE(errB.front().epoch, 2);
    QCOMPARE(errB.front().batch, errA.front().batch);
    QCOMPARE(errB.front().message, errA.front().message);
    QCOMPARE(b.epochsCompleted, 1);
    // The batches before the bad one were told, each once.
    const auto batches = four.of(Kind::Batch);
    QCOMPARE(int(batches.size()), int(one.of(Kind::Batch).size()));
}

void TestPrecision::bf16TrainsOnTheCpuWithFloat32Weights()
{
    // Fashion-MNIST's sample CNN, 40 batches: bf16 learns as fp32 does, within bf16's rounding.
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("projects/fashion_mnist_cnn.json"));
    QVERIFY(load.ok());
    Project p = load.project;
    p.training.epochs = 1;
    TrainRequest fp32 = requestFor(p, m_tmp.filePath("fp32"));
    fp32.batchLimit = 40;
    TrainRequest bf16 = fp32;
    bf16.runsDir = m_tmp.filePath("bf16").toStdString();
    QDir().mkpath(m_tmp.filePath("bf16"));
    bf16.precision = "bf16";
    Events e32, e16;
    const RunResult a = trainBlocking(fp32, e32.sink());
    const RunResult b = trainBlocking(bf16, e16.sink());
    QVERIFY2(a.status == Status::Completed, e32.text().c_str());
    if (b.status == Status::Failed && containsCI(b.message, "not supported by this LibTorch"))
        QSKIP("this LibTorch has no bfloat16 on the CPU; the refusal was the sentence expected");
    QVERIFY2(b.status == Status::Completed, e16.text().c_str());
    QVERIFY2(containsCI(e16.text(), "precision bf16 (autocast)"), e16.text().c_str());
    QCOMPARE(runJson(b.runDir).value("precision", ""), std::string("bf16"));
    QCOMPARE(runJson(a.runDir).value("precision", ""), std::string("fp32"));

    const auto la = losses(e32.of(Kind::Batch)), lb = losses(e16.of(Kind::Batch));
    QCOMPARE(lb.size(), la.size());
    QVERIFY(lb.front() != la.front()); // it really computed in bfloat16
    QVERIFY2(std::abs(lb.front() - la.front()) < 0.05, qPrintable(QString("%1 vs %2").arg(lb.front()).arg(la.front())));
    double meanA = 0, meanB = 0;
    for (size_t i = la.size() - 10; i < la.size(); ++i) {
        meanA += la[i] / 10;
        meanB += lb[i] / 10;
    }
    QVERIFY2(meanB < lb.front() * 0.6, qPrintable(QString("bf16 loss %1 -> %2").arg(lb.front()).arg(meanB)));
    QVERIFY2(std::abs(meanB - meanA) < 0.15,
             qPrintable(QString("last 10 batches: bf16 %1, fp32 %2").arg(meanB).arg(meanA)));
    const auto ea = e32.of(Kind::Epoch), eb = e16.of(Kind::Epoch);
    QVERIFY2(std::abs(eb.back().valAccuracy - ea.back().valAccuracy) < 0.03,
             qPrintable(QString("%1 vs %2").arg(eb.back().valAccuracy).arg(ea.back().valAccuracy)));

    // Float32 weights in the checkpoint; evaluation and export as for any run.
    for (const auto &[name, t] : weights(b.runDir))
        QVERIFY2(t.scalar_type() == torch::kFloat32, name.c_str());
    const Evaluation ev = evaluateRun(b.runDir, "last", "cpu");
    QVERIFY2(std::abs(ev.accuracy - eb.back().valAccuracy) < 0.05, qPrintable(QString::number(ev.accuracy)));
    const std::string ts = m_tmp.filePath("bf16.pt").toStdString();
    exportTorchScript(b.runDir, ts, "last");
    QVERIFY(QFileInfo::exists(QString::fromStdString(ts)));
}

void TestPrecision::fp16IsRefusedOnTheCpu()
{
    Project p = tinyProject();
    TrainRequest req = requestFor(p, m_tmp.filePath("fp16"));
    req.precision = "fp16";
    Events e;
    const RunResult r = trainBlocking(req, e.sink());
    QCOMPARE(int(r.status), int(Status::Failed));
    QVERIFY2(containsCI(r.message, "fp16") && containsCI(r.message, "CUDA"), r.message.c_str());
    QVERIFY(e.of(Kind::Batch).empty());

    Project bad = tinyProject();
    bad.training.precision = "fp8";
    Events e2;
    const RunResult r2 = trainBlocking(requestFor(bad, m_tmp.filePath("fp8")), e2.sink());
    QCOMPARE(int(r2.status), int(Status::Failed));
    QVERIFY2(containsCI(r2.message, "/training/precision") && containsCI(r2.message, "fp8"), r2.message.c_str());

    // The project file refuses it too, naming the setting.
    nlohmann::json j = nlohmann::json::parse(projectToJson(tinyProject()).dump());
    j["training"]["precision"] = "fp8";
    const ProjectLoad load = projectFromJson(j, "");
    QVERIFY(!load.ok());
    QVERIFY2(containsCI(load.diagnostics.format(), "/training/precision"), load.diagnostics.format().c_str());
}

void TestPrecision::channelsLastGivesTheSameLosses()
{
    Project p = tinyProject();
    p.training.epochs = 1;
    Events plain, nhwc;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("nchw")), plain.sink());
    TrainRequest req = requestFor(p, m_tmp.filePath("nhwc"));
    req.channelsLast = true;
    const RunResult b = trainBlocking(req, nhwc.sink());
    QVERIFY2(b.status == Status::Completed, nhwc.text().c_str());
    QVERIFY(runJson(b.runDir).value("channels_last", false));
    const auto la = losses(plain.of(Kind::Batch)), lb = losses(nhwc.of(Kind::Batch));
    QCOMPARE(lb.size(), la.size());
    for (size_t i = 0; i < la.size(); ++i)
        QVERIFY2(std::abs(la[i] - lb[i]) < 1e-4 * std::max(1.0, std::abs(la[i])),
                 qPrintable(QString("batch %1: %2 vs %3").arg(i + 1).arg(la[i]).arg(lb[i])));
    // Its checkpoint loads and exports like any other.
    const Evaluation ev = evaluateRun(b.runDir, "last", "cpu");
    QCOMPARE(ev.samples, p.dataset.syntheticTest);
}

void TestPrecision::gpuCheckpointResumesOnTheCpu()
{
    // A run stopped after epoch 2, whose last checkpoint is given what a CUDA run's carries: the
    // GPU generator's state and fp16's loss scaler. Resumed here, it continues and says that the
    // GPU's random state cannot carry over; the checkpoint's entries round-trip.
    Project p = tinyProject();
    p.training.epochs = 2;
    Events first;
    const RunResult a = trainBlocking(requestFor(p, m_tmp.filePath("fromgpu")), first.sink());
    QVERIFY2(a.status == Status::Completed, first.text().c_str());
    const std::string last = checkpointPath(a.runDir, "last");
    {
        const ProjectLoad stored = loadRunProject(a.runDir);
        QVERIFY(stored.ok());
        GraphModel model(stored.project.graph, TensorType{stored.project.dataset.sampleShape, DType::Float32});
        torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(0.01));
        TrainingState s = loadCheckpoint(last, *model, &opt, torch::kCPU);
        const int epoch = s.epoch;
        s.cudaRng = torch::arange(16, torch::kUInt8);
        s.lossScale = 1024;
        s.lossScaleCleanSteps = 17;
        s.skippedSteps = 3;
        saveCheckpoint(last, *model, &opt, s);
        const TrainingState back = loadCheckpoint(last, *model, &opt, torch::kCPU);
        QVERIFY(back.cudaRng.defined() && torch::equal(back.cudaRng, s.cudaRng));
        QCOMPARE(back.lossScale, 1024.0);
        QCOMPARE(back.lossScaleCleanSteps, 17.0);
        QCOMPARE(back.skippedSteps, int64_t(3));
        QCOMPARE(back.epoch, epoch);
    }
    TrainRequest resume = requestFor(p, m_tmp.filePath("fromgpu"));
    resume.resumeRun = a.runDir;
    resume.epochs = 3;
    Events second;
    const RunResult b = trainBlocking(resume, second.sink());
    QVERIFY2(b.status == Status::Completed, second.text().c_str());
    QCOMPARE(b.epochsCompleted, 3);
    QVERIFY2(containsCI(second.text(), "trained on a GPU until now"), second.text().c_str());
    QCOMPARE(second.of(Kind::Epoch).front().epoch, 3);
}

QTEST_GUILESS_MAIN(TestPrecision)
#include "tst_precision.moc"
