#pragma once
// Terminal progress for `torchwright-cli train`: one redrawn line on a terminal, epoch lines
// otherwise (logs and CI).

#include "torchwright/training.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace torchwright::cli {

// A progress bar for reading a dataset (decoding an image folder): one redrawn line on a
// terminal, a line at each quarter otherwise. Called from one thread only.
class ImportProgressBar {
public:
    explicit ImportProgressBar(std::FILE *out, std::string label = "importing");
    void update(int64_t done, int64_t total);
    void finish();

private:
    std::FILE *m_out;
    std::string m_label;
    bool m_tty;
    bool m_lineOpen = false;
    int m_lastQuarter = -1;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastDraw{};
};

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::FILE *out);
    void print(const TrainingEvent &e);
    void finishLine();

private:
    std::FILE *m_out;
    bool m_tty;
    bool m_lineOpen = false;
    std::chrono::steady_clock::time_point m_lastDraw{};
    int m_lastDecile = -1;
    std::optional<ImportProgressBar> m_import; // while training reads its data
};

std::string formatDuration(double seconds);

} // namespace torchwright::cli
