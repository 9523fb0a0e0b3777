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
#include "layertable.h"
#include "minimap.h"
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
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QPainterPathStroker>
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

// A shown editor that sees the whole graph (scaled down to fit, at most to 0.45) with empty
// canvas below it and right of it, where the view's centre is.
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
    // Room below the graph and right of it, all in view: the centre is right of the graph.
    const QSize port = view->viewport()->size();
    view->setZoom(std::min(
        {0.45, (port.height() - 40) / (graph.height() + 700), (port.width() - 40) / (2 * (graph.width() + 300))}));
    view->centerOn(QPointF(graph.right() + 150, graph.center().y() + 300));
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
    void projectWithoutPositionsIsArranged();
    void skipConnectionsGoAroundCards();
    void fitKeepsCardsReadableAndTheOverviewPans();
    void addBelowSelectedRewiresThroughTheNewLayer();
    void dropOnAnEdgeInsertsTheLayer();
    void dragAnEdgeEndToReattachIt();
    void connectFromAnInputPort();
    void contextMenus();
    void layerTableFollowsTheGraph();
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
    QVERIFY(QLineF(editor->view()->visibleCenter(), fc1->sceneBoundingRect().center()).length()
            < 2 / editor->view()->zoom());

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

    // Arranged in one column, conv2, relu2 and pool2 can be caught by one rubber band; copy them.
    a->layoutAction()->trigger();
    const std::string arrangedA = docA->serialized();
    const QRectF pool1 = a->scene()->nodeItem(NodeId{kPool1})->sceneBoundingRect();
    const QRectF conv2 = a->scene()->nodeItem(NodeId{kConv2})->sceneBoundingRect();
    const QRectF pool2 = a->scene()->nodeItem(NodeId{kPool2})->sceneBoundingRect();
    const QRectF flatten = a->scene()->nodeItem(NodeId{kFlatten})->sceneBoundingRect();
    a->view()->setZoom(0.4);
    a->view()->centerOn(conv2.center());
    drag(a->view(), QPointF(conv2.left() - 60, pool1.bottom() + (conv2.top() - pool1.bottom()) * 0.9),
         QPointF(conv2.right() + 40, pool2.bottom() + (flatten.top() - pool2.bottom()) * 0.2));
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
    const QPointF relu2Origin = positionOf(*doc, kRelu2);
    drag(editor->view(), bodyOf(conv2), bodyOf(conv2) + QPointF(0, 200));
    QCOMPARE(positionOf(*doc, kRelu2) - relu2Origin, positionOf(*doc, kConv2) - origin);
    QVERIFY(positionOf(*doc, kConv2).y() > origin.y() + 150);
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
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(vp, &wheel);
    QVERIFY(view->zoom() > before * 1.1);
    QVERIFY(QLineF(view->mapToScene(cursor), under).length() < 2 / view->zoom());

    // The wheel alone scrolls and keeps the zoom.
    const qreal zoomed = view->zoom();
    const int scrolledFrom = view->verticalScrollBar()->value();
    QWheelEvent scroll(QPointF(cursor), vp->mapToGlobal(QPointF(cursor)), QPoint(), QPoint(0, -120), Qt::NoButton,
                       Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(vp, &scroll);
    QCOMPARE(view->zoom(), zoomed);
    if (view->verticalScrollBar()->maximum() > scrolledFrom)
        QVERIFY(view->verticalScrollBar()->value() > scrolledFrom);

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
    // Fitted, but not below readable cards: the sample's row is wider than the view then, and
    // its start (the Input) is shown.
    const QRectF visible = view->mapToScene(vp->rect()).boundingRect();
    QVERIFY(view->zoom() >= GraphView::readableZoom() - 1e-9);
    QVERIFY(visible.contains(editor->scene()->nodeItem(NodeId{kInput})->sceneBoundingRect()));
    QCOMPARE(doc->serialized(), original);
}

