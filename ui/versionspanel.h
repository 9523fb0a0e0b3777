#pragma once
// The Model update stage: the project's model versions as a lineage list (id, current, parent,
// created, run, test and feedback accuracy, note) and what is done with them: register a
// completed run, compare two versions (CompareDialog), promote one (a reason is required; when
// the gate fails, an explicit override), roll back (a reason). Registering, comparing and the
// gate take seconds: they run on a worker while a busy bar shows.

#include "comparedialog.h"
#include "loopcommon.h"

#include "torchwright/versions.h"

#include <QDialog>
#include <QPointer>
#include <QWidget>

#include <vector>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace torchwright::ui {

class ProjectDocument;

// Asks for the reason of a promotion or a rollback; for a promotion it shows the gate's rules,
// and when the gate failed, OK needs the override ticked.
class ReasonDialog : public QDialog {
    Q_OBJECT

public:
    ReasonDialog(const QString &title, const QString &question, QWidget *parent);
    void showGate(const GateResult &gate); // adds the rules and, when it failed, the override
    QLineEdit *reasonEdit() const { return m_reason; }
    QCheckBox *overrideBox() const { return m_override; }
    QPushButton *okButton() const;
    QString reason() const;
    bool overridden() const;
    QString gateText() const;

private:
    void updateOk();

    QLabel *m_gate;
    QLineEdit *m_reason;
    QCheckBox *m_override;
    QDialogButtonBox *m_buttons;
    bool m_gateFailed = false;
};

class VersionsPanel : public QWidget {
    Q_OBJECT

public:
    enum Column {
        VersionColumn,
        ParentColumn,
        TestColumn,
        FeedbackColumn,
        CreatedColumn,
        RunColumn,
        NoteColumn,
        ColumnCount
    };

    explicit VersionsPanel(ProjectDocument *doc, QWidget *parent = nullptr);

    void refresh();
    QTableWidget *table() const { return m_table; }
    const std::vector<VersionInfo> &versions() const { return m_versions; }
    QString selectedVersion() const; // "" when none
    void selectVersion(const QString &id);
    bool isBusy() const { return m_jobs->isBusy(); }
    QString statusText() const;

    // Each runs on the worker; done() follows (ok false: the reason is in statusText()).
    void registerRun(const QString &runDir);
    void compare(const QString &a, const QString &b); // opens a CompareDialog when measured
    // Checks the gate of `version` against the current one, then asks for the reason (and the
    // override when the gate failed) in a ReasonDialog, shown without blocking: reasonDialog().
    void promote(const QString &version);
    void rollback(); // asks for the reason in a ReasonDialog
    ReasonDialog *reasonDialog() const { return m_reasonDialog; }
    CompareDialog *compareDialog() const { return m_compareDialog; }

    // The runs of the project that can become versions (completed or stopped with a
    // checkpoint), newest first: {folder, label}.
    QList<QPair<QString, QString>> registrableRuns() const;

Q_SIGNALS:
    void done(bool ok);

private:
    void chooseRun();
    void chooseCompare();
    void reportStatus(const QString &text, bool error);
    void updateButtons();
    void finish(bool ok, const QString &text);

    ProjectDocument *m_doc;
    BackgroundJobs *m_jobs;
    QLabel *m_summary;
    QTableWidget *m_table;
    QPushButton *m_register;
    QPushButton *m_compare;
    QPushButton *m_promote;
    QPushButton *m_rollback;
    QProgressBar *m_busy;
    QLabel *m_status;
    std::vector<VersionInfo> m_versions;
    QPointer<ReasonDialog> m_reasonDialog;
    QPointer<CompareDialog> m_compareDialog;
};

} // namespace torchwright::ui
