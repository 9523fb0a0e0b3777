#include "torchwright/memory.h"

#include "torchwright/limits.h"

#include <sys/resource.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace torchwright {

namespace {

constexpr int64_t kFloatBytes = 4;

int64_t elements(const Shape &shape)
{
    Count n = 1;
    for (int64_t d : shape)
        n *= d;
    return n.value();
}

int64_t weightBytes(const GraphAnalysis &analysis) { return (Count(analysis.totalParameters) * kFloatBytes).value(); }

// Bytes of one sample's outputs, summed over every node (what a forward pass keeps for the
// backward one), the input included.
Count activationBytesPerSample(const GraphAnalysis &analysis)
{
    Count bytes = 0;
    for (const auto &[id, node] : analysis.nodes)
        if (node.output)
            bytes += Count(elements(node.output->shape)) * (node.output->dtype == DType::Int64 ? 8 : kFloatBytes);
    return bytes;
}

int64_t optimizerCopies(const OptimizerSettings &o)
{
    if (o.type == "adam" || o.type == "adamw")
        return 2; // first and second moments
    if (o.type == "rmsprop")
        return o.momentum > 0 ? 2 : 1; // square average, and the momentum buffer
    if (o.type == "sgd")
        return o.momentum > 0 ? 1 : 0;
    return 2;
}

// "MemAvailable:  12345 kB" from /proc/meminfo, in bytes; -1 when absent.
int64_t memAvailable()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    int64_t kb = 0;
    std::string unit;
    while (in >> key >> kb >> unit)
        if (key == "MemAvailable:")
            return kb * 1024;
    return -1;
}

int64_t readNumber(const std::string &path)
{
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max")
        return -1;
    try {
        size_t used = 0;
        const long long v = std::stoll(text, &used);
        return used == text.size() && v >= 0 ? int64_t(v) : -1;
    } catch (const std::exception &) {
        return -1;
    }
}

// The cgroup's memory limit less what it uses (v2, then v1); -1 when there is none.
int64_t cgroupAvailable()
{
    const int64_t limit2 = readNumber("/sys/fs/cgroup/memory.max");
    if (limit2 >= 0) {
        const int64_t used = std::max<int64_t>(0, readNumber("/sys/fs/cgroup/memory.current"));
        return std::max<int64_t>(0, limit2 - used);
    }
    const int64_t limit1 = readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    // v1 states "no limit" as a number near 2^63 rounded to pages.
    if (limit1 >= 0 && limit1 < (int64_t(1) << 60)) {
        const int64_t used = std::max<int64_t>(0, readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
        return std::max<int64_t>(0, limit1 - used);
    }
    return -1;
}

// RLIMIT_AS less this process's virtual size; -1 when unlimited.
int64_t addressSpaceAvailable()
{
    rlimit rl{};
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return -1;
    std::ifstream in("/proc/self/statm");
    int64_t pages = 0;
    in >> pages;
    const int64_t used = pages * 4096;
    return std::max<int64_t>(0, int64_t(rl.rlim_cur) - used);
}

// cudaMemGetInfo from the CUDA runtime LibTorch has loaded, without a CUDA header or link: the
// engine also builds against a CPU-only LibTorch.
int64_t cudaFreeMemory(int deviceIndex, std::string &source)
{
    using SetDevice = int (*)(int);
    using GetDevice = int (*)(int *);
    using MemGetInfo = int (*)(size_t *, size_t *);
    auto memGetInfo = reinterpret_cast<MemGetInfo>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
    auto setDevice = reinterpret_cast<SetDevice>(dlsym(RTLD_DEFAULT, "cudaSetDevice"));
    auto getDevice = reinterpret_cast<GetDevice>(dlsym(RTLD_DEFAULT, "cudaGetDevice"));
    if (!memGetInfo || !setDevice || !getDevice)
        return -1;
    int previous = 0;
    if (getDevice(&previous) != 0)
        return -1;
    size_t freeBytes = 0, totalBytes = 0;
    const bool ok = setDevice(deviceIndex) == 0 && memGetInfo(&freeBytes, &totalBytes) == 0;
    setDevice(previous);
    if (!ok)
        return -1;
    source =
        "free memory of CUDA device " + std::to_string(deviceIndex) + " (of " + formatBytes(int64_t(totalBytes)) + ")";
    return int64_t(freeBytes);
}

} // namespace

