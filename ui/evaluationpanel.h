#pragma once
// Evaluation of a run's checkpoint on the test split: accuracy, a confusion-matrix heat map
// (predicted class across, true class down, counts in the cells), per-class precision and
// recall, and thumbnails of the test samples in a clicked cell. A regression (a real-valued
// target) shows R^2 and MAE and a predicted-versus-true scatter plot instead.
//
// Threads: the panel lives on the GUI thread. evaluateRun() and the reading of test images run
// on one worker std::thread at a time; each job returns plain values, delivered to the GUI
// thread with a queued invocation. Requests made while a job runs wait in a queue. The
// destructor drops waiting jobs and joins the running one (the engine's evaluation cannot be
// interrupted, so closing waits for it), so no thread outlives the panel.

#include "torchwright/runs.h"

#include <QString>
#include <QWidget>

#include <deque>
#include <functional>
#include <thread>

class QCPColorMap;
class QCPItemText;
class QCPColorScale;
class QCustomPlot;
class QLabel;
class QListWidget;
class QMouseEvent;
class QTableWidget;

namespace torchwright::ui {

class EvaluationPanel : public QWidget {
    Q_OBJECT

public:
    // Thumbnails shown for one cell at most; the label says how many there are in all.
    static constexpr int kMaxThumbnails = 300;
    static constexpr int kThumbnailSize = 64;
    // Counts are written in the cells while a cell is at least this many pixels wide and tall
    // and the count fits; smaller cells show theirs on hover (true, predicted, count, row %).
    static constexpr int kMinCellForNumbers = 22;

    explicit EvaluationPanel(QWidget *parent = nullptr);
    ~EvaluationPanel() override;

    // Evaluates the run's best checkpoint (else its last) on the test split, on the worker.
    // evaluationFinished() or evaluationFailed() follows.
    void evaluate(const QString &runDir, const QString &device = QStringLiteral("auto"));
    // Shows the test samples whose true class is `trueClass` and whose prediction is
    // `predictedClass` (what a click on that heat-map cell does); thumbnailsReady() follows.
    void showSamples(int trueClass, int predictedClass);

    bool isBusy() const { return m_busy; }
    QString runDir() const { return m_runDir; }
    // The last evaluation shown (empty before the first).
    const Evaluation &evaluation() const { return m_evaluation; }
    QCustomPlot *confusionPlot() const { return m_plot; }
    QCPColorMap *confusionMap() const { return m_map; }
    // A regression's test samples, predicted value against true value, with the line y = x.
    QCustomPlot *regressionPlot() const { return m_scatter; }
    QTableWidget *classTable() const { return m_table; }
    QListWidget *thumbnailList() const { return m_thumbnails; }
    QString accuracyText() const;
    // Shows an evaluation already made (what evaluate() ends with).
    void showEvaluation(const QString &runDir, const Evaluation &ev);
    // The side of one confusion-matrix cell in pixels, and whether the counts are written in
    // the cells at that size (see kMinCellForNumbers).
    double cellSize() const;
    bool cellNumbersShown() const { return m_numbersShown; }
    // The hover text of a cell: true and predicted class, count and its share of the true class.
    QString cellText(int trueClass, int predictedClass) const;

Q_SIGNALS:
    void evaluationFinished(const QString &runDir);
    void evaluationFailed(const QString &runDir, const QString &message);
    void thumbnailsReady(int trueClass, int predictedClass, int shown);
    void logMessage(const QString &text, bool isError);

private:
    // Runs on the worker; returns what to do with its result on the GUI thread.
    using Job = std::function<std::function<void()>()>;

    void schedule(Job job);
    void launch(Job job);
    void showFailure(const QString &runDir, const QString &message);
    void showThumbnails(int trueClass, int predictedClass, const std::vector<int> &indices,
                        const std::vector<SampleImage> &images, int total);
    bool cellAt(const QPoint &pos, int *trueClass, int *predictedClass) const;
    void onPlotClicked(QMouseEvent *event);
    void onPlotHovered(QMouseEvent *event);
    void fitMatrixToSpace(); // cell labels and class names for the space the matrix has now
    bool eventFilter(QObject *watched, QEvent *event) override;

    QLabel *m_accuracyLabel = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCustomPlot *m_scatter = nullptr;
    QWidget *m_plots = nullptr;       // holds the matrix and the scatter plot, one shown at a time
    QCPColorMap *m_map = nullptr;     // owned by m_plot
    QCPColorScale *m_scale = nullptr; // owned by m_plot
    QTableWidget *m_table = nullptr;
    QList<QCPItemText *> m_cellLabels; // owned by m_plot; row-major [true][predicted]
    bool m_numbersShown = false;
    bool m_fitting = false;
    QLabel *m_samplesLabel = nullptr;
    QListWidget *m_thumbnails = nullptr;

    QString m_runDir;
    Evaluation m_evaluation;

    std::thread m_worker;
    bool m_busy = false;     // a job runs on m_worker; its result has not been delivered yet
    std::deque<Job> m_queue; // GUI thread only
};

} // namespace torchwright::ui
