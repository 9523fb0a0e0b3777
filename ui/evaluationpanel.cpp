#include "evaluationpanel.h"
#include "i18n.h"

#include "curveplot.h"

#include "torchwright/diagnostics.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QPixmap>
#include <QSplitter>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace torchwright::ui {

namespace {

QString percent(double v)
{
    return std::isfinite(v) ? QStringLiteral("%1 %").arg(v * 100.0, 0, 'f', 1) : QStringLiteral("–");
}

QImage toImage(const SampleImage &s)
{
    if (s.width <= 0 || s.height <= 0 || (s.channels != 1 && s.channels != 3)
        || s.pixels.size() < size_t(s.width) * size_t(s.height) * size_t(s.channels))
        return {};
    const QImage view(s.pixels.data(), s.width, s.height, s.width * s.channels,
                      s.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    return view.copy(); // the view does not own the pixels
}

} // namespace

EvaluationPanel::EvaluationPanel(QWidget *parent) : QWidget(parent)
{
    m_accuracyLabel = new QLabel(tr("No evaluation yet: choose a run and Evaluate."), this);
    m_accuracyLabel->setObjectName(QStringLiteral("accuracyLabel"));
    m_accuracyLabel->setWordWrap(true);
    m_accuracyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("confusionPlot"));
    m_plot->setInteractions({});
    m_plot->axisRect()->setupFullAxesBox(true);
    m_plot->xAxis->setLabel(tr("predicted class"));
    m_plot->yAxis->setLabel(tr("true class"));
    m_plot->yAxis->setRangeReversed(true); // the first class at the top, as matrices are read
    // Tick marks outside only: inside they ran into the counts of the edge cells.
    for (QCPAxis *axis : m_plot->axisRect()->axes()) {
        axis->setTickLength(0, 4);
        axis->setSubTicks(false);
    }
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    QCPColorGradient gradient;
    gradient.setColorStopAt(0.0, QColor(255, 255, 255));
    gradient.setColorStopAt(0.5, QColor(107, 174, 214));
    gradient.setColorStopAt(1.0, QColor(8, 48, 107));
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->axis()->setLabel(tr("samples"));
    m_map->setColorScale(m_scale);
    m_scale->setGradient(gradient); // after linking: the map takes the scale's gradient
    auto *margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->setToolTip(tr("Click a cell to see its test samples"));
    connect(m_plot, &QCustomPlot::mousePress, this, &EvaluationPanel::onPlotClicked);
    connect(m_plot, &QCustomPlot::mouseMove, this, &EvaluationPanel::onPlotHovered);

