// ONNX export with ONNX's own C++ library: each layer's emitter (engine/src/layers/) writes its nodes
// through an OnnxContext; weights become initializers under the engine's names ("conv1.weight"),
// the batch dimension stays symbolic, and the class names and the normalization travel as
// metadata. The model must pass onnx::checker and strict shape inference, and the inferred
// output shape must equal the engine's, before anything is written.

#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"

#include "builtlayer.h"
#include "checkpoint.h"
#include "fileutil.h"
#include "model.h"
#include "onnxconstants.h"
#include "onnxmodel.h"
#include "torchwright/diagnostics.h"
#include "torchwright/runtime.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#if TORCHWRIGHT_HAVE_ONNX
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#endif

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace torchwright {

#if TORCHWRIGHT_HAVE_ONNX

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

static_assert(kOnnxIrVersion <= onnx::IR_VERSION, "the ONNX library is older than the IR version written");

void fillTensor(onnx::TensorProto &t, const std::string &name, const torch::Tensor &value)
{
    torch::Tensor v = value.detach().to(torch::kCPU).contiguous();
    if (v.scalar_type() != torch::kInt64)
        v = v.to(torch::kFloat32);
    t.set_name(name);
    for (int64_t d : v.sizes())
        t.add_dims(d);
    t.set_data_type(v.scalar_type() == torch::kInt64 ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT);
    // raw_data is little-endian, as the tensors are on every machine LibTorch runs on.
    t.set_raw_data(std::string(static_cast<const char *>(v.data_ptr()), v.nbytes()));
}

void setType(onnx::ValueInfoProto &v, const std::string &name, int32_t elemType, const Shape &sample)
{
    v.set_name(name);
    auto *tensor = v.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(elemType);
    auto *shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("batch");
    for (int64_t d : sample)
        shape->add_dim()->set_dim_value(d);
}

// The graph under construction, seen by one layer at a time.
class GraphBuilder final : public OnnxContext {
public:
    GraphBuilder(onnx::GraphProto &graph, std::map<std::string, torch::Tensor> tensors)
        : m_graph(graph), m_tensors(std::move(tensors))
    {
    }

    void beginLayer(const std::string &name) { m_layer = name; }

    std::string weight(const std::string &local) override
    {
        const std::string name = m_layer + "." + local;
        if (m_initializers.insert(name).second)
            fillTensor(*m_graph.add_initializer(), name, weightValue(local));
        return name;
    }

    torch::Tensor weightValue(const std::string &local) override
    {
        auto it = m_tensors.find(m_layer + "." + local);
        if (it == m_tensors.end())
            throw std::invalid_argument("its tensor '" + local + "' is missing from the checkpoint");
        return it->second;
    }

    std::string constant(const std::string &hint, const torch::Tensor &value) override
    {
        const std::string name = unique(m_layer + "/" + hint);
        m_initializers.insert(name);
        fillTensor(*m_graph.add_initializer(), name, value);
        return name;
    }

    std::vector<std::string> nodes(const std::string &op, const std::vector<std::string> &inputs,
                                   const std::vector<OnnxAttribute> &attributes, int outputs) override
    {
        onnx::NodeProto *n = m_graph.add_node();
        const std::string name = unique(m_layer + "/" + op);
        n->set_name(name);
        n->set_op_type(op);
        for (const auto &i : inputs)
            n->add_input(i);
        std::vector<std::string> out;
        for (int i = 0; i < outputs; ++i) {
            out.push_back(outputs == 1 ? name : name + ":" + std::to_string(i));
            n->add_output(out.back());
        }
        for (const auto &a : attributes) {
            onnx::AttributeProto *p = n->add_attribute();
            p->set_name(a.name);
            switch (a.kind) {
            case OnnxAttribute::Kind::Int:
                p->set_type(onnx::AttributeProto::INT);
                p->set_i(a.i);
                break;
            case OnnxAttribute::Kind::Float:
                p->set_type(onnx::AttributeProto::FLOAT);
                p->set_f(float(a.f));
                break;
            case OnnxAttribute::Kind::Ints:
                p->set_type(onnx::AttributeProto::INTS);
                for (int64_t v : a.ints)
                    p->add_ints(v);
                break;
            case OnnxAttribute::Kind::String:
                p->set_type(onnx::AttributeProto::STRING);
                p->set_s(a.s);
                break;
            }
        }
        return out;
    }

private:
    std::string unique(const std::string &base) { return uniqueName(m_used, base); }

    onnx::GraphProto &m_graph;
    std::map<std::string, torch::Tensor> m_tensors;
    std::set<std::string> m_initializers;
    std::set<std::string> m_used;
    std::string m_layer;
};

Message cannotExport(const Node &n)
{
    return Message::tr("layer '%1' (%2) cannot be exported to ONNX", n.name, n.type);
}

} // namespace

