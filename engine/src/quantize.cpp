// int8 quantization of a run (compress.h): the float ONNX model (onnxmodel.h) rewritten so that
// ONNX Runtime runs it with integer kernels, written into a new run folder with both models'
// accuracy on the full test split, measured in ONNX Runtime itself (onnxruntimerunner.h).
//
// Static mode (post-training, calibrated) writes the QDQ form ONNX Runtime fuses:
//   - activations uint8 asymmetric: a QuantizeLinear/DequantizeLinear pair on each layer boundary
//     next to an operator with an integer form (Conv, Gemm, Relu, MaxPool, Add, Concat, Reshape...);
//     its range comes from an observer (min/max, percentile, or entropy: TensorRT's KL histogram
//     search) over the calibration samples, seen layer by layer through the engine's own forward.
//     Pass-through operators (MaxPool, Reshape, Transpose) keep their input's scale, so ONNX Runtime
//     drops their pairs; a Conv or Gemm whose only reader is a Relu is quantized after the Relu
//     (zero point 0), so ONNX Runtime folds the Relu into the integer kernel.
//   - Conv and Gemm (Linear) weights int8 symmetric per output channel (DequantizeLinear with
//     axis 0), biases int32 with scale x_scale * w_scale[c]: DQ -> Conv -> Q becomes QLinearConv,
//     DQ -> Gemm becomes QGemm (float output for the last layer).
//   - Everything else (normalisation, recurrent and attention layers, transposed convolutions)
//     stays float between DequantizeLinear and QuantizeLinear; the run's summary names those layers.
// Dynamic mode quantizes weights ahead and activations per batch at run time:
//   - Linear (Gemm, and MatMul by a weight): DynamicQuantizeLinear + MatMulInteger (uint8 x int8,
//     per-column weight scale) + Cast + Mul + Add, which ONNX Runtime fuses into
//     DynamicQuantizeMatMul;
//   - LSTM: com.microsoft DynamicQuantizeLSTM (int8 weights per gate column, ONNX Runtime's
//     contrib operator; other runtimes may not have it);
//   - GRU: ONNX Runtime has no quantized GRU kernel, so its weights W and R are stored int8 per
//     gate row and dequantized (DequantizeLinear, axis 1) in front of the float GRU: the file
//     shrinks about 4x, the arithmetic stays float (the summary's "gru" says so).

#include "torchwright/compress.h"

#include "checkpoint.h"
#include "dataset.h"
#include "fileutil.h"
#include "model.h"
#include "onnxconstants.h"
#include "onnxmodel.h"
#include "onnxruntimerunner.h"
#include "runfolder.h"
#include "sha256.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#if TORCHWRIGHT_HAVE_ONNX
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

#if TORCHWRIGHT_HAVE_ONNX

namespace {

constexpr int kHistogramBins = 2048;

// ---- Observers -------------------------------------------------------------------------------

// One layer boundary's values over the calibration batches: the range first, then (percentile,
// entropy) a histogram over it.
struct Observer {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    std::vector<double> hist; // percentile: over [lo, hi]; entropy: |x| over [0, max |x|]
    bool floating = true;     // int64 tensors (token ids) are never quantized
    int64_t count = 0;
    int64_t rank = 0;

    void observeRange(const torch::Tensor &t)
    {
        rank = t.dim();
        if (!t.is_floating_point()) {
            floating = false;
            return;
        }
        const torch::Tensor v = t.detach().to(torch::kFloat32);
        lo = std::min(lo, double(v.min().item<float>()));
        hi = std::max(hi, double(v.max().item<float>()));
        count += v.numel();
    }

    void observeHistogram(const torch::Tensor &t, bool absolute)
    {
        if (!floating || !(hi > lo))
            return;
        if (hist.empty())
            hist.assign(kHistogramBins, 0.0);
        torch::Tensor v = t.detach().to(torch::kFloat32).flatten();
        double a = lo, b = hi;
        if (absolute) {
            v = v.abs();
            a = 0;
            b = std::max(std::abs(lo), std::abs(hi));
        }
        const torch::Tensor h = torch::histc(v, kHistogramBins, a, b).to(torch::kFloat64).contiguous();
        const double *p = h.data_ptr<double>();
        for (int i = 0; i < kHistogramBins; ++i)
            hist[size_t(i)] += p[i];
    }

    // [lo, hi] cut at the given percentile at both ends.
    std::pair<double, double> percentileRange(double percentile) const
    {
        double total = 0;
        for (double c : hist)
            total += c;
        if (total <= 0)
            return {lo, hi};
        const double width = (hi - lo) / kHistogramBins;
        const double cut = total * (100.0 - percentile) / 100.0;
        double acc = 0;
        int first = 0;
        for (; first < kHistogramBins - 1; ++first) {
            acc += hist[size_t(first)];
            if (acc > cut)
                break;
        }
        acc = 0;
        int last = kHistogramBins - 1;
        for (; last > 0; --last) {
            acc += hist[size_t(last)];
            if (acc > cut)
                break;
        }
        double a = lo + width * first, b = lo + width * (last + 1);
        return {std::max(lo, a), std::min(hi, std::max(a, b))};
    }