    // A regression's plot: each test sample's prediction against its true value; on the
    // diagonal line the two agree.
    m_scatter = new QCustomPlot(this);
    m_scatter->setObjectName(QStringLiteral("regressionPlot"));
    m_scatter->setInteractions({});
    m_scatter->axisRect()->setupFullAxesBox(true);
    m_scatter->xAxis->setLabel(tr("true value"));
    m_scatter->yAxis->setLabel(tr("predicted value"));
    m_scatter->addGraph(); // the samples
    m_scatter->graph(0)->setLineStyle(QCPGraph::lsNone);
    m_scatter->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(31, 119, 180, 150), 5));
    m_scatter->addGraph(); // y = x
    m_scatter->graph(1)->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    m_scatter->setMinimumSize(160, 160);
    m_scatter->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_scatter->setVisible(false);

    m_table = new QTableWidget(0, 5, this);
    m_table->setObjectName(QStringLiteral("classTable"));
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Samples")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    // Every column shares the width the dock has: none is cut off behind a scroll bar.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setMinimumSectionSize(36);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_table->setWordWrap(false);

    m_samplesLabel = new QLabel(this);
    m_samplesLabel->setObjectName(QStringLiteral("samplesLabel"));
    m_samplesLabel->setWordWrap(true);
    m_thumbnails = new QListWidget(this);
    m_thumbnails->setObjectName(QStringLiteral("thumbnailList"));
    m_thumbnails->setViewMode(QListView::IconMode);
    m_thumbnails->setIconSize(QSize(kThumbnailSize, kThumbnailSize));
    m_thumbnails->setGridSize(QSize(kThumbnailSize + 40, kThumbnailSize + 40));
    m_thumbnails->setResizeMode(QListView::Adjust);
    m_thumbnails->setMovement(QListView::Static);
    m_thumbnails->setUniformItemSizes(true);
    m_thumbnails->setWordWrap(true);

    auto *samples = new QWidget(this);
    auto *samplesLayout = new QVBoxLayout(samples);
    samplesLayout->setContentsMargins(0, 0, 0, 0);
    samplesLayout->addWidget(m_samplesLabel);
    samplesLayout->addWidget(m_thumbnails, 1);

    // Matrix, per-class table and samples one above the other: the dock is tall and narrow.
    m_table->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    m_plot->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_plot->setMinimumSize(160, 160);
    m_plot->installEventFilter(this);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    // The matrix and a regression's scatter plot share the first pane: one is shown at a time.
    m_plots = new QWidget(this);
    auto *plotsLayout = new QVBoxLayout(m_plots);
    plotsLayout->setContentsMargins(0, 0, 0, 0);
    plotsLayout->addWidget(m_plot);
    plotsLayout->addWidget(m_scatter);
    splitter->addWidget(m_plots);
    splitter->addWidget(m_table);
    splitter->addWidget(samples);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({560, 180, 80}); // proportions until the user drags a handle
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_accuracyLabel);
    layout->addWidget(splitter, 1);
}

EvaluationPanel::~EvaluationPanel()
{
    m_queue.clear();
    // The job's result, posted to this object, is discarded with it.
    if (m_worker.joinable())
        m_worker.join();
}

QString EvaluationPanel::accuracyText() const { return m_accuracyLabel->text(); }

void EvaluationPanel::schedule(Job job)
{
    if (m_busy)
        m_queue.push_back(std::move(job));
    else
        launch(std::move(job));
}

void EvaluationPanel::launch(Job job)
{
    m_busy = true;
    if (m_worker.joinable())
        m_worker.join(); // the previous job delivered its result and is ending
    // The worker touches no member: it runs the job on values it captured and posts the
    // result to this object, which joins the worker before it is destroyed.
    m_worker = std::thread([this, job = std::move(job)] {
        std::function<void()> done;
        try {
            done = job();
        } catch (const std::exception &e) {
            const QString message = exceptionText(e);
            done = [this, message] { showFailure(m_runDir, message); };
        } catch (...) {
            done = [this] { showFailure(m_runDir, tr("unknown error")); };
        }
        QMetaObject::invokeMethod(
            this,
            [this, done = std::move(done)] {
                m_busy = false;
                done();
                if (!m_busy && !m_queue.empty()) {
                    Job next = std::move(m_queue.front());
                    m_queue.pop_front();
                    launch(std::move(next));
                }
            },
            Qt::QueuedConnection);
    });
}

void EvaluationPanel::evaluate(const QString &runDir, const QString &device)
{
    m_accuracyLabel->setText(tr("Evaluating %1…").arg(QFileInfo(runDir).fileName()));
    const std::string dir = runDir.toStdString(), dev = device.toStdString();
    schedule([this, runDir, dir, dev]() -> std::function<void()> {
        try {
            Evaluation ev = evaluateRun(dir, "best", dev);
            return [this, runDir, ev = std::move(ev)] { showEvaluation(runDir, ev); };
        } catch (const std::exception &e) {
            const QString message = exceptionText(e);
            return [this, runDir, message] { showFailure(runDir, message); };
        }
    });
}

void EvaluationPanel::showFailure(const QString &runDir, const QString &message)
{
    m_accuracyLabel->setText(tr("Evaluation of %1 failed: %2").arg(QFileInfo(runDir).fileName(), message));
    m_accuracyLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    Q_EMIT logMessage(tr("evaluation of %1 failed: %2").arg(runDir, message), true);
    Q_EMIT evaluationFailed(runDir, message);
}

