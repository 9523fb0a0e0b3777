#include "exportdialog.h"

#include "i18n.h"
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

#include <exception>

namespace torchwright::ui {

QString ExportDialog::targetName(const QString &format)
{
    const ExportFormat *f = findExportFormat(format.toStdString());
    return f ? QString::fromStdString(f->target) : format;
}

ExportDialog::ExportDialog(const QString &runDir, const QStringList &formats, QWidget *parent)
    : QDialog(parent), m_runDir(runDir), m_alive(std::make_shared<std::atomic<bool>>(true))
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export %1").arg(QFileInfo(runDir).fileName()));

    auto *form = new QFormLayout;
    auto *formatsBox = new QVBoxLayout;
    // Only this build is asked here: asking the run means building its layers on this thread.
    // A run that cannot be written in a format says why when its export is tried.
    for (const ExportFormat &f : exportFormatsList()) {
        const QString name = QString::fromStdString(f.name);
        auto *box = new QCheckBox(exportText(f.label), this);
        box->setObjectName(name);
        box->setToolTip(exportText(f.description));
        if (const Message why = f.whyUnavailable(); !why.empty()) {
            box->setEnabled(false);
            box->setToolTip(messageText(why));
        }
        box->setChecked(box->isEnabled() && formats.contains(name));
        formatsBox->addWidget(box);
        m_boxes.push_back(box);
    }
    form->addRow(tr("Formats"), formatsBox);

    m_folder = new QLineEdit(QDir(runDir).filePath(QStringLiteral("export")), this);
    m_folder->setObjectName(QStringLiteral("exportFolder"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Folder"), folderRow);

    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setObjectName(QStringLiteral("exportLog"));
    m_log->setPlaceholderText(tr("Each export is checked against the trained model before it is written."));

    m_exportButton = new QPushButton(tr("Export"), this);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setDefault(true);
    m_closeButton = new QPushButton(tr("Close"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_closeButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Run: %1 (best checkpoint)").arg(QDir::toNativeSeparators(runDir)), this));
    layout->addLayout(form);
    layout->addWidget(m_log, 1);
    layout->addLayout(buttons);
    resize(620, 420);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_closeButton, &QPushButton::clicked, this, &QDialog::accept);
}

ExportDialog::~ExportDialog()
{
    *m_alive = false;
    if (m_worker && m_worker->joinable())
        m_worker->join();
}

QString ExportDialog::outputFolder() const { return m_folder->text(); }
void ExportDialog::setOutputFolder(const QString &folder) { m_folder->setText(folder); }
QString ExportDialog::report() const { return m_log->toPlainText(); }

QStringList ExportDialog::checkedFormats() const
{
    QStringList r;
    for (const QCheckBox *b : m_boxes)
        if (b->isChecked() && b->isEnabled())
            r << b->objectName();
    return r;
}

void ExportDialog::startExport()
{
    if (m_worker)
        return;
    const QStringList formats = checkedFormats();
    const QString folder = m_folder->text().trimmed();
    if (formats.isEmpty() || folder.isEmpty()) {
        m_log->appendPlainText(tr("Tick at least one format and choose a folder."));
        return;
    }
    if (!QDir().mkpath(folder)) {
        m_log->appendPlainText(tr("Cannot create the folder %1.").arg(folder));
        return;
    }
    m_allOk = true;
    m_exportButton->setEnabled(false);
    m_log->appendPlainText(tr("Exporting to %1 …").arg(QDir::toNativeSeparators(folder)));
    const std::string run = m_runDir.toStdString();
    QPointer<ExportDialog> self(this);
    auto alive = m_alive;
    // Results come back as queued calls; a dialog closed meanwhile only waits in its destructor.
    m_worker = std::make_unique<std::thread>([self, alive, run, formats, folder] {
        for (const QString &format : formats) {
            const QString target = QDir(folder).filePath(targetName(format));
            QString error;
            try {
                findExportFormat(format.toStdString())->exportTo(run, target.toStdString(), "best");
            } catch (const std::exception &e) {
                error = exceptionText(e);
            }
            if (!*alive)
                return;
            QMetaObject::invokeMethod(
                self,
                [self, format, target, error] {
                    if (self)
                        self->formatDone(format, target, error);
                },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            self,
            [self] {
                if (self)
                    self->workerDone();
            },
            Qt::QueuedConnection);
    });
}

void ExportDialog::formatDone(const QString &format, const QString &path, const QString &error)
{
    if (error.isEmpty()) {
        m_log->appendPlainText(tr("%1: wrote %2").arg(format, QDir::toNativeSeparators(path)));
    } else {
        m_allOk = false;
        m_log->appendHtml(QStringLiteral("<span style=\"color:#c0392b\">%1</span>")
                              .arg(tr("%1 failed: %2").arg(format, error).toHtmlEscaped()));
    }
}

void ExportDialog::workerDone()
{
    if (m_worker && m_worker->joinable())
        m_worker->join();
    m_worker.reset();
    m_exportButton->setEnabled(true);
    m_log->appendPlainText(m_allOk ? tr("Done.") : tr("Finished with errors."));
    Q_EMIT exportFinished(m_allOk);
}

} // namespace torchwright::ui
