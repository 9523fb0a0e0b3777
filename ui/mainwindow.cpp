#include "mainwindow.h"

#include "dashboard.h"
#include "evaluationpanel.h"
#include "exportdialog.h"
#include "grapheditor.h"
#include "i18n.h"
#include "logpanel.h"
#include "pipelinescene.h"
#include "pipelineview.h"
#include "projectdocument.h"
#include "recovery.h"
#include "runspanel.h"
#include "stageinspector.h"
#include "templategallery.h"

#include "torchwright/runtime.h"
#include "torchwright/versions.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QScrollArea>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace torchwright::ui {

namespace {

// A new project: the smallest graph that trains, on a synthetic dataset so it runs anywhere.
Project starterProject()
{
    ProjectLoad load = parseProject(R"({
  "format": "torchwright-project", "version": 2, "name": "Untitled",
  "dataset": {"kind": "synthetic", "path": "", "sample_shape": [1, 28, 28], "num_classes": 10,
              "class_names": [], "validation_fraction": 0.1, "split_seed": 42,
              "synthetic": {"train_samples": 2048, "test_samples": 512, "noise": 0.5, "seed": 7}},
  "graph": {"nodes": [
      {"id": 1, "type": "Input", "name": "input", "params": {"dtype": "float32"}, "position": [80, 200]},
      {"id": 2, "type": "Flatten", "name": "flatten", "params": {}, "position": [280, 200]},
      {"id": 3, "type": "Linear", "name": "fc1", "params": {"in_features": 0, "out_features": 10, "bias": true},
       "position": [480, 200]}],
    "edges": [{"from": {"node": 1, "port": 0}, "to": {"node": 2, "port": 0}},
              {"from": {"node": 2, "port": 0}, "to": {"node": 3, "port": 0}}]}
})");
    return load.project;
}

constexpr int kMaxRecent = 8;

// `w` in a frameless scroll area that gives it all the room there is, and scroll bars only
// below its minimum size.
QScrollArea *scrollable(QWidget *w)
{
    auto *area = new QScrollArea;
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setWidget(w);
    return area;
}

} // namespace

