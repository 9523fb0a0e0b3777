// The PyTorch program export, checked with the tools a person would use on it: Debian's
// python3-torch runs train.py in one process and under torchrun (two CPU processes, gloo), and
// loads weights.pt into the program's model to compare it with the engine on the same batch.
//
// - The program trains: its logged batch loss falls within one epoch, in one process and in two.
// - Under torchrun only rank 0 prints, and the checkpoint has the documented structure (read by
//   Python) and LibTorch's pickle_load reads it back into the engine's model by name.
// - The optimizer, schedule, loss, gradient clipping and frozen layers reach the program, and
//   node names that clash with Python ("forward", "class", "x") still work.
// - Its model with weights.pt computes the engine's outputs within 1e-5, in eval mode and (where
//   the graph has no active dropout) in training mode, batch norm statistics included, for the
//   tiny sample and the every-layer graphs; its data loading and preprocessing give the engine's
//   test inputs, for the synthetic set (data.pt), IDX files (.gz and plain), CIFAR-10 batches,
//   an image folder (PNGs of several sizes and kinds, sklearn's photographs; PIL decodes them to
//   the engine's bytes exactly), an image list and CSV tables (scikit-learn's iris with its count
//   line, boston with a header: the same rows skipped and held out, the same column encoders,
//   float targets for the regression).
// - A regression table trains in the program: its loss falls and it logs R^2 and MAE.
// - weights.pt and data.pt load with torch.load(..., weights_only=True), the restricted unpickler
//   that PyTorch uses by default from 2.6 on (1.13 here, when asked): Python gets the engine's
//   names, dtypes, shapes and values, for odd tensors too (views, channels-last, empty, 0-d, every
//   dtype), and LibTorch's pretraining import still reads weights.pt. The program loads every file
//   it reads that way, its own checkpoint included, and refuses a file that would run code.
//
// - train.py is generated from the project alone, without a run, for every sample project in
//   projects/, and Python compiles each one.
//
// Debian's /usr/bin/python3 is used on purpose: the python3 on PATH may be a pyenv without torch.
// Without python3-torch the test fails and says so.

#include "augment.h"
#include "checkpoint.h"
#include "dataset.h"
#include "datasetreader.h"
#include "engine/testhelpers.h"
#include "engine/torchhelpers.h"
#include "export/npy.h"
#include "export/process.h"
#include "export_python.h"
#include "fileutil.h"
#include "model.h"
#include "torchsave.h"

#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace torchwright;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using exporttest::describe;
using exporttest::kPython;
using exporttest::ProcessRun;
using exporttest::runProcess;
using testhelpers::sourcePath;

using exporttest::kTorchrun;
const double kTolerance = 1e-5;

// The batch losses the program logged ("epoch 1 batch 3/15 loss 1.234567 ..."), in order.
std::vector<double> loggedLosses(const QString &output)
{
    static const QRegularExpression line(QStringLiteral(R"(^epoch \d+ batch \d+/\d+ loss (\S+))"),
                                         QRegularExpression::MultilineOption);
    std::vector<double> losses;
    for (auto it = line.globalMatch(output); it.hasNext();)
        losses.push_back(it.next().captured(1).toDouble());
    return losses;
}

double meanOf(const std::vector<double> &v, size_t from, size_t count)
{
    double s = 0;
    for (size_t i = from; i < from + count; ++i)
        s += v[i];
    return s / double(count);
}

// Empty when the program's logged batch loss fell, else why not with the output. The mean of the
// first two losses is compared with the mean of the last two, so that the noise of single batches
// cannot fake a fall. SUMMARY gets the figures either way.
QString lossFallFailure(const QString &output, QString &summary)
{
    const std::vector<double> losses = loggedLosses(output);
    if (losses.size() < 4) {
        summary = "only " + QString::number(losses.size()) + " batch losses were logged";
        return summary + "\n" + output;
    }
    const double early = meanOf(losses, 0, 2);
    const double late = meanOf(losses, losses.size() - 2, 2);
    summary = QString("mean of the first two batch losses %1, of the last two %2").arg(early).arg(late);
    return late < early ? QString() : summary + "\n" + output;
}

// Runs `program` (a train.py) for one epoch of batch 32 on the CPU in two processes under
// torchrun (exporttest::runTorchrun: a free port, Debian 12's --redirects/--tee workaround).
ProcessRun runTorchrun(const QString &program, const QString &out, const QString &rdzvId, const QString &dir)
{
    return exporttest::runTorchrun(
        program,
        {"--epochs", "1", "--batch-size", "32", "--from-scratch", "--device", "cpu", "--log-every", "1", "--out", out},
        rdzvId, dir);
}

bool writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return bool(out);
}

Project loadProject(const std::string &path)
{
    ProjectLoad load = loadProjectFile(path);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    return load.project;
}

// A learnable IDX dataset of 8x8 images in four classes: a fixed random pattern per class plus
// noise, stored as bytes. Training images and test labels gzip-compressed, the rest plain, so
// both ways of reading are used.
void writeIdxDataset(const std::string &dir)
{
    fs::create_directories(dir);
    torch::manual_seed(11);
    const torch::Tensor prototypes = torch::randint(0, 256, {4, 8, 8}).to(torch::kFloat32);
    auto make = [&](int n) {
        torch::Tensor labels = torch::randint(0, 4, {n}, torch::kInt64);
        torch::Tensor images = (prototypes.index_select(0, labels) + 48.0 * torch::randn({n, 8, 8}))
                                   .clamp(0, 255)
                                   .round()
                                   .to(torch::kUInt8);
        return std::make_pair(images, labels.to(torch::kUInt8));
    };
    const auto [trainImages, trainLabels] = make(512);
    const auto [testImages, testLabels] = make(128);
    writeIdxFile(dir + "/train-images-idx3-ubyte.gz", trainImages, true);
    writeIdxFile(dir + "/train-labels-idx1-ubyte", trainLabels);
    writeIdxFile(dir + "/t10k-images-idx3-ubyte", testImages);
    writeIdxFile(dir + "/t10k-labels-idx1-ubyte.gz", testLabels, true);
}