    // TensorRT's entropy calibration: the threshold T over the histogram of |x| whose clipped
    // distribution P and its quantization Q to `levels` bins have the least KL divergence.
    std::pair<double, double> entropyRange() const
    {
        const double maxAbs = std::max(std::abs(lo), std::abs(hi));
        if (hist.empty() || maxAbs <= 0)
            return {lo, hi};
        // uint8 spends all 255 levels on a non-negative tensor, half of them on a signed one.
        const int levels = lo >= 0 ? 255 : 128;
        const int n = kHistogramBins;
        double bestKl = std::numeric_limits<double>::infinity();
        int bestI = n;
        std::vector<double> p, q;
        for (int i = levels; i <= n; ++i) {
            p.assign(hist.begin(), hist.begin() + i);
            double outliers = 0;
            for (int k = i; k < n; ++k)
                outliers += hist[size_t(k)];
            p[size_t(i - 1)] += outliers;
            q.assign(size_t(i), 0.0);
            const double merged = double(i) / levels;
            for (int j = 0; j < levels; ++j) {
                const int start = int(std::floor(j * merged));
                const int stop = j == levels - 1 ? i : int(std::floor((j + 1) * merged));
                double sum = 0;
                int nonZero = 0;
                for (int k = start; k < stop; ++k) {
                    sum += hist[size_t(k)];
                    nonZero += hist[size_t(k)] != 0;
                }
                if (nonZero == 0)
                    continue;
                for (int k = start; k < stop; ++k)
                    if (hist[size_t(k)] != 0)
                        q[size_t(k)] = sum / nonZero;
            }
            double ps = 0, qs = 0;
            for (int k = 0; k < i; ++k) {
                ps += p[size_t(k)];
                qs += q[size_t(k)];
            }
            if (ps <= 0 || qs <= 0)
                continue;
            double kl = 0;
            for (int k = 0; k < i; ++k) {
                if (p[size_t(k)] <= 0)
                    continue;
                const double pk = p[size_t(k)] / ps;
                const double qk = q[size_t(k)] > 0 ? q[size_t(k)] / qs : 1e-12; // smoothed
                kl += pk * std::log(pk / qk);
            }
            if (kl < bestKl) {
                bestKl = kl;
                bestI = i;
            }
        }
        const double t = maxAbs * bestI / n;
        return {std::max(lo, -t), std::min(hi, t)};
    }
};

struct QParams {
    float scale = 1;
    uint8_t zeroPoint = 0;
};

// uint8 asymmetric over [lo, hi] widened to hold 0 (so zero is exact: padding, ReLU).
QParams activationParams(double lo, double hi)
{
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
    QParams q;
    const double scale = (hi - lo) / 255.0;
    q.scale = scale > 1e-12 ? float(scale) : 1.0f;
    q.zeroPoint = uint8_t(std::clamp(std::lround(-lo / q.scale), 0L, 255L));
    return q;
}

// ---- The ONNX graph being rewritten ------------------------------------------------------------

torch::Tensor tensorValue(const onnx::TensorProto &t)
{
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (t.data_type() != onnx::TensorProto::FLOAT)
        throw EngineError(Message::tr("initializer '%1' is not float32 (a bug in Torchwright)", t.name()));
    torch::Tensor v = torch::empty(dims, torch::kFloat32);
    if (t.has_raw_data()) {
        if (t.raw_data().size() != size_t(v.nbytes()))
            throw EngineError(Message::tr("initializer '%1' has the wrong size (a bug in Torchwright)", t.name()));
        std::memcpy(v.data_ptr(), t.raw_data().data(), v.nbytes());
    } else {
        if (t.float_data_size() != v.numel())
            throw EngineError(Message::tr("initializer '%1' has the wrong size (a bug in Torchwright)", t.name()));
        std::copy(t.float_data().begin(), t.float_data().end(), v.data_ptr<float>());
    }
    return v;
}

void setTensor(onnx::TensorProto &t, const std::string &name, const torch::Tensor &value)
{
    const torch::Tensor v = value.detach().to(torch::kCPU).contiguous();
    t.Clear();
    t.set_name(name);
    for (int64_t d : v.sizes())
        t.add_dims(d);
    switch (v.scalar_type()) {
    case torch::kFloat32: t.set_data_type(onnx::TensorProto::FLOAT); break;
    case torch::kUInt8: t.set_data_type(onnx::TensorProto::UINT8); break;
    case torch::kInt8: t.set_data_type(onnx::TensorProto::INT8); break;
    case torch::kInt32: t.set_data_type(onnx::TensorProto::INT32); break;
    case torch::kInt64: t.set_data_type(onnx::TensorProto::INT64); break;
    default:
        throw EngineError(Message::tr("no ONNX type for a tensor of %1", std::string(c10::toString(v.scalar_type()))));
    }
    t.set_raw_data(std::string(static_cast<const char *>(v.data_ptr()), v.nbytes()));
}

class Rewriter {
public:
    explicit Rewriter(onnx::GraphProto &g) : m_g(g)
    {
        for (const auto &i : g.initializer())
            m_used.insert(i.name());
        for (const auto &n : g.node()) {
            m_used.insert(n.name());
            for (const auto &o : n.output())
                m_used.insert(o);
        }
    }

    const onnx::TensorProto *initializer(const std::string &name) const
    {
        for (const auto &i : m_g.initializer())
            if (i.name() == name)
                return &i;
        return nullptr;
    }
    // The node that writes `tensor`, or nullptr (the graph input, an initializer).
    const onnx::NodeProto *producer(const std::string &tensor) const
    {
        for (const auto &n : m_g.node())
            for (const auto &o : n.output())
                if (o == tensor)
                    return &n;
        return nullptr;
    }
    std::vector<const onnx::NodeProto *> consumers(const std::string &tensor) const
    {
        std::vector<const onnx::NodeProto *> r;
        for (const auto &n : m_g.node())
            if (std::find(n.input().begin(), n.input().end(), tensor) != n.input().end())
                r.push_back(&n);
        return r;
    }

    std::string unique(const std::string &base) { return uniqueName(m_used, base); }
    std::string addInitializer(const std::string &hint, const torch::Tensor &value)
    {
        const std::string name = unique(hint);
        setTensor(*m_g.add_initializer(), name, value);
        return name;
    }
    void removeInitializer(const std::string &name)
    {
        // Only when nothing reads it any more (a weight replaced by its int8 form).
        for (const auto &n : m_g.node())
            if (std::find(n.input().begin(), n.input().end(), name) != n.input().end())
                return;
        auto *list = m_g.mutable_initializer();
        for (int i = 0; i < list->size(); ++i)
            if (list->Get(i).name() == name) {
                list->DeleteSubrange(i, 1);
                return;
            }
    }

    // A new node, placed just before the node at `before` (kept topological by the caller), or
    // appended. Returns it; its outputs are named uniquely from `name`.
    onnx::NodeProto *makeNode(const std::string &op, const std::vector<std::string> &inputs, int outputs,
                              const std::string &name, const std::string &domain = "")
    {
        onnx::NodeProto n;
        n.set_op_type(op);
        n.set_name(unique(name + "/" + op));
        if (!domain.empty())
            n.set_domain(domain);
        for (const auto &i : inputs)
            n.add_input(i);
        for (int k = 0; k < outputs; ++k)
            n.add_output(unique(n.name() + (outputs == 1 ? "" : ":" + std::to_string(k))));
        m_pending.push_back(std::move(n));
        return &m_pending.back();
    }
    // Inserts the pending nodes before node index `at` (or at the end with -1).
    void flush(int at)
    {
        auto *nodes = m_g.mutable_node();
        std::vector<onnx::NodeProto> all(nodes->begin(), nodes->end());
        const size_t pos = at < 0 ? all.size() : size_t(at);
        all.insert(all.begin() + long(pos), m_pending.begin(), m_pending.end());
        m_pending.clear();
        nodes->Clear();
        for (auto &n : all)
            *nodes->Add() = std::move(n);
    }
    int indexOf(const onnx::NodeProto *node) const
    {
        for (int i = 0; i < m_g.node_size(); ++i)
            if (&m_g.node(i) == node)
                return i;
        return -1;
    }

