#include "feedbackpanel.h"

#include "i18n.h"
#include "projectdocument.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <set>

namespace torchwright::ui {

namespace {

constexpr int kThumb = 36;
constexpr int kItemRole = Qt::UserRole + 1;
constexpr int kSortRole = Qt::UserRole + 2;
constexpr int kMaxRows = 2000; // the newest; the filters narrow the rest down

class NumberItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem &other) const override
    {
        const double a = data(kSortRole).toDouble(), b = other.data(kSortRole).toDouble();
        if (std::isnan(a) || std::isnan(b))
            return !std::isnan(a) && std::isnan(b);
        return a < b;
    }
};

} // namespace

FeedbackPanel::FeedbackPanel(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("feedbackState"));
    m_state->addItem(tr("All items"), QString());
    m_state->addItem(tr("Unreviewed"), QStringLiteral("unreviewed"));
    m_state->addItem(tr("Reviewed"), QStringLiteral("reviewed"));
    m_state->addItem(tr("Wrong"), QStringLiteral("wrong"));
    m_state->addItem(tr("Right"), QStringLiteral("right"));
    m_class = new QComboBox(this);
    m_class->setObjectName(QStringLiteral("feedbackClass"));
    m_class->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_class->setMinimumContentsLength(8);
    m_version = new QComboBox(this);
    m_version->setObjectName(QStringLiteral("feedbackVersion"));
    m_version->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_state);
    filters->addWidget(m_class, 1);
    filters->addWidget(m_version);

    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("feedbackCounts"));
    m_counts->setWordWrap(true);
    m_perClass = new QLabel(this);
    m_perClass->setObjectName(QStringLiteral("feedbackPerClass"));
    m_perClass->setWordWrap(true);
    m_perClass->setToolTip(tr("Per class: reviewed items whose correct class it is, and how many of them the "
                              "prediction got wrong"));

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("feedbackTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Input"), tr("Prediction"), tr("Confidence"), tr("Review"), tr("Version"), tr("Time")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setIconSize(QSize(kThumb, kThumb));
    m_table->verticalHeader()->setDefaultSectionSize(kThumb + 4);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    // The store's order until a header is clicked.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setMinimumHeight(240);
    m_table->setWordWrap(false);

    m_right = new QPushButton(tr("Right"), this);
    m_right->setObjectName(QStringLiteral("feedbackRight"));
    m_wrong = new QPushButton(tr("Wrong, it is:"), this);
    m_wrong->setObjectName(QStringLiteral("feedbackWrong"));
    m_correctClass = new QComboBox(this);
    m_correctClass->setObjectName(QStringLiteral("feedbackCorrectClass"));
    m_correctClass->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_correctClass->setMinimumContentsLength(8);
    m_correctValue = new QLineEdit(this);
    m_correctValue->setPlaceholderText(tr("correct value"));
    m_undo = new QPushButton(tr("Undo review"), this);
    m_undo->setObjectName(QStringLiteral("feedbackUndo"));
    m_undo->setToolTip(tr("Take back the review in force of the selected items"));
    auto *review = new QHBoxLayout;
    review->addWidget(m_right);
    review->addWidget(m_wrong);
    review->addWidget(m_correctClass, 1);
    review->addWidget(m_correctValue, 1);
    review->addWidget(m_undo);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("feedbackStatus"));
    m_status->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_counts);
    layout->addWidget(m_perClass);
    layout->addWidget(m_table, 1);
    layout->addLayout(review);
    layout->addWidget(m_status);

    for (QComboBox *c : {m_state, m_class, m_version})
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_refreshing)
                refresh();
        });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &FeedbackPanel::updateButtons);
    auto selectedRows = [this] {
        std::set<int> rows;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            rows.insert(i.row());
        return QList<int>(rows.rbegin(), rows.rend());
    };
    // Each action ends in refresh(), which rebuilds the rows: act on their ids, not their rows.
    auto selectedIds = [this, selectedRows] {
        QStringList ids;
        for (int row : selectedRows())
            ids << itemId(row);
        return ids;
    };
    auto rowOf = [this](const QString &id) {
        for (int row = 0; row < m_table->rowCount(); ++row)
            if (itemId(row) == id)
                return row;
        return -1;
    };
    connect(m_right, &QPushButton::clicked, this, [this, selectedIds, rowOf] {
        for (const QString &id : selectedIds())
            if (!markRight(rowOf(id)))
                return;
    });
    connect(m_wrong, &QPushButton::clicked, this, [this, selectedIds, rowOf] {
        bool number = false;
        const double value = m_correctValue->text().toDouble(&number);
        for (const QString &id : selectedIds()) {
            const int row = rowOf(id);
            const int index = m_table->item(row, InputColumn)->data(kItemRole).toInt();
            const bool regression = m_items[size_t(index)].regression;
            if (regression && !number) {
                reportStatus(tr("Type the correct value first."), true);
                return;
            }
            if (!(regression ? markWrongValue(row, value) : markWrong(row, m_correctClass->currentIndex())))
                return;
        }
    });
    connect(m_undo, &QPushButton::clicked, this, [this, selectedIds, rowOf] {
        for (const QString &id : selectedIds())
            if (!undo(rowOf(id)))
                return;
    });
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &FeedbackPanel::refresh);
    connect(doc, &ProjectDocument::settingsChanged, this, &FeedbackPanel::refresh);
    refresh();
}

