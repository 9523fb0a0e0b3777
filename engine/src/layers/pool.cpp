// Pooling: windowed maximum and average, and the adaptive average.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

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
            return fail(Message::tr("expects a CxHxW input, got %1", formatShape(s)));
        const int64_t k = I(p, "kernel_size");
        const int64_t st = I(p, "stride") ? I(p, "stride") : k;
        const int64_t pad = I(p, "padding");
        if (pad * 2 > k)
            return fail(Message::tr("padding %1 must be at most half the kernel size %2", pad, k));
        Conv2dGeometry g{k, st, pad, 1};
        const int64_t h = convOut(s[1], g), w = convOut(s[2], g);
        if (h < 1 || w < 1)
            return fail(Message::tr("a %1x%1 window does not fit the %2 input", k, formatShape(s)));
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
                return c.output + " = torch.max_pool2d(" + c.inputs[0] + ", " + ints(k, k) + ", " + ints(s, s) + ", "
                       + ints(pad, pad) + ", [1, 1], False)";
            return c.output + " = torch.avg_pool2d(" + c.inputs[0] + ", " + ints(k, k) + ", " + ints(s, s) + ", "
                   + ints(pad, pad) + ", False, True, None)";
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
    // LibTorch's max_pool2d and avg_pool2d defaults (no ceil mode, padding counted in the
    // average) are nn.MaxPool2d's and nn.AvgPool2d's.
    const std::string cls = t.name;
    t.python = pythonModule([cls](const json &p, const std::vector<TensorType> &) {
        const int64_t k = I(p, "kernel_size");
        const int64_t s = I(p, "stride") ? I(p, "stride") : k; // 0 means the kernel size
        return "nn." + cls + "(kernel_size=" + std::to_string(k) + ", stride=" + std::to_string(s)
               + ", padding=" + std::to_string(I(p, "padding")) + ")";
    });
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
            return fail(Message::tr("expects a CxHxW input, got %1", formatShape(s)));
        const int64_t o = I(p, "output_size");
        return ok({s[0], o, o});
    };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        const int64_t o = I(p, "output_size");
        auto b = std::make_shared<BuiltLayer>();
        b->forward = [o](const std::vector<torch::Tensor> &x) { return torch::adaptive_avg_pool2d(x[0], {o, o}); };
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
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &) {
        return "nn.AdaptiveAvgPool2d(" + std::to_string(I(p, "output_size")) + ")";
    });
    return t;
}

} // namespace torchwright::layers
