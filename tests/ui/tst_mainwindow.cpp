// The studio window as a user meets it: it opens on a project with the lifecycle drawn as a
// pipeline, a stage's settings edit through the inspector (undoably), the title tracks unsaved
// changes, closing asks, a dropped project file opens, autosave leaves a recovery file that the
// next start restores, and the screenshot command writes a PNG of the right size.

#include "curveplot.h"
#include "dashboard.h"
#include "evaluationpanel.h"
#include "exportdialog.h"
#include "grapheditor.h"
#include "graphscene.h"
#include "mainwindow.h"
#include "pipelinescene.h"
#include "pipelinestages.h"
#include "pipelineview.h"
#include "projectdocument.h"
#include "recovery.h"
#include "stageinspector.h"
#include "stageitem.h"

#include "torchwright/project.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGraphicsView>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
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
    void datasetKindStaysInANewProject();
    void undoKeysWorkWhileAFieldHasFocus();
    void windowWorksAt1024x700();
    void formsFitAt1280x800();
    void docksFollowTheTab();
    void windowStateRoundTrip();
    void pipelineCanvasZoomsAndFits();
    void helpListsEveryShortcut();
    void evaluationScalesToItsSpace();

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
    // Every stage works, the four after deployment included.
    for (const StageInfo &info : pipelineStages())
        QVERIFY2(stageAvailable(info.stage), info.key);
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
    // No stage says it is not there yet.
    for (const StageInfo &info : pipelineStages()) {
        w.pipeline()->selectStage(info.stage);
        for (QLabel *l : w.stageInspector()->findChildren<QLabel *>())
            QVERIFY2(!l->text().contains("Not available yet"), info.key);
    }
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

    // --size (scripts/screenshots renders 1280x800 too) and --stage; a bad size is refused.
    p.start(TORCHWRIGHT_STUDIO, {"--screenshot", out, "--size", "1280x800", "--stage", "optimize", sample()});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QCOMPARE(QImage(out).size(), QSize(1280, 800));
    p.start(TORCHWRIGHT_STUDIO, {"--screenshot", out, "--size", "wide", sample()});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("--size"));
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

// Issue 16: in a new project, picking a kind that reads a folder snapped back to "synthetic"
// until a folder was typed. The kind stays chosen; typing the folder applies both as one step.
void TestMainWindow::datasetKindStaysInANewProject()
{
    MainWindow w;
    w.newProject();
    w.show();
    w.pipeline()->selectStage(Stage::InputData);
    auto *kind = w.stageInspector()->findChild<QComboBox *>("/dataset/kind");
    auto *folder = w.stageInspector()->findChild<QLineEdit *>("/dataset/path");
    QVERIFY(kind && folder);
    QCOMPARE(kind->currentText(), QString("synthetic"));
    const int steps = w.document()->undoStack()->count();
    // Picked, then given up: nothing changes and the hint goes.
    auto *hint = w.stageInspector()->findChild<QLabel *>("settingError");
    kind->setCurrentIndex(kind->findText("idx"));
    QVERIFY2(hint->text().contains("Folder"), qPrintable(hint->text()));
    kind->setCurrentIndex(kind->findText("synthetic"));
    QVERIFY(hint->text().isEmpty());
    QCOMPARE(w.document()->undoStack()->count(), steps);
    kind->setCurrentIndex(kind->findText("idx"));
    QCoreApplication::processEvents();
    QCOMPARE(kind->currentText(), QString("idx"));
    // Other edits of the document do not undo the choice either.
    QVERIFY(w.document()->setSetting("/training/epochs", 7));
    QCOMPARE(kind->currentText(), QString("idx"));
    QVERIFY(folder->isVisibleTo(w.stageInspector()));
    folder->setText("data/fashion");
    Q_EMIT folder->editingFinished();
    QCOMPARE(w.document()->project().dataset.kind, std::string("idx"));
    QCOMPARE(w.document()->project().dataset.path, std::string("data/fashion"));
    QCOMPARE(kind->currentText(), QString("idx"));
    QCOMPARE(w.document()->undoStack()->count(), steps + 1);
    w.document()->undoStack()->undo();
    QCOMPARE(w.document()->project().dataset.kind, std::string("synthetic"));
    QCOMPARE(kind->currentText(), QString("synthetic"));
}

// Issue 16: Ctrl+Z did nothing while a settings field had focus (the field's own undo took the
// key). Once the field's edit reached the document, the undo keys undo and redo the document;
// while the field holds text not yet committed, they stay the field's own.
void TestMainWindow::undoKeysWorkWhileAFieldHasFocus()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    w.pipeline()->selectStage(Stage::Optimize);
    auto *lr = w.stageInspector()->findChild<QAbstractSpinBox *>("/training/optimizer/lr");
    QVERIFY(lr);
    auto *edit = lr->findChild<QLineEdit *>();
    lr->setFocus();
    QVERIFY(lr->hasFocus() || edit->hasFocus());
    edit->selectAll();
    QTest::keyClicks(lr, "0.05");
    QTest::keyClick(lr, Qt::Key_Return);
    QCOMPARE(w.document()->project().training.optimizer.lr, 0.05);
    QTest::keyClick(lr, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(w.document()->project().training.optimizer.lr, 0.001);
    QCOMPARE(lr->text(), QString("0.001"));
    QTest::keyClick(lr, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.document()->project().training.optimizer.lr, 0.05);
    // Typing not yet committed: Ctrl+Z is the field's own and the document is untouched.
    QTest::keyClicks(lr, "7");
    QCOMPARE(lr->text(), QString("0.057"));
    QTest::keyClick(lr, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(lr->text(), QString("0.05"));
    QCOMPARE(w.document()->project().training.optimizer.lr, 0.05);
}

namespace {
// Lets the window lay itself out at its size.
void settle()
{
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
    }
}
} // namespace

