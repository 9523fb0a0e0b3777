// The training loop on its own thread: run folder, data, model, optimizer, schedule, early
// stopping, checkpoints, and plain value events. LibTorch exceptions stop at this boundary and
// come out as Error events with the epoch and batch they happened in.

#include "torchwright/training.h"

#include "checkpoint.h"
#include "dataset.h"
#include "fileutil.h"
#include "losses.h"
#include "model.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
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
    }
    return "log";
}

// JSON has no NaN: non-finite numbers are written as null.
json number(double v) { return std::isfinite(v) ? json(v) : json(); }
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
        j["loss"] = number(loss);
        j["accuracy"] = number(accuracy);
        j["lr"] = learningRate;
        j["samples_per_second"] = number(samplesPerSecond);
        break;
    case Kind::Epoch:
        j["epoch"] = epoch;
        j["epochs"] = epochs;
        j["loss"] = number(loss);
        j["accuracy"] = number(accuracy);
        j["val_loss"] = number(valLoss);
        j["val_accuracy"] = number(valAccuracy);
        j["lr"] = learningRate;
        j["samples_per_second"] = number(samplesPerSecond);
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
    for (auto k : {Kind::Started, Kind::Batch, Kind::Epoch, Kind::Log, Kind::Error, Kind::Finished})
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

namespace {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const OptimizerSettings &o, std::vector<torch::Tensor> params)
{
    if (o.type == "sgd")
        return std::make_unique<torch::optim::SGD>(
            params, torch::optim::SGDOptions(o.lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weightDecay));
    if (o.type == "adamw")
        return std::make_unique<torch::optim::AdamW>(
            params, torch::optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weightDecay));
    if (o.type == "rmsprop")
        return std::make_unique<torch::optim::RMSprop>(
            params, torch::optim::RMSpropOptions(o.lr).alpha(o.alpha).eps(o.eps).weight_decay(o.weightDecay).momentum(o.momentum));
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

} // namespace

struct TrainingSession::Impl {
    TrainRequest request;
    TrainingEventSink sink;
    std::thread worker;
    std::atomic<bool> stopRequested{false};
    std::atomic<bool> paused{false};
    std::atomic<bool> running{false};
    std::mutex mutex;
    std::condition_variable wake;
    RunResult result;

    // Run-scoped state, only touched by the worker.
    std::ofstream metrics;
    json summary;
    std::string runDir;
    Clock::time_point runStart;
    double pausedSeconds = 0;
    bool errorReported = false; // an Error event with epoch and batch went out already

    void emit(TrainingEvent e)
    {
        if (!runDir.empty())
            e.runDir = runDir;
        if (metrics.is_open() && e.kind != TrainingEvent::Kind::Started) {
            metrics << e.toJson().dump() << '\n';
            if (e.kind != TrainingEvent::Kind::Batch)
                metrics.flush();
        }
        if (sink)
            sink(e);
    }

    void log(const std::string &message, int epoch = 0)
    {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Log;
        e.message = message;
        e.epoch = epoch;
        emit(e);
    }

    void writeSummary()
    {
        if (!runDir.empty())
            writeTextFileAtomically((fs::path(runDir) / "run.json").string(), summary.dump(2) + "\n");
    }

    // Blocks while paused; returns false when a stop was requested.
    bool checkpointBetweenBatches()
    {
        if (paused) {
            const auto t0 = Clock::now();
            std::unique_lock<std::mutex> lock(mutex);
            wake.wait(lock, [&] { return !paused || stopRequested; });
            pausedSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
        }
        return !stopRequested;
    }

    void run();
    void train(Project project, bool resuming);
};

