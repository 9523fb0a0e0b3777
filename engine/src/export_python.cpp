// PyTorch program export: a folder with train.py (the layer graph as an nn.Module whose
// attribute names are the node names, the project's data loading, preprocessing, optimizer,
// schedule, loss and seed, and torch.distributed data parallel under torchrun), weights.pt (the
// run's tensors, a plain dict that torch.load reads with weights_only=True), data.pt for the synthetic dataset (Python
// cannot reproduce std::mt19937_64), project.json (the run's project, for import-run), train.sbatch
// (Slurm), pytorchjob.yaml (Kubeflow's PyTorchJob) and README.md.

#include "export_python.h"

#include "augment.h"
#include "checkpoint.h"
#include "dataset.h"
#include "datasetreader.h"
#include "fileutil.h"
#include "layers/python.h"
#include "templates.h"
#include "torchsave.h"
#include "torchwright/analysis.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/runtime.h"
#include "torchwright/settings.h"

#include <torch/serialize.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- Python literals -------------------------------------------------------------------------

std::string pyLiteral(const json &v)
{
    switch (v.type()) {
    case json::value_t::null: return "None";
    case json::value_t::boolean: return pyBool(v.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return v.dump();
    case json::value_t::number_float: return pyNumber(v.get<double>());
    case json::value_t::string: return pyString(v.get<std::string>());
    case json::value_t::array: {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); ++i)
            s += (i ? ", " : "") + pyLiteral(v[i]);
        return s + "]";
    }
    case json::value_t::object: {
        std::string s = "{";
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it, first = false)
            s += (first ? "" : ", ") + pyString(it.key()) + ": " + pyLiteral(it.value());
        return s + "}";
    }
    default: return "None";
    }
}

std::string pyList(const std::vector<double> &values)
{
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + pyNumber(values[i]);
    return s + "]";
}

// Text for a "#" comment: one line, and never a PEP 263 encoding declaration (a comment on the
// first two lines matching `coding[:=]` names the file's encoding to Python, so a project named
// "# -*- coding: latin-1 -*-" would change how train.py is read, or stop it from parsing).
std::string commentText(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0')
            c = ' ';
    for (size_t i = 0; (i = s.find("coding", i)) != std::string::npos;) {
        i += 6;
        if (i < s.size() && (s[i] == ':' || s[i] == '='))
            s.insert(i, " ");
    }
    return s;
}

// The template with each @NAME@ replaced by its value, in one pass so that no value (a project
// name, say) is ever read as a marker.
std::string fillTemplate(std::string_view text, const std::map<std::string, std::string> &values)
{
    std::string out;
    size_t i = 0;
    for (size_t at; (at = text.find('@', i)) != std::string::npos;) {
        const size_t end = text.find('@', at + 1);
        auto it = end == std::string::npos ? values.end() : values.find(std::string(text.substr(at + 1, end - at - 1)));
        if (it == values.end()) {
            out.append(text, i, at + 1 - i);
            i = at + 1;
            continue;
        }
        out.append(text, i, at - i);
        out += it->second;
        i = end + 1;
    }
    return out.append(text, i, std::string::npos);
}

// ---- names -----------------------------------------------------------------------------------

bool isPythonKeyword(const std::string &s)
{
    static const std::set<std::string> keywords = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
    return keywords.count(s) > 0;
}

