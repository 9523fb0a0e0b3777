// Project files: versioned JSON, migrated on load, every problem reported with its JSON path.

#include "torchwright/project.h"

#include "fileutil.h"
#include "torchwright/exports.h"
#include "torchwright/runtime.h"

#include <cmath>
#include <filesystem>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string describe(const json &v)
{
    std::string s = v.dump();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Reads typed fields out of JSON objects, recording a diagnostic with the field's path for each
// problem and falling back to the default so that checking goes on and finds the rest.
class Reader {
public:
    explicit Reader(Diagnostics &d) : m_d(d) {}

    const json *field(const json &obj, const std::string &path, const char *key, bool required)
    {
        if (!obj.is_object())
            return nullptr;
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required)
                m_d.error(path, std::string("missing required field '") + key + "'");
            return nullptr;
        }
        return &*it;
    }

    const json &object(const json &obj, const std::string &path, const char *key, bool required = false)
    {
        static const json empty = json::object();
        const json *v = field(obj, path, key, required);
        if (!v)
            return empty;
        if (!v->is_object()) {
            m_d.error(path + "/" + key, "expected an object, got " + describe(*v));
            return empty;
        }
        return *v;
    }

    std::string string(const json &obj, const std::string &path, const char *key, std::string def,
                       const std::vector<std::string> &choices = {}, bool required = false)
    {
        const json *v = field(obj, path, key, required);
        if (!v)
            return def;
        if (!v->is_string()) {
            m_d.error(path + "/" + key, "expected a string, got " + describe(*v));
            return def;
        }
        std::string s = v->get<std::string>();
        if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
            std::string list;
            for (const auto &c : choices)
                list += (list.empty() ? "\"" : ", \"") + c + "\"";
            m_d.error(path + "/" + key, "expected one of " + list + ", got " + describe(*v));
            return def;
        }
        return s;
    }

    int64_t integer(const json &obj, const std::string &path, const char *key, int64_t def, int64_t min,
                    int64_t max, bool required = false)
    {
        const json *v = field(obj, path, key, required);
        if (!v)
            return def;
        if (!checkInteger(*v, path + "/" + key, min, max))
            return def;
        return v->get<int64_t>();
    }

    bool checkInteger(const json &v, const std::string &path, int64_t min, int64_t max)
    {
        if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
            std::string what = min == 1 && max == INT64_MAX   ? "a positive integer"
                               : min == 0 && max == INT64_MAX ? "a non-negative integer"
                                                              : "an integer from " + std::to_string(min)
                                                                    + " to " + std::to_string(max);
            m_d.error(path, "expected " + what + ", got " + describe(v));
            return false;
        }
        return true;
    }

    double number(const json &obj, const std::string &path, const char *key, double def, double min,
                  double max, bool minExclusive = false, bool maxExclusive = false)
    {
        const json *v = field(obj, path, key, false);
        if (!v)
            return def;
        const bool good = v->is_number() && std::isfinite(v->get<double>())
                          && (minExclusive ? v->get<double>() > min : v->get<double>() >= min)
                          && (maxExclusive ? v->get<double>() < max : v->get<double>() <= max);
        if (!good) {
            std::string range;
            if (max == HUGE_VAL)
                range = std::string(minExclusive ? "> " : ">= ") + num(min);
            else if (minExclusive && !maxExclusive)
                range = "> " + num(min) + " and <= " + num(max);
            else
                range = "from " + num(min) + (minExclusive ? " (exclusive)" : "") + " to " + num(max)
                        + (maxExclusive ? " (exclusive)" : "");
            m_d.error(path + "/" + key, "expected a number " + range + ", got " + describe(*v));
            return def;
        }
        return v->get<double>();
    }

    bool boolean(const json &obj, const std::string &path, const char *key, bool def)
    {
        const json *v = field(obj, path, key, false);
        if (!v)
            return def;
        if (!v->is_boolean()) {
            m_d.error(path + "/" + key, "expected true or false, got " + describe(*v));
            return def;
        }
        return v->get<bool>();
    }

    std::vector<std::string> strings(const json &obj, const std::string &path, const char *key)
    {
        std::vector<std::string> r;
        const json *v = field(obj, path, key, false);
        if (!v)
            return r;
        if (!v->is_array()) {
            m_d.error(path + "/" + key, "expected a list of strings, got " + describe(*v));
            return r;
        }
        for (size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string())
                m_d.error(path + "/" + key + "/" + std::to_string(i), "expected a string, got " + describe((*v)[i]));
            else
                r.push_back((*v)[i].get<std::string>());
        }
        return r;
    }

    std::vector<double> numbers(const json &obj, const std::string &path, const char *key)
    {
        std::vector<double> r;
        const json *v = field(obj, path, key, false);
        if (!v)
            return r;
        if (!v->is_array()) {
            m_d.error(path + "/" + key, "expected a list of numbers, got " + describe(*v));
            return r;
        }
        for (size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_number())
                m_d.error(path + "/" + key + "/" + std::to_string(i), "expected a number, got " + describe((*v)[i]));
            else
                r.push_back((*v)[i].get<double>());
        }
        return r;
    }

    Diagnostics &diags() { return m_d; }