    onnx::GraphProto &graph() { return m_g; }

private:
    onnx::GraphProto &m_g;
    std::set<std::string> m_used;
    std::deque<onnx::NodeProto> m_pending;
};

void setAttrInt(onnx::NodeProto &n, const std::string &name, int64_t v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

int64_t attrInt(const onnx::NodeProto &n, const std::string &name, int64_t fallback)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return a.i();
    return fallback;
}
float attrFloat(const onnx::NodeProto &n, const std::string &name, float fallback)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return a.f();
    return fallback;
}
std::vector<int64_t> attrInts(const onnx::NodeProto &n, const std::string &name)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return {a.ints().begin(), a.ints().end()};
    return {};
}

// int8 symmetric per channel along `axis`: (values, scales).
std::pair<torch::Tensor, torch::Tensor> quantizeWeight(const torch::Tensor &w, int64_t axis)
{
    torch::Tensor moved = w.movedim(axis, 0).reshape({w.size(axis), -1});
    torch::Tensor scale = std::get<0>(moved.abs().max(1)) / 127.0;
    scale = torch::where(scale > 1e-12, scale, torch::ones_like(scale));
    Shape b(size_t(w.dim()), 1);
    b[size_t(axis)] = w.size(axis);
    const torch::Tensor q = torch::round(w / scale.reshape(b)).clamp(-127, 127).to(torch::kInt8);
    return {q, scale.to(torch::kFloat32)};
}

// Rewires every reader of `from` (except `except`) to read `to`.
void redirect(onnx::GraphProto &g, const std::string &from, const std::string &to, const onnx::NodeProto *except)
{
    for (auto &n : *g.mutable_node()) {
        if (&n == except)
            continue;
        for (int i = 0; i < n.input_size(); ++i)
            if (n.input(i) == from)
                n.set_input(i, to);
    }
}

// Names of the engine's layers ("conv1/Conv" -> "conv1"), for the summary and the log.
std::string layerOf(const onnx::NodeProto &n)
{
    const std::string &name = n.name();
    const size_t slash = name.find('/');
    return slash == std::string::npos ? name : name.substr(0, slash);
}

// A layer's learned weight ("fc.weight", folded "fc.weight_t"), not a constant of its ONNX form
// (an adaptive pool's averaging matrices).
bool isWeight(const std::string &initializer)
{
    const size_t dot = initializer.rfind('.');
    return dot != std::string::npos && initializer.compare(dot, 7, ".weight") == 0;
}

// Transpose(weight) with perm [1, 0] -> an initializer holding the transposed weight, so that
// MatMul(x, W^T) reads a constant it can quantize (Linear on sequences, attention projections).
void foldWeightTransposes(Rewriter &rw)
{
    auto &g = rw.graph();
    for (int i = 0; i < g.node_size(); ++i) {
        const onnx::NodeProto &n = g.node(i);
        if (n.op_type() != "Transpose" || attrInts(n, "perm") != std::vector<int64_t>{1, 0})
            continue;
        const onnx::TensorProto *w = rw.initializer(n.input(0));
        if (!w || w->data_type() != onnx::TensorProto::FLOAT)
            continue;
        const std::string out = n.output(0), source = n.input(0);
        const std::string t = rw.addInitializer(source + "_t", tensorValue(*w).t().contiguous());
        redirect(g, out, t, nullptr);
        g.mutable_node()->DeleteSubrange(i, 1);
        rw.removeInitializer(source);
        --i;
    }
}

// Flatten(axis 1) -> Reshape(x, [0, -1]): ONNX Runtime runs Reshape on uint8 between a DQ and a Q
// with the same scale, and has no such rule for Flatten.
void flattenToReshape(Rewriter &rw, const std::map<std::string, int64_t> &ranks)
{
    auto &g = rw.graph();
    for (auto &n : *g.mutable_node()) {
        if (n.op_type() != "Flatten" || attrInt(n, "axis", 1) != 1)
            continue;
        const auto r = ranks.find(n.input(0));
        if (r == ranks.end() || r->second < 2)
            continue;
        const std::string shape =
            rw.addInitializer(layerOf(n) + "/flat_shape", torch::tensor({int64_t(0), int64_t(-1)}));
        n.set_op_type("Reshape");
        n.clear_attribute();
        n.add_input(shape);
    }
}