int64_t MemoryEstimate::total() const { return (Count(parameters) + gradients + optimizerState + activations).value(); }

Message MemoryEstimate::describe() const
{
    Message parts = Message::tr("parameters %1", formatBytes(parameters));
    if (gradients)
        parts = Message::tr("%1, gradients %2", std::move(parts), formatBytes(gradients));
    if (optimizerState)
        parts = Message::tr("%1, optimizer state %2", std::move(parts), formatBytes(optimizerState));
    parts = Message::tr("%1, activations of a batch of %2 %3", std::move(parts), batch, formatBytes(activations));
    return Message::tr("%1 (%2)", formatBytes(total()), std::move(parts));
}

MemoryEstimate estimateTrainingMemory(const Project &project, const GraphAnalysis &analysis)
{
    MemoryEstimate e;
    e.batch = project.training.batchSize;
    e.parameters = weightBytes(analysis);
    e.gradients = e.parameters;
    e.optimizerState = (Count(e.parameters) * optimizerCopies(project.training.optimizer)).value();
    e.activations = (activationBytesPerSample(analysis) * e.batch * 2).value();
    return e;
}

MemoryEstimate estimateEvaluationMemory(const GraphAnalysis &analysis, int64_t batch)
{
    MemoryEstimate e;
    e.batch = batch;
    // The model's weights, and the checkpoint's while they are copied in.
    e.parameters = (Count(weightBytes(analysis)) * 2).value();
    e.activations = (activationBytesPerSample(analysis) * batch).value();
    return e;
}

MemoryLimit availableMemory(const std::string &device)
{
    MemoryLimit limit;
    if (device.rfind("cuda", 0) == 0) {
        int index = 0;
        if (device.size() > 5 && device[4] == ':')
            index = std::atoi(device.c_str() + 5);
        limit.bytes = cudaFreeMemory(index, limit.source);
        return limit;
    }
    auto consider = [&](int64_t bytes, const char *source) {
        if (bytes >= 0 && (limit.bytes < 0 || bytes < limit.bytes)) {
            limit.bytes = bytes;
            limit.source = source;
        }
    };
    consider(memAvailable(), "MemAvailable in /proc/meminfo");
    consider(cgroupAvailable(), "the cgroup's memory.max less its usage");
    consider(addressSpaceAvailable(), "ulimit -v less this process's size");
    return limit;
}

void checkMemory(const MemoryEstimate &estimate, const MemoryLimit &limit, const Message &what)
{
    if (limit.bytes < 0 || estimate.total() <= limit.bytes)
        return;
    // Weights, gradients and optimizer state do not shrink with the batch; activations do.
    const int64_t weights = (Count(estimate.parameters) + estimate.gradients + estimate.optimizerState).value();
    Message advice;
    if (weights > limit.bytes && estimate.optimizerState > 0)
        advice = Message::tr("the weights alone need %1: use fewer or smaller layers, or an optimizer that keeps "
                             "less state (SGD without momentum keeps none)",
                             formatBytes(weights));
    else if (weights > limit.bytes)
        advice = Message::tr("the weights alone need %1: use fewer or smaller layers", formatBytes(weights));
    else
        advice = Message::tr("use a smaller batch size (/training/batch_size) or layers with smaller outputs");
    throw EngineError(Message::tr("%1 needs about %2, but only %3 is available (%4); %5", what, estimate.describe(),
                                  formatBytes(limit.bytes), limit.source, std::move(advice)));
}

std::string formatBytes(int64_t bytes)
{
    char buf[64];
    const double b = double(bytes);
    if (bytes >= (int64_t(1) << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", b / double(int64_t(1) << 30));
    else if (bytes >= (int64_t(1) << 20))
        std::snprintf(buf, sizeof buf, "%.0f MiB", b / double(int64_t(1) << 20));
    else if (bytes >= 1024)
        std::snprintf(buf, sizeof buf, "%.0f KiB", b / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    return buf;
}

} // namespace torchwright
