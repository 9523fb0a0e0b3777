// GraphModel: a layer graph built as one torch::nn::Module computes what the same layers
// written by hand compute, registers every parameter under its node's name, moves with to(),
// runs graphs with skip connections, and refuses graphs that do not check. The layers are
// registered in topological order, so parameters() come in the order of a torch::nn::Sequential
// of the same layers; forward() takes a batch [N, ...sample shape] and returns
// [N, ...output shape]; Concat's "dim" indexes the sample (0 = channels for images).

#include "checkpoint.h"
#include "model.h"
#include "testhelpers.h"
#include "torchhelpers.h"

#include "torchwright/analysis.h"
#include "torchwright/diagnostics.h"
#include "torchwright/graph.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <set>
#include <string>

using namespace torchwright;
using testhelpers::chainGraph;
using testhelpers::makeEdge;
using testhelpers::makeNode;
using testhelpers::parseShape;

namespace {

// Input(1x8x8) -> Conv2d(4, 3, pad 1) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(10), with
// the node names used by the named-parameter checks.
Graph smallCnn()
{
    Graph g;
    g.nodes.push_back(makeNode(1, "Input", "input", {{"dtype", "float32"}}));
    g.nodes.push_back(makeNode(2, "Conv2d", "conv1", {{"out_channels", 4}, {"kernel_size", 3}, {"padding", 1}}));
    g.nodes.push_back(makeNode(3, "ReLU", "relu1"));
    g.nodes.push_back(makeNode(4, "MaxPool2d", "pool1", {{"kernel_size", 2}}));
    g.nodes.push_back(makeNode(5, "Flatten", "flatten"));
    g.nodes.push_back(makeNode(6, "Linear", "fc", {{"out_features", 10}}));
    for (int id = 1; id < 6; ++id)
        g.edges.push_back(makeEdge(id, id + 1));
    return g;
}

int64_t parameterCount(torch::nn::Module &m)
{
    int64_t n = 0;
    for (const auto &p : m.parameters())
        n += p.numel();
    return n;
}

} // namespace

Q_DECLARE_METATYPE(torchwright::Edge)

class TestModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesHandWrittenSequential();
    void parametersAreNamedByNodes();
    void movesToDouble();
    void skipConnections();
    void refusesGraphThatDoesNotCheck();
    void analysisLeavesItsInputUnchanged();
    void edgeRuleNamesEachRefusal_data();
    void edgeRuleNamesEachRefusal();
    void analysisReportsWhatTheEdgeRuleRefuses();
    void builtLayersMatchInference_data();
    void builtLayersMatchInference();
    void scriptedModelMatchesEngine_data();
    void scriptedModelMatchesEngine();
};

void TestModel::initTestCase()
{
    torch::manual_seed(1234);
    torch::set_num_threads(1);
}

void TestModel::matchesHandWrittenSequential()
{
    GraphModel model(smallCnn(), TensorType{{1, 8, 8}});
    torch::nn::Sequential reference(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1)), torch::nn::ReLU(),
                                    torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
                                    torch::nn::Linear(4 * 4 * 4, 10));

    auto ours = model->parameters();
    auto theirs = reference->parameters();
    QCOMPARE(ours.size(), theirs.size());
    {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < ours.size(); ++i) {
            QCOMPARE(ours[i].sizes().vec(), theirs[i].sizes().vec());
            theirs[i].copy_(ours[i]);
        }
    }
    model->eval();
    reference->eval();

    const torch::Tensor x = torch::randn({5, 1, 8, 8});
    const torch::Tensor a = model->forward(x);
    const torch::Tensor b = reference->forward(x);
    QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{5, 10}));
    QVERIFY(torch::allclose(a, b, /*rtol=*/0.0, /*atol=*/1e-6));
    QCOMPARE(parameterCount(*model), model->analysis().totalParameters);
}