namespace {

Node makeNode(int id, const char *type, nlohmann::json params = nlohmann::json::object())
{
    Node n;
    n.id = NodeId{id};
    n.type = type;
    n.name = std::string("n") + std::to_string(id);
    n.params = std::move(params);
    return n;
}

// A ResNet-style block: input -> conv -> (conv -> relu -> conv) + skip -> add -> flatten.
Graph residualGraph()
{
    Graph g;
    g.nodes = {makeNode(1, "Input"),  makeNode(2, "Conv2d"), makeNode(3, "Conv2d"), makeNode(4, "ReLU"),
               makeNode(5, "Conv2d"), makeNode(6, "Add"),    makeNode(7, "Flatten")};
    g.edges = {edge(1, 2), edge(2, 3), edge(3, 4), edge(4, 5), edge(5, 6, 0), edge(2, 6, 1), edge(6, 7)};
    return g;
}

// Every edge runs down (its target's top below its source's bottom), and no two cards overlap.
void checkLayered(const Graph &g, const std::map<int, QPointF> &pos)
{
    QCOMPARE(pos.size(), g.nodes.size());
    std::map<int, QRectF> box;
    for (const Node &n : g.nodes)
        box[n.id.value] = QRectF(pos.at(n.id.value), NodeItem::sizeFor(n));
    for (const Edge &e : g.edges)
        QVERIFY2(
            box[e.to.node.value].top() > box[e.from.node.value].bottom(),
            qPrintable(QStringLiteral("edge %1 -> %2 does not run down").arg(e.from.node.value).arg(e.to.node.value)));
    for (auto a = box.begin(); a != box.end(); ++a)
        for (auto b = std::next(a); b != box.end(); ++b)
            QVERIFY2(!a->second.intersects(b->second),
                     qPrintable(QStringLiteral("cards %1 and %2 overlap").arg(a->first).arg(b->first)));
}

} // namespace

void GraphEditorTest::autoLayoutPureFunction()
{
    // The sample's chain, scrambled: one vertical line, top to bottom in data-flow order.
    auto doc = loadSample();
    Graph g = doc->project().graph;
    std::reverse(g.nodes.begin(), g.nodes.end());
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        g.nodes[i].x = double((i * 37) % 11) * 50;
        g.nodes[i].y = double((i * 13) % 7) * 40;
    }
    AutoLayoutOptions options;
    options.origin = QPointF(300, 50);
    const auto pos = autoLayout(g, options);
    checkLayered(g, pos);
    if (QTest::currentTestFailed())
        return;
    const auto order = *g.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        QCOMPARE(pos.at(order[i].value).x(), pos.at(order[0].value).x());
        QVERIFY(pos.at(order[i].value).y() > pos.at(order[i - 1].value).y());
    }
    QCOMPARE(pos.at(kInput), QPointF(300 - NodeItem::kWidth / 2, 50));
    // Taller than wide.
    QRectF bounds;
    for (const Node &n : g.nodes)
        bounds = bounds.united(QRectF(pos.at(n.id.value), NodeItem::sizeFor(n)));
    QVERIFY(bounds.height() > 3 * bounds.width());

    // A fork and a join: the two branches share a layer, side by side, centred under the input;
    // the join is back under the input.
    Graph fork;
    fork.nodes = {makeNode(1, "Input"), makeNode(2, "ReLU"), makeNode(3, "Tanh"), makeNode(4, "Add"),
                  makeNode(5, "Linear")};
    fork.edges = {edge(1, 2), edge(1, 3), edge(2, 4, 0), edge(3, 4, 1), edge(4, 5)};
    const auto p = autoLayout(fork, options);
    checkLayered(fork, p);
    QCOMPARE(p.at(2).y(), p.at(3).y());
    QVERIFY(p.at(2).x() != p.at(3).x());
    QCOMPARE(p.at(2).x() + p.at(3).x(), 2 * p.at(1).x());
    QCOMPARE(p.at(4).x(), p.at(1).x());
    QCOMPARE(p.at(5).x(), p.at(1).x());

    // A residual block: the main chain stays one vertical line, the skip edge gets no place.
    const Graph res = residualGraph();
    const auto r = autoLayout(res, options);
    checkLayered(res, r);
    for (int id = 2; id <= 7; ++id)
        QCOMPARE(r.at(id).x(), r.at(1).x());

    // Crossings: two chains whose second layer is listed the other way round are untangled.
    Graph two;
    two.nodes = {makeNode(1, "Input"), makeNode(2, "Input"), makeNode(3, "ReLU"), makeNode(4, "ReLU")};
    two.nodes[0].x = 0;
    two.nodes[1].x = 500;
    two.nodes[2].x = 500; // n3 (fed by the left input) starts on the right
    two.nodes[3].x = 0;
    two.edges = {edge(1, 3), edge(2, 4)};
    const auto t = autoLayout(two, options);
    QCOMPARE(t.at(1).x() < t.at(2).x(), t.at(3).x() < t.at(4).x());

    // A cycle still gets positions for every node.
    Graph cycle = fork;
    cycle.edges.push_back(edge(5, 2));
    QCOMPARE(autoLayout(cycle, options).size(), cycle.nodes.size());

    // A graph written without positions needs a layout; an arranged one does not.
    QVERIFY(needsLayout(res));
    QVERIFY(!needsLayout(g));
}

