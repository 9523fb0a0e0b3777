// The runs panel on run folders written by hand (run.json, metrics.jsonl, project.json and empty
// checkpoint files: the panel only looks whether they exist), so nothing is trained: ticks drive
// the overlay and Compare, the list holds the open project's runs (All projects shows the rest),
// rename (F2), note and delete to the trash and back, every disabled action says why, and the key
// columns fit the dock's default width. Import run… brings in a run folder of the exported
// program (made here from a briefly trained engine run) on a worker thread: listed, ticked with its
// curves, current; a folder that is not one is refused below the list. No sleeps.

#include "curveplot.h"
#include "engine/testhelpers.h"
#include "projectdocument.h"
#include "runspanel.h"

#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QAction>
#include <QCheckBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <memory>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

QString tinyProjectSource() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json"); }

QJsonObject readObject(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

struct FakeRun {
    QString name;
    QString projectFile; // recorded in run.json
    QString projectName;
    QString status = QStringLiteral("completed");
    int epochs = 3;        // planned
    int completed = 3;     // epochs in metrics.jsonl
    int projectEpochs = 3; // /training/epochs in its project.json
    QStringList checkpoints{QStringLiteral("best.pt"), QStringLiteral("last.pt")};
    bool damageProject = false; // project.json changed after run.json recorded its SHA-256
};

// A run folder as the trainer leaves it; returns its path (empty when it cannot be written).
QString writeRun(const QString &runsDir, const FakeRun &r)
{
    const QString dir = runsDir + QLatin1Char('/') + r.name;
    if (!QDir().mkpath(dir))
        return {};
    QFile source(tinyProjectSource());
    if (!source.open(QIODevice::ReadOnly))
        return {};
    QJsonObject project = QJsonDocument::fromJson(source.readAll()).object();
    QJsonObject training = project[QStringLiteral("training")].toObject();
    training[QStringLiteral("epochs")] = r.projectEpochs;
    project[QStringLiteral("training")] = training;
    const QByteArray projectText = QJsonDocument(project).toJson();
    if (!writeText(dir + QStringLiteral("/project.json"), projectText))
        return {};
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(projectText, QCryptographicHash::Sha256).toHex());
    if (r.damageProject && !writeText(dir + QStringLiteral("/project.json"), projectText + "\n"))
        return {};
    QByteArray metrics;
    for (int e = 1; e <= r.completed; ++e)
        metrics += QJsonDocument(QJsonObject{{"event", "epoch"},
                                             {"epoch", e},
                                             {"epochs", r.epochs},
                                             {"loss", 1.0 / e},
                                             {"accuracy", 0.2 * e},
                                             {"val_loss", 1.1 / e},
                                             {"val_accuracy", 0.2 * e}})
                       .toJson(QJsonDocument::Compact)
                   + "\n";
    if (!writeText(dir + QStringLiteral("/metrics.jsonl"), metrics))
        return {};
    for (const QString &c : r.checkpoints)
        if (!writeText(dir + QLatin1Char('/') + c, "not read by the panel"))
            return {};
    const QJsonObject summary{{"name", r.name},
                              {"status", r.status},
                              {"epochs_planned", r.epochs},
                              {"epochs_completed", r.completed},
                              {"best_val_accuracy", 0.2 * r.completed},
                              {"best_val_loss", 1.1 / std::max(r.completed, 1)},
                              {"device", "cpu"},
                              {"project_name", r.projectName},
                              {"project_file", r.projectFile},
                              {"project_sha256", sha},
                              {"created", "2026-01-01T10:00:00Z"}};
    if (!writeText(dir + QStringLiteral("/run.json"), QJsonDocument(summary).toJson()))
        return {};
    return dir;
}

} // namespace

class TestRunsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void listsTheOpenProjectsRunsOnly();
    void ticksDriveOverlayAndCompare();
    void disabledActionsSayWhy();
    void renameNoteTrashRestoreRoundTrip();
    void keyColumnsFitTheDockWidth();
    void importsAProgramRun();

