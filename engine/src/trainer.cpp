// The training loop on its own thread: run folder, data, model, optimizer, schedule, early
// stopping, checkpoints, and plain value events. LibTorch exceptions stop at this boundary and
// come out as Error events with the epoch and batch they happened in.

#include "torchwright/training.h"

#include "augment.h"
#include "batchsource.h"
#include "checkpoint.h"
#include "dataset.h"
#include "distill.h"
#include "feedbackdata.h"
#include "fileutil.h"
#include "losses.h"
#include "model.h"
#include "precision.h"
#include "prune.h"
#include "runfolder.h"
#include "sha256.h"
#include "torchwright/jsonfile.h"
#include "torchwright/memory.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/versions.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char *statusName(TrainingEvent::Status s)
{
    switch (s) {
    case TrainingEvent::Status::Running: return "running";
    case TrainingEvent::Status::Completed: return "completed";
    case TrainingEvent::Status::Stopped: return "stopped";
    case TrainingEvent::Status::EarlyStopped: return "early_stopped";
    case TrainingEvent::Status::Failed: return "failed";
    }
    return "unknown";
}

namespace {

const char *kindName(TrainingEvent::Kind k)
{
    switch (k) {
    case TrainingEvent::Kind::Started: return "started";
    case TrainingEvent::Kind::Batch: return "batch";
    case TrainingEvent::Kind::Epoch: return "epoch";
    case TrainingEvent::Kind::Log: return "log";
    case TrainingEvent::Kind::Error: return "error";
    case TrainingEvent::Kind::Finished: return "finished";
    case TrainingEvent::Kind::Import: return "import";
    }
    return "log";
}

// Only a distilling run has the loss's two parts, so the lines of other runs stay as they were.
void writeDistillParts(json &j, const TrainingEvent &e)
{
    if (std::isfinite(e.softLoss))
        j["soft_loss"] = e.softLoss;
    if (std::isfinite(e.hardLoss))
        j["hard_loss"] = e.hardLoss;
}

double numberOr(const json &j, const char *key, double def)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : def;
}

} // namespace

json TrainingEvent::toJson() const
{
    json j;
    j["event"] = kindName(kind);
    switch (kind) {
    case Kind::Batch:
        j["epoch"] = epoch;
        j["batch"] = batch;
        j["batches"] = batchesPerEpoch;
        j["loss"] = jsonNumber(loss);
        j["accuracy"] = jsonNumber(accuracy);
        writeDistillParts(j, *this);
        j["lr"] = learningRate;
        j["samples_per_second"] = jsonNumber(samplesPerSecond);
        break;
    case Kind::Epoch:
        j["epoch"] = epoch;
        j["epochs"] = epochs;
        j["loss"] = jsonNumber(loss);
        j["accuracy"] = jsonNumber(accuracy);
        j["val_loss"] = jsonNumber(valLoss);
        j["val_accuracy"] = jsonNumber(valAccuracy);
        // Only a regression has these, so the lines of classifiers stay as they were.
        if (std::isfinite(valR2))
            j["val_r2"] = valR2;
        if (std::isfinite(valMae))
            j["val_mae"] = valMae;
        writeDistillParts(j, *this);
        if (skippedSteps >= 0) // fp16 runs only
            j["skipped_steps"] = skippedSteps;
        j["lr"] = learningRate;
        j["samples_per_second"] = jsonNumber(samplesPerSecond);
        j["elapsed_seconds"] = elapsedSeconds;
        break;
    case Kind::Finished:
        j["status"] = statusName(status);
        j["epoch"] = epoch;
        j["elapsed_seconds"] = elapsedSeconds;
        if (!message.empty())
            j["message"] = message;
        break;
    default:
        if (epoch)
            j["epoch"] = epoch;
        if (batch)
            j["batch"] = batch;
        if (!device.empty())
            j["device"] = device;
        j["message"] = message;
        break;
    }
    return j;
}

TrainingEvent TrainingEvent::fromJson(const json &j)
{
    TrainingEvent e;
    const std::string kind = j.value("event", "log");
    for (auto k : {Kind::Started, Kind::Batch, Kind::Epoch, Kind::Log, Kind::Error, Kind::Finished, Kind::Import})
        if (kind == kindName(k))
            e.kind = k;
    e.epoch = j.value("epoch", 0);
    e.epochs = j.value("epochs", 0);
    e.batch = j.value("batch", 0);
    e.batchesPerEpoch = j.value("batches", 0);
    e.loss = numberOr(j, "loss", NAN);
    e.accuracy = numberOr(j, "accuracy", NAN);
    e.valLoss = numberOr(j, "val_loss", NAN);
    e.valAccuracy = numberOr(j, "val_accuracy", NAN);
    e.valR2 = numberOr(j, "val_r2", NAN);
    e.valMae = numberOr(j, "val_mae", NAN);
    e.softLoss = numberOr(j, "soft_loss", NAN);
    e.hardLoss = numberOr(j, "hard_loss", NAN);
    e.skippedSteps =
        j.contains("skipped_steps") && j["skipped_steps"].is_number_integer() ? j["skipped_steps"].get<int64_t>() : -1;
    e.learningRate = numberOr(j, "lr", 0);
    e.samplesPerSecond = numberOr(j, "samples_per_second", 0);
    e.elapsedSeconds = numberOr(j, "elapsed_seconds", 0);
    e.message = j.value("message", "");
    e.device = j.value("device", "");
    const std::string status = j.value("status", "");
    for (auto s : {TrainingEvent::Status::Completed, TrainingEvent::Status::Stopped,
                   TrainingEvent::Status::EarlyStopped, TrainingEvent::Status::Failed})
        if (status == statusName(s))
            e.status = s;
    return e;
}

bool earlyStoppingImproves(const EarlyStoppingSettings &s, double metric, double best)
{
    return s.metric == "val_accuracy" ? metric > best + s.minDelta : metric < best - s.minDelta;
}

bool earlyStoppingStops(const EarlyStoppingSettings &s, int epochsWithoutImprovement, int epoch, int plannedEpochs)
{
    return s.enabled && epochsWithoutImprovement > s.patience && epoch < plannedEpochs;
}

namespace {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSettings &o, std::vector<torch::Tensor> params)
{
    if (o.type == "sgd")
        return std::make_unique<torch::optim::SGD>(
            params,
            torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weightDecay));
    if (o.type == "adamw")
        return std::make_unique<torch::optim::AdamW>(
            params, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weightDecay));
    if (o.type == "rmsprop")
        return std::make_unique<torch::optim::RMSprop>(params, torch::optim::RMSpropOptions(o.lr)
                                                                   .alpha(o.alpha)
                                                                   .eps(o.eps)
                                                                   .weight_decay(o.weightDecay)
                                                                   .momentum(o.momentum));
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weightDecay));
}

double scheduledLr(const TrainingSettings &t, int epoch /* 1-based */)
{
    const double base = t.optimizer.lr;
    const auto &s = t.schedule;
    if (s.type == "step")
        return base * std::pow(s.gamma, double((epoch - 1) / s.stepSize));
    if (s.type == "cosine") {
        const double progress = t.epochs > 1 ? double(epoch - 1) / double(t.epochs - 1) : 0.0;
        return s.minLr + 0.5 * (base - s.minLr) * (1.0 + std::cos(M_PI * progress));
    }
    return base;
}

std::string sanitize(const std::string &s)
{
    std::string r;
    for (char c : s)
        r += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return r.empty() ? "run" : r;
}

} // namespace

std::string newRunDir(const std::string &runsDir, const std::string &name)
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    fs::create_directories(runsDir);
    const std::string base = (fs::path(runsDir) / (std::string(stamp) + "-" + sanitize(name))).string();
    std::string dir = base;
    for (int i = 2; fs::exists(dir); ++i)
        dir = base + "-" + std::to_string(i);
    fs::create_directory(dir);
    return dir;
}

json jsonNumber(double v) { return std::isfinite(v) ? json(v) : json(); }

json checkpointSummary(const TrainingEvent &e, bool regression, const std::string &saved)
{
    json info = {{"epoch", e.epoch},
                 {"loss", jsonNumber(e.loss)},
                 {"accuracy", jsonNumber(e.accuracy)},
                 {"val_loss", jsonNumber(e.valLoss)},
                 {"val_accuracy", jsonNumber(e.valAccuracy)},
                 {"saved", saved}};
    if (regression) {
        info["val_r2"] = jsonNumber(e.valR2);
        info["val_mae"] = jsonNumber(e.valMae);
    }
    return info;
}

