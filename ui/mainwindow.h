#pragma once
// The studio window: the pipeline canvas, the layer-graph editor and the training dashboard as
// tabs over one ProjectDocument, with runs, evaluation and log docks. Owns the document;
// closing the window stops training and waits for it.

#include <QMainWindow>
#include <QMessageBox>

#include <functional>

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
class ProjectDocument;
class RunsPanel;
class StageInspector;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum Tab { PipelineTab = 0, GraphTab = 1, DashboardTab = 2 };

    explicit MainWindow(QWidget *parent = nullptr);
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

    // Opens the export dialog for a run (the selected one, else the newest with a checkpoint);
    // returns it (owned by the window, deleted on close), or null when there is no run.
    class ExportDialog *exportRun(const QString &runDir = {});

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildMenus();
    void updateTitle();
    void updateRecentMenu();
    void addRecent(const QString &path);
    bool maybeSave(); // false: the user cancelled
    QMessageBox::StandardButton ask(const QString &question, QMessageBox::StandardButtons buttons);
    void reportError(const QString &message);

    ProjectDocument *m_doc;
    QTabWidget *m_tabs;
    PipelineScene *m_pipeline;
    StageInspector *m_stageInspector;
    GraphEditor *m_graph;
    Dashboard *m_dashboard;
    RunsPanel *m_runs;
    EvaluationPanel *m_evaluation;
    LogPanel *m_log;
    QLabel *m_statusTotals;
    QMenu *m_recentMenu = nullptr;
    QTimer *m_autosave;
    Asker m_asker;
    std::function<void(const QString &)> m_reportError;
};

} // namespace torchwright::ui
