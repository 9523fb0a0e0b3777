// The project document: every problem in a file is reported at once with a JSON pointer, the
// serializer is byte-stable on the committed projects, saving is atomic, version 1 files are
// migrated, and relative paths resolve against the project's folder. Graph-structure problems
// (dangling edges, duplicate ids and names, cycles, a taken input port) are looked for in the
// diagnostics of parseProject() and analyzeProject() together. A wrong "format" is reported at
// "/format", a newer "version" at "/version"; a node's parameter at
// "/graph/nodes/<index>/params/<name>", a node at "/graph/nodes/<index>..." and an edge at
// "/graph/edges/<index>...". After saveProjectFile() the project's filePath is the saved path.

#include "testhelpers.h"

#include "settingedges.h"
#include "torchwright/datasetformat.h"
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
#include "torchwright/jsonfile.h"
#include "torchwright/message.h"
#include "torchwright/project.h"
#include "torchwright/settings.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <functional>

using namespace torchwright;
using testhelpers::containsAnyCI;
using testhelpers::describe;
using testhelpers::readFileBytes;
using testhelpers::sourcePath;

using JsonMutation = std::function<void(nlohmann::json &)>;
Q_DECLARE_METATYPE(JsonMutation)

namespace {

const std::string kFashion = "projects/fashion_mnist_cnn.json";

nlohmann::json fashionJson() { return nlohmann::json::parse(readFileBytes(sourcePath(kFashion)).toStdString()); }

// Everything parseProject() and analyzeProject() report about `text`.
Diagnostics allDiagnostics(const std::string &text, const std::string &file = "fashion.json")
{
    ProjectLoad load = parseProject(text, file);
    Diagnostics all = load.diagnostics;
    const GraphAnalysis analysis = analyzeProject(load.project);
    all.append(analysis.diagnostics);
    return all;
}

nlohmann::json edgeJson(int from, int to, int toPort = 0)
{
    return {{"from", {{"node", from}, {"port", 0}}}, {"to", {{"node", to}, {"port", toPort}}}};
}

bool sameGraph(const Graph &a, const Graph &b, QByteArray *why)
{
    if (a.nodes.size() != b.nodes.size() || a.edges.size() != b.edges.size()) {
        *why = "node or edge counts differ";
        return false;
    }
    for (size_t i = 0; i < a.nodes.size(); ++i) {
        const Node &x = a.nodes[i];
        const Node &y = b.nodes[i];
        if (x.id != y.id || x.type != y.type || x.name != y.name || x.params != y.params || x.x != y.x || x.y != y.y) {
            *why = QByteArray("node differs at index ") + QByteArray::number(int(i));
            return false;
        }
    }
    for (size_t i = 0; i < a.edges.size(); ++i) {
        if (!(a.edges[i] == b.edges[i])) {
            *why = QByteArray("edge differs at index ") + QByteArray::number(int(i));
            return false;
        }
    }
    return true;
}

// "line N: <actual> | expected <expected>" for the first few lines that differ, or "".
QByteArray firstDifference(const QByteArray &actual, const QByteArray &expected)
{
    const QList<QByteArray> a = actual.split('\n');
    const QList<QByteArray> e = expected.split('\n');
    QByteArray out;
    int shown = 0;
    for (qsizetype i = 0; i < std::max(a.size(), e.size()) && shown < 4; ++i) {
        const QByteArray x = i < a.size() ? a[i] : QByteArray("<end>");
        const QByteArray y = i < e.size() ? e[i] : QByteArray("<end>");
        if (x != y) {
            out += "\nline " + QByteArray::number(i + 1) + ": " + x.trimmed() + " | expected " + y.trimmed();
            ++shown;
        }
    }
    return out;
}

} // namespace

class TestProject : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void messagesKeepTemplateAndArguments();
    void loadsCommittedProject();
    void singleProblem_data();
    void singleProblem();
    void negativeOutFeaturesIsLocated();
    void cycleNamesItsNodes();
    void longCycleIsFoundInOnePass();
    void allProblemsAtOnce();
    void malformedJson();
    void nestingDepthIsLimited();
    void deeplyNestedFileIsRefused();
    void roundTripIsByteStable_data();
    void roundTripIsByteStable();
    void roundTripOfEditedProject();
    void saveIsAtomic();
    void saveIntoMissingFolderThrows();
    void migratesVersion1();
    void resolvesPaths();
    void everySettingRoundTripsAtItsEdges();
    void everySettingRefusesJustOutsideItsRange();
    void everyChoiceRoundTrips();
    void schemaKnowsTheFormats();
};