void EvaluationPanel::showEvaluation(const QString &runDir, const Evaluation &ev)
{
    m_runDir = runDir;
    m_evaluation = ev;
    const int n = int(ev.confusion.size()); // 0 above kMaxConfusionClasses
    const int classes = int(ev.support.size());
    const int64_t correct = ev.correct;
    m_accuracyLabel->setStyleSheet({});
    m_scatter->setVisible(ev.regression);
    m_plot->setVisible(!ev.regression);
    m_plots->setVisible(true);
    m_table->setVisible(!ev.regression); // a regression has no classes to list, nor samples per cell
    m_thumbnails->setVisible(!ev.regression);
    if (ev.regression) {
        // A real-valued target: R^2 and MAE, and the predictions against the true values.
        m_accuracyLabel->setText(tr("%1: test R² %2, mean absolute error %3, MSE %4 on %5 samples; checkpoint %6")
                                     .arg(QFileInfo(runDir).fileName())
                                     .arg(ev.r2, 0, 'f', 4)
                                     .arg(ev.mae, 0, 'g', 4)
                                     .arg(ev.loss, 0, 'g', 4)
                                     .arg(ev.samples)
                                     .arg(QFileInfo(QString::fromStdString(ev.checkpoint)).fileName()));
        const QVector<double> x(ev.targets.begin(), ev.targets.end()), y(ev.outputs.begin(), ev.outputs.end());
        m_scatter->graph(0)->setData(x, y);
        double lo = 0, hi = 1;
        if (!x.isEmpty()) {
            lo = std::min(*std::min_element(x.begin(), x.end()), *std::min_element(y.begin(), y.end()));
            hi = std::max(*std::max_element(x.begin(), x.end()), *std::max_element(y.begin(), y.end()));
        }
        const double pad = std::max((hi - lo) * 0.05, 1e-9);
        m_scatter->graph(1)->setData({lo - pad, hi + pad}, {lo - pad, hi + pad});
        m_scatter->xAxis->setRange(lo - pad, hi + pad);
        m_scatter->yAxis->setRange(lo - pad, hi + pad);
        m_scatter->replot();
        m_table->setRowCount(0);
        m_thumbnails->clear();
        m_samplesLabel->setText(tr("A regression: each point is a test sample, its true value across and the "
                                   "model's prediction up; on the dashed line they agree."));
        Q_EMIT logMessage(tr("evaluated %1: test R² %2, MAE %3 on %4 samples")
                              .arg(runDir)
                              .arg(ev.r2, 0, 'f', 4)
                              .arg(ev.mae, 0, 'g', 4)
                              .arg(ev.samples),
                          false);
        Q_EMIT evaluationFinished(runDir);
        return;
    }
    if (ev.reconstruction) {
        // An autoencoder: how well it reconstructs its input, and no classes to show.
        m_accuracyLabel->setText(tr("%1: reconstruction MSE %2 on %3 test samples; checkpoint %4")
                                     .arg(QFileInfo(runDir).fileName())
                                     .arg(ev.loss, 0, 'g', 4)
                                     .arg(ev.samples)
                                     .arg(QFileInfo(QString::fromStdString(ev.checkpoint)).fileName()));
        m_plot->clearItems();
        m_map->data()->clear();
        m_plot->replot();
        m_table->setRowCount(0);
        m_thumbnails->clear();
        m_samplesLabel->setText(tr("This model reconstructs its input (target: input): it has no classes."));
        Q_EMIT logMessage(
            tr("evaluated %1: reconstruction MSE %2 on %3 samples").arg(runDir).arg(ev.loss, 0, 'g', 4).arg(ev.samples),
            false);
        Q_EMIT evaluationFinished(runDir);
        return;
    }
    m_accuracyLabel->setText(tr("%1: test accuracy %2 (%3 of %4 samples), loss %5; checkpoint %6")
                                 .arg(QFileInfo(runDir).fileName(), percent(ev.accuracy))
                                 .arg(correct)
                                 .arg(ev.samples)
                                 .arg(ev.loss, 0, 'g', 4)
                                 .arg(QFileInfo(QString::fromStdString(ev.checkpoint)).fileName()));

    // Heat map: key = predicted class, value = true class, one cell per pair.
    m_plot->clearItems();
    int64_t maxCount = 0;
    m_map->data()->setSize(std::max(n, 1), std::max(n, 1));
    m_map->data()->setRange(QCPRange(0, std::max(n - 1, 0)), QCPRange(0, std::max(n - 1, 0)));
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            const int64_t count = ev.confusion[size_t(t)][size_t(p)];
            maxCount = std::max(maxCount, count);
            m_map->data()->setCell(p, t, double(count));
        }
    m_map->setDataRange(QCPRange(0, std::max<double>(double(maxCount), 1.0)));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int c = 0; c < n; ++c) {
        const QString name =
            c < int(ev.classNames.size()) ? QString::fromStdString(ev.classNames[size_t(c)]) : QString::number(c);
        ticker->addTick(c, name);
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->yAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.5, n - 0.5);
    m_plot->yAxis->setRange(-0.5, n - 0.5);
    m_cellLabels.clear(); // clearItems() deleted them
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            const int64_t count = ev.confusion[size_t(t)][size_t(p)];
            auto *text = new QCPItemText(m_plot);
            text->setClipToAxisRect(true);
            text->position->setType(QCPItemPosition::ptPlotCoords);
            text->position->setCoords(p, t);
            text->setText(QString::number(count));
            text->setColor(double(count) > 0.5 * double(maxCount) ? Qt::white : Qt::black);
            m_cellLabels << text;
        }
    fitMatrixToSpace();
    // Above kMaxConfusionClasses there is no matrix: the per-class table takes its place.
    m_plot->setVisible(n > 0);
    m_plots->setVisible(n > 0);

    m_table->setRowCount(classes);
    for (int c = 0; c < classes; ++c) {
        const int64_t support = ev.support[size_t(c)];
        const QString name =
            c < int(ev.classNames.size()) ? QString::fromStdString(ev.classNames[size_t(c)]) : QString::number(c);
        const double precision = c < int(ev.precision.size()) ? ev.precision[size_t(c)] : NAN;
        const double recall = c < int(ev.recall.size()) ? ev.recall[size_t(c)] : NAN;
        const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : NAN;
        const QString cells[] = {name, percent(precision), percent(recall), percent(f1), QString::number(support)};
        for (int col = 0; col < 5; ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (col > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(c, col, item);
        }
    }

    m_thumbnails->clear();
    m_samplesLabel->setText(n ? tr("Click a cell of the matrix to see its samples.")
                              : tr("The confusion matrix is shown for at most %1 classes; this run has %2.")
                                    .arg(kMaxConfusionClasses)
                                    .arg(classes));
    Q_EMIT logMessage(
        tr("evaluated %1: test accuracy %2 on %3 samples").arg(runDir, percent(ev.accuracy)).arg(ev.samples), false);
    Q_EMIT evaluationFinished(runDir);
}

