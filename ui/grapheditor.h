#pragma once
// The layer-graph editor: palette | canvas over the per-layer table | (inspector over problems),
// in splitters, over one ProjectDocument. Right-clicks on the canvas, a card, an edge or a port
// open context menus built from these actions (so their shortcuts show). Owns its scene and widgets; the document must
// outlive it. Its actions are meant for the main window's Edit and View menus; their shortcuts have the context
// Qt::WidgetWithChildrenShortcut and are attached to this widget, so they act only while the
// focus is inside this editor and two windows never fight over a key.

#include "projectdocument.h"

#include <QWidget>

class QAction;
class QMenu;

namespace torchwright::ui {

class GraphScene;
class GraphView;
class LayerPalette;
class LayerTable;
class NodeInspector;
class ProblemsList;

class GraphEditor : public QWidget {
    Q_OBJECT

public:
    explicit GraphEditor(ProjectDocument *doc, QWidget *parent = nullptr);
    ~GraphEditor() override;

    ProjectDocument *document() const { return m_doc; }
    GraphView *view() const { return m_view; }
    GraphScene *scene() const { return m_scene; }
    LayerPalette *layerPalette() const { return m_palette; }
    // Same as layerPalette(). Note: hides QWidget::palette() for GraphEditor-typed expressions;
    // call QWidget::palette() explicitly for the colour palette.
    LayerPalette *palette() const { return m_palette; }
    NodeInspector *inspector() const { return m_inspector; }
    ProblemsList *problems() const { return m_problems; }
    LayerTable *layerTable() const { return m_table; }

    QAction *cutAction() const { return m_cut; }
    QAction *copyAction() const { return m_copy; }
    QAction *pasteAction() const { return m_paste; }
    QAction *deleteAction() const { return m_delete; }
    QAction *duplicateAction() const { return m_duplicate; }
    QAction *selectAllAction() const { return m_selectAll; }
    QAction *fitAction() const { return m_fit; }
    QAction *layoutAction() const { return m_layout; }
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    // Adds the palette's selected type below the selected layer (addLayerBelow()).
    QAction *addBelowAction() const { return m_addBelow; }
    QAction *renameAction() const { return m_rename; }         // the selected layer's name
    QAction *disconnectAction() const { return m_disconnect; } // every edge of the selection
    QAction *layerTableAction() const { return m_showTable; }  // shows or hides the table

    // The context menu for a right-click at `viewPos` (viewport coordinates): the canvas's, a
    // card's (which it selects), an edge's or a port's. The caller owns it.
    QMenu *contextMenuAt(const QPoint &viewPos);

    // "12 layers · 421,642 parameters · 4.36 M multiply-adds", plus the problem count when
    // there are errors.
    QString statusText() const { return m_status; }

public Q_SLOTS:
    void copy();
    void cut();
    void paste();
    void deleteSelection();
    void duplicate();
    void selectAll();
    void fitToView();
    void arrangeLayers();
    // Adds a layer in the middle of the visible canvas (moved aside from a node already there).
    void addLayerAtCenter(const QString &type);
    // Selects the node and scrolls it into the middle.
    void showNode(torchwright::NodeId id);
    // A layer of `type` below the selected one, connected from it; false when not exactly one
    // layer is selected.
    bool addBelowSelected(const QString &type);
    // Puts the focus in the inspector's name field of the selected layer.
    void renameSelected();
    void disconnectSelection();

Q_SIGNALS:
    void statusTextChanged(const QString &text);

private:
    QAction *makeAction(const QString &text, const QList<QKeySequence> &shortcuts);
    void updateActions();
    void updateStatus();
    // Scrolls the least needed to show the nodes (pasted ones may land outside the view).
    void revealNodes(const std::vector<NodeId> &ids);

    ProjectDocument *m_doc;
    GraphScene *m_scene;
    GraphView *m_view;
    LayerPalette *m_palette;
    NodeInspector *m_inspector;
    ProblemsList *m_problems;
    LayerTable *m_table;
    QString m_status;

    QAction *m_cut;
    QAction *m_copy;
    QAction *m_paste;
    QAction *m_delete;
    QAction *m_duplicate;
    QAction *m_selectAll;
    QAction *m_fit;
    QAction *m_layout;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
    QAction *m_addBelow;
    QAction *m_rename;
    QAction *m_disconnect;
    QAction *m_showTable;
};

} // namespace torchwright::ui
