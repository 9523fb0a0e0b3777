// The studio's document and its undo commands: every edit is undoable, undoing everything gives
// back the same bytes, saving goes through a temporary, refused settings change nothing, and the
// recovery file round-trips.

#include "commands/addremoveedge.h"
#include "commands/addremovenodes.h"
#include "commands/changenodeparameter.h"
#include "commands/changesetting.h"
#include "commands/movenodes.h"
#include "commands/renamenode.h"
#include "projectdocument.h"
#include "recovery.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>

using namespace torchwright;
using namespace torchwright::ui;

namespace {
QString sample() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"); }

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Node ids in the sample: 1 input, 2 conv1, 3 relu1, 4 pool1, 5 conv2, 6 relu2, 7 pool2,
// 8 flatten, 9 fc1, 10 relu3, 11 dropout, 12 fc2, chained in that order.
Edge edge(NodeId from, NodeId to) { return Edge{PortRef{from, 0}, PortRef{to, 0}}; }
Edge edge(int from, int to) { return edge(NodeId{from}, NodeId{to}); }

bool hasEdge(const ProjectDocument &doc, const Edge &e)
{
    const auto &edges = doc.project().graph.edges;
    return std::find(edges.begin(), edges.end(), e) != edges.end();
}

// The last operation was one undo step: undoing it gives back `before` byte for byte, and
// redoing it gives back what it made.
void checkOneUndoStep(ProjectDocument &doc, int stepsBefore, const std::string &before)
{
    QUndoStack *stack = doc.undoStack();
    QCOMPARE(stack->count(), stepsBefore + 1);
    const std::string after = doc.serialized();
    QVERIFY(after != before);
    stack->undo();
    QCOMPARE(doc.serialized(), before);
    stack->redo();
    QCOMPARE(doc.serialized(), after);
}
} // namespace

class TestDocument : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadsSample();
    void undoEverythingIsByteIdentical();
    void dragAndFieldEditsMerge();
    void analysisLeavesTheProjectAsEdited();
    void duplicateAndPasteAreOneUndoStep();
    void deleteIsOneUndoStep();
    void arrangeIsOneUndoStep();
    void connectFollowsTheEdgeRule();
    void refusedSettingChangesNothing();
    void saveRoundTrip();
    void saveAsRebasesRelativePaths();
    void loadErrorNamesThePlace();
    void recoveryRoundTrip();
};

void TestDocument::loadsSample()
{
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(sample(), &error), qPrintable(error));
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.displayName(), QString("fashion_mnist_cnn.json"));
    QVERIFY(doc.analysis().ok());
    QCOMPARE(doc.analysis().totalParameters, int64_t(421642));
    QCOMPARE(QByteArray::fromStdString(doc.serialized()), fileBytes(sample()));
}

void TestDocument::undoEverythingIsByteIdentical()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const std::string original = doc.serialized();
    QSignalSpy analysed(&doc, &ProjectDocument::analysisChanged);
    auto *stack = doc.undoStack();

    Node extra;
    extra.id = doc.project().graph.nextId();
    extra.type = "ReLU";
    extra.name = doc.project().graph.uniqueName("relu");
    extra.x = 300;
    extra.y = 400;
    stack->push(AddRemoveNodes::add(&doc, {extra}, {}, "Add"));
    stack->push(new AddRemoveEdge(&doc, Edge{PortRef{NodeId{12}, 0}, PortRef{extra.id, 0}}, true));
    stack->push(new ChangeNodeParameter(&doc, NodeId{9}, "out_features", 256));
    stack->push(new RenameNode(&doc, NodeId{2}, "first_conv"));
    stack->push(new MoveNodes(&doc, {{5, QPointF(1, 2)}}, 0));
    stack->push(new ChangeSetting(&doc, "/training/epochs", 7));
    stack->push(AddRemoveNodes::remove(&doc, {NodeId{11}}, "Delete"));
    QVERIFY(doc.isModified());
    QCOMPARE(doc.project().training.epochs, 7);
    QCOMPARE(doc.project().graph.node(NodeId{2})->name, std::string("first_conv"));
    QVERIFY(!doc.project().graph.node(NodeId{11}));
    QVERIFY(analysed.count() > 0);
    const std::string edited = doc.serialized();
    QVERIFY(edited != original);

    while (stack->canUndo())
        stack->undo();
    QCOMPARE(doc.serialized(), original);
    QVERIFY(!doc.isModified());
    while (stack->canRedo())
        stack->redo();
    QCOMPARE(doc.serialized(), edited);
}

void TestDocument::dragAndFieldEditsMerge()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    auto *stack = doc.undoStack();
    const double startX = doc.project().graph.node(NodeId{3})->x;
    for (int i = 1; i <= 10; ++i)
        stack->push(new MoveNodes(&doc, {{3, QPointF(100 + i, 50 + i)}}, 42));
    QCOMPARE(stack->count(), 1);
    QCOMPARE(doc.project().graph.node(NodeId{3})->x, 110.0);
    for (int v : {200, 201, 202})
        stack->push(new ChangeNodeParameter(&doc, NodeId{9}, "out_features", v));
    QCOMPARE(stack->count(), 2);
    stack->undo();
    QCOMPARE(doc.project().graph.node(NodeId{9})->params["out_features"].get<int>(), 128);
    stack->undo();
    QCOMPARE(doc.project().graph.node(NodeId{3})->x, startX);
}

