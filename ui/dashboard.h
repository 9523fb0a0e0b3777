#pragma once
// The training dashboard: run controls, progress, and live curves of the document's project.
// Lives on the GUI thread. It reads the project from the ProjectDocument it is given (not
// owned; it must outlive the dashboard) and trains through its own TrainingController, whose
// worker it stops and joins when it is destroyed. Curves redraw at a bounded rate and are
// decimated for drawing (CurvePlot); the full data stays in the plots for exact values.

#include "trainingcontroller.h"

#include <QString>
#include <QVector>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace torchwright::ui {

class CurvePlot;
class ProjectDocument;

class Dashboard : public QWidget {
    Q_OBJECT

public:
    // Series indices in the plots.
    enum BatchSeries { RawBatchLoss = 0, SmoothedBatchLoss = 1 };
    // The loss plot has SoftLossSeries and HardLossSeries only while it shows a run that distils
    // from a teacher (/distill/teacher): the two parts of its training loss.
    enum EpochSeries { TrainingSeries = 0, ValidationSeries = 1, SoftLossSeries = 2, HardLossSeries = 3 };
    // The smoothed batch loss is an exponential moving average, as TensorBoard draws it: with
    // weight w (the slider, 0 to kMaxSmoothing), ema_t = w * ema_(t-1) + (1 - w) * loss_t from
    // ema_0 = 0, shown divided by 1 - w^t so the first points are not pulled towards zero.
    // Non-finite losses leave the average as it was. The raw curve stays, faint, behind it.
    static constexpr double kMaxSmoothing = 0.99;
    static constexpr double kDefaultSmoothing = 0.9;
    static QVector<double> smoothCurve(const QVector<double> &loss, double weight);
    // The slider's weight; remembered across sessions (QSettings "dashboard/smoothing").
    double smoothing() const { return m_smoothing; }
    void setSmoothing(double weight);

    explicit Dashboard(ProjectDocument *document, QWidget *parent = nullptr);
    ~Dashboard() override; // stops a running run and waits for its worker

    // Starts a new run of the document's current project with the device, threads and epochs
    // chosen in the controls. Does nothing while a run is active.
    void startTraining();
    // Continues the run in `runDir` from its last checkpoint; its recorded curves are shown
    // first. Does nothing while a run is active.
    void resumeRun(const QString &runDir);
    // Starts a fine-tuning run (Continuous optimization) as finetuneRequest() made it: its
    // project, epochs and feedback mix; the device and threads are the controls'. Does nothing
    // while a run is active.
    void startFinetune(const TrainRequest &request);
    // Stops the run and waits for the worker (at most one batch); runFinished() is emitted.
    void stopAndWait();
    bool isTraining() const;
    QString currentRunDir() const;

    CurvePlot *batchLossPlot() const { return m_batchPlot; }
    CurvePlot *epochLossPlot() const { return m_lossPlot; }
    CurvePlot *accuracyPlot() const { return m_accuracyPlot; }
    TrainingController *controller() const { return m_controller.get(); }
    QString statusText() const;

Q_SIGNALS:
    void runStarted(const QString &runDir);
    // status: completed, stopped, early_stopped or failed.
    void runFinished(const QString &runDir, const QString &status);
    void logMessage(const QString &text, bool isError);

private:
    // Device, threads and epochs as the controls show them.
    TrainingController::Options optionsFromControls() const;
    void buildUi();
    void fillDevices();
    void takeSettingsFromProject();
    void clearCurves();
    void loadRecordedCurves(const QString &runDir);
    void appendBatches(const QVector<double> &x, const QVector<double> &loss);
    void updateButtons();
    void setStatus(const QString &text, bool isError);

    void onStarted(const QString &runDir, const QString &device, int epochs);
    void onBatches(const QVector<double> &x, const QVector<double> &loss, const QVector<double> &accuracy,
                   int batchesPerEpoch);
    void onImportProgress(qint64 done, qint64 total);
    void onProgress(int epoch, int epochs, int batch, int batchesPerEpoch, double samplesPerSecond, double etaSeconds);
    void onEpoch(int epoch, int epochs, double loss, double accuracy, double valLoss, double valAccuracy,
                 double learningRate);
    void onLossParts(int epoch, double softLoss, double hardLoss);
    void onLog(const QString &text, bool isError);
    void onFinished(const QString &status, const QString &message, const QString &runDir);

    ProjectDocument *m_document; // not owned
    std::unique_ptr<TrainingController> m_controller;

    QComboBox *m_deviceCombo = nullptr;
    QSpinBox *m_threadsSpin = nullptr;
    QSpinBox *m_epochsSpin = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_resumeButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QProgressBar *m_epochProgress = nullptr;
    QProgressBar *m_runProgress = nullptr;
    QLabel *m_samplesLabel = nullptr;
    QLabel *m_etaLabel = nullptr;
    QLabel *m_deviceLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    CurvePlot *m_batchPlot = nullptr;
    CurvePlot *m_lossPlot = nullptr;
    CurvePlot *m_accuracyPlot = nullptr;
    QSlider *m_smoothingSlider = nullptr; // hundredths
    QLabel *m_smoothingLabel = nullptr;

    double m_smoothing = kDefaultSmoothing;
    double m_ema = 0;     // moving average of the batch loss, biased towards 0 at the start
    double m_emaBias = 0; // the same average of a constant 1: m_ema / m_emaBias is unbiased
    bool m_sawError = false;
};

} // namespace torchwright::ui