FeedbackStore FeedbackPanel::store() const
{
    return FeedbackStore(LoopWatcher::forDocument(m_doc)->feedbackDir().toStdString());
}

FeedbackFilter FeedbackPanel::filter() const
{
    FeedbackFilter f;
    f.state = m_state->currentData().toString().toStdString();
    f.label = m_class->currentIndex() <= 0 ? -1 : m_class->currentIndex() - 1;
    f.version = m_version->currentData().toString().toStdString();
    return f;
}

void FeedbackPanel::setFilter(const QString &state, int label, const QString &version)
{
    m_refreshing = true;
    m_state->setCurrentIndex(std::max(0, m_state->findData(state)));
    m_class->setCurrentIndex(label < 0 ? 0 : std::min(label + 1, m_class->count() - 1));
    const int v = m_version->findData(version);
    m_version->setCurrentIndex(v < 0 ? 0 : v);
    m_refreshing = false;
    refresh();
}

void FeedbackPanel::refresh()
{
    if (m_refreshing)
        return;
    m_refreshing = true;
    const Project &project = m_doc->project();
    const QStringList names = classNames(project);
    // The class filter and the correct class follow the project's classes.
    if (m_class->count() != names.size() + 1) {
        const int keep = m_class->currentIndex();
        m_class->clear();
        m_class->addItem(tr("All classes"));
        m_class->addItems(names);
        m_class->setCurrentIndex(keep >= 0 && keep < m_class->count() ? keep : 0);
        m_correctClass->clear();
        m_correctClass->addItems(names);
    }
    const QString dir = LoopWatcher::forDocument(m_doc)->feedbackDir();
    std::vector<FeedbackItem> all;
    std::vector<Message> problems;
    QString error;
    if (dir.isEmpty()) {
        error = tr("Save the project first: the feedback store is kept beside it.");
    } else {
        try {
            const FeedbackStore s(dir.toStdString());
            all = s.items(&problems);
            m_items = s.list(filter());
            const FeedbackCounts c = s.counts(int(names.size()));
            m_counts->setText(tr("%1 items: %2 reviewed (%3 right, %4 wrong), %5 to review.")
                                  .arg(c.items)
                                  .arg(c.reviewed)
                                  .arg(c.right)
                                  .arg(c.wrong)
                                  .arg(c.items - c.reviewed));
            QStringList perClass;
            for (size_t k = 0; k < c.perClass.size() && k < size_t(names.size()); ++k)
                if (c.perClass[k] > 0)
                    perClass << tr("%1: %2 (%3 wrong)")
                                    .arg(names[int(k)])
                                    .arg(c.perClass[k])
                                    .arg(k < c.wrongPerClass.size() ? c.wrongPerClass[k] : 0);
            m_perClass->setText(
                perClass.isEmpty() ? QString() : tr("Reviewed per class: %1").arg(perClass.join(QStringLiteral(", "))));
        } catch (const std::exception &e) {
            error = exceptionText(e);
        }
    }
    if (!error.isEmpty()) {
        m_items.clear();
        m_counts->setText(error);
        m_perClass->clear();
    }
    // The version filter lists every version that predicted something.
    QStringList versions;
    for (const FeedbackItem &i : all)
        if (!i.version.empty() && !versions.contains(QString::fromStdString(i.version)))
            versions << QString::fromStdString(i.version);
    const QString keepVersion = m_version->currentData().toString();
    m_version->clear();
    m_version->addItem(tr("All versions"), QString());
    for (const QString &v : versions)
        m_version->addItem(v, v);
    m_version->setCurrentIndex(std::max(0, m_version->findData(keepVersion)));

    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    const FeedbackStore s(dir.toStdString());
    const size_t first = m_items.size() > size_t(kMaxRows) ? m_items.size() - kMaxRows : 0;
    for (size_t n = first; n < m_items.size(); ++n) {
        const FeedbackItem &item = m_items[n];
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        QString source = QString::fromStdString(item.input.source);
        if (QFileInfo(source).isAbsolute())
            source = QFileInfo(source).fileName();
        auto *input = new QTableWidgetItem(source);
        input->setData(kItemRole, int(n));
        input->setToolTip(QString::fromStdString(item.input.source));
        const QImage thumb = dir.isEmpty() ? QImage() : feedbackThumbnail(s, item, kThumb);
        if (!thumb.isNull())
            input->setIcon(QIcon(QPixmap::fromImage(thumb)));
        m_table->setItem(row, InputColumn, input);
        m_table->setItem(row, VersionColumn, new QTableWidgetItem(QString::fromStdString(item.version)));
        QString prediction;
        if (!item.predicted)
            prediction = tr("(not predicted)");
        else if (item.regression)
            prediction = QString::number(item.value, 'g', 6);
        else if (!item.top.empty())
            prediction = QString::fromStdString(item.top.front().name);
        m_table->setItem(row, PredictionColumn, new QTableWidgetItem(prediction));
        auto *confidence = new NumberItem(
            std::isnan(item.confidence()) ? QString() : QStringLiteral("%1 %").arg(item.confidence() * 100, 0, 'f', 1));
        confidence->setData(kSortRole, item.confidence());
        confidence->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, ConfidenceColumn, confidence);
        QString review;
        if (item.verdict == "right")
            review = tr("right");
        else if (item.verdict == "wrong")
            review = item.regression || item.label < 0 ? tr("wrong: %1").arg(item.trueValue)
                                                       : tr("wrong: %1").arg(QString::fromStdString(item.labelName));
        auto *reviewItem = new QTableWidgetItem(review);
        if (!review.isEmpty())
            reviewItem->setForeground(item.verdict == "right" ? QColor("#1b7a2f") : QColor("#b00020"));
        m_table->setItem(row, ReviewColumn, reviewItem);
        m_table->setItem(row, TimeColumn,
                         new QTableWidgetItem(QString::fromStdString(item.time).left(19).replace('T', ' ')));
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    if (!problems.empty()) {
        QStringList lines;
        for (const Message &m : problems)
            lines << messageText(m);
        reportStatus(lines.join(QLatin1Char('\n')), true);
    }
    m_refreshing = false;
    updateButtons();
    Q_EMIT refreshed(m_table->rowCount());
}

