#include "trainingcontroller.h"
#include "i18n.h"

#include "torchwright/training.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>

#include <deque>
#include <mutex>

namespace torchwright::ui {

// Filled by the worker's sink, emptied by the GUI thread's timer. Nothing else is shared.
struct TrainingController::EventQueue {
    std::mutex mutex;
    std::deque<TrainingEvent> events;

    void push(const TrainingEvent &e)
    {
        std::lock_guard<std::mutex> lock(mutex);
        events.push_back(e);
    }
    std::deque<TrainingEvent> takeAll()
    {
        std::deque<TrainingEvent> out;
        std::lock_guard<std::mutex> lock(mutex);
        out.swap(events);
        return out;
    }
};

TrainingController::TrainingController(QObject *parent) : QObject(parent)
{
    m_drainTimer.setInterval(kDrainIntervalMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &TrainingController::drain);
}

TrainingController::~TrainingController()
{
    m_drainTimer.stop();
    // The session's destructor asks the worker to stop and joins it; the queue may outlive it
    // through the sink's shared pointer, which is harmless.
    m_session.reset();
}

QString TrainingController::runsDirectoryFor(const QString &projectFile)
{
    if (projectFile.isEmpty())
        return QDir(QDir::tempPath()).filePath(QStringLiteral("torchwright-runs"));
    return QFileInfo(projectFile).absoluteDir().filePath(QStringLiteral("runs"));
}

bool TrainingController::start(const Project &project, const Options &options)
{
    if (m_session)
        return false;
    TrainRequest request;
    request.project = project;
    request.runsDir =
        QDir::cleanPath(options.runsDir.isEmpty() ? runsDirectoryFor(QString::fromStdString(project.filePath))
                                                  : options.runsDir)
            .toStdString();
    request.resumeRun = options.resumeRun.toStdString();
    request.epochs = options.epochs;
    if (!options.device.isEmpty())
        request.device = options.device.toStdString();
    request.threads = options.threads;
    request.finetune = options.finetune;
    // The engine creates the run folder itself, but not the runs folder above it.
    QDir().mkpath(QString::fromStdString(request.runsDir));

    auto queue = std::make_shared<EventQueue>();
    m_queue = queue;
    m_session =
        std::make_unique<TrainingSession>(std::move(request), [queue](const TrainingEvent &e) { queue->push(e); });
    m_paused = false;
    m_stopping = false;
    m_runDir = options.resumeRun;
    m_session->start();
    m_drainTimer.start();
    Q_EMIT stateChanged();
    return true;
}

void TrainingController::pause()
{
    if (!m_session || m_paused || m_stopping)
        return;
    m_session->pause();
    m_paused = true;
    Q_EMIT stateChanged();
}

void TrainingController::resume()
{
    if (!m_session || !m_paused)
        return;
    m_session->resume();
    m_paused = false;
    Q_EMIT stateChanged();
}

bool TrainingController::isHeld() const { return m_session && m_session->isHeld(); }

void TrainingController::stop()
{
    if (!m_session || m_stopping)
        return;
    m_session->stop(); // also wakes a paused worker
    m_stopping = true;
    m_paused = false;
    Q_EMIT stateChanged();
}

void TrainingController::stopAndWait()
{
    if (!m_session)
        return;
    m_session->stop();
    m_session->wait();
    m_stopping = true;
    drain(); // delivers the Finished event, which ends the session
    if (m_session)
        endSession(); // a worker that ended without Finished (it always sends one)
}

void TrainingController::endSession()
{
    m_drainTimer.stop();
    // Finished is the worker's last act, so this join is immediate.
    m_session.reset();
    m_queue.reset();
    m_paused = false;
    m_stopping = false;
}

void TrainingController::drain()
{
    const std::shared_ptr<EventQueue> queue = m_queue;
    if (!queue)
        return;
    std::deque<TrainingEvent> events = queue->takeAll();
    if (events.empty())
        return;

    QVector<double> xs, losses, accuracies;
    int batchesPerEpoch = 0;
    const TrainingEvent *lastBatch = nullptr;
    // A slot may stop or restart the run, or even delete this controller: after every
    // emission, stop when these events are no longer the current run's.
    const QPointer<TrainingController> alive(this);
    auto stale = [&] { return !alive || m_queue != queue; };
    auto flushBatches = [&] {
        if (!xs.isEmpty()) {
            Q_EMIT batchesArrived(xs, losses, accuracies, batchesPerEpoch);
            xs.clear();
            losses.clear();
            accuracies.clear();
        }
        if (lastBatch && !stale()) {
            const TrainingEvent &b = *lastBatch;
            lastBatch = nullptr;
            Q_EMIT progressChanged(b.epoch, b.epochs, b.batch, b.batchesPerEpoch, b.samplesPerSecond, b.etaSeconds);
        }
        return !stale();
    };

    for (const TrainingEvent &e : events) {
        if (e.kind == TrainingEvent::Kind::Batch) {
            const double perEpoch = std::max(e.batchesPerEpoch, 1);
            xs.append(e.epoch - 1 + e.batch / perEpoch);
            losses.append(e.loss);
            accuracies.append(e.accuracy);
            batchesPerEpoch = e.batchesPerEpoch;
            lastBatch = &e;
            continue;
        }
        // Everything else keeps its place after the batches before it.
        if (!flushBatches())
            return;
        switch (e.kind) {
        case TrainingEvent::Kind::Started:
            m_runDir = QString::fromStdString(e.runDir);
            Q_EMIT started(m_runDir, QString::fromStdString(e.device), e.epochs);
            break;
        case TrainingEvent::Kind::Epoch:
            Q_EMIT epochFinished(e.epoch, e.epochs, e.loss, e.accuracy, e.valLoss, e.valAccuracy, e.learningRate);
            if (std::isfinite(e.softLoss) && std::isfinite(e.hardLoss))
                Q_EMIT lossPartsArrived(e.epoch, e.softLoss, e.hardLoss);
            break;
        case TrainingEvent::Kind::Log: Q_EMIT logLine(messageText(e.text), false); break;
        case TrainingEvent::Kind::Error: Q_EMIT logLine(messageText(e.text), true); break;
        case TrainingEvent::Kind::Finished: {
            if (!e.runDir.empty())
                m_runDir = QString::fromStdString(e.runDir);
            const QString runDir = m_runDir;
            const TrainingEvent::Status status = e.status;
            const QString message = messageText(e.text);
            endSession();
            Q_EMIT stateChanged();
            if (!alive)
                return;
            Q_EMIT finished(QString::fromLatin1(statusName(status)), message, runDir);
            return; // the worker sends nothing after Finished
        }
        case TrainingEvent::Kind::Import: Q_EMIT importProgress(e.done, e.total); break;
        case TrainingEvent::Kind::Batch: break;
        }
        if (stale())
            return;
    }
    flushBatches();
}

} // namespace torchwright::ui