MainWindow::MainWindow(QWidget *parent, ProjectDocument *document)
    : QMainWindow(parent), m_doc(document ? document : new ProjectDocument(this))
{
    m_doc->setParent(this);
    setAcceptDrops(true);
    setWindowIcon(QIcon(":/torchwright.svg"));
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);

    // Pipeline: canvas | stage inspector.
    auto *pipelineSplit = new QSplitter(m_tabs);
    pipelineSplit->setObjectName("pipelineSplitter");
    m_pipeline = new PipelineScene(m_doc, this);
    m_pipelineView = new PipelineView(m_pipeline, pipelineSplit);
    m_stageInspector = new StageInspector(m_doc, pipelineSplit);
    pipelineSplit->addWidget(m_pipelineView);
    pipelineSplit->addWidget(m_stageInspector);
    pipelineSplit->setStretchFactor(0, 3);
    pipelineSplit->setStretchFactor(1, 0); // the canvas takes the room a larger window adds
    pipelineSplit->setSizes({900, 360});
    pipelineSplit->setChildrenCollapsible(false);
    // The canvas's zoom keys work wherever the focus is on the pipeline tab.
    pipelineSplit->addActions(
        {m_pipelineView->zoomInAction(), m_pipelineView->zoomOutAction(), m_pipelineView->fitAction()});
    for (QAction *a : pipelineSplit->actions())
        a->setProperty("shortcutGroup", tr("Pipeline"));
    connect(m_pipeline, &PipelineScene::stageSelected, m_stageInspector, &StageInspector::showStage);
    // The stages after deployment show tables (predictions, feedback, versions), and Evaluate &
    // deploy the compression table: the inspector takes half the tab while one is shown, and
    // gives the room back to the canvas after.
    connect(m_pipeline, &PipelineScene::stageSelected, this, [pipelineSplit](int stage) {
        const bool wide = stage >= int(Stage::Application) || stage == int(Stage::EvaluateDeploy);
        const QList<int> sizes = pipelineSplit->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (total <= 0)
            return;
        // Evaluate & deploy's compression table has ten columns: it takes more.
        const int share = stage == int(Stage::EvaluateDeploy) ? total * 3 / 5 : total / 2;
        const int inspector = wide ? std::max(share, 560) : 360;
        if ((wide && sizes.value(1) < inspector) || (!wide && sizes.value(1) > inspector + 200))
            pipelineSplit->setSizes({total - inspector, inspector});
    });
    connect(m_pipeline, &PipelineScene::openModelRequested, this, [this] { showTab(GraphTab); });
    connect(m_stageInspector, &StageInspector::openModelRequested, this, [this] { showTab(GraphTab); });

    m_graph = new GraphEditor(m_doc, m_tabs);
    m_dashboard = new Dashboard(m_doc, m_tabs);
    m_tabs->addTab(pipelineSplit, tr("Pipeline"));
    m_tabs->addTab(m_graph, tr("Layer graph"));
    // The dashboard's controls and the runs panel's buttons are single rows (735 and 458 px):
    // in scroll areas, neither sets the window's minimum width (1024 px is the floor).
    m_tabs->addTab(scrollable(m_dashboard), tr("Dashboard"));
    setCentralWidget(m_tabs);

    // Docks: runs, evaluation, log; each tab shows its own (applyTabDocks).
    m_runs = new RunsPanel(m_doc, this);
    m_evaluation = new EvaluationPanel(this);
    m_log = new LogPanel(this);
    auto dock = [this](QWidget *w, const QString &title, const QString &name, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(scrollable(w));
        addDockWidget(area, d);
        m_docks << d;
        connect(d->toggleViewAction(), &QAction::toggled, this, [this, name](bool shown) {
            if (m_applyingDocks || m_dockTab < 0)
                return; // the window's own switch, not the person's
            QStringList &names = m_tabDocks[m_dockTab];
            names.removeAll(name);
            if (shown)
                names << name;
        });
        return d;
    };
    QDockWidget *runsDock = dock(m_runs, tr("Runs"), "runsDock", Qt::RightDockWidgetArea);
    QDockWidget *evalDock = dock(m_evaluation, tr("Evaluation"), "evaluationDock", Qt::RightDockWidgetArea);
    QDockWidget *logDock = dock(m_log, tr("Log"), "logDock", Qt::BottomDockWidgetArea);
    tabifyDockWidget(runsDock, evalDock);
    runsDock->raise();
    resizeDocks({logDock}, {120}, Qt::Vertical);
    // Wide enough for the runs panel's buttons (the scroll area would otherwise cut them).
    resizeDocks({runsDock}, {std::max(380, m_runs->minimumSizeHint().width() + 24)}, Qt::Horizontal);
    m_tabDocks[PipelineTab] = {};
    m_tabDocks[GraphTab] = {};
    m_tabDocks[DashboardTab] = {"runsDock", "evaluationDock", "logDock"};
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::applyTabDocks);
    applyTabDocks(m_tabs->currentIndex());

    connect(m_dashboard, &Dashboard::logMessage, m_log, &LogPanel::append);
    connect(m_evaluation, &EvaluationPanel::logMessage, m_log, &LogPanel::append);
    connect(m_dashboard, &Dashboard::runFinished, this, [this, evalDock](const QString &runDir, const QString &status) {
        m_runs->refresh();
        if (status == "completed" || status == "early_stopped") {
            evalDock->raise();
            m_evaluation->evaluate(runDir);
        }
    });
    connect(m_dashboard, &Dashboard::runStarted, this, [this] { m_runs->refresh(); });
    connect(m_runs, &RunsPanel::resumeRequested, this, [this](const QString &runDir) {
        showTab(DashboardTab);
        m_dashboard->resumeRun(runDir);
    });
    connect(m_runs, &RunsPanel::exportRequested, this, [this](const QString &runDir) { exportRun(runDir); });
    connect(m_stageInspector, &StageInspector::exportRequested, this, [this] { exportRun(); });
    connect(m_stageInspector, &StageInspector::finetuneRequested, this, &MainWindow::finetune);
    connect(m_runs, &RunsPanel::evaluateRequested, this, [this, evalDock](const QString &runDir) {
        evalDock->raise();
        m_evaluation->evaluate(runDir);
    });

    m_statusTotals = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusTotals);
    connect(m_graph, &GraphEditor::statusTextChanged, m_statusTotals, &QLabel::setText);
    m_statusTotals->setText(m_graph->statusText()); // sent once before anyone could listen

    connect(m_doc, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &ProjectDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_doc, &ProjectDocument::projectReset, this, &MainWindow::updateTitle);
    connect(m_doc, &ProjectDocument::filePathChanged, m_runs, &RunsPanel::refresh);

    m_autosave = new QTimer(this);
    m_autosave->setInterval(60 * 1000);
    connect(m_autosave, &QTimer::timeout, this, &MainWindow::autosaveNow);
    m_autosave->start();

    buildMenus();
    // Ctrl+Z in a settings field: see eventFilter().
    qApp->installEventFilter(this);
    if (!document)
        m_doc->reset(starterProject());
    updateTitle();
    resize(1600, 1000);
}