void TestModel::parametersAreNamedByNodes()
{
    GraphModel model(smallCnn(), TensorType{{1, 8, 8}});
    std::set<std::string> names;
    for (const auto &item : model->named_parameters())
        names.insert(item.key());
    const std::set<std::string> expected = {"conv1.weight", "conv1.bias", "fc.weight", "fc.bias"};
    QCOMPARE(names, expected);
    QCOMPARE(model->named_parameters()["fc.weight"].sizes().vec(), (std::vector<int64_t>{10, 64}));
    QVERIFY(model->layer(NodeId{2}) != nullptr);
    QVERIFY(model->layer(NodeId{2})->module != nullptr);
    QCOMPARE(model->graph().nodes.size(), size_t(6));
    QCOMPARE(formatShape(model->analysis().nodes.at(5).output->shape), std::string("64"));
}

void TestModel::movesToDouble()
{
    GraphModel model(smallCnn(), TensorType{{1, 8, 8}});
    model->to(torch::kDouble);
    for (const auto &p : model->parameters())
        QCOMPARE(p.scalar_type(), torch::kDouble);
    const torch::Tensor y = model->forward(torch::randn({2, 1, 8, 8}, torch::kDouble));
    QCOMPARE(y.scalar_type(), torch::kDouble);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 10}));
}

void TestModel::skipConnections()
{
    // input(3x8x8) -> conv(3) -> relu -> add(relu, input) -> concat(add, input) -> flatten -> fc
    Graph g;
    g.nodes.push_back(makeNode(1, "Input", "input", {{"dtype", "float32"}}));
    g.nodes.push_back(makeNode(2, "Conv2d", "conv", {{"out_channels", 3}, {"kernel_size", 3}, {"padding", 1}}));
    g.nodes.push_back(makeNode(3, "ReLU", "relu"));
    g.nodes.push_back(makeNode(4, "Add", "add"));
    g.nodes.push_back(makeNode(5, "Concat", "cat"));
    g.nodes.push_back(makeNode(6, "Flatten", "flatten"));
    g.nodes.push_back(makeNode(7, "Linear", "fc", {{"out_features", 5}}));
    g.edges.push_back(makeEdge(1, 2));
    g.edges.push_back(makeEdge(2, 3));
    g.edges.push_back(makeEdge(3, 4, 0));
    g.edges.push_back(makeEdge(1, 4, 1));
    g.edges.push_back(makeEdge(4, 5, 0));
    g.edges.push_back(makeEdge(1, 5, 1));
    g.edges.push_back(makeEdge(5, 6));
    g.edges.push_back(makeEdge(6, 7));

    GraphModel model(g, TensorType{{3, 8, 8}});
    QCOMPARE(formatShape(model->analysis().nodes.at(5).output->shape), std::string("6x8x8"));
    QCOMPARE(formatShape(model->analysis().nodes.at(7).output->shape), std::string("5"));
    model->eval();

    const torch::Tensor x = torch::randn({4, 3, 8, 8});
    const torch::Tensor y = model->forward(x);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{4, 5}));

    // The same computation written out with the model's own weights.
    auto params = model->named_parameters();
    namespace F = torch::nn::functional;
    const torch::Tensor conv =
        F::conv2d(x, params["conv.weight"], F::Conv2dFuncOptions().bias(params["conv.bias"]).padding(1));
    const torch::Tensor added = torch::relu(conv) + x;
    const torch::Tensor cat = torch::cat({added, x}, 1).flatten(1);
    const torch::Tensor expected = F::linear(cat, params["fc.weight"], params["fc.bias"]);
    QVERIFY(torch::allclose(y, expected, 1e-5, 1e-6));
}

void TestModel::refusesGraphThatDoesNotCheck()
{
    Graph g = chainGraph({{"Flatten", {}}, {"Linear", {{"in_features", 100}, {"out_features", 10}}}});
    bool threw = false;
    try {
        GraphModel model(g, TensorType{{3, 8, 8}});
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY(e.diagnostics().hasErrors());
        QVERIFY2(std::string(e.what()).find("192") != std::string::npos, e.what());
    }
    QVERIFY(threw);
}

