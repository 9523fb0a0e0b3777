// Knowledge distillation (compress.h, /distill settings): the loss against a hand computation in
// double precision on a fixed batch; a few-batch distillation run from a teacher run on tiny
// synthetic data writes both loss parts to metrics.jsonl with total = alpha * soft + (1 - alpha)
// * hard, records "compression" in run.json and resumes; a teacher whose output or sample shape
// differs from the student's is refused naming it and both shapes, when the request is made, by
// analyzeProject() and at train time; a teacher needs the cross_entropy loss; the CLI's distill
// command trains and prints both parts, and refuses a bad teacher path and a bad alpha with a
// non-zero exit.

#include "testhelpers.h"

#include "distill.h"
#include "losses.h"

#include "torchwright/compress.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace torchwright;
using testhelpers::requestFor;
using testhelpers::sourcePath;
using Kind = TrainingEvent::Kind;
using Status = TrainingEvent::Status;
using nlohmann::json;

namespace {

const std::string kTiny = "tests/data/tiny_synthetic/project.json";

json readJson(const std::string &path)
{
    std::ifstream in(path);
    return json::parse(in);
}

std::vector<json> metricsLines(const std::string &runDir)
{
    std::vector<json> lines;
    std::ifstream in(runDir + "/metrics.jsonl");
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(json::parse(line));
    return lines;
}

// The tiny synthetic project with edits, written as a project file at `path`.
std::string writeProject(const std::string &path, const std::function<void(json &)> &edit)
{
    json j = readJson(sourcePath(kTiny));
    edit(j);
    std::ofstream(path) << j.dump(2) << "\n";
    return path;
}

json &node(json &project, const std::string &name)
{
    for (json &n : project["graph"]["nodes"])
        if (n["name"] == name)
            return n;
    throw std::runtime_error("no node " + name);
}

struct CliRun {
    int exitCode = -1;
    QByteArray output;
};

CliRun runCli(const QStringList &args, const QString &workDir)
{
    QProcess p;
    p.setProgram(QStringLiteral(TORCHWRIGHT_CLI));
    p.setArguments(args);
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start();
    CliRun r;
    if (!p.waitForStarted(30000) || !p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(10000);
        return r;
    }
    r.output = p.readAll();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

} // namespace

class TestDistill : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void lossEqualsHandComputation();
    void settingsAreOmittedByDefaultAndRoundTrip();
    void teacherNeedsCrossEntropy();
    void distillationRunWritesBothParts();
    void mismatchedTeacherIsRefused();
    void cliDistill();

private:
    QTemporaryDir m_tmp;
    std::string m_teacherRun;  // the tiny project trained 2 epochs
    std::string m_studentFile; // the tiny project with half the conv channels
    std::string path(const char *name) const { return m_tmp.filePath(QString::fromUtf8(name)).toStdString(); }
};

void TestDistill::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    configureThreads(1);
    ProjectLoad load = loadProjectFile(sourcePath(kTiny));
    QVERIFY2(load.ok(), testhelpers::describe(load.diagnostics).constData());
    TrainRequest req = requestFor(load.project, m_tmp.filePath("teacher_runs"));
    req.epochs = 2;
    const RunResult r = trainBlocking(req, {});
    QVERIFY2(r.status == Status::Completed, r.message.c_str());
    m_teacherRun = r.runDir;
    m_studentFile = writeProject(path("student.json"), [](json &j) {
        j["name"] = "Tiny student";
        node(j, "conv1")["params"]["out_channels"] = 2;
    });
}

