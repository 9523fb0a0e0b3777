// Runs that come back from a cluster, end to end with the real tools. The Fashion-MNIST CNN is
// trained briefly by the engine and exported as a PyTorch program; its train.sbatch runs (srun and
// scontrol stood in for) Debian's torchrun, which runs train.py in two CPU processes (gloo) on a
// few training samples, writing a run folder (--run-dir); torchwright-cli import-run makes that
// folder a run of the project.
//
// - The imported run's metrics.jsonl is the program's, line for line, and reads back as the same
//   curves; status, epochs and best epoch are the program's record's; last.pt and best.pt hold the
//   program's tensors exactly (in the engine's checkpoint format).
// - evaluate on the imported last checkpoint counts the hits the program counted on the test split
//   after its last epoch, with the loss within 1e-4; export and versions register take the run.
// - SIGTERM stops the program with the status "stopped"; early stopping ends it "early_stopped"
//   with best.pt from the best epoch by the engine's rule; a program killed without its finished
//   line imports as stopped.
// - Refused with a message naming the file and line or tensor, and nothing left in runs/: a missing
//   folder, no program_run.json, no metrics.jsonl, a torn or invalid line, a record of another
//   format, a checkpoint of another layer graph (a missing tensor, another shape), a recorded
//   project that is not on this machine.
// - The export's train.sbatch passes bash -n and pytorchjob.yaml, read by yaml.safe_load, has what
//   Kubeflow's training operator needs (tests/data/pyprogram/check_cluster_files.py).
//
// Debian's /usr/bin/python3 (python3-torch, python3-yaml) on purpose, as in tst_pyprogram.

#include "checkpoint.h"
#include "engine/testhelpers.h"
#include "export/process.h"
#include "fileutil.h"
#include "model.h"
#include "programweights.h"

#include "torchwright/exports.h"
#include "torchwright/importrun.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

using namespace torchwright;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using exporttest::describe;
using exporttest::kPython;
using exporttest::kTorchrun;
using exporttest::ProcessRun;
using exporttest::runProcess;
using testhelpers::sourcePath;

ProcessRun cli(const QStringList &args) { return runProcess(QStringLiteral(TORCHWRIGHT_CLI), args); }

// The run folder import-run printed (its stdout, merged here with its stderr line).
QString printedRunDir(const ProcessRun &r, const QString &runsDir)
{
    for (const QString &line : r.output.split(QLatin1Char('\n')))
        if (line.startsWith(runsDir + QLatin1Char('/')))
            return line.trimmed();
    return {};
}

std::vector<json> jsonLines(const std::string &path)
{
    std::vector<json> lines;
    const std::string text = readTextFile(path);
    for (size_t pos = 0, end; (end = text.find('\n', pos)) != std::string::npos; pos = end + 1)
        lines.push_back(json::parse(text.substr(pos, end - pos)));
    return lines;
}

// Every tensor of the engine model `a` equals the one of the same name in `b`.
QString differingTensor(GraphModelImpl &a, GraphModelImpl &b)
{
    auto bp = b.named_parameters();
    auto bb = b.named_buffers();
    for (const auto &p : a.named_parameters())
        if (!torch::equal(p.value(), *bp.find(p.key())))
            return QString::fromStdString(p.key());
    for (const auto &t : a.named_buffers())
        if (!torch::equal(t.value(), *bb.find(t.key())))
            return QString::fromStdString(t.key());
    return {};
}

size_t entriesIn(const std::string &dir)
{
    size_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); ++it)
        ++n;
    return n;
}

void writeJson(const std::string &path, const json &j) { writeTextFileAtomically(path, j.dump(2) + "\n"); }

} // namespace

class TestImportRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void clusterFilesAreValid();
    void importsATorchrunRun();
    void importedRunWorksWithTheCli();
    void sigtermStopsTheRun();
    void earlyStoppingKeepsTheBestEpoch();
    void killedProgramImportsAsStopped();
    void refusesBadInput_data();
    void refusesBadInput();

private:
    // A copy of the torchrun run folder under `name`, for changing it.
    std::string copyOfClusterRun(const std::string &name);
    // The program on the CPU in one process, `args` after train.py.
    ProcessRun runProgram(const std::string &program, const QStringList &args);

    QTemporaryDir m_tmp;
    std::string m_root;
    std::string m_project;    // the project file (a copy of the Fashion-MNIST sample)
    std::string m_runs;       // runs/ beside it
    std::string m_program;    // the exported program
    std::string m_clusterRun; // its run folder, written under torchrun
    std::string m_imported;   // that folder imported
    GraphModel m_graph{nullptr};
};

