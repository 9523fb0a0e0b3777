// The feedback loop end to end, on real data, through the CLI a deployment would use and the
// engine functions the studio calls: a model trained on Fashion-MNIST that has hardly seen a
// shirt (16 of 7,216 training images) is registered as v1; it classifies 600 deployment images
// (shirts, T-shirts, pullovers, coats) with its predictions logged; people correct them; a
// fine-tuning run from v1 on the corrections becomes v2; v2 is better on the feedback set and on
// 600 further images nobody corrected, while its test accuracy stays within the project's gate;
// it is promoted and rolled back. After a kill -9 in the middle of each step (the engine's
// crashPoint()), the registry, the feedback store and the runs are consistent and the step can be
// done again. The figures are printed for the README.
//
// The steps are test functions run in order, each using what the previous ones made.

#include "torchwright/exports.h"
#include "torchwright/feedback.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/versions.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

using namespace torchwright;
using nlohmann::json;

namespace {

const char *kFashion = "/usr/share/datasets/fashion-mnist";
constexpr int kShirt = 6;

struct CliRun {
    int exitCode = -1; // -1: crashed or killed
    bool killed = false;
    QString output;
};

// The class written in a fixture image's name: ".../0042_6.png" -> 6.
int labelOf(const std::string &path)
{
    const std::string name = QFileInfo(QString::fromStdString(path)).completeBaseName().toStdString();
    const auto underscore = name.rfind('_');
    return underscore == std::string::npos ? -1 : std::stoi(name.substr(underscore + 1));
}

// Accuracy of a bundle on the images of a folder, overall and on the shirts alone.
struct FolderScore {
    int n = 0;
    int correct = 0;
    int shirts = 0;
    int shirtsCorrect = 0;
    double accuracy() const { return n ? double(correct) / n : NAN; }
    double shirtAccuracy() const { return shirts ? double(shirtsCorrect) / shirts : NAN; }
};

FolderScore scoreFolder(const std::string &bundle, const std::string &folder)
{
    FolderScore s;
    for (const Prediction &p : predictBundle(bundle, folder, 1)) {
        const int label = labelOf(p.source);
        const bool right = !p.top.empty() && p.top.front().index == label;
        ++s.n;
        s.correct += right;
        if (label == kShirt) {
            ++s.shirts;
            s.shirtsCorrect += right;
        }
    }
    return s;
}

json readJson(const std::string &file)
{
    QFile f(QString::fromStdString(file));
    return f.open(QIODevice::ReadOnly) ? json::parse(f.readAll().toStdString()) : json::object();
}

} // namespace

class TestLoop : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void trainAndRegisterV1();
    void logDeploymentPredictions();
    void reviewThem();
    void fineTuneFromV1();
    void registerCompareAndPromoteV2();
    void rollBackAndPromoteAgain();
    void nextRunStartsFromTheCurrentVersion();

private:
    CliRun cli(const QStringList &args, const QString &crashAt = {});
    Project project() const;
    std::string path(const char *relative) const { return QDir(m_dir.path()).filePath(relative).toStdString(); }
    std::string newestRun() const;

    QTemporaryDir m_dir;
    QString m_projectFile;
    std::string m_v1Run, m_v2Run;
    FolderScore m_heldoutV1;
};

CliRun TestLoop::cli(const QStringList &args, const QString &crashAt)
{
    QProcess p;
    p.setProgram(QStringLiteral(TORCHWRIGHT_CLI));
    p.setArguments(args);
    p.setWorkingDirectory(m_dir.path());
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!crashAt.isEmpty())
        env.insert(QStringLiteral("TORCHWRIGHT_CRASH_AT"), crashAt);
    p.setProcessEnvironment(env);
    p.start();
    CliRun r;
    if (!p.waitForStarted(30000) || !p.waitForFinished(600000)) {
        p.kill();
        p.waitForFinished(10000);
        return r;
    }
    r.output = QString::fromUtf8(p.readAll());
    r.killed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = r.killed ? -1 : p.exitCode();
    return r;
}

Project TestLoop::project() const
{
    ProjectLoad load = loadProjectFile(m_projectFile.toStdString());
    if (!load.ok())
        qFatal("%s", load.diagnostics.format().c_str());
    return load.project;
}

