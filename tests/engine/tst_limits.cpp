// Bounded memory and messages for people: the memory estimate counts each part of a training
// run from the analysed graph, a model that cannot fit is refused with the estimate and the
// limit before anything is allocated, evaluation of a run with more classes than the confusion
// matrix shows keeps memory in proportion to the classes (not their square) and still gives
// every per-class figure, and LibTorch's C++ backtraces never reach a message.

#include "testhelpers.h"

#include "torchwright/analysis.h"
#include "torchwright/diagnostics.h"
#include "torchwright/memory.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <c10/util/Exception.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <numeric>

using namespace torchwright;
using testhelpers::chainGraph;
using testhelpers::containsCI;
using testhelpers::requestFor;
using Status = TrainingEvent::Status;

namespace {

// The tiny synthetic project (1x8x8 samples, 4 classes) with `graph`.
Project projectWith(Graph graph, int classes = 4)
{
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
    Project p = load.project;
    p.graph = std::move(graph);
    p.dataset.numClasses = classes;
    p.dataset.classNames.clear();
    return p;
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainingEstimateCountsEachPart();
    void optimizerStateFollowsTheOptimizer();
    void modelTooLargeIsRefusedBeforeAllocating();
    void cpuMemoryIsKnown();
    void evaluationAboveTheMatrixLimit();
    void evaluationMatrixAgreesWithPerClassFigures();
    void errorMessagesHaveNoBacktrace();

private:
    QTemporaryDir m_tmp;
};

void TestLimits::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    configureThreads(1);
}

void TestLimits::trainingEstimateCountsEachPart()
{
    // Input 1x8x8 (64) -> Flatten (64) -> Linear 64->4 (4): 260 weights; 132 floats per sample.
    Project p = projectWith(chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 64}, {"out_features", 4}}}}));
    p.training.batchSize = 10;
    p.training.optimizer.type = "adam";
    const GraphAnalysis a = analyzeProject(p);
    QVERIFY2(a.ok(), a.diagnostics.format().c_str());
    const MemoryEstimate e = estimateTrainingMemory(p, a);
    QCOMPARE(e.parameters, int64_t(260 * 4));
    QCOMPARE(e.gradients, int64_t(260 * 4));
    QCOMPARE(e.optimizerState, int64_t(2 * 260 * 4)); // Adam's two moments
    QCOMPARE(e.activations, int64_t(2 * 10 * 132 * 4));
    QCOMPARE(e.total(), e.parameters + e.gradients + e.optimizerState + e.activations);
    QVERIFY2(containsCI(e.describe().str(), "batch of 10"), e.describe().str().c_str());

    // Evaluation: weights twice (model and checkpoint), one batch forward, nothing else.
    const MemoryEstimate ev = estimateEvaluationMemory(a, 256);
    QCOMPARE(ev.parameters, int64_t(2 * 260 * 4));
    QCOMPARE(ev.gradients, int64_t(0));
    QCOMPARE(ev.optimizerState, int64_t(0));
    QCOMPARE(ev.activations, int64_t(256 * 132 * 4));
}

void TestLimits::optimizerStateFollowsTheOptimizer()
{
    Project p = projectWith(chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 64}, {"out_features", 4}}}}));
    const GraphAnalysis a = analyzeProject(p);
    const int64_t weights = 260 * 4;
    struct Case {
        const char *type;
        double momentum;
        int64_t copies;
    };
    for (const Case &c : {Case{"sgd", 0.0, 0}, Case{"sgd", 0.9, 1}, Case{"rmsprop", 0.0, 1}, Case{"rmsprop", 0.9, 2},
                          Case{"adam", 0.0, 2}, Case{"adamw", 0.0, 2}}) {
        p.training.optimizer.type = c.type;
        p.training.optimizer.momentum = c.momentum;
        QCOMPARE(estimateTrainingMemory(p, a).optimizerState, c.copies * weights);
    }
}