// KL(softmax(t/T) || softmax(s/T)) * T^2 averaged over the batch, and the cross-entropy, computed
// here with explicit exp, sum and log in double precision.
void TestDistill::lossEqualsHandComputation()
{
    const std::vector<std::vector<double>> s = {{1.0, 2.0, 0.5, -1.0}, {0.3, -0.2, 2.5, 1.0}, {-1.5, 0.0, 0.7, 3.0}};
    const std::vector<std::vector<double>> t = {{2.0, 1.0, 0.0, -2.0}, {0.0, 0.5, 3.0, 0.2}, {-1.0, -1.0, 1.0, 2.5}};
    const std::vector<int64_t> labels = {1, 2, 0};
    const double alpha = 0.7, T = 3.0;

    auto softmax = [](const std::vector<double> &z, double temp) {
        std::vector<double> p(z.size());
        double sum = 0;
        for (size_t c = 0; c < z.size(); ++c)
            sum += std::exp(z[c] / temp);
        for (size_t c = 0; c < z.size(); ++c)
            p[c] = std::exp(z[c] / temp) / sum;
        return p;
    };
    double kl = 0, ce = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const std::vector<double> p = softmax(s[i], T), q = softmax(t[i], T), p1 = softmax(s[i], 1.0);
        for (size_t c = 0; c < p.size(); ++c)
            kl += q[c] * (std::log(q[c]) - std::log(p[c]));
        ce += -std::log(p1[size_t(labels[i])]);
    }
    const double soft = kl / double(s.size()) * T * T, hard = ce / double(s.size());
    const double total = alpha * soft + (1 - alpha) * hard;

    auto tensor = [](const std::vector<std::vector<double>> &rows, torch::Dtype type) {
        std::vector<double> flat;
        for (const auto &r : rows)
            flat.insert(flat.end(), r.begin(), r.end());
        return torch::tensor(flat, torch::kFloat64).reshape({int64_t(rows.size()), -1}).to(type);
    };
    const torch::Tensor y = torch::tensor(labels, torch::kInt64);
    {
        const DistillationLoss d =
            distillationLoss(tensor(s, torch::kFloat64), tensor(t, torch::kFloat64), y, alpha, T);
        QVERIFY2(std::abs(d.soft.item<double>() - soft) < 1e-12, QByteArray::number(d.soft.item<double>(), 'g', 17));
        QVERIFY2(std::abs(d.hard.item<double>() - hard) < 1e-12, QByteArray::number(d.hard.item<double>(), 'g', 17));
        QVERIFY2(std::abs(d.total.item<double>() - total) < 1e-12, QByteArray::number(d.total.item<double>(), 'g', 17));
        QVERIFY(soft > 0.01 && hard > 0.1); // a batch where both parts matter
    }
    {
        // Training's float32, and the teacher gets no gradient.
        torch::Tensor student = tensor(s, torch::kFloat32).requires_grad_(true);
        torch::Tensor teacher = tensor(t, torch::kFloat32).requires_grad_(true);
        const DistillationLoss d = distillationLoss(student, teacher, y, alpha, T);
        QVERIFY(std::abs(d.total.item<double>() - total) < 1e-5);
        d.total.backward();
        QVERIFY(student.grad().defined() && student.grad().abs().sum().item<double>() > 0);
        QVERIFY(!teacher.grad().defined());
    }
    // alpha 0 is plain cross-entropy, alpha 1 the soft part alone.
    QVERIFY(std::abs(
                distillationLoss(tensor(s, torch::kFloat64), tensor(t, torch::kFloat64), y, 0.0, T).total.item<double>()
                - hard)
            < 1e-12);
    QVERIFY(std::abs(
                distillationLoss(tensor(s, torch::kFloat64), tensor(t, torch::kFloat64), y, 1.0, T).total.item<double>()
                - soft)
            < 1e-12);
    // A teacher that agrees with the student adds nothing.
    QVERIFY(
        std::abs(
            distillationLoss(tensor(s, torch::kFloat64), tensor(s, torch::kFloat64), y, 1.0, T).total.item<double>())
        < 1e-12);
}