// Node names that cannot be nn.Module attributes read as `self.<name>`: keywords, names of
// nn.Module's own members (a method found on the class hides a submodule of the same name) and
// names that newer PyTorch versions may add in the same families.
bool needsModulesDict(const std::string &name)
{
    static const std::set<std::string> members = {"T_destination",
                                                  "add_module",
                                                  "apply",
                                                  "bfloat16",
                                                  "buffers",
                                                  "children",
                                                  "compile",
                                                  "cpu",
                                                  "cuda",
                                                  "double",
                                                  "dump_patches",
                                                  "eval",
                                                  "extra_repr",
                                                  "float",
                                                  "forward",
                                                  "get_buffer",
                                                  "get_extra_state",
                                                  "get_parameter",
                                                  "get_submodule",
                                                  "half",
                                                  "ipu",
                                                  "load_state_dict",
                                                  "modules",
                                                  "mtia",
                                                  "named_buffers",
                                                  "named_children",
                                                  "named_modules",
                                                  "named_parameters",
                                                  "parameters",
                                                  "register_backward_hook",
                                                  "register_buffer",
                                                  "register_forward_hook",
                                                  "register_forward_pre_hook",
                                                  "register_full_backward_hook",
                                                  "register_module",
                                                  "register_parameter",
                                                  "requires_grad_",
                                                  "set_extra_state",
                                                  "share_memory",
                                                  "state_dict",
                                                  "to",
                                                  "to_empty",
                                                  "train",
                                                  "training",
                                                  "type",
                                                  "xpu",
                                                  "zero_grad"};
    if (name.empty() || name[0] == '_' || isPythonKeyword(name) || members.count(name))
        return true;
    for (const char *prefix : {"register_", "named_", "get_", "set_", "load_", "call_"})
        if (name.rfind(prefix, 0) == 0)
            return true;
    return false;
}

std::string moduleRef(const std::string &name)
{
    return needsModulesDict(name) ? "self._modules[" + pyString(name) + "]" : "self." + name;
}

// ---- train.py ----------------------------------------------------------------------------------

struct ModelCode {
    std::string init;    // statements of __init__ after super().__init__()
    std::string forward; // statements of forward(self, x)
};

// Each layer as its registry entry's Python form writes it.
ModelCode modelCode(const Graph &g, const GraphAnalysis &a)
{
    ModelCode code;
    // Local variables are the node names, unless a name would hide `x`, `self` or a module.
    std::set<std::string> taken = {"self", "x", "torch", "nn", "F", "math"};
    std::map<int, std::string> var;
    std::map<int, TensorType> outputs;
    for (NodeId id : a.order) {
        const Node &n = *g.node(id);
        const LayerType *type = LayerRegistry::instance().find(n.type);
        if (!type || !type->python.forward)
            throw EngineError(Message::tr("layer '%1' (%2) cannot be written as PyTorch code", n.name, n.type));
        std::vector<TensorType> in;
        std::vector<std::string> x;
        if (id == a.inputNode) {
            in.push_back(a.nodes.at(id.value).output.value_or(TensorType{}));
            x.push_back("x");
        }
        for (const Edge &e : g.inputsOf(id)) {
            in.push_back(outputs.at(e.from.node.value));
            x.push_back(var.at(e.from.node.value));
        }
        const auto &info = a.nodes.at(id.value);
        if (!info.output)
            throw EngineError(Message::tr("layer '%1' (%2) has no inferred output shape", n.name, n.type));
        const std::string shape = formatShape(info.output->shape);
        std::string self;
        try {
            if (type->python.module) {
                self = moduleRef(n.name);
                code.init += "        " + self + " = " + type->python.module(n.params, in) + "\n";
            }
            std::string v = n.name;
            if (isPythonKeyword(v) || taken.count(v))
                v = "v_" + v;
            while (taken.count(v))
                v += "_";
            taken.insert(v);
            code.forward +=
                "        " + v + " = " + type->python.forward(n.params, in, self, x) + "  # " + shape + "\n";
            var[id.value] = v;
        } catch (const json::exception &e) {
            throw EngineError(
                Message::tr("layer '%1' (%2) cannot be written as PyTorch code: %3", n.name, n.type, e.what()));
        }
        outputs[id.value] = *info.output;
    }
    code.forward += "        return " + var.at(a.outputNode.value) + "\n";
    return code;
}

// A template's text without its leading comment, which speaks of the template rather than of
// the program it becomes part of.
std::string templateBody(const std::string &name)
{
    const std::string_view text = templateText(name);
    size_t pos = 0;
    while (pos < text.size() && (text[pos] == '#' || text[pos] == '\n')) {
        const size_t eol = text.find('\n', pos);
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
    }
    std::string body(text.substr(pos));
    while (!body.empty() && body.back() == '\n')
        body.pop_back();
    return body + "\n";
}

