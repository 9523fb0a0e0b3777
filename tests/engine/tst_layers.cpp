// Shape inference per layer type through analyzeGraph() on small graphs Input -> Layer:
// output shapes, trainable parameter counts and multiply-adds, and the mismatches a person
// must be told about. The Input node's output is the sample shape given to analyzeGraph(), with
// its "dtype" ("float32"/"int64") and the sample's DType set alike. Parameter counts follow
// PyTorch's modules (LSTM/GRU have two bias vectors per layer and direction; MultiheadAttention
// has in_proj and out_proj with biases; BatchNorm counts only weight and bias). Multiply-adds
// are checked only for Linear and Conv2d: Linear = leading dims * in * out, Conv2d = Cout * Hout
// * Wout * (Cin / groups) * k * k. Layer-specific dims (Concat "dim", Softmax "dim") index the
// sample without the batch dim.
//
// The registry is also walked as a whole: the every-layer test graphs use every type, and every
// type has every form (shape rule, builder, TorchScript, ONNX, Python), checked on those graphs.

#include "testhelpers.h"

#include "model.h"

#include "torchwright/analysis.h"
#include "torchwright/diagnostics.h"
#include "torchwright/graph.h"
#include "torchwright/layers.h"
#include "torchwright/project.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <map>
#include <set>

using namespace torchwright;
using testhelpers::chainGraph;
using testhelpers::describe;
using testhelpers::parseShape;

