#include "checkpoint.h"

#include "archivecheck.h"
#include "fileutil.h"
#include "programweights.h"
#include "torchwright/jsonfile.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

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

torch::Tensor cudaGeneratorState(const torch::Device &device)
{
    if (!device.is_cuda())
        return {};
    at::Generator gen = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

void setCudaGeneratorState(const torch::Device &device, const torch::Tensor &state)
{
    if (!device.is_cuda() || !state.defined())
        return;
    at::Generator gen = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

namespace {

std::string firstLine(const std::string &s) { return s.substr(0, s.find('\n')); }

torch::Tensor stringTensor(const std::string &s)
{
    auto t = torch::empty({int64_t(s.size())}, torch::kUInt8);
    if (!s.empty()) // an empty tensor's data pointer may be null
        std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
    return t;
}

std::string tensorString(const torch::Tensor &t)
{
    auto c = t.to(torch::kCPU).contiguous();
    if (c.numel() == 0)
        return {};
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

namespace {

constexpr const char *kChecksumsKey = "checksums";

// The archive's bytes, serialised in memory: LibTorch's own file writer throws again from its
// destructor when a write fails (a full disk), which aborts the process.
std::string serializeArchive(torch::serialize::OutputArchive &archive, const std::string &path)
{
    std::string bytes;
    try {
        archive.save_to([&](const void *data, size_t n) {
            bytes.append(static_cast<const char *>(data), n);
            return n;
        });
    } catch (const c10::Error &e) {
        throw EngineError(
            Message::tr("%1: cannot serialise the checkpoint: %2", path, firstLine(e.what_without_backtrace())));
    }
    return bytes;
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
    if (state.cudaRng.defined())
        archive.write("rng_cuda", state.cudaRng.to(torch::kCPU));
    if (state.lossScale > 0) {
        archive.write("loss_scale", torch::tensor(state.lossScale, torch::kFloat64));
        archive.write("loss_scale_clean_steps", torch::tensor(state.lossScaleCleanSteps, torch::kFloat64));
        archive.write("skipped_steps", torch::tensor(state.skippedSteps));
    }
    // The SHA-256 of every tensor as the archive holds it (optimizer state included), found by
    // reading the serialised archive back, so that saving and loading walk the same names.
    const std::string unsummed = serializeArchive(archive, path);
    torch::serialize::InputArchive readBack;
    readBack.load_from(unsummed.data(), unsummed.size(), torch::kCPU);
    nlohmann::json sums = nlohmann::json::object();
    for (const auto &[name, t] : checkedArchiveTensors(readBack, path))
        sums[name] = tensorDigest(t);
    archive.write(kChecksumsKey,
                  stringTensor(nlohmann::json{{"version", 1}, {"algorithm", "sha256"}, {"tensors", sums}}.dump()));
    writeBytesAtomically(path, serializeArchive(archive, path));
}

namespace {

// The archive's model weights by name (on the CPU).
std::map<std::string, torch::Tensor> readWeights(torch::serialize::InputArchive &archive, GraphModelImpl &model,
                                                 const std::string &path, bool requireAll)
{
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights))
        throw EngineError(Message::tr("%1: not a Torchwright checkpoint (no model weights)", path));
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
            throw EngineError(Message::tr(
                "%1: the checkpoint has no tensor '%2'; it was saved from a different layer graph", path, name));
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
    // The error, one line per mismatch after its first line.
    Message mismatches = Message::tr("%1: tensors do not fit the layer graph:", path);
    bool mismatched = false;
    for (const auto &[name, t] : weights) {
        torch::Tensor *target = params.find(name);
        if (!target)
            target = buffers.find(name);
        if (!target)
            continue;
        if (target->sizes() != t.sizes()) {
            const size_t dot = name.find('.');
            mismatches =
                Message::tr("%1\n  %2", mismatches,
                            Message::tr("layer '%1': %2 is %3 in the source but %4 in the layer graph",
                                        name.substr(0, dot), name.substr(dot + 1), shapeOf(t), shapeOf(*target)));
            mismatched = true;
            continue;
        }
        if (target->is_floating_point() != t.is_floating_point() || t.scalar_type() == torch::kBool) {
            mismatches = Message::tr("%1\n  %2", mismatches,
                                     Message::tr("layer '%1': %2 holds %3 values where the layer has %4",
                                                 name.substr(0, name.find('.')), name,
                                                 std::string(c10::toString(t.scalar_type())),
                                                 std::string(c10::toString(target->scalar_type()))));
            mismatched = true;
            continue;
        }
        copies.emplace_back(target, t);
    }
    if (mismatched)
        throw EngineError(mismatches);
    for (auto &[target, t] : copies)
        target->copy_(t);
}

} // namespace

namespace {

// Compares every tensor of a checked archive with the SHA-256 saved beside it. A checkpoint
// written before checksums existed loads with a warning on stderr (its zip CRC-32s were still
// checked); one whose checksum record is damaged, or that lacks a tensor's sum, is refused.
void verifyChecksums(std::map<std::string, torch::Tensor> &tensors, const std::string &path)
{
    auto it = tensors.find(kChecksumsKey);
    if (it == tensors.end()) {
        std::cerr << "warning: " << path
                  << ": written before Torchwright kept checksums in checkpoints; its tensors are not verified "
                     "(save it again to add them)\n";
        return;
    }
    const torch::Tensor record = it->second;
    tensors.erase(it);
    if (record.scalar_type() != torch::kUInt8 || record.dim() != 1)
        throw EngineError(Message::tr("%1: the checksum record is damaged (not a byte string)", path));
    nlohmann::json j;
    try {
        j = parseJsonText(tensorString(record), path + " (checksums)");
    } catch (const EngineError &e) {
        throw EngineError(Message::tr("%1: the checksum record is damaged: %2", path, e.text()));
    }
    if (!j.is_object() || !j.contains("tensors") || !j["tensors"].is_object())
        throw EngineError(Message::tr("%1: the checksum record is damaged (no tensors object)", path));
    const nlohmann::json &sums = j["tensors"];
    for (const auto &[name, t] : tensors) {
        auto s = sums.find(name);
        if (s == sums.end() || !s->is_string())
            throw EngineError(Message::tr("%1: tensor '%2' has no checksum; the file was altered after it was "
                                          "written, use another checkpoint",
                                          path, name));
        if (tensorDigest(t) != s->get<std::string>())
            throw EngineError(Message::tr("%1: tensor '%2' does not match its SHA-256; the checkpoint is damaged "
                                          "and is not used (use another checkpoint, or train again)",
                                          path, name));
    }
    for (const auto &[name, sum] : sums.items())
        if (!tensors.count(name))
            throw EngineError(Message::tr("%1: tensor '%2' is missing; the checkpoint is damaged", path, name));
}

// Reads a checkpoint into `archive`: the file checked as a zip, every tensor checked against its
// storage and its checksum, before anything uses a tensor. Returns the tensors by archive path.
std::map<std::string, torch::Tensor> openCheckpoint(const std::string &path, const torch::Device &device,
                                                    torch::serialize::InputArchive &archive)
{
    const std::string bytes = readCheckedArchive(path);
    try {
        archive.load_from(bytes.data(), bytes.size(), device);
    } catch (const c10::Error &e) {
        throw EngineError(
            Message::tr("%1: cannot read the checkpoint: %2", path, firstLine(e.what_without_backtrace())));
    }
    std::map<std::string, torch::Tensor> tensors = checkedArchiveTensors(archive, path);
    verifyChecksums(tensors, path);
    return tensors;
}

// A scalar of the archive: absent (undefined), or one element of the given kind.
torch::Tensor scalarEntry(const std::map<std::string, torch::Tensor> &tensors, const std::string &key, bool floating,
                          const std::string &path)
{
    auto it = tensors.find(key);
    if (it == tensors.end())
        return {};
    const torch::Tensor &t = it->second;
    if (t.numel() != 1 || (floating ? !t.is_floating_point() : t.scalar_type() != torch::kInt64)) {
        if (floating)
            throw EngineError(Message::tr("%1: '%2' is not a number; the checkpoint is damaged", path, key));
        throw EngineError(Message::tr("%1: '%2' is not an integer; the checkpoint is damaged", path, key));
    }
    return t.to(torch::kCPU);
}

int intEntry(const std::map<std::string, torch::Tensor> &tensors, const std::string &key, const std::string &path)
{
    const torch::Tensor t = scalarEntry(tensors, key, false, path);
    if (!t.defined())
        return 0;
    const int64_t v = t.item<int64_t>();
    if (v < 0 || v > 1000000)
        throw EngineError(Message::tr("%1: '%2' is %3, outside 0..1000000", path, key, v));
    return int(v);
}

} // namespace

TrainingState loadCheckpoint(const std::string &path, GraphModelImpl &model, torch::optim::Optimizer *optimizer,
                             const torch::Device &device)
{
    if (!fs::exists(path))
        throw EngineError(Message::tr("%1: checkpoint not found", path));
    torch::serialize::InputArchive archive;
    const std::map<std::string, torch::Tensor> tensors = openCheckpoint(path, device, archive);
    assign(model, readWeights(archive, model, path, true), path);
    TrainingState s;
    if (optimizer) {
        torch::serialize::InputArchive opt;
        if (!archive.try_read("optimizer", opt))
            throw EngineError(
                Message::tr("%1: the checkpoint holds no optimizer state, so the run cannot be resumed", path));
        try {
            optimizer->load(opt);
        } catch (const c10::Error &e) {
            throw EngineError(Message::tr("%1: the optimizer state does not fit this optimizer: %2", path,
                                          firstLine(e.what_without_backtrace())));
        }
    }
    s.epoch = intEntry(tensors, "epoch", path);
    s.bestEpoch = intEntry(tensors, "best_epoch", path);
    s.epochsWithoutImprovement = intEntry(tensors, "epochs_without_improvement", path);
    if (auto t = scalarEntry(tensors, "best_metric", true, path); t.defined())
        s.bestMetric = t.item<double>();
    if (auto it = tensors.find("rng_shuffle"); it != tensors.end()) {
        if (it->second.scalar_type() != torch::kUInt8 || it->second.dim() != 1)
            throw EngineError(Message::tr("%1: 'rng_shuffle' is not a byte string; the checkpoint is damaged", path));
        s.shuffleRng = tensorString(it->second);
    }
    if (auto it = tensors.find("rng_torch"); it != tensors.end()) {
        const torch::Tensor t = it->second.to(torch::kCPU);
        if (t.scalar_type() != torch::kUInt8 || t.dim() != 1 || t.numel() != defaultGeneratorState().numel())
            throw EngineError(Message::tr("%1: 'rng_torch' is not a random generator state of this LibTorch (%2 "
                                          "elements); the checkpoint is damaged",
                                          path, t.numel()));
        s.torchRng = t.clone();
    }
    if (auto it = tensors.find("rng_cuda"); it != tensors.end()) {
        const torch::Tensor t = it->second.to(torch::kCPU);
        if (t.scalar_type() != torch::kUInt8 || t.dim() != 1)
            throw EngineError(
                Message::tr("%1: 'rng_cuda' is not a random generator state; the checkpoint is damaged", path));
        s.cudaRng = t.clone();
    }
    if (auto t = scalarEntry(tensors, "loss_scale", true, path); t.defined()) {
        s.lossScale = t.item<double>();
        if (!(s.lossScale > 0) || !std::isfinite(s.lossScale))
            throw EngineError(Message::tr("%1: 'loss_scale' is %2; the checkpoint is damaged", path,
                                          nlohmann::json(s.lossScale).dump()));
        if (auto c = scalarEntry(tensors, "loss_scale_clean_steps", true, path); c.defined())
            s.lossScaleCleanSteps = std::max(0.0, c.item<double>());
        if (auto k = scalarEntry(tensors, "skipped_steps", false, path); k.defined())
            s.skippedSteps = std::max<int64_t>(0, k.item<int64_t>());
    }
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
std::map<std::string, torch::Tensor> readSource(const std::string &path, GraphModelImpl &model, Message &kind)
{
    // Checked as a zip before LibTorch parses anything; every tensor checked before it is used.
    const std::string bytes = readCheckedArchive(path);
    std::string jitError;
    try {
        std::istringstream in(bytes);
        torch::jit::Module m = torch::jit::load(in, torch::kCPU);
        std::map<std::string, torch::Tensor> all;
        collectTensors(c10::IValue(m._ivalue()), "", path, all);
        if (m.hasattr("model") && m.attr("model").isModule()) {
            kind = Message::tr("Torchwright checkpoint");
            torch::serialize::InputArchive archive;
            openCheckpoint(path, torch::kCPU, archive);
            return readWeights(archive, model, path, false);
        }
        kind = Message::tr("TorchScript model");
        std::map<std::string, torch::Tensor> found;
        for (const auto &p : m.named_parameters(true))
            found[engineName(p.name)] = p.value;
        for (const auto &b : m.named_buffers(true))
            found[engineName(b.name)] = b.value;
        return found;
    } catch (const c10::Error &e) {
        jitError = e.what_without_backtrace();
    }
    torch::IValue root;
    try {
        root = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const c10::Error &e) {
        // LibTorch's unpickler turns collections.OrderedDict, the type of model.state_dict(), into
        // None and then fails expecting a dict.
        if (std::string(e.what_without_backtrace()).find("Expected GenericDict but got None") != std::string::npos)
            throw EngineError(Message::tr("%1: a PyTorch file holding an OrderedDict (model.state_dict() as is), "
                                          "which LibTorch cannot read; save it as a plain dict: "
                                          "torch.save(dict(model.state_dict()), path)",
                                          path));
        throw EngineError(Message::tr("%1: not a Torchwright checkpoint, a TorchScript file or a PyTorch checkpoint "
                                      "(%2; %3)",
                                      path, jitError.substr(0, jitError.find('\n')),
                                      std::string(e.what_without_backtrace()).substr(0, 200)));
    }
    {
        std::map<std::string, torch::Tensor> all;
        collectTensors(root, "", path, all);
    }
    if (!root.isGenericDict())
        throw EngineError(
            Message::tr("%1: a PyTorch file, but it holds a %2, not a state dict of tensors", path, root.tagKind()));
    c10::Dict<c10::IValue, c10::IValue> dict = root.toGenericDict();
    for (const char *key : {"model", "state_dict"}) {
        auto it = dict.find(c10::IValue(std::string(key)));
        if (it != dict.end() && it->value().isGenericDict()) {
            dict = it->value().toGenericDict();
            break;
        }
    }
    kind = Message::tr("PyTorch checkpoint");
    std::map<std::string, torch::Tensor> found;
    for (const auto &entry : dict)
        if (entry.key().isString() && entry.value().isTensor())
            found[engineName(entry.key().toStringRef())] = entry.value().toTensor();
    return found;
}

} // namespace

void loadProgramWeights(const std::string &path, GraphModelImpl &model)
{
    if (!fs::exists(path))
        throw EngineError(Message::tr("%1: checkpoint not found", path));
    Message kind;
    const std::map<std::string, torch::Tensor> weights = readSource(path, model, kind);
    std::set<std::string> graphNames;
    for (const auto &p : model.named_parameters())
        graphNames.insert(p.key());
    for (const auto &b : model.named_buffers())
        graphNames.insert(b.key());
    for (const std::string &name : graphNames)
        if (!weights.count(name))
            throw EngineError(Message::tr("%1: the %2 has no tensor '%3' of the layer graph; it was saved from a "
                                          "different layer graph",
                                          path, kind, name));
    for (const auto &[name, t] : weights)
        if (!graphNames.count(name))
            throw EngineError(Message::tr("%1: the %2 holds '%3', which the layer graph does not have; it was saved "
                                          "from a different layer graph",
                                          path, kind, name));
    assign(model, weights, path);
}

std::vector<Message> loadPretrainedWeights(const std::string &source, GraphModelImpl &model)
{
    std::string path = source;
    if (fs::is_directory(source))
        path = checkpointPath(source, "best");
    if (!fs::exists(path))
        throw EngineError(Message::tr("%1: pretraining source not found (/pretrain/source)", path));
    Message kind;
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
        if (some.empty())
            throw EngineError(Message::tr(
                "%1: no tensor of this %2 matches a layer of the graph by name (it holds none)", path, kind));
        throw EngineError(Message::tr("%1: no tensor of this %2 matches a layer of the graph by name (it has %3)", path,
                                      kind, some + (n > 4 ? ", ..." : "")));
    }
    assign(model, used, path);
    std::map<std::string, int> perLayer;
    for (const auto &[name, t] : used)
        ++perLayer[name.substr(0, name.find('.'))];
    std::vector<Message> lines;
    for (const auto &[layer, count] : perLayer)
        lines.push_back(Message::tr("layer '%1': %2 tensor(s) from %3 %4", layer, count, kind, path));
    return lines;
}

} // namespace torchwright
