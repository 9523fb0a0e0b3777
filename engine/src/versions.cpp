// The model registry (torchwright/versions.h): version folders, registry.json, measuring
// versions on the frozen test split and on the feedback set, the promotion gate, promote and
// rollback, and the request that fine-tunes from a version.

#include "torchwright/versions.h"

#include "torchwright/datasetformat.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runtime.h"

#include "archivecheck.h"
#include "checkpoint.h"
#include "evaluation.h"
#include "feedbackdata.h"
#include "fileutil.h"
#include "model.h"
#include "sha256.h"

#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char *kRegistryFormat = "torchwright-registry";
constexpr const char *kVersionFormat = "torchwright-version";
constexpr int kFileVersion = 1;

std::string registryPath(const std::string &dir) { return (fs::path(dir) / "registry.json").string(); }

// The digest of a JSON object without its "sha256" field (as run.json's, runs.h).
std::string contentSha256(const json &j)
{
    json rest = j;
    rest.erase("sha256");
    return sha256Hex(rest.dump());
}

void fsyncFolder(const fs::path &dir)
{
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Registrations, promotions and rollbacks of one registry take turns: an exclusive flock() on
// <versions>/registry.lock for the whole step (released by the kernel if the process dies).
class RegistryLock {
public:
    explicit RegistryLock(const std::string &dir)
    {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            throw EngineError(Message::tr("%1: cannot create the versions folder: %2", dir, ec.message()));
        const std::string path = (fs::path(dir) / "registry.lock").string();
        m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (m_fd < 0)
            throw EngineError(
                Message::tr("%1: cannot create the registry's lock file: %2", path, std::strerror(errno)));
        while (::flock(m_fd, LOCK_EX) != 0)
            if (errno != EINTR) {
                const std::string why = std::strerror(errno);
                ::close(m_fd);
                throw EngineError(Message::tr("%1: cannot lock the registry: %2", path, why));
            }
    }
    ~RegistryLock() { ::close(m_fd); }
    RegistryLock(const RegistryLock &) = delete;
    RegistryLock &operator=(const RegistryLock &) = delete;

private:
    int m_fd = -1;
};

// ---- registry.json ----

struct Registry {
    bool exists = false;
    std::string current;
    std::vector<RegistryEvent> events;
};

json eventToJson(const RegistryEvent &e)
{
    json j = {{"time", e.time},         {"action", e.action}, {"version", e.version},
              {"previous", e.previous}, {"reason", e.reason}, {"override", e.override}};
    if (!e.gate.is_null())
        j["gate"] = e.gate;
    return j;
}

Registry readRegistry(const std::string &dir)
{
    Registry r;
    const std::string path = registryPath(dir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return r;
    r.exists = true;
    auto refuse = [&](const std::string &pointer, Message what) {
        throw EngineError(pointer.empty() ? Message::tr("%1: %2", path, std::move(what))
                                          : Message::tr("%1: %2: %3", path, pointer, std::move(what)));
    };
    json j;
    try {
        j = readJsonFile(path);
    } catch (const EngineError &e) {
        throw EngineError(Message::tr("%1: damaged, not readable as JSON: %2", path, e.text()));
    }
    if (!j.is_object())
        refuse("", Message::tr("expected an object, got %1", j.type_name()));
    if (j.contains("sha256")) {
        if (!j["sha256"].is_string() || j["sha256"].get<std::string>() != contentSha256(j))
            refuse("", Message::tr("damaged: its content does not match its SHA-256 (\"sha256\"); restore it from a "
                                   "copy, or delete the \"sha256\" line to accept the file as it is"));
    }
    if (!j.contains("format") || j["format"] != kRegistryFormat)
        refuse("/format", Message::tr("expected \"%1\"", std::string(kRegistryFormat)));
    if (!j.contains("current") || !j["current"].is_string())
        refuse("/current", Message::tr("expected a string"));
    r.current = j["current"].get<std::string>();
    if (!j.contains("events") || !j["events"].is_array())
        refuse("/events", Message::tr("expected an array"));
    for (size_t i = 0; i < j["events"].size(); ++i) {
        const json &e = j["events"][i];
        const std::string at = "/events/" + std::to_string(i);
        if (!e.is_object())
            refuse(at, Message::tr("expected an object, got %1", e.type_name()));
        RegistryEvent ev;
        for (const char *k : {"time", "action", "version", "previous", "reason"})
            if (e.contains(k) && !e[k].is_string())
                refuse(at + "/" + k, Message::tr("expected a string, got %1", e[k].type_name()));
        ev.time = e.value("time", "");
        ev.action = e.value("action", "");
        ev.version = e.value("version", "");
        ev.previous = e.value("previous", "");
        ev.reason = e.value("reason", "");
        if (ev.action != "register" && ev.action != "promote" && ev.action != "rollback")
            refuse(at + "/action", Message::tr("expected register, promote or rollback, got '%1'", ev.action));
        if (e.contains("override") && !e["override"].is_boolean())
            refuse(at + "/override", Message::tr("expected true or false, got %1", e["override"].type_name()));
        ev.override = e.value("override", false);
        if (e.contains("gate"))
            ev.gate = e["gate"];
        r.events.push_back(std::move(ev));
    }
    return r;
}

// One atomic write of registry.json; "versions:before-registry" is the moment its temporary is
// complete and not yet renamed.
void writeRegistry(const std::string &dir, const Registry &r)
{
    json j = json::object();
    j["format"] = kRegistryFormat;
    j["version"] = kFileVersion;
    j["current"] = r.current;
    j["events"] = json::array();
    for (const auto &e : r.events)
        j["events"].push_back(eventToJson(e));
    j["sha256"] = contentSha256(j);
    const std::string text = j.dump(2) + "\n";
    const std::string path = registryPath(dir);
    replaceFileAtomically(path, [&](const std::string &temp) {
        writeBytesChecked(temp, text, path);
        crashPoint("versions:before-registry");
    });
}

// ---- version.json ----

json metricsToJson(const VersionMetrics &m)
{
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    return {{"samples", m.samples},
            {"accuracy", num(m.accuracy)},
            {"loss", num(m.loss)},
            {"r2", num(m.r2)},
            {"mae", num(m.mae)}};
}

VersionMetrics metricsFromJson(const json &j)
{
    VersionMetrics m;
    if (!j.is_object())
        return m;
    auto num = [&](const char *k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : NAN; };
    m.samples = j.contains("samples") && j["samples"].is_number_integer() ? j["samples"].get<int>() : 0;
    m.accuracy = num("accuracy");
    m.loss = num("loss");
    m.r2 = num("r2");
    m.mae = num("mae");
    return m;
}

json versionToJson(const VersionInfo &v)
{
    json j = json::object();
    j["format"] = kVersionFormat;
    j["version"] = kFileVersion;
    j["id"] = v.id;
    j["number"] = v.number;
    j["created"] = v.created;
    j["run_dir"] = v.runDir;
    j["run_name"] = v.runName;
    j["checkpoint"] = v.checkpoint;
    j["checkpoint_sha256"] = v.checkpointSha256;
    j["parent"] = v.parent;
    j["graph_sha256"] = v.graphHash;
    j["settings"] = v.settings;
    j["data_sha256"] = v.dataSha256;
    j["test_sha256"] = v.testSha256;
    j["feedback_items"] = v.feedbackItems;
    j["test"] = metricsToJson(v.test);
    j["feedback"] = metricsToJson(v.feedback);
    j["note"] = v.note;
    j["preprocessing"] = v.preprocessing;
    j["regression"] = v.regression;
    return j;
}

VersionInfo readVersion(const fs::path &folder)
{
    const std::string path = (folder / "version.json").string();
    auto refuse = [&](const std::string &pointer, Message what) {
        throw EngineError(pointer.empty() ? Message::tr("%1: %2", path, std::move(what))
                                          : Message::tr("%1: %2: %3", path, pointer, std::move(what)));
    };
    json j;
    try {
        j = readJsonFile(path);
    } catch (const EngineError &e) {
        throw EngineError(Message::tr("%1: damaged, not readable as JSON: %2", path, e.text()));
    }
    if (!j.is_object())
        refuse("", Message::tr("expected an object, got %1", j.type_name()));
    if (!j.contains("sha256") || !j["sha256"].is_string() || j["sha256"].get<std::string>() != contentSha256(j))
        refuse("", Message::tr("damaged: its content does not match its SHA-256 (\"sha256\"); the version's record "
                               "was changed after it was registered"));
    if (!j.contains("format") || j["format"] != kVersionFormat)
        refuse("/format", Message::tr("expected \"%1\"", std::string(kVersionFormat)));
    for (const char *k : {"id", "created", "run_dir", "run_name", "checkpoint", "checkpoint_sha256", "parent",
                          "graph_sha256", "data_sha256", "test_sha256", "note"})
        if (j.contains(k) && !j[k].is_string())
            refuse(std::string("/") + k, Message::tr("expected a string, got %1", j[k].type_name()));
    VersionInfo v;
    v.id = j.value("id", "");
    if (v.id != folder.filename().string())
        refuse("/id", Message::tr("says '%1' but its folder is '%2'", v.id, folder.filename().string()));
    if (!j.contains("number") || !j["number"].is_number_integer())
        refuse("/number", Message::tr("expected an integer"));
    v.number = j["number"].get<int>();
    v.created = j.value("created", "");
    v.dir = folder.string();
    v.runDir = j.value("run_dir", "");
    v.runName = j.value("run_name", "");
    v.checkpoint = j.value("checkpoint", "");
    v.checkpointSha256 = j.value("checkpoint_sha256", "");
    v.parent = j.value("parent", "");
    v.graphHash = j.value("graph_sha256", "");
    if (j.contains("settings") && j["settings"].is_object())
        v.settings = j["settings"];
    v.dataSha256 = j.value("data_sha256", "");
    v.testSha256 = j.value("test_sha256", "");
    if (j.contains("feedback_items")) {
        if (!j["feedback_items"].is_array())
            refuse("/feedback_items", Message::tr("expected an array of strings"));
        for (const json &id : j["feedback_items"]) {
            if (!id.is_string())
                refuse("/feedback_items", Message::tr("expected an array of strings"));
            v.feedbackItems.push_back(id.get<std::string>());
        }
    }
    v.test = metricsFromJson(j.value("test", json::object()));
    v.feedback = metricsFromJson(j.value("feedback", json::object()));
    v.note = j.value("note", "");
    if (j.contains("preprocessing") && j["preprocessing"].is_object())
        v.preprocessing = j["preprocessing"];
    v.regression = j.contains("regression") && j["regression"] == true;
    return v;
}

// "v12" -> 12; 0 for anything else.
int versionNumber(const std::string &name)
{
    if (name.size() < 2 || name[0] != 'v' || name.size() > 10)
        return 0;
    for (size_t i = 1; i < name.size(); ++i)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    if (name[1] == '0')
        return 0;
    return std::stoi(name.substr(1));
}

// The complete version folders (v<N> with a version.json), oldest first, read and checked.
std::vector<VersionInfo> readVersions(const std::string &dir)
{
    std::vector<VersionInfo> versions;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return versions;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!versionNumber(name) || !entry.is_directory() || !fs::exists(entry.path() / "version.json"))
            continue;
        versions.push_back(readVersion(entry.path()));
    }
    std::sort(versions.begin(), versions.end(),
              [](const VersionInfo &a, const VersionInfo &b) { return a.number < b.number; });
    return versions;
}

