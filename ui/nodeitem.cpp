#include "nodeitem.h"

#include "i18n.h"
#include "portitem.h"

#include "torchwright/diagnostics.h"
#include "torchwright/layers.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cctype>

namespace torchwright::ui {

using nlohmann::json;

namespace {

constexpr qreal kPad = 8.0;

qreal headerHeight() { return QFontMetricsF(NodeItem::titleFont()).height() + 8; }
qreal lineHeight() { return QFontMetricsF(NodeItem::bodyFont()).height() + 2; }

// A stable colour per category: Qt's string hash is seeded per process, so hash by hand.
QColor categoryColor(const QString &category)
{
    uint h = 0;
    for (QChar c : category)
        h = h * 31 + c.unicode();
    return QColor::fromHsv(int(h % 360), 70, 225);
}

QString valueText(const json &v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_number_float())
        return QString::number(v.get<double>(), 'g', 6);
    return QString::fromStdString(v.dump());
}

} // namespace

NodeItem::NodeItem(NodeId id) : m_id(id)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(false);
    setZValue(0);
    m_output = new PortItem(this, false, 0);
}

int NodeItem::inputPortCount(const Node &node)
{
    const auto &registry = LayerRegistry::instance();
    const LayerType *type = registry.find(node.type);
    if (!type || !type->inputCount)
        return 1;
    try {
        Diagnostics ignored;
        const json params = registry.normalizeParams(*type, node.params, {}, ignored, node.id.value);
        if (!ignored.hasErrors())
            return std::max(0, type->inputCount(params));
        return std::max(0, type->inputCount(registry.initialParams(*type)));
    } catch (const std::exception &) {
        return 1;
    }
}

QStringList NodeItem::keyParameterLines(const Node &node, int max)
{
    QStringList lines;
    const LayerType *type = LayerRegistry::instance().find(node.type);
    if (!type || !node.params.is_object())
        return lines;
    for (const ParamSpec &spec : type->params) {
        if (int(lines.size()) >= max)
            break;
        auto it = node.params.find(spec.name);
        if (it == node.params.end())
            continue; // missing means default
        if (!spec.required() && *it == spec.defaultValue)
            continue;
        lines << QString::fromStdString(spec.name) + ": " + valueText(*it);
    }
    return lines;
}

void NodeItem::setNode(const Node &node)
{
    prepareGeometryChange();
    m_name = QString::fromStdString(node.name);
    m_typeName = QString::fromStdString(node.type);
    const LayerType *type = LayerRegistry::instance().find(node.type);
    m_category = type ? QString::fromStdString(type->category) : QString();
    m_description = type ? layerText(type->description) : QString();
    m_keyParameters = keyParameterLines(node);

    const int count = inputPortCount(node);
    while (int(m_inputs.size()) > count) {
        delete m_inputs.back();
        m_inputs.pop_back();
    }
    while (int(m_inputs.size()) < count)
        m_inputs.push_back(new PortItem(this, true, int(m_inputs.size())));
    placePorts();
    updateToolTip();
    update();
}

void NodeItem::setAnalysis(std::optional<int64_t> parameters, const QStringList &errors, const QStringList &warnings)
{
    const QString stats =
        parameters ? QObject::tr("%1 params").arg(QLocale().toString(qlonglong(*parameters))) : QObject::tr("? params");
    if (stats == m_stats && errors == m_errors && warnings == m_warnings)
        return;
    m_stats = stats;
    m_errors = errors;
    m_warnings = warnings;
    updateToolTip();
    update();
}

void NodeItem::updateToolTip()
{
    QStringList tip;
    tip << m_errors << m_warnings;
    if (tip.isEmpty())
        tip << QStringLiteral("%1 (%2)").arg(m_name, m_typeName) << m_description;
    setToolTip(tip.join('\n'));
}

