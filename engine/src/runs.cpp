// Reading run folders back: summaries for the runs panel, metrics for the plots, and
// evaluation of a checkpoint on the test split.

#include "torchwright/runs.h"

#include "torchwright/memory.h"

#include "checkpoint.h"
#include "dataset.h"
#include "evaluation.h"
#include "fileutil.h"
#include "losses.h"
#include "model.h"
#include "runfolder.h"
#include "sha256.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runtime.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

std::string runJsonSha256(const json &j)
{
    json rest = j;
    rest.erase("sha256");
    return sha256Hex(rest.dump());
}

json readRunJson(const std::string &runDir)
{
    const std::string path = (fs::path(runDir) / "run.json").string();
    json j = readJsonFile(path);
    auto refuse = [&](const std::string &pointer, Message what) {
        throw EngineError(pointer.empty() ? Message::tr("%1: %2", path, std::move(what))
                                          : Message::tr("%1: %2: %3", path, pointer, std::move(what)));
    };
    if (!j.is_object())
        refuse("", Message::tr("expected an object, got %1", j.type_name()));
    // The checksum first: no field of a damaged file is believed (runs.h; none in older runs).
    if (j.contains("sha256")) {
        if (!j["sha256"].is_string())
            refuse("/sha256", Message::tr("expected a string, got %1", j["sha256"].type_name()));
        if (j["sha256"].get<std::string>() != runJsonSha256(j))
            refuse("", Message::tr("damaged: its content does not match its SHA-256 (\"sha256\"); it was changed after "
                                   "the run wrote it. Restore it from a copy, or delete the \"sha256\" line to accept "
                                   "the file as it is"));
    }
    for (const char *k : {"name", "project_name", "project_file", "created", "status", "message", "device",
                          "engine_version", "torch_version", "project_sha256", "display_name", "note"})
        if (j.contains(k) && !j[k].is_string())
            refuse(std::string("/") + k, Message::tr("expected a string, got %1", j[k].type_name()));
    constexpr int64_t kMaxEpochs = 100000; // the range of /training/epochs
    for (const char *k : {"epochs_planned", "epochs_completed", "best_epoch"}) {
        if (!j.contains(k))
            continue;
        const json &v = j[k];
        if (!v.is_number_integer())
            refuse(std::string("/") + k, Message::tr("expected an integer, got %1", v.type_name()));
        if (v.is_number_unsigned() ? v.get<uint64_t>() > uint64_t(kMaxEpochs)
                                   : (v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxEpochs))
            refuse(std::string("/") + k, Message::tr("expected 0..%1, got %2", kMaxEpochs, v.dump()));
    }
    for (const char *k : {"best_val_loss", "best_val_accuracy", "best_val_r2", "best_val_mae"})
        if (j.contains(k) && !j[k].is_number() && !j[k].is_null())
            refuse(std::string("/") + k, Message::tr("expected a number, got %1", j[k].type_name()));
    if (j.contains("preprocessing") && !j["preprocessing"].is_object())
        refuse("/preprocessing", Message::tr("expected an object, got %1", j["preprocessing"].type_name()));
    if (j.contains("normalization")) {
        const json &n = j["normalization"];
        if (!n.is_object())
            refuse("/normalization", Message::tr("expected an object, got %1", n.type_name()));
        for (const char *k : {"mean", "std"}) {
            if (!n.contains(k))
                continue;
            const std::string pointer = std::string("/normalization/") + k;
            if (!n[k].is_array())
                refuse(pointer, Message::tr("expected an array of numbers, got %1", n[k].type_name()));
            for (size_t i = 0; i < n[k].size(); ++i)
                if (!n[k][i].is_number())
                    refuse(pointer + "/" + std::to_string(i),
                           Message::tr("expected a number, got %1", n[k][i].type_name()));
        }
    }
    return j;
}

