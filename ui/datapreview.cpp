#include "datapreview.h"

#include "commands/changesetting.h"
#include "flowlayout.h"
#include "i18n.h"
#include "projectdocument.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace torchwright::ui {

namespace {

QImage toImage(const SampleImage &s)
{
    if (s.width <= 0 || s.height <= 0 || (s.channels != 1 && s.channels != 3)
        || s.pixels.size() < size_t(s.width) * size_t(s.height) * size_t(s.channels))
        return {};
    const QImage view(s.pixels.data(), s.width, s.height, s.width * s.channels,
                      s.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    return view.copy(); // the view does not own the pixels
}

QLabel *sectionTitle(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    label->setWordWrap(true);
    return label;
}

QString number(int64_t n) { return QLocale().toString(qlonglong(n)); }

QString decimal(double v) { return QLocale().toString(v, 'f', 4); }

// A table as tall as its rows (at most `maxRows` of them, then it scrolls), inside a form that
// scrolls as a whole.
void fitTableHeight(QTableWidget *table, int maxRows)
{
    const int rows = std::min(table->rowCount(), maxRows);
    int h = table->horizontalHeader()->isVisible() ? table->horizontalHeader()->sizeHint().height() : 0;
    for (int r = 0; r < rows; ++r)
        h += table->rowHeight(r);
    h += 2 * table->frameWidth() + table->horizontalScrollBar()->sizeHint().height() + 4;
    table->setVerticalScrollBarPolicy(table->rowCount() > maxRows ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
    table->setFixedHeight(h);
}

QTableWidget *makeTable(QWidget *parent)
{
    auto *t = new QTableWidget(parent);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->setVisible(false);
    t->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    t->setWordWrap(false);
    t->setMinimumWidth(120);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

} // namespace

DataPreview::DataPreview(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    setObjectName(QStringLiteral("dataPreview"));
    m_loader = [](const Project &p, const ImportControl &control) {
        return datasetSummary(p, kSamplesPerClass, control);
    };
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, [this] { refresh(); });

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 8, 0, 0);

    auto *header = new QHBoxLayout;
    auto *title = sectionTitle(this);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() + 1);
    title->setFont(f);
    title->setText(tr("Data preview"));
    header->addWidget(title, 1);
    m_reload = new QPushButton(tr("Reload"), this);
    m_reload->setObjectName(QStringLiteral("reloadData"));
    m_reload->setToolTip(tr("Read the data again, for example after its files changed"));
    connect(m_reload, &QPushButton::clicked, this, [this] { refresh(true); });
    header->addWidget(m_reload);
    outer->addLayout(header);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    outer->addWidget(m_status);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("previewError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    outer->addWidget(m_error);

    m_useClasses = new QPushButton(this);
    m_useClasses->setObjectName(QStringLiteral("useDataClasses"));
    m_useClasses->setToolTip(tr("Write the classes the data defines into Classes and Class names (one undo step)"));
    m_useClasses->hide();
    connect(m_useClasses, &QPushButton::clicked, this, &DataPreview::useDataClasses);
    outer->addWidget(m_useClasses, 0, Qt::AlignLeft);

    m_content = new QWidget(this);
    auto *v = new QVBoxLayout(m_content);
    v->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_content);

    m_counts = new QLabel(m_content);
    m_counts->setObjectName(QStringLiteral("previewCounts"));
    m_counts->setWordWrap(true);
    v->addWidget(m_counts);

