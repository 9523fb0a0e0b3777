#pragma once
// The layer types of the engine's registry, grouped by category, with a search box. An entry
// is dragged onto the canvas (a QDrag carrying kLayerTypeMimeType with the type's name) or
// double-clicked to be added; the palette itself changes nothing, it only says which type.

#include <QWidget>

class QLineEdit;
class QMimeData;
class QTreeWidget;
class QTreeWidgetItem;

namespace torchwright::ui {

class LayerPalette : public QWidget {
    Q_OBJECT

public:
    // A drag's payload: the registry name of the type, UTF-8.
    static constexpr const char *kLayerTypeMimeType = "application/x-torchwright-layer-type";
    // A new QMimeData (the caller owns it) carrying `type`.
    static QMimeData *mimeDataForType(const QString &type);
    // The type carried by `data`, or empty when it carries none.
    static QString typeFromMimeData(const QMimeData *data);

    explicit LayerPalette(QWidget *parent = nullptr);

    QLineEdit *searchBox() const { return m_search; }
    QTreeWidget *tree() const { return m_tree; }
    // The entry of a layer type, or nullptr.
    QTreeWidgetItem *itemForType(const QString &type) const;
    // Shows the types whose name, category or description contains `text` (any case).
    void setFilter(const QString &text);

Q_SIGNALS:
    // A person asked to add a layer of `type` without choosing a place (double-click, or
    // Return in the search box for the first match).
    void layerActivated(const QString &type);

private:
    void activateFirstMatch();

    QLineEdit *m_search;
    QTreeWidget *m_tree;
};

} // namespace torchwright::ui