void TrainingSession::Impl::run()
{
    runStart = Clock::now();
    try {
        Project project = request.project;
        bool resuming = !request.resumeRun.empty();
        if (resuming) {
            runDir = fs::absolute(request.resumeRun).lexically_normal().string();
            ProjectLoad load = loadRunProject(runDir);
            if (!load.ok())
                throw EngineError(load.diagnostics);
            project = load.project;
            try {
                summary = json::parse(readTextFile((fs::path(runDir) / "run.json").string()));
            } catch (const std::exception &) {
                summary = json::object();
            }
        } else {
            const std::string projectDir = project.filePath.empty() ? fs::current_path().string()
                                                                    : fs::path(project.filePath).parent_path().string();
            const std::string runsDir = request.runsDir.empty() ? (fs::path(projectDir) / "runs").string() : request.runsDir;
            std::string name = project.filePath.empty() ? project.name : fs::path(project.filePath).stem().string();
            runDir = newRunDir(runsDir, name);
            Project copy = project;
            saveProjectFile(copy, (fs::path(runDir) / "project.json").string());
            summary = json::object();
            summary["name"] = fs::path(runDir).filename().string();
            summary["project_name"] = project.name;
            summary["project_file"] = project.filePath;
            summary["created"] = isoTimeNow();
        }
        result.runDir = runDir;
        metrics.open((fs::path(runDir) / "metrics.jsonl").string(), std::ios::app);
        if (!metrics)
            throw EngineError((fs::path(runDir) / "metrics.jsonl").string() + ": cannot write");
        train(std::move(project), resuming);
    } catch (const EngineError &e) {
        result.status = TrainingEvent::Status::Failed;
        result.message = e.what();
    } catch (const c10::Error &e) {
        result.status = TrainingEvent::Status::Failed;
        result.message = std::string("LibTorch: ") + e.what_without_backtrace();
    } catch (const std::exception &e) {
        result.status = TrainingEvent::Status::Failed;
        result.message = e.what();
    }
    if (result.status == TrainingEvent::Status::Failed && !errorReported) {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Error;
        e.message = result.message;
        emit(e);
    }
    TrainingEvent fin;
    fin.kind = TrainingEvent::Kind::Finished;
    fin.status = result.status;
    fin.epoch = result.epochsCompleted;
    fin.message = result.message;
    fin.elapsedSeconds = std::chrono::duration<double>(Clock::now() - runStart).count();
    if (!runDir.empty()) {
        summary["status"] = statusName(result.status);
        if (!result.message.empty())
            summary["message"] = result.message;
        else
            summary.erase("message");
        try {
            writeSummary();
        } catch (const std::exception &) {
            // The Finished event below still reports the outcome.
        }
    }
    emit(fin);
    metrics.close();
    running = false;
}

