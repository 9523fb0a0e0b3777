#include "comparedialog.h"

#include "i18n.h"
#include "loopcommon.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace torchwright::ui {

namespace {

QString pct(double v)
{
    return std::isfinite(v) ? QStringLiteral("%1 %").arg(v * 100, 0, 'f', 2) : QStringLiteral("–");
}

QString points(double a, double b)
{
    if (!std::isfinite(a) || !std::isfinite(b))
        return QStringLiteral("–");
    return QStringLiteral("%1%2").arg(b - a >= 0 ? QStringLiteral("+") : QString()).arg((b - a) * 100, 0, 'f', 2);
}

QTableWidget *makeTable(int columns, const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, columns, parent);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->setWordWrap(false);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells)
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells[c]);
        if (c > 0)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        t->setItem(row, c, item);
    }
}

QListWidget *thumbnails(const std::vector<int> &indices, const std::vector<SampleImage> &images, size_t total,
                        QWidget *parent)
{
    auto *list = new QListWidget(parent);
    list->setViewMode(QListView::IconMode);
    list->setIconSize(QSize(56, 56));
    list->setResizeMode(QListView::Adjust);
    list->setMovement(QListView::Static);
    list->setMinimumHeight(90);
    for (size_t i = 0; i < indices.size(); ++i) {
        auto *item = new QListWidgetItem(QStringLiteral("#%1").arg(indices[i]), list);
        if (i < images.size())
            item->setIcon(QIcon(QPixmap::fromImage(thumbnail(sampleImage(images[i]), 56))));
    }
    if (total > indices.size())
        new QListWidgetItem(CompareDialog::tr("… %1 more").arg(total - indices.size()), list);
    return list;
}

} // namespace