MainWindow::~MainWindow()
{
    // Training must end before the document and the widgets it reports to go away.
    m_dashboard->stopAndWait();
    // The document may outlive this window's own part (its undo stack says "clean changed" as it
    // goes): nothing of it may call back into a window being destroyed.
    disconnect(m_doc, nullptr, this, nullptr);
    disconnect(m_doc->undoStack(), nullptr, this, nullptr);
    // Children die in creation order and the document came first: take every view down before
    // it, so none reacts to (or disconnects from) a document that is gone.
    delete takeCentralWidget();
    for (QDockWidget *d : findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly))
        delete d;
    delete m_pipeline;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New..."), QKeySequence::New, this, [this] {
        if (maybeSave())
            chooseNewProject();
    });
    file->addAction(tr("&Open..."), QKeySequence::Open, this, [this] {
        if (!maybeSave())
            return;
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open project"), QFileInfo(m_doc->filePath()).absolutePath(), tr("Torchwright projects (*.json)"));
        if (!path.isEmpty())
            openProject(path);
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { save(); });
    file->addAction(tr("Save &As..."), QKeySequence::SaveAs, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save project"), m_doc->filePath(),
                                                          tr("Torchwright projects (*.json)"));
        if (!path.isEmpty())
            saveAs(path);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    updateRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_doc->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcuts(QKeySequence::Undo);
    undo->setProperty("shortcutTitle", tr("Undo"));
    QAction *redo = m_doc->undoStack()->createRedoAction(this, tr("&Redo"));
    // Ctrl+Shift+Z everywhere, besides the platform's own (Ctrl+Y on some).
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)))
        redoKeys.prepend(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    redo->setShortcuts(redoKeys);
    redo->setProperty("shortcutTitle", tr("Redo"));
    m_undoAction = undo;
    m_redoAction = redo;
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(m_graph->cutAction());
    edit->addAction(m_graph->copyAction());
    edit->addAction(m_graph->pasteAction());
    edit->addAction(m_graph->duplicateAction());
    edit->addAction(m_graph->deleteAction());
    edit->addAction(m_graph->selectAllAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Pipeline"), this, [this] { showTab(PipelineTab); });
    view->addAction(tr("&Layer graph"), this, [this] { showTab(GraphTab); });
    view->addAction(tr("&Dashboard"), this, [this] { showTab(DashboardTab); });
    view->addSeparator();
    view->addAction(m_graph->zoomInAction());
    view->addAction(m_graph->zoomOutAction());
    view->addAction(m_graph->fitAction());
    view->addAction(m_graph->layoutAction());
    view->addSeparator();
    QMenu *panels = view->addMenu(tr("P&anels"));
    for (QDockWidget *d : m_docks)
        panels->addAction(d->toggleViewAction());
    addLanguageMenu(view, this);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("&Train"), QKeySequence(Qt::CTRL | Qt::Key_T), this, [this] {
        showTab(DashboardTab);
        m_dashboard->startTraining();
    });
    run->addAction(tr("&Stop"), this, [this] { m_dashboard->stopAndWait(); });
    buildHelpMenu();
}

void MainWindow::buildHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Getting Started"), this, [this] { showGettingStarted(); });
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash), this,
                    [this] { showShortcuts(); });
    help->addSeparator();
    help->addAction(tr("&About Torchwright"), this, [this] { showAbout(); });
}

