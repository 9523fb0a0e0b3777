#pragma once
// The inspector for the selected pipeline stage: a typed editor for each of its settings, built
// from the engine's settings schema (settings.h), so ranges and labels are the reader's. Each edit pushes a
// ChangeSetting on the document's undo stack; the form refreshes from the document whenever its settings change. Stages
// that act on the model's versions and its feedback (Application, User feedback, Continuous
// optimization, Model update) show their panel under their settings, and Evaluate & deploy its
// Compress panel (compresspanel.h).

#include <nlohmann/json.hpp>

#include <QPointer>
#include <QWidget>

#include <functional>
#include <vector>

class QFormLayout;
class QScrollArea;
class QLabel;

namespace torchwright {
struct SettingSpec;
}

namespace torchwright::ui {

class ApplicationPanel;
class CompressPanel;
class DataPreview;
class FeedbackPanel;
class FinetunePanel;
class ProjectDocument;
class VersionsPanel;

class StageInspector : public QWidget {
    Q_OBJECT

public:
    explicit StageInspector(ProjectDocument *doc, QWidget *parent = nullptr);

    // `stage` is a Stage value, or -1 for none.
    void showStage(int stage);
    int stage() const { return m_stage; }
    // Whether the form fits the panel's width as laid out now (no horizontal scrolling).
    bool formFits() const;
    // The Input data stage's preview of the data (under its settings); null until first shown.
    DataPreview *dataPreview() const { return m_dataPreview; }
    // The panels of the four stages after deployment, while their stage is shown; else null.
    ApplicationPanel *applicationPanel() const;
    FeedbackPanel *feedbackPanel() const;
    FinetunePanel *finetunePanel() const;
    VersionsPanel *versionsPanel() const;
    // The Evaluate & deploy stage's Compress panel, while that stage is shown; else null.
    CompressPanel *compressPanel() const;

Q_SIGNALS:
    void openModelRequested();
    void exportRequested(); // the Evaluate & deploy stage's Export button
    // The Continuous optimization stage's button: fine-tune from `version` on the dashboard.
    void finetuneRequested(const QString &version);

private:
    // One editor per setting: refresh() shows the document's value without pushing an edit.
    struct Row {
        const SettingSpec *spec;
        QWidget *field;
        std::function<void()> refresh;
    };

    void rebuild();
    void clearForm();
    void addSettingRows(int stage);
    void addStageActions(int stage);
    Row createEditor(const SettingSpec &spec);
    Row createNumberEditor(const SettingSpec &spec);
    Row createTextEditor(const SettingSpec &spec);
    Row createListEditor(const SettingSpec &spec);
    void refreshValues();
    void push(const std::string &pointer, const nlohmann::json &value);
    bool holdKindForFolder(const std::string &pointer, const nlohmann::json &value);

    ProjectDocument *m_doc;
    int m_stage = -1;
    QLabel *m_title;
    QLabel *m_note;
    QLabel *m_error;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_form = nullptr;
    QFormLayout *m_layout = nullptr;
    std::vector<Row> m_rows;
    bool m_updating = false;
    // A dataset kind that reads a folder, chosen while the folder is empty: the document cannot
    // hold it yet (no folder), so the form holds it until the folder is given, then both change
    // in one undo step. Empty when none.
    std::string m_pendingKind;
    // Kept while other stages are shown, so returning to Input data does not read the data again.
    DataPreview *m_dataPreview = nullptr;
    QPointer<ApplicationPanel> m_application;
    QPointer<FeedbackPanel> m_feedback;
    QPointer<FinetunePanel> m_finetune;
    QPointer<VersionsPanel> m_versions;
    QPointer<CompressPanel> m_compress;
};

} // namespace torchwright::ui