void TestModel::analysisLeavesItsInputUnchanged()
{
    // smallCnn() leaves most parameters to their defaults (pool1's stride, fc's bias, ...).
    const Graph g = smallCnn();
    const nlohmann::json before = nlohmann::json::array({g.nodes[3].params, g.nodes[5].params});
    const GraphAnalysis a = analyzeGraph(g, TensorType{{1, 8, 8}});
    QVERIFY2(a.ok(), a.diagnostics.format().c_str());
    QCOMPARE(nlohmann::json::array({g.nodes[3].params, g.nodes[5].params}).dump(), before.dump());
    QVERIFY(!g.nodes[3].params.contains("stride"));
    // What analysis used to write into the graph is part of the result instead.
    QVERIFY(a.params.at(4).contains("stride"));
    QVERIFY(a.params.at(6).contains("in_features"));
    QCOMPARE(a.params.at(6).value("bias", false), true);
    // The model is built, and exports are written, from the normalised parameters.
    GraphModel model(g, TensorType{{1, 8, 8}});
    QCOMPARE(model->graph().node(NodeId{6})->params.dump(), a.params.at(6).dump());
}

void TestModel::edgeRuleNamesEachRefusal_data()
{
    QTest::addColumn<Edge>("edge");
    QTest::addColumn<int>("refusal");
    QTest::addColumn<QString>("mentions");

    // smallCnn() without its first edge (conv1's input is free):
    // input(1) conv1(2) -> relu1(3) -> pool1(4) -> flatten(5) -> fc(6).
    auto edge = [](int from, int fromPort, int to, int toPort) {
        return Edge{PortRef{NodeId{from}, fromPort}, PortRef{NodeId{to}, toPort}};
    };
    QTest::newRow("allowed") << edge(1, 0, 2, 0) << int(EdgeRefusal::None) << "";
    QTest::newRow("missing source") << edge(99, 0, 2, 0) << int(EdgeRefusal::MissingSource) << "99";
    QTest::newRow("missing target") << edge(1, 0, 98, 0) << int(EdgeRefusal::MissingTarget) << "98";
    QTest::newRow("no such output") << edge(1, 1, 2, 0) << int(EdgeRefusal::NoSuchOutput) << "'input'";
    QTest::newRow("self loop") << edge(3, 0, 3, 0) << int(EdgeRefusal::SelfLoop) << "itself";
    QTest::newRow("no inputs") << edge(6, 0, 1, 0) << int(EdgeRefusal::NoInputs) << "'input' (Input)";
    QTest::newRow("no such input") << edge(1, 0, 2, 1) << int(EdgeRefusal::NoSuchInput) << "port 1";
    QTest::newRow("negative input") << edge(1, 0, 2, -1) << int(EdgeRefusal::NoSuchInput) << "'conv1'";
    QTest::newRow("input taken") << edge(1, 0, 3, 0) << int(EdgeRefusal::InputTaken) << "already connected";
    QTest::newRow("cycle") << edge(4, 0, 2, 0) << int(EdgeRefusal::Cycle) << "'pool1' to 'conv1'";
}

void TestModel::edgeRuleNamesEachRefusal()
{
    QFETCH(Edge, edge);
    QFETCH(int, refusal);
    QFETCH(QString, mentions);

    Graph g = smallCnn();
    g.edges.erase(g.edges.begin());
    const EdgeCheck check = checkNewEdge(g, edge);
    QCOMPARE(int(check.refusal), refusal);
    QCOMPARE(check.allowed(), refusal == int(EdgeRefusal::None));
    QCOMPARE(check.message.empty(), check.allowed());
    QVERIFY2(check.message.find(mentions.toStdString()) != std::string::npos, check.message.c_str());
    if (check.refusal == EdgeRefusal::InputTaken)
        QCOMPARE(check.takenBy, 0); // conv1 -> relu1, now the first edge
}

void TestModel::analysisReportsWhatTheEdgeRuleRefuses()
{
    // A second edge into relu1's only input: the rule refuses it as a new edge, and analysis
    // reports it with the rule's words and the place of the edge holding the input.
    Graph g = smallCnn();
    const Edge second = makeEdge(1, 3);
    const EdgeCheck check = checkNewEdge(g, second);
    QCOMPARE(check.refusal, EdgeRefusal::InputTaken);
    g.edges.push_back(second);
    const GraphAnalysis a = analyzeGraph(g, TensorType{{1, 8, 8}});
    const Diagnostic *d = nullptr;
    for (const Diagnostic &item : a.diagnostics.items())
        if (item.where == "/graph/edges/5/to")
            d = &item;
    QVERIFY2(d, a.diagnostics.format().c_str());
    QCOMPARE(d->message, check.message + " by /graph/edges/1");
    QCOMPARE(d->nodeId, 3);
    QCOMPARE(d->port, 0);
}

