#include "torchwright/runtime.h"

#include "torchwright/diagnostics.h"

#include <torch/torch.h>

#include <dlfcn.h>
#include <regex>
#include <thread>

#ifndef TORCHWRIGHT_VERSION
#define TORCHWRIGHT_VERSION "dev"
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace torchwright {

void keepFreedMemory()
{
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

std::vector<std::string> availableDevices()
{
    std::vector<std::string> r{"cpu"};
    if (torch::cuda::is_available())
        for (int64_t i = 0; i < int64_t(torch::cuda::device_count()); ++i)
            r.push_back("cuda:" + std::to_string(i));
    return r;
}

bool isValidDeviceString(const std::string &s)
{
    static const std::regex re("auto|cpu|cuda|cuda:[0-9]+");
    return std::regex_match(s, re);
}

std::string resolveDevice(const std::string &requested)
{
    if (!isValidDeviceString(requested))
        throw EngineError(Message::tr("device '%1': expected auto, cpu, cuda or cuda:N", requested));
    const bool cuda = torch::cuda::is_available();
    if (requested == "auto")
        return cuda ? "cuda:0" : "cpu";
    if (requested == "cpu")
        return "cpu";
    if (!cuda)
        throw EngineError(Message::tr("device '%1': no CUDA device is available (this LibTorch sees none); use cpu or "
                                      "auto",
                                      requested));
    int index = requested == "cuda" ? 0 : std::stoi(requested.substr(5));
    if (index >= int(torch::cuda::device_count()))
        throw EngineError(Message::tr("device '%1': only %2 CUDA device(s) are present", requested,
                                      int64_t(torch::cuda::device_count())));
    return "cuda:" + std::to_string(index);
}

namespace {

// OpenBLAS runs its own thread pool beside LibTorch's OpenMP one; both at full width on the
// same cores oversubscribe them (measured here: 2 + 2 threads ran 2x slower than either).
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads openblasSet() { return reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); }
GetThreads openblasGet() { return reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")); }

} // namespace

ThreadSettings currentThreads()
{
    ThreadSettings s;
    s.intraOp = at::get_num_threads();
    if (auto get = openblasGet()) {
        s.blas = get();
        s.blasLibrary = "OpenBLAS";
    } else {
        s.blasLibrary = "reference or unknown BLAS";
    }
    return s;
}

ThreadSettings configureThreads(int threads)
{
    const int cores = std::max(1u, std::thread::hardware_concurrency());
    const int intra = threads > 0 ? std::min(threads, kMaxThreads) : cores;
    if (at::get_num_threads() != intra)
        at::set_num_threads(intra);
    if (auto set = openblasSet())
        set(1);
    return currentThreads();
}

std::string engineVersion() { return TORCHWRIGHT_VERSION; }

std::string torchVersion()
{
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "."
           + std::to_string(TORCH_VERSION_PATCH);
}

} // namespace torchwright
