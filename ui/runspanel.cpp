#include "runspanel.h"

#include "curveplot.h"
#include "i18n.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/jsonfile.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>
#include <map>

namespace torchwright::ui {

namespace {

constexpr int kDirRole = Qt::UserRole;
constexpr int kStatusRole = Qt::UserRole + 1;

QString percent(double v)
{
    return std::isfinite(v) ? QStringLiteral("%1 %").arg(v * 100.0, 0, 'f', 1) : QStringLiteral("–");
}

QString number(double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–"); }

bool fileExists(const QString &dir, const char *name)
{
    return QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(name));
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

    m_folderLabel = new QLabel(this);
    m_folderLabel->setObjectName(QStringLiteral("runsFolderLabel"));
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("runsTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels(
        {tr("Run"), tr("Date"), tr("Status"), tr("Epochs"), tr("Best val. acc."), tr("Best val. loss"), tr("Device")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->setToolTip(tr("Tick runs to compare their validation curves; select two to compare settings"));

    m_refreshButton = new QPushButton(tr("Refresh"), this);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_compareButton = new QPushButton(tr("Compare settings"), this);
    m_compareButton->setObjectName(QStringLiteral("compareButton"));
    m_compareButton->setToolTip(tr("Select two runs to list the settings that differ"));
    m_resumeButton = new QPushButton(tr("Resume"), this);
    m_resumeButton->setObjectName(QStringLiteral("resumeRunButton"));
    m_resumeButton->setToolTip(tr("Continue a stopped or failed run from its last checkpoint"));
    m_evaluateButton = new QPushButton(tr("Evaluate"), this);
    m_evaluateButton->setObjectName(QStringLiteral("evaluateButton"));
    m_evaluateButton->setToolTip(tr("Evaluate the run's best checkpoint on the test split"));
    m_exportButton = new QPushButton(tr("Export…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportRunButton"));
    m_exportButton->setToolTip(tr("Export the run's best checkpoint: TorchScript, ONNX, a PyTorch program, a bundle"));

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
    m_plot->setMinimumHeight(160);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_refreshButton);
    buttons->addWidget(m_compareButton);
    buttons->addWidget(m_resumeButton);
    buttons->addWidget(m_evaluateButton);
    buttons->addWidget(m_exportButton);
    buttons->addStretch(1);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_folderLabel);
    topLayout->addWidget(m_tree, 1);
    topLayout->addLayout(buttons);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(m_plot);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_refreshButton, &QPushButton::clicked, this, &RunsPanel::refresh);
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const QStringList runs = selectedRuns();
        if (runs.size() == 2)
            compareRuns(runs[0], runs[1]);
    });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        const QStringList runs = selectedRuns();
        if (runs.size() == 1)
            Q_EMIT resumeRequested(runs[0]);
    });
    connect(m_evaluateButton, &QPushButton::clicked, this, [this] {
        const QStringList runs = selectedRuns();
        if (runs.size() == 1)
            Q_EMIT evaluateRequested(runs[0]);
    });
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        const QStringList runs = selectedRuns();
        if (runs.size() == 1)
            Q_EMIT exportRequested(runs[0]);
    });
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &RunsPanel::updateButtons);
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *, int column) {
        if (!m_filling && column == NameColumn)
            updateOverlay();
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this,
            [this](QTreeWidgetItem *item) { Q_EMIT evaluateRequested(item->data(NameColumn, kDirRole).toString()); });
    // Another project, or the same one saved elsewhere, has other runs.
    connect(m_document, &ProjectDocument::filePathChanged, this, &RunsPanel::refresh);
    connect(m_document, &ProjectDocument::projectReset, this, &RunsPanel::refresh);

    refresh();
}

QString RunsPanel::runsDirectory() const { return TrainingController::runsDirectoryFor(m_document->filePath()); }

