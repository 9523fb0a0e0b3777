// The before/after table of compression (compressionTable, torchwright/compress.h) on runs of
// the Fashion-MNIST CNN trained for a few batches: every figure agrees with what measures it
// elsewhere (parameters and multiply-adds with the graph analysis, file sizes with the exports
// written by the exporters, accuracy with evaluateRun on the full test split), latencies are
// finite (ONNX Runtime's when it is installed), pass/fail follows the allowed drop, the runs made
// from a run are found by run.json's "compression"."source_run", and the CLI prints the table
// and refuses a folder that is not a run.

#include "testhelpers.h"

#include "torchwright/analysis.h"
#include "torchwright/compress.h"
#include "torchwright/exports.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include "onnxruntimerunner.h"
#include "runfolder.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>

using namespace torchwright;
using testhelpers::requestFor;
using testhelpers::sourcePath;
namespace fs = std::filesystem;

namespace {

constexpr int kRepeats = 3;

std::string trainFashion(const QString &runsDir, int batches)
{
    ProjectLoad load = loadProjectFile(sourcePath("projects/fashion_mnist_cnn.json"));
    if (!load.ok())
        return {};
    TrainRequest r = requestFor(load.project, runsDir);
    r.epochs = 1;
    r.batchLimit = batches;
    const RunResult result = trainBlocking(r, [](const TrainingEvent &) {});
    return result.status == TrainingEvent::Status::Completed ? result.runDir : std::string();
}

struct CliRun {
    int exitCode = -1;
    QString out, err;
};

CliRun runCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(TORCHWRIGHT_CLI), args);
    CliRun r;
    if (!p.waitForStarted(30000) || !p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestCompressionTable : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void originalRowAgreesWithItsSources();
    void passFollowsTheAllowedDrop();
    void compressedRunsAreFoundBySource();
    void refusesWhatIsNotARun();
    void cliPrintsTheTable();
    void cliRefusesABadRun();

private:
    QTemporaryDir m_dir;
    std::string m_run;   // 40 batches
    std::string m_short; // 2 batches: a worse model of the same project
    std::vector<CompressionRow> m_rows;
};

void TestCompressionTable::initTestCase()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")))
        QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    QVERIFY(m_dir.isValid());
    const QString runs = m_dir.filePath(QStringLiteral("runs"));
    m_run = trainFashion(runs, 40);
    QVERIFY(!m_run.empty());
    m_short = trainFashion(runs, 2);
    QVERIFY(!m_short.empty());
    CompressionTableOptions options;
    options.repeats = kRepeats;
    options.threads = 1;
    options.allowedDrop = 1.0;
    std::vector<std::string> lines;
    m_rows = compressionTable(m_run, {m_short}, options, [&](const Message &m) { lines.push_back(m.str()); });
    QCOMPARE(m_rows.size(), size_t(2));
    QVERIFY(!lines.empty()); // progress was reported
}

void TestCompressionTable::originalRowAgreesWithItsSources()
{
    const CompressionRow &row = m_rows.front();
    QCOMPARE(row.runDir, m_run);
    QCOMPARE(row.method, std::string("original"));
    const ProjectLoad load = loadRunProject(m_run);
    QVERIFY(load.ok());
    const GraphAnalysis analysis = analyzeProject(load.project);
    QVERIFY(row.parameters > 0);
    QCOMPARE(row.parameters, analysis.totalParameters);
    QVERIFY(row.nonZeroParameters > 0 && row.nonZeroParameters <= row.parameters);
    QVERIFY(row.macs > 0);
    QCOMPARE(row.macs, analysis.totalMultiplyAdds);

    // The sizes are those of the files the exporters write.
    const std::string pt = m_dir.filePath(QStringLiteral("model.pt")).toStdString();
    exportTorchScript(m_run, pt, "best");
    QCOMPARE(row.torchscriptBytes, int64_t(fs::file_size(pt)));
    const ExportFormat *onnx = findExportFormat("onnx");
    QVERIFY(onnx);
    if (onnx->whyUnavailable(m_run).empty()) {
        const std::string file = m_dir.filePath(QStringLiteral("model.onnx")).toStdString();
        exportOnnx(m_run, file, "best");
        QCOMPARE(row.onnxBytes, int64_t(fs::file_size(file)));
    } else {
        QCOMPARE(row.onnxBytes, int64_t(-1));
    }

    QVERIFY(std::isfinite(row.libtorchMs1) && row.libtorchMs1 > 0);
    QVERIFY(std::isfinite(row.libtorchMs64) && row.libtorchMs64 > 0);
    if (onnxRuntimeUnavailable().empty() && row.onnxBytes > 0) {
        QVERIFY2(std::isfinite(row.onnxRuntimeMs1) && row.onnxRuntimeMs1 > 0, row.note.c_str());
        QVERIFY2(std::isfinite(row.onnxRuntimeMs64) && row.onnxRuntimeMs64 > 0, row.note.c_str());
    } else {
        QVERIFY(std::isnan(row.onnxRuntimeMs1));
        QVERIFY(!row.note.empty()); // it says why
    }

    // Accuracy on the full test split, exactly what evaluate says.
    const Evaluation ev = evaluateRun(m_run, "best", "cpu");
    QCOMPARE(ev.samples, 10000);
    QCOMPARE(row.testAccuracy, ev.accuracy);
    QCOMPARE(row.accuracyChange, 0.0);
    QVERIFY(row.passes);
}