QString FeedbackPanel::itemId(int row) const
{
    const QTableWidgetItem *item = m_table->item(row, InputColumn);
    if (!item)
        return {};
    const int n = item->data(kItemRole).toInt();
    return n >= 0 && size_t(n) < m_items.size() ? QString::fromStdString(m_items[size_t(n)].id) : QString();
}

QString FeedbackPanel::countsText() const { return m_counts->text(); }
QString FeedbackPanel::statusText() const { return m_status->text(); }

void FeedbackPanel::reportStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void FeedbackPanel::updateButtons()
{
    const bool selected = m_table->selectionModel() && !m_table->selectionModel()->selectedRows().isEmpty();
    bool regression = false, classes = false, predicted = true, reviewed = false;
    if (selected)
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
            const int n = m_table->item(i.row(), InputColumn)->data(kItemRole).toInt();
            const FeedbackItem &item = m_items[size_t(n)];
            (item.regression ? regression : classes) = true;
            predicted = predicted && item.predicted;
            reviewed = reviewed || item.reviewed();
        }
    m_right->setEnabled(selected && predicted && !regression);
    m_right->setToolTip(predicted ? tr("The prediction is correct")
                                  : tr("An item given as a correction has no prediction to call right"));
    m_wrong->setEnabled(selected);
    m_undo->setEnabled(selected && reviewed);
    m_correctClass->setVisible(!regression || classes);
    m_correctValue->setVisible(regression);
}

bool FeedbackPanel::act(int row, const std::function<void(FeedbackStore &, const std::string &)> &action)
{
    const QString id = itemId(row);
    if (id.isEmpty())
        return false;
    try {
        FeedbackStore s = store();
        action(s, id.toStdString());
    } catch (const std::exception &e) {
        reportStatus(exceptionText(e), true);
        return false;
    }
    reportStatus(QString(), false);
    LoopWatcher::forDocument(m_doc)->notify(); // refreshes this panel too
    return true;
}

bool FeedbackPanel::markRight(int row)
{
    return act(row, [](FeedbackStore &s, const std::string &id) { s.markRight(id); });
}

bool FeedbackPanel::markWrong(int row, int label)
{
    const QStringList names = classNames(m_doc->project());
    if (label < 0 || label >= names.size()) {
        reportStatus(tr("Choose the correct class first."), true);
        return false;
    }
    const std::string name = names[label].toStdString();
    return act(row, [label, name](FeedbackStore &s, const std::string &id) { s.markWrong(id, label, name); });
}

bool FeedbackPanel::markWrongValue(int row, double value)
{
    return act(row, [value](FeedbackStore &s, const std::string &id) { s.markWrongValue(id, value); });
}

bool FeedbackPanel::undo(int row)
{
    return act(row, [](FeedbackStore &s, const std::string &id) { s.undoReview(id); });
}

} // namespace torchwright::ui
