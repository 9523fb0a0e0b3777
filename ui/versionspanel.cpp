#include "versionspanel.h"

#include "comparedialog.h"
#include "i18n.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/runs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

namespace {

QString metricText(const VersionMetrics &m)
{
    if (m.samples <= 0)
        return QStringLiteral("–");
    if (std::isfinite(m.accuracy))
        return QStringLiteral("%1 % (%2)").arg(m.accuracy * 100, 0, 'f', 1).arg(m.samples);
    if (std::isfinite(m.r2))
        return QStringLiteral("R² %1 (%2)").arg(m.r2, 0, 'f', 3).arg(m.samples);
    return QStringLiteral("–");
}

} // namespace

ReasonDialog::ReasonDialog(const QString &title, const QString &question, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(title);
    setObjectName(QStringLiteral("reasonDialog"));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(question, this);
    text->setWordWrap(true);
    layout->addWidget(text);
    m_gate = new QLabel(this);
    m_gate->setObjectName(QStringLiteral("gateRules"));
    m_gate->setWordWrap(true);
    m_gate->setTextFormat(Qt::RichText);
    m_gate->hide();
    layout->addWidget(m_gate);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setPlaceholderText(tr("Why (recorded in the registry)"));
    layout->addWidget(m_reason);
    m_override = new QCheckBox(tr("Promote although the gate failed (the override is recorded)"), this);
    m_override->setObjectName(QStringLiteral("gateOverride"));
    m_override->hide();
    layout->addWidget(m_override);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reason, &QLineEdit::textChanged, this, &ReasonDialog::updateOk);
    connect(m_override, &QCheckBox::toggled, this, &ReasonDialog::updateOk);
    updateOk();
    resize(520, sizeHint().height());
}

void ReasonDialog::showGate(const GateResult &gate)
{
    QStringList lines;
    for (const GateRule &rule : gate.rules)
        lines << QStringLiteral("<span style='color:%1'>%2 %3</span>")
                     .arg(rule.passed ? QStringLiteral("#1b7a2f") : QStringLiteral("#b00020"),
                          rule.passed ? tr("passed:") : tr("failed:"), messageText(rule.text).toHtmlEscaped());
    m_gate->setText((gate.passed ? tr("The gate passed.") : tr("The gate failed.")) + QStringLiteral("<br>")
                    + lines.join(QStringLiteral("<br>")));
    m_gate->show();
    m_gateFailed = !gate.passed;
    m_override->setVisible(m_gateFailed);
    updateOk();
    // The rules wrap: grow to the height they need at this width.
    resize(width(), heightForWidth(width()) > 0 ? heightForWidth(width()) : sizeHint().height());
}

QPushButton *ReasonDialog::okButton() const { return m_buttons->button(QDialogButtonBox::Ok); }
QString ReasonDialog::reason() const { return m_reason->text().trimmed(); }
bool ReasonDialog::overridden() const { return m_gateFailed && m_override->isChecked(); }
QString ReasonDialog::gateText() const { return m_gate->text(); }

void ReasonDialog::updateOk()
{
    const bool ok = !reason().isEmpty() && (!m_gateFailed || m_override->isChecked());
    okButton()->setEnabled(ok);
    okButton()->setToolTip(reason().isEmpty() ? tr("Give a reason first")
                           : ok               ? QString()
                                              : tr("The gate failed: tick the override to promote anyway"));
}