namespace {

const qint64 kSkip = -1;

nlohmann::json jsonOf(const QString &text) { return nlohmann::json::parse(text.toStdString()); }

// The projects of tests/data/every_layer/, by file name.
std::map<std::string, Project> everyLayerProjects()
{
    std::map<std::string, Project> projects;
    const std::string dir = testhelpers::sourcePath("tests/data/every_layer");
    for (const auto &entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".json") {
            ProjectLoad load = loadProjectFile(entry.path().string());
            if (!load.ok())
                throw EngineError(load.diagnostics);
            projects[entry.path().filename().string()] = load.project;
        }
    return projects;
}

std::string joined(const std::set<std::string> &names)
{
    std::string s;
    for (const auto &n : names)
        s += (s.empty() ? "" : ", ") + n;
    return s;
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formatShapes();
    void registryHasEveryType();
    void everyLayerGraphsUseEveryType();
    void everyTypeHasEveryForm();
    void singleLayer_data();
    void singleLayer();
    void multiInput_data();
    void multiInput();
    void concatOfDifferentChannels();
    void paramsAreNormalized();
    void normalizeParamsReportsProblems();
    void linearMismatchNamesBothSizes();
    void addMismatchNamesBothShapes();
    void layerErrors_data();
    void layerErrors();
    void totalsAndEdgeTypes();
};

void TestLayers::formatShapes()
{
    QCOMPARE(formatShape({64, 14, 14}), std::string("64x14x14"));
    QCOMPARE(formatShape({3136}), std::string("3136"));
    QCOMPARE(elementCount({64, 7, 7}), int64_t(3136));
    QCOMPARE(std::string(dtypeName(DType::Int64)), std::string("int64"));
    QCOMPARE(std::string(dtypeName(DType::Float32)), std::string("float32"));
}

void TestLayers::registryHasEveryType()
{
    const auto &registry = LayerRegistry::instance();
    const char *names[] = {"Input",
                           "Linear",
                           "Conv2d",
                           "MaxPool2d",
                           "AvgPool2d",
                           "AdaptiveAvgPool2d",
                           "BatchNorm1d",
                           "BatchNorm2d",
                           "Dropout",
                           "Flatten",
                           "ReLU",
                           "LeakyReLU",
                           "GELU",
                           "Sigmoid",
                           "Tanh",
                           "Softmax",
                           "LogSoftmax",
                           "Add",
                           "Concat",
                           "Embedding",
                           "LSTM",
                           "GRU",
                           "MultiheadAttention"};
    for (const char *name : names)
        QVERIFY2(registry.find(name) != nullptr, name);
    QVERIFY(registry.find("NoSuchLayer") == nullptr);
    const LayerType *embedding = registry.find("Embedding");
    QVERIFY(embedding);
    QCOMPARE(int(embedding->inputDType), int(DType::Int64));
    const LayerType *add = registry.find("Add");
    QVERIFY(add && add->inputCount);
    QCOMPARE(add->inputCount(nlohmann::json{{"inputs", 3}}), 3);
}

void TestLayers::everyLayerGraphsUseEveryType()
{
    std::set<std::string> registered, used;
    for (const LayerType &type : LayerRegistry::instance().types())
        registered.insert(type.name);
    for (const auto &[file, project] : everyLayerProjects())
        for (const Node &n : project.graph.nodes)
            used.insert(n.type);
    std::set<std::string> unused, unknown;
    std::set_difference(registered.begin(), registered.end(), used.begin(), used.end(),
                        std::inserter(unused, unused.end()));
    std::set_difference(used.begin(), used.end(), registered.begin(), registered.end(),
                        std::inserter(unknown, unknown.end()));
    QVERIFY2(unused.empty(), ("no graph in tests/data/every_layer/ uses " + joined(unused)).c_str());
    QVERIFY2(unknown.empty(), ("tests/data/every_layer/ uses unregistered types " + joined(unknown)).c_str());
}

// Each type is built where the every-layer graphs use it first, with the inputs inferred there,
// and every form is asked for: the builder's module forward, TorchScript and ONNX emitters, and
// the Python form's module (where it has one) and forward expression.
void TestLayers::everyTypeHasEveryForm()
{
    struct Example {
        std::shared_ptr<GraphModelImpl> model;
        NodeId id;
        std::vector<TensorType> inputs;
    };
    std::map<std::string, Example> examples;
    for (const auto &[file, project] : everyLayerProjects()) {
        const TensorType sample{project.dataset.sampleShape, DType::Float32};
        auto model = std::make_shared<GraphModelImpl>(project.graph, sample);
        const GraphAnalysis &a = model->analysis();
        for (NodeId id : a.order) {
            const Node &n = *model->graph().node(id);
            if (examples.count(n.type))
                continue;
            std::vector<TensorType> in;
            if (id == a.inputNode)
                in.push_back(sample);
            for (const Edge &e : model->graph().inputsOf(id))
                in.push_back(*a.nodes.at(e.from.node.value).output);
            examples[n.type] = {model, id, in};
        }
    }
    std::vector<std::string> missing;
    for (const LayerType &type : LayerRegistry::instance().types()) {
        auto lacks = [&](const std::string &form) { missing.push_back(type.name + ": no " + form); };
        if (!type.inputCount)
            lacks("input count");
        if (!type.infer)
            lacks("shape rule (infer)");
        if (!type.build)
            lacks("builder (build)");
        if (!type.python.forward)
            lacks("Python form (python.forward)");
        auto it = examples.find(type.name);
        if (it == examples.end()) {
            lacks("example in tests/data/every_layer/ to build it on");
            continue;
        }
        const Example &ex = it->second;
        const Node &n = *ex.model->graph().node(ex.id);
        const BuiltLayer *built = ex.model->layer(ex.id);
        const std::vector<std::string> vars(ex.inputs.size(), "x"); // input variable names
        if (!built || !built->forward)
            lacks("module forward from its builder");
        if (built && !built->script)
            lacks("TorchScript form (script)");
        if (built && !built->onnx)
            lacks("ONNX form (onnx)");
        if (built && built->script && built->script({vars, "y", "self.n__"}).empty())
            lacks("TorchScript text");
        if (type.python.module && type.python.module(n.params, ex.inputs).empty())
            lacks("Python module text");
        if (type.python.forward && type.python.forward(n.params, ex.inputs, "self.n", vars).empty())
            lacks("Python forward text");
    }
    std::string all;
    for (const auto &m : missing)
        all += m + "\n";
    QVERIFY2(missing.empty(), all.c_str());
}

void TestLayers::singleLayer_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("int64");
    QTest::addColumn<QString>("output");
    QTest::addColumn<qint64>("parameters");
    QTest::addColumn<qint64>("multiplyAdds");

