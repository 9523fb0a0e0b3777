#include "runspanel.h"

#include "curveplot.h"
#include "i18n.h"
#include "loopcommon.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/importrun.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QAction>
#include <QCheckBox>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace torchwright::ui {

namespace {

constexpr int kDirRole = Qt::UserRole;

QString percent(double v)
{
    return std::isfinite(v) ? QStringLiteral("%1 %").arg(v * 100.0, 0, 'f', 1) : QStringLiteral("–");
}

QString number(double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–"); }

// The engine's status names, as the list shows them.
bool fileExists(const QString &dir, const char *name)
{
    return QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(name));
}

// The folder an imported run came from (run.json "imported_from", importrun.h); empty for a run
// trained here or an unreadable run.json.
QString importedFrom(const QString &runDir)
{
    try {
        const nlohmann::json j = readJsonFile((runDir + QStringLiteral("/run.json")).toStdString());
        if (j.is_object() && j.contains("imported_from") && j["imported_from"].is_object())
            return QString::fromStdString(j["imported_from"].value("dir", std::string("?")));
    } catch (const std::exception &) {
    }
    return {};
}

// RFC 6901: "~" and "/" inside a key are escaped.
std::string escapePointerToken(const std::string &key)
{
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

// Leaves as pointer -> value; empty objects and arrays are leaves too, so a list that became
// empty shows up as a difference.
void flatten(const nlohmann::json &j, const std::string &pointer, std::map<std::string, nlohmann::json> &out)
{
    if (j.is_object() && !j.empty()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            flatten(it.value(), pointer + "/" + escapePointerToken(it.key()), out);
    } else if (j.is_array() && !j.empty()) {
        for (size_t i = 0; i < j.size(); ++i)
            flatten(j[i], pointer + "/" + std::to_string(i), out);
    } else {
        out[pointer] = j;
    }
}

// Layout, not settings: the studio's state and where nodes sit on the canvas.
bool ignoredPointer(const std::string &pointer)
{
    if (pointer == "/ui" || pointer.rfind("/ui/", 0) == 0)
        return true;
    if (pointer.rfind("/graph/nodes/", 0) != 0)
        return false;
    const size_t slash = pointer.find('/', std::string("/graph/nodes/").size());
    return slash != std::string::npos && pointer.compare(slash, 9, "/position") == 0
           && (pointer.size() == slash + 9 || pointer[slash + 9] == '/');
}

} // namespace

RunsPanel::RunsPanel(ProjectDocument *document, QWidget *parent) : QWidget(parent), m_document(document)
{
    if (!m_document)
        qFatal("RunsPanel needs a ProjectDocument");

    m_allProjectsCheck = new QCheckBox(tr("All projects"), this);
    m_allProjectsCheck->setObjectName(QStringLiteral("allProjectsCheck"));
    m_allProjectsCheck->setToolTip(tr("List the runs of every project in this runs folder, not only of the open one"));
    m_trashButton = new QPushButton(tr("Trash"), this);
    m_trashButton->setObjectName(QStringLiteral("trashViewButton"));
    m_trashButton->setCheckable(true);
    m_trashButton->setToolTip(tr("Show the deleted runs of this runs folder; Restore brings one back"));
    m_refreshButton = new QPushButton(tr("Refresh"), this);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(tr("Read the runs folder again"));
    m_importButton = new QPushButton(tr("Import run…"), this);
    m_importButton->setObjectName(QStringLiteral("importRunButton"));
    m_importButton->setToolTip(tr("Bring in a run of the exported PyTorch program (train.py --run-dir, for example "
                                  "from a cluster) as a run of this project, with its curves and checkpoints"));
    m_jobs = new BackgroundJobs(this);

    m_folderLabel = new QLabel(this);
    m_folderLabel->setObjectName(QStringLiteral("runsFolderLabel"));
    m_folderLabel->setWordWrap(true);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("runsTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers); // F2 goes through the Rename action
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Run"), tr("Status"), tr("Epochs"), tr("Best val.")});
    QTreeWidgetItem *header = m_tree->headerItem();
    header->setToolTip(NameColumn, tr("The run's name (F2 renames it); tick runs to overlay their validation "
                                      "curves and to compare their settings"));
    header->setToolTip(EpochsColumn, tr("Epochs completed of those planned"));
    header->setToolTip(AccuracyColumn,
                       tr("Best validation accuracy (the best validation loss for a run without accuracy)"));
    for (int c : {EpochsColumn, AccuracyColumn})
        header->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    // The key columns fit the dock's width: the name takes what the others leave and elides.
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int c : {StatusColumn, EpochsColumn, AccuracyColumn})
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tree->setTextElideMode(Qt::ElideMiddle);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("runsMessageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageLabel->hide();

    auto button = [this](const char *name, const QString &text) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(QLatin1String(name));
        return b;
    };
    m_compareButton = button("compareButton", tr("Compare"));
    m_resumeButton = button("resumeRunButton", tr("Resume"));
    m_evaluateButton = button("evaluateButton", tr("Evaluate"));
    m_exportButton = button("exportRunButton", tr("Export…"));
    m_renameButton = button("renameRunButton", tr("Rename"));
    m_deleteButton = button("deleteRunButton", tr("Delete"));
    m_restoreButton = button("restoreRunButton", tr("Restore"));

    m_detailsLabel = new QLabel(this);
    m_detailsLabel->setObjectName(QStringLiteral("runDetailsLabel"));
    m_detailsLabel->setWordWrap(true);
    m_detailsLabel->setTextFormat(Qt::RichText);
    m_detailsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailsLabel->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_noteEdit = new QPlainTextEdit(this);
    m_noteEdit->setObjectName(QStringLiteral("runNoteEdit"));
    m_noteEdit->setPlaceholderText(tr("Note about this run…"));
    m_noteEdit->setTabChangesFocus(true);
    m_noteEdit->setFixedHeight(m_noteEdit->fontMetrics().lineSpacing() * 3 + 12);
    m_saveNoteButton = button("saveNoteButton", tr("Save note"));

    m_plot = new CurvePlot(this);
    m_plot->setObjectName(QStringLiteral("runsOverlayPlot"));
    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->yAxis->setLabel(tr("val. accuracy ───"));
    m_plot->yAxis2->setLabel(tr("val. loss – – –"));
    m_plot->yAxis2->setVisible(true);
    // Many runs: the legend goes below the axes, one entry per run, rather than over the curves.
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(3);
    m_plot->legend->setBorderPen(Qt::NoPen);
    // A legend's largest size is its content's, and a layout column is no wider than its
    // narrowest maximum: without this the axes shrink to the legend's width.
    m_plot->legend->setMaximumSize(QWIDGETSIZE_MAX - 1, QWIDGETSIZE_MAX - 1);
    m_overlayHint = new QCPTextElement(m_plot, tr("Tick runs to overlay their validation curves"));
    m_overlayHint->setObjectName(QStringLiteral("overlayHint"));
    m_overlayHint->setTextColor(QColor(110, 110, 110));
    m_plot->setMinimumHeight(160);

    auto *view = new QHBoxLayout;
    view->addWidget(m_allProjectsCheck);
    view->addStretch(1);
    view->addWidget(m_importButton);
    view->addWidget(m_trashButton);
    view->addWidget(m_refreshButton);
    auto *runActions = new QHBoxLayout;
    for (QPushButton *b : {m_evaluateButton, m_resumeButton, m_exportButton, m_compareButton})
        runActions->addWidget(b);
    auto *editActions = new QHBoxLayout;
    for (QPushButton *b : {m_renameButton, m_deleteButton, m_restoreButton})
        editActions->addWidget(b);
    editActions->addStretch(1);
    auto *noteRow = new QHBoxLayout;
    noteRow->addWidget(m_noteEdit, 1);
    noteRow->addWidget(m_saveNoteButton, 0, Qt::AlignBottom);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(view);
    topLayout->addWidget(m_folderLabel);
    topLayout->addWidget(m_tree, 1);
    topLayout->addWidget(m_messageLabel);
    topLayout->addLayout(runActions);
    topLayout->addLayout(editActions);
    topLayout->addWidget(m_detailsLabel);
    topLayout->addLayout(noteRow);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(top);
    splitter->addWidget(m_plot);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1, 1}); // halves to begin with (scaled to the space it gets)
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    buildActions();

    connect(m_allProjectsCheck, &QCheckBox::toggled, this, &RunsPanel::refresh);
    connect(m_trashButton, &QPushButton::toggled, this, &RunsPanel::setTrashView);
    connect(m_refreshButton, &QPushButton::clicked, this, &RunsPanel::refresh);
    connect(m_importButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("The run folder of the exported program (train.py --run-dir)"), QDir::homePath());
        if (!dir.isEmpty())
            importRun(dir);
    });
    connect(m_jobs, &BackgroundJobs::busyChanged, this, [this](bool busy) {
        m_importButton->setEnabled(!busy && !m_trashView);
        m_importButton->setText(busy ? tr("Importing…") : tr("Import run…"));
    });
    connect(m_jobs, &BackgroundJobs::failed, this, [this](const QString &message) {
        showMessage(message, true);
        Q_EMIT importFailed(message);
    });
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const QStringList runs = checkedRuns();
        if (runs.size() == 2)
            compareRuns(runs[0], runs[1]);
    });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        if (whyNotResume(currentRow()).isEmpty())
            Q_EMIT resumeRequested(currentRun());
    });
    connect(m_evaluateButton, &QPushButton::clicked, this, [this] {
        if (whyNotUseCheckpoint(currentRow()).isEmpty())
            Q_EMIT evaluateRequested(currentRun());
    });
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (whyNotUseCheckpoint(currentRow()).isEmpty())
            Q_EMIT exportRequested(currentRun());
    });
    connect(m_renameButton, &QPushButton::clicked, m_renameAction, &QAction::trigger);
    connect(m_deleteButton, &QPushButton::clicked, m_deleteAction, &QAction::trigger);
    connect(m_restoreButton, &QPushButton::clicked, this, [this] {
        if (!currentRun().isEmpty())
            restoreRun(currentRun());
    });
    connect(m_saveNoteButton, &QPushButton::clicked, this,
            [this] { setRunNote(m_noteShownFor, m_noteEdit->toPlainText()); });
    connect(m_noteEdit, &QPlainTextEdit::textChanged, this, &RunsPanel::updateButtons);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        if (m_filling)
            return; // refresh() shows the details once the list is whole
        keepUnsavedNote();
        updateDetails();
        updateButtons();
    });
    connect(m_tree, &QTreeWidget::itemChanged, this, &RunsPanel::onItemChanged);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const QString dir = item->data(NameColumn, kDirRole).toString();
        if (!m_trashView && whyNotUseCheckpoint(&m_rows[dir]).isEmpty())
            Q_EMIT evaluateRequested(dir);
    });
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, &RunsPanel::showContextMenu);
    // Another project, or the same one saved elsewhere, has other runs.
    connect(m_document, &ProjectDocument::filePathChanged, this, &RunsPanel::refresh);
    connect(m_document, &ProjectDocument::projectReset, this, &RunsPanel::refresh);

    refresh();
}