void TestDistill::settingsAreOmittedByDefaultAndRoundTrip()
{
    ProjectLoad plain = loadProjectFile(sourcePath(kTiny));
    QVERIFY(plain.ok());
    QVERIFY(!plain.project.distill.enabled());
    QVERIFY(!projectToJson(plain.project).contains("distill")); // files of projects without it stay as they were

    const std::string file = writeProject(path("roundtrip.json"), [](json &j) {
        j["distill"] = {{"teacher", "runs/teacher"}, {"checkpoint", "last"}, {"alpha", 0.8}, {"temperature", 2.5}};
    });
    ProjectLoad load = loadProjectFile(file);
    QVERIFY2(load.ok(), testhelpers::describe(load.diagnostics).constData());
    QCOMPARE(load.project.distill.teacher, std::string("runs/teacher"));
    QCOMPARE(load.project.distill.checkpoint, std::string("last"));
    QCOMPARE(load.project.distill.alpha, 0.8);
    QCOMPARE(load.project.distill.temperature, 2.5);
    // Saved elsewhere, the teacher still names the same folder.
    QDir().mkpath(m_tmp.filePath("sub"));
    Project moved = relocatedProject(load.project, path("sub/moved.json"));
    QCOMPARE(moved.distill.teacher, std::string("../runs/teacher"));

    for (const auto &[key, value] :
         std::vector<std::pair<std::string, json>>{{"alpha", 1.5}, {"temperature", 0}, {"checkpoint", "first"}}) {
        const std::string bad = writeProject(path("bad.json"), [&](json &j) {
            j["distill"] = {{"teacher", "x"}, {key, value}};
        });
        ProjectLoad b = loadProjectFile(bad);
        QVERIFY2(testhelpers::findError(b.diagnostics, {})
                     && b.diagnostics.format().find("/distill/" + key) != std::string::npos,
                 b.diagnostics.format().c_str());
    }
}

void TestDistill::teacherNeedsCrossEntropy()
{
    const std::string file = writeProject(path("mse.json"), [&](json &j) {
        j["training"]["loss"] = "mse";
        j["distill"] = {{"teacher", m_teacherRun}};
    });
    ProjectLoad load = loadProjectFile(file);
    const Diagnostic *e = testhelpers::findError(load.diagnostics, {"cross_entropy", "mse"});
    QVERIFY2(e, load.diagnostics.format().c_str());
    QCOMPARE(e->where, std::string("/distill/teacher"));
}