void TestLimits::modelTooLargeIsRefusedBeforeAllocating()
{
    // 64 -> 2^24 -> 4: about 1.2 billion weights, 4.5 GiB of float32, 18 GiB with Adam and its
    // gradients; the limit is far below that, so nothing of it may be allocated.
    Project p = projectWith(chainGraph({{"Flatten", {}},
                                        {"Linear", {{"in_features", 64}, {"out_features", 1 << 24}}},
                                        {"Linear", {{"in_features", 1 << 24}, {"out_features", 4}}}}));
    const GraphAnalysis a = analyzeProject(p);
    QVERIFY2(a.ok(), a.diagnostics.format().c_str());
    const MemoryEstimate e = estimateTrainingMemory(p, a);
    QVERIFY(e.total() > (int64_t(16) << 30));

    // The check itself, against a stated limit.
    try {
        checkMemory(e, MemoryLimit{int64_t(1) << 30, "a test's limit"}, "training");
        QFAIL("an estimate above the limit was accepted");
    } catch (const EngineError &err) {
        const std::string what = err.what();
        QVERIFY2(containsCI(what, "training needs about"), err.what());
        QVERIFY2(containsCI(what, "optimizer state"), err.what());
        QVERIFY2(containsCI(what, "only 1.0 GiB is available (a test's limit)"), err.what());
        QVERIFY2(containsCI(what, "the weights alone need"), err.what());
    }
    checkMemory(e, MemoryLimit{}, "training"); // an unknown limit refuses nothing

    // A real run of a model no machine holds (4 TiB of weights in one layer, the largest tensor
    // the engine accepts) fails with the estimate, and does not die allocating.
    Project huge = projectWith(chainGraph({{"Flatten", {}},
                                           {"Linear", {{"in_features", 64}, {"out_features", 1 << 24}}},
                                           {"Linear", {{"in_features", 1 << 24}, {"out_features", 1 << 16}}},
                                           {"Linear", {{"in_features", 1 << 16}, {"out_features", 4}}}}));
    const GraphAnalysis ha = analyzeProject(huge);
    QVERIFY2(ha.ok(), ha.diagnostics.format().c_str());
    QVERIFY(estimateTrainingMemory(huge, ha).total() > (int64_t(16) << 40));
    const RunResult r = trainBlocking(requestFor(huge, m_tmp.filePath("huge")), {});
    QVERIFY(r.status == Status::Failed);
    QVERIFY2(containsCI(r.message, "training needs about"), r.message.c_str());
    QVERIFY2(containsCI(r.message, "is available"), r.message.c_str());
    QVERIFY2(containsCI(r.message, "the weights alone need"), r.message.c_str());
}

void TestLimits::cpuMemoryIsKnown()
{
    const MemoryLimit m = availableMemory("cpu");
    QVERIFY2(m.bytes > 0, "no CPU memory figure on Linux");
    QVERIFY(!m.source.empty());
    QCOMPARE(formatBytes(512), std::string("512 bytes"));
    QCOMPARE(formatBytes(int64_t(3) << 29), std::string("1.5 GiB"));
}

void TestLimits::evaluationAboveTheMatrixLimit()
{
    const int classes = kMaxConfusionClasses + 1;
    Project p = projectWith(chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 64}, {"out_features", classes}}}}),
                            classes);
    p.training.epochs = 1;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("many")), {});
    QVERIFY2(r.status == Status::Completed, r.message.c_str());
    const Evaluation ev = evaluateRun(r.runDir, "last", "cpu");
    QVERIFY(ev.confusion.empty());
    QCOMPARE(int(ev.support.size()), classes);
    QCOMPARE(int(ev.precision.size()), classes);
    QCOMPARE(int(ev.recall.size()), classes);
    QCOMPARE(std::accumulate(ev.support.begin(), ev.support.end(), int64_t(0)), int64_t(ev.samples));
    int64_t correct = 0;
    for (size_t i = 0; i < ev.labels.size(); ++i)
        correct += ev.labels[i] == ev.predictions[i];
    QCOMPARE(ev.correct, correct);
    QCOMPARE(ev.accuracy, double(correct) / double(ev.samples));
}

void TestLimits::evaluationMatrixAgreesWithPerClassFigures()
{
    Project p = projectWith(chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 64}, {"out_features", 4}}}}));
    p.training.epochs = 1;
    const RunResult r = trainBlocking(requestFor(p, m_tmp.filePath("four")), {});
    QVERIFY2(r.status == Status::Completed, r.message.c_str());
    const Evaluation ev = evaluateRun(r.runDir, "last", "cpu");
    QCOMPARE(int(ev.confusion.size()), 4);
    int64_t diagonal = 0;
    for (size_t t = 0; t < 4; ++t) {
        int64_t row = 0, column = 0;
        for (size_t q = 0; q < 4; ++q) {
            row += ev.confusion[t][q];
            column += ev.confusion[q][t];
        }
        diagonal += ev.confusion[t][t];
        QCOMPARE(ev.support[t], row);
        if (column)
            QCOMPARE(ev.precision[t], double(ev.confusion[t][t]) / double(column));
        if (row)
            QCOMPARE(ev.recall[t], double(ev.confusion[t][t]) / double(row));
    }
    QCOMPARE(ev.correct, diagonal);
}

void TestLimits::errorMessagesHaveNoBacktrace()
{
    try {
        TORCH_CHECK(false, "sizes do not match: 3 vs 4");
        QFAIL("TORCH_CHECK did not throw");
    } catch (const std::exception &e) {
        // What LibTorch itself puts in what(): the message and a backtrace.
        QVERIFY2(containsCI(e.what(), "Exception raised from"), e.what());
        const std::string m = errorMessage(e);
        QCOMPARE(m, std::string("sizes do not match: 3 vs 4"));
    }
    // A message that carries a LibTorch error's whole text inside another exception.
    const std::runtime_error wrapped("layer 'fc1': bad input\nException raised from forward at x.cpp:1 (most "
                                     "recent call first):\nframe #0: c10::Error::Error()\nframe #1: main\n");
    QCOMPARE(errorMessage(wrapped), std::string("layer 'fc1': bad input"));
    QCOMPARE(errorMessage(EngineError("data.csv: row 3: expected 4 columns")),
             std::string("data.csv: row 3: expected 4 columns"));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