OnnxModel buildOnnxModel(LoadedRun &run, const std::string &runDir)
{
    const Normalization norm = runNormalization(runDir, run.project);
    GraphModelImpl &model = *run.model;
    const Graph &g = model.graph();
    const GraphAnalysis &an = model.analysis();

    OnnxModel result;
    onnx::ModelProto &m = result.proto;
    m.set_ir_version(kOnnxIrVersion);
    m.set_producer_name(kOnnxProducer);
    m.set_producer_version(engineVersion());
    m.set_model_version(1);
    m.set_doc_string("Exported by Torchwright from the project '" + run.project.name + "'.");
    auto *opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);

    onnx::GraphProto &graph = *m.mutable_graph();
    graph.set_name(run.project.name.empty() ? "torchwright" : run.project.name);

    std::map<std::string, torch::Tensor> tensors;
    for (const auto &p : model.named_parameters(true))
        tensors[p.key()] = p.value();
    for (const auto &b : model.named_buffers(true))
        tensors[b.key()] = b.value();
    GraphBuilder builder(graph, std::move(tensors));

    const Node &inputNode = *g.node(an.inputNode);
    const bool intInput = inputNode.params.value("dtype", "float32") == "int64";
    setType(*graph.add_input(), "input", intInput ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT,
            run.project.dataset.sampleShape);

    if (Message why = onnxUnavailableReason(&model); !why.empty())
        throw EngineError(why);
    std::map<int, std::string> produced;
    for (NodeId id : an.order) {
        const Node &n = *g.node(id);
        const BuiltLayer *layer = model.layer(id);
        const Message what = cannotExport(n);
        builder.beginLayer(n.name);
        builder.inputs.clear();
        builder.inputShapes.clear();
        if (n.type == "Input") {
            builder.inputs.push_back("input");
            builder.inputShapes.push_back(run.project.dataset.sampleShape);
        }
        for (const Edge &e : g.inputsOf(id)) {
            builder.inputs.push_back(produced.at(e.from.node.value));
            builder.inputShapes.push_back(an.nodes.at(e.from.node.value).output->shape);
        }
        builder.outputShape = an.nodes.at(id.value).output->shape;
        try {
            produced[id.value] = layer->onnx(builder);
        } catch (const std::invalid_argument &e) {
            throw EngineError(Message::tr("%1: %2", what, e.what()));
        }
    }
    builder.beginLayer("output");
    const Shape outShape = an.nodes.at(an.outputNode.value).output->shape;
    onnx::NodeProto *out = graph.add_node();
    out->set_name("output");
    out->set_op_type("Identity");
    out->add_input(produced.at(an.outputNode.value));
    out->add_output("logits");
    setType(*graph.add_output(), "logits", onnx::TensorProto::FLOAT, outShape);

    auto meta = [&](const std::string &key, const std::string &value) {
        auto *p = m.add_metadata_props();
        p->set_key(key);
        p->set_value(value);
    };
    const auto &ds = run.project.dataset;
    meta("torchwright.class_names", json(ds.classNames).dump());
    // Inputs are raw values * scale, then (x - mean[c]) / std[c] per channel.
    const double scale = datasetFormat(run.project).scale(intInput ? DType::Int64 : DType::Float32);
    json n = {{"scale", scale}, {"mean", norm.mean}, {"std", norm.std}};
    meta("torchwright.normalization", n.dump());
    // The whole record: the format's image or table handling and the augmentation trained with.
    meta("torchwright.preprocessing", runPreprocessing(runDir, run.project).dump());
    meta("torchwright.input_shape", json(ds.sampleShape).dump());
    meta("torchwright.input_dtype", intInput ? "int64" : "float32");
    meta("torchwright.project", run.project.name);
    meta("torchwright.run", folderName(runDir));
    meta("torchwright.checkpoint", fs::path(run.checkpoint).filename().string());
    result.nodeOutputs = std::move(produced);
    result.outputShape = outShape;
    return result;
}

