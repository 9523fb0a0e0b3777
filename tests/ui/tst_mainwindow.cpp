// The studio window as a user meets it: it opens on a project with the lifecycle drawn as a
// pipeline, a stage's settings edit through the inspector (undoably), the title tracks unsaved
// changes, closing asks, a dropped project file opens, autosave leaves a recovery file that the
// next start restores, and the screenshot command writes a PNG of the right size.

#include "curveplot.h"
#include "dashboard.h"
#include "exportdialog.h"
#include "grapheditor.h"
#include "mainwindow.h"
#include "pipelinescene.h"
#include "projectdocument.h"
#include "recovery.h"
#include "stageinspector.h"
#include "stageitem.h"

#include "torchwright/project.h"
#include "torchwright/training.h"

#include <QCheckBox>
#include <QGraphicsView>
#include <QLabel>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace torchwright;
using namespace torchwright::ui;

namespace {
QString sample() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"); }
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensOnProjectWithPipeline();
    void stageSettingsEditUndoably();
    void doubleClickOptimizeOpensGraph();
    void closingAsksAboutUnsavedChanges();
    void openModifySaveReopen();
    void saveAsAddsJsonAndNamesTheProject();
    void droppedProjectOpens();
    void autosaveAndRecovery();
    void screenshotCommand();
    void closingMidRunStopsTraining();
    void deployStageExportsEveryFormat();

private:
    QTemporaryDir m_tmp;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and app data away from the user's
    Recovery::setDirectory(m_tmp.filePath("recovery"));
}

void TestMainWindow::opensOnProjectWithPipeline()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    QVERIFY(w.windowTitle().startsWith("fashion_mnist_cnn.json"));
    QCOMPARE(w.tabs()->count(), 3);
    int stages = 0;
    for (QGraphicsItem *i : w.pipeline()->items())
        stages += dynamic_cast<StageItem *>(i) != nullptr;
    QCOMPARE(stages, 11);
    QVERIFY(w.pipeline()->item(Stage::Optimize)->summary().contains("421642"));
    QVERIFY(!stageAvailable(Stage::UserFeedback));
}

void TestMainWindow::stageSettingsEditUndoably()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    w.pipeline()->selectStage(Stage::Optimize);
    QCOMPARE(w.stageInspector()->stage(), int(Stage::Optimize));
    auto *epochs = w.stageInspector()->findChild<QSpinBox *>("/training/epochs");
    QVERIFY(epochs);
    QCOMPARE(epochs->value(), 5);
    epochs->setValue(8);
    QCOMPARE(w.document()->project().training.epochs, 8);
    QVERIFY(w.isWindowModified());
    QVERIFY(w.pipeline()->item(Stage::Optimize)->summary().contains("8 epochs"));
    w.document()->undoStack()->undo();
    QCOMPARE(w.document()->project().training.epochs, 5);
    QCOMPARE(epochs->value(), 5);
    QVERIFY(!w.isWindowModified());
    // Stages that are not there yet say so.
    w.pipeline()->selectStage(Stage::UserFeedback);
    bool saysSo = false;
    for (QLabel *l : w.stageInspector()->findChildren<QLabel *>())
        saysSo = saysSo || l->text().contains("Not available yet");
    QVERIFY(saysSo);
}

void TestMainWindow::doubleClickOptimizeOpensGraph()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    auto *view = w.findChild<QGraphicsView *>("pipelineView");
    QVERIFY(view);
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QPoint at = view->mapFromScene(w.pipeline()->item(Stage::Optimize)->scenePos());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(w.tabs()->currentIndex(), int(MainWindow::GraphTab));
}

