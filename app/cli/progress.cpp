#include "progress.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include <unistd.h>

namespace torchwright::cli {

namespace {

// "  acc 91.49%"; nothing for a model that reconstructs its input (/training/target = input),
// whose accuracy is NaN.
std::string accuracyText(const char *label, double accuracy, int width, int decimals)
{
    if (std::isnan(accuracy))
        return {};
    char buf[48];
    std::snprintf(buf, sizeof buf, "  %s %*.*f%%", label, width, decimals, accuracy * 100);
    return buf;
}

// "  (soft 1.2345, hard 0.4567)" for a run that distils from a teacher; nothing otherwise.
std::string distillText(const TrainingEvent &e)
{
    if (!std::isfinite(e.softLoss) || !std::isfinite(e.hardLoss))
        return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, " (soft %.4f, hard %.4f)", e.softLoss, e.hardLoss);
    return buf;
}

} // namespace

std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "--:--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

ProgressPrinter::ProgressPrinter(std::FILE *out) : m_out(out), m_tty(isatty(fileno(out))) {}

void ProgressPrinter::finishLine()
{
    if (m_lineOpen) {
        std::fputc('\n', m_out);
        m_lineOpen = false;
    }
}

void ProgressPrinter::print(const TrainingEvent &e)
{
    using Kind = TrainingEvent::Kind;
    if (m_import && e.kind != Kind::Import) { // the data is read: its line ends
        m_import->finish();
        m_import.reset();
    }
    switch (e.kind) {
    case Kind::Started: break;
    case Kind::Log:
        finishLine();
        std::fprintf(m_out, "%s\n", e.message.c_str());
        break;
    case Kind::Error:
        finishLine();
        std::fprintf(stderr, "error: %s\n", e.message.c_str());
        break;
    case Kind::Batch: {
        const double fraction = e.batchesPerEpoch ? double(e.batch) / e.batchesPerEpoch : 0;
        if (!m_tty) {
            // Without a terminal, a line at each tenth of the epoch keeps logs short.
            const int decile = int(fraction * 10);
            if (decile != m_lastDecile && decile > 0 && decile < 10)
                std::fprintf(m_out, "epoch %d/%d %3d%%  loss %.4f%s  %.0f samples/s  ETA %s\n", e.epoch, e.epochs,
                             decile * 10, e.loss, distillText(e).c_str(), e.samplesPerSecond,
                             formatDuration(e.etaSeconds).c_str());
            m_lastDecile = decile;
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (e.batch != e.batchesPerEpoch && now - m_lastDraw < std::chrono::milliseconds(100))
            break;
        m_lastDraw = now;
        constexpr int width = 24;
        const int filled = int(fraction * width);
        std::string bar(size_t(filled), '#');
        bar.append(size_t(width - filled), '.');
        std::fprintf(m_out, "\r\x1b[Kepoch %d/%d [%s] %3.0f%%  loss %.4f%s  %.0f samples/s  ETA %s", e.epoch, e.epochs,
                     bar.c_str(), fraction * 100, e.loss, accuracyText("acc", e.accuracy, 5, 1).c_str(),
                     e.samplesPerSecond, formatDuration(e.etaSeconds).c_str());
        std::fflush(m_out);
        m_lineOpen = true;
        break;
    }
    case Kind::Import:
        if (!m_import)
            m_import.emplace(m_out, "reading the data");
        m_import->update(e.done, e.total);
        return;
    case Kind::Epoch:
        if (m_tty && m_lineOpen) {
            std::fputs("\r\x1b[K", m_out);
            m_lineOpen = false;
        }
        m_lastDecile = -1;
        {
            // A regression has R^2 and MAE on the validation split instead of accuracy.
            char extra[96] = "";
            if (std::isfinite(e.valR2) || std::isfinite(e.valMae))
                std::snprintf(extra, sizeof extra, "  val R^2 %.4f  val MAE %.4g", e.valR2, e.valMae);
            // fp16 training: the steps the loss scaler skipped because the gradients overflowed.
            if (e.skippedSteps >= 0)
                std::snprintf(extra + std::strlen(extra), sizeof extra - std::strlen(extra), "  (%lld step(s) skipped)",
                              static_cast<long long>(e.skippedSteps));
            std::fprintf(m_out, "epoch %d/%d  loss %.4f%s%s  |  val loss %.4f%s%s  |  %.0f samples/s  lr %.3g  %s\n",
                         e.epoch, e.epochs, e.loss, distillText(e).c_str(),
                         accuracyText("acc", e.accuracy, 0, 2).c_str(), e.valLoss,
                         accuracyText("val acc", e.valAccuracy, 0, 2).c_str(), extra, e.samplesPerSecond,
                         e.learningRate, formatDuration(e.elapsedSeconds).c_str());
        }
        break;
    case Kind::Finished:
        finishLine();
        std::fprintf(m_out, "run %s after %d epoch(s) in %s\n", statusName(e.status), e.epoch,
                     formatDuration(e.elapsedSeconds).c_str());
        if (!e.runDir.empty())
            std::fprintf(m_out, "run folder: %s\n", e.runDir.c_str());
        break;
    }
    std::fflush(m_out);
}

ImportProgressBar::ImportProgressBar(std::FILE *out, std::string label)
    : m_out(out), m_label(std::move(label)), m_tty(isatty(fileno(out)))
{
}

void ImportProgressBar::update(int64_t done, int64_t total)
{
    if (total <= 0)
        return;
    const double fraction = std::min(1.0, double(done) / double(total));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double rate = elapsed > 0 ? double(done) / elapsed : 0.0;
    if (m_tty) {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - m_lastDraw < std::chrono::milliseconds(100))
            return;
        m_lastDraw = now;
        constexpr int width = 30;
        const int filled = int(fraction * width);
        std::string bar = std::string(size_t(filled), '#') + std::string(size_t(width - filled), '.');
        std::fprintf(m_out, "\r%s [%s] %lld/%lld %3d%%  %.0f/s  ETA %s", m_label.c_str(), bar.c_str(),
                     static_cast<long long>(done), static_cast<long long>(total), int(fraction * 100), rate,
                     formatDuration(rate > 0 ? double(total - done) / rate : NAN).c_str());
        std::fflush(m_out);
        m_lineOpen = true;
        return;
    }
    const int quarter = int(fraction * 4);
    if (quarter != m_lastQuarter && (done > 0 || total == 0)) {
        m_lastQuarter = quarter;
        std::fprintf(m_out, "%s: %lld/%lld (%d%%)\n", m_label.c_str(), static_cast<long long>(done),
                     static_cast<long long>(total), int(fraction * 100));
        std::fflush(m_out);
    }
}

void ImportProgressBar::finish()
{
    if (m_lineOpen) {
        std::fputc('\n', m_out);
        m_lineOpen = false;
    }
}

} // namespace torchwright::cli
