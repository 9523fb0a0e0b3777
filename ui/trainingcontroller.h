#pragma once
// Drives one training run at a time for the studio. Lives on the GUI thread and owns the
// engine's TrainingSession (and so its worker thread). The session's sink runs on the worker
// and only appends plain TrainingEvent values to a mutex-protected queue; a GUI-thread timer
// drains the queue every kDrainIntervalMs, coalesces the batches and emits the signals below
// with plain values. The GUI thread never waits on a batch. Destroying the controller stops
// the run and waits for the worker, so no thread outlives it.

#include "torchwright/project.h"
#include "torchwright/training.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QVector>

#include <memory>
#include <optional>

namespace torchwright {
class TrainingSession;
struct TrainingEvent;
} // namespace torchwright

namespace torchwright::ui {

class TrainingController : public QObject {
    Q_OBJECT

public:
    static constexpr int kDrainIntervalMs = 50;

    struct Options {
        QString device = QStringLiteral("auto"); // "auto", "cpu", "cuda", "cuda:N"
        std::optional<int> threads;              // unset: the project's training.threads
        QString resumeRun;                       // run folder to continue; empty for a new run
        std::optional<int> epochs;               // unset: the project's (or the run's) epochs
        QString runsDir;                         // empty: runsDirectoryFor(project.filePath)
        // Fine-tuning from a model version (finetuneRequest() in torchwright/versions.h).
        std::optional<TrainRequest::Finetune> finetune;
    };

    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override; // stops the run and joins the worker; emits nothing

    // Where runs of the project saved at `projectFile` go: <project folder>/runs. A project
    // that was never saved has no folder of its own, and the studio's working directory may be
    // anything (often not writable), so its runs go to <system temp>/torchwright-runs.
    static QString runsDirectoryFor(const QString &projectFile);

    // Starts a run on a copy of `project` (the run folder stores that copy, so unsaved changes
    // are fine). Returns false, changing nothing, while a run is active. Failures of the run
    // itself (invalid graph, missing dataset, bad device) arrive as errorLine() + finished().
    bool start(const Project &project, const Options &options);
    void pause();
    void resume();
    // Asks the worker to end after its current batch; finished() follows from the timer.
    void stop();
    // stop(), then waits for the worker and delivers every queued event, finished() included.
    // For closing windows and tests; the wait lasts at most one batch (or one validation pass).
    void stopAndWait();

    bool isRunning() const { return m_session != nullptr; }
    bool isPaused() const { return m_paused; }
    // The paused worker has stopped between batches; drain() then delivers all it trained.
    bool isHeld() const;
    bool isStopping() const { return m_stopping; }
    QString runDir() const { return m_runDir; }

    // Delivers the events queued so far. The timer calls it every kDrainIntervalMs; tests call
    // it to see a held worker's last batches without waiting for the timer.
    void drain();

Q_SIGNALS:
    void started(const QString &runDir, const QString &device, int epochs);
    // Batches since the last drain, in order. x is in epochs: epoch - 1 + batch / batches.
    void batchesArrived(const QVector<double> &x, const QVector<double> &loss, const QVector<double> &accuracy,
                        int batchesPerEpoch);
    // The latest batch's progress (once per drain, not once per batch).
    // Reading the data before the first epoch: `done` of `total` items decoded.
    void importProgress(qint64 done, qint64 total);
    void progressChanged(int epoch, int epochs, int batch, int batchesPerEpoch, double samplesPerSecond,
                         double etaSeconds);
    // valLoss and valAccuracy are NaN when the project has no validation split.
    void epochFinished(int epoch, int epochs, double loss, double accuracy, double valLoss, double valAccuracy,
                       double learningRate);
    // After epochFinished, for a run that distils from a teacher (/distill/teacher): the epoch's
    // mean soft part (KL divergence from the teacher's outputs times T^2) and hard part
    // (cross-entropy against the labels) of its training loss. Not emitted for other runs.
    void lossPartsArrived(int epoch, double softLoss, double hardLoss);
    void logLine(const QString &text, bool isError);
    // status is the engine's name: completed, stopped, early_stopped, failed.
    void finished(const QString &status, const QString &message, const QString &runDir);
    // Running, paused or stopping changed.
    void stateChanged();

private:
    struct EventQueue; // shared with the worker's sink, so it outlives whichever side ends last

    void endSession();

    std::unique_ptr<TrainingSession> m_session;
    std::shared_ptr<EventQueue> m_queue;
    QTimer m_drainTimer;
    QString m_runDir;
    bool m_paused = false;
    bool m_stopping = false;
};

} // namespace torchwright::ui