// The format's reader (engine/templates/datasets/<name>.py), after the helpers it shares with
// other readers.
std::string programReader(const DatasetFormat &format)
{
    std::string code;
    for (const std::string &helper : format.programHelpers)
        code += templateBody(helper) + "\n\n";
    return code + templateBody(format.programReader);
}

// The format's own settings (DatasetFormat::settings) as the project file writes them, nested by
// their pointers below /dataset ({"image": {"resize": "crop", ...}}); paths made absolute.
json formatSettings(const Project &p, const DatasetFormat &format)
{
    const json all = json::parse(projectToJson(p).dump());
    json out = json::object();
    for (const std::string &pointer : format.settings) {
        const json::json_pointer at(pointer);
        if (!all.contains(at))
            continue;
        json value = all.at(at);
        const SettingSpec *spec = findSetting(pointer);
        if (spec && spec->path && value.is_string() && !value.get<std::string>().empty())
            value = fs::absolute(p.resolvePath(value.get<std::string>())).lexically_normal().string();
        const std::string below = pointer.rfind("/dataset/", 0) == 0 ? pointer.substr(8) : pointer;
        out[json::json_pointer(below)] = value;
    }
    return out;
}

} // namespace

std::string pythonTrainingProgram(const Project &project, const Normalization &norm, const std::string &runName,
                                  const std::string &checkpointName, const json &origin)
{
    Project p = project; // a copy whose graph gets every parameter, defaults included
    const GraphAnalysis a = analyzeGraph(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
    if (!a.ok())
        throw EngineError(a.diagnostics);
    a.normalize(p.graph);
    const ModelCode code = modelCode(p.graph, a);
    const TrainingSettings &t = p.training;
    const Node *input = p.graph.node(a.inputNode);
    const bool tokens = input && input->params.value("dtype", "float32") == "int64";
    // The settings as the project file writes them, so the program reads like the project.
    const json training = json::parse(projectToJson(p)["training"].dump());
    const json &optimizer = training.at("optimizer");
    const json &schedule = training.at("schedule");
    const json &early = training.at("early_stopping");
    const DatasetFormat &format = datasetFormat(p);
    const std::string datasetDir =
        format.needsPath ? fs::absolute(p.datasetPath()).lexically_normal().string() : std::string();
    return fillTemplate(templateText("train.py.in"),
                        {
                            {"COMMENT_PROJECT", commentText(p.name)},
                            {"COMMENT_RUN", commentText(runName)},
                            {"COMMENT_CHECKPOINT", commentText(checkpointName)},
                            {"VERSION", engineVersion()},
                            {"ENGINE_VERSION", pyString(engineVersion())},
                            {"ORIGIN", pyLiteral(origin)},
                            {"PROJECT", pyString(p.name)},
                            {"DATASET_KIND", pyString(p.dataset.kind)},
                            {"DATASET_DIR", pyString(datasetDir)},
                            {"DATASET", pyLiteral(json::parse(projectToJson(p)["dataset"].dump()))},
                            {"DATASET_SETTINGS", pyLiteral(formatSettings(p, format))},
                            {"SAMPLE_SHAPE", pyLiteral(json(p.dataset.sampleShape))},
                            {"NUM_CLASSES", std::to_string(p.dataset.numClasses)},
                            {"CLASS_NAMES", pyLiteral(json(p.dataset.classNames))},
                            {"INPUT_DTYPE", tokens ? "torch.int64" : "torch.float32"},
                            {"PIXEL_DIVISOR", pyNumber(1.0 / format.scale(tokens ? DType::Int64 : DType::Float32))},
                            {"DATASET_READER", programReader(format)},
                            {"VALIDATION_FRACTION", pyNumber(p.dataset.validationFraction)},
                            {"SPLIT_SEED", std::to_string(p.dataset.splitSeed)},
                            {"NORM_MEAN", pyList(norm.mean)},
                            {"NORM_STD", pyList(norm.std)},
                            {"AUGMENTATION", pyLiteral(augmentationRecord(p))},
                            {"EPOCHS", std::to_string(t.epochs)},
                            {"BATCH_SIZE", std::to_string(t.batchSize)},
                            {"LOSS", pyString(t.loss)},
                            {"TARGET", pyString(t.target)},
                            {"OPTIMIZER", pyLiteral(optimizer)},
                            {"SCHEDULE", pyLiteral(schedule)},
                            {"EARLY_STOPPING", pyLiteral(early)},
                            {"GRAD_CLIP", pyNumber(t.gradClip)},
                            {"SEED", std::to_string(t.seed)},
                            {"FROZEN", pyLiteral(json(p.pretrain.frozen))},
                            {"INIT", code.init},
                            {"FORWARD", code.forward},
                        });
}

namespace {

// `text` as an executable file, written whole or not at all.
void writeExecutableAtomically(const std::string &path, const std::string &text)
{
    replaceFileAtomically(path, [&](const std::string &temp) {
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out.write(text.data(), std::streamsize(text.size()));
            out.flush();
            if (!out)
                throw EngineError(Message::tr("%1: write failed", path));
        }
        fs::permissions(temp, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add);
    });
}

// A name for the cluster job: lowercase letters, digits and '-', starting and ending with a letter
// or digit (a Kubernetes object name, also a fine Slurm job name), at most 40 characters.
std::string jobName(const std::string &projectName)
{
    std::string s;
    for (unsigned char c : projectName) {
        if (std::isalnum(c) && c < 128)
            s += char(std::tolower(c));
        else if (!s.empty() && s.back() != '-')
            s += '-';
        if (s.size() >= 40)
            break;
    }
    while (!s.empty() && s.back() == '-')
        s.pop_back();
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])))
        s = "torchwright-" + s;
    while (s.back() == '-')
        s.pop_back();
    return s;
}

