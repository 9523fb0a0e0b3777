// The four stages after deployment in the studio, on real data: a tiny model trained a few
// batches on Fashion-MNIST (the Debian package) becomes v1 through the Model update panel, a
// second run v2; Application predicts on picked test samples, sorts by confidence and logs
// right/wrong reviews in the feedback store; User feedback filters the store and undoes a
// review; the pipeline's cards show the registry's and the store's state; promote and roll back
// ask for a reason (and an override when the gate fails); the window's Fine-tune trains a run
// from v1 on the dashboard. No sleeps: every wait is on a signal.

#include "applicationpanel.h"
#include "comparedialog.h"
#include "dashboard.h"
#include "feedbackpanel.h"
#include "finetunepanel.h"
#include "loopcommon.h"
#include "mainwindow.h"
#include "pipelinescene.h"
#include "pipelinestages.h"
#include "projectdocument.h"
#include "recovery.h"
#include "stageinspector.h"
#include "stageitem.h"
#include "versionspanel.h"

#include "torchwright/feedback.h"
#include "torchwright/training.h"
#include "torchwright/versions.h"

#include <QApplication>
#include <QCheckBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest/QtTest>

#include <cmath>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

const char *kFashion = "/usr/share/datasets/fashion-mnist";

// Input -> Flatten -> Linear: trains a few batches in a second or two.
QByteArray projectText()
{
    return QByteArrayLiteral(R"({
  "format": "torchwright-project", "version": 2, "name": "loop",
  "dataset": {"kind": "idx", "path": ")")
           + kFashion + QByteArrayLiteral(R"(", "sample_shape": [1, 28, 28],
              "num_classes": 10,
              "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                              "Sneaker", "Bag", "Ankle boot"],
              "validation_fraction": 0.05, "split_seed": 42},
  "training": {"epochs": 1, "batch_size": 64, "seed": 1, "device": "cpu", "threads": 1},
  "graph": {"nodes": [
      {"id": 1, "type": "Input", "name": "input", "params": {"dtype": "float32"}, "position": [80, 200]},
      {"id": 2, "type": "Flatten", "name": "flatten", "params": {}, "position": [280, 200]},
      {"id": 3, "type": "Linear", "name": "fc", "params": {"in_features": 0, "out_features": 10, "bias": true},
       "position": [480, 200]}],
    "edges": [{"from": {"node": 1, "port": 0}, "to": {"node": 2, "port": 0}},
              {"from": {"node": 2, "port": 0}, "to": {"node": 3, "port": 0}}]}
})");
}

} // namespace

class TestLoopStages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void stagesAreAvailable();
    void versionsPanelRegistersRuns();
    void applicationPredictsOnTestSamples();
    void feedbackPanelFiltersAndUndoes();
    void cardsShowTheLoopsState();
    void finetuneSaysWhatItMixes();
    void compareShowsTheGate();
    void promoteAndRollbackAskForAReason();
    void pretrainOffersTheCurrentVersion();
    void finetuneTrainsOnTheDashboard();
    void regressionRowsArePastedAndCorrected();

private:
    QString train(int seed);
    bool waitDone(VersionsPanel &panel);

    QTemporaryDir m_tmp;
    QString m_project;
    QString m_run1, m_run2;
    ProjectDocument m_doc;
};

QString TestLoopStages::train(int seed)
{
    TrainRequest request;
    request.project = m_doc.project();
    request.project.training.seed = seed;
    request.runsDir = QFileInfo(m_project).absolutePath().toStdString() + "/runs";
    request.device = std::string("cpu");
    request.batchLimit = 40 * seed; // the second run trains longer, so the two differ
    const RunResult run = trainBlocking(request, [](const TrainingEvent &) {});
    if (run.status != TrainingEvent::Status::Completed)
        qWarning("%s", run.message.c_str());
    return QString::fromStdString(run.runDir);
}