void GraphEditorTest::projectWithoutPositionsIsArranged()
{
    Project p = loadSample()->project();
    for (Node &n : p.graph.nodes)
        n.x = n.y = 0;
    ProjectDocument doc;
    doc.reset(p);
    checkLayered(doc.project().graph, [&] {
        std::map<int, QPointF> at;
        for (const Node &n : doc.project().graph.nodes)
            at[n.id.value] = QPointF(n.x, n.y);
        return at;
    }());
    QVERIFY(!doc.isModified());
}

void GraphEditorTest::skipConnectionsGoAroundCards()
{
    ProjectDocument doc;
    Project p = loadSample()->project();
    p.graph = residualGraph();
    doc.reset(p); // no positions: arranged
    GraphScene scene(&doc);
    EdgeItem *skip = scene.edgeItem(edge(2, 6, 1));
    QVERIFY(skip);
    QVERIFY(skip->lane().has_value());
    QPainterPathStroker stroker;
    stroker.setWidth(2);
    const QPainterPath line = stroker.createStroke(skip->path());
    for (int id : {3, 4, 5}) {
        const QRectF card = scene.nodeItem(NodeId{id})->sceneBoundingRect();
        QVERIFY2(!line.intersects(card), qPrintable(QStringLiteral("the skip edge crosses n%1").arg(id)));
        QVERIFY(!skip->labelRect().intersects(card));
    }
    // The chain's edges run straight down, without a lane.
    QVERIFY(!scene.edgeItem(edge(3, 4))->lane().has_value());
    QCOMPARE(scene.edgeItem(edge(3, 4))->sourcePoint().x(), scene.edgeItem(edge(3, 4))->targetPoint().x());
    // Labels are in the UI font.
    QCOMPARE(EdgeItem::labelFont().pointSizeF(), QApplication::font().pointSizeF());
    QVERIFY(NodeItem::bodyFont().pointSizeF() >= QApplication::font().pointSizeF());
}