private:
    Diagnostics &m_d;
};

void readDataset(Reader &r, const json &root, DatasetSettings &d)
{
    const std::string p = "/dataset";
    const json &o = r.object(root, "", "dataset", true);
    d.kind = r.string(o, p, "kind", "idx", {"idx", "cifar10", "synthetic"}, true);
    d.path = r.string(o, p, "path", "", {}, d.kind != "synthetic");
    if (d.kind != "synthetic" && d.path.empty() && o.contains("path"))
        r.diags().error(p + "/path", "the dataset folder is empty; give the folder holding the data files");
    d.sampleShape.clear();
    if (const json *s = r.field(o, p, "sample_shape", true)) {
        if (!s->is_array() || s->empty() || s->size() > 4) {
            r.diags().error(p + "/sample_shape", "expected a list of 1 to 4 positive integers, got " + describe(*s));
        } else {
            for (size_t i = 0; i < s->size(); ++i)
                if (r.checkInteger((*s)[i], p + "/sample_shape/" + std::to_string(i), 1, 1 << 20))
                    d.sampleShape.push_back((*s)[i].get<int64_t>());
        }
    }
    d.numClasses = int(r.integer(o, p, "num_classes", 10, 1, 100000, true));
    d.classNames = r.strings(o, p, "class_names");
    if (!d.classNames.empty() && int(d.classNames.size()) != d.numClasses)
        r.diags().error(p + "/class_names", "expected " + std::to_string(d.numClasses) + " class names (num_classes), got "
                                                + std::to_string(d.classNames.size()));
    d.validationFraction = r.number(o, p, "validation_fraction", 0.1, 0.0, 0.9);
    d.splitSeed = uint64_t(r.integer(o, p, "split_seed", 42, 0, INT64_MAX));
    if (d.kind == "synthetic") {
        const json &s = r.object(o, p, "synthetic");
        const std::string sp = p + "/synthetic";
        d.syntheticTrain = int(r.integer(s, sp, "train_samples", 1024, 2, 10000000));
        d.syntheticTest = int(r.integer(s, sp, "test_samples", 256, 1, 10000000));
        d.syntheticNoise = r.number(s, sp, "noise", 0.5, 0.0, 1e6);
        d.syntheticSeed = uint64_t(r.integer(s, sp, "seed", 7, 0, INT64_MAX));
    }
}

