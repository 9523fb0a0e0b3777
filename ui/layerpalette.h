#pragma once
// The layer types of the engine's registry, grouped by category, with a search box. An entry
// is dragged onto the canvas (a QDrag carrying kLayerTypeMimeType with the type's name) or
// double-clicked to be added; the palette itself changes nothing, it only says which type.

#include <QWidget>

#include <functional>

class QLineEdit;
class QMenu;
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
    // The type of the selected entry, empty when none is selected.
    QString currentType() const;
    // A menu titled `title` (owned by `parent`) with a submenu per category and an entry per
    // layer type; choosing an entry calls `chosen` with the type.
    static QMenu *typeMenu(const QString &title, QWidget *parent, const std::function<void(const QString &)> &chosen);

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