// Which version is current: registry.json's, or the first registered while registry.json was
// never written (a kill between the first version's folder and its registry entry).
std::string currentOf(const std::string &dir, const Registry &r, const std::vector<VersionInfo> &versions)
{
    if (!r.exists || r.current.empty())
        return versions.empty() ? std::string() : versions.front().id;
    for (const auto &v : versions)
        if (v.id == r.current)
            return r.current;
    throw EngineError(Message::tr("%1: names %2 as the current version, but %3 has no such version folder",
                                  registryPath(dir), r.current, dir));
}

std::string checkedVersionsDir(const Project &project) { return versionsDir(project); }

// What killed steps leave behind: .v<N>.partial-<pid> folders and registry.json temporaries.
// Called with the registry's lock held, so no other step is writing them now.
void removeLeftovers(const std::string &dir)
{
    std::error_code ec;
    std::vector<fs::path> leftovers;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if ((name.rfind(".v", 0) == 0 && name.find(".partial-") != std::string::npos)
            || name.rfind(".registry.json.tmp-", 0) == 0)
            leftovers.push_back(entry.path());
    }
    for (const auto &path : leftovers)
        fs::remove_all(path, ec);
}

// ---- measuring a version ----

struct VersionModel {
    Project project; // as trained (the version's project.json)
    GraphModel model{nullptr};
    bool tokens = false;
};

