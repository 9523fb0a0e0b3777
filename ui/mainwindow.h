#pragma once
// The studio window: the pipeline canvas, the layer-graph editor and the training dashboard as
// tabs over one ProjectDocument, with runs, evaluation and log docks. Owns the document;
// closing the window stops training and waits for it.

#include <QHash>
#include <QMainWindow>
#include <QMessageBox>

#include <functional>

class QAction;
class QDialog;
class QDockWidget;
class QTabWidget;
class QLabel;
class QMenu;
class QTimer;

namespace torchwright::ui {

class Dashboard;
class EvaluationPanel;
class GraphEditor;
class LogPanel;
class PipelineScene;
class PipelineView;
class ProjectDocument;
class RunsPanel;
class StageInspector;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum Tab { PipelineTab = 0, GraphTab = 1, DashboardTab = 2 };

    // With a document, the window adopts it as it is (file, undo history) instead of starting a
    // new project: switching the language builds a new window over the open document (i18n.h).
    explicit MainWindow(QWidget *parent = nullptr, ProjectDocument *document = nullptr);
    ~MainWindow() override;

    bool openProject(const QString &path); // reports failures in a message box (or the hook)
    bool save();
    bool saveAs(const QString &path);
    void newProject();
    // File > New: the template gallery (TemplateGallery), then newFromTemplate() with the choice.
    void chooseNewProject();
    // A new untitled project from the template `key` (templategallery.h); "" is the empty project.
    bool newFromTemplate(const QString &key);
    void showTab(Tab tab);

    ProjectDocument *document() const { return m_doc; }
    GraphEditor *graphEditor() const { return m_graph; }
    Dashboard *dashboard() const { return m_dashboard; }
    PipelineScene *pipeline() const { return m_pipeline; }
    PipelineView *pipelineView() const { return m_pipelineView; }
    EvaluationPanel *evaluationPanel() const { return m_evaluation; }
    StageInspector *stageInspector() const { return m_stageInspector; }
    RunsPanel *runsPanel() const { return m_runs; }
    LogPanel *logPanel() const { return m_log; }
    QTabWidget *tabs() const { return m_tabs; }

    // Questions the window asks (save changes? restore a recovery file?) go through this hook
    // when set, so tests and the screenshot command never block on a dialog.
    using Asker =
        std::function<QMessageBox::StandardButton(const QString &question, QMessageBox::StandardButtons buttons)>;
    void setAsker(Asker asker) { m_asker = std::move(asker); }
    // Errors shown to the user go through this hook when set.
    void setErrorReporter(std::function<void(const QString &)> reporter) { m_reportError = std::move(reporter); }

    // Offers recovery files left by a crash; returns true when one was restored.
    bool offerRecovery();
    void autosaveNow();

    static QStringList recentFiles();

    // Each tab shows its own docks: the runs, evaluation and log docks belong to the dashboard
    // by default; a dock the person shows or closes on a tab stays so on that tab.
    QDockWidget *dock(const QString &objectName) const;
    QStringList dockNamesShown(Tab tab) const;
    // The window's geometry, its docks and each tab's docks, in QSettings ("window/..."):
    // saved on close, restored by the studio at start (not by the screenshot command).
    void saveWindowState() const;
    bool restoreWindowState();
    // Takes over `other`'s place, size, docks (per tab), current tab and README path: the window
    // that replaces it (View > Language) looks the same.
    void adoptWindowState(const MainWindow &other);

    // Help menu. Every action of the window and its children that has a shortcut, by menu or
    // area: {group, action text without '&', shortcuts in the platform's notation}.
    struct ShortcutEntry {
        QString group, text, keys;
    };
    QList<ShortcutEntry> shortcutList() const;
    QDialog *showShortcuts();      // the list in a dialog (owned by the window, deleted on close)
    QDialog *showAbout();          // version, LibTorch's version, links into the README
    QDialog *showGettingStarted(); // the first steps, with a link to the README
    // The README the Help menu links to; empty: the links are left out.
    void setReadmePath(const QString &path) { m_readme = path; }

    // Opens the export dialog for a run (the selected one, else the newest with a checkpoint);
    // returns it (owned by the window, deleted on close), or null when there is no run.
    class ExportDialog *exportRun(const QString &runDir = {});
    // Continuous optimization: trains finetuneRequest() from `version` ("" or "current": the
    // current one) on the dashboard. False (with the reason reported) when it cannot start.
    bool finetune(const QString &version = {});

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildMenus();
    void buildHelpMenu();
    void applyTabDocks(int tab);
    QString readmeLink(const QString &anchor, const QString &text) const;
    void updateTitle();
    void updateRecentMenu();
    void addRecent(const QString &path);
    bool maybeSave(); // false: the user cancelled
    QMessageBox::StandardButton ask(const QString &question, QMessageBox::StandardButtons buttons);
    void reportError(const QString &message);

    ProjectDocument *m_doc;
    QTabWidget *m_tabs;
    PipelineScene *m_pipeline;
    PipelineView *m_pipelineView;
    StageInspector *m_stageInspector;
    GraphEditor *m_graph;
    Dashboard *m_dashboard;
    RunsPanel *m_runs;
    EvaluationPanel *m_evaluation;
    LogPanel *m_log;
    QList<QDockWidget *> m_docks;
    QHash<int, QStringList> m_tabDocks; // tab -> the object names of the docks it shows
    int m_dockTab = -1;                 // the tab whose docks are shown
    bool m_applyingDocks = false;       // docks shown or hidden by the window, not the person
    QString m_readme;
    QLabel *m_statusTotals;
    QMenu *m_recentMenu = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QTimer *m_autosave;
    Asker m_asker;
    std::function<void(const QString &)> m_reportError;
};

} // namespace torchwright::ui
