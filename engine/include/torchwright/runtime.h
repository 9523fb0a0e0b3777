#pragma once
// Devices and threads, decided once per process.

#include <string>
#include <vector>

namespace torchwright {

// "cpu", "cuda:0", ... for every device LibTorch sees.
std::vector<std::string> availableDevices();
// Resolves "auto", "cpu", "cuda", "cuda:N"; throws EngineError naming the problem.
std::string resolveDevice(const std::string &requested);
bool isValidDeviceString(const std::string &s);

struct ThreadSettings {
    int intraOp = 0; // LibTorch's OpenMP threads
    int blas = 0;    // OpenBLAS's own threads (0 when OpenBLAS is not loaded)
    std::string blasLibrary;
};
// The most CPU threads training may ask for (training.threads, --threads): beyond any machine
// this runs on, and far below the count at which creating OpenMP's pool exhausts the process's
// threads and hangs.
constexpr int kMaxThreads = 256;

// threads <= 0: all cores for LibTorch's intra-op work, and OpenBLAS kept to one thread so the
// two pools never oversubscribe the cores; more than kMaxThreads is taken as kMaxThreads.
// Returns what is in force now.
ThreadSettings configureThreads(int threads);

// Has glibc's malloc keep freed memory for reuse (one arena, no mmap()ed chunks, no trimming)
// instead of handing it back: training allocates the same sizes every batch, and on a worker
// thread glibc otherwise returned them, so every batch faulted fresh pages in (743 faults a
// batch, 14 us each on this VM; see docs/benchmarks.md). Call first thing in main(), before
// any thread starts. Does nothing on other C libraries.
void keepFreedMemory();
ThreadSettings currentThreads();

std::string engineVersion();
std::string torchVersion();

} // namespace torchwright