    auto row = [](const char *tag, const char *type, const char *params, const char *in, const char *out, qint64 p,
                  qint64 macs, bool int64 = false) {
        QTest::newRow(tag) << QString(type) << QString(params) << QString(in) << int64 << QString(out) << p << macs;
    };

    // Linear: params in*out+out, MACs in*out per leading position.
    row("linear inferred", "Linear", R"({"out_features": 10})", "64", "10", 650, 640);
    row("linear explicit no bias", "Linear", R"({"in_features": 64, "out_features": 10, "bias": false})", "64", "10",
        640, 640);
    row("linear leading dims", "Linear", R"({"out_features": 8})", "5x16", "5x8", 136, 5 * 16 * 8);

    // Conv2d: floor((H + 2p - d(k-1) - 1) / s) + 1.
    row("conv valid", "Conv2d", R"({"out_channels": 8, "kernel_size": 3})", "3x32x32", "8x30x30", 8 * 3 * 9 + 8,
        8 * 30 * 30 * 3 * 9);
    row("conv same", "Conv2d", R"({"out_channels": 8, "kernel_size": 3, "padding": 1})", "3x32x32", "8x32x32", 224,
        8 * 32 * 32 * 27);
    row("conv stride 2", "Conv2d", R"({"out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1})", "1x28x28",
        "4x14x14", 40, 4 * 14 * 14 * 9);
    row("conv dilation 2", "Conv2d", R"({"out_channels": 2, "kernel_size": 3, "dilation": 2})", "1x10x10", "2x6x6", 20,
        2 * 6 * 6 * 9);
    row("conv groups no bias", "Conv2d", R"({"out_channels": 4, "kernel_size": 1, "groups": 2, "bias": false})",
        "4x5x5", "4x5x5", 8, 4 * 25 * 2);
    row("conv explicit in_channels", "Conv2d", R"({"in_channels": 3, "out_channels": 6, "kernel_size": 5})", "3x32x32",
        "6x28x28", 456, 6 * 28 * 28 * 75);

    // Pooling: stride 0 means the kernel size.
    row("maxpool 2", "MaxPool2d", R"({"kernel_size": 2})", "64x28x28", "64x14x14", 0, kSkip);
    row("maxpool odd input", "MaxPool2d", R"({"kernel_size": 2})", "3x7x7", "3x3x3", 0, kSkip);
    row("maxpool stride padding", "MaxPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1})", "8x7x7", "8x4x4", 0,
        kSkip);
    row("avgpool stride 1", "AvgPool2d", R"({"kernel_size": 2, "stride": 1})", "2x5x5", "2x4x4", 0, kSkip);
    row("avgpool padding", "AvgPool2d", R"({"kernel_size": 3, "padding": 1})", "1x9x9", "1x3x3", 0, kSkip);
    row("adaptive 1", "AdaptiveAvgPool2d", R"({"output_size": 1})", "16x7x7", "16x1x1", 0, kSkip);
    row("adaptive 4", "AdaptiveAvgPool2d", R"({"output_size": 4})", "3x9x9", "3x4x4", 0, kSkip);

    // Normalisation: weight and bias per feature.
    row("batchnorm2d inferred", "BatchNorm2d", R"({})", "16x8x8", "16x8x8", 32, kSkip);
    // LayerNorm over the last dimension: a weight and a bias per feature.
    row("layernorm sequence", "LayerNorm", R"({})", "24x32", "24x32", 64, kSkip);
    row("layernorm vector", "LayerNorm", R"({"eps": 0.001})", "10", "10", 20, kSkip);
    // ConvTranspose2d: (H - 1) * s - 2p + k; weight in x out x k x k, MACs per input position.
    row("convtranspose upsample 2x", "ConvTranspose2d", R"({"out_channels": 16, "kernel_size": 2, "stride": 2})",
        "32x7x7", "16x14x14", 32 * 16 * 4 + 16, 7 * 7 * 32 * 16 * 4);
    row("convtranspose padded no bias", "ConvTranspose2d",
        R"({"out_channels": 1, "kernel_size": 3, "stride": 1, "padding": 1, "bias": false})", "4x5x5", "1x5x5", 36,
        5 * 5 * 36);
    row("batchnorm2d explicit", "BatchNorm2d", R"({"num_features": 16, "eps": 0.001, "momentum": 0.2})", "16x8x8",
        "16x8x8", 32, kSkip);
    row("batchnorm1d features", "BatchNorm1d", R"({})", "20", "20", 40, kSkip);
    row("batchnorm1d sequence", "BatchNorm1d", R"({})", "6x10", "6x10", 12, kSkip);

    // Shape-preserving and reshaping layers.
    row("dropout", "Dropout", R"({"p": 0.3})", "7x3", "7x3", 0, kSkip);
    row("flatten 3d", "Flatten", R"({})", "64x7x7", "3136", 0, kSkip);
    row("flatten 1d", "Flatten", R"({})", "10", "10", 0, kSkip);
    row("relu", "ReLU", R"({})", "3x4", "3x4", 0, kSkip);
    row("leaky relu", "LeakyReLU", R"({"negative_slope": 0.2})", "3x4", "3x4", 0, kSkip);
    row("gelu", "GELU", R"({})", "5", "5", 0, kSkip);
    row("sigmoid", "Sigmoid", R"({})", "2x3x4", "2x3x4", 0, kSkip);
    row("tanh", "Tanh", R"({})", "9", "9", 0, kSkip);
    row("softmax default", "Softmax", R"({})", "10", "10", 0, kSkip);
    row("softmax dim 0", "Softmax", R"({"dim": 0})", "4x5", "4x5", 0, kSkip);
    row("logsoftmax", "LogSoftmax", R"({"dim": -1})", "4x5", "4x5", 0, kSkip);

    // Sequences.
    row("embedding", "Embedding", R"({"num_embeddings": 100, "embedding_dim": 16})", "12", "12x16", 1600, kSkip, true);
    row("lstm", "LSTM", R"({"hidden_size": 32})", "10x8", "10x32", 4 * 32 * (8 + 32 + 2), kSkip);
    row("lstm explicit input", "LSTM", R"({"input_size": 8, "hidden_size": 4})", "3x8", "3x4", 4 * 4 * (8 + 4 + 2),
        kSkip);
    row("lstm bidirectional 2 layers last", "LSTM",
        R"({"hidden_size": 16, "num_layers": 2, "bidirectional": true,
            "return_sequences": false})",
        "5x4", "32", 2 * 4 * 16 * (4 + 16 + 2) + 2 * 4 * 16 * (32 + 16 + 2), kSkip);
    row("gru", "GRU", R"({"hidden_size": 12})", "7x6", "7x12", 3 * 12 * (6 + 12 + 2), kSkip);
    row("gru last", "GRU", R"({"hidden_size": 12, "return_sequences": false})", "7x6", "12", 3 * 12 * (6 + 12 + 2),
        kSkip);
    row("gru bidirectional", "GRU", R"({"hidden_size": 5, "bidirectional": true})", "4x3", "4x10",
        2 * 3 * 5 * (3 + 5 + 2), kSkip);
    row("attention", "MultiheadAttention", R"({"num_heads": 4})", "10x16", "10x16", 4 * 16 * 16 + 4 * 16, kSkip);
    row("attention dropout", "MultiheadAttention", R"({"num_heads": 2, "dropout": 0.1})", "3x8", "3x8",
        4 * 8 * 8 + 4 * 8, kSkip);
}

