#pragma once
// Automatic top-to-bottom arrangement of the layer graph (a layered, Sugiyama-style drawing),
// as a pure function over the engine's graph so it can be tested without a scene and undone as
// one MoveNodes of every node.

#include "torchwright/graph.h"

#include <QPointF>
#include <QSizeF>

#include <functional>
#include <map>

namespace torchwright::ui {

struct AutoLayoutOptions {
    double layerGap = 64.0;  // vertical space between the bottom of one layer and the next's top
    double columnGap = 60.0; // horizontal space between two cards of one layer
    // Where the layout starts: the horizontal centre of the main column and the top of layer 0.
    QPointF origin{0.0, 0.0};
    // The size of a node's card; empty: NodeItem::sizeFor().
    std::function<QSizeF(const Node &)> nodeSize;
};

// Positions (top-left corners, whole pixels) by node id for every node of `graph`.
// Layers: each node's layer is the length of the longest path reaching it from a node without
// inputs (the Input, in a well-formed graph), so every edge runs downwards; each layer starts
// below the tallest card of the layer above. Order within a layer: barycenter sweeps (down and
// up) over the neighbours' places, ties kept by current x and then by the node list, to reduce
// crossings. Horizontal places: each node goes under the mean of its predecessors (so a chain is
// one vertical line), pushed apart just enough that cards of a layer do not overlap. Edges that
// skip layers are not given places: the scene routes them around the cards they would cross.
// A graph with a cycle still gets a layout: the cycle is cut at the earliest listed node.
// Edges naming missing nodes are ignored.
std::map<int, QPointF> autoLayout(const Graph &graph, const AutoLayoutOptions &options = {});

// True when the graph's positions carry no arrangement: two or more nodes, all at one point (a
// project written without positions). Such a project is laid out when it is opened.
bool needsLayout(const Graph &graph);

} // namespace torchwright::ui