RunSummary readRunSummary(const std::string &runDir)
{
    RunSummary s;
    s.dir = runDir;
    s.name = fs::path(runDir).filename().string();
    json j;
    try {
        j = readRunJson(runDir);
    } catch (const std::exception &e) {
        s.status = "unreadable";
        s.message = e.what();
        s.text =
            dynamic_cast<const EngineError *>(&e) ? static_cast<const EngineError &>(e).text() : Message(s.message);
        return s;
    }
    auto num = [&](const char *k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : NAN; };
    s.created = j.value("created", "");
    s.status = j.value("status", "unknown");
    s.epochsCompleted = j.value("epochs_completed", 0);
    s.epochsPlanned = j.value("epochs_planned", 0);
    s.bestValAccuracy = num("best_val_accuracy");
    s.bestValLoss = num("best_val_loss");
    s.regression = j.value("task", "") == "regression";
    s.bestValR2 = num("best_val_r2");
    s.bestValMae = num("best_val_mae");
    s.device = j.value("device", "");
    s.message = j.value("message", "");
    s.text = Message(s.message);
    if (const auto t = j.find("message_text"); t != j.end())
        if (Message m = Message::fromJson(*t); m.translatable() && m.str() == s.message)
            s.text = std::move(m); // only when it says what "message" says
    s.displayName = j.value("display_name", "");
    s.note = j.value("note", "");
    s.projectName = j.value("project_name", "");
    s.projectFile = j.value("project_file", "");
    s.projectSha256 = j.value("project_sha256", "");
    // "running" is believed only while a process holds run.lock (runs.h).
    if (s.status == "running" && !runLockHeld(runDir)) {
        s.status = "interrupted";
        s.text = Message::tr("the training process ended without finishing the run (killed, crashed or the machine "
                             "stopped) after %1 epoch(s); train --resume continues it",
                             s.epochsCompleted);
        s.message = s.text.str();
    }
    return s;
}

Normalization runNormalization(const std::string &runDir, const Project &project)
{
    // A damaged run.json is an error naming it; only a run that predates the record is computed.
    if (fs::exists(fs::path(runDir) / "run.json")) {
        const json j = readRunJson(runDir);
        if (j.contains("normalization"))
            return {j["normalization"].value("mean", std::vector<double>{}),
                    j["normalization"].value("std", std::vector<double>{})};
    }
    const Node *input = project.graph.node(analyzeProject(project).inputNode);
    const DType type = input && input->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    DataSplits data = loadDataSplits(project, type);
    return {data.mean, data.std};
}

json runPreprocessing(const std::string &runDir, const Project &project)
{
    if (fs::exists(fs::path(runDir) / "run.json")) {
        const json j = readRunJson(runDir);
        if (j.contains("preprocessing"))
            return j["preprocessing"];
    }
    const Normalization norm = runNormalization(runDir, project);
    const Node *input = project.graph.node(analyzeProject(project).inputNode);
    const DType type = input && input->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    const DatasetFormat &format = datasetFormat(project);
    return json{{"format", format.name},
                {"scale", format.scale(type)},
                {"normalize", norm.mean.empty() ? "none" : project.preprocess.normalize},
                {"mean", norm.mean},
                {"std", norm.std}};
}

std::vector<RunSummary> listRuns(const std::string &runsDir)
{
    std::vector<RunSummary> runs;
    std::error_code ec;
    if (!fs::is_directory(runsDir, ec))
        return runs;
    for (const auto &entry : fs::directory_iterator(runsDir, ec))
        if (entry.is_directory() && fs::exists(entry.path() / "run.json"))
            runs.push_back(readRunSummary(entry.path().string()));
    std::sort(runs.begin(), runs.end(), [](const RunSummary &a, const RunSummary &b) { return a.name < b.name; });
    return runs;
}

std::vector<TrainingEvent> readMetrics(const std::string &runDir, std::vector<Message> *problems)
{
    std::vector<TrainingEvent> events;
    const std::string path = (fs::path(runDir) / "metrics.jsonl").string();
    std::error_code ec;
    if (!fs::exists(path, ec))
        return events;
    if (!fs::is_regular_file(path, ec)) {
        if (problems)
            problems->push_back(Message::tr("%1: not a regular file; no metrics read", path));
        return events;
    }
    std::ifstream in(path, std::ios::binary);
    std::string line;
    int64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty())
            continue;
        const bool last = in.eof(); // no newline after it: cut short by a kill mid-write
        try {
            json j = parseJsonText(line, path);
            if (!j.is_object())
                throw EngineError("not an object");
            events.push_back(TrainingEvent::fromJson(j));
        } catch (const std::exception &) {
            // The rest of the file is still worth reading.
            if (problems)
                problems->push_back(
                    (last ? Message::tr("%1: line %2 is torn (the run was killed while writing it) and was skipped",
                                        path, number)
                          : Message::tr("%1: line %2 is not a JSON object and was skipped", path, number)));
        }
    }
    return events;
}