QString MainWindow::readmeLink(const QString &anchor, const QString &text) const
{
    if (m_readme.isEmpty())
        return text.toHtmlEscaped();
    QUrl url = QUrl::fromLocalFile(m_readme);
    url.setFragment(anchor);
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toString(QUrl::FullyEncoded), text.toHtmlEscaped());
}

namespace {

QMessageBox *richTextBox(QWidget *parent, const QString &title, const QString &html)
{
    auto *box = new QMessageBox(QMessageBox::NoIcon, title, html, QMessageBox::Close, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->setTextInteractionFlags(Qt::TextBrowserInteraction);
    box->setModal(false);
    box->show();
    return box;
}

QString withoutMnemonic(QString text)
{
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    return text;
}

} // namespace

QDialog *MainWindow::showAbout()
{
    const QString html = tr("<h3>Torchwright %1</h3>"
                            "<p>Build, train and export neural networks visually.</p>"
                            "<p>Engine %2, LibTorch %3, Qt %4</p>"
                            "<p>Read more: %5, %6, %7, %8.</p>")
                             .arg(QCoreApplication::applicationVersion().toHtmlEscaped(),
                                  QString::fromStdString(engineVersion()).toHtmlEscaped(),
                                  QString::fromStdString(torchVersion()).toHtmlEscaped(),
                                  QString::fromLatin1(qVersion()), readmeLink("the-studio", tr("the studio")),
                                  readmeLink("the-command-line-tool", tr("the command line")),
                                  readmeLink("runs", tr("runs")), readmeLink("exports", tr("exports")));
    QMessageBox *box = richTextBox(this, tr("About Torchwright"), html);
    box->setObjectName("aboutDialog");
    return box;
}

QDialog *MainWindow::showGettingStarted()
{
    const QString html =
        tr("<h3>Getting started</h3><ol>"
           "<li><b>Pipeline</b>: select <i>Input data</i> and choose the dataset; the other stages hold "
           "preprocessing, training and export settings.</li>"
           "<li><b>Layer graph</b>: drag layers from the palette, connect their ports; shapes show on the "
           "edges and problems in the list beside the canvas.</li>"
           "<li><b>Run &gt; Train</b> (%1): the dashboard shows loss and accuracy as it trains; the runs "
           "panel compares runs, evaluates them and exports them.</li></ol>"
           "<p>Every edit can be undone (%2). More in %3.</p>")
            .arg(QKeySequence(Qt::CTRL | Qt::Key_T).toString(QKeySequence::NativeText),
                 QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText),
                 readmeLink("the-studio", tr("the README")));
    QMessageBox *box = richTextBox(this, tr("Getting Started"), html);
    box->setObjectName("gettingStartedDialog");
    return box;
}

QList<MainWindow::ShortcutEntry> MainWindow::shortcutList() const
{
    QList<ShortcutEntry> out;
    QSet<const QAction *> listed;
    auto add = [&](const QString &group, const QAction *a) {
        if (a->isSeparator() || a->shortcuts().isEmpty() || listed.contains(a))
            return;
        listed.insert(a);
        const QString title = a->property("shortcutTitle").toString();
        out.push_back({group, title.isEmpty() ? withoutMnemonic(a->text()) : title,
                       QKeySequence::listToString(a->shortcuts(), QKeySequence::NativeText)});
    };
    // The menus first, in their order, then every other action by the area it works in.
    std::function<void(const QMenu *, const QString &)> walk = [&](const QMenu *menu, const QString &group) {
        for (const QAction *a : menu->actions()) {
            if (a->menu())
                walk(a->menu(), group + QStringLiteral(" > ") + withoutMnemonic(a->text()));
            else
                add(group, a);
        }
    };
    for (const QAction *a : menuBar()->actions())
        if (a->menu())
            walk(a->menu(), withoutMnemonic(a->text()));
    auto area = [this](const QAction *a) {
        const QString named = a->property("shortcutGroup").toString();
        if (!named.isEmpty())
            return named;
        for (auto *w = qobject_cast<const QWidget *>(a->parent()); w; w = w->parentWidget()) {
            const int tab = m_tabs->indexOf(const_cast<QWidget *>(w));
            if (tab >= 0)
                return withoutMnemonic(m_tabs->tabText(tab));
            if (auto *d = qobject_cast<const QDockWidget *>(w))
                return d->windowTitle();
        }
        return tr("Window");
    };
    QList<ShortcutEntry> others;
    for (const QAction *a : findChildren<QAction *>()) {
        const qsizetype before = out.size();
        add(area(a), a);
        if (out.size() > before)
            others << out.takeLast();
    }
    std::stable_sort(others.begin(), others.end(),
                     [](const ShortcutEntry &x, const ShortcutEntry &y) { return x.group < y.group; });
    return out + others;
}

