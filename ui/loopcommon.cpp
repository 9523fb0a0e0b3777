#include "loopcommon.h"

#include "i18n.h"
#include "projectdocument.h"
#include "trainingcontroller.h"

#include "torchwright/versions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMetaObject>

namespace torchwright::ui {

BackgroundJobs::BackgroundJobs(QObject *parent) : QObject(parent) {}

BackgroundJobs::~BackgroundJobs()
{
    m_queue.clear();
    // The job's result, posted to this object, is discarded with it.
    if (m_worker.joinable())
        m_worker.join();
}

void BackgroundJobs::run(Job job)
{
    if (m_busy) {
        m_queue.push_back(std::move(job));
        return;
    }
    launch(std::move(job));
}

void BackgroundJobs::launch(Job job)
{
    const bool was = m_busy;
    m_busy = true;
    if (!was)
        Q_EMIT busyChanged(true);
    if (m_worker.joinable())
        m_worker.join(); // the previous job delivered its result and is ending
    m_worker = std::thread([this, job = std::move(job)] {
        std::function<void()> done;
        try {
            done = job();
        } catch (const std::exception &e) {
            const QString message = exceptionText(e);
            done = [this, message] { Q_EMIT failed(message); };
        } catch (...) {
            done = [this] { Q_EMIT failed(tr("unknown error")); };
        }
        QMetaObject::invokeMethod(
            this,
            [this, done = std::move(done)] {
                if (done)
                    done();
                if (!m_queue.empty()) {
                    Job next = std::move(m_queue.front());
                    m_queue.pop_front();
                    launch(std::move(next));
                    return;
                }
                m_busy = false;
                Q_EMIT busyChanged(false);
            },
            Qt::QueuedConnection);
    });
}

QImage sampleImage(const SampleImage &s)
{
    if (s.width <= 0 || s.height <= 0 || (s.channels != 1 && s.channels != 3)
        || s.pixels.size() < size_t(s.width) * size_t(s.height) * size_t(s.channels))
        return {};
    const QImage view(s.pixels.data(), s.width, s.height, s.width * s.channels,
                      s.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    return view.copy(); // the view does not own the pixels
}

QImage thumbnail(const QImage &image, int size)
{
    if (image.isNull())
        return {};
    const bool small = image.width() <= size / 2 && image.height() <= size / 2;
    return image.scaled(size, size, Qt::KeepAspectRatio, small ? Qt::FastTransformation : Qt::SmoothTransformation);
}

QImage feedbackThumbnail(const FeedbackStore &store, const FeedbackItem &item, int size)
{
    if (item.input.file.empty())
        return {};
    return thumbnail(QImage(QString::fromStdString(store.inputPath(item))), size);
}

QList<QPair<QString, QString>> finishedRuns(const ProjectDocument &doc,
                                            const std::function<QString(const RunSummary &)> &suffix)
{
    QList<QPair<QString, QString>> out;
    const QString runsDir = TrainingController::runsDirectoryFor(doc.filePath());
    const Project &p = doc.project();
    for (const RunSummary &r : listRuns(runsDir.toStdString())) {
        if (!runBelongsToProject(r, p.filePath, p.name))
            continue;
        if (r.status != "completed" && r.status != "early_stopped" && r.status != "stopped")
            continue;
        const QString dir = QString::fromStdString(r.dir);
        if (!QFileInfo::exists(dir + QStringLiteral("/best.pt"))
            && !QFileInfo::exists(dir + QStringLiteral("/last.pt")))
            continue;
        QString label = QCoreApplication::translate("torchwright::ui::VersionsPanel", "%1 (%2, %3 epoch(s))")
                            .arg(QString::fromStdString(r.label()), runStatusText(QString::fromStdString(r.status)))
                            .arg(r.epochsCompleted);
        if (suffix)
            label += suffix(r);
        out.append({dir, label});
    }
    std::reverse(out.begin(), out.end()); // listRuns is oldest first
    return out;
}

QStringList classNames(const Project &project)
{
    QStringList names;
    const auto &d = project.dataset;
    for (int c = 0; c < d.numClasses; ++c)
        names << (c < int(d.classNames.size()) && !d.classNames[size_t(c)].empty()
                      ? QString::fromStdString(d.classNames[size_t(c)])
                      : QString::number(c));
    return names;
}

LoopWatcher *LoopWatcher::forDocument(ProjectDocument *doc)
{
    if (auto *w = doc->findChild<LoopWatcher *>(QString(), Qt::FindDirectChildrenOnly))
        return w;
    return new LoopWatcher(doc);
}

LoopWatcher::LoopWatcher(ProjectDocument *doc) : QObject(doc), m_doc(doc)
{
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] {
        rewatch();
        Q_EMIT changed();
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] {
        rewatch();
        Q_EMIT changed();
    });
    connect(doc, &ProjectDocument::filePathChanged, this, [this] {
        rewatch();
        Q_EMIT changed();
    });
    connect(doc, &ProjectDocument::projectReset, this, [this] {
        rewatch();
        Q_EMIT changed();
    });
    rewatch();
}

QString LoopWatcher::feedbackDir() const
{
    if (m_doc->filePath().isEmpty())
        return {};
    return QString::fromStdString(torchwright::feedbackDir(m_doc->project()));
}

QString LoopWatcher::versionsDir() const
{
    if (m_doc->filePath().isEmpty())
        return {};
    try {
        return QString::fromStdString(torchwright::versionsDir(m_doc->project()));
    } catch (const std::exception &) {
        return {};
    }
}

void LoopWatcher::notify()
{
    rewatch();
    Q_EMIT changed();
}

void LoopWatcher::rewatch()
{
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    QStringList paths;
    // The folders say when a version or the store appears; the files when they are written.
    for (const QString &dir : {feedbackDir(), versionsDir()}) {
        if (dir.isEmpty())
            continue;
        for (const QString &p : {dir, QFileInfo(dir).absolutePath(), dir + QStringLiteral("/feedback.jsonl"),
                                 dir + QStringLiteral("/registry.json")})
            if (QFileInfo::exists(p))
                paths << p;
    }
    if (!m_doc->filePath().isEmpty())
        paths << QFileInfo(m_doc->filePath()).absolutePath();
    paths.removeDuplicates();
    if (!paths.isEmpty())
        m_watcher.addPaths(paths);
}

} // namespace torchwright::ui