void TestProject::loadsCommittedProject()
{
    const ProjectLoad load = loadProjectFile(sourcePath(kFashion));
    QVERIFY2(load.ok(), describe(load.diagnostics).constData());
    const Project &p = load.project;
    QCOMPARE(p.name, std::string("Fashion-MNIST CNN"));
    QCOMPARE(p.dataset.kind, std::string("idx"));
    QCOMPARE(p.dataset.sampleShape, (Shape{1, 28, 28}));
    QCOMPARE(p.dataset.classNames.size(), size_t(10));
    QCOMPARE(p.training.optimizer.type, std::string("adam"));
    QCOMPARE(p.training.optimizer.lr, 0.001);
    QCOMPARE(p.graph.nodes.size(), size_t(12));
    QCOMPARE(p.graph.edges.size(), size_t(11));
    QCOMPARE(p.graph.nodes[1].x, 80.0);
    QVERIFY(QFileInfo(QString::fromStdString(p.filePath)).isAbsolute());

    Project copy = p;
    const GraphAnalysis a = analyzeProject(copy);
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QCOMPARE(qint64(a.totalParameters), qint64(421642));
}

void TestProject::singleProblem_data()
{
    QTest::addColumn<JsonMutation>("mutate");
    QTest::addColumn<QString>("wherePrefix");
    // ','-separated, each required; each a '|'-separated list of alternatives; case-insensitive
    QTest::addColumn<QString>("mentions");

    // Node indices in the fashion project: 0 input, 1 conv1, 2 relu1, 3 pool1, 4 conv2,
    // 5 relu2, 6 pool2, 7 flatten, 8 fc1, 9 relu3, 10 dropout, 11 fc2.
    QTest::newRow("out of range") << JsonMutation([](nlohmann::json &j) {
        j["graph"]["nodes"][8]["params"]["out_features"] = -4;
    }) << "/graph/nodes/8/params/out_features"
                                  << "-4";
    QTest::newRow("unknown node type") << JsonMutation([](nlohmann::json &j) {
        j["graph"]["nodes"][2]["type"] = "Relu6x";
    }) << "/graph/nodes/2"
                                       << "Relu6x";
    QTest::newRow("missing required parameter")
        << JsonMutation([](nlohmann::json &j) { j["graph"]["nodes"][1]["params"].erase("out_channels"); })
        << "/graph/nodes/1"
        << "out_channels";
    QTest::newRow("unknown parameter") << JsonMutation([](nlohmann::json &j) {
        j["graph"]["nodes"][1]["params"]["kernal_size"] = 3;
    }) << "/graph/nodes/1"
                                       << "kernal_size";
    QTest::newRow("wrong parameter type")
        << JsonMutation([](nlohmann::json &j) { j["graph"]["nodes"][1]["params"]["kernel_size"] = "three"; })
        << "/graph/nodes/1/params/kernel_size"
        << "kernel_size|integer|three";
    QTest::newRow("dangling edge") << JsonMutation([](nlohmann::json &j) { j["graph"]["edges"][0]["to"]["node"] = 99; })
                                   << "/graph/edges/0"
                                   << "99";
    QTest::newRow("duplicate node id") << JsonMutation([](nlohmann::json &j) {
        nlohmann::json extra = j["graph"]["nodes"][9];
        extra["name"] = "relu_extra";
        j["graph"]["nodes"].push_back(extra); // id 10 again, not connected
    }) << "/graph/nodes"
                                       << "duplicate|twice|already|more than once|unique";
    QTest::newRow("duplicate name") << JsonMutation([](nlohmann::json &j) { j["graph"]["nodes"][3]["name"] = "conv1"; })
                                    << "/graph/nodes"
                                    << "conv1";
    QTest::newRow("cycle") << JsonMutation([](nlohmann::json &j) { j["graph"]["edges"][0] = edgeJson(4, 2); })
                           << "/graph"
                           << "cycle";
    QTest::newRow("input port already taken")
        << JsonMutation([](nlohmann::json &j) { j["graph"]["edges"].push_back(edgeJson(1, 3)); }) << "/graph/edges"
        << "already|taken|twice|more than one|multiple|second|connected";
    QTest::newRow("wrong format") << JsonMutation([](nlohmann::json &j) { j["format"] = "keras-model"; }) << "/format"
                                  << "keras-model|torchwright-project";
    QTest::newRow("newer version") << JsonMutation([](nlohmann::json &j) { j["version"] = kProjectVersion + 1; })
                                   << "/version" << std::to_string(kProjectVersion + 1).c_str();
    QTest::newRow("unknown optimizer") << JsonMutation([](nlohmann::json &j) {
        j["training"]["optimizer"]["type"] = "lion";
    }) << "/training/optimizer/type"
                                       << "lion";
    QTest::newRow("bad device") << JsonMutation([](nlohmann::json &j) { j["training"]["device"] = "tpu:9"; })
                                << "/training/device"
                                << "tpu:9";
    // Integers that would wrap or overflow the shape arithmetic: refused at their pointer, naming
    // the layer where there is one, and the value.
    const uint64_t max64 = std::numeric_limits<uint64_t>::max();
    QTest::newRow("out_features 2^63-1") << JsonMutation([](nlohmann::json &j) {
        j["graph"]["nodes"][8]["params"]["out_features"] = std::numeric_limits<int64_t>::max();
    }) << "/graph/nodes/8/params/out_features"
                                         << "'fc1',9223372036854775807";
    QTest::newRow("out_features 2^64-1 (unsigned)")
        << JsonMutation([max64](nlohmann::json &j) { j["graph"]["nodes"][8]["params"]["out_features"] = max64; })
        << "/graph/nodes/8/params/out_features"
        << "'fc1',18446744073709551615";
    QTest::newRow("negative in_channels")
        << JsonMutation([](nlohmann::json &j) { j["graph"]["nodes"][1]["params"]["in_channels"] = -3; })
        << "/graph/nodes/1/params/in_channels"
        << "'conv1',-3";
    QTest::newRow("negative padding") << JsonMutation([](nlohmann::json &j) {
        j["graph"]["nodes"][1]["params"]["padding"] = -1;
    }) << "/graph/nodes/1/params/padding"
                                      << "'conv1',-1";
    QTest::newRow("sample_shape of 2^31 entries") << JsonMutation([](nlohmann::json &j) {
        j["dataset"]["sample_shape"] = {int64_t(1) << 31, int64_t(1) << 31, int64_t(1) << 31};
    }) << "/dataset/sample_shape/0"
                                                  << "2147483648";
    QTest::newRow("sample_shape whose product is too large") << JsonMutation([](nlohmann::json &j) {
        j["dataset"]["sample_shape"] = {16777216, 16777216, 16777216};
    }) << "/dataset/sample_shape"
                                                             << "16777216,1099511627776";
    QTest::newRow("sample_shape entry 2^64-1 (unsigned)") << JsonMutation([max64](nlohmann::json &j) {
        j["dataset"]["sample_shape"] = {1, max64, 28};
    }) << "/dataset/sample_shape/1"
                                                          << "18446744073709551615";
    QTest::newRow("split_seed 2^64-1 (unsigned)")
        << JsonMutation([max64](nlohmann::json &j) { j["dataset"]["split_seed"] = max64; }) << "/dataset/split_seed"
        << "18446744073709551615";
    QTest::newRow("linear weight beyond the largest tensor") << JsonMutation([](nlohmann::json &j) {
        j["dataset"]["sample_shape"] = {1, 1024, 1024}; // fc1 then takes 64x256x256 features
        j["graph"]["nodes"][8]["params"]["out_features"] = 16777216;
    }) << "/graph/nodes/8"
                                                             << "'fc1',1099511627776";
}