QDialog *MainWindow::showShortcuts()
{
    auto *dialog = new QDialog(this);
    dialog->setObjectName("shortcutsDialog");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Keyboard Shortcuts"));
    auto *tree = new QTreeWidget(dialog);
    tree->setObjectName("shortcutTree");
    tree->setColumnCount(2);
    tree->setHeaderLabels({tr("Action"), tr("Shortcut")});
    tree->setRootIsDecorated(false);
    QTreeWidgetItem *group = nullptr;
    for (const ShortcutEntry &e : shortcutList()) {
        if (!group || group->text(0) != e.group) {
            group = new QTreeWidgetItem(tree, {e.group});
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFirstColumnSpanned(true);
        }
        new QTreeWidgetItem(group, {e.text, e.keys});
    }
    tree->expandAll();
    tree->resizeColumnToContents(0);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(tree);
    layout->addWidget(buttons);
    dialog->resize(520, 600);
    dialog->show();
    return dialog;
}

QDockWidget *MainWindow::dock(const QString &objectName) const
{
    for (QDockWidget *d : m_docks)
        if (d->objectName() == objectName)
            return d;
    return nullptr;
}

QStringList MainWindow::dockNamesShown(Tab tab) const { return m_tabDocks.value(int(tab)); }

void MainWindow::applyTabDocks(int tab)
{
    m_applyingDocks = true;
    const QStringList shown = m_tabDocks.value(tab);
    for (QDockWidget *d : m_docks)
        d->setVisible(shown.contains(d->objectName()));
    m_applyingDocks = false;
    m_dockTab = tab;
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    QVariantMap tabs;
    for (auto it = m_tabDocks.begin(); it != m_tabDocks.end(); ++it)
        tabs[QString::number(it.key())] = it.value();
    settings.setValue("window/tabDocks", tabs);
    settings.setValue("window/tab", m_tabs->currentIndex());
}

bool MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!settings.contains("window/state"))
        return false;
    m_applyingDocks = true;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    const bool ok = restoreState(settings.value("window/state").toByteArray());
    m_applyingDocks = false;
    const QVariantMap tabs = settings.value("window/tabDocks").toMap();
    for (auto it = tabs.begin(); it != tabs.end(); ++it) {
        bool number = false;
        const int tab = it.key().toInt(&number);
        if (number && tab >= 0 && tab < m_tabs->count())
            m_tabDocks[tab] = it.value().toStringList();
    }
    const int tab = std::clamp(settings.value("window/tab", 0).toInt(), 0, m_tabs->count() - 1);
    if (tab == m_tabs->currentIndex())
        applyTabDocks(tab);
    else
        m_tabs->setCurrentIndex(tab); // applies its docks
    return ok;
}

void MainWindow::adoptWindowState(const MainWindow &other)
{
    m_readme = other.m_readme;
    // geometry(), not saveGeometry(): that one's frame offsets shift a window placed without a
    // window manager.
    setGeometry(other.geometry());
    setWindowState(other.windowState());
    m_applyingDocks = true;
    restoreState(other.saveState());
    m_applyingDocks = false;
    m_tabDocks = other.m_tabDocks;
    if (other.m_tabs->currentIndex() == m_tabs->currentIndex())
        applyTabDocks(m_tabs->currentIndex());
    else
        m_tabs->setCurrentIndex(other.m_tabs->currentIndex()); // applies its docks
}

void MainWindow::showTab(Tab tab) { m_tabs->setCurrentIndex(int(tab)); }

void MainWindow::updateTitle()
{
    setWindowTitle(QStringLiteral("%1[*] - Torchwright").arg(m_doc->displayName()));
    setWindowModified(m_doc->isModified());
}

