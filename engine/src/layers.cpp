// The layer registry: one entry per layer type, each with its parameters, shape rule, builder
// and TorchScript emitter side by side, so adding a layer is adding one entry here.

#include "builtlayer.h"
#include "torchwright/diagnostics.h"
#include "torchwright/layers.h"

#include <cmath>
#include <sstream>

namespace torchwright {

using nlohmann::json;

std::string formatShape(const Shape &shape)
{
    if (shape.empty())
        return "scalar";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += 'x';
        s += std::to_string(shape[i]);
    }
    return s;
}

int64_t elementCount(const Shape &shape)
{
    int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

const char *dtypeName(DType t) { return t == DType::Int64 ? "int64" : "float32"; }

namespace {

std::string numberText(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

} // namespace

std::string ParamSpec::expectation() const
{
    switch (type) {
    case ParamType::Bool:
        return "true or false";
    case ParamType::Choice: {
        std::string s = "one of ";
        for (size_t i = 0; i < choices.size(); ++i)
            s += (i ? ", \"" : "\"") + choices[i] + "\"";
        return s;
    }
    case ParamType::Int:
    case ParamType::Float: {
        const bool isInt = type == ParamType::Int;
        const bool bounded = !(min == 0 && max == 0);
        if (isInt && bounded && max == 0 && min == 1)
            return "a positive integer";
        if (isInt && bounded && max == 0 && min == 0)
            return "a non-negative integer";
        std::string what = isInt ? "an integer" : "a number";
        if (!bounded)
            return what;
        if (max == 0)
            return what + (minExclusive ? " > " : " >= ") + numberText(min);
        return what + " from " + numberText(min) + (minExclusive ? " (exclusive)" : "") + " to "
               + numberText(max);
    }
    }
    return {};
}

namespace {

// ---- helpers for the entries ---------------------------------------------------------------

ParamSpec intParam(std::string name, json def, double min, double max, std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Int;
    p.defaultValue = std::move(def);
    p.min = min;
    p.max = max;
    p.help = std::move(help);
    if (p.defaultValue.is_null())
        p.example = std::max<int64_t>(int64_t(min), 1);
    return p;
}

ParamSpec floatParam(std::string name, json def, double min, double max, bool minExclusive,
                     std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Float;
    p.defaultValue = std::move(def);
    p.min = min;
    p.max = max;
    p.minExclusive = minExclusive;
    p.help = std::move(help);
    return p;
}

ParamSpec boolParam(std::string name, bool def, std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Bool;
    p.defaultValue = def;
    p.help = std::move(help);
    return p;
}

ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices,
                      std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Choice;
    p.defaultValue = std::move(def);
    p.choices = std::move(choices);
    p.help = std::move(help);
    return p;
}

int64_t I(const json &p, const char *k) { return p.at(k).get<int64_t>(); }
double F(const json &p, const char *k) { return p.at(k).get<double>(); }
bool B(const json &p, const char *k) { return p.at(k).get<bool>(); }

LayerInference fail(std::string message, int port = 0)
{
    LayerInference r;
    r.error = std::move(message);
    r.errorPort = port;
    return r;
}

LayerInference ok(Shape shape, int64_t params = 0, int64_t macs = 0,
                  DType dtype = DType::Float32)
{
    LayerInference r;
    r.output = TensorType{std::move(shape), dtype};
    r.parameters = params;
    r.multiplyAdds = macs;
    return r;
}

std::function<int(const json &)> fixedInputs(int n)
{
    return [n](const json &) { return n; };
}

// Resolves a negative dimension against a sample's rank (batch excluded); -1 when invalid.
int64_t sampleDim(int64_t dim, size_t rank)
{
    int64_t d = dim < 0 ? dim + int64_t(rank) : dim;
    return (d < 0 || d >= int64_t(rank)) ? -1 : d;
}

std::string ints(int64_t a, int64_t b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + "]"; }

std::string pyBool(bool b) { return b ? "True" : "False"; }

std::string pyFloat(double v)
{
    std::ostringstream os;
    os.precision(17);
    os << v;
    std::string s = os.str();
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";
    return s;
}

using OnnxUnary = std::function<std::string(OnnxContext &, const std::string &x)>;

// A stateless layer of one input: forward, TorchScript expression, ONNX nodes.
std::shared_ptr<BuiltLayer> stateless(std::function<torch::Tensor(const torch::Tensor &)> f,
                                      std::function<std::string(const std::string &)> expr,
                                      OnnxUnary onnx)
{
    auto b = std::make_shared<BuiltLayer>();
    b->forward = [f](const std::vector<torch::Tensor> &in) { return f(in[0]); };
    b->script = [expr](const ScriptContext &c) { return c.output + " = " + expr(c.inputs[0]); };
    b->onnx = [onnx](OnnxContext &c) { return onnx(c, c.inputs[0]); };
    return b;
}

// An ONNX operator applied to the layer's one input.
OnnxUnary onnxOp(std::string op, std::vector<OnnxAttribute> attributes = {})
{
    return [op, attributes](OnnxContext &c, const std::string &x) { return c.node(op, {x}, attributes); };
}

// GELU with the exact erf form PyTorch uses: ONNX has Gelu only from opset 20.
std::string onnxGelu(OnnxContext &c, const std::string &x)
{
    auto scalar = [&](const char *hint, float v) { return c.constant(hint, torch::tensor(v)); };
    const std::string e = c.node("Erf", {c.node("Div", {x, scalar("sqrt2", float(std::sqrt(2.0)))})});
    const std::string onePlus = c.node("Add", {e, scalar("one", 1.0f)});
    return c.node("Mul", {c.node("Mul", {x, onePlus}), scalar("half", 0.5f)});
}

LayerType activation(std::string name, std::string description,
                     std::function<torch::Tensor(const torch::Tensor &)> f,
                     std::string scriptFunction, OnnxUnary onnx = nullptr)
{
    LayerType t;
    t.name = std::move(name);
    t.category = "Activation";
    t.description = std::move(description);
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &, const std::vector<TensorType> &in) { return ok(in[0].shape); };
    t.build = [f, scriptFunction, onnx](const json &, const std::vector<TensorType> &) {
        return stateless(
            f, [scriptFunction](const std::string &x) { return scriptFunction + "(" + x + ")"; }, onnx);
    };
    return t;
}

// ---- the entries ---------------------------------------------------------------------------

LayerType inputLayer()
{
    LayerType t;
    t.name = "Input";
    t.category = "Input";
    t.description = "The dataset's samples; its shape comes from the dataset settings.";
    t.params = {choiceParam("dtype", "float32", {"float32", "int64"},
                            "Element type fed to the graph (int64 for token ids)")};
    t.inputCount = fixedInputs(0);
    // The analysis supplies the dataset's sample shape as the single "input".
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        DType dt = p.at("dtype") == "int64" ? DType::Int64 : DType::Float32;
        return ok(in.empty() ? Shape{} : in[0].shape, 0, 0, dt);
    };
    t.build = [](const json &, const std::vector<TensorType> &) {
        return stateless([](const torch::Tensor &x) { return x; },
                         [](const std::string &x) { return x; },
                         [](OnnxContext &, const std::string &x) { return x; });
    };
    return t;
}

