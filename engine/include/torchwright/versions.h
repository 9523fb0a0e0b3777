#pragma once
// Model versions (the Model update stage) and the loop that makes new ones (Continuous
// optimization). The registry is plain files beside the project:
//
//   <project folder>/versions/<project file stem>/
//     registry.json      {"format":"torchwright-registry","version":1,"current":"v2","events":[...]}
//     v1/version.json    the version's record (VersionInfo), with "sha256" of its own content
//     v1/checkpoint.pt   the run's checkpoint the version was made from (fine-tuning starts here)
//     v1/bundle/         its deployment bundle (exportBundle): what Application and predict use
//
// A version folder is built as .v<N>.partial-<pid> and renamed to v<N> when complete; registry.json
// is written to a temporary and renamed. A kill -9 at any moment leaves the registry as it was or
// as it is after the step: a leftover .partial folder is ignored (and removed by the next
// registration), and a complete v<N> that registry.json does not mention yet is listed (the
// folder is the truth for which versions exist; registry.json for which is current and why).
//
// Events in registry.json, oldest first: {"time","action":"register"|"promote"|"rollback",
// "version","previous","reason","override","gate"}. The first version registered becomes current.
// Promote makes a version current (after the gate, below); rollback makes the version that was
// current before the latest promotion current again. Each is one atomic write with its reason.
//
// Crash points (crashPoint() in engine/src/fileutil.h, for the crash-safety tests):
// "versions:before-folder" (the .partial folder is complete, not yet renamed),
// "versions:after-folder" (v<N> renamed into place, registry.json not yet written) and
// "versions:before-registry" (register, promote, rollback: the new registry.json is complete in
// its temporary, not yet renamed). registry.json and version.json carry "sha256" of their own
// content (as run.json does, runs.h) and are refused, naming the file, when it does not match.
// Registrations, promotions and rollbacks take an exclusive flock() on <versions>/registry.lock.
//
// Runs record what versions need (run.json, written by the trainer): "data_sha256" (SHA-256 of
// the training split as read, inputs and labels, before the validation split is taken),
// "test_sha256" (the same of the test split: the frozen test split every version is measured on),
// and for a fine-tuning run "parent_version", "feedback_dir" and "feedback_items" (the ids of the
// reviewed items it trained on).

#include "torchwright/feedback.h"
#include "torchwright/message.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace torchwright {

struct VersionMetrics {
    int samples = 0;       // 0: not measured (no feedback set yet)
    double accuracy = NAN; // 0..1; NaN for a regression
    double loss = NAN;
    double r2 = NAN; // a regression
    double mae = NAN;
};

struct VersionInfo {
    std::string id; // "v3"
    int number = 0;
    std::string created; // ISO time
    std::string dir;     // the version's folder
    std::string runDir;  // the run it came from
    std::string runName;
    std::string checkpoint; // "best" or "last" of that run
    std::string checkpointSha256;
    std::string parent;    // the version it was fine-tuned from; "" when trained from scratch
    std::string graphHash; // SHA-256 of the graph as trained (its canonical JSON)
    nlohmann::json settings = nlohmann::json::object(); // the project as trained, without graph and ui
    std::string dataSha256;                             // the training data it saw (run.json "data_sha256")
    std::string testSha256;                             // the frozen test split it was measured on
    std::vector<std::string> feedbackItems;             // ids of the feedback items its training saw
    VersionMetrics test;                                // on the frozen test split
    VersionMetrics feedback;                            // on the feedback set when it was registered (may be empty)
    std::string note;
    // The preprocessing record its bundle carries (manifest.json "preprocessing": format, scale,
    // mean, std and the format's part): how stored inputs become its model's inputs.
    nlohmann::json preprocessing = nlohmann::json::object();
    bool regression = false; // a real-valued target: R^2 and MAE instead of accuracy
    bool current = false;

    std::string bundleDir() const;      // <dir>/bundle
    std::string checkpointPath() const; // <dir>/checkpoint.pt
};

struct RegistryEvent {
    std::string time;
    std::string action; // register, promote, rollback
    std::string version;
    std::string previous; // the version current before (promote, rollback)
    std::string reason;
    bool override = false; // promoted although the gate failed
    nlohmann::json gate;   // the gate's result at that moment (promote)
};

// <project folder>/versions/<project file stem>; throws EngineError for an unsaved project.
std::string versionsDir(const Project &project);
// Every complete version, oldest first, `current` set on the current one. Throws EngineError
// naming the file when registry.json or a version.json is damaged.
std::vector<VersionInfo> listVersions(const Project &project);
std::optional<VersionInfo> currentVersion(const Project &project);
// "current", "v2" or "2". Throws EngineError naming the registry when there is no such version.
VersionInfo findVersion(const Project &project, const std::string &which);
std::vector<RegistryEvent> registryHistory(const Project &project);