std::string TestLoop::newestRun() const
{
    std::vector<RunSummary> runs = listRuns(path("runs"));
    std::string newest;
    std::string created;
    for (const RunSummary &r : runs)
        if (r.created >= created) {
            created = r.created;
            newest = r.dir;
        }
    return newest;
}

void TestLoop::initTestCase()
{
    if (!QFile::exists(QString::fromLatin1(kFashion) + "/train-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST (dataset-fashion-mnist) is not installed");
    QVERIFY(m_dir.isValid());
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/tests/app/make_loop_data.py"), QString::fromLatin1(kFashion),
                  m_dir.path()});
    QVERIFY(python.waitForFinished(300000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    qInfo("%s", python.readAllStandardOutput().trimmed().constData());

    // The sample CNN on the shifted data; the loop's settings as a user would set them.
    QFile sample(QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"));
    QVERIFY(sample.open(QIODevice::ReadOnly));
    json j = json::parse(sample.readAll().toStdString());
    j["name"] = "Fashion-MNIST, shirts withheld";
    j["dataset"]["path"] = "data";
    j["training"]["epochs"] = 2;
    j["finetune"] = {{"epochs", 3}, {"lr", 5e-4}, {"feedback_weight", 3}, {"replay_fraction", 0.5}, {"holdout", 0.2}};
    j["update"] = {{"gate", {{"max_test_drop", 0.5}, {"feedback_must_rise", true}}}};
    m_projectFile = QDir(m_dir.path()).filePath(QStringLiteral("shifted.json"));
    QFile out(m_projectFile);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray::fromStdString(j.dump(2)));
    out.close();
    QVERIFY(project().finetune.replayFraction == 0.5);
}

void TestLoop::trainAndRegisterV1()
{
    const CliRun train =
        cli({"train", m_projectFile, "--device", "cpu", "--out", QString::fromStdString(path("runs"))});
    QVERIFY2(train.exitCode == 0, qPrintable(train.output));
    m_v1Run = newestRun();
    QVERIFY(!m_v1Run.empty());
    const json run = readJson(m_v1Run + "/run.json");
    QVERIFY2(run.value("data_sha256", "").size() == 64, "run.json records the digest of the training data");
    QVERIFY(run.value("test_sha256", "").size() == 64);

    // A kill -9 after the version's folder is in place but before registry.json names it: the
    // version exists (its folder is complete) and v1, the first, is current.
    const CliRun crashed = cli({"versions", m_projectFile, "register", QString::fromStdString(m_v1Run)},
                               QStringLiteral("versions:after-folder"));
    QVERIFY2(crashed.killed, qPrintable(crashed.output));
    std::vector<VersionInfo> versions = listVersions(project());
    QCOMPARE(versions.size(), size_t(1));
    QCOMPARE(QString::fromStdString(versions[0].id), QStringLiteral("v1"));
    QVERIFY(QFile::exists(QString::fromStdString(versions[0].bundleDir() + "/manifest.json")));
    std::optional<VersionInfo> current = currentVersion(project());
    QVERIFY(current && current->id == "v1");
    QVERIFY2(current->test.accuracy > 0.70 && current->test.accuracy < 0.90,
             qPrintable(QString::number(current->test.accuracy)));
    m_heldoutV1 = scoreFolder(current->bundleDir(), path("heldout"));
    qInfo("v1: test accuracy %.2f%%, shirts in the held-out images %.1f%% (%d of %d)", 100 * current->test.accuracy,
          100 * m_heldoutV1.shirtAccuracy(), m_heldoutV1.shirtsCorrect, m_heldoutV1.shirts);
    QVERIFY2(m_heldoutV1.shirtAccuracy() < 0.3, "v1 has hardly seen a shirt: it gets few of them right");
}

void TestLoop::logDeploymentPredictions()
{
    const VersionInfo v1 = findVersion(project(), "current");
    const std::string store = feedbackDir(project());
    // A kill -9 halfway through writing the first event: nothing is listed, the torn line is
    // reported, and the next append works.
    CliRun crashed = cli({"predict", QString::fromStdString(v1.bundleDir()),
                          QString::fromStdString(path("deploy/0000_0.png")), "--log", QString::fromStdString(store)},
                         QStringLiteral("feedback:mid-line"));
    QVERIFY2(crashed.killed, qPrintable(crashed.output));
    std::vector<Message> problems;
    QCOMPARE(FeedbackStore(store).items(&problems).size(), size_t(0));
    QCOMPARE(problems.size(), size_t(1));

    const CliRun logged =
        cli({"predict", QString::fromStdString(v1.bundleDir()), QString::fromStdString(path("deploy")), "--log",
             QString::fromStdString(store), "--limit", "3"});
    QVERIFY2(logged.exitCode == 0, qPrintable(logged.output));
    problems.clear();
    const std::vector<FeedbackItem> items = FeedbackStore(store).items(&problems);
    QCOMPARE(items.size(), size_t(600));
    QVERIFY2(problems.empty(), "the torn line was cut off by the next append");
    for (const FeedbackItem &item : items) {
        QCOMPARE(QString::fromStdString(item.version), QStringLiteral("v1"));
        QVERIFY(item.predicted && !item.top.empty() && !item.reviewed());
        QVERIFY(QFile::exists(QString::fromStdString(FeedbackStore(store).inputPath(item))));
    }
}

void TestLoop::reviewThem()
{
    FeedbackStore store(feedbackDir(project()));
    const std::vector<std::string> &names = project().dataset.classNames;
    int wrong = 0;
    for (const FeedbackItem &item : store.items()) {
        const int label = labelOf(item.input.source);
        QVERIFY2(label >= 0, item.input.source.c_str());
        if (item.predictedClass() == label) {
            store.markRight(item.id);
        } else {
            store.markWrong(item.id, label, names[size_t(label)]);
            ++wrong;
        }
    }
    // A correction taken back and given again, as a reviewer who clicked the wrong class would.
    const FeedbackItem first = store.items().front();
    store.undoReview(first.id);
    QVERIFY(!store.find(first.id)->reviewed());
    const int label = labelOf(first.input.source);
    if (first.predictedClass() == label)
        store.markRight(first.id);
    else
        store.markWrong(first.id, label, names[size_t(label)]);

    const FeedbackCounts counts = store.counts(10);
    QCOMPARE(counts.reviewed, int64_t(600));
    QCOMPARE(counts.wrong, int64_t(wrong));
    QCOMPARE(counts.perClass[kShirt], int64_t(300));
    qInfo("v1 was wrong on %d of the 600 deployment images; %lld of the 300 shirts", wrong,
          static_cast<long long>(counts.wrongPerClass[kShirt]));
    QVERIFY2(wrong >= 200, "a few hundred corrections");
    const LoopStatus status = loopStatus(project());
    QCOMPARE(status.current, std::string("v1"));
    QCOMPARE(status.reviewed, int64_t(600));
}

void TestLoop::fineTuneFromV1()
{
    // Killed after its first epoch's checkpoint: the run is interrupted, and resuming it trains on
    // exactly the feedback items it began with.
    const CliRun crashed =
        cli({"finetune", m_projectFile, "--device", "cpu", "--out", QString::fromStdString(path("runs"))},
            QStringLiteral("train:after-epoch"));
    QVERIFY2(crashed.killed, qPrintable(crashed.output));
    m_v2Run = newestRun();
    QVERIFY(m_v2Run != m_v1Run);
    QCOMPARE(QString::fromStdString(readRunSummary(m_v2Run).status), QStringLiteral("interrupted"));
    const CliRun resumed = cli({"train", "--resume", QString::fromStdString(m_v2Run)});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.output));
    const json run = readJson(m_v2Run + "/run.json");
    QCOMPARE(QString::fromStdString(run.value("status", "")), QStringLiteral("completed"));
    QCOMPARE(QString::fromStdString(run.value("parent_version", "")), QStringLiteral("v1"));
    const auto items = run.value("feedback_items", std::vector<std::string>{});
    const int heldOut = run.value("feedback_heldout", 0);
    QCOMPARE(int(items.size()) + heldOut, 600);
    QVERIFY2(heldOut > 60 && heldOut < 180, "about a fifth of the reviewed items are the feedback set");
    for (const std::string &id : items)
        QVERIFY(!feedbackHeldOut(id, 0.2));
    // The kill came after epoch 1's checkpoint but before its event: the resume wrote it from
    // last.json, so the curves have every epoch, once.
    std::vector<int> epochs;
    for (const TrainingEvent &e : readMetrics(m_v2Run))
        if (e.kind == TrainingEvent::Kind::Epoch)
            epochs.push_back(e.epoch);
    std::vector<int> expected(size_t(run.value("epochs_completed", 0)));
    std::iota(expected.begin(), expected.end(), 1);
    QCOMPARE(epochs, expected);
}