VersionModel loadVersionModel(const VersionInfo &v, const torch::Device &device)
{
    const std::string file = (fs::path(v.dir) / "project.json").string();
    ProjectLoad load = loadProjectFile(file);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    VersionModel m;
    m.project = load.project;
    m.model = GraphModel(m.project.graph, TensorType{m.project.dataset.sampleShape, DType::Float32});
    loadCheckpoint(v.checkpointPath(), *m.model, nullptr, torch::kCPU);
    m.model->to(device);
    m.model->eval();
    const Node *input = m.project.graph.node(m.model->analysis().inputNode);
    m.tokens = input && input->params.value("dtype", "float32") == "int64";
    return m;
}

VersionMetrics toMetrics(const Evaluation &ev)
{
    VersionMetrics m;
    m.samples = ev.samples;
    m.accuracy = ev.regression || ev.reconstruction ? NAN : ev.accuracy;
    m.loss = ev.loss;
    m.r2 = ev.r2;
    m.mae = ev.mae;
    return m;
}

// The stored test split of `project`, read now, checked against the declared shape.
RawSplit readTestSplit(const Project &project)
{
    const DatasetFormat &format = datasetFormat(project);
    std::string missing;
    if (!format.reader || !datasetFilesPresent(project, &missing))
        throw EngineError(
            Message::tr("%1: dataset file not found; the test split is needed to measure versions", missing));
    if (format.needsPath && !fs::is_directory(project.datasetPath()))
        throw EngineError(Message::tr("%1: dataset folder not found (/dataset/path)", project.datasetPath()));
    RawSplit test = format.reader->test(project, {});
    const Shape got(test.inputs.sizes().begin() + 1, test.inputs.sizes().end());
    if (got != project.dataset.sampleShape)
        throw EngineError(Message::tr("%1: the test samples are %2 but /dataset/sample_shape declares %3",
                                      project.datasetPath(), formatShape(got),
                                      formatShape(project.dataset.sampleShape)));
    return test;
}