struct RegisterOptions {
    std::string checkpoint = "best"; // of the run; "last" when the run has no best
    std::string note;
    std::string device = "cpu"; // where the metrics are measured
};
// Makes a completed (or early-stopped, or stopped with a checkpoint) run of the project a new
// version: copies its checkpoint, writes its bundle, measures it on the frozen test split and on
// the feedback set of feedbackDir(project), and records its lineage (the run's parent_version).
// The first version becomes current; later ones wait for promote. Throws EngineError naming the
// run when it is training, failed without a checkpoint, or belongs to another graph's inputs.
VersionInfo registerVersion(const Project &project, const std::string &runDir, const RegisterOptions &options = {});

// The gate of the project (GateSettings) for `candidate` against `current`, from their test
// metrics and from both measured on the same feedback set.
struct GateRule {
    std::string name; // "max_test_drop", "feedback_must_rise"
    bool passed = false;
    Message text; // "test accuracy 90.1% -> 89.9% (-0.2 points, at most -0.5 allowed)"
};
struct GateResult {
    bool passed = false;
    std::vector<GateRule> rules;
    nlohmann::json toJson() const;
};

// Two versions measured side by side on the same data, now (not from the recorded figures).
struct ClassDelta {
    std::string name;
    int64_t support = 0;
    double recallA = NAN, recallB = NAN;
    double precisionA = NAN, precisionB = NAN;
};
struct VersionComparison {
    VersionInfo a, b;                    // a: the baseline (usually current), b: the candidate
    Evaluation testA, testB;             // on the frozen test split (per class, confusion)
    VersionMetrics feedbackA, feedbackB; // on the feedback set (held-out reviewed items)
    std::vector<ClassDelta> classes;
    std::vector<std::vector<int64_t>> confusionDelta; // testB.confusion - testA.confusion
    std::vector<int> newlyFixed;                      // test samples A got wrong and B gets right
    std::vector<int> newlyBroken;                     // test samples A got right and B gets wrong
    std::vector<std::string> feedbackFixed;           // feedback-set item ids, the same way
    std::vector<std::string> feedbackBroken;
    double latencyMsA = NAN, latencyMsB = NAN; // median CPU latency at batch 1, one thread (TorchScript)
    int64_t bytesA = 0, bytesB = 0;            // the bundles' model.pt
    int64_t paramsA = 0, paramsB = 0;
    bool sameTestSplit = true; // both versions' test_sha256 match the data read now
    GateResult gate;           // b against a
};
VersionComparison compareVersions(const Project &project, const std::string &a, const std::string &b,
                                  const std::string &device = "cpu");
GateResult checkGate(const Project &project, const std::string &candidate, const std::string &current = "current");

// Makes `version` current. When its gate against the current version fails, throws EngineError
// saying which rule failed unless `override` is set, which is recorded with the reason. The
// reason must not be empty. Returns the gate's result (passed, or overridden).
GateResult promoteVersion(const Project &project, const std::string &version, const std::string &reason,
                          bool override = false);
// Makes the version that was current before the latest promotion current again; returns it.
// Throws EngineError when there is nothing to roll back to.
std::string rollbackVersion(const Project &project, const std::string &reason);

// A fine-tuning run of the project from `fromVersion` (Continuous optimization): the project
// pretrains from that version's checkpoint with the finetune settings (epochs, learning rate,
// frozen layers), and the trainer adds the reviewed feedback items of `feedbackDir` (default:
// feedbackDir(project)) that are not held out, oversampled by the feedback weight, to a replayed
// share of the original training data (TrainRequest::finetune). Throws EngineError when the
// project has no versions or the version's graph differs from the project's inputs and outputs.
TrainRequest finetuneRequest(const Project &project, const std::string &fromVersion = "current",
                             const std::string &feedbackDir = {});

// What the loop stages show on the canvas: "v3 current, 212 corrections since, 180 reviewed".
struct LoopStatus {
    int versions = 0;
    std::string current; // "" when there is none
    int64_t items = 0;   // in the feedback store
    int64_t reviewed = 0;
    int64_t wrong = 0;
    int64_t sinceCurrent = 0; // reviewed items the current version's training did not see
    int64_t unreviewed = 0;
};
LoopStatus loopStatus(const Project &project);

} // namespace torchwright