void recordBestEpoch(json &summary, const TrainingEvent &e, bool regression)
{
    summary["best_epoch"] = e.epoch;
    summary["best_val_loss"] = jsonNumber(e.valLoss);
    summary["best_val_accuracy"] = jsonNumber(e.valAccuracy);
    if (regression) {
        summary["best_val_r2"] = jsonNumber(e.valR2);
        summary["best_val_mae"] = jsonNumber(e.valMae);
    }
}

namespace {

// What train() sets up for its epochs and what they advance. Only the worker touches it.
struct Run {
    explicit Run(Project &p) : project(p), ts(p.training) {}

    Project &project;
    const TrainingSettings &ts;
    ThreadSettings threads;
    std::string deviceName;
    torch::Device device{torch::kCPU};
    int epochs = 0; // planned, counting the epochs a resumed run has already
    int classes = 0;
    bool regression = false;          // a real-valued target: R^2 and MAE instead of accuracy
    double valR2 = NAN, valMae = NAN; // the last validation's, for a regression
    int64_t nTrain = 0;
    // Fine-tuning (TrainRequest::finetune): the last nExtra training samples are feedback items;
    // each epoch trains on a replayed share of the first nTrain - nExtra and on the items
    // oversampled (epochOrder()).
    std::optional<TrainRequest::Finetune> finetune;
    int64_t nExtra = 0;
    // On the device when `resident`; otherwise in host memory (page-locked for CUDA), and the
    // training batches come from `prefetch` (batchsource.h).
    torch::Tensor trainX, trainY, valX, valY;
    bool resident = true;
    std::unique_ptr<BatchPrefetcher> prefetch;
    Precision precision = Precision::Fp32;
    bool channelsLast = false;
    std::optional<MatmulPrecisionGuard> tf32; // fp32 on CUDA
    LossScaler scaler{false};                 // fp16
    int64_t readbackBatches = 1;              // 0: by time (a CUDA run; TrainRequest::readbackBatches)
    Augmenter augment;                        // applied to training batches only
    // Distillation (/distill): the teacher, and its logits for every training sample when they
    // are computed once (no augmentation; undefined when computed for each batch).
    std::optional<Teacher> teacher;
    torch::Tensor teacherCache;
    GraphModel model{nullptr};
    std::vector<torch::Tensor> trainable; // the parameters of layers that are not frozen
    BoundMasks masks;                     // pruned weights kept at zero (TrainRequest::masks)
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    TrainingState state; // what checkpoints keep: completed epochs, best metric, random state
    std::mt19937_64 shuffleRng;
    std::vector<int64_t> order; // the epoch's sample order
    int64_t batches = 0;        // per epoch
    double runSamples = 0;      // samples this session trains on, for the ETA
    double samplesDone = 0;
    double trainStart = 0; // run seconds, pauses excluded, before the first epoch
};

// One epoch's training figures, summed over its batches.
struct EpochTotals {
    double lossSum = 0;
    double softSum = 0, hardSum = 0; // distillation's two parts
    bool distils = false;
    int64_t hitSum = 0;
    int64_t seen = 0;
    double seconds = 0;        // pauses excluded
    bool reconstructs = false; // the target is the input, or a real value: there is no accuracy
    int64_t skippedSteps = -1; // fp16: steps the loss scaler skipped; -1 otherwise

    double loss() const { return lossSum / double(std::max<int64_t>(seen, 1)); }
    double accuracy() const { return reconstructs ? NAN : double(hitSum) / double(std::max<int64_t>(seen, 1)); }
    double softLoss() const { return distils ? softSum / double(std::max<int64_t>(seen, 1)) : NAN; }
    double hardLoss() const { return distils ? hardSum / double(std::max<int64_t>(seen, 1)) : NAN; }
};

// How many samples an epoch trains on: every training sample, or for fine-tuning the replayed
// share of the original data plus each feedback item `feedbackWeight` times (the whole part for
// every item, the fraction as that share of the items drawn at random). The same every epoch.
int64_t epochSize(const Run &r)
{
    if (!r.finetune)
        return r.nTrain;
    const int64_t original = r.nTrain - r.nExtra;
    const double w = r.finetune->feedbackWeight;
    return std::llround(r.finetune->replayFraction * double(original)) + int64_t(std::floor(w)) * r.nExtra
           + std::llround((w - std::floor(w)) * double(r.nExtra));
}

// The epoch's sample order, drawn from the run's shuffle generator (checkpointed, so a resumed
// run draws what the uninterrupted one would have): every training sample once in a fresh
// shuffle, or for fine-tuning a fresh draw of the replayed original samples and the oversampled
// feedback items, shuffled together.
void epochOrder(Run &r, std::vector<int64_t> &order)
{
    order.resize(static_cast<size_t>(r.nTrain));
    std::iota(order.begin(), order.end(), 0);
    if (!r.finetune) {
        std::shuffle(order.begin(), order.end(), r.shuffleRng);
        return;
    }
    const int64_t original = r.nTrain - r.nExtra;
    const double w = r.finetune->feedbackWeight;
    std::vector<int64_t> items(order.begin() + original, order.end());
    order.resize(static_cast<size_t>(original));
    std::shuffle(order.begin(), order.end(), r.shuffleRng);
    order.resize(static_cast<size_t>(std::llround(r.finetune->replayFraction * double(original))));
    for (int64_t k = 0; k < int64_t(std::floor(w)); ++k)
        order.insert(order.end(), items.begin(), items.end());
    std::shuffle(items.begin(), items.end(), r.shuffleRng);
    items.resize(static_cast<size_t>(std::llround((w - std::floor(w)) * double(r.nExtra))));
    order.insert(order.end(), items.begin(), items.end());
    std::shuffle(order.begin(), order.end(), r.shuffleRng);
}

} // namespace

struct TrainingSession::Impl {
    TrainRequest request;
    TrainingEventSink sink;
    std::thread worker;
    std::atomic<bool> stopRequested{false};
    std::atomic<bool> paused{false};
    std::atomic<bool> running{false};
    std::atomic<bool> held{false}; // the worker waits in checkpointBetweenBatches() while paused
    std::mutex mutex;
    std::condition_variable wake;
    RunResult result;

    // Run-scoped state, only touched by the worker.
    std::ofstream metrics;
    std::string metricsPath;
    bool metricsFailed = false; // a write to metrics.jsonl failed (disk full); the run fails
    json summary;
    std::string runDir;
    RunLock lock;      // held while this session trains runDir (runs.h)
    bool fresh = true; // no checkpoint to continue from: a new run, or one killed before its first
                       // checkpoint and started again
    Clock::time_point runStart;
    double pausedSeconds = 0;
    bool errorReported = false; // an Error event with epoch and batch went out already

    // Writes the event to metrics.jsonl and hands it to the sink. A failed write (a full disk)
    // closes the file and, unless `quiet`, throws: the run then fails with that message. The
    // events after it still reach the sink.
    void emit(TrainingEvent e, bool quiet = false)
    {
        if (!runDir.empty())
            e.runDir = runDir;
        // Import progress is for the screen only: the metrics file begins with the training.
        if (metrics.is_open() && e.kind != TrainingEvent::Kind::Started && e.kind != TrainingEvent::Kind::Import) {
            metrics << e.toJson().dump() << '\n';
            if (e.kind != TrainingEvent::Kind::Batch)
                metrics.flush();
            if (!metrics) {
                metrics.close();
                metricsFailed = true;
            }
        }
        if (sink)
            sink(e);
        if (metricsFailed && !quiet) {
            metricsFailed = false; // reported once
            throw EngineError(Message::tr("%1: cannot write (is the disk full?); training stopped. Free space, "
                                          "then train --resume continues from the last checkpoint",
                                          metricsPath));
        }
    }

    void setResultMessage(Message m)
    {
        result.message = m.str();
        result.text = std::move(m);
    }

    void log(Message message, int epoch = 0)
    {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Log;
        e.setMessage(std::move(message));
        e.epoch = epoch;
        emit(e);
    }

    // run.json, with its checksum (runs.h). Throws EngineError naming it when it cannot be written.
    void writeSummary()
    {
        if (runDir.empty())
            return;
        summary["sha256"] = runJsonSha256(summary);
        const std::string path = (fs::path(runDir) / "run.json").string();
        try {
            writeTextFileAtomically(path, summary.dump(2) + "\n");
        } catch (const EngineError &) {
            throw;
        } catch (const std::exception &e) {
            throw EngineError(Message::tr("%1: cannot write: %2", path, e.what()));
        }
    }