VersionsPanel::VersionsPanel(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_jobs(new BackgroundJobs(this))
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("versionsSummary"));
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("versionsTable"));
    m_table->setHorizontalHeaderLabels({tr("Version"), tr("Parent"), tr("Test accuracy"), tr("Feedback accuracy"),
                                        tr("Created"), tr("Run"), tr("Note")});
    m_table->horizontalHeaderItem(TestColumn)->setToolTip(tr("On the frozen test split (samples)"));
    m_table->horizontalHeaderItem(FeedbackColumn)
        ->setToolTip(tr("On the feedback set when the version was registered (items)"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMinimumHeight(180);
    m_table->setWordWrap(false);

    m_register = new QPushButton(tr("Register run…"), this);
    m_register->setObjectName(QStringLiteral("registerRun"));
    m_register->setToolTip(tr("Make a completed run of this project a new version"));
    m_compare = new QPushButton(tr("Compare…"), this);
    m_compare->setObjectName(QStringLiteral("compareVersions"));
    m_promote = new QPushButton(tr("Promote…"), this);
    m_promote->setObjectName(QStringLiteral("promoteVersion"));
    m_promote->setToolTip(tr("Make the selected version current, after the gate"));
    m_rollback = new QPushButton(tr("Roll back…"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackVersion"));
    m_rollback->setToolTip(tr("Make the version that was current before the latest promotion current again"));
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_register, m_compare, m_promote, m_rollback})
        buttons->addWidget(b);
    buttons->addStretch(1);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(8);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("versionsStatus"));
    m_status->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);

    connect(m_register, &QPushButton::clicked, this, &VersionsPanel::chooseRun);
    connect(m_compare, &QPushButton::clicked, this, &VersionsPanel::chooseCompare);
    connect(m_promote, &QPushButton::clicked, this, [this] { promote(selectedVersion()); });
    connect(m_rollback, &QPushButton::clicked, this, &VersionsPanel::rollback);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &VersionsPanel::updateButtons);
    connect(m_jobs, &BackgroundJobs::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy);
        updateButtons();
    });
    connect(m_jobs, &BackgroundJobs::failed, this, [this](const QString &message) { finish(false, message); });
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &VersionsPanel::refresh);
    refresh();
}

QString VersionsPanel::statusText() const { return m_status->text(); }

void VersionsPanel::reportStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void VersionsPanel::finish(bool ok, const QString &text)
{
    reportStatus(text, !ok);
    if (ok)
        LoopWatcher::forDocument(m_doc)->notify();
    Q_EMIT done(ok);
}

void VersionsPanel::refresh()
{
    const QString keep = selectedVersion();
    m_versions.clear();
    m_table->setRowCount(0);
    if (m_doc->filePath().isEmpty()) {
        m_summary->setText(tr("Save the project first: its model versions are kept beside it (versions/)."));
        updateButtons();
        return;
    }
    try {
        m_versions = listVersions(m_doc->project());
    } catch (const std::exception &e) {
        m_summary->setText(tr("The model registry cannot be read: %1").arg(exceptionText(e)));
        updateButtons();
        return;
    }
    QString current;
    // Newest first: the lineage reads downwards from the latest version to the first.
    for (auto it = m_versions.rbegin(); it != m_versions.rend(); ++it) {
        const VersionInfo &v = *it;
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QString id = QString::fromStdString(v.id);
        auto *version = new QTableWidgetItem(v.current ? tr("%1 (current)").arg(id) : id);
        version->setData(Qt::UserRole, id);
        if (v.current) {
            current = id;
            QFont bold = version->font();
            bold.setBold(true);
            version->setFont(bold);
        }
        m_table->setItem(row, VersionColumn, version);
        m_table->setItem(
            row, ParentColumn,
            new QTableWidgetItem(v.parent.empty() ? tr("(from scratch)") : QString::fromStdString(v.parent)));
        m_table->setItem(row, CreatedColumn,
                         new QTableWidgetItem(QString::fromStdString(v.created).left(16).replace('T', ' ')));
        auto *run = new QTableWidgetItem(QString::fromStdString(v.runName));
        run->setToolTip(QString::fromStdString(v.runDir));
        m_table->setItem(row, RunColumn, run);
        m_table->setItem(row, TestColumn, new QTableWidgetItem(metricText(v.test)));
        m_table->setItem(row, FeedbackColumn, new QTableWidgetItem(metricText(v.feedback)));
        m_table->setItem(row, NoteColumn, new QTableWidgetItem(QString::fromStdString(v.note)));
    }
    m_table->resizeColumnsToContents();
    if (m_versions.empty())
        m_summary->setText(tr("No versions yet. Register a completed run: the first version becomes current, and "
                              "Application tries it."));
    else
        m_summary->setText(
            tr("%1 is current; %2 version(s) in all, newest first.").arg(current).arg(m_versions.size()));
    selectVersion(keep);
    updateButtons();
}