private:
    QPushButton *button(const char *name) const { return m_panel->findChild<QPushButton *>(QLatin1String(name)); }
    // Ticks or unticks a run by clicking its check box, as a person does.
    void clickCheckBox(const QString &runDir);

    QTemporaryDir m_dir;
    QString m_runs;
    QString m_completed, m_stopped, m_changed, m_other;
    std::unique_ptr<ProjectDocument> m_doc;
    std::unique_ptr<RunsPanel> m_panel;
};

void TestRunsPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const QString project = m_dir.filePath(QStringLiteral("tiny.json"));
    QVERIFY(QFile::copy(tinyProjectSource(), project));
    m_doc = std::make_unique<ProjectDocument>();
    QString error;
    QVERIFY2(m_doc->load(project, &error), qPrintable(error));
    m_runs = m_dir.filePath(QStringLiteral("runs"));
    const QString name = QString::fromStdString(m_doc->project().name);
    FakeRun completed{QStringLiteral("20260101-100000-tiny"), project, name};
    FakeRun stopped{QStringLiteral("20260101-110000-tiny"), project, name};
    stopped.status = QStringLiteral("stopped");
    stopped.completed = 1;
    stopped.projectEpochs = 2;
    stopped.checkpoints = {QStringLiteral("last.pt")};
    FakeRun changed = stopped;
    changed.name = QStringLiteral("20260101-120000-tiny");
    changed.damageProject = true;
    // Another project saved in the same folder: its runs share runs/.
    FakeRun other{QStringLiteral("20260101-130000-other"), m_dir.filePath(QStringLiteral("other.json")),
                  QStringLiteral("Other")};
    other.status = QStringLiteral("failed");
    other.completed = 0;
    other.checkpoints = {};
    m_completed = writeRun(m_runs, completed);
    m_stopped = writeRun(m_runs, stopped);
    m_changed = writeRun(m_runs, changed);
    m_other = writeRun(m_runs, other);
    for (const QString &dir : {m_completed, m_stopped, m_changed, m_other})
        QVERIFY(!dir.isEmpty());
}

void TestRunsPanel::init()
{
    m_panel = std::make_unique<RunsPanel>(m_doc.get());
    m_panel->resize(380, 900);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestRunsPanel::cleanup() { m_panel.reset(); }

void TestRunsPanel::clickCheckBox(const QString &runDir)
{
    QTreeWidget *tree = m_panel->runsTree();
    const int row = int(m_panel->runDirs().indexOf(runDir));
    QVERIFY(row >= 0);
    const QModelIndex index = tree->model()->index(row, RunsPanel::NameColumn);
    QStyleOptionViewItem option;
    option.initFrom(tree->viewport());
    option.rect = tree->visualRect(index);
    option.features |= QStyleOptionViewItem::HasCheckIndicator;
    const QRect box = tree->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, tree);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, box.center());
}

void TestRunsPanel::listsTheOpenProjectsRunsOnly()
{
    QCOMPARE(m_panel->runDirs(), QStringList({m_changed, m_stopped, m_completed})); // newest first
    auto *label = m_panel->findChild<QLabel *>(QStringLiteral("runsFolderLabel"));
    QVERIFY2(label->text().contains(QStringLiteral("Runs of this project: 3 (1 of other projects hidden)")),
             qPrintable(label->text()));
    auto *all = m_panel->findChild<QCheckBox *>(QStringLiteral("allProjectsCheck"));
    QTest::mouseClick(all, Qt::LeftButton, {}, QPoint(8, all->height() / 2));
    QVERIFY(m_panel->showAllProjects());
    QCOMPARE(m_panel->runDirs(), QStringList({m_other, m_changed, m_stopped, m_completed}));
    QTest::mouseClick(all, Qt::LeftButton, {}, QPoint(8, all->height() / 2));
    QCOMPARE(m_panel->runDirs().size(), 3);

    // The rule: the project file's name when the run recorded it (the folder may have moved),
    // the project's name when it did not (a project never saved, an older run).
    RunSummary r;
    r.projectFile = "/elsewhere/projects/tiny.json";
    QVERIFY(runBelongsToProject(r, "/home/me/projects/tiny.json", "whatever"));
    QVERIFY(!runBelongsToProject(r, "/home/me/projects/other.json", "whatever"));
    QVERIFY(!runBelongsToProject(r, "", "whatever"));
    r.projectFile.clear();
    r.projectName = "Tiny";
    QVERIFY(runBelongsToProject(r, "", "Tiny"));
    QVERIFY(!runBelongsToProject(r, "/p/tiny.json", "Other"));
    r.status = "unreadable"; // nothing known: listed with every project
    QVERIFY(runBelongsToProject(r, "/p/x.json", "X"));
}