LayerType linearLayer()
{
    LayerType t;
    t.name = "Linear";
    t.category = "Linear";
    t.description = "Fully connected layer over the last dimension.";
    t.params = {intParam("in_features", 0, 0, 0, "Input features; 0 infers them from the input"),
                intParam("out_features", nullptr, 1, 0, "Output features"),
                boolParam("bias", true, "Learn an additive bias")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.empty())
            return fail("expects at least one dimension, got a scalar");
        const int64_t features = s.back();
        const int64_t declared = I(p, "in_features");
        if (declared > 0 && declared != features) {
            std::string msg = std::to_string(features) + " features reach a layer that expects "
                              + std::to_string(declared) + " (in_features = "
                              + std::to_string(declared) + ")";
            if (s.size() > 1)
                msg += "; the input is " + formatShape(s) + ", add a Flatten before it";
            return fail(msg);
        }
        const int64_t out = I(p, "out_features");
        Shape o = s;
        o.back() = out;
        const int64_t lead = elementCount(s) / features;
        return ok(o, features * out + (B(p, "bias") ? out : 0), lead * features * out);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        auto m = torch::nn::Linear(torch::nn::LinearOptions(in[0].shape.back(), I(p, "out_features"))
                                       .bias(B(p, "bias")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        const bool bias = B(p, "bias");
        b->script = [bias](const ScriptContext &c) {
            std::string s = c.output + " = torch.matmul(" + c.inputs[0] + ", " + c.self + "weight.t())";
            if (bias)
                s += " + " + c.self + "bias";
            return s;
        };
        b->onnx = [bias](OnnxContext &c) {
            // Gemm for [N, F]; a longer input (a sequence) multiplies its last dimension.
            if (c.inputShapes[0].size() == 1) {
                std::vector<std::string> in = {c.inputs[0], c.weight("weight")};
                if (bias)
                    in.push_back(c.weight("bias"));
                return c.node("Gemm", in, {onnxInt("transB", 1)});
            }
            const std::string wt = c.node("Transpose", {c.weight("weight")}, {onnxInts("perm", {1, 0})});
            const std::string y = c.node("MatMul", {c.inputs[0], wt});
            return bias ? c.node("Add", {y, c.weight("bias")}) : y;
        };
        return b;
    };
    return t;
}

struct Conv2dGeometry {
    int64_t k, s, pad, dil;
};

int64_t convOut(int64_t size, const Conv2dGeometry &g)
{
    return (size + 2 * g.pad - g.dil * (g.k - 1) - 1) / g.s + 1;
}

LayerType conv2dLayer()
{
    LayerType t;
    t.name = "Conv2d";
    t.category = "Convolution";
    t.description = "2-D convolution over a CxHxW input.";
    t.params = {intParam("in_channels", 0, 0, 0, "Input channels; 0 infers them from the input"),
                intParam("out_channels", nullptr, 1, 0, "Output channels"),
                intParam("kernel_size", nullptr, 1, 0, "Square kernel size"),
                intParam("stride", 1, 1, 0, "Stride"),
                intParam("padding", 0, 0, 0, "Zero padding on each side"),
                intParam("dilation", 1, 1, 0, "Spacing between kernel elements"),
                intParam("groups", 1, 1, 0, "Blocked connections from input to output channels"),
                boolParam("bias", true, "Learn an additive bias")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 3)
            return fail("expects a CxHxW input, got " + formatShape(s));
        const int64_t c = s[0], declared = I(p, "in_channels"), out = I(p, "out_channels");
        const int64_t groups = I(p, "groups");
        if (declared > 0 && declared != c)
            return fail(std::to_string(c) + " channels reach a layer that expects "
                        + std::to_string(declared) + " (in_channels = " + std::to_string(declared) + ")");
        if (c % groups || out % groups)
            return fail("groups = " + std::to_string(groups) + " must divide the input channels ("
                        + std::to_string(c) + ") and out_channels (" + std::to_string(out) + ")");
        Conv2dGeometry g{I(p, "kernel_size"), I(p, "stride"), I(p, "padding"), I(p, "dilation")};
        const int64_t h = convOut(s[1], g), w = convOut(s[2], g);
        if (h < 1 || w < 1)
            return fail("a " + std::to_string(g.k) + "x" + std::to_string(g.k)
                        + " kernel does not fit the " + formatShape(s) + " input");
        const int64_t weights = out * (c / groups) * g.k * g.k;
        return ok({out, h, w}, weights + (B(p, "bias") ? out : 0), h * w * weights);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t k = I(p, "kernel_size"), s = I(p, "stride"), pad = I(p, "padding"),
                      dil = I(p, "dilation"), groups = I(p, "groups");
        const bool bias = B(p, "bias");
        auto m = torch::nn::Conv2d(torch::nn::Conv2dOptions(in[0].shape[0], I(p, "out_channels"), k)
                                       .stride(s).padding(pad).dilation(dil).groups(groups).bias(bias));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [=](const ScriptContext &c) {
            return c.output + " = torch.conv2d(" + c.inputs[0] + ", " + c.self + "weight, "
                   + (bias ? c.self + "bias" : std::string("None")) + ", " + ints(s, s) + ", "
                   + ints(pad, pad) + ", " + ints(dil, dil) + ", " + std::to_string(groups) + ")";
        };
        b->onnx = [=](OnnxContext &c) {
            std::vector<std::string> in = {c.inputs[0], c.weight("weight")};
            if (bias)
                in.push_back(c.weight("bias"));
            return c.node("Conv", in,
                          {onnxInts("kernel_shape", {k, k}), onnxInts("strides", {s, s}),
                           onnxInts("pads", {pad, pad, pad, pad}), onnxInts("dilations", {dil, dil}),
                           onnxInt("group", groups)});
        };
        return b;
    };
    return t;
}