    m_warnings = new QLabel(m_content);
    m_warnings->setObjectName(QStringLiteral("previewWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setStyleSheet(QStringLiteral("color: #8a5a00"));
    v->addWidget(m_warnings);

    m_samplesTitle = sectionTitle(m_content);
    v->addWidget(m_samplesTitle);
    m_grid = new QWidget(m_content);
    m_grid->setObjectName(QStringLiteral("sampleGrid"));
    new FlowLayout(m_grid, 8);
    v->addWidget(m_grid);
    m_rows = makeTable(m_content);
    m_rows->setObjectName(QStringLiteral("previewRows"));
    v->addWidget(m_rows);

    m_balanceTitle = sectionTitle(m_content);
    m_balanceTitle->setText(tr("Class balance"));
    v->addWidget(m_balanceTitle);
    m_plot = new QCustomPlot(m_content);
    m_plot->setObjectName(QStringLiteral("balancePlot"));
    m_plot->setInteractions({});
    m_plot->setMinimumWidth(160);
    // Classes down the left, so their names read across however many there are.
    m_trainBars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
    m_testBars = new QCPBars(m_plot->yAxis, m_plot->xAxis);
    m_trainBars->setName(tr("training"));
    m_testBars->setName(tr("test"));
    m_trainBars->setPen(Qt::NoPen);
    m_testBars->setPen(Qt::NoPen);
    m_trainBars->setBrush(QColor(31, 119, 180));
    m_testBars->setBrush(QColor(255, 127, 14));
    auto *group = new QCPBarsGroup(m_plot);
    group->setSpacing(1);
    for (QCPBars *bars : {m_trainBars, m_testBars}) {
        bars->setWidth(0.4);
        bars->setBarsGroup(group);
    }
    m_plot->yAxis->setRangeReversed(true); // the first class at the top
    m_plot->yAxis->setSubTicks(false);
    m_plot->yAxis->setTickLength(0, 3);
    m_plot->xAxis->setLabel(tr("samples"));
    m_plot->xAxis->setNumberFormat(QStringLiteral("gb"));
    // The legend in a row of its own below the axes, where it covers no bar.
    m_plot->legend->setVisible(true);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    v->addWidget(m_plot);

    m_statsTitle = sectionTitle(m_content);
    m_statsTitle->setText(tr("Mean and standard deviation (training split, before normalisation)"));
    v->addWidget(m_statsTitle);
    m_stats = new QLabel(m_content);
    m_stats->setObjectName(QStringLiteral("previewStats"));
    m_stats->setWordWrap(true);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_stats);

    m_sizesTitle = sectionTitle(m_content);
    m_sizesTitle->setText(tr("Image sizes before resizing"));
    v->addWidget(m_sizesTitle);
    m_sizes = new QLabel(m_content);
    m_sizes->setObjectName(QStringLiteral("previewSizes"));
    m_sizes->setWordWrap(true);
    m_sizes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(m_sizes);

    m_skippedTitle = sectionTitle(m_content);
    m_skippedTitle->setObjectName(QStringLiteral("skippedTitle"));
    v->addWidget(m_skippedTitle);
    m_skipped = makeTable(m_content);
    m_skipped->setObjectName(QStringLiteral("skippedInputs"));
    m_skipped->setColumnCount(3);
    m_skipped->setHorizontalHeaderLabels({tr("File"), tr("Line"), tr("Reason")});
    v->addWidget(m_skipped);
    v->addStretch(1);
    outer->addStretch(1);
    m_content->hide();

    // The dialog a long read shows (after kProgressDelayMs); its Cancel stops the read.
    m_progress = new QProgressDialog(this);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setWindowTitle(tr("Reading the data"));
    m_progress->setMinimumDuration(kProgressDelayMs);
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setAutoReset(false);
    m_progress->setAutoClose(false);
    m_progress->reset(); // the constructor's timer would show it
    m_progress->hide();
    connect(m_progress, &QProgressDialog::canceled, this, &DataPreview::cancel);

    connect(doc, &ProjectDocument::settingsChanged, this, &DataPreview::settingsChanged);
    connect(doc, &ProjectDocument::projectReset, this, [this] {
        m_shownKey.clear();
        settingsChanged();
    });
}

DataPreview::~DataPreview()
{
    m_debounce.stop();
    if (m_cancel)
        m_cancel->store(true);
    // The read's result, posted to this object, is discarded with it.
    if (m_worker.joinable())
        m_worker.join();
}

std::string DataPreview::keyOf(const Project &project) const
{
    // The dataset settings, and the folder they resolve to (a relative path follows the file).
    const nlohmann::json j = nlohmann::json::parse(serializeProject(project));
    return j.value("dataset", nlohmann::json()).dump() + '\n' + project.datasetPath();
}

void DataPreview::settingsChanged()
{
    // Read only what is shown; showEvent() catches up.
    if (isVisible())
        m_debounce.start();
}

void DataPreview::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // After the event: the inspector finishes laying out the form first.
    QTimer::singleShot(0, this, [this] {
        if (isVisible() && !m_debounce.isActive())
            refresh();
    });
}