// Issue 16: the window could not be narrower than 1221 px. On every tab, what the window needs
// fits 1024x700, and it takes that size.
void TestMainWindow::windowWorksAt1024x700()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    for (int tab = 0; tab < w.tabs()->count(); ++tab) {
        w.showTab(MainWindow::Tab(tab));
        settle();
        const QSize needed = w.minimumSizeHint().expandedTo(w.minimumSize());
        for (QDockWidget *d : w.findChildren<QDockWidget *>())
            QVERIFY2(needed.width() <= 1024 && needed.height() <= 700,
                     qPrintable(QString("tab %1 needs %2x%3").arg(tab).arg(needed.width()).arg(needed.height())));
    }
    w.resize(1024, 700);
    settle();
    QCOMPARE(w.size(), QSize(1024, 700));
}

// Issue 16: the Optimize form was cut off on the right. At 1280x800 every stage's form and the
// layer inspector of every layer of the sample fit their panel's width.
void TestMainWindow::formsFitAt1280x800()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.resize(1280, 800);
    w.show();
    settle();
    for (const StageInfo &info : pipelineStages()) {
        w.pipeline()->selectStage(info.stage);
        settle();
        QVERIFY2(w.stageInspector()->formFits(), qPrintable(info.title()));
    }
    w.showTab(MainWindow::GraphTab);
    settle();
    auto *inspector = w.graphEditor()->findChild<QWidget *>("nodeInspector");
    QVERIFY(inspector);
    auto *scroll = inspector->findChild<QScrollArea *>();
    for (const Node &node : w.document()->project().graph.nodes) {
        w.graphEditor()->scene()->selectNodes({node.id});
        settle();
        QVERIFY2(scroll->widget()->minimumSizeHint().width() <= scroll->viewport()->width(), node.name.c_str());
    }
}

// Issue 16: the runs dock took a third of every tab. The runs, evaluation and log docks belong
// to the dashboard; a dock the person shows on another tab stays shown there.
void TestMainWindow::docksFollowTheTab()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.show();
    auto shown = [&w](const char *name) { return w.dock(name)->isVisible(); };
    w.showTab(MainWindow::PipelineTab);
    QVERIFY(!shown("runsDock") && !shown("logDock"));
    w.showTab(MainWindow::GraphTab);
    QVERIFY(!shown("runsDock") && !shown("logDock"));
    w.showTab(MainWindow::DashboardTab);
    QVERIFY(shown("runsDock") && shown("logDock"));
    // The person shows the log on the graph tab (View > Panels > Log).
    w.showTab(MainWindow::GraphTab);
    w.dock("logDock")->toggleViewAction()->trigger();
    QVERIFY(shown("logDock"));
    w.showTab(MainWindow::PipelineTab);
    QVERIFY(!shown("logDock"));
    w.showTab(MainWindow::GraphTab);
    QVERIFY(shown("logDock"));
    QCOMPARE(w.dockNamesShown(MainWindow::GraphTab), QStringList{"logDock"});
    // and closes the runs dock on the dashboard.
    w.showTab(MainWindow::DashboardTab);
    w.dock("runsDock")->close();
    w.showTab(MainWindow::PipelineTab);
    w.showTab(MainWindow::DashboardTab);
    QVERIFY(!shown("runsDock") && shown("logDock"));
}

// The window's size, its tab and each tab's docks come back on the next start.
void TestMainWindow::windowStateRoundTrip()
{
    {
        MainWindow w;
        w.show();
        w.resize(1100, 760);
        w.showTab(MainWindow::GraphTab);
        w.dock("logDock")->toggleViewAction()->trigger();
        settle();
        w.saveWindowState();
    }
    MainWindow w;
    QVERIFY(w.restoreWindowState());
    w.show();
    settle();
    QCOMPARE(w.tabs()->currentIndex(), int(MainWindow::GraphTab));
    QCOMPARE(w.size(), QSize(1100, 760));
    QVERIFY(w.dock("logDock")->isVisible());
    QVERIFY(!w.dock("runsDock")->isVisible());
    w.showTab(MainWindow::DashboardTab);
    QVERIFY(w.dock("runsDock")->isVisible());
}

