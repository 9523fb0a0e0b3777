#include "batchsource.h"

#include "torchwright/diagnostics.h"

#include <algorithm>

namespace torchwright {

DataPlacement parseDataPlacement(const std::string &name, const std::string &where)
{
    if (name == "auto")
        return DataPlacement::Auto;
    if (name == "device")
        return DataPlacement::Device;
    if (name == "stream")
        return DataPlacement::Stream;
    throw EngineError(Message::tr("%1: expected auto, device or stream, got \"%2\"", where, name));
}

BatchPrefetcher::BatchPrefetcher(torch::Tensor inputs, torch::Tensor labels, bool pin)
    : inputs_(std::move(inputs)), labels_(std::move(labels)), pin_(pin)
{
}

BatchPrefetcher::~BatchPrefetcher() { end(); }

void BatchPrefetcher::begin(const std::vector<int64_t> &order, int64_t batchSize, int64_t batches)
{
    end();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ready_.clear();
        cancel_ = false;
        done_ = false;
        error_ = nullptr;
    }
    thread_ = std::thread(&BatchPrefetcher::produce, this, order, batchSize, batches);
}

void BatchPrefetcher::produce(std::vector<int64_t> order, int64_t batchSize, int64_t batches)
{
    try {
        const int64_t samples = int64_t(order.size());
        const torch::Tensor all = torch::from_blob(order.data(), {samples}, torch::kInt64);
        for (int64_t b = 0; b < batches; ++b) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return cancel_ || int(ready_.size()) < kPrefetchDepth; });
                if (cancel_)
                    return;
            }
            const int64_t begin = b * batchSize, end = std::min(begin + batchSize, samples);
            Batch batch;
            batch.indices = all.slice(0, begin, end).clone();
            const int64_t n = end - begin;
            auto shaped = [&](const torch::Tensor &t) {
                std::vector<int64_t> shape = t.sizes().vec();
                shape[0] = n;
                return torch::empty(shape, t.options().pinned_memory(pin_));
            };
            batch.inputs = shaped(inputs_);
            batch.labels = shaped(labels_);
            torch::index_select_out(batch.inputs, inputs_, 0, batch.indices);
            torch::index_select_out(batch.labels, labels_, 0, batch.indices);
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.push_back(std::move(batch));
            changed_.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
}

BatchPrefetcher::Batch BatchPrefetcher::next()
{
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
        if (error_)
            std::rethrow_exception(error_);
        throw EngineError(Message::tr("the prefetch thread ran out of batches before the epoch ended"));
    }
    Batch b = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return b;
}

void BatchPrefetcher::end()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cancel_ = true;
        changed_.notify_all();
    }
    if (thread_.joinable())
        thread_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.clear();
}

} // namespace torchwright
