// Pruning (torchwright/compress.h): unstructured magnitude pruning with masks the trainer keeps
// applied, and structured pruning that removes whole conv output channels and linear output
// neurons, giving a smaller layer graph. Both run a schedule of steps, each fine-tuned by the
// ordinary trainer into a run folder of its own.
//
// Structured pruning follows channels through the graph. Every tensor's first sample dimension
// (the channels of CxHxW, the features of a vector) is described as segments, each either fixed
// or the output channels of a "channel group": a Conv2d (groups = 1) or a Linear over a vector,
// whose output channels may go. Element-wise layers, pooling, dropout and batch normalization pass
// the segments through (batch normalization is sliced), Flatten multiplies each channel into its
// CxHxW block, Concat over channels joins the segments, and an Add joins the groups of its inputs
// into one shared channel set (or, when an input is fixed, keeps them whole). Conv2d, Linear and
// ConvTranspose2d take the remaining channels on their input side. Anything else that receives a
// group's channels (softmax, recurrent layers, layer normalization, the model's output) keeps
// that group whole, with a log line saying why.

#include "prune.h"

#include "checkpoint.h"
#include "dataset.h"
#include "fileutil.h"
#include "losses.h"
#include "runfolder.h"
#include "torchsave.h"
#include "torchwright/compress.h"
#include "torchwright/jsonfile.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- Masks ----------------------------------------------------------------------------------

void writeMaskFile(const std::string &path, const std::map<std::string, torch::Tensor> &masks)
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &[name, m] : masks)
        tensors.emplace_back(name, m.to(torch::kCPU).to(torch::kUInt8));
    writeBytesAtomically(path, torchSaveBytes(tensors));
}

BoundMasks bindMaskFile(const std::string &path, GraphModelImpl &model)
{
    const std::string bytes = readTextFile(path);
    torch::IValue root;
    try {
        root = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const c10::Error &e) {
        throw EngineError(
            Message::tr("%1: not a masks file: %2", path, std::string(e.what_without_backtrace()).substr(0, 200)));
    }
    if (!root.isGenericDict())
        throw EngineError(Message::tr("%1: not a masks file (expected a dict of tensors)", path));
    auto params = model.named_parameters();
    BoundMasks bound;
    for (const auto &entry : root.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw EngineError(Message::tr("%1: not a masks file (expected a dict of tensors)", path));
        const std::string name = entry.key().toStringRef();
        torch::Tensor *p = params.find(name);
        if (!p)
            throw EngineError(Message::tr("%1: mask '%2' names no parameter of the model", path, name));
        torch::Tensor m = entry.value().toTensor();
        if (m.sizes() != p->sizes())
            throw EngineError(Message::tr("%1: mask '%2' has the shape %3 but the parameter is %4", path, name,
                                          formatShape(Shape(m.sizes().begin(), m.sizes().end())),
                                          formatShape(Shape(p->sizes().begin(), p->sizes().end()))));
        if (m.numel() > 0 && (m.lt(0).any().item<bool>() || m.gt(1).any().item<bool>()))
            throw EngineError(Message::tr("%1: mask '%2' holds values other than 0 and 1", path, name));
        bound.emplace_back(*p, m.to(p->device(), p->scalar_type()));
    }
    return bound;
}

void applyMasks(const BoundMasks &masks)
{
    if (masks.empty())
        return;
    torch::NoGradGuard noGrad;
    for (const auto &[p, m] : masks)
        p.mul_(m);
}

