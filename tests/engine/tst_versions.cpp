// The model registry (torchwright/versions.h) on the tiny synthetic project: runs registered as
// versions with their files, lineage and metrics; compare measures both versions on the same
// test split (fixed and broken samples agree with the two evaluations); the promotion gate
// passes, fails and is overridden, each recorded; promote and rollback in sequence; damaged
// version.json and registry.json are refused naming the file; and a kill -9 of the CLI at every
// crash point of register, promote and rollback leaves the registry as it was or as it is after
// the step, and the next step works.

#include "testhelpers.h"

#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"
#include "torchwright/versions.h"

#include "datasetreader.h"
#include "evaluation.h"
#include "runfolder.h"
#include "torchwright/datasetformat.h"
#include "torchwright/feedback.h"
#include "torchwright/jsonfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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

// The tiny synthetic project saved as <dir>/tiny.json.
Project savedTiny(const QString &dir)
{
    QDir().mkpath(dir);
    ProjectLoad load = loadProjectFile(sourcePath("tests/data/tiny_synthetic/project.json"));
    Project p = load.project;
    saveProjectFile(p, (dir + "/tiny.json").toStdString());
    return p;
}

std::string trainRun(const Project &p, const QString &runsDir, int epochs, std::optional<int> batchLimit)
{
    TrainRequest r = requestFor(p, runsDir);
    r.epochs = epochs;
    r.batchLimit = batchLimit;
    const RunResult result = trainBlocking(r, [](const TrainingEvent &) {});
    return result.status == TrainingEvent::Status::Completed ? result.runDir : std::string();
}

// Changes run.json (its checksum renewed), as a fine-tuning run's trainer writes it.
void editRunJson(const std::string &runDir, const std::function<void(nlohmann::json &)> &edit)
{
    nlohmann::json j = readJsonFile(runDir + "/run.json");
    edit(j);
    j["sha256"] = runJsonSha256(j);
    QVERIFY(testhelpers::writeFileBytes(runDir + "/run.json", j.dump(2) + "\n"));
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

// A copy of `project` that has its own registry (another folder), the runs still belonging to it
// (same file name).
Project copyIn(const Project &project, const QString &dir)
{
    QDir().mkpath(dir);
    Project p = project;
    saveProjectFile(p, (dir + "/tiny.json").toStdString());
    return p;
}

struct Crash {
    int exitCode = 0;
    bool killed = false;
    QByteArray output;
};

Crash runCli(const QStringList &args, const QString &crashAt)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!crashAt.isEmpty())
        env.insert("TORCHWRIGHT_CRASH_AT", crashAt);
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(TORCHWRIGHT_CLI), args);
    Crash c;
    if (!p.waitForStarted(30000) || !p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        c.exitCode = -2;
        return c;
    }
    c.output = p.readAll();
    c.killed = p.exitStatus() == QProcess::CrashExit;
    c.exitCode = p.exitCode();
    return c;
}

// A float32 .npy file of one sample (what a user hands `feedback add` for a tensor input).
void writeNpy(const std::string &path, torch::Tensor t)
{
    t = t.to(torch::kFloat32).contiguous();
    std::string shape = "(";
    for (int64_t i = 0; i < t.dim(); ++i)
        shape += std::to_string(t.size(i)) + ",";
    shape += ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += char(1);
    bytes += char(0);
    bytes += char(header.size() & 0xff);
    bytes += char(header.size() >> 8);
    bytes += header;
    bytes.append(static_cast<const char *>(t.data_ptr()), size_t(t.numel()) * sizeof(float));
    QVERIFY(testhelpers::writeFileBytes(path, bytes));
}

std::vector<std::string> ids(const std::vector<VersionInfo> &versions)
{
    std::vector<std::string> r;
    for (const auto &v : versions)
        r.push_back(v.id);
    return r;
}

} // namespace

class TestVersions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void registerListAndLineage();
    void compareAgreesWithTheEvaluations();
    void gatePassesFailsAndOverrides();
    void promoteAndRollbackInSequence();
    void damagedFilesAreRefusedNamingThem();
    void feedbackSetDecidesTheGate();
    void refusesWhatCannotBeAVersion();
    void finetuneRequestStartsFromTheVersion();
    void regressionVersionsUseR2();
    void crashAtEveryPointLeavesAWholeRegistry_data();
    void crashAtEveryPointLeavesAWholeRegistry();

