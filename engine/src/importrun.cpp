// import-run: the exported program's run folder (train.py --run-dir) made into a run of a project
// (torchwright/importrun.h states what is read, what is written and what is refused).

#include "torchwright/importrun.h"

#include "checkpoint.h"
#include "fileutil.h"
#include "model.h"
#include "programweights.h"
#include "runfolder.h"
#include "sha256.h"
#include "torchwright/analysis.h"
#include "torchwright/datasetformat.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char *kRecordFile = "program_run.json";
constexpr const char *kRecordFormat = "torchwright-program-run";
constexpr int kRecordVersion = 1;
constexpr int64_t kMaxEpochs = 100000; // the range of /training/epochs

fs::path folderPath(const std::string &dir)
{
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty())
        p = p.parent_path();
    return p;
}

std::string stringField(const json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// program_run.json, its fields checked before any is used.
json readRecord(const fs::path &dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw EngineError(Message::tr("%1: no such folder", dir.string()));
    const std::string path = (dir / kRecordFile).string();
    if (!fs::exists(path, ec))
        throw EngineError(Message::tr("%1: no %2; not a run folder of the exported PyTorch program (train.py "
                                      "--run-dir writes it)",
                                      dir.string(), kRecordFile));
    json j = readJsonFile(path);
    auto refuse = [&](const std::string &pointer, Message what) {
        throw EngineError(Message::tr("%1: %2: %3", path, pointer, std::move(what)));
    };
    if (!j.is_object() || stringField(j, "format") != kRecordFormat)
        throw EngineError(Message::tr("%1: not the record of an exported program's run (expected \"format\": \"%2\")",
                                      path, kRecordFormat));
    if (!j.contains("version") || !j["version"].is_number_integer())
        refuse("/version", Message::tr("expected an integer"));
    if (j["version"].get<int64_t>() > kRecordVersion)
        refuse("/version", Message::tr("version %1 is newer than this Torchwright reads (%2); update Torchwright",
                                       j["version"].get<int64_t>(), kRecordVersion));
    for (const char *k : {"status", "device", "torch_version", "message", "hostname", "started", "finished"})
        if (j.contains(k) && !j[k].is_string())
            refuse(std::string("/") + k, Message::tr("expected a string, got %1", j[k].type_name()));
    for (const char *k : {"epochs_planned", "epochs_completed", "best_epoch", "world_size"}) {
        if (!j.contains(k))
            continue;
        const json &v = j[k];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxEpochs)
            refuse(std::string("/") + k, Message::tr("expected an integer 0..%1, got %2", kMaxEpochs, v.dump()));
    }
    for (const char *k : {"origin", "normalization", "early_stopping", "test"})
        if (j.contains(k) && !j[k].is_object())
            refuse(std::string("/") + k, Message::tr("expected an object, got %1", j[k].type_name()));
    if (j.contains("normalization"))
        for (const char *k : {"mean", "std"}) {
            const json &n = j["normalization"];
            const std::string pointer = std::string("/normalization/") + k;
            if (!n.contains(k) || !n[k].is_array())
                refuse(pointer, Message::tr("expected an array of numbers"));
            for (const json &x : n[k])
                if (!x.is_number())
                    refuse(pointer, Message::tr("expected an array of numbers"));
        }
    return j;
}

// metrics.jsonl, every line checked: the text to copy, and the epoch and finished events.
struct ProgramMetrics {
    std::string text;
    std::vector<TrainingEvent> epochs; // in order, epoch 1, 2, ...
    std::optional<TrainingEvent> finished;
    int epochsPlanned = 0;
};