void TestProject::singleProblem()
{
    QFETCH(JsonMutation, mutate);
    QFETCH(QString, wherePrefix);
    QFETCH(QString, mentions);

    nlohmann::json j = fashionJson();
    mutate(j);
    const Diagnostics diags = allDiagnostics(j.dump(2));
    QVERIFY2(diags.hasErrors(), "no error reported");

    bool found = false;
    for (const Diagnostic &d : diags.items()) {
        bool all = d.severity == Severity::Error && QString::fromStdString(d.where).startsWith(wherePrefix);
        for (const QString &m : mentions.split(QLatin1Char(',')))
            all = all && containsAnyCI(d.message, m.toStdString());
        found = found || all;
    }
    QVERIFY2(found, describe(diags).constData());
}

void TestProject::negativeOutFeaturesIsLocated()
{
    nlohmann::json j = fashionJson();
    j["graph"]["nodes"][8]["params"]["out_features"] = -4;
    const Diagnostics diags = allDiagnostics(j.dump(2));

    const Diagnostic *hit = nullptr;
    for (const Diagnostic &d : diags.items()) {
        if (d.where == "/graph/nodes/8/params/out_features")
            hit = &d;
    }
    QVERIFY2(hit, describe(diags).constData());
    QCOMPARE(int(hit->severity), int(Severity::Error));
    QCOMPARE(hit->nodeId, 9); // fc1's id
    const std::string line = formatDiagnostic(*hit, "fashion.json");
    QVERIFY2(QString::fromStdString(line).startsWith("fashion.json: /graph/nodes/8/params/out_features: "),
             line.c_str());
    QVERIFY2(line.find("-4") != std::string::npos, line.c_str());
    // The list formats one line per diagnostic.
    QVERIFY(diags.format("fashion.json").find(line) != std::string::npos);
}

