#pragma once
// Run folders: runs/<time>-<name>/ with project.json (the project as trained), run.json (status
// and best figures), metrics.jsonl (one event per line), run.lock, and checkpoints last.pt /
// best.pt with a readable summary in last.json / best.json.
//
// Is a run running? The training process holds an exclusive flock() on run.lock for as long as
// it trains (created before run.json first says "running", released after run.json has its final
// status). The kernel drops the lock when the process ends in any way (kill -9, a crash, power
// loss), so the lock cannot outlive its trainer. A reader that finds status "running" and can take
// the lock (or finds no run.lock) knows the process is gone and reports "interrupted"; it does not
// write run.json (a read-only folder stays readable), and `train --resume` continues the run. A
// second trainer of the same run (resuming it twice) is refused while the lock is held.
//
// run.json carries "sha256": the SHA-256 (hex) of the compact dump (nlohmann's dump(), keys in
// order) of the object without that field, written on every update and checked on every read: a
// run.json whose content does not match is refused, naming the file. A run.json without the field
// (written before it existed, or by hand) is accepted as it is. run.json also records
// "project_sha256", the SHA-256 of the run's project.json as written when the run began;
// loadRunProject() refuses a project.json that no longer matches it. Checkpoints carry their own
// checksums (checkpoint.h).
//
// Naming, notes and the trash. run.json may carry "display_name" (the name people see; the folder
// keeps its time-stamped name, so paths and checkpoints never move) and "note" (free text). Both
// are written atomically, with the checksum renewed, while holding run.lock, so a run that is
// training (whose trainer rewrites run.json) cannot be renamed, annotated or trashed. Deleting a
// run moves its folder, whole, to <runs>/.trash/<name> (a "-2" suffix when the trash holds that
// name already), with trashed.json inside recording the original folder name and path and when
// it was trashed; restoring moves it back to <runs>/<original name>, refusing when that name is
// taken. listRuns() never lists the trash (.trash has no run.json).
//
// metrics.jsonl: a process killed while writing leaves a torn last line (no newline at its end).
// Resuming truncates the file to its last complete line before appending; readMetrics() skips a
// line that is not JSON and says so.

#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/training.h"

#include <cmath>
#include <string>
#include <vector>

namespace torchwright {

struct RunSummary {
    std::string dir;
    std::string name;
    std::string created; // ISO time
    // completed, stopped, early_stopped, failed, running (its process holds run.lock),
    // interrupted (run.json says running but no process holds run.lock: killed, crashed or the
    // machine went down), unreadable (run.json could not be read or is damaged: see message)
    std::string status;
    std::string message; // why the status is unreadable, or run.json's message
    Message text;        // the same as a template (run.json "message_text"), shown translated
    int epochsCompleted = 0;
    int epochsPlanned = 0;
    double bestValAccuracy = 0;
    double bestValLoss = 0;
    // A regression (run.json "task": "regression") has no accuracy: R^2 and the mean absolute
    // error on the validation split at the best epoch instead.
    bool regression = false;
    double bestValR2 = NAN;
    double bestValMae = NAN;
    std::string device;
    std::string displayName;   // run.json "display_name"; empty: the folder name is the run's name
    std::string note;          // run.json "note"
    std::string projectName;   // run.json "project_name": the project's name when the run began
    std::string projectFile;   // run.json "project_file": the project file it was trained from
    std::string projectSha256; // run.json "project_sha256": the run's project.json as written
    // Runs in the trash (listTrashedRuns): the folder it was moved from and when (ISO time).
    std::string trashedFrom;
    std::string trashedAt;