std::string TestImportRun::copyOfClusterRun(const std::string &name)
{
    const std::string dir = m_root + "/copies/" + name;
    fs::create_directories(m_root + "/copies");
    fs::copy(m_clusterRun, dir, fs::copy_options::recursive);
    return dir;
}

ProcessRun TestImportRun::runProgram(const std::string &program, const QStringList &args)
{
    QStringList all = {QString::fromStdString(program + "/train.py"), "--device", "cpu", "--batch-size", "64"};
    all += args;
    return runProcess(kPython, all, m_tmp.path());
}

void TestImportRun::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFileInfo(kTorchrun).isExecutable(), "/usr/bin/torchrun is missing; it comes with python3-torch");
    const ProcessRun probe = runProcess(kPython, {"-c", "import torch, yaml"});
    QVERIFY2(probe.exitCode == 0,
             qPrintable("Debian's python3 needs python3-torch and python3-yaml; " + describe(probe)));
    m_root = m_tmp.path().toStdString();
    m_project = m_root + "/fashion.json";
    m_runs = m_root + "/runs";
    fs::copy_file(sourcePath("projects/fashion_mnist_cnn.json"), m_project);
    try {
        ProjectLoad load = loadProjectFile(m_project);
        if (!load.ok())
            QFAIL(load.diagnostics.format().c_str());
        TrainRequest r = testhelpers::requestFor(load.project, QString::fromStdString(m_runs));
        r.epochs = 1;
        r.batchLimit = 2;
        const RunResult trained = trainBlocking(r, nullptr);
        QVERIFY2(trained.status == TrainingEvent::Status::Completed, trained.message.c_str());
        m_program = m_root + "/program";
        exportPythonProgram(trained.runDir, m_program);
        m_graph = GraphModel(load.project.graph, TensorType{load.project.dataset.sampleShape, DType::Float32});
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }

    // The Slurm script itself, on one "node" with two "GPUs" (CPU processes here): srun and
    // scontrol are stand-ins that run the step on this machine and name it as the allocation's
    // only host, and torchrun gets Debian 12's workaround and a free port. Two epochs on 1,024
    // training samples, starting from the studio's weights; --device cpu after the script's
    // --device cuda wins.
    m_clusterRun = m_root + "/cluster_run";
    const QString bin = m_tmp.filePath("slurm-bin");
    QVERIFY(QDir().mkpath(bin));
    writeTextFileAtomically((bin + "/srun").toStdString(),
                            "#!/bin/sh\n# srun OPTIONS... COMMAND: the command, on this machine\n"
                            "while [ \"${1#-}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n");
    writeTextFileAtomically((bin + "/scontrol").toStdString(), "#!/bin/sh\necho 127.0.0.1\n");
    for (const char *tool : {"srun", "scontrol"})
        fs::permissions((bin + "/" + tool).toStdString(), fs::perms::owner_all, fs::perm_options::add);
    QVERIFY(QFile::link(kTorchrun, bin + "/torchrun"));
    QProcessEnvironment env = exporttest::toolEnvironment();
    env.insert("PATH", bin + ":" + env.value("PATH"));
    env.insert("SLURM_SUBMIT_DIR", QString::fromStdString(m_program));
    env.insert("SLURM_JOB_ID", "4242");
    env.insert("SLURM_JOB_NODELIST", "node[01]");
    env.insert("SLURM_JOB_NUM_NODES", "1");
    env.insert("SLURM_GPUS_ON_NODE", "2");
    env.insert("RUN_DIR", QString::fromStdString(m_clusterRun));
    env.insert("PORT", QString::number(exporttest::freePort()));
    env.insert("TORCHRUN_EXTRA", "--redirects 2 --tee 2 --monitor_interval 1");
    const ProcessRun r = runProcess(QStringLiteral("/bin/bash"),
                                    {QString::fromStdString(m_program + "/train.sbatch"), "--epochs", "2",
                                     "--batch-size", "64", "--limit", "1024", "--device", "cpu", "--log-every", "4"},
                                    m_tmp.path(), 300000, env);
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.output.contains("1 node(s) x 2 GPU(s); rendezvous at 127.0.0.1:"), qPrintable(r.output));
    QVERIFY2(r.output.contains("in 2 process(es)"), qPrintable(r.output));
    QVERIFY2(r.output.contains("run folder: " + QString::fromStdString(m_clusterRun)), qPrintable(r.output));
    for (const char *file : {"program_run.json", "metrics.jsonl", "last.pt", "best.pt"})
        QVERIFY2(fs::exists(m_clusterRun + "/" + file), file);
}