void GraphEditorTest::autoLayoutFromTheEditor()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    // Scatter a node by dragging, then arrange: one undo step puts the chain in one column.
    drag(editor->view(), bodyOf(editor->scene()->nodeItem(NodeId{kRelu2})),
         bodyOf(editor->scene()->nodeItem(NodeId{kRelu2})) + QPointF(-300, 300));
    const int steps = doc->undoStack()->index();
    editor->layoutAction()->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    const Graph &g = doc->project().graph;
    const auto order = *g.topologicalOrder();
    for (size_t i = 1; i < order.size(); ++i) {
        QVERIFY(g.node(order[i])->y > g.node(order[i - 1])->y);
        QCOMPARE(g.node(order[i])->x, g.node(order[0])->x);
        QCOMPARE(editor->scene()->nodeItem(order[i])->pos(), QPointF(g.node(order[i])->x, g.node(order[i])->y));
    }
    // Fitted after the layout, but never below the zoom at which cards read like the UI: the
    // top of the graph is in view, and the overview is shown for the rest.
    GraphView *view = editor->view();
    QVERIFY(view->zoom() >= GraphView::readableZoom() - 1e-9);
    const QRectF seen = view->mapToScene(view->viewport()->rect()).boundingRect();
    QVERIFY(seen.contains(editor->scene()->nodeItem(NodeId{kInput})->sceneBoundingRect()));
    QCOMPARE(view->overview()->isVisible(), !seen.contains(editor->scene()->nodesBoundingRect()));
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::fitKeepsCardsReadableAndTheOverviewPans()
{
    auto doc = loadSample();
    doc->arrangeLayers();
    GraphEditor editor(doc.get());
    editor.resize(900, 600);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    GraphView *view = editor.view();
    editor.fitAction()->trigger();
    QVERIFY(view->zoom() >= GraphView::readableZoom() - 1e-9);
    QVERIFY(view->zoom() <= 1.0);
    // The graph is taller than the view at that zoom: the overview shows, and a click on it
    // brings that part of the graph into the middle of the view.
    Minimap *overview = view->overview();
    QVERIFY(overview->isVisible());
    QVERIFY(view->viewport()->rect().contains(overview->geometry()));
    const QPointF fc2 = editor.scene()->nodeItem(NodeId{kFc2})->sceneBoundingRect().center();
    const QPoint at = overview->fromScene(fc2).toPoint();
    QTest::mouseClick(overview, Qt::LeftButton, {}, at);
    QVERIFY(QLineF(view->visibleCenter(), overview->toScene(at)).length() < 3 / view->zoom() + 1);
    QVERIFY(view->mapToScene(view->viewport()->rect()).boundingRect().contains(fc2));
    // Zoomed out until all of it fits: no overview.
    view->setZoom(0.15);
    view->centerOn(editor.scene()->nodesBoundingRect().center());
    QVERIFY(!overview->isVisible());
    // A small graph is fitted at most at 1:1 and needs no overview.
    ProjectDocument small;
    Project p = doc->project();
    p.graph = residualGraph();
    small.reset(p);
    GraphEditor smallEditor(&small);
    smallEditor.resize(1400, 1000);
    smallEditor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&smallEditor));
    smallEditor.fitAction()->trigger();
    QVERIFY(smallEditor.view()->zoom() <= 1.0 && smallEditor.view()->zoom() >= GraphView::readableZoom() - 1e-9);
    QVERIFY(smallEditor.view()
                ->mapToScene(smallEditor.view()->viewport()->rect())
                .boundingRect()
                .contains(smallEditor.scene()->nodesBoundingRect()));
    QVERIFY(!smallEditor.view()->overview()->isVisible());
}