void TestProject::cycleNamesItsNodes()
{
    // conv1 -> relu1 -> pool1 -> conv1.
    nlohmann::json j = fashionJson();
    j["graph"]["edges"][0] = edgeJson(4, 2);
    const Diagnostics diags = allDiagnostics(j.dump(2));
    const Diagnostic *d = testhelpers::findError(diags, {"conv1", "relu1", "pool1"});
    QVERIFY2(d, describe(diags).constData());
    QVERIFY(d->message.find("conv2") == std::string::npos);
}

// Cycle detection used to take about n^3 steps (74 s for 5,000 nodes); it is one pass over the
// nodes and edges now. The result is asserted; the time is only printed.
void TestProject::longCycleIsFoundInOnePass()
{
    const int n = 5000;
    // input -> relu2 -> relu3 -> ... -> relu5001 -> relu2, the nodes in reverse document order
    // after the input so that a pass-by-pass topological sort would be slowest.
    Graph g;
    g.nodes.push_back(testhelpers::makeNode(1, "Input", "input"));
    for (int id = n + 1; id >= 2; --id)
        g.nodes.push_back(testhelpers::makeNode(id, "ReLU", "relu" + std::to_string(id)));
    g.edges.push_back(testhelpers::makeEdge(1, 2));
    for (int id = 2; id <= n; ++id)
        g.edges.push_back(testhelpers::makeEdge(id, id + 1));

    QElapsedTimer timer;
    timer.start();
    // Without the closing edge: a chain, sorted in order, and the closing edge is refused.
    const std::optional<std::vector<NodeId>> order = g.topologicalOrder();
    QVERIFY(order);
    QCOMPARE(int(order->size()), n + 1);
    for (int i = 0; i <= n; ++i)
        QCOMPARE(order->at(size_t(i)).value, i + 1);
    g.edges.erase(g.edges.begin()); // relu2's one input is free for the closing edge
    const EdgeCheck closing = checkNewEdge(g, testhelpers::makeEdge(n + 1, 2));
    QCOMPARE(int(closing.refusal), int(EdgeRefusal::Cycle));
    QVERIFY2(closing.message.find("'relu5001' to 'relu2' would create a cycle") != std::string::npos,
             closing.message.c_str());
    QCOMPARE(int(checkNewEdge(g, testhelpers::makeEdge(2, n + 1)).refusal), int(EdgeRefusal::InputTaken));

    // With it: the analysis names every node of the cycle and not the input.
    g.edges.push_back(testhelpers::makeEdge(n + 1, 2));
    QVERIFY(!g.topologicalOrder());
    QCOMPARE(int(g.nodesOnCycles().size()), n);
    const GraphAnalysis an = analyzeGraph(g, TensorType{{4}, DType::Float32});
    const Diagnostic *d = testhelpers::findError(an.diagnostics, {"cycle through", "'relu2'", "'relu5001'"});
    QVERIFY2(d, describe(an.diagnostics).constData());
    QVERIFY(d->message.find("'input'") == std::string::npos);
    qInfo("5,000-node chain and cycle analysed in %lld ms", static_cast<long long>(timer.elapsed()));
}