private:
    QTemporaryDir m_tmp;
    Project m_project;
    std::string m_weak, m_strong, m_child;
};

void TestVersions::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_project = savedTiny(m_tmp.filePath("project"));
    const QString runs = m_tmp.filePath("project/runs");
    m_weak = trainRun(m_project, runs, 1, 1); // one batch: a weak model
    m_strong = trainRun(m_project, runs, 3, std::nullopt);
    m_child = trainRun(m_project, runs, 1, 2);
    QVERIFY(!m_weak.empty() && !m_strong.empty() && !m_child.empty());
    // The third run as a fine-tuning run from v1 records it (the trainer's fields, runs.h).
    editRunJson(m_child, [](nlohmann::json &j) {
        j["parent_version"] = "v1";
        j["feedback_items"] = {"item-a", "item-b"};
        j["data_sha256"] = "abc";
    });
}

void TestVersions::registerListAndLineage()
{
    QVERIFY(listVersions(m_project).empty());
    QVERIFY(!currentVersion(m_project));
    RegisterOptions first;
    first.note = "baseline";
    const VersionInfo v1 = registerVersion(m_project, m_weak, first);
    QCOMPARE(QString::fromStdString(v1.id), QString("v1"));
    QVERIFY(v1.current); // the first version becomes current
    const VersionInfo v2 = registerVersion(m_project, m_strong);
    QCOMPARE(QString::fromStdString(v2.id), QString("v2"));
    QVERIFY(!v2.current); // later ones wait for promote
    const VersionInfo v3 = registerVersion(m_project, m_child);

    const auto versions = listVersions(m_project);
    QCOMPARE(ids(versions), (std::vector<std::string>{"v1", "v2", "v3"}));
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v1"));
    QCOMPARE(QString::fromStdString(findVersion(m_project, "2").id), QString("v2"));
    QCOMPARE(QString::fromStdString(findVersion(m_project, "current").id), QString("v1"));
    QCOMPARE(QString::fromStdString(versions[0].note), QString("baseline"));

    // Each version's folder: checkpoint, bundle, its project and record.
    for (const auto &v : versions) {
        for (const char *f :
             {"checkpoint.pt", "project.json", "version.json", "bundle/model.pt", "bundle/manifest.json"})
            QVERIFY2(fs::exists(fs::path(v.dir) / f), (v.dir + "/" + f).c_str());
        QVERIFY(v.graphHash.size() == 64);
        QCOMPARE(v.graphHash, versions[0].graphHash); // one graph
        QVERIFY(!v.testSha256.empty());
        QCOMPARE(v.testSha256, versions[0].testSha256);
        QVERIFY(v.settings.contains("training") && !v.settings.contains("graph") && !v.settings.contains("ui"));
        QCOMPARE(v.test.samples, 128);
        QCOMPARE(v.feedback.samples, 0); // no feedback yet
    }
    // Lineage and what the run saw, from run.json.
    QCOMPARE(QString::fromStdString(versions[0].parent), QString());
    QCOMPARE(QString::fromStdString(versions[2].parent), QString("v1"));
    QCOMPARE(versions[2].feedbackItems, (std::vector<std::string>{"item-a", "item-b"}));
    QCOMPARE(QString::fromStdString(versions[2].dataSha256), QString("abc"));
    QCOMPARE(QString::fromStdString(v3.runDir),
             QString::fromStdString(fs::absolute(m_child).lexically_normal().string()));

    // The test figures are the run's own evaluation on the test split.
    const Evaluation weak = evaluateRun(m_weak, "best", "cpu");
    const Evaluation strong = evaluateRun(m_strong, "best", "cpu");
    QVERIFY(std::abs(versions[0].test.accuracy - weak.accuracy) < 1e-9);
    QVERIFY(std::abs(versions[1].test.accuracy - strong.accuracy) < 1e-9);
    QVERIFY2(strong.accuracy > weak.accuracy,
             qPrintable(QString("strong %1, weak %2").arg(strong.accuracy).arg(weak.accuracy)));

    const auto history = registryHistory(m_project);
    QCOMPARE(int(history.size()), 3);
    QCOMPARE(QString::fromStdString(history[0].action), QString("register"));
    QCOMPARE(QString::fromStdString(history[1].previous), QString("v1"));

    const LoopStatus loop = loopStatus(m_project);
    QCOMPARE(loop.versions, 3);
    QCOMPARE(QString::fromStdString(loop.current), QString("v1"));
    QCOMPARE(int(loop.items), 0);
}

