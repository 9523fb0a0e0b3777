#pragma once
// A QCustomPlot for growing curves: every point is kept for exact values, the graphs only get a
// min/max-per-pixel-column decimation of the visible range, and replots are coalesced to a
// bounded rate, so a curve of 100,000 batches stays smooth while points keep arriving.
// Lives on the GUI thread.

#include <QPen>
#include <QString>
#include <QTimer>
#include <QVector>

// qcustomplot.h declares its signals with the `signals` keyword and uses `foreach`, both of
// which QT_NO_KEYWORDS (needed for LibTorch) removes; map them to their macro forms around
// the include only. Include QCustomPlot through this header in the studio.
#ifndef signals
#define signals Q_SIGNALS
#define TORCHWRIGHT_UNDEF_SIGNALS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define TORCHWRIGHT_UNDEF_FOREACH
#endif
#include <qcustomplot.h>
#ifdef TORCHWRIGHT_UNDEF_SIGNALS
#undef signals
#undef TORCHWRIGHT_UNDEF_SIGNALS
#endif
#ifdef TORCHWRIGHT_UNDEF_FOREACH
#undef foreach
#undef TORCHWRIGHT_UNDEF_FOREACH
#endif

#include <vector>

namespace torchwright::ui {

class CurvePlot : public QCustomPlot {
    Q_OBJECT

public:
    // At most this many replots per second, whatever the rate at which points arrive.
    static constexpr int kMaxReplotsPerSecond = 10;

    explicit CurvePlot(QWidget *parent = nullptr);

    // Adds a curve drawn on `valueAxis` (the left y axis when null); returns its index. The
    // plot owns the graph.
    int addSeries(const QString &name, const QPen &pen, QCPAxis *valueAxis = nullptr);
    int seriesCount() const { return int(m_series.size()); }
    // Removes every curve and its graph.
    void removeAllSeries();
    // Removes the curves from index `first` on, with their graphs; the others keep their indices.
    void removeSeriesFrom(int first);
    // Empties every curve, keeping the curves themselves.
    void clearData();

    // Contract: x never decreases within a curve (points arrive in training order). A point
    // whose x is smaller than the curve's last x drops the points after it first, so a curve
    // that restarts from an earlier x (a resumed epoch) stays sorted. Non-finite y values are
    // kept and drawn as gaps.
    void appendPoint(int series, double x, double y);
    void appendPoints(int series, const QVector<double> &xs, const QVector<double> &ys);
    // Replaces a curve's points (same contract: x never decreases).
    void setPoints(int series, const QVector<double> &xs, const QVector<double> &ys);

    // The full, undecimated data of a curve.
    const QVector<double> &xData(int series) const { return m_series[size_t(series)].xs; }
    const QVector<double> &yData(int series) const { return m_series[size_t(series)].ys; }
    int pointCount(int series) const { return int(m_series[size_t(series)].xs.size()); }
    QCPGraph *seriesGraph(int series) const { return m_series[size_t(series)].graph; }

    // Marks the plot dirty; the next replot comes from the rate-limiting timer.
    void scheduleReplot();
    // Decimates and replots now (tests, and after a run's data was loaded at once).
    void replotNow();
    bool isDirty() const { return m_dirty; }
    int replotCount() const { return m_replotCount; }

    // When on (the default) the axes follow the data; panning or zooming turns it off and a
    // double click turns it back on.
    void setAutoFit(bool on);
    bool autoFit() const { return m_autoFit; }

    // Min/max decimation of sorted points to `columns` buckets over [xLo, xHi]: each bucket
    // keeps its first, minimum, maximum and last point in x order (at most 4 per bucket, fewer
    // when they coincide), plus the nearest point outside either end so lines reach the
    // edges: at most 4 * columns + 2 points, and every bucket's extremes survive. Ranges with
    // no more than 4 * columns points come back whole. A non-finite y is kept (a gap in the
    // line) when it is a bucket's first or last point.
    static void decimate(const QVector<double> &xs, const QVector<double> &ys, double xLo, double xHi, int columns,
                         QVector<double> *outX, QVector<double> *outY);

protected:
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Series {
        QVector<double> xs;
        QVector<double> ys;
        QCPGraph *graph = nullptr; // owned by the plot
    };

    void onTimer();
    void onRangeChangedByUser();
    void fitAxes();
    void updateGraphs();

    std::vector<Series> m_series;
    QTimer m_timer;
    bool m_dirty = false;
    bool m_autoFit = true;
    bool m_fitting = false; // the range changes come from fitAxes(), not from the user
    int m_replotCount = 0;
};

} // namespace torchwright::ui
