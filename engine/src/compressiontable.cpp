// The before/after table of the Compress step (compress.h): every run measured the same way, so
// the rows can be compared. A float run is loaded with its checkpoint, counted, exported to
// TorchScript and ONNX in a temporary folder (the sizes are those files'), timed in LibTorch and,
// from the ONNX file, in ONNX Runtime, and evaluated on the full test split exactly as
// evaluateRun() does. A quantized run has no LibTorch int8 form: its size is its int8 ONNX
// file's, and its latency and accuracy come from ONNX Runtime running that file on the same
// preprocessed test inputs.

#include "torchwright/compress.h"

#include "checkpoint.h"
#include "dataset.h"
#include "evaluation.h"
#include "onnxruntimerunner.h"

#include "torchwright/exports.h"
#include "torchwright/runs.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace torchwright {

namespace {

constexpr int kLatencyWarmup = 3;
const std::vector<int> kLatencyBatches{1, 64};

// A folder under the system's temporary directory, removed with everything in it at the end.
class TemporaryFolder {
public:
    TemporaryFolder()
    {
        std::random_device rd;
        const fs::path base = fs::temp_directory_path();
        for (int attempt = 0; attempt < 100; ++attempt) {
            const fs::path p = base / ("torchwright-compression-" + std::to_string(rd()));
            std::error_code ec;
            if (fs::create_directory(p, ec)) {
                m_path = p;
                return;
            }
        }
        throw EngineError(Message::tr("%1: cannot create a temporary folder for the exports", base.string()));
    }
    ~TemporaryFolder()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TemporaryFolder(const TemporaryFolder &) = delete;
    TemporaryFolder &operator=(const TemporaryFolder &) = delete;
    std::string file(const std::string &name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

// LibTorch's intra-op threads for the measurement, restored afterwards.
class ThreadsFor {
public:
    explicit ThreadsFor(int threads) : m_before(torch::get_num_threads())
    {
        if (threads > 0 && threads != m_before)
            torch::set_num_threads(threads);
    }
    ~ThreadsFor()
    {
        if (torch::get_num_threads() != m_before)
            torch::set_num_threads(m_before);
    }

private:
    int m_before;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return NAN;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// `count` real test samples (repeated from the start when the split is smaller).
torch::Tensor latencyInputs(const torch::Tensor &test, int64_t count)
{
    const int64_t n = test.size(0);
    if (n >= count)
        return test.slice(0, 0, count).contiguous();
    return test.index_select(0, torch::arange(count, torch::kInt64).remainder(n)).contiguous();
}

// The median milliseconds of one forward pass on `batch`, after a warm-up, in eval mode.
double libtorchLatencyMs(GraphModelImpl &model, const torch::Tensor &batch, int repeats)
{
    torch::NoGradGuard noGrad;
    model.eval();
    std::vector<double> ms;
    ms.reserve(size_t(repeats));
    for (int i = 0; i < kLatencyWarmup + repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        torch::Tensor out = model.forward(batch);
        (void)out.sum().item<double>(); // the result is really computed
        const auto t1 = std::chrono::steady_clock::now();
        if (i >= kLatencyWarmup)
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    return median(ms);
}

int64_t fileBytes(const std::string &file)
{
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot read the file's size: %2", file, ec.message()));
    return int64_t(size);
}

void addNote(CompressionRow &row, const Message &m)
{
    if (!row.note.empty())
        row.note += "; ";
    row.note += m.str();
}

std::string canonicalName(const std::string &dir)
{
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::path(dir), ec);
    return (ec ? fs::path(dir) : p).lexically_normal().string();
}

bool sameFolderExactly(const std::string &a, const std::string &b)
{
    std::error_code ec;
    return fs::equivalent(a, b, ec) || canonicalName(a) == canonicalName(b);
}

bool sameFolder(const std::string &a, const std::string &b)
{
    std::error_code ec;
    if (fs::equivalent(a, b, ec))
        return true;
    // A recorded source that has moved since: the run folders' names are time-stamped and unique.
    return fs::path(canonicalName(a)).filename() == fs::path(canonicalName(b)).filename();
}

CompressionRow measureRun(const std::string &runDir, bool original, const std::string &originalDir,
                          const CompressionTableOptions &options, const CompressLog &log)
{
    if (!fs::is_directory(runDir) || !fs::exists(fs::path(runDir) / "run.json"))
        throw EngineError(Message::tr("%1: not a run folder (it has no run.json)", runDir));
    CompressionRow row;
    row.runDir = runDir;
    const RunSummary summary = readRunSummary(runDir);
    if (summary.status == "unreadable")
        throw EngineError(Message::tr("%1: the run cannot be read: %2", runDir, summary.message));
    row.label = summary.label();
    const nlohmann::json runJson = readRunJson(runDir);
    row.method = "original";
    if (runJson.contains("compression") && runJson["compression"].is_object()) {
        const nlohmann::json &c = runJson["compression"];
        if (c.contains("method") && c["method"].is_string() && !original)
            row.method = c["method"].get<std::string>();
        if (!original && c.contains("source_run") && c["source_run"].is_string()
            && !sameFolder(c["source_run"].get<std::string>(), originalDir))
            addNote(row, Message::tr("made from %1, not from the original",
                                     fs::path(c["source_run"].get<std::string>()).filename().string()));
    } else if (!original) {
        addNote(row, Message::tr("not a compressed run"));
    }
    const std::string int8File = (fs::path(runDir) / kInt8OnnxFile).string();
    const bool quantized = row.method == "quantize";
    if (quantized && !fs::exists(int8File))
        throw EngineError(Message::tr("%1: the quantized run has no %2", runDir, kInt8OnnxFile));

    if (log)
        log(Message::tr("Measuring %1: parameters, multiply-adds and the exports' sizes", row.label));
    const torch::Device cpu(torch::kCPU);
    LoadedRun run = loadRun(runDir, "best", cpu);
    GraphModelImpl &model = *run.model;
    model.eval();
    {
        torch::NoGradGuard noGrad;
        for (const torch::Tensor &p : model.parameters()) {
            row.parameters += p.numel();
            row.nonZeroParameters += p.count_nonzero().item<int64_t>();
        }
    }
    row.macs = model.analysis().totalMultiplyAdds;

    TemporaryFolder tmp;
    std::string onnxFile;
    if (quantized) {
        onnxFile = int8File;
        row.onnxBytes = fileBytes(int8File);
        addNote(row, Message::tr("int8: no TorchScript form, its ONNX file is the int8 model"));
    } else {
        const std::string pt = tmp.file("model.pt");
        exportTorchScript(runDir, pt, "best");
        row.torchscriptBytes = fileBytes(pt);
        const ExportFormat *onnx = findExportFormat("onnx");
        const Message why = onnx ? onnx->whyUnavailable(runDir) : Message::tr("this build has no ONNX export");
        if (why.empty()) {
            onnxFile = tmp.file("model.onnx");
            exportOnnx(runDir, onnxFile, "best");
            row.onnxBytes = fileBytes(onnxFile);
        } else {
            addNote(row, Message::tr("no ONNX file: %1", why.str()));
        }
    }

    // The full test split, read and preprocessed as evaluateRun() does.
    const Node *input = run.project.graph.node(model.analysis().inputNode);
    const DType inputType = input && input->params.value("dtype", "float32") == "int64" ? DType::Int64 : DType::Float32;
    std::string missing;
    if (!datasetFilesPresent(run.project, &missing))
        throw EngineError(
            Message::tr("%1: dataset file not found; the test split is needed to measure the run", missing));
    if (log)
        log(Message::tr("Measuring %1: reading the test split", row.label));
    const DataSplits data = loadDataSplits(run.project, inputType);
    const TensorDataset &test = data.test;
    if (test.size() == 0)
        throw EngineError(Message::tr("%1: the test split is empty; nothing to measure on", runDir));
    const bool classifies =
        test.labels.defined() && !test.labels.is_floating_point() && !run.project.training.reconstructs();
    const int64_t largest = *std::max_element(kLatencyBatches.begin(), kLatencyBatches.end());
    const torch::Tensor timed = latencyInputs(test.inputs, largest);

    const int repeats = std::max(1, options.repeats);
    ThreadsFor threads(options.threads);
    if (!quantized) {
        if (log)
            log(Message::tr("Measuring %1: LibTorch latency at batch 1 and 64, %2 runs each", row.label, repeats));
        row.libtorchMs1 = libtorchLatencyMs(model, timed.slice(0, 0, 1), repeats);
        row.libtorchMs64 = libtorchLatencyMs(model, timed, repeats);
    } else {
        addNote(row, Message::tr("no LibTorch int8 form: LibTorch latency not measured"));
    }

    const Message ortMissing = onnxRuntimeUnavailable();
    if (!onnxFile.empty() && ortMissing.empty()) {
        if (log)
            log(Message::tr("Measuring %1: ONNX Runtime latency at batch 1 and 64, %2 runs each%3", row.label, repeats,
                            quantized ? std::string(", and the test split's outputs") : std::string()));
        OnnxRuntimeOptions ort;
        ort.latencyBatches = kLatencyBatches;
        ort.repeats = repeats;
        ort.threads = options.threads;
        ort.outputs = quantized; // the int8 model's accuracy comes from ONNX Runtime's outputs
        const OnnxRuntimeResult result = runOnnxRuntime(onnxFile, quantized ? test.inputs : timed, ort);
        if (result.latencyMedianMs.count(1))
            row.onnxRuntimeMs1 = result.latencyMedianMs.at(1);
        if (result.latencyMedianMs.count(64))
            row.onnxRuntimeMs64 = result.latencyMedianMs.at(64);
        if (quantized && classifies) {
            if (!result.outputs.defined() || result.outputs.dim() < 2 || result.outputs.size(0) != test.size())
                throw EngineError(Message::tr("%1: ONNX Runtime returned no output for each of the %2 test samples",
                                              int8File, test.size()));
            const torch::Tensor predicted = result.outputs.reshape({test.size(), -1}).argmax(1).to(torch::kInt64);
            const int64_t correct = predicted.eq(test.labels.to(torch::kInt64)).sum().item<int64_t>();
            row.testAccuracy = double(correct) / double(test.size());
        }
    } else if (!ortMissing.empty()) {
        addNote(row, Message::tr("ONNX Runtime not measured: %1", ortMissing.str()));
        if (quantized)
            addNote(row, Message::tr("the int8 model's accuracy needs ONNX Runtime"));
    }

    if (!quantized && classifies) {
        if (log)
            log(Message::tr("Measuring %1: test accuracy on %2 samples", row.label, test.size()));
        row.testAccuracy = evaluateModel(model, run.project, test, cpu).accuracy;
    } else if (!classifies) {
        addNote(row, Message::tr("no test accuracy: the project does not classify"));
    }
    return row;
}

} // namespace

std::vector<CompressionRow> compressionTable(const std::string &originalRunDir, const std::vector<std::string> &runDirs,
                                             const CompressionTableOptions &options, const CompressLog &log)
{
    if (!(options.allowedDrop >= 0))
        throw EngineError(Message::tr("the allowed accuracy drop must be 0 or more points"));
    if (options.repeats < 1)
        throw EngineError(Message::tr("the timed runs per latency figure must be 1 or more (--repeats)"));
    if (options.threads < 0)
        throw EngineError(Message::tr("the threads must be 0 (the defaults) or more (--threads)"));
    std::vector<CompressionRow> rows;
    rows.push_back(measureRun(originalRunDir, true, originalRunDir, options, log));
    for (const std::string &dir : runDirs)
        rows.push_back(measureRun(dir, false, originalRunDir, options, log));
    const double base = rows.front().testAccuracy;
    for (CompressionRow &row : rows) {
        if (std::isfinite(row.testAccuracy) && std::isfinite(base)) {
            row.accuracyChange = (row.testAccuracy - base) * 100;
            // A hair of rounding never turns the original (or an equal run) into a failure.
            row.passes = row.accuracyChange >= -options.allowedDrop - 1e-9;
        }
    }
    return rows;
}

std::vector<CompressedRun> compressedRuns(const std::string &sourceRunDir, const std::vector<std::string> &runsDirs)
{
    std::vector<std::string> folders = runsDirs;
    if (folders.empty())
        folders.push_back(fs::path(canonicalName(sourceRunDir)).parent_path().string());
    std::vector<CompressedRun> out;
    std::vector<std::string> seen;
    for (const std::string &folder : folders) {
        if (!fs::is_directory(folder))
            continue;
        for (const RunSummary &r : listRuns(folder)) {
            const std::string canonical = canonicalName(r.dir);
            if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
                continue;
            seen.push_back(canonical);
            if (r.status == "unreadable" || sameFolderExactly(r.dir, sourceRunDir))
                continue;
            nlohmann::json j;
            try {
                j = readRunJson(r.dir);
            } catch (const std::exception &) {
                continue;
            }
            const auto c = j.find("compression");
            if (c == j.end() || !c->is_object() || !c->contains("source_run") || !(*c)["source_run"].is_string())
                continue;
            if (!sameFolder((*c)["source_run"].get<std::string>(), sourceRunDir))
                continue;
            out.push_back({r.dir, r.label(), c->value("method", std::string())});
        }
    }
    return out;
}

} // namespace torchwright