void RunsPanel::refresh()
{
    const QStringList checkedList = checkedRuns();
    const QSet<QString> checked(checkedList.begin(), checkedList.end());
    const QStringList selected = selectedRuns();
    const QString dir = runsDirectory();
    m_folderLabel->setText(tr("Runs in %1").arg(QDir::toNativeSeparators(dir)));

    m_filling = true;
    m_tree->clear();
    std::vector<RunSummary> runs = listRuns(dir.toStdString());
    const QLocale locale;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) { // newest first
        const RunSummary &r = *it;
        const QString runDir = QString::fromStdString(r.dir);
        auto *item = new QTreeWidgetItem;
        item->setText(NameColumn, QString::fromStdString(r.name));
        item->setData(NameColumn, kDirRole, runDir);
        item->setData(NameColumn, kStatusRole, QString::fromStdString(r.status));
        item->setToolTip(NameColumn, QDir::toNativeSeparators(runDir));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(NameColumn, checked.contains(runDir) ? Qt::Checked : Qt::Unchecked);
        const QDateTime created = QDateTime::fromString(QString::fromStdString(r.created), Qt::ISODate);
        item->setText(DateColumn, created.isValid() ? locale.toString(created.toLocalTime(), QLocale::ShortFormat)
                                                    : QString::fromStdString(r.created));
        item->setText(StatusColumn, runStatusText(QString::fromStdString(r.status)));
        // Why a run is interrupted (its process is gone) or unreadable (a damaged run.json).
        if (!r.message.empty())
            item->setToolTip(StatusColumn, QString::fromStdString(r.message));
        item->setText(EpochsColumn, QStringLiteral("%1/%2").arg(r.epochsCompleted).arg(r.epochsPlanned));
        item->setText(AccuracyColumn, percent(r.bestValAccuracy));
        item->setText(LossColumn, number(r.bestValLoss));
        item->setText(DeviceColumn, QString::fromStdString(r.device));
        for (int c : {EpochsColumn, AccuracyColumn, LossColumn})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        m_tree->addTopLevelItem(item);
    }
    m_filling = false;
    selectRuns(selected);
    updateButtons();
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
    QStringList dirs;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_tree->topLevelItem(i);
        if (item->checkState(NameColumn) == Qt::Checked)
            dirs << item->data(NameColumn, kDirRole).toString();
    }
    return dirs;
}

QStringList RunsPanel::selectedRuns() const
{
    // In list order, so the comparison reads the same whichever was clicked first.
    QStringList dirs;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_tree->topLevelItem(i);
        if (item->isSelected())
            dirs << item->data(NameColumn, kDirRole).toString();
    }
    return dirs;
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

void RunsPanel::selectRuns(const QStringList &runDirs)
{
    m_tree->clearSelection();
    for (const QString &dir : runDirs)
        if (QTreeWidgetItem *item = itemFor(dir))
            item->setSelected(true);
}

void RunsPanel::updateButtons()
{
    const QStringList runs = selectedRuns();
    m_compareButton->setEnabled(runs.size() == 2);
    bool canResume = false, canEvaluate = false;
    if (runs.size() == 1) {
        const QTreeWidgetItem *item = itemFor(runs[0]);
        const QString status = item ? item->data(NameColumn, kStatusRole).toString() : QString();
        // Resuming needs the last checkpoint (written before epoch 1), or a run killed before it
        // was written, which starts again from its seed.
        const bool ended = status == QLatin1String("stopped") || status == QLatin1String("failed");
        canResume = (ended && fileExists(runs[0], "last.pt")) || status == QLatin1String("interrupted");
        canEvaluate = fileExists(runs[0], "best.pt") || fileExists(runs[0], "last.pt");
    }
    m_resumeButton->setEnabled(canResume);
    m_evaluateButton->setEnabled(canEvaluate);
    m_exportButton->setEnabled(canEvaluate);
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
        const QString name = QFileInfo(dir).fileName();
        QPen solid(color, 2), dashed(color, 1.5, Qt::DashLine);
        const int acc = m_plot->addSeries(name, solid, m_plot->yAxis);
        const int loss = m_plot->addSeries(tr("%1 loss").arg(name), dashed, m_plot->yAxis2);
        m_plot->seriesGraph(loss)->removeFromLegend(); // same colour as its accuracy curve
        m_plot->appendPoints(acc, c.epochs, c.valAccuracy);
        m_plot->appendPoints(loss, c.epochs, c.valLoss);
        for (int s : {acc, loss})
            m_plot->seriesGraph(s)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    }
    m_plot->legend->setVisible(m_plot->seriesCount() > 0);
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
        if (const std::string deep = jsonDepthError(text); !deep.empty()) {
            if (error)
                *error = tr("%1: %2").arg(QDir::toNativeSeparators(path), QString::fromStdString(deep));
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
    const QString nameA = QFileInfo(runA).fileName(), nameB = QFileInfo(runB).fileName();

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