void GraphEditorTest::addBelowSelectedRewiresThroughTheNewLayer()
{
    auto doc = loadSample();
    doc->arrangeLayers();
    doc->undoStack()->clear();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphScene *scene = editor->scene();

    // relu1 selected, BatchNorm2d double-clicked in the palette: it goes under relu1, fed by it,
    // and relu1's edge to pool1 now runs through it (the shapes allow it); pool1 and everything
    // below moved down to make room. One undo step.
    scene->selectNodes({NodeId{kRelu1}});
    const int steps = doc->undoStack()->index();
    const double pool1Y = doc->project().graph.node(NodeId{kPool1})->y;
    doubleClickPaletteEntry(editor->palette(), QStringLiteral("BatchNorm2d"));
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    const Node added = doc->project().graph.nodes.back();
    QCOMPARE(added.type, std::string("BatchNorm2d"));
    QVERIFY(scene->selectedNodeIds() == std::vector<NodeId>{added.id});
    QVERIFY(hasEdge(*doc, edge(kRelu1, added.id.value)));
    QVERIFY(hasEdge(*doc, edge(added.id.value, kPool1)));
    QVERIFY(!hasEdge(*doc, edge(kRelu1, kPool1)));
    const Node *relu1 = doc->project().graph.node(NodeId{kRelu1});
    QCOMPARE(added.x, relu1->x);
    QVERIFY(added.y > relu1->y);
    QVERIFY(doc->project().graph.node(NodeId{kPool1})->y > pool1Y);
    QVERIFY(doc->project().graph.node(NodeId{kPool1})->y > added.y);
    QVERIFY(doc->analysis().ok()); // BatchNorm2d infers its 32 channels
    // With the palette entry selected, the action adds another one below the new node.
    QVERIFY(editor->addBelowAction()->isEnabled());
    editor->addBelowAction()->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 2);
    const Node second = doc->project().graph.nodes.back();
    QVERIFY(hasEdge(*doc, edge(added.id.value, second.id.value)));

    // Where the shapes do not allow it, the outgoing edge stays.
    doc->undoStack()->undo();
    doc->undoStack()->undo();
    QCOMPARE(doc->serialized(), original);
    QVERIFY(scene->addLayerBelow(QStringLiteral("Flatten"), NodeId{kRelu1}).valid());
    // A flat tensor would not suit pool1, which pools images: pool1 stays on relu1.
    QVERIFY(hasEdge(*doc, edge(kRelu1, kPool1)));
    QVERIFY(hasEdge(*doc, edge(kRelu1, doc->project().graph.nodes.back().id.value)));
    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::dropOnAnEdgeInsertsTheLayer()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();
    EdgeItem *target = scene->edgeItem(edge(kFc1, kRelu3));
    QVERIFY(target);
    const QPointF on = target->path().pointAtPercent(0.5);
    QCOMPARE(scene->edgeAt(on), target);
    std::unique_ptr<QMimeData> mime(LayerPalette::mimeDataForType(QStringLiteral("Dropout")));
    const QPoint dropPoint = toView(view, on);
    const int steps = doc->undoStack()->index();
    QDragEnterEvent enter(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &enter);
    QDragMoveEvent move(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &move);
    QVERIFY(target->isDropTarget()); // drawn green: this is where it goes
    QDropEvent drop(QPointF(dropPoint), Qt::CopyAction, mime.get(), Qt::LeftButton, {});
    QApplication::sendEvent(view->viewport(), &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    for (EdgeItem *e : scene->edgeItems())
        QVERIFY(!e->isDropTarget());
    const Node added = doc->project().graph.nodes.back();
    QCOMPARE(added.type, std::string("Dropout"));
    QVERIFY(hasEdge(*doc, edge(kFc1, added.id.value)));
    QVERIFY(hasEdge(*doc, edge(added.id.value, kRelu3)));
    QVERIFY(!hasEdge(*doc, edge(kFc1, kRelu3)));
    QVERIFY(doc->analysis().ok());
    // In fc1's column, between fc1 and relu3, which moved down: no card overlaps another.
    QCOMPARE(added.x, positionOf(*doc, kFc1).x());
    for (NodeItem *a : scene->nodeItems())
        for (NodeItem *b : scene->nodeItems())
            QVERIFY(a == b || !a->sceneBoundingRect().intersects(b->sceneBoundingRect()));
    doc->undoStack()->undo();
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::dragAnEdgeEndToReattachIt()
{
    auto doc = loadSample();
    doc->undoStack()->push(new AddRemoveEdge(doc.get(), edge(kRelu3, kDropout), false));
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();
    auto item = [&](int id) { return scene->nodeItem(NodeId{id}); };
    const int steps = doc->undoStack()->index();

    // The target end of fc1 -> relu3, picked up at relu3's input, dropped on dropout's free
    // input: fc1 -> dropout, one step.
    beginDrag(view, item(kRelu3)->inputAnchor(0), item(kDropout)->inputAnchor(0));
    QVERIFY(scene->isConnecting());
    QVERIFY(scene->reattaching().has_value());
    QVERIFY2(scene->connectionAllowed(), qPrintable(scene->connectionRefusal()));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, item(kDropout)->inputAnchor(0)));
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QVERIFY(hasEdge(*doc, edge(kFc1, kDropout)));
    QVERIFY(!hasEdge(*doc, edge(kFc1, kRelu3)));

    // The source end of fc1 -> dropout, picked up on the line next to fc1's output, dropped on
    // relu3's card: relu3 -> dropout.
    EdgeItem *moved = scene->edgeItem(edge(kFc1, kDropout));
    QVERIFY(moved);
    QPointF nearSource = moved->path().pointAtPercent(0.0);
    for (qreal t = 0.0; t < 0.5 && QLineF(nearSource, moved->sourcePoint()).length() < 14; t += 0.005)
        nearSource = moved->path().pointAtPercent(t);
    QVERIFY(!item(kFc1)->outputPort()->sceneBoundingRect().contains(nearSource));
    beginDrag(view, nearSource, bodyOf(item(kRelu3)));
    QVERIFY(scene->reattaching().has_value());
    QVERIFY2(scene->connectionAllowed(), qPrintable(scene->connectionRefusal()));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, bodyOf(item(kRelu3))));
    QCOMPARE(doc->undoStack()->index(), steps + 2);
    QVERIFY(hasEdge(*doc, edge(kRelu3, kDropout)));
    QVERIFY(!hasEdge(*doc, edge(kFc1, kDropout)));

    // Dropped where it would close a cycle: refused, nothing changes.
    beginDrag(view, scene->edgeItem(edge(kRelu3, kDropout))->targetPoint(), item(kFc1)->inputAnchor(0));
    QVERIFY(!scene->connectionAllowed());
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, item(kFc1)->inputAnchor(0)));
    QCOMPARE(doc->undoStack()->index(), steps + 2);
    QVERIFY(scene->edgeItem(edge(kRelu3, kDropout))->isVisible());

    undoAll(doc.get());
    doc->undoStack()->push(new AddRemoveEdge(doc.get(), edge(kRelu3, kDropout), false));
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::connectFromAnInputPort()
{
    auto doc = loadSample();
    doc->undoStack()->push(new AddRemoveEdge(doc.get(), edge(kRelu3, kDropout), false));
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();
    auto item = [&](int id) { return scene->nodeItem(NodeId{id}); };
    const int steps = doc->undoStack()->index();
    // From dropout's free input up to relu3's card: relu3 -> dropout.
    beginDrag(view, item(kDropout)->inputAnchor(0), bodyOf(item(kRelu3)));
    QVERIFY(scene->isConnecting());
    QVERIFY(!scene->reattaching());
    QVERIFY2(scene->connectionAllowed(), qPrintable(scene->connectionRefusal()));
    QCOMPARE(item(kRelu3)->outputPort()->highlight(), PortItem::Highlight::Allowed);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, toView(view, bodyOf(item(kRelu3))));
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QVERIFY(hasEdge(*doc, edge(kRelu3, kDropout)));
    QVERIFY(doc->analysis().ok());
}