    // Blocks while paused; returns false when a stop was requested.
    bool checkpointBetweenBatches()
    {
        if (paused) {
            const auto t0 = Clock::now();
            std::unique_lock<std::mutex> lock(mutex);
            held = true;
            wake.wait(lock, [&] { return !paused || stopRequested; });
            held = false;
            pausedSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
        }
        return !stopRequested;
    }

    void run();
    void runGuarded();
    void openRun(Project &project, bool resuming);
    void train(Project project, bool resuming);

    // The steps of train(), in order. Those that can end the run set `result` when they do:
    // trainEpoch() then returns false; stopRequestedBefore(), failOnNonFiniteLoss() and
    // stopEarly() return true.
    void announce(Run &r, bool resuming);
    Message setUpPrecision(Run &r);
    void placeData(Run &r, DataSplits &data);
    void loadData(Run &r);
    ExtraTrainSamples feedbackSamples(Run &r);
    void setUpTeacher(Run &r, const GraphAnalysis &analysis, const std::vector<double> &mean,
                      const std::vector<double> &std);
    void buildModel(Run &r, bool resuming);
    void setUpMasks(Run &r);
    void restoreOrBegin(Run &r, bool resuming);
    void recoverEpochEvent(Run &r);
    void planBatches(Run &r);
    void storeRandomState(Run &r);
    void checkpointStart(Run &r);
    bool trainEpoch(Run &r, int epoch, double lr, EpochTotals &totals);
    bool stopRequestedBefore(Run &r, int epoch, int64_t batch);
    bool failOnNonFiniteLoss(Run &r, double loss, int epoch, int64_t batch, double lr);
    void validate(Run &r, double &valLoss, double &valAccuracy);
    void saveCheckpoints(Run &r, int epoch, bool improved, const EpochTotals &totals, double valLoss,
                         double valAccuracy);
    void reportEpoch(Run &r, int epoch, double lr, const EpochTotals &totals, double valLoss, double valAccuracy);
    bool stopEarly(Run &r, int epoch);
};

void TrainingSession::Impl::run()
{
    // Nothing may leave the worker thread: an exception escaping it ends the process through
    // std::terminate. runGuarded() catches what the run throws; this catches what its reporting
    // might (a sink that cannot queue, memory running out while formatting a message).
    try {
        runGuarded();
    } catch (...) {
        result.status = TrainingEvent::Status::Failed;
        if (result.message.empty())
            setResultMessage(Message::tr("training ended by an unexpected error"));
        try {
            TrainingEvent fin;
            fin.kind = TrainingEvent::Kind::Finished;
            fin.status = result.status;
            fin.setMessage(result.text);
            if (sink)
                sink(fin);
        } catch (...) {
        }
    }
    lock.release(); // after run.json's final status: readers now see the truth either way
    running = false;
}

// The run folder: a new one (locked before run.json says "running"), or the resumed one,
// locked before it is read, with metrics.jsonl repaired.
void TrainingSession::Impl::openRun(Project &project, bool resuming)
{
    Message pendingLog;
    if (resuming) {
        // runDir is set once the folder has been read: a run that cannot be resumed keeps
        // its run.json as it was instead of being marked failed.
        fs::path dirPath = fs::absolute(request.resumeRun).lexically_normal();
        if (dirPath.filename().empty()) // "RUN/"
            dirPath = dirPath.parent_path();
        const std::string dir = dirPath.string();
        ProjectLoad load = loadRunProject(dir);
        if (!load.ok())
            throw EngineError(load.diagnostics);
        lock.acquire(dir);
        project = load.project;
        summary = fs::exists(fs::path(dir) / "run.json") ? readRunJson(dir) : json::object();
        const std::string last = (fs::path(dir) / "last.pt").string();
        fresh = !fs::exists(last);
        if (fresh) {
            // Killed before its first checkpoint (this engine writes one before epoch 1): nothing
            // was learned, so the run starts again from its seed, in the same folder.
            const int completed = summary.value("epochs_completed", 0);
            if (completed > 0)
                throw EngineError(Message::tr("%1: checkpoint not found, but run.json says %2 epoch(s) were "
                                              "completed; the run cannot continue without it. Train the project "
                                              "again",
                                              last, completed));
            std::error_code ec;
            fs::resize_file(fs::path(dir) / "metrics.jsonl", 0, ec); // its events belong to the lost start
            for (const char *k : {"best_epoch", "best_val_loss", "best_val_accuracy", "message"})
                summary.erase(k);
            pendingLog = Message::tr("no checkpoint: the run was interrupted before its first one was written; "
                                     "training it again from the start");
        } else if (const int64_t dropped = repairMetricsFile(dir); dropped > 0) {
            pendingLog = Message::tr("metrics.jsonl: dropped a torn last line (%1 bytes) left by the interrupted "
                                     "process",
                                     dropped);
        }
        runDir = dir;
    } else {
        const std::string projectDir =
            project.filePath.empty() ? fs::current_path().string() : fs::path(project.filePath).parent_path().string();
        const std::string runsDir =
            request.runsDir.empty() ? (fs::path(projectDir) / "runs").string() : request.runsDir;
        std::string name = project.filePath.empty() ? project.name : fs::path(project.filePath).stem().string();
        runDir = newRunDir(runsDir, name);
        lock.acquire(runDir);
        Project copy = project;
        analyzeProject(copy).normalize(copy.graph); // the run's copy lists every parameter
        saveProjectFile(copy, (fs::path(runDir) / "project.json").string());
        summary = json::object();
        summary["project_sha256"] = sha256File((fs::path(runDir) / "project.json").string());
        summary["name"] = fs::path(runDir).filename().string();
        summary["project_name"] = project.name;
        summary["project_file"] = project.filePath;
        summary["created"] = isoTimeNow();
    }
    result.runDir = runDir;
    metricsPath = (fs::path(runDir) / "metrics.jsonl").string();
    metrics.open(metricsPath, std::ios::app | std::ios::binary);
    if (!metrics)
        throw EngineError(Message::tr("%1: cannot write", metricsPath));
    if (!pendingLog.empty())
        log(pendingLog);
}

void TrainingSession::Impl::runGuarded()
{
    runStart = Clock::now();
    try {
        Project project = request.project;
        const bool resuming = !request.resumeRun.empty();
        // "@current" or "@v2" as the pretraining source: that model version of the project
        // (versions.h). The run's copy names the version's checkpoint itself, and run.json the
        // version as the run's parent, so the lineage holds whatever becomes current later.
        std::string parentVersion;
        const std::string &source = project.pretrain.source;
        if (!resuming && project.pretrain.enabled && !source.empty() && source[0] == '@') {
            const VersionInfo v = findVersion(project, source.substr(1));
            project.pretrain.source = v.checkpointPath();
            parentVersion = v.id;
        }
        openRun(project, resuming);
        if (!parentVersion.empty())
            summary["parent_version"] = parentVersion; // written with the run's first summary
        train(std::move(project), resuming);
    } catch (const ImportCancelled &) {
        result.status = TrainingEvent::Status::Stopped;
        setResultMessage(Message::tr("stopped while reading the data, before the first epoch"));
    } catch (const EngineError &e) {
        result.status = TrainingEvent::Status::Failed;
        setResultMessage(e.text());
    } catch (const c10::Error &e) {
        result.status = TrainingEvent::Status::Failed;
        setResultMessage(Message::tr("LibTorch: %1", e.what_without_backtrace()));
    } catch (const std::exception &e) {
        result.status = TrainingEvent::Status::Failed;
        setResultMessage(errorMessage(e));
    } catch (...) {
        result.status = TrainingEvent::Status::Failed;
        setResultMessage(Message::tr("training ended by an unexpected error"));
    }
    if (result.status == TrainingEvent::Status::Failed && !errorReported) {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Error;
        e.setMessage(result.text);
        emit(e, true);
    }
    TrainingEvent fin;
    fin.kind = TrainingEvent::Kind::Finished;
    fin.status = result.status;
    fin.epoch = result.epochsCompleted;
    fin.setMessage(result.text);
    fin.elapsedSeconds = std::chrono::duration<double>(Clock::now() - runStart).count();
    if (!runDir.empty() && summary.is_object() && lock.held()) {
        summary["status"] = statusName(result.status);
        summary.erase("message");
        summary.erase("message_text");
        if (!result.message.empty()) {
            summary["message"] = result.message;
            if (result.text.translatable())
                summary["message_text"] = result.text.toJson(); // for the studio, in its language
        }
        try {
            writeSummary();
        } catch (const std::exception &e) {
            // run.json keeps its last good content; once the lock is released, readers show the
            // run as interrupted rather than running. Say so with the outcome.
            TrainingEvent err;
            err.kind = TrainingEvent::Kind::Error;
            err.setMessage(
                Message::tr("%1; run.json keeps its previous content", dynamic_cast<const EngineError *>(&e)
                                                                           ? dynamic_cast<const EngineError &>(e).text()
                                                                           : Message(e.what())));
            emit(err, true);
        }
    }
    emit(fin, true);
    metrics.close();
}