QMessageBox::StandardButton MainWindow::ask(const QString &question, QMessageBox::StandardButtons buttons)
{
    if (m_asker)
        return m_asker(question, buttons);
    return QMessageBox::question(this, tr("Torchwright"), question, buttons);
}

void MainWindow::reportError(const QString &message)
{
    m_log->append(message, true);
    if (m_reportError)
        m_reportError(message);
    else
        QMessageBox::warning(this, tr("Torchwright"), message);
}

bool MainWindow::openProject(const QString &path)
{
    QString error;
    if (!m_doc->load(path, &error)) {
        reportError(tr("Cannot open %1:\n%2").arg(path, error));
        return false;
    }
    addRecent(m_doc->filePath());
    QSettings().setValue("lastProject", m_doc->filePath());
    m_log->append(tr("opened %1").arg(m_doc->filePath()), false);
    m_runs->refresh();
    return true;
}

void MainWindow::newProject()
{
    Recovery::remove(m_doc->filePath());
    m_doc->reset(starterProject());
    m_runs->refresh();
}

void MainWindow::chooseNewProject()
{
    TemplateGallery gallery(this);
    if (gallery.exec() == QDialog::Accepted)
        newFromTemplate(gallery.selectedKey());
}

bool MainWindow::newFromTemplate(const QString &key)
{
    if (key.isEmpty()) {
        newProject();
        return true;
    }
    QString error;
    std::optional<Project> project = templateProject(key, &error);
    if (!project) {
        reportError(error);
        return false;
    }
    Recovery::remove(m_doc->filePath());
    m_doc->reset(*project);
    m_runs->refresh();
    return true;
}

bool MainWindow::save()
{
    if (m_doc->filePath().isEmpty()) {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save project"), QString(), tr("Torchwright projects (*.json)"));
        return !path.isEmpty() && saveAs(path);
    }
    return saveAs(m_doc->filePath());
}

bool MainWindow::saveAs(const QString &typed)
{
    // Projects are .json files: a name typed without a suffix gets it, so Open lists the file.
    const QString path = QFileInfo(typed).suffix().isEmpty() ? typed + QStringLiteral(".json") : typed;
    // A project still called "Untitled" (or nothing) takes the name it is saved under.
    const std::string &name = m_doc->project().name;
    if (name.empty() || name == "Untitled")
        m_doc->setSetting("/name", QFileInfo(path).completeBaseName().toStdString());
    const QString before = m_doc->filePath();
    QString error;
    if (!m_doc->save(path, &error)) {
        reportError(tr("Cannot save:\n%1").arg(error));
        return false;
    }
    Recovery::remove(before);
    Recovery::remove(m_doc->filePath());
    addRecent(m_doc->filePath());
    QSettings().setValue("lastProject", m_doc->filePath());
    statusBar()->showMessage(tr("Saved %1").arg(m_doc->filePath()), 4000);
    return true;
}

bool MainWindow::maybeSave()
{
    if (!m_doc->isModified())
        return true;
    const auto answer = ask(tr("%1 has unsaved changes. Save them?").arg(m_doc->displayName()),
                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Save)
        return save();
    Recovery::remove(m_doc->filePath());
    return true;
}

void MainWindow::autosaveNow()
{
    if (m_doc->isModified())
        Recovery::write(m_doc->filePath(), m_doc->serialized());
}

bool MainWindow::offerRecovery()
{
    for (const QString &file : Recovery::pending()) {
        QString original;
        std::string text;
        if (!Recovery::read(file, &original, &text)) {
            QFile::remove(file);
            continue;
        }
        const QString name = original.isEmpty() ? tr("an untitled project") : original;
        const auto answer = ask(tr("Torchwright did not close normally. Restore the unsaved changes to %1?").arg(name),
                                QMessageBox::Yes | QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            QFile::remove(file);
            continue;
        }
        ProjectLoad load = parseProject(text, original.toStdString());
        if (!load.ok()) {
            reportError(tr("The recovery file %1 cannot be read:\n%2").arg(file, diagnosticsText(load.diagnostics)));
            continue;
        }
        // The recovered state belongs to its original file but is not saved in it: the
        // document shows it marked modified, and saving writes it to the original.
        const QString path = original.isEmpty() || !QFileInfo::exists(original) ? QString() : original;
        m_doc->reset(load.project, path);
        m_doc->undoStack()->resetClean(); // marks the document modified until it is saved
        QFile::remove(file);
        Recovery::write(path, m_doc->serialized());
        return true;
    }
    return false;
}

