// Exports checked the way their users meet them: Python's torch.jit.load and onnx.checker
// (Debian's python3-torch and python3-onnx), ONNX Runtime (onnxruntime-node), LibTorch's
// torch::jit::load, the bundle's predictor and the command line, and files written by PyTorch
// read back as pretraining sources. Every check compares with the engine's own outputs on the
// same batch.
//
// The runs are real: each model trains a few batches first (the CIFAR-10 sample on a small
// made-up set of CIFAR-10 files, since the real ones are not packaged for Debian).

#include "builtlayer.h"
#include "checkpoint.h"
#include "dataset.h"
#include "engine/testhelpers.h"
#include "engine/torchhelpers.h"
#include "export/npy.h"
#include "export/process.h"
#include "npyfile.h"
#include "onnxruntimerunner.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace torchwright;
namespace fs = std::filesystem;

namespace {

using exporttest::kPython;
using exporttest::ProcessRun;
using exporttest::runProcess;

const std::string kOrtPackage = testhelpers::sourcePath(".npm-tools/node_modules/onnxruntime-node");

// The JSON lines a checker script printed: {"case", "check", "ok", "detail"}.
QList<QJsonObject> reportLines(const QString &output)
{
    QList<QJsonObject> lines;
    for (const QString &line : output.split('\n')) {
        const QJsonDocument d = QJsonDocument::fromJson(line.trimmed().toUtf8());
        if (d.isObject())
            lines.push_back(d.object());
    }
    return lines;
}

Project loadProject(const std::string &relative)
{
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath(relative));
    if (!load.ok())
        throw std::runtime_error(relative + ": " + load.diagnostics.format());
    return load.project;
}

torch::Tensor params(GraphModelImpl &m, const std::string &name)
{
    for (const auto &p : m.named_parameters())
        if (p.key() == name)
            return p.value().detach().clone();
    return {};
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT

    struct Case {
        std::string name;
        std::string runDir;
        std::string dir; // where its exports and .npy files go
    };

    QTemporaryDir m_tmp;
    std::vector<Case> m_cases;
    std::string m_casesFile;

    std::string path(const std::string &relative) const
    {
        return m_tmp.filePath(QString::fromStdString(relative)).toStdString();
    }

    // A real run: one epoch of at most three batches.
    std::string train(Project p, const std::string &name)
    {
        TrainRequest r;
        r.project = std::move(p);
        r.runsDir = path("runs-" + name);
        r.epochs = 1;
        r.batchLimit = 3;
        std::string errors;
        const RunResult result = trainBlocking(r, [&](const TrainingEvent &e) {
            if (e.kind == TrainingEvent::Kind::Error)
                errors += e.message + "\n";
        });
        if (result.status != TrainingEvent::Status::Completed)
            throw std::runtime_error(name + ": training failed: " + result.message + "\n" + errors);
        return result.runDir;
    }

    // A run folder for a graph no packaged dataset can feed (token ids): the initial weights,
    // batch-norm statistics made non-trivial, saved as training would save them.
    std::string untrainedRun(const Project &p, const std::string &name)
    {
        const std::string dir = path("runs-" + name + "/untrained");
        fs::create_directories(dir);
        Project copy = p;
        saveProjectFile(copy, dir + "/project.json");
        torch::manual_seed(5);
        GraphModel model(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
        testhelpers::randomizeRunningStats(*model);
        saveCheckpoint(dir + "/last.pt", *model, nullptr, TrainingState{});
        const nlohmann::json summary = {
            {"status", "completed"},
            {"project_name", p.name},
            {"normalization", {{"mean", nlohmann::json::array()}, {"std", nlohmann::json::array()}}}};
        testhelpers::writeFileBytes(dir + "/run.json", summary.dump(2));
        return dir;
    }

    const Case &findCase(const std::string &name) const
    {
        for (const auto &c : m_cases)
            if (c.name == name)
                return c;
        throw std::runtime_error("no case " + name);
    }

    // The metadata of an ONNX file as ONNX's own Python package reads it.
    nlohmann::json onnxMetadata(const std::string &file)
    {
        const ProcessRun r = runProcess(kPython, {"-c",
                                                  "import json, onnx, sys\n"
                                                  "m = onnx.load(sys.argv[1])\n"
                                                  "print(json.dumps({p.key: p.value for p in m.metadata_props}))",
                                                  QString::fromStdString(file)});
        if (r.exitCode != 0)
            throw std::runtime_error(file + ": " + r.output.toStdString());
        return nlohmann::json::parse(r.output.trimmed().split('\n').last().toStdString());
    }

    // A small made-up CIFAR-10 folder in the binary layout: 16 records per batch file.
    std::string fakeCifar()
    {
        const std::string dir = path("cifar-10-batches-bin");
        fs::create_directories(dir);
        torch::manual_seed(11);
        for (const char *f : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                              "data_batch_5.bin", "test_batch.bin"}) {
            std::ofstream out(dir + "/" + f, std::ios::binary);
            for (int i = 0; i < 16; ++i) {
                const torch::Tensor pixels = torch::randint(0, 256, {3 * 32 * 32}, torch::kUInt8);
                out.put(char(i % 10));
                out.write(reinterpret_cast<const char *>(pixels.data_ptr<uint8_t>()), 3 * 32 * 32);
            }
        }
        return dir;
    }

private Q_SLOTS:
    void initTestCase();
    void filesWrittenWithoutLeftovers();
    void pythonLoadsTorchScriptAndChecksOnnx();
    void onnxRuntimeMatchesEngine();
    void engineRunsOnnxRuntime();
    void torchScriptLoadsInCpp();
    void layerWithoutOnnxFormIsRefused();
    void bundleManifestAndChecksums();
    void predictMatchesEngine();
    void statedScaleFollowsInputType();
    void predictRefusesDamagedBundle();
    void bundleReplacesOnlyBundles();
    void cliExportsAndPredicts();
    void torchScriptImportsAsPretrainSource();
    void pytorchCheckpointImports();
    void importNamesEveryMismatch();
};