void TestDistill::distillationRunWritesBothParts()
{
    const double alpha = 0.7, T = 3.0;
    TrainRequest req = distillRequest(m_teacherRun, m_studentFile, alpha, T);
    QCOMPARE(req.project.distill.alpha, alpha);
    QCOMPARE(req.project.distill.temperature, T);
    QVERIFY(!QDir::isAbsolutePath(QString::fromStdString(req.project.distill.teacher))); // relative to the project
    req.runsDir = path("student_runs");
    req.device = std::string("cpu");
    req.threads = 1;
    req.epochs = 2;
    req.batchLimit = 3;
    std::vector<TrainingEvent> events;
    const RunResult r = trainBlocking(req, [&](const TrainingEvent &e) { events.push_back(e); });
    QVERIFY2(r.status == Status::Completed, r.message.c_str());

    // Events and metrics.jsonl carry both parts, and they make up the loss.
    int batches = 0, epochs = 0;
    for (const TrainingEvent &e : events) {
        if (e.kind != Kind::Batch && e.kind != Kind::Epoch)
            continue;
        QVERIFY(std::isfinite(e.softLoss) && std::isfinite(e.hardLoss));
        QVERIFY(std::abs(e.loss - (alpha * e.softLoss + (1 - alpha) * e.hardLoss)) < 1e-5 * std::max(1.0, e.loss));
    }
    for (const json &line : metricsLines(r.runDir)) {
        const std::string kind = line.value("event", "");
        if (kind != "batch" && kind != "epoch")
            continue;
        (kind == "batch" ? batches : epochs)++;
        QVERIFY2(line.contains("soft_loss") && line.contains("hard_loss"), line.dump().c_str());
        const double soft = line["soft_loss"], hard = line["hard_loss"], loss = line["loss"];
        QVERIFY(soft > 0 && hard > 0);
        QVERIFY2(std::abs(loss - (alpha * soft + (1 - alpha) * hard)) < 1e-5 * std::max(1.0, loss),
                 line.dump().c_str());
        const TrainingEvent back = TrainingEvent::fromJson(line);
        QCOMPARE(back.softLoss, soft);
        QCOMPARE(back.hardLoss, hard);
    }
    QCOMPARE(batches, 6);
    QCOMPARE(epochs, 2);
    // Validation stays plain cross-entropy: comparable with the student trained alone.
    const std::vector<TrainingEvent> recorded = readMetrics(r.runDir);
    QVERIFY(std::any_of(recorded.begin(), recorded.end(), [](const TrainingEvent &e) {
        return e.kind == Kind::Log && e.message.find("computed once") != std::string::npos;
    }));

    const json run = readJson(r.runDir + "/run.json");
    QVERIFY2(run.contains("compression"), run.dump(2).c_str());
    const json &c = run["compression"];
    QCOMPARE(c["method"].get<std::string>(), std::string("distill"));
    QCOMPARE(c["source_run"].get<std::string>(), m_teacherRun);
    QCOMPARE(c["alpha"].get<double>(), alpha);
    QCOMPARE(c["temperature"].get<double>(), T);
    QCOMPARE(c["teacher_logits"].get<std::string>(), std::string("cached"));
    // conv1 4 -> 2 channels: 1*4*9+4 + 4*16*4+4 = 300 against 1*2*9+2 + 2*16*4+4 = 152.
    QCOMPARE(c["teacher_parameters"].get<int64_t>(), int64_t(300));
    QCOMPARE(c["student_parameters"].get<int64_t>(), int64_t(152));

    // Resume: a third epoch continues with the teacher from the run's own project copy.
    TrainRequest resume;
    resume.resumeRun = r.runDir;
    resume.device = std::string("cpu");
    resume.threads = 1;
    resume.epochs = 3;
    resume.batchLimit = 3;
    std::vector<TrainingEvent> more;
    const RunResult r2 = trainBlocking(resume, [&](const TrainingEvent &e) { more.push_back(e); });
    QVERIFY2(r2.status == Status::Completed, r2.message.c_str());
    QCOMPARE(r2.epochsCompleted, 3);
    int partsAfterResume = 0;
    for (const TrainingEvent &e : more)
        if (e.kind == Kind::Epoch && e.epoch == 3 && std::isfinite(e.softLoss) && std::isfinite(e.hardLoss))
            ++partsAfterResume;
    QCOMPARE(partsAfterResume, 1);

    // A run without a teacher writes no parts.
    ProjectLoad plain = loadProjectFile(sourcePath(kTiny));
    TrainRequest p = requestFor(plain.project, m_tmp.filePath("plain_runs"));
    p.epochs = 1;
    p.batchLimit = 2;
    const RunResult rp = trainBlocking(p, {});
    QVERIFY2(rp.status == Status::Completed, rp.message.c_str());
    for (const json &line : metricsLines(rp.runDir))
        QVERIFY2(!line.contains("soft_loss") && !line.contains("hard_loss"), line.dump().c_str());
    QVERIFY(!readJson(rp.runDir + "/run.json").contains("compression"));
}

