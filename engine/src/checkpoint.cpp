#include "checkpoint.h"

#include "fileutil.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace torchwright {

namespace fs = std::filesystem;

torch::Tensor defaultGeneratorState()
{
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

void setDefaultGeneratorState(const torch::Tensor &state)
{
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

namespace {

torch::Tensor stringTensor(const std::string &s)
{
    auto t = torch::empty({int64_t(s.size())}, torch::kUInt8);
    std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
    return t;
}

std::string tensorString(const torch::Tensor &t)
{
    auto c = t.to(torch::kCPU).contiguous();
    return std::string(reinterpret_cast<const char *>(c.data_ptr<uint8_t>()), size_t(c.numel()));
}

void writeModel(torch::serialize::OutputArchive &archive, GraphModelImpl &model)
{
    torch::serialize::OutputArchive weights;
    for (const auto &p : model.named_parameters())
        weights.write(p.key(), p.value().detach().to(torch::kCPU));
    for (const auto &b : model.named_buffers())
        weights.write(b.key(), b.value().to(torch::kCPU), true);
    archive.write("model", weights);
}

} // namespace

void saveCheckpoint(const std::string &path, GraphModelImpl &model, torch::optim::Optimizer *optimizer,
                    const TrainingState &state)
{
    torch::serialize::OutputArchive archive;
    writeModel(archive, model);
    if (optimizer) {
        torch::serialize::OutputArchive opt;
        optimizer->save(opt);
        archive.write("optimizer", opt);
    }
    archive.write("epoch", torch::tensor(int64_t(state.epoch)));
    archive.write("best_epoch", torch::tensor(int64_t(state.bestEpoch)));
    archive.write("best_metric", torch::tensor(state.bestMetric, torch::kFloat64));
    archive.write("epochs_without_improvement", torch::tensor(int64_t(state.epochsWithoutImprovement)));
    archive.write("rng_shuffle", stringTensor(state.shuffleRng));
    if (state.torchRng.defined())
        archive.write("rng_torch", state.torchRng);
    replaceFileAtomically(path, [&](const std::string &temp) { archive.save_to(temp); });
}

namespace {

// The archive's model weights by name (on the CPU).
std::map<std::string, torch::Tensor> readWeights(torch::serialize::InputArchive &archive, GraphModelImpl &model,
                                                 const std::string &path, bool requireAll)
{
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights))
        throw EngineError(path + ": not a Torchwright checkpoint (no model weights)");
    std::map<std::string, torch::Tensor> found;
    std::vector<std::string> names;
    for (const auto &p : model.named_parameters())
        names.push_back(p.key());
    for (const auto &b : model.named_buffers())
        names.push_back(b.key());
    for (const auto &name : names) {
        torch::Tensor t;
        if (weights.try_read(name, t))
            found[name] = t;
        else if (requireAll)
            throw EngineError(path + ": the checkpoint has no tensor '" + name
                              + "'; it was saved from a different layer graph");
    }
    return found;
}

std::string shapeOf(const torch::Tensor &t) { return formatShape(Shape(t.sizes().begin(), t.sizes().end())); }

// Copies `weights` into the model's tensors of the same names. Every shape is checked before
// anything is copied, and all mismatches are named in one error, so a refused source changes
// nothing.
void assign(GraphModelImpl &model, const std::map<std::string, torch::Tensor> &weights, const std::string &path)
{
    torch::NoGradGuard noGrad;
    auto params = model.named_parameters();
    auto buffers = model.named_buffers();
    std::vector<std::pair<torch::Tensor *, torch::Tensor>> copies;
    std::string mismatches;
    for (const auto &[name, t] : weights) {
        torch::Tensor *target = params.find(name);
        if (!target)
            target = buffers.find(name);
        if (!target)
            continue;
        if (target->sizes() != t.sizes()) {
            const size_t dot = name.find('.');
            mismatches += "\n  layer '" + name.substr(0, dot) + "': " + name.substr(dot + 1) + " is " + shapeOf(t)
                          + " in the source but " + shapeOf(*target) + " in the layer graph";
            continue;
        }
        copies.emplace_back(target, t);
    }
    if (!mismatches.empty())
        throw EngineError(path + ": shapes differ from the layer graph:" + mismatches);
    for (auto &[target, t] : copies)
        target->copy_(t);
}

} // namespace

TrainingState loadCheckpoint(const std::string &path, GraphModelImpl &model, torch::optim::Optimizer *optimizer,
                             const torch::Device &device)
{
    if (!fs::exists(path))
        throw EngineError(path + ": checkpoint not found");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
    } catch (const c10::Error &e) {
        throw EngineError(path + ": cannot read the checkpoint: " + std::string(e.what_without_backtrace()));
    }
    assign(model, readWeights(archive, model, path, true), path);
    TrainingState s;
    if (optimizer) {
        torch::serialize::InputArchive opt;
        if (!archive.try_read("optimizer", opt))
            throw EngineError(path + ": the checkpoint holds no optimizer state, so the run cannot be resumed");
        optimizer->load(opt);
    }
    // A fresh tensor for each read: try_read re-points a defined tensor in place.
    auto read = [&](const char *key) {
        torch::Tensor t;
        archive.try_read(key, t);
        return t;
    };
    if (auto t = read("epoch"); t.defined())
        s.epoch = int(t.item<int64_t>());
    if (auto t = read("best_epoch"); t.defined())
        s.bestEpoch = int(t.item<int64_t>());
    if (auto t = read("best_metric"); t.defined())
        s.bestMetric = t.item<double>();
    if (auto t = read("epochs_without_improvement"); t.defined())
        s.epochsWithoutImprovement = int(t.item<int64_t>());
    if (auto t = read("rng_shuffle"); t.defined())
        s.shuffleRng = tensorString(t);
    if (auto t = read("rng_torch"); t.defined())
        s.torchRng = t.to(torch::kCPU);
    return s;
}

