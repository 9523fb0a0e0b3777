#pragma once
// Training on a worker thread. The session owns the thread; the owner receives plain value
// events through a callback that runs on the worker thread, so it must only queue them (the
// studio posts them to the GUI thread; the CLI prints them). Pause, resume and stop are
// checked between batches. Destroying a session stops it and waits for the thread.

#include "torchwright/diagnostics.h"
#include "torchwright/message.h"
#include "torchwright/project.h"

#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torchwright {

struct TrainingEvent {
    enum class Kind {
        Started,  // run folder and device known; `message` describes the run
        Batch,    // one optimizer step
        Epoch,    // after the epoch's validation and checkpoint
        Log,      // information for the log panel
        Error,    // the run failed or was refused; `message` says what and where
        Finished, // the run ended; `status` says how
        Import,   // reading (decoding) the data before the first epoch: `done` of `total` items
    };
    enum class Status { Running, Completed, Stopped, EarlyStopped, Failed };

    Kind kind = Kind::Log;
    Status status = Status::Running;
    int epoch = 0;  // 1-based
    int epochs = 0; // planned epochs in the run
    int batch = 0;  // 1-based, within the epoch
    int batchesPerEpoch = 0;
    double loss = 0;     // Batch: the batch's loss; Epoch: mean training loss
    double accuracy = 0; // Batch: the batch's accuracy; Epoch: training accuracy
    double valLoss = 0;  // Epoch only (NaN when there is no validation split)
    double valAccuracy = 0;
    // Epoch only, for a regression (a real-valued target, where accuracy is NaN): R^2 and the mean
    // absolute error on the validation split; NaN otherwise.
    double valR2 = NAN;
    double valMae = NAN;
    // Batch and Epoch, for a project that distils from a teacher run (/distill/teacher): the two
    // parts of `loss` (= alpha * softLoss + (1 - alpha) * hardLoss): the soft part, KL divergence
    // from the teacher's softened outputs times T^2, and the hard part, cross-entropy against the
    // labels; an Epoch's are the epoch's means. NaN otherwise.
    double softLoss = NAN;
    double hardLoss = NAN;
    // Epoch only, for fp16 training (/training/precision): optimizer steps the loss scaler skipped
    // in the epoch because the gradients overflowed; -1 otherwise.
    int64_t skippedSteps = -1;
    double learningRate = 0;
    double samplesPerSecond = 0;
    double etaSeconds = 0;
    double elapsedSeconds = 0;
    int64_t done = 0; // Import only
    int64_t total = 0;
    std::string runDir;
    std::string device;
    std::string message; // English: text.str()
    Message text;        // the same as a template, which the studio shows translated

    void setMessage(Message m)
    {
        message = m.str();
        text = std::move(m);
    }

    // One line of metrics.jsonl.
    nlohmann::json toJson() const;
    static TrainingEvent fromJson(const nlohmann::json &j);
};

const char *statusName(TrainingEvent::Status s);

struct TrainRequest {
    Project project;           // loaded; its filePath decides where runs/ goes
    std::string runsDir;       // "" = <project folder>/runs
    std::string resumeRun;     // run folder to continue from its `last` checkpoint
    std::optional<int> epochs; // overrides training.epochs
    std::optional<std::string> device;
    std::optional<int> threads;
    std::optional<int> batchLimit;        // stop each epoch after this many batches (benchmarks)
    std::optional<std::string> precision; // overrides training.precision: fp32, bf16, fp16
    std::optional<bool> channelsLast;     // overrides training.channels_last
    // Where the training and validation tensors live (engine/src/batchsource.h): "auto" (on the
    // device when they take at most half its free memory), "device", or "stream" (host memory and
    // a prefetch thread; also on the CPU, where it gives the same batches).
    std::string dataPlacement = "auto";
    // Batches whose metrics (loss, hits) are read back from the device at once. On a GPU each
    // read waits for the device, so by default a CUDA run reads back every 100 ms of host time
    // (and at least every 256 batches, before a pause or stop, and at the end of the epoch), which
    // is the dashboard's rate; the CPU reads every batch (it waits for nothing). Every batch still
    // gets its own Batch event, with its own loss and accuracy. 0 = that default.
    int readbackBatches = 0;
    // Deterministic algorithms (cuDNN and cuBLAS included) so that a resumed CUDA run continues
    // bit-exactly; slower on a GPU. The CPU is deterministic anyway.
    bool deterministic = false;

