// TorchScript export: a torch::jit::Module holding the trained weights as parameters and
// buffers, with a forward generated from the layer graph in eval mode. Loads with
// torch.jit.load in Python and torch::jit::load in C++.

#include "checkpoint.h"
#include "fileutil.h"
#include "torchwright/exports.h"
#include "torchwright/runs.h"

#include <ATen/CPUGeneratorImpl.h>

#include <torch/script.h>

#include <sstream>

namespace torchwright {

namespace {

// "out_proj.weight" of layer "attn" -> "attn__out_proj__weight": the ScriptContext::self
// convention of builtlayer.h, one flat attribute per tensor.
std::string attributeName(const std::string &node, std::string local)
{
    for (size_t i = 0; (i = local.find('.', i)) != std::string::npos;)
        local.replace(i, 1, "__");
    return node + "__" + local;
}

std::string indent(const std::string &code)
{
    std::string r = "    ";
    for (char c : code) {
        r += c;
        if (c == '\n')
            r += "    ";
    }
    return r + "\n";
}

} // namespace

torch::jit::Module buildScriptModule(GraphModelImpl &model)
{
    torch::jit::Module m("torchwright.Model");
    std::string code = "def forward(self, x):\n";
    const Graph &g = model.graph();
    std::map<int, std::string> var;
    auto params = model.named_parameters(true);
    auto buffers = model.named_buffers(true);
    for (NodeId id : model.analysis().order) {
        const Node &n = *g.node(id);
        const BuiltLayer *layer = model.layer(id);
        if (!layer || !layer->script)
            throw EngineError(Message::tr("layer '%1' (%2) cannot be exported to TorchScript", n.name, n.type));
        // Register this layer's tensors under flat attribute names, as the emitters expect.
        const std::string prefix = n.name + ".";
        for (const auto &p : params)
            if (p.key().rfind(prefix, 0) == 0)
                m.register_parameter(attributeName(n.name, p.key().substr(prefix.size())), p.value().detach().clone(),
                                     false);
        for (const auto &b : buffers)
            if (b.key().rfind(prefix, 0) == 0)
                m.register_buffer(attributeName(n.name, b.key().substr(prefix.size())), b.value().detach().clone());
        ScriptContext c;
        c.output = "v_" + n.name;
        c.self = "self." + attributeName(n.name, "");
        if (n.type == "Input")
            c.inputs.push_back("x");
        for (const Edge &e : g.inputsOf(id))
            c.inputs.push_back(var.at(e.from.node.value));
        code += indent(layer->script(c));
        var[id.value] = c.output;
    }
    code += "    return " + var.at(model.analysis().outputNode.value) + "\n";
    try {
        m.define(code);
    } catch (const c10::Error &e) {
        throw EngineError("TorchScript generation failed (a bug in Torchwright): "
                          + std::string(e.what_without_backtrace()) + "\n" + code);
    }
    m.eval();
    return m;
}

torch::Tensor exampleBatch(GraphModelImpl &model, const Project &project, int64_t n)
{
    Shape shape = project.dataset.sampleShape;
    shape.insert(shape.begin(), n);
    auto gen = at::detail::createCPUGenerator(12345);
    const Node *input = model.graph().node(model.analysis().inputNode);
    if (input && input->params.value("dtype", "float32") == "int64") {
        int64_t vocab = 2;
        bool any = false;
        for (const Node &node : model.graph().nodes)
            if (node.type == "Embedding") {
                const int64_t v = node.params.value("num_embeddings", int64_t(2));
                vocab = any ? std::min(vocab, v) : v;
                any = true;
            }
        return torch::randint(0, vocab, shape, gen, torch::kInt64);
    }
    return torch::randn(shape, gen);
}

void checkAgainstEngine(GraphModelImpl &model, const Project &project, torch::jit::Module &exported,
                        const std::string &what)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.is_training();
    model.eval();
    const torch::Tensor x = exampleBatch(model, project, 4);
    const torch::Tensor expected = model.forward(x).to(torch::kCPU);
    model.train(wasTraining);
    const torch::Tensor actual = exported.forward({x}).toTensor();
    if (actual.sizes() != expected.sizes())
        throw EngineError(
            Message::tr("%1: the exported model gives %2 where the engine gives %3 (a bug in Torchwright)", what,
                        formatShape(Shape(actual.sizes().begin(), actual.sizes().end())),
                        formatShape(Shape(expected.sizes().begin(), expected.sizes().end()))));
    const double diff = (actual - expected).abs().max().item<double>();
    const double scale = std::max(1.0, expected.abs().max().item<double>());
    if (!(diff <= 1e-5 * scale))
        throw EngineError(Message::tr("%1: the exported model differs from the engine by up to %2 on a test batch (a "
                                      "bug in Torchwright)",
                                      what, std::to_string(diff)));
}

void exportTorchScript(const std::string &runDir, const std::string &outFile, const std::string &checkpoint)
{
    LoadedRun run = loadRun(runDir, checkpoint, torch::kCPU);
    torch::jit::Module m = buildScriptModule(*run.model);
    // What a program needs to feed the model raw data, beside it in the archive: read in Python
    // with torch.jit.load(f, _extra_files={"torchwright.json": ""}).
    const auto &ds = run.project.dataset;
    const nlohmann::json meta = {{"class_names", ds.classNames},
                                 {"input_shape", ds.sampleShape},
                                 {"preprocessing", runPreprocessing(runDir, run.project)},
                                 {"project", run.project.name},
                                 {"run", folderName(runDir)}};
    torch::jit::ExtraFilesMap extra{{"torchwright.json", meta.dump()}};
    // Serialised in memory and written with checked writes: LibTorch's file writer aborts the
    // process when a write fails (a full disk).
    std::ostringstream out;
    m.save(out, extra);
    const std::string bytes = out.str();
    // What is written, read back the way a user's program reads it.
    std::istringstream in(bytes);
    torch::jit::Module loaded = torch::jit::load(in, torch::kCPU);
    checkAgainstEngine(*run.model, run.project, loaded, outFile);
    writeBytesAtomically(outFile, bytes);
}

} // namespace torchwright