LayerType pool2dLayer(bool max)
{
    LayerType t;
    t.name = max ? "MaxPool2d" : "AvgPool2d";
    t.category = "Pooling";
    t.description = max ? "Maximum over square windows." : "Average over square windows.";
    t.params = {intParam("kernel_size", nullptr, 1, 0, "Square window size"),
                intParam("stride", 0, 0, 0, "Stride; 0 uses the kernel size"),
                intParam("padding", 0, 0, 0, "Padding on each side")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 3)
            return fail("expects a CxHxW input, got " + formatShape(s));
        const int64_t k = I(p, "kernel_size");
        const int64_t st = I(p, "stride") ? I(p, "stride") : k;
        const int64_t pad = I(p, "padding");
        if (pad * 2 > k)
            return fail("padding " + std::to_string(pad) + " must be at most half the kernel size "
                        + std::to_string(k));
        Conv2dGeometry g{k, st, pad, 1};
        const int64_t h = convOut(s[1], g), w = convOut(s[2], g);
        if (h < 1 || w < 1)
            return fail("a " + std::to_string(k) + "x" + std::to_string(k)
                        + " window does not fit the " + formatShape(s) + " input");
        return ok({s[0], h, w});
    };
    t.build = [max](const json &p, const std::vector<TensorType> &) {
        const int64_t k = I(p, "kernel_size");
        const int64_t s = I(p, "stride") ? I(p, "stride") : k;
        const int64_t pad = I(p, "padding");
        auto b = std::make_shared<BuiltLayer>();
        b->forward = [=](const std::vector<torch::Tensor> &x) {
            return max ? torch::max_pool2d(x[0], {k, k}, {s, s}, {pad, pad})
                       : torch::avg_pool2d(x[0], {k, k}, {s, s}, {pad, pad});
        };
        b->script = [=](const ScriptContext &c) {
            if (max)
                return c.output + " = torch.max_pool2d(" + c.inputs[0] + ", " + ints(k, k) + ", "
                       + ints(s, s) + ", " + ints(pad, pad) + ", [1, 1], False)";
            return c.output + " = torch.avg_pool2d(" + c.inputs[0] + ", " + ints(k, k) + ", "
                   + ints(s, s) + ", " + ints(pad, pad) + ", False, True, None)";
        };
        b->onnx = [=](OnnxContext &c) {
            std::vector<OnnxAttribute> a = {onnxInts("kernel_shape", {k, k}), onnxInts("strides", {s, s}),
                                            onnxInts("pads", {pad, pad, pad, pad})};
            if (!max)
                a.push_back(onnxInt("count_include_pad", 1)); // as torch.avg_pool2d's default
            return c.node(max ? "MaxPool" : "AveragePool", {c.inputs[0]}, a);
        };
        return b;
    };
    return t;
}

LayerType adaptiveAvgPoolLayer()
{
    LayerType t;
    t.name = "AdaptiveAvgPool2d";
    t.category = "Pooling";
    t.description = "Averages to a fixed output size whatever the input size.";
    t.params = {intParam("output_size", 1, 1, 0, "Square output size")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 3)
            return fail("expects a CxHxW input, got " + formatShape(s));
        const int64_t o = I(p, "output_size");
        return ok({s[0], o, o});
    };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        const int64_t o = I(p, "output_size");
        auto b = std::make_shared<BuiltLayer>();
        b->forward = [o](const std::vector<torch::Tensor> &x) {
            return torch::adaptive_avg_pool2d(x[0], {o, o});
        };
        b->script = [o](const ScriptContext &c) {
            return c.output + " = torch.adaptive_avg_pool2d(" + c.inputs[0] + ", " + ints(o, o) + ")";
        };
        b->onnx = [o](OnnxContext &c) {
            // ONNX has no adaptive pooling. Equal windows are a plain average pool; unequal ones
            // (PyTorch's floor/ceil bounds) are averaging matrices on both sides: P_h x P_w^T.
            const int64_t h = c.inputShapes[0][1], w = c.inputShapes[0][2];
            if (o == 1)
                return c.node("GlobalAveragePool", {c.inputs[0]});
            if (h % o == 0 && w % o == 0)
                return c.node("AveragePool", {c.inputs[0]},
                              {onnxInts("kernel_shape", {h / o, w / o}), onnxInts("strides", {h / o, w / o})});
            auto windows = [o](int64_t size) {
                torch::Tensor m = torch::zeros({o, size});
                for (int64_t i = 0; i < o; ++i) {
                    const int64_t start = i * size / o, end = ((i + 1) * size + o - 1) / o;
                    m[i].slice(0, start, end).fill_(1.0 / double(end - start));
                }
                return m;
            };
            const std::string rows = c.node("MatMul", {c.constant("rows", windows(h)), c.inputs[0]});
            return c.node("MatMul", {rows, c.constant("columns", windows(w).t().contiguous())});
        };
        return b;
    };
    return t;
}