void TestExport::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFileInfo::exists(kPython), "Debian's /usr/bin/python3 is missing: run scripts/setup");
    const ProcessRun probe = runProcess(kPython, {"-c", "import torch, onnx, numpy"});
    QVERIFY2(probe.exitCode == 0,
             qPrintable("python3-torch and python3-onnx are needed (scripts/setup): " + probe.output));
    QVERIFY2(fs::exists(kOrtPackage + "/package.json"),
             "onnxruntime-node is not installed: run scripts/setup-onnxruntime");

    try {
        Project cifar = loadProject("projects/article_cifar10_cnn_fixed.json");
        cifar.dataset.path = fakeCifar();
        const std::vector<std::pair<std::string, Project>> projects = {
            {"tiny", loadProject("tests/data/tiny_synthetic/project.json")},
            {"fashion_mnist_cnn", loadProject("projects/fashion_mnist_cnn.json")},
            {"article_cifar10_cnn_fixed", cifar},
            {"every_layer_conv", loadProject("tests/data/every_layer/conv.json")},
            {"every_layer_seq", loadProject("tests/data/every_layer/seq.json")},
            {"every_layer_emb", loadProject("tests/data/every_layer/emb.json")},
        };
        QJsonArray cases;
        for (const auto &[name, project] : projects) {
            const bool tokens = name == "every_layer_emb";
            Case c{name, tokens ? untrainedRun(project, name) : train(project, name), path("out-" + name)};
            fs::create_directories(c.dir);
            LoadedRun run = loadRun(c.runDir, "best", torch::kCPU);
            torch::NoGradGuard noGrad;
            const torch::Tensor x = exampleBatch(*run.model, run.project, 6);
            test::writeNpy(c.dir + "/input.npy", x);
            test::writeNpy(c.dir + "/expected.npy", run.model->forward(x));
            exportTorchScript(c.runDir, c.dir + "/model.pt");
            exportOnnx(c.runDir, c.dir + "/model.onnx");
            cases.push_back(QJsonObject{{"name", QString::fromStdString(name)},
                                        {"torchscript", QString::fromStdString(c.dir + "/model.pt")},
                                        {"onnx", QString::fromStdString(c.dir + "/model.onnx")},
                                        {"input", QString::fromStdString(c.dir + "/input.npy")},
                                        {"expected", QString::fromStdString(c.dir + "/expected.npy")},
                                        {"shape", QJsonArray::fromVariantList([&] {
                                             QVariantList l;
                                             for (int64_t d : project.dataset.sampleShape)
                                                 l.push_back(qlonglong(d));
                                             return l;
                                         }())},
                                        {"tolerance", 1e-5},
                                        {"onnx_tolerance", 1e-4}});
            m_cases.push_back(c);
        }
        m_casesFile = path("cases.json");
        QVERIFY(testhelpers::writeFileBytes(m_casesFile, QJsonDocument(cases).toJson()));
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
}

