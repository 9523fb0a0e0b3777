// Layers of several inputs: the element-wise sum and the concatenation.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

namespace {

ParamSpec inputsParam() { return intParam("inputs", 2, 2, 8, "Number of input ports"); }

} // namespace

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
                return fail(Message::tr("all inputs must have the same shape: input 0 is %1, input %2 is %3",
                                        formatShape(in[0].shape), i, formatShape(in[i].shape)),
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
    // Summed left to right, as the builder does, so rounding is the same.
    t.python.forward = [](const json &, const std::vector<TensorType> &, const std::string &,
                          const std::vector<std::string> &x) {
        std::string s = x[0];
        for (size_t i = 1; i < x.size(); ++i)
            s += " + " + x[i];
        return s;
    };
    return t;
}

LayerType concatLayer()
{
    LayerType t;
    t.name = "Concat";
    t.category = "Merge";
    t.description = "Joins its inputs along a dimension (channels by default).";
    t.params = {inputsParam(), intParam("dim", 0, -kMaxRank, kMaxRank - 1,
                                        "Sample dimension (batch excluded); negative counts from the end")};
    t.inputCount = [](const json &p) { return int(I(p, "inputs")); };
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s0 = in[0].shape;
        const int64_t d = sampleDim(I(p, "dim"), s0.size());
        if (d < 0)
            return fail(Message::tr("dim %1 is outside the %2 input", I(p, "dim"), formatShape(s0)));
        Shape o = s0;
        for (size_t i = 1; i < in.size(); ++i) {
            const Shape &s = in[i].shape;
            bool fits = s.size() == s0.size();
            for (size_t k = 0; fits && k < s.size(); ++k)
                fits = int64_t(k) == d || s[k] == s0[k];
            if (!fits)
                return fail(Message::tr("input %1 is %2 but input 0 is %3; they may differ only in dim %4", i,
                                        formatShape(s), formatShape(s0), d),
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
    t.python.forward = [](const json &p, const std::vector<TensorType> &in, const std::string &,
                          const std::vector<std::string> &x) {
        std::string s = "torch.cat([";
        for (size_t i = 0; i < x.size(); ++i)
            s += (i ? ", " : "") + x[i];
        return s + "], dim=" + std::to_string(batchDim(I(p, "dim"), in[0].shape.size())) + ")";
    };
    return t;
}

} // namespace torchwright::layers
