// Project files: versioned JSON, migrated on load, every problem reported with its JSON path.

#include "torchwright/project.h"

#include "distillcheck.h"
#include "fileutil.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runtime.h"
#include "torchwright/settings.h"

#include <cmath>
#include <filesystem>
#include <map>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

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
                m_d.error(path, Message::tr("missing required field '%1'", key));
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
            m_d.error(path + "/" + key, Message::tr("expected an object, got %1", describe(*v)));
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
            m_d.error(path + "/" + key, Message::tr("expected a string, got %1", describe(*v)));
            return def;
        }
        std::string s = v->get<std::string>();
        if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end()) {
            std::string list;
            for (const auto &c : choices)
                list += (list.empty() ? "\"" : ", \"") + c + "\"";
            m_d.error(path + "/" + key, Message::tr("expected one of %1, got %2", list, describe(*v)));
            return def;
        }
        return s;
    }

    int64_t integer(const json &obj, const std::string &path, const char *key, int64_t def, int64_t min, int64_t max,
                    bool required = false)
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
        // Read as int64 only once it fits: nlohmann keeps 2^63 and above unsigned.
        const bool fits = v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX));
        if (!fits || v.get<int64_t>() < min || v.get<int64_t>() > max) {
            m_d.error(path, Message::tr("expected %1, got %2", integerExpectation(min, max), describe(v)));
            return false;
        }
        return true;
    }

    Diagnostics &diags() { return m_d; }

private:
    Diagnostics &m_d;
};

// Reads every setting of the schema (settings.h) that applies, in the file's order, so that a
// format's own settings are read once its kind is known.
class SettingsReader {
public:
    SettingsReader(Reader &r, const json &root) : m_r(r), m_root(root) {}

    void read(const SettingSpec &s, Project &p)
    {
        const size_t slash = s.pointer.rfind('/');
        const std::string where = s.pointer.substr(0, slash);
        const std::string key = s.pointer.substr(slash + 1);
        const bool required = s.isRequired(p);
        const json *v = m_r.field(object(where, required), where, key.c_str(), required);
        if (!v)
            return;
        json value;
        if (!checkValue(s, *v, s.pointer, value))
            return;
        if (s.check) {
            Message problem = s.check(value, p);
            if (!problem.empty()) {
                m_r.diags().error(s.pointer, problem);
                return;
            }
        }
        s.set(p, value);
    }

private:
    // The object at `path` ("/training/optimizer"); a missing or wrong one is reported once
    // however many settings live in it.
    const json &object(const std::string &path, bool required)
    {
        if (path.empty())
            return m_root;
        auto it = m_objects.find(path);
        if (it != m_objects.end())
            return *it->second;
        const size_t slash = path.rfind('/');
        const std::string up = path.substr(0, slash);
        const json &o = m_r.object(object(up, required), up, path.substr(slash + 1).c_str(), required);
        m_objects[path] = &o;
        return o;
    }

    // Checks `v` against `s`'s type and range; `out` is what to store (a list keeps its good
    // items, so that one bad item does not hide the others' problems).
    bool checkValue(const SettingSpec &s, const json &v, const std::string &where, json &out)
    {
        bool good = false;
        switch (s.type) {
        case SettingType::Int:
            if (!m_r.checkInteger(v, where, s.intMin(), s.intMax()))
                return false;
            out = v;
            return true;
        case SettingType::Number:
            good = v.is_number() && std::isfinite(v.get<double>()) && s.inRange(v.get<double>());
            break;
        case SettingType::Bool: good = v.is_boolean(); break;
        case SettingType::String: good = v.is_string(); break;
        case SettingType::Choice:
            if (!v.is_string()) {
                m_r.diags().error(where, Message::tr("expected a string, got %1", describe(v)));
                return false;
            }
            good = std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) != s.choices.end();
            break;
        case SettingType::List:
            good = v.is_array() && v.size() >= s.minItems && (!s.maxItems || v.size() <= s.maxItems);
            if (good) {
                SettingSpec item = s;
                item.type = s.itemType;
                out = json::array();
                for (size_t i = 0; i < v.size(); ++i) {
                    json one;
                    if (checkValue(item, v[i], where + "/" + std::to_string(i), one))
                        out.push_back(one);
                }
                return true;
            }
            break;
        }
        if (!good) {
            m_r.diags().error(where, Message::tr("expected %1, got %2", s.expectation(), describe(v)));
            return false;
        }
        out = v;
        return true;
    }

    Reader &m_r;
    const json &m_root;
    std::map<std::string, const json *> m_objects;
};

