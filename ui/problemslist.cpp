#include "problemslist.h"
#include "i18n.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace torchwright::ui {

ProblemsList::ProblemsList(ProjectDocument *doc, QWidget *parent) : QListWidget(parent), m_doc(doc)
{
    setObjectName(QStringLiteral("problemsList"));
    setWordWrap(true);
    setUniformItemSizes(false);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(doc, &ProjectDocument::analysisChanged, this, &ProblemsList::refresh);
    connect(this, &QListWidget::itemClicked, this, &ProblemsList::activate);
    connect(this, &QListWidget::itemActivated, this, &ProblemsList::activate);
    refresh();
}

NodeId ProblemsList::nodeAt(int row) const
{
    const QListWidgetItem *it = item(row);
    return it ? NodeId{it->data(kNodeIdRole).toInt()} : NodeId{};
}

void ProblemsList::refresh()
{
    const auto &items = m_doc->analysis().diagnostics.items();
    const Graph &graph = m_doc->project().graph;
    const QIcon errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warningIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    clear();
    m_errors = m_warnings = 0;
    // Errors first, each group in the engine's order.
    for (const bool errors : {true, false}) {
        for (const Diagnostic &d : items) {
            if ((d.severity == Severity::Error) != errors)
                continue;
            (errors ? m_errors : m_warnings) += 1;
            auto *row = new QListWidgetItem(errors ? errorIcon : warningIcon, messageText(d.text), this);
            QString tip = diagnosticText(d);
            if (const Node *n = d.nodeId >= 0 ? graph.node(NodeId{d.nodeId}) : nullptr)
                tip = tr("Layer '%1': %2").arg(QString::fromStdString(n->name), tip);
            row->setToolTip(tip);
            row->setData(kNodeIdRole, d.nodeId);
            row->setData(kPortRole, d.port);
        }
    }
    Q_EMIT countsChanged(m_errors, m_warnings);
}

void ProblemsList::paintEvent(QPaintEvent *event)
{
    QListWidget::paintEvent(event);
    if (count() > 0)
        return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    painter.drawText(viewport()->rect().adjusted(8, 8, -8, -8), Qt::AlignTop | Qt::AlignHCenter | Qt::TextWordWrap,
                     tr("No problems: every layer's shape is known."));
}

void ProblemsList::activate(QListWidgetItem *item)
{
    const NodeId id{item ? item->data(kNodeIdRole).toInt() : -1};
    if (id.valid() && m_doc->project().graph.node(id))
        Q_EMIT problemActivated(id);
}

} // namespace torchwright::ui