// The tiny CNN with settings away from the defaults, and node names that clash with Python: a
// keyword ("class"), the forward argument ("x"), a module of the program ("torch") and a member
// of nn.Module ("forward", a layer with weights).
Project settingsProject()
{
    Project p = loadProject(sourcePath("tests/data/tiny_synthetic/project.json"));
    TrainingSettings &t = p.training;
    t.optimizer.type = "sgd";
    t.optimizer.lr = 0.05;
    t.optimizer.momentum = 0.9;
    t.optimizer.nesterov = true;
    t.optimizer.weightDecay = 1e-4;
    t.schedule.type = "step";
    t.schedule.stepSize = 1;
    t.schedule.gamma = 0.5;
    t.gradClip = 1.0;
    t.loss = "bce_with_logits";
    p.pretrain.frozen = {"conv1"};
    const std::map<std::string, std::string> renames = {
        {"relu1", "class"}, {"pool1", "x"}, {"flatten", "torch"}, {"fc", "forward"}};
    for (Node &n : p.graph.nodes)
        if (auto it = renames.find(n.name); it != renames.end())
            n.name = it->second;
    return p;
}

// CIFAR-10 binary batches with 20 random 3x32x32 images each (labels 0..3): enough to check the
// program's reader and per-channel normalization against the engine's.
void writeCifarDataset(const std::string &dir)
{
    fs::create_directories(dir);
    torch::manual_seed(13);
    for (const char *name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                             "data_batch_5.bin", "test_batch.bin"}) {
        torch::Tensor records = torch::randint(0, 256, {20, 1 + 3 * 32 * 32}, torch::kUInt8);
        records.select(1, 0).random_(0, 4);
        // A different brightness per channel, so per-channel statistics matter.
        records.slice(1, 1, 1 + 1024).div_(2, "floor");
        std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char *>(records.data_ptr<uint8_t>()), std::streamsize(records.numel()));
    }
}

// An 8-bit PNG (gray or RGB) of seeded random pixels, written with zlib.
void writePng(const std::string &path, int width, int height, int channels, int seed)
{
    auto be32 = [](uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
    auto chunk = [&](const std::string &type, const std::string &data) {
        const std::string td = type + data;
        return be32(uint32_t(data.size())) + td
               + be32(uint32_t(crc32(0, reinterpret_cast<const Bytef *>(td.data()), uInt(td.size()))));
    };
    torch::manual_seed(seed);
    const torch::Tensor px = torch::randint(0, 256, {height, width * channels}, torch::kUInt8);
    std::string raw;
    for (int y = 0; y < height; ++y) {
        raw += '\0';
        raw.append(reinterpret_cast<const char *>(px[y].data_ptr<uint8_t>()), size_t(width * channels));
    }
    std::string z(compressBound(uLong(raw.size())), '\0');
    uLongf zn = uLongf(z.size());
    compress(reinterpret_cast<Bytef *>(z.data()), &zn, reinterpret_cast<const Bytef *>(raw.data()), uLong(raw.size()));
    z.resize(zn);
    const std::string ihdr = be32(uint32_t(width)) + be32(uint32_t(height))
                             + std::string{char(8), char(channels == 1 ? 0 : 2), char(0), char(0), char(0)};
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << std::string("\x89PNG\r\n\x1a\n", 8) << chunk("IHDR", ihdr) << chunk("IDAT", z) << chunk("IEND", "");
}

// An image folder in four classes: gray and RGB PNGs of several sizes and, among them, sklearn's
// two photographs (JPEG), so resizing, cropping and colour conversion all take part. Also an
// image list over the same files beside it, its labels class names ("class a").
void writeImageFolder(const std::string &dir, const std::string &listDir)
{
    const std::vector<std::string> classes = {"a", "b", "c", "d"};
    std::string csv = "x:image,y:label\n";
    int seed = 100;
    for (size_t c = 0; c < classes.size(); ++c)
        for (int i = 0; i < 10; ++i) {
            const std::string name = classes[c] + "/" + std::to_string(i) + ".png";
            writePng(dir + "/" + name, 24 + 3 * i, 20 + 5 * int(c), i % 3 == 0 ? 1 : 3, seed++);
            csv += "../images/" + name + ",class " + classes[c] + "\n";
        }
    const std::string photos = "/usr/lib/python3/dist-packages/sklearn/datasets/images/";
    fs::copy_file(photos + "china.jpg", dir + "/a/china.jpg", fs::copy_options::overwrite_existing);
    fs::copy_file(photos + "flower.jpg", dir + "/b/flower.jpg", fs::copy_options::overwrite_existing);
    csv += "../images/a/china.jpg,class a\n../images/b/flower.jpg,class b\n";
    fs::create_directories(listDir);
    std::ofstream(listDir + "/train.csv") << csv;
}

// Trains one short epoch into `runsDir` and returns the run folder.
std::string trainBriefly(const Project &project, const std::string &runsDir)
{
    TrainRequest r;
    r.project = project;
    r.runsDir = runsDir;
    r.epochs = 1;
    r.batchLimit = 2;
    r.device = std::string("cpu");
    r.threads = 1;
    const RunResult result = trainBlocking(r, nullptr);
    if (result.status != TrainingEvent::Status::Completed)
        throw EngineError("training the test run failed: " + result.message);
    return result.runDir;
}

// A run folder made by hand for a graph that cannot train on the synthetic data (token ids from
// Gaussian noise): the project, and last.pt with seeded weights and non-trivial batch norm
// statistics, so eval-mode batch norm is really exercised. No run.json: the export then
// computes the normalization from the data.
std::string handMadeRun(const json &projectJson, const std::string &dir)
{
    fs::create_directories(dir);
    const std::string file = dir + "/project.json";
    if (!writeText(file, projectJson.dump(2)))
        throw EngineError(file + ": cannot write");
    Project p = loadProject(file);
    torch::manual_seed(3);
    GraphModel model(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
    testhelpers::randomizeRunningStats(*model);
    saveCheckpoint(dir + "/last.pt", *model, nullptr, TrainingState{});
    return dir;
}

json readJson(const std::string &path)
{
    std::ifstream in(path);
    return json::parse(in);
}

std::vector<std::string> engineTensorNames(GraphModelImpl &model)
{
    std::vector<std::string> names;
    for (const auto &p : model.named_parameters())
        if (p.value().defined())
            names.push_back(p.key());
    for (const auto &b : model.named_buffers())
        if (b.value().defined())
            names.push_back(b.key());
    return names;
}

} // namespace

class TestPyProgram : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainsInOneProcess();
    void trainsWithTorchrun();
    void regressionTableTrains();
    void carriesTrainingSettings();
    void augmentsAsTheEngine();
    void exportsLoadSafely();
    void sampleProjectsCompile();
    void modelMatchesEngine_data();
    void modelMatchesEngine();

private:
    void prepareComparisons();

    QTemporaryDir m_tmp;
    std::string m_idxRun;     // a run of the tiny CNN on IDX files
    std::string m_idxProgram; // its exported program
    std::vector<std::string> m_idxNames;
    std::string m_idxProjectName;
    std::string m_settingsRun; // a run of settingsProject()
    bool m_compared = false;
    QString m_compareFailure;
    std::map<std::string, json> m_results; // by row name
    std::map<std::string, std::vector<std::string>> m_names;
    std::map<std::string, bool> m_trainChecked;
};