void DataPreview::refresh(bool force)
{
    m_debounce.stop();
    const std::string key = keyOf(m_doc->project());
    if (m_running) {
        if (!force && key == m_loadingKey && !m_again)
            return;
        m_again = true; // once the running read has stopped
        if (m_cancel)
            m_cancel->store(true);
        return;
    }
    if (!force && key == m_shownKey && (m_state == State::Shown || m_state == State::Failed))
        return;
    start();
}

void DataPreview::cancel()
{
    if (!m_running)
        return;
    m_again = false;
    if (m_cancel)
        m_cancel->store(true);
    setStatus(tr("Cancelling…"));
}

void DataPreview::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

QString DataPreview::statusText() const { return m_status->text(); }

QString DataPreview::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void DataPreview::start()
{
    if (m_worker.joinable())
        m_worker.join(); // the previous read delivered its result and is ending
    const Project project = m_doc->project();
    m_loadingKey = keyOf(project);
    m_running = true;
    m_again = false;
    m_state = State::Loading;
    const int generation = ++m_generation;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    setStatus(tr("Reading the data…"));

    m_progress->reset();
    m_progress->setLabelText(tr("Reading %1…").arg(QString::fromStdString(project.datasetPath())));
    m_progress->setRange(0, 0); // busy until the reader says how much there is
    m_progress->setValue(0);    // starts the minimumDuration timer
    Q_EMIT loadStarted();

    // Progress is posted one at a time: a reader may report every file.
    struct Progress {
        std::atomic<int64_t> done{0}, total{0};
        std::atomic<bool> posted{false};
    };
    auto progress = std::make_shared<Progress>();
    // The worker touches no member: it reads from values it captured and posts to this object,
    // which joins it before it is destroyed.
    m_worker = std::thread([this, project, loader = m_loader, cancel = m_cancel, progress, generation] {
        ImportControl control;
        control.cancel = cancel.get();
        control.progress = [this, progress, generation](int64_t done, int64_t total) {
            progress->done = done;
            progress->total = total;
            if (!progress->posted.exchange(true))
                QMetaObject::invokeMethod(
                    this,
                    [this, progress, generation] {
                        progress->posted = false;
                        onProgress(generation, progress->done, progress->total);
                    },
                    Qt::QueuedConnection);
        };
        Outcome outcome = Outcome::Done;
        DatasetSummary summary;
        QString message;
        try {
            summary = loader(project, control);
        } catch (const ImportCancelled &) {
            outcome = Outcome::Cancelled;
        } catch (const std::exception &e) {
            outcome = Outcome::Failed;
            message = exceptionText(e);
        } catch (...) {
            outcome = Outcome::Failed;
            message = tr("unknown error");
        }
        if (outcome != Outcome::Failed && cancel->load())
            outcome = Outcome::Cancelled; // a reader that finished before it noticed
        QMetaObject::invokeMethod(
            this,
            [this, generation, outcome, summary = std::move(summary), message] {
                finish(generation, outcome, summary, message);
            },
            Qt::QueuedConnection);
    });
}

void DataPreview::onProgress(int generation, int64_t done, int64_t total)
{
    if (generation != m_generation || !m_running)
        return;
    if (total > 0) {
        // In thousandths: the dialog counts in int.
        const int permille = int(std::clamp<int64_t>(done * 1000 / total, 0, 1000));
        if (m_progress->maximum() != 1000)
            m_progress->setRange(0, 1000);
        m_progress->setLabelText(tr("Reading the data: %1 of %2").arg(number(done), number(total)));
        if (permille > m_progress->minimum())
            m_progress->setValue(permille); // may show the dialog (and process events)
    }
    Q_EMIT progressed(done, total);
}