void TestVersions::compareAgreesWithTheEvaluations()
{
    const VersionComparison c = compareVersions(m_project, "v1", "v2");
    QCOMPARE(QString::fromStdString(c.a.id), QString("v1"));
    QVERIFY(c.sameTestSplit);
    QCOMPARE(c.testA.samples, 128);
    QCOMPARE(c.testB.samples, 128);
    QVERIFY(std::abs(c.testA.accuracy - c.a.test.accuracy) < 1e-9);
    QVERIFY(std::abs(c.testB.accuracy - c.b.test.accuracy) < 1e-9);
    // Fixed and broken are the samples whose correctness changed, nothing else.
    QCOMPARE(int64_t(c.newlyFixed.size()) - int64_t(c.newlyBroken.size()), c.testB.correct - c.testA.correct);
    QVERIFY(!c.newlyFixed.empty());
    for (int i : c.newlyFixed)
        QVERIFY(c.testA.predictions[i] != c.testA.labels[i] && c.testB.predictions[i] == c.testB.labels[i]);
    for (int i : c.newlyBroken)
        QVERIFY(c.testA.predictions[i] == c.testA.labels[i] && c.testB.predictions[i] != c.testB.labels[i]);
    // The confusion difference: each row keeps its support.
    QCOMPARE(int(c.confusionDelta.size()), 4);
    int64_t diagonal = 0;
    for (size_t t = 0; t < 4; ++t) {
        int64_t row = 0;
        for (size_t q = 0; q < 4; ++q)
            row += c.confusionDelta[t][q];
        QCOMPARE(row, int64_t(0));
        diagonal += c.confusionDelta[t][t];
    }
    QCOMPARE(diagonal, c.testB.correct - c.testA.correct);
    QCOMPARE(int(c.classes.size()), 4);
    QCOMPARE(QString::fromStdString(c.classes[2].name), QString("two"));
    QVERIFY(std::isfinite(c.latencyMsA) && c.latencyMsA > 0 && c.latencyMsB > 0);
    QVERIFY(c.bytesA > 0 && c.bytesA == c.bytesB);
    QVERIFY(c.paramsA > 0 && c.paramsA == c.paramsB);
    QCOMPARE(c.feedbackA.samples, 0);
    QVERIFY(c.feedbackFixed.empty() && c.feedbackBroken.empty());
}

void TestVersions::gatePassesFailsAndOverrides()
{
    Project p = m_project;
    // Defaults: feedback must rise, and there is no feedback set: that rule fails saying why.
    GateResult g = checkGate(p, "v2", "v1");
    QVERIFY(!g.passed);
    QCOMPARE(int(g.rules.size()), 2);
    QVERIFY(g.rules[0].passed); // v2 is better on the test split
    QCOMPARE(QString::fromStdString(g.rules[1].name), QString("feedback_must_rise"));
    QVERIFY2(containsCI(g.rules[1].text.str(), "no feedback set"), g.rules[1].text.str().c_str());

    p.gate.feedbackMustRise = false;
    g = checkGate(p, "v2", "v1");
    QVERIFY(g.passed);
    QCOMPARE(int(g.rules.size()), 1);
    QVERIFY2(containsCI(g.rules[0].text.str(), "test accuracy"), g.rules[0].text.str().c_str());

    // The weak version against the strong one: the drop is larger than allowed.
    const double drop = (findVersion(p, "v2").test.accuracy - findVersion(p, "v1").test.accuracy) * 100;
    p.gate.maxTestDrop = drop / 2;
    g = checkGate(p, "v1", "v2");
    QVERIFY(!g.passed);
    QVERIFY2(containsCI(g.rules[0].text.str(), "at most"), g.rules[0].text.str().c_str());
    p.gate.maxTestDrop = std::min(100.0, drop + 0.01);
    QVERIFY(checkGate(p, "v1", "v2").passed);
}

