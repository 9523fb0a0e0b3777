#pragma once
// The runs of the document's project: every folder in <project folder>/runs with its status
// and best validation figures, an overlay of the validation curves of the ticked runs, a
// settings comparison of two selected runs, and requests to resume or evaluate a run. Lives on
// the GUI thread; the document (not owned) must outlive the panel. Reading run folders is
// quick (run.json; metrics.jsonl only for ticked runs, cached by size and time), so it
// happens on the GUI thread.

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <nlohmann/json.hpp>

class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;
class QLabel;

namespace torchwright::ui {

class CurvePlot;
class ProjectDocument;

class RunsPanel : public QWidget {
    Q_OBJECT

public:
    enum Column {
        NameColumn, // checkable: ticks a run into the overlay
        DateColumn,
        StatusColumn,
        EpochsColumn,
        AccuracyColumn,
        LossColumn,
        DeviceColumn,
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
    // Lists the runs again, newest first, keeping ticks and selection; updates the overlay.
    void refresh();
    // Connect Dashboard::runFinished here: the run's status and figures changed.
    void noteRunFinished(const QString &runDir, const QString &status = {});

    QStringList runDirs() const; // as listed
    QStringList checkedRuns() const;
    QStringList selectedRuns() const;
    void setRunChecked(const QString &runDir, bool checked);
    void selectRuns(const QStringList &runDirs);

    // Opens a window listing the settings that differ between two runs' project.json.
    void compareRuns(const QString &runA, const QString &runB);

    QTreeWidget *runsTree() const { return m_tree; }
    CurvePlot *overlayPlot() const { return m_plot; }

    // Both project.json files flattened to pointer -> value; the pointers whose values differ,
    // in pointer order. The studio layout (/ui) and node positions are left out: they do not
    // change what is trained. Returns an empty list and sets `error` when a file cannot be read.
    static QVector<Difference> settingsDifferences(const QString &runA, const QString &runB, QString *error = nullptr);
    static QVector<Difference> jsonDifferences(const nlohmann::json &a, const nlohmann::json &b);

Q_SIGNALS:
    void resumeRequested(const QString &runDir);
    void evaluateRequested(const QString &runDir);
    void exportRequested(const QString &runDir);

private:
    struct Curves {
        qint64 size = -1;
        qint64 modified = 0;
        QVector<double> epochs;
        QVector<double> valAccuracy;
        QVector<double> valLoss;
    };

    void updateButtons();
    void updateOverlay();
    const Curves &curvesOf(const QString &runDir);
    QTreeWidgetItem *itemFor(const QString &runDir) const;

    ProjectDocument *m_document; // not owned
    QTreeWidget *m_tree = nullptr;
    CurvePlot *m_plot = nullptr;
    QLabel *m_folderLabel = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_compareButton = nullptr;
    QPushButton *m_resumeButton = nullptr;
    QPushButton *m_evaluateButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QHash<QString, Curves> m_curves; // by run folder
    bool m_filling = false;          // item changes come from refresh(), not from the user
};

} // namespace torchwright::ui