    // What people call the run: its display name, else its folder name.
    const std::string &label() const { return displayName.empty() ? name : displayName; }
};

std::vector<RunSummary> listRuns(const std::string &runsDir);
RunSummary readRunSummary(const std::string &runDir);
// The events of metrics.jsonl. Lines that are not JSON (a torn last line after a kill) are
// skipped; `problems`, when given, receives one sentence per skipped line naming the file and line.
std::vector<TrainingEvent> readMetrics(const std::string &runDir, std::vector<Message> *problems = nullptr);
// Truncates metrics.jsonl to its last complete line (one ending in a newline) when a kill left a
// torn line after it. Returns the number of bytes dropped (0 when the file was whole or absent);
// throws EngineError naming the file when it cannot be repaired.
int64_t repairMetricsFile(const std::string &runDir);
// True when a process trains the run now (it holds run.lock).
bool runIsLive(const std::string &runDir);
// Whether a run was trained from the project saved at `projectFile` (empty: a project never
// saved) named `projectName`. Runs live in runs/ beside their project, so within one runs folder
// the project file's name tells the projects apart, even after the folder was moved or copied:
// a run that recorded its project file matches on that file's name; one trained from a project
// never saved (or written before the path was recorded) matches on the project's name. A run
// whose run.json cannot be read belongs to no project and is listed with every project.
bool runBelongsToProject(const RunSummary &run, const std::string &projectFile, const std::string &projectName);

// The longest display name, in bytes.
constexpr size_t kMaxRunNameLength = 200;
// The longest note, in bytes.
constexpr size_t kMaxRunNoteLength = 10000;
// Sets the run's display name (surrounding spaces dropped; empty clears it, so the folder name
// shows again). Throws EngineError naming the run when the name is too long or has a line break,
// when run.json cannot be read or written, or while the run is training.
void renameRun(const std::string &runDir, const std::string &displayName);
// Sets the run's note (empty clears it). Throws EngineError as renameRun() does.
void setRunNote(const std::string &runDir, const std::string &note);
// <runsDir>/.trash
std::string runsTrashDir(const std::string &runsDir);
// Moves the run folder, whole, into the trash of the runs folder that holds it; returns its
// folder there. Throws EngineError naming the run when it is training, is not a run folder, is
// in the trash already, or cannot be moved. A run whose run.json is damaged can be trashed.
std::string trashRun(const std::string &runDir);
// Moves a trashed run back to the runs folder as it was named; returns its folder there. Throws
// EngineError when `trashedDir` is not in a trash folder, or when a folder of that name exists
// in the runs folder (rename or move that one first).
std::string restoreRun(const std::string &trashedDir);
// The runs in <runsDir>/.trash, most recently trashed first, with trashedFrom and trashedAt.
std::vector<RunSummary> listTrashedRuns(const std::string &runsDir);

// The project copy stored in the run folder, with paths still resolving to the original data.
ProjectLoad loadRunProject(const std::string &runDir);

// The most classes for which evaluation keeps the whole confusion matrix; above it the matrix
// (memory in proportion to the square of the classes) is left empty and only the per-class
// figures are computed.
constexpr int kMaxConfusionClasses = 1000;

struct Evaluation {
    int samples = 0;
    int64_t correct = 0;
    double accuracy = 0;
    double loss = 0;
    // The project's target is its input (/training/target): `loss` is the reconstruction's mean
    // squared error, `accuracy` is NaN, and there are no classes, predictions or matrix.
    bool reconstruction = false;
    // A regression (a real-valued target): `loss` is the mean squared error, `accuracy` is NaN,
    // R^2 and MAE say how good the predictions are, and `targets` and `outputs` hold each test
    // sample's true and predicted value for a scatter plot; there are no classes or matrix.
    bool regression = false;
    double r2 = NAN;
    double mae = NAN;
    std::vector<double> targets;
    std::vector<double> outputs;
    std::vector<std::vector<int64_t>> confusion; // [true][predicted]; empty above kMaxConfusionClasses
    std::vector<int64_t> support;                // test samples per true class
    std::vector<std::string> classNames;
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<int> labels;      // per test sample, in the dataset's order
    std::vector<int> predictions; // per test sample
    std::string checkpoint;
};

// An 8-bit image of one sample for thumbnails: interleaved channels (1 or 3), row-major.
struct SampleImage {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<uint8_t> pixels;
};

// Test-split samples by index, as stored (IDX, CIFAR-10) or scaled to 0..255 (synthetic).
// Throws EngineError when the data cannot be read.
std::vector<SampleImage> testSampleImages(const Project &project, const std::vector<int> &indices);

// Evaluates a run's checkpoint ("best" when there is one, else "last") on the test split.
Evaluation evaluateRun(const std::string &runDir, const std::string &checkpoint = "best",
                       const std::string &device = "auto");

} // namespace torchwright