int64_t repairMetricsFile(const std::string &runDir)
{
    const std::string path = (fs::path(runDir) / "metrics.jsonl").string();
    std::error_code ec;
    if (!fs::exists(path, ec))
        return 0;
    requireRegularFile(path);
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot read its size: %2", path, ec.message()));
    if (size == 0)
        return 0;
    // Find the last newline, reading backwards in blocks.
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw EngineError(Message::tr("%1: cannot read", path));
    uint64_t keep = 0;
    char block[4096];
    uint64_t end = size;
    bool found = false;
    while (end > 0 && !found) {
        const uint64_t begin = end > sizeof block ? end - sizeof block : 0;
        in.seekg(std::streamoff(begin));
        in.read(block, std::streamsize(end - begin));
        if (!in)
            throw EngineError(Message::tr("%1: cannot read", path));
        for (uint64_t i = end - begin; i > 0; --i)
            if (block[i - 1] == '\n') {
                keep = begin + i;
                found = true;
                break;
            }
        end = begin;
    }
    in.close();
    if (keep == size)
        return 0;
    fs::resize_file(path, keep, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot drop its torn last line: %2", path, ec.message()));
    return int64_t(size - keep);
}

bool runIsLive(const std::string &runDir) { return runLockHeld(runDir); }

bool runBelongsToProject(const RunSummary &run, const std::string &projectFile, const std::string &projectName)
{
    if (run.status == "unreadable")
        return true;
    if (!run.projectFile.empty())
        return !projectFile.empty() && fs::path(run.projectFile).filename() == fs::path(projectFile).filename();
    return run.projectName == projectName;
}

namespace {

constexpr const char *kTrashFolder = ".trash";
constexpr const char *kTrashRecord = "trashed.json";

// "runs/a/" -> "/abs/runs/a": the folder as one absolute path without a trailing separator.
fs::path runFolderPath(const std::string &runDir)
{
    fs::path p = fs::absolute(runDir).lexically_normal();
    if (p.filename().empty())
        p = p.parent_path();
    return p;
}

// What is done to a run folder, for the sentence that refuses it while the run trains.
enum class RunChange { Rename, Note, Delete };

// Refuses, naming the run, while its trainer holds run.lock: it rewrites run.json and its files.
void refuseWhileTraining(const std::string &runDir, RunChange change)
{
    if (!runLockHeld(runDir))
        return;
    switch (change) {
    case RunChange::Rename:
        throw EngineError(Message::tr("%1: the run is training now (its process holds run.lock); rename it once it "
                                      "has ended or been stopped",
                                      runDir));
    case RunChange::Note:
        throw EngineError(Message::tr("%1: the run is training now (its process holds run.lock); change its note "
                                      "once it has ended or been stopped",
                                      runDir));
    case RunChange::Delete:
        throw EngineError(Message::tr("%1: the run is training now (its process holds run.lock); delete it once it "
                                      "has ended or been stopped",
                                      runDir));
    }
}

// Changes run.json under the run's lock: read and checked, changed by `edit`, its checksum renewed,
// written atomically.
void editRunJson(const std::string &runDir, RunChange change, const std::function<void(json &)> &edit)
{
    const fs::path dir = runFolderPath(runDir);
    if (!fs::is_directory(dir) || !fs::exists(dir / "run.json"))
        throw EngineError(Message::tr("%1: not a run folder (no run.json)", runDir));
    refuseWhileTraining(runDir, change);
    RunLock lock;
    lock.acquire(dir.string());
    json j = readRunJson(dir.string());
    edit(j);
    j["sha256"] = runJsonSha256(j);
    writeTextFileAtomically((dir / "run.json").string(), j.dump(2) + "\n");
}

std::string trimmed(const std::string &s)
{
    const char *space = " \t\r\n";
    const size_t b = s.find_first_not_of(space);
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(space) - b + 1);
}

} // namespace

