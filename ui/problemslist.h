#pragma once
// Every diagnostic of the document's current analysis, one row each, errors first in the
// engine's order. Rebuilt on analysisChanged(). Clicking (or activating) a row about a node
// emits problemActivated() with that node; the list selects nothing in the graph itself.

#include "projectdocument.h"

#include <QListWidget>

namespace torchwright::ui {

class ProblemsList : public QListWidget {
    Q_OBJECT

public:
    static constexpr int kNodeIdRole = Qt::UserRole + 1; // int, -1 when not about a node
    static constexpr int kPortRole = Qt::UserRole + 2;   // int, -1 when not about a port

    explicit ProblemsList(ProjectDocument *doc, QWidget *parent = nullptr);

    NodeId nodeAt(int row) const;
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }

Q_SIGNALS:
    void problemActivated(torchwright::NodeId id);
    // Fires after each rebuild with the new counts.
    void countsChanged(int errors, int warnings);

protected:
    // An empty list says so, instead of a blank box under the inspector.
    void paintEvent(QPaintEvent *event) override;

private:
    void refresh();
    void activate(QListWidgetItem *item);

    ProjectDocument *m_doc;
    int m_errors = 0;
    int m_warnings = 0;
};

} // namespace torchwright::ui
