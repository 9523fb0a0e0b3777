#pragma once
// The per-layer table of the layer graph tab: each layer's name, type, output shape, parameters
// and multiply-adds (the engine's layerTable(), as `torchwright-cli validate` prints it), in the
// order data flows, rebuilt after every analysis of the document. Selecting a row asks for its
// node to be selected; the editor shows the canvas's selection here with setSelectedNodes().

#include "projectdocument.h"

#include <QTableWidget>

namespace torchwright::ui {

// 4360000 -> "4.36 M": counts read for their magnitude.
QString compactCount(int64_t n);

class LayerTable : public QTableWidget {
    Q_OBJECT

public:
    enum Column { NameColumn, TypeColumn, OutputColumn, ParametersColumn, MultiplyAddsColumn, ColumnCount };

    explicit LayerTable(ProjectDocument *doc, QWidget *parent = nullptr);

    // The node a row shows, invalid when out of range.
    NodeId nodeAt(int row) const;
    int rowOf(NodeId id) const; // -1 when not shown
    // Selects the rows of these nodes without announcing it.
    void setSelectedNodes(const std::vector<NodeId> &ids);

Q_SIGNALS:
    // A person selected rows: the nodes they show.
    void nodesSelected(const std::vector<torchwright::NodeId> &ids);

private:
    void refresh();
    void onSelectionChanged();

    ProjectDocument *m_doc;
    std::vector<NodeId> m_rows;
    bool m_updating = false;
};

} // namespace torchwright::ui