void TestDocument::analysisLeavesTheProjectAsEdited()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    // pool1 without its stride: analysis fills the default in its result, not in the project.
    doc.undoStack()->push(new ChangeNodeParameter(&doc, NodeId{4}, "stride", nullptr));
    QVERIFY(!doc.project().graph.node(NodeId{4})->params.contains("stride"));
    QVERIFY(doc.analysis().ok());
    QVERIFY(doc.analysis().params.at(4).contains("stride"));
    const auto saved = nlohmann::json::parse(doc.serialized());
    QVERIFY(!saved["graph"]["nodes"][3]["params"].contains("stride"));
}

void TestDocument::duplicateAndPasteAreOneUndoStep()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const Graph &g = doc.project().graph;
    const std::string original = doc.serialized();

    const std::vector<NodeId> copies = doc.duplicateNodes({NodeId{2}, NodeId{3}});
    QCOMPARE(copies.size(), size_t(2));
    QCOMPARE(doc.undoStack()->text(0), QStringLiteral("Duplicate"));
    QCOMPARE(g.nodes.size(), size_t(14));
    const Node *conv = g.node(copies[0]);
    QVERIFY(conv);
    QCOMPARE(conv->type, std::string("Conv2d"));
    QVERIFY(conv->name != "conv1" && g.findByName(conv->name) == conv);
    QCOMPARE(conv->params, g.node(NodeId{2})->params);
    QCOMPARE(conv->x, g.node(NodeId{2})->x + 40);
    QCOMPARE(conv->y, g.node(NodeId{2})->y + 40);
    QVERIFY(hasEdge(doc, edge(copies[0], copies[1]))); // the edge among them comes along
    QCOMPARE(g.edges.size(), size_t(12));
    checkOneUndoStep(doc, 0, original);
    if (QTest::currentTestFailed())
        return;

    // Pasted again, the copies land further away: none on top of another node.
    const std::string duplicated = doc.serialized();
    const QByteArray mime = ProjectDocument::nodesToMime(doc.project(), {NodeId{2}, NodeId{3}});
    const std::vector<NodeId> pasted = doc.pasteNodes(mime, "Paste");
    QCOMPARE(pasted.size(), size_t(2));
    QCOMPARE(g.node(pasted[0])->x, g.node(NodeId{2})->x + 80);
    checkOneUndoStep(doc, 1, duplicated);
    if (QTest::currentTestFailed())
        return;

    // Data without usable nodes changes nothing.
    const std::string both = doc.serialized();
    QVERIFY(doc.pasteNodes(QByteArray("not json"), "Paste").empty());
    QVERIFY(doc.pasteNodes(QByteArray(R"({"nodes": []})"), "Paste").empty());
    QVERIFY(doc.duplicateNodes({}).empty());
    QCOMPARE(doc.undoStack()->count(), 2);
    QCOMPARE(doc.serialized(), both);
}

void TestDocument::deleteIsOneUndoStep()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const Graph &g = doc.project().graph;
    const std::string original = doc.serialized();

    // relu2 with both its edges, an edge elsewhere, and an edge that goes with relu2 anyway.
    doc.deleteItems({NodeId{6}}, {edge(9, 10), edge(5, 6)});
    QCOMPARE(doc.undoStack()->text(0), QStringLiteral("Delete"));
    QVERIFY(!g.node(NodeId{6}));
    QCOMPARE(g.edges.size(), size_t(8));
    QVERIFY(!hasEdge(doc, edge(9, 10)) && !hasEdge(doc, edge(5, 6)) && !hasEdge(doc, edge(6, 7)));
    checkOneUndoStep(doc, 0, original);
    if (QTest::currentTestFailed())
        return;

    // One edge alone is a disconnection; nothing at all is no step.
    const std::string deleted = doc.serialized();
    doc.deleteItems({}, {edge(2, 3)});
    QCOMPARE(doc.undoStack()->text(1), QStringLiteral("Disconnect"));
    checkOneUndoStep(doc, 1, deleted);
    doc.deleteItems({}, {});
    QCOMPARE(doc.undoStack()->count(), 2);
}

void TestDocument::arrangeIsOneUndoStep()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const Graph &g = doc.project().graph;
    doc.undoStack()->push(new MoveNodes(&doc, {{5, QPointF(-300, 900)}, {9, QPointF(0, 0)}}, 0));
    const std::string moved = doc.serialized();

    doc.arrangeLayers();
    QCOMPARE(doc.undoStack()->text(1), QStringLiteral("Arrange layers"));
    for (const Edge &e : g.edges) // top to bottom
        QVERIFY(g.node(e.from.node)->y < g.node(e.to.node)->y);
    checkOneUndoStep(doc, 1, moved);
    if (QTest::currentTestFailed())
        return;
    doc.arrangeLayers(); // arranged already: nothing to do
    QCOMPARE(doc.undoStack()->count(), 2);
}