void readPreprocess(Reader &r, const json &root, PreprocessSettings &s, const DatasetSettings &d)
{
    const std::string p = "/preprocess";
    const json &o = r.object(root, "", "preprocess");
    s.normalize = r.string(o, p, "normalize", "dataset", {"none", "dataset", "fixed"});
    s.mean = r.numbers(o, p, "mean");
    s.std = r.numbers(o, p, "std");
    if (s.normalize == "fixed") {
        const size_t channels = d.sampleShape.empty() ? 0 : size_t(d.sampleShape[0]);
        if (s.mean.size() != channels && s.mean.size() != 1)
            r.diags().error(p + "/mean", "expected 1 or " + std::to_string(channels) + " values (one per channel), got "
                                             + std::to_string(s.mean.size()));
        if (s.std.size() != s.mean.size())
            r.diags().error(p + "/std", "expected as many values as mean (" + std::to_string(s.mean.size()) + "), got "
                                            + std::to_string(s.std.size()));
        for (size_t i = 0; i < s.std.size(); ++i)
            if (!(s.std[i] > 0))
                r.diags().error(p + "/std/" + std::to_string(i), "expected a positive number, got " + json(s.std[i]).dump());
    }
}

void readTraining(Reader &r, const json &root, TrainingSettings &t)
{
    const std::string p = "/training";
    const json &o = r.object(root, "", "training");
    t.epochs = int(r.integer(o, p, "epochs", 5, 1, 100000));
    t.batchSize = int(r.integer(o, p, "batch_size", 64, 1, 1 << 20));
    t.loss = r.string(o, p, "loss", "cross_entropy", {"cross_entropy", "mse", "bce_with_logits"});
    const json &opt = r.object(o, p, "optimizer");
    const std::string op = p + "/optimizer";
    auto &os = t.optimizer;
    os.type = r.string(opt, op, "type", "adam", {"sgd", "adam", "adamw", "rmsprop"});
    os.lr = r.number(opt, op, "lr", 1e-3, 0.0, 1e6, true);
    os.momentum = r.number(opt, op, "momentum", 0.0, 0.0, 1.0, false, true);
    os.nesterov = r.boolean(opt, op, "nesterov", false);
    if (os.nesterov && os.type == "sgd" && os.momentum <= 0)
        r.diags().error(op + "/nesterov", "Nesterov momentum needs momentum > 0");
    os.weightDecay = r.number(opt, op, "weight_decay", 0.0, 0.0, 1e6);
    auto betas = r.numbers(opt, op, "betas");
    if (!betas.empty()) {
        if (betas.size() != 2 || betas[0] < 0 || betas[0] >= 1 || betas[1] < 0 || betas[1] >= 1)
            r.diags().error(op + "/betas", "expected two numbers in [0, 1), got " + json(betas).dump());
        else {
            os.beta1 = betas[0];
            os.beta2 = betas[1];
        }
    }
    os.eps = r.number(opt, op, "eps", 1e-8, 0.0, 1.0, true);
    os.alpha = r.number(opt, op, "alpha", 0.99, 0.0, 1.0);
    const json &sch = r.object(o, p, "schedule");
    const std::string sp = p + "/schedule";
    t.schedule.type = r.string(sch, sp, "type", "none", {"none", "step", "cosine"});
    t.schedule.stepSize = int(r.integer(sch, sp, "step_size", 1, 1, 100000));
    t.schedule.gamma = r.number(sch, sp, "gamma", 0.1, 0.0, HUGE_VAL, true);
    t.schedule.minLr = r.number(sch, sp, "min_lr", 0.0, 0.0, 1e6);
    const json &es = r.object(o, p, "early_stopping");
    const std::string ep = p + "/early_stopping";
    t.earlyStopping.enabled = r.boolean(es, ep, "enabled", false);
    t.earlyStopping.metric = r.string(es, ep, "metric", "val_loss", {"val_loss", "val_accuracy"});
    t.earlyStopping.patience = int(r.integer(es, ep, "patience", 3, 0, 100000));
    t.earlyStopping.minDelta = r.number(es, ep, "min_delta", 0.0, 0.0, 1e6);
    t.gradClip = r.number(o, p, "grad_clip", 0.0, 0.0, 1e9);
    t.seed = uint64_t(r.integer(o, p, "seed", 1, 0, INT64_MAX));
    t.device = r.string(o, p, "device", "auto");
    if (!isValidDeviceString(t.device)) {
        r.diags().error(p + "/device", "expected \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"" + t.device + "\"");
        t.device = "auto";
    }
    t.threads = int(r.integer(o, p, "threads", 0, 0, 4096));
}

