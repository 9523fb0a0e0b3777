#include "nodeinspector.h"

#include "commands/changenodeparameter.h"
#include "commands/renamenode.h"
#include "i18n.h"
#include "nodeitem.h"

#include "torchwright/layers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace torchwright::ui {

using nlohmann::json;

namespace {

// The value a parameter has on `node`: as written, else its default, else its example.
json currentValue(const Node &node, const ParamSpec &spec)
{
    if (node.params.is_object())
        if (auto it = node.params.find(spec.name); it != node.params.end())
            return *it;
    return spec.required() ? spec.example : spec.defaultValue;
}

// Decimals needed to show `v` exactly (to 1e-12 relative), between 2 and 10.
int decimalsFor(double v)
{
    for (int d = 2; d < 10; ++d) {
        const double scale = std::pow(10.0, d);
        if (std::abs(std::round(v * scale) / scale - v) <= 1e-12 * std::max(1.0, std::abs(v)))
            return d;
    }
    return 10;
}

bool bounded(const ParamSpec &spec) { return !(spec.min == 0 && spec.max == 0); }

int intMin(const ParamSpec &spec)
{
    return bounded(spec) ? int(std::clamp<double>(spec.min + (spec.minExclusive ? 1 : 0), INT_MIN, INT_MAX)) : INT_MIN;
}

int intMax(const ParamSpec &spec)
{
    return bounded(spec) && spec.max != 0 ? int(std::clamp<double>(spec.max, INT_MIN, INT_MAX)) : INT_MAX;
}

QString count(int64_t n) { return QLocale().toString(qlonglong(n)); }

} // namespace