CompareDialog::CompareDialog(const Data &data, QWidget *parent) : QDialog(parent)
{
    const VersionComparison &c = data.comparison;
    const QString a = QString::fromStdString(c.a.id), b = QString::fromStdString(c.b.id);
    setObjectName(QStringLiteral("compareDialog"));
    setWindowTitle(tr("%1 against %2").arg(b, a));
    auto *layout = new QVBoxLayout(this);

    m_gate = new QLabel(this);
    m_gate->setObjectName(QStringLiteral("compareGate"));
    m_gate->setWordWrap(true);
    m_gate->setTextFormat(Qt::RichText);
    QStringList rules;
    for (const GateRule &rule : c.gate.rules)
        rules << QStringLiteral("<span style='color:%1'>%2 %3</span>")
                     .arg(rule.passed ? QStringLiteral("#1b7a2f") : QStringLiteral("#b00020"),
                          rule.passed ? tr("passed:") : tr("failed:"), messageText(rule.text).toHtmlEscaped());
    QString gate = QStringLiteral("<b>%1</b><br>%2")
                       .arg(c.gate.passed ? tr("The gate passes: %1 may be promoted.").arg(b)
                                          : tr("The gate fails: promoting %1 needs an override.").arg(b),
                            rules.join(QStringLiteral("<br>")));
    if (!c.sameTestSplit)
        gate += QStringLiteral("<br><span style='color:#b00020'>%1</span>")
                    .arg(tr("The test split read now differs from the one a version was measured on: the "
                            "figures are of today's data.")
                             .toHtmlEscaped());
    m_gate->setText(gate);
    layout->addWidget(m_gate);

    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs, 1);

    // Overall.
    m_summary = makeTable(4, {tr("Measure"), a, b, tr("Change")}, this);
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    const bool regression = c.testA.regression;
    if (regression) {
        addRow(m_summary, {tr("Test R²"), QString::number(c.testA.r2, 'f', 4), QString::number(c.testB.r2, 'f', 4),
                           QString::number(c.testB.r2 - c.testA.r2, 'f', 4)});
        addRow(m_summary, {tr("Test MAE"), QString::number(c.testA.mae, 'g', 4), QString::number(c.testB.mae, 'g', 4),
                           QString::number(c.testB.mae - c.testA.mae, 'g', 4)});
    } else {
        addRow(m_summary, {tr("Test accuracy (%1 samples)").arg(c.testA.samples), pct(c.testA.accuracy),
                           pct(c.testB.accuracy), points(c.testA.accuracy, c.testB.accuracy)});
    }
    addRow(m_summary, {tr("Test loss"), QString::number(c.testA.loss, 'f', 4), QString::number(c.testB.loss, 'f', 4),
                       QString::number(c.testB.loss - c.testA.loss, 'f', 4)});
    if (c.feedbackA.samples > 0)
        addRow(m_summary, {tr("Feedback set accuracy (%1 items)").arg(c.feedbackA.samples),
                           regression ? QString::number(c.feedbackA.r2, 'f', 4) : pct(c.feedbackA.accuracy),
                           regression ? QString::number(c.feedbackB.r2, 'f', 4) : pct(c.feedbackB.accuracy),
                           regression ? QString::number(c.feedbackB.r2 - c.feedbackA.r2, 'f', 4)
                                      : points(c.feedbackA.accuracy, c.feedbackB.accuracy)});
    else
        addRow(m_summary, {tr("Feedback set"), tr("empty"), tr("empty"), QString()});
    addRow(m_summary, {tr("Test samples newly fixed / broken"), QString(), QString(),
                       QStringLiteral("+%1 / -%2").arg(c.newlyFixed.size()).arg(c.newlyBroken.size())});
    if (c.feedbackA.samples > 0)
        addRow(m_summary, {tr("Feedback items newly fixed / broken"), QString(), QString(),
                           QStringLiteral("+%1 / -%2").arg(c.feedbackFixed.size()).arg(c.feedbackBroken.size())});
    addRow(m_summary, {tr("Latency, batch 1 (ms)"), QString::number(c.latencyMsA, 'g', 3),
                       QString::number(c.latencyMsB, 'g', 3), QString::number(c.latencyMsB - c.latencyMsA, 'g', 2)});
    addRow(m_summary,
           {tr("Model size (KiB)"), QString::number(c.bytesA / 1024.0, 'f', 1),
            QString::number(c.bytesB / 1024.0, 'f', 1), QString::number((c.bytesB - c.bytesA) / 1024.0, 'f', 1)});
    addRow(m_summary, {tr("Parameters"), QString::number(c.paramsA), QString::number(c.paramsB),
                       QString::number(c.paramsB - c.paramsA)});
    m_summary->resizeColumnsToContents();
    m_tabs->addTab(m_summary, tr("Overall"));

    // Per class.
    m_classes = makeTable(7,
                          {tr("Class"), tr("Support"), tr("Recall %1").arg(a), tr("Recall %1").arg(b), tr("Change"),
                           tr("Precision %1").arg(a), tr("Precision %1").arg(b)},
                          this);
    m_classes->setObjectName(QStringLiteral("compareClasses"));
    for (const ClassDelta &d : c.classes) {
        addRow(m_classes, {QString::fromStdString(d.name), QString::number(d.support), pct(d.recallA), pct(d.recallB),
                           points(d.recallA, d.recallB), pct(d.precisionA), pct(d.precisionB)});
        QTableWidgetItem *change = m_classes->item(m_classes->rowCount() - 1, 4);
        if (std::isfinite(d.recallA) && std::isfinite(d.recallB) && std::abs(d.recallB - d.recallA) > 1e-9)
            change->setForeground(d.recallB > d.recallA ? QColor("#1b7a2f") : QColor("#b00020"));
    }
    m_classes->resizeColumnsToContents();
    if (!regression)
        m_tabs->addTab(m_classes, tr("Per class"));

    // Confusion difference: B's matrix minus A's; more on the diagonal and less off it is better.
    const int n = int(c.confusionDelta.size());
    QStringList names;
    for (int k = 0; k < n; ++k)
        names << (k < int(c.classes.size()) ? QString::fromStdString(c.classes[size_t(k)].name) : QString::number(k));
    m_confusion = new QTableWidget(n, n, this);
    m_confusion->setObjectName(QStringLiteral("compareConfusion"));
    m_confusion->setHorizontalHeaderLabels(names);
    m_confusion->setVerticalHeaderLabels(names);
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->setToolTip(tr("Rows: true class; columns: predicted class. Each cell is %1's count minus %2's: "
                               "green where %1 does better (more on the diagonal, fewer off it).")
                                .arg(b, a));
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n && p < int(c.confusionDelta[size_t(t)].size()); ++p) {
            const int64_t d = c.confusionDelta[size_t(t)][size_t(p)];
            auto *item = new QTableWidgetItem(d == 0 ? QString() : QStringLiteral("%1%2").arg(d > 0 ? "+" : "").arg(d));
            item->setTextAlignment(Qt::AlignCenter);
            if (d != 0) {
                const bool better = (t == p) == (d > 0);
                item->setBackground(better ? QColor("#d8f0dc") : QColor("#f8d7da"));
            }
            m_confusion->setItem(t, p, item);
        }
    m_confusion->resizeColumnsToContents();
    if (n > 0)
        m_tabs->addTab(m_confusion, tr("Confusion change"));

    // Samples.
    auto *samples = new QWidget(this);
    auto *sl = new QVBoxLayout(samples);
    sl->addWidget(new QLabel(
        tr("Newly fixed: %1 got them wrong, %2 gets them right (%3)").arg(a, b).arg(c.newlyFixed.size()), samples));
    m_fixed = thumbnails(data.fixedIndices, data.fixedImages, c.newlyFixed.size(), samples);
    m_fixed->setObjectName(QStringLiteral("newlyFixed"));
    sl->addWidget(m_fixed);
    sl->addWidget(new QLabel(
        tr("Newly broken: %1 got them right, %2 gets them wrong (%3)").arg(a, b).arg(c.newlyBroken.size()), samples));
    m_broken = thumbnails(data.brokenIndices, data.brokenImages, c.newlyBroken.size(), samples);
    m_broken->setObjectName(QStringLiteral("newlyBroken"));
    sl->addWidget(m_broken);
    m_tabs->addTab(samples, tr("Samples"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *promote = buttons->addButton(tr("Promote %1…").arg(b), QDialogButtonBox::ActionRole);
    promote->setObjectName(QStringLiteral("comparePromote"));
    promote->setEnabled(!c.b.current);
    connect(promote, &QPushButton::clicked, this, [this, b] {
        Q_EMIT promoteRequested(b);
        close();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);
    resize(760, 560);
}

QString CompareDialog::gateText() const { return m_gate->text(); }

} // namespace torchwright::ui