void EvaluationPanel::showSamples(int trueClass, int predictedClass)
{
    const int n = int(m_evaluation.confusion.size());
    if (m_runDir.isEmpty() || trueClass < 0 || predictedClass < 0 || trueClass >= n || predictedClass >= n)
        return;
    std::vector<int> indices;
    int total = 0;
    const size_t count = std::min(m_evaluation.labels.size(), m_evaluation.predictions.size());
    for (size_t i = 0; i < count; ++i) {
        if (m_evaluation.labels[i] == trueClass && m_evaluation.predictions[i] == predictedClass) {
            ++total;
            if (int(indices.size()) < kMaxThumbnails)
                indices.push_back(int(i));
        }
    }
    m_thumbnails->clear();
    m_samplesLabel->setText(tr("Loading %1 sample(s)…").arg(total));
    const std::string dir = m_runDir.toStdString();
    schedule([this, dir, indices, trueClass, predictedClass, total]() -> std::function<void()> {
        try {
            ProjectLoad load = loadRunProject(dir);
            if (!load.ok())
                throw EngineError(load.diagnostics);
            std::vector<SampleImage> images = testSampleImages(load.project, indices);
            return [this, trueClass, predictedClass, indices, images = std::move(images), total] {
                showThumbnails(trueClass, predictedClass, indices, images, total);
            };
        } catch (const std::exception &e) {
            const QString message = exceptionText(e);
            return [this, trueClass, predictedClass, message] {
                m_samplesLabel->setText(tr("The test samples cannot be shown: %1").arg(message));
                Q_EMIT logMessage(tr("test samples of %1: %2").arg(m_runDir, message), true);
                Q_EMIT thumbnailsReady(trueClass, predictedClass, 0);
            };
        }
    });
}