std::string checkpointPath(const std::string &runDir, const std::string &which)
{
    const fs::path dir(runDir);
    if (which == "best" && !fs::exists(dir / "best.pt"))
        return (dir / "last.pt").string();
    return (dir / (which + ".pt")).string();
}

namespace {

// "module.conv1.weight" (DDP) and "conv1__weight" (Torchwright's TorchScript attributes) are
// both "conv1.weight" to the engine.
std::string engineName(std::string name)
{
    if (name.rfind("module.", 0) == 0)
        name = name.substr(7);
    for (size_t i = 0; (i = name.find("__", i)) != std::string::npos;)
        name.replace(i, 2, ".");
    return name;
}

// A pretraining source's tensors by engine name: a Torchwright checkpoint, a TorchScript file, or
// a PyTorch checkpoint written by torch.save (a state dict, or a dict holding one under "model"
// or "state_dict", as the exported training program writes it). `kind` says which it was.
std::map<std::string, torch::Tensor> readSource(const std::string &path, GraphModelImpl &model, std::string &kind)
{
    std::string jitError;
    try {
        torch::jit::Module m = torch::jit::load(path, torch::kCPU);
        if (m.hasattr("model") && m.attr("model").isModule()) {
            kind = "Torchwright checkpoint";
            torch::serialize::InputArchive archive;
            archive.load_from(path, torch::kCPU);
            return readWeights(archive, model, path, false);
        }
        kind = "TorchScript model";
        std::map<std::string, torch::Tensor> found;
        for (const auto &p : m.named_parameters(true))
            found[engineName(p.name)] = p.value;
        for (const auto &b : m.named_buffers(true))
            found[engineName(b.name)] = b.value;
        return found;
    } catch (const c10::Error &e) {
        jitError = e.what_without_backtrace();
    }
    std::string bytes = readTextFile(path);
    torch::IValue root;
    try {
        root = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const c10::Error &e) {
        // LibTorch's unpickler turns collections.OrderedDict, the type of model.state_dict(), into
        // None and then fails expecting a dict.
        if (std::string(e.what_without_backtrace()).find("Expected GenericDict but got None") != std::string::npos)
            throw EngineError(path
                              + ": a PyTorch file holding an OrderedDict (model.state_dict() as is), which "
                                "LibTorch cannot read; save it as a plain dict: "
                                "torch.save(dict(model.state_dict()), path)");
        throw EngineError(path + ": not a Torchwright checkpoint, a TorchScript file or a PyTorch checkpoint ("
                          + jitError.substr(0, jitError.find('\n')) + "; "
                          + std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    if (!root.isGenericDict())
        throw EngineError(path + ": a PyTorch file, but it holds a " + root.tagKind()
                          + ", not a state dict of tensors");
    c10::Dict<c10::IValue, c10::IValue> dict = root.toGenericDict();
    for (const char *key : {"model", "state_dict"}) {
        auto it = dict.find(c10::IValue(std::string(key)));
        if (it != dict.end() && it->value().isGenericDict()) {
            dict = it->value().toGenericDict();
            break;
        }
    }
    kind = "PyTorch checkpoint";
    std::map<std::string, torch::Tensor> found;
    for (const auto &entry : dict)
        if (entry.key().isString() && entry.value().isTensor())
            found[engineName(entry.key().toStringRef())] = entry.value().toTensor();
    return found;
}

} // namespace

std::vector<std::string> loadPretrainedWeights(const std::string &source, GraphModelImpl &model)
{
    std::string path = source;
    if (fs::is_directory(source))
        path = checkpointPath(source, "best");
    if (!fs::exists(path))
        throw EngineError(path + ": pretraining source not found (/pretrain/source)");
    std::string kind;
    std::map<std::string, torch::Tensor> weights = readSource(path, model, kind);
    // Only tensors the graph has; a source may hold more (a bigger model, a classifier head).
    std::map<std::string, torch::Tensor> used;
    std::set<std::string> graphNames;
    for (const auto &p : model.named_parameters())
        graphNames.insert(p.key());
    for (const auto &b : model.named_buffers())
        graphNames.insert(b.key());
    for (const auto &[name, t] : weights)
        if (graphNames.count(name))
            used[name] = t;
    if (used.empty()) {
        std::string some;
        int n = 0;
        for (const auto &[name, t] : weights)
            if (n++ < 4)
                some += (some.empty() ? "" : ", ") + name;
        throw EngineError(
            path + ": no tensor of this " + kind + " matches a layer of the graph by name"
            + (some.empty() ? std::string(" (it holds none)") : " (it has " + some + (n > 4 ? ", ..." : "") + ")"));
    }
    assign(model, used, path);
    std::map<std::string, int> perLayer;
    for (const auto &[name, t] : used)
        ++perLayer[name.substr(0, name.find('.'))];
    std::vector<std::string> lines;
    for (const auto &[layer, count] : perLayer)
        lines.push_back("layer '" + layer + "': " + std::to_string(count) + " tensor(s) from " + kind + " " + path);
    return lines;
}

} // namespace torchwright
