// The Compress panel under Evaluate & deploy, on real data: a small model trained a few batches
// on Fashion-MNIST (the Debian package). The panel offers the project's completed runs as
// sources, lists the source and the runs made from it (run.json "compression"."source_run"),
// measures them into the before/after table (the figures compressionTable gives), marks the rows
// within the allowed drop as the spin box changes, registers a row as a model version, and runs
// pruning from its form with the log and the new run in the table. No sleeps: every wait is on a
// signal.

#include "compresspanel.h"
#include "pipelinestages.h"
#include "projectdocument.h"
#include "recovery.h"
#include "stageinspector.h"

#include "torchwright/compress.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"
#include "torchwright/versions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

const char *kFashion = "/usr/share/datasets/fashion-mnist";

// Input -> Flatten -> Linear -> ReLU -> Linear: trains a few batches in a second or two.
QByteArray projectText()
{
    return QByteArrayLiteral(R"({
  "format": "torchwright-project", "version": 2, "name": "compress",
  "dataset": {"kind": "idx", "path": ")")
           + kFashion + QByteArrayLiteral(R"(", "sample_shape": [1, 28, 28], "num_classes": 10,
              "validation_fraction": 0.05, "split_seed": 42},
  "training": {"epochs": 1, "batch_size": 64, "seed": 1, "device": "cpu", "threads": 1},
  "graph": {"nodes": [
      {"id": 1, "type": "Input", "name": "input", "params": {"dtype": "float32"}, "position": [80, 200]},
      {"id": 2, "type": "Flatten", "name": "flatten", "params": {}, "position": [280, 200]},
      {"id": 3, "type": "Linear", "name": "fc1", "params": {"in_features": 0, "out_features": 64, "bias": true},
       "position": [480, 200]},
      {"id": 4, "type": "ReLU", "name": "relu", "params": {}, "position": [680, 200]},
      {"id": 5, "type": "Linear", "name": "fc2", "params": {"in_features": 0, "out_features": 10, "bias": true},
       "position": [880, 200]}],
    "edges": [{"from": {"node": 1, "port": 0}, "to": {"node": 2, "port": 0}},
              {"from": {"node": 2, "port": 0}, "to": {"node": 3, "port": 0}},
              {"from": {"node": 3, "port": 0}, "to": {"node": 4, "port": 0}},
              {"from": {"node": 4, "port": 0}, "to": {"node": 5, "port": 0}}]}
})");
}

} // namespace

class TestCompressPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void shownUnderEvaluateAndDeploy();
    void listsRunsAndMeasuresRows();
    void allowedDropMarksRows();
    void registersARowAsAVersion();
    void prunesFromTheForm();

private:
    QString train(int batches);
    bool waitDone(CompressPanel &panel, int timeoutMs = 240000);

    QTemporaryDir m_tmp;
    QString m_project;
    QString m_run, m_other;
    ProjectDocument m_doc;
};

QString TestCompressPanel::train(int batches)
{
    TrainRequest request;
    request.project = m_doc.project();
    request.runsDir = QFileInfo(m_project).absolutePath().toStdString() + "/runs";
    request.device = std::string("cpu");
    request.batchLimit = batches;
    const RunResult run = trainBlocking(request, [](const TrainingEvent &) {});
    if (run.status != TrainingEvent::Status::Completed)
        qWarning("%s", run.message.c_str());
    return QString::fromStdString(run.runDir);
}

bool TestCompressPanel::waitDone(CompressPanel &panel, int timeoutMs)
{
    QSignalSpy done(&panel, &CompressPanel::done);
    if (!done.wait(timeoutMs))
        return false;
    if (!done.first().first().toBool())
        qWarning("%s\n%s", qPrintable(panel.statusText()), qPrintable(panel.logText()));
    return done.first().first().toBool();
}

