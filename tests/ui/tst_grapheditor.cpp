// The layer-graph editor driven as a person would: palette double-clicks and drops, mouse
// gestures on the canvas, typing in the inspector, clicks in the problems list, and the
// Edit actions. Every test ends by undoing everything and comparing the project's bytes.

#include "autolayout.h"
#include "commands/addremoveedge.h"
#include "edgeitem.h"
#include "grapheditor.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "nodeinspector.h"
#include "nodeitem.h"
#include "portitem.h"
#include "problemslist.h"
#include "projectdocument.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

// Node ids of projects/fashion_mnist_cnn.json.
enum SampleNode { kInput = 1, kConv1, kRelu1, kPool1, kConv2, kRelu2, kPool2, kFlatten, kFc1, kRelu3, kDropout, kFc2 };

QString samplePath() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"); }

std::unique_ptr<ProjectDocument> loadSample()
{
    auto doc = std::make_unique<ProjectDocument>();
    QString error;
    if (!doc->load(samplePath(), &error))
        qFatal("cannot load the sample project: %s", qPrintable(error));
    return doc;
}

// A shown editor that sees the whole graph (scaled down to fit, at most to 0.45), looking at
// its middle from below, so that the view's centre is on empty canvas.
std::unique_ptr<GraphEditor> showEditor(ProjectDocument *doc)
{
    auto editor = std::make_unique<GraphEditor>(doc);
    editor->resize(1800, 1000);
    editor->show();
    if (!QTest::qWaitForWindowExposed(editor.get()))
        qFatal("editor window not exposed");
    // Palette and side panels narrow, so that the canvas gets most of the width.
    if (auto *splitter = editor->findChild<QSplitter *>(QStringLiteral("graphSplitter")))
        splitter->setSizes({150, 1350, 300});
    GraphView *view = editor->view();
    const QRectF graph = editor->scene()->nodesBoundingRect();
    if (graph.isNull()) {
        view->setZoom(0.45);
        view->centerOn(QPointF(0, 0));
        return editor;
    }
    view->setZoom(std::min(0.45, (view->viewport()->width() - 40) / (graph.width() + 200)));
    view->centerOn(QPointF(graph.center().x(), graph.bottom() + 250));
    return editor;
}

QPoint toView(GraphView *view, const QPointF &scenePos)
{
    const QPoint p = view->mapFromScene(scenePos);
    if (!view->viewport()->rect().contains(p))
        qWarning("scene point (%g, %g) is outside the view", scenePos.x(), scenePos.y());
    return p;
}

QPointF positionOf(const ProjectDocument &doc, int id)
{
    const Node *n = doc.project().graph.node(NodeId{id});
    return n ? QPointF(n->x, n->y) : QPointF();
}

QPointF bodyOf(NodeItem *item) { return item->mapToScene(item->boundingRect().center() + QPointF(0, 10)); }

void undoAll(ProjectDocument *doc)
{
    while (doc->undoStack()->canUndo())
        doc->undoStack()->undo();
}

bool hasEdge(const ProjectDocument &doc, const Edge &e)
{
    const auto &edges = doc.project().graph.edges;
    return std::find(edges.begin(), edges.end(), e) != edges.end();
}

Edge edge(int from, int to, int port = 0) { return Edge{PortRef{NodeId{from}, 0}, PortRef{NodeId{to}, port}}; }

// Mouse press on an output port, moves in steps to `to`; the button stays down.
void beginDrag(GraphView *view, const QPointF &from, const QPointF &to, int steps = 4)
{
    QWidget *vp = view->viewport();
    const QPoint a = toView(view, from), b = toView(view, to);
    QTest::mousePress(vp, Qt::LeftButton, {}, a);
    for (int i = 1; i <= steps; ++i)
        QTest::mouseMove(vp, a + (b - a) * i / steps);
}

void drag(GraphView *view, const QPointF &from, const QPointF &to, Qt::KeyboardModifiers modifiers = {})
{
    QWidget *vp = view->viewport();
    const QPoint a = toView(view, from), b = toView(view, to);
    QTest::mousePress(vp, Qt::LeftButton, modifiers, a);
    for (int i = 1; i <= 5; ++i)
        QTest::mouseMove(vp, a + (b - a) * i / 5);
    QTest::mouseRelease(vp, Qt::LeftButton, modifiers, b);
}

void clickNode(GraphEditor *editor, NodeId id)
{
    NodeItem *item = editor->scene()->nodeItem(id);
    QVERIFY(item);
    QTest::mouseClick(editor->view()->viewport(), Qt::LeftButton, {}, toView(editor->view(), bodyOf(item)));
}

void doubleClickPaletteEntry(LayerPalette *palette, const QString &type)
{
    QTreeWidgetItem *item = palette->itemForType(type);
    QVERIFY(item);
    QTreeWidget *tree = palette->tree();
    tree->scrollToItem(item);
    const QPoint at = tree->visualItemRect(item).center();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseRelease(tree->viewport(), Qt::LeftButton, {}, at);
}

void typeInto(QAbstractSpinBox *box, const QString &text)
{
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
}

} // namespace

class GraphEditorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void showsTheSampleGraph();
    void edgeLabels_data();
    void edgeLabels();
    void addConnectEditThenUndoEverything();
    void mismatchTurnsNodeRedAndProblemSelectsIt();
    void refusesInvalidConnectionsWhileDragging();
    void copyPasteBetweenEditors();
    void deleteDuplicateAndMoveByDrag();
    void keyboardShortcuts();
    void inspectorEditorsFollowTheRegistry();
    void renameRefusesBadNames();
    void rubberBandSelectsAndDeletesEdges();
    void selectionListenersNeverSeeRemovedItems();
    void zoomAroundCursorAndPan();
    void autoLayoutPureFunction();
    void autoLayoutFromTheEditor();
    void paletteSearch();
    void noTwoActionsShareAShortcut();
};

void GraphEditorTest::initTestCase() { QApplication::clipboard()->clear(); }

void GraphEditorTest::cleanup() { QApplication::clipboard()->clear(); }

void GraphEditorTest::showsTheSampleGraph()
{
    auto doc = loadSample();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();
    QCOMPARE(scene->nodeItems().size(), size_t(12));
    QCOMPARE(scene->edgeItems().size(), size_t(11));
    for (NodeItem *item : scene->nodeItems()) {
        QVERIFY2(!item->hasError(), qPrintable(item->name() + ": " + item->errors().join('\n')));
        const Node *node = doc->project().graph.node(item->nodeId());
        QCOMPARE(item->pos(), QPointF(node->x, node->y));
        QCOMPARE(item->name(), QString::fromStdString(node->name));
    }
    NodeItem *conv1 = scene->nodeItem(NodeId{kConv1});
    QCOMPARE(conv1->typeName(), QStringLiteral("Conv2d"));
    QCOMPARE(conv1->keyParameters(), QStringList({"out_channels: 32", "kernel_size: 3", "padding: 1"}));
    QCOMPARE(conv1->inputCount(), 1);
    QCOMPARE(scene->nodeItem(NodeId{kInput})->inputCount(), 0);
    QVERIFY(conv1->statsText().contains(QLocale().toString(320))); // 32*1*3*3 + 32
    QCOMPARE(editor->problems()->count(), 0);
    QVERIFY(editor->statusText().contains(QLocale().toString(qlonglong(doc->analysis().totalParameters))));
    QVERIFY(editor->statusText().contains(QStringLiteral("12 layers")));
}

void GraphEditorTest::edgeLabels_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<QString>("label");
    QTest::newRow("input") << int(kInput) << "1x28x28";
    QTest::newRow("conv1") << int(kConv1) << "32x28x28";
    QTest::newRow("pool1") << int(kPool1) << "32x14x14";
    QTest::newRow("conv2") << int(kConv2) << "64x14x14";
    QTest::newRow("pool2") << int(kPool2) << "64x7x7";
    QTest::newRow("flatten") << int(kFlatten) << "3136";
    QTest::newRow("fc1") << int(kFc1) << "128";
    QTest::newRow("dropout") << int(kDropout) << "128";
}

void GraphEditorTest::edgeLabels()
{
    QFETCH(int, from);
    QFETCH(QString, label);
    auto doc = loadSample();
    GraphScene scene(doc.get());
    EdgeItem *item = scene.edgeItem(edge(from, from + 1));
    QVERIFY(item);
    QCOMPARE(item->label(), label);
}