namespace {

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
std::string percent(double share) { return fixed(100.0 * share, 1) + "%"; }

bool isPrunableWeightLayer(const std::string &type)
{
    return type == "Conv2d" || type == "ConvTranspose2d" || type == "Linear";
}

// The weights unstructured pruning considers: the weight tensors of Conv/Linear layers.
std::vector<std::pair<std::string, torch::Tensor>> prunableWeights(GraphModelImpl &model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    auto params = model.named_parameters();
    for (const Node &n : model.graph().nodes)
        if (isPrunableWeightLayer(n.type))
            if (torch::Tensor *w = params.find(n.name + ".weight"))
                out.emplace_back(n.name + ".weight", *w);
    return out;
}

struct Counts {
    int64_t parameters = 0, nonZero = 0, prunable = 0, prunableZero = 0;
    json layers = json::object(); // weight name -> zero share
};

Counts countWeights(GraphModelImpl &model)
{
    Counts c;
    torch::NoGradGuard noGrad;
    for (const auto &p : model.parameters()) {
        c.parameters += p.numel();
        c.nonZero += p.count_nonzero().item<int64_t>();
    }
    for (const auto &[name, w] : prunableWeights(model)) {
        const int64_t zeros = w.numel() - w.count_nonzero().item<int64_t>();
        c.prunable += w.numel();
        c.prunableZero += zeros;
        c.layers[name] = w.numel() ? double(zeros) / double(w.numel()) : 0.0;
    }
    return c;
}

double sparsityOf(const Counts &c) { return c.prunable ? double(c.prunableZero) / double(c.prunable) : 0.0; }

// ---- Structured: channel groups ---------------------------------------------------------------

struct Segment {
    int group = -1;       // -1: fixed channels
    int64_t channels = 0; // along the first sample dimension
    int64_t block = 1;    // elements per channel (Flatten of CxHxW: H*W)
};
using ChannelMap = std::vector<Segment>;

struct Group {
    std::vector<NodeId> sources; // the layers whose output channels these are
    int64_t channels = 0;
    int parent = -1;
    bool blocked = false;
    Message why; // why it keeps all its channels
};

struct ChannelPlan {
    std::vector<Group> groups;
    std::map<int, ChannelMap> outputs; // by node id
    std::map<int, int> groupOf;        // source node id -> group
    std::vector<Message> notes;        // shared channel sets

