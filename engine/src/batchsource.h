#pragma once
// Where a run's training and validation tensors live, and how training batches reach the device.
//
// Resident: the tensors are moved to the device once, and each batch is gathered there with
// index_select (no host work per batch). The CPU is always resident (host memory is its memory);
// a GPU is when the tensors take at most kDeviceDataShare of the memory the device has free
// (torchwright/memory.h), or when asked (--data-placement device).
//
// Streamed: the tensors stay in host memory (page-locked when the device is CUDA, so copies run
// asynchronously), and a prefetch thread gathers the coming batches into fresh page-locked
// buffers, kPrefetchDepth ahead of training; the training thread starts each copy without
// blocking (to(device, non_blocking)), so the copy of one batch overlaps the step of the one
// before. LibTorch's caching host allocator keeps a buffer from reuse until its copy has
// finished. Validation then copies its slices the same way. `--data-placement stream` forces it,
// on the CPU too (without page-locking), which is how tests check that both give the same batches.

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace torchwright {

// The largest share of the device's free memory the training and validation tensors may take to
// live on the device; the rest stays for the model, its gradients, optimizer state and activations.
constexpr double kDeviceDataShare = 0.5;
// Batches the prefetch thread prepares ahead of training when the data is streamed.
constexpr int kPrefetchDepth = 3;

enum class DataPlacement { Auto, Device, Stream };

// "auto", "device", "stream"; throws EngineError naming `where` otherwise.
DataPlacement parseDataPlacement(const std::string &name, const std::string &where = "--data-placement");

// Gathers the batches of one epoch from host tensors on a thread of its own and hands them over
// in order. The tensors must be on the CPU; `pin` page-locks the batch buffers (CUDA only).
class BatchPrefetcher {
public:
    BatchPrefetcher(torch::Tensor inputs, torch::Tensor labels, bool pin);
    ~BatchPrefetcher(); // stops the thread

    BatchPrefetcher(const BatchPrefetcher &) = delete;
    BatchPrefetcher &operator=(const BatchPrefetcher &) = delete;

    // Starts gathering `batches` batches of `batchSize` samples, in the order given by `order`
    // (sample indices; the last batch may be short). Any epoch still in flight is abandoned.
    void begin(const std::vector<int64_t> &order, int64_t batchSize, int64_t batches);
    // The next batch's inputs and labels and its indices (CPU), waiting for the thread when it is
    // behind. Rethrows what the thread threw.
    struct Batch {
        torch::Tensor inputs, labels, indices;
    };
    Batch next();
    // Stops the thread (the epoch ended early or completed).
    void end();

private:
    void produce(std::vector<int64_t> order, int64_t batchSize, int64_t batches);

    torch::Tensor inputs_, labels_;
    bool pin_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> ready_;
    bool cancel_ = false;
    bool done_ = false;
    std::exception_ptr error_;
};

} // namespace torchwright