void TrainingSession::Impl::train(Project project, bool resuming)
{
    Run r(project);
    r.finetune = request.finetune;
    if (resuming && summary.contains("finetune")) { // the mix the run began with
        const json &f = summary["finetune"];
        TrainRequest::Finetune ft;
        ft.parentVersion = f.value("parent_version", "");
        ft.feedbackDir = f.value("feedback_dir", "");
        ft.feedbackWeight = f.value("feedback_weight", ft.feedbackWeight);
        ft.replayFraction = f.value("replay_fraction", ft.replayFraction);
        ft.holdout = f.value("holdout", ft.holdout);
        r.finetune = ft;
    }
    announce(r, resuming);
    loadData(r);
    buildModel(r, !fresh);
    setUpMasks(r);
    restoreOrBegin(r, !fresh);
    if (!fresh)
        recoverEpochEvent(r);
    planBatches(r);
    if (fresh)
        checkpointStart(r);

    for (int epoch = r.state.epoch + 1; epoch <= r.epochs; ++epoch) {
        const double lr = scheduledLr(r.ts, epoch);
        EpochTotals totals;
        if (!trainEpoch(r, epoch, lr, totals))
            return; // stopped by the user, or the loss stopped being finite
        double valLoss = NAN, valAccuracy = NAN;
        validate(r, valLoss, valAccuracy);

        // The watched metric decides the best checkpoint and early stopping (see training.h).
        const bool watchAccuracy = r.ts.earlyStopping.metric == "val_accuracy";
        const bool validated = r.valX.size(0) > 0;
        const double metric =
            watchAccuracy ? (validated ? valAccuracy : totals.accuracy()) : (validated ? valLoss : totals.loss());
        const bool improved = earlyStoppingImproves(r.ts.earlyStopping, metric, r.state.bestMetric);
        if (improved) {
            r.state.bestMetric = metric;
            r.state.bestEpoch = epoch;
            r.state.epochsWithoutImprovement = 0;
        } else {
            ++r.state.epochsWithoutImprovement;
        }
        saveCheckpoints(r, epoch, improved, totals, valLoss, valAccuracy);
        reportEpoch(r, epoch, lr, totals, valLoss, valAccuracy);
        if (stopEarly(r, epoch))
            return;
    }
    result.status = TrainingEvent::Status::Completed;
}

// Threads and device, the planned epochs in run.json, and the Started event.
void TrainingSession::Impl::announce(Run &r, bool resuming)
{
    r.threads = configureThreads(request.threads.value_or(r.ts.threads));
    r.deviceName = resolveDevice(request.device.value_or(r.ts.device));
    r.device = torch::Device(r.deviceName);
    r.epochs = request.epochs.value_or(int(summary.value("epochs_planned", r.ts.epochs)));
    if (request.epochs)
        summary["epochs_planned"] = *request.epochs;
    else if (!summary.contains("epochs_planned"))
        summary["epochs_planned"] = r.ts.epochs;
    summary["device"] = r.deviceName;
    const Message precisionLine = setUpPrecision(r);
    summary["engine_version"] = engineVersion();
    summary["torch_version"] = torchVersion();
    summary["status"] = "running";
    writeSummary();

    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Started;
    e.device = r.deviceName;
    e.epochs = r.epochs;
    const Message how = !resuming ? Message::tr("starting %1", runDir)
                        : fresh   ? Message::tr("restarting %1", runDir)
                                  : Message::tr("resuming %1", runDir);
    e.setMessage(Message::tr("%1 on %2 with %3 intra-op thread(s), %4 %5 thread(s)", how, r.deviceName,
                             r.threads.intraOp, r.threads.blasLibrary, r.threads.blas));
    emit(e);
    log(e.text);
    log(precisionLine);
}

// Precision, channels-last memory, determinism and how often metrics are read back, from the
// request or the project, refused with a sentence when the device cannot train so; run.json
// records them. Returns the line that tells the log.
Message TrainingSession::Impl::setUpPrecision(Run &r)
{
    r.precision = parsePrecision(request.precision.value_or(r.ts.precision),
                                 request.precision ? "--precision" : "/training/precision");
    if (Message why = precisionUnsupported(r.precision, r.device); !why.empty())
        throw EngineError(why);
    r.channelsLast = request.channelsLast.value_or(r.ts.channelsLast);
    r.tf32.emplace(r.precision, r.device);
    r.scaler = LossScaler(r.precision == Precision::Fp16);
    r.readbackBatches = request.readbackBatches > 0 ? request.readbackBatches : (r.device.is_cuda() ? 0 : 1);
    if (request.deterministic) {
        // cuBLAS reads this when it creates its first handle; set before any GPU work of the process.
        setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
        at::globalContext().setDeterministicCuDNN(true);
        at::globalContext().setBenchmarkCuDNN(false);
        at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
    } else if (r.device.is_cuda()) {
        at::globalContext().setBenchmarkCuDNN(true); // the fastest convolution algorithm for these shapes
    }
    summary["precision"] = precisionName(r.precision);
    if (r.channelsLast)
        summary["channels_last"] = true;
    else
        summary.erase("channels_last");
    if (request.deterministic)
        summary["deterministic"] = true;
    else
        summary.erase("deterministic");
    std::string how = precisionName(r.precision);
    if (r.precision == Precision::Fp16)
        how += " (autocast, loss scaling)";
    else if (r.precision == Precision::Bf16)
        how += " (autocast)";
    else if (r.tf32->tf32())
        how += " (TF32 matrix math allowed)";
    return Message::tr("precision %1%2%3", how, r.channelsLast ? std::string(", channels-last memory") : std::string(),
                       request.deterministic ? std::string(", deterministic algorithms") : std::string());
}

// Checks the graph, loads and normalises the splits and puts training and validation data where
// batches are gathered (batchsource.h); the normalisation goes into run.json for exports.
void TrainingSession::Impl::loadData(Run &r)
{
    Project &project = r.project;
    GraphAnalysis analysis = analyzeProject(project);
    if (!analysis.ok())
        throw EngineError(analysis.diagnostics);
    const DType inputType = project.graph.node(analysis.inputNode)->params.value("dtype", "float32") == "int64"
                                ? DType::Int64
                                : DType::Float32;

    std::string missing;
    if (!datasetFilesPresent(project, &missing))
        throw EngineError(
            Message::tr("%1: dataset file not found; the dataset is needed to train (/dataset/path)", missing));
    const auto tLoad = Clock::now();
    // Decoding a large image folder takes a while: its progress goes to the sink, and stop()
    // ends the import as it ends training.
    ImportControl control;
    control.cancel = &stopRequested;
    control.progress = [this](int64_t done, int64_t total) {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Import;
        e.done = done;
        e.total = total;
        emit(e, true);
    };
    DataSplits data = loadDataSplits(project, inputType, control, feedbackSamples(r));
    {
        std::ostringstream seconds;
        seconds << std::chrono::duration<double>(Clock::now() - tLoad).count();
        Message line = Message::tr("data: %1 training, %2 validation, %3 test samples of %4 (%5 s)", data.train.size(),
                                   data.validation.size(), data.test.size(), formatShape(project.dataset.sampleShape),
                                   seconds.str());
        if (!data.mean.empty()) {
            std::ostringstream mean, sd;
            for (double m : data.mean)
                mean << (mean.tellp() > 0 ? " " : "") << m;
            for (double s : data.std)
                sd << (sd.tellp() > 0 ? " " : "") << s;
            line = Message::tr("%1; normalised with mean %2, std %3", std::move(line), mean.str(), sd.str());
        }
        log(std::move(line));
    }
    if (!data.skipped.empty()) {
        const SkippedInput &first = data.skipped.front();
        log(Message::tr("data: %1 input(s) could not be read and were left out; the first: %2: %3", data.skipped.size(),
                        first.line > 0 ? first.file + ":" + std::to_string(first.line) : first.file, first.reason));
    }
    // The data the run saw, for model versions (versions.h).
    summary["data_sha256"] = data.trainSha256;
    summary["test_sha256"] = data.testSha256;
    r.nExtra = data.extraTrain;
    if (r.finetune)
        log(Message::tr(
            "fine-tuning from %1: %2 reviewed feedback item(s) train, each seen %3 time(s) per epoch, beside %4 "
            "of the original training data; %5 more validate",
            r.finetune->parentVersion, r.nExtra,
            [&] {
                std::ostringstream w;
                w << r.finetune->feedbackWeight;
                return w.str();
            }(),
            std::to_string(int(std::lround(r.finetune->replayFraction * 100))) + "%", data.extraValidation));
    // What exports need to preprocess raw samples exactly as training did.
    summary["normalization"] = json{{"mean", data.mean}, {"std", data.std}};
    summary["preprocessing"] = data.preprocessing;
    writeSummary();
    r.augment = Augmenter(project, inputType, data.mean, data.std);
    if (r.augment.enabled())
        log(Message::tr("augmentation on for training batches: %1", data.preprocessing["augmentation"].dump()));
    r.nTrain = data.train.size();
    placeData(r, data);
    r.classes = project.dataset.numClasses;
    r.regression = isRegression(project) && !project.training.reconstructs();
    if (r.regression) {
        summary["task"] = "regression";
        writeSummary();
    }
    if (project.distill.enabled())
        setUpTeacher(r, analysis, data.mean, data.std);
    // With the data loaded (and on the device), before the model and optimizer are allocated.
    checkMemory(estimateTrainingMemory(project, analysis), availableMemory(r.deviceName), Message::tr("training"));
}

