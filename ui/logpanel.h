#pragma once
// The studio's log: time-stamped lines from training and evaluation, errors in red, with a
// button to clear it. Lives on the GUI thread; append() may be connected to any GUI-thread
// signal carrying (text, isError), such as Dashboard::logMessage.

#include <QString>
#include <QWidget>

class QPlainTextEdit;
class QPushButton;

namespace torchwright::ui {

class LogPanel : public QWidget {
    Q_OBJECT

public:
    // Older lines are dropped beyond this, so a long run cannot grow the log without bound.
    static constexpr int kMaxLines = 20000;

    explicit LogPanel(QWidget *parent = nullptr);

    // One entry "[hh:mm:ss] text"; a text of several lines stays one entry.
    void append(const QString &text, bool isError = false);
    void clear();

    QString text() const;   // everything shown, as plain text
    int entryCount() const; // entries since the last clear (may exceed what is shown)
    int errorCount() const; // errors since the last clear
    QPlainTextEdit *view() const { return m_view; }

private:
    QPlainTextEdit *m_view = nullptr;
    QPushButton *m_clearButton = nullptr;
    int m_entries = 0;
    int m_errors = 0;
};

} // namespace torchwright::ui
