// The feedback store (torchwright/feedback.h) on real Fashion-MNIST images: predictions logged
// by `predict --log` from PNG files, reviews, undo and their fold, filters and counts, import
// without duplicates, two processes appending at once, a kill -9 at each of the two moments of a
// write (TORCHWRIGHT_CRASH_AT, through the CLI), and the reviewed items as tensors
// (readFeedbackData). A bundle of a model trained on IDX data classifies PNG files of test
// samples exactly as it classifies the same samples given as a .npy array.

#include "dataset.h"
#include "feedbackdata.h"
#include "sha256.h"
#include "testhelpers.h"

#include "torchwright/exports.h"
#include "torchwright/feedback.h"
#include "torchwright/project.h"
#include "torchwright/training.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

using namespace torchwright;
namespace fs = std::filesystem;

namespace {

const std::string kFashion = "/usr/share/datasets/fashion-mnist";

struct ProcessRun {
    int exitCode = -1;
    bool crashed = false;
    QByteArray output;
};

ProcessRun runCli(const QStringList &args, const QString &crashAt = {})
{
    QProcess p;
    p.setProgram(QStringLiteral(TORCHWRIGHT_CLI));
    p.setArguments(args);
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!crashAt.isEmpty())
        env.insert("TORCHWRIGHT_CRASH_AT", crashAt);
    p.setProcessEnvironment(env);
    p.start();
    ProcessRun r;
    if (!p.waitForStarted(30000) || !p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(10000);
        return r;
    }
    r.output = p.readAll();
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = r.crashed ? -1 : p.exitCode();
    return r;
}

// A uint8 tensor as a .npy file (format 1.0), as numpy writes it.
void writeNpy(const std::string &path, const torch::Tensor &t)
{
    std::string shape = "(";
    for (int64_t i = 0; i < t.dim(); ++i)
        shape += std::to_string(t.size(i)) + ", ";
    shape += ")";
    std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string out = std::string("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    out += header;
    const torch::Tensor c = t.contiguous();
    out.append(reinterpret_cast<const char *>(c.data_ptr<uint8_t>()), size_t(c.numel()));
    QVERIFY(testhelpers::writeFileBytes(path, out));
}

void writePng(const std::string &path, const torch::Tensor &sample) // [1, H, W] uint8
{
    const torch::Tensor c = sample.contiguous();
    QImage image(int(c.size(2)), int(c.size(1)), QImage::Format_Grayscale8);
    for (int y = 0; y < image.height(); ++y)
        std::memcpy(image.scanLine(y), c.data_ptr<uint8_t>() + y * image.width(), size_t(image.width()));
    QVERIFY(image.save(QString::fromStdString(path), "PNG"));
}

std::vector<std::string> idsOf(const std::vector<FeedbackItem> &items)
{
    std::vector<std::string> ids;
    for (const auto &i : items)
        ids.push_back(i.id);
    return ids;
}

std::string messageOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const std::exception &e) {
        return errorMessage(e);
    }
    return {};
}

} // namespace

class TestFeedback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pngsOfIdxSamplesPredictAsTheNpy();
    void predictLogsEachPrediction();
    void reviewsUndoAndFold();
    void filtersAndCounts();
    void importSkipsItemsAlreadyThere();
    void twoProcessesAppendWholeLines();
    void killAfterInputLosesNothing();
    void killMidLineLosesOnlyThatItem();
    void damagedLineInTheMiddleIsReported();
    void readFeedbackDataSplitsAndShapes();
    void heldOutIsStableAndProportional();
    void tableRowsAreLoggedInlineAndRead();
    void cifarRecordDecodesImagesToRgb32();

private:
    std::string path(const std::string &relative) const
    {
        return m_tmp.filePath(QString::fromStdString(relative)).toStdString();
    }
    QString qpath(const std::string &relative) const { return QString::fromStdString(path(relative)); }
    // A store with `n` corrections of the PNG samples (labels: the true ones).
    FeedbackStore storeWithCorrections(const std::string &name, int n);

    QTemporaryDir m_tmp;
    std::string m_bundle;
    std::string m_pngDir; // kSamples test images as PNG, 00.png, 01.png, ...
    std::string m_npy;    // the same samples as one uint8 .npy [N, 1, 28, 28]
    torch::Tensor m_samples, m_labels;
    std::vector<std::string> m_classes;
    static constexpr int kSamples = 8;
};