void TestMainWindow::closingAsksAboutUnsavedChanges()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    int asked = 0;
    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    w.setAsker([&](const QString &, QMessageBox::StandardButtons) {
        ++asked;
        return answer;
    });
    QVERIFY(w.close()); // nothing changed: no question
    QCOMPARE(asked, 0);
    w.show();
    QVERIFY(w.document()->setSetting("/training/epochs", 3));
    w.document()->undoStack()->resetClean();
    QVERIFY(!w.close());
    QCOMPARE(asked, 1);
    QVERIFY(w.isVisible());
    answer = QMessageBox::Discard;
    QVERIFY(w.close());
    QCOMPARE(asked, 2);
}

void TestMainWindow::openModifySaveReopen()
{
    const QString path = m_tmp.filePath("roundtrip.json");
    QVERIFY(QFile::copy(sample(), path));
    {
        MainWindow w;
        QVERIFY(w.openProject(path));
        w.pipeline()->selectStage(Stage::Optimize);
        w.stageInspector()->findChild<QSpinBox *>("/training/batch_size")->setValue(128);
        QVERIFY(w.windowTitle().contains("[*]") || w.isWindowModified());
        QVERIFY(w.save());
        QVERIFY(!w.isWindowModified());
        QVERIFY(MainWindow::recentFiles().contains(QFileInfo(path).absoluteFilePath()));
    }
    MainWindow again;
    QVERIFY(again.openProject(path));
    QCOMPARE(again.document()->project().training.batchSize, 128);
}

// Save As with a name typed without ".json" writes NAME.json (so Open lists it), and a project
// still called "Untitled" takes the file's name.
void TestMainWindow::saveAsAddsJsonAndNamesTheProject()
{
    MainWindow w;
    w.newProject();
    QCOMPARE(QString::fromStdString(w.document()->project().name), QStringLiteral("Untitled"));
    const QString typed = m_tmp.filePath("mlp");
    QVERIFY(w.saveAs(typed));
    QVERIFY(!QFileInfo::exists(typed));
    QVERIFY(QFileInfo::exists(typed + ".json"));
    QCOMPARE(w.document()->filePath(), QFileInfo(typed + ".json").absoluteFilePath());
    QCOMPARE(QString::fromStdString(w.document()->project().name), QStringLiteral("mlp"));
    QVERIFY(!w.isWindowModified());
    MainWindow again;
    QVERIFY(again.openProject(typed + ".json"));
    QCOMPARE(QString::fromStdString(again.document()->project().name), QStringLiteral("mlp"));
    // A project with its own name keeps it.
    QVERIFY(again.saveAs(m_tmp.filePath("copy")));
    QCOMPARE(QString::fromStdString(again.document()->project().name), QStringLiteral("mlp"));
}

void TestMainWindow::droppedProjectOpens()
{
    MainWindow w;
    w.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(sample())});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    QCOMPARE(w.document()->filePath(), QFileInfo(sample()).absoluteFilePath());
}

void TestMainWindow::autosaveAndRecovery()
{
    const QString path = m_tmp.filePath("recover.json");
    QVERIFY(QFile::copy(sample(), path));
    std::string edited;
    {
        MainWindow w;
        QVERIFY(w.openProject(path));
        QVERIFY(w.document()->setSetting("/training/epochs", 11));
        w.document()->undoStack()->resetClean();
        edited = w.document()->serialized();
        w.autosaveNow();
        QCOMPARE(Recovery::pending().size(), 1);
        // A crash: the window goes away without closing, so the recovery file stays.
    }
    QCOMPARE(Recovery::pending().size(), 1);
    MainWindow next;
    next.setAsker([](const QString &q, QMessageBox::StandardButtons) {
        return q.contains("recover.json") ? QMessageBox::Yes : QMessageBox::No;
    });
    QVERIFY(next.offerRecovery());
    QCOMPARE(next.document()->project().training.epochs, 11);
    QCOMPARE(next.document()->filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(next.document()->isModified());
    QVERIFY(next.save());
    QVERIFY(Recovery::pending().isEmpty());
    ProjectDocument check;
    QVERIFY(check.load(path, nullptr));
    QCOMPARE(check.project().training.epochs, 11);
}

void TestMainWindow::screenshotCommand()
{
    const QString out = m_tmp.filePath("shot.png");
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", m_tmp.filePath("config"));
    env.insert("XDG_DATA_HOME", m_tmp.filePath("data"));
    p.setProcessEnvironment(env);
    p.start(TORCHWRIGHT_STUDIO, {"--screenshot", out, "--tab", "graph", sample()});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QImage img(out);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), QSize(1600, 1000));
}