void GraphEditorTest::addConnectEditThenUndoEverything()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();

    // Double-click in the palette: a Linear layer in the middle of the view, selected.
    const QPointF centre = view->visibleCenter();
    doubleClickPaletteEntry(editor->palette(), QStringLiteral("Linear"));
    QCOMPARE(doc->project().graph.nodes.size(), size_t(13));
    const Node linear = doc->project().graph.nodes.back();
    QCOMPARE(linear.type, std::string("Linear"));
    QCOMPARE(linear.name, std::string("linear1"));
    QCOMPARE(linear.id.value, 13);
    QVERIFY(linear.params == LayerRegistry::instance().initialParams(*LayerRegistry::instance().find("Linear")));
    QVERIFY(scene->nodeItem(linear.id)->sceneBoundingRect().contains(centre));
    QVERIFY(scene->selectedNodeIds() == std::vector<NodeId>{linear.id});
    QCOMPARE(editor->inspector()->node(), linear.id);
    QVERIFY(scene->nodeItem(linear.id)->hasError()); // its input is not connected yet

    // A palette drag dropped on the canvas: a ReLU where it was dropped.
    const QRectF graph = scene->nodesBoundingRect();
    const QPointF dropAt(graph.left() + graph.width() / 4, graph.bottom() + 300);
    std::unique_ptr<QMimeData> mime(LayerPalette::mimeDataForType(QStringLiteral("ReLU")));
    const QPoint dropPoint = toView(view, dropAt);
    QDragEnterEvent enter(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(QPointF(dropPoint), Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(doc->project().graph.nodes.size(), size_t(14));
    const Node relu = doc->project().graph.nodes.back();
    QCOMPARE(relu.type, std::string("ReLU"));
    QCOMPARE(relu.name, std::string("relu4"));
    QVERIFY(scene->nodeItem(relu.id)->sceneBoundingRect().contains(view->mapToScene(dropPoint)));

    // Connect fc2 -> relu4 -> linear1 by dragging from output ports to input ports.
    NodeItem *fc2Item = scene->nodeItem(NodeId{kFc2});
    NodeItem *reluItem = scene->nodeItem(relu.id);
    NodeItem *linearItem = scene->nodeItem(linear.id);
    beginDrag(view, reluItem->outputAnchor(), linearItem->inputAnchor(0));
    QVERIFY(scene->isConnecting());
    QVERIFY2(scene->connectionAllowed(), qPrintable(scene->connectionRefusal()));
    QCOMPARE(linearItem->inputPort(0)->highlight(), PortItem::Highlight::Allowed);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, linearItem->inputAnchor(0)));
    QVERIFY(!scene->isConnecting());
    QVERIFY(hasEdge(*doc, edge(relu.id.value, linear.id.value)));
    drag(view, fc2Item->outputAnchor(), reluItem->inputAnchor(0));
    QVERIFY(hasEdge(*doc, edge(kFc2, relu.id.value)));
    QCOMPARE(scene->edgeItem(edge(relu.id.value, linear.id.value))->label(), QStringLiteral("10"));
    // Connected now, but its 64 outputs do not suit the 10 classes of the loss.
    QVERIFY(scene->nodeItem(linear.id)->toolTip().contains(QStringLiteral("needs 10")));

    // Edit out_features through the inspector: typing "10" is one undo step and fixes it.
    clickNode(editor.get(), linear.id);
    QCOMPARE(editor->inspector()->node(), linear.id);
    auto *outFeatures = qobject_cast<QSpinBox *>(editor->inspector()->editorFor("out_features"));
    QVERIFY(outFeatures);
    const int steps = doc->undoStack()->index();
    typeInto(outFeatures, QStringLiteral("10"));
    QVERIFY(doc->project().graph.node(linear.id)->params["out_features"] == nlohmann::json(10));
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QCOMPARE(scene->nodeItem(linear.id)->keyParameters().first(), QStringLiteral("out_features: 10"));
    QVERIFY2(!scene->nodeItem(linear.id)->hasError(), qPrintable(scene->nodeItem(linear.id)->errors().join('\n')));

    const std::string edited = doc->serialized();
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
    QCOMPARE(scene->nodeItems().size(), size_t(12));
    QCOMPARE(scene->edgeItems().size(), size_t(11));
    while (doc->undoStack()->canRedo())
        doc->undoStack()->redo();
    QCOMPARE(doc->serialized(), edited);
    QCOMPARE(scene->nodeItems().size(), size_t(14));
    QCOMPARE(scene->edgeItems().size(), size_t(13));
}

void GraphEditorTest::mismatchTurnsNodeRedAndProblemSelectsIt()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();
    QSignalSpy status(editor.get(), &GraphEditor::statusTextChanged);

    clickNode(editor.get(), NodeId{kFc1});
    QCOMPARE(editor->inspector()->node(), NodeId{kFc1});
    auto *inFeatures = qobject_cast<QSpinBox *>(editor->inspector()->editorFor("in_features"));
    QVERIFY(inFeatures);
    typeInto(inFeatures, QStringLiteral("100"));
    QVERIFY(doc->project().graph.node(NodeId{kFc1})->params["in_features"] == nlohmann::json(100));

    NodeItem *fc1 = scene->nodeItem(NodeId{kFc1});
    QVERIFY(fc1->hasError());
    QVERIFY2(fc1->toolTip().contains(QStringLiteral("3136 features reach a layer that expects 100")),
             qPrintable(fc1->toolTip()));
    QVERIFY(scene->edgeItem(edge(kFlatten, kFc1))->hasProblem());
    QVERIFY(!editor->inspector()->findChild<QLabel *>("nodeProblems")->text().isEmpty());
    QVERIFY(!status.isEmpty());
    QVERIFY(editor->statusText().contains(QStringLiteral("problem")));

    ProblemsList *problems = editor->problems();
    int row = -1;
    for (int i = 0; i < problems->count(); ++i)
        if (problems->nodeAt(i) == NodeId{kFc1})
            row = i;
    QVERIFY(row >= 0);
    QVERIFY(problems->item(row)->text().contains(QStringLiteral("expects 100")));

    // Clicking the problem selects fc1 and brings it to the middle of the view.
    scene->selectNodes({NodeId{kInput}});
    editor->view()->centerOn(QPointF(0, 0));
    problems->scrollToItem(problems->item(row));
    QTest::mouseClick(problems->viewport(), Qt::LeftButton, {}, problems->visualItemRect(problems->item(row)).center());
    QVERIFY(scene->selectedNodeIds() == std::vector<NodeId>{NodeId{kFc1}});
    QVERIFY(editor->view()
                ->mapToScene(editor->view()->viewport()->rect())
                .boundingRect()
                .contains(fc1->sceneBoundingRect().center()));
    QVERIFY(QLineF(editor->view()->visibleCenter(), fc1->sceneBoundingRect().center()).length() < 5);

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
    QVERIFY(!fc1->hasError());
    QCOMPARE(problems->count(), 0);
}