void TestLoop::registerCompareAndPromoteV2()
{
    const CliRun reg = cli({"versions", m_projectFile, "register", QString::fromStdString(m_v2Run), "--note",
                            "fine-tuned on the first 600 corrections"});
    QVERIFY2(reg.exitCode == 0, qPrintable(reg.output));
    const VersionInfo v2 = findVersion(project(), "v2");
    QCOMPARE(QString::fromStdString(v2.parent), QStringLiteral("v1"));
    QVERIFY(!v2.current);
    QCOMPARE(v2.testSha256, findVersion(project(), "v1").testSha256);

    const VersionComparison c = compareVersions(project(), "v1", "v2");
    QVERIFY(c.sameTestSplit);
    const FolderScore heldoutV2 = scoreFolder(v2.bundleDir(), path("heldout"));
    qInfo("test accuracy: v1 %.2f%%, v2 %.2f%%", 100 * c.testA.accuracy, 100 * c.testB.accuracy);
    qInfo("feedback set (%d held-out reviewed items): v1 %.1f%%, v2 %.1f%%", c.feedbackA.samples,
          100 * c.feedbackA.accuracy, 100 * c.feedbackB.accuracy);
    qInfo("600 further images nobody corrected: v1 %.1f%%, v2 %.1f%%; their shirts: v1 %.1f%%, v2 %.1f%%",
          100 * m_heldoutV1.accuracy(), 100 * heldoutV2.accuracy(), 100 * m_heldoutV1.shirtAccuracy(),
          100 * heldoutV2.shirtAccuracy());
    qInfo("test samples newly fixed %zu, newly broken %zu; latency %.2f ms -> %.2f ms", c.newlyFixed.size(),
          c.newlyBroken.size(), c.latencyMsA, c.latencyMsB);
    // The feedback set is a random fifth of the reviewed items (their ids are random), so v1's
    // share of shirts in it, and its accuracy there, varies from run to run (35-56% seen; v2
    // gained 13-31 points): the margin asked for here leaves room for that.
    QVERIFY2(c.feedbackB.accuracy > c.feedbackA.accuracy + 0.05, "v2 is better on the feedback set");
    QVERIFY2(heldoutV2.shirtAccuracy() > m_heldoutV1.shirtAccuracy() + 0.2, "and on shirts nobody corrected");
    QVERIFY2(c.testB.accuracy >= c.testA.accuracy - 0.005, "the test accuracy stays within the gate");
    QVERIFY(c.gate.passed);

    // Promote, killed just before registry.json is replaced: v1 is still current and the
    // promotion is done again.
    const CliRun crashed =
        cli({"promote", m_projectFile, "v2", "--reason", "fixes shirts"}, QStringLiteral("versions:before-registry"));
    QVERIFY2(crashed.killed, qPrintable(crashed.output));
    QCOMPARE(QString::fromStdString(currentVersion(project())->id), QStringLiteral("v1"));
    const CliRun promoted = cli({"promote", m_projectFile, "v2", "--reason", "fixes shirts"});
    QVERIFY2(promoted.exitCode == 0, qPrintable(promoted.output));
    QCOMPARE(QString::fromStdString(currentVersion(project())->id), QStringLiteral("v2"));
    const std::vector<RegistryEvent> history = registryHistory(project());
    QCOMPARE(QString::fromStdString(history.back().action), QStringLiteral("promote"));
    QCOMPARE(QString::fromStdString(history.back().reason), QStringLiteral("fixes shirts"));
    QVERIFY(!history.back().override);
    QVERIFY(history.back().gate.value("passed", false));
    // The items v2 trained on are no longer "since the current version".
    const LoopStatus status = loopStatus(project());
    QCOMPARE(status.current, std::string("v2"));
    QVERIFY(status.sinceCurrent < 200);
}

