// bench_engine: the LibTorch-side measurements of scripts/bench. Each mode prints one JSON
// object on stdout (progress and notes go to stderr), so bench/run.py can read it.
//
//   bench_engine handloop PROJECT --model cnn|mlp|graph --threads N [--blas N] [--warmup W]
//                         [--batches M] [--channels-last 1] [--accuracy 1]
//                         [--worker-thread 0|train|all] [--keep-memory 0|1]
//       A plain LibTorch training loop written by hand for the same model, on the same data in
//       memory as the engine (the engine's own loader, so the split and normalisation match):
//       shuffled index_select batches of 64, Adam, cross-entropy. The floor of the engine's own
//       per-batch overhead. Times M batches after W warm-up batches. What-ifs that take the
//       distance from this loop to the engine apart: --model graph trains the engine's own
//       GraphModel built from PROJECT; --accuracy 1 also counts correct predictions every batch
//       as the engine's trainer does (lossAndHits); --worker-thread runs the training (train)
//       or everything (all) on a std::thread as the engine does; --keep-memory 1 makes the
//       CLI's keepFreedMemory() call first (the default with a worker thread). --channels-last 1
//       (CNN) trains with NHWC activations and weights.
//   bench_engine augment PROJECT [--batches M] [--warmup W] [--repeats R] [--hflip P] [--translate T]
//                        [--threads N]
//       Training throughput of the engine's own trainer (TrainingSession, one epoch of M batches,
//       the first W not timed) without augmentation and with the default image augmentations
//       (random horizontal flip P = 0.5 and random crop with T = 4 pixels of padding), taken in
//       turns R times so that a busy machine slows both alike; prints the medians and their
//       ratio. Also the augmentation alone: milliseconds per batch of the Augmenter.
//   bench_engine matmul --threads N [--blas N] [--size S] [--reps R]
//       Single-precision matrix-multiply rate of this machine: torch::mm of two S x S matrices.
//   bench_engine macs PROJECT
//       The engine's own forward multiply-add count per sample (analyzeProject).
//   bench_engine evaluate RUN CHECKPOINT...
//       Test accuracy of RUN/<CHECKPOINT>.pt for each CHECKPOINT (evaluateRun), in order.
//   bench_engine import PROJECT [--fresh 1]
//       Reads an image project's data as training does (the reader's train and test splits) and prints
//       the seconds, the images per second, the decoded tensor's size and the process's peak
//       memory (VmHWM) before and after. --fresh 1 removes the project's cache first, so every
//       file is decoded; without it a current cache is read. Run it in a fresh process per
//       figure: VmHWM is the process's own peak.
//
// --threads sets LibTorch's intra-op (OpenMP) threads; --blas sets OpenBLAS's own pool (default
// 1, as the engine does). Both are reported back as in force.

#include "augment.h"
#include "benchtool.h"
#include "dataset.h"
#include "datasetcache.h"
#include "datasetreader.h"
#include "losses.h"
#include "model.h"

#include "torchwright/analysis.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace torchwright;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

using benchtool::Options;

// LibTorch's OpenMP pool and OpenBLAS's own pool, set and read back.
json setThreads(int intra, int blas)
{
    at::set_num_threads(intra);
    using Set = void (*)(int);
    using Get = int (*)();
    auto set = reinterpret_cast<Set>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    auto get = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    if (set)
        set(blas);
    return json{
        {"intra_op", at::get_num_threads()}, {"blas", get ? get() : 0}, {"blas_library", get ? "OpenBLAS" : "unknown"}};
}

// The sample CNN and the 784-256-10 MLP, as plain torch::nn modules.
struct CnnImpl : torch::nn::Module {
    torch::nn::Conv2d conv1{torch::nn::Conv2dOptions(1, 32, 3).padding(1)};
    torch::nn::Conv2d conv2{torch::nn::Conv2dOptions(32, 64, 3).padding(1)};
    torch::nn::Linear fc1{64 * 7 * 7, 128};
    torch::nn::Linear fc2{128, 10};
    torch::nn::Dropout dropout{0.25};
    CnnImpl()
    {
        register_module("conv1", conv1);
        register_module("conv2", conv2);
        register_module("fc1", fc1);
        register_module("fc2", fc2);
        register_module("dropout", dropout);
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = torch::max_pool2d(torch::relu(conv1(x)), 2);
        x = torch::max_pool2d(torch::relu(conv2(x)), 2);
        x = torch::relu(fc1(x.flatten(1)));
        return fc2(dropout(x));
    }
};
TORCH_MODULE(Cnn);