void TestFeedback::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    if (!QFileInfo::exists(QString::fromStdString(kFashion + "/t10k-images-idx3-ubyte.gz")))
        QSKIP("Fashion-MNIST (Debian package dataset-fashion-mnist) is not installed");
    // A tiny model trained on the IDX files: one epoch of three batches.
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("projects/fashion_mnist_cnn.json"));
    QVERIFY2(load.ok(), load.diagnostics.format().c_str());
    Project p = load.project;
    p.graph = testhelpers::chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 784}, {"out_features", 10}}}});
    m_classes = p.dataset.classNames;
    TrainRequest r = testhelpers::requestFor(p, qpath("runs"));
    r.epochs = 1;
    r.batchLimit = 3;
    std::string errors;
    const RunResult result = trainBlocking(r, [&](const TrainingEvent &e) {
        if (e.kind == TrainingEvent::Kind::Error)
            errors += e.message + "\n";
    });
    QVERIFY2(result.status == TrainingEvent::Status::Completed, (result.message + "\n" + errors).c_str());
    m_bundle = path("bundle");
    exportBundle(result.runDir, m_bundle, "last");

    const torch::Tensor all = readIdxFile(kFashion + "/t10k-images-idx3-ubyte");
    m_samples = all.slice(0, 0, kSamples).clone(); // [N, 1, 28, 28]
    m_labels = readIdxFile(kFashion + "/t10k-labels-idx1-ubyte").slice(0, 0, kSamples).to(torch::kInt64);
    m_pngDir = path("pngs");
    QVERIFY(QDir().mkpath(QString::fromStdString(m_pngDir)));
    for (int i = 0; i < kSamples; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "%02d.png", i);
        writePng(m_pngDir + "/" + name, m_samples[i]);
    }
    m_npy = path("samples.npy");
    writeNpy(m_npy, m_samples);
}

void TestFeedback::pngsOfIdxSamplesPredictAsTheNpy()
{
    const auto fromPng = predictBundle(m_bundle, m_pngDir, 3);
    const auto fromNpy = predictBundle(m_bundle, m_npy, 3);
    QCOMPARE(fromPng.size(), size_t(kSamples));
    QCOMPARE(fromNpy.size(), size_t(kSamples));
    for (int i = 0; i < kSamples; ++i) {
        QCOMPARE(fromPng[size_t(i)].top.size(), size_t(3));
        for (size_t k = 0; k < 3; ++k) {
            QCOMPARE(fromPng[size_t(i)].top[k].index, fromNpy[size_t(i)].top[k].index);
            QVERIFY(std::abs(fromPng[size_t(i)].top[k].probability - fromNpy[size_t(i)].top[k].probability) < 1e-6);
        }
    }
    QCOMPARE(QString::fromStdString(fromPng[0].source), QStringLiteral("00.png"));
    // One file alone too.
    const auto one = predictBundle(m_bundle, m_pngDir + "/03.png", 3);
    QCOMPARE(one.size(), size_t(1));
    QCOMPARE(one[0].top[0].index, fromNpy[3].top[0].index);
    // The pixels read from the PNGs are the IDX samples, exactly.
    std::vector<std::string> sources;
    bool raw = false;
    nlohmann::json record = nlohmann::json::parse(testhelpers::readFileBytes(m_bundle + "/manifest.json").toStdString())
                                .at("preprocessing");
    const torch::Tensor x = readInputsForRecord(record, {1, 28, 28}, m_pngDir, sources, raw);
    QVERIFY(raw);
    QVERIFY(torch::equal(x, m_samples));
    // A PNG of another size is stretched to 28x28.
    QImage big(56, 40, QImage::Format_RGB32);
    big.fill(Qt::white);
    QVERIFY(big.save(qpath("big.png"), "PNG"));
    QVERIFY(readInputsForRecord(record, {1, 28, 28}, path("big.png"), sources, raw).sizes().vec()
            == (std::vector<int64_t>{1, 1, 28, 28}));
    // IDX files still work as before.
    QCOMPARE(predictBundle(m_bundle, kFashion + "/t10k-images-idx3-ubyte", 1).size(), size_t(10000));
}