void TestRunsPanel::ticksDriveOverlayAndCompare()
{
    QTreeWidget *tree = m_panel->runsTree();
    QCOMPARE(tree->selectionMode(), QAbstractItemView::SingleSelection); // no Ctrl+click compare
    QPushButton *compare = button("compareButton");
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 0);
    QVERIFY(!compare->isEnabled());
    QCOMPARE(compare->toolTip(), QStringLiteral("Tick two runs to compare their settings (0 ticked)"));

    clickCheckBox(m_completed);
    QCOMPARE(m_panel->checkedRuns(), QStringList({m_completed}));
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 2); // its validation accuracy and loss
    QCOMPARE(m_panel->overlayPlot()->pointCount(0), 3);
    QVERIFY(!compare->isEnabled());
    QCOMPARE(compare->toolTip(), QStringLiteral("Tick two runs to compare their settings (1 ticked)"));
    // Making another row current ticks nothing and changes neither overlay nor Compare.
    m_panel->setCurrentRun(m_stopped);
    QCOMPARE(m_panel->checkedRuns(), QStringList({m_completed}));
    QVERIFY(!compare->isEnabled());

    clickCheckBox(m_stopped);
    QCOMPARE(m_panel->checkedRuns(), QStringList({m_stopped, m_completed}));
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 4);
    QVERIFY(compare->isEnabled());
    m_panel->setCurrentRun(m_changed); // the current row is not what Compare uses
    QTest::mouseClick(compare, Qt::LeftButton);
    auto *table = m_panel->findChild<QTableWidget *>(QStringLiteral("settingsDiffTable"));
    QVERIFY(table);
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("/training/epochs"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("2"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("3"));
    table->window()->close();

    // Ticks survive a refresh; a third tick disables Compare again, saying why.
    m_panel->refresh();
    QCOMPARE(m_panel->checkedRuns().size(), 2);
    clickCheckBox(m_changed);
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 6);
    QVERIFY(!compare->isEnabled());
    QCOMPARE(compare->toolTip(), QStringLiteral("Tick two runs to compare their settings (3 ticked)"));
    clickCheckBox(m_changed);
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 4);
}