void RunsPanel::buildActions()
{
    // Shortcuts while the list has focus; the context menu shows them.
    auto action = [this](const QString &text, const QKeySequence &key) {
        auto *a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_tree->addAction(a);
        return a;
    };
    m_renameAction = action(tr("Rename"), QKeySequence(Qt::Key_F2));
    m_renameAction->setObjectName(QStringLiteral("renameRunAction"));
    m_deleteAction = action(tr("Delete (to the trash)"), QKeySequence::Delete);
    m_deleteAction->setObjectName(QStringLiteral("deleteRunAction"));
    m_noteAction = action(tr("Edit note"), QKeySequence());
    connect(m_renameAction, &QAction::triggered, this, [this] {
        QTreeWidgetItem *item = m_tree->currentItem();
        if (item && !m_trashView && whyNotEdit(currentRow(), tr("rename it")).isEmpty())
            m_tree->editItem(item, NameColumn);
    });
    connect(m_deleteAction, &QAction::triggered, this, [this] {
        if (!m_trashView && !currentRun().isEmpty())
            trashRun(currentRun());
    });
    connect(m_noteAction, &QAction::triggered, this, [this] { m_noteEdit->setFocus(); });
}

QString RunsPanel::runsDirectory() const { return TrainingController::runsDirectoryFor(m_document->filePath()); }

