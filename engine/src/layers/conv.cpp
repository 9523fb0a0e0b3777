// Convolution, transposed convolution, and the output size rule that pooling shares.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

int64_t convOut(int64_t size, const Conv2dGeometry &g) { return (size + 2 * g.pad - g.dil * (g.k - 1) - 1) / g.s + 1; }

namespace {

// The in_channels check the convolutions share: empty when nothing is declared or `c` matches.
Message channelMismatch(int64_t c, int64_t declared)
{
    if (declared <= 0 || declared == c)
        return {};
    return Message::tr("%1 channels reach a layer that expects %2 (in_channels = %2)", c, declared);
}

} // namespace

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
            return fail(Message::tr("expects a CxHxW input, got %1", formatShape(s)));
        const int64_t c = s[0], declared = I(p, "in_channels"), out = I(p, "out_channels");
        const int64_t groups = I(p, "groups");
        if (Message mismatch = channelMismatch(c, declared); !mismatch.empty())
            return fail(mismatch);
        if (c % groups || out % groups)
            return fail(
                Message::tr("groups = %1 must divide the input channels (%2) and out_channels (%3)", groups, c, out));
        Conv2dGeometry g{I(p, "kernel_size"), I(p, "stride"), I(p, "padding"), I(p, "dilation")};
        const int64_t h = convOut(s[1], g), w = convOut(s[2], g);
        if (h < 1 || w < 1)
            return fail(Message::tr("a %1x%1 kernel does not fit the %2 input", g.k, formatShape(s)));
        const Count weights = Count(out) * (c / groups) * g.k * g.k;
        Message tooLarge = weightTooLarge(Message::tr("the weight %1x%2x%3x%3", out, c / groups, g.k), weights);
        if (!tooLarge.empty())
            return fail(tooLarge);
        return ok({out, h, w}, weights + (B(p, "bias") ? out : 0), Count(h) * w * weights);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t k = I(p, "kernel_size"), s = I(p, "stride"), pad = I(p, "padding"), dil = I(p, "dilation"),
                      groups = I(p, "groups");
        const bool bias = B(p, "bias");
        auto m = torch::nn::Conv2d(torch::nn::Conv2dOptions(in[0].shape[0], I(p, "out_channels"), k)
                                       .stride(s)
                                       .padding(pad)
                                       .dilation(dil)
                                       .groups(groups)
                                       .bias(bias));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [=](const ScriptContext &c) {
            return c.output + " = torch.conv2d(" + c.inputs[0] + ", " + c.self + "weight, "
                   + (bias ? c.self + "bias" : std::string("None")) + ", " + ints(s, s) + ", " + ints(pad, pad) + ", "
                   + ints(dil, dil) + ", " + std::to_string(groups) + ")";
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
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &in) {
        auto param = [&p](const char *k) { return std::to_string(I(p, k)); };
        return "nn.Conv2d(" + std::to_string(in[0].shape[0]) + ", " + param("out_channels") + ", kernel_size="
               + param("kernel_size") + ", stride=" + param("stride") + ", padding=" + param("padding") + ", dilation="
               + param("dilation") + ", groups=" + param("groups") + ", bias=" + pyBool(B(p, "bias")) + ")";
    });
    return t;
}

LayerType convTranspose2dLayer()
{
    LayerType t;
    t.name = "ConvTranspose2d";
    t.category = "Convolution";
    t.description = "Transposed 2-D convolution: upsamples a CxHxW input (decoders).";
    t.params = {intParam("in_channels", 0, 0, 0, "Input channels; 0 infers them from the input"),
                intParam("out_channels", nullptr, 1, 0, "Output channels"),
                intParam("kernel_size", nullptr, 1, 0, "Square kernel size"),
                intParam("stride", 1, 1, 0, "Stride: the upsampling factor"),
                intParam("padding", 0, 0, 0, "Rows and columns taken off each side of the output"),
                boolParam("bias", true, "Learn an additive bias")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.size() != 3)
            return fail(Message::tr("expects a CxHxW input, got %1", formatShape(s)));
        const int64_t c = s[0], declared = I(p, "in_channels"), out = I(p, "out_channels");
        if (Message mismatch = channelMismatch(c, declared); !mismatch.empty())
            return fail(mismatch);
        const int64_t k = I(p, "kernel_size"), st = I(p, "stride"), pad = I(p, "padding");
        auto size = [&](int64_t n) { return (n - 1) * st - 2 * pad + k; };
        const int64_t h = size(s[1]), w = size(s[2]);
        if (h < 1 || w < 1)
            return fail(Message::tr("padding = %1 leaves no output of the %2 input", pad, formatShape(s)));
        const Count weights = Count(c) * out * k * k;
        Message tooLarge = weightTooLarge(Message::tr("the weight %1x%2x%3x%3", c, out, k), weights);
        if (!tooLarge.empty())
            return fail(tooLarge);
        return ok({out, h, w}, weights + (B(p, "bias") ? out : 0), Count(s[1]) * s[2] * weights);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t k = I(p, "kernel_size"), s = I(p, "stride"), pad = I(p, "padding");
        const bool bias = B(p, "bias");
        auto m = torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in[0].shape[0], I(p, "out_channels"), k)
                                                .stride(s)
                                                .padding(pad)
                                                .bias(bias));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [=](const ScriptContext &c) {
            return c.output + " = torch.conv_transpose2d(" + c.inputs[0] + ", " + c.self + "weight, "
                   + (bias ? c.self + "bias" : std::string("None")) + ", " + ints(s, s) + ", " + ints(pad, pad)
                   + ", [0, 0], 1, [1, 1])";
        };
        b->onnx = [=](OnnxContext &c) {
            std::vector<std::string> in = {c.inputs[0], c.weight("weight")};
            if (bias)
                in.push_back(c.weight("bias"));
            return c.node("ConvTranspose", in,
                          {onnxInts("kernel_shape", {k, k}), onnxInts("strides", {s, s}),
                           onnxInts("pads", {pad, pad, pad, pad})});
        };
        return b;
    };
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &in) {
        auto param = [&p](const char *k) { return std::to_string(I(p, k)); };
        return "nn.ConvTranspose2d(" + std::to_string(in[0].shape[0]) + ", " + param("out_channels")
               + ", kernel_size=" + param("kernel_size") + ", stride=" + param("stride")
               + ", padding=" + param("padding") + ", bias=" + pyBool(B(p, "bias")) + ")";
    });
    return t;
}

} // namespace torchwright::layers