void TestProject::allProblemsAtOnce()
{
    nlohmann::json j = fashionJson();
    j["graph"]["nodes"][8]["params"]["out_features"] = -4; // out of range
    j["graph"]["nodes"][2]["type"] = "Relu6x";             // unknown type
    j["graph"]["nodes"][1]["params"]["kernal_size"] = 3;   // unknown parameter
    j["graph"]["nodes"][5]["name"] = "conv1";              // duplicate name
    j["graph"]["edges"][10]["to"]["node"] = 99;            // dangling edge
    j["training"]["optimizer"]["type"] = "lion";           // unknown optimizer
    const int planted = 6;

    const Diagnostics diags = allDiagnostics(j.dump(2));
    QVERIFY2(diags.errorCount() >= planted, describe(diags).constData());

    auto reported = [&](const std::string &wherePrefix, const std::string &mentions) {
        for (const Diagnostic &d : diags.items()) {
            if (d.severity == Severity::Error && d.where.rfind(wherePrefix, 0) == 0
                && containsAnyCI(d.message, mentions))
                return true;
        }
        return false;
    };
    QVERIFY2(reported("/graph/nodes/8/params/out_features", "-4"), describe(diags).constData());
    QVERIFY2(reported("/graph/nodes/2", "Relu6x"), describe(diags).constData());
    QVERIFY2(reported("/graph/nodes/1", "kernal_size"), describe(diags).constData());
    QVERIFY2(reported("/graph/nodes", "conv1"), describe(diags).constData());
    QVERIFY2(reported("/graph/edges/10", "99"), describe(diags).constData());
    QVERIFY2(reported("/training/optimizer", "lion"), describe(diags).constData());

    // The parser alone already reports the settings and parameter problems together.
    const ProjectLoad load = parseProject(j.dump(2), "fashion.json");
    QVERIFY(!load.ok());
}

void TestProject::malformedJson()
{
    const ProjectLoad load = parseProject("{ \"format\": \"torchwright-project\", ", "bad.json");
    QVERIFY(!load.ok());
    QCOMPARE(load.diagnostics.errorCount(), 1);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("nope.json").toStdString();
    const ProjectLoad none = loadProjectFile(missing);
    QVERIFY(!none.ok());
    QVERIFY2(none.diagnostics.format().find("nope.json") != std::string::npos, describe(none.diagnostics).constData());
}

// The limit's edge: kMaxJsonDepth levels are read, one more is refused; brackets inside
// strings do not count.
void TestProject::nestingDepthIsLimited()
{
    auto nested = [](int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); };
    QVERIFY(jsonDepthError(nested(kMaxJsonDepth)).empty());
    const std::string deep = jsonDepthError(nested(kMaxJsonDepth + 1)).str();
    QVERIFY2(deep.find(std::to_string(kMaxJsonDepth) + " levels") != std::string::npos, deep.c_str());
    QVERIFY(jsonDepthError("[\"" + std::string(1000, '[') + "\\\"{\"]").empty());
    QVERIFY(jsonDepthError("{\"a\": {\"b\": [1, {\"c\": []}]}}").empty());
}

// A project nested 100,000 levels deep is refused before anything walks it recursively
// (describing it used to overflow the stack).
void TestProject::deeplyNestedFileIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("deep.json").toStdString();
    const int depth = 100000;
    const std::string text = "{\"format\": \"torchwright-project\", \"version\": 2, \"ui\": "
                             + std::string(size_t(depth), '[') + std::string(size_t(depth), ']') + "}";
    {
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text.data(), qint64(text.size()));
    }
    const ProjectLoad load = loadProjectFile(path);
    QVERIFY(!load.ok());
    const std::string message = load.diagnostics.format(path);
    QVERIFY2(message.find("deep.json") != std::string::npos, message.c_str());
    QVERIFY2(message.find("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels") != std::string::npos,
             message.c_str());

    // The same limit applies to every JSON file the engine reads.
    try {
        readJsonFile(path);
        QFAIL("readJsonFile accepted a file nested 100,000 levels deep");
    } catch (const EngineError &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("deep.json") != std::string::npos && what.find("nested deeper") != std::string::npos,
                 e.what());
    }
}

