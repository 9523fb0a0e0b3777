#pragma once
// A layer on the canvas: a card with its name, type, key parameters and parameter count, input
// ports along its top edge and its output in the middle of its bottom edge (graphs run top to
// bottom). Its text is a little larger than the UI font, so that at readableZoom() and above it
// reads at least as large as the rest of the studio. A passive view: GraphScene fills it from the
// document and the analysis; it never edits anything itself. Its position is the node's (x, y)
// (the box's top-left corner) and is only set by the scene when the document says so.

#include "torchwright/graph.h"

#include <QFont>
#include <QGraphicsItem>
#include <QStringList>

#include <optional>
#include <vector>

namespace torchwright::ui {

class PortItem;

using torchwright::isValidNodeName; // the engine's rule for layer names

class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };
    static constexpr qreal kWidth = 170.0;
    static constexpr int kKeyParameters = 3;
    // Card text against the UI font.
    static constexpr qreal kTextScale = 1.1;

    explicit NodeItem(NodeId id);

    int type() const override { return Type; }
    NodeId nodeId() const { return m_id; }

    // Name, type, key parameters and ports from the document's node. Ports beyond the new
    // count are deleted, so callers must not keep PortItem pointers across this call.
    void setNode(const Node &node);
    // From the current analysis: the trainable parameter count (empty when not inferred) and
    // the engine's messages about this node. Errors turn the box red; all messages become its
    // tooltip.
    void setAnalysis(std::optional<int64_t> parameters, const QStringList &errors, const QStringList &warnings);

    QString name() const { return m_name; }
    QString typeName() const { return m_typeName; }
    QStringList keyParameters() const { return m_keyParameters; }
    QString statsText() const { return m_stats; }
    bool hasError() const { return !m_errors.isEmpty(); }
    bool hasWarning() const { return !m_warnings.isEmpty(); }
    QStringList errors() const { return m_errors; }

    int inputCount() const { return int(m_inputs.size()); }
    PortItem *inputPort(int index) const; // nullptr when out of range
    PortItem *outputPort() const { return m_output; }
    // Scene points where edges attach. An input beyond inputCount() (an edge left over after the
    // port count shrank) attaches at the right end of the top edge.
    QPointF inputAnchor(int port) const;
    QPointF outputAnchor() const;

    // Input ports of `node` per its registry entry, with defaults filled in for missing
    // parameters; 1 for unknown types or unusable parameters so that they stay connectable.
    static int inputPortCount(const Node &node);
    // The first `max` parameters worth showing: required ones and those set to something
    // other than their default, as "name: value".
    static QStringList keyParameterLines(const Node &node, int max = kKeyParameters);
    // The card's size for `node` (what autoLayout() spaces by).
    static QSizeF sizeFor(const Node &node);
    // Fonts of the card's title and of its other lines.
    static QFont titleFont();
    static QFont bodyFont();
    // The smallest zoom at which the card's text is still as large as the UI font.
    static qreal readableZoom() { return 1.0 / kTextScale; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    static qreal heightFor(int keyParameterLines);
    qreal height() const;
    void placePorts();
    void updateToolTip();

    NodeId m_id;
    QString m_name;
    QString m_typeName;
    QString m_category;
    QString m_description;
    QStringList m_keyParameters;
    QString m_stats;
    QStringList m_errors;
    QStringList m_warnings;
    std::vector<PortItem *> m_inputs; // children, owned through the item tree
    PortItem *m_output = nullptr;     // child
};

} // namespace torchwright::ui