bool TestLoopStages::waitDone(VersionsPanel &panel)
{
    QSignalSpy done(&panel, &VersionsPanel::done);
    if (!done.wait(120000))
        return false;
    if (!done.first().first().toBool())
        qWarning("%s", qPrintable(panel.statusText()));
    return done.first().first().toBool();
}

void TestLoopStages::initTestCase()
{
    if (!QFileInfo::exists(QString::fromUtf8(kFashion) + "/t10k-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST is not installed (the Debian package dataset-fashion-mnist)");
    QVERIFY(m_tmp.isValid());
    QStandardPaths::setTestModeEnabled(true); // settings and app data away from the user's
    Recovery::setDirectory(m_tmp.filePath("recovery"));
    m_project = m_tmp.filePath("loop/loop.json");
    QVERIFY(QDir().mkpath(m_tmp.filePath("loop")));
    QFile f(m_project);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(projectText());
    f.close();
    QString error;
    QVERIFY2(m_doc.load(m_project, &error), qPrintable(error));
    m_run1 = train(1);
    m_run2 = train(2);
    QVERIFY(QFileInfo::exists(m_run1 + "/best.pt"));
    QVERIFY(QFileInfo::exists(m_run2 + "/best.pt"));
}

void TestLoopStages::stagesAreAvailable()
{
    for (Stage s : {Stage::Application, Stage::UserFeedback, Stage::ContinuousOptimization, Stage::ModelUpdate}) {
        QVERIFY(stageAvailable(s));
        QVERIFY(!stageInfo(s).note().contains("Not available"));
    }
    // Each shows its panel under its settings, and the settings of the schema that name it.
    StageInspector inspector(&m_doc);
    inspector.showStage(int(Stage::Application));
    QVERIFY(inspector.applicationPanel());
    QVERIFY(inspector.findChild<QSpinBox *>("/application/top_k"));
    inspector.showStage(int(Stage::UserFeedback));
    QVERIFY(inspector.feedbackPanel());
    QVERIFY(!inspector.applicationPanel());
    inspector.showStage(int(Stage::ContinuousOptimization));
    QVERIFY(inspector.finetunePanel());
    QVERIFY(inspector.findChild<QWidget *>("/finetune/replay_fraction"));
    inspector.showStage(int(Stage::ModelUpdate));
    QVERIFY(inspector.versionsPanel());
    QVERIFY(inspector.findChild<QWidget *>("/update/gate/max_test_drop"));
}

void TestLoopStages::versionsPanelRegistersRuns()
{
    VersionsPanel panel(&m_doc);
    QCOMPARE(panel.table()->rowCount(), 0);
    QVERIFY(panel.statusText().isEmpty());
    // Both runs are offered, newest first.
    const auto runs = panel.registrableRuns();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(QFileInfo(runs[0].first), QFileInfo(m_run2));
    panel.registerRun(m_run1);
    QVERIFY(panel.isBusy());
    QVERIFY(waitDone(panel));
    QCOMPARE(panel.table()->rowCount(), 1);
    QCOMPARE(panel.table()->item(0, VersionsPanel::VersionColumn)->text(), QStringLiteral("v1 (current)"));
    QVERIFY2(panel.table()->item(0, VersionsPanel::TestColumn)->text().contains("%"),
             qPrintable(panel.table()->item(0, VersionsPanel::TestColumn)->text()));
    panel.registerRun(m_run2);
    QVERIFY(waitDone(panel));
    // Newest first; v1 stays current until v2 is promoted.
    QCOMPARE(panel.table()->rowCount(), 2);
    QCOMPARE(panel.table()->item(0, VersionsPanel::VersionColumn)->text(), QStringLiteral("v2"));
    QCOMPARE(panel.table()->item(1, VersionsPanel::VersionColumn)->text(), QStringLiteral("v1 (current)"));
    QVERIFY(panel.registrableRuns()[0].second.contains("v2"));
}

void TestLoopStages::applicationPredictsOnTestSamples()
{
    ApplicationPanel panel(&m_doc);
    QCOMPARE(panel.version(), QStringLiteral("v1"));
    QSignalSpy predicted(&panel, &ApplicationPanel::predicted);
    const QList<int> indices{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    panel.predictTestSamples(indices);
    QVERIFY(predicted.wait(120000));
    QCOMPARE(predicted.first().first().toInt(), indices.size());
    QTableWidget *table = panel.table();
    QCOMPARE(table->rowCount(), indices.size());
    QVERIFY(!table->item(0, ApplicationPanel::InputColumn)->icon().isNull()); // a thumbnail
    // The top classes: as many as /application/top_k says (3), the best first.
    QVERIFY(!table->item(0, ApplicationPanel::PredictionColumn)->text().isEmpty());
    QCOMPARE(table->item(0, ApplicationPanel::OthersColumn)->text().count(" %"), 2);
    // Ascending confidence puts the doubtful ones first; descending the sure ones.
    table->sortItems(ApplicationPanel::ConfidenceColumn, Qt::AscendingOrder);
    for (int r = 1; r < table->rowCount(); ++r)
        QVERIFY(panel.rowConfidence(r - 1) <= panel.rowConfidence(r));
    table->sortItems(ApplicationPanel::ConfidenceColumn, Qt::DescendingOrder);
    for (int r = 1; r < table->rowCount(); ++r)
        QVERIFY(panel.rowConfidence(r - 1) >= panel.rowConfidence(r));

    // Right, and wrong with the correct class: each logs the prediction and its review. The
    // corrections go to rows not predicted as the class they name.
    auto rowNotPredicted = [table](const QString &name, int after) {
        for (int r = after + 1; r < table->rowCount(); ++r)
            if (table->item(r, ApplicationPanel::PredictionColumn)->text() != name)
                return r;
        return -1;
    };
    QVERIFY2(panel.markRight(0), qPrintable(panel.statusText()));
    const QString rightId = panel.feedbackId(0);
    QVERIFY(!rightId.isEmpty());
    const int shirtRow = rowNotPredicted("Shirt", 0);
    QVERIFY(shirtRow > 0);
    QVERIFY2(panel.markWrong(shirtRow, 6), qPrintable(panel.statusText()));
    const QString wrongId = panel.feedbackId(shirtRow);
    const int tshirtRow = rowNotPredicted("T-shirt/top", shirtRow);
    QVERIFY(tshirtRow > 0);
    QVERIFY2(panel.markWrong(tshirtRow, 0), qPrintable(panel.statusText()));
    QCOMPARE(table->item(shirtRow, ApplicationPanel::ReviewColumn)->text(), QStringLiteral("wrong: Shirt"));
    const FeedbackStore store(feedbackDir(m_doc.project()));
    QCOMPARE(int(store.items().size()), 3); // only the rows marked are logged
    const std::optional<FeedbackItem> right = store.find(rightId.toStdString());
    QVERIFY(right);
    QCOMPARE(QString::fromStdString(right->verdict), QStringLiteral("right"));
    QCOMPARE(QString::fromStdString(right->version), QStringLiteral("v1"));
    QVERIFY2(QString::fromStdString(right->input.source).startsWith("test:"), right->input.source.c_str());
    QVERIFY(QFileInfo::exists(QString::fromStdString(store.inputPath(*right)))); // the input was copied
    const std::optional<FeedbackItem> wrong = store.find(wrongId.toStdString());
    QVERIFY(wrong);
    QCOMPARE(QString::fromStdString(wrong->verdict), QStringLiteral("wrong"));
    QCOMPARE(wrong->label, 6);
    QCOMPARE(QString::fromStdString(wrong->labelName), QStringLiteral("Shirt"));
    // Marking again replaces the review, without a second item.
    QVERIFY(panel.markRight(shirtRow));
    QCOMPARE(int(store.items().size()), 3);
    QCOMPARE(QString::fromStdString(store.find(wrongId.toStdString())->verdict), QStringLiteral("right"));
    QVERIFY(panel.markWrong(shirtRow, 6));

    // A folder of image files dropped on the panel: one row per file, named by it.
    const QString folder = m_tmp.filePath("dropped");
    QVERIFY(QDir().mkpath(folder));
    // (Picked test samples are kept as the model's input, .npy; these are image files.)
    const std::vector<SampleImage> two = testSampleImages(m_doc.project(), {0, 1});
    QVERIFY(sampleImage(two[0]).save(folder + "/a shirt.png", "PNG"));
    QVERIFY(sampleImage(two[1]).save(folder + "/b.png", "PNG"));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(folder)});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&panel, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    predicted.clear();
    QApplication::sendEvent(&panel, &drop);
    QVERIFY(predicted.wait(120000));
    QCOMPARE(predicted.first().first().toInt(), 2);
    QCOMPARE(table->rowCount(), indices.size() + 2);
    QStringList sources;
    for (int r = 0; r < table->rowCount(); ++r)
        sources << panel.rowSource(r);
    QVERIFY2(sources.contains("a shirt.png") && sources.contains("b.png"), qPrintable(sources.join(", ")));

    // A tensor file of two samples (uint8 .npy): one row each; a marked one is kept as its own
    // sample, named by the file and its index.
    QByteArray pixels;
    for (const SampleImage &image : two) {
        QCOMPARE(image.width * image.height * image.channels, 28 * 28);
        pixels.append(reinterpret_cast<const char *>(image.pixels.data()), 28 * 28);
    }
    QByteArray header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 28, 28), }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QByteArray npy = QByteArray("\x93NUMPY\x01\x00", 8);
    npy.append(char(header.size() & 0xff)).append(char(header.size() >> 8)).append(header).append(pixels);
    QFile batch(m_tmp.filePath("batch.npy"));
    QVERIFY(batch.open(QIODevice::WriteOnly));
    batch.write(npy);
    batch.close();
    predicted.clear();
    panel.predictFiles({batch.fileName()});
    QVERIFY(predicted.wait(120000));
    QCOMPARE(predicted.first().first().toInt(), 2);
    int batchRow = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (panel.rowSource(r).startsWith("batch.npy"))
            batchRow = r;
    QVERIFY2(batchRow >= 0, qPrintable(panel.statusText()));
    QVERIFY2(panel.markRight(batchRow), qPrintable(panel.statusText()));
    const std::optional<FeedbackItem> sample = store.find(panel.feedbackId(batchRow).toStdString());
    QVERIFY(sample);
    QVERIFY2(QString::fromStdString(sample->input.source).contains("batch.npy"), sample->input.source.c_str());
    QVERIFY(QFileInfo::exists(QString::fromStdString(store.inputPath(*sample))));
    QCOMPARE(QString::fromStdString(sample->verdict), QStringLiteral("right"));
}