void TestExport::filesWrittenWithoutLeftovers()
{
    for (const auto &c : m_cases) {
        QVERIFY(fs::file_size(c.dir + "/model.pt") > 0);
        QVERIFY(fs::file_size(c.dir + "/model.onnx") > 0);
        for (const auto &entry : fs::directory_iterator(c.dir)) {
            const std::string f = entry.path().filename().string();
            QVERIFY2(f.find("tmp") == std::string::npos, ("left behind: " + f).c_str());
        }
    }
}

void TestExport::pythonLoadsTorchScriptAndChecksOnnx()
{
    const ProcessRun r =
        runProcess(kPython, {QString::fromStdString(testhelpers::sourcePath("tests/export/check_exports.py")),
                             QString::fromStdString(m_casesFile)});
    const auto lines = reportLines(r.output);
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    // Both checks for every case, each passed.
    QCOMPARE(lines.size(), int(2 * m_cases.size()));
    for (const auto &l : lines)
        QVERIFY2(l["ok"].toBool(), QJsonDocument(l).toJson().constData());
    qInfo("%s", qPrintable(r.output));
}

void TestExport::onnxRuntimeMatchesEngine()
{
    const ProcessRun r =
        runProcess("node", {QString::fromStdString(testhelpers::sourcePath("tests/export/check_onnx_runtime.mjs")),
                            QString::fromStdString(kOrtPackage), QString::fromStdString(m_casesFile)});
    const auto lines = reportLines(r.output);
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    QCOMPARE(lines.size(), int(2 * m_cases.size())); // whole batch and a batch of one
    for (const auto &l : lines)
        QVERIFY2(l["ok"].toBool(), QJsonDocument(l).toJson().constData());
    qInfo("%s", qPrintable(r.output));
}

// The engine's own way to ONNX Runtime (the compression table and quantization measure with it):
// a separate node process, outputs and timings read back.
void TestExport::engineRunsOnnxRuntime()
{
    QVERIFY2(onnxRuntimeUnavailable().empty(), onnxRuntimeUnavailable().str().c_str());
    for (const auto &c : m_cases) {
        const torch::Tensor x = readNpy(c.dir + "/input.npy"), expected = readNpy(c.dir + "/expected.npy");
        OnnxRuntimeOptions options;
        options.latencyBatches = {1, 8};
        options.repeats = 3;
        const OnnxRuntimeResult r = runOnnxRuntime(c.dir + "/model.onnx", x, options);
        QCOMPARE(r.version, std::string("1.19.2"));
        QCOMPARE(r.outputs.sizes(), expected.sizes());
        const double diff = (r.outputs - expected.to(torch::kFloat32)).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, (c.name + ": " + std::to_string(diff)).c_str());
        QCOMPARE(r.latencyMedianMs.size(), size_t(2));
        for (const auto &[batch, ms] : r.latencyMedianMs)
            QVERIFY2(ms > 0 && std::isfinite(ms), (c.name + " batch " + std::to_string(batch)).c_str());
    }
    // A damaged model file: ONNX Runtime's own message, naming the file.
    const std::string bad = path("damaged.onnx");
    QVERIFY(testhelpers::writeFileBytes(bad, QByteArray("not a model")));
    try {
        runOnnxRuntime(bad, torch::zeros({1, 4}));
        QFAIL("a damaged ONNX file was run");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
    }
    // Without the package: a message saying how to install it.
    qputenv("TORCHWRIGHT_ONNXRUNTIME", QByteArray::fromStdString(path("nowhere")));
    const Message why = onnxRuntimeUnavailable();
    qunsetenv("TORCHWRIGHT_ONNXRUNTIME");
    QVERIFY2(why.str().find("scripts/setup-onnxruntime") != std::string::npos, why.str().c_str());
}