void TestImportRun::clusterFilesAreValid()
{
    const QString program = QString::fromStdString(m_program);
    const ProcessRun bash = runProcess(QStringLiteral("/bin/bash"), {"-n", program + "/train.sbatch"});
    QVERIFY2(bash.exitCode == 0, qPrintable(describe(bash)));
    QVERIFY(QFileInfo(program + "/train.sbatch").isExecutable());
    const ProcessRun check = runProcess(
        kPython, {QString::fromStdString(sourcePath("tests/data/pyprogram/check_cluster_files.py")), program});
    QVERIFY2(check.exitCode == 0 && check.output.contains("CLUSTER FILES OK"), qPrintable(describe(check)));
    // Documented in the export's README, and the project travels with the program.
    const std::string readme = readTextFile(m_program + "/README.md");
    for (const char *text : {"sbatch train.sbatch", "kubectl apply -f pytorchjob.yaml", "torchwright-cli import-run",
                             "--run-dir DIR", "program_run.json"})
        QVERIFY2(readme.find(text) != std::string::npos, text);
    QVERIFY(loadProjectFile(m_program + "/project.json").ok());
}

void TestImportRun::importsATorchrunRun()
{
    const ProcessRun r = cli({"import-run", QString::fromStdString(m_clusterRun)});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    m_imported = printedRunDir(r, QString::fromStdString(m_runs)).toStdString();
    QVERIFY2(!m_imported.empty(), qPrintable(r.output));

    const json record = readJsonFile(m_clusterRun + "/program_run.json");
    QCOMPARE(record["status"].get<std::string>(), std::string("completed"));
    QCOMPARE(record["world_size"].get<int>(), 2);
    QCOMPARE(record["epochs_completed"].get<int>(), 2);

    const RunSummary s = readRunSummary(m_imported);
    QCOMPARE(s.status, std::string("completed"));
    QCOMPARE(s.epochsCompleted, 2);
    QCOMPARE(s.epochsPlanned, 2);
    QCOMPARE(s.device, std::string("cpu"));
    QVERIFY(runBelongsToProject(s, m_project, "Fashion-MNIST CNN"));
    const json run = readRunJson(m_imported);
    QCOMPARE(run["best_epoch"], record["best_epoch"]);
    QCOMPARE(run["torch_version"], record["torch_version"]);
    QCOMPARE(run["normalization"], record["normalization"]);
    QCOMPARE(run["imported_from"]["dir"].get<std::string>(), m_clusterRun);
    QCOMPARE(run["imported_from"]["world_size"].get<int>(), 2);
    QVERIFY(run.contains("preprocessing") && run.contains("test_sha256"));

    // The curves: the program's lines as they are, read back as the same figures.
    QCOMPARE(readTextFile(m_imported + "/metrics.jsonl"), readTextFile(m_clusterRun + "/metrics.jsonl"));
    const std::vector<json> lines = jsonLines(m_clusterRun + "/metrics.jsonl");
    const std::vector<TrainingEvent> events = readMetrics(m_imported);
    QCOMPARE(events.size(), lines.size());
    int epochs = 0, batches = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        const json &j = lines[i];
        const TrainingEvent &e = events[i];
        if (j["event"] == "epoch") {
            ++epochs;
            QCOMPARE(e.kind, TrainingEvent::Kind::Epoch);
            QCOMPARE(e.epoch, epochs);
            QCOMPARE(e.valLoss, j["val_loss"].get<double>());
            QCOMPARE(e.valAccuracy, j["val_accuracy"].get<double>());
            QCOMPARE(e.loss, j["loss"].get<double>());
            QCOMPARE(e.learningRate, j["lr"].get<double>());
            QVERIFY(e.samplesPerSecond > 0 && e.elapsedSeconds > 0);
            if (epochs == run["best_epoch"].get<int>())
                QCOMPARE(run["best_val_loss"].get<double>(), e.valLoss);
        } else if (j["event"] == "batch") {
            ++batches;
            QCOMPARE(e.kind, TrainingEvent::Kind::Batch);
            QCOMPARE(e.loss, j["loss"].get<double>());
            QCOMPARE(e.batchesPerEpoch, 8); // 512 samples per process
        }
    }
    QCOMPARE(epochs, 2);
    QCOMPARE(batches, 4); // batches 4 and 8 of each epoch
    QCOMPARE(events.back().kind, TrainingEvent::Kind::Finished);
    QCOMPARE(events.back().status, TrainingEvent::Status::Completed);
    QCOMPARE(readJsonFile(m_imported + "/last.json")["epoch"].get<int>(), 2);
    QCOMPARE(readJsonFile(m_imported + "/best.json")["epoch"], record["best_epoch"]);

    // The checkpoints: the program's tensors, in the engine's format.
    for (const char *which : {"last", "best"}) {
        loadProgramWeights(m_clusterRun + "/" + which + ".pt", *m_graph);
        LoadedRun loaded = loadRun(m_imported, which, torch::kCPU);
        const QString differs = differingTensor(*loaded.model, *m_graph);
        QVERIFY2(differs.isEmpty(), qPrintable(QString(which) + ": " + differs));
    }
}