PortItem *NodeItem::inputPort(int index) const
{
    return index >= 0 && index < int(m_inputs.size()) ? m_inputs[size_t(index)] : nullptr;
}

QFont NodeItem::titleFont()
{
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * kTextScale);
    f.setBold(true);
    return f;
}

QFont NodeItem::bodyFont()
{
    QFont f = QApplication::font();
    f.setPointSizeF(f.pointSizeF() * kTextScale);
    return f;
}

qreal NodeItem::heightFor(int keyParameterLines)
{
    return std::round(headerHeight() + lineHeight() * (2 + keyParameterLines) + kPad);
}

QSizeF NodeItem::sizeFor(const Node &node) { return QSizeF(kWidth, heightFor(int(keyParameterLines(node).size()))); }

qreal NodeItem::height() const { return heightFor(int(m_keyParameters.size())); }

void NodeItem::placePorts()
{
    // Inputs spread evenly along the top edge; the output in the middle of the bottom edge.
    const int count = int(m_inputs.size());
    for (int i = 0; i < count; ++i)
        m_inputs[size_t(i)]->setPos(kWidth * (i + 1) / (count + 1), 0);
    m_output->setPos(kWidth / 2, height());
}

QPointF NodeItem::inputAnchor(int port) const
{
    if (PortItem *p = inputPort(port))
        return p->scenePos();
    return mapToScene(QPointF(kWidth - 6, 0));
}

QPointF NodeItem::outputAnchor() const { return m_output->scenePos(); }

QRectF NodeItem::boundingRect() const
{
    const qreal margin = 2.0;
    return QRectF(-margin, -margin, kWidth + 2 * margin, height() + 2 * margin);
}

void NodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QRectF box(0, 0, kWidth, height());
    const bool selected = option->state & QStyle::State_Selected;
    const bool error = hasError();
    painter->setRenderHint(QPainter::Antialiasing);

    QColor border = error ? QColor(200, 30, 30) : hasWarning() ? QColor(210, 140, 0) : QColor(90, 95, 105);
    if (selected)
        border = error ? QColor(150, 0, 0) : QColor(30, 100, 220);
    painter->setPen(QPen(border, selected || error ? 2.5 : 1.2));
    painter->setBrush(error ? QColor(255, 225, 225) : QColor(252, 252, 254));
    painter->drawRoundedRect(box, 6, 6);

    // Header band in the category's colour, red when the node has a problem.
    QPainterPath header;
    const qreal headerH = headerHeight();
    header.addRoundedRect(QRectF(0.6, 0.6, kWidth - 1.2, headerH), 5.5, 5.5);
    header.addRect(QRectF(0.6, headerH / 2, kWidth - 1.2, headerH / 2));
    painter->setPen(Qt::NoPen);
    painter->setBrush(error ? QColor(230, 90, 90) : categoryColor(m_category));
    painter->drawPath(header.simplified());

    painter->setFont(titleFont());
    painter->setPen(error ? Qt::white : QColor(20, 20, 30));
    const QRectF text(kPad, 0, kWidth - 2 * kPad, headerH);
    painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                      painter->fontMetrics().elidedText(m_name, Qt::ElideRight, int(text.width())));

    painter->setFont(bodyFont());
    const QFontMetrics fm = painter->fontMetrics();
    const qreal lineH = lineHeight();
    qreal y = headerH + 2;
    auto line = [&](const QString &s, const QColor &c) {
        painter->setPen(c);
        const QRectF r(kPad, y, kWidth - 2 * kPad, lineH);
        painter->drawText(r, Qt::AlignVCenter | Qt::AlignLeft, fm.elidedText(s, Qt::ElideRight, int(r.width())));
        y += lineH;
    };
    line(m_typeName, QColor(100, 105, 115));
    for (const QString &p : m_keyParameters)
        line(p, QColor(40, 45, 55));
    line(m_stats, QColor(100, 105, 115));
}

} // namespace torchwright::ui