void renameRun(const std::string &runDir, const std::string &displayName)
{
    const std::string name = trimmed(displayName);
    if (name.size() > kMaxRunNameLength)
        throw EngineError(
            Message::tr("%1: the name has %2 bytes; at most %3 are allowed", runDir, name.size(), kMaxRunNameLength));
    if (name.find_first_of("\r\n") != std::string::npos)
        throw EngineError(Message::tr("%1: a run's name is one line; it has a line break", runDir));
    editRunJson(runDir, RunChange::Rename, [&](json &j) {
        if (name.empty() || name == runFolderPath(runDir).filename().string())
            j.erase("display_name");
        else
            j["display_name"] = name;
    });
}

void setRunNote(const std::string &runDir, const std::string &note)
{
    if (note.size() > kMaxRunNoteLength)
        throw EngineError(
            Message::tr("%1: the note has %2 bytes; at most %3 are allowed", runDir, note.size(), kMaxRunNoteLength));
    editRunJson(runDir, RunChange::Note, [&](json &j) {
        if (trimmed(note).empty())
            j.erase("note");
        else
            j["note"] = note;
    });
}

std::string runsTrashDir(const std::string &runsDir) { return (fs::path(runsDir) / kTrashFolder).string(); }

std::string trashRun(const std::string &runDir)
{
    const fs::path dir = runFolderPath(runDir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || fs::is_symlink(dir, ec))
        throw EngineError(Message::tr("%1: not a run folder", runDir));
    if (!fs::exists(dir / "run.json", ec) && !fs::exists(dir / "project.json", ec))
        throw EngineError(Message::tr("%1: not a run folder (neither run.json nor project.json); not moved", runDir));
    if (dir.parent_path().filename() == kTrashFolder)
        throw EngineError(Message::tr("%1: the run is in the trash already", runDir));
    refuseWhileTraining(dir.string(), RunChange::Delete);
    // Held while the folder moves, so no trainer can resume the run meanwhile; the descriptor
    // stays valid when the folder is renamed.
    RunLock lock;
    lock.acquire(dir.string());
    const fs::path trash = dir.parent_path() / kTrashFolder;
    fs::create_directories(trash, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot create the trash folder: %2", trash.string(), ec.message()));
    const std::string name = dir.filename().string();
    fs::path target = trash / name;
    for (int i = 2; fs::exists(target, ec) || fs::is_symlink(target, ec); ++i)
        target = trash / (name + "-" + std::to_string(i));
    const json record = {{"original_name", name}, {"original_dir", dir.string()}, {"trashed", isoTimeNow()}};
    const fs::path recordPath = dir / kTrashRecord;
    writeTextFileAtomically(recordPath.string(), record.dump(2) + "\n");
    fs::rename(dir, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(recordPath, ignored);
        throw EngineError(Message::tr("%1: cannot move it to %2: %3", runDir, target.string(), ec.message()));
    }
    return target.string();
}

namespace {

// trashed.json of a trashed run; an empty object when it is missing or unreadable (the folder's
// own name is then the original name).
json trashRecord(const fs::path &trashed)
{
    try {
        json j = readJsonFile((trashed / kTrashRecord).string());
        if (j.is_object())
            return j;
    } catch (const std::exception &) {
    }
    return json::object();
}

} // namespace

std::string restoreRun(const std::string &trashedDir)
{
    const fs::path dir = runFolderPath(trashedDir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw EngineError(Message::tr("%1: no such folder in the trash", trashedDir));
    if (dir.parent_path().filename() != kTrashFolder)
        throw EngineError(Message::tr("%1: not in a runs trash folder (runs/%2/)", trashedDir, kTrashFolder));
    const json record = trashRecord(dir);
    std::string name = dir.filename().string();
    if (record.contains("original_name") && record["original_name"].is_string()) {
        const std::string recorded = record["original_name"].get<std::string>();
        // Only a plain folder name: the record must not send the run anywhere else.
        if (!recorded.empty() && fs::path(recorded).filename() == recorded && recorded != "." && recorded != ".."
            && recorded != kTrashFolder)
            name = recorded;
    }
    const fs::path target = dir.parent_path().parent_path() / name;
    if (fs::exists(target, ec) || fs::is_symlink(target, ec))
        throw EngineError(Message::tr("%1 exists: a run of that name is in the runs folder already; rename or move "
                                      "that folder first, then restore",
                                      target.string()));
    fs::rename(dir, target, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot move it back to %2: %3", trashedDir, target.string(), ec.message()));
    fs::remove(target / kTrashRecord, ec);
    return target.string();
}

std::vector<RunSummary> listTrashedRuns(const std::string &runsDir)
{
    std::vector<RunSummary> runs;
    std::error_code ec;
    const fs::path trash = runsTrashDir(runsDir);
    if (!fs::is_directory(trash, ec))
        return runs;
    for (const auto &entry : fs::directory_iterator(trash, ec)) {
        if (!entry.is_directory())
            continue;
        RunSummary s = readRunSummary(entry.path().string());
        const json record = trashRecord(entry.path());
        auto text = [&](const char *key, const std::string &otherwise) {
            return record.contains(key) && record[key].is_string() ? record[key].get<std::string>() : otherwise;
        };
        s.trashedFrom = text("original_dir", (fs::path(runsDir) / s.name).string());
        s.trashedAt = text("trashed", "");
        runs.push_back(std::move(s));
    }
    std::sort(runs.begin(), runs.end(), [](const RunSummary &a, const RunSummary &b) {
        return a.trashedAt != b.trashedAt ? a.trashedAt > b.trashedAt : a.name > b.name;
    });
    return runs;
}

ProjectLoad loadRunProject(const std::string &runDir)
{
    const std::string path = (fs::path(runDir) / "project.json").string();
    if (!fs::exists(path)) {
        ProjectLoad load;
        load.diagnostics.error(path, Message::tr("not a run folder: project.json is missing"));
        return load;
    }
    // The run's copy of the project is checked against the SHA-256 run.json recorded when the
    // run began (runs.h), so a damaged copy never builds a model the checkpoints do not fit.
    if (fs::exists(fs::path(runDir) / "run.json")) {
        const json summary = readRunJson(runDir);
        if (summary.contains("project_sha256") && summary["project_sha256"].get<std::string>() != sha256File(path)) {
            ProjectLoad load;
            load.diagnostics.error(path, Message::tr("damaged: its content does not match the SHA-256 that run.json "
                                                     "(/project_sha256) recorded when the run began; restore it from "
                                                     "a copy"));
            return load;
        }
    }
    return loadProjectFile(path);
}

LoadedRun loadRun(const std::string &runDir, const std::string &which, const torch::Device &device)
{
    ProjectLoad load = loadRunProject(runDir);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    LoadedRun r;
    r.project = load.project;
    checkMemory(estimateEvaluationMemory(analyzeProject(r.project), kEvaluationBatch), availableMemory(device.str()),
                Message::tr("evaluating %1", runDir));
    r.model = GraphModel(r.project.graph, TensorType{r.project.dataset.sampleShape, DType::Float32});
    r.checkpoint = checkpointPath(runDir, which);
    loadCheckpoint(r.checkpoint, *r.model, nullptr, torch::kCPU);
    r.model->to(device);
    r.model->eval();
    return r;
}

namespace {

// A model whose target is its input: the mean squared error of its reconstructions.
Evaluation evaluateReconstruction(GraphModelImpl &model, const TensorDataset &test, const torch::Device &device,
                                  Evaluation ev)
{
    torch::NoGradGuard noGrad;
    const int64_t n = test.size();
    double sum = 0;
    for (int64_t i = 0; i < n; i += kEvaluationBatch) {
        const int64_t j = std::min<int64_t>(i + kEvaluationBatch, n);
        torch::Tensor x = test.inputs.slice(0, i, j).to(device);
        sum += torch::nn::functional::mse_loss(model.forward(x), x).item<double>() * double(j - i);
    }
    ev.reconstruction = true;
    ev.samples = int(n);
    ev.accuracy = NAN;
    ev.loss = n ? sum / double(n) : NAN;
    return ev;
}

// A regression: mean squared error, R^2 and MAE, and every test sample's true and predicted value.
Evaluation evaluateRegression(GraphModelImpl &model, const TensorDataset &test, const torch::Device &device,
                              Evaluation ev)
{
    torch::NoGradGuard noGrad;
    const int64_t n = test.size();
    double sum = 0;
    RegressionSums sums;
    for (int64_t i = 0; i < n; i += kEvaluationBatch) {
        const int64_t j = std::min<int64_t>(i + kEvaluationBatch, n);
        torch::Tensor x = test.inputs.slice(0, i, j).to(device);
        torch::Tensor y = test.labels.slice(0, i, j).to(device);
        LossAndHits lh = lossAndHits("mse", model.forward(x), y, 1);
        sum += lh.loss.item<double>() * double(j - i);
        sums.add(lh.predictions, y);
        const torch::Tensor p = lh.predictions.to(torch::kCPU, torch::kFloat64).contiguous();
        const torch::Tensor t = y.to(torch::kCPU, torch::kFloat64).contiguous();
        ev.outputs.insert(ev.outputs.end(), p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
        ev.targets.insert(ev.targets.end(), t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    }
    ev.regression = true;
    ev.samples = int(n);
    ev.accuracy = NAN;
    ev.loss = n ? sum / double(n) : NAN;
    ev.r2 = sums.r2();
    ev.mae = sums.mae();
    return ev;
}

} // namespace

Evaluation evaluateModel(GraphModelImpl &model, const Project &p, const TensorDataset &test,
                         const torch::Device &device)
{
    const int classes = p.dataset.numClasses;
    Evaluation ev;
    if (p.training.reconstructs())
        return evaluateReconstruction(model, test, device, ev);
    if (test.labels.defined() && test.labels.is_floating_point())
        return evaluateRegression(model, test, device, ev);
    ev.classNames = p.dataset.classNames;
    if (ev.classNames.empty())
        for (int c = 0; c < classes; ++c)
            ev.classNames.push_back(std::to_string(c));
    const bool matrix = classes <= kMaxConfusionClasses;
    if (matrix)
        ev.confusion.assign(size_t(classes), std::vector<int64_t>(size_t(classes), 0));
    torch::NoGradGuard noGrad;
    const int64_t n = test.size();
    // Per class: samples of it, predictions of it, and hits; the full matrix only when it is
    // small enough to show (its memory grows with the square of the classes).
    torch::Tensor actual = torch::zeros({classes}, torch::kInt64);
    torch::Tensor predicted = torch::zeros({classes}, torch::kInt64);
    torch::Tensor hits = torch::zeros({classes}, torch::kInt64);
    torch::Tensor confusion = matrix ? torch::zeros({int64_t(classes) * classes}, torch::kInt64) : torch::Tensor();
    double lossSum = 0;
    for (int64_t i = 0; i < n; i += kEvaluationBatch) {
        const int64_t j = std::min<int64_t>(i + kEvaluationBatch, n);
        torch::Tensor x = test.inputs.slice(0, i, j).to(device);
        torch::Tensor y = test.labels.slice(0, i, j).to(device);
        torch::Tensor out = model.forward(x);
        LossAndHits lh = lossAndHits(p.training.loss, out, y, classes);
        const torch::Tensor &loss = lh.loss;
        lossSum += loss.item<double>() * double(j - i);
        torch::Tensor yc = y.to(torch::kCPU).contiguous();
        torch::Tensor pc = lh.predictions.to(torch::kCPU).contiguous();
        actual += torch::bincount(yc, {}, classes);
        predicted += torch::bincount(pc, {}, classes);
        hits += torch::bincount(yc.masked_select(yc == pc), {}, classes);
        if (matrix)
            confusion += torch::bincount(yc * classes + pc, {}, int64_t(classes) * classes);
        ev.labels.insert(ev.labels.end(), yc.data_ptr<int64_t>(), yc.data_ptr<int64_t>() + yc.numel());
        ev.predictions.insert(ev.predictions.end(), pc.data_ptr<int64_t>(), pc.data_ptr<int64_t>() + pc.numel());
    }
    if (matrix) {
        auto c = confusion.accessor<int64_t, 1>();
        for (int t = 0; t < classes; ++t)
            for (int q = 0; q < classes; ++q)
                ev.confusion[size_t(t)][size_t(q)] = c[int64_t(t) * classes + q];
    }
    auto a = actual.accessor<int64_t, 1>();
    auto pr = predicted.accessor<int64_t, 1>();
    auto h = hits.accessor<int64_t, 1>();
    int64_t correct = 0;
    for (int k = 0; k < classes; ++k) {
        correct += h[k];
        ev.support.push_back(a[k]);
        ev.precision.push_back(pr[k] ? double(h[k]) / double(pr[k]) : NAN);
        ev.recall.push_back(a[k] ? double(h[k]) / double(a[k]) : NAN);
    }
    ev.correct = correct;
    ev.samples = int(n);
    ev.accuracy = n ? double(correct) / double(n) : NAN;
    ev.loss = n ? lossSum / double(n) : NAN;
    return ev;
}

Evaluation evaluateRun(const std::string &runDir, const std::string &which, const std::string &deviceName)
{
    // Threads are the caller's choice: the studio evaluates while another run may be training.
    const torch::Device device(resolveDevice(deviceName));
    LoadedRun run = loadRun(runDir, which, device);
    Project &p = run.project;
    const Node *input = p.graph.node(run.model->analysis().inputNode);
    const DType inputType = input->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    std::string missing;
    if (!datasetFilesPresent(p, &missing))
        throw EngineError(Message::tr("%1: dataset file not found; the test split is needed to evaluate", missing));
    DataSplits data = loadDataSplits(p, inputType);
    Evaluation ev = evaluateModel(*run.model, p, data.test, device);
    ev.checkpoint = run.checkpoint;
    return ev;
}

torch::Tensor preprocessStored(const torch::Tensor &stored, const json &record, bool tokens)
{
    if (tokens)
        return stored.to(torch::kInt64);
    torch::Tensor x = stored.to(torch::kFloat32);
    if (x.data_ptr() == stored.data_ptr())
        x = x.clone(); // never change the caller's tensor in place
    const double scale = record.value("scale", 1.0);
    if (scale != 1.0 && scale != 0.0)
        x.div_(1.0 / scale); // as training divides (dataset.cpp)
    const auto mean = record.value("mean", std::vector<double>{});
    const auto stdev = record.value("std", std::vector<double>{});
    if (mean.empty() || mean.size() != stdev.size() || x.dim() < 2)
        return x;
    Shape b(size_t(x.dim()), 1);
    if (x.dim() >= 3 || (x.dim() == 2 && int64_t(mean.size()) == x.size(1)))
        b[1] = int64_t(mean.size()); // per channel; per feature for a table
    if (b[1] == 1 && mean.size() != 1)
        return x;
    x.sub_(torch::tensor(mean, torch::kFloat64).to(torch::kFloat32).reshape(b))
        .div_(torch::tensor(stdev, torch::kFloat64).to(torch::kFloat32).reshape(b));
    return x;
}

std::string splitSha256(const torch::Tensor &inputs, const torch::Tensor &labels)
{
    // As loadDataSplits() computes DataSplits::testSha256 (dataset.cpp): the inputs' bytes, then
    // the labels', both contiguous on the CPU.
    const torch::Tensor x = inputs.to(torch::kCPU).contiguous(), y = labels.to(torch::kCPU).contiguous();
    return sha256Parts(
        {{x.data_ptr(), size_t(x.numel()) * x.element_size()}, {y.data_ptr(), size_t(y.numel()) * y.element_size()}});
}

std::vector<SampleImage> testSampleImages(const Project &project, const std::vector<int> &indices)
{
    torch::Tensor all = rawTestInputs(project);
    std::vector<SampleImage> images;
    for (int index : indices) {
        if (index < 0 || index >= all.size(0))
            throw EngineError(Message::tr("test sample %1 does not exist (the test split has %2)", index, all.size(0)));
        images.push_back(sampleImage(all[index]));
    }
    return images;
}

} // namespace torchwright