void TestLayers::singleLayer()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, input);
    QFETCH(bool, int64);
    QFETCH(QString, output);
    QFETCH(qint64, parameters);
    QFETCH(qint64, multiplyAdds);

    Graph g = chainGraph({{type.toStdString(), jsonOf(params)}}, int64 ? "int64" : "float32");
    const TensorType sample{parseShape(input), int64 ? DType::Int64 : DType::Float32};
    const GraphAnalysis a = analyzeGraph(g, sample);

    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QCOMPARE(a.inputNode.value, 1);
    QCOMPARE(a.outputNode.value, 2);
    QVERIFY(a.nodes.count(2) == 1);
    const NodeAnalysis &n = a.nodes.at(2);
    QVERIFY(n.ok);
    QVERIFY(n.output.has_value());
    QCOMPARE(QString::fromStdString(formatShape(n.output->shape)), output);
    QCOMPARE(int(n.output->dtype), int(DType::Float32));
    QCOMPARE(qint64(n.parameters), parameters);
    if (multiplyAdds != kSkip)
        QCOMPARE(qint64(n.multiplyAdds), multiplyAdds);
    QCOMPARE(qint64(a.totalParameters), parameters);
}

void TestLayers::multiInput_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<int>("ports");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");

    QTest::newRow("add default") << "Add"
                                 << "{}" << 2 << "3x4x4"
                                 << "3x4x4";
    QTest::newRow("add three") << "Add"
                               << R"({"inputs": 3})" << 3 << "16"
                               << "16";
    QTest::newRow("concat default") << "Concat"
                                    << "{}" << 2 << "3x4x4"
                                    << "6x4x4";
    QTest::newRow("concat dim 1") << "Concat"
                                  << R"({"dim": 1})" << 2 << "3x4x4"
                                  << "3x8x4";
    QTest::newRow("concat three") << "Concat"
                                  << R"({"inputs": 3, "dim": 0})" << 3 << "2x5"
                                  << "6x5";
}