void TestLoopStages::feedbackPanelFiltersAndUndoes()
{
    FeedbackPanel panel(&m_doc);
    QCOMPARE(panel.table()->rowCount(), 4);
    QVERIFY2(panel.countsText().contains("4 items: 4 reviewed (2 right, 2 wrong)"), qPrintable(panel.countsText()));
    panel.setFilter("wrong");
    QCOMPARE(panel.table()->rowCount(), 2);
    panel.setFilter("right");
    QCOMPARE(panel.table()->rowCount(), 2);
    panel.setFilter("unreviewed");
    QCOMPARE(panel.table()->rowCount(), 0);
    panel.setFilter("wrong", 6); // corrected to Shirt
    QCOMPARE(panel.table()->rowCount(), 1);
    panel.setFilter("", -1, "v1");
    QCOMPARE(panel.table()->rowCount(), 4);
    panel.setFilter("", -1, "v9");
    QCOMPARE(panel.table()->rowCount(), 4); // no such version in the list: all versions

    // Undo the Shirt correction: the review before it is in force again (the item was marked
    // right in between, then Shirt again), and undoing those leaves it unreviewed.
    panel.setFilter("wrong", 6);
    const QString id = panel.itemId(0);
    QVERIFY2(panel.undo(0), qPrintable(panel.statusText()));
    panel.setFilter("wrong");
    QCOMPARE(panel.table()->rowCount(), 1);
    panel.setFilter("right");
    QCOMPARE(panel.table()->rowCount(), 3);
    int row = -1;
    for (int r = 0; r < panel.table()->rowCount(); ++r)
        if (panel.itemId(r) == id)
            row = r;
    QVERIFY(row >= 0);
    QVERIFY(panel.undo(row));
    panel.setFilter("wrong", 6);
    QCOMPARE(panel.table()->rowCount(), 1);
    QVERIFY(panel.undo(0));
    panel.setFilter("unreviewed");
    QCOMPARE(panel.table()->rowCount(), 1);
    QCOMPARE(panel.itemId(0), id);
    // A second undo has nothing to take back: refused, saying so.
    QVERIFY(!panel.undo(0));
    QVERIFY(!panel.statusText().isEmpty());
    // Review it from here.
    QVERIFY(panel.markWrong(0, 6));
    panel.setFilter("unreviewed");
    QCOMPARE(panel.table()->rowCount(), 0);
    // A change on disk (the CLI) shows without a click: the watcher or the next refresh.
    FeedbackStore store(feedbackDir(m_doc.project()));
    store.undoReview(id.toStdString());
    LoopWatcher::forDocument(&m_doc)->notify();
    QCOMPARE(panel.table()->rowCount(), 1);
    FeedbackStore(feedbackDir(m_doc.project())).markWrong(id.toStdString(), 6, "Shirt");
}