void TestFeedback::predictLogsEachPrediction()
{
    const QString store = qpath("logged");
    ProcessRun r = runCli({QStringLiteral("predict"), QString::fromStdString(m_bundle),
                           QString::fromStdString(m_pngDir), "--log", store});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QVERIFY2(r.output.contains("logged 8 prediction(s)"), r.output.constData());
    QVERIFY2(r.output.contains("00.png:"), r.output.constData()); // the usual output is there
    FeedbackStore s(store.toStdString());
    std::vector<Message> problems;
    auto items = s.items(&problems);
    QVERIFY(problems.empty());
    QCOMPARE(items.size(), size_t(kSamples));
    const auto predictions = predictBundle(m_bundle, m_pngDir, 3);
    const std::string runName =
        nlohmann::json::parse(testhelpers::readFileBytes(m_bundle + "/manifest.json").toStdString())["source"]["run"]
            .get<std::string>();
    for (int i = 0; i < kSamples; ++i) {
        const FeedbackItem &item = items[size_t(i)];
        QCOMPARE(item.version, runName);
        QVERIFY(item.predicted && !item.reviewed());
        QCOMPARE(item.top.size(), size_t(3));
        QCOMPARE(item.predictedClass(), predictions[size_t(i)].top[0].index);
        QVERIFY(std::abs(item.confidence() - predictions[size_t(i)].top[0].probability) < 1e-9);
        QVERIFY2(item.input.source.find(std::to_string(i) + ".png") != std::string::npos, item.input.source.c_str());
        const std::string copy = s.inputPath(item);
        QVERIFY2(fs::is_regular_file(copy), copy.c_str());
        QCOMPARE(QString::fromStdString(sha256File(copy)), QString::fromStdString(item.input.sha256));
        QCOMPARE(testhelpers::readFileBytes(copy), testhelpers::readFileBytes(item.input.source));
        QVERIFY(!item.time.empty());
    }
    // The same images again: new items, the same stored inputs.
    r = runCli({"predict", QString::fromStdString(m_bundle), QString::fromStdString(m_pngDir), "--log", store});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QCOMPARE(s.items().size(), size_t(2 * kSamples));
    QCOMPARE(std::distance(fs::directory_iterator(store.toStdString() + "/inputs"), fs::directory_iterator()),
             std::ptrdiff_t(kSamples));
    std::set<std::string> ids;
    for (const auto &item : s.items())
        ids.insert(item.id);
    QCOMPARE(ids.size(), size_t(2 * kSamples));

    // A .npy batch: each sample stored as a .npy of its own; a bundle in a version folder logs
    // the version's id.
    const std::string versionDir = path("registry/v7");
    fs::create_directories(versionDir);
    fs::copy(m_bundle, versionDir + "/bundle", fs::copy_options::recursive);
    QVERIFY(testhelpers::writeFileBytes(versionDir + "/version.json", std::string(R"({"id": "v7"})")));
    QCOMPARE(QString::fromStdString(bundleVersion(versionDir + "/bundle")), QStringLiteral("v7"));
    const QString npyStore = qpath("logged-npy");
    r = runCli({"predict", QString::fromStdString(versionDir + "/bundle"), QString::fromStdString(m_npy), "--log",
                npyStore, "--top", "2"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    items = FeedbackStore(npyStore.toStdString()).items();
    QCOMPARE(items.size(), size_t(kSamples));
    for (int i = 0; i < kSamples; ++i) {
        QCOMPARE(QString::fromStdString(items[size_t(i)].version), QStringLiteral("v7"));
        QCOMPARE(items[size_t(i)].top.size(), size_t(2));
        QCOMPARE(QString::fromStdString(items[size_t(i)].input.source),
                 QString::fromStdString(m_npy + ":" + std::to_string(i)));
        // The stored sample reads back as the sample itself.
        std::vector<std::string> sources;
        bool raw = false;
        const nlohmann::json record =
            nlohmann::json::parse(testhelpers::readFileBytes(m_bundle + "/manifest.json").toStdString())
                .at("preprocessing");
        const torch::Tensor x = readInputsForRecord(
            record, {1, 28, 28}, FeedbackStore(npyStore.toStdString()).inputPath(items[size_t(i)]), sources, raw);
        QVERIFY(raw && torch::equal(x[0], m_samples[i]));
    }
    // A store path that is a file: nothing is printed as logged, exit 1.
    QVERIFY(testhelpers::writeFileBytes(path("not-a-folder"), std::string("x")));
    r = runCli(
        {"predict", QString::fromStdString(m_bundle), QString::fromStdString(m_npy), "--log", qpath("not-a-folder")});
    QVERIFY2(r.exitCode == 1 && !r.output.contains("logged"), r.output.constData());
}

void TestFeedback::reviewsUndoAndFold()
{
    FeedbackStore s(path("reviews"));
    const auto predictions = predictBundle(m_bundle, m_pngDir + "/00.png", 3);
    const FeedbackItem a = s.logPrediction("v1", m_pngDir + "/00.png", predictions[0]);
    const FeedbackItem b =
        s.logPrediction("v1", m_pngDir + "/01.png", predictBundle(m_bundle, m_pngDir + "/01.png")[0]);
    QVERIFY(a.id != b.id);
    s.markRight(a.id);
    auto item = s.find(a.id);
    QVERIFY(item && item->verdict == "right" && item->label == predictions[0].top[0].index);
    QCOMPARE(item->labelName, predictions[0].top[0].name);
    s.markWrong(a.id, 6, "Shirt"); // replaces the first review
    item = s.find(a.id);
    QVERIFY(item->verdict == "wrong" && item->label == 6 && item->labelName == "Shirt");
    s.undoReview(a.id); // back to the review before it
    item = s.find(a.id);
    QVERIFY(item->verdict == "right" && item->label == predictions[0].top[0].index);
    s.undoReview(a.id);
    QVERIFY(!s.find(a.id)->reviewed());
    QVERIFY(!s.find(b.id)->reviewed());
    // Taking back what is not there, unknown ids: errors naming the id, nothing written.
    const auto size = fs::file_size(s.logPath());
    std::string m = messageOf([&] { s.undoReview(a.id); });
    QVERIFY2(m.find(a.id) != std::string::npos, m.c_str());
    m = messageOf([&] { s.markRight("no-such-id"); });
    QVERIFY2(m.find("no-such-id") != std::string::npos, m.c_str());
    m = messageOf([&] { s.markWrong("no-such-id", 1, ""); });
    QVERIFY2(m.find("no-such-id") != std::string::npos, m.c_str());
    QCOMPARE(fs::file_size(s.logPath()), size);
    // A correction given directly: reviewed wrong, no prediction; "right" makes no sense for it.
    const FeedbackItem c = s.addCorrection(m_pngDir + "/02.png", 3, "Dress");
    QVERIFY(!c.predicted && c.verdict == "wrong" && c.label == 3);
    item = s.find(c.id);
    QVERIFY(item && !item->predicted && item->verdict == "wrong" && item->label == 3 && item->labelName == "Dress");
    m = messageOf([&] { s.markRight(c.id); });
    QVERIFY2(m.find(c.id) != std::string::npos, m.c_str());
    // The fold is the log read again: a fresh store object sees the same.
    const auto items = FeedbackStore(path("reviews")).items();
    QCOMPARE(items.size(), size_t(3));
    QCOMPARE(QString::fromStdString(items[0].id), QString::fromStdString(a.id));
    QCOMPARE(QString::fromStdString(items[2].id), QString::fromStdString(c.id));
}

void TestFeedback::filtersAndCounts()
{
    FeedbackStore s(path("filters"));
    const auto predictions = predictBundle(m_bundle, m_pngDir, 3);
    std::vector<FeedbackItem> items;
    for (int i = 0; i < kSamples; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "/%02d.png", i);
        items.push_back(s.logPrediction(i < 5 ? "v1" : "v2", m_pngDir + name, predictions[size_t(i)]));
    }
    // 0, 1 right; 2, 3 wrong with the true label; the rest unreviewed.
    s.markRight(items[0].id);
    s.markRight(items[1].id);
    for (int i : {2, 3}) {
        const int label = int(m_labels[i].item<int64_t>());
        s.markWrong(items[size_t(i)].id, label, m_classes[size_t(label)]);
    }
    QCOMPARE(s.list({}).size(), size_t(kSamples));
    QCOMPARE(s.list({"unreviewed", -1, ""}).size(), size_t(kSamples - 4));
    QCOMPARE(s.list({"reviewed", -1, ""}).size(), size_t(4));
    QCOMPARE(s.list({"right", -1, ""}).size(), size_t(2));
    const auto wrong = s.list({"wrong", -1, ""});
    QVERIFY(idsOf(wrong) == (std::vector<std::string>{items[2].id, items[3].id}));
    QCOMPARE(s.list({"", -1, "v2"}).size(), size_t(kSamples - 5));
    QCOMPARE(s.list({"reviewed", -1, "v2"}).size(), size_t(0));
    // By class: the correct class once reviewed, the predicted one before.
    const int label2 = int(m_labels[2].item<int64_t>());
    for (const auto &item : s.list({"", label2, ""}))
        QCOMPARE(item.reviewed() ? item.label : item.predictedClass(), label2);
    QVERIFY(!s.list({"wrong", label2, ""}).empty());

    const FeedbackCounts c = s.counts(10);
    QCOMPARE(c.items, int64_t(kSamples));
    QCOMPARE(c.reviewed, int64_t(4));
    QCOMPARE(c.right, int64_t(2));
    QCOMPARE(c.wrong, int64_t(2));
    QCOMPARE(c.perClass.size(), size_t(10));
    int64_t sum = 0, wrongSum = 0;
    for (size_t k = 0; k < 10; ++k)
        sum += c.perClass[k], wrongSum += c.wrongPerClass[k];
    QCOMPARE(sum, int64_t(4));
    QCOMPARE(wrongSum, int64_t(2));
    QVERIFY(c.wrongPerClass[size_t(label2)] >= 1);

    // The CLI with the project file: class names, --class by name, --json.
    fs::create_directories(path("proj"));
    fs::copy_file(testhelpers::sourcePath("projects/fashion_mnist_cnn.json"), path("proj/fashion.json"));
    fs::create_directories(path("proj/feedback"));
    fs::copy(path("filters"), path("proj/feedback/fashion"), fs::copy_options::recursive);
    ProcessRun r = runCli({"feedback", qpath("proj/fashion.json"), "list", "--state", "wrong", "--json"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    const nlohmann::json listed = nlohmann::json::parse(r.output.toStdString());
    QCOMPARE(listed.size(), size_t(2));
    QCOMPARE(QString::fromStdString(listed[0]["id"].get<std::string>()), QString::fromStdString(items[2].id));
    r = runCli(
        {"feedback", qpath("proj/fashion.json"), "list", "--class", QString::fromStdString(m_classes[size_t(label2)])});
    QVERIFY2(r.exitCode == 0 && r.output.contains(QByteArray::fromStdString(items[2].id)), r.output.constData());
    r = runCli({"feedback", qpath("proj/fashion.json"), "counts"});
    QVERIFY2(r.exitCode == 0 && r.output.contains("8 items, 4 reviewed (2 right, 2 wrong)"), r.output.constData());
    QVERIFY2(r.output.contains("Ankle boot"), r.output.constData());
    r = runCli({"feedback", qpath("proj/fashion.json"), "list", "--class", "Hat"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("Hat"), r.output.constData());
}

FeedbackStore TestFeedback::storeWithCorrections(const std::string &name, int n)
{
    FeedbackStore s(path(name));
    for (int i = 0; i < n; ++i) {
        char file[16];
        std::snprintf(file, sizeof file, "/%02d.png", i % kSamples);
        const int label = int(m_labels[i % kSamples].item<int64_t>());
        s.addCorrection(m_pngDir + file, label, m_classes[size_t(label)]);
    }
    return s;
}

void TestFeedback::importSkipsItemsAlreadyThere()
{
    FeedbackStore a = storeWithCorrections("import-a", 5);
    const auto predictions = predictBundle(m_bundle, m_pngDir + "/07.png");
    const FeedbackItem logged = a.logPrediction("v3", m_pngDir + "/07.png", predictions[0]);
    a.markWrong(logged.id, 9, "Ankle boot");
    a.undoReview(logged.id);
    FeedbackStore b = storeWithCorrections("import-b", 2);
    QCOMPARE(b.importFrom(a.dir()), 6);
    QCOMPARE(b.items().size(), size_t(8));
    QCOMPARE(b.importFrom(a.dir()), 0); // a second import adds nothing
    QCOMPARE(b.importFrom(a.logPath()), 0);
    QCOMPARE(b.items().size(), size_t(8));
    // The imported items fold as in their store, and their inputs came along.
    for (const FeedbackItem &item : a.items()) {
        const auto there = b.find(item.id);
        QVERIFY(there);
        QCOMPARE(QString::fromStdString(there->verdict), QString::fromStdString(item.verdict));
        QCOMPARE(there->label, item.label);
        QVERIFY(fs::is_regular_file(b.inputPath(*there)));
    }
    // Through the CLI: a feedback.jsonl path, then again (nothing new).
    FeedbackStore c(path("import-c"));
    ProcessRun r = runCli({"feedback", qpath("import-c"), "import", QString::fromStdString(a.logPath())});
    QVERIFY2(r.exitCode == 0 && r.output.contains("imported 6 item(s)"), r.output.constData());
    r = runCli({"feedback", qpath("import-c"), "import", QString::fromStdString(a.dir())});
    QVERIFY2(r.exitCode == 0 && r.output.contains("imported 0 item(s)"), r.output.constData());
    QCOMPARE(c.items().size(), size_t(6));
    r = runCli({"feedback", qpath("import-c"), "import", qpath("nowhere")});
    QVERIFY2(r.exitCode == 1 && r.output.contains("nowhere"), r.output.constData());
}

void TestFeedback::twoProcessesAppendWholeLines()
{
    const std::string dir = path("concurrent");
    constexpr int kEach = 150;
    std::vector<pid_t> children;
    for (int w = 0; w < 2; ++w) {
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            int status = 0;
            try {
                FeedbackStore s(dir);
                for (int i = 0; i < kEach; ++i) {
                    const FeedbackItem item = s.addCorrection(m_pngDir + "/0" + std::to_string(i % kSamples) + ".png",
                                                              w, "writer " + std::to_string(w));
                    if (i % 3 == 0)
                        s.undoReview(item.id);
                }
            } catch (const std::exception &e) {
                std::fprintf(stderr, "writer %d: %s\n", w, e.what()); // the parent's failure says why
                status = 1;
            } catch (...) {
                status = 1;
            }
            ::_exit(status);
        }
        children.push_back(pid);
    }
    // Both are waited for before either is judged: the temporary folder must outlive them.
    std::vector<int> statuses;
    for (pid_t pid : children) {
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        statuses.push_back(status);
    }
    for (int status : statuses)
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    FeedbackStore s(dir);
    std::vector<Message> problems;
    const auto items = s.items(&problems);
    QVERIFY2(problems.empty(), problems.empty() ? "" : problems[0].str().c_str());
    QCOMPARE(items.size(), size_t(2 * kEach));
    int undone = 0;
    for (const auto &item : items)
        undone += !item.reviewed();
    QCOMPARE(undone, 2 * ((kEach + 2) / 3));
    // Every line whole: 150 items x (prediction + review) + the undos, each a JSON object.
    QFile f(QString::fromStdString(s.logPath()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    int lines = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        QVERIFY(line.endsWith('\n'));
        QVERIFY(!nlohmann::json::parse(line.toStdString(), nullptr, false).is_discarded());
        ++lines;
    }
    QCOMPARE(lines, 2 * (2 * kEach + (kEach + 2) / 3));
}

void TestFeedback::killAfterInputLosesNothing()
{
    FeedbackStore s = storeWithCorrections("crash-input", 3);
    const auto before = s.items();
    // A new input (not yet in the store), killed once it is in place and before its event.
    QImage img(28, 28, QImage::Format_Grayscale8);
    img.fill(77);
    QVERIFY(img.save(qpath("fresh.png"), "PNG"));
    ProcessRun r =
        runCli({"feedback", qpath("crash-input"), "add", qpath("fresh.png"), "--label", "4"}, "feedback:after-input");
    QVERIFY2(r.crashed, r.output.constData());
    std::vector<Message> problems;
    const auto after = s.items(&problems);
    QVERIFY(problems.empty());
    QVERIFY(idsOf(after) == idsOf(before));
    // The input is there (an orphan nobody reads), whole.
    const std::string orphan = s.dir() + "/inputs/" + sha256File(path("fresh.png")) + ".png";
    QVERIFY(fs::is_regular_file(orphan));
    QCOMPARE(testhelpers::readFileBytes(orphan), testhelpers::readFileBytes(path("fresh.png")));
    // The same again without the crash: one item more.
    r = runCli({"feedback", qpath("crash-input"), "add", qpath("fresh.png"), "--label", "4"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QCOMPARE(s.items().size(), before.size() + 1);
}

void TestFeedback::killMidLineLosesOnlyThatItem()
{
    FeedbackStore s = storeWithCorrections("crash-line", 4);
    s.undoReview(s.items()[1].id);
    const auto before = s.items();
    ProcessRun r =
        runCli({"feedback", qpath("crash-line"), "add", QString::fromStdString(m_pngDir + "/05.png"), "--label", "5"},
               "feedback:mid-line");
    QVERIFY2(r.crashed, r.output.constData());
    // The torn line is reported and skipped; every earlier item is exactly as it was.
    std::vector<Message> problems;
    auto after = s.items(&problems);
    QCOMPARE(problems.size(), size_t(1));
    QVERIFY2(problems[0].str().find("line 10") != std::string::npos, problems[0].str().c_str());
    QVERIFY(idsOf(after) == idsOf(before));
    for (size_t i = 0; i < before.size(); ++i)
        QCOMPARE(QString::fromStdString(after[i].verdict), QString::fromStdString(before[i].verdict));
    r = runCli({"feedback", qpath("crash-line"), "list"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("cut short"), r.output.constData());
    for (const auto &item : before)
        QVERIFY2(r.output.contains(QByteArray::fromStdString(item.id)), r.output.constData());
    // The next append cuts the torn line off and works.
    r = runCli(
        {"feedback", qpath("crash-line"), "review", QString::fromStdString(before[1].id), "wrong", "--label", "2"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    problems.clear();
    after = s.items(&problems);
    QVERIFY(problems.empty());
    QVERIFY(idsOf(after) == idsOf(before));
    QCOMPARE(after[1].label, 2);
}

void TestFeedback::damagedLineInTheMiddleIsReported()
{
    FeedbackStore s = storeWithCorrections("damaged", 3);
    QFile f(QString::fromStdString(s.logPath()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = f.readAll().split('\n');
    f.close();
    lines.insert(2, "{\"event\": \"review\", \"id\": oops");
    QVERIFY(testhelpers::writeFileBytes(s.logPath(), lines.join('\n')));
    std::vector<Message> problems;
    QCOMPARE(s.items(&problems).size(), size_t(3));
    QCOMPARE(problems.size(), size_t(1));
    QVERIFY2(problems[0].str().find("line 3") != std::string::npos, problems[0].str().c_str());
    const ProcessRun r = runCli({"feedback", qpath("damaged"), "list"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("line 3") && r.output.contains("feedback.jsonl"), r.output.constData());
    for (const auto &item : s.items())
        QVERIFY2(r.output.contains(QByteArray::fromStdString(item.id)), r.output.constData());
}

void TestFeedback::readFeedbackDataSplitsAndShapes()
{
    FeedbackStore s = storeWithCorrections("data", 40);
    // An unreviewed prediction (left out), a reviewed one whose input went missing (skipped).
    const auto predictions = predictBundle(m_bundle, m_npy, 3);
    s.logPrediction("v1", m_pngDir + "/00.png", predictions[0]);
    FeedbackItem lost = s.logPrediction("v1", qpath("big.png").toStdString(), predictions[1]);
    s.markRight(lost.id);
    fs::remove(s.inputPath(lost));
    // A logged .npy sample, reviewed right.
    const std::string one = path("one.npy");
    writeNpy(one, m_samples[4]);
    const FeedbackItem npyItem = s.logPrediction("v1", one, predictions[4]);
    s.markRight(npyItem.id);

    const nlohmann::json record =
        nlohmann::json::parse(testhelpers::readFileBytes(m_bundle + "/manifest.json").toStdString())
            .at("preprocessing");
    const FeedbackData d = readFeedbackData(s, record, {1, 28, 28}, 0.25);
    const int64_t n = d.train.inputs.size(0), h = d.heldOut.inputs.size(0);
    QCOMPARE(n + h, int64_t(41));
    QVERIFY(n > 0 && h > 0);
    QVERIFY(d.train.inputs.sizes().vec() == (std::vector<int64_t>{n, 1, 28, 28}));
    QVERIFY(d.train.inputs.scalar_type() == torch::kUInt8);
    QVERIFY(d.train.labels.scalar_type() == torch::kInt64);
    QCOMPARE(d.train.labels.size(0), n);
    QCOMPARE(int64_t(d.trainIds.size()), n);
    QCOMPARE(int64_t(d.heldOutIds.size()), h);
    for (const auto &id : d.trainIds)
        QVERIFY(!feedbackHeldOut(id, 0.25));
    for (const auto &id : d.heldOutIds)
        QVERIFY(feedbackHeldOut(id, 0.25));
    // Each item is its image and its label.
    for (int64_t i = 0; i < n; ++i) {
        const auto item = s.find(d.trainIds[size_t(i)]);
        QVERIFY(item);
        QCOMPARE(d.train.labels[i].item<int64_t>(), int64_t(item->label));
        if (item->id == npyItem.id) {
            QVERIFY(torch::equal(d.train.inputs[i], m_samples[4]));
            QCOMPARE(item->label, predictions[4].top[0].index);
            continue;
        }
        const int k = std::stoi(fs::path(item->input.source).stem().string());
        QVERIFY(torch::equal(d.train.inputs[i], m_samples[k]));
        QCOMPARE(item->label, int(m_labels[k].item<int64_t>()));
    }
    // The lost input: named with its id and file, in the split it belongs to.
    const auto &skipped = feedbackHeldOut(lost.id, 0.25) ? d.heldOut.info.skipped : d.train.info.skipped;
    QCOMPARE(skipped.size(), size_t(1));
    QVERIFY2(skipped[0].reason.str().find(lost.id) != std::string::npos, skipped[0].reason.str().c_str());
    QVERIFY2(skipped[0].file.find(lost.input.file) != std::string::npos, skipped[0].file.c_str());
    // An item whose log names a file outside inputs/ (a hostile log): never read, skipped.
    FeedbackStore evil(path("evil"));
    const FeedbackItem e = evil.addCorrection(m_pngDir + "/00.png", 1, "");
    std::string log = testhelpers::readFileBytes(evil.logPath()).toStdString();
    log.replace(log.find("\"inputs/"), 8, "\"inputs/../../pngs/");
    QVERIFY(testhelpers::writeFileBytes(evil.logPath(), log));
    QCOMPARE(QString::fromStdString(evil.inputPath(*evil.find(e.id))), QString());
    const FeedbackData none = readFeedbackData(evil, record, {1, 28, 28}, 0);
    QCOMPARE(none.train.inputs.size(0), int64_t(0));
    QCOMPARE(none.train.info.skipped.size(), size_t(1));
    // No held-out share: everything trains.
    const FeedbackData all = readFeedbackData(s, record, {1, 28, 28}, 0);
    QCOMPARE(all.train.inputs.size(0), int64_t(41));
    QCOMPARE(all.heldOut.inputs.size(0), int64_t(0));
}

void TestFeedback::heldOutIsStableAndProportional()
{
    int held = 0;
    for (int i = 0; i < 2000; ++i) {
        const std::string id = "20261201-000000-" + std::to_string(i * 7919);
        const bool h = feedbackHeldOut(id, 0.2);
        QCOMPARE(feedbackHeldOut(id, 0.2), h);
        held += h;
        QVERIFY(!feedbackHeldOut(id, 0));
        QVERIFY(feedbackHeldOut(id, 1));
        if (h)
            QVERIFY(feedbackHeldOut(id, 0.3)); // a larger share keeps what a smaller one held out
    }
    QVERIFY2(held > 340 && held < 460, std::to_string(held).c_str());
    Project p;
    p.filePath = "/somewhere/projects/shirts.json";
    QCOMPARE(QString::fromStdString(feedbackDir(p)), QStringLiteral("/somewhere/projects/feedback/shirts"));
    QCOMPARE(QString::fromStdString(feedbackDir(Project{})), QString());
}

// A bundle trained on a CSV table (scikit-learn's iris): predict --log keeps each row inline with
// its line, and readFeedbackData encodes the logged rows exactly as predict encodes the file.
void TestFeedback::tableRowsAreLoggedInlineAndRead()
{
    const std::string sklearn = "/usr/lib/python3/dist-packages/sklearn/datasets/data";
    if (!fs::exists(sklearn + "/iris.csv"))
        QSKIP("scikit-learn's data files are not installed");
    Project p;
    p.name = "iris";
    p.dataset.kind = "csv";
    p.dataset.path = sklearn;
    p.dataset.csv.file = "iris.csv";
    p.dataset.csv.target = "4";
    p.dataset.sampleShape = {4};
    p.dataset.numClasses = 3;
    p.dataset.validationFraction = 0.1;
    p.preprocess.normalize = "none";
    p.graph = testhelpers::chainGraph({{"Linear", {{"out_features", 3}}}});
    TrainRequest r = testhelpers::requestFor(p, qpath("iris-runs"));
    r.epochs = 1;
    const RunResult result = trainBlocking(r, [](const TrainingEvent &) {});
    QVERIFY2(result.status == TrainingEvent::Status::Completed, result.message.c_str());
    const std::string bundle = path("iris-bundle");
    exportBundle(result.runDir, bundle, "last");
    // Three rows in the training layout (the target too), one with a quoted field.
    const std::string rows = path("iris-rows.csv");
    QVERIFY(testhelpers::writeFileBytes(
        rows, std::string("5.1,3.5,1.4,0.2,0\n\n6.3,\"2.5\",4.9,1.5,1\n7.7,3.0,6.1,2.3,2\n")));
    const ProcessRun run =
        runCli({"predict", QString::fromStdString(bundle), QString::fromStdString(rows), "--log", qpath("iris-store")});
    QVERIFY2(run.exitCode == 0 && run.output.contains("logged 3 prediction(s)"), run.output.constData());
    FeedbackStore s(path("iris-store"));
    const auto items = s.items();
    QCOMPARE(items.size(), size_t(3));
    const std::vector<std::string> lines = {rows + ":1", rows + ":3", rows + ":4"};
    for (size_t i = 0; i < 3; ++i) {
        QCOMPARE(QString::fromStdString(items[i].input.source), QString::fromStdString(lines[i]));
        QVERIFY(items[i].input.file.empty());
        QCOMPARE(items[i].input.row["values"].size(), size_t(5));
        s.markWrong(items[i].id, int(i), "");
    }
    QCOMPARE(QString::fromStdString(items[1].input.row["values"][1].get<std::string>()), QStringLiteral("2.5"));
    // A correction given for a row directly (feedback add FILE.csv:LINE): no header here.
    const nlohmann::json row = feedbackTableRow(rows, 3);
    QVERIFY(row["columns"].empty());
    s.addCorrection(rows + ":3", 2, "", row);
    const nlohmann::json record =
        nlohmann::json::parse(testhelpers::readFileBytes(bundle + "/manifest.json").toStdString()).at("preprocessing");
    const FeedbackData d = readFeedbackData(s, record, {4}, 0);
    QVERIFY2(d.train.info.skipped.empty(),
             d.train.info.skipped.empty() ? "" : d.train.info.skipped[0].reason.str().c_str());
    std::vector<std::string> sources;
    bool raw = false;
    const torch::Tensor expected = readInputsForRecord(record, {4}, rows, sources, raw);
    QVERIFY(raw);
    QVERIFY(d.train.inputs.sizes().vec() == (std::vector<int64_t>{4, 4}));
    QVERIFY(torch::equal(d.train.inputs.slice(0, 0, 3), expected));
    QVERIFY(torch::equal(d.train.inputs[3], expected[1]));
    QVERIFY(torch::equal(d.train.labels, torch::tensor({int64_t(0), int64_t(1), int64_t(2), int64_t(2)})));
}

// A model trained on CIFAR-10 batches takes photos: any image file is decoded to RGB 32x32
// (gray repeated in the three channels), stretched; other files are still read as IDX.
void TestFeedback::cifarRecordDecodesImagesToRgb32()
{
    const nlohmann::json record = {
        {"format", "cifar10"}, {"scale", 1.0 / 255}, {"mean", {0.5, 0.5, 0.5}}, {"std", {0.25, 0.25, 0.25}}};
    std::vector<std::string> sources;
    bool raw = false;
    const torch::Tensor gray = readInputsForRecord(record, {3, 32, 32}, m_pngDir, sources, raw);
    QVERIFY(raw);
    QVERIFY(gray.sizes().vec() == (std::vector<int64_t>{kSamples, 3, 32, 32}));
    QVERIFY(gray.scalar_type() == torch::kUInt8);
    QVERIFY(torch::equal(gray.select(1, 0), gray.select(1, 2)));
    QCOMPARE(sources.size(), size_t(kSamples));
    const std::string photo = "/usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg";
    if (fs::exists(photo)) {
        const torch::Tensor x = readInputsForRecord(record, {3, 32, 32}, photo, sources, raw);
        QVERIFY(x.sizes().vec() == (std::vector<int64_t>{1, 3, 32, 32}));
        QVERIFY(!torch::equal(x.select(1, 0), x.select(1, 2))); // colour kept
    }
    // A file that is no image: read as IDX, and refused naming it when it is not one either.
    QVERIFY(testhelpers::writeFileBytes(path("notes.txt"), std::string("no pixels here")));
    const std::string m = messageOf([&] { readInputsForRecord(record, {3, 32, 32}, path("notes.txt"), sources, raw); });
    QVERIFY2(m.find("notes.txt") != std::string::npos, m.c_str());
}

QTEST_GUILESS_MAIN(TestFeedback)
#include "tst_feedback.moc"