void RunsPanel::setShowAllProjects(bool all) { m_allProjectsCheck->setChecked(all); }

bool RunsPanel::showAllProjects() const { return m_allProjectsCheck->isChecked(); }

void RunsPanel::setTrashView(bool trash)
{
    if (m_trashButton->isChecked() != trash) {
        m_trashButton->setChecked(trash); // comes back here through toggled()
        return;
    }
    m_trashView = trash;
    m_messageLabel->hide();
    refresh();
}

QTreeWidgetItem *RunsPanel::makeItem(const RunSummary &r)
{
    const QString runDir = QString::fromStdString(r.dir);
    Row row;
    row.dir = runDir;
    row.name = QString::fromStdString(r.name);
    row.label = QString::fromStdString(r.label());
    row.status = QString::fromStdString(r.status);
    row.message = ui::messageText(r.text);
    row.note = QString::fromStdString(r.note);
    row.projectSha256 = QString::fromStdString(r.projectSha256);
    row.trashedFrom = QString::fromStdString(r.trashedFrom);
    row.epochsCompleted = r.epochsCompleted;
    row.epochsPlanned = r.epochsPlanned;
    const QLocale locale;
    const QDateTime created = QDateTime::fromString(QString::fromStdString(r.created), Qt::ISODate);
    row.created = created.isValid() ? locale.toString(created.toLocalTime(), QLocale::ShortFormat)
                                    : QString::fromStdString(r.created);

    auto *item = new QTreeWidgetItem;
    item->setText(NameColumn, row.label);
    item->setData(NameColumn, kDirRole, runDir);
    Qt::ItemFlags flags = item->flags() | Qt::ItemIsEditable;
    if (!m_trashView) {
        flags |= Qt::ItemIsUserCheckable;
        item->setCheckState(NameColumn, m_checked.contains(runDir) ? Qt::Checked : Qt::Unchecked);
    }
    item->setFlags(flags);
    // The key figures are the columns; the rest is here and in the details.
    QStringList tip;
    tip << row.label;
    if (row.label != row.name)
        tip << tr("Folder: %1").arg(row.name);
    if (!row.created.isEmpty())
        tip << tr("Started: %1").arg(row.created);
    if (!r.device.empty())
        tip << tr("Device: %1").arg(QString::fromStdString(r.device));
    tip << tr("Best val. accuracy: %1, loss: %2").arg(percent(r.bestValAccuracy), number(r.bestValLoss));
    if (!r.projectName.empty() || !r.projectFile.empty())
        tip << tr("Project: %1").arg(QString::fromStdString(r.projectFile.empty() ? r.projectName : r.projectFile));
    if (!row.note.isEmpty())
        tip << tr("Note: %1").arg(row.note);
    item->setToolTip(NameColumn, tip.join(QLatin1Char('\n')));
    item->setText(StatusColumn, runStatusText(row.status));
    // Why a run is interrupted (its process is gone) or unreadable (a damaged run.json).
    item->setToolTip(StatusColumn, row.message.isEmpty() ? item->text(StatusColumn) : row.message);
    item->setText(EpochsColumn, QStringLiteral("%1/%2").arg(r.epochsCompleted).arg(r.epochsPlanned));
    if (r.regression && std::isfinite(r.bestValR2)) {
        // A regression has no accuracy: its best validation R² instead.
        item->setText(AccuracyColumn, tr("R² %1").arg(r.bestValR2, 0, 'f', 3));
        item->setToolTip(
            AccuracyColumn,
            tr("Best validation R² (a regression); MAE %1, loss %2").arg(number(r.bestValMae), number(r.bestValLoss)));
    } else if (std::isfinite(r.bestValAccuracy) || !std::isfinite(r.bestValLoss)) {
        item->setText(AccuracyColumn, percent(r.bestValAccuracy));
        item->setToolTip(AccuracyColumn, tr("Best validation accuracy; loss %1").arg(number(r.bestValLoss)));
    } else {
        item->setText(AccuracyColumn, number(r.bestValLoss));
        item->setToolTip(AccuracyColumn, tr("Best validation loss (the run has no accuracy)"));
    }
    for (int c : {EpochsColumn, AccuracyColumn})
        item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
    m_rows.insert(runDir, row);
    return item;
}