void TestImportRun::importedRunWorksWithTheCli()
{
    QVERIFY(!m_imported.empty());
    const QString run = QString::fromStdString(m_imported);
    const json test = readJsonFile(m_clusterRun + "/program_run.json")["test"];
    QCOMPARE(test["epoch"].get<int>(), 2);
    QCOMPARE(test["samples"].get<int>(), 10000);

    const ProcessRun evaluate = cli({"evaluate", run, "--checkpoint", "last", "--device", "cpu"});
    QVERIFY2(evaluate.exitCode == 0, qPrintable(describe(evaluate)));
    const QString accuracy = QString::number(test["accuracy"].get<double>() * 100, 'f', 2);
    QVERIFY2(evaluate.output.contains("accuracy: " + accuracy + "%"),
             qPrintable("the program measured " + accuracy + "%; " + evaluate.output));
    const Evaluation ev = evaluateRun(m_imported, "last", "cpu");
    QCOMPARE(ev.samples, 10000);
    QCOMPARE(ev.correct, int64_t(std::llround(test["accuracy"].get<double>() * 10000)));
    QVERIFY2(std::abs(ev.loss - test["loss"].get<double>()) < 1e-4,
             qPrintable(QString("engine loss %1, program %2").arg(ev.loss).arg(test["loss"].get<double>())));
    qInfo("test accuracy after the program's last epoch: %.2f%% (program and engine), loss %.6f / %.6f",
          ev.accuracy * 100, ev.loss, test["loss"].get<double>());

    const QString exported = m_tmp.filePath("imported.pt");
    const ProcessRun exp = cli({"export", run, "--format", "torchscript", "--output", exported});
    QVERIFY2(exp.exitCode == 0 && QFileInfo::exists(exported), qPrintable(describe(exp)));

    const ProcessRun reg = cli({"versions", QString::fromStdString(m_project), "register", run});
    QVERIFY2(reg.exitCode == 0, qPrintable(describe(reg)));
    const json version = readJsonFile(m_root + "/versions/fashion/v1/version.json");
    QCOMPARE(version["run_dir"].get<std::string>(), m_imported);
}

