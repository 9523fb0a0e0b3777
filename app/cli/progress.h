#pragma once
// Terminal progress for `torchwright-cli train`: one redrawn line on a terminal, epoch lines
// otherwise (logs and CI).

#include "torchwright/training.h"

#include <chrono>
#include <cstdio>

namespace torchwright::cli {

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
};

std::string formatDuration(double seconds);

} // namespace torchwright::cli
