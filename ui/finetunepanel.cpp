#include "finetunepanel.h"

#include "i18n.h"
#include "loopcommon.h"
#include "projectdocument.h"

#include "torchwright/versions.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace torchwright::ui {

FinetunePanel::FinetunePanel(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    m_mix = new QLabel(this);
    m_mix->setObjectName(QStringLiteral("finetuneMix"));
    m_mix->setWordWrap(true);
    m_button = new QPushButton(this);
    m_button->setObjectName(QStringLiteral("finetuneButton"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_mix);
    layout->addWidget(m_button, 0, Qt::AlignLeft);
    connect(m_button, &QPushButton::clicked, this, [this] { Q_EMIT finetuneRequested(m_version); });
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &FinetunePanel::refresh);
    connect(doc, &ProjectDocument::settingsChanged, this, &FinetunePanel::refresh);
    refresh();
}

QString FinetunePanel::mixText() const { return m_mix->text(); }

void FinetunePanel::refresh()
{
    const Project &p = m_doc->project();
    m_version.clear();
    m_button->setText(tr("Fine-tune"));
    m_button->setEnabled(false);
    if (m_doc->filePath().isEmpty()) {
        m_mix->setText(tr("Save the project first: its model versions and feedback are kept beside it."));
        return;
    }
    try {
        const std::optional<VersionInfo> current = currentVersion(p);
        if (!current) {
            m_mix->setText(tr("Fine-tuning starts from a model version: register a completed run under Model "
                              "update first."));
            return;
        }
        m_version = QString::fromStdString(current->id);
        const FeedbackStore store(LoopWatcher::forDocument(m_doc)->feedbackDir().toStdString());
        int64_t trained = 0, heldOut = 0;
        for (const FeedbackItem &item : store.list(FeedbackFilter{"reviewed", -1, {}}))
            (feedbackHeldOut(item.id, p.finetune.holdout) ? heldOut : trained) += 1;
        const auto &ft = p.finetune;
        QString text = tr("Fine-tunes %1 for %2 epoch(s) at learning rate %3 on %4 reviewed feedback item(s), each "
                          "seen %5 times an epoch, mixed with %6 % of the original training data drawn anew each "
                          "epoch. %7 reviewed item(s) are held out as the feedback set versions are measured on.")
                           .arg(m_version)
                           .arg(ft.epochs)
                           .arg(ft.lr)
                           .arg(trained)
                           .arg(ft.feedbackWeight)
                           .arg(ft.replayFraction * 100, 0, 'g', 3)
                           .arg(heldOut);
        if (!ft.frozen.empty()) {
            QStringList frozen;
            for (const auto &f : ft.frozen)
                frozen << QString::fromStdString(f);
            text += QLatin1Char(' ') + tr("Frozen: %1.").arg(frozen.join(QStringLiteral(", ")));
        }
        if (trained == 0)
            text += QLatin1Char(' ')
                    + tr("No reviewed item to learn from yet: review predictions under User "
                         "feedback (or Application) first.");
        m_mix->setText(text);
        m_button->setText(tr("Fine-tune from %1").arg(m_version));
        m_button->setEnabled(true);
    } catch (const std::exception &e) {
        m_mix->setText(exceptionText(e));
    }
}

} // namespace torchwright::ui