// The training and validation tensors on the device when they fit in kDeviceDataShare of its free
// memory (the CPU always), else in host memory with a prefetch thread (batchsource.h);
// --data-placement decides instead when it says device or stream.
void TrainingSession::Impl::placeData(Run &r, DataSplits &data)
{
    const DataPlacement asked = parseDataPlacement(request.dataPlacement);
    const auto bytes = [](const torch::Tensor &t) { return t.defined() ? int64_t(t.numel()) * t.element_size() : 0; };
    const int64_t need = bytes(data.train.inputs) + bytes(data.train.labels) + bytes(data.validation.inputs)
                         + bytes(data.validation.labels);
    Message why;
    if (asked == DataPlacement::Stream) {
        r.resident = false;
        why = Message::tr("data: %1 streamed from host memory by a prefetch thread (--data-placement stream)",
                          formatBytes(need));
    } else if (asked == DataPlacement::Device || !r.device.is_cuda()) {
        r.resident = true;
        if (r.device.is_cuda())
            why = Message::tr("data: %1 on %2 (--data-placement device)", formatBytes(need), r.deviceName);
    } else {
        const MemoryLimit free = availableMemory(r.deviceName);
        r.resident = free.bytes < 0 || double(need) <= kDeviceDataShare * double(free.bytes);
        const std::string share = std::to_string(int(kDeviceDataShare * 100)) + "%";
        why = free.bytes < 0
                  ? Message::tr("data: %1 on %2 (its free memory is unknown)", formatBytes(need), r.deviceName)
              : r.resident ? Message::tr("data: %1 on %2, within %3 of its %4 free", formatBytes(need), r.deviceName,
                                         share, formatBytes(free.bytes))
                           : Message::tr("data: %1 is more than %2 of the %3 free on %4; it stays in host memory "
                                         "and a prefetch thread streams the batches",
                                         formatBytes(need), share, formatBytes(free.bytes), r.deviceName);
    }
    if (r.resident) {
        r.trainX = data.train.inputs.to(r.device);
        r.trainY = data.train.labels.to(r.device);
        r.valX = data.validation.inputs.to(r.device);
        r.valY = data.validation.labels.to(r.device);
    } else {
        r.trainX = data.train.inputs;
        r.trainY = data.train.labels;
        r.valX = data.validation.inputs;
        r.valY = data.validation.labels;
        r.prefetch = std::make_unique<BatchPrefetcher>(r.trainX, r.trainY, r.device.is_cuda());
    }
    summary["data_placement"] = r.resident ? "device" : "stream";
    if (!why.empty())
        log(std::move(why));
}

// Distillation (/distill): the teacher run's model on the training device, checked against the
// student; its logits for the whole training split once when no augmentation changes the batches
// and they fit in a quarter of the memory left, else for each batch. run.json's "compression"
// says what taught the run.
void TrainingSession::Impl::setUpTeacher(Run &r, const GraphAnalysis &analysis, const std::vector<double> &mean,
                                         const std::vector<double> &std)
{
    const DistillSettings &d = r.project.distill;
    r.teacher = loadTeacher(r.project, r.device, mean, std);
    Teacher &t = *r.teacher;
    auto text = [](double v) {
        std::ostringstream s;
        s << v;
        return s.str();
    };
    log(Message::tr("distilling from %1 (%2, %3 parameters; this model has %4): alpha %5, temperature %6", t.runDir,
                    fs::path(t.checkpoint).filename().string(), t.parameters, analysis.totalParameters, text(d.alpha),
                    text(d.temperature)));
    if (t.scale.defined())
        log(Message::tr("distillation: the teacher normalised its inputs differently; its batches are converted to "
                        "its own mean and std"));
    const int64_t bytes = r.nTrain * int64_t(r.classes) * int64_t(sizeof(float));
    const MemoryLimit limit = availableMemory(r.deviceName);
    std::string mode = "per_batch";
    if (r.augment.enabled()) {
        log(Message::tr("distillation: the teacher's outputs are computed for each batch, as augmentation changes "
                        "every batch"));
    } else if (limit.bytes >= 0 && bytes > limit.bytes / 4) {
        log(Message::tr("distillation: the teacher's outputs are computed for each batch; caching them would take "
                        "%1 of the %2 left (%3)",
                        formatBytes(bytes), formatBytes(limit.bytes), limit.source));
    } else {
        std::vector<torch::Tensor> parts;
        for (int64_t i = 0; i < r.nTrain; i += kEvaluationBatch)
            parts.push_back(
                t.logits(r.trainX.slice(0, i, std::min<int64_t>(i + kEvaluationBatch, r.nTrain)).to(r.device)));
        r.teacherCache = parts.empty() ? torch::Tensor() : torch::cat(parts).contiguous();
        if (r.teacherCache.defined() && (r.teacherCache.dim() != 2 || r.teacherCache.size(0) != r.nTrain))
            throw EngineError(Message::tr("distillation: the teacher gave outputs of %1 for %2 training samples",
                                          formatShape(r.teacherCache.sizes().vec()), r.nTrain));
        mode = "cached";
        log(Message::tr("distillation: the teacher's outputs for the %1 training samples are computed once and "
                        "kept (%2), as augmentation is off",
                        r.nTrain, formatBytes(bytes)));
    }
    summary["compression"] = json{{"method", "distill"},
                                  {"source_run", t.runDir},
                                  {"checkpoint", fs::path(t.checkpoint).filename().string()},
                                  {"alpha", d.alpha},
                                  {"temperature", d.temperature},
                                  {"teacher_parameters", t.parameters},
                                  {"student_parameters", analysis.totalParameters},
                                  {"teacher_logits", mode}};
    writeSummary();
}

// Fine-tuning's reviewed feedback items (TrainRequest::finetune) read as the training data's
// format reads inputs, without the feedback set. A new run takes every such item the store holds
// now and records their ids in run.json; a resumed run takes exactly the recorded ones.
ExtraTrainSamples TrainingSession::Impl::feedbackSamples(Run &r)
{
    if (!r.finetune)
        return {};
    return [this, &r](const json &record) {
        const TrainRequest::Finetune &ft = *r.finetune;
        const FeedbackStore store(ft.feedbackDir);
        FeedbackData fb = readFeedbackData(store, record, r.project.dataset.sampleShape, ft.holdout);
        for (const SkippedInput &s : fb.train.info.skipped)
            log(Message::tr("feedback: %1 left out: %2", s.file, s.reason));
        RawSplit out = std::move(fb.train);
        std::vector<std::string> ids = fb.trainIds;
        if (summary.contains("feedback_items")) { // resuming: the items the run began with
            const auto recorded = summary["feedback_items"].get<std::vector<std::string>>();
            std::vector<int64_t> keep;
            for (const std::string &id : recorded) {
                const auto it = std::find(ids.begin(), ids.end(), id);
                if (it == ids.end())
                    throw EngineError(Message::tr("%1: feedback item %2, which this run trained on, is no longer "
                                                  "reviewed in the store; the run cannot continue on the same data",
                                                  ft.feedbackDir, id));
                keep.push_back(int64_t(it - ids.begin()));
            }
            if (!keep.empty()) {
                const torch::Tensor index = torch::tensor(keep, torch::kInt64);
                out.inputs = out.inputs.index_select(0, index);
                out.labels = out.labels.index_select(0, index);
            } else {
                out = {};
            }
            ids = recorded;
        }
        summary["parent_version"] = ft.parentVersion;
        summary["feedback_items"] = ids;
        summary["feedback_heldout"] = fb.heldOutIds.size();
        summary["finetune"] = json{{"parent_version", ft.parentVersion},
                                   {"feedback_dir", ft.feedbackDir},
                                   {"feedback_weight", ft.feedbackWeight},
                                   {"replay_fraction", ft.replayFraction},
                                   {"holdout", ft.holdout}};
        summary["feedback_dir"] = ft.feedbackDir;
        return out;
    };
}

