#include "grapheditor.h"

#include "commands/addremovenodes.h"
#include "edgeitem.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "layertable.h"
#include "nodeinspector.h"
#include "nodeitem.h"
#include "portitem.h"
#include "problemslist.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QSplitter>
#include <QStringList>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

namespace {

bool clipboardHasNodes()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    return mime && mime->hasFormat(QString::fromLatin1(ProjectDocument::kNodesMimeType));
}

} // namespace

GraphEditor::GraphEditor(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_scene(new GraphScene(doc, this)), m_view(new GraphView(m_scene)),
      m_palette(new LayerPalette), m_inspector(new NodeInspector(doc)), m_problems(new ProblemsList(doc)),
      m_table(new LayerTable(doc))
{
    setObjectName(QStringLiteral("graphEditor"));
    auto *side = new QSplitter(Qt::Vertical);
    side->setObjectName(QStringLiteral("graphSideSplitter"));
    side->addWidget(m_inspector);
    side->addWidget(m_problems);
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 1);
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("graphSplitter"));
    auto *canvas = new QSplitter(Qt::Vertical);
    canvas->setObjectName(QStringLiteral("graphCanvasSplitter"));
    canvas->addWidget(m_view);
    canvas->addWidget(m_table);
    canvas->setStretchFactor(0, 1);
    canvas->setStretchFactor(1, 0);
    canvas->setCollapsible(0, false);
    canvas->setSizes({700, 170});
    splitter->addWidget(m_palette);
    splitter->addWidget(canvas);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);
    splitter->setSizes({180, 700, 280});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_cut = makeAction(tr("Cu&t"), QKeySequence::keyBindings(QKeySequence::Cut));
    m_copy = makeAction(tr("&Copy"), QKeySequence::keyBindings(QKeySequence::Copy));
    m_paste = makeAction(tr("&Paste"), QKeySequence::keyBindings(QKeySequence::Paste));
    // X11 desktops bind Ctrl+D to Delete as well; here it is Duplicate's, and a key two actions
    // share triggers neither ("ambiguous shortcut").
    const QKeySequence duplicateKey(Qt::CTRL | Qt::Key_D);
    QList<QKeySequence> deleteKeys = QKeySequence::keyBindings(QKeySequence::Delete);
    deleteKeys.removeAll(duplicateKey);
    deleteKeys << QKeySequence(Qt::Key_Backspace);
    m_delete = makeAction(tr("&Delete"), deleteKeys);
    m_duplicate = makeAction(tr("D&uplicate"), {duplicateKey});
    m_selectAll = makeAction(tr("Select &All"), QKeySequence::keyBindings(QKeySequence::SelectAll));
    m_fit = makeAction(tr("&Fit to View"), {QKeySequence(Qt::CTRL | Qt::Key_0)});
    m_layout = makeAction(tr("&Arrange Layers"), {QKeySequence(Qt::CTRL | Qt::Key_L)});
    m_zoomIn = makeAction(tr("Zoom &In"), QKeySequence::keyBindings(QKeySequence::ZoomIn));
    m_zoomOut = makeAction(tr("Zoom &Out"), QKeySequence::keyBindings(QKeySequence::ZoomOut));
    m_addBelow = makeAction(tr("Add Layer &Below"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B)});
    m_addBelow->setToolTip(tr("Adds the layer selected in the palette below the selected layer, connected"));
    m_rename = makeAction(tr("&Rename Layer"), {QKeySequence(Qt::Key_F2)});
    m_disconnect = makeAction(tr("Dis&connect"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D)});
    m_showTable = makeAction(tr("Layer &Table"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)});
    m_showTable->setCheckable(true);
    m_showTable->setChecked(true);
    connect(m_addBelow, &QAction::triggered, this, [this] { addBelowSelected(m_palette->currentType()); });
    connect(m_rename, &QAction::triggered, this, &GraphEditor::renameSelected);
    connect(m_disconnect, &QAction::triggered, this, &GraphEditor::disconnectSelection);
    connect(m_showTable, &QAction::toggled, m_table, &QWidget::setVisible);
    connect(m_cut, &QAction::triggered, this, &GraphEditor::cut);
    connect(m_copy, &QAction::triggered, this, &GraphEditor::copy);
    connect(m_paste, &QAction::triggered, this, &GraphEditor::paste);
    connect(m_delete, &QAction::triggered, this, &GraphEditor::deleteSelection);
    connect(m_duplicate, &QAction::triggered, this, &GraphEditor::duplicate);
    connect(m_selectAll, &QAction::triggered, this, &GraphEditor::selectAll);
    connect(m_fit, &QAction::triggered, this, &GraphEditor::fitToView);
    connect(m_layout, &QAction::triggered, this, &GraphEditor::arrangeLayers);
    connect(m_zoomIn, &QAction::triggered, m_view, &GraphView::zoomIn);
    connect(m_zoomOut, &QAction::triggered, m_view, &GraphView::zoomOut);

    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] {
        m_inspector->setSelection(m_scene->selectedNodeIds());
        m_table->setSelectedNodes(m_scene->selectedNodeIds());
        updateActions();
    });
    connect(m_table, &LayerTable::nodesSelected, this, [this](const std::vector<NodeId> &ids) {
        m_scene->selectNodes(ids);
        if (ids.size() == 1)
            revealNodes(ids);
    });
    // A double-click in the palette adds below the one selected layer, else in the middle.
    connect(m_palette, &LayerPalette::layerActivated, this, [this](const QString &type) {
        if (!addBelowSelected(type))
            addLayerAtCenter(type);
    });
    connect(m_palette->tree(), &QTreeWidget::currentItemChanged, this, &GraphEditor::updateActions);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu *menu = contextMenuAt(pos);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_problems, &ProblemsList::problemActivated, this, &GraphEditor::showNode);
    connect(QApplication::clipboard(), &QClipboard::dataChanged, this, &GraphEditor::updateActions);
    connect(doc, &ProjectDocument::analysisChanged, this, &GraphEditor::updateStatus);
    connect(doc, &ProjectDocument::projectReset, this, &GraphEditor::updateActions);
    updateActions();
    updateStatus();
}