void TestExport::torchScriptLoadsInCpp()
{
    for (const auto &c : m_cases) {
        torch::jit::Module m = torch::jit::load(c.dir + "/model.pt");
        LoadedRun run = loadRun(c.runDir, "best", torch::kCPU);
        torch::NoGradGuard noGrad;
        const torch::Tensor x = exampleBatch(*run.model, run.project, 3);
        const double diff = (m.forward({x}).toTensor() - run.model->forward(x)).abs().max().item<double>();
        QVERIFY2(diff <= 1e-5, (c.name + ": max difference " + std::to_string(diff)).c_str());
    }
}

void TestExport::layerWithoutOnnxFormIsRefused()
{
    // Every layer type has an ONNX form today; a layer without one is simulated by taking its
    // emitter away, as a new layer type would arrive without one.
    const Case &c = findCase("tiny");
    LoadedRun run = loadRun(c.runDir, "best", torch::kCPU);
    const Node *pool = nullptr;
    for (const auto &n : run.model->graph().nodes)
        if (n.name == "pool1")
            pool = &n;
    QVERIFY(pool);
    const_cast<BuiltLayer *>(run.model->layer(pool->id))->onnx = nullptr;
    const std::string dir = path("refused");
    fs::create_directories(dir);
    try {
        writeOnnxFile(run, c.runDir, dir + "/model.onnx");
        QFAIL("the export should have been refused");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        QVERIFY2(m.find("'pool1' (MaxPool2d)") != std::string::npos && m.find("ONNX") != std::string::npos, m.c_str());
    }
    QVERIFY(fs::is_empty(dir)); // nothing half-written
}

void TestExport::bundleManifestAndChecksums()
{
    const Case &c = findCase("fashion_mnist_cnn");
    const std::string dir = path("bundle-fashion");
    exportBundle(c.runDir, dir);
    const auto m = nlohmann::json::parse(testhelpers::readFileBytes(dir + "/manifest.json").toStdString());
    QCOMPARE(m["format"].get<std::string>(), std::string("torchwright-bundle"));
    QCOMPARE(m["input"]["shape"].get<Shape>(), (Shape{1, 28, 28}));
    QCOMPARE(m["input"]["dtype"].get<std::string>(), std::string("float32"));
    QCOMPARE(m["output"]["shape"].get<Shape>(), (Shape{10}));
    QCOMPARE(m["classes"].size(), size_t(10));
    QCOMPARE(m["classes"][9].get<std::string>(), std::string("Ankle boot"));
    QCOMPARE(m["preprocessing"]["mean"].size(), size_t(1));
    QVERIFY(std::abs(m["preprocessing"]["scale"].get<double>() - 1.0 / 255) < 1e-12);
    // The run's whole record travels: the format and the normalisation as training applied it.
    QCOMPARE(m["preprocessing"]["format"].get<std::string>(), std::string("idx"));
    QCOMPARE(m["preprocessing"]["normalize"].get<std::string>(), std::string("dataset"));
    const auto run = nlohmann::json::parse(testhelpers::readFileBytes(c.runDir + "/run.json").toStdString());
    QCOMPARE(run["preprocessing"]["format"].get<std::string>(), std::string("idx"));
    QCOMPARE(run["preprocessing"]["mean"], m["preprocessing"]["mean"]);
    QCOMPARE(m["source"]["run"].get<std::string>(), fs::path(c.runDir).filename().string());
    QVERIFY(m["metrics"].contains("best_val_accuracy"));
    QVERIFY(m["metrics"].contains("test_accuracy"));
    QCOMPARE(m["metrics"]["test_samples"].get<int>(), 10000);
    QCOMPARE(m["formats"]["onnx"]["opset"].get<int>(), 13);
    QVERIFY(m["formats"]["torchscript"].contains("torch_version"));
    QVERIFY(fs::exists(dir + "/README.md"));
    // Checksums as an independent implementation computes them.
    QCOMPARE(m["files"].size(), size_t(3));
    for (const auto &[name, info] : m["files"].items()) {
        const QByteArray bytes = testhelpers::readFileBytes(dir + "/" + name);
        QCOMPARE(info["bytes"].get<qint64>(), qint64(bytes.size()));
        QCOMPARE(info["sha256"].get<std::string>(),
                 QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString());
    }
}