// The program reads its data from a folder (not from data.pt beside it).
bool readsDataFolder(const Project &p)
{
    const DatasetFormat &format = datasetFormat(p);
    return format.needsPath && format.programDataFile.empty();
}

std::string sbatchScript(const Project &p)
{
    return fillTemplate(
        templateText("train.sbatch.in"),
        {{"COMMENT_PROJECT", commentText(p.name)}, {"VERSION", engineVersion()}, {"JOB_NAME", jobName(p.name)}});
}

std::string pytorchJobManifest(const Project &p)
{
    const bool data = readsDataFolder(p);
    return fillTemplate(
        templateText("pytorchjob.yaml.in"),
        {{"COMMENT_PROJECT", commentText(p.name)},
         {"VERSION", engineVersion()},
         {"JOB_NAME", jobName(p.name)},
         {"DATA_VOLUME_LINE",
          data ? "#   - the dataset's files on the same volume, as /workspace/data (train.py --data);\n" : ""},
         {"DATA_ARG", data ? " --data /workspace/data" : ""}});
}

// ORIGIN in train.py: what import-run needs to make a run of the project from the program's run
// folder, whatever machine it ran on.
json programOrigin(const LoadedRun &run, const std::string &runDir)
{
    const json summary = fs::exists(fs::path(runDir) / "run.json") ? readRunJson(runDir) : json::object();
    // run.json records the path it was trained with, which may be relative to where training ran:
    // such a file is looked for beside the runs folder that holds the run.
    std::string projectFile = summary.value("project_file", "");
    if (!projectFile.empty() && fs::path(projectFile).is_relative()) {
        fs::path dir = fs::absolute(runDir).lexically_normal();
        if (dir.filename().empty()) // "runs/a/"
            dir = dir.parent_path();
        const fs::path beside = dir.parent_path().parent_path() / fs::path(projectFile).filename();
        projectFile = (fs::exists(beside) ? beside : fs::absolute(projectFile)).lexically_normal().string();
    }
    json origin = {{"project_name", run.project.name},
                   {"project_file", projectFile},
                   {"run", fs::absolute(runDir).lexically_normal().string()},
                   {"run_name", folderName(runDir)},
                   {"checkpoint", fs::path(run.checkpoint).filename().string()},
                   {"preprocessing", runPreprocessing(runDir, run.project)}};
    for (const char *k : {"test_sha256", "task"})
        if (summary.contains(k) && summary[k].is_string())
            origin[k] = summary[k];
    return origin;
}