// The model from the project's seed, pretrained weights for a new run, frozen layers, and the
// optimizer over the layers that still train.
void TrainingSession::Impl::buildModel(Run &r, bool resuming)
{
    const Project &project = r.project;
    torch::manual_seed(r.ts.seed);
    r.model = GraphModel(project.graph, TensorType{project.dataset.sampleShape, DType::Float32});
    r.model->to(r.device);
    if (r.channelsLast)
        toChannelsLast(*r.model);

    if (!resuming && project.pretrain.enabled) {
        for (const auto &line : loadPretrainedWeights(project.resolvePath(project.pretrain.source), *r.model))
            log(Message::tr("pretrained %1", line));
    }
    for (const auto &p : r.model->named_parameters()) {
        const std::string layer = p.key().substr(0, p.key().find('.'));
        const auto &frozen = project.pretrain.frozen;
        if (std::find(frozen.begin(), frozen.end(), layer) != frozen.end())
            p.value().set_requires_grad(false);
        else
            r.trainable.push_back(p.value());
    }
    if (!project.pretrain.frozen.empty())
        log(Message::tr("%1 layer(s) frozen", project.pretrain.frozen.size()));
    if (r.trainable.empty())
        throw EngineError(Message::tr("/pretrain/frozen: every layer is frozen; nothing is left to train"));
    r.optimizer = makeOptimizer(r.ts.optimizer, r.trainable);
}

// Pruning's masks (TrainRequest::masks): copied into the run folder as masks.pt (a resumed run
// uses that copy), bound to the parameters and applied once before training; trainEpoch()
// applies them again after every optimizer step.
void TrainingSession::Impl::setUpMasks(Run &r)
{
    const std::string own = (fs::path(runDir) / "masks.pt").string();
    if (request.masks.empty() && !summary.contains("masks"))
        return;
    if (!request.masks.empty() && fs::absolute(request.masks).lexically_normal() != fs::path(own))
        writeBytesAtomically(own, readTextFile(request.masks));
    r.masks = bindMaskFile(own, *r.model);
    applyMasks(r.masks);
    int64_t pruned = 0, total = 0;
    for (const auto &[p, m] : r.masks) {
        total += m.numel();
        pruned += m.numel() - m.count_nonzero().item<int64_t>();
    }
    summary["masks"] = "masks.pt";
    writeSummary();
    log(Message::tr("pruning masks: %1 of %2 weights in %3 tensor(s) stay zero", pruned, total, r.masks.size()));
}

// A new run starts with no best metric and the project's shuffle seed; a resumed one takes
// weights, optimizer, best metric and random state from its `last` checkpoint.
void TrainingSession::Impl::restoreOrBegin(Run &r, bool resuming)
{
    r.shuffleRng.seed(r.ts.seed);
    r.state.bestMetric = r.ts.earlyStopping.metric == "val_accuracy" ? -INFINITY : INFINITY;
    if (resuming) {
        const std::string last = checkpointPath(runDir, "last");
        r.state = loadCheckpoint(last, *r.model, r.optimizer.get(), r.device);
        if (!r.state.shuffleRng.empty()) {
            std::istringstream is(r.state.shuffleRng);
            is >> r.shuffleRng;
        }
        if (r.state.torchRng.defined())
            setDefaultGeneratorState(r.state.torchRng);
        if (r.state.cudaRng.defined() && r.device.is_cuda())
            setCudaGeneratorState(r.device, r.state.cudaRng);
        else if (r.state.cudaRng.defined())
            log(Message::tr("the run trained on a GPU until now and continues on %1: its GPU random state (dropout "
                            "masks) cannot carry over, so from here it differs from a run that stayed on the GPU",
                            r.deviceName));
        if (r.state.lossScale > 0)
            r.scaler.restore(r.state.lossScale, r.state.lossScaleCleanSteps, r.state.skippedSteps);
        log(Message::tr("resumed from %1 after epoch %2", last, r.state.epoch));
        if (r.state.epoch >= r.epochs)
            log(Message::tr("the run already has %1 epochs; pass more epochs to continue it", r.state.epoch));
    }
    result.epochsCompleted = r.state.epoch;
}

// A run killed after its checkpoint but before its Epoch event reached metrics.jsonl resumes
// after that epoch without its event; the event is written now from last.json, which the
// checkpoint's epoch wrote, so the curves have every epoch.
void TrainingSession::Impl::recoverEpochEvent(Run &r)
{
    if (r.state.epoch < 1)
        return;
    int told = 0;
    for (const TrainingEvent &e : readMetrics(runDir))
        if (e.kind == TrainingEvent::Kind::Epoch)
            told = std::max(told, e.epoch);
    const fs::path lastJson = fs::path(runDir) / "last.json";
    if (told >= r.state.epoch || !fs::exists(lastJson))
        return;
    json info;
    try {
        info = json::parse(readTextFile(lastJson.string()));
    } catch (const std::exception &) {
        return; // a summary that cannot be read: the curves lack the point, nothing else
    }
    if (!info.is_object() || info.value("epoch", -1) != r.state.epoch)
        return;
    // last.json names its figures as the event does (loss, accuracy, val_loss, ...).
    TrainingEvent e = TrainingEvent::fromJson(info);
    e.kind = TrainingEvent::Kind::Epoch;
    e.epochs = r.epochs;
    e.learningRate = scheduledLr(r.ts, r.state.epoch);
    e.device = r.deviceName;
    emit(e);
    log(Message::tr("metrics.jsonl: epoch %1's figures were not written before the process ended; written now from "
                    "last.json",
                    r.state.epoch));
}

// Batches per epoch (fewer with a benchmark's batch limit) and the figures the ETA needs.
void TrainingSession::Impl::planBatches(Run &r)
{
    const int batchSize = r.ts.batchSize;
    const int64_t samples = epochSize(r);
    if (samples < 1)
        throw EngineError(Message::tr("fine-tuning has nothing to train on: no reviewed feedback items outside the "
                                      "feedback set, and /finetune/replay_fraction is 0"));
    r.batches = (samples + batchSize - 1) / batchSize;
    if (request.batchLimit && *request.batchLimit > 0)
        r.batches = std::min<int64_t>(r.batches, *request.batchLimit);
    r.runSamples = double(std::min<int64_t>(r.batches * batchSize, samples)) * double(r.epochs - r.state.epoch);
    r.samplesDone = 0;
    r.trainStart = std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds;
}