std::string uniqueName(std::set<std::string> &used, const std::string &base)
{
    std::string name = base;
    for (int k = 2; used.count(name); ++k)
        name = base + "_" + std::to_string(k);
    used.insert(name);
    return name;
}

void verifyOnnxModel(onnx::ModelProto m, const Shape &expected)
{
    try {
        onnx::checker::check_model(m);
        onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(true, 1, false));
    } catch (const std::exception &e) {
        throw EngineError(Message::tr("the ONNX model failed ONNX's checker (a bug in Torchwright): %1", e.what()));
    }
    for (const auto &v : m.graph().output()) {
        const auto &shape = v.type().tensor_type().shape();
        Shape got;
        for (int i = 1; i < shape.dim_size(); ++i)
            got.push_back(shape.dim(i).has_dim_value() ? shape.dim(i).dim_value() : -1);
        if (got != expected)
            throw EngineError(Message::tr("the ONNX model's output is %1 per sample, the engine's %2 (a bug in "
                                          "Torchwright)",
                                          formatShape(got), formatShape(expected)));
    }
}

void writeOnnxModel(const onnx::ModelProto &m, const std::string &outFile)
{
    std::string bytes;
    if (!m.SerializeToString(&bytes))
        throw EngineError(Message::tr("%1: the ONNX model could not be serialised (over 2 GB?)", outFile));
    writeBytesAtomically(outFile, bytes); // a failed write is a WriteError, never "ONNX unavailable"
}

Message onnxUnavailableReason(const GraphModelImpl *model)
{
    if (!model)
        return {};
    for (NodeId id : model->analysis().order) {
        const BuiltLayer *layer = model->layer(id);
        if (!layer || !layer->onnx)
            return Message::tr("%1: it has no ONNX form", cannotExport(*model->graph().node(id)));
    }
    return {};
}

void exportOnnx(const std::string &runDir, const std::string &outFile, const std::string &checkpoint)
{
    LoadedRun run = loadRun(runDir, checkpoint, torch::kCPU);
    writeOnnxFile(run, runDir, outFile);
}

void writeOnnxFile(LoadedRun &run, const std::string &runDir, const std::string &outFile)
{
    const OnnxModel m = buildOnnxModel(run, runDir);
    verifyOnnxModel(m.proto, m.outputShape);
    writeOnnxModel(m.proto, outFile);
}

#else

namespace {
[[noreturn]] void noOnnx() { throw EngineError(onnxUnavailableReason(nullptr)); }
} // namespace

Message onnxUnavailableReason(const GraphModelImpl *)
{
    return Message::tr("this build of Torchwright has no ONNX export: ONNX's C++ library (libonnx-dev) was not found "
                       "when it was configured");
}

void exportOnnx(const std::string &, const std::string &, const std::string &) { noOnnx(); }
void writeOnnxFile(LoadedRun &, const std::string &, const std::string &) { noOnnx(); }

#endif

} // namespace torchwright