std::string readme(const LoadedRun &run, const std::string &runDir)
{
    const Project &p = run.project;
    const DatasetFormat &format = datasetFormat(p);
    const std::string &dataFile = format.programDataFile;
    const bool ownFile = !dataFile.empty();
    return fillTemplate(
        templateText("README.md.in"),
        {
            {"PROJECT", commentText(p.name)},
            {"VERSION", engineVersion()},
            {"RUN", folderName(runDir)},
            {"CHECKPOINT", fs::path(run.checkpoint).filename().string()},
            {"DATA_ROW", ownFile ? "| `" + dataFile + "` | the " + format.label
                                       + " dataset the studio made (Python cannot reproduce it) |\n"
                                 : ""},
            {"DATA_NOTE", ownFile ? "The data is `" + dataFile + "` beside `train.py`."
                                  : "It reads the " + format.label + " from `"
                                        + fs::absolute(p.datasetPath()).lexically_normal().string()
                                        + "`; pass `--data DIR` when they are elsewhere."},
            {"DATA_DEFAULT", ownFile ? "this folder, for `" + dataFile + "`" : "the project's dataset folder"},
            {"EPOCHS", std::to_string(p.training.epochs)},
            {"BATCH_SIZE", std::to_string(p.training.batchSize)},
            {"SEED", std::to_string(p.training.seed)},
            {"JOB_NAME", jobName(p.name)},
            {"DATA_K8S", readsDataFolder(p) ? " and the dataset's files as `/workspace/data`" : ""},
        });
}

} // namespace

void exportPythonProgram(const std::string &runDir, const std::string &outDir, const std::string &checkpoint)
{
    LoadedRun run = loadRun(runDir, checkpoint, torch::kCPU);
    const Project &p = run.project;

    // Everything is made in memory first, so a layer that cannot be written leaves no files.
    const Normalization norm = runNormalization(runDir, p);
    const std::string program = pythonTrainingProgram(
        p, norm, folderName(runDir), fs::path(run.checkpoint).filename().string(), programOrigin(run, runDir));

    // Written as Python's torch.save writes a dict, so torch.load(..., weights_only=True) reads it.
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    for (const auto &t : run.model->named_parameters())
        if (t.value().defined())
            weights.emplace_back(t.key(), t.value());
    for (const auto &t : run.model->named_buffers())
        if (t.value().defined())
            weights.emplace_back(t.key(), t.value());
    const std::string weightBytes = torchSaveBytes(weights);

    // A format the program cannot read itself (the synthetic set comes from std::mt19937_64
    // streams) is written out as the engine reads it, before the split and preprocessing.
    const DatasetFormat &format = datasetFormat(p);
    std::string dataBytes;
    if (!format.programDataFile.empty()) {
        const RawSplit train = format.reader->train(p, {});
        const RawSplit test = format.reader->test(p, {});
        dataBytes = torchSaveBytes({{"train_inputs", train.inputs},
                                    {"train_labels", train.labels},
                                    {"test_inputs", test.inputs},
                                    {"test_labels", test.labels}});
    }
    const std::string readmeText = readme(run, runDir);
    const std::string sbatch = sbatchScript(p);
    const std::string manifest = pytorchJobManifest(p);

    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir))
        throw EngineError(ec ? Message::tr("%1: cannot create the folder: %2", outDir, ec.message())
                             : Message::tr("%1: cannot create the folder", outDir));
    const fs::path dir(outDir);
    writeExecutableAtomically((dir / "train.py").string(), program); // runnable as ./train.py too
    writeBytesAtomically((dir / "weights.pt").string(), weightBytes);
    if (!dataBytes.empty())
        writeBytesAtomically((dir / format.programDataFile).string(), dataBytes);
    // The run's project, its paths made relative to this folder (or kept absolute), for
    // import-run --project when the original project file is not at hand.
    Project copy = p;
    saveProjectFile(copy, (dir / "project.json").string());
    writeExecutableAtomically((dir / "train.sbatch").string(), sbatch);
    writeTextFileAtomically((dir / "pytorchjob.yaml").string(), manifest);
    writeTextFileAtomically((dir / "README.md").string(), readmeText);
}

} // namespace torchwright