// One epoch of optimizer steps over a fresh shuffle, a Batch event after each. Returns false
// when the run ended inside the epoch (stopped by the user, or a loss that is not finite).
//
// Each batch's loss, hits and distillation parts stay on the device until they are read back
// (Run::readbackBatches): every batch on the CPU, about every 100 ms on a GPU, so the GPU is not
// made to wait once per batch. The read checks every loss it brings back, before the step of the
// batch that triggered it; a loss that is not finite fails the run naming its batch (on a GPU the
// batches after it in the same read have stepped already, but no checkpoint is written after
// them). The Batch events of a read go out after its step, each batch with its own figures; their
// timings are spread over the time the read covers in proportion to the samples.
bool TrainingSession::Impl::trainEpoch(Run &r, int epoch, double lr, EpochTotals &totals)
{
    const TrainingSettings &ts = r.ts;
    totals.reconstructs = ts.reconstructs() || r.regression;
    totals.distils = r.teacher.has_value();
    for (auto &group : r.optimizer->param_groups())
        group.options().set_lr(lr);
    r.model->train();
    epochOrder(r, r.order);
    const int64_t samples = int64_t(r.order.size());
    torch::Tensor perm;
    if (r.resident)
        perm = torch::from_blob(r.order.data(), {samples}, torch::kInt64).to(r.device);
    else
        r.prefetch->begin(r.order, ts.batchSize, r.batches);
    struct EndPrefetch { // the prefetch thread stops however the epoch ends
        BatchPrefetcher *p;
        ~EndPrefetch()
        {
            if (p)
                p->end();
        }
    } endPrefetch{r.prefetch.get()};
    const int batchSize = ts.batchSize;
    const auto epochStart = Clock::now();
    const double pausedAtStart = pausedSeconds;
    const int64_t skippedAtStart = r.scaler.skippedSteps();

    // Batches trained whose figures are still on the device, and those read back but not yet told.
    struct Pending {
        int64_t batch = 0, samples = 0;
        torch::Tensor figures; // [loss, hits, soft, hard], float64, on the device
    };
    std::vector<Pending> pending;
    struct Read {
        int64_t batch = 0, samples = 0;
        double loss = 0, hits = 0, soft = NAN, hard = NAN;
    };
    std::vector<Read> ready;
    auto lastRead = Clock::now();
    const auto epochSecondsNow = [&] {
        return std::chrono::duration<double>(Clock::now() - epochStart).count() - (pausedSeconds - pausedAtStart);
    };
    const auto runSecondsNow = [&] {
        return std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds - r.trainStart;
    };
    double toldEpoch = 0, toldRun = runSecondsNow(); // seconds when the previous events went out
    // The queued Batch events, in order, their times spread over the time since the last ones.
    const auto tell = [&] {
        if (ready.empty())
            return;
        const double epochNow = epochSecondsNow(), runNow = runSecondsNow();
        int64_t total = 0, done = 0;
        for (const Read &b : ready)
            total += b.samples;
        for (const Read &b : ready) {
            done += b.samples;
            const double share = double(done) / double(std::max<int64_t>(total, 1));
            const double epochSeconds = toldEpoch + (epochNow - toldEpoch) * share;
            const double runSeconds = toldRun + (runNow - toldRun) * share;
            totals.lossSum += b.loss * double(b.samples);
            if (r.teacher) {
                totals.softSum += b.soft * double(b.samples);
                totals.hardSum += b.hard * double(b.samples);
            }
            totals.hitSum += int64_t(std::llround(b.hits));
            totals.seen += b.samples;
            r.samplesDone += double(b.samples);
            TrainingEvent e;
            e.kind = TrainingEvent::Kind::Batch;
            e.epoch = epoch;
            e.epochs = r.epochs;
            e.batch = int(b.batch + 1);
            e.batchesPerEpoch = int(r.batches);
            e.loss = b.loss;
            e.accuracy = totals.reconstructs ? NAN : b.hits / double(b.samples);
            e.softLoss = r.teacher ? b.soft : NAN;
            e.hardLoss = r.teacher ? b.hard : NAN;
            e.learningRate = lr;
            e.samplesPerSecond = epochSeconds > 0 ? double(totals.seen) / epochSeconds : 0;
            e.etaSeconds = r.samplesDone > 0 ? runSeconds / r.samplesDone * (r.runSamples - r.samplesDone) : 0;
            e.elapsedSeconds = runSeconds;
            e.device = r.deviceName;
            emit(e);
        }
        toldEpoch = epochNow;
        toldRun = runNow;
        ready.clear();
    };

    // Brings the pending figures back (one wait for the device), checks the losses, and queues
    // the Batch events. Returns false, the run failed, at the first loss that is not finite.
    const auto readBack = [&]() -> bool {
        if (pending.empty())
            return true;
        std::vector<torch::Tensor> parts;
        for (const Pending &p : pending)
            parts.push_back(p.figures);
        const torch::Tensor host = torch::stack(parts).to(torch::kCPU).contiguous();
        const double *v = host.data_ptr<double>();
        for (size_t i = 0; i < pending.size(); ++i) {
            const double loss = v[4 * i];
            if (!std::isfinite(loss)) {
                tell(); // the batches before it trained, and are told first
                failOnNonFiniteLoss(r, loss, epoch, pending[i].batch, lr);
                pending.clear();
                return false;
            }
            ready.push_back(Read{pending[i].batch, pending[i].samples, loss, v[4 * i + 1], v[4 * i + 2], v[4 * i + 3]});
        }
        lastRead = Clock::now();
        pending.clear();
        return true;
    };
    const auto readDue = [&] {
        if (r.readbackBatches > 0)
            return int64_t(pending.size()) >= r.readbackBatches;
        return pending.size() >= 256 || Clock::now() - lastRead >= std::chrono::milliseconds(100);
    };
    // The figures a batch lacks (no hits to count, no teacher), made once for the epoch.
    const auto f64Options = torch::TensorOptions().dtype(torch::kFloat64).device(r.device);
    const torch::Tensor zero = torch::zeros({}, f64Options), nan = torch::full({}, NAN, f64Options);
    for (int64_t b = 0; b < r.batches; ++b) {
        if (paused || stopRequested) { // every trained batch is told before the run holds or stops
            if (!readBack())
                return false;
            tell();
        }
        if (stopRequestedBefore(r, epoch, b))
            return false;
        const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, samples);
        torch::Tensor x, y, idx;
        if (r.resident) {
            idx = perm.slice(0, begin, end);
            x = r.trainX.index_select(0, idx);
            y = r.trainY.index_select(0, idx);
        } else {
            BatchPrefetcher::Batch batch = r.prefetch->next();
            x = batch.inputs.to(r.device, /*non_blocking=*/true);
            y = batch.labels.to(r.device, /*non_blocking=*/true);
            idx = batch.indices.to(r.device, /*non_blocking=*/true);
        }
        x = r.augment(x, epoch, b);
        if (r.channelsLast)
            x = channelsLast(x);
        torch::Tensor out;
        LossAndHits lh;
        DistillationLoss dl;
        try {
            r.optimizer->zero_grad();
            AutocastGuard autocast(r.precision, r.device);
            out = r.model->forward(x);
            lh = projectLoss(ts, out, x, y, r.classes);
            if (r.teacher) {
                const torch::Tensor t =
                    r.teacherCache.defined() ? r.teacherCache.index_select(0, idx) : r.teacher->logits(x);
                dl = distillationLoss(out, t, y, r.project.distill.alpha, r.project.distill.temperature);
                lh.loss = dl.total;
            }
        } catch (const c10::Error &e) {
            throw EngineError(
                Message::tr("epoch %1, batch %2: forward pass failed: %3", epoch, b + 1, e.what_without_backtrace()));
        } catch (const EngineError &e) {
            throw EngineError(Message::tr("epoch %1, batch %2: forward pass failed in %3", epoch, b + 1, e.text()));
        }
        {
            torch::NoGradGuard noGrad;
            const auto f64 = [&](const torch::Tensor &t) {
                return t.defined() ? t.detach().to(torch::kFloat64).reshape({}) : zero;
            };
            pending.push_back(Pending{b, end - begin,
                                      torch::stack({f64(lh.loss), f64(lh.hits), r.teacher ? f64(dl.soft) : nan,
                                                    r.teacher ? f64(dl.hard) : nan})});
        }
        if (readDue() && !readBack())
            return false;
        r.scaler.scaled(lh.loss).backward();
        const bool finite = r.scaler.unscale(r.trainable);
        if (finite) {
            if (ts.gradClip > 0)
                torch::nn::utils::clip_grad_norm_(r.trainable, ts.gradClip);
            r.optimizer->step();
            applyMasks(r.masks);
        }
        r.scaler.update(finite);
        tell();
    }
    if (!readBack())
        return false;
    tell();
    totals.seconds = epochSecondsNow();
    totals.skippedSteps = r.scaler.enabled() ? r.scaler.skippedSteps() - skippedAtStart : -1;
    return true;
}

// Waits out a pause; when a stop was requested, ends the run as Stopped and returns true.
bool TrainingSession::Impl::stopRequestedBefore(Run &r, int epoch, int64_t batch)
{
    if (checkpointBetweenBatches())
        return false;
    result.status = TrainingEvent::Status::Stopped;
    setResultMessage(r.state.epoch ? Message::tr("stopped by the user in epoch %1 at batch %2; the last checkpoint "
                                                 "is from epoch %3, where train --resume continues",
                                                 epoch, batch + 1, r.state.epoch)
                                   : Message::tr("stopped by the user in epoch %1 at batch %2; the last checkpoint "
                                                 "is from the start (epoch 0), where train --resume continues",
                                                 epoch, batch + 1));
    log(result.text, epoch);
    return true;
}