void TestCompressionTable::passFollowsTheAllowedDrop()
{
    const CompressionRow &worse = m_rows[1];
    QCOMPARE(worse.testAccuracy, evaluateRun(m_short, "best", "cpu").accuracy);
    const double change = (worse.testAccuracy - m_rows[0].testAccuracy) * 100;
    QVERIFY(std::abs(worse.accuracyChange - change) < 1e-9);
    QVERIFY2(change < -1.0, qPrintable(QStringLiteral("2 batches should be well below 40: %1").arg(change)));
    QVERIFY(!worse.passes);       // allowed 1 point
    QVERIFY(!worse.note.empty()); // not a compressed run: it says so

    // A drop wide enough lets it pass: cliPrintsTheTable() asks the CLI for that verdict.
}

void TestCompressionTable::compressedRunsAreFoundBySource()
{
    // A run whose run.json says it was made from m_run (as every technique writes it), and one
    // made from another run: only the first is found.
    const QString runs = m_dir.filePath(QStringLiteral("runs"));
    auto mark = [](const std::string &run, const std::string &method, const std::string &source) {
        nlohmann::json j = readJsonFile(run + "/run.json");
        j["compression"] = {{"method", method}, {"source_run", source}};
        j["sha256"] = runJsonSha256(j);
        QVERIFY(testhelpers::writeFileBytes(run + "/run.json", QByteArray::fromStdString(j.dump(2) + "\n")));
    };
    const std::string other = trainFashion(runs, 1);
    QVERIFY(!other.empty());
    mark(other, "prune", m_run);
    QVERIFY(compressedRuns(m_short).empty());
    std::vector<CompressedRun> found = compressedRuns(m_run);
    QCOMPARE(found.size(), size_t(1));
    QCOMPARE(found[0].runDir, other);
    QCOMPARE(found[0].method, std::string("prune"));
    // Found in a runs folder given explicitly, each run once.
    found = compressedRuns(m_run, {runs.toStdString(), runs.toStdString() + "/"});
    QCOMPARE(found.size(), size_t(1));
    mark(other, "prune", m_short);
    QVERIFY(compressedRuns(m_run).empty());
    QCOMPARE(compressedRuns(m_short).size(), size_t(1));
    QVERIFY(trashRun(other).size() > 0);
}

void TestCompressionTable::refusesWhatIsNotARun()
{
    const std::string nowhere = m_dir.filePath(QStringLiteral("no-such-run")).toStdString();
    try {
        compressionTable(nowhere, {});
        QFAIL("a missing run folder was measured");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find(nowhere) != std::string::npos, e.what());
    }
    try {
        compressionTable(m_run, {nowhere});
        QFAIL("a missing compressed run was measured");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find(nowhere) != std::string::npos, e.what());
    }
    CompressionTableOptions bad;
    bad.repeats = 0;
    QVERIFY_THROWS_EXCEPTION(EngineError, compressionTable(m_run, {}, bad));
}

void TestCompressionTable::cliPrintsTheTable()
{
    const QString run = QString::fromStdString(m_run), worse = QString::fromStdString(m_short);
    CliRun r = runCli({"compression", run, worse, "--repeats", "2", "--threads", "1", "--allowed-drop", "0.5"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList lines = r.out.split(QLatin1Char('\n'));
    QVERIFY(lines.size() > 3);
    QVERIFY2(lines[0].startsWith(QStringLiteral("run")) && lines[0].contains(QStringLiteral("result")),
             qPrintable(r.out));
    // Aligned: the header and both rows are equally long, each row says PASS or FAIL.
    QCOMPARE(lines[1].size(), lines[0].size());
    QCOMPARE(lines[2].size(), lines[0].size());
    QVERIFY2(lines[1].endsWith(QStringLiteral("PASS")) && lines[1].contains(QStringLiteral("+0.00")),
             qPrintable(r.out));
    QVERIFY2(lines[2].endsWith(QStringLiteral("FAIL")) && lines[2].contains(QStringLiteral(" -")), qPrintable(r.out));
    const QString accuracy = QString::number(m_rows[0].testAccuracy * 100, 'f', 2) + QLatin1Char('%');
    QVERIFY2(lines[1].contains(accuracy), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("at most 0.50 points")));

    // JSON, with a drop wide enough for the worse run: the same figures, only its verdict changes.
    const double wide = -m_rows[1].accuracyChange + 0.5;
    r = runCli({"compression", run, worse, "--repeats", "1", "--threads", "1", "--json", "--allowed-drop",
                QString::number(wide, 'f', 3)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
    QCOMPARE(j["rows"].size(), size_t(2));
    QCOMPARE(j["rows"][0]["parameters"].get<int64_t>(), m_rows[0].parameters);
    QCOMPARE(j["rows"][0]["multiply_adds"].get<int64_t>(), m_rows[0].macs);
    QCOMPARE(j["rows"][0]["test_accuracy"].get<double>(), m_rows[0].testAccuracy);
    QCOMPARE(j["rows"][0]["passes"].get<bool>(), true);
    QCOMPARE(j["rows"][1]["test_accuracy"].get<double>(), m_rows[1].testAccuracy);
    QCOMPARE(j["rows"][1]["passes"].get<bool>(), true);
    QVERIFY(std::abs(j["allowed_drop_points"].get<double>() - wide) < 1e-3);
}

void TestCompressionTable::cliRefusesABadRun()
{
    const QString nowhere = m_dir.filePath(QStringLiteral("no-such-run"));
    CliRun r = runCli({"compression", nowhere});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(nowhere) && r.err.contains(QStringLiteral("not a run folder")), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
    r = runCli({"compression", QString::fromStdString(m_run), "--allowed-drop", "-1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--allowed-drop")), qPrintable(r.err));
    r = runCli({"compression"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("usage: torchwright-cli compression")));
}

QTEST_GUILESS_MAIN(TestCompressionTable)
#include "tst_compressiontable.moc"
