#pragma once
// Exports a run from the studio with the same engine functions as `torchwright-cli export`:
// the formats ticked (the project's Evaluate & deploy setting by default) go into one folder,
// each on a worker thread so the window stays responsive, each reported as written or failed.

#include <QDialog>
#include <QStringList>

#include <atomic>
#include <memory>
#include <thread>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace torchwright::ui {

class ExportDialog : public QDialog {
    Q_OBJECT

public:
    // `formats`: the formats ticked at first (names as in torchwright::exportFormats()); one
    // this build cannot write is shown, not ticked, with the reason as its tooltip.
    ExportDialog(const QString &runDir, const QStringList &formats, QWidget *parent = nullptr);
    ~ExportDialog() override; // waits for an export in progress

    QString outputFolder() const;
    void setOutputFolder(const QString &folder);
    QStringList checkedFormats() const; // ticked and available
    bool isExporting() const { return m_worker != nullptr; }
    QString report() const; // what the last export wrote or why it failed

    // Where each format goes inside the folder: a file or a sub-folder.
    static QString targetName(const QString &format);

public Q_SLOTS:
    void startExport();

Q_SIGNALS:
    // After every ticked format was tried; `ok` when all were written.
    void exportFinished(bool ok);

private:
    void formatDone(const QString &format, const QString &path, const QString &error);
    void workerDone();

    QString m_runDir;
    QLineEdit *m_folder;
    QList<QCheckBox *> m_boxes;
    QPlainTextEdit *m_log;
    QPushButton *m_exportButton;
    QPushButton *m_closeButton;
    std::unique_ptr<std::thread> m_worker;
    std::shared_ptr<std::atomic<bool>> m_alive; // false once the dialog is gone
    bool m_allOk = true;
};

} // namespace torchwright::ui
