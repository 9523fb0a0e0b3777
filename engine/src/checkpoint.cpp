#include "checkpoint.h"

#include "fileutil.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <map>
#include <mutex>

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

void assign(GraphModelImpl &model, const std::map<std::string, torch::Tensor> &weights, const std::string &path)
{
    torch::NoGradGuard noGrad;
    auto params = model.named_parameters();
    auto buffers = model.named_buffers();
    for (const auto &[name, t] : weights) {
        torch::Tensor *target = params.find(name);
        if (!target)
            target = buffers.find(name);
        if (!target)
            continue;
        if (target->sizes() != t.sizes())
            throw EngineError(path + ": '" + name + "' is " + formatShape(Shape(t.sizes().begin(), t.sizes().end()))
                              + " in the checkpoint but " + formatShape(Shape(target->sizes().begin(), target->sizes().end()))
                              + " in the layer graph");
        target->copy_(t);
    }
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

std::vector<std::string> loadPretrainedWeights(const std::string &source, GraphModelImpl &model)
{
    std::string path = source;
    if (fs::is_directory(source))
        path = checkpointPath(source, "best");
    if (!fs::exists(path))
        throw EngineError(path + ": pretraining source not found (/pretrain/source)");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, torch::kCPU);
    } catch (const c10::Error &e) {
        throw EngineError(path + ": cannot read the pretraining checkpoint: " + std::string(e.what_without_backtrace()));
    }
    auto weights = readWeights(archive, model, path, false);
    assign(model, weights, path);
    std::map<std::string, int> perLayer;
    for (const auto &[name, t] : weights)
        ++perLayer[name.substr(0, name.find('.'))];
    std::vector<std::string> lines;
    for (const auto &[layer, count] : perLayer)
        lines.push_back("layer '" + layer + "': " + std::to_string(count) + " tensor(s) from " + path);
    return lines;
}

} // namespace torchwright