void TestVersions::promoteAndRollbackInSequence()
{
    // The default gate fails (no feedback set): nothing changes without an override.
    const std::string refused = thrownBy([&] { promoteVersion(m_project, "v2", "better on test"); });
    QVERIFY2(containsCI(refused, "gate") && containsCI(refused, "no feedback set"), refused.c_str());
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v1"));
    QCOMPARE(int(registryHistory(m_project).size()), 3);

    const std::string noReason = thrownBy([&] { promoteVersion(m_project, "v2", "  ", true); });
    QVERIFY2(containsCI(noReason, "reason"), noReason.c_str());

    const GateResult gate = promoteVersion(m_project, "v2", "better on test", true);
    QVERIFY(!gate.passed);
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v2"));
    auto history = registryHistory(m_project);
    QCOMPARE(QString::fromStdString(history.back().action), QString("promote"));
    QCOMPARE(QString::fromStdString(history.back().previous), QString("v1"));
    QCOMPARE(QString::fromStdString(history.back().reason), QString("better on test"));
    QVERIFY(history.back().override);
    QCOMPARE(history.back().gate.value("passed", true), false);

    const std::string again = thrownBy([&] { promoteVersion(m_project, "v2", "again", true); });
    QVERIFY2(containsCI(again, "current version already"), again.c_str());

    // A gate that passes is recorded without an override.
    Project lenient = m_project;
    lenient.gate.feedbackMustRise = false;
    lenient.gate.maxTestDrop = 100;
    QVERIFY(promoteVersion(lenient, "v3", "fine-tuned", false).passed);
    history = registryHistory(m_project);
    QVERIFY(!history.back().override);

    // promote v2, promote v3, rollback -> v2, rollback -> v1.
    QCOMPARE(QString::fromStdString(rollbackVersion(m_project, "v3 misbehaves")), QString("v2"));
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v2"));
    QCOMPARE(QString::fromStdString(rollbackVersion(m_project, "back to the start")), QString("v1"));
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v1"));
    const std::string nothing = thrownBy([&] { rollbackVersion(m_project, "once more"); });
    QVERIFY2(containsCI(nothing, "nothing to roll back"), nothing.c_str());
    const std::string noWhy = thrownBy([&] { rollbackVersion(m_project, ""); });
    QVERIFY2(containsCI(noWhy, "reason"), noWhy.c_str());
    history = registryHistory(m_project);
    QCOMPARE(QString::fromStdString(history.back().action), QString("rollback"));
    QCOMPARE(QString::fromStdString(history.back().previous), QString("v2"));
    QCOMPARE(QString::fromStdString(history.back().reason), QString("back to the start"));
}

void TestVersions::damagedFilesAreRefusedNamingThem()
{
    const VersionInfo v2 = findVersion(m_project, "v2");
    const std::string versionFile = v2.dir + "/version.json";
    const QByteArray original = testhelpers::readFileBytes(versionFile);
    QByteArray changed = original;
    changed.replace("\"checkpoint\": \"best\"", "\"checkpoint\": \"last\"");
    QVERIFY(changed != original);
    QVERIFY(testhelpers::writeFileBytes(versionFile, changed));
    std::string why = thrownBy([&] { listVersions(m_project); });
    QVERIFY2(why.find(versionFile) != std::string::npos && containsCI(why, "damaged"), why.c_str());
    QVERIFY(testhelpers::writeFileBytes(versionFile, original));
    QCOMPARE(int(listVersions(m_project).size()), 3);

    const std::string registry = versionsDir(m_project) + "/registry.json";
    const QByteArray reg = testhelpers::readFileBytes(registry);
    QByteArray edited = reg;
    edited.replace("\"current\": \"v1\"", "\"current\": \"v3\"");
    QVERIFY(edited != reg);
    QVERIFY(testhelpers::writeFileBytes(registry, edited));
    why = thrownBy([&] { currentVersion(m_project); });
    QVERIFY2(why.find(registry) != std::string::npos && containsCI(why, "damaged"), why.c_str());
    QVERIFY(testhelpers::writeFileBytes(registry, QByteArray("{\"format\": ")));
    why = thrownBy([&] { registryHistory(m_project); });
    QVERIFY2(why.find(registry) != std::string::npos, why.c_str());
    QVERIFY(testhelpers::writeFileBytes(registry, reg));
    QCOMPARE(QString::fromStdString(currentVersion(m_project)->id), QString("v1"));
}