void TestProject::roundTripIsByteStable_data()
{
    QTest::addColumn<QString>("file");
    const QDir projects(QString::fromStdString(sourcePath("projects")));
    const QStringList files = projects.entryList({"*.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 3);
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << projects.filePath(f);
    // A synthetic dataset adds its "synthetic" block after "split_seed".
    QTest::newRow("tiny_synthetic") << QString::fromStdString(sourcePath("tests/data/tiny_synthetic/project.json"));
}

void TestProject::roundTripIsByteStable()
{
    QFETCH(QString, file);
    const QByteArray bytes = readFileBytes(file.toStdString());
    QVERIFY(!bytes.isEmpty());

    const ProjectLoad load = loadProjectFile(file.toStdString());
    // Shape errors (the article's CNN) do not stop the document from loading.
    const std::string once = serializeProject(load.project);
    const QByteArray diff = firstDifference(QByteArray::fromStdString(once), bytes);
    QVERIFY2(diff.isEmpty(), diff.constData());

    const ProjectLoad again = parseProject(once, file.toStdString());
    QCOMPARE(again.diagnostics.errorCount(), load.diagnostics.errorCount());
    QCOMPARE(serializeProject(again.project), once);
}

void TestProject::roundTripOfEditedProject()
{
    ProjectLoad load = loadProjectFile(sourcePath("tests/data/tiny_synthetic/project.json"));
    QVERIFY2(load.ok(), describe(load.diagnostics).constData());
    Project p = load.project;
    p.name = "Edited \"quoted\" name";
    p.dataset.syntheticNoise = 0.25;
    p.training.optimizer.type = "sgd";
    p.training.optimizer.lr = 0.05;
    p.training.optimizer.momentum = 0.9;
    p.training.schedule.type = "step";
    p.training.earlyStopping.enabled = true;
    p.pretrain.frozen = {"conv1"};
    p.ui = {{"zoom", 1.5}};
    p.graph.nodes[2].x = 123.5;

    const std::string text = serializeProject(p);
    QVERIFY(!text.empty() && text.back() == '\n');
    QVERIFY(text.find("\n  \"format\": \"torchwright-project\",\n") != std::string::npos);
    const ProjectLoad back = parseProject(text, p.filePath);
    QVERIFY2(back.ok(), describe(back.diagnostics).constData());
    QCOMPARE(back.project.name, p.name);
    QCOMPARE(back.project.dataset.syntheticNoise, 0.25);
    QCOMPARE(back.project.training.optimizer.type, std::string("sgd"));
    QCOMPARE(back.project.training.optimizer.momentum, 0.9);
    QCOMPARE(back.project.training.schedule.type, std::string("step"));
    QVERIFY(back.project.training.earlyStopping.enabled);
    QCOMPARE(back.project.pretrain.frozen, std::vector<std::string>{"conv1"});
    QCOMPARE(back.project.ui, p.ui);
    QCOMPARE(back.project.graph.nodes[2].x, 123.5);
    QCOMPARE(serializeProject(back.project), text);
}

void TestProject::saveIsAtomic()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProjectLoad load = loadProjectFile(sourcePath(kFashion));
    QVERIFY(load.ok());
    Project p = load.project;

    const std::string target = dir.filePath("saved.json").toStdString();
    QVERIFY(testhelpers::writeFileBytes(target, std::string("old content\n")));
    p.name = "Saved copy";
    saveProjectFile(p, target);

    QCOMPARE(readFileBytes(target), QByteArray::fromStdString(serializeProject(p)));
    QCOMPARE(QFileInfo(QString::fromStdString(p.filePath)).canonicalFilePath(),
             QFileInfo(QString::fromStdString(target)).canonicalFilePath());
    // No temporary is left beside it.
    const QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    QCOMPARE(left, QStringList{"saved.json"});

    const ProjectLoad back = loadProjectFile(target);
    QVERIFY2(back.ok(), describe(back.diagnostics).constData());
    QCOMPARE(back.project.name, std::string("Saved copy"));
}

void TestProject::saveIntoMissingFolderThrows()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProjectLoad load = loadProjectFile(sourcePath(kFashion));
    Project p = load.project;
    const QString missingDir = dir.filePath("no/such/folder");
    const std::string target = (missingDir + "/p.json").toStdString();

    bool threw = false;
    try {
        saveProjectFile(p, target);
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY(std::string(e.what()).size() > 0);
    }
    QVERIFY(threw);
    QVERIFY(!QFileInfo::exists(QString::fromStdString(target)));
    QVERIFY(!QFileInfo::exists(missingDir));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList{});
}