// A small MLP on scikit-learn's iris (classification: a count line names the classes) or boston
// (regression: a header, a float target).
Project tableProject(bool regression)
{
    Project p;
    p.name = regression ? "boston table" : "iris table";
    p.dataset.kind = "csv";
    p.dataset.path = "/usr/lib/python3/dist-packages/sklearn/datasets/data";
    p.dataset.csv.file = regression ? "boston_house_prices.csv" : "iris.csv";
    p.dataset.csv.target = regression ? "MEDV" : "4";
    p.dataset.csv.task = regression ? "regression" : "classification";
    p.dataset.sampleShape = {regression ? 13 : 4};
    p.dataset.numClasses = regression ? 1 : 3;
    p.training.loss = regression ? "mse" : "cross_entropy";
    p.training.batchSize = 16;
    p.graph = testhelpers::chainGraph(
        {{"Linear", {{"out_features", 16}}}, {"ReLU", nullptr}, {"Linear", {{"out_features", regression ? 1 : 3}}}});
    return p;
}

void TestPyProgram::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    configureThreads(1);
    QVERIFY2(QFileInfo(kPython).isExecutable(),
             "Debian's /usr/bin/python3 is missing; install python3-torch (apt install python3-torch)");
    const ProcessRun probe =
        runProcess(kPython, {"-c", "import torch, numpy; print('torch', torch.__version__)"}, m_tmp.path());
    QVERIFY2(probe.exitCode == 0,
             qPrintable("python3-torch is missing: /usr/bin/python3 cannot import torch and numpy (install "
                        "python3-torch and python3-numpy); "
                        + describe(probe)));
    QVERIFY2(QFileInfo(kTorchrun).isExecutable(), "/usr/bin/torchrun is missing; it comes with python3-torch");

    // The tiny CNN trained briefly on IDX files, and its export, for the training cases.
    const std::string root = m_tmp.path().toStdString();
    writeIdxDataset(root + "/idx_data");
    Project p = loadProject(sourcePath("tests/data/tiny_synthetic/project.json"));
    p.dataset.kind = "idx";
    p.dataset.path = root + "/idx_data";
    try {
        m_idxRun = trainBriefly(p, root + "/runs");
        m_idxProgram = root + "/idx_program";
        exportPythonProgram(m_idxRun, m_idxProgram);
        LoadedRun run = loadRun(m_idxRun, "best", torch::kCPU);
        m_idxNames = engineTensorNames(*run.model);
        m_idxProjectName = run.project.name;
        m_settingsRun = trainBriefly(settingsProject(), root + "/runs");
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    for (const char *file : {"train.py", "weights.pt", "README.md"})
        QVERIFY2(QFileInfo::exists(QString::fromStdString(m_idxProgram + "/" + file)), file);
    QVERIFY2(!QFileInfo::exists(QString::fromStdString(m_idxProgram + "/data.pt")),
             "data.pt is only for the synthetic dataset");
}