GraphEditor::~GraphEditor()
{
    // The scene may still announce selection changes while its items are deleted; nothing
    // here should hear them once the widgets are going.
    disconnect(m_scene, nullptr, this, nullptr);
}

QAction *GraphEditor::makeAction(const QString &text, const QList<QKeySequence> &shortcuts)
{
    auto *action = new QAction(text, this);
    action->setShortcuts(shortcuts);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return action;
}

void GraphEditor::updateActions()
{
    const bool nodes = !m_scene->selectedNodeIds().empty();
    const bool anything = nodes || !m_scene->selectedEdges().empty();
    m_cut->setEnabled(nodes);
    m_copy->setEnabled(nodes);
    m_duplicate->setEnabled(nodes);
    m_delete->setEnabled(anything);
    m_paste->setEnabled(clipboardHasNodes());
    const bool one = m_scene->selectedNodeIds().size() == 1;
    m_addBelow->setEnabled(one && !m_palette->currentType().isEmpty());
    m_rename->setEnabled(one);
    m_disconnect->setEnabled(nodes);
}

void GraphEditor::updateStatus()
{
    const GraphAnalysis &a = m_doc->analysis();
    const int layers = int(m_doc->project().graph.nodes.size());
    const int errors = a.diagnostics.errorCount();
    QStringList parts;
    parts << (layers == 1 ? tr("1 layer") : tr("%1 layers").arg(layers));
    parts << tr("%1 parameters").arg(QLocale().toString(qlonglong(a.totalParameters)));
    parts << tr("%1 multiply-adds").arg(compactCount(a.totalMultiplyAdds));
    if (errors > 0)
        parts << (errors == 1 ? tr("1 problem") : tr("%1 problems").arg(errors));
    const QString text = parts.join(QStringLiteral(" · "));
    if (text == m_status)
        return;
    m_status = text;
    Q_EMIT statusTextChanged(m_status);
}

void GraphEditor::copy()
{
    const std::vector<NodeId> ids = m_scene->selectedNodeIds();
    if (ids.empty())
        return;
    const QByteArray bytes = ProjectDocument::nodesToMime(m_doc->project(), ids);
    auto *mime = new QMimeData;
    mime->setData(QString::fromLatin1(ProjectDocument::kNodesMimeType), bytes);
    mime->setText(QString::fromUtf8(bytes));
    QApplication::clipboard()->setMimeData(mime); // the clipboard owns it
    updateActions();
}

void GraphEditor::cut()
{
    const std::vector<NodeId> ids = m_scene->selectedNodeIds();
    if (ids.empty())
        return;
    copy();
    m_doc->undoStack()->push(AddRemoveNodes::remove(m_doc, ids, tr("Cut")));
}

void GraphEditor::paste()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    const QString format = QString::fromLatin1(ProjectDocument::kNodesMimeType);
    if (!mime || !mime->hasFormat(format))
        return;
    revealNodes(m_scene->pasteNodes(mime->data(format), tr("Paste")));
    m_view->setFocus(Qt::OtherFocusReason);
}

void GraphEditor::deleteSelection() { m_scene->deleteSelection(); }

void GraphEditor::duplicate() { revealNodes(m_scene->duplicateSelection()); }

void GraphEditor::revealNodes(const std::vector<NodeId> &ids)
{
    QRectF area;
    for (NodeId id : ids)
        if (NodeItem *item = m_scene->nodeItem(id))
            area = area.united(item->sceneBoundingRect());
    if (!area.isNull())
        m_view->ensureVisible(area, 20, 20);
}

void GraphEditor::selectAll()
{
    std::vector<NodeId> ids;
    for (const Node &n : m_doc->project().graph.nodes)
        ids.push_back(n.id);
    m_scene->selectNodes(ids);
}

void GraphEditor::fitToView() { m_view->fitToView(); }

void GraphEditor::arrangeLayers()
{
    m_scene->arrangeLayers();
    m_view->fitToView();
}