void TestLayers::multiInput()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(int, ports);
    QFETCH(QString, input);
    QFETCH(QString, output);

    // The Input feeds every port of the layer.
    Graph g;
    g.nodes.push_back(testhelpers::makeNode(1, "Input", "input", {{"dtype", "float32"}}));
    g.nodes.push_back(testhelpers::makeNode(2, type.toStdString(), "merge", jsonOf(params)));
    for (int p = 0; p < ports; ++p)
        g.edges.push_back(testhelpers::makeEdge(1, 2, p));

    const GraphAnalysis a = analyzeGraph(g, TensorType{parseShape(input)});
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QCOMPARE(QString::fromStdString(formatShape(a.nodes.at(2).output->shape)), output);
    QCOMPARE(qint64(a.nodes.at(2).parameters), qint64(0));

    const LayerType *t = LayerRegistry::instance().find(type.toStdString());
    QVERIFY(t);
    QCOMPARE(t->inputCount(a.params.at(2)), ports); // its parameters with defaults filled
}

void TestLayers::concatOfDifferentChannels()
{
    // A skip connection: conv output (4x8x8) concatenated with the input (3x8x8).
    Graph g;
    g.nodes.push_back(testhelpers::makeNode(1, "Input", "input", {{"dtype", "float32"}}));
    g.nodes.push_back(
        testhelpers::makeNode(2, "Conv2d", "conv", {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}}));
    g.nodes.push_back(testhelpers::makeNode(3, "Concat", "cat"));
    g.edges.push_back(testhelpers::makeEdge(1, 2));
    g.edges.push_back(testhelpers::makeEdge(2, 3, 0));
    g.edges.push_back(testhelpers::makeEdge(1, 3, 1));

    const GraphAnalysis a = analyzeGraph(g, TensorType{{3, 8, 8}});
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QCOMPARE(formatShape(a.nodes.at(3).output->shape), std::string("7x8x8"));
    QCOMPARE(a.outputNode.value, 3);
}