const std::set<std::string> kPassThrough = {"MaxPool", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity"};
const std::set<std::string> kIntegerCapable = {"Conv",      "Gemm",        "MatMul",           "Relu",      "MaxPool",
                                               "Add",       "Concat",      "Reshape",          "Transpose", "Squeeze",
                                               "Unsqueeze", "AveragePool", "GlobalAveragePool"};

struct StaticPlan {
    std::map<std::string, QParams> params; // boundary tensor -> its activation quantization
};

// The weight nodes static mode quantizes: Conv with a constant weight, Gemm(x, W, b) with
// transB = 1 and no scaling.
bool staticWeightNode(const Rewriter &rw, const onnx::NodeProto &n)
{
    if (n.op_type() == "Conv")
        return n.input_size() >= 2 && rw.initializer(n.input(1)) && isWeight(n.input(1));
    if (n.op_type() == "Gemm")
        return n.input_size() >= 2 && rw.initializer(n.input(1)) && isWeight(n.input(1)) && attrInt(n, "transA", 0) == 0
               && attrInt(n, "transB", 0) == 1 && attrFloat(n, "alpha", 1) == 1 && attrFloat(n, "beta", 1) == 1
               && (n.input_size() < 3 || rw.initializer(n.input(2)));
    return false;
}

// Weight and bias of a static weight node -> DequantizeLinear of int8 / int32 initializers.
void quantizeStaticWeights(Rewriter &rw, onnx::NodeProto &n, float xScale)
{
    const std::string wName = n.input(1);
    const torch::Tensor w = tensorValue(*rw.initializer(wName));
    auto [q, scale] = quantizeWeight(w, 0);
    const std::string layer = layerOf(n);
    const std::string qName = rw.addInitializer(wName + "_quantized", q);
    const std::string sName = rw.addInitializer(wName + "_scale", scale);
    const std::string zName = rw.addInitializer(wName + "_zero_point", torch::zeros({w.size(0)}, torch::kInt8));
    onnx::NodeProto *dq = rw.makeNode("DequantizeLinear", {qName, sName, zName}, 1, layer + "/weight");
    setAttrInt(*dq, "axis", 0);
    n.set_input(1, dq->output(0));
    if (n.input_size() >= 3 && !n.input(2).empty()) {
        const std::string bName = n.input(2);
        const torch::Tensor b = tensorValue(*rw.initializer(bName));
        const torch::Tensor bScale = (scale * xScale).to(torch::kFloat32);
        const torch::Tensor bq = torch::round(b / bScale).clamp(-2147483647.0, 2147483647.0).to(torch::kInt32);
        const std::string bq_ = rw.addInitializer(bName + "_quantized", bq);
        const std::string bs = rw.addInitializer(bName + "_scale", bScale);
        const std::string bz = rw.addInitializer(bName + "_zero_point", torch::zeros({b.size(0)}, torch::kInt32));
        onnx::NodeProto *bdq = rw.makeNode("DequantizeLinear", {bq_, bs, bz}, 1, layer + "/bias");
        setAttrInt(*bdq, "axis", 0);
        n.set_input(2, bdq->output(0));
        rw.removeInitializer(bName);
    }
    rw.removeInitializer(wName);
}

// A QuantizeLinear/DequantizeLinear pair after `tensor`; its readers read the pair's output.
void insertQdq(Rewriter &rw, const std::string &tensor, const QParams &p)
{
    auto &g = rw.graph();
    const onnx::NodeProto *prod = rw.producer(tensor);
    const int at = prod ? rw.indexOf(prod) + 1 : 0;
    const std::string base = prod ? layerOf(*prod) : tensor;
    const std::string s = rw.addInitializer(base + "/act_scale", torch::tensor(p.scale, torch::kFloat32));
    const std::string z =
        rw.addInitializer(base + "/act_zero_point", torch::tensor(int64_t(p.zeroPoint)).to(torch::kUInt8).reshape({}));
    onnx::NodeProto *q = rw.makeNode("QuantizeLinear", {tensor, s, z}, 1, base);
    onnx::NodeProto *dq = rw.makeNode("DequantizeLinear", {q->output(0), s, z}, 1, base);
    const std::string dqOut = dq->output(0);
    const std::string qName = q->name();
    rw.flush(at);
    const onnx::NodeProto *qNode = nullptr;
    for (const auto &n : g.node())
        if (n.name() == qName)
            qNode = &n;
    redirect(g, tensor, dqOut, qNode);
}

struct Rewritten {
    std::vector<std::string> quantizedLayers; // with integer weights
    std::vector<std::string> floatLayers;     // with weights kept float
    std::string lstmForm;                     // dynamic mode: how LSTM layers run, "" when none
    std::string gruForm;                      // dynamic mode: how GRU layers are stored, "" when none
};

// The layers of weight-bearing nodes left float (after quantization rewrote the others).
std::vector<std::string> floatWeightLayers(const onnx::GraphProto &g, const std::set<std::string> &quantized)
{
    std::set<std::string> initializers;
    for (const auto &i : g.initializer())
        if (i.data_type() == onnx::TensorProto::FLOAT && i.dims_size() >= 1)
            initializers.insert(i.name());
    std::vector<std::string> r;
    for (const auto &n : g.node()) {
        if (n.op_type() == "QuantizeLinear" || n.op_type() == "DequantizeLinear" || n.op_type() == "Reshape")
            continue;
        bool weights = false;
        for (const auto &in : n.input())
            weights = weights || (initializers.count(in) && in.find("/act_") == std::string::npos);
        const std::string layer = layerOf(n);
        if (weights && !quantized.count(layer) && std::find(r.begin(), r.end(), layer) == r.end())
            r.push_back(layer);
    }
    return r;
}

// Static QDQ quantization of `g` with the observed boundary ranges. `order` lists the boundary
// tensors in the engine's topological order; `finalTensor` is the last layer's output (stays float).
Rewritten quantizeStatic(onnx::GraphProto &g, const std::vector<std::string> &order,
                         const std::map<std::string, std::pair<double, double>> &ranges,
                         const std::map<std::string, int64_t> &ranks, const std::string &finalTensor)
{
    Rewriter rw(g);
    foldWeightTransposes(rw);
    flattenToReshape(rw, ranks);
    // Which weight nodes are quantized, and which boundaries get a QDQ pair.
    std::set<std::string> weightNodes;
    for (const auto &n : g.node())
        if (staticWeightNode(rw, n))
            weightNodes.insert(n.name());
    const std::set<std::string> boundaries(order.begin(), order.end());
    auto integerCapable = [&](const onnx::NodeProto &n) {
        if (n.op_type() == "Conv" || n.op_type() == "Gemm" || n.op_type() == "MatMul")
            return weightNodes.count(n.name()) > 0;
        // A reshaping inside a layer (an LSTM's transposes) gains nothing from a pair; a whole
        // layer (Flatten) does.
        if (kPassThrough.count(n.op_type()) && n.op_type() != "MaxPool")
            return n.output_size() == 1 && boundaries.count(n.output(0)) > 0;
        return kIntegerCapable.count(n.op_type()) > 0;
    };
    StaticPlan plan;
    for (const std::string &t : order) {
        if (t == finalTensor || plan.params.count(t) || !ranges.count(t))
            continue;
        const onnx::NodeProto *prod = rw.producer(t);
        const auto readers = rw.consumers(t);
        if (readers.empty())
            continue;
        // Conv/Gemm -> Relu: quantized after the Relu, which ONNX Runtime then folds away.
        if (prod && weightNodes.count(prod->name()) && readers.size() == 1 && readers[0]->op_type() == "Relu")
            continue;
        bool useful = prod && integerCapable(*prod);
        for (const auto *r : readers)
            useful = useful || integerCapable(*r);
        if (!useful)
            continue;
        if (prod && kPassThrough.count(prod->op_type()) && plan.params.count(prod->input(0))) {
            plan.params[t] = plan.params[prod->input(0)]; // the same scale: the pair is dropped
            continue;
        }
        const auto [lo, hi] = ranges.at(t);
        plan.params[t] = activationParams(lo, hi);
    }
    // Weight nodes whose input is quantized get int8 weights (before the pairs rename inputs).
    std::map<std::string, float> inputScale; // weight node -> its input's scale
    for (const auto &n : g.node())
        if (weightNodes.count(n.name())) {
            const auto it = plan.params.find(n.input(0));
            if (it != plan.params.end())
                inputScale[n.name()] = it->second.scale;
        }
    for (const std::string &t : order)
        if (const auto it = plan.params.find(t); it != plan.params.end())
            insertQdq(rw, t, it->second);
    Rewritten r;
    std::set<std::string> quantizedLayers;
    for (const auto &[name, scale] : inputScale) {
        for (auto &n : *g.mutable_node())
            if (n.name() == name) {
                quantizeStaticWeights(rw, n, scale);
                break;
            }
        rw.flush(0); // weight DequantizeLinear nodes read only initializers
        for (const auto &n : g.node())
            if (n.name() == name)
                quantizedLayers.insert(layerOf(n));
    }
    r.quantizedLayers.assign(quantizedLayers.begin(), quantizedLayers.end());
    r.floatLayers = floatWeightLayers(g, quantizedLayers);
    return r;
}

// ---- Dynamic mode ------------------------------------------------------------------------------

// y = x W (W a constant [K, N]) + b as DynamicQuantizeLinear + MatMulInteger + Cast + Mul + Add,
// writing the node's own output name.
void dynamicMatMul(Rewriter &rw, const std::string &nodeName, const std::string &x, const torch::Tensor &wKN,
                   const std::optional<torch::Tensor> &bias, const std::string &output, const std::string &layer)
{
    auto [q, scale] = quantizeWeight(wKN, 1);
    const std::string qName = rw.addInitializer(layer + "/weight_quantized", q);
    const std::string sName = rw.addInitializer(layer + "/weight_scale", scale);
    const std::string zName =
        rw.addInitializer(layer + "/weight_zero_point", torch::zeros({wKN.size(1)}, torch::kInt8));
    onnx::NodeProto *dql = rw.makeNode("DynamicQuantizeLinear", {x}, 3, layer);
    const std::string xq = dql->output(0), xs = dql->output(1), xz = dql->output(2);
    onnx::NodeProto *mm = rw.makeNode("MatMulInteger", {xq, qName, xz, zName}, 1, layer);
    onnx::NodeProto *cast = rw.makeNode("Cast", {mm->output(0)}, 1, layer);
    setAttrInt(*cast, "to", onnx::TensorProto::FLOAT);
    onnx::NodeProto *scales = rw.makeNode("Mul", {xs, sName}, 1, layer + "/scale");
    onnx::NodeProto *mul = rw.makeNode("Mul", {cast->output(0), scales->output(0)}, 1, layer);
    onnx::NodeProto *last = mul;
    if (bias)
        last = rw.makeNode("Add", {mul->output(0), rw.addInitializer(layer + "/bias", *bias)}, 1, layer);
    last->set_output(0, output);
    auto &g = rw.graph();
    for (int i = 0; i < g.node_size(); ++i)
        if (g.node(i).name() == nodeName) {
            g.mutable_node()->DeleteSubrange(i, 1);
            rw.flush(i);
            return;
        }
}

// ONNX LSTM (W [D, 4H, I], R [D, 4H, H], B) -> com.microsoft DynamicQuantizeLSTM (W [D, I, 4H],
// R [D, H, 4H] int8 with per-column scales [D, 4H]).
void dynamicLstm(Rewriter &rw, onnx::NodeProto &n)
{
    const std::string layer = layerOf(n);
    auto quantized = [&](const std::string &name, const std::string &tag) {
        const torch::Tensor w = tensorValue(*rw.initializer(name)).transpose(1, 2).contiguous(); // [D, in, 4H]
        const torch::Tensor m = w.abs().amax(1);                                                 // [D, 4H]
        torch::Tensor scale = torch::where(m > 1e-12, m / 127.0, torch::ones_like(m)).to(torch::kFloat32);
        const torch::Tensor q = torch::round(w / scale.unsqueeze(1)).clamp(-127, 127).to(torch::kInt8);
        std::vector<std::string> r = {
            rw.addInitializer(layer + "/" + tag + "_quantized", q),
            rw.addInitializer(layer + "/" + tag + "_scale", scale),
            rw.addInitializer(layer + "/" + tag + "_zero_point", torch::zeros(scale.sizes(), torch::kInt8))};
        return r;
    };
    const std::string w = n.input(1), r = n.input(2);
    const auto wq = quantized(w, "W"), rq = quantized(r, "R");
    std::vector<std::string> inputs(n.input().begin(), n.input().end());
    inputs.resize(8); // X W R B sequence_lens initial_h initial_c P
    inputs[1] = wq[0];
    inputs[2] = rq[0];
    inputs.insert(inputs.end(), {wq[1], wq[2], rq[1], rq[2]});
    n.clear_input();
    for (const auto &i : inputs)
        n.add_input(i);
    n.set_op_type("DynamicQuantizeLSTM");
    n.set_domain("com.microsoft");
    rw.removeInitializer(w);
    rw.removeInitializer(r);
}

// ONNX GRU (W [D, 3H, I], R [D, 3H, H]): both stored int8 with one scale per gate row, each read
// through a DequantizeLinear (axis 1) placed before the GRU; the GRU itself computes in float.
void weightOnlyGru(Rewriter &rw, const std::string &nodeName)
{
    onnx::GraphProto &g = rw.graph();
    for (int i = 0; i < g.node_size(); ++i) {
        onnx::NodeProto &n = *g.mutable_node(i);
        if (n.name() != nodeName)
            continue;
        const std::string layer = layerOf(n);
        std::vector<std::string> replaced;
        for (int k : {1, 2}) {
            const std::string name = n.input(k);
            const torch::Tensor w = tensorValue(*rw.initializer(name));
            auto [q, scale] = quantizeWeight(w, 1);
            const std::string qName = rw.addInitializer(name + "_quantized", q);
            const std::string sName = rw.addInitializer(name + "_scale", scale);
            const std::string zName = rw.addInitializer(name + "_zero_point", torch::zeros({w.size(1)}, torch::kInt8));
            onnx::NodeProto *dq =
                rw.makeNode("DequantizeLinear", {qName, sName, zName}, 1, layer + (k == 1 ? "/W" : "/R"));
            setAttrInt(*dq, "axis", 1);
            n.set_input(k, dq->output(0));
            replaced.push_back(name);
        }
        rw.flush(i);
        for (const auto &name : replaced)
            rw.removeInitializer(name);
        return;
    }
}

Rewritten quantizeDynamic(onnx::ModelProto &m)
{
    onnx::GraphProto &g = *m.mutable_graph();
    Rewriter rw(g);
    foldWeightTransposes(rw);
    std::set<std::string> quantized;
    Rewritten result;
    // Collected first: the rewrite renames and moves nodes.
    struct Job {
        std::string node, x, output, layer;
        torch::Tensor wKN;
        std::optional<torch::Tensor> bias;
    };
    std::vector<Job> jobs;
    std::set<std::string> consumedBias;
    for (const auto &n : g.node()) {
        if (n.op_type() == "Gemm" && staticWeightNode(rw, n)) {
            Job j{n.name(),
                  n.input(0),
                  n.output(0),
                  layerOf(n),
                  tensorValue(*rw.initializer(n.input(1))).t().contiguous(),
                  {}};
            if (n.input_size() >= 3 && !n.input(2).empty())
                j.bias = tensorValue(*rw.initializer(n.input(2)));
            jobs.push_back(std::move(j));
        } else if (n.op_type() == "MatMul" && rw.initializer(n.input(1)) && rw.initializer(n.input(1))->dims_size() == 2
                   && isWeight(n.input(1))) {
            jobs.push_back(
                {n.name(), n.input(0), n.output(0), layerOf(n), tensorValue(*rw.initializer(n.input(1))), {}});
        }
    }
    for (const Job &j : jobs) {
        std::vector<std::string> weights;
        for (const auto &n : g.node())
            if (n.name() == j.node)
                weights.assign(n.input().begin() + 1, n.input().end());
        dynamicMatMul(rw, j.node, j.x, j.wKN, j.bias, j.output, j.layer);
        for (const auto &w : weights)
            rw.removeInitializer(w);
        quantized.insert(j.layer);
    }
    bool contrib = false;
    for (auto &n : *g.mutable_node())
        if (n.op_type() == "LSTM" && rw.initializer(n.input(1)) && rw.initializer(n.input(2))) {
            dynamicLstm(rw, n);
            quantized.insert(layerOf(n));
            contrib = true;
        }
    std::vector<std::pair<std::string, std::string>> grus; // node, layer
    for (const auto &n : g.node())
        if (n.op_type() == "GRU" && n.input_size() >= 3 && rw.initializer(n.input(1)) && rw.initializer(n.input(2)))
            grus.emplace_back(n.name(), layerOf(n));
    for (const auto &[node, layer] : grus) {
        weightOnlyGru(rw, node);
        quantized.insert(layer);
        result.gruForm = "int8 weights per gate row, dequantized before a float GRU (ONNX Runtime has no integer GRU)";
    }
    if (contrib) {
        auto *opset = m.add_opset_import();
        opset->set_domain("com.microsoft");
        opset->set_version(1);
        result.lstmForm = "com.microsoft DynamicQuantizeLSTM (int8 weights, ONNX Runtime's contrib operator)";
    }
    result.quantizedLayers.assign(quantized.begin(), quantized.end());
    result.floatLayers = floatWeightLayers(g, quantized);
    return result;
}

// ---- Calibration -------------------------------------------------------------------------------

// The engine's forward, node by node, handing each node's output to `see`.
torch::Tensor forwardObserved(GraphModelImpl &model, const torch::Tensor &input,
                              const std::function<void(int, const torch::Tensor &)> &see)
{
    const Graph &g = model.graph();
    const GraphAnalysis &an = model.analysis();
    std::map<int, torch::Tensor> values;
    for (NodeId id : an.order) {
        std::vector<torch::Tensor> args;
        if (id == an.inputNode)
            args.push_back(input);
        for (const Edge &e : g.inputsOf(id))
            args.push_back(values.at(e.from.node.value));
        values[id.value] = model.layer(id)->forward(args);
        see(id.value, values[id.value]);
    }
    return values.at(an.outputNode.value);
}

} // namespace