void TestLoop::rollBackAndPromoteAgain()
{
    const CliRun crashed =
        cli({"rollback", m_projectFile, "--reason", "complaints"}, QStringLiteral("versions:before-registry"));
    QVERIFY2(crashed.killed, qPrintable(crashed.output));
    QCOMPARE(QString::fromStdString(currentVersion(project())->id), QStringLiteral("v2"));
    const CliRun rolled = cli({"rollback", m_projectFile, "--reason", "complaints"});
    QVERIFY2(rolled.exitCode == 0, qPrintable(rolled.output));
    QCOMPARE(QString::fromStdString(currentVersion(project())->id), QStringLiteral("v1"));
    QCOMPARE(QString::fromStdString(registryHistory(project()).back().action), QStringLiteral("rollback"));
    QVERIFY(cli({"promote", m_projectFile, "v2", "--reason", "complaints answered"}).exitCode == 0);
    QCOMPARE(QString::fromStdString(currentVersion(project())->id), QStringLiteral("v2"));

    // Everything still reads back whole: every version's bundle passes its checksums (predict
    // verifies them), the store lists its 600 reviewed items.
    for (const VersionInfo &v : listVersions(project()))
        QCOMPARE(predictBundle(v.bundleDir(), path("deploy/0000_0.png"), 1).size(), size_t(1));
    std::vector<Message> problems;
    QCOMPARE(FeedbackStore(feedbackDir(project())).items(&problems).size(), size_t(600));
    QVERIFY(problems.empty());
}