void GraphEditorTest::refusesInvalidConnectionsWhileDragging()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();
    auto item = [&](int id) { return scene->nodeItem(NodeId{id}); };

    // Free pool1's input so that only the cycle stands in the way below.
    doc->undoStack()->push(new AddRemoveEdge(doc.get(), edge(kRelu1, kPool1), false));
    const size_t edges = doc->project().graph.edges.size();
    const int steps = doc->undoStack()->index();

    struct Case {
        int from, to;
        const char *why;
    };
    const Case refused[] = {
        {kPool2, kPool1, "cycle"},             // pool1 -> conv2 -> relu2 -> pool2 -> pool1
        {kRelu3, kConv2, "already connected"}, // conv2's input comes from pool1
        {kConv2, kConv2, "itself"},
    };
    for (const Case &c : refused) {
        beginDrag(view, item(c.from)->outputAnchor(), item(c.to)->inputAnchor(0));
        QVERIFY(scene->isConnecting());
        QVERIFY(!scene->connectionAllowed());
        QVERIFY2(scene->connectionRefusal().contains(QLatin1String(c.why)), qPrintable(scene->connectionRefusal()));
        QCOMPARE(item(c.to)->inputPort(0)->highlight(), PortItem::Highlight::Refused);
        QCOMPARE(view->viewport()->cursor().shape(), Qt::ForbiddenCursor);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, item(c.to)->inputAnchor(0)));
        QVERIFY(!scene->isConnecting());
        QCOMPARE(doc->project().graph.edges.size(), edges);
        QCOMPARE(doc->undoStack()->index(), steps);
        QCOMPARE(item(c.to)->inputPort(0)->highlight(), PortItem::Highlight::None);
    }

    // Over a node's body the connection goes to its first free input.
    beginDrag(view, item(kRelu1)->outputAnchor(), bodyOf(item(kPool1)));
    QVERIFY(scene->connectionAllowed());
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, bodyOf(item(kPool1))));
    QVERIFY(hasEdge(*doc, edge(kRelu1, kPool1)));
    QCOMPARE(doc->undoStack()->index(), steps + 1);

    // Released over empty canvas: nothing.
    drag(view, item(kFc2)->outputAnchor(), scene->nodesBoundingRect().bottomRight() + QPointF(-100, 300));
    QCOMPARE(doc->undoStack()->index(), steps + 1);

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::copyPasteBetweenEditors()
{
    auto docA = loadSample();
    auto docB = loadSample();
    ProjectDocument docC; // an empty project
    const std::string originalA = docA->serialized();
    const std::string originalB = docB->serialized();
    const std::string originalC = docC.serialized();
    auto a = showEditor(docA.get());
    auto b = showEditor(docB.get());
    auto c = showEditor(&docC);

    // Arranged in one row, conv2, relu2 and pool2 can be caught by one rubber band; copy them.
    a->layoutAction()->trigger();
    const std::string arrangedA = docA->serialized();
    const QRectF pool1 = a->scene()->nodeItem(NodeId{kPool1})->sceneBoundingRect();
    const QRectF conv2 = a->scene()->nodeItem(NodeId{kConv2})->sceneBoundingRect();
    const QRectF pool2 = a->scene()->nodeItem(NodeId{kPool2})->sceneBoundingRect();
    const QRectF flatten = a->scene()->nodeItem(NodeId{kFlatten})->sceneBoundingRect();
    drag(a->view(), QPointF(pool1.right() + (conv2.left() - pool1.right()) * 0.9, conv2.top() - 60),
         QPointF(pool2.right() + (flatten.left() - pool2.right()) * 0.2, conv2.bottom() + 40));
    QVERIFY(a->scene()->selectedNodeIds() == (std::vector<NodeId>{NodeId{kConv2}, NodeId{kRelu2}, NodeId{kPool2}}));
    QVERIFY(a->copyAction()->isEnabled());
    a->copyAction()->trigger();
    QVERIFY(QApplication::clipboard()->mimeData()->hasFormat(ProjectDocument::kNodesMimeType));
    QTRY_VERIFY(b->pasteAction()->isEnabled());

    // Into the second window, on the same graph: new ids, clashing names renamed, inner edges kept.
    b->pasteAction()->trigger();
    const Graph &g = docB->project().graph;
    QCOMPARE(g.nodes.size(), size_t(15));
    QCOMPARE(g.edges.size(), size_t(13));
    const Node &conv = g.nodes[12], &relu = g.nodes[13], &pool = g.nodes[14];
    QCOMPARE(conv.id.value, 13);
    QCOMPARE(conv.name, std::string("conv3"));
    QCOMPARE(relu.name, std::string("relu4"));
    QCOMPARE(pool.name, std::string("pool3"));
    QVERIFY(conv.params == docA->project().graph.node(NodeId{kConv2})->params);
    QCOMPARE(QPointF(conv.x, conv.y), positionOf(*docA, kConv2) + QPointF(40, 40));
    QVERIFY(hasEdge(*docB, edge(conv.id.value, relu.id.value)));
    QVERIFY(hasEdge(*docB, edge(relu.id.value, pool.id.value)));
    QVERIFY(b->scene()->selectedNodeIds() == (std::vector<NodeId>{conv.id, relu.id, pool.id}));
    QCOMPARE(b->scene()->nodeItems().size(), size_t(15));
    QCOMPARE(docB->undoStack()->index(), 1);

    // Pasting again steps further aside instead of covering the first copy.
    b->pasteAction()->trigger();
    QCOMPARE(docB->project().graph.nodes[15].x, positionOf(*docA, kConv2).x() + 80);

    // Into an empty project the names stay.
    c->pasteAction()->trigger();
    QCOMPARE(docC.project().graph.nodes.size(), size_t(3));
    QCOMPARE(docC.project().graph.nodes[0].name, std::string("conv2"));
    QCOMPARE(docC.project().graph.edges.size(), size_t(2));

    QCOMPARE(docA->serialized(), arrangedA);
    undoAll(docB.get());
    QCOMPARE(docB->serialized(), originalB);
    undoAll(&docC);
    QCOMPARE(docC.serialized(), originalC);

    // Cut removes what it copied, and pasting brings it back under its own names.
    a->scene()->selectNodes({NodeId{kDropout}});
    a->cutAction()->trigger();
    QVERIFY(!docA->project().graph.node(NodeId{kDropout}));
    QCOMPARE(docA->project().graph.edges.size(), size_t(9));
    a->pasteAction()->trigger();
    QVERIFY(docA->project().graph.findByName("dropout"));
    undoAll(docA.get());
    QCOMPARE(docA->serialized(), originalA);
}