namespace {

Message optionError(const std::string &option, const Message &why)
{
    return Message::tr("quantize: %1: %2", option, why);
}

void checkOptions(const QuantizeOptions &o)
{
    if (o.mode != "static" && o.mode != "dynamic")
        throw EngineError(optionError("--mode", Message::tr("expected static or dynamic, got '%1'", o.mode)));
    if (o.observer != "minmax" && o.observer != "percentile" && o.observer != "entropy")
        throw EngineError(
            optionError("--observer", Message::tr("expected minmax, percentile or entropy, got '%1'", o.observer)));
    if (o.calibrate < 1 || o.calibrate > 1000000)
        throw EngineError(optionError("--calibrate", Message::tr("expected 1..1000000 samples, got %1", o.calibrate)));
    if (!(o.percentile > 50 && o.percentile <= 100))
        throw EngineError(optionError(
            "percentile", Message::tr("expected more than 50 and at most 100, got %1", json(o.percentile).dump())));
    if (o.testLimit < 0)
        throw EngineError(optionError("testLimit", Message::tr("expected 0 (all) or more, got %1", o.testLimit)));
    if (o.checkpoint != "best" && o.checkpoint != "last")
        throw EngineError(optionError("checkpoint", Message::tr("expected best or last, got '%1'", o.checkpoint)));
}

} // namespace