void TestRunsPanel::disabledActionsSayWhy()
{
    QPushButton *resume = button("resumeRunButton");
    QPushButton *evaluate = button("evaluateButton");
    QPushButton *exportButton = button("exportRunButton");
    QSignalSpy resumeRequested(m_panel.get(), &RunsPanel::resumeRequested);
    QSignalSpy evaluateRequested(m_panel.get(), &RunsPanel::evaluateRequested);

    m_panel->setCurrentRun(m_completed);
    QVERIFY(!resume->isEnabled());
    QCOMPARE(resume->toolTip(), QStringLiteral("The run completed all its 3 epochs; nothing is left to train"));
    QVERIFY(evaluate->isEnabled());
    QTest::mouseClick(evaluate, Qt::LeftButton);
    QCOMPARE(evaluateRequested.count(), 1);
    QCOMPARE(evaluateRequested.first().at(0).toString(), m_completed);

    m_panel->setCurrentRun(m_stopped);
    QVERIFY(resume->isEnabled());
    QVERIFY(resume->toolTip().startsWith(QStringLiteral("Continue")));
    QTest::mouseClick(resume, Qt::LeftButton);
    QCOMPARE(resumeRequested.count(), 1);
    QCOMPARE(resumeRequested.first().at(0).toString(), m_stopped);

    m_panel->setCurrentRun(m_changed);
    QVERIFY(!resume->isEnabled());
    QVERIFY2(resume->toolTip().contains(QStringLiteral("project.json was changed since the run began")),
             qPrintable(resume->toolTip()));

    m_panel->setShowAllProjects(true);
    m_panel->setCurrentRun(m_other);
    for (QPushButton *b : {evaluate, exportButton}) {
        QVERIFY(!b->isEnabled());
        QVERIFY2(b->toolTip().contains(QStringLiteral("no checkpoint yet")), qPrintable(b->toolTip()));
    }
    QVERIFY2(resume->toolTip().contains(QStringLiteral("no checkpoint (last.pt)")), qPrintable(resume->toolTip()));
    m_panel->setShowAllProjects(false);

    // A run that is training (its process holds run.lock): no rename, note, delete or resume.
    const QString live = writeRun(m_runs, {QStringLiteral("20260101-140000-tiny"), m_doc->filePath(),
                                           QString::fromStdString(m_doc->project().name), QStringLiteral("running")});
    QVERIFY(!live.isEmpty());
    const int fd =
        ::open(QFile::encodeName(live + QStringLiteral("/run.lock")).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    QVERIFY(fd >= 0);
    QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
    m_panel->refresh();
    m_panel->setCurrentRun(live);
    QCOMPARE(resume->toolTip(), QStringLiteral("The run is training now"));
    QCOMPARE(button("renameRunButton")->toolTip(),
             QStringLiteral("The run is training now; rename it when it has ended"));
    QCOMPARE(button("deleteRunButton")->toolTip(),
             QStringLiteral("The run is training now; delete it when it has ended"));
    for (const char *name : {"resumeRunButton", "renameRunButton", "deleteRunButton", "saveNoteButton"})
        QVERIFY2(!button(name)->isEnabled(), name);
    ::close(fd);
    QVERIFY(QDir(live).removeRecursively());
}

void TestRunsPanel::renameNoteTrashRestoreRoundTrip()
{
    QTreeWidget *tree = m_panel->runsTree();
    m_panel->setCurrentRun(m_completed);
    const QStringList files = QDir(m_completed).entryList(QDir::Files);

    // F2 (the Rename action) edits the name in place; Enter stores it in run.json.
    auto *rename = m_panel->findChild<QAction *>(QStringLiteral("renameRunAction"));
    QVERIFY(rename);
    QCOMPARE(rename->shortcut(), QKeySequence(Qt::Key_F2));
    rename->trigger();
    auto *editor = tree->viewport()->findChild<QLineEdit *>();
    QVERIFY(editor);
    editor->selectAll();
    QTest::keyClicks(editor, QStringLiteral("baseline"));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(readObject(m_completed + QStringLiteral("/run.json"))[QStringLiteral("display_name")].toString(),
                 QStringLiteral("baseline"));
    QTRY_COMPARE(tree->currentItem()->text(RunsPanel::NameColumn), QStringLiteral("baseline"));
    QCOMPARE(m_panel->currentRun(), m_completed); // the folder keeps its name
    QVERIFY(tree->currentItem()->toolTip(RunsPanel::NameColumn).contains(QStringLiteral("20260101-100000-tiny")));
    QCOMPARE(readRunSummary(m_completed.toStdString()).status, std::string("completed")); // checksum renewed

    // The note: typed, saved with the button, shown again for the run.
    auto *note = m_panel->findChild<QPlainTextEdit *>(QStringLiteral("runNoteEdit"));
    QPushButton *save = button("saveNoteButton");
    QVERIFY(!save->isEnabled());
    QCOMPARE(save->toolTip(), QStringLiteral("The note has not been changed"));
    note->setFocus();
    QTest::keyClicks(note, QStringLiteral("lr 0.01 was too high"));
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    QCOMPARE(readObject(m_completed + QStringLiteral("/run.json"))[QStringLiteral("note")].toString(),
             QStringLiteral("lr 0.01 was too high"));
    m_panel->setCurrentRun(m_stopped);
    QCOMPARE(note->toPlainText(), QString());
    m_panel->setCurrentRun(m_completed);
    QCOMPARE(note->toPlainText(), QStringLiteral("lr 0.01 was too high"));
    // A note typed and not saved is stored when another run is highlighted, not lost.
    note->moveCursor(QTextCursor::End);
    QTest::keyClicks(note, QStringLiteral(", try 0.003"));
    m_panel->setCurrentRun(m_stopped);
    QCOMPARE(readObject(m_completed + QStringLiteral("/run.json"))[QStringLiteral("note")].toString(),
             QStringLiteral("lr 0.01 was too high, try 0.003"));
    m_panel->setCurrentRun(m_completed);
    QCOMPARE(note->toPlainText(), QStringLiteral("lr 0.01 was too high, try 0.003"));

    // Delete: the folder moves, whole, to runs/.trash; the list and the overlay lose it.
    m_panel->setRunChecked(m_completed, true);
    auto *del = m_panel->findChild<QAction *>(QStringLiteral("deleteRunAction"));
    QCOMPARE(del->shortcut(), QKeySequence(QKeySequence::Delete));
    QTest::mouseClick(button("deleteRunButton"), Qt::LeftButton);
    QVERIFY(!QFileInfo::exists(m_completed));
    QVERIFY(!m_panel->runDirs().contains(m_completed));
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 0);
    QVERIFY2(m_panel->messageText().contains(QStringLiteral("“baseline” moved to the trash")),
             qPrintable(m_panel->messageText()));
    const QString trashed = m_runs + QStringLiteral("/.trash/20260101-100000-tiny");
    for (const QString &f : files)
        QVERIFY2(QFileInfo::exists(trashed + QLatin1Char('/') + f), qPrintable(f));

    // The Trash view lists it; Restore moves it back, name and note kept.
    QTest::mouseClick(button("trashViewButton"), Qt::LeftButton);
    QVERIFY(m_panel->trashView());
    QCOMPARE(m_panel->runDirs(), QStringList({trashed}));
    QVERIFY(!button("deleteRunButton")->isVisible());
    QPushButton *restore = button("restoreRunButton");
    QVERIFY(restore->isVisible());
    m_panel->setCurrentRun(trashed);
    // Refused while a folder of that name is back in runs/.
    QVERIFY(QDir().mkpath(m_completed));
    m_panel->refresh();
    QVERIFY(!restore->isEnabled());
    QVERIFY2(restore->toolTip().contains(QStringLiteral("is in the runs folder already")),
             qPrintable(restore->toolTip()));
    QVERIFY(QDir(m_completed).removeRecursively());
    m_panel->refresh();
    QVERIFY(restore->isEnabled());
    QTest::mouseClick(restore, Qt::LeftButton);
    QCOMPARE(m_panel->runDirs(), QStringList());
    QTest::mouseClick(button("trashViewButton"), Qt::LeftButton);
    QVERIFY(!m_panel->trashView());
    QVERIFY(m_panel->runDirs().contains(m_completed));
    const RunSummary back = readRunSummary(m_completed.toStdString());
    QCOMPARE(back.displayName, std::string("baseline"));
    QCOMPARE(back.note, std::string("lr 0.01 was too high, try 0.003"));
    QVERIFY(!QFileInfo::exists(m_completed + QStringLiteral("/trashed.json")));

    // Back as it was for the other tests.
    QVERIFY(m_panel->renameRun(m_completed, QString()));
    QVERIFY(m_panel->setRunNote(m_completed, QString()));
    QCOMPARE(readRunSummary(m_completed.toStdString()).label(), std::string("20260101-100000-tiny"));
}