void RunsPanel::refresh()
{
    const QString current = currentRun();
    const QString dir = runsDirectory();
    const std::string projectFile = m_document->filePath().toStdString();
    const std::string projectName = m_document->project().name;

    m_filling = true;
    m_tree->clear();
    m_rows.clear();
    std::vector<RunSummary> runs = m_trashView ? listTrashedRuns(dir.toStdString()) : listRuns(dir.toStdString());
    if (!m_trashView)
        std::reverse(runs.begin(), runs.end()); // newest first; the trash is most recent first already
    int hidden = 0;
    for (const RunSummary &r : runs) {
        if (!m_trashView && !showAllProjects() && !runBelongsToProject(r, projectFile, projectName)) {
            ++hidden;
            continue;
        }
        m_tree->addTopLevelItem(makeItem(r));
    }
    m_filling = false;

    const int shown = m_tree->topLevelItemCount();
    const QString folder = QDir::toNativeSeparators(dir);
    m_folderLabel->setToolTip(tr("Runs folder: %1").arg(folder));
    if (m_trashView)
        m_folderLabel->setText(shown ? tr("Deleted runs: %1. Restore puts one back.").arg(shown)
                                     : tr("The trash is empty."));
    else if (shown == 0 && hidden == 0)
        m_folderLabel->setText(tr("No runs yet: Start on the Dashboard trains the project."));
    else if (hidden > 0)
        m_folderLabel->setText(tr("Runs of this project: %1 (%2 of other projects hidden).").arg(shown).arg(hidden));
    else
        m_folderLabel->setText(showAllProjects() ? tr("Runs of all projects: %1.").arg(shown)
                                                 : tr("Runs of this project: %1.").arg(shown));
    m_trashButton->setText(m_trashView ? tr("Back to runs") : tr("Trash"));
    m_importButton->setEnabled(!m_trashView && !m_jobs->isBusy());
    m_allProjectsCheck->setEnabled(!m_trashView);

    for (QPushButton *b :
         {m_compareButton, m_resumeButton, m_evaluateButton, m_exportButton, m_renameButton, m_deleteButton})
        b->setVisible(!m_trashView);
    m_restoreButton->setVisible(m_trashView);
    m_noteEdit->setVisible(!m_trashView);
    m_saveNoteButton->setVisible(!m_trashView);

    if (QTreeWidgetItem *item = itemFor(current))
        m_tree->setCurrentItem(item);
    else if (shown > 0)
        m_tree->setCurrentItem(m_tree->topLevelItem(0));
    updateDetails();
    updateButtons();
    if (!m_trashView)
        updateOverlay();
}

void RunsPanel::noteRunFinished(const QString &runDir, const QString &status)
{
    Q_UNUSED(status);
    m_curves.remove(runDir); // its metrics grew
    refresh();
}

QStringList RunsPanel::runDirs() const
{
    QStringList dirs;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        dirs << m_tree->topLevelItem(i)->data(NameColumn, kDirRole).toString();
    return dirs;
}

QStringList RunsPanel::checkedRuns() const
{
    if (m_trashView)
        return {};
    QStringList dirs;
    for (const QString &dir : runDirs())
        if (m_checked.contains(dir))
            dirs << dir;
    return dirs;
}

QString RunsPanel::currentRun() const
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    return item ? item->data(NameColumn, kDirRole).toString() : QString();
}

void RunsPanel::setCurrentRun(const QString &runDir)
{
    if (QTreeWidgetItem *item = itemFor(runDir))
        m_tree->setCurrentItem(item);
}

QStringList RunsPanel::selectedRuns() const
{
    const QString run = currentRun();
    return run.isEmpty() ? QStringList() : QStringList{run};
}

void RunsPanel::selectRuns(const QStringList &runDirs)
{
    if (!runDirs.isEmpty())
        setCurrentRun(runDirs.first());
}

