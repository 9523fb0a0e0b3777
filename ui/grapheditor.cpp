#include "grapheditor.h"

#include "commands/addremovenodes.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "nodeinspector.h"
#include "nodeitem.h"
#include "problemslist.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLocale>
#include <QMimeData>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

namespace {

// 4360000 -> "4.36 M": multiply-adds are read for their magnitude.
QString compact(int64_t n)
{
    static const char *const units[] = {"", " k", " M", " G", " T"};
    double v = double(n);
    int unit = 0;
    while (std::abs(v) >= 1000.0 && unit < 4) {
        v /= 1000.0;
        ++unit;
    }
    return unit == 0 ? QString::number(n) : QString::number(v, 'g', 3) + QLatin1String(units[unit]);
}

bool clipboardHasNodes()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    return mime && mime->hasFormat(QString::fromLatin1(ProjectDocument::kNodesMimeType));
}

} // namespace

GraphEditor::GraphEditor(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_scene(new GraphScene(doc, this)), m_view(new GraphView(m_scene)),
      m_palette(new LayerPalette), m_inspector(new NodeInspector(doc)), m_problems(new ProblemsList(doc))
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
    splitter->addWidget(m_palette);
    splitter->addWidget(m_view);
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
        updateActions();
    });
    connect(m_palette, &LayerPalette::layerActivated, this, &GraphEditor::addLayerAtCenter);
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
}

void GraphEditor::updateStatus()
{
    const GraphAnalysis &a = m_doc->analysis();
    const int layers = int(m_doc->project().graph.nodes.size());
    const int errors = a.diagnostics.errorCount();
    QStringList parts;
    parts << (layers == 1 ? tr("1 layer") : tr("%1 layers").arg(layers));
    parts << tr("%1 parameters").arg(QLocale().toString(qlonglong(a.totalParameters)));
    parts << tr("%1 multiply-adds").arg(compact(a.totalMultiplyAdds));
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

void GraphEditor::showNode(NodeId id)
{
    if (!m_scene->nodeItem(id))
        return;
    m_scene->selectNodes({id});
    m_view->centerOnNode(id);
}

} // namespace torchwright::ui