void DataPreview::finish(int generation, Outcome outcome, const DatasetSummary &summary, const QString &message)
{
    if (generation != m_generation)
        return;
    m_running = false;
    m_progress->reset();
    m_progress->hide();
    if (m_again) { // the settings changed while it read: this result is of the old ones
        start();
        return;
    }
    setStatus({});
    switch (outcome) {
    case Outcome::Done:
        m_shownKey = m_loadingKey;
        showSummary(summary);
        Q_EMIT loaded();
        break;
    case Outcome::Failed:
        m_shownKey = m_loadingKey; // not read again until the settings change or Reload
        showError(message);
        Q_EMIT failed(message);
        break;
    case Outcome::Cancelled:
        m_shownKey.clear();
        m_state = State::Cancelled;
        setStatus(tr("Reading the data was cancelled. Reload reads it again."));
        Q_EMIT cancelled();
        break;
    }
}

void DataPreview::showError(const QString &message)
{
    m_state = State::Failed;
    m_summary = {};
    m_error->setText(tr("The data cannot be read: %1").arg(message));
    m_error->show();
    m_content->hide();
    updateClassesButton();
}

std::vector<std::string> DataPreview::dataClasses() const
{
    const Project &p = m_doc->project();
    const DatasetFormat *format = findDatasetFormat(p.dataset.kind);
    if (!format || !format->classNames)
        return {};
    std::vector<std::string> names;
    try {
        names = format->classNames(p);
    } catch (const std::exception &) {
        return {}; // the error above names the problem
    }
    if (names == p.dataset.classNames && int64_t(names.size()) == p.dataset.numClasses)
        return {};
    return names;
}

void DataPreview::updateClassesButton()
{
    const std::vector<std::string> names = dataClasses();
    m_useClasses->setVisible(!names.empty());
    if (!names.empty())
        m_useClasses->setText(tr("Use the data's %1 classes").arg(names.size()));
}

void DataPreview::useDataClasses()
{
    const std::vector<std::string> names = dataClasses();
    if (names.empty())
        return;
    QUndoStack *stack = m_doc->undoStack();
    stack->beginMacro(tr("Use the data's classes"));
    stack->push(new ChangeSetting(m_doc, "/dataset/num_classes", nlohmann::json(int(names.size()))));
    stack->push(new ChangeSetting(m_doc, "/dataset/class_names", nlohmann::json(names)));
    stack->endMacro();
    updateClassesButton();
}

void DataPreview::showSummary(const DatasetSummary &s)
{
    m_state = State::Shown;
    m_summary = s;
    m_error->clear();
    m_error->hide();
    updateClassesButton();

    const int classes = int(std::max(s.trainPerClass.size(), s.classNames.size()));
    // Plain numbers rather than %n plurals: English has no translation file to spell those.
    const QString counts = classes > 0
                               ? tr("%1 training and %2 test samples, classes: %3")
                                     .arg(number(s.trainCount), number(s.testCount), number(classes))
                               : tr("%1 training and %2 test samples").arg(number(s.trainCount), number(s.testCount));
    m_counts->setText(counts);

    QStringList warnings;
    for (const Message &w : s.warnings)
        warnings << tr("Warning: %1").arg(messageText(w));
    m_warnings->setText(warnings.join('\n'));
    m_warnings->setVisible(!warnings.isEmpty());

    fillTable(s);
    fillSamples(s);
    fillBalance(s);
    fillStats(s);
    fillSkipped(s);
    m_content->show();
}

void DataPreview::fillTable(const DatasetSummary &s)
{
    m_rows->clear();
    const bool table = !s.columns.empty();
    m_rows->setVisible(table);
    if (!table)
        return;
    m_samplesTitle->setText(tr("The first rows of the table (%1)").arg(number(int64_t(s.rows.size()))));
    m_rows->setColumnCount(int(s.columns.size()));
    m_rows->setRowCount(int(s.rows.size()));
    QStringList headers;
    for (const std::string &c : s.columns)
        headers << QString::fromStdString(c);
    m_rows->setHorizontalHeaderLabels(headers);
    for (int r = 0; r < int(s.rows.size()); ++r)
        for (int c = 0; c < int(s.rows[size_t(r)].size()) && c < int(s.columns.size()); ++c)
            m_rows->setItem(r, c, new QTableWidgetItem(QString::fromStdString(s.rows[size_t(r)][size_t(c)])));
    m_rows->resizeColumnsToContents();
    fitTableHeight(m_rows, 10);
}