void TestRunsPanel::keyColumnsFitTheDockWidth()
{
    // The runs dock's default width, and a narrower one.
    for (int width : {380, 340}) {
        m_panel->resize(width, 900);
        QCoreApplication::processEvents(); // the layout
        QTreeWidget *tree = m_panel->runsTree();
        QVERIFY(!tree->horizontalScrollBar()->isVisible());
        int total = 0;
        for (int c = 0; c < RunsPanel::ColumnCount; ++c)
            total += tree->header()->sectionSize(c);
        QVERIFY2(total <= tree->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2").arg(total).arg(tree->viewport()->width())));
        // Status, epochs and best figure whole; the name keeps a readable width.
        const QFontMetrics fm(tree->font());
        for (int row = 0; row < tree->topLevelItemCount(); ++row)
            for (int c : {RunsPanel::StatusColumn, RunsPanel::EpochsColumn, RunsPanel::AccuracyColumn})
                QVERIFY(tree->header()->sectionSize(c) >= fm.horizontalAdvance(tree->topLevelItem(row)->text(c)));
        // The overlay's axes take the plot's width, with runs ticked or none.
        CurvePlot *plot = m_panel->overlayPlot();
        for (bool ticked : {false, true}) {
            m_panel->setRunChecked(m_completed, ticked);
            QCoreApplication::processEvents();
            plot->replotNow();
            QVERIFY2(plot->axisRect()->width() > plot->width() / 2,
                     qPrintable(QStringLiteral("axes %1 px of %2").arg(plot->axisRect()->width()).arg(plot->width())));
        }
        QVERIFY2(tree->header()->sectionSize(RunsPanel::NameColumn)
                     >= fm.horizontalAdvance(QStringLiteral("20260101-1000")),
                 qPrintable(QString::number(tree->header()->sectionSize(RunsPanel::NameColumn))));
    }
}

void TestRunsPanel::importsAProgramRun()
{
    QPushButton *import = button("importRunButton");
    QVERIFY(import && import->isEnabled());
    QSignalSpy imported(m_panel.get(), &RunsPanel::runImported);
    const QStringList before = m_panel->runDirs();

    // Not a program's run folder: refused below the list, nothing added.
    QVERIFY(m_panel->importRun(m_dir.filePath(QStringLiteral("no-such-run"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isImporting(), 30000);
    QVERIFY2(m_panel->messageText().contains(QStringLiteral("no such folder")), qPrintable(m_panel->messageText()));
    QCOMPARE(m_panel->runDirs(), before);
    QCOMPARE(imported.count(), 0);

    // A program's run folder: the metrics and checkpoints of a briefly trained run (the import
    // reads Torchwright checkpoints as it reads the program's) and the program's record.
    ProjectLoad load = loadProjectFile(m_doc->filePath().toStdString());
    QVERIFY(load.ok());
    TrainRequest request = testhelpers::requestFor(load.project, m_dir.filePath(QStringLiteral("scratch")));
    request.epochs = 1;
    request.batchLimit = 2;
    const RunResult trained = trainBlocking(request, nullptr);
    QVERIFY2(trained.status == TrainingEvent::Status::Completed, trained.message.c_str());
    const QString program = m_dir.filePath(QStringLiteral("program-run"));
    QVERIFY(QDir().mkpath(program));
    const QString from = QString::fromStdString(trained.runDir);
    for (const char *file : {"metrics.jsonl", "last.pt", "best.pt"})
        QVERIFY(QFile::copy(from + QLatin1Char('/') + QLatin1String(file),
                            program + QLatin1Char('/') + QLatin1String(file)));
    const QJsonObject record{{"format", "torchwright-program-run"},
                             {"version", 1},
                             {"status", "completed"},
                             {"epochs_planned", 1},
                             {"epochs_completed", 1},
                             {"best_epoch", 1},
                             {"device", "cpu"},
                             {"world_size", 2},
                             {"torch_version", "1.13.0"},
                             {"origin", QJsonObject{{"project_file", m_doc->filePath()}}}};
    QVERIFY(writeText(program + QStringLiteral("/program_run.json"), QJsonDocument(record).toJson()));

    QVERIFY(m_panel->importRun(program));
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isImporting(), 30000);
    QCOMPARE(imported.count(), 1);
    const QString runDir = imported.at(0).at(0).toString();
    QVERIFY2(m_panel->messageText().startsWith(QStringLiteral("Imported ")), qPrintable(m_panel->messageText()));
    QCOMPARE(m_panel->runDirs().size(), before.size() + 1);
    QCOMPARE(m_panel->runDirs().first(), runDir); // the newest
    QCOMPARE(m_panel->currentRun(), runDir);
    QVERIFY(m_panel->checkedRuns().contains(runDir));
    QCOMPARE(m_panel->overlayPlot()->seriesCount(), 2); // its validation accuracy and loss
    QCOMPARE(m_panel->overlayPlot()->pointCount(0), 1);
    auto *details = m_panel->findChild<QLabel *>(QStringLiteral("runDetailsLabel"));
    QVERIFY2(details->text().contains(QStringLiteral("Imported from")), qPrintable(details->text()));

    QVERIFY(QDir(runDir).removeRecursively()); // the other tests count the runs
}

QTEST_MAIN(TestRunsPanel)
#include "tst_runspanel.moc"
