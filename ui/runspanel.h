#pragma once
// The runs of the document's project: the folders in <project folder>/runs that were trained from
// it (all of them with "All projects"), with status, epochs and best validation figure, an
// overlay of the validation curves of the ticked runs, and the trash.
//
// One selection model: ticks (the check boxes) choose the runs for the overlay and for Compare;
// the current row (one, highlighted, named in the details below the list) is the run that the
// single-run actions act on: Evaluate, Resume, Export, Rename (F2, inline), the note and Delete
// (to runs/.trash, restorable from the Trash view). Every action that cannot act says why in its
// tooltip. "Import run…" brings in the run folder of the exported PyTorch program (trained on a
// cluster), on a worker thread. Lives on the GUI thread; the document (not owned) must outlive the panel. Reading run
// folders is quick (run.json; metrics.jsonl only for ticked runs, cached by size and time), so it
// happens on the GUI thread.

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <nlohmann/json.hpp>

class QAction;
class QCheckBox;
class QCPTextElement;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace torchwright {
struct RunSummary;
}

namespace torchwright::ui {

class BackgroundJobs;
class CurvePlot;
class ProjectDocument;

class RunsPanel : public QWidget {
    Q_OBJECT

public:
    // The list's columns; the rest (time stamp, folder, device, best loss, note) is in the row's
    // tooltip and in the details of the current run.
    enum Column {
        NameColumn,     // checkable: ticks a run for the overlay and Compare; the display name
        StatusColumn,   //
        EpochsColumn,   // completed/planned
        AccuracyColumn, // best validation accuracy (best validation loss when there is none)
        ColumnCount
    };
    // One setting that differs between two runs: a JSON pointer into project.json, and its
    // value in either run as compact JSON ("(absent)" when it is not there).
    struct Difference {
        QString pointer;
        QString left;
        QString right;
    };

    explicit RunsPanel(ProjectDocument *document, QWidget *parent = nullptr);

    // <project folder>/runs (TrainingController::runsDirectoryFor).
    QString runsDirectory() const;
    // Lists the runs again, newest first, keeping ticks and the current run; updates the overlay.
    void refresh();
    // Connect Dashboard::runFinished here: the run's status and figures changed.
    void noteRunFinished(const QString &runDir, const QString &status = {});

    // Runs of every project in the runs folder, not only the document's.
    void setShowAllProjects(bool all);
    bool showAllProjects() const;
    // The Trash view lists the trashed runs of the runs folder instead, with Restore.
    void setTrashView(bool trash);
    bool trashView() const { return m_trashView; }

    QStringList runDirs() const; // as listed
    QStringList checkedRuns() const;
    void setRunChecked(const QString &runDir, bool checked);
    // The current run (the highlighted row): the one single-run actions act on; empty when none.
    QString currentRun() const;
    void setCurrentRun(const QString &runDir);
    // {currentRun()}, or none. Kept for callers that act on "the selected run".
    QStringList selectedRuns() const;
    void selectRuns(const QStringList &runDirs); // makes the first one current

    // The actions, as the buttons and the context menu trigger them. Each returns false and shows
    // why below the list when it fails.
    bool renameRun(const QString &runDir, const QString &name);
    bool setRunNote(const QString &runDir, const QString &note);
    bool trashRun(const QString &runDir);
    bool restoreRun(const QString &trashedDir);
    // Opens a window listing the settings that differ between two runs' project.json.
    void compareRuns(const QString &runA, const QString &runB);
    // Makes the run folder of the exported PyTorch program (train.py --run-dir) a run of the
    // document's saved project, in runsDirectory(), on a worker thread (importProgramRun() in
    // torchwright/importrun.h converts its checkpoints). Afterwards the new run is listed, ticked
    // (its curves in the overlay) and current, and runImported() fires; a refusal is shown below
    // the list. Returns false, saying why, when the project has no file yet or an import runs.
    bool importRun(const QString &programRunDir);
    bool isImporting() const;

    QTreeWidget *runsTree() const { return m_tree; }
    CurvePlot *overlayPlot() const { return m_plot; }
    // The last action's outcome or error, as shown below the list.
    QString messageText() const;

    // Both project.json files flattened to pointer -> value; the pointers whose values differ,
    // in pointer order. The studio layout (/ui) and node positions are left out: they do not
    // change what is trained. Returns an empty list and sets `error` when a file cannot be read.
    static QVector<Difference> settingsDifferences(const QString &runA, const QString &runB, QString *error = nullptr);
    static QVector<Difference> jsonDifferences(const nlohmann::json &a, const nlohmann::json &b);

Q_SIGNALS:
    void resumeRequested(const QString &runDir);
    void evaluateRequested(const QString &runDir);
    void exportRequested(const QString &runDir);
    void runImported(const QString &runDir);
    void importFailed(const QString &message); // also shown below the list

private:
    struct Curves {
        qint64 size = -1;
        qint64 modified = 0;
        QVector<double> epochs;
        QVector<double> valAccuracy;
        QVector<double> valLoss;
    };
    // What the list knows of a run, by folder.
    struct Row {
        QString dir;
        QString label; // display name, else folder name
        QString name;  // folder name
        QString status;
        QString message;
        QString note;
        QString created;
        QString projectSha256;
        QString trashedFrom;
        int epochsCompleted = 0;
        int epochsPlanned = 0;
    };

    void buildActions();
    QTreeWidgetItem *makeItem(const RunSummary &r);
    void updateButtons();
    void updateDetails();
    // A note typed for the highlighted run and not saved is stored when another run is
    // highlighted, instead of being dropped.
    void keepUnsavedNote();
    void updateOverlay();
    void showMessage(const QString &text, bool isError);
    void showContextMenu(const QPoint &at);
    void onItemChanged(QTreeWidgetItem *item, int column);
    // Why an action cannot act on the current run (empty when it can).
    QString whyNotResume(const Row *row) const;
    QString whyNotUseCheckpoint(const Row *row) const;
    QString whyNotEdit(const Row *row, const QString &action) const;
    const Row *currentRow() const;
    const Curves &curvesOf(const QString &runDir);
    QTreeWidgetItem *itemFor(const QString &runDir) const;

    ProjectDocument *m_document; // not owned
    QTreeWidget *m_tree = nullptr;
    CurvePlot *m_plot = nullptr;
    QCPTextElement *m_overlayHint = nullptr; // below the axes while no run is ticked; owned by m_plot
    QLabel *m_folderLabel = nullptr;
    QLabel *m_messageLabel = nullptr;
    QLabel *m_detailsLabel = nullptr;
    QCheckBox *m_allProjectsCheck = nullptr;
    QPushButton *m_trashButton = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_importButton = nullptr;
    QPushButton *m_compareButton = nullptr;
    QPushButton *m_resumeButton = nullptr;
    QPushButton *m_evaluateButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_renameButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QPushButton *m_restoreButton = nullptr;
    QPushButton *m_saveNoteButton = nullptr;
    QPlainTextEdit *m_noteEdit = nullptr;
    QAction *m_renameAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_noteAction = nullptr;
    BackgroundJobs *m_jobs = nullptr; // the import's worker
    QHash<QString, Row> m_rows;       // the listed runs, by folder
    QSet<QString> m_checked;          // ticked run folders, kept across refreshes and views
    QHash<QString, Curves> m_curves;  // by run folder
    QString m_noteShownFor;           // the run whose note the editor holds
    bool m_trashView = false;
    bool m_filling = false; // item changes come from refresh(), not from the user
};

} // namespace torchwright::ui
