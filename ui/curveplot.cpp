#include "curveplot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace torchwright::ui {

CurvePlot::CurvePlot(QWidget *parent) : QCustomPlot(parent)
{
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    legend->setVisible(false);
    legend->setFont(QFont(font().family(), qMax(7, font().pointSize() - 1)));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    m_timer.setSingleShot(true);
    m_timer.setInterval(1000 / kMaxReplotsPerSecond);
    connect(&m_timer, &QTimer::timeout, this, &CurvePlot::onTimer);

    // A pan or zoom by the user stops the axes from following the data.
    auto userRange = [this] { onRangeChangedByUser(); };
    connect(xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, userRange);
    connect(yAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, userRange);
    connect(yAxis2, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, userRange);
}

int CurvePlot::addSeries(const QString &name, const QPen &pen, QCPAxis *valueAxis)
{
    Series s;
    s.graph = addGraph(xAxis, valueAxis ? valueAxis : yAxis);
    s.graph->setName(name);
    s.graph->setPen(pen);
    s.graph->setAdaptiveSampling(false); // the data is decimated already
    m_series.push_back(std::move(s));
    legend->setVisible(m_series.size() > 1);
    scheduleReplot();
    return int(m_series.size()) - 1;
}

void CurvePlot::removeAllSeries()
{
    for (Series &s : m_series)
        removeGraph(s.graph);
    m_series.clear();
    legend->setVisible(false);
    scheduleReplot();
}

void CurvePlot::removeSeriesFrom(int first)
{
    while (int(m_series.size()) > std::max(first, 0)) {
        removeGraph(m_series.back().graph);
        m_series.pop_back();
    }
    legend->setVisible(m_series.size() > 1);
    scheduleReplot();
}

void CurvePlot::clearData()
{
    for (Series &s : m_series) {
        s.xs.clear();
        s.ys.clear();
        s.graph->data()->clear();
    }
    m_autoFit = true;
    scheduleReplot();
}

void CurvePlot::appendPoint(int series, double x, double y)
{
    Series &s = m_series[size_t(series)];
    if (!s.xs.isEmpty() && x < s.xs.last()) {
        const auto cut = std::lower_bound(s.xs.begin(), s.xs.end(), x) - s.xs.begin();
        s.xs.resize(cut);
        s.ys.resize(cut);
    }
    s.xs.append(x);
    s.ys.append(y);
    scheduleReplot();
}

void CurvePlot::appendPoints(int series, const QVector<double> &xs, const QVector<double> &ys)
{
    const int n = int(std::min(xs.size(), ys.size()));
    Series &s = m_series[size_t(series)];
    s.xs.reserve(s.xs.size() + n);
    s.ys.reserve(s.ys.size() + n);
    for (int i = 0; i < n; ++i)
        appendPoint(series, xs[i], ys[i]);
}

void CurvePlot::setPoints(int series, const QVector<double> &xs, const QVector<double> &ys)
{
    Series &s = m_series[size_t(series)];
    const int n = int(std::min(xs.size(), ys.size()));
    s.xs = xs.mid(0, n);
    s.ys = ys.mid(0, n);
    scheduleReplot();
}

void CurvePlot::scheduleReplot()
{
    m_dirty = true;
    if (!m_timer.isActive())
        m_timer.start();
}

void CurvePlot::replotNow()
{
    m_timer.stop();
    if (m_autoFit)
        fitAxes();
    updateGraphs();
    m_dirty = false;
    replot(rpImmediateRefresh);
    ++m_replotCount;
}

void CurvePlot::setAutoFit(bool on)
{
    m_autoFit = on;
    if (on)
        scheduleReplot();
}

void CurvePlot::onTimer()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    if (m_autoFit)
        fitAxes();
    updateGraphs();
    replot(rpQueuedReplot);
    ++m_replotCount;
}

void CurvePlot::onRangeChangedByUser()
{
    if (m_fitting)
        return;
    m_autoFit = false;
    // The visible range changed: the graphs need a decimation of the new range.
    scheduleReplot();
}

