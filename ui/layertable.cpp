#include "layertable.h"

#include "torchwright/layertable.h"

#include <QHeaderView>
#include <QLocale>
#include <QSignalBlocker>

#include <cmath>

namespace torchwright::ui {

QString compactCount(int64_t n)
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

LayerTable::LayerTable(ProjectDocument *doc, QWidget *parent) : QTableWidget(parent), m_doc(doc)
{
    setObjectName(QStringLiteral("layerTable"));
    setColumnCount(ColumnCount);
    setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Output"), tr("Parameters"), tr("Multiply-adds")});
    setEditTriggers(NoEditTriggers);
    setSelectionBehavior(SelectRows);
    setSelectionMode(ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    connect(doc, &ProjectDocument::analysisChanged, this, &LayerTable::refresh);
    connect(doc, &ProjectDocument::projectReset, this, &LayerTable::refresh);
    connect(this, &QTableWidget::itemSelectionChanged, this, &LayerTable::onSelectionChanged);
    refresh();
}

NodeId LayerTable::nodeAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)] : NodeId{};
}

int LayerTable::rowOf(NodeId id) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i] == id)
            return int(i);
    return -1;
}

void LayerTable::refresh()
{
    // Keep the selected layers selected across the rebuild.
    std::vector<NodeId> selected;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        selected.push_back(nodeAt(index.row()));
    const std::vector<LayerRow> rows = layerTable(m_doc->project().graph, m_doc->analysis());
    m_updating = true;
    {
        const QSignalBlocker blocker(this);
        setRowCount(int(rows.size()));
        m_rows.clear();
        const QLocale locale;
        for (int r = 0; r < int(rows.size()); ++r) {
            const LayerRow &row = rows[size_t(r)];
            m_rows.push_back(row.id);
            const bool known = row.output.has_value();
            const QString cells[ColumnCount] = {
                QString::fromStdString(row.name), QString::fromStdString(row.type),
                known ? QString::fromStdString(formatShape(row.output->shape)) : QStringLiteral("?"),
                known ? locale.toString(qlonglong(row.parameters)) : QStringLiteral("–"),
                known ? compactCount(row.multiplyAdds) : QStringLiteral("–")};
            for (int c = 0; c < ColumnCount; ++c) {
                QTableWidgetItem *cell = item(r, c);
                if (!cell) {
                    cell = new QTableWidgetItem;
                    setItem(r, c, cell);
                }
                cell->setText(cells[c]);
                const bool number = c == ParametersColumn || c == MultiplyAddsColumn;
                cell->setTextAlignment((number ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
                if (c == MultiplyAddsColumn && known)
                    cell->setToolTip(locale.toString(qlonglong(row.multiplyAdds)));
                cell->setForeground(known ? palette().text() : QBrush(QColor(180, 40, 40)));
            }
        }
    }
    resizeColumnsToContents();
    setSelectedNodes(selected);
    m_updating = false;
}

void LayerTable::setSelectedNodes(const std::vector<NodeId> &ids)
{
    const QSignalBlocker blocker(this);
    clearSelection();
    for (NodeId id : ids)
        if (const int row = rowOf(id); row >= 0)
            selectionModel()->select(model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    viewport()->update();
}

void LayerTable::onSelectionChanged()
{
    if (m_updating)
        return;
    std::vector<NodeId> ids;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        if (const NodeId id = nodeAt(index.row()); id.valid())
            ids.push_back(id);
    Q_EMIT nodesSelected(ids);
}

} // namespace torchwright::ui