void GraphEditorTest::deleteDuplicateAndMoveByDrag()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();

    // Delete: the node and the edges touching it, one step.
    clickNode(editor.get(), NodeId{kRelu3});
    editor->deleteAction()->trigger();
    QVERIFY(!doc->project().graph.node(NodeId{kRelu3}));
    QVERIFY(!scene->nodeItem(NodeId{kRelu3}));
    QCOMPARE(doc->project().graph.edges.size(), size_t(9));
    QCOMPARE(scene->edgeItems().size(), size_t(9));
    doc->undoStack()->undo();
    QCOMPARE(doc->serialized(), original);
    QCOMPARE(scene->edgeItems().size(), size_t(11));

    // Duplicate: a copy beside the original, with a fresh name.
    clickNode(editor.get(), NodeId{kConv1});
    editor->duplicateAction()->trigger();
    const Node copy = doc->project().graph.nodes.back();
    QCOMPARE(copy.name, std::string("conv3"));
    QCOMPARE(QPointF(copy.x, copy.y), positionOf(*doc, kConv1) + QPointF(40, 40));
    QVERIFY(scene->selectedNodeIds() == std::vector<NodeId>{copy.id});
    doc->undoStack()->undo();
    QCOMPARE(doc->serialized(), original);

    // Move by dragging conv2's body: every step of the drag is one undo step.
    NodeItem *conv2 = scene->nodeItem(NodeId{kConv2});
    const int steps = doc->undoStack()->index();
    const QPointF origin = positionOf(*doc, kConv2);
    const QPointF start = bodyOf(conv2);
    drag(editor->view(), start, start + QPointF(100, 160));
    const Node *moved = doc->project().graph.node(NodeId{kConv2});
    // Whole pixels: the pointer's scene steps are rounded.
    QVERIFY(std::abs(moved->x - (origin.x() + 100)) <= 3);
    QVERIFY(std::abs(moved->y - (origin.y() + 160)) <= 3);
    QCOMPARE(conv2->pos(), QPointF(moved->x, moved->y));
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    // The edge into it followed.
    QVERIFY(QLineF(scene->edgeItem(edge(kPool1, kConv2))->path().pointAtPercent(1.0), conv2->inputAnchor(0)).length()
            < 0.01);
    doc->undoStack()->undo();
    QCOMPARE(conv2->pos(), origin);
    QCOMPARE(doc->serialized(), original);

    // Moving several selected nodes together.
    scene->selectNodes({NodeId{kConv2}, NodeId{kRelu2}});
    drag(editor->view(), bodyOf(conv2), bodyOf(conv2) + QPointF(0, 200));
    QCOMPARE(doc->project().graph.node(NodeId{kRelu2})->y, doc->project().graph.node(NodeId{kConv2})->y);
    QVERIFY(doc->project().graph.node(NodeId{kRelu2})->y > origin.y() + 150);
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::keyboardShortcuts()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    editor->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(editor.get()));
    GraphView *view = editor->view();
    view->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(view));

    clickNode(editor.get(), NodeId{kDropout});
    QTest::keyClick(view, Qt::Key_Delete);
    QVERIFY(!doc->project().graph.node(NodeId{kDropout}));

    clickNode(editor.get(), NodeId{kConv1});
    QTest::keyClick(view, Qt::Key_D, Qt::ControlModifier);
    QCOMPARE(doc->project().graph.nodes.back().name, std::string("conv3"));

    QTest::keyClick(view, Qt::Key_A, Qt::ControlModifier);
    QCOMPARE(editor->scene()->selectedNodeIds().size(), doc->project().graph.nodes.size());

    // Typing in the inspector keeps its keys: Delete there edits text, not the graph.
    clickNode(editor.get(), NodeId{kConv2});
    QLineEdit *name = editor->inspector()->nameEditor();
    name->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(name));
    name->setCursorPosition(0);
    const size_t nodes = doc->project().graph.nodes.size();
    QTest::keyClick(name, Qt::Key_Delete);
    QCOMPARE(doc->project().graph.nodes.size(), nodes);
    QCOMPARE(name->text(), QStringLiteral("onv2"));
    name->setText(QStringLiteral("conv2")); // nothing left to commit when focus goes
    view->setFocus();

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::inspectorEditorsFollowTheRegistry()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    NodeInspector *inspector = editor->inspector();

    editor->scene()->selectNodes({NodeId{kConv1}});
    QCOMPARE(inspector->nameEditor()->text(), QStringLiteral("conv1"));
    auto *out = qobject_cast<QSpinBox *>(inspector->editorFor("out_channels"));
    QVERIFY(out);
    QCOMPARE(out->value(), 32);
    QCOMPARE(out->minimum(), 1);
    auto *bias = qobject_cast<QCheckBox *>(inspector->editorFor("bias"));
    QVERIFY(bias);
    QVERIFY(bias->isChecked());
    QCOMPARE(inspector->findChild<QLabel *>("outputShape")->text(), QStringLiteral("32x28x28"));
    QCOMPARE(inspector->findChild<QLabel *>("parameterCount")->text(), QLocale().toString(320));
    QCOMPARE(inspector->findChild<QLabel *>("multiplyAdds")->text(), QLocale().toString(28 * 28 * 288));

    QTest::mouseClick(bias, Qt::LeftButton, {}, QPoint(6, bias->height() / 2));
    QVERIFY(doc->project().graph.node(NodeId{kConv1})->params["bias"] == nlohmann::json(false));
    QCOMPARE(inspector->findChild<QLabel *>("parameterCount")->text(), QLocale().toString(288));

    editor->scene()->selectNodes({NodeId{kDropout}});
    auto *p = qobject_cast<QDoubleSpinBox *>(inspector->editorFor("p"));
    QVERIFY(p);
    QCOMPARE(p->value(), 0.25);
    QVERIFY(p->decimals() >= 2);
    QCOMPARE(p->maximum(), 0.999);
    typeInto(p, QStringLiteral("0.5"));
    QVERIFY(doc->project().graph.node(NodeId{kDropout})->params["p"] == nlohmann::json(0.5));

    editor->scene()->selectNodes({NodeId{kInput}});
    auto *dtype = qobject_cast<QComboBox *>(inspector->editorFor("dtype"));
    QVERIFY(dtype);
    QCOMPARE(dtype->currentText(), QStringLiteral("float32"));
    QTest::keyClick(dtype, Qt::Key_Down);
    QVERIFY(doc->project().graph.node(NodeId{kInput})->params["dtype"] == nlohmann::json("int64"));

    // Undo moves the editors back.
    doc->undoStack()->undo();
    QCOMPARE(dtype->currentText(), QStringLiteral("float32"));

    // Several selected: no editors.
    editor->scene()->selectNodes({NodeId{kInput}, NodeId{kConv1}});
    QCOMPARE(inspector->node(), NodeId{});

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::renameRefusesBadNames()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    editor->scene()->selectNodes({NodeId{kConv1}});
    QLineEdit *name = editor->inspector()->nameEditor();
    QCOMPARE(name->objectName(), QStringLiteral("nodeName"));

    auto enter = [&](const QString &text) {
        name->setFocus();
        name->selectAll();
        QTest::keyClicks(name, text);
        QTest::keyClick(name, Qt::Key_Return);
    };
    enter(QStringLiteral("2 convs"));
    QCOMPARE(doc->project().graph.node(NodeId{kConv1})->name, std::string("conv1"));
    QVERIFY(editor->inspector()->nameError().contains(QStringLiteral("not a valid name")));
    QCOMPARE(name->text(), QStringLiteral("conv1"));

    enter(QStringLiteral("conv2"));
    QCOMPARE(doc->project().graph.node(NodeId{kConv1})->name, std::string("conv1"));
    QVERIFY(editor->inspector()->nameError().contains(QStringLiteral("already")));

    enter(QStringLiteral("stem"));
    QCOMPARE(doc->project().graph.node(NodeId{kConv1})->name, std::string("stem"));
    QVERIFY(editor->inspector()->nameError().isEmpty());
    QCOMPARE(editor->scene()->nodeItem(NodeId{kConv1})->name(), QStringLiteral("stem"));

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
    QCOMPARE(name->text(), QStringLiteral("conv1"));
}

