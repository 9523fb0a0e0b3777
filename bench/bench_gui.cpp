// bench_gui: the studio-side measurements of scripts/bench, run offscreen
// (QT_QPA_PLATFORM=offscreen). Each mode prints one JSON object on stdout.
//
//   bench_gui ticks PROJECT [--seconds S] [--interval-ms 10] [--thin-pens 1]
//       Opens the main window on PROJECT (1600x1000, dashboard tab), starts training it for real
//       from the dashboard, and once batches arrive runs a precise 10 ms timer on the GUI thread
//       for S seconds: the gaps between its ticks say how long the GUI thread was kept from its
//       event loop (drawing curves, handling training events, or losing the CPU to training).
//   bench_gui plot PROJECT [--points 100000] [--reps 20]
//       The dashboard's batch-loss plot with PROJECT loaded, both of its curves (raw and
//       smoothed) holding --points points each: the time of one full redraw (decimation,
//       axes and painting: CurvePlot::replotNow()).
//
// The project should be a copy in a scratch folder: the run folder goes beside it.

#include "benchtool.h"
#include "curveplot.h"
#include "dashboard.h"
#include "mainwindow.h"
#include "trainingcontroller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

using nlohmann::json;
using torchwright::ui::CurvePlot;
using torchwright::ui::Dashboard;
using torchwright::ui::MainWindow;
using torchwright::ui::TrainingController;

namespace {

using benchtool::Options;

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return NAN;
    std::sort(v.begin(), v.end());
    const double rank = p / 100.0 * double(v.size() - 1);
    const size_t lo = size_t(std::floor(rank)), hi = size_t(std::ceil(rank));
    return v[lo] + (v[hi] - v[lo]) * (rank - double(lo));
}

void openWindow(MainWindow &window, const std::string &project)
{
    window.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::No; });
    window.setErrorReporter([](const QString &m) { std::fprintf(stderr, "%s\n", qPrintable(m)); });
    if (!window.openProject(QString::fromStdString(project)))
        throw std::runtime_error("cannot open " + project);
    window.showTab(MainWindow::DashboardTab);
    window.resize(1600, 1000);
    window.show();
    for (int i = 0; i < 10; ++i)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