Evaluation evaluateOn(VersionModel &m, const VersionInfo &v, const RawSplit &split, const torch::Device &device)
{
    TensorDataset d;
    d.inputs = preprocessStored(split.inputs, v.preprocessing, m.tokens);
    d.labels = split.labels;
    Evaluation ev = evaluateModel(*m.model, m.project, d, device);
    ev.checkpoint = v.checkpointPath();
    return ev;
}

// The feedback set: the held-out reviewed items of the project's store, read with `record`.
FeedbackData readFeedbackSet(const Project &project, const nlohmann::json &record)
{
    const std::string dir = feedbackDir(project);
    std::error_code ec;
    if (dir.empty() || !fs::exists(fs::path(dir) / "feedback.jsonl", ec))
        return {};
    FeedbackStore store(dir);
    return readFeedbackData(store, record, project.dataset.sampleShape, project.finetune.holdout);
}

bool splitEmpty(const RawSplit &s) { return !s.labels.defined() || s.labels.size(0) == 0; }

std::string percent(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", fraction * 100);
    return buf;
}

std::string number(double v, const char *format = "%.2f")
{
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// The gate (GateSettings) from the two versions' figures: the test metrics and both measured on
// the same feedback set.
GateResult gateFor(const GateSettings &settings, bool regression, const VersionMetrics &testA,
                   const VersionMetrics &testB, const VersionMetrics &feedbackA, const VersionMetrics &feedbackB)
{
    GateResult g;
    GateRule drop;
    drop.name = "max_test_drop";
    const std::string allowed = number(settings.maxTestDrop);
    if (regression) {
        const double a = testA.r2, b = testB.r2;
        if (!std::isfinite(a) || !std::isfinite(b)) {
            drop.text = Message::tr("test R^2 was not measured for both versions; the gate cannot compare them");
        } else {
            const double points = (b - a) * 100;
            drop.passed = -points <= settings.maxTestDrop + 1e-9;
            drop.text = Message::tr("test R^2 %1 -> %2 (%3 points x100; a drop of at most %4 allowed)",
                                    number(a, "%.4f"), number(b, "%.4f"), number(points, "%+.2f"), allowed);
        }
    } else {
        const double a = testA.accuracy, b = testB.accuracy;
        if (!std::isfinite(a) || !std::isfinite(b)) {
            drop.text = Message::tr("test accuracy was not measured for both versions; the gate cannot compare them");
        } else {
            const double points = (b - a) * 100;
            drop.passed = -points <= settings.maxTestDrop + 1e-9;
            drop.text = Message::tr("test accuracy %1 -> %2 (%3 points; a drop of at most %4 allowed)", percent(a),
                                    percent(b), number(points, "%+.2f"), allowed);
        }
    }
    g.rules.push_back(drop);
    if (settings.feedbackMustRise) {
        GateRule rise;
        rise.name = "feedback_must_rise";
        if (feedbackA.samples == 0 || feedbackB.samples == 0) {
            rise.text = Message::tr("no feedback set: no reviewed feedback item is held out to measure the versions "
                                    "on, so feedback accuracy cannot rise");
        } else if (regression) {
            rise.passed = feedbackB.r2 > feedbackA.r2;
            rise.text = Message::tr("feedback-set R^2 %1 -> %2 on %3 item(s) (must rise)", number(feedbackA.r2, "%.4f"),
                                    number(feedbackB.r2, "%.4f"), feedbackB.samples);
        } else {
            rise.passed = feedbackB.accuracy > feedbackA.accuracy;
            rise.text = Message::tr("feedback-set accuracy %1 -> %2 on %3 item(s) (must rise)",
                                    percent(feedbackA.accuracy), percent(feedbackB.accuracy), feedbackB.samples);
        }
        g.rules.push_back(rise);
    }
    g.passed = std::all_of(g.rules.begin(), g.rules.end(), [](const GateRule &r) { return r.passed; });
    return g;
}

// Both versions on the same feedback set, now: metrics and each item's prediction.
struct FeedbackPair {
    VersionMetrics a, b;
    std::vector<std::string> ids;
    Evaluation evA, evB;
};
FeedbackPair measureFeedback(const Project &project, const VersionInfo &a, VersionModel &ma, const VersionInfo &b,
                             VersionModel &mb, const torch::Device &device)
{
    FeedbackPair r;
    const FeedbackData data = readFeedbackSet(project, b.preprocessing.empty() ? a.preprocessing : b.preprocessing);
    if (splitEmpty(data.heldOut))
        return r;
    r.ids = data.heldOutIds;
    r.evA = evaluateOn(ma, a, data.heldOut, device);
    r.evB = evaluateOn(mb, b, data.heldOut, device);
    r.a = toMetrics(r.evA);
    r.b = toMetrics(r.evB);
    return r;
}

double medianLatencyMs(const std::string &modelFile, const Shape &sample, bool tokens)
{
    torch::jit::Module module;
    try {
        std::istringstream bytes(readCheckedArchive(modelFile));
        module = torch::jit::load(bytes, torch::kCPU);
    } catch (const c10::Error &e) {
        const std::string what = e.what_without_backtrace();
        throw EngineError(
            Message::tr("%1: cannot load the TorchScript model: %2", modelFile, what.substr(0, what.find('\n'))));
    }
    module.eval();
    Shape shape{1};
    shape.insert(shape.end(), sample.begin(), sample.end());
    const torch::Tensor x = tokens ? torch::zeros(shape, torch::kInt64) : torch::zeros(shape, torch::kFloat32);
    torch::NoGradGuard noGrad;
    // One intra-op thread: the latency of one request, not of the machine's spare cores.
    const int threads = torch::get_num_threads();
    torch::set_num_threads(1);
    constexpr int kWarmup = 5, kRuns = 20;
    std::vector<double> ms;
    for (int i = 0; i < kWarmup + kRuns; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        module.forward({x});
        const auto t1 = std::chrono::steady_clock::now();
        if (i >= kWarmup)
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    torch::set_num_threads(threads);
    std::sort(ms.begin(), ms.end());
    return (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
}

int64_t parameterCount(GraphModelImpl &model)
{
    int64_t n = 0;
    for (const auto &p : model.parameters())
        n += p.numel();
    return n;
}

std::string trimmed(const std::string &s)
{
    const char *space = " \t\r\n";
    const size_t b = s.find_first_not_of(space);
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(space) - b + 1);
}

} // namespace

// ---- public API ----

std::string VersionInfo::bundleDir() const { return (fs::path(dir) / "bundle").string(); }
std::string VersionInfo::checkpointPath() const { return (fs::path(dir) / "checkpoint.pt").string(); }

json GateResult::toJson() const
{
    json rules = json::array();
    for (const auto &r : this->rules)
        rules.push_back({{"name", r.name}, {"passed", r.passed}, {"text", r.text.str()}, {"message", r.text.toJson()}});
    return {{"passed", passed}, {"rules", rules}};
}

std::string versionsDir(const Project &project)
{
    if (project.filePath.empty())
        throw EngineError(Message::tr("the project has not been saved; save it to a file before registering "
                                      "model versions (they are kept beside the project file)"));
    const fs::path file = fs::absolute(project.filePath);
    return (file.parent_path() / "versions" / file.stem()).string();
}

std::vector<VersionInfo> listVersions(const Project &project)
{
    const std::string dir = checkedVersionsDir(project);
    std::vector<VersionInfo> versions = readVersions(dir);
    const Registry r = readRegistry(dir);
    const std::string current = currentOf(dir, r, versions);
    for (auto &v : versions)
        v.current = v.id == current;
    return versions;
}

std::optional<VersionInfo> currentVersion(const Project &project)
{
    for (auto &v : listVersions(project))
        if (v.current)
            return v;
    return std::nullopt;
}

VersionInfo findVersion(const Project &project, const std::string &which)
{
    const std::vector<VersionInfo> versions = listVersions(project);
    const std::string dir = versionsDir(project);
    if (which == "current" || which == "@current") {
        for (const auto &v : versions)
            if (v.current)
                return v;
        throw EngineError(Message::tr("%1: no model versions yet; register a run first", dir));
    }
    std::string id = which;
    if (!id.empty() && id[0] == '@')
        id = id.substr(1);
    if (!id.empty() && id[0] != 'v')
        id = "v" + id;
    for (const auto &v : versions)
        if (v.id == id)
            return v;
    throw EngineError(
        Message::tr("%1: no version '%2' (versions: %3)", registryPath(dir), which,
                    versions.empty() ? std::string("none") : versions.front().id + ".." + versions.back().id));
}

std::vector<RegistryEvent> registryHistory(const Project &project)
{
    return readRegistry(checkedVersionsDir(project)).events;
}

VersionInfo registerVersion(const Project &project, const std::string &runFolder, const RegisterOptions &options)
{
    // "runs/x/" and "runs/x" are the same run; its name is the folder's.
    fs::path runPath = fs::path(runFolder).lexically_normal();
    if (runPath.filename().empty())
        runPath = runPath.parent_path();
    const std::string runDir = runPath.string();
    const std::string dir = versionsDir(project);
    std::error_code ec;
    if (!fs::is_directory(runDir, ec) || !fs::exists(fs::path(runDir) / "run.json", ec))
        throw EngineError(Message::tr("%1: not a run folder (no run.json)", runDir));
    const RunSummary run = readRunSummary(runDir);
    if (run.status == "unreadable")
        throw EngineError(run.text);
    if (!runBelongsToProject(run, project.filePath, project.name))
        throw EngineError(Message::tr("%1: the run was trained from another project (%2), not %3", runDir,
                                      run.projectFile.empty() ? run.projectName : run.projectFile, project.filePath));
    if (run.status == "running")
        throw EngineError(Message::tr("%1: the run is training now; register it once it has ended", runDir));
    if (options.checkpoint != "best" && options.checkpoint != "last")
        throw EngineError(Message::tr("checkpoint: expected best or last, got '%1'", options.checkpoint));
    const std::string checkpoint = fs::exists(fs::path(runDir) / (options.checkpoint + ".pt")) ? options.checkpoint
                                   : fs::exists(fs::path(runDir) / "last.pt")                  ? std::string("last")
                                                                                               : std::string();
    if (checkpoint.empty())
        throw EngineError(Message::tr("%1: the run has no checkpoint (%2 without best.pt or last.pt); it cannot "
                                      "become a version",
                                      runDir, run.status));
    ProjectLoad runLoad = loadRunProject(runDir);
    if (!runLoad.ok())
        throw EngineError(runLoad.diagnostics);
    Project trained = runLoad.project;
    if (trained.dataset.sampleShape != project.dataset.sampleShape
        || trained.dataset.numClasses != project.dataset.numClasses)
        throw EngineError(Message::tr("%1: the run's model takes %2 and gives %3 classes; the project's takes %4 and "
                                      "gives %5",
                                      runDir, formatShape(trained.dataset.sampleShape), trained.dataset.numClasses,
                                      formatShape(project.dataset.sampleShape), project.dataset.numClasses));
    const json summary = readRunJson(runDir);
    const std::string note = options.note;

    RegistryLock lock(dir);
    std::vector<VersionInfo> existing = readVersions(dir);
    Registry registry = readRegistry(dir);
    const std::string current = currentOf(dir, registry, existing);
    removeLeftovers(dir);
    int number = 0;
    for (const auto &v : existing)
        number = std::max(number, v.number);
    for (const auto &e : registry.events)
        number = std::max(number, versionNumber(e.version));
    ++number;

    VersionInfo v;
    v.number = number;
    v.id = "v" + std::to_string(number);
    v.created = isoTimeNow();
    v.runDir = fs::absolute(runDir).lexically_normal().string();
    v.runName = run.label();
    v.checkpoint = checkpoint;
    v.parent = summary.value("parent_version", "");
    // The graph as trained, in the canonical form the project file writes.
    const nlohmann::ordered_json canonical = projectToJson(trained);
    v.graphHash = sha256Hex(canonical.contains("graph") ? canonical["graph"].dump() : std::string("{}"));
    const json projectJson = json::parse(canonical.dump());
    v.settings = projectJson;
    v.settings.erase("graph");
    v.settings.erase("ui");
    v.dataSha256 = summary.value("data_sha256", "");
    v.testSha256 = summary.value("test_sha256", "");
    if (summary.contains("feedback_items") && summary["feedback_items"].is_array())
        for (const json &id : summary["feedback_items"])
            if (id.is_string())
                v.feedbackItems.push_back(id.get<std::string>());
    v.note = note;
    v.regression = isRegression(trained);

    const fs::path partial = fs::path(dir) / (".v" + std::to_string(number) + ".partial-" + std::to_string(::getpid()));
    const fs::path complete = fs::path(dir) / v.id;
    try {
        fs::create_directories(partial);
        v.dir = partial.string();
        const std::string ckpt = checkpointPath(runDir, checkpoint);
        const std::string bytes = readTextFile(ckpt);
        writeBytesAtomically(v.checkpointPath(), bytes);
        v.checkpointSha256 = sha256Hex(bytes);
        saveProjectFile(trained, (partial / "project.json").string());
        exportBundle(runDir, v.bundleDir(), checkpoint);
        const json manifest = readJsonFile((fs::path(v.bundleDir()) / "manifest.json").string());
        v.preprocessing = manifest.value("preprocessing", json::object());

        // Measured the way compare measures: the frozen test split and the feedback set, each
        // preprocessed with the version's own record.
        const torch::Device device(resolveDevice(options.device));
        VersionModel model = loadVersionModel(v, device);
        const RawSplit test = readTestSplit(project);
        const std::string testNow = splitSha256(test.inputs, test.labels);
        if (v.testSha256.empty())
            v.testSha256 = testNow; // a run from before the record: the split it is measured on now
        v.test = toMetrics(evaluateOn(model, v, test, device));
        const FeedbackData fb = readFeedbackSet(project, v.preprocessing);
        if (!splitEmpty(fb.heldOut))
            v.feedback = toMetrics(evaluateOn(model, v, fb.heldOut, device));

        json j = versionToJson(v);
        j["sha256"] = contentSha256(j);
        writeTextFileAtomically((partial / "version.json").string(), j.dump(2) + "\n");
        fsyncFolder(partial);
        crashPoint("versions:before-folder");
        fs::rename(partial, complete);
        fsyncFolder(dir);
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    v.dir = complete.string();
    crashPoint("versions:after-folder");

    RegistryEvent e;
    e.time = v.created;
    e.action = "register";
    e.version = v.id;
    e.previous = current;
    e.reason = note;
    registry.current = current.empty() ? v.id : current;
    registry.events.push_back(e);
    writeRegistry(dir, registry);
    v.current = registry.current == v.id;
    return v;
}

GateResult checkGate(const Project &project, const std::string &candidate, const std::string &current)
{
    const VersionInfo b = findVersion(project, candidate);
    const VersionInfo a = findVersion(project, current);
    const torch::Device device(torch::kCPU);
    VersionModel ma = loadVersionModel(a, device);
    VersionModel mb = loadVersionModel(b, device);
    const FeedbackPair fb = measureFeedback(project, a, ma, b, mb, device);
    return gateFor(project.gate, b.regression, a.test, b.test, fb.a, fb.b);
}

VersionComparison compareVersions(const Project &project, const std::string &aName, const std::string &bName,
                                  const std::string &deviceName)
{
    VersionComparison c;
    c.a = findVersion(project, aName);
    c.b = findVersion(project, bName);
    const torch::Device device(resolveDevice(deviceName));
    VersionModel ma = loadVersionModel(c.a, device);
    VersionModel mb = loadVersionModel(c.b, device);

    // Latency first, while no thread pool of a large evaluation is still spinning on the cores.
    const std::string modelA = (fs::path(c.a.bundleDir()) / "model.pt").string();
    const std::string modelB = (fs::path(c.b.bundleDir()) / "model.pt").string();
    c.bytesA = int64_t(fs::file_size(modelA));
    c.bytesB = int64_t(fs::file_size(modelB));
    c.latencyMsA = medianLatencyMs(modelA, ma.project.dataset.sampleShape, ma.tokens);
    c.latencyMsB = medianLatencyMs(modelB, mb.project.dataset.sampleShape, mb.tokens);

    const RawSplit test = readTestSplit(project);
    const std::string now = splitSha256(test.inputs, test.labels);
    c.sameTestSplit =
        (c.a.testSha256.empty() || c.a.testSha256 == now) && (c.b.testSha256.empty() || c.b.testSha256 == now);
    c.testA = evaluateOn(ma, c.a, test, device);
    c.testB = evaluateOn(mb, c.b, test, device);

    const size_t k = std::min(c.testA.classNames.size(), c.testB.classNames.size());
    for (size_t i = 0; i < k; ++i) {
        ClassDelta d;
        d.name = c.testB.classNames[i];
        d.support = i < c.testB.support.size() ? c.testB.support[i] : 0;
        d.recallA = c.testA.recall[i];
        d.recallB = c.testB.recall[i];
        d.precisionA = c.testA.precision[i];
        d.precisionB = c.testB.precision[i];
        c.classes.push_back(d);
    }
    if (!c.testA.confusion.empty() && c.testA.confusion.size() == c.testB.confusion.size()) {
        c.confusionDelta = c.testB.confusion;
        for (size_t t = 0; t < c.confusionDelta.size(); ++t)
            for (size_t q = 0; q < c.confusionDelta[t].size(); ++q)
                c.confusionDelta[t][q] -= c.testA.confusion[t][q];
    }
    auto fixedBroken = [](const Evaluation &a, const Evaluation &b, auto &&add) {
        const size_t n = std::min({a.labels.size(), a.predictions.size(), b.predictions.size()});
        for (size_t i = 0; i < n; ++i) {
            const bool rightA = a.predictions[i] == a.labels[i], rightB = b.predictions[i] == a.labels[i];
            if (rightA != rightB)
                add(i, rightB);
        }
    };
    fixedBroken(c.testA, c.testB,
                [&](size_t i, bool fixed) { (fixed ? c.newlyFixed : c.newlyBroken).push_back(int(i)); });

    const FeedbackPair fb = measureFeedback(project, c.a, ma, c.b, mb, device);
    c.feedbackA = fb.a;
    c.feedbackB = fb.b;
    fixedBroken(fb.evA, fb.evB, [&](size_t i, bool fixed) {
        if (i < fb.ids.size())
            (fixed ? c.feedbackFixed : c.feedbackBroken).push_back(fb.ids[i]);
    });

    c.paramsA = parameterCount(*ma.model);
    c.paramsB = parameterCount(*mb.model);
    c.gate = gateFor(project.gate, c.b.regression, toMetrics(c.testA), toMetrics(c.testB), c.feedbackA, c.feedbackB);
    return c;
}

GateResult promoteVersion(const Project &project, const std::string &version, const std::string &reason, bool override)
{
    const std::string why = trimmed(reason);
    const std::string dir = versionsDir(project);
    if (why.empty())
        throw EngineError(Message::tr("%1: a promotion needs a reason (--reason TEXT); none was given", version));
    RegistryLock lock(dir);
    removeLeftovers(dir);
    const VersionInfo target = findVersion(project, version);
    const std::optional<VersionInfo> current = currentVersion(project);
    if (current && current->id == target.id)
        throw EngineError(Message::tr("%1 is the current version already; there is nothing to promote", target.id));
    GateResult gate;
    gate.passed = true; // no current version: nothing to pass against
    if (current) {
        gate = checkGate(project, target.id, current->id);
        if (!gate.passed && !override) {
            // The failed rules' sentences, each translated in turn.
            Message failed;
            for (const auto &r : gate.rules)
                if (!r.passed)
                    failed = failed.empty() ? r.text : Message::tr("%1; %2", failed, r.text);
            throw EngineError(Message::tr("%1 did not pass the promotion gate against %2: %3. Promote with an "
                                          "override to do it anyway (recorded with the reason)",
                                          target.id, current->id, failed));
        }
    }
    Registry registry = readRegistry(dir);
    RegistryEvent e;
    e.time = isoTimeNow();
    e.action = "promote";
    e.version = target.id;
    e.previous = current ? current->id : std::string();
    e.reason = why;
    e.override = override && !gate.passed;
    e.gate = current ? gate.toJson() : json();
    registry.current = target.id;
    registry.events.push_back(e);
    writeRegistry(dir, registry);
    return gate;
}

std::string rollbackVersion(const Project &project, const std::string &reason)
{
    const std::string why = trimmed(reason);
    const std::string dir = versionsDir(project);
    if (why.empty())
        throw EngineError(Message::tr("a rollback needs a reason (--reason TEXT); none was given"));
    RegistryLock lock(dir);
    removeLeftovers(dir);
    const std::vector<VersionInfo> versions = listVersions(project);
    Registry registry = readRegistry(dir);
    // The versions that were current before each promotion still in force, latest last.
    std::vector<std::string> stack;
    for (const auto &e : registry.events) {
        if (e.action == "promote" && !e.previous.empty())
            stack.push_back(e.previous);
        else if (e.action == "rollback" && !stack.empty())
            stack.pop_back();
    }
    if (stack.empty())
        throw EngineError(Message::tr("%1: nothing to roll back to: no promotion is in force", registryPath(dir)));
    const std::string target = stack.back();
    if (std::none_of(versions.begin(), versions.end(), [&](const VersionInfo &v) { return v.id == target; }))
        throw EngineError(Message::tr("%1: the version to roll back to, %2, has no folder", registryPath(dir), target));
    std::string current;
    for (const auto &v : versions)
        if (v.current)
            current = v.id;
    RegistryEvent e;
    e.time = isoTimeNow();
    e.action = "rollback";
    e.version = target;
    e.previous = current;
    e.reason = why;
    registry.current = target;
    registry.events.push_back(e);
    writeRegistry(dir, registry);
    return target;
}

TrainRequest finetuneRequest(const Project &project, const std::string &fromVersion, const std::string &feedbackFolder)
{
    if (listVersions(project).empty())
        throw EngineError(
            Message::tr("%1: no model versions yet; register a run before fine-tuning", versionsDir(project)));
    const VersionInfo v = findVersion(project, fromVersion);
    const std::string file = (fs::path(v.dir) / "project.json").string();
    ProjectLoad load = loadProjectFile(file);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    const Project &trained = load.project;
    if (trained.dataset.sampleShape != project.dataset.sampleShape
        || trained.dataset.numClasses != project.dataset.numClasses)
        throw EngineError(Message::tr("%1 takes %2 and gives %3 classes; the project's model takes %4 and gives %5: "
                                      "it cannot be fine-tuned from that version",
                                      v.id, formatShape(trained.dataset.sampleShape), trained.dataset.numClasses,
                                      formatShape(project.dataset.sampleShape), project.dataset.numClasses));
    TrainRequest r;
    r.project = project;
    r.project.pretrain.enabled = true;
    r.project.pretrain.source = v.checkpointPath();
    r.project.pretrain.frozen = project.finetune.frozen;
    r.project.training.epochs = project.finetune.epochs;
    r.project.training.optimizer.lr = project.finetune.lr;
    TrainRequest::Finetune f;
    f.parentVersion = v.id;
    f.feedbackDir = feedbackFolder.empty() ? feedbackDir(project) : feedbackFolder;
    f.feedbackWeight = project.finetune.feedbackWeight;
    f.replayFraction = project.finetune.replayFraction;
    f.holdout = project.finetune.holdout;
    r.finetune = f;
    return r;
}

LoopStatus loopStatus(const Project &project)
{
    LoopStatus s;
    if (project.filePath.empty())
        return s;
    const std::vector<VersionInfo> versions = listVersions(project);
    s.versions = int(versions.size());
    std::set<std::string> seen;
    for (const auto &v : versions)
        if (v.current) {
            s.current = v.id;
            seen.insert(v.feedbackItems.begin(), v.feedbackItems.end());
        }
    const std::string dir = feedbackDir(project);
    std::error_code ec;
    if (dir.empty() || !fs::exists(fs::path(dir) / "feedback.jsonl", ec))
        return s;
    for (const FeedbackItem &item : FeedbackStore(dir).items()) {
        ++s.items;
        if (!item.reviewed()) {
            ++s.unreviewed;
            continue;
        }
        ++s.reviewed;
        if (item.verdict == "wrong")
            ++s.wrong;
        if (!seen.count(item.id))
            ++s.sinceCurrent;
    }
    return s;
}

} // namespace torchwright
