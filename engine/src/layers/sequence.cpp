// Sequence layers: token embedding, the recurrent LSTM and GRU, and self-attention.

#include "layers/entries.h"

#include <cmath>

namespace torchwright::layers {

using nlohmann::json;

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
        const Count weights = Count(I(p, "num_embeddings")) * I(p, "embedding_dim");
        Message tooLarge =
            weightTooLarge(Message::tr("the table of %1x%2", I(p, "num_embeddings"), I(p, "embedding_dim")), weights);
        if (!tooLarge.empty())
            return fail(tooLarge);
        return ok(o, weights);
    };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        auto m = torch::nn::Embedding(torch::nn::EmbeddingOptions(I(p, "num_embeddings"), I(p, "embedding_dim")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [](const ScriptContext &c) {
            return c.output + " = torch.embedding(" + c.self + "weight, " + c.inputs[0] + ")";
        };
        b->onnx = [](OnnxContext &c) {
            return c.node("Gather", {c.weight("weight"), c.inputs[0]}, {onnxInt("axis", 0)});
        };
        return b;
    };
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &) {
        return "nn.Embedding(" + std::to_string(I(p, "num_embeddings")) + ", " + std::to_string(I(p, "embedding_dim"))
               + ")";
    });
    return t;
}

LayerType recurrentLayer(bool lstm)
{
    LayerType t;
    t.name = lstm ? "LSTM" : "GRU";
    t.category = "Sequence";
    t.description =
        lstm ? "Long short-term memory over an LxF sequence." : "Gated recurrent unit over an LxF sequence.";
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
            return fail(Message::tr("expects an LxF sequence, got %1", formatShape(s)));
        const int64_t declared = I(p, "input_size");
        if (declared > 0 && declared != s[1])
            return fail(Message::tr("%1 features reach a layer that expects %2 (input_size = %2)", s[1], declared));
        const int64_t h = I(p, "hidden_size"), layers = I(p, "num_layers");
        const int64_t dirs = B(p, "bidirectional") ? 2 : 1;
        Count params = 0, macs = 0;
        for (int64_t l = 0; l < layers; ++l) {
            const Count inSize = l == 0 ? Count(s[1]) : Count(h) * dirs;
            // weight_ih (gates*h x inSize) and weight_hh (gates*h x h), the larger first.
            for (const Count &weight : {Count(gates) * h * inSize, Count(gates) * h * h}) {
                Message tooLarge = weightTooLarge(Message::tr("with hidden_size %1, a weight", h), weight);
                if (!tooLarge.empty())
                    return fail(tooLarge);
            }
            const Count perDir = Count(gates) * h * (inSize + h);
            params += Count(dirs) * (perDir + Count(2 * gates) * h);
            macs += Count(dirs) * s[0] * perDir;
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
            auto m = torch::nn::LSTM(
                torch::nn::LSTMOptions(in[0].shape[1], h).num_layers(layers).bidirectional(bi).batch_first(true));
            b->module = m.ptr();
            b->forward = [m, pick](const std::vector<torch::Tensor> &x) mutable {
                return pick(std::get<0>(m->forward(x[0])));
            };
        } else {
            auto m = torch::nn::GRU(
                torch::nn::GRUOptions(in[0].shape[1], h).num_layers(layers).bidirectional(bi).batch_first(true));
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
            const std::string zeros = "torch.zeros([" + std::to_string(layers * (bi ? 2 : 1)) + ", " + x + ".size(0), "
                                      + std::to_string(h) + "], dtype=" + x + ".dtype, device=" + x + ".device)";
            std::string s = c.output + "_h0 = " + zeros + "\n";
            if (lstm)
                s += c.output + "_seq, " + c.output + "_h, " + c.output + "_c = torch.lstm(" + x + ", [" + c.output
                     + "_h0, " + c.output + "_h0], " + params + ", True, " + std::to_string(layers) + ", 0.0, False, "
                     + pyBool(bi) + ", True)\n";
            else
                s += c.output + "_seq, " + c.output + "_h = torch.gru(" + x + ", " + c.output + "_h0, " + params
                     + ", True, " + std::to_string(layers) + ", 0.0, False, " + pyBool(bi) + ", True)\n";
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
                    bias.push_back(
                        torch::cat({gates(c.weightValue("bias_ih_l" + sfx)), gates(c.weightValue("bias_hh_l" + sfx))}));
                }
                const std::string tag = "l" + std::to_string(l);
                std::vector<OnnxAttribute> a = {onnxInt("hidden_size", h)};
                if (bi)
                    a.push_back(onnxString("direction", "bidirectional"));
                if (!lstm)
                    a.push_back(onnxInt("linear_before_reset", 1)); // PyTorch's GRU form
                const std::string y =
                    c.nodes(lstm ? "LSTM" : "GRU",
                            {x, c.constant("W_" + tag, torch::stack(w)), c.constant("R_" + tag, torch::stack(r)),
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
    const std::string cls = t.name;
    t.python.module = [cls](const json &p, const std::vector<TensorType> &in) {
        return "nn." + cls + "(" + std::to_string(in[0].shape[1]) + ", " + std::to_string(I(p, "hidden_size"))
               + ", num_layers=" + std::to_string(I(p, "num_layers"))
               + ", bidirectional=" + pyBool(B(p, "bidirectional")) + ", batch_first=True)";
    };
    // The output sequence; without return_sequences its last step, as the builder selects it.
    t.python.forward = [](const json &p, const std::vector<TensorType> &, const std::string &self,
                          const std::vector<std::string> &x) {
        return self + "(" + x[0] + ")[0]" + (B(p, "return_sequences") ? "" : "[:, -1]");
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
            return fail(Message::tr("expects an LxE sequence, got %1", formatShape(s)));
        const int64_t e = s[1], heads = I(p, "num_heads");
        if (e % heads)
            return fail(Message::tr("num_heads = %1 must divide the embedding size %2", heads, e));
        const Count inProj = Count(3) * e * e;
        Message tooLarge = weightTooLarge(Message::tr("in_proj_weight %1x%2", 3 * e, e), inProj);
        if (!tooLarge.empty())
            return fail(tooLarge);
        return ok(s, Count(4) * e * e + Count(4) * e, Count(s[0]) * 4 * e * e + Count(2) * s[0] * s[0] * e);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t e = in[0].shape[1], heads = I(p, "num_heads");
        auto m = torch::nn::MultiheadAttention(torch::nn::MultiheadAttentionOptions(e, heads).dropout(F(p, "dropout")));
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
                s += o + v + " = " + o + v + ".reshape([" + x + ".size(0), " + x + ".size(1), " + H + ", " + hd
                     + "]).transpose(1, 2)\n";
            s += o + "_w = torch.softmax(torch.matmul(" + o + "_q, " + o + "_k.transpose(-2, -1)) / "
                 + pyNumber(std::sqrt(double(e / heads))) + ", -1)\n";
            s += o + "_a = torch.matmul(" + o + "_w, " + o + "_v).transpose(1, 2).reshape([" + x + ".size(0), " + x
                 + ".size(1), " + E + "])\n";
            s += o + " = torch.matmul(" + o + "_a, " + c.self + "out_proj__weight.t()) + " + c.self + "out_proj__bias";
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
            const std::string q = heads_(part[0], {0, 2, 1, 3});  // [N, H, L, hd]
            const std::string kt = heads_(part[1], {0, 2, 3, 1}); // [N, H, hd, L]
            const std::string v = heads_(part[2], {0, 2, 1, 3});
            const std::string scale = c.constant("scale", torch::tensor(float(std::sqrt(double(hd)))));
            const std::string w =
                c.node("Softmax", {c.node("Div", {c.node("MatMul", {q, kt}), scale})}, {onnxInt("axis", -1)});
            const std::string a = c.node("Transpose", {c.node("MatMul", {w, v})}, {onnxInts("perm", {0, 2, 1, 3})});
            const std::string merged = c.node("Reshape", {a, c.int64s("merge_heads", {0, 0, e})});
            return linear(merged, "out_proj.weight", "out_proj.bias");
        };
        return b;
    };
    // The builder transposes to LibTorch's sequence-first layout; batch_first=True does the same,
    // and the parameter names (in_proj_weight, out_proj.weight) are LibTorch's.
    t.python.module = [](const json &p, const std::vector<TensorType> &in) {
        return "nn.MultiheadAttention(" + std::to_string(in[0].shape[1]) + ", " + std::to_string(I(p, "num_heads"))
               + ", dropout=" + pyNumber(F(p, "dropout")) + ", batch_first=True)";
    };
    t.python.forward = [](const json &, const std::vector<TensorType> &, const std::string &self,
                          const std::vector<std::string> &x) {
        return self + "(" + x[0] + ", " + x[0] + ", " + x[0] + ", need_weights=False)[0]";
    };
    return t;
}

} // namespace torchwright::layers