QTreeWidgetItem *RunsPanel::itemFor(const QString &runDir) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_tree->topLevelItem(i);
        if (item->data(NameColumn, kDirRole).toString() == runDir)
            return item;
    }
    return nullptr;
}

void RunsPanel::setRunChecked(const QString &runDir, bool checked)
{
    if (QTreeWidgetItem *item = itemFor(runDir))
        item->setCheckState(NameColumn, checked ? Qt::Checked : Qt::Unchecked);
}

void RunsPanel::onItemChanged(QTreeWidgetItem *item, int column)
{
    if (m_filling || column != NameColumn || m_trashView)
        return;
    const QString dir = item->data(NameColumn, kDirRole).toString();
    const bool ticked = item->checkState(NameColumn) == Qt::Checked;
    if (ticked != m_checked.contains(dir)) {
        if (ticked)
            m_checked.insert(dir);
        else
            m_checked.remove(dir);
        updateOverlay();
        updateButtons();
    }
    // Edited in place (F2): the new name goes to run.json.
    const auto row = m_rows.constFind(dir);
    if (row != m_rows.constEnd() && item->text(NameColumn) != row->label) {
        const QString name = item->text(NameColumn);
        QMetaObject::invokeMethod(
            this,
            [this, dir, name] {
                // After the editor closed: renaming refreshes the list, which deletes the item.
                if (!renameRun(dir, name))
                    refresh();
            },
            Qt::QueuedConnection);
    }
}

const RunsPanel::Row *RunsPanel::currentRow() const
{
    const auto it = m_rows.constFind(currentRun());
    return it == m_rows.constEnd() ? nullptr : &*it;
}

QString RunsPanel::whyNotResume(const Row *row) const
{
    if (!row)
        return tr("Select a run (click its row) to resume it");
    const QString &s = row->status;
    if (s == QLatin1String("running"))
        return tr("The run is training now");
    if (s == QLatin1String("unreadable"))
        return tr("The run cannot be resumed: %1").arg(row->message);
    if (s == QLatin1String("completed"))
        return tr("The run completed all its %1 epochs; nothing is left to train").arg(row->epochsPlanned);
    if (s == QLatin1String("early_stopped"))
        return tr("The run stopped early: its validation figure stopped improving, so more epochs would not help");
    if (!fileExists(row->dir, "project.json"))
        return tr("The run folder has no project.json to train from");
    // The engine refuses a project copy that no longer matches the SHA-256 recorded at the start.
    if (!row->projectSha256.isEmpty()) {
        QFile file(row->dir + QStringLiteral("/project.json"));
        QCryptographicHash hash(QCryptographicHash::Sha256);
        if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file)
            || QString::fromLatin1(hash.result().toHex()) != row->projectSha256)
            return tr("The run's project.json was changed since the run began (it no longer matches run.json), so "
                      "its checkpoints may not fit it");
    }
    // A run killed before its first checkpoint starts again from its seed, in the same folder.
    if (s == QLatin1String("interrupted"))
        return {};
    if (!importedFrom(row->dir).isEmpty())
        return tr("An imported run cannot be resumed: the program's checkpoints hold no optimizer state. Train "
                  "again, with the run as the pretraining source");
    if (!fileExists(row->dir, "last.pt"))
        return tr("The run has no checkpoint (last.pt) to continue from");
    if (s != QLatin1String("stopped") && s != QLatin1String("failed"))
        return tr("A run that is %1 cannot be resumed").arg(s);
    return {};
}

QString RunsPanel::whyNotUseCheckpoint(const Row *row) const
{
    if (!row)
        return tr("Select a run (click its row) first");
    if (row->status == QLatin1String("unreadable"))
        return tr("run.json cannot be read: %1").arg(row->message);
    if (!fileExists(row->dir, "best.pt") && !fileExists(row->dir, "last.pt"))
        return tr("The run has no checkpoint yet (best.pt or last.pt): it ended before its first epoch");
    return {};
}

QString RunsPanel::whyNotEdit(const Row *row, const QString &action) const
{
    if (!row)
        return tr("Select a run (click its row) to %1").arg(action);
    if (row->status == QLatin1String("running"))
        return tr("The run is training now; %1 when it has ended").arg(action);
    return {};
}

// One button: enabled with `tip`, or disabled with the reason as its tooltip.
static void offer(QPushButton *button, QAction *action, const QString &tip, const QString &whyNot)
{
    for (QObject *o : {static_cast<QObject *>(button), static_cast<QObject *>(action)}) {
        if (!o)
            continue;
        o->setProperty("enabled", whyNot.isEmpty());
        o->setProperty("toolTip", whyNot.isEmpty() ? tip : whyNot);
    }
}