void TestPyProgram::trainsInOneProcess()
{
    const QString out = m_tmp.filePath("single.pt");
    const ProcessRun r =
        runProcess(kPython,
                   {QString::fromStdString(m_idxProgram + "/train.py"), "--epochs", "1", "--batch-size", "32",
                    "--from-scratch", "--device", "cpu", "--log-every", "1", "--out", out},
                   m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QString summary;
    const QString failure = lossFallFailure(r.output, summary);
    qInfo("one process: %s", qPrintable(summary));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    static const QRegularExpression epochLine(R"(^epoch 1 train_loss \S+ train_accuracy \S+ val_loss \d\S* )",
                                              QRegularExpression::MultilineOption);
    QVERIFY2(r.output.contains(epochLine), qPrintable(r.output));
    QVERIFY2(QFileInfo::exists(out), qPrintable(r.output));
}

void TestPyProgram::regressionTableTrains()
{
    const std::string root = m_tmp.path().toStdString();
    std::string program;
    try {
        const std::string run = trainBriefly(tableProject(true), root + "/table_runs");
        program = root + "/table_program";
        exportPythonProgram(run, program);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    const ProcessRun r =
        runProcess(kPython,
                   {QString::fromStdString(program + "/train.py"), "--epochs", "3", "--batch-size", "16",
                    "--from-scratch", "--device", "cpu", "--log-every", "1", "--out", m_tmp.filePath("table.pt")},
                   m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QString summary;
    const QString failure = lossFallFailure(r.output, summary);
    qInfo("regression table: %s", qPrintable(summary));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    static const QRegularExpression figures(R"(^epoch 3 val_r2 -?\d\S* val_mae \d\S*)",
                                            QRegularExpression::MultilineOption);
    QVERIFY2(r.output.contains(figures), qPrintable(r.output));
    QVERIFY2(r.output.contains("data: 364 training, 41 validation, 101 test samples of 13"), qPrintable(r.output));
}

void TestPyProgram::trainsWithTorchrun()
{
    const QString out = m_tmp.filePath("ddp.pt");
    const ProcessRun r =
        runTorchrun(QString::fromStdString(m_idxProgram + "/train.py"), out, "tst_pyprogram", m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.output.contains("in 2 process(es)"), qPrintable(r.output));
    // Only rank 0 prints.
    static const QRegularExpression epochLine(R"(^epoch 1 train_loss )", QRegularExpression::MultilineOption);
    QCOMPARE(r.output.count(epochLine), 1);
    QString summary;
    const QString failure = lossFallFailure(r.output, summary);
    qInfo("torchrun, 2 processes: %s", qPrintable(summary));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // The checkpoint as Python reads it.
    QVERIFY2(QFileInfo::exists(out), qPrintable(r.output));
    std::string names;
    for (const auto &n : m_idxNames)
        names += (names.empty() ? "" : ",") + n;
    const QString script = QString::fromStdString(sourcePath("tests/data/pyprogram/check_checkpoint.py"));
    const ProcessRun check =
        runProcess(kPython, {script, out, QString::fromStdString(m_idxProjectName), "1", QString::fromStdString(names)},
                   m_tmp.path());
    QVERIFY2(check.exitCode == 0 && check.output.contains("CHECKPOINT OK"), qPrintable(describe(check)));

    // And as LibTorch reads it: every tensor of the engine's model by name, with its shape.
    std::ifstream in(out.toStdString(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c10::IValue loaded;
    try {
        loaded = torch::pickle_load(bytes);
    } catch (const c10::Error &e) {
        QFAIL(qPrintable(QString("torch::pickle_load cannot read the checkpoint: ") + e.what_without_backtrace()));
    }
    QVERIFY(loaded.isGenericDict());
    const auto dict = loaded.toGenericDict();
    QCOMPARE(QString::fromStdString(dict.at("format").toStringRef()), QString("torchwright-pytorch-checkpoint"));
    const auto model = dict.at("model").toGenericDict();
    LoadedRun run = loadRun(m_idxRun, "best", torch::kCPU);
    auto params = run.model->named_parameters();
    auto buffers = run.model->named_buffers();
    QCOMPARE(int(model.size()), int(m_idxNames.size()));
    for (const auto &name : m_idxNames) {
        QVERIFY2(model.contains(name), name.c_str());
        const torch::Tensor t = model.at(name).toTensor();
        const torch::Tensor *target = params.find(name) ? params.find(name) : buffers.find(name);
        QVERIFY2(target && t.sizes() == target->sizes(), name.c_str());
    }

    // And as the Pretrain stage imports it: every tensor copied, values equal.
    GraphModel fresh(run.project.graph, TensorType{run.project.dataset.sampleShape, DType::Float32});
    try {
        const auto lines = loadPretrainedWeights(out.toStdString(), *fresh);
        QVERIFY(!lines.empty() && lines[0].str().find("PyTorch checkpoint") != std::string::npos);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    for (const auto &p : fresh->named_parameters())
        QVERIFY2(torch::equal(p.value(), model.at(p.key()).toTensor()), p.key().c_str());
}

void TestPyProgram::carriesTrainingSettings()
{
    const std::string program = m_tmp.path().toStdString() + "/settings_program";
    try {
        exportPythonProgram(m_settingsRun, program);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    const ProcessRun r = runProcess(kPython,
                                    {QString::fromStdString(sourcePath("tests/data/pyprogram/check_settings.py")),
                                     QString::fromStdString(program), m_tmp.filePath("settings.pt")},
                                    m_tmp.path());
    QVERIFY2(r.exitCode == 0 && r.output.contains("SETTINGS OK"), qPrintable(describe(r)));
}

// A run with every image augmentation on: the program's augment() gives the engine's batch for
// the same input, epoch and batch (the same draws from the same generator, the same operations),
// and the program trains with it, saying so.
void TestPyProgram::augmentsAsTheEngine()
{
    const std::string root = m_tmp.path().toStdString();
    Project p = loadProject(sourcePath("tests/data/tiny_synthetic/project.json"));
    p.dataset.kind = "idx";
    p.dataset.path = root + "/idx_data";
    AugmentSettings &a = p.preprocess.augment;
    a.hflip = 0.5;
    a.vflip = 0.5;
    a.translate = 2;
    a.rotate = 15;
    a.scale = 0.1;
    a.brightness = 0.1;
    a.contrast = 0.2;
    a.noise = 0.05;
    std::string run;
    const std::string program = root + "/augment_program";
    try {
        run = trainBriefly(p, root + "/runs");
        exportPythonProgram(run, program);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    const json summary = json::parse(testhelpers::readFileBytes(run + "/run.json").toStdString());
    const auto mean = summary.at("normalization").at("mean").get<std::vector<double>>();
    const auto stdev = summary.at("normalization").at("std").get<std::vector<double>>();
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({16, 1, 8, 8});
    const torch::Tensor expected =
        Augmenter(loadRun(run, "best", torch::kCPU).project, DType::Float32, mean, stdev)(x, 2, 5);
    QVERIFY(!torch::allclose(expected, x));
    torchwright::test::writeNpy(root + "/augment_in.npy", x);
    torchwright::test::writeNpy(root + "/augment_expected.npy", expected);
    const ProcessRun compare =
        runProcess(kPython,
                   {"-c",
                    "import importlib.util, sys, numpy, torch\n"
                    "spec = importlib.util.spec_from_file_location('program', sys.argv[1])\n"
                    "m = importlib.util.module_from_spec(spec)\n"
                    "spec.loader.exec_module(m)\n"
                    "x = torch.from_numpy(numpy.load(sys.argv[2]))\n"
                    "y = m.augment(x, 2, 5).numpy()\n"
                    "print('MAXDIFF', float(numpy.abs(y - numpy.load(sys.argv[3])).max()))\n",
                    QString::fromStdString(program + "/train.py"), QString::fromStdString(root + "/augment_in.npy"),
                    QString::fromStdString(root + "/augment_expected.npy")},
                   m_tmp.path());
    QVERIFY2(compare.exitCode == 0, qPrintable(describe(compare)));
    static const QRegularExpression maxDiff(R"(MAXDIFF (\S+))");
    const auto match = maxDiff.match(compare.output);
    QVERIFY2(match.hasMatch(), qPrintable(compare.output));
    qInfo("augmented batch, program against engine: largest difference %s", qPrintable(match.captured(1)));
    QVERIFY2(match.captured(1).toDouble() < kTolerance, qPrintable(compare.output));

    // It trains with the usual image augmentations (flip and crop; all of the above on 8x8 patterns
    // in one epoch is too much to see the loss fall), and says they are on.
    a = AugmentSettings();
    a.hflip = 0.5;
    a.translate = 1;
    const std::string mild = root + "/augment_mild_program";
    try {
        exportPythonProgram(trainBriefly(p, root + "/runs"), mild);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    const ProcessRun r =
        runProcess(kPython,
                   {QString::fromStdString(mild + "/train.py"), "--epochs", "1", "--batch-size", "32", "--from-scratch",
                    "--device", "cpu", "--log-every", "1", "--out", m_tmp.filePath("augmented.pt")},
                   m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.output.contains("augmentation on for training batches"), qPrintable(r.output));
    QString lossSummary;
    const QString failure = lossFallFailure(r.output, lossSummary);
    qInfo("augmented, one process: %s", qPrintable(lossSummary));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    // And under torchrun: each process augments its own share of the batches (batch index
    // b * world + rank), the run ends, only rank 0 prints, and the checkpoint is written.
    const QString ddpOut = m_tmp.filePath("augmented-ddp.pt");
    const ProcessRun ddp =
        runTorchrun(QString::fromStdString(mild + "/train.py"), ddpOut, "tst_pyprogram_augment", m_tmp.path());
    QVERIFY2(ddp.exitCode == 0, qPrintable(describe(ddp)));
    QVERIFY2(ddp.output.contains("in 2 process(es)"), qPrintable(ddp.output));
    QCOMPARE(ddp.output.count("augmentation on for training batches"), 1);
    static const QRegularExpression epochLine(R"(^epoch 1 train_loss \d)", QRegularExpression::MultilineOption);
    QCOMPARE(ddp.output.count(epochLine), 1);
    QVERIFY2(QFileInfo::exists(ddpOut), qPrintable(ddp.output));
}

// Python's torch.save files, written by the engine: weights.pt and data.pt of a synthetic-data
// run's export, and a dict of odd tensors, each loaded by Python with weights_only=True and
// written back with Python's torch.save; LibTorch reads that back to compare with the original.
void TestPyProgram::exportsLoadSafely()
{
    const std::string root = m_tmp.path().toStdString() + "/safe_load";
    const std::string program = root + "/program";
    const std::string out = root + "/out";
    fs::create_directories(out);

    // Odd tensors: views (transposed, sliced with an offset), channels-last, empty (one of them
    // with a dimension of 2^33, so its size is a LONG1 in the pickle), 0-d, a dimension over
    // 65535, and every dtype Python has a storage class for. A name that is not ASCII.
    torch::manual_seed(17);
    const torch::Tensor base = torch::randn({4, 6});
    const std::vector<std::pair<std::string, torch::Tensor>> odd = {
        {"transposed", base.t()},
        {"sliced", base.slice(1, 2, 5)},
        {"channels_last", torch::randn({2, 3, 4, 5}).contiguous(torch::MemoryFormat::ChannelsLast)},
        {"empty", torch::zeros({0, 4})},
        {"empty_huge", torch::zeros({0, int64_t(1) << 33})},
        {"scalar", torch::tensor(2.5)},
        {"long_dimension", torch::randint(0, 256, {70000}, torch::kUInt8)},
        {"float64", torch::randn({3}, torch::kFloat64)},
        {"float16", torch::randn({5}).to(torch::kFloat16)},
        {"bfloat16", torch::randn({5}).to(torch::kBFloat16)},
        {"int64", torch::tensor({int64_t(1) << 40, int64_t(-7), int64_t(0)}, torch::kInt64)},
        {"int32", torch::arange(-3, 3, torch::kInt32)},
        {"int16", torch::arange(-300, 300, 100, torch::kInt16)},
        {"int8", torch::arange(-128, 128, 51, torch::kInt8)},
        {"uint8", torch::randint(0, 256, {2, 7}, torch::kUInt8)},
        {"bool", torch::randn({9}) > 0},
        {"complex64", torch::randn({3}, torch::kComplexFloat)},
        {"gewicht.\xc3\xa4", torch::ones({1})},
    };
    QVERIFY(!odd[0].second.is_contiguous() && odd[1].second.storage_offset() == 2);
    std::string runDir;
    try {
        writeBytesAtomically(root + "/odd.pt", torchSaveBytes(odd));
        runDir = trainBriefly(loadProject(sourcePath("tests/data/tiny_synthetic/project.json")), root + "/runs");
        exportPythonProgram(runDir, program);
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
    // None of the torch.jit globals of torch::pickle_save, which weights_only refuses (the
    // archive is stored uncompressed, so the pickle's text shows).
    for (const char *file : {"weights.pt", "data.pt"}) {
        const QByteArray bytes = testhelpers::readFileBytes(program + "/" + file);
        QVERIFY2(bytes.size() > 0, file);
        QVERIFY2(!bytes.contains("torch.jit") && !bytes.contains("restore_type_tag"), file);
        QVERIFY2(bytes.contains("_rebuild_tensor_v2"), file);
    }

    const ProcessRun r =
        runProcess(kPython,
                   {QString::fromStdString(sourcePath("tests/data/pyprogram/check_safe_load.py")),
                    QString::fromStdString(root + "/odd.pt"), QString::fromStdString(root + "/odd_py.pt"),
                    QString::fromStdString(program), QString::fromStdString(out)},
                   m_tmp.path());
    QVERIFY2(r.exitCode == 0 && r.output.contains("SAFE LOAD OK"), qPrintable(describe(r)));
    static const QRegularExpression refusedLine(R"(^refused: (.*)$)", QRegularExpression::MultilineOption);
    qInfo("a file that would run code: %s", qPrintable(refusedLine.match(r.output).captured(1)));

    // The archive's records, as Python's torch.save names them.
    static const QRegularExpression zipLine(R"(^ZIP (.*)$)", QRegularExpression::MultilineOption);
    const auto zip = json::parse(zipLine.match(r.output).captured(1).toStdString()).get<std::vector<std::string>>();
    for (const char *name : {"archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/version"})
        QVERIFY2(std::find(zip.begin(), zip.end(), name) != zip.end(), name);

    auto pythonSaved = [](const std::string &path) { // a torch.save file as LibTorch reads it
        std::ifstream in(path, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return torch::pickle_load(bytes).toGenericDict();
    };
    // What Python loaded equals what was written: names in order, dtypes, shapes, values.
    static const QRegularExpression keysLine(R"(^ODD_KEYS (.*)$)", QRegularExpression::MultilineOption);
    std::vector<std::string> expectedKeys;
    for (const auto &[name, t] : odd)
        expectedKeys.push_back(name);
    QCOMPARE(json::parse(keysLine.match(r.output).captured(1).toStdString()).get<std::vector<std::string>>(),
             expectedKeys);
    auto sameTensor = [](const torch::Tensor &got, const torch::Tensor &want, const std::string &name) {
        if (got.scalar_type() != want.scalar_type())
            return name + ": dtype " + c10::toString(got.scalar_type()) + ", expected "
                   + c10::toString(want.scalar_type());
        if (got.sizes() != want.sizes())
            return name + ": shape " + c10::str(got.sizes()) + ", expected " + c10::str(want.sizes());
        if (!torch::equal(got, want))
            return name + ": values differ";
        return std::string();
    };
    static const QRegularExpression metaLine(R"(^ODD_META (.*)$)", QRegularExpression::MultilineOption);
    const json meta = json::parse(metaLine.match(r.output).captured(1).toStdString());
    QCOMPARE(meta.at("empty_huge").dump(), json({"torch.float32", {0, int64_t(1) << 33}}).dump());
    QCOMPARE(meta.at("bfloat16").dump(), json({"torch.bfloat16", {5}}).dump());
    QCOMPARE(meta.at("scalar").dump(), json({"torch.float32", json::array()}).dump());
    {
        // Python's copy (less empty_huge: LibTorch reads no size over 2^31 in Python's pickle).
        const auto loaded = pythonSaved(root + "/odd_py.pt");
        QCOMPARE(int(loaded.size()), int(odd.size()) - 1);
        for (const auto &[name, t] : odd) {
            if (name == "empty_huge")
                continue;
            QVERIFY2(loaded.contains(name), name.c_str());
            const std::string problem = sameTensor(loaded.at(name).toTensor(), t, name);
            QVERIFY2(problem.empty(), problem.c_str());
        }
        // And LibTorch reads the engine's file itself, all of it.
        const auto own = pythonSaved(root + "/odd.pt");
        QCOMPARE(int(own.size()), int(odd.size()));
        for (const auto &[name, t] : odd) {
            const std::string problem = sameTensor(own.at(name).toTensor(), t, name);
            QVERIFY2(problem.empty(), ("LibTorch: " + problem).c_str());
        }
    }

    // weights.pt as Python loaded it: the engine's tensors.
    LoadedRun run = loadRun(runDir, "best", torch::kCPU);
    {
        const auto loaded = pythonSaved(out + "/weights_py.pt");
        const std::vector<std::string> names = engineTensorNames(*run.model);
        QCOMPARE(int(loaded.size()), int(names.size()));
        auto params = run.model->named_parameters();
        auto buffers = run.model->named_buffers();
        for (const auto &name : names) {
            QVERIFY2(loaded.contains(name), name.c_str());
            const torch::Tensor *t = params.find(name) ? params.find(name) : buffers.find(name);
            const std::string problem = sameTensor(loaded.at(name).toTensor(), *t, name);
            QVERIFY2(problem.empty(), problem.c_str());
        }
    }
    // data.pt as the program's load_raw() read it: the splits as the engine reads them.
    {
        const auto loaded = pythonSaved(out + "/data_py.pt");
        const Project &p = run.project;
        const RawSplit train = datasetFormat(p).reader->train(p, {});
        const RawSplit test = datasetFormat(p).reader->test(p, {});
        for (const auto &[name, t] : std::vector<std::pair<std::string, torch::Tensor>>{{"train_inputs", train.inputs},
                                                                                        {"train_labels", train.labels},
                                                                                        {"test_inputs", test.inputs},
                                                                                        {"test_labels", test.labels}}) {
            const std::string problem = sameTensor(loaded.at(name).toTensor(), t, name);
            QVERIFY2(problem.empty(), problem.c_str());
        }
    }
    // LibTorch's pretraining import still reads weights.pt: every tensor copied, values equal.
    GraphModel fresh(run.project.graph, TensorType{run.project.dataset.sampleShape, DType::Float32});
    try {
        const auto lines = loadPretrainedWeights(program + "/weights.pt", *fresh);
        QVERIFY(!lines.empty() && lines[0].str().find("PyTorch checkpoint") != std::string::npos);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    auto engineParams = run.model->named_parameters();
    for (const auto &p : fresh->named_parameters())
        QVERIFY2(torch::equal(p.value(), *engineParams.find(p.key())), p.key().c_str());

    // A tensor that is not dense is refused with its name.
    try {
        torchSaveBytes({{"sparse", torch::ones({2}).to_sparse()}});
        QFAIL("a sparse tensor was written");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find("'sparse'") != std::string::npos, e.what());
    }
}

// No run is trained: the program is made from each project as loaded. A project whose graph does
// not check (article_cifar10_cnn.json keeps the article's mistake) is refused with the reason.
void TestPyProgram::sampleProjectsCompile()
{
    const std::string dir = m_tmp.path().toStdString() + "/sample_programs";
    fs::create_directories(dir);
    QStringList programs;
    int refused = 0;
    std::vector<fs::directory_entry> files;
    for (const char *folder : {"projects", "projects/templates"}) // the samples and File > New's templates
        for (const auto &entry : fs::directory_iterator(sourcePath(folder)))
            if (entry.path().extension() == ".json")
                files.push_back(entry);
    for (const auto &entry : files) {
        const std::string file = entry.path().filename().string();
        ProjectLoad load = loadProjectFile(entry.path().string());
        Project &p = load.project;
        const bool checks = load.ok() && analyzeProject(p).ok();
        const size_t channels = p.dataset.sampleShape.empty() ? 1 : size_t(p.dataset.sampleShape[0]);
        const Normalization norm{std::vector<double>(channels, 0.5), std::vector<double>(channels, 0.25)};
        try {
            const std::string program = pythonTrainingProgram(p, norm, "run-1", "best.pt");
            QVERIFY2(checks, (file + ": a program was made from a project that does not check").c_str());
            const std::string path = dir + "/" + entry.path().stem().string() + ".py";
            QVERIFY(writeText(path, program));
            programs << QString::fromStdString(path);
        } catch (const EngineError &e) {
            QVERIFY2(!checks, (file + ": " + e.what()).c_str());
            QVERIFY2(std::string(e.what()).find("features") != std::string::npos, e.what());
            ++refused;
        }
    }
    QVERIFY2(programs.size() >= 7, "projects/ should hold at least two sample projects and five templates that check");
    QCOMPARE(refused, 1);
    const QString compileEach = "import sys\nfor f in sys.argv[1:]:\n    compile(open(f).read(), f, 'exec')";
    const ProcessRun r = runProcess(kPython, QStringList{"-c", compileEach} + programs, m_tmp.path());
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
}

void TestPyProgram::modelMatchesEngine_data()
{
    QTest::addColumn<QString>("row");
    QTest::newRow("tiny synthetic sample (trained run)") << "tiny_synthetic";
    QTest::newRow("tiny CNN on IDX files (trained run)") << "tiny_idx";
    QTest::newRow("tiny CNN on CIFAR-10 batches (trained run)") << "tiny_cifar";
    QTest::newRow("tiny CNN on an image folder: PNGs and photographs, cropped (trained run)") << "tiny_image_folder";
    QTest::newRow("tiny CNN on an image list, grayscale, stretched (trained run)") << "tiny_image_list";
    QTest::newRow("node names that clash with Python") << "renamed";
    QTest::newRow("MLP on a CSV table (iris, classification)") << "table_iris";
    QTest::newRow("MLP on a CSV table (boston, regression)") << "table_boston";
    QTest::newRow("every_layer/conv.json") << "conv";
    QTest::newRow("every_layer/conv.json without dropout, training mode too") << "conv_train";
    QTest::newRow("every_layer/seq.json") << "seq";
    QTest::newRow("every_layer/emb.json") << "emb";
}

// Exports every row's run, records the engine's outputs, and runs one Python process for all
// rows (each start of Python with torch costs seconds).
void TestPyProgram::prepareComparisons()
{
    m_compared = true;
    const std::string root = m_tmp.path().toStdString() + "/compare";
    struct Row {
        std::string name, runDir;
    };
    std::vector<Row> rows;
    try {
        Project tiny = loadProject(sourcePath("tests/data/tiny_synthetic/project.json"));
        rows.push_back({"tiny_synthetic", trainBriefly(tiny, root + "/runs")});
        rows.push_back({"tiny_idx", m_idxRun});
        rows.push_back({"renamed", m_settingsRun});
        writeCifarDataset(root + "/cifar_data");
        Project cifar = tiny;
        cifar.dataset.kind = "cifar10";
        cifar.dataset.path = root + "/cifar_data";
        cifar.dataset.sampleShape = {3, 32, 32};
        rows.push_back({"tiny_cifar", trainBriefly(cifar, root + "/runs")});
        rows.push_back({"table_iris", trainBriefly(tableProject(false), root + "/runs")});
        rows.push_back({"table_boston", trainBriefly(tableProject(true), root + "/runs")});
        writeImageFolder(root + "/images", root + "/list");
        Project folder = tiny;
        folder.dataset.kind = "image_folder";
        folder.dataset.path = root + "/images";
        folder.dataset.sampleShape = {3, 32, 32};
        folder.dataset.classNames = {"a", "b", "c", "d"};
        folder.dataset.image.resize = "crop";
        folder.dataset.image.channels = "rgb";
        folder.dataset.image.testFraction = 0.25;
        rows.push_back({"tiny_image_folder", trainBriefly(folder, root + "/runs")});
        Project list = tiny;
        list.dataset.kind = "image_list";
        list.dataset.path = root + "/list";
        list.dataset.sampleShape = {1, 20, 28};
        list.dataset.classNames = {"class a", "class b", "class c", "class d"};
        list.dataset.image.channels = "grayscale";
        list.dataset.image.testFraction = 0.3;
        rows.push_back({"tiny_image_list", trainBriefly(list, root + "/runs")});
        const std::string every = sourcePath("tests/data/every_layer/");
        rows.push_back({"conv", handMadeRun(readJson(every + "conv.json"), root + "/run_conv")});
        json conv = readJson(every + "conv.json");
        for (auto &node : conv["graph"]["nodes"])
            if (node["type"] == "Dropout")
                node["params"]["p"] = 0.0;
        rows.push_back({"conv_train", handMadeRun(conv, root + "/run_conv_train")});
        rows.push_back({"seq", handMadeRun(readJson(every + "seq.json"), root + "/run_seq")});
        rows.push_back({"emb", handMadeRun(readJson(every + "emb.json"), root + "/run_emb")});
    } catch (const std::exception &e) {
        m_compareFailure = QString("setting up the runs failed: ") + e.what();
        return;
    }

    json list = json::array();
    for (const Row &row : rows) {
        const std::string dir = root + "/" + row.name;
        const std::string program = dir + "/program";
        json entry = {{"name", row.name}, {"dir", dir}, {"program", program}};
        try {
            fs::create_directories(dir);
            exportPythonProgram(row.runDir, program);
            LoadedRun run = loadRun(row.runDir, "best", torch::kCPU);
            GraphModelImpl &model = *run.model;
            m_names[row.name] = engineTensorNames(model);
            const Project &p = run.project;
            const Node *input = model.graph().node(model.analysis().inputNode);
            const bool tokens = input->params.value("dtype", "") == "int64";
            torch::Tensor x;
            if (tokens) {
                torch::manual_seed(5);
                x = torch::randint(0, 300, {5, p.dataset.sampleShape[0]}, torch::kInt64);
            } else {
                // The engine's own test inputs, so the program's data pipeline is compared too.
                DataSplits data = loadDataSplits(p, DType::Float32);
                test::writeNpy(dir + "/test_x.npy", data.test.inputs);
                test::writeNpy(dir + "/test_y.npy", data.test.labels);
                x = data.test.inputs.slice(0, 0, 16).contiguous();
            }
            test::writeNpy(dir + "/x.npy", x);
            torch::NoGradGuard noGrad;
            model.eval();
            test::writeNpy(dir + "/eval.npy", model.forward(x));
            bool dropout = false;
            for (const Node &n : model.graph().nodes)
                dropout = dropout || (n.type == "Dropout" && n.params.value("p", 0.0) > 0)
                          || (n.type == "MultiheadAttention" && n.params.value("dropout", 0.0) > 0);
            if (!dropout) {
                // Training mode: batch statistics, and the running statistics they update.
                model.train();
                test::writeNpy(dir + "/train.npy", model.forward(x));
                for (const auto &b : model.named_buffers())
                    test::writeNpy(dir + "/buffer_" + b.key() + ".npy", b.value().scalar_type() == torch::kInt64
                                                                            ? b.value()
                                                                            : b.value().to(torch::kFloat32));
            }
            m_trainChecked[row.name] = !dropout;
            entry["train"] = !dropout;
            entry["data"] = !tokens;
        } catch (const std::exception &e) {
            m_results[row.name] = {{"error", std::string("export or engine side failed: ") + e.what()}};
            continue;
        }
        list.push_back(entry);
    }
    const std::string rowsFile = root + "/rows.json";
    const std::string script = sourcePath("tests/data/pyprogram/compare_models.py");
    if (!writeText(rowsFile, list.dump(2))) {
        m_compareFailure = QString::fromStdString(rowsFile + ": cannot write");
        return;
    }
    const ProcessRun r =
        runProcess(kPython, {QString::fromStdString(script), QString::fromStdString(rowsFile)}, m_tmp.path());
    for (const QString &line : r.output.split('\n')) {
        if (!line.startsWith("RESULT "))
            continue;
        json result = json::parse(line.mid(7).toStdString());
        m_results[result.at("name").get<std::string>()] = result;
    }
    if (r.exitCode != 0)
        m_compareFailure = "the comparison script failed: " + describe(r);
}

void TestPyProgram::modelMatchesEngine()
{
    QFETCH(QString, row);
    if (!m_compared)
        prepareComparisons();
    const std::string name = row.toStdString();
    QVERIFY2(m_compareFailure.isEmpty(), qPrintable(m_compareFailure));
    QVERIFY2(m_results.count(name), "no result for this row");
    const json &r = m_results.at(name);
    QVERIFY2(!r.contains("error"), r.value("error", "").c_str());

    // state_dict() keys are exactly the engine's tensor names.
    std::vector<std::string> keys = r.at("keys").get<std::vector<std::string>>();
    std::vector<std::string> names = m_names.at(name);
    std::sort(keys.begin(), keys.end());
    std::sort(names.begin(), names.end());
    QCOMPARE(keys, names);
    static const std::map<std::string, std::vector<std::string>> expectedNames = {
        {"tiny_synthetic", {"conv1.weight", "conv1.bias", "fc.weight"}},
        {"conv", {"c1.weight", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "bn1.weight"}},
        {"seq",
         {"lstm.weight_ih_l0", "lstm.weight_hh_l1", "attn.in_proj_weight", "attn.out_proj.weight",
          "gru.weight_ih_l0_reverse"}},
        {"emb", {"emb.weight", "fc.bias"}},
        {"renamed", {"conv1.weight", "forward.weight", "forward.bias"}}};
    if (auto it = expectedNames.find(name); it != expectedNames.end())
        for (const auto &n : it->second)
            QVERIFY2(std::find(keys.begin(), keys.end(), n) != keys.end(), n.c_str());

    const double evalDiff = r.at("eval_diff").get<double>();
    qInfo("%s: eval max abs difference %g", name.c_str(), evalDiff);
    QVERIFY2(evalDiff <= kTolerance, qPrintable(QString("eval-mode outputs differ by %1").arg(evalDiff)));
    if (m_trainChecked.at(name)) {
        const double trainDiff = r.at("train_diff").get<double>();
        const double bufferDiff = r.at("buffer_diff").get<double>();
        qInfo("%s: training-mode max abs difference %g, buffers %g", name.c_str(), trainDiff, bufferDiff);
        QVERIFY2(trainDiff <= kTolerance, qPrintable(QString("training-mode outputs differ by %1").arg(trainDiff)));
        QVERIFY2(bufferDiff <= kTolerance,
                 qPrintable(QString("buffers after a training-mode batch differ by %1").arg(bufferDiff)));
    }
    if (r.contains("data_diff")) {
        const double dataDiff = r.at("data_diff").get<double>();
        qInfo("%s: preprocessed test inputs differ by %g; split sizes %s", name.c_str(), dataDiff,
              r.at("split_sizes").dump().c_str());
        QVERIFY2(dataDiff <= 1e-6, qPrintable(QString("the program's test inputs differ by %1").arg(dataDiff)));
        QVERIFY2(r.at("labels_equal").get<bool>(), "the program's test labels differ");
    }
}

QTEST_GUILESS_MAIN(TestPyProgram)
#include "tst_pyprogram.moc"
