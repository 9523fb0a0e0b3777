#pragma once
// The layer-graph editor: palette | canvas | (inspector over problems), in splitters, over one
// ProjectDocument. Owns its scene and widgets; the document must outlive it. Its actions are
// meant for the main window's Edit and View menus; their shortcuts have the context
// Qt::WidgetWithChildrenShortcut and are attached to this widget, so they act only while the
// focus is inside this editor and two windows never fight over a key.

#include "projectdocument.h"

#include <QWidget>

class QAction;

namespace torchwright::ui {

class GraphScene;
class GraphView;
class LayerPalette;
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
};

} // namespace torchwright::ui