LayerType batchNormLayer(int dims)
{
    LayerType t;
    t.name = dims == 1 ? "BatchNorm1d" : "BatchNorm2d";
    t.category = "Normalization";
    t.description = dims == 1 ? "Batch normalization over C or CxL inputs."
                              : "Batch normalization over CxHxW inputs.";
    t.params = {intParam("num_features", 0, 0, 0, "Channels; 0 infers them from the input"),
                floatParam("eps", 1e-5, 0, 0, true, "Added to the variance"),
                floatParam("momentum", 0.1, 0, 1, false, "Running statistics update rate")};
    t.inputCount = fixedInputs(1);
    t.infer = [dims](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        const bool fits = dims == 1 ? (s.size() == 1 || s.size() == 2) : s.size() == 3;
        if (!fits)
            return fail(std::string("expects a ") + (dims == 1 ? "C or CxL" : "CxHxW")
                        + " input, got " + formatShape(s));
        const int64_t declared = I(p, "num_features");
        if (declared > 0 && declared != s[0])
            return fail(std::to_string(s[0]) + " channels reach a layer that expects "
                        + std::to_string(declared) + " (num_features = " + std::to_string(declared) + ")");
        return ok(s, 2 * s[0], 0);
    };
    t.build = [dims](const json &p, const std::vector<TensorType> &in) {
        const int64_t c = in[0].shape[0];
        const double eps = F(p, "eps"), momentum = F(p, "momentum");
        auto b = std::make_shared<BuiltLayer>();
        if (dims == 1) {
            auto m = torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(c).eps(eps).momentum(momentum));
            b->module = m.ptr();
            b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        } else {
            auto m = torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).eps(eps).momentum(momentum));
            b->module = m.ptr();
            b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        }
        b->script = [eps](const ScriptContext &c) {
            return c.output + " = torch.batch_norm(" + c.inputs[0] + ", " + c.self + "weight, " + c.self
                   + "bias, " + c.self + "running_mean, " + c.self + "running_var, False, 0.0, "
                   + pyFloat(eps) + ", False)";
        };
        b->onnx = [eps](OnnxContext &c) {
            return c.node("BatchNormalization",
                          {c.inputs[0], c.weight("weight"), c.weight("bias"), c.weight("running_mean"),
                           c.weight("running_var")},
                          {onnxFloat("epsilon", eps)});
        };
        return b;
    };
    return t;
}

LayerType dropoutLayer()
{
    LayerType t;
    t.name = "Dropout";
    t.category = "Regularization";
    t.description = "Zeroes elements with probability p while training.";
    t.params = {floatParam("p", 0.5, 0, 0.999, false, "Probability of zeroing an element")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &, const std::vector<TensorType> &in) { return ok(in[0].shape); };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        auto m = torch::nn::Dropout(torch::nn::DropoutOptions(F(p, "p")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [](const ScriptContext &c) { return c.output + " = " + c.inputs[0]; };
        b->onnx = [](OnnxContext &c) { return c.inputs[0]; }; // eval mode: the identity
        return b;
    };
    return t;
}

LayerType flattenLayer()
{
    LayerType t;
    t.name = "Flatten";
    t.category = "Reshape";
    t.description = "Flattens every dimension but the batch into one.";
    t.inputCount = fixedInputs(1);
    t.anyInputDType = true;
    t.infer = [](const json &, const std::vector<TensorType> &in) {
        return ok({elementCount(in[0].shape)}, 0, 0, in[0].dtype);
    };
    t.build = [](const json &, const std::vector<TensorType> &) {
        return stateless([](const torch::Tensor &x) { return torch::flatten(x, 1); },
                         [](const std::string &x) { return "torch.flatten(" + x + ", 1)"; },
                         onnxOp("Flatten", {onnxInt("axis", 1)}));
    };
    return t;
}

LayerType leakyReluLayer()
{
    LayerType t = activation("LeakyReLU", "max(0, x) + slope * min(0, x)", nullptr, "");
    t.params = {floatParam("negative_slope", 0.01, 0, 0, false, "Slope for negative inputs")};
    t.build = [](const json &p, const std::vector<TensorType> &) {
        const double slope = F(p, "negative_slope");
        return stateless([slope](const torch::Tensor &x) { return torch::leaky_relu(x, slope); },
                         [slope](const std::string &x) {
                             return "torch.leaky_relu(" + x + ", " + pyFloat(slope) + ")";
                         },
                         onnxOp("LeakyRelu", {onnxFloat("alpha", slope)}));
    };
    return t;
}

LayerType softmaxLayer(bool log)
{
    LayerType t = activation(log ? "LogSoftmax" : "Softmax",
                             log ? "Log of softmax along a dimension" : "Softmax along a dimension",
                             nullptr, "");
    t.params = {intParam("dim", -1, 0, 0, "Sample dimension (batch excluded); negative counts from the end")};
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        if (sampleDim(I(p, "dim"), in[0].shape.size()) < 0)
            return fail("dim " + std::to_string(I(p, "dim")) + " is outside the "
                        + formatShape(in[0].shape) + " input");
        return ok(in[0].shape);
    };
    t.build = [log](const json &p, const std::vector<TensorType> &in) {
        const int64_t d = sampleDim(I(p, "dim"), in[0].shape.size()) + 1;
        const std::string fn = log ? "torch.log_softmax(" : "torch.softmax(";
        return stateless(
            [log, d](const torch::Tensor &x) { return log ? torch::log_softmax(x, d) : torch::softmax(x, d); },
            [fn, d](const std::string &x) { return fn + x + ", " + std::to_string(d) + ")"; },
            onnxOp(log ? "LogSoftmax" : "Softmax", {onnxInt("axis", d)}));
    };
    return t;
}