void TestExport::predictMatchesEngine()
{
    // Twenty real test images as an IDX file, raw pixels: the bundle must preprocess them as
    // training did and agree with the engine on every one.
    const Case &c = findCase("fashion_mnist_cnn");
    const std::string dir = path("bundle-fashion");
    if (!fs::exists(dir))
        exportBundle(c.runDir, dir);
    LoadedRun run = loadRun(c.runDir, "best", torch::kCPU);
    const torch::Tensor raw = rawTestInputs(run.project).slice(0, 0, 20);
    const std::string idx = path("twenty-images-idx3-ubyte");
    writeIdxFile(idx, raw);
    const auto predictions = predictBundle(dir, idx, 3);
    QCOMPARE(predictions.size(), size_t(20));

    const Normalization norm = runNormalization(c.runDir, run.project);
    torch::NoGradGuard noGrad;
    const torch::Tensor x = (raw.to(torch::kFloat32) / 255.0 - norm.mean[0]) / norm.std[0];
    const torch::Tensor probs = torch::softmax(run.model->forward(x), 1);
    for (int i = 0; i < 20; ++i) {
        const auto &top = predictions[size_t(i)].top;
        QCOMPARE(top.size(), size_t(3));
        QCOMPARE(int64_t(top[0].index), probs[i].argmax().item<int64_t>());
        QVERIFY(std::abs(top[0].probability - probs[i].max().item<double>()) < 1e-5);
        QVERIFY(top[0].probability >= top[1].probability && top[1].probability >= top[2].probability);
        QCOMPARE(top[0].name, run.project.dataset.classNames[size_t(top[0].index)]);
    }

    // The same images as a uint8 .npy, and one preprocessed float sample.
    const std::string u8 = path("pixels-u8.npy");
    test::writeNpy(u8, raw);
    const auto fromNpy = predictBundle(dir, u8, 1);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(fromNpy[size_t(i)].top[0].index, predictions[size_t(i)].top[0].index);
    test::writeNpy(path("one.npy"), x[0]);
    const auto one = predictBundle(dir, path("one.npy"), 1);
    QCOMPARE(one.size(), size_t(1));
    QCOMPARE(one[0].top[0].index, predictions[0].top[0].index);

    // A sample of the wrong shape is refused with both shapes named.
    test::writeNpy(path("wrong.npy"), torch::zeros({2, 3, 28, 28}));
    try {
        predictBundle(dir, path("wrong.npy"));
        QFAIL("a wrong shape should be refused");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        QVERIFY2(m.find("3x28x28") != std::string::npos && m.find("1x28x28") != std::string::npos, m.c_str());
    }
}