void TrainingSession::Impl::train(Project project, bool resuming)
{
    const TrainingSettings &ts = project.training;
    const ThreadSettings threads = configureThreads(request.threads.value_or(ts.threads));
    const std::string deviceName = resolveDevice(request.device.value_or(ts.device));
    const torch::Device device(deviceName);
    const int epochs = request.epochs.value_or(int(summary.value("epochs_planned", ts.epochs)));
    if (request.epochs)
        summary["epochs_planned"] = *request.epochs;
    else if (!summary.contains("epochs_planned"))
        summary["epochs_planned"] = ts.epochs;
    summary["device"] = deviceName;
    summary["engine_version"] = engineVersion();
    summary["torch_version"] = torchVersion();
    summary["status"] = "running";
    writeSummary();

    {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Started;
        e.device = deviceName;
        e.epochs = epochs;
        e.message = std::string(resuming ? "resuming " : "starting ") + runDir + " on " + deviceName + " with "
                    + std::to_string(threads.intraOp) + " intra-op thread(s), " + threads.blasLibrary + " "
                    + std::to_string(threads.blas) + " thread(s)";
        emit(e);
        log(e.message);
    }

    GraphAnalysis analysis = analyzeProject(project);
    if (!analysis.ok())
        throw EngineError(analysis.diagnostics);
    const DType inputType = project.graph.node(analysis.inputNode)->params.value("dtype", "float32") == "int64"
                                ? DType::Int64
                                : DType::Float32;

    std::string missing;
    if (!datasetFilesPresent(project, &missing))
        throw EngineError(missing + ": dataset file not found; the dataset is needed to train (/dataset/path)");
    const auto tLoad = Clock::now();
    DataSplits data = loadDataSplits(project, inputType);
    {
        std::ostringstream os;
        os << "data: " << data.train.size() << " training, " << data.validation.size() << " validation, "
           << data.test.size() << " test samples of " << formatShape(project.dataset.sampleShape) << " ("
           << std::chrono::duration<double>(Clock::now() - tLoad).count() << " s)";
        if (!data.mean.empty()) {
            os << "; normalised with mean";
            for (double m : data.mean)
                os << ' ' << m;
            os << ", std";
            for (double s : data.std)
                os << ' ' << s;
        }
        log(os.str());
    }
    // What exports need to preprocess raw samples exactly as training did.
    summary["normalization"] = json{{"mean", data.mean}, {"std", data.std}};
    writeSummary();
    const int64_t nTrain = data.train.size();
    torch::Tensor trainX = data.train.inputs.to(device), trainY = data.train.labels.to(device);
    torch::Tensor valX = data.validation.inputs.to(device), valY = data.validation.labels.to(device);
    data = DataSplits{}; // the device copies are all that is needed now

    torch::manual_seed(ts.seed);
    GraphModel model(project.graph, TensorType{project.dataset.sampleShape, DType::Float32});
    model->to(device);

    if (!resuming && project.pretrain.enabled) {
        for (const auto &line : loadPretrainedWeights(project.resolvePath(project.pretrain.source), *model))
            log("pretrained " + line);
    }
    std::vector<torch::Tensor> trainable;
    for (const auto &p : model->named_parameters()) {
        const std::string layer = p.key().substr(0, p.key().find('.'));
        const auto &frozen = project.pretrain.frozen;
        if (std::find(frozen.begin(), frozen.end(), layer) != frozen.end())
            p.value().set_requires_grad(false);
        else
            trainable.push_back(p.value());
    }
    if (!project.pretrain.frozen.empty())
        log(std::to_string(project.pretrain.frozen.size()) + " layer(s) frozen");
    if (trainable.empty())
        throw EngineError("/pretrain/frozen: every layer is frozen; nothing is left to train");
    auto optimizer = makeOptimizer(ts.optimizer, trainable);

    TrainingState state;
    std::mt19937_64 shuffleRng(ts.seed);
    const bool watchAccuracy = ts.earlyStopping.metric == "val_accuracy";
    state.bestMetric = watchAccuracy ? -INFINITY : INFINITY;
    if (resuming) {
        const std::string last = checkpointPath(runDir, "last");
        state = loadCheckpoint(last, *model, optimizer.get(), device);
        if (!state.shuffleRng.empty()) {
            std::istringstream is(state.shuffleRng);
            is >> shuffleRng;
        }
        if (state.torchRng.defined())
            setDefaultGeneratorState(state.torchRng);
        log("resumed from " + last + " after epoch " + std::to_string(state.epoch));
        if (state.epoch >= epochs)
            log("the run already has " + std::to_string(state.epoch) + " epochs; pass more epochs to continue it");
    }
    result.epochsCompleted = state.epoch;

    const int batchSize = ts.batchSize;
    int64_t batches = (nTrain + batchSize - 1) / batchSize;
    if (request.batchLimit && *request.batchLimit > 0)
        batches = std::min<int64_t>(batches, *request.batchLimit);
    const int classes = project.dataset.numClasses;
    const double runSamples = double(batches * batchSize) * double(epochs - state.epoch);
    double samplesDone = 0;
    const double trainStart = std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds;
    std::vector<int64_t> order(static_cast<size_t>(nTrain));

    for (int epoch = state.epoch + 1; epoch <= epochs; ++epoch) {
        const double lr = scheduledLr(ts, epoch);
        for (auto &group : optimizer->param_groups())
            group.options().set_lr(lr);
        model->train();
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), shuffleRng);
        torch::Tensor perm = torch::from_blob(order.data(), {nTrain}, torch::kInt64).to(device);
        double lossSum = 0;
        int64_t hitSum = 0, seen = 0;
        const auto epochStart = Clock::now();
        const double pausedAtStart = pausedSeconds;
        for (int64_t b = 0; b < batches; ++b) {
            if (!checkpointBetweenBatches()) {
                result.status = TrainingEvent::Status::Stopped;
                result.message = "stopped by the user in epoch " + std::to_string(epoch) + " at batch "
                                 + std::to_string(b + 1) + "; the last checkpoint is from epoch "
                                 + std::to_string(state.epoch);
                log(result.message, epoch);
                return;
            }
            const int64_t begin = b * batchSize, end = std::min<int64_t>(begin + batchSize, nTrain);
            torch::Tensor idx = perm.slice(0, begin, end);
            torch::Tensor x = trainX.index_select(0, idx), y = trainY.index_select(0, idx);
            torch::Tensor out;
            LossAndHits lh;
            try {
                optimizer->zero_grad();
                out = model->forward(x);
                lh = lossAndHits(ts.loss, out, y, classes);
            } catch (const c10::Error &e) {
                throw EngineError("epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1)
                                  + ": forward pass failed: " + e.what_without_backtrace());
            } catch (const EngineError &e) {
                throw EngineError("epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1)
                                  + ": forward pass failed in " + e.what());
            }
            const double loss = lh.loss.item<double>();
            if (!std::isfinite(loss)) {
                result.status = TrainingEvent::Status::Failed;
                result.message = std::string("the loss became ") + (std::isnan(loss) ? "NaN" : "infinite") + " in epoch "
                                 + std::to_string(epoch) + ", batch " + std::to_string(b + 1) + " (learning rate "
                                 + json(lr).dump() + "); training stopped, and the last good checkpoint (epoch "
                                 + std::to_string(state.epoch) + ") is kept. Lower the learning rate or clip gradients.";
                TrainingEvent e;
                e.kind = TrainingEvent::Kind::Error;
                e.epoch = epoch;
                e.batch = int(b + 1);
                e.message = result.message;
                emit(e);
                errorReported = true;
                return;
            }
            lh.loss.backward();
            if (ts.gradClip > 0)
                torch::nn::utils::clip_grad_norm_(trainable, ts.gradClip);
            optimizer->step();

            const int64_t n = end - begin;
            const int64_t hits = lh.hits.item<int64_t>();
            lossSum += loss * double(n);
            hitSum += hits;
            seen += n;
            samplesDone += double(n);
            const double epochSeconds =
                std::chrono::duration<double>(Clock::now() - epochStart).count() - (pausedSeconds - pausedAtStart);
            const double runSeconds =
                std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds - trainStart;
            TrainingEvent e;
            e.kind = TrainingEvent::Kind::Batch;
            e.epoch = epoch;
            e.epochs = epochs;
            e.batch = int(b + 1);
            e.batchesPerEpoch = int(batches);
            e.loss = loss;
            e.accuracy = double(hits) / double(n);
            e.learningRate = lr;
            e.samplesPerSecond = epochSeconds > 0 ? double(seen) / epochSeconds : 0;
            e.etaSeconds = samplesDone > 0 ? runSeconds / samplesDone * (runSamples - samplesDone) : 0;
            e.elapsedSeconds = runSeconds;
            e.device = deviceName;
            emit(e);
        }
        const double epochSeconds =
            std::chrono::duration<double>(Clock::now() - epochStart).count() - (pausedSeconds - pausedAtStart);

        // Validation.
        double valLoss = NAN, valAcc = NAN;
        if (valX.size(0) > 0) {
            torch::NoGradGuard noGrad;
            model->eval();
            double sum = 0;
            int64_t hits = 0;
            const int64_t nVal = valX.size(0);
            for (int64_t i = 0; i < nVal; i += kEvaluationBatch) {
                const int64_t j = std::min<int64_t>(i + kEvaluationBatch, nVal);
                auto lhv = lossAndHits(ts.loss, model->forward(valX.slice(0, i, j)), valY.slice(0, i, j), classes);
                sum += lhv.loss.item<double>() * double(j - i);
                hits += lhv.hits.item<int64_t>();
            }
            valLoss = sum / double(nVal);
            valAcc = double(hits) / double(nVal);
            model->train();
        }
        const double trainLoss = lossSum / double(std::max<int64_t>(seen, 1));
        const double trainAcc = double(hitSum) / double(std::max<int64_t>(seen, 1));

        // Best checkpoint and early stopping on the watched metric (training loss when there is
        // no validation split).
        const double metric = valX.size(0) > 0 ? (watchAccuracy ? valAcc : valLoss) : trainLoss;
        const bool improved = watchAccuracy ? metric > state.bestMetric + ts.earlyStopping.minDelta
                                            : metric < state.bestMetric - ts.earlyStopping.minDelta;
        if (improved) {
            state.bestMetric = metric;
            state.bestEpoch = epoch;
            state.epochsWithoutImprovement = 0;
        } else {
            ++state.epochsWithoutImprovement;
        }
        state.epoch = epoch;
        std::ostringstream rng;
        rng << shuffleRng;
        state.shuffleRng = rng.str();
        state.torchRng = defaultGeneratorState();
        json info = {{"epoch", epoch}, {"loss", number(trainLoss)}, {"accuracy", number(trainAcc)},
                     {"val_loss", number(valLoss)}, {"val_accuracy", number(valAcc)}, {"saved", isoTimeNow()}};
        saveCheckpoint((fs::path(runDir) / "last.pt").string(), *model, optimizer.get(), state);
        writeTextFileAtomically((fs::path(runDir) / "last.json").string(), info.dump(2) + "\n");
        if (improved) {
            saveCheckpoint((fs::path(runDir) / "best.pt").string(), *model, optimizer.get(), state);
            writeTextFileAtomically((fs::path(runDir) / "best.json").string(), info.dump(2) + "\n");
            summary["best_epoch"] = epoch;
            summary["best_val_loss"] = number(valLoss);
            summary["best_val_accuracy"] = number(valAcc);
        }
        result.epochsCompleted = epoch;
        result.bestMetric = state.bestMetric;
        result.lastValAccuracy = valAcc;
        summary["epochs_completed"] = epoch;
        writeSummary();

        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Epoch;
        e.epoch = epoch;
        e.epochs = epochs;
        e.batchesPerEpoch = int(batches);
        e.loss = trainLoss;
        e.accuracy = trainAcc;
        e.valLoss = valLoss;
        e.valAccuracy = valAcc;
        e.learningRate = lr;
        e.samplesPerSecond = epochSeconds > 0 ? double(seen) / epochSeconds : 0;
        e.elapsedSeconds = std::chrono::duration<double>(Clock::now() - runStart).count() - pausedSeconds;
        e.etaSeconds = samplesDone > 0 ? (e.elapsedSeconds - trainStart) / samplesDone * (runSamples - samplesDone) : 0;
        e.device = deviceName;
        emit(e);

        if (ts.earlyStopping.enabled && state.epochsWithoutImprovement > ts.earlyStopping.patience && epoch < epochs) {
            result.status = TrainingEvent::Status::EarlyStopped;
            result.message = "early stopping after epoch " + std::to_string(epoch) + ": " + ts.earlyStopping.metric
                             + " has not improved for " + std::to_string(state.epochsWithoutImprovement)
                             + " epoch(s); best was epoch " + std::to_string(state.bestEpoch);
            log(result.message, epoch);
            return;
        }
    }
    result.status = TrainingEvent::Status::Completed;
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
RunResult TrainingSession::result() const { return d->result; }

RunResult trainBlocking(TrainRequest request, const TrainingEventSink &sink)
{
    TrainingSession session(std::move(request), sink);
    session.start();
    session.wait();
    return session.result();
}

} // namespace torchwright