ParamSpec inputsParam()
{
    return intParam("inputs", 2, 2, 8, "Number of input ports");
}

LayerType addLayer()
{
    LayerType t;
    t.name = "Add";
    t.category = "Merge";
    t.description = "Element-wise sum of its inputs (skip connections).";
    t.params = {inputsParam()};
    t.inputCount = [](const json &p) { return int(I(p, "inputs")); };
    t.infer = [](const json &, const std::vector<TensorType> &in) {
        for (size_t i = 1; i < in.size(); ++i)
            if (in[i].shape != in[0].shape)
                return fail("all inputs must have the same shape: input 0 is " + formatShape(in[0].shape)
                                + ", input " + std::to_string(i) + " is " + formatShape(in[i].shape),
                            int(i));
        return ok(in[0].shape);
    };
    t.build = [](const json &, const std::vector<TensorType> &) {
        auto b = std::make_shared<BuiltLayer>();
        b->forward = [](const std::vector<torch::Tensor> &x) {
            torch::Tensor s = x[0];
            for (size_t i = 1; i < x.size(); ++i)
                s = s + x[i];
            return s;
        };
        b->script = [](const ScriptContext &c) {
            std::string s = c.output + " = " + c.inputs[0];
            for (size_t i = 1; i < c.inputs.size(); ++i)
                s += " + " + c.inputs[i];
            return s;
        };
        b->onnx = [](OnnxContext &c) {
            std::string sum = c.inputs[0];
            for (size_t i = 1; i < c.inputs.size(); ++i)
                sum = c.node("Add", {sum, c.inputs[i]});
            return sum;
        };
        return b;
    };
    return t;
}

LayerType concatLayer()
{
    LayerType t;
    t.name = "Concat";
    t.category = "Merge";
    t.description = "Joins its inputs along a dimension (channels by default).";
    t.params = {inputsParam(),
                intParam("dim", 0, 0, 0, "Sample dimension (batch excluded); negative counts from the end")};
    t.inputCount = [](const json &p) { return int(I(p, "inputs")); };
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s0 = in[0].shape;
        const int64_t d = sampleDim(I(p, "dim"), s0.size());
        if (d < 0)
            return fail("dim " + std::to_string(I(p, "dim")) + " is outside the " + formatShape(s0) + " input");
        Shape o = s0;
        for (size_t i = 1; i < in.size(); ++i) {
            const Shape &s = in[i].shape;
            bool fits = s.size() == s0.size();
            for (size_t k = 0; fits && k < s.size(); ++k)
                fits = int64_t(k) == d || s[k] == s0[k];
            if (!fits)
                return fail("input " + std::to_string(i) + " is " + formatShape(s) + " but input 0 is "
                                + formatShape(s0) + "; they may differ only in dim " + std::to_string(d),
                            int(i));
            o[size_t(d)] += s[size_t(d)];
        }
        return ok(o);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t d = sampleDim(I(p, "dim"), in[0].shape.size()) + 1;
        auto b = std::make_shared<BuiltLayer>();
        b->forward = [d](const std::vector<torch::Tensor> &x) { return torch::cat(x, d); };
        b->script = [d](const ScriptContext &c) {
            std::string s = c.output + " = torch.cat([";
            for (size_t i = 0; i < c.inputs.size(); ++i)
                s += (i ? ", " : "") + c.inputs[i];
            return s + "], " + std::to_string(d) + ")";
        };
        b->onnx = [d](OnnxContext &c) { return c.node("Concat", c.inputs, {onnxInt("axis", d)}); };
        return b;
    };
    return t;
}

LayerType embeddingLayer()
{
    LayerType t;
    t.name = "Embedding";
    t.category = "Sequence";
    t.description = "Looks up a learned vector for each token id.";
    t.params = {intParam("num_embeddings", nullptr, 1, 0, "Vocabulary size"),
                intParam("embedding_dim", nullptr, 1, 0, "Size of each vector")};
    t.inputCount = fixedInputs(1);
    t.inputDType = DType::Int64;
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        Shape o = in[0].shape;
        o.push_back(I(p, "embedding_dim"));
        return ok(o, I(p, "num_embeddings") * I(p, "embedding_dim"));
    };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        auto m = torch::nn::Embedding(torch::nn::EmbeddingOptions(I(p, "num_embeddings"), I(p, "embedding_dim")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [](const ScriptContext &c) {
            return c.output + " = torch.embedding(" + c.self + "weight, " + c.inputs[0] + ")";
        };
        b->onnx = [](OnnxContext &c) { return c.node("Gather", {c.weight("weight"), c.inputs[0]}, {onnxInt("axis", 0)}); };
        return b;
    };
    return t;
}