void TestImportRun::sigtermStopsTheRun()
{
    const std::string runDir = m_root + "/sigterm_run";
    QProcess p;
    p.setProgram(kPython);
    p.setArguments({QString::fromStdString(m_program + "/train.py"), "--device", "cpu", "--epochs", "100", "--limit",
                    "256", "--log-every", "1", "--run-dir", QString::fromStdString(runDir), "--out",
                    m_tmp.filePath("sigterm.pt")});
    p.setProcessEnvironment(exporttest::toolEnvironment());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start();
    QVERIFY(p.waitForStarted(30000));
    // Once the first epoch is saved (the program prints "saved" after writing its run folder), as a
    // time limit would strike in the middle of a run.
    QString output;
    const QString saved = "saved " + m_tmp.filePath("sigterm.pt");
    while (!output.contains(saved) && p.waitForReadyRead(300000))
        output += QString::fromUtf8(p.readAll());
    QVERIFY2(output.contains(saved), qPrintable(output));
    p.terminate(); // SIGTERM
    QVERIFY(p.waitForFinished(120000));
    output += QString::fromUtf8(p.readAll());
    QCOMPARE(p.exitCode(), 130);
    QVERIFY2(output.contains("stopped by SIGTERM"), qPrintable(output));

    const std::vector<json> lines = jsonLines(runDir + "/metrics.jsonl");
    QCOMPARE(lines.back()["event"].get<std::string>(), std::string("finished"));
    QCOMPARE(lines.back()["status"].get<std::string>(), std::string("stopped"));
    const json record = readJsonFile(runDir + "/program_run.json");
    QCOMPARE(record["status"].get<std::string>(), std::string("stopped"));
    const int completed = record["epochs_completed"].get<int>();
    QVERIFY(completed >= 1);

    const ProcessRun r = cli({"import-run", QString::fromStdString(runDir), "--name", "stopped"});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    const QString imported = printedRunDir(r, QString::fromStdString(m_runs));
    QVERIFY2(imported.endsWith("-stopped"), qPrintable(r.output));
    const RunSummary s = readRunSummary(imported.toStdString());
    QCOMPARE(s.status, std::string("stopped"));
    QCOMPARE(s.epochsCompleted, completed);
    QCOMPARE(s.epochsPlanned, 100);
    QCOMPARE(s.message, std::string("stopped by SIGTERM"));
}

void TestImportRun::earlyStoppingKeepsTheBestEpoch()
{
    // The program with early stopping that no epoch after the first can satisfy (an improvement
    // of more than 100 in the validation loss), patience 0: it stops after epoch 2 of 3.
    const std::string program = m_root + "/es_program";
    fs::create_directories(program);
    std::string text = readTextFile(m_program + "/train.py");
    const size_t at = text.find("\nEARLY_STOPPING = ");
    QVERIFY(at != std::string::npos);
    const size_t end = text.find('\n', at + 1);
    text.replace(at + 1, end - at - 1,
                 R"(EARLY_STOPPING = {"enabled": True, "metric": "val_loss", "patience": 0, "min_delta": 100.0})");
    writeTextFileAtomically(program + "/train.py", text);
    const std::string runDir = m_root + "/es_run";
    const ProcessRun r = runProgram(program, {"--epochs", "3", "--limit", "256", "--from-scratch", "--run-dir",
                                              QString::fromStdString(runDir), "--out", m_tmp.filePath("es.pt")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.output.contains("early stopping after epoch 2"), qPrintable(r.output));

    const ProcessRun imported = cli({"import-run", QString::fromStdString(runDir), "--project",
                                     QString::fromStdString(m_program + "/project.json"), "--name", "early"});
    QVERIFY2(imported.exitCode == 0, qPrintable(describe(imported)));
    // --project names the program's copy: the run goes beside it.
    const std::string dir = printedRunDir(imported, QString::fromStdString(m_program + "/runs")).toStdString();
    QVERIFY2(!dir.empty(), qPrintable(imported.output));
    const RunSummary s = readRunSummary(dir);
    QCOMPARE(s.status, std::string("early_stopped"));
    QCOMPARE(s.epochsCompleted, 2);
    QCOMPARE(s.epochsPlanned, 3);
    QCOMPARE(readRunJson(dir)["best_epoch"].get<int>(), 1);
    QCOMPARE(readJsonFile(dir + "/best.json")["epoch"].get<int>(), 1);
    loadProgramWeights(runDir + "/best.pt", *m_graph);
    QVERIFY(differingTensor(*loadRun(dir, "best", torch::kCPU).model, *m_graph).isEmpty());
    QVERIFY(!differingTensor(*loadRun(dir, "last", torch::kCPU).model, *m_graph).isEmpty());
}

void TestImportRun::killedProgramImportsAsStopped()
{
    // kill -9 after the second epoch: no finished line, the record still says running.
    const std::string dir = copyOfClusterRun("killed");
    std::string text = readTextFile(dir + "/metrics.jsonl");
    text.erase(text.rfind("{\"elapsed_seconds\""));
    writeTextFileAtomically(dir + "/metrics.jsonl", text);
    json record = readJsonFile(dir + "/program_run.json");
    record["status"] = "running";
    writeJson(dir + "/program_run.json", record);
    const ProcessRun r = cli({"import-run", QString::fromStdString(dir)});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    const std::string imported = printedRunDir(r, QString::fromStdString(m_runs)).toStdString();
    const RunSummary s = readRunSummary(imported);
    QCOMPARE(s.status, std::string("stopped"));
    QVERIFY2(s.message.find("without its finished event") != std::string::npos, s.message.c_str());
    const std::vector<TrainingEvent> events = readMetrics(imported);
    QCOMPARE(events.back().kind, TrainingEvent::Kind::Finished);
    QCOMPARE(events.back().epoch, 2);
}

void TestImportRun::refusesBadInput_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing folder") << "missing"
                                    << "no such folder";
    QTest::newRow("no record") << "no-record"
                               << "no program_run.json";
    QTest::newRow("no metrics") << "no-metrics"
                                << "no metrics.jsonl";
    QTest::newRow("torn last line") << "torn"
                                    << "is torn";
    QTest::newRow("not JSON") << "not-json"
                              << "metrics.jsonl: line 2 is not JSON";
    QTest::newRow("not an event") << "not-event"
                                  << "metrics.jsonl: line 2 is not an event";
    QTest::newRow("another format") << "format"
                                    << "not the record of an exported program's run";
    QTest::newRow("newer version") << "version"
                                   << "/version: version 9 is newer";
    QTest::newRow("missing tensor") << "renamed"
                                    << "has no tensor 'head.bias'";
    QTest::newRow("other shape") << "shape"
                                 << "layer 'fc1': weight is 128x3136 in the source but 64x3136";
    QTest::newRow("project not here") << "no-project"
                                      << "is not on this machine";
}