void TestLayers::paramsAreNormalized()
{
    Graph g = chainGraph({{"MaxPool2d", {{"kernel_size", 2}}}, {"Flatten", {}}, {"Linear", {{"out_features", 3}}}});
    const GraphAnalysis a = analyzeGraph(g, TensorType{{1, 4, 4}});
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    // The analysis carries the parameters with defaults filled; written back into the graph,
    // the serializer writes every key.
    QVERIFY(!g.nodes[1].params.contains("stride"));
    a.normalize(g);
    QVERIFY(g.nodes[1].params.contains("stride"));
    QVERIFY(g.nodes[1].params.contains("padding"));
    QVERIFY(g.nodes[3].params.contains("in_features"));
    QVERIFY(g.nodes[3].params.contains("bias"));
    QCOMPARE(g.nodes[3].params["bias"].get<bool>(), true);
    QCOMPARE(g.nodes[3].params["out_features"].get<int>(), 3);
}

void TestLayers::normalizeParamsReportsProblems()
{
    const auto &registry = LayerRegistry::instance();
    const LayerType *linear = registry.find("Linear");
    QVERIFY(linear);

    Diagnostics ok;
    const nlohmann::json filled = registry.normalizeParams(*linear, {{"out_features", 5}}, "/p", ok, 7);
    QVERIFY2(!ok.hasErrors(), describe(ok).constData());
    QCOMPARE(filled["out_features"].get<int>(), 5);
    QVERIFY(filled.contains("bias"));
    QVERIFY(filled.contains("in_features"));

    Diagnostics bad;
    registry.normalizeParams(*linear, {{"out_features", -4}, {"colour", "red"}}, "/p", bad, 7);
    QVERIFY2(bad.errorCount() >= 2, describe(bad).constData());
    bool sawRange = false;
    bool sawUnknown = false;
    for (const Diagnostic &d : bad.items()) {
        QCOMPARE(d.nodeId, 7);
        if (d.where == "/p/out_features" && d.message.find("-4") != std::string::npos)
            sawRange = true;
        if (d.where == "/p/colour" || d.message.find("colour") != std::string::npos)
            sawUnknown = true;
    }
    QVERIFY2(sawRange, describe(bad).constData());
    QVERIFY2(sawUnknown, describe(bad).constData());

    // A required parameter that is missing is named.
    Diagnostics missing;
    registry.normalizeParams(*linear, nlohmann::json::object(), "/p", missing, 7);
    QVERIFY2(missing.hasErrors(), describe(missing).constData());
    QVERIFY(testhelpers::findError(missing, {"out_features"}) || missing.items().front().where == "/p/out_features");
}

void TestLayers::linearMismatchNamesBothSizes()
{
    // The article's CNN: 64x32x32 flattened is 65536 features, the Linear expects 2304.
    Graph g = chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 2304}, {"out_features", 128}}}});
    const GraphAnalysis a = analyzeGraph(g, TensorType{{64, 32, 32}});
    QVERIFY(!a.ok());
    const Diagnostic *d = testhelpers::findError(a.diagnostics, {"65536", "2304"});
    QVERIFY2(d, describe(a.diagnostics).constData());
    QCOMPARE(d->nodeId, 3);
    QCOMPARE(formatShape(a.nodes.at(2).output->shape), std::string("65536"));
    QVERIFY(!a.nodes.at(3).ok);
}