struct MlpImpl : torch::nn::Module {
    torch::nn::Linear fc1{784, 256};
    torch::nn::Linear fc2{256, 10};
    MlpImpl()
    {
        register_module("fc1", fc1);
        register_module("fc2", fc2);
    }
    torch::Tensor forward(torch::Tensor x) { return fc2(torch::relu(fc1(x.flatten(1)))); }
};
TORCH_MODULE(Mlp);

Project loadProject(const std::string &path)
{
    ProjectLoad load = loadProjectFile(path);
    if (!load.ok())
        throw std::runtime_error(path + ": cannot load the project");
    return load.project;
}

template <typename Model>
json trainLoop(Model model, const torch::Tensor &trainX, const torch::Tensor &trainY, int batchSize, int warmup,
               int batches, bool channelsLast, bool accuracy)
{
    if (channelsLast) // a what-if: NHWC activations for oneDNN's convolutions and pooling
        for (auto &p : model->parameters())
            if (p.dim() == 4)
                p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    model->train();
    const int64_t n = trainX.size(0);
    torch::Tensor perm = torch::randperm(n, torch::kInt64);
    const int64_t perEpoch = n / batchSize;
    std::vector<double> batchMs;
    double lossSum = 0;
    int64_t hits = 0;
    Clock::time_point t0;
    for (int b = 0; b < warmup + batches; ++b) {
        if (b == warmup) {
            std::fprintf(stderr, "measuring\n"); // profilers attach from here (bench/run.py)
            std::fflush(stderr);
            t0 = Clock::now();
        }
        const auto tb = Clock::now();
        const int64_t k = b % perEpoch;
        if (k == 0 && b > 0)
            perm = torch::randperm(n, torch::kInt64);
        torch::Tensor idx = perm.slice(0, k * batchSize, (k + 1) * batchSize);
        torch::Tensor x = trainX.index_select(0, idx), y = trainY.index_select(0, idx);
        if (channelsLast)
            x = x.contiguous(at::MemoryFormat::ChannelsLast);
        optimizer.zero_grad();
        torch::Tensor loss;
        if (accuracy) { // as the engine's trainer does: the loss and the number of correct predictions
            LossAndHits lh = lossAndHits("cross_entropy", model->forward(x), y, 10);
            loss = lh.loss;
            hits += lh.hits.item<int64_t>();
        } else {
            loss = torch::nn::functional::cross_entropy(model->forward(x), y);
        }
        loss.backward();
        optimizer.step();
        lossSum += loss.item<double>(); // a real loop logs its loss
        if (b >= warmup)
            batchMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - tb).count());
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::sort(batchMs.begin(), batchMs.end());
    return json{{"samples_per_second", double(batches) * batchSize / seconds},
                {"seconds", seconds},
                {"batches", batches},
                {"warmup", warmup},
                {"batch_ms_median", batchMs[batchMs.size() / 2]},
                {"mean_loss", lossSum / (warmup + batches)},
                {"train_accuracy", accuracy ? double(hits) / double(int64_t(warmup + batches) * batchSize) : -1.0}};
}

json handloopHere(const Options &o)
{
    const std::string model = o.get("--model", "cnn");
    const json threads = setThreads(o.getInt("--threads", 1), o.getInt("--blas", 1));
    Project project = loadProject(o.positional.at(0));
    const auto tLoad = Clock::now();
    DataSplits data = loadDataSplits(project, DType::Float32);
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - tLoad).count();
    torch::Tensor x = data.train.inputs, y = data.train.labels;
    data = DataSplits{};
    torch::manual_seed(1);
    const int batch = project.training.batchSize;
    const int warmup = o.getInt("--warmup", 30), batches = o.getInt("--batches", 200);
    const bool channelsLast = o.get("--channels-last", "0") == "1";
    const bool accuracy = o.get("--accuracy", "0") == "1";
    json r;
    auto run = [&] {
        if (model == "graph")
            r = trainLoop(GraphModel(project.graph, TensorType{project.dataset.sampleShape, DType::Float32}), x, y,
                          batch, warmup, batches, false, accuracy);
        else if (model == "mlp")
            r = trainLoop(Mlp(), x, y, batch, warmup, batches, false, accuracy);
        else
            r = trainLoop(Cnn(), x, y, batch, warmup, batches, channelsLast, accuracy);
    };
    if (o.get("--worker-thread", "0") == "train") {
        std::thread worker(run);
        worker.join();
    } else {
        run();
    }
    r["accuracy"] = accuracy;
    r["channels_last"] = channelsLast;
    r["threads"] = threads;
    r["model"] = model;
    r["batch_size"] = batch;
    r["data_load_seconds"] = loadSeconds;
    return r;
}