namespace {

QAction *actionNamed(QMenu *menu, const QString &text)
{
    for (QAction *a : menu->actions()) {
        if (a->text() == text)
            return a;
        if (a->menu())
            if (QAction *inner = actionNamed(a->menu(), text))
                return inner;
    }
    return nullptr;
}

} // namespace

void GraphEditorTest::contextMenus()
{
    auto doc = loadSample();
    const std::string original = doc->serialized();
    auto editor = showEditor(doc.get());
    GraphView *view = editor->view();
    GraphScene *scene = editor->scene();
    auto item = [&](int id) { return scene->nodeItem(NodeId{id}); };

    // On the canvas: add a layer there, paste, arrange, fit.
    const QPointF empty = scene->nodesBoundingRect().bottomLeft() + QPointF(100, 200);
    std::unique_ptr<QMenu> canvas(editor->contextMenuAt(toView(view, empty)));
    QVERIFY(canvas->findChild<QMenu *>(QStringLiteral("addMenu")));
    QVERIFY(canvas->actions().contains(editor->layoutAction()));
    QVERIFY(canvas->actions().contains(editor->fitAction()));
    QVERIFY(canvas->actions().contains(editor->pasteAction()));
    QVERIFY(!editor->layoutAction()->shortcut().isEmpty()); // shown beside the entry
    const int steps = doc->undoStack()->index();
    actionNamed(canvas->findChild<QMenu *>(QStringLiteral("addMenu")), QStringLiteral("GELU"))->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QCOMPARE(doc->project().graph.nodes.back().type, std::string("GELU"));
    QVERIFY(item(doc->project().graph.nodes.back().id.value)->sceneBoundingRect().contains(empty));
    doc->undoStack()->undo();

    // On a card: it is selected; add below, rename, duplicate, disconnect, delete.
    std::unique_ptr<QMenu> node(editor->contextMenuAt(toView(view, bodyOf(item(kRelu3)))));
    QVERIFY(scene->selectedNodeIds() == std::vector<NodeId>{NodeId{kRelu3}});
    for (QAction *a :
         {editor->duplicateAction(), editor->deleteAction(), editor->renameAction(), editor->disconnectAction()}) {
        QVERIFY2(node->actions().contains(a), qPrintable(a->text()));
        QVERIFY(!a->shortcut().isEmpty());
    }
    QMenu *below = node->findChild<QMenu *>(QStringLiteral("addBelowMenu"));
    QVERIFY(below);
    actionNamed(below, QStringLiteral("Dropout"))->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    const NodeId added = doc->project().graph.nodes.back().id;
    QVERIFY(hasEdge(*doc, edge(kRelu3, added.value)));
    QVERIFY(hasEdge(*doc, edge(added.value, kDropout)));
    doc->undoStack()->undo();
    scene->selectNodes({NodeId{kRelu3}});
    editor->disconnectAction()->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QVERIFY(!hasEdge(*doc, edge(kFc1, kRelu3)) && !hasEdge(*doc, edge(kRelu3, kDropout)));
    doc->undoStack()->undo();
    editor->renameAction()->trigger();
    QVERIFY(editor->inspector()->nameEditor()->hasFocus() || !editor->isActiveWindow());
    QCOMPARE(editor->inspector()->nameEditor()->selectedText(), QStringLiteral("relu3"));

    // On an edge: insert a layer into it, or delete it.
    EdgeItem *e = scene->edgeItem(edge(kPool2, kFlatten));
    std::unique_ptr<QMenu> edgeMenu(editor->contextMenuAt(toView(view, e->path().pointAtPercent(0.5))));
    QVERIFY(e->isSelected());
    QVERIFY(edgeMenu->actions().contains(editor->deleteAction()));
    actionNamed(edgeMenu->findChild<QMenu *>(QStringLiteral("insertMenu")), QStringLiteral("Dropout"))->trigger();
    QCOMPARE(doc->undoStack()->index(), steps + 1);
    QVERIFY(hasEdge(*doc, edge(kPool2, doc->project().graph.nodes.back().id.value)));
    QVERIFY(!hasEdge(*doc, edge(kPool2, kFlatten)));
    doc->undoStack()->undo();

    // On a port: connect to what the engine allows, or disconnect it.
    std::unique_ptr<QMenu> port(editor->contextMenuAt(toView(view, item(kDropout)->inputAnchor(0))));
    QMenu *connectTo = port->findChild<QMenu *>(QStringLiteral("connectMenu"));
    QVERIFY(connectTo);
    QVERIFY(!actionNamed(connectTo, QStringLiteral("fc2")));   // a cycle
    QVERIFY(!actionNamed(connectTo, QStringLiteral("relu2"))); // the input is taken
    QAction *disconnect = actionNamed(port.get(), QStringLiteral("Disconnect"));
    QVERIFY(disconnect && disconnect->isEnabled());
    disconnect->trigger();
    QVERIFY(!hasEdge(*doc, edge(kRelu3, kDropout)));
    std::unique_ptr<QMenu> freePort(editor->contextMenuAt(toView(view, item(kDropout)->inputAnchor(0))));
    QAction *fromRelu2 =
        actionNamed(freePort->findChild<QMenu *>(QStringLiteral("connectMenu")), QStringLiteral("relu2"));
    QVERIFY(fromRelu2);
    fromRelu2->trigger();
    QVERIFY(hasEdge(*doc, edge(kRelu2, kDropout)));

    undoAll(doc.get());
    QCOMPARE(doc->serialized(), original);
}