// Removing a selected edge or node (a delete, an undo, a reload) announces the selection
// change; whoever listens must see only items that are whole and still in the document. A
// selected EdgeItem was once deleted while still listed, and listeners used it half-destroyed.
void GraphEditorTest::selectionListenersNeverSeeRemovedItems()
{
    auto doc = loadSample();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();
    int calls = 0;
    QStringList stale;
    QObject::connect(scene, &QGraphicsScene::selectionChanged, editor.get(), [&] {
        ++calls;
        for (const Edge &e : scene->selectedEdges())
            if (!hasEdge(*doc, e))
                stale << QStringLiteral("edge %1->%2").arg(e.from.node.value).arg(e.to.node.value);
        for (EdgeItem *item : scene->edgeItems())
            if (item->scene() != scene)
                stale << QStringLiteral("edge item off the scene");
        for (NodeId id : scene->selectedNodeIds())
            if (!doc->project().graph.node(id))
                stale << QStringLiteral("node %1").arg(id.value);
    });

    const Edge e = edge(kRelu1, kPool1);
    scene->edgeItem(e)->setSelected(true);
    calls = 0;
    doc->deleteItems({}, {e});
    QVERIFY(!hasEdge(*doc, e));
    QVERIFY(calls >= 1);
    QVERIFY2(stale.isEmpty(), qPrintable(stale.join(", ")));
    QVERIFY(scene->selectedEdges().empty());

    // Undo brings it back; selected again, undone away again.
    doc->undoStack()->undo();
    QVERIFY(hasEdge(*doc, e));
    scene->edgeItem(e)->setSelected(true);
    doc->undoStack()->redo();
    QVERIFY2(stale.isEmpty(), qPrintable(stale.join(", ")));

    // A node with its edges selected, removed; then a reload drops every item at once.
    scene->selectNodes({NodeId{kConv2}});
    scene->edgeItem(edge(kPool1, kConv2))->setSelected(true);
    doc->deleteItems({NodeId{kConv2}}, {});
    QVERIFY2(stale.isEmpty(), qPrintable(stale.join(", ")));
    scene->selectNodes({NodeId{kConv1}});
    scene->edgeItem(edge(kInput, kConv1))->setSelected(true);
    QString error;
    QVERIFY2(doc->load(samplePath(), &error), qPrintable(error));
    QVERIFY2(stale.isEmpty(), qPrintable(stale.join(", ")));
    QCOMPARE(scene->edgeItems().size(), size_t(11));
}