void TestDocument::connectFollowsTheEdgeRule()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const std::string original = doc.serialized();

    // conv2's input comes from pool1: refused, with the engine's reason, and no step.
    const EdgeCheck taken = doc.connectPorts(edge(3, 5));
    QCOMPARE(taken.refusal, EdgeRefusal::InputTaken);
    QVERIFY2(taken.message.find("'conv2'") != std::string::npos, taken.message.c_str());
    QCOMPARE(doc.connectPorts(edge(7, 5)).refusal, EdgeRefusal::InputTaken);
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(doc.serialized(), original);

    doc.deleteItems({}, {edge(4, 5)});
    QCOMPARE(doc.checkEdge(edge(7, 5)).refusal, EdgeRefusal::Cycle);
    const std::string freed = doc.serialized();
    QVERIFY(doc.connectPorts(edge(3, 5)).allowed());
    QVERIFY(hasEdge(doc, edge(3, 5)));
    checkOneUndoStep(doc, 1, freed);
}

void TestDocument::refusedSettingChangesNothing()
{
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const std::string before = doc.serialized();
    QString error;
    QVERIFY(!doc.setSetting("/training/epochs", 0, &error));
    QVERIFY2(error.contains("/training/epochs"), qPrintable(error));
    QCOMPARE(doc.serialized(), before);
    doc.undoStack()->push(new ChangeSetting(&doc, "/training/batch_size", -3));
    QCOMPARE(doc.undoStack()->count(), 0); // refused: no step left behind
    QCOMPARE(doc.serialized(), before);
}

void TestDocument::saveRoundTrip()
{
    QTemporaryDir dir;
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    doc.undoStack()->push(new ChangeSetting(&doc, "/training/epochs", 9));
    QVERIFY(doc.isModified());
    const QString path = dir.filePath("copy.json");
    QString error;
    QVERIFY2(doc.save(path, &error), qPrintable(error));
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.filePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"copy.json"});
    ProjectDocument again;
    QVERIFY(again.load(path, nullptr));
    QCOMPARE(again.project().training.epochs, 9);
    QCOMPARE(again.serialized(), doc.serialized());
    // An unwritable place fails with a message and keeps the document as it was.
    doc.undoStack()->push(new ChangeSetting(&doc, "/training/epochs", 10));
    QVERIFY(!doc.save(dir.filePath("missing/folder/p.json"), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(doc.isModified());
    QCOMPARE(doc.filePath(), QFileInfo(path).absoluteFilePath());
}

void TestDocument::saveAsRebasesRelativePaths()
{
    QTemporaryDir dir;
    QDir(dir.path()).mkpath("a/data");
    QDir(dir.path()).mkpath("b/c");
    ProjectLoad load = loadProjectFile(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json");
    QVERIFY(load.ok());
    load.project.dataset.path = "data";
    load.project.filePath = dir.filePath("a/p.json").toStdString();
    ProjectDocument doc;
    doc.reset(load.project, dir.filePath("a/p.json"));
    QVERIFY(doc.save(dir.filePath("b/c/p.json"), nullptr));
    QCOMPARE(doc.project().dataset.path, std::string("../../a/data"));
    QCOMPARE(QString::fromStdString(doc.project().datasetPath()), QDir::cleanPath(dir.filePath("a/data")));
}

void TestDocument::loadErrorNamesThePlace()
{
    QTemporaryDir dir;
    QFile f(dir.filePath("bad.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray text = fileBytes(sample());
    text.replace("\"out_features\": 128", "\"out_features\": -4");
    f.write(text);
    f.close();
    ProjectDocument doc;
    QVERIFY(doc.load(sample(), nullptr));
    const std::string before = doc.serialized();
    QString error;
    // The file itself loads (bad values are graph problems the editor shows in red)...
    QVERIFY(doc.load(f.fileName(), &error));
    QVERIFY(!doc.analysis().ok());
    QVERIFY(QString::fromStdString(doc.analysis().diagnostics.format()).contains("/graph/nodes/8/params/out_features"));
    // ...while a file that is not a project is refused, naming it, and the document stays.
    QVERIFY(doc.load(sample(), nullptr));
    QFile g(dir.filePath("notjson.json"));
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("{ this is not json");
    g.close();
    QVERIFY(!doc.load(g.fileName(), &error));
    QVERIFY2(error.contains("notjson.json"), qPrintable(error));
    QCOMPARE(doc.serialized(), before);
}

void TestDocument::recoveryRoundTrip()
{
    QTemporaryDir dir;
    Recovery::setDirectory(dir.filePath("recovery"));
    QVERIFY(Recovery::pending().isEmpty());
    QVERIFY(Recovery::write("/some/project.json", "{\"x\": 1}"));
    QCOMPARE(Recovery::pending().size(), 1);
    QString original;
    std::string text;
    QVERIFY(Recovery::read(Recovery::pending().first(), &original, &text));
    QCOMPARE(original, QString("/some/project.json"));
    QCOMPARE(text, std::string("{\"x\": 1}"));
    Recovery::remove("/some/project.json");
    QVERIFY(Recovery::pending().isEmpty());
}

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