void GraphEditorTest::layerTableFollowsTheGraph()
{
    auto doc = loadSample();
    auto editor = showEditor(doc.get());
    LayerTable *table = editor->layerTable();
    QVERIFY(table->isVisible());
    QCOMPARE(table->rowCount(), 12);
    // In data-flow order, with the CLI's figures.
    QCOMPARE(table->item(0, LayerTable::NameColumn)->text(), QStringLiteral("input"));
    const int conv1 = table->rowOf(NodeId{kConv1});
    QCOMPARE(table->item(conv1, LayerTable::TypeColumn)->text(), QStringLiteral("Conv2d"));
    QCOMPARE(table->item(conv1, LayerTable::OutputColumn)->text(), QStringLiteral("32x28x28"));
    QCOMPARE(table->item(conv1, LayerTable::ParametersColumn)->text(), QLocale().toString(320));
    const int64_t madds = doc->analysis().nodes.at(kConv1).multiplyAdds;
    QCOMPARE(table->item(conv1, LayerTable::MultiplyAddsColumn)->text(), compactCount(madds));
    QCOMPARE(table->item(table->rowOf(NodeId{kFc2}), LayerTable::OutputColumn)->text(), QStringLiteral("10"));

    // Every edit shows: a wrong in_features makes fc1's output unknown.
    editor->scene()->selectNodes({NodeId{kFc1}});
    auto *inFeatures = qobject_cast<QSpinBox *>(editor->inspector()->editorFor("in_features"));
    typeInto(inFeatures, QStringLiteral("100"));
    QCOMPARE(table->item(table->rowOf(NodeId{kFc1}), LayerTable::OutputColumn)->text(), QStringLiteral("?"));
    undoAll(doc.get());
    QCOMPARE(table->item(table->rowOf(NodeId{kFc1}), LayerTable::OutputColumn)->text(), QStringLiteral("128"));
    editor->scene()->selectNodes({NodeId{kDropout}});
    editor->deleteAction()->trigger();
    QCOMPARE(table->rowCount(), 11);
    QCOMPARE(table->rowOf(NodeId{kDropout}), -1);
    undoAll(doc.get());
    QCOMPARE(table->rowCount(), 12);

    // Clicking a row selects its layer; selecting on the canvas selects the row.
    const int pool2 = table->rowOf(NodeId{kPool2});
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualItemRect(table->item(pool2, LayerTable::NameColumn)).center());
    QVERIFY(editor->scene()->selectedNodeIds() == std::vector<NodeId>{NodeId{kPool2}});
    editor->scene()->selectNodes({NodeId{kConv2}});
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().first().row(), table->rowOf(NodeId{kConv2}));

    // The toggle hides and shows it.
    editor->layerTableAction()->trigger();
    QVERIFY(!table->isVisible());
    editor->layerTableAction()->trigger();
    QVERIFY(table->isVisible());
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
    const QList<QAction *> actions = {editor.cutAction(),        editor.copyAction(),      editor.pasteAction(),
                                      editor.deleteAction(),     editor.duplicateAction(), editor.selectAllAction(),
                                      editor.fitAction(),        editor.layoutAction(),    editor.zoomInAction(),
                                      editor.zoomOutAction(),    editor.addBelowAction(),  editor.renameAction(),
                                      editor.disconnectAction(), editor.layerTableAction()};
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