void GraphEditor::addLayerAtCenter(const QString &type)
{
    // Repeated additions step aside instead of piling up on one spot.
    QPointF at = m_view->visibleCenter();
    for (int i = 0; i < 20; ++i) {
        bool taken = false;
        for (NodeItem *item : m_scene->nodeItems())
            taken = taken || item->sceneBoundingRect().contains(at);
        if (!taken)
            break;
        at += QPointF(30, 30);
    }
    m_scene->addLayer(type, at);
    m_view->setFocus(Qt::OtherFocusReason);
}

bool GraphEditor::addBelowSelected(const QString &type)
{
    const std::vector<NodeId> selected = m_scene->selectedNodeIds();
    if (selected.size() != 1 || type.isEmpty())
        return false;
    const NodeId id = m_scene->addLayerBelow(type, selected.front());
    if (!id.valid())
        return false;
    revealNodes({id});
    m_view->setFocus(Qt::OtherFocusReason);
    return true;
}

void GraphEditor::renameSelected()
{
    if (m_scene->selectedNodeIds().size() != 1)
        return;
    m_inspector->nameEditor()->setFocus(Qt::ShortcutFocusReason);
    m_inspector->nameEditor()->selectAll();
}

void GraphEditor::disconnectSelection() { m_scene->disconnectNodes(m_scene->selectedNodeIds()); }

QMenu *GraphEditor::contextMenuAt(const QPoint &viewPos)
{
    auto *menu = new QMenu(this);
    const QPointF at = m_view->mapToScene(viewPos);
    NodeItem *node = nullptr;
    PortItem *port = m_scene->portAt(at, &node);
    EdgeItem *edge = node ? nullptr : m_scene->edgeAt(at);
    if (port) {
        // A port: connect it to any layer the engine allows, or disconnect it.
        const PortRef ref = port->ref();
        const bool input = port->isInput();
        QMenu *connectTo = menu->addMenu(tr("Connect To"));
        connectTo->setObjectName(QStringLiteral("connectMenu"));
        const Graph &graph = m_doc->project().graph;
        for (const Node &n : graph.nodes) {
            if (n.id == ref.node)
                continue;
            if (input) {
                const Edge e{PortRef{n.id, 0}, ref};
                if (m_doc->checkEdge(e).allowed())
                    connectTo->addAction(QString::fromStdString(n.name), this, [this, e] { m_doc->connectPorts(e); });
            } else if (NodeItem *target = m_scene->nodeItem(n.id)) {
                for (int i = 0; i < target->inputCount(); ++i) {
                    const Edge e{ref, PortRef{n.id, i}};
                    if (!m_doc->checkEdge(e).allowed())
                        continue;
                    const QString name = QString::fromStdString(n.name);
                    connectTo->addAction(target->inputCount() == 1 ? name : tr("%1, input %2").arg(name).arg(i), this,
                                         [this, e] { m_doc->connectPorts(e); });
                }
            }
        }
        connectTo->setEnabled(!connectTo->isEmpty());
        QAction *disconnect =
            menu->addAction(tr("Disconnect"), this, [this, ref, input] { m_scene->disconnectPort(ref, input); });
        disconnect->setEnabled(port->isConnected());
    } else if (node) {
        if (!node->isSelected())
            m_scene->selectNodes({node->nodeId()});
        const NodeId id = node->nodeId();
        QMenu *below = LayerPalette::typeMenu(tr("Add Layer Below"), menu, [this, id](const QString &type) {
            m_scene->selectNodes({id});
            addBelowSelected(type);
        });
        below->setObjectName(QStringLiteral("addBelowMenu"));
        menu->addMenu(below);
        if (m_addBelow->isEnabled())
            menu->addAction(m_addBelow);
        menu->addSeparator();
        menu->addAction(m_rename);
        menu->addAction(m_duplicate);
        menu->addAction(m_copy);
        menu->addAction(m_cut);
        menu->addAction(m_disconnect);
        menu->addSeparator();
        menu->addAction(m_delete);
    } else if (edge) {
        const Edge e = edge->edge();
        if (!edge->isSelected()) {
            m_scene->clearSelection();
            edge->setSelected(true);
        }
        QMenu *insert = LayerPalette::typeMenu(
            tr("Insert Layer"), menu, [this, e, at](const QString &type) { m_scene->insertLayerOnEdge(type, e, at); });
        insert->setObjectName(QStringLiteral("insertMenu"));
        menu->addMenu(insert);
        menu->addSeparator();
        menu->addAction(m_delete);
    } else {
        QMenu *add = LayerPalette::typeMenu(tr("Add Layer"), menu,
                                            [this, at](const QString &type) { m_scene->addLayer(type, at); });
        add->setObjectName(QStringLiteral("addMenu"));
        menu->addMenu(add);
        menu->addAction(m_paste);
        menu->addAction(m_selectAll);
        menu->addSeparator();
        menu->addAction(m_layout);
        menu->addAction(m_fit);
        menu->addAction(m_showTable);
    }
    return menu;
}

void GraphEditor::showNode(NodeId id)
{
    if (!m_scene->nodeItem(id))
        return;
    m_scene->selectNodes({id});
    m_view->centerOnNode(id);
}

} // namespace torchwright::ui