// Corrections on 40 test samples, all held out: the feedback set. Both versions are measured on
// it now; the better one passes feedback_must_rise, the other fails it, and the figures agree
// with the test-split predictions on those samples.
void TestVersions::feedbackSetDecidesTheGate()
{
    Project p = m_project;
    p.finetune.holdout = 1; // every reviewed item is in the feedback set
    p.gate.maxTestDrop = 100;
    const RawSplit test = datasetFormat(p).reader->test(p, {});
    const VersionInfo v1 = findVersion(p, "v1");
    constexpr int kItems = 40;
    FeedbackStore store(feedbackDir(p));
    const QString inputs = m_tmp.filePath("feedback_inputs");
    QVERIFY(QDir().mkpath(inputs));
    for (int i = 0; i < kItems; ++i) {
        // A float .npy is taken as preprocessed: written as v1's model takes the sample.
        const std::string file = (inputs + QString("/test%1.npy").arg(i)).toStdString();
        writeNpy(file, preprocessStored(test.inputs.slice(0, i, i + 1), v1.preprocessing, false)[0]);
        const int label = int(test.labels[i].item<int64_t>());
        store.addCorrection(file, label, p.dataset.classNames[size_t(label)]);
    }

    const GateResult up = checkGate(p, "v2", "v1");
    QCOMPARE(int(up.rules.size()), 2);
    QVERIFY2(up.rules[1].passed, up.rules[1].text.str().c_str());
    QVERIFY2(containsCI(up.rules[1].text.str(), "feedback-set accuracy")
                 && containsCI(up.rules[1].text.str(), "on 40 item(s)"),
             up.rules[1].text.str().c_str());
    QVERIFY(up.passed);
    const GateResult down = checkGate(p, "v1", "v2");
    QVERIFY(!down.rules[1].passed && !down.passed);

    const VersionComparison c = compareVersions(p, "v1", "v2");
    QCOMPARE(c.feedbackA.samples, kItems);
    QCOMPARE(c.feedbackB.samples, kItems);
    int rightA = 0, rightB = 0;
    for (int i = 0; i < kItems; ++i) {
        rightA += c.testA.predictions[size_t(i)] == c.testA.labels[size_t(i)];
        rightB += c.testB.predictions[size_t(i)] == c.testB.labels[size_t(i)];
    }
    QCOMPARE(int(std::lround(c.feedbackA.accuracy * kItems)), rightA);
    QCOMPARE(int(std::lround(c.feedbackB.accuracy * kItems)), rightB);
    QCOMPARE(int(c.feedbackFixed.size()) - int(c.feedbackBroken.size()), rightB - rightA);
    QVERIFY(!c.feedbackFixed.empty());
    QVERIFY(store.find(c.feedbackFixed.front()).has_value());
    QVERIFY(c.gate.passed);

    // A version registered now records its figures on the feedback set.
    const VersionInfo v4 = registerVersion(p, m_strong);
    QCOMPARE(v4.feedback.samples, kItems);
    QCOMPARE(v4.feedback.accuracy, c.feedbackB.accuracy);
    const LoopStatus loop = loopStatus(p);
    QCOMPARE(loop.versions, 4);
    QCOMPARE(int(loop.items), kItems);
    QCOMPARE(int(loop.reviewed), kItems);
    QCOMPARE(int(loop.unreviewed), 0);
    QCOMPARE(int(loop.sinceCurrent), kItems); // v1's training saw none of them
}

