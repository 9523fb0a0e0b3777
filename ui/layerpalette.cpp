#include "layerpalette.h"

#include "i18n.h"
#include "torchwright/layers.h"

#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace torchwright::ui {

namespace {

constexpr int kTypeRole = Qt::UserRole + 1;

// Drags carry the entry's type under the palette's MIME type; categories are not draggable.
// File-local: only the palette creates it.
class TypeTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return {QString::fromLatin1(LayerPalette::kLayerTypeMimeType)}; }
    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override
    {
        for (QTreeWidgetItem *item : items) {
            const QString type = item->data(0, kTypeRole).toString();
            if (!type.isEmpty())
                return LayerPalette::mimeDataForType(type);
        }
        return nullptr;
    }
};

} // namespace

QMimeData *LayerPalette::mimeDataForType(const QString &type)
{
    auto *data = new QMimeData;
    data->setData(QString::fromLatin1(kLayerTypeMimeType), type.toUtf8());
    data->setText(type);
    return data;
}

QString LayerPalette::typeFromMimeData(const QMimeData *data)
{
    const QString format = QString::fromLatin1(kLayerTypeMimeType);
    if (!data || !data->hasFormat(format))
        return {};
    return QString::fromUtf8(data->data(format));
}

LayerPalette::LayerPalette(QWidget *parent) : QWidget(parent), m_search(new QLineEdit(this)), m_tree(new TypeTree(this))
{
    m_search->setObjectName(QStringLiteral("paletteSearch"));
    m_search->setPlaceholderText(tr("Search layers"));
    m_search->setClearButtonEnabled(true);
    m_tree->setObjectName(QStringLiteral("paletteTree"));
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);

    const auto &registry = LayerRegistry::instance();
    for (const std::string &category : registry.categories()) {
        auto *group = new QTreeWidgetItem(m_tree, {layerText(category)});
        group->setFlags(Qt::ItemIsEnabled);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        for (const LayerType &type : registry.types()) {
            if (type.category != category)
                continue;
            const QString name = QString::fromStdString(type.name);
            auto *entry = new QTreeWidgetItem(group, {name});
            entry->setData(0, kTypeRole, name);
            entry->setToolTip(0, layerText(type.description));
            entry->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
        }
    }
    m_tree->expandAll();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_search);
    layout->addWidget(m_tree);

    connect(m_search, &QLineEdit::textChanged, this, &LayerPalette::setFilter);
    connect(m_search, &QLineEdit::returnPressed, this, &LayerPalette::activateFirstMatch);
    // Double-click only: single-click activation (some platforms) would fight with dragging.
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const QString type = item->data(0, kTypeRole).toString();
        if (!type.isEmpty())
            Q_EMIT layerActivated(type);
    });
}

QTreeWidgetItem *LayerPalette::itemForType(const QString &type) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *group = m_tree->topLevelItem(i);
        for (int j = 0; j < group->childCount(); ++j)
            if (group->child(j)->data(0, kTypeRole).toString() == type)
                return group->child(j);
    }
    return nullptr;
}

void LayerPalette::setFilter(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text); // comes back here through textChanged
    const QString needle = text.trimmed();
    const auto &registry = LayerRegistry::instance();
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *group = m_tree->topLevelItem(i);
        const bool categoryMatches = group->text(0).contains(needle, Qt::CaseInsensitive);
        int visible = 0;
        for (int j = 0; j < group->childCount(); ++j) {
            QTreeWidgetItem *entry = group->child(j);
            const LayerType *type = registry.find(entry->data(0, kTypeRole).toString().toStdString());
            const bool matches = needle.isEmpty() || categoryMatches
                                 || entry->text(0).contains(needle, Qt::CaseInsensitive)
                                 || (type && layerText(type->description).contains(needle, Qt::CaseInsensitive));
            entry->setHidden(!matches);
            visible += matches ? 1 : 0;
        }
        group->setHidden(visible == 0);
        group->setExpanded(true);
    }
}

QString LayerPalette::currentType() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    return item && item->isSelected() ? item->data(0, kTypeRole).toString() : QString();
}

QMenu *LayerPalette::typeMenu(const QString &title, QWidget *parent, const std::function<void(const QString &)> &chosen)
{
    auto *menu = new QMenu(title, parent);
    const auto &registry = LayerRegistry::instance();
    for (const std::string &category : registry.categories()) {
        QMenu *sub = menu->addMenu(QString::fromStdString(category));
        for (const LayerType &type : registry.types()) {
            if (type.category != category)
                continue;
            const QString name = QString::fromStdString(type.name);
            QAction *action = sub->addAction(name, menu, [chosen, name] { chosen(name); });
            action->setToolTip(QString::fromStdString(type.description));
            action->setData(name);
        }
    }
    return menu;
}

void LayerPalette::activateFirstMatch()
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *group = m_tree->topLevelItem(i);
        if (group->isHidden())
            continue;
        for (int j = 0; j < group->childCount(); ++j)
            if (!group->child(j)->isHidden()) {
                Q_EMIT layerActivated(group->child(j)->data(0, kTypeRole).toString());
                return;
            }
    }
}

} // namespace torchwright::ui