void TestProject::migratesVersion1()
{
    const std::string v1File = sourcePath("tests/data/migration/fashion_mnist_cnn_v1.json");
    const ProjectLoad v1 = loadProjectFile(v1File);
    QVERIFY2(v1.ok(), describe(v1.diagnostics).constData());
    QCOMPARE(v1.project.training.optimizer.type, std::string("sgd"));
    QCOMPARE(v1.project.training.optimizer.lr, 0.05);
    QVERIFY(!v1.project.pretrain.enabled);

    const ProjectLoad v2 = loadProjectFile(sourcePath(kFashion));
    QVERIFY(v2.ok());
    QByteArray why;
    QVERIFY2(sameGraph(v1.project.graph, v2.project.graph, &why), why.constData());
    QCOMPARE(v1.project.dataset.sampleShape, v2.project.dataset.sampleShape);
    QCOMPARE(v1.project.training.epochs, v2.project.training.epochs);

    const std::string text = serializeProject(v1.project);
    const nlohmann::json out = nlohmann::json::parse(text);
    QCOMPARE(out["version"].get<int>(), kProjectVersion);
    QCOMPARE(out["format"].get<std::string>(), std::string(kProjectFormat));
    QVERIFY(out["graph"]["edges"][0].is_object());
    QVERIFY(out["training"]["optimizer"].is_object());
    QCOMPARE(out["training"]["optimizer"]["type"].get<std::string>(), std::string("sgd"));
    QVERIFY(out.contains("pretrain"));
    QVERIFY(out.contains("ui"));

    // The migration itself, as a function.
    Diagnostics diags;
    const nlohmann::json migrated = migrateProject(nlohmann::json::parse(readFileBytes(v1File).toStdString()), diags);
    QVERIFY2(!diags.hasErrors(), describe(diags).constData());
    QCOMPARE(migrated["version"].get<int>(), kProjectVersion);
    QCOMPARE(migrated["graph"]["edges"][0]["to"]["node"].get<int>(), 2);
}

void TestProject::resolvesPaths()
{
    Project p;
    p.filePath = "/x/y/p.json";
    QCOMPARE(p.resolvePath("data"), std::string("/x/y/data"));
    QCOMPARE(p.resolvePath("/abs/data"), std::string("/abs/data"));
    p.dataset.path = "sets/mnist";
    QCOMPARE(p.datasetPath(), std::string("/x/y/sets/mnist"));

    const ProjectLoad load = loadProjectFile(sourcePath(kFashion));
    QCOMPARE(load.project.datasetPath(), std::string("/usr/share/datasets/fashion-mnist"));
}

// The reader takes every numeric setting at each end of its schema range, and the writer writes
// it back unchanged: the schema, not a copy of its ranges, decides what a file may hold.
void TestProject::everySettingRoundTripsAtItsEdges()
{
    int checked = 0;
    for (const SettingSpec &s : projectSettings()) {
        if (!settingedges::numeric(s))
            continue;
        const nlohmann::json::json_pointer ptr(s.pointer);
        for (const nlohmann::json &edge : settingedges::inside(s)) {
            nlohmann::json j = settingedges::applicableProject(fashionJson(), s);
            j[ptr] = edge;
            const QByteArray what = QByteArray::fromStdString(s.pointer + " = " + edge.dump());
            const ProjectLoad load = projectFromJson(j);
            for (const Diagnostic &d : load.diagnostics.items())
                QVERIFY2(d.where != s.pointer, (what + ": " + QByteArray::fromStdString(d.message)).constData());
            const QByteArray read = QByteArray::fromStdString(s.get(load.project).dump());
            QVERIFY2(s.get(load.project) == edge, (what + " read as " + read).constData());
            const std::string text = serializeProject(load.project);
            // A setting left out of the file while it has its default (omitDefault) reads back as it.
            if (!(s.omitDefault && edge == s.defaultValue))
                QVERIFY2(nlohmann::json::parse(text).at(ptr) == edge, what.constData());
            const ProjectLoad again = parseProject(text);
            QVERIFY2(s.get(again.project) == edge, what.constData());
            QCOMPARE(serializeProject(again.project), text);
            ++checked;
        }
    }
    QVERIFY(checked >= 40);
}