void TestVersions::refusesWhatCannotBeAVersion()
{
    Project unsaved = m_project;
    unsaved.filePath.clear();
    std::string why = thrownBy([&] { listVersions(unsaved); });
    QVERIFY2(containsCI(why, "not been saved"), why.c_str());

    why = thrownBy([&] { findVersion(m_project, "v9"); });
    QVERIFY2(containsCI(why, "no version 'v9'") && containsCI(why, "registry.json"), why.c_str());

    why = thrownBy([&] { registerVersion(m_project, m_tmp.filePath("nowhere").toStdString()); });
    QVERIFY2(containsCI(why, "not a run folder"), why.c_str());

    // A run of another project (another file name).
    Project other = m_project;
    other.name = "Other";
    QVERIFY(QDir().mkpath(m_tmp.filePath("other")));
    saveProjectFile(other, m_tmp.filePath("other/other.json").toStdString());
    why = thrownBy([&] { registerVersion(other, m_weak); });
    QVERIFY2(containsCI(why, "another project"), why.c_str());
    QVERIFY(!fs::exists(versionsDir(other) + "/v1"));
}

void TestVersions::finetuneRequestStartsFromTheVersion()
{
    Project p = m_project;
    p.finetune.epochs = 2;
    p.finetune.lr = 3e-4;
    p.finetune.frozen = {"conv1"};
    p.finetune.feedbackWeight = 4;
    const TrainRequest r = finetuneRequest(p);
    const VersionInfo current = *currentVersion(p);
    QVERIFY(r.project.pretrain.enabled);
    QCOMPARE(r.project.pretrain.source, current.checkpointPath());
    QCOMPARE(r.project.pretrain.frozen, (std::vector<std::string>{"conv1"}));
    QCOMPARE(r.project.training.epochs, 2);
    QCOMPARE(r.project.training.optimizer.lr, 3e-4);
    QVERIFY(r.finetune.has_value());
    QCOMPARE(QString::fromStdString(r.finetune->parentVersion), QString::fromStdString(current.id));
    QCOMPARE(r.finetune->feedbackWeight, 4.0);
    QCOMPARE(QString::fromStdString(r.finetune->feedbackDir), QString::fromStdString(feedbackDir(p)));
    QCOMPARE(QString::fromStdString(finetuneRequest(p, "v2", "/elsewhere").finetune->feedbackDir),
             QString("/elsewhere"));

    Project empty = copyIn(m_project, m_tmp.filePath("no_versions"));
    const std::string why = thrownBy([&] { finetuneRequest(empty); });
    QVERIFY2(containsCI(why, "no model versions"), why.c_str());
}

// A csv regression (sklearn's Boston table): versions carry R^2 and MAE, measured as evaluateRun
// measures them, and the gate compares R^2 x 100.
void TestVersions::regressionVersionsUseR2()
{
    Project p;
    p.name = "table";
    p.dataset.kind = "csv";
    p.dataset.path = "/usr/lib/python3/dist-packages/sklearn/datasets/data";
    p.dataset.csv.file = "boston_house_prices.csv";
    p.dataset.csv.target = "MEDV";
    p.dataset.csv.task = "regression";
    p.dataset.sampleShape = {13};
    p.dataset.numClasses = 1;
    p.dataset.validationFraction = 0.1;
    p.training.loss = "mse";
    p.training.batchSize = 32;
    p.training.optimizer.lr = 0.01;
    p.graph = testhelpers::chainGraph(
        {{"Linear", {{"out_features", 16}}}, {"ReLU", nullptr}, {"Linear", {{"out_features", 1}}}});
    QVERIFY(QDir().mkpath(m_tmp.filePath("table")));
    saveProjectFile(p, m_tmp.filePath("table/table.json").toStdString());
    const std::string few = trainRun(p, m_tmp.filePath("table/runs"), 1, 2);
    const std::string more = trainRun(p, m_tmp.filePath("table/runs"), 20, std::nullopt);
    QVERIFY(!few.empty() && !more.empty());
    const VersionInfo v1 = registerVersion(p, few);
    const VersionInfo v2 = registerVersion(p, more);
    QVERIFY(v1.regression && v2.regression);
    QVERIFY(std::isnan(v2.test.accuracy));
    const Evaluation ev = evaluateRun(more, "best", "cpu");
    QVERIFY2(std::abs(v2.test.r2 - ev.r2) < 1e-6, qPrintable(QString("%1 vs %2").arg(v2.test.r2).arg(ev.r2)));
    QVERIFY(std::abs(v2.test.mae - ev.mae) < 1e-5);
    QCOMPARE(v2.test.samples, ev.samples);

    p.gate.feedbackMustRise = false;
    const GateResult g = checkGate(p, "v2", "v1");
    QCOMPARE(int(g.rules.size()), 1);
    QVERIFY2(containsCI(g.rules[0].text.str(), "test R^2"), g.rules[0].text.str().c_str());
    QCOMPARE(g.passed, v2.test.r2 - v1.test.r2 >= -0.005);
    const VersionComparison c = compareVersions(p, "v1", "v2");
    QVERIFY(c.testB.regression && std::abs(c.testB.r2 - ev.r2) < 1e-6);
    QVERIFY(c.classes.empty() && c.newlyFixed.empty() && c.newlyBroken.empty());
}