void TestLoopStages::cardsShowTheLoopsState()
{
    PipelineScene scene(&m_doc);
    const QString update = scene.item(Stage::ModelUpdate)->summary();
    QVERIFY2(update.contains("v1 current") && update.contains("versions: 2"), qPrintable(update));
    QVERIFY2(update.contains("4 reviewed since v1, 0 to review"), qPrintable(update));
    QVERIFY2(scene.item(Stage::UserFeedback)->summary().contains("4 items, 4 reviewed"),
             qPrintable(scene.item(Stage::UserFeedback)->summary()));
    QVERIFY2(scene.item(Stage::Application)->summary().contains("v1"),
             qPrintable(scene.item(Stage::Application)->summary()));
    QVERIFY(!scene.item(Stage::ContinuousOptimization)->summary().isEmpty());
}

void TestLoopStages::finetuneSaysWhatItMixes()
{
    FinetunePanel panel(&m_doc);
    QCOMPARE(panel.button()->text(), QStringLiteral("Fine-tune from v1"));
    QVERIFY(panel.button()->isEnabled());
    QVERIFY2(panel.mixText().contains("seen 5 times") && panel.mixText().contains("50 %"), qPrintable(panel.mixText()));
    QSignalSpy asked(&panel, &FinetunePanel::finetuneRequested);
    panel.button()->click();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first().first().toString(), QStringLiteral("v1"));
    // What the window trains then: the request of the engine, from v1.
    const TrainRequest request = finetuneRequest(m_doc.project(), "v1");
    QVERIFY(request.finetune);
    QCOMPARE(QString::fromStdString(request.finetune->parentVersion), QStringLiteral("v1"));
}