void RunsPanel::updateButtons()
{
    const Row *row = currentRow();
    const QString label = row ? row->label : QString();
    const int ticked = int(checkedRuns().size());
    offer(m_compareButton, nullptr, tr("List the settings that differ between the two ticked runs"),
          ticked == 2 ? QString() : tr("Tick two runs to compare their settings (%n ticked)", nullptr, ticked));
    offer(m_resumeButton, nullptr, tr("Continue “%1” from its last checkpoint").arg(label), whyNotResume(row));
    const QString checkpoint = whyNotUseCheckpoint(row);
    offer(m_evaluateButton, nullptr, tr("Evaluate “%1” on the test split (its best checkpoint)").arg(label),
          checkpoint);
    offer(m_exportButton, nullptr, tr("Export “%1”: TorchScript, ONNX, a PyTorch program, a bundle").arg(label),
          checkpoint);
    offer(m_renameButton, m_renameAction, tr("Rename “%1” (F2); its folder keeps its name").arg(label),
          m_trashView ? tr("Restore the run first") : whyNotEdit(row, tr("rename it")));
    offer(m_deleteButton, m_deleteAction, tr("Move “%1” to the trash (Del); the Trash view restores it").arg(label),
          m_trashView ? tr("The run is in the trash already") : whyNotEdit(row, tr("delete it")));
    const QString noteWhy = m_trashView ? tr("Restore the run first") : whyNotEdit(row, tr("change its note"));
    offer(nullptr, m_noteAction, tr("Write a note about “%1”").arg(label), noteWhy);
    m_noteEdit->setEnabled(noteWhy.isEmpty());
    const bool noteChanged = row && m_noteShownFor == row->dir && m_noteEdit->toPlainText() != row->note;
    offer(m_saveNoteButton, nullptr, tr("Store the note with the run (in its run.json)"),
          !noteWhy.isEmpty() ? noteWhy
          : noteChanged      ? QString()
                             : tr("The note has not been changed"));

    QString restoreWhy;
    if (!row)
        restoreWhy = tr("Select a deleted run (click its row) to restore it");
    else if (QFileInfo::exists(QDir(runsDirectory()).filePath(QFileInfo(row->trashedFrom).fileName())))
        restoreWhy = tr("A run named %1 is in the runs folder already; rename or move that folder first")
                         .arg(QFileInfo(row->trashedFrom).fileName());
    offer(m_restoreButton, nullptr, tr("Move “%1” back to the runs folder").arg(label), restoreWhy);
}

void RunsPanel::keepUnsavedNote()
{
    const auto row = m_rows.constFind(m_noteShownFor);
    const QString text = m_noteEdit->toPlainText();
    if (m_trashView || row == m_rows.constEnd() || text == row->note)
        return;
    try {
        torchwright::setRunNote(m_noteShownFor.toStdString(), text.toStdString());
    } catch (const std::exception &e) {
        showMessage(exceptionText(e), true);
        return;
    }
    m_rows[m_noteShownFor].note = text;
    showMessage(tr("Note saved."), false);
}

void RunsPanel::updateDetails()
{
    const Row *row = currentRow();
    if (!row) {
        m_detailsLabel->setText(m_trashView ? QString() : tr("<i>No run selected.</i>"));
        m_noteShownFor.clear();
        const QSignalBlocker block(m_noteEdit);
        m_noteEdit->clear();
        return;
    }
    QString html = tr("<b>%1</b>").arg(row->label.toHtmlEscaped());
    if (row->label != row->name)
        html += QStringLiteral(" &nbsp;<span style='color:gray'>%1</span>").arg(row->name.toHtmlEscaped());
    if (!row->created.isEmpty())
        html += QStringLiteral("<br>") + tr("Started %1").arg(row->created.toHtmlEscaped());
    if (m_trashView)
        html += QStringLiteral("<br>")
                + tr("Deleted from %1").arg(QDir::toNativeSeparators(row->trashedFrom).toHtmlEscaped());
    if (!row->message.isEmpty())
        html += QStringLiteral("<br>") + row->message.toHtmlEscaped();
    if (const QString from = importedFrom(row->dir); !from.isEmpty())
        html += QStringLiteral("<br>") + tr("Imported from %1").arg(QDir::toNativeSeparators(from).toHtmlEscaped());
    if (m_trashView && !row->note.isEmpty())
        html += QStringLiteral("<br>") + tr("Note: %1").arg(row->note.toHtmlEscaped());
    m_detailsLabel->setText(html);
    if (m_noteShownFor != row->dir) {
        const QSignalBlocker block(m_noteEdit);
        m_noteEdit->setPlainText(row->note);
        m_noteShownFor = row->dir;
    }
}

void RunsPanel::showMessage(const QString &text, bool isError)
{
    m_messageLabel->setText(text);
    m_messageLabel->setStyleSheet(isError ? QStringLiteral("color: #c62828;") : QString());
    m_messageLabel->setVisible(!text.isEmpty());
}

QString RunsPanel::messageText() const { return m_messageLabel->isVisible() ? m_messageLabel->text() : QString(); }