int ticks(const Options &o)
{
    const double seconds = o.getDouble("--seconds", 20);
    const int intervalMs = int(o.getDouble("--interval-ms", 10));
    MainWindow window;
    openWindow(window, o.positional.at(0));
    Dashboard *dash = window.dashboard();
    TrainingController *controller = dash->controller();

    QElapsedTimer clock;
    clock.start();
    double firstBatchMs = -1, lastSps = 0;
    int lastBatch = 0, lastEpoch = 0, drains = 0;
    std::vector<double> epochEndsMs;
    QEventLoop started;
    QObject::connect(controller, &TrainingController::progressChanged, &window,
                     [&](int epoch, int, int batch, int, double sps, double) {
                         if (firstBatchMs < 0) {
                             firstBatchMs = double(clock.nsecsElapsed()) / 1e6;
                             started.quit();
                         }
                         lastSps = sps;
                         lastBatch = batch;
                         lastEpoch = epoch;
                         ++drains;
                     });
    QObject::connect(controller, &TrainingController::epochFinished, &window,
                     [&](int, int, double, double, double, double, double) {
                         epochEndsMs.push_back(double(clock.nsecsElapsed()) / 1e6);
                     });
    bool failed = false;
    QObject::connect(controller, &TrainingController::finished, &window,
                     [&](const QString &status, const QString &message, const QString &) {
                         if (status == "failed") {
                             std::fprintf(stderr, "training failed: %s\n", qPrintable(message));
                             failed = true;
                             started.quit();
                         }
                     });
    dash->startTraining();
    QTimer::singleShot(120000, &started, &QEventLoop::quit);
    started.exec();
    if (failed || firstBatchMs < 0)
        throw std::runtime_error("training did not start");

    // A what-if (--thin-pens 1): every curve drawn with a 1-pixel pen, which QPainter rasterises
    // without its general stroker (see the plot mode's breakdown).
    const bool thinPens = o.getDouble("--thin-pens", 0) != 0;
    if (thinPens)
        for (CurvePlot *plot : dash->findChildren<CurvePlot *>())
            for (int i = 0; i < plot->seriesCount(); ++i) {
                QPen pen = plot->seriesGraph(i)->pen();
                pen.setWidthF(1);
                plot->seriesGraph(i)->setPen(pen);
            }

    // What the GUI thread spends redrawing the dashboard's plots meanwhile.
    std::vector<double> replotMs;
    double replotStart = 0;
    for (CurvePlot *plot : dash->findChildren<CurvePlot *>()) {
        QObject::connect(plot, &QCustomPlot::beforeReplot, &window,
                         [&] { replotStart = double(clock.nsecsElapsed()) / 1e6; });
        QObject::connect(plot, &QCustomPlot::afterReplot, &window,
                         [&] { replotMs.push_back(double(clock.nsecsElapsed()) / 1e6 - replotStart); });
    }

    // The GUI thread's heartbeat while the run goes on.
    std::vector<double> tickMs;
    tickMs.reserve(size_t(seconds * 1000 / intervalMs) + 16);
    const double t0 = double(clock.nsecsElapsed()) / 1e6;
    tickMs.push_back(t0);
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(intervalMs);
    QObject::connect(&timer, &QTimer::timeout, [&] { tickMs.push_back(double(clock.nsecsElapsed()) / 1e6); });
    timer.start();
    wait(int(seconds * 1000));
    timer.stop();
    const double spsAtEnd = lastSps;
    const int batchAtEnd = lastBatch, epochAtEnd = lastEpoch;
    dash->stopAndWait();

    std::vector<double> gaps;
    std::vector<std::pair<double, double>> worst; // (gap, at ms since the heartbeat began)
    for (size_t i = 1; i < tickMs.size(); ++i) {
        gaps.push_back(tickMs[i] - tickMs[i - 1]);
        worst.push_back({gaps.back(), tickMs[i - 1] - t0});
    }
    std::sort(worst.rbegin(), worst.rend());
    worst.resize(std::min<size_t>(worst.size(), 5));
    json worstJson = json::array();
    for (auto &[g, at] : worst)
        worstJson.push_back(json{{"gap_ms", g}, {"at_ms", at}});
    json ends = json::array();
    for (double e : epochEndsMs)
        if (e >= t0)
            ends.push_back(e - t0);
    json r{{"interval_ms", intervalMs},
           {"seconds", seconds},
           {"thin_pens", thinPens},
           {"ticks", gaps.size()},
           {"gap_max_ms", gaps.empty() ? NAN : *std::max_element(gaps.begin(), gaps.end())},
           {"gap_p99_ms", percentile(gaps, 99)},
           {"gap_p50_ms", percentile(gaps, 50)},
           {"gaps_over_16ms", std::count_if(gaps.begin(), gaps.end(), [](double g) { return g > 16; })},
           {"gaps_over_50ms", std::count_if(gaps.begin(), gaps.end(), [](double g) { return g > 50; })},
           {"worst", worstJson},
           {"replots", replotMs.size()},
           {"replot_ms_median", percentile(replotMs, 50)},
           {"replot_ms_max", replotMs.empty() ? NAN : *std::max_element(replotMs.begin(), replotMs.end())},
           {"replot_ms_total", std::accumulate(replotMs.begin(), replotMs.end(), 0.0)},
           {"batch_plot_points_at_end", dash->batchLossPlot()->pointCount(Dashboard::RawBatchLoss)},
           {"epoch_ends_ms", ends},
           {"start_to_first_batch_ms", firstBatchMs},
           {"studio_samples_per_second", spsAtEnd},
           {"epoch_at_end", epochAtEnd},
           {"batch_at_end", batchAtEnd},
           {"progress_updates", drains}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

int plot(const Options &o)
{
    const int points = int(o.getDouble("--points", 100000));
    const int reps = int(o.getDouble("--reps", 20));
    MainWindow window;
    openWindow(window, o.positional.at(0));
    CurvePlot *p = window.dashboard()->batchLossPlot();
    // A plausible loss curve: decaying with noise, x in epochs as the dashboard has it.
    QVector<double> xs(points), raw(points), smooth(points);
    uint32_t state = 12345;
    double ema = 0, bias = 0;
    for (int i = 0; i < points; ++i) {
        state = state * 1664525u + 1013904223u;
        const double noise = double(state >> 8) / double(1u << 24) - 0.5;
        xs[i] = double(i + 1) / 844.0;
        raw[i] = 0.3 + 2.0 * std::exp(-double(i) / 3000.0) + 0.2 * noise;
        ema = 0.98 * ema + 0.02 * raw[i];
        bias = 0.98 * bias + 0.02;
        smooth[i] = ema / bias;
    }
    p->clearData();
    p->appendPoints(Dashboard::RawBatchLoss, xs, raw);
    p->appendPoints(Dashboard::SmoothedBatchLoss, xs, smooth);
    p->replotNow(); // first draw: layout, font caches
    QApplication::processEvents();
    auto timeReplots = [&](int n) {
        std::vector<double> r;
        for (int i = 0; i < n; ++i) {
            QElapsedTimer t;
            t.start();
            p->replotNow();
            r.push_back(double(t.nsecsElapsed()) / 1e6);
            QApplication::processEvents();
        }
        std::sort(r.begin(), r.end());
        return r;
    };
    const std::vector<double> ms = timeReplots(reps);
    const int drawnPoints = p->seriesGraph(0)->dataCount();

    // Where the time goes (for docs/benchmarks.md): the decimation of both curves alone, and
    // the redraw with antialiasing turned off (QCustomPlot draws plottables antialiased).
    json parts;
    {
        const int columns = p->axisRect()->width();
        const QCPRange range = p->xAxis->range();
        QVector<double> ox, oy;
        std::vector<double> dec;
        for (int i = 0; i < reps; ++i) {
            QElapsedTimer t;
            t.start();
            CurvePlot::decimate(xs, raw, range.lower, range.upper, columns, &ox, &oy);
            CurvePlot::decimate(xs, smooth, range.lower, range.upper, columns, &ox, &oy);
            dec.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        parts["decimate_both_curves_ms_median"] = percentile(dec, 50);
        // The same points already decimated: drawing only (QCustomPlot's own replot).
        std::vector<double> drawOnly;
        for (int i = 0; i < reps; ++i) {
            QElapsedTimer t;
            t.start();
            p->replot(QCustomPlot::rpImmediateRefresh);
            drawOnly.push_back(double(t.nsecsElapsed()) / 1e6);
            QApplication::processEvents();
        }
        parts["draw_only_ms_median"] = percentile(drawOnly, 50);
        p->seriesGraph(Dashboard::RawBatchLoss)->setAntialiased(false);
        parts["raw_curve_not_antialiased_ms_median"] = percentile(timeReplots(reps), 50);
        p->seriesGraph(Dashboard::SmoothedBatchLoss)->setAntialiased(false);
        parts["no_curve_antialiased_ms_median"] = percentile(timeReplots(reps), 50);
        p->seriesGraph(Dashboard::RawBatchLoss)->setAntialiased(true);
        p->seriesGraph(Dashboard::SmoothedBatchLoss)->setAntialiased(true);
        // The smoothed curve's 2-pixel pen goes through QStroker; a 1-pixel (cosmetic) one does not.
        const QPen wide = p->seriesGraph(Dashboard::SmoothedBatchLoss)->pen();
        QPen thin = wide;
        thin.setWidthF(1);
        p->seriesGraph(Dashboard::SmoothedBatchLoss)->setPen(thin);
        parts["smoothed_pen_1px_ms_median"] = percentile(timeReplots(reps), 50);
        QPen cosmetic = wide;
        cosmetic.setCosmetic(true);
        p->seriesGraph(Dashboard::SmoothedBatchLoss)->setPen(cosmetic);
        parts["smoothed_pen_2px_cosmetic_ms_median"] = percentile(timeReplots(reps), 50);
        p->seriesGraph(Dashboard::SmoothedBatchLoss)->setPen(wide);
        // Only the raw curve, then only the smoothed one.
        p->clearData();
        p->appendPoints(Dashboard::RawBatchLoss, xs, raw);
        parts["raw_curve_only_ms_median"] = percentile(timeReplots(reps), 50);
        p->clearData();
        p->appendPoints(Dashboard::SmoothedBatchLoss, xs, smooth);
        parts["smoothed_curve_only_ms_median"] = percentile(timeReplots(reps), 50);
        // The smoothed curve thinned to about one point per pixel column, 2-pixel pen kept.
        {
            QVector<double> tx, ty;
            const int step = std::max(1, points / std::max(1, p->axisRect()->width()));
            for (int i = 0; i < points; i += step) {
                tx.append(xs[i]);
                ty.append(smooth[i]);
            }
            p->clearData();
            p->appendPoints(Dashboard::SmoothedBatchLoss, tx, ty);
            parts["smoothed_curve_only_one_point_per_column_ms_median"] = percentile(timeReplots(reps), 50);
        }
        // Empty curves: the axes, grid, legend and widget painting that every redraw pays.
        p->clearData();
        parts["empty_plot_ms_median"] = percentile(timeReplots(reps), 50);
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    json r{{"points_per_curve", points},
           {"curves", p->seriesCount()},
           {"plot_width", p->width()},
           {"plot_height", p->height()},
           {"reps", reps},
           {"replot_ms_min", sorted.front()},
           {"replot_ms_median", percentile(sorted, 50)},
           {"replot_ms_max", sorted.back()},
           {"drawn_points_per_curve", drawnPoints},
           {"breakdown", parts}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Keep the user's settings, recent files and recovery files out of it.
    QApplication::setOrganizationName("TorchwrightBench");
    QApplication::setApplicationName("TorchwrightBench");
    return benchtool::runMode("bench_gui", argc, argv, 3, "ticks|plot PROJECT [options]",
                              {{"ticks", ticks}, {"plot", plot}});
}
