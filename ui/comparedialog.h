#pragma once
// Two model versions measured side by side (compareVersions()): the overall figures on the
// frozen test split and the feedback set, latency and size; the promotion gate, each rule passed
// or failed; per-class recall and precision; the confusion matrix's change; the test samples
// newly fixed and newly broken, with thumbnails. "Promote the candidate" hands over to the
// versions panel, which asks for the reason.

#include "torchwright/runs.h"
#include "torchwright/versions.h"

#include <QDialog>

#include <vector>

class QTabWidget;
class QTableWidget;
class QListWidget;
class QLabel;

namespace torchwright::ui {

class CompareDialog : public QDialog {
    Q_OBJECT

public:
    static constexpr size_t kMaxThumbnails = 24;

    struct Data {
        VersionComparison comparison;
        std::vector<int> fixedIndices, brokenIndices; // the first few of each
        std::vector<SampleImage> fixedImages, brokenImages;
    };

    CompareDialog(const Data &data, QWidget *parent = nullptr);

    QTableWidget *summaryTable() const { return m_summary; }
    QTableWidget *classTable() const { return m_classes; }
    QTableWidget *confusionTable() const { return m_confusion; }
    QString gateText() const;

Q_SIGNALS:
    void promoteRequested(const QString &version);

private:
    QTabWidget *m_tabs;
    QLabel *m_gate;
    QTableWidget *m_summary;
    QTableWidget *m_classes;
    QTableWidget *m_confusion;
    QListWidget *m_fixed;
    QListWidget *m_broken;
};

} // namespace torchwright::ui
