// The layer registry: the list of entries (each family's in its own file beside this one), the
// helpers the entries share, and the parameter checks every entry gets.

#include "layers/entries.h"
#include "torchwright/diagnostics.h"

#include "torchwright/limits.h"

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
    Count n = 1;
    for (auto d : shape)
        n *= d;
    return n.value();
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

Message ParamSpec::expectation() const
{
    switch (type) {
    case ParamType::Bool: return Message::tr("true or false");
    case ParamType::Choice: {
        std::string s;
        for (size_t i = 0; i < choices.size(); ++i)
            s += (i ? ", \"" : "\"") + choices[i] + "\"";
        return Message::tr("one of %1", s);
    }
    case ParamType::Int: return Message::tr("an integer from %1 to %2", int64_t(min), int64_t(max));
    case ParamType::Float: {
        if (min == 0 && max == 0)
            return Message::tr("a number");
        if (max == 0)
            return minExclusive ? Message::tr("a number > %1", numberText(min))
                                : Message::tr("a number >= %1", numberText(min));
        return minExclusive ? Message::tr("a number from %1 (exclusive) to %2", numberText(min), numberText(max))
                            : Message::tr("a number from %1 to %2", numberText(min), numberText(max));
    }
    }
    return {};
}

namespace layers {

// ---- helpers for the entries ---------------------------------------------------------------

ParamSpec intParam(std::string name, json def, double min, double max, std::string help)
{
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Int;
    p.defaultValue = std::move(def);
    p.min = min;
    p.max = max == 0 ? double(kMaxDimension) : max;
    p.help = std::move(help);
    if (p.defaultValue.is_null())
        p.example = std::max<int64_t>(int64_t(min), 1);
    return p;
}

ParamSpec floatParam(std::string name, json def, double min, double max, bool minExclusive, std::string help)
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

ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices, std::string help)
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

LayerInference fail(Message message, int port)
{
    LayerInference r;
    r.error = message.str();
    r.errorText = std::move(message);
    r.errorPort = port;
    return r;
}

LayerInference ok(Shape shape, Count params, Count macs, DType dtype)
{
    Count elements = 1;
    for (auto d : shape)
        elements *= d;
    if (elements.exceeds(kMaxElements))
        return fail(Message::tr("the output %1 would have %2 elements; the largest supported tensor has %3",
                                formatShape(shape), elements.text(), kMaxElements));
    if (params.overflowed() || macs.overflowed())
        return fail(Message::tr("the parameter or multiply-add count overflows"));
    LayerInference r;
    r.output = TensorType{std::move(shape), dtype};
    r.parameters = params.value();
    r.multiplyAdds = macs.value();
    return r;
}

Message weightTooLarge(Message what, Count elements)
{
    if (!elements.exceeds(kMaxElements))
        return {};
    return Message::tr("%1 would have %2 elements; the largest supported tensor has %3", std::move(what),
                       elements.text(), kMaxElements);
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

// A stateless layer of one input: forward, TorchScript expression, ONNX nodes.
std::shared_ptr<BuiltLayer> stateless(std::function<torch::Tensor(const torch::Tensor &)> f,
                                      std::function<std::string(const std::string &)> expr, OnnxUnary onnx)
{
    auto b = std::make_shared<BuiltLayer>();
    b->forward = [f](const std::vector<torch::Tensor> &in) { return f(in[0]); };
    b->script = [expr](const ScriptContext &c) { return c.output + " = " + expr(c.inputs[0]); };
    b->onnx = [onnx](OnnxContext &c) { return onnx(c, c.inputs[0]); };
    return b;
}

// An ONNX operator applied to the layer's one input.
OnnxUnary onnxOp(std::string op, std::vector<OnnxAttribute> attributes)
{
    return [op, attributes](OnnxContext &c, const std::string &x) { return c.node(op, {x}, attributes); };
}

std::string callModule(const json &, const std::vector<TensorType> &, const std::string &self,
                       const std::vector<std::string> &x)
{
    return self + "(" + x[0] + ")";
}

PythonForm pythonModule(std::function<std::string(const json &, const std::vector<TensorType> &)> module)
{
    return {std::move(module), callModule};
}

int64_t batchDim(int64_t dim, size_t sampleRank) { return (dim < 0 ? dim + int64_t(sampleRank) : dim) + 1; }

} // namespace layers

