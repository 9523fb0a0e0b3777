#pragma once
// The Compress step, under the Evaluate & deploy stage's settings: choose a completed run of the
// project and a technique (prune, quantize to int8, distill into a student project), run it off
// the GUI thread with its log and epoch progress, then read the before/after table of that run
// and every run made from it (compressionTable(): parameters, multiply-adds, file sizes, CPU
// latency in LibTorch and ONNX Runtime, test accuracy and its change), rows within the allowed
// accuracy drop marked, and register a row as a model version.
//
// The work belongs to the document (CompressWork::forDocument), not to the panel: the stage
// inspector rebuilds its panels whenever another stage is shown, and a pruning run with its
// fine-tuning takes minutes, so the panel only shows what the work reports and picks it up
// again when it is shown anew.

#include "loopcommon.h"

#include "torchwright/compress.h"

#include <QObject>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace torchwright::ui {

class ProjectDocument;

// The compression work of one document: one job at a time on a worker thread, its log lines
// and progress, and the last measured table.
class CompressWork : public QObject {
    Q_OBJECT

public:
    static CompressWork *forDocument(ProjectDocument *doc);
    ~CompressWork() override;

    bool isBusy() const { return m_jobs->isBusy(); }
    const QStringList &log() const { return m_log; }
    int progressValue() const { return m_progressValue; }
    int progressMaximum() const { return m_progressMaximum; } // 0: no measure of progress
    // The last measured table and the run it is of ("" before any).
    const std::vector<CompressionRow> &rows() const { return m_rows; }
    QString rowsSource() const { return m_rowsSource; }
    // The run the latest technique made ("" before any).
    QString lastRun() const { return m_lastRun; }

    // Each runs the technique on the worker and then measures the table of the source run and
    // every run made from it (in `runsDirs`); finished() follows.
    void prune(const QString &sourceRun, const PruneOptions &options, const QStringList &runsDirs);
    void quantize(const QString &sourceRun, const QuantizeOptions &options, const QStringList &runsDirs);
    void distill(const QString &teacherRun, const QString &studentProject, std::optional<double> alpha,
                 std::optional<double> temperature, const QStringList &runsDirs);
    // Measures the table of `sourceRun` and the runs made from it.
    void measure(const QString &sourceRun, const QStringList &runsDirs, const CompressionTableOptions &options = {});

Q_SIGNALS:
    void logAdded(const QString &line);
    void progressChanged(int value, int maximum);
    void busyChanged(bool busy);
    void rowsChanged();
    void finished(bool ok, const QString &text);

private:
    explicit CompressWork(ProjectDocument *doc);
    // Called on the worker: queue to the GUI thread.
    void post(const QString &line);
    void postProgress(int value, int maximum);
    CompressLog logger();
    void start(const QString &what);
    // On the worker: the table of `source` and its compressed runs.
    std::vector<CompressionRow> measureNow(const std::string &source, const std::vector<std::string> &runsDirs,
                                           const CompressionTableOptions &options);
    void deliver(bool ok, const QString &text, const QString &source, const std::vector<CompressionRow> &rows,
                 const QString &newRun);

    BackgroundJobs *m_jobs;
    QStringList m_log;
    int m_progressValue = 0;
    int m_progressMaximum = 0;
    std::vector<CompressionRow> m_rows;
    QString m_rowsSource;
    QString m_lastRun;
};

class CompressPanel : public QWidget {
    Q_OBJECT

public:
    enum Technique { Prune, Quantize, Distill };
    enum Column {
        RunColumn,
        MethodColumn,
        ParametersColumn,
        MacsColumn,
        SizeColumn,
        LibTorchColumn,
        OnnxRuntimeColumn,
        AccuracyColumn,
        ChangeColumn,
        ResultColumn,
        ColumnCount
    };

    explicit CompressPanel(ProjectDocument *doc, QWidget *parent = nullptr);

    void refresh(); // the source runs and the table's rows
    QComboBox *sourceBox() const { return m_source; }
    QComboBox *techniqueBox() const { return m_technique; }
    QTableWidget *table() const { return m_table; }
    QDoubleSpinBox *allowedDropBox() const { return m_allowedDrop; }
    QPushButton *runButton() const { return m_run; }
    QString statusText() const;
    QString logText() const;
    // The run folders the table shows, in its order (the source first).
    QStringList rowRuns() const;
    // Whether row `row` is within the allowed drop (false before it is measured).
    bool rowPasses(int row) const;

    // The source runs: completed runs of the project with a checkpoint, newest first,
    // {folder, label}.
    QList<QPair<QString, QString>> sourceRuns() const;

    // Starts the chosen technique with the form's options (as the Run button does).
    void runTechnique();
    void measure();                                      // the Measure button
    void registerRow(int row, const QString &note = {}); // on the worker; done() follows

Q_SIGNALS:
    void done(bool ok);

private:
    QWidget *buildPruneForm();
    QWidget *buildQuantizeForm();
    QWidget *buildDistillForm();
    QStringList runsDirs() const;
    void fillTable();
    void markRows();
    void updateButtons();
    void reportStatus(const QString &text, bool error);
    void chooseRegister();
    void chooseStudent();

    ProjectDocument *m_doc;
    CompressWork *m_work;
    BackgroundJobs *m_registerJobs;
    QLabel *m_summary;
    QComboBox *m_source;
    QComboBox *m_technique;
    QStackedWidget *m_forms;
    // Prune
    QDoubleSpinBox *m_amount;
    QCheckBox *m_structured;
    QComboBox *m_score;
    QSpinBox *m_steps;
    QSpinBox *m_finetuneEpochs;
    // Quantize
    QComboBox *m_mode;
    QSpinBox *m_calibrate;
    QComboBox *m_observer;
    // Distill
    QLineEdit *m_student;
    QDoubleSpinBox *m_alpha;
    QDoubleSpinBox *m_temperature;

    QPushButton *m_run;
    QProgressBar *m_progress;
    QPlainTextEdit *m_log;
    QDoubleSpinBox *m_allowedDrop;
    QPushButton *m_measure;
    QPushButton *m_register;
    QTableWidget *m_table;
    QLabel *m_status;
    QStringList m_rowRuns;
    std::vector<CompressionRow> m_rows; // measured figures by row (empty: not measured)
};

} // namespace torchwright::ui