// Checks across settings that no single range states, after every setting is read.
void checkAcrossSettings(const Project &p, Diagnostics &diags)
{
    const DatasetSettings &d = p.dataset;
    if (!d.classNames.empty() && int(d.classNames.size()) != d.numClasses)
        diags.error("/dataset/class_names",
                    Message::tr("expected %1 class names (num_classes), got %2", d.numClasses, d.classNames.size()));
    const PreprocessSettings &s = p.preprocess;
    if (s.normalize == "fixed") {
        const size_t channels = d.sampleShape.empty() ? 0 : size_t(d.sampleShape[0]);
        if (s.mean.size() != channels && s.mean.size() != 1)
            diags.error("/preprocess/mean",
                        Message::tr("expected 1 or %1 values (one per channel), got %2", channels, s.mean.size()));
        if (s.std.size() != s.mean.size())
            diags.error("/preprocess/std",
                        Message::tr("expected as many values as mean (%1), got %2", s.mean.size(), s.std.size()));
        for (size_t i = 0; i < s.std.size(); ++i)
            if (!(s.std[i] > 0))
                diags.error("/preprocess/std/" + std::to_string(i),
                            Message::tr("expected a positive number, got %1", json(s.std[i]).dump()));
    }
    if (p.pretrain.enabled && p.pretrain.source.empty())
        diags.error("/pretrain/source", Message::tr("pretraining is enabled but no source run or checkpoint is given"));
    if (p.training.precision == "fp16" && p.training.device == "cpu")
        diags.error("/training/precision",
                    Message::tr("fp16 training needs a CUDA device, and /training/device is cpu: choose bf16 or fp32"));
    if (p.training.reconstructs() && p.training.loss != "mse")
        diags.error("/training/loss", Message::tr("the target is the input (/training/target), which is reconstructed "
                                                  "with the mse loss; got \"%1\"",
                                                  p.training.loss));
    if (p.training.reconstructs() && p.training.earlyStopping.metric == "val_accuracy")
        diags.error("/training/early_stopping/metric",
                    Message::tr("the target is the input (/training/target): there is "
                                "no accuracy to watch; watch val_loss"));
    if (isRegression(p) && !p.training.reconstructs()) {
        if (p.training.loss != "mse")
            diags.error("/training/loss", Message::tr("the target is a real value (regression, /dataset/csv/task), "
                                                      "which is learned with the mse loss; got \"%1\"",
                                                      p.training.loss));
        if (p.training.earlyStopping.metric == "val_accuracy")
            diags.error("/training/early_stopping/metric",
                        Message::tr("the target is a real value (regression, /dataset/csv/task): there is no "
                                    "accuracy to watch; watch val_loss"));
    }
    if (p.distill.enabled() && (p.training.loss != "cross_entropy" || p.training.reconstructs() || isRegression(p)))
        diags.error("/distill/teacher",
                    Message::tr("distillation from a teacher run needs a classification with the cross_entropy loss "
                                "(/training/loss, labels as the target); got \"%1\"",
                                p.training.loss));
    const OptimizerSettings &os = p.training.optimizer;
    if (os.nesterov && os.type == "sgd" && os.momentum <= 0)
        diags.error("/training/optimizer/nesterov", Message::tr("Nesterov momentum needs momentum > 0"));
}