void readGraph(Reader &r, const json &root, Graph &g)
{
    const json &o = r.object(root, "", "graph", true);
    g.nodes.clear();
    g.edges.clear();
    if (const json *nodes = r.field(o, "/graph", "nodes", true)) {
        if (!nodes->is_array()) {
            r.diags().error("/graph/nodes", "expected a list of nodes, got " + describe(*nodes));
        } else {
            for (size_t i = 0; i < nodes->size(); ++i) {
                const json &n = (*nodes)[i];
                const std::string p = "/graph/nodes/" + std::to_string(i);
                if (!n.is_object()) {
                    r.diags().error(p, "expected a node object, got " + describe(n));
                    continue;
                }
                Node node;
                node.id = NodeId{int(r.integer(n, p, "id", -1, 0, 1 << 30, true))};
                node.type = r.string(n, p, "type", "", {}, true);
                node.name = r.string(n, p, "name", "", {}, true);
                if (const json *params = r.field(n, p, "params", false))
                    node.params = *params;
                if (const json *pos = r.field(n, p, "position", false)) {
                    if (!pos->is_array() || pos->size() != 2 || !(*pos)[0].is_number() || !(*pos)[1].is_number())
                        r.diags().error(p + "/position", "expected [x, y], got " + describe(*pos));
                    else {
                        node.x = (*pos)[0].get<double>();
                        node.y = (*pos)[1].get<double>();
                    }
                }
                g.nodes.push_back(std::move(node));
            }
        }
    }
    if (const json *edges = r.field(o, "/graph", "edges", true)) {
        if (!edges->is_array()) {
            r.diags().error("/graph/edges", "expected a list of edges, got " + describe(*edges));
            return;
        }
        for (size_t i = 0; i < edges->size(); ++i) {
            const json &e = (*edges)[i];
            const std::string p = "/graph/edges/" + std::to_string(i);
            if (!e.is_object()) {
                r.diags().error(p, "expected {\"from\": {...}, \"to\": {...}}, got " + describe(e));
                continue;
            }
            Edge edge;
            const json &from = r.object(e, p, "from", true);
            const json &to = r.object(e, p, "to", true);
            edge.from.node = NodeId{int(r.integer(from, p + "/from", "node", -1, 0, 1 << 30, true))};
            edge.from.port = int(r.integer(from, p + "/from", "port", 0, 0, 64));
            edge.to.node = NodeId{int(r.integer(to, p + "/to", "node", -1, 0, 1 << 30, true))};
            edge.to.port = int(r.integer(to, p + "/to", "port", 0, 0, 64));
            g.edges.push_back(edge);
        }
    }
}

std::string relocate(const std::string &stored, const std::string &oldFile, const std::string &newFile)
{
    if (stored.empty() || fs::path(stored).is_absolute())
        return stored;
    const fs::path oldDir = oldFile.empty() ? fs::current_path() : fs::absolute(oldFile).parent_path();
    const fs::path newDir = fs::absolute(newFile).parent_path();
    if (oldDir == newDir)
        return stored;
    const fs::path target = (oldDir / stored).lexically_normal();
    fs::path rel = target.lexically_relative(newDir);
    return rel.empty() ? target.string() : rel.string();
}

} // namespace

std::string Project::resolvePath(const std::string &path) const
{
    if (path.empty())
        return path;
    fs::path p(path);
    if (p.is_absolute())
        return p.lexically_normal().string();
    const fs::path base = filePath.empty() ? fs::current_path() : fs::path(filePath).parent_path();
    return (base / p).lexically_normal().string();
}