bool RunsPanel::importRun(const QString &programRunDir)
{
    if (m_jobs->isBusy()) {
        showMessage(tr("An import is running; wait for it to end."), true);
        return false;
    }
    const QString projectFile = m_document->filePath();
    if (projectFile.isEmpty()) {
        showMessage(tr("Save the project first: an imported run goes into the runs folder beside its file."), true);
        return false;
    }
    showMessage(tr("Importing %1…").arg(QDir::toNativeSeparators(programRunDir)), false);
    ImportRunOptions options;
    options.projectFile = projectFile.toStdString();
    options.runsDir = runsDirectory().toStdString();
    const std::string source = programRunDir.toStdString();
    m_jobs->run([this, source, options]() -> std::function<void()> {
        const ImportedRun r = importProgramRun(source, options);
        return [this, r, source] {
            const QString runDir = QString::fromStdString(r.runDir);
            m_checked.insert(runDir);
            refresh();
            setCurrentRun(runDir);
            showMessage(tr("Imported %1 as “%2”: %3 after %4 of %5 epoch(s).")
                            .arg(QDir::toNativeSeparators(QString::fromStdString(source)), QFileInfo(runDir).fileName(),
                                 runStatusText(QString::fromStdString(r.status)))
                            .arg(r.epochsCompleted)
                            .arg(r.epochsPlanned),
                        false);
            Q_EMIT runImported(runDir);
        };
    });
    return true;
}

bool RunsPanel::isImporting() const { return m_jobs->isBusy(); }

bool RunsPanel::renameRun(const QString &runDir, const QString &name)
{
    try {
        torchwright::renameRun(runDir.toStdString(), name.toStdString());
    } catch (const std::exception &e) {
        showMessage(exceptionText(e), true);
        return false;
    }
    showMessage({}, false);
    refresh();
    return true;
}

bool RunsPanel::setRunNote(const QString &runDir, const QString &note)
{
    if (runDir.isEmpty())
        return false;
    try {
        torchwright::setRunNote(runDir.toStdString(), note.toStdString());
    } catch (const std::exception &e) {
        showMessage(exceptionText(e), true);
        return false;
    }
    showMessage(tr("Note saved."), false);
    m_noteShownFor.clear(); // shown again from run.json
    refresh();
    return true;
}

bool RunsPanel::trashRun(const QString &runDir)
{
    const auto row = m_rows.constFind(runDir);
    const QString label = row != m_rows.constEnd() ? row->label : QFileInfo(runDir).fileName();
    try {
        torchwright::trashRun(runDir.toStdString());
    } catch (const std::exception &e) {
        showMessage(exceptionText(e), true);
        return false;
    }
    m_checked.remove(runDir);
    m_curves.remove(runDir);
    showMessage(tr("“%1” moved to the trash; Trash → Restore brings it back.").arg(label), false);
    refresh();
    return true;
}

bool RunsPanel::restoreRun(const QString &trashedDir)
{
    QString restored;
    try {
        restored = QString::fromStdString(torchwright::restoreRun(trashedDir.toStdString()));
    } catch (const std::exception &e) {
        showMessage(exceptionText(e), true);
        return false;
    }
    const auto row = m_rows.constFind(trashedDir);
    showMessage(tr("“%1” restored.").arg(row != m_rows.constEnd() ? row->label : QFileInfo(restored).fileName()),
                false);
    refresh();
    return true;
}

void RunsPanel::showContextMenu(const QPoint &at)
{
    QTreeWidgetItem *item = m_tree->itemAt(at);
    if (item)
        m_tree->setCurrentItem(item);
    QMenu menu(this);
    menu.setToolTipsVisible(true); // a disabled entry says why
    auto add = [&menu](QPushButton *b) {
        QAction *a = menu.addAction(b->text());
        a->setEnabled(b->isEnabled());
        a->setToolTip(b->toolTip());
        QObject::connect(a, &QAction::triggered, b, &QPushButton::click);
        return a;
    };
    if (m_trashView) {
        add(m_restoreButton);
    } else {
        add(m_evaluateButton);
        add(m_resumeButton);
        add(m_exportButton);
        menu.addSeparator();
        if (item) {
            const bool ticked = item->checkState(NameColumn) == Qt::Checked;
            QAction *tick = menu.addAction(ticked ? tr("Untick (remove from the overlay)")
                                                  : tr("Tick (overlay its curves, compare)"));
            connect(tick, &QAction::triggered, this,
                    [this, dir = currentRun(), ticked] { setRunChecked(dir, !ticked); });
        }
        add(m_compareButton);
        menu.addSeparator();
        menu.addAction(m_renameAction);
        menu.addAction(m_noteAction);
        menu.addAction(m_deleteAction);
    }
    menu.addSeparator();
    menu.addAction(tr("Refresh"), this, &RunsPanel::refresh);
    menu.exec(m_tree->viewport()->mapToGlobal(at));
}

const RunsPanel::Curves &RunsPanel::curvesOf(const QString &runDir)
{
    const QFileInfo file(runDir + QStringLiteral("/metrics.jsonl"));
    Curves &c = m_curves[runDir];
    const qint64 modified = file.lastModified().toMSecsSinceEpoch();
    if (c.size == file.size() && c.modified == modified)
        return c;
    c = Curves{};
    c.size = file.size();
    c.modified = modified;
    for (const TrainingEvent &e : readMetrics(runDir.toStdString())) {
        if (e.kind != TrainingEvent::Kind::Epoch)
            continue;
        c.epochs.append(e.epoch);
        c.valAccuracy.append(e.valAccuracy);
        c.valLoss.append(e.valLoss);
    }
    return c;
}