void readGraph(Reader &r, const json &root, Graph &g)
{
    const json &o = r.object(root, "", "graph", true);
    g.nodes.clear();
    g.edges.clear();
    if (const json *nodes = r.field(o, "/graph", "nodes", true)) {
        if (!nodes->is_array()) {
            r.diags().error("/graph/nodes", Message::tr("expected a list of nodes, got %1", describe(*nodes)));
        } else {
            for (size_t i = 0; i < nodes->size(); ++i) {
                const json &n = (*nodes)[i];
                const std::string p = "/graph/nodes/" + std::to_string(i);
                if (!n.is_object()) {
                    r.diags().error(p, Message::tr("expected a node object, got %1", describe(n)));
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
                        r.diags().error(p + "/position", Message::tr("expected [x, y], got %1", describe(*pos)));
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
            r.diags().error("/graph/edges", Message::tr("expected a list of edges, got %1", describe(*edges)));
            return;
        }
        for (size_t i = 0; i < edges->size(); ++i) {
            const json &e = (*edges)[i];
            const std::string p = "/graph/edges/" + std::to_string(i);
            if (!e.is_object()) {
                r.diags().error(p, Message::tr("expected {\"from\": {...}, \"to\": {...}}, got %1", describe(e)));
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
    // "@current", "@v2": a model version of the project wherever it is (versions.h), not a path.
    if (stored.empty() || stored[0] == '@' || fs::path(stored).is_absolute())
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
                    edges.push_back(
                        {{"from", {{"node", e[0]}, {"port", e[1]}}}, {"to", {{"node", e[2]}, {"port", e[3]}}}});
                } else {
                    diags.error(
                        "/graph/edges/" + std::to_string(i),
                        Message::tr("version 1 edges are [fromNode, fromPort, toNode, toPort], got %1", describe(e)));
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
        d.error("", Message::tr("expected a JSON object at the top level, got %1", describe(j)));
        return load;
    }
    Reader r(d);
    const std::string format = r.string(j, "", "format", "", {}, true);
    if (j.contains("format") && format != kProjectFormat)
        d.error("/format", Message::tr("expected \"%1\", got %2: this is not a Torchwright project", kProjectFormat,
                                       describe(j["format"])));
    const int64_t version = r.integer(j, "", "version", kProjectVersion, 1, INT32_MAX, true);
    if (version > kProjectVersion) {
        d.error("/version",
                Message::tr("the file is version %1, newer than this Torchwright reads (%2); update Torchwright "
                            "to open it",
                            version, kProjectVersion));
        return load;
    }
    j = migrateProject(std::move(j), d);
    SettingsReader settings(r, j);
    for (const SettingSpec &s : projectSettings())
        if (s.appliesTo(p))
            settings.read(s, p);
    checkAcrossSettings(p, d);
    readGraph(r, j, p.graph);
    if (j.contains("ui"))
        p.ui = j["ui"];
    for (auto it = j.begin(); it != j.end(); ++it) {
        static const std::vector<std::string> known = {"format",      "version",  "name",    "dataset", "preprocess",
                                                       "pretrain",    "training", "distill", "export",  "graph",
                                                       "application", "finetune", "update",  "ui"};
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            d.warning("/" + it.key(), Message::tr("unknown field '%1' is ignored", it.key()));
    }
    return load;
}

ProjectLoad parseProject(const std::string &text, const std::string &filePath)
{
    if (Message deep = jsonDepthError(text); !deep.empty()) {
        // Refused before parsing: writing or walking such a value would overflow the stack.
        ProjectLoad load;
        load.diagnostics.error("", Message::tr("%1; a project needs far fewer", deep));
        load.project.filePath = filePath;
        return load;
    }
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error &e) {
        ProjectLoad load;
        std::string msg = e.what();
        // nlohmann's text starts with "[json.exception.parse_error.101] "; keep the rest.
        if (auto pos = msg.find("] "); pos != std::string::npos)
            msg = msg.substr(pos + 2);
        load.diagnostics.error("", Message::tr("not valid JSON: %1", msg));
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
    for (const SettingSpec &s : projectSettings())
        if (s.appliesTo(p) && !(s.omitDefault && s.get(p) == s.defaultValue))
            j[ojson::json_pointer(s.pointer)] = ojson(s.get(p));
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

std::string serializeProject(const Project &project) { return projectToJson(project).dump(2) + "\n"; }

Project relocatedProject(const Project &project, const std::string &newFilePath)
{
    const std::string absolute = fs::absolute(newFilePath).lexically_normal().string();
    Project copy = project;
    copy.dataset.path = relocate(project.dataset.path, project.filePath, absolute);
    copy.pretrain.source = relocate(project.pretrain.source, project.filePath, absolute);
    copy.distill.teacher = relocate(project.distill.teacher, project.filePath, absolute);
    copy.filePath = absolute;
    return copy;
}

void saveProjectFile(Project &project, const std::string &path)
{
    Project copy = relocatedProject(project, path);
    writeTextFileAtomically(copy.filePath, serializeProject(copy));
    project = std::move(copy);
}

GraphAnalysis analyzeProject(const Project &project)
{
    TensorType sample{project.dataset.sampleShape, DType::Float32};
    GraphAnalysis a = analyzeGraph(project.graph, sample, "/graph");
    if (project.dataset.sampleShape.empty())
        a.diagnostics.error(
            "/dataset/sample_shape",
            Message::tr("the dataset's sample shape is missing or was refused, so no shape can be inferred"));
    // The output must fit the loss and the number of classes.
    auto out = a.nodes.find(a.outputNode.value);
    if (a.outputNode.valid() && out != a.nodes.end() && out->second.output) {
        const Shape &s = out->second.output->shape;
        const Node *n = project.graph.node(a.outputNode);
        const int classes = project.dataset.numClasses;
        const std::string &loss = project.training.loss;
        const bool binary = loss == "bce_with_logits" && classes <= 2 && s == Shape{1};
        if (project.training.reconstructs()) {
            if (s != project.dataset.sampleShape)
                a.diagnostics.error(
                    "/graph/nodes/" + std::to_string(project.graph.indexOf(a.outputNode)),
                    Message::tr("the output layer '%1' gives %2 per sample, but the target is the input "
                                "(/training/target), so it must give the input's shape %3",
                                n->name, formatShape(s), formatShape(project.dataset.sampleShape)),
                    a.outputNode.value);
        } else if (isRegression(project)) {
            if (s != Shape{1})
                a.diagnostics.error(
                    "/graph/nodes/" + std::to_string(project.graph.indexOf(a.outputNode)),
                    Message::tr("the output layer '%1' gives %2 per sample, but a regression (/dataset/csv/task) "
                                "predicts one value: it must give 1",
                                n->name, formatShape(s)),
                    a.outputNode.value);
        } else if (!binary && s != Shape{classes}) {
            a.diagnostics.error(
                "/graph/nodes/" + std::to_string(project.graph.indexOf(a.outputNode)),
                Message::tr("the output layer '%1' gives %2 per sample, but the %3 loss needs %4 (one per "
                            "class, /dataset/num_classes)",
                            n->name, formatShape(s), loss, classes),
                a.outputNode.value);
        }
    }
    for (size_t i = 0; i < project.pretrain.frozen.size(); ++i)
        if (!project.graph.findByName(project.pretrain.frozen[i]))
            a.diagnostics.error("/pretrain/frozen/" + std::to_string(i),
                                Message::tr("no layer is named '%1'", project.pretrain.frozen[i]));
    if (project.distill.enabled()) // the teacher run against this project: shapes (distillcheck.h)
        a.diagnostics.append(checkTeacher(project).diagnostics);
    for (size_t i = 0; i < project.finetune.frozen.size(); ++i)
        if (!project.graph.findByName(project.finetune.frozen[i]))
            a.diagnostics.error("/finetune/frozen/" + std::to_string(i),
                                Message::tr("no layer is named '%1'", project.finetune.frozen[i]));
    return a;
}

} // namespace torchwright