void TestLoopStages::compareShowsTheGate()
{
    VersionsPanel panel(&m_doc);
    panel.compare("v1", "v2");
    QVERIFY(waitDone(panel));
    CompareDialog *dialog = panel.compareDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->summaryTable()->rowCount() >= 5);
    QCOMPARE(dialog->classTable()->rowCount(), 10);
    QCOMPARE(dialog->confusionTable()->rowCount(), 10);
    QVERIFY2(dialog->gateText().contains("gate"), qPrintable(dialog->gateText()));
    // Both versions were measured on the split read now: no warning that it changed.
    QVERIFY2(!dialog->gateText().contains("differs"), qPrintable(dialog->gateText()));
    dialog->close();
}

void TestLoopStages::promoteAndRollbackAskForAReason()
{
    VersionsPanel panel(&m_doc);
    panel.promote("v2");
    QTRY_VERIFY_WITH_TIMEOUT(panel.reasonDialog(), 120000);
    ReasonDialog *dialog = panel.reasonDialog();
    QVERIFY(!dialog->okButton()->isEnabled()); // no reason yet
    QVERIFY(!dialog->gateText().isEmpty());
    dialog->reasonEdit()->setText("trained longer");
    if (dialog->overrideBox()->isVisible()) {
        // The gate failed: OK needs the override too.
        QVERIFY(!dialog->okButton()->isEnabled());
        dialog->overrideBox()->setChecked(true);
    }
    QVERIFY(dialog->okButton()->isEnabled());
    dialog->okButton()->click();
    QVERIFY(waitDone(panel));
    QCOMPARE(QString::fromStdString(currentVersion(m_doc.project())->id), QStringLiteral("v2"));
    QCOMPARE(panel.table()->item(0, VersionsPanel::VersionColumn)->text(), QStringLiteral("v2 (current)"));
    const auto history = registryHistory(m_doc.project());
    QCOMPARE(QString::fromStdString(history.back().reason), QStringLiteral("trained longer"));

    panel.rollback();
    QVERIFY(panel.reasonDialog());
    dialog = panel.reasonDialog();
    QVERIFY(!dialog->okButton()->isEnabled());
    QVERIFY(!dialog->overrideBox()->isVisible());
    dialog->reasonEdit()->setText("  ");
    QVERIFY(!dialog->okButton()->isEnabled()); // spaces are no reason
    dialog->reasonEdit()->setText("v2 misses shirts");
    dialog->okButton()->click();
    QVERIFY(waitDone(panel));
    QCOMPARE(QString::fromStdString(currentVersion(m_doc.project())->id), QStringLiteral("v1"));
    QCOMPARE(QString::fromStdString(registryHistory(m_doc.project()).back().reason),
             QStringLiteral("v2 misses shirts"));
}