    int find(int g)
    {
        while (groups[size_t(g)].parent >= 0)
            g = groups[size_t(g)].parent;
        return g;
    }
    void block(int g, const Message &why)
    {
        Group &r = groups[size_t(find(g))];
        if (!r.blocked) {
            r.blocked = true;
            r.why = why;
        }
    }
    void unite(int a, int b)
    {
        a = find(a);
        b = find(b);
        if (a == b)
            return;
        Group &ga = groups[size_t(a)], &gb = groups[size_t(b)];
        gb.parent = a;
        ga.sources.insert(ga.sources.end(), gb.sources.begin(), gb.sources.end());
        if (gb.blocked && !ga.blocked) {
            ga.blocked = true;
            ga.why = gb.why;
        }
    }
};

std::string groupNames(ChannelPlan &plan, int g, const Graph &graph)
{
    std::string s;
    for (NodeId id : plan.groups[size_t(plan.find(g))].sources)
        s += (s.empty() ? "" : ", ") + graph.node(id)->name;
    return s;
}

int64_t paramInt(const json &p, const char *key, int64_t def)
{
    auto it = p.find(key);
    return it != p.end() && it->is_number_integer() ? it->get<int64_t>() : def;
}

ChannelPlan planChannels(const Graph &graph, const GraphAnalysis &an)
{
    ChannelPlan plan;
    static const std::set<std::string> passThrough = {
        "ReLU",      "LeakyReLU",         "GELU",        "Sigmoid",    "Tanh", "Dropout", "MaxPool2d",
        "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d"};
    auto blockAll = [&](const ChannelMap &m, const Message &why) {
        for (const Segment &s : m)
            if (s.group >= 0)
                plan.block(s.group, why);
    };
    for (NodeId id : an.order) {
        const Node &n = *graph.node(id);
        const NodeAnalysis &na = an.nodes.at(id.value);
        const json &p = an.params.at(id.value);
        const Shape &shape = na.output->shape;
        ChannelMap fixedMap;
        if (!shape.empty())
            fixedMap.push_back({-1, shape[0], 1});
        std::vector<ChannelMap> in;
        std::vector<Shape> inShapes;
        for (const Edge &e : graph.inputsOf(id)) {
            in.push_back(plan.outputs[e.from.node.value]);
            inShapes.push_back(an.nodes.at(e.from.node.value).output->shape);
        }
        auto newGroup = [&](int64_t channels) {
            Group g;
            g.sources = {id};
            g.channels = channels;
            plan.groups.push_back(g);
            const int index = int(plan.groups.size()) - 1;
            plan.groupOf[id.value] = index;
            return ChannelMap{{index, channels, 1}};
        };
        const Message keeps =
            Message::tr("its channels reach %1 '%2', which cannot drop input channels", n.type, n.name);
        ChannelMap out = fixedMap;
        if (n.type == "Input") {
        } else if (n.type == "Conv2d") {
            if (paramInt(p, "groups", 1) == 1) {
                out = newGroup(shape[0]);
            } else {
                blockAll(in[0], keeps);
            }
        } else if (n.type == "Linear") {
            if (inShapes[0].size() == 1)
                out = newGroup(shape[0]);
            else
                blockAll(in[0], keeps);
        } else if (n.type == "ConvTranspose2d") {
            // Takes the remaining channels on its input side; its own output stays.
        } else if (passThrough.count(n.type)) {
            out = in[0];
        } else if (n.type == "Flatten") {
            out = in[0];
            const Shape &s = inShapes[0];
            if (s.size() > 1) {
                int64_t factor = 1;
                for (size_t k = 1; k < s.size(); ++k)
                    factor *= s[k];
                for (Segment &seg : out)
                    seg.block *= factor;
            }
        } else if (n.type == "Add") {
            bool same = true;
            for (size_t k = 1; k < in.size() && same; ++k) {
                same = in[k].size() == in[0].size();
                for (size_t s = 0; same && s < in[0].size(); ++s)
                    same = in[k][s].channels == in[0][s].channels && in[k][s].block == in[0][s].block;
            }
            if (!same) {
                const Message why = Message::tr("its channels meet others of a different layout in Add '%1'", n.name);
                for (const ChannelMap &m : in)
                    blockAll(m, why);
            } else {
                for (size_t s = 0; s < in[0].size(); ++s) {
                    bool anyFixed = false;
                    for (const ChannelMap &m : in)
                        anyFixed = anyFixed || m[s].group < 0;
                    if (anyFixed) {
                        const Message why =
                            Message::tr("its channels are added to channels that are not pruned in Add '%1'", n.name);
                        for (const ChannelMap &m : in)
                            if (m[s].group >= 0)
                                plan.block(m[s].group, why);
                        continue;
                    }
                    for (size_t k = 1; k < in.size(); ++k)
                        if (plan.find(in[k][s].group) != plan.find(in[0][s].group)) {
                            plan.notes.push_back(
                                Message::tr("%1 and %2 share one set of channels: their outputs meet in Add '%3'",
                                            groupNames(plan, in[0][s].group, graph),
                                            groupNames(plan, in[k][s].group, graph), n.name));
                            plan.unite(in[0][s].group, in[k][s].group);
                        }
                }
            }
            out = in[0];
        } else if (n.type == "Concat") {
            const int64_t rank = int64_t(inShapes[0].size());
            int64_t d = paramInt(p, "dim", 0);
            if (d < 0)
                d += rank;
            if (d == 0) {
                out.clear();
                for (const ChannelMap &m : in)
                    out.insert(out.end(), m.begin(), m.end());
            } else {
                const Message why =
                    Message::tr("its channels reach Concat '%1', which joins another dimension", n.name);
                for (const ChannelMap &m : in)
                    blockAll(m, why);
            }
        } else {
            for (const ChannelMap &m : in)
                blockAll(m, keeps);
        }
        plan.outputs[id.value] = out;
    }
    blockAll(plan.outputs[an.outputNode.value], Message::tr("it gives the model's output"));
    return plan;
}

// Kept channels per root group (sorted); a group absent keeps all.
using KeptChannels = std::map<int, std::vector<int64_t>>;

const std::vector<int64_t> *keptOf(ChannelPlan &plan, const KeptChannels &kept, int group)
{
    auto it = kept.find(plan.find(group));
    return it == kept.end() ? nullptr : &it->second;
}

// The element indices of the first sample dimension that remain; `changed` says whether any went.
std::vector<int64_t> keptElements(ChannelPlan &plan, const KeptChannels &kept, const ChannelMap &m, bool &changed)
{
    std::vector<int64_t> idx;
    int64_t offset = 0;
    changed = false;
    for (const Segment &s : m) {
        const std::vector<int64_t> *k = s.group >= 0 ? keptOf(plan, kept, s.group) : nullptr;
        if (k && int64_t(k->size()) != s.channels)
            changed = true;
        auto addChannel = [&](int64_t c) {
            for (int64_t b = 0; b < s.block; ++b)
                idx.push_back(offset + c * s.block + b);
        };
        if (k)
            for (int64_t c : *k)
                addChannel(c);
        else
            for (int64_t c = 0; c < s.channels; ++c)
                addChannel(c);
        offset += s.channels * s.block;
    }
    return idx;
}

bool absorbsInput(const std::string &type)
{
    return type == "Conv2d" || type == "Linear" || type == "ConvTranspose2d" || type == "BatchNorm1d"
           || type == "BatchNorm2d";
}

// The layer graph with the kept channels: output counts of pruned layers, and declared input
// counts of the layers after them.
Graph prunedGraph(const Graph &graph, const GraphAnalysis &an, ChannelPlan &plan, const KeptChannels &kept)
{
    Graph g = graph;
    an.normalize(g);
    for (Node &n : g.nodes) {
        if (auto it = plan.groupOf.find(n.id.value); it != plan.groupOf.end()) {
            if (const std::vector<int64_t> *k = keptOf(plan, kept, it->second))
                n.params[n.type == "Linear" ? "out_features" : "out_channels"] = int64_t(k->size());
        }
        if (absorbsInput(n.type)) {
            const auto inputs = graph.inputsOf(n.id);
            if (inputs.empty())
                continue;
            bool changed = false;
            const auto idx = keptElements(plan, kept, plan.outputs[inputs[0].from.node.value], changed);
            const char *key = n.type == "Linear"                                   ? "in_features"
                              : n.type == "BatchNorm1d" || n.type == "BatchNorm2d" ? "num_features"
                                                                                   : "in_channels";
            if (changed && paramInt(n.params, key, 0) > 0)
                n.params[key] = int64_t(idx.size());
        }
    }
    return g;
}

// Per layer: channel scores (>= 0) of each group's source layers, normalised by the layer's mean.
std::map<int, torch::Tensor> l1Scores(GraphModelImpl &model)
{
    std::map<int, torch::Tensor> scores;
    auto params = model.named_parameters();
    torch::NoGradGuard noGrad;
    for (const Node &n : model.graph().nodes) {
        if (n.type != "Conv2d" && n.type != "Linear")
            continue;
        const torch::Tensor *w = params.find(n.name + ".weight");
        if (!w)
            continue;
        torch::Tensor s = w->detach().abs().reshape({w->size(0), -1}).sum(1).to(torch::kCPU, torch::kFloat64);
        if (const torch::Tensor *b = params.find(n.name + ".bias"))
            s = s + b->detach().abs().to(torch::kCPU, torch::kFloat64);
        scores[n.id.value] = s;
    }
    return scores;
}

// |sum over the channel of weight * gradient| (bias included), summed over `batches` training
// batches in eval mode (dropout off, batch statistics untouched).
std::map<int, torch::Tensor> taylorScores(GraphModelImpl &model, const Project &project, const torch::Device &device,
                                          int batches, const CompressLog &log)
{
    const GraphAnalysis &an = model.analysis();
    const DType inputType =
        project.graph.node(an.inputNode)->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    DataSplits data = loadDataSplits(project, inputType);
    const int64_t n = data.train.size();
    if (n == 0)
        throw EngineError(Message::tr("the Taylor score needs training data, and the training split is empty"));
    const int64_t batchSize = project.training.batchSize;
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(project.training.seed);
    std::shuffle(order.begin(), order.end(), rng);
    const int64_t used = std::min<int64_t>(n, batchSize * batches);
    const torch::Tensor perm = torch::tensor(std::vector<int64_t>(order.begin(), order.begin() + used), torch::kInt64);
    model.to(device);
    model.eval();
    auto params = model.named_parameters();
    std::map<int, torch::Tensor> scores;
    int done = 0;
    for (int64_t begin = 0; begin < used; begin += batchSize, ++done) {
        const torch::Tensor idx = perm.slice(0, begin, std::min(begin + batchSize, used));
        const torch::Tensor x = data.train.inputs.index_select(0, idx).to(device);
        const torch::Tensor y = data.train.labels.index_select(0, idx).to(device);
        model.zero_grad();
        LossAndHits lh = projectLoss(project.training, model.forward(x), x, y, project.dataset.numClasses);
        lh.loss.backward();
        torch::NoGradGuard noGrad;
        for (const Node &nd : model.graph().nodes) {
            if (nd.type != "Conv2d" && nd.type != "Linear")
                continue;
            const torch::Tensor *w = params.find(nd.name + ".weight");
            if (!w || !w->grad().defined())
                continue;
            torch::Tensor t = (*w * w->grad()).reshape({w->size(0), -1}).sum(1);
            if (const torch::Tensor *b = params.find(nd.name + ".bias"); b && b->grad().defined())
                t = t + *b * b->grad();
            t = t.abs().to(torch::kCPU, torch::kFloat64);
            auto it = scores.find(nd.id.value);
            if (it == scores.end())
                scores[nd.id.value] = t;
            else
                it->second += t;
        }
    }
    model.zero_grad();
    model.to(torch::kCPU);
    if (log)
        log(Message::tr("Taylor scores from %1 training batch(es) of %2 samples", done, batchSize));
    return scores;
}

struct Candidate {
    double score;
    int group; // root
    int64_t channel;
};

int64_t macsOf(const Graph &g, const Project &project)
{
    const GraphAnalysis a = analyzeGraph(g, TensorType{project.dataset.sampleShape, DType::Float32});
    if (!a.ok())
        throw EngineError(a.diagnostics);
    return a.totalMultiplyAdds;
}

// Copies the model's weights into the pruned model, sliced to the kept channels.
void sliceWeights(GraphModelImpl &from, GraphModelImpl &to, ChannelPlan &plan, const KeptChannels &kept)
{
    std::map<std::string, torch::Tensor> old;
    for (const auto &p : from.named_parameters())
        old[p.key()] = p.value().detach().to(torch::kCPU);
    for (const auto &b : from.named_buffers())
        old[b.key()] = b.value().detach().to(torch::kCPU);
    std::map<std::string, torch::Tensor> sliced;
    const Graph &graph = from.graph();
    for (const Node &n : graph.nodes) {
        torch::Tensor outIdx, inIdx;
        if (auto it = plan.groupOf.find(n.id.value); it != plan.groupOf.end())
            if (const std::vector<int64_t> *k = keptOf(plan, kept, it->second))
                outIdx = torch::tensor(*k, torch::kInt64);
        if (absorbsInput(n.type)) {
            const auto inputs = graph.inputsOf(n.id);
            bool changed = false;
            const auto idx = keptElements(plan, kept, plan.outputs[inputs[0].from.node.value], changed);
            if (changed)
                inIdx = torch::tensor(idx, torch::kInt64);
        }
        const std::string prefix = n.name + ".";
        for (const auto &[name, t] : old) {
            if (name.rfind(prefix, 0) != 0)
                continue;
            const std::string local = name.substr(prefix.size());
            torch::Tensor v = t;
            if (n.type == "Conv2d" || n.type == "Linear") {
                if (outIdx.defined() && (local == "weight" || local == "bias"))
                    v = v.index_select(0, outIdx);
                if (inIdx.defined() && local == "weight")
                    v = v.index_select(1, inIdx);
            } else if (n.type == "ConvTranspose2d") {
                if (inIdx.defined() && local == "weight")
                    v = v.index_select(0, inIdx);
            } else if (n.type == "BatchNorm1d" || n.type == "BatchNorm2d") {
                if (inIdx.defined() && local != "num_batches_tracked")
                    v = v.index_select(0, inIdx);
            }
            sliced[name] = v;
        }
    }
    torch::NoGradGuard noGrad;
    auto assign = [&](const std::string &name, torch::Tensor &target) {
        auto it = sliced.find(name);
        if (it == sliced.end() || it->second.sizes() != target.sizes())
            throw EngineError(Message::tr("pruning: the sliced tensor '%1' does not fit the pruned layer graph", name));
        target.copy_(it->second);
    };
    for (auto &p : to.named_parameters())
        assign(p.key(), p.value());
    for (auto &b : to.named_buffers())
        assign(b.key(), b.value());
}

// ---- Steps and run folders -------------------------------------------------------------------

std::string stamp()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string uniquePath(const std::string &dir, const std::string &base, const std::string &ext)
{
    std::string p = (fs::path(dir) / (base + ext)).string();
    for (int i = 2; fs::exists(p); ++i)
        p = (fs::path(dir) / (base + "-" + std::to_string(i) + ext)).string();
    return p;
}

// Adds "compression" to a run's run.json, holding its lock as the trainer does.
void recordCompression(const std::string &runDir, const json &record)
{
    RunLock lock;
    lock.acquire(runDir);
    json j = readRunJson(runDir);
    j["compression"] = record;
    j["sha256"] = runJsonSha256(j);
    writeTextFileAtomically((fs::path(runDir) / "run.json").string(), j.dump(2) + "\n");
}

struct StepResult {
    std::string runDir;
    json layers = json::object();
};

} // namespace