// Issue 16: the pipeline canvas did not zoom and its text was ~7 px. It fits on open, never
// below a readable zoom; Ctrl+plus, Ctrl+wheel zoom, Ctrl+0 fits again.
void TestMainWindow::pipelineCanvasZoomsAndFits()
{
    MainWindow w;
    QVERIFY(w.openProject(sample()));
    w.resize(1280, 800);
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    settle();
    PipelineView *view = w.pipelineView();
    QVERIFY(view->isFitting());
    QVERIFY2(view->zoom() >= PipelineView::kMinFitZoom, qPrintable(QString::number(view->zoom())));
    const qreal fitted = view->zoom();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Plus, Qt::ControlModifier);
    QVERIFY(view->zoom() > fitted);
    QVERIFY(!view->isFitting());
    QTest::keyClick(view, Qt::Key_0, Qt::ControlModifier);
    QVERIFY(view->isFitting());
    QCOMPARE(view->zoom(), fitted);
    const QPoint at = view->viewport()->rect().center();
    QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), {}, {0, -120}, Qt::NoButton, Qt::ControlModifier,
                      Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(view->zoom() < fitted);
    // The window narrower: the fit follows, down to the readable floor.
    w.resize(1024, 700);
    QTest::keyClick(view, Qt::Key_0, Qt::ControlModifier);
    settle();
    QVERIFY(view->zoom() >= PipelineView::kMinFitZoom);
}

// Help > Keyboard shortcuts lists every action that has a shortcut, by menu or area, from the
// actions themselves; About names the versions.
void TestMainWindow::helpListsEveryShortcut()
{
    MainWindow w;
    const QList<MainWindow::ShortcutEntry> list = w.shortcutList();
    auto has = [&list](const QString &group, const QString &text, const QKeySequence &keys) {
        for (const auto &e : list)
            if (e.group == group && e.text == text && e.keys.contains(keys.toString(QKeySequence::NativeText)))
                return true;
        return false;
    };
    QVERIFY(has("Edit", "Undo", QKeySequence::Undo));
    QVERIFY(has("Edit", "Duplicate", QKeySequence(Qt::CTRL | Qt::Key_D)));
    QVERIFY(has("File", "Save", QKeySequence::Save));
    QVERIFY(has("Pipeline", "Fit to View", QKeySequence(Qt::CTRL | Qt::Key_0)));
    // Every action with a shortcut is listed, once.
    QSet<QString> listed;
    for (const auto &e : list)
        listed << e.group + "/" + e.text;
    QCOMPARE(listed.size(), list.size());
    int withKeys = 0;
    QSet<QAction *> distinct;
    for (QAction *a : w.findChildren<QAction *>())
        if (!a->shortcuts().isEmpty())
            distinct << a;
    withKeys = int(distinct.size());
    QCOMPARE(int(list.size()), withKeys);
    QDialog *dialog = w.showShortcuts();
    auto *tree = dialog->findChild<QTreeWidget *>("shortcutTree");
    QVERIFY(tree && tree->topLevelItemCount() >= 3);
    QDialog *about = w.showAbout();
    auto *box = qobject_cast<QMessageBox *>(about);
    QVERIFY(box && box->text().contains(QString::fromStdString(torchVersion())));
    QVERIFY(w.showGettingStarted());
}

// Issue 16: the confusion matrix's numbers overlapped at the dock's width and the per-class
// table was cut after "Precision". The counts show only where a cell has room for them (hover
// tells the rest); every column of the table fits the dock.
void TestMainWindow::evaluationScalesToItsSpace()
{
    Evaluation ev;
    const int n = 10;
    ev.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    ev.confusion.assign(n, std::vector<int64_t>(n, 7));
    for (int c = 0; c < n; ++c) {
        ev.confusion[size_t(c)][size_t(c)] = 937;
        ev.support.push_back(1000);
        ev.precision.push_back(0.937);
        ev.recall.push_back(0.937);
    }
    ev.samples = 10000;
    ev.correct = 9370;
    ev.accuracy = 0.937;
    EvaluationPanel panel;
    panel.resize(380, 860); // the dock at its default width
    panel.show();
    panel.showEvaluation("run", ev);
    settle();
    QTableWidget *table = panel.classTable();
    QCOMPARE(table->columnCount(), 5);
    QCOMPARE(table->item(0, 3)->text(), QString("93.7 %"));
    QVERIFY2(table->horizontalHeader()->length() <= table->viewport()->width(),
             qPrintable(QString("%1 > %2").arg(table->horizontalHeader()->length()).arg(table->viewport()->width())));
    panel.resize(900, 1400);
    settle();
    QVERIFY2(panel.cellSize() >= EvaluationPanel::kMinCellForNumbers, qPrintable(QString::number(panel.cellSize())));
    QVERIFY(panel.cellNumbersShown());
    panel.resize(240, 500);
    settle();
    QVERIFY2(panel.cellSize() < EvaluationPanel::kMinCellForNumbers, qPrintable(QString::number(panel.cellSize())));
    QVERIFY(!panel.cellNumbersShown());
    QCOMPARE(panel.cellText(0, 0), QString("true T-shirt/top, predicted T-shirt/top: 937 sample(s), 93.7 % of the "
                                           "true T-shirt/top"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