json migrateProject(json j, Diagnostics &diags)
{
    if (!j.is_object())
        return j;
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer())
        return j; // reported by the reader
    int v = version->get<int>();
    if (v == 1) {
        // Version 1 wrote edges as [fromNode, fromPort, toNode, toPort], the optimizer as a bare
        // name with the learning rate beside it, and had no pretrain stage nor studio layout.
        if (j.contains("graph") && j["graph"].is_object() && j["graph"].contains("edges")
            && j["graph"]["edges"].is_array()) {
            json edges = json::array();
            const json &old = j["graph"]["edges"];
            for (size_t i = 0; i < old.size(); ++i) {
                const json &e = old[i];
                if (e.is_array() && e.size() == 4) {
                    edges.push_back({{"from", {{"node", e[0]}, {"port", e[1]}}},
                                     {"to", {{"node", e[2]}, {"port", e[3]}}}});
                } else {
                    diags.error("/graph/edges/" + std::to_string(i),
                                "version 1 edges are [fromNode, fromPort, toNode, toPort], got " + describe(e));
                }
            }
            j["graph"]["edges"] = edges;
        }
        if (j.contains("training") && j["training"].is_object()) {
            json &t = j["training"];
            if (t.contains("optimizer") && t["optimizer"].is_string()) {
                json opt = {{"type", t["optimizer"]}};
                if (t.contains("lr"))
                    opt["lr"] = t["lr"];
                t["optimizer"] = opt;
            }
            t.erase("lr");
        }
        v = 2;
        j["version"] = v;
    }
    return j;
}

ProjectLoad projectFromJson(json j, const std::string &filePath)
{
    ProjectLoad load;
    Diagnostics &d = load.diagnostics;
    Project &p = load.project;
    p.filePath = filePath.empty() ? std::string() : fs::absolute(filePath).lexically_normal().string();
    if (!j.is_object()) {
        d.error("", "expected a JSON object at the top level, got " + describe(j));
        return load;
    }
    Reader r(d);
    const std::string format = r.string(j, "", "format", "", {}, true);
    if (j.contains("format") && format != kProjectFormat)
        d.error("/format", std::string("expected \"") + kProjectFormat + "\", got " + describe(j["format"])
                               + ": this is not a Torchwright project");
    const int64_t version = r.integer(j, "", "version", kProjectVersion, 1, INT32_MAX, true);
    if (version > kProjectVersion) {
        d.error("/version", "the file is version " + std::to_string(version) + ", newer than this Torchwright reads ("
                                + std::to_string(kProjectVersion) + "); update Torchwright to open it");
        return load;
    }
    j = migrateProject(std::move(j), d);
    p.name = r.string(j, "", "name", "");
    readDataset(r, j, p.dataset);
    readPreprocess(r, j, p.preprocess, p.dataset);
    const json &pre = r.object(j, "", "pretrain");
    p.pretrain.enabled = r.boolean(pre, "/pretrain", "enabled", false);
    p.pretrain.source = r.string(pre, "/pretrain", "source", "");
    p.pretrain.frozen = r.strings(pre, "/pretrain", "frozen");
    if (p.pretrain.enabled && p.pretrain.source.empty())
        d.error("/pretrain/source", "pretraining is enabled but no source run or checkpoint is given");
    readTraining(r, j, p.training);
    const json &ex = r.object(j, "", "export");
    if (ex.contains("formats")) {
        p.exports.formats = r.strings(ex, "/export", "formats");
        for (size_t i = 0; i < p.exports.formats.size(); ++i) {
            const auto &f = p.exports.formats[i];
            if (!findExportFormat(f)) {
                std::string names;
                for (const std::string &name : exportFormats())
                    names += (names.empty() ? "\"" : ", \"") + name + "\"";
                d.error("/export/formats/" + std::to_string(i), "expected one of " + names + ", got \"" + f + "\"");
            }
        }
    }
    readGraph(r, j, p.graph);
    if (j.contains("ui"))
        p.ui = j["ui"];
    for (auto it = j.begin(); it != j.end(); ++it) {
        static const std::vector<std::string> known = {"format", "version", "name", "dataset", "preprocess",
                                                       "pretrain", "training", "export", "graph", "ui"};
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            d.warning("/" + it.key(), "unknown field '" + it.key() + "' is ignored");
    }
    return load;
}