PruneResult pruneRun(const std::string &runDirIn, const PruneOptions &options, const TrainingEventSink &sink,
                     const CompressLog &log)
{
    auto say = [&](const Message &m) {
        if (log)
            log(m);
    };
    // The options, before anything is read.
    if (!(options.amount > 0 && options.amount < 1))
        throw EngineError(Message::tr("the pruning amount must be above 0 and below 1 (a share: 0.5 removes half), "
                                      "got %1",
                                      fixed(options.amount, 4)));
    if (options.steps < 1 || options.steps > 100)
        throw EngineError(Message::tr("the pruning steps must be from 1 to 100, got %1", options.steps));
    if (options.finetuneEpochs < 0 || options.finetuneEpochs > 10000)
        throw EngineError(
            Message::tr("the fine-tuning epochs must be from 0 to 10000, got %1", options.finetuneEpochs));
    if (options.score != "l1" && options.score != "taylor")
        throw EngineError(Message::tr("the pruning score must be l1 or taylor, got '%1'", options.score));
    if (!options.structured && options.score != "l1")
        throw EngineError(Message::tr("the Taylor score ranks whole channels, so it applies to structured pruning; "
                                      "unstructured pruning removes the weights of smallest magnitude"));
    if (options.checkpoint != "best" && options.checkpoint != "last")
        throw EngineError(Message::tr("the checkpoint must be best or last, got '%1'", options.checkpoint));
    if (options.scoreBatches < 1)
        throw EngineError(Message::tr("the Taylor score needs at least one batch, got %1", options.scoreBatches));

    std::string sourceDir = fs::absolute(runDirIn).lexically_normal().string();
    if (!sourceDir.empty() && sourceDir.back() == '/')
        sourceDir.pop_back();
    if (!fs::is_directory(sourceDir) || !fs::exists(fs::path(sourceDir) / "project.json"))
        throw EngineError(Message::tr("%1: not a run folder (no project.json)", runDirIn));
    const std::string sourceCheckpoint = checkpointPath(sourceDir, options.checkpoint);
    if (!fs::exists(sourceCheckpoint))
        throw EngineError(Message::tr("%1: the run has no checkpoint (%2 not found); train it first, or wait until "
                                      "its first epoch ends",
                                      runDirIn, fs::path(sourceCheckpoint).filename().string()));
    const json sourceSummary = fs::exists(fs::path(sourceDir) / "run.json") ? readRunJson(sourceDir) : json::object();
    const std::string runsDir =
        options.runsDir.empty() ? fs::path(sourceDir).parent_path().string() : fs::absolute(options.runsDir).string();
    const std::string projectFile = sourceSummary.value("project_file", std::string());

    LoadedRun original = loadRun(sourceDir, options.checkpoint, torch::kCPU);
    const GraphAnalysis &an0 = original.model->analysis();
    const Counts before = countWeights(*original.model);
    PruneResult result;
    result.macsBefore = an0.totalMultiplyAdds;
    result.parametersBefore = options.structured ? an0.totalParameters : before.nonZero;
    const std::string device = resolveDevice(options.device.value_or(original.project.training.device));
    say(Message::tr("pruning %1 (%2): %3 parameters, %4 multiply-adds", sourceDir,
                    fs::path(original.checkpoint).filename().string(), an0.totalParameters, an0.totalMultiplyAdds));
    const std::string stagingDir = (fs::path(runsDir) / ".pruned").string();
    fs::create_directories(stagingDir);

    std::string previous = sourceDir;
    std::string previousCheckpoint = options.checkpoint;
    // Output channels of the Conv2d and Linear layers before pruning, by name (layers keep theirs).
    std::map<std::string, int64_t> originalChannels;
    for (const Node &n : original.model->graph().nodes)
        if (n.type == "Conv2d" || n.type == "Linear")
            originalChannels[n.name] = an0.nodes.at(n.id.value).output->shape[0];
    for (int step = 1; step <= options.steps; ++step) {
        const double target = options.amount * double(step) / double(options.steps); // linear schedule
        LoadedRun prev = step == 1 ? original : loadRun(previous, previousCheckpoint, torch::kCPU);
        const GraphAnalysis &an = prev.model->analysis();
        Project project = prev.project;
        const std::string base = fs::path(sourceDir).filename().string() + "-prune-step" + std::to_string(step);
        std::string masksFile;
        json stepLayers = json::object();

        if (!options.structured) {
            // Global magnitude threshold: the `target` share of all prunable weights, smallest first.
            auto weights = prunableWeights(*prev.model);
            std::vector<torch::Tensor> flat;
            for (const auto &[name, w] : weights)
                flat.push_back(w.detach().abs().reshape({-1}));
            const torch::Tensor all = torch::cat(flat);
            const int64_t k = std::llround(target * double(all.numel()));
            torch::Tensor keep = torch::ones({all.numel()}, torch::kUInt8);
            if (k > 0) {
                const torch::Tensor smallest = std::get<1>(all.topk(k, 0, /*largest=*/false, /*sorted=*/false));
                keep.index_fill_(0, smallest, 0);
            }
            std::map<std::string, torch::Tensor> masks;
            int64_t offset = 0;
            for (const auto &[name, w] : weights) {
                masks[name] = keep.slice(0, offset, offset + w.numel()).reshape(w.sizes()).clone();
                offset += w.numel();
            }
            masksFile = uniquePath(stagingDir, stamp() + "-" + base + "-masks", ".pt");
            writeMaskFile(masksFile, masks);
            say(Message::tr("step %1 of %2: %3 of the %4 Conv/Linear weights set to zero (%5)", step, options.steps, k,
                            all.numel(), percent(target)));
            project.pretrain.enabled = true;
            project.pretrain.source = checkpointPath(previous, previousCheckpoint);
        } else {
            ChannelPlan plan = planChannels(prev.model->graph(), an);
            if (step == 1) {
                for (const Message &m : plan.notes)
                    say(m);
                std::set<int> told;
                for (size_t g = 0; g < plan.groups.size(); ++g) {
                    const int r = plan.find(int(g));
                    if (plan.groups[size_t(r)].blocked && told.insert(r).second)
                        say(Message::tr("%1: not pruned: %2", groupNames(plan, r, prev.model->graph()),
                                        plan.groups[size_t(r)].why));
                }
            }
            std::map<int, torch::Tensor> layerScores =
                options.score == "taylor"
                    ? taylorScores(*prev.model, project, torch::Device(device), options.scoreBatches, log)
                    : l1Scores(*prev.model);
            // Normalised per layer (by its mean), summed over the layers sharing a channel set.
            std::map<int, torch::Tensor> groupScores;
            for (auto &[nodeId, s] : layerScores) {
                auto it = plan.groupOf.find(nodeId);
                if (it == plan.groupOf.end())
                    continue;
                const int r = plan.find(it->second);
                const double mean = s.mean().item<double>();
                torch::Tensor normalised = mean > 0 ? s / mean : s;
                auto g = groupScores.find(r);
                if (g == groupScores.end())
                    groupScores[r] = normalised;
                else
                    g->second += normalised;
            }
            // Candidates: every channel of a prunable group but its best one, lowest score first.
            std::vector<Candidate> candidates;
            for (const auto &[r, s] : groupScores) {
                if (plan.groups[size_t(r)].blocked)
                    continue;
                const int64_t best = s.argmax().item<int64_t>();
                auto acc = s.accessor<double, 1>();
                for (int64_t c = 0; c < s.size(0); ++c)
                    if (c != best)
                        candidates.push_back({acc[c], r, c});
            }
            std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
                return a.score != b.score ? a.score < b.score
                                          : (a.group != b.group ? a.group < b.group : a.channel < b.channel);
            });
            auto keptFor = [&](size_t removed) {
                std::map<int, std::set<int64_t>> gone;
                for (size_t i = 0; i < removed; ++i)
                    gone[candidates[i].group].insert(candidates[i].channel);
                KeptChannels kept;
                for (const auto &[r, s] : gone) {
                    std::vector<int64_t> k;
                    for (int64_t c = 0; c < plan.groups[size_t(r)].channels; ++c)
                        if (!s.count(c))
                            k.push_back(c);
                    kept[r] = k;
                }
                return kept;
            };
            const Graph &graph = prev.model->graph();
            const int64_t goal = std::llround((1.0 - target) * double(result.macsBefore));
            auto macsAfterRemoving = [&](size_t removed) {
                return macsOf(prunedGraph(graph, an, plan, keptFor(removed)), project);
            };
            size_t lo = 0, hi = candidates.size();
            if (macsAfterRemoving(hi) > goal) {
                say(Message::tr("step %1 of %2: removing every prunable channel but one per layer leaves %3 "
                                "multiply-adds, above the goal of %4",
                                step, options.steps, macsAfterRemoving(hi), goal));
                lo = hi;
            }
            while (lo < hi) { // the fewest channels whose removal reaches the goal
                const size_t mid = (lo + hi) / 2;
                if (macsAfterRemoving(mid) <= goal)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            const KeptChannels kept = keptFor(lo);
            Graph newGraph = prunedGraph(graph, an, plan, kept);
            const GraphAnalysis newAn = analyzeGraph(newGraph, TensorType{project.dataset.sampleShape, DType::Float32});
            if (!newAn.ok())
                throw EngineError(newAn.diagnostics);
            GraphModel pruned(newGraph, TensorType{project.dataset.sampleShape, DType::Float32});
            sliceWeights(*prev.model, *pruned, plan, kept);
            const std::string weightsFile = uniquePath(stagingDir, stamp() + "-" + base, ".pt");
            saveCheckpoint(weightsFile, *pruned, nullptr, TrainingState{});
            say(Message::tr("step %1 of %2: %3 channel(s) removed; %4 multiply-adds (goal %5), %6 parameters; weights "
                            "in %7",
                            step, options.steps, int64_t(lo), newAn.totalMultiplyAdds, goal, newAn.totalParameters,
                            weightsFile));
            project.graph = newGraph;
            project.pretrain.enabled = true;
            project.pretrain.source = weightsFile;
        }

        // Fine-tuning through the ordinary trainer, into a run folder of the original project.
        project =
            relocatedProject(project, projectFile.empty() ? (fs::path(runsDir) / "pruned.json").string() : projectFile);
        project.training.epochs = std::max(1, options.finetuneEpochs);
        TrainRequest req;
        req.project = project;
        req.runsDir = runsDir;
        req.epochs = options.finetuneEpochs;
        req.device = options.device;
        req.batchLimit = options.batchLimit;
        req.masks = masksFile;
        say(Message::tr("step %1 of %2: fine-tuning %3 epoch(s)", step, options.steps, options.finetuneEpochs));
        const RunResult run = trainBlocking(req, sink);
        if (!masksFile.empty()) {
            std::error_code ec;
            fs::remove(masksFile, ec); // the run folder holds its copy
        }
        if (run.status != TrainingEvent::Status::Completed && run.status != TrainingEvent::Status::EarlyStopped)
            throw EngineError(Message::tr("pruning step %1 of %2: fine-tuning in %3 did not complete: %4", step,
                                          options.steps, run.runDir.empty() ? runsDir : run.runDir,
                                          run.text.empty() ? Message(statusName(run.status)) : run.text));

        // The step's figures, from the run's best checkpoint.
        LoadedRun now = loadRun(run.runDir, "best", torch::kCPU);
        const GraphAnalysis &nowAn = now.model->analysis();
        const Counts after = countWeights(*now.model);
        if (options.structured) {
            for (const Node &n : now.model->graph().nodes)
                if (originalChannels.count(n.name))
                    stepLayers[n.name] = {{"before", originalChannels[n.name]},
                                          {"after", nowAn.nodes.at(n.id.value).output->shape[0]}};
        } else {
            stepLayers = after.layers;
        }
        result.runDir = run.runDir;
        result.parametersAfter = options.structured ? nowAn.totalParameters : after.nonZero;
        result.macsAfter = nowAn.totalMultiplyAdds;
        result.sparsity = sparsityOf(after);
        json record = {{"method", "prune"},
                       {"source_run", sourceDir},
                       {"checkpoint", options.checkpoint},
                       {"structured", options.structured},
                       {"score", options.structured ? options.score : std::string("magnitude")},
                       {"amount", options.amount},
                       {"steps", options.steps},
                       {"step", step},
                       {"schedule", "linear"},
                       {"step_amount", target},
                       {"finetune_epochs", options.finetuneEpochs},
                       {"parameters_before", result.parametersBefore},
                       {"parameters_after", result.parametersAfter},
                       {"macs_before", result.macsBefore},
                       {"macs_after", result.macsAfter},
                       {"sparsity", result.sparsity},
                       {"layers", stepLayers}};
        if (step > 1)
            record["previous_run"] = previous;
        if (!masksFile.empty())
            record["masks"] = "masks.pt";
        if (options.structured)
            record["start_weights"] = project.pretrain.source;
        if (options.batchLimit)
            record["batch_limit"] = *options.batchLimit;
        recordCompression(run.runDir, record);
        renameRun(run.runDir,
                  (project.name.empty() ? std::string("model") : project.name) + ", pruned " + percent(target)
                      + (options.structured ? " (structured" : " (unstructured")
                      + (options.steps > 1 ? ", step " + std::to_string(step) + "/" + std::to_string(options.steps)
                                           : std::string())
                      + ")");
        say(options.structured
                ? Message::tr("step %1 of %2: %3 parameters, %4 multiply-adds; run %5", step, options.steps,
                              result.parametersAfter, result.macsAfter, run.runDir)
                : Message::tr("step %1 of %2: %3 non-zero parameters, sparsity %4 of the Conv/Linear weights; run %5",
                              step, options.steps, result.parametersAfter, percent(result.sparsity), run.runDir));
        result.summary = record;
        previous = run.runDir;
        previousCheckpoint = "best";
    }
    return result;
}

} // namespace torchwright