#endif

QuantizeResult quantizeRun(const std::string &runDirIn, const QuantizeOptions &options, const CompressLog &log)
{
#if !TORCHWRIGHT_HAVE_ONNX
    (void)runDirIn;
    (void)options;
    (void)log;
    throw EngineError(onnxUnavailableReason(nullptr));
#else
    auto say = [&](const Message &m) {
        if (log)
            log(m);
    };
    checkOptions(options);
    fs::path dirPath = fs::absolute(runDirIn).lexically_normal();
    if (dirPath.filename().empty())
        dirPath = dirPath.parent_path();
    const std::string runDir = dirPath.string();
    if (!fs::is_directory(runDir) || !fs::exists(dirPath / "run.json"))
        throw EngineError(Message::tr("%1: not a run folder (no run.json)", runDirIn));
    const json source = readRunJson(runDir);
    if (runLockHeld(runDir))
        throw EngineError(Message::tr("%1: the run is still training; quantize it once it has finished", runDir));
    if (source.contains("compression") && source["compression"].is_object()
        && source["compression"].value("method", "") == "quantize")
        throw EngineError(Message::tr("%1: already an int8 run; quantize its source run '%2' instead", runDir,
                                      source["compression"].value("source_run", "")));
    const std::string ckpt = checkpointPath(runDir, options.checkpoint);
    if (!fs::exists(ckpt))
        throw EngineError(Message::tr("%1: checkpoint not found; the run has no trained weights to quantize", ckpt));

    LoadedRun run = loadRun(runDir, options.checkpoint, torch::kCPU);
    GraphModelImpl &model = *run.model;
    model.eval();
    const Project &project = run.project;
    const GraphAnalysis &an = model.analysis();
    OnnxModel fm = buildOnnxModel(run, runDir);
    verifyOnnxModel(fm.proto, fm.outputShape);
    std::string floatBytes;
    if (!fm.proto.SerializeToString(&floatBytes))
        throw EngineError(Message::tr("%1: the ONNX model could not be serialised (over 2 GB?)", runDir));

    std::string missing;
    if (!datasetFilesPresent(project, &missing))
        throw EngineError(Message::tr("%1: dataset file not found; quantization needs the training split (calibration) "
                                      "and the test split (accuracy)",
                                      missing));
    const Node *inputNode = project.graph.node(an.inputNode);
    const DType inputType = inputNode->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    say(Message::tr("reading the data"));
    DataSplits data = loadDataSplits(project, inputType);

    // The boundary tensors in the engine's order; the last layer's output stays float.
    std::vector<std::string> order;
    std::map<int, std::string> tensorOf;
    for (NodeId id : an.order) {
        const std::string &t = fm.nodeOutputs.at(id.value);
        tensorOf[id.value] = t;
        if (std::find(order.begin(), order.end(), t) == order.end())
            order.push_back(t);
    }
    const std::string finalTensor = fm.nodeOutputs.at(an.outputNode.value);

    json calibration = nullptr;
    Rewritten rewritten;
    onnx::ModelProto qm = fm.proto;
    if (options.mode == "static") {
        const int64_t available = data.train.size();
        if (available == 0)
            throw EngineError(Message::tr("%1: the training split is empty; static quantization needs samples to "
                                          "calibrate on",
                                          runDir));
        const int64_t n = std::min<int64_t>(options.calibrate, available);
        std::vector<int64_t> idx(static_cast<size_t>(available));
        for (int64_t i = 0; i < available; ++i)
            idx[size_t(i)] = i;
        std::mt19937_64 rng(20240613);
        std::shuffle(idx.begin(), idx.end(), rng);
        idx.resize(size_t(n));
        const torch::Tensor pick = torch::tensor(idx, torch::kInt64);
        const torch::Tensor samples = data.train.inputs.index_select(0, pick);
        say(Message::tr("calibrating on %1 training samples (observer %2)", n, options.observer));
        std::map<std::string, Observer> observers;
        torch::NoGradGuard noGrad;
        const int64_t batch = 64;
        auto pass = [&](const std::function<void(Observer &, const torch::Tensor &)> &see) {
            for (int64_t s = 0; s < n; s += batch) {
                const torch::Tensor x = samples.slice(0, s, std::min(n, s + batch));
                const torch::Tensor y = forwardObserved(
                    model, x, [&](int id, const torch::Tensor &v) { see(observers[tensorOf.at(id)], v); });
                if (s == 0 && !torch::allclose(y, model.forward(x), 1e-4, 1e-5))
                    throw EngineError(Message::tr("the layer-by-layer forward differs from the model's (a bug in "
                                                  "Torchwright)"));
            }
        };
        pass([](Observer &o, const torch::Tensor &v) { o.observeRange(v); });
        if (options.observer != "minmax") {
            const bool absolute = options.observer == "entropy";
            pass([absolute](Observer &o, const torch::Tensor &v) { o.observeHistogram(v, absolute); });
        }
        std::map<std::string, std::pair<double, double>> ranges;
        std::map<std::string, int64_t> ranks;
        json activationRanges = json::object(); // tensor -> [observed min, max, chosen min, max]
        for (const auto &[t, o] : observers) {
            ranks[t] = o.rank;
            if (!o.floating || !(o.hi >= o.lo))
                continue;
            std::pair<double, double> r = {o.lo, o.hi};
            // The model's input keeps its whole range: preprocessing bounds it already, and a
            // clipped pixel is information lost before the first layer.
            if (t == "input") {
            } else if (options.observer == "percentile")
                r = o.percentileRange(options.percentile);
            else if (options.observer == "entropy")
                r = o.entropyRange();
            ranges[t] = r;
            activationRanges[t] = {o.lo, o.hi, r.first, r.second};
        }
        rewritten = quantizeStatic(*qm.mutable_graph(), order, ranges, ranks, finalTensor);
        calibration = json{{"samples", n}, {"observer", options.observer}, {"ranges", activationRanges}};
        if (options.observer == "percentile")
            calibration["percentile"] = options.percentile;
    } else {
        rewritten = quantizeDynamic(qm);
    }
    if (rewritten.quantizedLayers.empty())
        throw EngineError(Message::tr("%1: no layer has an int8 form in %2 mode (%3 quantizes Conv and Linear "
                                      "layers%4); nothing to quantize",
                                      runDir, options.mode, options.mode,
                                      options.mode == "dynamic" ? std::string(", LSTM") : std::string()));
    for (const std::string &layer : rewritten.floatLayers)
        say(Message::tr("layer '%1' stays float: it has no safe int8 form in %2 mode", layer, options.mode));

    json quantization = {{"mode", options.mode},
                         {"activations", options.mode == "static" ? "uint8 asymmetric per tensor (calibrated)"
                                                                  : "uint8 per batch at run time"},
                         {"weights", "int8 symmetric per output channel"},
                         {"quantized_layers", rewritten.quantizedLayers},
                         {"float_layers", rewritten.floatLayers}};
    if (!rewritten.lstmForm.empty())
        quantization["lstm"] = rewritten.lstmForm;
    if (!rewritten.gruForm.empty())
        quantization["gru"] = rewritten.gruForm;
    if (!calibration.is_null())
        quantization["calibration"] = calibration;
    {
        auto *p = qm.add_metadata_props();
        p->set_key("torchwright.quantization");
        p->set_value(quantization.dump());
    }
    qm.set_doc_string(qm.doc_string() + " int8 (" + options.mode + ") by Torchwright.");
    try {
        onnx::checker::check_model(qm);
    } catch (const std::exception &e) {
        throw EngineError(
            Message::tr("the int8 ONNX model failed ONNX's checker (a bug in Torchwright): %1", e.what()));
    }
    std::string int8Bytes;
    if (!qm.SerializeToString(&int8Bytes))
        throw EngineError(Message::tr("%1: the int8 ONNX model could not be serialised", runDir));

    // The run folder, removed again when anything below fails.
    const std::string runsDir = options.runsDir.empty() ? dirPath.parent_path().string() : options.runsDir;
    const std::string projectFile = source.value("project_file", "");
    const std::string stem = projectFile.empty() ? project.name : fs::path(projectFile).stem().string();
    const std::string outDir = newRunDir(runsDir, stem + "-int8");
    QuantizeResult result;
    result.runDir = outDir;
    result.onnxFile = (fs::path(outDir) / kInt8OnnxFile).string();
    result.floatOnnxBytes = int64_t(floatBytes.size());
    result.int8OnnxBytes = int64_t(int8Bytes.size());
    try {
        for (const char *f : {"project.json", "best.pt", "best.json", "last.pt", "last.json", "metrics.jsonl"}) {
            const fs::path from = dirPath / f;
            if (fs::is_regular_file(from))
                fs::copy_file(from, fs::path(outDir) / f, fs::copy_options::overwrite_existing);
        }
        writeBytesAtomically(result.onnxFile, int8Bytes);

        // Both models through ONNX Runtime on the full test split.
        const bool classification =
            data.test.labels.defined() && data.test.labels.scalar_type() == torch::kInt64 && fm.outputShape.size() == 1;
        if (const Message why = onnxRuntimeUnavailable(); !why.empty()) {
            say(Message::tr("accuracy not measured: %1", why));
        } else if (!classification) {
            say(Message::tr("accuracy not measured: the model is not a classifier"));
        } else if (data.test.size() > 0) {
            say(Message::tr("measuring both models on %1 test samples in ONNX Runtime",
                            options.testLimit > 0 ? std::min<int64_t>(options.testLimit, data.test.size())
                                                  : data.test.size()));
            const std::string floatFile = (fs::path(outDir) / ".float.onnx").string();
            writeBytesAtomically(floatFile, floatBytes);
            const int64_t n =
                options.testLimit > 0 ? std::min<int64_t>(options.testLimit, data.test.size()) : data.test.size();
            const torch::Tensor x = data.test.inputs.slice(0, 0, n).contiguous();
            OnnxRuntimeResult f, q;
            try {
                f = runOnnxRuntime(floatFile, x);
                q = runOnnxRuntime(result.onnxFile, x);
            } catch (...) {
                std::error_code ec;
                fs::remove(floatFile, ec);
                throw;
            }
            std::error_code ec;
            fs::remove(floatFile, ec);
            const torch::Tensor pf = f.outputs.argmax(1), pq = q.outputs.argmax(1);
            const torch::Tensor y = data.test.labels.slice(0, 0, n);
            result.testSamples = int(y.size(0));
            result.floatAccuracy = pf.eq(y).to(torch::kFloat64).mean().item<double>();
            result.int8Accuracy = pq.eq(y).to(torch::kFloat64).mean().item<double>();
            result.agreement = pf.eq(pq).to(torch::kFloat64).mean().item<double>();
        }

        json summary = source;
        for (const char *k : {"sha256", "display_name", "note", "message", "message_text"})
            summary.erase(k);
        summary["name"] = fs::path(outDir).filename().string();
        summary["created"] = isoTimeNow();
        summary["status"] = "completed";
        summary["engine_version"] = engineVersion();
        json c = {{"method", "quantize"},
                  {"source_run", folderName(runDir)},
                  {"source_checkpoint", fs::path(ckpt).filename().string()},
                  {"mode", options.mode},
                  {"observer", options.mode == "static" ? json(options.observer) : json(nullptr)},
                  {"calibrate", options.mode == "static" ? json(calibration["samples"]) : json(nullptr)},
                  {"file", kInt8OnnxFile},
                  {"float_onnx_bytes", result.floatOnnxBytes},
                  {"int8_onnx_bytes", result.int8OnnxBytes},
                  {"size_ratio", double(result.floatOnnxBytes) / double(std::max<int64_t>(1, result.int8OnnxBytes))},
                  {"test_samples", result.testSamples},
                  {"float_onnx_test_accuracy", jsonNumber(result.floatAccuracy)},
                  {"int8_onnx_test_accuracy", jsonNumber(result.int8Accuracy)},
                  {"agreement", jsonNumber(result.agreement)},
                  {"measured_with", "ONNX Runtime"},
                  {"quantized_layers", rewritten.quantizedLayers},
                  {"layers_kept_float", rewritten.floatLayers}};
        if (options.mode == "static" && options.observer == "percentile")
            c["percentile"] = options.percentile;
        if (options.mode == "static")
            c["activation_ranges"] = calibration["ranges"]; // tensor: [observed min, max, used min, max]
        if (!rewritten.lstmForm.empty())
            c["lstm"] = rewritten.lstmForm;
        if (!rewritten.gruForm.empty())
            c["gru"] = rewritten.gruForm;
        summary["compression"] = c;
        summary["sha256"] = runJsonSha256(summary);
        writeTextFileAtomically((fs::path(outDir) / "run.json").string(), summary.dump(2) + "\n");
        result.summary = c;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(outDir, ec);
        throw;
    }
    return result;
#endif
}

} // namespace torchwright