// A NaN or infinite loss fails the run with an Error event naming the epoch and batch; the last
// good checkpoint stays. Returns true when it did.
bool TrainingSession::Impl::failOnNonFiniteLoss(Run &r, double loss, int epoch, int64_t batch, double lr)
{
    if (std::isfinite(loss))
        return false;
    result.status = TrainingEvent::Status::Failed;
    setResultMessage(std::isnan(loss)
                         ? Message::tr("the loss became NaN in epoch %1, batch %2 (learning rate %3); training "
                                       "stopped, and the last good checkpoint (epoch %4) is kept. Lower the learning "
                                       "rate or clip gradients.",
                                       epoch, batch + 1, json(lr).dump(), r.state.epoch)
                         : Message::tr("the loss became infinite in epoch %1, batch %2 (learning rate %3); training "
                                       "stopped, and the last good checkpoint (epoch %4) is kept. Lower the learning "
                                       "rate or clip gradients.",
                                       epoch, batch + 1, json(lr).dump(), r.state.epoch));
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Error;
    e.epoch = epoch;
    e.batch = int(batch + 1);
    e.setMessage(result.text);
    emit(e);
    errorReported = true;
    return true;
}

// Loss and accuracy on the validation split; both stay NaN when there is none.
void TrainingSession::Impl::validate(Run &r, double &valLoss, double &valAccuracy)
{
    if (r.valX.size(0) == 0)
        return;
    torch::NoGradGuard noGrad;
    r.model->eval();
    // Summed on the device and read once, so a GPU is not waited for after every slice.
    torch::Tensor sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(r.device));
    torch::Tensor hits = torch::zeros({}, torch::TensorOptions().dtype(torch::kInt64).device(r.device));
    RegressionSums regression;
    const int64_t nVal = r.valX.size(0);
    for (int64_t i = 0; i < nVal; i += kEvaluationBatch) {
        const int64_t j = std::min<int64_t>(i + kEvaluationBatch, nVal);
        torch::Tensor x = r.valX.slice(0, i, j).to(r.device), y = r.valY.slice(0, i, j).to(r.device);
        if (r.channelsLast)
            x = channelsLast(x);
        LossAndHits lhv;
        {
            AutocastGuard autocast(r.precision, r.device);
            lhv = projectLoss(r.ts, r.model->forward(x), x, y, r.classes);
        }
        sum += lhv.loss.detach().to(torch::kFloat64) * double(j - i);
        if (lhv.hits.defined())
            hits += lhv.hits.to(torch::kInt64);
        if (r.regression)
            regression.add(lhv.predictions, y);
    }
    valLoss = sum.item<double>() / double(nVal);
    valAccuracy = r.ts.reconstructs() || r.regression ? NAN : double(hits.item<int64_t>()) / double(nVal);
    r.valR2 = regression.r2();
    r.valMae = regression.mae();
    r.model->train();
}

// The random state the next epoch starts from, into what checkpoints keep.
void TrainingSession::Impl::storeRandomState(Run &r)
{
    std::ostringstream rng;
    rng << r.shuffleRng;
    r.state.shuffleRng = rng.str();
    r.state.torchRng = defaultGeneratorState();
    r.state.cudaRng = cudaGeneratorState(r.device);
    if (r.scaler.enabled()) {
        r.state.lossScale = r.scaler.scale();
        r.state.lossScaleCleanSteps = r.scaler.growthTracker();
        r.state.skippedSteps = r.scaler.skippedSteps();
    }
}

// `last` before the first epoch of a new run: the initial (or pretrained) weights and the random
// state epoch 1 starts from, so a run stopped or killed in its first epoch resumes exactly like
// one stopped later, and gives the losses of an uninterrupted run.
void TrainingSession::Impl::checkpointStart(Run &r)
{
    r.state.epoch = 0;
    storeRandomState(r);
    saveCheckpoint((fs::path(runDir) / "last.pt").string(), *r.model, r.optimizer.get(), r.state);
    writeTextFileAtomically((fs::path(runDir) / "last.json").string(),
                            json{{"epoch", 0}, {"saved", isoTimeNow()}}.dump(2) + "\n");
    summary["epochs_completed"] = 0;
    writeSummary();
}

// `last` after every epoch, `best` when the watched metric improved, and run.json's figures.
void TrainingSession::Impl::saveCheckpoints(Run &r, int epoch, bool improved, const EpochTotals &totals, double valLoss,
                                            double valAccuracy)
{
    r.state.epoch = epoch;
    storeRandomState(r);
    TrainingEvent figures;
    figures.epoch = epoch;
    figures.loss = totals.loss();
    figures.accuracy = totals.accuracy();
    figures.valLoss = valLoss;
    figures.valAccuracy = valAccuracy;
    figures.valR2 = r.valR2;
    figures.valMae = r.valMae;
    const json info = checkpointSummary(figures, r.regression, isoTimeNow());
    saveCheckpoint((fs::path(runDir) / "last.pt").string(), *r.model, r.optimizer.get(), r.state);
    writeTextFileAtomically((fs::path(runDir) / "last.json").string(), info.dump(2) + "\n");
    if (improved) {
        saveCheckpoint((fs::path(runDir) / "best.pt").string(), *r.model, r.optimizer.get(), r.state);
        writeTextFileAtomically((fs::path(runDir) / "best.json").string(), info.dump(2) + "\n");
        recordBestEpoch(summary, figures, r.regression);
    }
    result.epochsCompleted = epoch;
    result.bestMetric = r.state.bestMetric;
    result.lastValAccuracy = valAccuracy;
    summary["epochs_completed"] = epoch;
    writeSummary();
    crashPoint("train:after-epoch"); // kill -9 tests: a run interrupted between epochs
}

void TrainingSession::Impl::reportEpoch(Run &r, int epoch, double lr, const EpochTotals &totals, double valLoss,
                                        double valAccuracy)
{
    TrainingEvent e;
    e.kind = TrainingEvent::Kind::Epoch;
    e.epoch = epoch;
    e.epochs = r.epochs;
    e.batchesPerEpoch = int(r.batches);
    e.loss = totals.loss();
    e.accuracy = totals.accuracy();
    e.softLoss = totals.softLoss();
    e.hardLoss = totals.hardLoss();
    e.skippedSteps = totals.skippedSteps;
    e.valLoss = valLoss;
    e.valAccuracy = valAccuracy;
    e.valR2 = r.valR2;
    e.valMae = r.valMae;
    e.learningRate = lr;
    e.samplesPerSecond = totals.seconds > 0 ? double(totals.seen) / totals.seconds : 0;
    e.elapsedSeconds = std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds;
    const double trainedSeconds = e.elapsedSeconds - r.trainStart;
    e.etaSeconds = r.samplesDone > 0 ? trainedSeconds / r.samplesDone * (r.runSamples - r.samplesDone) : 0;
    e.device = r.deviceName;
    emit(e);
}

// Ends the run as EarlyStopped when the rule in training.h says so after this epoch.
bool TrainingSession::Impl::stopEarly(Run &r, int epoch)
{
    if (!earlyStoppingStops(r.ts.earlyStopping, r.state.epochsWithoutImprovement, epoch, r.epochs))
        return false;
    result.status = TrainingEvent::Status::EarlyStopped;
    setResultMessage(Message::tr("early stopping after epoch %1: %2 has not improved for %3 epoch(s); best was "
                                 "epoch %4",
                                 epoch, r.ts.earlyStopping.metric, r.state.epochsWithoutImprovement,
                                 r.state.bestEpoch));
    log(result.text, epoch);
    return true;
}

TrainingSession::TrainingSession(TrainRequest request, TrainingEventSink sink) : d(std::make_unique<Impl>())
{
    d->request = std::move(request);
    d->sink = std::move(sink);
}

TrainingSession::~TrainingSession()
{
    stop();
    wait();
}

void TrainingSession::start()
{
    if (d->running || d->worker.joinable())
        return;
    d->running = true;
    d->worker = std::thread([this] { d->run(); });
}

void TrainingSession::pause() { d->paused = true; }

void TrainingSession::resume()
{
    {
        std::lock_guard<std::mutex> lock(d->mutex);
        d->paused = false;
    }
    d->wake.notify_all();
}

void TrainingSession::stop()
{
    {
        std::lock_guard<std::mutex> lock(d->mutex);
        d->stopRequested = true;
    }
    d->wake.notify_all();
}

void TrainingSession::wait()
{
    if (d->worker.joinable() && d->worker.get_id() != std::this_thread::get_id())
        d->worker.join();
}

bool TrainingSession::isRunning() const { return d->running; }
bool TrainingSession::isPaused() const { return d->paused; }
bool TrainingSession::isHeld() const { return d->held; }
RunResult TrainingSession::result() const { return d->result; }

RunResult trainBlocking(TrainRequest request, const TrainingEventSink &sink)
{
    TrainingSession session(std::move(request), sink);
    session.start();
    session.wait();
    return session.result();
}

} // namespace torchwright