void TestExport::statedScaleFollowsInputType()
{
    // The ONNX metadata and the bundle manifest say what raw values are multiplied by: 1/255 for
    // the bytes of IDX files fed to a float model, 1 for the same bytes taken as token ids.
    const std::string data = path("idx-tokens");
    fs::create_directories(data);
    torch::manual_seed(3);
    writeIdxFile(data + "/train-images-idx3-ubyte", torch::randint(0, 256, {40, 4, 4}, torch::kUInt8));
    writeIdxFile(data + "/train-labels-idx1-ubyte", torch::arange(40, torch::kLong).remainder(4));
    writeIdxFile(data + "/t10k-images-idx3-ubyte", torch::randint(0, 256, {8, 4, 4}, torch::kUInt8));
    writeIdxFile(data + "/t10k-labels-idx1-ubyte", torch::arange(8, torch::kLong).remainder(4));
    Project tokens = loadProject("tests/data/every_layer/emb.json"); // Input int64 -> Embedding(300)
    tokens.dataset.kind = "idx";
    tokens.dataset.path = data;
    tokens.dataset.sampleShape = {1, 4, 4};
    const std::string tokenRun = untrainedRun(tokens, "emb-idx");
    exportOnnx(tokenRun, path("emb-idx.onnx"));
    exportBundle(tokenRun, path("bundle-emb-idx"));

    const Case &bytes = findCase("fashion_mnist_cnn");
    const std::string bytesBundle = path("bundle-fashion");
    if (!fs::exists(bytesBundle))
        exportBundle(bytes.runDir, bytesBundle);

    auto manifestScale = [](const std::string &bundle) {
        return nlohmann::json::parse(testhelpers::readFileBytes(bundle + "/manifest.json").toStdString())
            .at("preprocessing")
            .at("scale")
            .get<double>();
    };
    auto onnxScale = [&](const std::string &file) {
        const nlohmann::json meta = onnxMetadata(file);
        return nlohmann::json::parse(meta.at("torchwright.normalization").get<std::string>()).at("scale").get<double>();
    };
    try {
        QCOMPARE(onnxMetadata(path("emb-idx.onnx")).at("torchwright.input_dtype").get<std::string>(),
                 std::string("int64"));
        QCOMPARE(onnxScale(path("emb-idx.onnx")), 1.0);
        QCOMPARE(manifestScale(path("bundle-emb-idx")), 1.0);
        QCOMPARE(onnxScale(bytes.dir + "/model.onnx"), 1.0 / 255.0);
        QCOMPARE(manifestScale(bytesBundle), 1.0 / 255.0);
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
}

void TestExport::predictRefusesDamagedBundle()
{
    const Case &c = findCase("tiny");
    const std::string dir = path("bundle-damaged");
    exportBundle(c.runDir, dir);
    test::writeNpy(path("tiny-input.npy"), torch::randn({2, 1, 8, 8}));
    QCOMPARE(predictBundle(dir, path("tiny-input.npy")).size(), size_t(2));
    {
        std::fstream f(dir + "/model.onnx", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(100);
        f.put('\x7f');
    }
    try {
        predictBundle(dir, path("tiny-input.npy"));
        QFAIL("a damaged bundle should be refused");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        QVERIFY2(m.find("model.onnx") != std::string::npos && m.find("SHA-256") != std::string::npos, m.c_str());
    }
}

void TestExport::bundleReplacesOnlyBundles()
{
    const Case &c = findCase("tiny");
    const std::string dir = path("bundle-again");
    exportBundle(c.runDir, dir);
    exportBundle(c.runDir, dir); // over an earlier bundle: replaced
    QVERIFY(fs::exists(dir + "/manifest.json"));
    for (const auto &entry : fs::directory_iterator(m_tmp.path().toStdString()))
        QVERIFY2(entry.path().filename().string().find(".bundle-again.") == std::string::npos,
                 entry.path().string().c_str());

    const std::string other = path("my-documents");
    fs::create_directories(other);
    QVERIFY(testhelpers::writeFileBytes(other + "/notes.txt", std::string("keep me")));
    try {
        exportBundle(c.runDir, other);
        QFAIL("a folder that is not a bundle must not be replaced");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find("not a Torchwright bundle") != std::string::npos, e.what());
    }
    QCOMPARE(testhelpers::readFileBytes(other + "/notes.txt"), QByteArray("keep me"));
}

void TestExport::cliExportsAndPredicts()
{
    const Case &c = findCase("fashion_mnist_cnn");
    const QString run = QString::fromStdString(c.runDir);
    const QString cli = QStringLiteral(TORCHWRIGHT_CLI);
    const QString onnxOut = QString::fromStdString(path("cli/model.onnx"));
    QDir().mkpath(QString::fromStdString(path("cli")));
    ProcessRun r = runProcess(cli, {"export", run, "--format", "onnx", "--output", onnxOut});
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    QVERIFY(QFileInfo::exists(onnxOut));
    r = runProcess(cli, {"export", run, "--format", "bundle", "--output", QString::fromStdString(path("cli/bundle"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    r = runProcess(cli, {"export", run, "--format", "tflite"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("torchscript, onnx, pytorch, bundle"), qPrintable(r.output));

    const std::string idx = path("cli/five-idx3-ubyte");
    writeIdxFile(idx, readIdxFile("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte").slice(0, 0, 5));
    r = runProcess(cli, {"predict", QString::fromStdString(path("cli/bundle")), QString::fromStdString(idx), "--top",
                         "2", "--limit", "3"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    const QStringList lines = r.output.trimmed().split('\n');
    QCOMPARE(lines.size(), 4); // three samples and the note about the other two
    QVERIFY2(lines[0].startsWith("0:") && lines[0].count('%') == 2, qPrintable(lines[0]));
    QVERIFY2(lines[3].contains("2 more"), qPrintable(lines[3]));
}

void TestExport::torchScriptImportsAsPretrainSource()
{
    const Case &c = findCase("tiny");
    LoadedRun trained = loadRun(c.runDir, "best", torch::kCPU);
    torch::manual_seed(99);
    GraphModel fresh(trained.project.graph, TensorType{trained.project.dataset.sampleShape, DType::Float32});
    QVERIFY(!torch::equal(params(*fresh, "conv1.weight"), params(*trained.model, "conv1.weight")));
    const auto lines = loadPretrainedWeights(c.dir + "/model.pt", *fresh);
    QCOMPARE(lines.size(), size_t(2)); // conv1 and fc
    QVERIFY2(lines[0].str().find("TorchScript") != std::string::npos, lines[0].str().c_str());
    for (const auto &p : trained.model->named_parameters())
        QVERIFY2(torch::equal(params(*fresh, p.key()), p.value()), p.key().c_str());

    // The pretrain stage takes it as its source in a real run.
    Project p = trained.project;
    p.pretrain.enabled = true;
    p.pretrain.source = c.dir + "/model.pt";
    p.pretrain.frozen = {"conv1"};
    const std::string run = train(p, "from-torchscript");
    LoadedRun after = loadRun(run, "last", torch::kCPU);
    QVERIFY(torch::equal(params(*after.model, "conv1.weight"), params(*trained.model, "conv1.weight")));
}

void TestExport::pytorchCheckpointImports()
{
    // Written by PyTorch itself: the exported program's checkpoint layout, and a bare state dict.
    const Case &c = findCase("tiny");
    const std::string script = R"(
import collections, sys, torch
m = torch.jit.load(sys.argv[1])
sd = {k.replace("__", "."): v for k, v in m.state_dict().items()}
torch.save({"format": "torchwright-pytorch-checkpoint", "version": 1, "model": sd, "epoch": 1}, sys.argv[2])
torch.save(dict(sd), sys.argv[3])
torch.save(collections.OrderedDict(sd), sys.argv[4])
)";
    const ProcessRun r = runProcess(
        kPython, {"-c", QString::fromStdString(script), QString::fromStdString(c.dir + "/model.pt"),
                  QString::fromStdString(path("program-checkpoint.pt")), QString::fromStdString(path("state-dict.pt")),
                  QString::fromStdString(path("ordered-dict.pt"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    LoadedRun trained = loadRun(c.runDir, "best", torch::kCPU);
    for (const char *file : {"program-checkpoint.pt", "state-dict.pt"}) {
        torch::manual_seed(98);
        GraphModel fresh(trained.project.graph, TensorType{trained.project.dataset.sampleShape, DType::Float32});
        const auto lines = loadPretrainedWeights(path(file), *fresh);
        QVERIFY2(!lines.empty() && lines[0].str().find("PyTorch checkpoint") != std::string::npos, file);
        for (const auto &p : trained.model->named_parameters())
            QVERIFY2(torch::equal(params(*fresh, p.key()), p.value()), (std::string(file) + ": " + p.key()).c_str());
    }
    // model.state_dict() saved as is (an OrderedDict) is refused with what to do instead.
    GraphModel fresh(trained.project.graph, TensorType{trained.project.dataset.sampleShape, DType::Float32});
    try {
        loadPretrainedWeights(path("ordered-dict.pt"), *fresh);
        QFAIL("an OrderedDict cannot be read by LibTorch; it should be refused");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find("dict(model.state_dict())") != std::string::npos, e.what());
    }
}

void TestExport::importNamesEveryMismatch()
{
    const Case &c = findCase("tiny");
    Project p = loadProject("tests/data/tiny_synthetic/project.json");
    for (auto &n : p.graph.nodes)
        if (n.name == "conv1")
            n.params["out_channels"] = 6;
    analyzeProject(p);
    GraphModel other(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
    const torch::Tensor before = params(*other, "conv1.weight");
    try {
        loadPretrainedWeights(c.dir + "/model.pt", *other);
        QFAIL("mismatched shapes should be refused");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        // conv1's weight and bias, fc's weight: each named with both shapes.
        QVERIFY2(m.find("layer 'conv1': weight is 4x1x3x3 in the source but 6x1x3x3") != std::string::npos, m.c_str());
        QVERIFY2(m.find("layer 'conv1': bias") != std::string::npos, m.c_str());
        QVERIFY2(m.find("layer 'fc': weight is 4x64 in the source but 4x96") != std::string::npos, m.c_str());
    }
    QVERIFY(torch::equal(params(*other, "conv1.weight"), before)); // nothing copied
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