void DataPreview::fillSamples(const DatasetSummary &s)
{
    QLayout *flow = m_grid->layout();
    while (QLayoutItem *item = flow->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    // Images only: a table shows its rows, a sequence or a feature vector has no picture.
    std::vector<const DatasetSample *> images;
    for (const DatasetSample &sample : s.samples)
        if (sample.image.height > 1 && sample.image.width > 1)
            images.push_back(&sample);
    const bool show = s.columns.empty() && !images.empty();
    m_grid->setVisible(show);
    if (!s.columns.empty())
        m_samplesTitle->show();
    else
        m_samplesTitle->setVisible(show);
    if (!show)
        return;
    m_samplesTitle->setText(tr("Samples of each class (training split)"));

    // Thumbnails keep their aspect, the longer side kThumbnailSize; 2 across, as many rows as
    // needed, under the class name.
    const int gap = 2, across = 2;
    for (size_t i = 0; i < images.size();) {
        const int label = images[i]->label;
        std::vector<QImage> thumbs;
        for (; i < images.size() && images[i]->label == label; ++i) {
            const QImage img = toImage(images[i]->image);
            if (!img.isNull())
                thumbs.push_back(
                    img.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        }
        const int rows = (int(thumbs.size()) + across - 1) / across;
        const int cols = std::min<int>(across, int(thumbs.size()));
        QPixmap strip(std::max(1, cols * (kThumbnailSize + gap) - gap),
                      std::max(1, rows * (kThumbnailSize + gap) - gap));
        strip.fill(Qt::transparent);
        {
            QPainter painter(&strip);
            for (int t = 0; t < int(thumbs.size()); ++t) {
                const QImage &img = thumbs[size_t(t)];
                const int x = (t % across) * (kThumbnailSize + gap) + (kThumbnailSize - img.width()) / 2;
                const int y = (t / across) * (kThumbnailSize + gap) + (kThumbnailSize - img.height()) / 2;
                painter.drawImage(x, y, img);
            }
        }
        const QString name = label >= 0 && label < int(s.classNames.size())
                                 ? QString::fromStdString(s.classNames[size_t(label)])
                                 : QString::number(label);
        auto *cell = new QWidget(m_grid);
        cell->setObjectName(QStringLiteral("classSamples"));
        auto *v = new QVBoxLayout(cell);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        auto *nameLabel = new QLabel(cell);
        nameLabel->setObjectName(QStringLiteral("className"));
        // As wide as the thumbnails or the name, within reason: a longer name is elided and
        // shown whole on hover.
        const int width =
            std::max(strip.width(), std::min(nameLabel->fontMetrics().horizontalAdvance(name), 3 * kThumbnailSize));
        nameLabel->setText(nameLabel->fontMetrics().elidedText(name, Qt::ElideRight, width));
        nameLabel->setToolTip(name);
        nameLabel->setFixedWidth(width);
        auto *pictures = new QLabel(cell);
        pictures->setPixmap(strip);
        pictures->setToolTip(name);
        v->addWidget(nameLabel);
        v->addWidget(pictures, 0, Qt::AlignLeft);
        m_grid->layout()->addWidget(cell);
    }
}

void DataPreview::fillBalance(const DatasetSummary &s)
{
    const int classes = int(std::max(s.trainPerClass.size(), s.testPerClass.size()));
    m_balanceTitle->setVisible(classes > 0);
    m_plot->setVisible(classes > 0);
    QVector<double> keys, train, test;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    // Every class named while the names have room (one text line each), else every k-th.
    const int lineHeight = m_plot->yAxis->tickLabelFont().pointSizeF() > 0
                               ? QFontMetrics(m_plot->yAxis->tickLabelFont()).height()
                               : fontMetrics().height();
    const int shownClasses = std::min(classes, 60);
    const int every = std::max(1, (classes + shownClasses - 1) / std::max(shownClasses, 1));
    double most = 0;
    for (int c = 0; c < classes; ++c) {
        keys << c;
        const double nTrain = c < int(s.trainPerClass.size()) ? double(s.trainPerClass[size_t(c)]) : 0.0;
        const double nTest = c < int(s.testPerClass.size()) ? double(s.testPerClass[size_t(c)]) : 0.0;
        train << nTrain;
        test << nTest;
        most = std::max({most, nTrain, nTest});
        if (c % every == 0)
            ticker->addTick(c, c < int(s.classNames.size()) ? QString::fromStdString(s.classNames[size_t(c)])
                                                            : QString::number(c));
    }
    m_trainBars->setData(keys, train, true);
    m_testBars->setData(keys, test, true);
    m_plot->yAxis->setTicker(ticker);
    m_plot->yAxis->setRange(-0.6, std::max(classes, 1) - 0.4);
    m_plot->xAxis->setRange(0, most > 0 ? most * 1.05 : 1.0);
    // The legend's line and the axis below the last class.
    const int legend = lineHeight + 12;
    const int height =
        std::clamp(shownClasses * int(std::ceil(lineHeight * 1.35)) + legend + 3 * lineHeight + 20, 160, 1400);
    m_plot->setFixedHeight(height);
    m_plot->replot();
}

void DataPreview::fillStats(const DatasetSummary &s)
{
    const bool any = !s.mean.empty() && s.mean.size() == s.std.size();
    m_statsTitle->setVisible(any);
    m_stats->setVisible(any);
    QStringList lines;
    if (s.mean.size() == 1 && any) {
        lines << tr("mean %1, std %2").arg(decimal(s.mean[0]), decimal(s.std[0]));
    } else if (any) {
        static const char *const rgb[] = {QT_TR_NOOP("red"), QT_TR_NOOP("green"), QT_TR_NOOP("blue")};
        for (size_t c = 0; c < s.mean.size(); ++c) {
            const QString channel = s.mean.size() == 3 ? tr(rgb[c]) : tr("channel %1").arg(int(c) + 1);
            lines << tr("%1: mean %2, std %3").arg(channel, decimal(s.mean[c]), decimal(s.std[c]));
        }
    }
    m_stats->setText(lines.join('\n'));

    const bool sizes = !s.sourceSizes.empty();
    m_sizesTitle->setVisible(sizes);
    m_sizes->setVisible(sizes);
    std::vector<std::pair<std::string, int64_t>> bySize(s.sourceSizes.begin(), s.sourceSizes.end());
    std::stable_sort(bySize.begin(), bySize.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    constexpr size_t kShown = 12;
    QStringList sizeLines;
    for (size_t i = 0; i < bySize.size() && i < kShown; ++i)
        sizeLines << tr("%1: %2 files").arg(QString::fromStdString(bySize[i].first), number(bySize[i].second));
    if (bySize.size() > kShown) {
        int64_t rest = 0;
        for (size_t i = kShown; i < bySize.size(); ++i)
            rest += bySize[i].second;
        sizeLines << tr("other sizes (%1): %2 files").arg(number(int64_t(bySize.size() - kShown)), number(rest));
    }
    m_sizes->setText(sizeLines.join('\n'));
}

void DataPreview::fillSkipped(const DatasetSummary &s)
{
    const int count = int(std::min<size_t>(s.skipped.size(), INT32_MAX));
    m_skippedTitle->setText(count == 0 ? tr("No input was skipped")
                                       : tr("Skipped inputs, left out of training and testing: %1").arg(number(count)));
    m_skippedTitle->setStyleSheet(count == 0 ? QString() : QStringLiteral("color: #8a5a00"));
    m_skipped->setVisible(count > 0);
    m_skipped->clearContents();
    const int shown = std::min(count, kMaxSkippedShown);
    m_skipped->setRowCount(shown);
    for (int r = 0; r < shown; ++r) {
        const SkippedInput &in = s.skipped[size_t(r)];
        const QString path = QString::fromStdString(in.file);
        auto *file = new QTableWidgetItem(QFileInfo(path).fileName().isEmpty() ? path : QFileInfo(path).fileName());
        file->setToolTip(path);
        m_skipped->setItem(r, 0, file);
        m_skipped->setItem(r, 1, new QTableWidgetItem(in.line > 0 ? QString::number(in.line) : QString()));
        auto *reason = new QTableWidgetItem(messageText(in.reason));
        reason->setToolTip(reason->text());
        m_skipped->setItem(r, 2, reason);
    }
    if (count > 0) {
        m_skipped->resizeColumnsToContents();
        fitTableHeight(m_skipped, 8);
    }
}

} // namespace torchwright::ui