QString VersionsPanel::selectedVersion() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    for (QTableWidgetItem *i : items)
        if (i->column() == VersionColumn)
            return i->data(Qt::UserRole).toString();
    return {};
}

void VersionsPanel::selectVersion(const QString &id)
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, VersionColumn)->data(Qt::UserRole).toString() == id) {
            m_table->selectRow(row);
            return;
        }
}

void VersionsPanel::updateButtons()
{
    const bool idle = !m_jobs->isBusy() && !m_doc->filePath().isEmpty();
    m_register->setEnabled(idle);
    m_compare->setEnabled(idle && m_versions.size() >= 2);
    m_compare->setToolTip(m_versions.size() >= 2 ? tr("Measure two versions side by side on the same data")
                                                 : tr("Comparing needs two versions"));
    const QString selected = selectedVersion();
    bool selectedCurrent = false;
    for (const VersionInfo &v : m_versions)
        selectedCurrent = selectedCurrent || (v.current && QString::fromStdString(v.id) == selected);
    m_promote->setEnabled(idle && !selected.isEmpty() && !selectedCurrent);
    bool promoted = false;
    try {
        if (!m_doc->filePath().isEmpty())
            for (const RegistryEvent &e : registryHistory(m_doc->project()))
                promoted = promoted || e.action == "promote";
    } catch (const std::exception &) {
    }
    m_rollback->setEnabled(idle && promoted);
}

QList<QPair<QString, QString>> VersionsPanel::registrableRuns() const
{
    return finishedRuns(*m_doc, [this](const RunSummary &r) {
        QString suffix;
        for (const VersionInfo &v : m_versions)
            if (QFileInfo(QString::fromStdString(v.runDir)) == QFileInfo(QString::fromStdString(r.dir)))
                suffix += QLatin1Char(' ') + tr("— already %1").arg(QString::fromStdString(v.id));
        return suffix;
    });
}

void VersionsPanel::chooseRun()
{
    QList<QPair<QString, QString>> runs;
    try {
        runs = registrableRuns();
    } catch (const std::exception &e) {
        reportStatus(exceptionText(e), true);
        return;
    }
    if (runs.isEmpty()) {
        reportStatus(tr("This project has no completed run with a checkpoint yet: train one on the Dashboard."), true);
        return;
    }
    QStringList labels;
    for (const auto &r : runs)
        labels << r.second;
    bool ok = false;
    const QString chosen =
        QInputDialog::getItem(this, tr("Register a run"), tr("The run to make a new version:"), labels, 0, false, &ok);
    if (ok)
        registerRun(runs[labels.indexOf(chosen)].first);
}

void VersionsPanel::registerRun(const QString &runDir)
{
    const Project project = m_doc->project();
    reportStatus(
        tr("Registering %1: measuring it on the test split and the feedback set…").arg(QFileInfo(runDir).fileName()),
        false);
    m_jobs->run([this, project, dir = runDir.toStdString()]() -> std::function<void()> {
        const VersionInfo v = registerVersion(project, dir);
        return [this, v] {
            finish(true, v.current ? tr("Registered %1; it is the current version.").arg(QString::fromStdString(v.id))
                                   : tr("Registered %1. Compare it with the current version, then promote it.")
                                         .arg(QString::fromStdString(v.id)));
            selectVersion(QString::fromStdString(v.id));
        };
    });
    updateButtons();
}

void VersionsPanel::chooseCompare()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Compare versions"));
    auto *form = new QFormLayout(dialog);
    auto *a = new QComboBox(dialog), *b = new QComboBox(dialog);
    QString current;
    for (const VersionInfo &v : m_versions) {
        a->addItem(QString::fromStdString(v.id));
        b->addItem(QString::fromStdString(v.id));
        if (v.current)
            current = QString::fromStdString(v.id);
    }
    a->setCurrentText(current);
    const QString selected = selectedVersion();
    b->setCurrentText(!selected.isEmpty() && selected != current ? selected
                                                                 : QString::fromStdString(m_versions.back().id));
    form->addRow(tr("Baseline:"), a);
    form->addRow(tr("Candidate:"), b);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, a, b] { compare(a->currentText(), b->currentText()); });
    dialog->open();
}