void TestMainWindow::closingMidRunStopsTraining()
{
    // A project with enough batches that the run is still going when the window closes.
    const QString path = m_tmp.filePath("midrun/project.json");
    QDir().mkpath(m_tmp.filePath("midrun"));
    QVERIFY(QFile::copy(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json", path));
    QString runDir;
    {
        MainWindow w;
        w.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
        QVERIFY(w.openProject(path));
        QVERIFY(w.document()->setSetting("/training/epochs", 500));
        QVERIFY(w.document()->setSetting("/training/device", "cpu"));
        w.show();
        QSignalSpy started(w.dashboard(), &Dashboard::runStarted);
        w.dashboard()->startTraining();
        QVERIFY(started.wait(60000));
        runDir = started.at(0).at(0).toString();
        QTRY_VERIFY_WITH_TIMEOUT(w.dashboard()->batchLossPlot()->pointCount(0) > 0, 60000);
        QVERIFY(w.dashboard()->isTraining());
        QVERIFY(w.close()); // stops the worker and waits for it
        QVERIFY(!w.dashboard()->isTraining());
    }
    QFile summary(runDir + "/run.json");
    QVERIFY(summary.open(QIODevice::ReadOnly));
    QVERIFY2(summary.readAll().contains("\"stopped\""), qPrintable(runDir));
}

void TestMainWindow::deployStageExportsEveryFormat()
{
    // A trained run of the tiny project, then the Evaluate & deploy stage's Export button.
    const QString dir = m_tmp.filePath("deploy");
    QDir().mkpath(dir);
    const QString path = dir + "/project.json";
    QVERIFY(QFile::copy(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json", path));
    ProjectLoad load = loadProjectFile(path.toStdString());
    QVERIFY(load.ok());
    analyzeProject(load.project);
    TrainRequest request;
    request.project = load.project;
    request.epochs = 1;
    const RunResult trained = trainBlocking(request, [](const TrainingEvent &) {});
    QVERIFY2(trained.status == TrainingEvent::Status::Completed, trained.message.c_str());

    MainWindow w;
    w.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
    QVERIFY(w.openProject(path));
    w.show();
    w.stageInspector()->showStage(int(Stage::EvaluateDeploy));
    auto *button = w.stageInspector()->findChild<QPushButton *>("exportRun");
    QVERIFY(button);
    button->click();
    auto *dialog = w.findChild<ExportDialog *>();
    QVERIFY(dialog);
    QCOMPARE(QFileInfo(dialog->windowTitle().section(' ', 1)).fileName(),
             QFileInfo(QString::fromStdString(trained.runDir)).fileName());
    // The project's formats are ticked (torchscript in the sample); tick the rest too.
    QCOMPARE(dialog->checkedFormats(), QStringList{"torchscript"});
    for (QCheckBox *box : dialog->findChildren<QCheckBox *>())
        box->setChecked(true);
    const QString out = dir + "/exported";
    dialog->setOutputFolder(out);
    QSignalSpy finished(dialog, &ExportDialog::exportFinished);
    dialog->startExport();
    QVERIFY(dialog->isExporting());
    QVERIFY(finished.wait(180000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog->report()));
    for (const char *f : {"model.torchscript.pt", "model.onnx", "pytorch/train.py", "pytorch/weights.pt",
                          "bundle/manifest.json", "bundle/model.pt", "bundle/model.onnx"})
        QVERIFY2(QFileInfo::exists(out + "/" + f), f);
    QCOMPARE(dialog->report().count("wrote"), 4);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