// The palette's order: the entries' families are in engine/src/layers/*.cpp.
LayerRegistry::LayerRegistry()
{
    using namespace layers;
    m_types.push_back(inputLayer());
    m_types.push_back(linearLayer());
    m_types.push_back(conv2dLayer());
    m_types.push_back(convTranspose2dLayer());
    m_types.push_back(pool2dLayer(true));
    m_types.push_back(pool2dLayer(false));
    m_types.push_back(adaptiveAvgPoolLayer());
    m_types.push_back(batchNormLayer(1));
    m_types.push_back(batchNormLayer(2));
    m_types.push_back(layerNormLayer());
    m_types.push_back(dropoutLayer());
    m_types.push_back(flattenLayer());
    m_types.push_back(reluLayer());
    m_types.push_back(leakyReluLayer());
    m_types.push_back(geluLayer());
    m_types.push_back(sigmoidLayer());
    m_types.push_back(tanhLayer());
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
        {"out_features", 64},  {"out_channels", 16}, {"kernel_size", 3}, {"num_embeddings", 1000},
        {"embedding_dim", 64}, {"hidden_size", 64},  {"num_heads", 1}};
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
        diags.error(where, Message::tr("expected an object of parameters, got %1", params.dump()), nodeId);
        return out;
    }
    for (const auto &spec : type.params) {
        const std::string path = where + "/" + spec.name;
        auto it = params.find(spec.name);
        if (it == params.end()) {
            if (spec.required())
                diags.error(
                    where,
                    Message::tr("missing required parameter '%1' of %2 (%3)", spec.name, type.name, spec.expectation()),
                    nodeId);
            else
                out[spec.name] = spec.defaultValue;
            continue;
        }
        const json &v = *it;
        bool good = false;
        switch (spec.type) {
        case ParamType::Bool: good = v.is_boolean(); break;
        case ParamType::Choice:
            good = v.is_string()
                   && std::find(spec.choices.begin(), spec.choices.end(), v.get<std::string>()) != spec.choices.end();
            break;
        case ParamType::Int: {
            // Read as int64 only once it is known to fit: nlohmann keeps 2^63 and above unsigned.
            const bool fits =
                v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX));
            if (fits && v.get<int64_t>() > int64_t(spec.max)) {
                diags.error(path,
                            Message::tr("%1 %2 is more than the largest supported value, %3", spec.name, v.dump(),
                                        int64_t(spec.max)),
                            nodeId);
                out[spec.name] = spec.required() ? json() : spec.defaultValue;
                continue;
            }
            good = fits && v.get<int64_t>() >= int64_t(spec.min) && v.get<int64_t>() <= int64_t(spec.max);
            break;
        }
        case ParamType::Float: {
            good = v.is_number();
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
            diags.error(path, Message::tr("%1: expected %2, got %3", spec.name, spec.expectation(), v.dump()), nodeId);
            out[spec.name] = spec.required() ? json() : spec.defaultValue;
            continue;
        }
        if (spec.type == ParamType::Float)
            out[spec.name] = v.get<double>();
        else if (spec.type == ParamType::Int)
            out[spec.name] = v.get<int64_t>();
        else
            out[spec.name] = v;
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool known = false;
        for (const auto &spec : type.params)
            known = known || spec.name == it.key();
        if (!known)
            diags.error(where + "/" + it.key(), Message::tr("unknown parameter '%1' for %2", it.key(), type.name),
                        nodeId);
    }
    return out;
}

} // namespace torchwright