void GraphEditorTest::rubberBandSelectsAndDeletesEdges()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();

    // A band over empty canvas between two nodes catches only the edge crossing it.
    editor->layoutAction()->trigger();
    NodeItem *relu1 = scene->nodeItem(NodeId{kRelu1});
    const QPointF port = relu1->outputAnchor();
    drag(editor->view(), port + QPointF(20, 34), port + QPointF(30, 2));
    QVERIFY(scene->selectedNodeIds().empty());
    QVERIFY(scene->selectedEdges() == std::vector<Edge>{edge(kRelu1, kPool1)});
    editor->deleteAction()->trigger();
    QVERIFY(!hasEdge(*doc, edge(kRelu1, kPool1)));
    QCOMPARE(scene->edgeItems().size(), size_t(10));
    QVERIFY(scene->nodeItem(NodeId{kPool1})->hasError()); // input not connected
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::zoomAroundCursorAndPan()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    QWidget *vp = view->viewport();

    const QPoint cursor(200, 150);
    const QPointF under = view->mapToScene(cursor);
    const qreal before = view->zoom();
    QWheelEvent wheel(QPointF(cursor), vp->mapToGlobal(QPointF(cursor)), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(vp, &wheel);
    QVERIFY(view->zoom() > before * 1.1);
    QVERIFY(QLineF(view->mapToScene(cursor), under).length() < 2 / view->zoom());

    // Middle-button drag pans.
    const QPointF centre = view->visibleCenter();
    QTest::mousePress(vp, Qt::MiddleButton, {}, QPoint(400, 400));
    QTest::mouseMove(vp, QPoint(350, 380));
    QTest::mouseMove(vp, QPoint(300, 350));
    QTest::mouseRelease(vp, Qt::MiddleButton, {}, QPoint(300, 350));
    const QPointF panned = view->visibleCenter() - centre;
    QVERIFY(std::abs(panned.x() - 100 / view->zoom()) < 2 / view->zoom());
    QVERIFY(std::abs(panned.y() - 50 / view->zoom()) < 2 / view->zoom());

    // Space + left drag pans too, even when it starts on a node, and moves nothing.
    const QPointF centre2 = view->visibleCenter();
    const QPoint onNode = toView(view, bodyOf(editor->scene()->nodeItem(NodeId{kConv2})));
    QTest::keyPress(view, Qt::Key_Space);
    QTest::mousePress(vp, Qt::LeftButton, {}, onNode);
    QTest::mouseMove(vp, onNode + QPoint(-40, 0));
    QTest::mouseMove(vp, onNode + QPoint(-80, 0));
    QTest::mouseRelease(vp, Qt::LeftButton, {}, onNode + QPoint(-80, 0));
    QTest::keyRelease(view, Qt::Key_Space);
    QVERIFY(std::abs((view->visibleCenter() - centre2).x() - 80 / view->zoom()) < 2 / view->zoom());
    QCOMPARE(doc->undoStack()->index(), 0);

    // Zoom actions and fit.
    const qreal z = view->zoom();
    editor->zoomInAction()->trigger();
    QVERIFY(view->zoom() > z);
    editor->zoomOutAction()->trigger();
    QVERIFY(std::abs(view->zoom() - z) < 1e-9);
    editor->fitAction()->trigger();
    const QRectF visible = view->mapToScene(vp->rect()).boundingRect();
    QVERIFY(visible.contains(editor->scene()->nodesBoundingRect()));
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::autoLayoutPureFunction()
{
    // The sample's chain, scrambled: columns follow the topological order, one row.
    auto doc = loadSample();
    Graph g = doc->project().graph;
    std::reverse(g.nodes.begin(), g.nodes.end());
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        g.nodes[i].x = double((i * 37) % 11) * 50;
        g.nodes[i].y = double((i * 13) % 7) * 40;
    }
    AutoLayoutOptions options;
    const auto pos = autoLayout(g, options);
    QCOMPARE(pos.size(), g.nodes.size());
    const auto order = *g.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        QCOMPARE(pos.at(order[i].value).x() - pos.at(order[i - 1].value).x(), options.columnSpacing);
        QCOMPARE(pos.at(order[i].value).y(), options.origin.y());
    }
    QCOMPARE(pos.at(kInput), options.origin);

    // A fork and a join: the two branches share a column, one above the other.
    Graph fork;
    auto add = [&](int id, const char *type) {
        Node n;
        n.id = NodeId{id};
        n.type = type;
        n.name = std::string("n") + std::to_string(id);
        fork.nodes.push_back(n);
    };
    add(1, "Input");
    add(2, "ReLU");
    add(3, "Tanh");
    add(4, "Add");
    add(5, "Linear");
    fork.edges = {edge(1, 2), edge(1, 3), edge(2, 4, 0), edge(3, 4, 1), edge(4, 5)};
    const auto p = autoLayout(fork, options);
    QCOMPARE(p.at(2).x(), p.at(3).x());
    QVERIFY(p.at(2).y() != p.at(3).y());
    QCOMPARE(p.at(2).y() + p.at(3).y(), 2 * options.origin.y());
    QVERIFY(p.at(4).x() > p.at(2).x());
    QVERIFY(p.at(5).x() > p.at(4).x());

    // A cycle still gets positions for every node.
    Graph cycle = fork;
    cycle.edges.push_back(edge(5, 2));
    QCOMPARE(autoLayout(cycle, options).size(), cycle.nodes.size());
}