void TestModel::builtLayersMatchInference_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("int64");

    auto row = [](const char *type, const char *params, const char *input, bool int64 = false) {
        QTest::newRow(type) << QString(type) << QString(params) << QString(input) << int64;
    };
    row("Linear", R"({"out_features": 6})", "3x5");
    row("Conv2d", R"({"out_channels": 4, "kernel_size": 3, "stride": 2, "groups": 2})", "2x9x9");
    row("MaxPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1})", "2x7x7");
    row("AvgPool2d", R"({"kernel_size": 2})", "2x6x6");
    row("AdaptiveAvgPool2d", R"({"output_size": 3})", "2x7x7");
    row("BatchNorm1d", R"({})", "6x10");
    row("BatchNorm2d", R"({})", "3x4x4");
    row("Dropout", R"({"p": 0.5})", "7");
    row("Flatten", R"({})", "2x3x4");
    row("ReLU", R"({})", "5");
    row("LeakyReLU", R"({"negative_slope": 0.1})", "5");
    row("GELU", R"({})", "5");
    row("Sigmoid", R"({})", "5");
    row("Tanh", R"({})", "5");
    row("Softmax", R"({})", "3x5");
    row("LogSoftmax", R"({"dim": 0})", "3x5");
    row("Embedding", R"({"num_embeddings": 20, "embedding_dim": 4})", "6", true);
    row("LSTM", R"({"hidden_size": 5, "num_layers": 2, "bidirectional": true})", "4x3");
    row("GRU", R"({"hidden_size": 5, "return_sequences": false})", "4x3");
    row("MultiheadAttention", R"({"num_heads": 2})", "4x6");
}

void TestModel::builtLayersMatchInference()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, input);
    QFETCH(bool, int64);

    Graph g =
        chainGraph({{type.toStdString(), nlohmann::json::parse(params.toStdString())}}, int64 ? "int64" : "float32");
    const Shape shape = parseShape(input);
    GraphModel model(g, TensorType{shape, int64 ? DType::Int64 : DType::Float32});
    model->eval();

    std::vector<int64_t> batchShape = {3};
    batchShape.insert(batchShape.end(), shape.begin(), shape.end());
    const torch::Tensor x = int64 ? torch::randint(0, 20, batchShape, torch::kLong) : torch::randn(batchShape);
    const torch::Tensor y = model->forward(x);

    const NodeAnalysis &n = model->analysis().nodes.at(2);
    std::vector<int64_t> expected = {3};
    expected.insert(expected.end(), n.output->shape.begin(), n.output->shape.end());
    QCOMPARE(y.sizes().vec(), expected);
    QCOMPARE(parameterCount(*model), n.parameters);
    QVERIFY(torch::isfinite(y).all().item<bool>());
}

void TestModel::scriptedModelMatchesEngine_data()
{
    QTest::addColumn<QString>("file");
    // Between them these graphs use every layer type in the registry.
    QTest::newRow("conv, pooling, normalization, activations, merges") << "conv.json";
    QTest::newRow("LSTM, attention, bidirectional GRU") << "seq.json";
    QTest::newRow("embedding") << "emb.json";
}

void TestModel::scriptedModelMatchesEngine()
{
    QFETCH(QString, file);
    ProjectLoad load = loadProjectFile(testhelpers::sourcePath("tests/data/every_layer/" + file.toStdString()));
    QVERIFY2(load.ok(), load.diagnostics.format().c_str());
    const Project &p = load.project;
    torch::manual_seed(3);
    GraphModel model(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
    testhelpers::randomizeRunningStats(*model);
    model->eval();
    Shape shape = p.dataset.sampleShape;
    shape.insert(shape.begin(), 5);
    const bool tokens = p.graph.node(model->analysis().inputNode)->params.value("dtype", "") == "int64";
    const torch::Tensor x = tokens ? torch::randint(0, 300, shape, torch::kInt64) : torch::randn(shape);
    const torch::Tensor expected = model->forward(x);
    torch::jit::Module scripted = buildScriptModule(*model);
    const torch::Tensor actual = scripted.forward({x}).toTensor();
    QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
    const double diff = (actual - expected).abs().max().item<double>();
    QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