ProjectLoad parseProject(const std::string &text, const std::string &filePath)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error &e) {
        ProjectLoad load;
        std::string msg = e.what();
        // nlohmann's text starts with "[json.exception.parse_error.101] "; keep the rest.
        if (auto pos = msg.find("] "); pos != std::string::npos)
            msg = msg.substr(pos + 2);
        load.diagnostics.error("", "not valid JSON: " + msg);
        load.project.filePath = filePath;
        return load;
    }
    return projectFromJson(std::move(j), filePath);
}

ProjectLoad loadProjectFile(const std::string &path)
{
    std::string text;
    try {
        text = readTextFile(path);
    } catch (const EngineError &e) {
        ProjectLoad load;
        load.diagnostics = e.diagnostics();
        return load;
    }
    return parseProject(text, path);
}

ojson projectToJson(const Project &p)
{
    ojson j;
    j["format"] = kProjectFormat;
    j["version"] = kProjectVersion;
    j["name"] = p.name;
    ojson d;
    d["kind"] = p.dataset.kind;
    d["path"] = p.dataset.path;
    d["sample_shape"] = p.dataset.sampleShape;
    d["num_classes"] = p.dataset.numClasses;
    d["class_names"] = p.dataset.classNames;
    d["validation_fraction"] = p.dataset.validationFraction;
    d["split_seed"] = p.dataset.splitSeed;
    if (p.dataset.kind == "synthetic")
        d["synthetic"] = ojson{{"train_samples", p.dataset.syntheticTrain},
                               {"test_samples", p.dataset.syntheticTest},
                               {"noise", p.dataset.syntheticNoise},
                               {"seed", p.dataset.syntheticSeed}};
    j["dataset"] = d;
    j["preprocess"] = ojson{{"normalize", p.preprocess.normalize}, {"mean", p.preprocess.mean}, {"std", p.preprocess.std}};
    j["pretrain"] = ojson{{"enabled", p.pretrain.enabled}, {"source", p.pretrain.source}, {"frozen", p.pretrain.frozen}};
    const auto &t = p.training;
    ojson tr;
    tr["epochs"] = t.epochs;
    tr["batch_size"] = t.batchSize;
    tr["loss"] = t.loss;
    tr["optimizer"] = ojson{{"type", t.optimizer.type},
                            {"lr", t.optimizer.lr},
                            {"momentum", t.optimizer.momentum},
                            {"nesterov", t.optimizer.nesterov},
                            {"weight_decay", t.optimizer.weightDecay},
                            {"betas", {t.optimizer.beta1, t.optimizer.beta2}},
                            {"eps", t.optimizer.eps},
                            {"alpha", t.optimizer.alpha}};
    tr["schedule"] = ojson{{"type", t.schedule.type},
                           {"step_size", t.schedule.stepSize},
                           {"gamma", t.schedule.gamma},
                           {"min_lr", t.schedule.minLr}};
    tr["early_stopping"] = ojson{{"enabled", t.earlyStopping.enabled},
                                 {"metric", t.earlyStopping.metric},
                                 {"patience", t.earlyStopping.patience},
                                 {"min_delta", t.earlyStopping.minDelta}};
    tr["grad_clip"] = t.gradClip;
    tr["seed"] = t.seed;
    tr["device"] = t.device;
    tr["threads"] = t.threads;
    j["training"] = tr;
    j["export"] = ojson{{"formats", p.exports.formats}};
    ojson nodes = ojson::array();
    for (const auto &n : p.graph.nodes) {
        ojson params = ojson::object();
        // Parameters in the registry's order, then any the registry does not know.
        if (const LayerType *type = LayerRegistry::instance().find(n.type)) {
            for (const auto &spec : type->params)
                if (n.params.is_object() && n.params.contains(spec.name))
                    params[spec.name] = n.params[spec.name];
        }
        if (n.params.is_object()) {
            for (auto it = n.params.begin(); it != n.params.end(); ++it)
                if (!params.contains(it.key()))
                    params[it.key()] = it.value();
        } else {
            params = n.params;
        }
        ojson node;
        node["id"] = n.id.value;
        node["type"] = n.type;
        node["name"] = n.name;
        node["params"] = params;
        // Canvas positions are usually whole pixels: written as integers they stay readable.
        auto coordinate = [](double v) {
            return std::floor(v) == v && std::fabs(v) < 1e15 ? ojson(int64_t(v)) : ojson(v);
        };
        node["position"] = {coordinate(n.x), coordinate(n.y)};
        nodes.push_back(node);
    }
    ojson edges = ojson::array();
    for (const auto &e : p.graph.edges)
        edges.push_back(ojson{{"from", {{"node", e.from.node.value}, {"port", e.from.port}}},
                              {"to", {{"node", e.to.node.value}, {"port", e.to.port}}}});
    j["graph"] = ojson{{"nodes", nodes}, {"edges", edges}};
    j["ui"] = ojson::parse(p.ui.dump());
    return j;
}