void VersionsPanel::compare(const QString &a, const QString &b)
{
    const Project project = m_doc->project();
    reportStatus(tr("Measuring %1 and %2 on the same test split and feedback set…").arg(a, b), false);
    m_jobs->run([this, project, a = a.toStdString(), b = b.toStdString()]() -> std::function<void()> {
        auto result = std::make_shared<CompareDialog::Data>();
        result->comparison = compareVersions(project, a, b);
        // Thumbnails of the samples newly fixed and newly broken (the first few of each).
        auto some = [](const std::vector<int> &v) {
            return std::vector<int>(v.begin(), v.begin() + std::min<size_t>(v.size(), CompareDialog::kMaxThumbnails));
        };
        result->fixedIndices = some(result->comparison.newlyFixed);
        result->brokenIndices = some(result->comparison.newlyBroken);
        try {
            result->fixedImages = testSampleImages(project, result->fixedIndices);
            result->brokenImages = testSampleImages(project, result->brokenIndices);
        } catch (const std::exception &) {
            // Data without images (tables): the indices are listed instead.
        }
        return [this, result] {
            finish(true, tr("Compared %1 with %2.")
                             .arg(QString::fromStdString(result->comparison.b.id),
                                  QString::fromStdString(result->comparison.a.id)));
            if (m_compareDialog)
                m_compareDialog->close();
            m_compareDialog = new CompareDialog(*result, this);
            m_compareDialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(m_compareDialog, &CompareDialog::promoteRequested, this, &VersionsPanel::promote);
            m_compareDialog->show();
        };
    });
    updateButtons();
}

void VersionsPanel::promote(const QString &version)
{
    if (version.isEmpty())
        return;
    const Project project = m_doc->project();
    reportStatus(tr("Checking the gate of %1 against the current version…").arg(version), false);
    m_jobs->run([this, project, version]() -> std::function<void()> {
        const GateResult gate = checkGate(project, version.toStdString());
        return [this, version, gate] {
            reportStatus(QString(), false);
            if (m_reasonDialog)
                m_reasonDialog->close();
            m_reasonDialog = new ReasonDialog(tr("Promote %1").arg(version),
                                              tr("Make %1 the current version: Application and predictions use its "
                                                 "bundle, and fine-tuning starts from it.")
                                                  .arg(version),
                                              this);
            m_reasonDialog->setAttribute(Qt::WA_DeleteOnClose);
            m_reasonDialog->showGate(gate);
            connect(m_reasonDialog, &QDialog::accepted, this, [this, version, dialog = m_reasonDialog] {
                const Project project = m_doc->project();
                const std::string reason = dialog->reason().toStdString();
                const bool override = dialog->overridden();
                m_jobs->run([this, project, version, reason, override]() -> std::function<void()> {
                    promoteVersion(project, version.toStdString(), reason, override);
                    return [this, version, override] {
                        finish(true, override ? tr("%1 is current (promoted past the failed gate).").arg(version)
                                              : tr("%1 is current.").arg(version));
                    };
                });
                updateButtons();
            });
            m_reasonDialog->open();
        };
    });
    updateButtons();
}

void VersionsPanel::rollback()
{
    if (m_reasonDialog)
        m_reasonDialog->close();
    m_reasonDialog = new ReasonDialog(tr("Roll back"),
                                      tr("Make the version that was current before the latest promotion current "
                                         "again."),
                                      this);
    m_reasonDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_reasonDialog, &QDialog::accepted, this, [this, dialog = m_reasonDialog] {
        const Project project = m_doc->project();
        const std::string reason = dialog->reason().toStdString();
        m_jobs->run([this, project, reason]() -> std::function<void()> {
            const std::string back = rollbackVersion(project, reason);
            return [this, back] {
                finish(true, tr("Rolled back: %1 is current again.").arg(QString::fromStdString(back)));
            };
        });
        updateButtons();
    });
    m_reasonDialog->open();
}

} // namespace torchwright::ui