void GraphEditorTest::autoLayoutFromTheEditor()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    // Scatter two nodes by dragging, then arrange: one undo step puts the chain back in a row.
    drag(editor->view(), bodyOf(editor->scene()->nodeItem(NodeId{kRelu2})),
         bodyOf(editor->scene()->nodeItem(NodeId{kRelu2})) + QPointF(-300, 300));
    const int steps = doc->undoStack()->index();
    editor->layoutAction()->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    const Graph &g = doc->project().graph;
    const auto order = *g.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        QVERIFY(g.node(order[i])->x > g.node(order[i - 1])->x);
        QCOMPARE(g.node(order[i])->y, g.node(order[0])->y);
        QCOMPARE(editor->scene()->nodeItem(order[i])->pos(), QPointF(g.node(order[i])->x, g.node(order[i])->y));
    }
    QVERIFY(editor->view()
                ->mapToScene(editor->view()->viewport()->rect())
                .boundingRect()
                .contains(editor->scene()->nodesBoundingRect()));
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::paletteSearch()
{
    LayerPalette palette;
    QVERIFY(palette.itemForType("Conv2d"));
    palette.searchBox()->setText(QStringLiteral("pool"));
    QVERIFY(!palette.itemForType("MaxPool2d")->isHidden());
    QVERIFY(palette.itemForType("Conv2d")->isHidden());
    QVERIFY(palette.itemForType("Conv2d")->parent()->isHidden());
    QSignalSpy activated(&palette, &LayerPalette::layerActivated);
    QTest::keyClick(palette.searchBox(), Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QVERIFY(activated.first().first().toString().contains(QStringLiteral("Pool")));
    palette.searchBox()->clear();
    QVERIFY(!palette.itemForType("Conv2d")->isHidden());
    std::unique_ptr<QMimeData> mime(LayerPalette::mimeDataForType(QStringLiteral("Dropout")));
    QCOMPARE(LayerPalette::typeFromMimeData(mime.get()), QStringLiteral("Dropout"));
}

// Each editing shortcut belongs to one action: the platform's Delete bindings include Ctrl+D on
// X11, which made Duplicate's Ctrl+D an "ambiguous shortcut" that did nothing.
void GraphEditorTest::noTwoActionsShareAShortcut()
{
    ProjectDocument doc;
    GraphEditor editor(&doc);
    const QList<QAction *> actions = {editor.cutAction(),    editor.copyAction(),      editor.pasteAction(),
                                      editor.deleteAction(), editor.duplicateAction(), editor.selectAllAction(),
                                      editor.fitAction(),    editor.layoutAction(),    editor.zoomInAction(),
                                      editor.zoomOutAction()};
    QMap<QString, QString> owner;
    for (QAction *a : actions)
        for (const QKeySequence &k : a->shortcuts()) {
            const QString key = k.toString();
            QVERIFY2(!owner.contains(key), qPrintable(key + " belongs to " + owner.value(key) + " and " + a->text()));
            owner.insert(key, a->text());
        }
    QCOMPARE(editor.duplicateAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_D));
}

QTEST_MAIN(GraphEditorTest)
#include "tst_grapheditor.moc"
