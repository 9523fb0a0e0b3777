#pragma once
// What the trainer and the readers of a run folder share (runs.h states the rules): the lock
// that tells whether a run's process is alive, and run.json's checksum. The training process
// holds an exclusive flock() on <run>/run.lock for as long as it trains; the kernel releases it
// when the process ends in any way, kill -9 included. POSIX.

#include "torchwright/diagnostics.h"
#include "torchwright/training.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace torchwright {

// run.json's "sha256": the digest of the compact dump of `j` without that field (runs.cpp).
std::string runJsonSha256(const nlohmann::json &j);

// A new run folder <runsDir>/<YYYYmmdd-HHMMSS>-<name> (name sanitised; "-2", "-3" added when it
// exists), created with its parents (trainer.cpp).
std::string newRunDir(const std::string &runsDir, const std::string &name);

// A figure as run folders write it: JSON has no NaN, so a non-finite value is null (trainer.cpp).
nlohmann::json jsonNumber(double v);
// last.json / best.json of a checkpoint taken after the epoch `e` describes (its epoch, training
// and validation figures, and for a regression R^2 and MAE), saved at `saved` (trainer.cpp).
nlohmann::json checkpointSummary(const TrainingEvent &e, bool regression, const std::string &saved);
// run.json's record of the best epoch: best_epoch and its validation figures (trainer.cpp).
void recordBestEpoch(nlohmann::json &summary, const TrainingEvent &e, bool regression);

inline std::string runLockPath(const std::string &runDir) { return runDir + "/run.lock"; }

// Held by the training process. acquire() throws EngineError naming the run folder when another
// process (or another session in this one) trains the run, or when the lock file cannot be made.
class RunLock {
public:
    RunLock() = default;
    ~RunLock() { release(); }
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;

    void acquire(const std::string &runDir)
    {
        release();
        const std::string path = runLockPath(runDir);
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            throw EngineError(path + ": cannot create the run's lock file: " + std::strerror(errno));
        // A reader (runs, the runs panel) holds it for microseconds while it looks: try for a
        // second before deciding that a process is training the run.
        for (int attempt = 0;; ++attempt) {
            if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
                break;
            if (errno != EWOULDBLOCK && errno != EINTR) {
                const std::string why = std::strerror(errno);
                ::close(fd);
                throw EngineError(path + ": cannot lock the run: " + why);
            }
            if (attempt >= 100) {
                ::close(fd);
                throw EngineError(runDir
                                  + ": another process is training this run (it holds run.lock); wait for it to end"
                                    " or stop it first");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        m_fd = fd;
        // The holder's process id, for people reading the folder; the lock itself is what counts.
        const std::string pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(fd, 0) == 0)
            (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    }

    void release()
    {
        if (m_fd >= 0)
            ::close(m_fd); // closing the last descriptor releases the flock
        m_fd = -1;
    }

    bool held() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

// True when a process holds the run's lock now. A folder without run.lock has no live trainer
// (this engine creates it before run.json says "running").
inline bool runLockHeld(const std::string &runDir)
{
    const int fd = ::open(runLockPath(runDir).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool held = false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
        ::flock(fd, LOCK_UN);
    else
        held = errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

} // namespace torchwright