int handloop(const Options &o)
{
    const std::string where = o.get("--worker-thread", "0");
    if (o.get("--keep-memory", where != "0" ? "1" : "0") == "1")
        keepFreedMemory(); // as torchwright-cli does before its worker thread starts
    json r;
    if (where == "all") {
        std::thread worker([&] { r = handloopHere(o); });
        worker.join();
    } else {
        r = handloopHere(o);
    }
    r["worker_thread"] = where;
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

// Samples per second of the engine's trainer over batches W+1..M of one epoch.
double trainerThroughput(const Project &project, int warmup, int batches, int threads)
{
    TrainRequest request;
    request.project = project;
    request.runsDir = (std::filesystem::temp_directory_path() / "torchwright-bench-augment").string();
    request.epochs = 1;
    request.batchLimit = batches;
    request.device = "cpu";
    if (threads > 0)
        request.threads = threads;
    std::mutex mutex;
    std::vector<Clock::time_point> times;
    std::string failure;
    {
        TrainingSession session(request, [&](const TrainingEvent &e) {
            std::lock_guard<std::mutex> lock(mutex);
            if (e.kind == TrainingEvent::Kind::Batch)
                times.push_back(Clock::now());
            if (e.kind == TrainingEvent::Kind::Finished && e.status != TrainingEvent::Status::Completed)
                failure = e.text.str();
        });
        session.start();
        session.wait();
    }
    std::filesystem::remove_all(request.runsDir);
    if (!failure.empty() || int(times.size()) < batches)
        throw std::runtime_error("training failed: " + failure);
    const double seconds = std::chrono::duration<double>(times[size_t(batches - 1)] - times[size_t(warmup)]).count();
    return double(batches - 1 - warmup) * project.training.batchSize / seconds;
}

int augment(const Options &o)
{
    const Project plain = loadProject(o.positional.at(0));
    Project augmented = plain;
    augmented.preprocess.augment.hflip = o.getDouble("--hflip", 0.5);
    augmented.preprocess.augment.translate = o.getInt("--translate", 4);
    const int warmup = o.getInt("--warmup", 20), batches = o.getInt("--batches", 200);
    const int repeats = o.getInt("--repeats", 3), threads = o.getInt("--threads", 0);
    std::vector<double> off, on;
    for (int i = 0; i < repeats; ++i) {
        off.push_back(trainerThroughput(plain, warmup, batches, threads));
        on.push_back(trainerThroughput(augmented, warmup, batches, threads));
        std::fprintf(stderr, "repeat %d: %.0f samples/s without, %.0f with augmentation\n", i + 1, off.back(),
                     on.back());
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    // The augmentation alone, on batches of the training data.
    DataSplits data = loadDataSplits(augmented, DType::Float32);
    const Augmenter augmenter(augmented, DType::Float32, data.mean, data.std);
    const int64_t batch = augmented.training.batchSize;
    std::vector<double> ms;
    for (int b = 0; b < 200; ++b) {
        const torch::Tensor x =
            data.train.inputs.slice(0, (b * batch) % (data.train.size() - batch)).slice(0, 0, batch);
        const auto t0 = Clock::now();
        const torch::Tensor y = augmenter(x, 1, b);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    json r{{"samples_per_second_without", median(off)},
           {"samples_per_second_with", median(on)},
           {"ratio", median(on) / median(off)},
           {"runs_without", off},
           {"runs_with", on},
           {"augmentation", augmentationRecord(augmented)},
           {"augment_ms_per_batch_median", median(ms)},
           {"batch_size", batch},
           {"batches", batches},
           {"warmup", warmup}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

int matmul(const Options &o)
{
    const json threads = setThreads(o.getInt("--threads", 1), o.getInt("--blas", 1));
    const int64_t s = o.getInt("--size", 2048);
    const int reps = o.getInt("--reps", 5);
    torch::manual_seed(0);
    torch::Tensor a = torch::randn({s, s}), b = torch::randn({s, s}), c = torch::empty({s, s});
    torch::mm_out(c, a, b); // warm-up: page faults, BLAS buffers, thread start
    std::vector<double> rates;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = Clock::now();
        torch::mm_out(c, a, b);
        const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
        rates.push_back(2.0 * double(s) * double(s) * double(s) / sec / 1e9);
    }
    std::sort(rates.begin(), rates.end());
    json r{{"gflops_max", rates.back()},
           {"gflops_median", rates[rates.size() / 2]},
           {"size", s},
           {"reps", reps},
           {"threads", threads}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

int macs(const Options &o)
{
    Project project = loadProject(o.positional.at(0));
    GraphAnalysis an = analyzeProject(project);
    if (!an.ok())
        throw std::runtime_error("the project does not check");
    json layers = json::object();
    for (NodeId id : an.order)
        layers[project.graph.node(id)->name] = an.nodes.at(id.value).multiplyAdds;
    json r{{"multiply_adds_per_sample", an.totalMultiplyAdds}, {"parameters", an.totalParameters}, {"layers", layers}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

int evaluate(const Options &o)
{
    configureThreads(0);
    const std::string run = o.positional.at(0);
    json r = json::array();
    for (size_t i = 1; i < o.positional.size(); ++i) {
        Evaluation ev = evaluateRun(run, o.positional[i], "cpu");
        r.push_back(json{
            {"checkpoint", o.positional[i]}, {"accuracy", ev.accuracy}, {"loss", ev.loss}, {"samples", ev.samples}});
    }
    std::printf("%s\n", json{{"evaluations", r}}.dump().c_str());
    return 0;
}

// A figure of /proc/self/status in MiB ("VmHWM", "VmRSS").
double procStatusMb(const char *key)
{
    std::FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    double v = -1;
    const size_t n = std::strlen(key);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, key, n) == 0 && line[n] == ':')
            v = std::atof(line + n + 1) / 1024.0;
    std::fclose(f);
    return v;
}

int importData(const Options &o)
{
    ProjectLoad load = loadProjectFile(o.positional.at(0));
    if (!load.ok())
        throw EngineError(load.diagnostics);
    const Project &p = load.project;
    if (o.get("--fresh", "0") == "1") {
        std::error_code ec;
        std::filesystem::remove_all(datasetCacheDir(p), ec);
    }
    torch::set_num_threads(1);
    const double rssBefore = procStatusMb("VmRSS"), hwmBefore = procStatusMb("VmHWM");
    int64_t total = 0;
    ImportControl control;
    control.progress = [&](int64_t, int64_t t) { total = t; };
    auto cpuSeconds = [] {
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    const double cpu0 = cpuSeconds();
    const auto t0 = Clock::now();
    const DatasetReader &reader = *datasetFormat(p).reader;
    RawSplit train = reader.train(p, control);
    RawSplit test = reader.test(p, control);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    const int64_t images = train.labels.size(0) + test.labels.size(0);
    const double tensorMb = double(train.inputs.numel() + test.inputs.numel()) / (1024.0 * 1024.0);
    const double hwm = procStatusMb("VmHWM");
    json r = {{"images", images},
              {"decoded", total},
              {"seconds", seconds},
              {"images_per_s", double(images) / seconds},
              // CPU time of every thread: on a machine shared with other work, images per CPU
              // second times the cores is what an idle machine would give.
              {"cpu_seconds", cpu},
              {"images_per_cpu_s", double(images) / cpu},
              {"threads", std::thread::hardware_concurrency()},
              {"tensor_mb", tensorMb},
              {"rss_before_mb", rssBefore},
              {"hwm_before_mb", hwmBefore},
              {"hwm_after_mb", hwm},
              {"import_peak_mb", hwm - rssBefore},
              {"peak_over_tensor", (hwm - rssBefore) / tensorMb}};
    std::printf("%s\n", r.dump().c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    return benchtool::runMode("bench_engine", argc, argv, 2, "handloop|augment|matmul|macs|evaluate|import ...",
                              {{"handloop", handloop},
                               {"augment", augment},
                               {"matmul", matmul},
                               {"macs", macs},
                               {"evaluate", evaluate},
                               {"import", importData}});
}