void TestLayers::addMismatchNamesBothShapes()
{
    Graph g;
    g.nodes.push_back(testhelpers::makeNode(1, "Input", "input", {{"dtype", "float32"}}));
    g.nodes.push_back(
        testhelpers::makeNode(2, "Conv2d", "conv", {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}}));
    g.nodes.push_back(testhelpers::makeNode(3, "Add", "sum"));
    g.edges.push_back(testhelpers::makeEdge(1, 2));
    g.edges.push_back(testhelpers::makeEdge(2, 3, 0));
    g.edges.push_back(testhelpers::makeEdge(1, 3, 1));

    const GraphAnalysis a = analyzeGraph(g, TensorType{{3, 8, 8}});
    QVERIFY(!a.ok());
    const Diagnostic *d = testhelpers::findError(a.diagnostics, {"4x8x8", "3x8x8"});
    QVERIFY2(d, describe(a.diagnostics).constData());
    QCOMPARE(d->nodeId, 3);
}

void TestLayers::layerErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("int64");
    // ','-separated, each required; each a '|'-separated list of alternatives; case-insensitive
    QTest::addColumn<QString>("mentions");

    QTest::newRow("embedding fed float32") << "Embedding"
                                           << R"({"num_embeddings": 10, "embedding_dim": 4})"
                                           << "6" << false << "int64";
    QTest::newRow("attention heads do not divide") << "MultiheadAttention"
                                                   << R"({"num_heads": 3})"
                                                   << "10x16" << false << "3|16";
    QTest::newRow("conv in_channels mismatch") << "Conv2d"
                                               << R"({"in_channels": 3, "out_channels": 8, "kernel_size": 3})"
                                               << "1x28x28" << false << "3";
    QTest::newRow("conv kernel larger than input") << "Conv2d"
                                                   << R"({"out_channels": 2, "kernel_size": 5})"
                                                   << "1x3x3" << false << "5|3x3";
    QTest::newRow("conv fed a vector") << "Conv2d"
                                       << R"({"out_channels": 2, "kernel_size": 1})"
                                       << "16" << false << "16";
    QTest::newRow("convtranspose fed a vector") << "ConvTranspose2d"
                                                << R"({"out_channels": 2, "kernel_size": 2})"
                                                << "16" << false << "CxHxW";
    QTest::newRow("convtranspose padding leaves nothing") << "ConvTranspose2d"
                                                          << R"({"out_channels": 2, "kernel_size": 1, "padding": 3})"
                                                          << "1x2x2" << false << "leaves no output";
    QTest::newRow("lstm fed a vector") << "LSTM"
                                       << R"({"hidden_size": 4})"
                                       << "16" << false << "16";
    // Sizes whose arithmetic would wrap (2^63 - 1, 2^64 - 1 read as unsigned, products of in-range
    // sizes) and negative sizes: refused naming the layer and the value, instead of wrapping to a
    // negative count that a later division by zero turns into SIGFPE.
    QTest::newRow("lstm hidden_size 2^63-1") << "LSTM"
                                             << R"({"hidden_size": 9223372036854775807})"
                                             << "10x8" << false << "'lstm2',hidden_size,9223372036854775807";
    QTest::newRow("lstm hidden_size 2^64-1 (unsigned)")
        << "LSTM"
        << R"({"hidden_size": 18446744073709551615})"
        << "10x8" << false << "'lstm2',hidden_size,18446744073709551615";
    QTest::newRow("gru hidden_size 2^63") << "GRU"
                                          << R"({"hidden_size": 9223372036854775808})"
                                          << "10x8" << false << "'gru2',hidden_size,9223372036854775808";
    QTest::newRow("lstm weight beyond the largest tensor")
        << "LSTM"
        << R"({"hidden_size": 16777216})"
        << "10x8" << false << "'lstm2',hidden_size 16777216,1099511627776";
    QTest::newRow("linear in and out features of 2^63-1")
        << "Linear"
        << R"({"in_features": 9223372036854775807, "out_features": 9223372036854775807})"
        << "16" << false << "'linear2',features,9223372036854775807";
    QTest::newRow("linear weight beyond the largest tensor")
        << "Linear"
        << R"({"out_features": 16777216})"
        << "16777216" << false << "'linear2',16777216x16777216,1099511627776";
    QTest::newRow("conv negative in_channels") << "Conv2d"
                                               << R"({"in_channels": -3, "out_channels": 2, "kernel_size": 1})"
                                               << "1x4x4" << false << "'conv2d2',in_channels,-3";
    QTest::newRow("conv negative padding") << "Conv2d"
                                           << R"({"out_channels": 2, "kernel_size": 1, "padding": -1})"
                                           << "1x4x4" << false << "'conv2d2',padding,-1";
    QTest::newRow("pool negative padding") << "MaxPool2d"
                                           << R"({"kernel_size": 2, "padding": -5})"
                                           << "1x4x4" << false << "'maxpool2d2',padding,-5";
    QTest::newRow("embedding table beyond the largest tensor")
        << "Embedding"
        << R"({"num_embeddings": 16777216, "embedding_dim": 16777216})"
        << "6" << true << "'embedding2',16777216x16777216,1099511627776";
    QTest::newRow("pool output beyond the largest tensor")
        << "AdaptiveAvgPool2d"
        << R"({"output_size": 16777216})"
        << "1024x4x4" << false << "'adaptiveavgpool2d2',1024x16777216x16777216,1099511627776";
    QTest::newRow("attention weight overflows int64")
        << "MultiheadAttention"
        << R"({"num_heads": 1})"
        << "1x1099511627776" << false << "'multiheadattention2',in_proj_weight,9223372036854775807";
    QTest::newRow("softmax dim of -2^63") << "Softmax"
                                          << R"({"dim": -9223372036854775808})"
                                          << "10" << false << "'softmax2',dim,-9223372036854775808";
}

