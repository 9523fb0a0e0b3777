#pragma once
// The Continuous optimization stage's action, under its /finetune settings: what fine-tuning
// will mix (the reviewed feedback items trained on, each seen `feedback weight` times an epoch,
// those held out as the feedback set, the replayed share of the original training data) and a
// "Fine-tune from vN" button, which asks the window to train finetuneRequest() on the dashboard
// like any run.

#include <QWidget>

class QLabel;
class QPushButton;

namespace torchwright::ui {

class ProjectDocument;

class FinetunePanel : public QWidget {
    Q_OBJECT

public:
    explicit FinetunePanel(ProjectDocument *doc, QWidget *parent = nullptr);

    void refresh();
    QString mixText() const;
    QPushButton *button() const { return m_button; }

Q_SIGNALS:
    void finetuneRequested(const QString &version);

private:
    ProjectDocument *m_doc;
    QLabel *m_mix;
    QPushButton *m_button;
    QString m_version;
};

} // namespace torchwright::ui