void TestImportRun::refusesBadInput()
{
    QFETCH(QString, change);
    QFETCH(QString, expected);
    const std::string name = change.toStdString();
    std::string dir = m_root + "/copies/missing";
    QStringList extra;
    if (change != "missing")
        dir = copyOfClusterRun(name);
    const std::string metrics = dir + "/metrics.jsonl";
    auto editRecord = [&](const std::function<void(json &)> &edit) {
        json record = readJsonFile(dir + "/program_run.json");
        edit(record);
        writeJson(dir + "/program_run.json", record);
    };
    auto editProject = [&](const std::function<void(json &)> &edit) {
        json project = readJsonFile(m_project);
        edit(project);
        const std::string path = m_root + "/" + name + ".json";
        writeJson(path, project);
        extra = {"--project", QString::fromStdString(path)};
    };
    auto node = [](json &project, const std::string &nodeName) -> json & {
        for (json &n : project["graph"]["nodes"])
            if (n["name"] == nodeName)
                return n;
        throw std::runtime_error("no node " + nodeName);
    };
    std::string text = change == "missing" ? std::string() : readTextFile(metrics);
    const size_t secondLine = text.find('\n') + 1;
    if (change == "no-record")
        fs::remove(dir + "/program_run.json");
    else if (change == "no-metrics")
        fs::remove(metrics);
    else if (change == "torn")
        writeTextFileAtomically(metrics, text + R"({"event":"batch","epo)");
    else if (change == "not-json")
        writeTextFileAtomically(metrics, text.insert(secondLine, "{\"event\": \"batch\", \n"));
    else if (change == "not-event")
        writeTextFileAtomically(metrics, text.insert(secondLine, "{\"loss\": 1}\n"));
    else if (change == "format")
        editRecord([](json &r) { r["format"] = "torchwright-run"; });
    else if (change == "version")
        editRecord([](json &r) { r["version"] = 9; });
    else if (change == "renamed")
        editProject([&](json &p) { node(p, "fc2")["name"] = "head"; });
    else if (change == "shape")
        editProject([&](json &p) { node(p, "fc1")["params"]["out_features"] = 64; });
    else if (change == "no-project")
        editRecord([&](json &r) { r["origin"]["project_file"] = m_root + "/moved/fashion.json"; });
    if (change == "torn") {
        const size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
        expected = QString("metrics.jsonl: line %1 is torn").arg(lines + 1);
    }

    const size_t before = entriesIn(m_runs);
    QStringList args = {"import-run", QString::fromStdString(dir)};
    args += extra;
    const ProcessRun r = cli(args);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.startsWith("error: ") && r.output.contains(expected), qPrintable(r.output));
    QVERIFY2(r.output.count('\n') == 1 || change == "shape", qPrintable(r.output)); // one line
    QCOMPARE(entriesIn(m_runs), before);
}

QTEST_GUILESS_MAIN(TestImportRun)
#include "tst_importrun.moc"