void TestCompressPanel::initTestCase()
{
    if (!QFileInfo::exists(QString::fromUtf8(kFashion) + "/t10k-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST is not installed (the Debian package dataset-fashion-mnist)");
    QVERIFY(m_tmp.isValid());
    QStandardPaths::setTestModeEnabled(true);
    Recovery::setDirectory(m_tmp.filePath("recovery"));
    m_project = m_tmp.filePath("compress/compress.json");
    QVERIFY(QDir().mkpath(m_tmp.filePath("compress")));
    QFile f(m_project);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(projectText());
    f.close();
    QString error;
    QVERIFY2(m_doc.load(m_project, &error), qPrintable(error));
    m_run = train(60);
    QVERIFY(QFileInfo::exists(m_run + "/best.pt"));
    // A second run that says it was made from the first (what every technique writes in
    // run.json), trained for fewer batches, so it loses accuracy against it.
    m_other = train(3);
    QVERIFY(QFileInfo::exists(m_other + "/best.pt"));
    const std::string otherJson = m_other.toStdString() + "/run.json";
    nlohmann::json j = readJsonFile(otherJson);
    j["compression"] = {{"method", "prune"}, {"source_run", m_run.toStdString()}};
    j.erase("sha256"); // a run.json without the checksum is taken as it is
    QFile out(QString::fromStdString(otherJson));
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(QByteArray::fromStdString(j.dump(2)));
}

void TestCompressPanel::shownUnderEvaluateAndDeploy()
{
    StageInspector inspector(&m_doc);
    inspector.showStage(int(Stage::EvaluateDeploy));
    QVERIFY(inspector.compressPanel());
    QVERIFY(inspector.findChild<QPushButton *>("exportRun"));
    inspector.showStage(int(Stage::ModelUpdate));
    QVERIFY(!inspector.compressPanel());
}

void TestCompressPanel::listsRunsAndMeasuresRows()
{
    CompressPanel panel(&m_doc);
    // Both completed runs are offered as sources, newest first; the original is the older one.
    const auto sources = panel.sourceRuns();
    QCOMPARE(sources.size(), 2);
    QCOMPARE(QFileInfo(sources[1].first), QFileInfo(m_run));
    panel.sourceBox()->setCurrentIndex(1);
    // The source and the run made from it, before anything is measured.
    QCOMPARE(panel.table()->rowCount(), 2);
    QCOMPARE(QFileInfo(panel.rowRuns()[0]), QFileInfo(m_run));
    QCOMPARE(QFileInfo(panel.rowRuns()[1]), QFileInfo(m_other));
    QCOMPARE(panel.table()->item(1, CompressPanel::MethodColumn)->text(), QStringLiteral("pruned"));
    QCOMPARE(panel.table()->item(1, CompressPanel::ResultColumn)->text(), QStringLiteral("not measured"));

    panel.measure();
    QVERIFY(!panel.runButton()->isEnabled()); // one job at a time
    QVERIFY(waitDone(panel));
    QCOMPARE(panel.table()->rowCount(), 2);
    const std::vector<CompressionRow> &rows = CompressWork::forDocument(&m_doc)->rows();
    QCOMPARE(rows.size(), size_t(2));
    // The cells show the measured figures: the accuracy as evaluate gives it.
    const Evaluation ev = evaluateRun(m_run.toStdString(), "best", "cpu");
    QCOMPARE(rows[0].testAccuracy, ev.accuracy);
    QCOMPARE(panel.table()->item(0, CompressPanel::AccuracyColumn)->text(),
             QStringLiteral("%1 %").arg(ev.accuracy * 100, 0, 'f', 2));
    QCOMPARE(panel.table()->item(0, CompressPanel::ChangeColumn)->text(), QStringLiteral("+0.00"));
    QVERIFY(panel.table()->item(0, CompressPanel::ParametersColumn)->text() != QStringLiteral("–"));
    QVERIFY(panel.table()->item(0, CompressPanel::SizeColumn)->text().contains(QStringLiteral("kB")));
    QVERIFY(panel.logText().contains(QStringLiteral("Measured 2 run(s).")));
    // Shown anew (another stage and back), the panel keeps the measured table.
    CompressPanel again(&m_doc);
    again.sourceBox()->setCurrentIndex(1);
    QCOMPARE(again.table()->item(0, CompressPanel::AccuracyColumn)->text(),
             panel.table()->item(0, CompressPanel::AccuracyColumn)->text());
}

void TestCompressPanel::allowedDropMarksRows()
{
    CompressPanel panel(&m_doc);
    panel.sourceBox()->setCurrentIndex(1);
    const std::vector<CompressionRow> &rows = CompressWork::forDocument(&m_doc)->rows();
    QCOMPARE(rows.size(), size_t(2));
    const double change = rows[1].accuracyChange;
    QVERIFY2(change < -0.5, qPrintable(QString::number(change)));
    panel.allowedDropBox()->setValue(std::max(0.0, -change - 0.5));
    QVERIFY(panel.rowPasses(0));
    QVERIFY(!panel.rowPasses(1));
    QVERIFY(panel.table()->item(1, CompressPanel::ResultColumn)->text().contains(QStringLiteral("fails")));
    panel.allowedDropBox()->setValue(-change + 0.5);
    QVERIFY(panel.rowPasses(1));
    QVERIFY(panel.table()->item(1, CompressPanel::ResultColumn)->text().contains(QStringLiteral("passes")));
}

void TestCompressPanel::registersARowAsAVersion()
{
    CompressPanel panel(&m_doc);
    panel.sourceBox()->setCurrentIndex(1);
    panel.registerRow(1, QStringLiteral("the smaller one"));
    QVERIFY(waitDone(panel));
    const std::vector<VersionInfo> versions = listVersions(m_doc.project());
    QCOMPARE(versions.size(), size_t(1));
    QCOMPARE(QFileInfo(QString::fromStdString(versions[0].runDir)), QFileInfo(m_other));
    QCOMPARE(versions[0].note, std::string("the smaller one"));
    QVERIFY(panel.statusText().contains(QStringLiteral("v1")));
}

void TestCompressPanel::prunesFromTheForm()
{
    CompressPanel panel(&m_doc);
    panel.sourceBox()->setCurrentIndex(1);
    panel.techniqueBox()->setCurrentIndex(CompressPanel::Prune);
    panel.findChild<QDoubleSpinBox *>("pruneAmount")->setValue(50);
    panel.findChild<QCheckBox *>("pruneStructured")->setChecked(false);
    panel.findChild<QSpinBox *>("pruneSteps")->setValue(1);
    panel.findChild<QSpinBox *>("pruneFinetuneEpochs")->setValue(1);
    panel.runTechnique();
    QVERIFY(waitDone(panel, 600000));
    // The pruned run joins the table, measured: half its weights are zero.
    QCOMPARE(panel.table()->rowCount(), 3);
    const std::vector<CompressionRow> &rows = CompressWork::forDocument(&m_doc)->rows();
    QCOMPARE(rows.size(), size_t(3));
    const CompressionRow &pruned = rows[2];
    QCOMPARE(pruned.method, std::string("prune"));
    QCOMPARE(QFileInfo(QString::fromStdString(pruned.runDir)), QFileInfo(CompressWork::forDocument(&m_doc)->lastRun()));
    QCOMPARE(pruned.parameters, rows[0].parameters);
    QVERIFY2(pruned.nonZeroParameters < rows[0].nonZeroParameters * 0.7,
             qPrintable(QStringLiteral("%1 of %2").arg(pruned.nonZeroParameters).arg(pruned.parameters)));
    QVERIFY(panel.table()->item(2, CompressPanel::ParametersColumn)->text().contains(QLatin1Char('(')));
    QVERIFY(panel.logText().contains(QStringLiteral("Epoch 1 of 1")));
}

QTEST_MAIN(TestCompressPanel)
#include "tst_compresspanel.moc"