void TestProject::everySettingRefusesJustOutsideItsRange()
{
    int checked = 0;
    for (const SettingSpec &s : projectSettings()) {
        if (!settingedges::numeric(s))
            continue;
        for (const nlohmann::json &bad : settingedges::outside(s)) {
            nlohmann::json j = settingedges::applicableProject(fashionJson(), s);
            j[nlohmann::json::json_pointer(s.pointer)] = bad;
            const QByteArray what = QByteArray::fromStdString(s.pointer + " = " + bad.dump());
            const ProjectLoad load = projectFromJson(j);
            QVERIFY2(!load.ok(), what.constData());
            const std::string text = load.diagnostics.format();
            QVERIFY2(text.find(s.pointer + ": expected " + s.expectation().str() + ", got ") != std::string::npos,
                     (what + ": " + QByteArray::fromStdString(text)).constData());
            ++checked;
        }
    }
    QVERIFY(checked >= 40);
    // The wording users know stays.
    nlohmann::json j = fashionJson();
    j["training"]["optimizer"]["lr"] = 0;
    QVERIFY(projectFromJson(j).diagnostics.format().find(
                "/training/optimizer/lr: expected a number > 0 and <= 1e+06, got 0")
            != std::string::npos);
    j = fashionJson();
    j["training"]["epochs"] = 0;
    QVERIFY(
        projectFromJson(j).diagnostics.format().find("/training/epochs: expected an integer from 1 to 100000, got 0")
        != std::string::npos);
}

void TestProject::everyChoiceRoundTrips()
{
    for (const SettingSpec &s : projectSettings()) {
        if (s.type != SettingType::Choice)
            continue;
        for (const std::string &choice : s.choices) {
            nlohmann::json j = settingedges::applicableProject(fashionJson(), s);
            j[nlohmann::json::json_pointer(s.pointer)] = choice;
            const ProjectLoad load = projectFromJson(j);
            for (const Diagnostic &d : load.diagnostics.items())
                QVERIFY2(d.where != s.pointer, d.message.c_str());
            QCOMPARE(s.get(load.project), nlohmann::json(choice));
        }
        // In a project the setting applies to (a format's own choice only counts in that format).
        nlohmann::json j = settingedges::applicableProject(fashionJson(), s);
        j[nlohmann::json::json_pointer(s.pointer)] = "no-such-choice";
        const std::string text = projectFromJson(j).diagnostics.format();
        QVERIFY2(text.find(s.pointer + ": expected one of \"") != std::string::npos, text.c_str());
    }
}

// The dataset kinds and export formats are the descriptors' own lists, and a format's own
// settings are in the schema.
void TestProject::schemaKnowsTheFormats()
{
    QCOMPARE(findSetting("/dataset/kind")->choices, datasetFormatNames());
    QCOMPARE(findSetting("/export/formats")->choices, exportFormats());
    for (const DatasetFormat &f : datasetFormats())
        for (const std::string &pointer : f.settings)
            QVERIFY2(findSetting(pointer), pointer.c_str());
    QCOMPARE(findSetting("/training/optimizer/eps")->defaultValue, nlohmann::json(1e-8));
    QVERIFY(!findSetting("/no/such/setting"));
}

void TestProject::messagesKeepTemplateAndArguments()
{
    // str() is the English the CLI prints; the template and arguments travel for the studio.
    const Message inner = Message::tr("expects a CxHxW input, got %1", "1x28");
    const Message m = Message::tr("%1 %2: %3 (%1 again, %4)", "Conv2d", "'conv%2'", inner, int64_t(-7));
    QCOMPARE(m.str(), std::string("Conv2d 'conv%2': expects a CxHxW input, got 1x28 (Conv2d again, -7)"));
    QVERIFY(m.translatable());
    QCOMPARE(int(m.args().size()), 4);
    QVERIFY(!m.args()[0].translatable());
    QVERIFY(m.args()[2].translatable());
    // Placeholders beyond the arguments, and lone percent signs, stay as written.
    QCOMPARE(Message::tr("100% of %1, %5", "x").str(), std::string("100% of x, %5"));
    // A plain string is verbatim: never a template, its "%1" untouched.
    const Message plain(std::string("disk %1 full"));
    QVERIFY(!plain.translatable());
    QCOMPARE(plain.str(), std::string("disk %1 full"));
    // The form run.json keeps reads back to the same message.
    const Message back = Message::fromJson(m.toJson());
    QCOMPARE(back.str(), m.str());
    QCOMPARE(back.toJson(), m.toJson());
    QCOMPARE(Message::fromJson(plain.toJson()).str(), plain.str());
    QVERIFY(Message::fromJson(nlohmann::json(42)).empty()); // not a message: nothing
    // Diagnostics and errors carry both.
    Diagnostics d;
    d.error("/graph", m);
    QCOMPARE(d.items()[0].message, m.str());
    QCOMPARE(d.items()[0].text.source(), m.source());
    const EngineError e(inner);
    QCOMPARE(std::string(e.what()), inner.str());
    QCOMPARE(e.text().source(), inner.source());
}

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