std::string serializeProject(const Project &project)
{
    return projectToJson(project).dump(2) + "\n";
}

Project relocatedProject(const Project &project, const std::string &newFilePath)
{
    const std::string absolute = fs::absolute(newFilePath).lexically_normal().string();
    Project copy = project;
    copy.dataset.path = relocate(project.dataset.path, project.filePath, absolute);
    copy.pretrain.source = relocate(project.pretrain.source, project.filePath, absolute);
    copy.filePath = absolute;
    return copy;
}

void saveProjectFile(Project &project, const std::string &path)
{
    Project copy = relocatedProject(project, path);
    writeTextFileAtomically(copy.filePath, serializeProject(copy));
    project = std::move(copy);
}

GraphAnalysis analyzeProject(Project &project)
{
    TensorType sample{project.dataset.sampleShape, DType::Float32};
    GraphAnalysis a = analyzeGraph(project.graph, sample, "/graph");
    if (project.dataset.sampleShape.empty())
        a.diagnostics.error("/dataset/sample_shape", "the dataset's sample shape is not given, so no shape can be inferred");
    // The output must fit the loss and the number of classes.
    auto out = a.nodes.find(a.outputNode.value);
    if (a.outputNode.valid() && out != a.nodes.end() && out->second.output) {
        const Shape &s = out->second.output->shape;
        const Node *n = project.graph.node(a.outputNode);
        const int classes = project.dataset.numClasses;
        const std::string &loss = project.training.loss;
        const bool binary = loss == "bce_with_logits" && classes <= 2 && s == Shape{1};
        if (!binary && s != Shape{classes}) {
            a.diagnostics.error("/graph/nodes/" + std::to_string(project.graph.indexOf(a.outputNode)),
                                "the output layer '" + n->name + "' gives " + formatShape(s)
                                    + " per sample, but the " + loss + " loss needs " + std::to_string(classes)
                                    + " (one per class, /dataset/num_classes)",
                                a.outputNode.value);
        }
    }
    for (size_t i = 0; i < project.pretrain.frozen.size(); ++i)
        if (!project.graph.findByName(project.pretrain.frozen[i]))
            a.diagnostics.error("/pretrain/frozen/" + std::to_string(i),
                                "no layer is named '" + project.pretrain.frozen[i] + "'");
    return a;
}

} // namespace torchwright
