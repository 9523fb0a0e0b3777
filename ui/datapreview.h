#pragma once
// The Input data stage's preview of the project's data, shown under the stage's settings: sample
// images per class (or the first rows of a table), the class balance of the training and test
// splits, the per-channel mean and std, the source image sizes, every skipped input with its
// reason, and the reader's warnings. An error reading the data is shown in its place, naming the
// file.
//
// Threads: the panel lives on the GUI thread. The data is read by the engine's datasetSummary()
// on one worker std::thread at a time, on a copy of the project; its progress and its result are
// posted back to the panel. A read that takes longer than a moment shows a progress dialog whose
// Cancel sets the import's cancel flag (ImportControl). A change of the dataset settings while a
// read runs cancels it and reads again once it has stopped. The destructor cancels the running
// read and joins the worker, so no thread outlives the panel.

#include "torchwright/datasetformat.h"
#include "torchwright/project.h"

#include <QString>
#include <QTimer>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

class QCPBars;
class QCustomPlot;
class QLabel;
class QProgressDialog;
class QPushButton;
class QTableWidget;
class QVBoxLayout;

namespace torchwright::ui {

class ProjectDocument;

class DataPreview : public QWidget {
    Q_OBJECT

public:
    static constexpr int kSamplesPerClass = 4;    // shown 2x2 under each class name
    static constexpr int kThumbnailSize = 36;     // the longer side of one sample, in pixels
    static constexpr int kDebounceMs = 400;       // after the last settings change, before reading
    static constexpr int kProgressDelayMs = 700;  // the progress dialog's minimumDuration
    static constexpr int kMaxSkippedShown = 1000; // rows of the skipped list; the count says all

    // Reads a project's data: datasetSummary() unless a test puts a fake in its place.
    using Loader = std::function<DatasetSummary(const Project &, const ImportControl &)>;

    enum class State {
        Empty,     // nothing read yet
        Loading,   // a read runs (what is shown is the previous result, if any)
        Shown,     // the summary of the current settings is shown
        Failed,    // the error of the current settings is shown
        Cancelled, // the user stopped the read; Reload starts it again
    };

    explicit DataPreview(ProjectDocument *doc, QWidget *parent = nullptr);
    ~DataPreview() override;

    // Reads the document's data now unless the dataset settings are those already shown (or
    // being read); `force` reads again anyway (the files may have changed). A read in progress
    // for other settings is cancelled first.
    void refresh(bool force = false);
    // Stops the running read (what the progress dialog's Cancel does).
    void cancel();
    void setLoader(Loader loader) { m_loader = std::move(loader); }
    void setDebounceInterval(int ms) { m_debounce.setInterval(ms); }
    bool isLoading() const { return m_running; }
    State state() const { return m_state; }

    // Shows `summary` (what a finished read ends with); public so a summary can be shown as it is.
    void showSummary(const DatasetSummary &summary);
    // Shows `message` in place of the preview.
    void showError(const QString &message);

    const DatasetSummary &summary() const { return m_summary; }
    QString errorText() const;
    QString statusText() const;
    QProgressDialog *progressDialog() const { return m_progress; }
    QCustomPlot *balancePlot() const { return m_plot; }
    QCPBars *trainBars() const { return m_trainBars; }
    QCPBars *testBars() const { return m_testBars; }
    QWidget *sampleGrid() const { return m_grid; }
    QTableWidget *rowsTable() const { return m_rows; }
    QTableWidget *skippedTable() const { return m_skipped; }
    QLabel *countsLabel() const { return m_counts; }
    QLabel *statsLabel() const { return m_stats; }
    QLabel *sizesLabel() const { return m_sizes; }
    QLabel *skippedLabel() const { return m_skippedTitle; }
    QLabel *warningsLabel() const { return m_warnings; }
    // Shown when the data defines classes (an image folder's class folders, an image list's
    // labels) that the project does not state: one click writes them into /dataset/class_names
    // and /dataset/num_classes, as one undo step (what `torchwright-cli validate --fix` does).
    QPushButton *useClassesButton() const { return m_useClasses; }
    // The classes the data defines when they differ from the project's; empty otherwise.
    std::vector<std::string> dataClasses() const;
    void useDataClasses();

Q_SIGNALS:
    void loadStarted();
    void progressed(qint64 done, qint64 total);
    void loaded();
    void failed(const QString &message);
    void cancelled();

protected:
    void showEvent(QShowEvent *event) override;

private:
    enum class Outcome { Done, Failed, Cancelled };

    void start();
    void finish(int generation, Outcome outcome, const DatasetSummary &summary, const QString &message);
    void onProgress(int generation, int64_t done, int64_t total);
    void settingsChanged();
    std::string keyOf(const Project &project) const;
    void setStatus(const QString &text);
    void fillSamples(const DatasetSummary &s);
    void fillBalance(const DatasetSummary &s);
    void fillTable(const DatasetSummary &s);
    void fillStats(const DatasetSummary &s);
    void fillSkipped(const DatasetSummary &s);
    void updateClassesButton();

    ProjectDocument *m_doc;
    Loader m_loader;
    QTimer m_debounce;

    QLabel *m_status = nullptr;
    QPushButton *m_reload = nullptr;
    QPushButton *m_useClasses = nullptr;
    QLabel *m_error = nullptr;
    QWidget *m_content = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_samplesTitle = nullptr;
    QWidget *m_grid = nullptr;
    QTableWidget *m_rows = nullptr;
    QLabel *m_balanceTitle = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPBars *m_trainBars = nullptr; // owned by m_plot
    QCPBars *m_testBars = nullptr;
    QLabel *m_statsTitle = nullptr;
    QLabel *m_stats = nullptr;
    QLabel *m_sizesTitle = nullptr;
    QLabel *m_sizes = nullptr;
    QLabel *m_skippedTitle = nullptr;
    QTableWidget *m_skipped = nullptr;
    QLabel *m_warnings = nullptr;
    QProgressDialog *m_progress = nullptr;

    DatasetSummary m_summary;
    State m_state = State::Empty;
    std::string m_shownKey;   // the settings the shown summary or error is of
    std::string m_loadingKey; // those of the running read
    bool m_running = false;   // a read runs on m_worker; its result has not been delivered yet
    bool m_again = false;     // read again (the current settings) once the running read ends
    int m_generation = 0;     // of the running read; a posted progress of an older one is dropped
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::thread m_worker;
};

} // namespace torchwright::ui