QStringList MainWindow::recentFiles() { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::addRecent(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecent)
        files.removeLast();
    QSettings().setValue("recentFiles", files);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (const QString &path : recentFiles())
        m_recentMenu->addAction(QFileInfo(path).fileName() + "  (" + QFileInfo(path).absolutePath() + ")", this,
                                [this, path] {
                                    if (maybeSave())
                                        openProject(path);
                                });
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

// A text field claims the undo and redo keys for its own editing history (ShortcutOverride), so
// with the focus in a settings field Ctrl+Z never reached the document. A field holding nothing
// uncommitted (the inspectors mark a field unmodified once the document holds its value) leaves
// the keys to the window's Undo and Redo; while the user types, they stay the field's.
bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride || !watched->isWidgetType())
        return false;
    const QKeySequence key(static_cast<QKeyEvent *>(event)->keyCombination());
    const bool undo = m_undoAction && m_undoAction->shortcuts().contains(key);
    const bool redo = m_redoAction && m_redoAction->shortcuts().contains(key);
    auto *widget = static_cast<QWidget *>(watched);
    if ((!undo && !redo) || widget->window() != this)
        return false;
    auto *field = qobject_cast<QLineEdit *>(widget);
    if (!field) // a spin box's or combo box's own line edit
        field = widget->findChild<QLineEdit *>(QString(), Qt::FindDirectChildrenOnly);
    if (!field || field->isModified())
        return false;
    QUndoStack *stack = m_doc->undoStack();
    if (undo ? !stack->canUndo() : !stack->canRedo())
        return false;
    event->ignore(); // not overridden: the shortcut goes to the window's action
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_dashboard->stopAndWait();
    Recovery::remove(m_doc->filePath());
    saveWindowState();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        for (const QUrl &url : event->mimeData()->urls())
            if (url.isLocalFile() && url.toLocalFile().endsWith(".json")) {
                event->acceptProposedAction();
                return;
            }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile() && url.toLocalFile().endsWith(".json")) {
            event->acceptProposedAction();
            if (maybeSave())
                openProject(url.toLocalFile());
            return;
        }
    }
}

bool MainWindow::finetune(const QString &version)
{
    if (m_dashboard->isTraining()) {
        reportError(tr("A run is training: wait for it, or stop it, before fine-tuning."));
        return false;
    }
    TrainRequest request;
    try {
        request = finetuneRequest(m_doc->project(), version.isEmpty() ? std::string("current") : version.toStdString());
    } catch (const std::exception &e) {
        reportError(tr("Cannot fine-tune from %1:\n%2").arg(version, exceptionText(e)));
        return false;
    }
    showTab(DashboardTab);
    m_dashboard->startFinetune(request);
    return true;
}

ExportDialog *MainWindow::exportRun(const QString &runDir)
{
    QString run = runDir;
    if (run.isEmpty()) {
        const QStringList selected = m_runs->selectedRuns();
        if (selected.size() == 1)
            run = selected[0];
    }
    if (run.isEmpty()) {
        m_runs->refresh();
        for (const QString &dir : m_runs->runDirs()) // newest first
            if (QFileInfo::exists(dir + "/best.pt") || QFileInfo::exists(dir + "/last.pt")) {
                run = dir;
                break;
            }
    }
    if (run.isEmpty()) {
        reportError(tr("There is no trained run to export yet: train the model first (Dashboard)."));
        return nullptr;
    }
    QStringList formats;
    const nlohmann::json f = m_doc->setting("/export/formats");
    if (f.is_array())
        for (const auto &name : f)
            if (name.is_string())
                formats << QString::fromStdString(name.get<std::string>());
    auto *dialog = new ExportDialog(run, formats, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exportFinished, this, [this, dialog](bool ok) {
        m_log->append(ok ? tr("Exported %1").arg(dialog->checkedFormats().join(", "))
                         : tr("Export finished with errors:\n%1").arg(dialog->report()),
                      !ok);
    });
    dialog->show();
    return dialog;
}

} // namespace torchwright::ui