void TestLayers::layerErrors()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, input);
    QFETCH(bool, int64);
    QFETCH(QString, mentions);

    Graph g = chainGraph({{type.toStdString(), jsonOf(params)}}, int64 ? "int64" : "float32");
    const GraphAnalysis a = analyzeGraph(g, TensorType{parseShape(input), int64 ? DType::Int64 : DType::Float32});
    QVERIFY(!a.ok());
    bool found = false;
    for (const Diagnostic &d : a.diagnostics.items()) {
        bool all = d.severity == Severity::Error && d.nodeId == 2;
        for (const QString &m : mentions.split(QLatin1Char(',')))
            all = all && testhelpers::containsAnyCI(d.message, m.toStdString());
        found = found || all;
    }
    QVERIFY2(found, describe(a.diagnostics).constData());
    QVERIFY(!a.nodes.count(2) || !a.nodes.at(2).ok);
}

void TestLayers::totalsAndEdgeTypes()
{
    Graph g = chainGraph({{"Conv2d", {{"out_channels", 32}, {"kernel_size", 3}, {"padding", 1}}},
                          {"ReLU", {}},
                          {"MaxPool2d", {{"kernel_size", 2}}},
                          {"Flatten", {}},
                          {"Linear", {{"out_features", 10}}}});
    const GraphAnalysis a = analyzeGraph(g, TensorType{{1, 28, 28}});
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QCOMPARE(a.order.size(), size_t(6));
    QCOMPARE(a.order.front().value, 1);
    QCOMPARE(a.order.back().value, 6);
    QCOMPARE(qint64(a.totalParameters), qint64(320 + 32 * 14 * 14 * 10 + 10));
    // Conv and Linear multiply-adds; whatever the engine counts for ReLU and pooling adds on.
    QVERIFY(a.totalMultiplyAdds >= 32 * 28 * 28 * 9 + 6272 * 10);

    const auto t = a.edgeType(g.edges[3]); // pool -> flatten
    QVERIFY(t.has_value());
    QCOMPARE(formatShape(t->shape), std::string("32x14x14"));
    QCOMPARE(formatShape(a.edgeType(g.edges[4])->shape), std::string("6272"));
}

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
