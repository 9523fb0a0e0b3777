#include "logpanel.h"

#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTime>
#include <QVBoxLayout>

namespace torchwright::ui {

LogPanel::LogPanel(QWidget *parent) : QWidget(parent)
{
    m_view = new QPlainTextEdit(this);
    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(kMaxLines);
    m_view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_view->setFont(mono);

    m_clearButton = new QPushButton(tr("Clear"), this);
    m_clearButton->setObjectName(QStringLiteral("clearLogButton"));
    connect(m_clearButton, &QPushButton::clicked, this, &LogPanel::clear);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_clearButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
}

void LogPanel::append(const QString &text, bool isError)
{
    // Follow new lines only when the view is at the end already, so reading back is not
    // interrupted by a running training.
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    const QString stamp = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    QString body = text.toHtmlEscaped();
    body.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    const QString html = isError ? QStringLiteral("<span style=\"color:#c62828;\">[%1] %2</span>").arg(stamp, body)
                                 : QStringLiteral("<span>[%1] %2</span>").arg(stamp, body);
    m_view->appendHtml(html);
    ++m_entries;
    if (isError)
        ++m_errors;
    if (atEnd)
        bar->setValue(bar->maximum());
}

void LogPanel::clear()
{
    m_view->clear();
    m_entries = 0;
    m_errors = 0;
}

QString LogPanel::text() const { return m_view->toPlainText(); }

int LogPanel::entryCount() const { return m_entries; }

int LogPanel::errorCount() const { return m_errors; }

} // namespace torchwright::ui