LayerType recurrentLayer(bool lstm)
{
    LayerType t;
    t.name = lstm ? "LSTM" : "GRU";
    t.category = "Sequence";
    t.description = lstm ? "Long short-term memory over an LxF sequence."
                         : "Gated recurrent unit over an LxF sequence.";
    t.params = {intParam("input_size", 0, 0, 0, "Features per step; 0 infers them from the input"),
                intParam("hidden_size", nullptr, 1, 0, "Hidden features"),
                intParam("num_layers", 1, 1, 16, "Stacked layers"),
                boolParam("bidirectional", false, "Also run the sequence backwards"),
                boolParam("return_sequences", true, "Output every step (LxH) or only the last (H)")};
    t.inputCount = fixedInputs(1);
    const int gates = lstm ? 4 : 3;
    t.infer = [gates](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 2)
            return fail("expects an LxF sequence, got " + formatShape(s));
        const int64_t declared = I(p, "input_size");
        if (declared > 0 && declared != s[1])
            return fail(std::to_string(s[1]) + " features reach a layer that expects "
                        + std::to_string(declared) + " (input_size = " + std::to_string(declared) + ")");
        const int64_t h = I(p, "hidden_size"), layers = I(p, "num_layers");
        const int64_t dirs = B(p, "bidirectional") ? 2 : 1;
        int64_t params = 0, macs = 0, in0 = s[1];
        for (int64_t l = 0; l < layers; ++l) {
            const int64_t inSize = l == 0 ? in0 : h * dirs;
            const int64_t perDir = gates * h * (inSize + h);
            params += dirs * (perDir + 2 * gates * h);
            macs += dirs * s[0] * perDir;
        }
        Shape o = B(p, "return_sequences") ? Shape{s[0], h * dirs} : Shape{h * dirs};
        return ok(o, params, macs);
    };
    t.build = [lstm](const json &p, const std::vector<TensorType> &in) {
        const int64_t h = I(p, "hidden_size"), layers = I(p, "num_layers");
        const bool bi = B(p, "bidirectional"), seq = B(p, "return_sequences");
        auto b = std::make_shared<BuiltLayer>();
        std::vector<std::string> names;
        for (int64_t l = 0; l < layers; ++l)
            for (int dir = 0; dir < (bi ? 2 : 1); ++dir)
                for (const char *w : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"})
                    names.push_back(w + std::to_string(l) + (dir ? "_reverse" : ""));
        auto pick = [seq](torch::Tensor out) { return seq ? out : out.select(1, out.size(1) - 1); };
        if (lstm) {
            auto m = torch::nn::LSTM(torch::nn::LSTMOptions(in[0].shape[1], h)
                                         .num_layers(layers).bidirectional(bi).batch_first(true));
            b->module = m.ptr();
            b->forward = [m, pick](const std::vector<torch::Tensor> &x) mutable {
                return pick(std::get<0>(m->forward(x[0])));
            };
        } else {
            auto m = torch::nn::GRU(torch::nn::GRUOptions(in[0].shape[1], h)
                                        .num_layers(layers).bidirectional(bi).batch_first(true));
            b->module = m.ptr();
            b->forward = [m, pick](const std::vector<torch::Tensor> &x) mutable {
                return pick(std::get<0>(m->forward(x[0])));
            };
        }
        b->script = [=](const ScriptContext &c) {
            const std::string x = c.inputs[0];
            std::string params = "[";
            for (size_t i = 0; i < names.size(); ++i)
                params += (i ? ", " : "") + c.self + names[i];
            params += "]";
            const std::string zeros = "torch.zeros([" + std::to_string(layers * (bi ? 2 : 1)) + ", "
                                      + x + ".size(0), " + std::to_string(h) + "], dtype=" + x
                                      + ".dtype, device=" + x + ".device)";
            std::string s = c.output + "_h0 = " + zeros + "\n";
            if (lstm)
                s += c.output + "_seq, " + c.output + "_h, " + c.output + "_c = torch.lstm(" + x + ", ["
                     + c.output + "_h0, " + c.output + "_h0], " + params + ", True, "
                     + std::to_string(layers) + ", 0.0, False, " + pyBool(bi) + ", True)\n";
            else
                s += c.output + "_seq, " + c.output + "_h = torch.gru(" + x + ", " + c.output + "_h0, "
                     + params + ", True, " + std::to_string(layers) + ", 0.0, False, " + pyBool(bi)
                     + ", True)\n";
            s += c.output + " = " + c.output + "_seq" + (seq ? "" : "[:, -1]");
            return s;
        };
        b->onnx = [=](OnnxContext &c) {
            const int64_t dirs = bi ? 2 : 1, steps = c.inputShapes[0][0];
            // PyTorch's gate blocks (LSTM i f g o, GRU r z n) in ONNX's order (i o f c, z r h).
            const std::vector<int64_t> order = lstm ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{1, 0, 2};
            auto gates = [&](const torch::Tensor &t) {
                auto blocks = t.chunk(int64_t(order.size()), 0);
                std::vector<torch::Tensor> r;
                for (int64_t i : order)
                    r.push_back(blocks[size_t(i)]);
                return torch::cat(r, 0);
            };
            // ONNX's recurrent operators run sequence-first, one layer per node.
            std::string x = c.node("Transpose", {c.inputs[0]}, {onnxInts("perm", {1, 0, 2})});
            const std::string merge = c.int64s("merge_directions", {0, 0, dirs * h});
            for (int64_t l = 0; l < layers; ++l) {
                std::vector<torch::Tensor> w, r, bias;
                for (int64_t dir = 0; dir < dirs; ++dir) {
                    const std::string sfx = std::to_string(l) + (dir ? "_reverse" : "");
                    w.push_back(gates(c.weightValue("weight_ih_l" + sfx)));
                    r.push_back(gates(c.weightValue("weight_hh_l" + sfx)));
                    bias.push_back(torch::cat({gates(c.weightValue("bias_ih_l" + sfx)),
                                               gates(c.weightValue("bias_hh_l" + sfx))}));
                }
                const std::string tag = "l" + std::to_string(l);
                std::vector<OnnxAttribute> a = {onnxInt("hidden_size", h)};
                if (bi)
                    a.push_back(onnxString("direction", "bidirectional"));
                if (!lstm)
                    a.push_back(onnxInt("linear_before_reset", 1)); // PyTorch's GRU form
                const std::string y = c.nodes(lstm ? "LSTM" : "GRU",
                                              {x, c.constant("W_" + tag, torch::stack(w)),
                                               c.constant("R_" + tag, torch::stack(r)),
                                               c.constant("B_" + tag, torch::stack(bias))},
                                              a, 1)[0]; // [L, dirs, N, H]
                x = c.node("Reshape", {c.node("Transpose", {y}, {onnxInts("perm", {0, 2, 1, 3})}), merge});
            }
            if (seq)
                return c.node("Transpose", {x}, {onnxInts("perm", {1, 0, 2})});
            return c.node("Gather", {x, c.constant("last_step", torch::tensor(steps - 1, torch::kInt64))},
                          {onnxInt("axis", 0)});
        };
        return b;
    };
    return t;
}