void EvaluationPanel::showThumbnails(int trueClass, int predictedClass, const std::vector<int> &indices,
                                     const std::vector<SampleImage> &images, int total)
{
    auto className = [this](int c) {
        return c < int(m_evaluation.classNames.size()) ? QString::fromStdString(m_evaluation.classNames[size_t(c)])
                                                       : QString::number(c);
    };
    const QString trueName = className(trueClass), predictedName = className(predictedClass);
    m_thumbnails->clear();
    const size_t shown = std::min(indices.size(), images.size());
    for (size_t i = 0; i < shown; ++i) {
        QImage image = toImage(images[i]);
        if (!image.isNull()) {
            // Small images are enlarged pixel for pixel, so a digit stays crisp.
            const bool enlarge = image.width() < kThumbnailSize && image.height() < kThumbnailSize;
            image = image.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio,
                                 enlarge ? Qt::FastTransformation : Qt::SmoothTransformation);
        }
        auto *item =
            new QListWidgetItem(QIcon(QPixmap::fromImage(image)), tr("true %1\npred. %2").arg(trueName, predictedName));
        item->setToolTip(tr("test sample %1: true %2, predicted %3").arg(indices[i]).arg(trueName, predictedName));
        item->setData(Qt::UserRole, indices[i]);
        m_thumbnails->addItem(item);
    }
    if (total > int(shown))
        m_samplesLabel->setText(tr("True %1, predicted %2: %3 samples, the first %4 shown")
                                    .arg(trueName, predictedName)
                                    .arg(total)
                                    .arg(shown));
    else
        m_samplesLabel->setText(tr("True %1, predicted %2: %3 sample(s)").arg(trueName, predictedName).arg(total));
    Q_EMIT thumbnailsReady(trueClass, predictedClass, int(shown));
}

bool EvaluationPanel::cellAt(const QPoint &pos, int *trueClass, int *predictedClass) const
{
    const int n = int(m_evaluation.confusion.size());
    if (n == 0 || !m_plot->axisRect()->rect().contains(pos))
        return false;
    const int p = int(std::lround(m_plot->xAxis->pixelToCoord(pos.x())));
    const int t = int(std::lround(m_plot->yAxis->pixelToCoord(pos.y())));
    if (p < 0 || t < 0 || p >= n || t >= n)
        return false;
    *trueClass = t;
    *predictedClass = p;
    return true;
}

void EvaluationPanel::onPlotClicked(QMouseEvent *event)
{
    int t = 0, p = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->pos(), &t, &p))
        showSamples(t, p);
}

void EvaluationPanel::onPlotHovered(QMouseEvent *event)
{
    int t = 0, p = 0;
    if (!cellAt(event->pos(), &t, &p)) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(event->globalPosition().toPoint(), cellText(t, p), m_plot);
}