    // Fine-tuning from a model version (Continuous optimization; made by finetuneRequest() in
    // torchwright/versions.h, which also points /pretrain at the version's checkpoint). The
    // reviewed feedback items of the store that are not held out join the training split,
    // each seen `feedbackWeight` times per epoch, beside a `replayFraction` share of the original
    // training data drawn anew each epoch; validation and test splits are the original ones.
    // run.json records parent_version, feedback_dir and feedback_items.
    struct Finetune {
        std::string parentVersion; // "v2"
        std::string feedbackDir;
        double feedbackWeight = 5;
        double replayFraction = 0.5;
        double holdout = 0.2;
    };
    std::optional<Finetune> finetune;

    // Unstructured pruning (torchwright/compress.h): a masks file, torch.save's format holding
    // {parameter name: uint8 tensor of the parameter's shape, 1 = kept, 0 = pruned}. The trainer
    // copies it into the run folder as masks.pt (run.json "masks"), zeroes the masked weights once
    // before training and again right after every optimizer step, so pruned weights stay exactly
    // zero. A resumed run uses its folder's copy. "" = no masks.
    std::string masks;
};

struct RunResult {
    TrainingEvent::Status status = TrainingEvent::Status::Running;
    std::string runDir;
    std::string message; // English: text.str()
    Message text;
    int epochsCompleted = 0;
    double bestMetric = 0;
    double lastValAccuracy = 0;
};

using TrainingEventSink = std::function<void(const TrainingEvent &)>;

class TrainingSession {
public:
    TrainingSession(TrainRequest request, TrainingEventSink sink);
    ~TrainingSession(); // stop() and wait()

    TrainingSession(const TrainingSession &) = delete;
    TrainingSession &operator=(const TrainingSession &) = delete;

    void start();
    void pause();
    void resume();
    void stop(); // asynchronous; the worker ends after the current batch
    void wait(); // blocks until the worker has ended
    bool isRunning() const;
    bool isPaused() const; // pause() was called and resume() was not
    // The worker has stopped at the check between batches because of pause(): every event of
    // the batches it trained has gone to the sink, and nothing more happens until resume() or
    // stop(). pause() takes effect there after the batch (or validation) in flight.
    bool isHeld() const;
    RunResult result() const; // valid after wait()

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Early stopping (training.early_stopping), the one rule the engine and exported programs follow.
// After every epoch the run looks at one metric: `metric` (val_loss, lower is better, or
// val_accuracy, higher is better) on the validation split; a project without a validation split
// uses the same measure on the training split (the epoch's mean training loss or accuracy). An epoch improves when its
// value beats the best so far by more than min_delta: value < best - min_delta for val_loss,
// value > best + min_delta for val_accuracy. An equal value never improves; the first epoch of a
// new run always does (the best starts at +inf or -inf). An improving epoch becomes the best
// (best.pt, and best_epoch in run.json) whether early stopping is enabled or not, and resets the
// count of epochs without improvement; every other epoch adds one to it. With early stopping
// enabled the run ends with status early_stopped after the first epoch that leaves the count
// above `patience`, that is after patience + 1 epochs in a row without improvement, unless that
// epoch is the last planned one (the run then completes). Example: patience 2 and a metric that
// never improves after epoch 1 stop the run after epoch 4. A resumed run keeps the best value and
// the count from its checkpoint.
bool earlyStoppingImproves(const EarlyStoppingSettings &s, double metric, double best);
bool earlyStoppingStops(const EarlyStoppingSettings &s, int epochsWithoutImprovement, int epoch, int plannedEpochs);

// Runs a session to the end on the calling thread's behalf.
RunResult trainBlocking(TrainRequest request, const TrainingEventSink &sink);

} // namespace torchwright