void TestDistill::mismatchedTeacherIsRefused()
{
    // Three classes against the teacher's four.
    const std::string three = writeProject(path("three.json"), [](json &j) {
        j["dataset"]["num_classes"] = 3;
        j["dataset"]["class_names"] = {"zero", "one", "two"};
        node(j, "fc")["params"]["out_features"] = 3;
    });
    try {
        distillRequest(m_teacherRun, three);
        QFAIL("a teacher with four outputs taught a student with three");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        QVERIFY2(m.find(m_teacherRun) != std::string::npos && m.find("gives 4") != std::string::npos
                     && m.find("gives 3") != std::string::npos && m.find("/distill/teacher") != std::string::npos,
                 m.c_str());
    }
    // Another sample shape.
    const std::string wide = writeProject(path("wide.json"), [](json &j) {
        j["dataset"]["sample_shape"] = {1, 10, 10};
    });
    try {
        distillRequest(m_teacherRun, wide);
        QFAIL("a teacher for 1x8x8 samples taught a student of 1x10x10");
    } catch (const EngineError &e) {
        const std::string m = e.what();
        QVERIFY2(m.find(m_teacherRun) != std::string::npos && m.find("1x8x8") != std::string::npos
                     && m.find("1x10x10") != std::string::npos,
                 m.c_str());
    }
    // At train time too: a project that names the teacher itself fails with the same words.
    ProjectLoad load = loadProjectFile(three);
    QVERIFY(load.ok());
    load.project.distill.teacher = m_teacherRun;
    // analyzeProject() reports it with the project's other problems (the studio, validate).
    const GraphAnalysis analysis = analyzeProject(load.project);
    const Diagnostic *shown = testhelpers::findError(analysis.diagnostics, {m_teacherRun, "gives 4", "gives 3"});
    QVERIFY2(shown && shown->where == "/distill/teacher", analysis.diagnostics.format().c_str());
    std::vector<TrainingEvent> events;
    const RunResult r = trainBlocking(requestFor(load.project, m_tmp.filePath("mismatch_runs")),
                                      [&](const TrainingEvent &e) { events.push_back(e); });
    QCOMPARE(r.status, Status::Failed);
    QVERIFY2(r.message.find(m_teacherRun) != std::string::npos && r.message.find("gives 4") != std::string::npos,
             r.message.c_str());
    // A folder that is not there.
    load.project.distill.teacher = path("no_such_run");
    const RunResult missing = trainBlocking(requestFor(load.project, m_tmp.filePath("missing_runs")), {});
    QCOMPARE(missing.status, Status::Failed);
    QVERIFY2(missing.message.find("no_such_run") != std::string::npos, missing.message.c_str());
}

void TestDistill::cliDistill()
{
    const QString out = m_tmp.filePath("cli_runs");
    CliRun ok = runCli({"distill", QString::fromStdString(m_teacherRun), QString::fromStdString(m_studentFile),
                        "--alpha", "0.8", "--temperature", "2", "--epochs", "1", "--batch-limit", "2", "--device",
                        "cpu", "--threads", "1", "--out", out},
                       m_tmp.path());
    QVERIFY2(ok.exitCode == 0, ok.output.constData());
    QVERIFY2(ok.output.contains("epoch 1/1  loss") && ok.output.contains("(soft ") && ok.output.contains(", hard "),
             ok.output.constData());
    const QStringList runs = QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(runs.size(), 1);
    const json run = readJson((out + "/" + runs[0] + "/run.json").toStdString());
    QCOMPARE(run["compression"]["alpha"].get<double>(), 0.8);
    QCOMPARE(run["compression"]["temperature"].get<double>(), 2.0);
    // The student's project file is not changed.
    QVERIFY(!loadProjectFile(m_studentFile).project.distill.enabled());

    CliRun bad = runCli({"distill", m_tmp.filePath("no_such_run"), QString::fromStdString(m_studentFile), "--out", out},
                        m_tmp.path());
    QVERIFY2(bad.exitCode == 1 && bad.output.contains("no_such_run") && bad.output.contains("teacher"),
             bad.output.constData());
    CliRun alpha = runCli({"distill", QString::fromStdString(m_teacherRun), QString::fromStdString(m_studentFile),
                           "--alpha", "1.5", "--out", out},
                          m_tmp.path());
    QVERIFY2(alpha.exitCode != 0 && alpha.output.contains("--alpha"), alpha.output.constData());
    CliRun usage = runCli({"distill", QString::fromStdString(m_teacherRun)}, m_tmp.path());
    QVERIFY2(usage.exitCode == 2 && usage.output.contains("usage: torchwright-cli distill"), usage.output.constData());
    QCOMPARE(QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1); // nothing started
}

QTEST_GUILESS_MAIN(TestDistill)
#include "tst_distill.moc"