LayerType attentionLayer()
{
    LayerType t;
    t.name = "MultiheadAttention";
    t.category = "Sequence";
    t.description = "Multi-head self-attention over an LxE sequence.";
    t.params = {intParam("num_heads", nullptr, 1, 0, "Attention heads; must divide E"),
                floatParam("dropout", 0.0, 0, 0.999, false, "Dropout on attention weights")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 2)
            return fail("expects an LxE sequence, got " + formatShape(s));
        const int64_t e = s[1], heads = I(p, "num_heads");
        if (e % heads)
            return fail("num_heads = " + std::to_string(heads) + " must divide the embedding size "
                        + std::to_string(e));
        return ok(s, 4 * e * e + 4 * e, s[0] * 4 * e * e + 2 * s[0] * s[0] * e);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t e = in[0].shape[1], heads = I(p, "num_heads");
        auto m = torch::nn::MultiheadAttention(
            torch::nn::MultiheadAttentionOptions(e, heads).dropout(F(p, "dropout")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable {
            auto seqFirst = x[0].transpose(0, 1); // [L, N, E] as LibTorch's attention expects
            auto out = std::get<0>(m->forward(seqFirst, seqFirst, seqFirst));
            return out.transpose(0, 1);
        };
        b->script = [e, heads](const ScriptContext &c) {
            const std::string x = c.inputs[0], o = c.output, hd = std::to_string(e / heads);
            const std::string H = std::to_string(heads), E = std::to_string(e);
            std::string s;
            s += o + "_qkv = torch.matmul(" + x + ", " + c.self + "in_proj_weight.t()) + " + c.self + "in_proj_bias\n";
            s += o + "_q, " + o + "_k, " + o + "_v = " + o + "_qkv.chunk(3, -1)\n";
            for (const char *v : {"_q", "_k", "_v"})
                s += o + v + " = " + o + v + ".reshape([" + x + ".size(0), " + x + ".size(1), " + H
                     + ", " + hd + "]).transpose(1, 2)\n";
            s += o + "_w = torch.softmax(torch.matmul(" + o + "_q, " + o + "_k.transpose(-2, -1)) / "
                 + pyFloat(std::sqrt(double(e / heads))) + ", -1)\n";
            s += o + "_a = torch.matmul(" + o + "_w, " + o + "_v).transpose(1, 2).reshape([" + x
                 + ".size(0), " + x + ".size(1), " + E + "])\n";
            s += o + " = torch.matmul(" + o + "_a, " + c.self + "out_proj__weight.t()) + " + c.self
                 + "out_proj__bias";
            return s;
        };
        b->onnx = [e, heads](OnnxContext &c) {
            const int64_t hd = e / heads;
            auto linear = [&](const std::string &x, const std::string &w, const std::string &bias) {
                const std::string wt = c.node("Transpose", {c.weight(w)}, {onnxInts("perm", {1, 0})});
                return c.node("Add", {c.node("MatMul", {x, wt}), c.weight(bias)});
            };
            const std::string qkv = linear(c.inputs[0], "in_proj_weight", "in_proj_bias");
            auto part = c.nodes("Split", {qkv, c.int64s("split", {e, e, e})}, {onnxInt("axis", -1)}, 3);
            const std::string perHead = c.int64s("per_head", {0, 0, heads, hd}); // [N, L, H, hd]
            auto heads_ = [&](const std::string &t, std::vector<int64_t> perm) {
                return c.node("Transpose", {c.node("Reshape", {t, perHead})}, {onnxInts("perm", std::move(perm))});
            };
            const std::string q = heads_(part[0], {0, 2, 1, 3}); // [N, H, L, hd]
            const std::string kt = heads_(part[1], {0, 2, 3, 1}); // [N, H, hd, L]
            const std::string v = heads_(part[2], {0, 2, 1, 3});
            const std::string scale = c.constant("scale", torch::tensor(float(std::sqrt(double(hd)))));
            const std::string w = c.node("Softmax", {c.node("Div", {c.node("MatMul", {q, kt}), scale})},
                                         {onnxInt("axis", -1)});
            const std::string a = c.node("Transpose", {c.node("MatMul", {w, v})}, {onnxInts("perm", {0, 2, 1, 3})});
            const std::string merged = c.node("Reshape", {a, c.int64s("merge_heads", {0, 0, e})});
            return linear(merged, "out_proj.weight", "out_proj.bias");
        };
        return b;
    };
    return t;
}

} // namespace