QString EvaluationPanel::cellText(int t, int p) const
{
    const int n = int(m_evaluation.confusion.size());
    if (t < 0 || p < 0 || t >= n || p >= n)
        return {};
    const auto &names = m_evaluation.classNames;
    auto name = [&](int c) {
        return c < int(names.size()) ? QString::fromStdString(names[size_t(c)]) : QString::number(c);
    };
    const int64_t count = m_evaluation.confusion[size_t(t)][size_t(p)];
    int64_t row = 0;
    for (int64_t c : m_evaluation.confusion[size_t(t)])
        row += c;
    return tr("true %1, predicted %2: %3 sample(s), %4 of the true %1")
        .arg(name(t), name(p))
        .arg(count)
        .arg(row > 0 ? percent(double(count) / double(row)) : percent(NAN));
}

double EvaluationPanel::cellSize() const
{
    const int n = int(m_evaluation.confusion.size());
    if (n == 0)
        return 0;
    const QRect area = m_plot->axisRect()->rect();
    return std::min(area.width(), area.height()) / double(n);
}

bool EvaluationPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot && event->type() == QEvent::Resize && !m_fitting)
        QMetaObject::invokeMethod(this, &EvaluationPanel::fitMatrixToSpace, Qt::QueuedConnection);
    return QWidget::eventFilter(watched, event);
}

// The matrix takes the space it has: the cells' counts are written in a font that fits the
// cell, or left to the hover text when cells are small; class names that would run into each
// other are slanted, then thinned out to every k-th.
void EvaluationPanel::fitMatrixToSpace()
{
    const int n = int(m_evaluation.confusion.size());
    if (n == 0 || m_fitting)
        return;
    m_fitting = true;
    m_plot->replot(QCustomPlot::rpImmediateRefresh); // lays the axis rect out for the new size
    const double cell = cellSize();
    QFont font = m_plot->font();
    const QFontMetricsF base(font);
    QString widest;
    for (QCPItemText *label : m_cellLabels)
        if (label->text().size() > widest.size())
            widest = label->text();
    // The largest size from one point under the UI's (still read easily: the counts are short)
    // to 1.5 times it that fits the cell; below that the counts are not drawn.
    const double uiSize = std::max(8.0, font.pointSizeF() - 1);
    auto fits = [&](double size) {
        font.setPointSizeF(size);
        const QFontMetricsF metrics(font);
        return metrics.horizontalAdvance(widest) + 4 <= cell && metrics.height() + 2 <= cell;
    };
    double fontSize = std::clamp(cell * 0.3, uiSize, font.pointSizeF() * 1.5);
    while (fontSize > uiSize && !fits(fontSize))
        fontSize = std::max(uiSize, fontSize - 0.5);
    m_numbersShown = cell >= kMinCellForNumbers && fits(fontSize);
    for (QCPItemText *label : m_cellLabels) {
        label->setFont(font);
        label->setVisible(m_numbersShown);
    }
    // Class names: every k-th when a cell is lower than a line; slanted across the bottom when
    // the longest name is wider than a cell.
    double longest = 0;
    for (const std::string &name : m_evaluation.classNames)
        longest = std::max(longest, base.horizontalAdvance(QString::fromStdString(name)));
    const bool slant = longest + 4 > cell;
    const int yStep = std::max(1, int(std::ceil((base.height() + 1) / std::max(cell, 1.0))));
    const int xStep = slant ? std::max(1, int(std::ceil((base.height() * 1.42 + 1) / std::max(cell, 1.0)))) : 1;
    auto ticks = [this, n](int step) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int c = 0; c < n; c += step)
            ticker->addTick(c, c < int(m_evaluation.classNames.size())
                                   ? QString::fromStdString(m_evaluation.classNames[size_t(c)])
                                   : QString::number(c));
        return ticker;
    };
    m_plot->xAxis->setTicker(ticks(xStep));
    m_plot->yAxis->setTicker(ticks(yStep));
    m_plot->xAxis->setTickLabelRotation(slant ? 45 : 0);
    m_plot->replot();
    m_fitting = false;
}

} // namespace torchwright::ui