NodeInspector::NodeInspector(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_placeholder(new QLabel(this)), m_scroll(new QScrollArea(this)),
      m_content(new QWidget), m_name(new QLineEdit), m_nameError(new QLabel), m_type(new QLabel),
      m_form(new QFormLayout(m_content)), m_output(new QLabel), m_parameters(new QLabel), m_multiplyAdds(new QLabel),
      m_problems(new QLabel)
{
    setObjectName(QStringLiteral("nodeInspector"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setText(tr("Select a layer to edit it."));

    m_name->setObjectName(QStringLiteral("nodeName"));
    m_name->setToolTip(tr("Also the module's name in checkpoints and exports"));
    m_nameError->setObjectName(QStringLiteral("nameError"));
    m_nameError->setWordWrap(true);
    m_nameError->setStyleSheet(QStringLiteral("color: #b01010"));
    m_nameError->hide();
    m_type->setObjectName(QStringLiteral("nodeType"));
    m_output->setObjectName(QStringLiteral("outputShape"));
    m_parameters->setObjectName(QStringLiteral("parameterCount"));
    m_multiplyAdds->setObjectName(QStringLiteral("multiplyAdds"));
    m_problems->setObjectName(QStringLiteral("nodeProblems"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #b01010"));
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_form->addRow(tr("Name"), m_name);
    m_form->addRow(QString(), m_nameError);
    m_form->addRow(tr("Type"), m_type);
    // Parameter rows go here (rebuildEditors()).
    m_form->addRow(tr("Output"), m_output);
    m_form->addRow(tr("Parameters"), m_parameters);
    m_form->addRow(tr("Multiply-adds"), m_multiplyAdds);
    m_form->addRow(m_problems);

    // Narrow side panels: labels go above their fields rather than squeeze them, fields take
    // the width there is, and only vertical scrolling is left.
    m_form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(m_content);
    m_scroll->setVisible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_placeholder);
    layout->addWidget(m_scroll);

    connect(m_name, &QLineEdit::editingFinished, this, &NodeInspector::commitName);
    connect(doc, &ProjectDocument::nodeChanged, this, [this](NodeId id) {
        if (id == m_node)
            refreshValues();
    });
    connect(doc, &ProjectDocument::nodeRemoved, this, [this](NodeId id) {
        if (id == m_node)
            setNode({});
    });
    connect(doc, &ProjectDocument::projectReset, this, [this] { setNode({}); });
    connect(doc, &ProjectDocument::analysisChanged, this, &NodeInspector::refreshAnalysis);
}

NodeInspector::~NodeInspector()
{
    // Children are deleted after this body; an editor losing focus then must not commit
    // through a half-destroyed inspector.
    for (QObject *child : findChildren<QObject *>())
        disconnect(child, nullptr, this, nullptr);
}

void NodeInspector::setSelection(const std::vector<NodeId> &ids)
{
    if (ids.size() == 1) {
        setNode(ids.front());
        return;
    }
    setNode({});
    if (!ids.empty())
        m_placeholder->setText(tr("%1 layers selected.").arg(ids.size()));
}

void NodeInspector::setNode(NodeId id)
{
    const Node *node = id.valid() ? m_doc->project().graph.node(id) : nullptr;
    const bool changed = !(id == m_node);
    m_node = node ? id : NodeId{};
    m_placeholder->setText(tr("Select a layer to edit it."));
    m_placeholder->setVisible(!node);
    m_scroll->setVisible(node);
    if (changed)
        showNameError({});
    if (!node) {
        m_builtType.clear();
        rebuildEditors();
        return;
    }
    if (changed || m_builtType != node->type)
        rebuildEditors();
    refreshValues();
    refreshAnalysis();
}

QWidget *NodeInspector::editorFor(const QString &parameter) const
{
    return m_content->findChild<QWidget *>(QStringLiteral("param_") + parameter);
}

QString NodeInspector::nameError() const { return m_nameError->text(); }

void NodeInspector::showNameError(const QString &message)
{
    m_nameError->setText(message);
    m_nameError->setVisible(!message.isEmpty());
}

void NodeInspector::rebuildEditors()
{
    // The parameter rows follow the name, its error and the type.
    constexpr int firstParamRow = 3;
    // The old editors belong to the node shown before; a focused one fixing up its text as it
    // goes must not commit to the new node.
    for (int row = firstParamRow; row < firstParamRow + m_paramRows; ++row)
        if (QLayoutItem *field = m_form->itemAt(row, QFormLayout::FieldRole); field && field->widget())
            field->widget()->blockSignals(true);
    for (; m_paramRows > 0; --m_paramRows)
        m_form->removeRow(firstParamRow); // deletes the row's widgets
    const Node *node = m_node.valid() ? m_doc->project().graph.node(m_node) : nullptr;
    if (!node)
        return;
    m_builtType = node->type;
    const LayerType *type = LayerRegistry::instance().find(node->type);
    m_type->setText(QString::fromStdString(node->type));
    m_type->setToolTip(type ? layerText(type->description) : tr("Unknown layer type"));
    if (!type)
        return;
    for (const ParamSpec &spec : type->params) {
        const QString key = QString::fromStdString(spec.name);
        QWidget *editor = nullptr;
        const json value = currentValue(*node, spec);
        switch (spec.type) {
        case ParamType::Int: {
            auto *box = new QSpinBox;
            box->setRange(intMin(spec), intMax(spec));
            connect(box, &QSpinBox::valueChanged, this,
                    [this, name = spec.name](int v) { commitParameter(name, json(int64_t(v))); });
            editor = box;
            break;
        }
        case ParamType::Float: {
            auto *box = new QDoubleSpinBox;
            int decimals = decimalsFor(value.is_number() ? value.get<double>() : 0.0);
            if (spec.defaultValue.is_number())
                decimals = std::max(decimals, decimalsFor(spec.defaultValue.get<double>()));
            if (bounded(spec))
                decimals = std::max({decimals, decimalsFor(spec.min), decimalsFor(spec.max)});
            box->setDecimals(decimals);
            const double step = std::pow(10.0, -decimals);
            box->setSingleStep(step);
            const double low = bounded(spec) ? spec.min + (spec.minExclusive ? step : 0.0) : -1e12;
            const double high = bounded(spec) && spec.max != 0 ? spec.max : 1e12;
            box->setRange(low, high);
            connect(box, &QDoubleSpinBox::valueChanged, this,
                    [this, name = spec.name](double v) { commitParameter(name, json(v)); });
            editor = box;
            break;
        }
        case ParamType::Bool: {
            auto *box = new QCheckBox;
            connect(box, &QCheckBox::toggled, this,
                    [this, name = spec.name](bool v) { commitParameter(name, json(v)); });
            editor = box;
            break;
        }
        case ParamType::Choice: {
            auto *box = new QComboBox;
            for (const std::string &c : spec.choices)
                box->addItem(choiceText(c), QString::fromStdString(c)); // shown translated, stored as it is
            connect(box, &QComboBox::activated, this, [this, box, name = spec.name](int index) {
                commitParameter(name, json(box->itemData(index).toString().toStdString()));
            });
            editor = box;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("param_") + key);
        QString tip = layerText(spec.help);
        const QString expected = paramExpectation(spec);
        if (!expected.isEmpty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral(" — ")) + expected;
        editor->setToolTip(tip);
        auto *label = new QLabel(spec.required() ? key + QStringLiteral(" *") : key);
        label->setToolTip(tip);
        m_form->insertRow(firstParamRow + m_paramRows++, label, editor);
    }
}

void NodeInspector::refreshValues()
{
    const Node *node = m_node.valid() ? m_doc->project().graph.node(m_node) : nullptr;
    if (!node)
        return;
    const QString name = QString::fromStdString(node->name);
    if (m_name->text() != name)
        m_name->setText(name);
    const LayerType *type = LayerRegistry::instance().find(node->type);
    if (!type)
        return;
    // Values set here must not come back as edits.
    for (const ParamSpec &spec : type->params) {
        QWidget *editor = editorFor(QString::fromStdString(spec.name));
        if (!editor)
            continue;
        const QSignalBlocker blocker(editor);
        const json value = currentValue(*node, spec);
        if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
            const int v = value.is_number() ? int(std::clamp<double>(value.get<double>(), INT_MIN, INT_MAX)) : 0;
            if (spin->value() != v)
                spin->setValue(v);
        } else if (auto *real = qobject_cast<QDoubleSpinBox *>(editor)) {
            const double v = value.is_number() ? value.get<double>() : 0.0;
            if (decimalsFor(v) > real->decimals())
                real->setDecimals(decimalsFor(v));
            if (real->value() != v)
                real->setValue(v);
        } else if (auto *check = qobject_cast<QCheckBox *>(editor)) {
            check->setChecked(value.is_boolean() && value.get<bool>());
        } else if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            const QString text = value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
            int index = combo->findData(text);
            if (index < 0 && !text.isEmpty()) {
                // A value the registry does not offer (a hand-edited file): show it as it is.
                combo->addItem(text, text);
                index = combo->count() - 1;
            }
            combo->setCurrentIndex(index);
        }
    }
}

void NodeInspector::refreshAnalysis()
{
    if (!m_node.valid())
        return;
    const GraphAnalysis &analysis = m_doc->analysis();
    auto it = analysis.nodes.find(m_node.value);
    const bool known = it != analysis.nodes.end() && it->second.ok;
    QString shape = QStringLiteral("?");
    if (it != analysis.nodes.end() && it->second.output) {
        shape = QString::fromStdString(formatShape(it->second.output->shape));
        if (it->second.output->dtype != DType::Float32)
            shape += ' ' + QString::fromLatin1(dtypeName(it->second.output->dtype));
    }
    m_output->setText(shape);
    m_parameters->setText(known ? count(it->second.parameters) : QStringLiteral("?"));
    m_multiplyAdds->setText(known ? count(it->second.multiplyAdds) : QStringLiteral("?"));
    QStringList problems;
    for (const Diagnostic &d : analysis.diagnostics.items())
        if (d.nodeId == m_node.value)
            problems << (d.severity == Severity::Warning ? tr("Warning: ") : QString()) + messageText(d.text);
    m_problems->setText(problems.join('\n'));
    m_problems->setVisible(!problems.isEmpty());
}

void NodeInspector::commitName()
{
    const Node *node = m_node.valid() ? m_doc->project().graph.node(m_node) : nullptr;
    if (!node)
        return;
    const QString text = m_name->text().trimmed();
    const std::string name = text.toStdString();
    if (name == node->name) {
        m_name->setText(text);
        return;
    }
    const QString current = QString::fromStdString(node->name);
    if (!isValidNodeName(name)) {
        showNameError(tr("'%1' is not a valid name: start with a letter or '_' and use only "
                         "letters, digits and '_'.")
                          .arg(text));
        m_name->setText(current);
        return;
    }
    if (m_doc->project().graph.findByName(name)) {
        showNameError(tr("'%1' is already the name of another layer.").arg(text));
        m_name->setText(current);
        return;
    }
    showNameError({});
    m_doc->undoStack()->push(new RenameNode(m_doc, m_node, name));
}

void NodeInspector::commitParameter(const std::string &key, const json &value)
{
    const Node *node = m_node.valid() ? m_doc->project().graph.node(m_node) : nullptr;
    if (!node)
        return;
    if (node->params.is_object())
        if (auto it = node->params.find(key); it != node->params.end() && *it == value)
            return;
    m_doc->undoStack()->push(new ChangeNodeParameter(m_doc, m_node, key, value));
}

} // namespace torchwright::ui
