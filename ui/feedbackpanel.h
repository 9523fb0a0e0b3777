#pragma once
// The User feedback stage: the project's feedback store as a list (thumbnail, source, version,
// prediction, confidence, review) with filters (unreviewed, reviewed, wrong, right; by class; by
// version), the per-class counts (FeedbackStore::counts), and the review from here: right, wrong
// with the correct class (or value), or undo of the review in force. Refreshes when the store
// changes on disk (LoopWatcher) or after each action.

#include "loopcommon.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace torchwright::ui {

class ProjectDocument;

class FeedbackPanel : public QWidget {
    Q_OBJECT

public:
    enum Column {
        InputColumn,
        PredictionColumn,
        ConfidenceColumn,
        ReviewColumn,
        VersionColumn,
        TimeColumn,
        ColumnCount
    };

    explicit FeedbackPanel(ProjectDocument *doc, QWidget *parent = nullptr);

    // Reads the store again and shows what the filters select.
    void refresh();
    // Filters: state "", "unreviewed", "reviewed", "right", "wrong"; class -1 for all; version ""
    // for all. The combo boxes follow.
    void setFilter(const QString &state, int label = -1, const QString &version = {});

    QTableWidget *table() const { return m_table; }
    QString itemId(int row) const;
    QString countsText() const;
    QString statusText() const;
    // Reviews of the item shown in `row`; false with the reason in statusText().
    bool markRight(int row);
    bool markWrong(int row, int label);
    bool markWrongValue(int row, double value);
    bool undo(int row);

Q_SIGNALS:
    void refreshed(int shown);

private:
    FeedbackStore store() const;
    FeedbackFilter filter() const;
    bool act(int row, const std::function<void(FeedbackStore &, const std::string &)> &action);
    void updateButtons();
    void reportStatus(const QString &text, bool error);

    ProjectDocument *m_doc;
    QComboBox *m_state;
    QComboBox *m_class;
    QComboBox *m_version;
    QLabel *m_counts;
    QLabel *m_perClass;
    QTableWidget *m_table;
    QPushButton *m_right;
    QPushButton *m_wrong;
    QComboBox *m_correctClass;
    QLineEdit *m_correctValue;
    QPushButton *m_undo;
    QLabel *m_status;
    std::vector<FeedbackItem> m_items; // as listed, in the table's first order
    bool m_refreshing = false;
};

} // namespace torchwright::ui