void TestVersions::crashAtEveryPointLeavesAWholeRegistry_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("point");
    for (const char *point : {"versions:before-folder", "versions:after-folder", "versions:before-registry"})
        QTest::newRow(qPrintable(QString("register at ") + point)) << "register" << point;
    QTest::newRow("promote at versions:before-registry") << "promote"
                                                         << "versions:before-registry";
    QTest::newRow("rollback at versions:before-registry") << "rollback"
                                                          << "versions:before-registry";
}

void TestVersions::crashAtEveryPointLeavesAWholeRegistry()
{
    QFETCH(QString, action);
    QFETCH(QString, point);
    const QString dir = m_tmp.filePath("crash-" + QString(QTest::currentDataTag()).replace(' ', '_').replace(':', '_'));
    Project p = copyIn(m_project, dir);
    const QString file = QString::fromStdString(p.filePath);
    // The state before: v1 current, v2 promoted over it (so there is something to roll back).
    registerVersion(p, m_weak);
    registerVersion(p, m_strong);
    promoteVersion(p, "v2", "setup", true);
    const auto before = listVersions(p);
    const auto historyBefore = registryHistory(p);

    QStringList args;
    if (action == "register")
        args = {"versions", file, "register", QString::fromStdString(m_child)};
    else if (action == "promote")
        args = {"promote", file, "v1", "--reason", "crash test", "--override"};
    else
        args = {"rollback", file, "--reason", "crash test"};
    const Crash c = runCli(args, point);
    QVERIFY2(c.killed, c.output.constData());

    // Old state or new state, never a half: every listed version readable, one current.
    const auto after = listVersions(p);
    const auto current = currentVersion(p);
    QVERIFY(current.has_value());
    const auto history = registryHistory(p);
    if (action == "register") {
        const bool folderIn = point != "versions:before-folder";
        QCOMPARE(ids(after), folderIn ? (std::vector<std::string>{"v1", "v2", "v3"}) : ids(before));
        QCOMPARE(QString::fromStdString(current->id), QString("v2")); // a registration changes nothing current
        QCOMPARE(history.size(), historyBefore.size());               // its registry entry never arrived
    } else {
        QCOMPARE(ids(after), ids(before));
        QCOMPARE(QString::fromStdString(current->id), QString("v2"));
        QCOMPARE(history.size(), historyBefore.size());
    }
    // Nothing half-written is left where it counts, and the next step works.
    Crash next = runCli({"versions", file, "register", QString::fromStdString(m_child)}, {});
    QVERIFY2(next.exitCode == 0 && !next.killed, next.output.constData());
    const auto finally = listVersions(p);
    QCOMPARE(QString::fromStdString(finally.back().id), QString("v%1").arg(after.size() + 1));
    for (const auto &entry : fs::directory_iterator(versionsDir(p)))
        QVERIFY2(entry.path().filename().string().find(".partial-") == std::string::npos
                     && entry.path().filename().string().find(".tmp-") == std::string::npos,
                 entry.path().string().c_str());
    next = runCli({"promote", file, "v1", "--reason", "after the crash", "--override"}, {});
    QVERIFY2(next.exitCode == 0, next.output.constData());
    QCOMPARE(QString::fromStdString(currentVersion(p)->id), QString("v1"));
    next = runCli({"rollback", file, "--reason", "after the crash"}, {});
    QVERIFY2(next.exitCode == 0, next.output.constData());
    QCOMPARE(QString::fromStdString(currentVersion(p)->id), QString("v2"));
}

QTEST_GUILESS_MAIN(TestVersions)
#include "tst_versions.moc"