void TestLoopStages::pretrainOffersTheCurrentVersion()
{
    // The loop back: one click points Pretrain at the current version and turns it on, one
    // undo step takes both back.
    StageInspector inspector(&m_doc);
    inspector.showStage(int(Stage::Pretrain));
    auto *current = inspector.findChild<QPushButton *>("pretrainFromCurrent");
    QVERIFY(current);
    current->click();
    QCOMPARE(QString::fromStdString(m_doc.project().pretrain.source), QStringLiteral("@current"));
    QVERIFY(m_doc.project().pretrain.enabled);
    m_doc.undoStack()->undo();
    QVERIFY(m_doc.project().pretrain.source.empty());
    QVERIFY(!m_doc.project().pretrain.enabled);
}

// The window's Fine-tune trains finetuneRequest() on the dashboard: a new run whose parent is
// the version, with the reviewed items it saw.
void TestLoopStages::finetuneTrainsOnTheDashboard()
{
    MainWindow w;
    w.setErrorReporter([](const QString &m) { qWarning("%s", qPrintable(m)); });
    QVERIFY(w.openProject(m_project));
    QVERIFY(w.document()->setSetting("/finetune/epochs", 1));
    QSignalSpy finished(w.dashboard(), &Dashboard::runFinished);
    QVERIFY(w.finetune("v1"));
    QCOMPARE(w.tabs()->currentIndex(), int(MainWindow::DashboardTab));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("completed"));
    QFile runJson(finished.first().at(0).toString() + "/run.json");
    QVERIFY(runJson.open(QIODevice::ReadOnly));
    const nlohmann::json run = nlohmann::json::parse(runJson.readAll().toStdString());
    QCOMPARE(QString::fromStdString(run.value("parent_version", "")), QStringLiteral("v1"));
    QVERIFY(run.contains("feedback_items"));
    QVERIFY(!w.dashboard()->isTraining());
}