void CurvePlot::mouseDoubleClickEvent(QMouseEvent *event)
{
    QCustomPlot::mouseDoubleClickEvent(event);
    setAutoFit(true);
}

void CurvePlot::resizeEvent(QResizeEvent *event)
{
    QCustomPlot::resizeEvent(event);
    // More or fewer pixel columns: decimate again.
    scheduleReplot();
}

void CurvePlot::fitAxes()
{
    double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo;
    std::map<QCPAxis *, std::pair<double, double>> yRanges;
    for (const Series &s : m_series) {
        if (s.xs.isEmpty())
            continue;
        xLo = std::min(xLo, s.xs.first());
        xHi = std::max(xHi, s.xs.last());
        auto &r = yRanges
                      .try_emplace(s.graph->valueAxis(), std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity())
                      .first->second;
        for (double y : s.ys) {
            if (std::isfinite(y)) {
                r.first = std::min(r.first, y);
                r.second = std::max(r.second, y);
            }
        }
    }
    m_fitting = true;
    if (xLo <= xHi) {
        const double pad = xHi > xLo ? 0.0 : 0.5;
        xAxis->setRange(xLo - pad, xHi + pad);
    }
    for (auto &[axis, r] : yRanges) {
        if (r.first > r.second)
            continue;
        const double span = r.second - r.first;
        const double pad = span > 0 ? span * 0.05 : std::max(std::abs(r.first) * 0.05, 0.05);
        axis->setRange(r.first - pad, r.second + pad);
    }
    m_fitting = false;
}

void CurvePlot::updateGraphs()
{
    const int width = axisRect()->width();
    const int columns = width > 10 ? width : 800; // not laid out yet: assume a typical width
    const QCPRange range = xAxis->range();
    QVector<double> x, y;
    for (Series &s : m_series) {
        decimate(s.xs, s.ys, range.lower, range.upper, columns, &x, &y);
        s.graph->setData(x, y, true);
    }
}

void CurvePlot::decimate(const QVector<double> &xs, const QVector<double> &ys, double xLo, double xHi, int columns,
                         QVector<double> *outX, QVector<double> *outY)
{
    outX->clear();
    outY->clear();
    const int n = int(std::min(xs.size(), ys.size()));
    if (n == 0)
        return;
    columns = std::max(columns, 1);
    // The visible points, plus one outside either end so the line runs to the axis edges.
    int first = int(std::lower_bound(xs.begin(), xs.begin() + n, xLo) - xs.begin());
    int last = int(std::upper_bound(xs.begin(), xs.begin() + n, xHi) - xs.begin()); // one past
    first = std::max(first - 1, 0);
    last = std::min(last + 1, n);
    if (first >= last)
        return;
    auto take = [&](int i) {
        outX->append(xs[i]);
        outY->append(ys[i]);
    };
    if (last - first <= 4 * columns) {
        outX->reserve(last - first);
        outY->reserve(last - first);
        for (int i = first; i < last; ++i)
            take(i);
        return;
    }
    outX->reserve(4 * columns + 2);
    outY->reserve(4 * columns + 2);
    const double width = xHi > xLo ? (xHi - xLo) / columns : 1.0;
    auto bucketOf = [&](double x) {
        return std::clamp(static_cast<long long>(std::floor((x - xLo) / width)), -1LL, static_cast<long long>(columns));
    };
    int i = first;
    while (i < last) {
        const long long bucket = bucketOf(xs[i]);
        int j = i;
        int lo = -1, hi = -1;
        while (j < last && bucketOf(xs[j]) == bucket) {
            if (std::isfinite(ys[j])) {
                if (lo < 0 || ys[j] < ys[lo])
                    lo = j;
                if (hi < 0 || ys[j] > ys[hi])
                    hi = j;
            }
            ++j;
        }
        // First, min, max and last in x order, each once.
        int picks[4] = {i, lo, hi, j - 1};
        std::sort(picks, picks + 4);
        int previous = -1;
        for (int k : picks) {
            if (k < 0 || k == previous)
                continue;
            take(k);
            previous = k;
        }
        i = j;
    }
}

} // namespace torchwright::ui