ProgramMetrics readProgramMetrics(const fs::path &dir)
{
    const std::string path = (dir / "metrics.jsonl").string();
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw EngineError(Message::tr("%1: no metrics.jsonl; the program wrote no events (it did not get to its "
                                      "first batch)",
                                      dir.string()));
    ProgramMetrics m;
    m.text = readTextFile(path);
    static const std::set<std::string> kinds = {"started", "batch", "epoch", "log", "error", "finished", "import"};
    static const std::set<std::string> statuses = {"completed", "early_stopped", "stopped", "failed"};
    size_t pos = 0;
    int64_t line = 0;
    while (pos < m.text.size()) {
        ++line;
        const size_t end = m.text.find('\n', pos);
        if (end == std::string::npos)
            throw EngineError(Message::tr("%1: line %2 is torn (no newline at its end: the program was killed while "
                                          "writing it); delete that line to import the events before it",
                                          path, line));
        const std::string text = m.text.substr(pos, end - pos);
        pos = end + 1;
        if (text.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        json j;
        try {
            j = json::parse(text);
        } catch (const json::exception &) {
            throw EngineError(Message::tr("%1: line %2 is not JSON", path, line));
        }
        if (!j.is_object() || !j.contains("event") || !j["event"].is_string()
            || !kinds.count(j["event"].get<std::string>()))
            throw EngineError(Message::tr("%1: line %2 is not an event of the studio's format (an object with "
                                          "\"event\": batch, epoch, log or finished)",
                                          path, line));
        for (const char *k : {"loss", "accuracy", "val_loss", "val_accuracy", "val_r2", "val_mae", "lr",
                              "samples_per_second", "elapsed_seconds"})
            if (j.contains(k) && !j[k].is_number() && !j[k].is_null())
                throw EngineError(Message::tr("%1: line %2: \"%3\" is not a number", path, line, k));
        for (const char *k : {"epoch", "epochs", "batch", "batches"})
            if (j.contains(k)
                && (!j[k].is_number_integer() || j[k].get<int64_t>() < 0 || j[k].get<int64_t>() > kMaxEpochs * 1000))
                throw EngineError(Message::tr("%1: line %2: \"%3\" is not a count", path, line, k));
        if (m.finished)
            throw EngineError(
                Message::tr("%1: line %2 follows the finished event; the file holds more than one run", path, line));
        const std::string kind = j["event"];
        TrainingEvent e = TrainingEvent::fromJson(j);
        if (kind == "epoch") {
            if (e.epoch != int(m.epochs.size()) + 1)
                throw EngineError(Message::tr("%1: line %2 is epoch %3, but %4 epoch(s) came before it", path, line,
                                              e.epoch, m.epochs.size()));
            m.epochsPlanned = std::max(m.epochsPlanned, e.epochs);
            m.epochs.push_back(e);
        } else if (kind == "finished") {
            if (!j.contains("status") || !j["status"].is_string() || !statuses.count(j["status"].get<std::string>()))
                throw EngineError(Message::tr("%1: line %2: the finished event's status is not completed, "
                                              "early_stopped, stopped or failed",
                                              path, line));
            m.finished = e;
        }
    }
    return m;
}

// The watched metric of an epoch (training.h): on the validation split, or on the training split
// when there was none (its figures are then null).
double watchedMetric(const TrainingEvent &e, const EarlyStoppingSettings &rule)
{
    const bool validated = std::isfinite(e.valLoss);
    if (rule.metric == "val_accuracy")
        return validated ? e.valAccuracy : e.accuracy;
    return validated ? e.valLoss : e.loss;
}

// The best epoch by the early-stopping rule (training.h), for a record that did not get to say it.
int bestEpochOf(const std::vector<TrainingEvent> &epochs, const EarlyStoppingSettings &rule)
{
    double best = rule.metric == "val_accuracy" ? -INFINITY : INFINITY;
    int bestEpoch = 0;
    for (const TrainingEvent &e : epochs) {
        const double metric = watchedMetric(e, rule);
        if (earlyStoppingImproves(rule, metric, best)) {
            best = metric;
            bestEpoch = e.epoch;
        }
    }
    return bestEpoch;
}

EarlyStoppingSettings ruleOf(const json &record, const Project &project)
{
    EarlyStoppingSettings rule = project.training.earlyStopping;
    if (record.contains("early_stopping")) {
        const json &r = record["early_stopping"];
        if (r.contains("metric") && r["metric"].is_string())
            rule.metric = r["metric"].get<std::string>();
        if (r.contains("min_delta") && r["min_delta"].is_number())
            rule.minDelta = r["min_delta"].get<double>();
    }
    return rule;
}

// Removes the folders of an import that did not finish.
struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup()
    {
        std::error_code ec;
        for (const fs::path &p : paths)
            fs::remove_all(p, ec);
    }
};

} // namespace

std::string programRunProject(const std::string &programRunDir)
{
    const json record = readRecord(folderPath(programRunDir));
    return record.contains("origin") ? stringField(record["origin"], "project_file") : std::string();
}