// A table project with a real-valued target (the Boston sample): pasted CSV rows get their
// predicted value, and a correction is a value.
void TestLoopStages::regressionRowsArePastedAndCorrected()
{
    const QString csv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/boston_house_prices.csv";
    if (!QFileInfo::exists(csv))
        QSKIP("sklearn's datasets are not installed (python3-sklearn)");
    QVERIFY(QDir().mkpath(m_tmp.filePath("boston")));
    const QString path = m_tmp.filePath("boston/boston.json");
    QVERIFY(QFile::copy(TORCHWRIGHT_SOURCE_DIR "/projects/boston_regression.json", path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(path, &error), qPrintable(error));
    TrainRequest request;
    request.project = doc.project();
    request.project.training.epochs = 2;
    request.runsDir = m_tmp.filePath("boston/runs").toStdString();
    request.device = std::string("cpu");
    const RunResult run = trainBlocking(request, [](const TrainingEvent &) {});
    QVERIFY2(run.status == TrainingEvent::Status::Completed, run.message.c_str());
    registerVersion(doc.project(), run.runDir);

    ApplicationPanel panel(&doc);
    QCOMPARE(panel.version(), QStringLiteral("v1"));
    QSignalSpy predicted(&panel, &ApplicationPanel::predicted);
    QSignalSpy failed(&panel, &ApplicationPanel::failed);
    panel.predictRows(
        "\"CRIM\",\"ZN\",\"INDUS\",\"CHAS\",\"NOX\",\"RM\",\"AGE\",\"DIS\",\"RAD\",\"TAX\",\"PTRATIO\",\"B\","
        "\"LSTAT\",\"MEDV\"\n"
        "0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,24\n"
        "0.02731,0,7.07,0,0.469,6.421,78.9,4.9671,2,242,17.8,396.9,9.14,21.6\n");
    QVERIFY(predicted.wait(120000) || !failed.isEmpty());
    QVERIFY2(failed.isEmpty(), qPrintable(panel.statusText()));
    QCOMPARE(panel.table()->rowCount(), 2);
    bool number = false;
    panel.table()->item(0, ApplicationPanel::PredictionColumn)->text().toDouble(&number);
    QVERIFY(number);
    QVERIFY(std::isnan(panel.rowConfidence(0)));
    QVERIFY2(panel.markWrongValue(0, 24.0), qPrintable(panel.statusText()));
    QVERIFY2(panel.markRight(1), qPrintable(panel.statusText())); // the value is right
    const FeedbackStore store(feedbackDir(doc.project()));
    const std::optional<FeedbackItem> item = store.find(panel.feedbackId(0).toStdString());
    QVERIFY(item);
    QVERIFY(item->regression);
    QCOMPARE(item->trueValue, 24.0);
    // The row kept inline as the engine encodes it (as predict --log does): the header's names
    // and the fields, without the file's quotes.
    QVERIFY(!item->input.row.is_null());
    const auto columns = item->input.row.value("columns", std::vector<std::string>{});
    QVERIFY(!columns.empty());
    QCOMPARE(QString::fromStdString(columns.front()), QStringLiteral("CRIM"));
    QCOMPARE(QString::fromStdString(item->input.row.value("values", std::vector<std::string>{}).front()),
             QStringLiteral("0.00632"));
    QCOMPARE(QString::fromStdString(store.find(panel.feedbackId(1).toStdString())->verdict), QStringLiteral("right"));
}

QTEST_MAIN(TestLoopStages)
#include "tst_loopstages.moc"
