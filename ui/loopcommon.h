#pragma once
// What the four stages after deployment (Application, User feedback, Continuous optimization,
// Model update) share in the studio: a worker for the engine calls that take seconds, the
// thumbnail of a sample, and LoopWatcher, which tells every view when the project's model
// registry or feedback store changed, whether the studio or torchwright-cli changed them.

#include "torchwright/feedback.h"
#include "torchwright/runs.h"

#include <QFileSystemWatcher>
#include <QImage>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>
#include <thread>

namespace torchwright::ui {

class ProjectDocument;

// Runs jobs one at a time on a worker thread. A job works on values it captured (never on the
// widgets) and returns what to do with its result, which runs on the GUI thread. An exception
// thrown by a job comes back as failed() with its text. Destroying it waits for the running job;
// jobs still queued are dropped.
class BackgroundJobs : public QObject {
    Q_OBJECT

public:
    using Job = std::function<std::function<void()>()>;

    explicit BackgroundJobs(QObject *parent = nullptr);
    ~BackgroundJobs() override;

    void run(Job job);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void busyChanged(bool busy);
    void failed(const QString &message);

private:
    void launch(Job job);

    std::thread m_worker;
    std::deque<Job> m_queue;
    bool m_busy = false;
};

// A sample's pixels as an image (null when they do not make one).
QImage sampleImage(const SampleImage &s);
// A thumbnail of `image` at most `size` pixels square; small images are enlarged pixel for
// pixel, so a digit stays crisp.
QImage thumbnail(const QImage &image, int size);
// The thumbnail of a feedback item's input ("" for a table row or a file that is gone).
QImage feedbackThumbnail(const FeedbackStore &store, const FeedbackItem &item, int size);

// The class names of the project (the index when it names none).
QStringList classNames(const Project &project);

// The runs of the document's project a model can be taken from: ended (completed, early stopped
// or stopped) with a checkpoint, newest first, as (folder, label "name (status, N epoch(s))");
// `suffix` may add to a run's label. Throws what listRuns() throws. (Model update's "Register
// run…" and the Compress panel's source runs.)
QList<QPair<QString, QString>> finishedRuns(const ProjectDocument &doc,
                                            const std::function<QString(const RunSummary &)> &suffix = {});

// Watches the open project's model registry and feedback store (their folders and
// registry.json / feedback.jsonl) and emits changed() when either changes on disk or a view
// says it changed them (notify()). One per document: forDocument().
class LoopWatcher : public QObject {
    Q_OBJECT

public:
    static LoopWatcher *forDocument(ProjectDocument *doc);

    // The project's folders; empty while it is unsaved.
    QString feedbackDir() const;
    QString versionsDir() const;

public Q_SLOTS:
    void notify(); // a view changed the registry or the store

Q_SIGNALS:
    void changed();

private:
    explicit LoopWatcher(ProjectDocument *doc);
    void rewatch();

    ProjectDocument *m_doc;
    QFileSystemWatcher m_watcher;
};

} // namespace torchwright::ui