ImportedRun importProgramRun(const std::string &programRunDir, const ImportRunOptions &options)
{
    const fs::path source = folderPath(programRunDir);
    const json record = readRecord(source);
    const json origin = record.value("origin", json::object());
    ProgramMetrics metrics = readProgramMetrics(source);
    const int epochs = int(metrics.epochs.size());
    const std::string recordedStatus = stringField(record, "status");
    if (epochs == 0)
        throw EngineError(Message::tr(
            "%1: the program completed no epoch (status %2%3); there is nothing to import", source.string(),
            metrics.finished ? statusName(metrics.finished->status) : "unknown",
            metrics.finished && !metrics.finished->message.empty() ? ": " + metrics.finished->message : std::string()));
    const fs::path last = source / "last.pt", best = source / "best.pt";
    if (!fs::exists(last))
        throw EngineError(Message::tr("%1: no last.pt, though metrics.jsonl has %2 epoch(s)", source.string(), epochs));

    // The project: the one named, else the one the program was exported from.
    std::string projectFile = options.projectFile;
    if (projectFile.empty()) {
        projectFile = stringField(origin, "project_file");
        if (projectFile.empty())
            throw EngineError(Message::tr("%1: the run does not name its project (no /origin/project_file in %2); "
                                          "name it with --project",
                                          source.string(), kRecordFile));
        if (!fs::exists(projectFile))
            throw EngineError(Message::tr("%1: the project the program was exported from is not on this machine; "
                                          "name it with --project (the program's folder holds a copy, project.json)",
                                          projectFile));
    }
    ProjectLoad load = loadProjectFile(projectFile);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    Project project = load.project;
    const GraphAnalysis analysis = analyzeProject(project);
    if (!analysis.ok())
        throw EngineError(analysis.diagnostics);

    // The checkpoints, checked against the project's graph before anything is written.
    const bool regression = isRegression(project) && !project.training.reconstructs();
    const EarlyStoppingSettings rule = ruleOf(record, project);
    int bestEpoch = 0;
    if (record.contains("best_epoch") && record.value("epochs_completed", -1) == epochs)
        bestEpoch = record["best_epoch"].get<int>();
    else
        bestEpoch = bestEpochOf(metrics.epochs, rule); // killed before its record caught up
    if (bestEpoch > epochs || (bestEpoch > 0 && !fs::exists(best)))
        throw EngineError(Message::tr("%1: %2 names epoch %3 as the best, but best.pt is missing or metrics.jsonl has "
                                      "%4 epoch(s)",
                                      source.string(), kRecordFile, bestEpoch, epochs));
    const TensorType input{project.dataset.sampleShape, DType::Float32};
    GraphModel lastModel(project.graph, input);
    loadProgramWeights(last.string(), *lastModel);
    GraphModel bestModel{nullptr};
    if (bestEpoch > 0) {
        bestModel = GraphModel(project.graph, input);
        loadProgramWeights(best.string(), *bestModel);
    }

    // The status, and a finished event when the program ended without one (killed).
    std::string status = metrics.finished ? statusName(metrics.finished->status) : "stopped";
    std::string message = metrics.finished ? metrics.finished->message : std::string();
    if (!metrics.finished) {
        message = Message::tr("the program ended without its finished event (killed, or its machine went down) "
                              "after %1 epoch(s)",
                              epochs)
                      .str();
        TrainingEvent fin;
        fin.kind = TrainingEvent::Kind::Finished;
        fin.status = TrainingEvent::Status::Stopped;
        fin.epoch = epochs;
        fin.elapsedSeconds = metrics.epochs.back().elapsedSeconds;
        fin.message = message;
        metrics.text += fin.toJson().dump() + "\n";
    }

    // The new run folder: its name reserved (an empty folder, which no reader lists), made under a
    // temporary name beside it and renamed over it.
    const std::string runsDir =
        !options.runsDir.empty() ? options.runsDir : (fs::absolute(projectFile).parent_path() / "runs").string();
    const std::string name = options.name.empty() ? fs::path(projectFile).stem().string() : options.name;
    Cleanup cleanup;
    const fs::path target = newRunDir(runsDir, name);
    cleanup.paths.push_back(target);
    const fs::path temp =
        fs::path(runsDir) / (".import-" + std::to_string(::getpid()) + "-" + target.filename().string());
    fs::remove_all(temp);
    fs::create_directories(temp);
    cleanup.paths.push_back(temp);

    const std::string now = isoTimeNow();
    const TrainingEvent &lastEpoch = metrics.epochs.back();
    TrainingState state;
    state.epoch = epochs;
    state.bestEpoch = bestEpoch;
    state.bestMetric = bestEpoch > 0 ? watchedMetric(metrics.epochs[size_t(bestEpoch - 1)], rule) : 0;
    state.epochsWithoutImprovement = epochs - bestEpoch;
    saveCheckpoint((temp / "last.pt").string(), *lastModel, nullptr, state);
    writeTextFileAtomically((temp / "last.json").string(),
                            checkpointSummary(lastEpoch, regression, now).dump(2) + "\n");
    if (bestEpoch > 0) {
        TrainingState bestState = state;
        bestState.epoch = bestEpoch;
        bestState.epochsWithoutImprovement = 0;
        saveCheckpoint((temp / "best.pt").string(), *bestModel, nullptr, bestState);
        writeTextFileAtomically((temp / "best.json").string(),
                                checkpointSummary(metrics.epochs[size_t(bestEpoch - 1)], regression, now).dump(2)
                                    + "\n");
    }
    writeTextFileAtomically((temp / "metrics.jsonl").string(), metrics.text);
    Project copy = project;
    analyzeProject(copy).normalize(copy.graph); // the run's copy lists every parameter, as training writes it
    saveProjectFile(copy, (temp / "project.json").string());

    json summary = json::object();
    summary["project_sha256"] = sha256File((temp / "project.json").string());
    summary["name"] = target.filename().string();
    summary["project_name"] = project.name;
    summary["project_file"] = fs::absolute(projectFile).lexically_normal().string();
    // When the program began (UTC), as "created" says for a run trained here; the import's time is
    // in imported_from.
    const std::string started = stringField(record, "started");
    summary["created"] = started.empty() ? now : started;
    summary["status"] = status;
    if (!message.empty())
        summary["message"] = message;
    summary["epochs_planned"] = std::max({record.value("epochs_planned", 0), metrics.epochsPlanned, epochs});
    summary["epochs_completed"] = epochs;
    summary["device"] = stringField(record, "device");
    summary["engine_version"] = engineVersion();
    summary["torch_version"] = stringField(record, "torch_version");
    if (bestEpoch > 0) {
        recordBestEpoch(summary, metrics.epochs[size_t(bestEpoch - 1)], regression);
    }
    if (regression)
        summary["task"] = "regression";
    // What exports need to preprocess raw samples exactly as the program did.
    if (record.contains("normalization"))
        summary["normalization"] = record["normalization"];
    if (origin.contains("preprocessing") && origin["preprocessing"].is_object())
        summary["preprocessing"] = origin["preprocessing"];
    if (origin.contains("test_sha256") && origin["test_sha256"].is_string())
        summary["test_sha256"] = origin["test_sha256"];
    json from = {{"dir", source.string()},
                 {"imported", now},
                 {"format", kRecordFormat},
                 {"version", record["version"]},
                 {"status", recordedStatus}};
    for (const char *k : {"world_size", "hostname", "python_version", "started", "finished", "engine_version", "test"})
        if (record.contains(k))
            from[k] = record[k];
    for (const char *k : {"run", "checkpoint", "project_file"})
        if (origin.contains(k))
            from[std::string("exported_from_") + k] = origin[k];
    summary["imported_from"] = from;
    if (!summary.contains("preprocessing")) {
        // A program exported without the record: made from the normalisation, as for old runs.
        writeTextFileAtomically((temp / "run.json").string(), summary.dump(2) + "\n");
        summary["preprocessing"] = runPreprocessing(temp.string(), copy);
    }
    summary["sha256"] = runJsonSha256(summary);
    writeTextFileAtomically((temp / "run.json").string(), summary.dump(2) + "\n");

    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec)
        throw EngineError(
            Message::tr("%1: cannot move the imported run into place: %2", target.string(), ec.message()));
    cleanup.paths.clear();

    ImportedRun r;
    r.runDir = target.string();
    r.status = status;
    r.epochsCompleted = epochs;
    r.epochsPlanned = summary["epochs_planned"].get<int>();
    r.bestEpoch = bestEpoch;
    return r;
}

} // namespace torchwright