// The arrow from Model update back to Optimize: with the Pretrain stage's source "@current", the
// project's next run starts from the current version's weights and records it as its parent.
void TestLoop::nextRunStartsFromTheCurrentVersion()
{
    Project p = project();
    p.pretrain.enabled = true;
    p.pretrain.source = "@current";
    p.training.optimizer.lr = 1e-6; // one step that hardly moves the weights
    saveProjectFile(p, m_projectFile.toStdString());
    const CliRun train = cli({"train", m_projectFile, "--device", "cpu", "--epochs", "1", "--batch-limit", "1", "--out",
                              QString::fromStdString(path("runs"))});
    QVERIFY2(train.exitCode == 0, qPrintable(train.output));
    QVERIFY2(train.output.contains("pretrained"), qPrintable(train.output));
    const std::string run = newestRun();
    const VersionInfo v2 = findVersion(project(), "current");
    QCOMPARE(QString::fromStdString(readJson(run + "/run.json").value("parent_version", "")), QStringLiteral("v2"));
    // The run's own copy names the checkpoint it started from, not "@current", which may name
    // another version tomorrow.
    const ProjectLoad copy = loadRunProject(run);
    QVERIFY(copy.ok());
    QCOMPARE(QString::fromStdString(copy.project.pretrain.source), QString::fromStdString(v2.checkpointPath()));
    // One tiny step from v2's weights: still v2's accuracy (one step from random weights reaches
    // about 10%).
    const Evaluation e = evaluateRun(run, "last", "cpu");
    qInfo("one batch from @current: test accuracy %.2f%% (v2 %.2f%%)", 100 * e.accuracy, 100 * v2.test.accuracy);
    QVERIFY(std::abs(e.accuracy - v2.test.accuracy) < 0.01);
    // A version that does not exist is refused before a run folder is made.
    p.pretrain.source = "@v9";
    saveProjectFile(p, m_projectFile.toStdString());
    const size_t runs = listRuns(path("runs")).size();
    const CliRun refused = cli(
        {"train", m_projectFile, "--device", "cpu", "--epochs", "1", "--out", QString::fromStdString(path("runs"))});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.output.contains("v9"), qPrintable(refused.output));
    QCOMPARE(listRuns(path("runs")).size(), runs);
}

QTEST_GUILESS_MAIN(TestLoop)
#include "tst_loop.moc"
