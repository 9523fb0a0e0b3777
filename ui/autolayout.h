#pragma once
// Automatic left-to-right arrangement of the layer graph, as a pure function over the engine's
// graph so it can be tested without a scene and undone as one MoveNodes of every node.

#include "torchwright/graph.h"

#include <QPointF>

#include <map>

namespace torchwright::ui {

struct AutoLayoutOptions {
    double columnSpacing = 200.0; // horizontal distance between consecutive layers
    double rowSpacing = 140.0;    // vertical distance between nodes of one layer
    QPointF origin{80.0, 200.0};  // position of layer 0; each layer is centred on origin.y()
};

// Positions (top-left corners, whole pixels) by node id for every node of `graph`.
// Each node's column is the length of the longest path reaching it from a node without inputs
// (the Input, in a well-formed graph), so every edge runs left to right. Within a column nodes
// are ordered by the mean row of their predecessors (fewer crossings), then by their current
// y, then by their place in the node list, and spread vertically around origin.y().
// A graph with a cycle still gets a layout: the cycle is cut at the earliest listed node.
// Edges naming missing nodes are ignored.
std::map<int, QPointF> autoLayout(const Graph &graph, const AutoLayoutOptions &options = {});

} // namespace torchwright::ui
