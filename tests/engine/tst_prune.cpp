// Pruning (torchwright/compress.h, engine/src/prune.cpp) on small synthetic projects: structured
// pruning gives a smaller graph that validates, whose multiply-adds and parameters fall as
// stated, that exports to TorchScript and ONNX, and that computes exactly what the original did
// when only zero channels go; a graph with a skip connection (Add) and Concat prunes with one
// shared channel set; unstructured pruning reaches its sparsity and the masked weights are still
// zero after fine-tuning steps; bad input is refused with a clear message; the CLI's happy path.

#include "testhelpers.h"

#include "torchwright/compress.h"
#include "torchwright/exports.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include "checkpoint.h"
#include "prune.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <functional>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::requestFor;
using testhelpers::sourcePath;
namespace fs = std::filesystem;

namespace {

Project loadProject(const std::string &relative)
{
    ProjectLoad load = loadProjectFile(sourcePath(relative));
    if (!load.ok())
        qFatal("%s", load.diagnostics.format().c_str());
    return load.project;
}

// The tiny synthetic project with a bigger network: two convolutions, batch normalization, two
// linear layers (the last one the output).
Project cnnProject()
{
    Project p = loadProject("tests/data/tiny_synthetic/project.json");
    p.graph = testhelpers::chainGraph({{"Conv2d", {{"out_channels", 8}, {"kernel_size", 3}, {"padding", 1}}},
                                       {"BatchNorm2d", {}},
                                       {"ReLU", {}},
                                       {"Conv2d", {{"out_channels", 12}, {"kernel_size", 3}, {"padding", 1}}},
                                       {"ReLU", {}},
                                       {"MaxPool2d", {{"kernel_size", 2}}},
                                       {"Flatten", {}},
                                       {"Linear", {{"out_features", 16}}},
                                       {"ReLU", {}},
                                       {"Linear", {{"out_features", 4}}}});
    return p;
}

std::string train(const Project &p, const QString &runsDir, int epochs = 1)
{
    TrainRequest r = requestFor(p, runsDir);
    r.epochs = epochs;
    const RunResult result = trainBlocking(r, [](const TrainingEvent &) {});
    if (result.status != TrainingEvent::Status::Completed)
        qFatal("training failed: %s", result.message.c_str());
    return result.runDir;
}

PruneOptions quick(double amount, bool structured)
{
    PruneOptions o;
    o.amount = amount;
    o.structured = structured;
    o.finetuneEpochs = 1;
    o.batchLimit = 3;
    o.device = std::string("cpu");
    return o;
}

std::string thrownBy(const std::function<void()> &f)
{
    try {
        f();
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

int64_t outChannels(const Project &p, const std::string &layer)
{
    const GraphAnalysis a = analyzeProject(p);
    const Node *n = p.graph.findByName(layer);
    return n ? a.nodes.at(n->id.value).output->shape[0] : -1;
}

} // namespace

class TestPrune : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void structuredShrinksTheGraphAndExports();
    void zeroChannelsGoWithoutChangingTheOutputs();
    void skipConnectionsShareChannels();
    void unstructuredKeepsMaskedWeightsZero();
    void badInputIsRefused();
    void cliHappyPath();
};

void TestPrune::structuredShrinksTheGraphAndExports()
{
    QTemporaryDir dir;
    const std::string source = train(cnnProject(), dir.path() + "/runs");
    std::vector<std::string> lines;
    PruneOptions o = quick(0.5, true);
    o.steps = 2;
    const PruneResult r = pruneRun(source, o, {}, [&](const Message &m) { lines.push_back(m.str()); });

    // The run's project validates, and its figures are those stated.
    const ProjectLoad load = loadRunProject(r.runDir);
    QVERIFY2(load.ok(), load.diagnostics.format().c_str());
    const GraphAnalysis a = analyzeProject(load.project);
    QVERIFY2(a.ok(), a.diagnostics.format().c_str());
    QCOMPARE(a.totalMultiplyAdds, r.macsAfter);
    QCOMPARE(a.totalParameters, r.parametersAfter);
    QVERIFY2(r.macsAfter <= r.macsBefore / 2,
             (std::to_string(r.macsAfter) + " of " + std::to_string(r.macsBefore)).c_str());
    QVERIFY(r.macsAfter > 0);
    QVERIFY(r.parametersAfter < r.parametersBefore);
    const GraphAnalysis a0 = analyzeProject(loadRunProject(source).project);
    QCOMPARE(r.macsBefore, a0.totalMultiplyAdds);
    QCOMPARE(r.parametersBefore, a0.totalParameters);
    // The output layer keeps its classes; the others lost channels.
    QCOMPARE(outChannels(load.project, "linear11"), int64_t(4));
    QVERIFY(outChannels(load.project, "conv2d5") < 12 || outChannels(load.project, "conv2d2") < 8);

    // run.json records it; the step before it is a run of its own.
    const nlohmann::json c = readRunJson(r.runDir)["compression"];
    QCOMPARE(c["method"].get<std::string>(), std::string("prune"));
    QCOMPARE(c["source_run"].get<std::string>(), fs::absolute(source).lexically_normal().string());
    QCOMPARE(c["structured"].get<bool>(), true);
    QCOMPARE(c["steps"].get<int>(), 2);
    QCOMPARE(c["step"].get<int>(), 2);
    QCOMPARE(c["macs_after"].get<int64_t>(), r.macsAfter);
    QCOMPARE(c["layers"]["linear11"]["after"].get<int64_t>(), int64_t(4));
    QCOMPARE(c["layers"]["conv2d2"]["before"].get<int64_t>(), int64_t(8));
    const std::string previous = c["previous_run"].get<std::string>();
    const nlohmann::json c1 = readRunJson(previous)["compression"];
    QCOMPARE(c1["step"].get<int>(), 1);
    QVERIFY(c1["macs_after"].get<int64_t>() <= std::llround(0.75 * double(r.macsBefore)));
    QVERIFY(c1["macs_after"].get<int64_t>() > r.macsAfter);
    QCOMPARE(readRunJson(r.runDir)["status"].get<std::string>(), std::string("completed"));

    // The smaller model exports; both exporters check their file against the engine.
    exportTorchScript(r.runDir, r.runDir + "/model.pt");
    exportOnnx(r.runDir, r.runDir + "/model.onnx");
    QVERIFY(fs::file_size(r.runDir + "/model.pt") > 0);
    QVERIFY(fs::file_size(r.runDir + "/model.onnx") > 0);
}

void TestPrune::zeroChannelsGoWithoutChangingTheOutputs()
{
    QTemporaryDir dir;
    Project p = loadProject("tests/data/tiny_synthetic/project.json"); // conv1 (4 channels) -> fc (output)
    const std::string source = train(p, dir.path() + "/runs");
    // Channels 1 and 3 of conv1 set to zero (weights and bias), saved as the run's best checkpoint.
    LoadedRun run = loadRun(source, "best", torch::kCPU);
    {
        torch::NoGradGuard noGrad;
        auto params = run.model->named_parameters();
        for (int64_t c : {1, 3}) {
            params["conv1.weight"][c].zero_();
            params["conv1.bias"][c].zero_();
        }
    }
    saveCheckpoint(source + "/best.pt", *run.model, nullptr, TrainingState{});

    // 0.3 of the multiply-adds needs two of the four channels: the two whose norm is zero.
    PruneOptions o = quick(0.3, true);
    o.finetuneEpochs = 0;
    const PruneResult r = pruneRun(source, o, {});
    LoadedRun pruned = loadRun(r.runDir, "best", torch::kCPU);
    QCOMPARE(outChannels(pruned.project, "conv1"), int64_t(2));
    const auto kept = pruned.model->named_parameters()["conv1.weight"];
    QVERIFY(torch::equal(kept[0], run.model->named_parameters()["conv1.weight"][0]));
    QVERIFY(torch::equal(kept[1], run.model->named_parameters()["conv1.weight"][2]));

    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({32, 1, 8, 8});
    torch::NoGradGuard noGrad;
    const torch::Tensor before = run.model->forward(x), after = pruned.model->forward(x);
    QVERIFY2(torch::allclose(before, after, 1e-5, 1e-6),
             ("largest difference " + std::to_string((before - after).abs().max().item<double>())).c_str());
}

void TestPrune::skipConnectionsShareChannels()
{
    QTemporaryDir dir;
    // every_layer/conv.json: c1 -> bn -> lrelu, whose output and c2's meet in an Add and are
    // concatenated again; a transposed convolution, BatchNorm1d after l1, softmax at the end.
    const std::string source = train(loadProject("tests/data/every_layer/conv.json"), dir.path() + "/runs");
    std::vector<std::string> lines;
    const PruneResult r = pruneRun(source, quick(0.4, true), {}, [&](const Message &m) { lines.push_back(m.str()); });
    const ProjectLoad load = loadRunProject(r.runDir);
    QVERIFY2(load.ok(), load.diagnostics.format().c_str());
    QVERIFY(analyzeProject(load.project).ok());
    QVERIFY(r.macsAfter <= std::llround(0.6 * double(r.macsBefore)));
    // c1 and c2 are pruned with one channel set (the Add needs equal shapes, which analysis checked).
    QCOMPARE(outChannels(load.project, "c1"), outChannels(load.project, "c2"));
    QVERIFY(outChannels(load.project, "c1") < 8);
    // The output layer, behind the softmax, keeps its channels, and the log says why.
    QCOMPARE(outChannels(load.project, "l2"), int64_t(4));
    std::string all;
    for (const auto &l : lines)
        all += l + "\n";
    QVERIFY2(containsCI(all, "share one set of channels"), all.c_str());
    QVERIFY2(containsCI(all, "l2: not pruned"), all.c_str());
    exportTorchScript(r.runDir, r.runDir + "/model.pt");
}

void TestPrune::unstructuredKeepsMaskedWeightsZero()
{
    QTemporaryDir dir;
    const std::string source = train(cnnProject(), dir.path() + "/runs");
    PruneOptions o = quick(0.8, false);
    o.steps = 2;
    const PruneResult r = pruneRun(source, o, {});
    QVERIFY2(r.sparsity >= 0.8 - 1e-6, std::to_string(r.sparsity).c_str());
    QVERIFY(r.sparsity < 0.81);
    QCOMPARE(r.macsAfter, r.macsBefore);
    QVERIFY(r.parametersAfter < r.parametersBefore / 2);
    QVERIFY(fs::exists(r.runDir + "/masks.pt"));
    const nlohmann::json c = readRunJson(r.runDir)["compression"];
    QCOMPARE(c["structured"].get<bool>(), false);
    QCOMPARE(c["score"].get<std::string>(), std::string("magnitude"));

    // After three fine-tuning batches the masked weights are exactly zero in both checkpoints, and
    // the kept ones moved.
    LoadedRun source0 = loadRun(source, "best", torch::kCPU);
    for (const char *which : {"best", "last"}) {
        LoadedRun run = loadRun(r.runDir, which, torch::kCPU);
        const BoundMasks masks = bindMaskFile(r.runDir + "/masks.pt", *run.model);
        QCOMPARE(int(masks.size()), 4); // two Conv2d and two Linear weights
        int64_t zeroed = 0, total = 0;
        for (const auto &[param, mask] : masks) {
            QCOMPARE(param.masked_select(mask.eq(0)).abs().sum().item<double>(), 0.0);
            zeroed += mask.numel() - mask.count_nonzero().item<int64_t>();
            total += mask.numel();
        }
        QVERIFY(std::abs(double(zeroed) / double(total) - 0.8) < 1e-3);
    }
    LoadedRun tuned = loadRun(r.runDir, "last", torch::kCPU);
    const torch::Tensor w0 = source0.model->named_parameters()["linear9.weight"];
    const torch::Tensor w1 = tuned.model->named_parameters()["linear9.weight"];
    QVERIFY(!torch::equal(w0.masked_select(w1.ne(0)), w1.masked_select(w1.ne(0))));
}

void TestPrune::badInputIsRefused()
{
    QTemporaryDir dir;
    const std::string source = train(loadProject("tests/data/tiny_synthetic/project.json"), dir.path() + "/runs");
    for (double amount : {0.0, 1.0, -0.2, 1.5}) {
        const std::string e = thrownBy([&] { pruneRun(source, quick(amount, true), {}); });
        QVERIFY2(containsCI(e, "amount must be above 0 and below 1"), e.c_str());
    }
    PruneOptions o = quick(0.5, true);
    o.score = "l2";
    QVERIFY(containsCI(thrownBy([&] { pruneRun(source, o, {}); }), "l1 or taylor"));
    o = quick(0.5, false);
    o.score = "taylor";
    QVERIFY(containsCI(thrownBy([&] { pruneRun(source, o, {}); }), "applies to structured pruning"));
    o = quick(0.5, true);
    o.steps = 0;
    QVERIFY(containsCI(thrownBy([&] { pruneRun(source, o, {}); }), "steps must be from 1"));

    // A run folder without a checkpoint (its project copied alone).
    const std::string empty = dir.path().toStdString() + "/runs/empty";
    fs::create_directories(empty);
    fs::copy_file(source + "/project.json", empty + "/project.json");
    const std::string e = thrownBy([&] { pruneRun(empty, quick(0.5, true), {}); });
    QVERIFY2(containsCI(e, "has no checkpoint") && containsCI(e, "empty"), e.c_str());
    QVERIFY(containsCI(thrownBy([&] { pruneRun(dir.path().toStdString() + "/nothing", quick(0.5, true), {}); }),
                       "not a run folder"));
}

void TestPrune::cliHappyPath()
{
    QTemporaryDir dir;
    const std::string source = train(cnnProject(), dir.path() + "/runs");
    QProcess cli;
    cli.start(TORCHWRIGHT_CLI, {"compress", QString::fromStdString(source), "--prune", "0.5", "--structured", "--score",
                                "taylor", "--finetune", "1", "--batch-limit", "2", "--device", "cpu"});
    QVERIFY(cli.waitForFinished(120000));
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(cli.exitCode() == 0, qPrintable(out + cli.readAllStandardError()));
    QVERIFY2(out.contains("multiply-adds") && out.contains("pruned run:") && out.contains("Taylor scores"),
             qPrintable(out));
    QVERIFY2(out.contains("epoch 1/1"), qPrintable(out)); // the fine-tuning, printed as train prints it

    QProcess bad;
    bad.start(TORCHWRIGHT_CLI, {"compress", QString::fromStdString(source), "--prune", "1.2"});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 1);
    QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains("below 1"));
}

QTEST_GUILESS_MAIN(TestPrune)
#include "tst_prune.moc"