void RunsPanel::updateOverlay()
{
    static const QColor palette[] = {
        QColor(31, 119, 180), QColor(255, 127, 14),  QColor(44, 160, 44),   QColor(214, 39, 40),  QColor(148, 103, 189),
        QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
    m_plot->removeAllSeries();
    int k = 0;
    for (const QString &dir : checkedRuns()) {
        const Curves &c = curvesOf(dir);
        const QColor color = palette[k++ % (sizeof(palette) / sizeof(palette[0]))];
        const QString name = m_rows.value(dir).label;
        QPen solid(color, 2), dashed(color, 1.5, Qt::DashLine);
        const int acc = m_plot->addSeries(name, solid, m_plot->yAxis);
        const int loss = m_plot->addSeries(tr("%1 loss").arg(name), dashed, m_plot->yAxis2);
        m_plot->seriesGraph(loss)->removeFromLegend(); // same colour as its accuracy curve
        m_plot->appendPoints(acc, c.epochs, c.valAccuracy);
        m_plot->appendPoints(loss, c.epochs, c.valLoss);
        for (int s : {acc, loss})
            m_plot->seriesGraph(s)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    }
    // No run ticked: a hint where the legend goes. (An empty legend would also narrow the axes to
    // its own width, however its maximum size is set.)
    const bool any = m_plot->seriesCount() > 0;
    QCPLayoutElement *below = any ? static_cast<QCPLayoutElement *>(m_plot->legend) : m_overlayHint;
    if (m_plot->plotLayout()->element(1, 0) != below) {
        m_plot->plotLayout()->take(m_plot->plotLayout()->element(1, 0));
        m_plot->plotLayout()->simplify();
        m_plot->plotLayout()->addElement(1, 0, below);
        m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    }
    m_plot->legend->setVisible(any);
    m_plot->setAutoFit(true);
    m_plot->replotNow();
}

QVector<RunsPanel::Difference> RunsPanel::jsonDifferences(const nlohmann::json &a, const nlohmann::json &b)
{
    std::map<std::string, nlohmann::json> fa, fb;
    flatten(a, "", fa);
    flatten(b, "", fb);
    std::map<std::string, std::pair<const nlohmann::json *, const nlohmann::json *>> both;
    for (const auto &[k, v] : fa)
        both[k].first = &v;
    for (const auto &[k, v] : fb)
        both[k].second = &v;
    auto text = [](const nlohmann::json *v) { return v ? QString::fromStdString(v->dump()) : tr("(absent)"); };
    QVector<Difference> out;
    for (const auto &[pointer, values] : both) {
        if (ignoredPointer(pointer))
            continue;
        if (values.first && values.second && *values.first == *values.second)
            continue;
        out.append({QString::fromStdString(pointer), text(values.first), text(values.second)});
    }
    return out;
}

QVector<RunsPanel::Difference> RunsPanel::settingsDifferences(const QString &runA, const QString &runB, QString *error)
{
    nlohmann::json j[2];
    const QString dirs[2] = {runA, runB};
    for (int i = 0; i < 2; ++i) {
        const QString path = dirs[i] + QStringLiteral("/project.json");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            if (error)
                *error = tr("%1: cannot read (%2)").arg(QDir::toNativeSeparators(path), file.errorString());
            return {};
        }
        const std::string text = file.readAll().toStdString();
        if (const Message deep = jsonDepthError(text); !deep.empty()) {
            if (error)
                *error = tr("%1: %2").arg(QDir::toNativeSeparators(path), ui::messageText(deep));
            return {};
        }
        j[i] = nlohmann::json::parse(text, nullptr, false);
        if (j[i].is_discarded()) {
            if (error)
                *error = tr("%1: not valid JSON").arg(QDir::toNativeSeparators(path));
            return {};
        }
    }
    return jsonDifferences(j[0], j[1]);
}

void RunsPanel::compareRuns(const QString &runA, const QString &runB)
{
    QString error;
    const QVector<Difference> diffs = settingsDifferences(runA, runB, &error);
    auto labelOf = [this](const QString &dir) {
        const auto row = m_rows.constFind(dir);
        return row != m_rows.constEnd() ? row->label : QFileInfo(dir).fileName();
    };
    const QString nameA = labelOf(runA), nameB = labelOf(runB);

    // Modeless, so the runs stay usable beside it; deleted when closed.
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("settingsDiffDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Settings: %1 vs %2").arg(nameA, nameB));
    auto *label = new QLabel(dialog);
    if (!error.isEmpty())
        label->setText(error);
    else if (diffs.isEmpty())
        label->setText(tr("The two runs have the same settings."));
    else
        label->setText(tr("%n setting(s) differ.", nullptr, int(diffs.size())));
    auto *table = new QTableWidget(int(diffs.size()), 3, dialog);
    table->setObjectName(QStringLiteral("settingsDiffTable"));
    table->setHorizontalHeaderLabels({tr("Setting"), nameA, nameB});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->setVisible(false);
    for (int r = 0; r < diffs.size(); ++r) {
        table->setItem(r, 0, new QTableWidgetItem(diffs[r].pointer));
        table->setItem(r, 1, new QTableWidgetItem(diffs[r].left));
        table->setItem(r, 2, new QTableWidgetItem(diffs[r].right));
    }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(label);
    layout->addWidget(table, 1);
    layout->addWidget(box);
    dialog->resize(640, 360);
    dialog->show();
}

} // namespace torchwright::ui