LayerRegistry::LayerRegistry()
{
    m_types.push_back(inputLayer());
    m_types.push_back(linearLayer());
    m_types.push_back(conv2dLayer());
    m_types.push_back(pool2dLayer(true));
    m_types.push_back(pool2dLayer(false));
    m_types.push_back(adaptiveAvgPoolLayer());
    m_types.push_back(batchNormLayer(1));
    m_types.push_back(batchNormLayer(2));
    m_types.push_back(dropoutLayer());
    m_types.push_back(flattenLayer());
    m_types.push_back(activation("ReLU", "max(0, x)", [](const torch::Tensor &x) { return torch::relu(x); },
                                 "torch.relu", onnxOp("Relu")));
    m_types.push_back(leakyReluLayer());
    m_types.push_back(activation("GELU", "Gaussian error linear unit",
                                 [](const torch::Tensor &x) { return torch::gelu(x); },
                                 "torch.gelu", onnxGelu));
    m_types.push_back(activation("Sigmoid", "1 / (1 + exp(-x))",
                                 [](const torch::Tensor &x) { return torch::sigmoid(x); }, "torch.sigmoid",
                                 onnxOp("Sigmoid")));
    m_types.push_back(activation("Tanh", "Hyperbolic tangent",
                                 [](const torch::Tensor &x) { return torch::tanh(x); }, "torch.tanh",
                                 onnxOp("Tanh")));
    m_types.push_back(softmaxLayer(false));
    m_types.push_back(softmaxLayer(true));
    m_types.push_back(addLayer());
    m_types.push_back(concatLayer());
    m_types.push_back(embeddingLayer());
    m_types.push_back(recurrentLayer(true));
    m_types.push_back(recurrentLayer(false));
    m_types.push_back(attentionLayer());
}

const LayerRegistry &LayerRegistry::instance()
{
    static const LayerRegistry registry;
    return registry;
}

const LayerType *LayerRegistry::find(const std::string &name) const
{
    for (const auto &t : m_types)
        if (t.name == name)
            return &t;
    return nullptr;
}

std::vector<std::string> LayerRegistry::categories() const
{
    std::vector<std::string> r;
    for (const auto &t : m_types)
        if (std::find(r.begin(), r.end(), t.category) == r.end())
            r.push_back(t.category);
    return r;
}

json LayerRegistry::initialParams(const LayerType &type) const
{
    // Starting values a person would pick for a new layer; each still within its range.
    static const std::map<std::string, int64_t> starters = {
        {"out_features", 64}, {"out_channels", 16}, {"kernel_size", 3}, {"num_embeddings", 1000},
        {"embedding_dim", 64}, {"hidden_size", 64}, {"num_heads", 1}};
    json p = json::object();
    for (const auto &spec : type.params) {
        if (!spec.required())
            p[spec.name] = spec.defaultValue;
        else if (auto it = starters.find(spec.name); it != starters.end())
            p[spec.name] = it->second;
        else
            p[spec.name] = spec.example;
    }
    return p;
}

json LayerRegistry::normalizeParams(const LayerType &type, const json &params, const std::string &where,
                                    Diagnostics &diags, int nodeId) const
{
    json out = json::object();
    if (!params.is_object()) {
        diags.error(where, "expected an object of parameters, got " + params.dump(), nodeId);
        return out;
    }
    for (const auto &spec : type.params) {
        const std::string path = where + "/" + spec.name;
        auto it = params.find(spec.name);
        if (it == params.end()) {
            if (spec.required())
                diags.error(where, "missing required parameter '" + spec.name + "' of " + type.name
                                       + " (" + spec.expectation() + ")",
                            nodeId);
            else
                out[spec.name] = spec.defaultValue;
            continue;
        }
        const json &v = *it;
        bool good = false;
        switch (spec.type) {
        case ParamType::Bool:
            good = v.is_boolean();
            break;
        case ParamType::Choice:
            good = v.is_string()
                   && std::find(spec.choices.begin(), spec.choices.end(), v.get<std::string>())
                          != spec.choices.end();
            break;
        case ParamType::Int:
        case ParamType::Float: {
            good = spec.type == ParamType::Int ? v.is_number_integer() : v.is_number();
            if (good && !(spec.min == 0 && spec.max == 0)) {
                const double d = v.get<double>();
                good = spec.minExclusive ? d > spec.min : d >= spec.min;
                if (spec.max != 0)
                    good = good && d <= spec.max;
            }
            if (good && spec.type == ParamType::Float && !std::isfinite(v.get<double>()))
                good = false;
            break;
        }
        }
        if (!good) {
            diags.error(path, "expected " + spec.expectation() + ", got " + v.dump(), nodeId);
            out[spec.name] = spec.required() ? json() : spec.defaultValue;
            continue;
        }
        out[spec.name] = spec.type == ParamType::Float ? json(v.get<double>()) : v;
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool known = false;
        for (const auto &spec : type.params)
            known = known || spec.name == it.key();
        if (!known)
            diags.error(where + "/" + it.key(), "unknown parameter '" + it.key() + "' for " + type.name,
                        nodeId);
    }
    return out;
}

} // namespace torchwright
