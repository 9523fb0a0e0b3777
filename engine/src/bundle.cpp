// Deployment bundles: one folder with the model in every format that has a bundle file
// (TorchScript and ONNX, see exportformats.cpp), a manifest that says how to feed it (input shape
// and type, preprocessing, class names), where it came from (project, run, checkpoint, metrics,
// versions) and the SHA-256 of every file, plus a README. The folder is assembled beside its
// destination and renamed into place, so a failure leaves the previous bundle whole.
// predictBundle() runs one on image files or tensors.

#include "torchwright/exports.h"

#include "torchwright/compress.h"

#include "archivecheck.h"
#include "checkpoint.h"
#include "dataset.h"
#include "datasetreader.h"
#include "feedbackdata.h"
#include "fileutil.h"
#include "npyfile.h"
#include "sha256.h"
#include "torchwright/jsonfile.h"
#include "torchwright/limits.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"

#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char *kBundleFormat = "torchwright-bundle";
constexpr int kBundleVersion = 1;

bool isBundle(const fs::path &dir)
{
    try {
        return readJsonFile((dir / "manifest.json").string()).value("format", "") == kBundleFormat;
    } catch (const std::exception &) {
        return false;
    }
}

std::string readme(const json &m)
{
    std::ostringstream os;
    const json &in = m["input"];
    const json &pre = m["preprocessing"];
    os << "# " << m["name"].get<std::string>() << "\n\n"
       << "A model exported by Torchwright from run `" << m["source"]["run"].get<std::string>() << "` of the project `"
       << m["source"]["project"].get<std::string>() << "`";
    if (m["metrics"].contains("test_accuracy"))
        os << " (test accuracy " << std::fixed << std::setprecision(2)
           << m["metrics"]["test_accuracy"].get<double>() * 100 << "%)";
    os << ".\n\n## Input and output\n\n"
       << "- `input`: " << in["dtype"].get<std::string>() << " `[batch, " << in["shape"].dump().substr(1) << "`"
       << (in["dtype"] == "float32" ? ", channels first" : "") << ".\n";
    if (in["dtype"] == "float32") {
        os << "- Preprocessing: `x = raw * " << pre["scale"].get<double>() << "`";
        if (!pre["mean"].empty())
            os << ", then per channel `(x - mean[c]) / std[c]` with mean " << pre["mean"].dump() << " and std "
               << pre["std"].dump();
        os << ".\n";
    }
    os << "- `logits`: float32 `[batch, " << m["output"]["shape"].dump().substr(1)
       << "`, class scores before softmax; classes in order: " << m["classes"].dump() << ".\n\n"
       << "## Files\n\n";
    for (const ExportFormat &f : exportFormatsList()) {
        if (m["formats"].contains(f.name))
            os << "- `" << f.bundleFile << "`: " << f.bundleReadme << "\n";
        else if (m["formats"].contains(f.name + "_unavailable"))
            os << "- No " << f.title << " file: " << m["formats"][f.name + "_unavailable"].get<std::string>() << "\n";
    }
    os << "- `manifest.json`: all of the above as data, with the SHA-256 of every file.\n\n"
       << "## Predict from the command line\n\n"
       << "    torchwright-cli predict BUNDLE images.idx    # IDX images (raw pixels, .gz too)\n"
       << "    torchwright-cli predict BUNDLE batch.npy     # uint8 pixels, or float32 already preprocessed\n";
    return os.str();
}

} // namespace

void exportBundle(const std::string &runDir, const std::string &outDir, const std::string &checkpoint)
{
    fs::path out = fs::absolute(outDir).lexically_normal();
    if (!out.has_filename())
        out = out.parent_path(); // "bundle/" is the folder "bundle"
    std::error_code ec;
    if (fs::exists(out) && !(fs::is_directory(out) && (fs::is_empty(out, ec) || isBundle(out))))
        throw EngineError(Message::tr("%1: exists and is not a Torchwright bundle; choose another folder", outDir));
    const ProjectLoad load = loadRunProject(runDir);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    const Project &project = load.project;
    const std::string ckpt = checkpointPath(runDir, checkpoint);
    if (!fs::exists(ckpt))
        throw EngineError(Message::tr("%1: checkpoint not found", ckpt));

    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    const fs::path temp = out.parent_path() / ("." + out.filename().string() + ".tmp-" + std::to_string(stamp));
    fs::create_directories(temp);
    try {
        // Every format with a file in bundles, each said in the manifest: written, or why not.
        json formats = json::object();
        json files = json::object();
        for (const ExportFormat &f : exportFormatsList()) {
            if (f.bundleFile.empty())
                continue;
            const fs::path file = temp / f.bundleFile;
            if (const Message why = f.whyUnavailable(runDir); !why.empty()) {
                if (!f.bundleOptional)
                    throw EngineError(why);
                formats[f.name + "_unavailable"] = why.str(); // the manifest keeps the English text
                continue;
            }
            // A quantized run deploys its int8 model (compress.h) as the bundle's ONNX file.
            const fs::path int8 = fs::path(runDir) / kInt8OnnxFile;
            if (f.name == "onnx" && fs::is_regular_file(int8)) {
                writeBytesAtomically(file.string(), readTextFile(int8.string()));
                formats[f.name] = f.bundleInfo;
                formats[f.name]["file"] = f.bundleFile;
                formats[f.name]["precision"] = "int8";
                files[f.bundleFile] = {{"sha256", sha256File(file.string())}, {"bytes", fs::file_size(file)}};
                continue;
            }
            try {
                f.exportTo(runDir, file.string(), checkpoint);
            } catch (const WriteError &) {
                throw; // a full disk is never "this format is unavailable"
            } catch (const EngineError &e) {
                if (!f.bundleOptional)
                    throw;
                formats[f.name + "_unavailable"] = e.what();
                continue;
            }
            formats[f.name] = f.bundleInfo;
            formats[f.name]["file"] = f.bundleFile;
            if (f.name == "onnx")
                formats[f.name]["precision"] = "float32";
            files[f.bundleFile] = {{"sha256", sha256File(file.string())}, {"bytes", fs::file_size(file)}};
        }

        LoadedRun run = loadRun(runDir, checkpoint, torch::kCPU);
        const GraphAnalysis &an = run.model->analysis();
        const Normalization norm = runNormalization(runDir, project);
        const json summary = readRunJson(runDir);
        const Node *input = project.graph.node(an.inputNode);
        const bool tokens = input && input->params.value("dtype", "float32") == "int64";

        json m = json::object();
        m["format"] = kBundleFormat;
        m["version"] = kBundleVersion;
        m["name"] = project.name;
        m["created"] = isoTimeNow();
        m["input"] = {
            {"name", "input"}, {"dtype", tokens ? "int64" : "float32"}, {"shape", project.dataset.sampleShape}};
        m["output"] = {{"name", "logits"},
                       {"shape", an.nodes.at(an.outputNode.value).output->shape},
                       {"meaning", "class scores before softmax"}};
        // The run's whole preprocessing record (format, image or table handling, augmentation),
        // with the scale and normalisation predict applies written out as they always were.
        m["preprocessing"] = runPreprocessing(runDir, project);
        m["preprocessing"]["scale"] = datasetFormat(project).scale(tokens ? DType::Int64 : DType::Float32);
        m["preprocessing"]["mean"] = norm.mean;
        m["preprocessing"]["std"] = norm.std;
        json classes = json::array();
        for (int c = 0; c < project.dataset.numClasses; ++c)
            classes.push_back(size_t(c) < project.dataset.classNames.size() ? project.dataset.classNames[size_t(c)]
                                                                            : "class " + std::to_string(c));
        m["classes"] = classes;
        m["source"] = {{"project", project.name},
                       {"project_file", summary.value("project_file", "")},
                       {"run", folderName(runDir)},
                       {"checkpoint", fs::path(ckpt).filename().string()}};
        json metrics = json::object();
        for (const char *k : {"epochs_completed", "best_epoch", "best_val_accuracy", "best_val_loss"})
            if (summary.contains(k) && summary[k].is_number())
                metrics[k] = summary[k];
        if (datasetFilesPresent(project)) {
            const Evaluation ev = evaluateRun(runDir, checkpoint, "cpu");
            metrics["test_accuracy"] = ev.accuracy;
            metrics["test_loss"] = ev.loss;
            metrics["test_samples"] = ev.samples;
        }
        // A quantized run: what ONNX Runtime measured of its int8 model (model.onnx).
        if (summary.contains("compression") && summary["compression"].is_object()
            && summary["compression"].value("method", "") == "quantize")
            for (const char *k : {"int8_onnx_test_accuracy", "float_onnx_test_accuracy", "agreement"})
                if (summary["compression"].contains(k) && summary["compression"][k].is_number())
                    metrics[k] = summary["compression"][k];
        m["metrics"] = metrics;
        m["parameters"] = an.totalParameters;
        m["formats"] = formats;
        m["engine_version"] = engineVersion();
        const std::string text = readme(m);
        writeTextFileAtomically((temp / "README.md").string(), text);
        files["README.md"] = {{"sha256", sha256Hex(text)}, {"bytes", text.size()}};
        m["files"] = files;
        writeTextFileAtomically((temp / "manifest.json").string(), m.dump(2) + "\n");

        // Swap the new folder in; the old one is removed only once the new one is in place.
        const fs::path old = out.parent_path() / ("." + out.filename().string() + ".old-" + std::to_string(stamp));
        if (fs::exists(out))
            fs::rename(out, old);
        fs::rename(temp, out);
        fs::remove_all(old, ec);
        if (const int dfd = ::open(out.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
            ::fsync(dfd);
            ::close(dfd);
        }
    } catch (const fs::filesystem_error &e) {
        fs::remove_all(temp, ec);
        throw WriteError(Message::tr("%1: cannot write the bundle: %2", outDir, e.code().message()));
    } catch (...) {
        fs::remove_all(temp, ec);
        throw;
    }
}

// A .npy array (format 1.x/2.x, little-endian, C order) of uint8, int64, float32 or float64.
torch::Tensor readNpy(const std::string &path)
{
    const std::string data = readTextFile(path);
    if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0)
        throw EngineError(Message::tr("%1: not a .npy file (no NUMPY magic)", path));
    const int major = static_cast<unsigned char>(data[6]);
    const size_t lenBytes = major == 1 ? 2 : 4;
    size_t headerLen = 0;
    for (size_t i = 0; i < lenBytes; ++i)
        headerLen |= size_t(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    const size_t start = 8 + lenBytes;
    if (data.size() < start + headerLen)
        throw EngineError(Message::tr("%1: truncated .npy header", path));
    const std::string header = data.substr(start, headerLen);
    auto field = [&](const std::string &key) {
        const size_t k = header.find("'" + key + "'");
        if (k == std::string::npos)
            throw EngineError(Message::tr("%1: .npy header has no '%2'", path, key));
        return header.substr(header.find(':', k) + 1);
    };
    const std::string descrField = field("descr");
    const std::string descr = descrField.substr(descrField.find('\'') + 1, 3);
    const std::string order = field("fortran_order");
    if (order.compare(order.find_first_not_of(' '), 4, "True") == 0)
        throw EngineError(Message::tr("%1: Fortran-ordered arrays are not supported; save with C order", path));
    const std::string shapeField = field("shape");
    const std::string dims =
        shapeField.substr(shapeField.find('(') + 1, shapeField.find(')') - shapeField.find('(') - 1);
    std::vector<int64_t> shape;
    std::istringstream is(dims);
    Count elements = 1;
    for (std::string part; std::getline(is, part, ',');) {
        const size_t b = part.find_first_not_of(' '), e = part.find_last_not_of(' ');
        if (b == std::string::npos)
            continue;
        const std::string digits = part.substr(b, e - b + 1);
        if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos)
            throw EngineError(Message::tr(
                "%1: the .npy header's shape (%2) has '%3', not a size; expected whole numbers", path, dims, digits));
        shape.push_back(std::stoll(digits));
        elements *= shape.back();
    }
    if (shape.size() > size_t(kMaxRank) || elements.exceeds(kMaxElements))
        throw EngineError(Message::tr("%1: the .npy header's shape (%2) has %3 elements in %4 dimensions; at most %5 "
                                      "in %6 are supported",
                                      path, dims, elements.text(), shape.size(), kMaxElements, kMaxRank));
    torch::ScalarType type;
    size_t itemSize = 0;
    if (descr == "|u1" || descr == "<u1")
        type = torch::kUInt8, itemSize = 1;
    else if (descr == "<i8")
        type = torch::kInt64, itemSize = 8;
    else if (descr == "<f4")
        type = torch::kFloat32, itemSize = 4;
    else if (descr == "<f8")
        type = torch::kFloat64, itemSize = 8;
    else
        throw EngineError(
            Message::tr("%1: element type '%2' is not supported (uint8, int64, float32, float64 are)", path, descr));
    // The data's size is compared with the file before anything is allocated.
    const size_t bytes = size_t(elements.value()) * itemSize;
    if (data.size() - start - headerLen != bytes)
        throw EngineError(Message::tr("%1: truncated: the header declares %2 bytes of data, the file has %3", path,
                                      bytes, data.size() - start - headerLen));
    torch::Tensor t = torch::empty(shape, type);
    if (bytes > 0) // an empty tensor's data pointer may be null
        std::memcpy(t.data_ptr(), data.data() + start + headerLen, bytes);
    return t;
}

namespace {

// A file the manifest lists, as a path inside the bundle: relative, no "..", and a regular file
// whose real path stays inside the folder (no FIFO or device, no link out).
std::string bundleFilePath(const fs::path &dir, const std::string &name, const std::string &manifestPath)
{
    const fs::path rel(name);
    bool up = false;
    for (const auto &part : rel)
        up = up || part == "..";
    if (name.empty() || rel.is_absolute() || up || name.find('\0') != std::string::npos)
        throw EngineError(Message::tr("%1: /files names '%2'; bundle files must be relative paths inside the bundle "
                                      "folder, without '..'",
                                      manifestPath, name));
    const fs::path path = dir / rel;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw EngineError(
            Message::tr("%1: missing from the bundle (listed in %2 /files)", path.string(), manifestPath));
    const fs::path real = fs::weakly_canonical(path, ec), root = fs::weakly_canonical(dir, ec);
    const auto rr = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (ec || rr.first != root.end())
        throw EngineError(
            Message::tr("%1: /files names '%2', which leads outside the bundle folder", manifestPath, name));
    requireRegularFile(path.string());
    return path.string();
}

// The manifest's input shape, after checking what predict uses: the shape within limits, and
// preprocessing numbers that are finite, with every std above zero and one mean and std per
// channel. Throws naming the manifest and the field.
Shape checkedManifest(const json &m, const std::string &manifestPath)
{
    // `what` names the field (a JSON pointer) and what is wrong with it.
    auto fail = [&](const Message &what) {
        throw EngineError(Message::tr("%1: %2; export the bundle again", manifestPath, what));
    };
    if (!m.contains("files") || !m["files"].is_object())
        fail(Message::tr("%1 is missing or not an object", std::string("/files")));
    if (!m.contains("input") || !m["input"].is_object() || !m["input"].contains("shape")
        || !m["input"]["shape"].is_array())
        fail(Message::tr("%1 is missing or not an array", std::string("/input/shape")));
    const json &shape = m["input"]["shape"];
    if (shape.empty() || shape.size() > 4)
        fail(Message::tr("%1 must have 1 to 4 entries", std::string("/input/shape")));
    Shape sample;
    Count elements = 1;
    for (const json &d : shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > kMaxDimension)
            fail(Message::tr("%1 entries must be integers from 1 to %2", std::string("/input/shape"), kMaxDimension));
        sample.push_back(d.get<int64_t>());
        elements *= sample.back();
    }
    if (elements.exceeds(kMaxElements))
        fail(Message::tr("%1 has more than %2 elements", std::string("/input/shape"), kMaxElements));
    if (m["input"].contains("dtype") && !m["input"]["dtype"].is_string())
        fail(Message::tr("%1 is not a string", std::string("/input/dtype")));
    if (m.contains("classes")
        && (!m["classes"].is_array()
            || !std::all_of(m["classes"].begin(), m["classes"].end(), [](const json &c) { return c.is_string(); })))
        fail(Message::tr("%1 is not a list of names", std::string("/classes")));
    if (!m.contains("preprocessing"))
        return sample;
    const json &pre = m["preprocessing"];
    if (!pre.is_object())
        fail(Message::tr("%1 is not an object", std::string("/preprocessing")));
    if (pre.contains("scale")
        && (!pre["scale"].is_number() || !std::isfinite(pre["scale"].get<double>()) || pre["scale"].get<double>() == 0))
        fail(Message::tr("%1 must be a finite number other than 0", std::string("/preprocessing/scale")));
    auto numbers = [&](const char *key, bool positive) {
        std::vector<double> v;
        if (!pre.contains(key))
            return v;
        const std::string field = std::string("/preprocessing/") + key;
        if (!pre[key].is_array())
            fail(Message::tr("%1 is not an array of numbers", field));
        for (size_t i = 0; i < pre[key].size(); ++i) {
            const json &x = pre[key][i];
            if (!x.is_number() || !std::isfinite(x.get<double>()) || (positive && !(x.get<double>() > 0))) {
                const std::string entry = field + "/" + std::to_string(i);
                if (positive)
                    fail(Message::tr("%1 must be a finite number above 0", entry));
                fail(Message::tr("%1 must be a finite number", entry));
            }
            v.push_back(x.get<double>());
        }
        return v;
    };
    const std::vector<double> mean = numbers("mean", false), stdev = numbers("std", true);
    if (mean.size() != stdev.size())
        fail(Message::tr("%1 has %2 entries but mean has %3", std::string("/preprocessing/std"), stdev.size(),
                         mean.size()));
    const size_t channels = sample.size() >= 2 ? size_t(sample[0]) : 1;
    if (!mean.empty() && mean.size() != channels)
        fail(Message::tr("%1 has %2 entries for %3 input channel(s)", std::string("/preprocessing/mean"), mean.size(),
                         channels));
    return sample;
}

} // namespace

std::vector<Prediction> predictBundle(const std::string &bundleDir, const std::string &inputFile, int topK,
                                      const std::string &device)
{
    const fs::path dir(bundleDir);
    const std::string manifestPath = (dir / "manifest.json").string();
    const json m = readJsonFile(manifestPath);
    if (!m.is_object() || m.value("format", "") != kBundleFormat)
        throw EngineError(Message::tr("%1: not a Torchwright bundle manifest", manifestPath));
    const Shape sample = checkedManifest(m, manifestPath);
    for (const auto &[name, info] : m.at("files").items()) {
        const std::string path = bundleFilePath(dir, name, manifestPath);
        if (!info.is_object() || !info.contains("sha256") || !info["sha256"].is_string())
            throw EngineError(
                Message::tr("%1: %2 is missing or not a string", manifestPath, "/files/" + name + "/sha256"));
        if (sha256File(path) != info["sha256"].get<std::string>())
            throw EngineError(
                Message::tr("%1: its SHA-256 differs from manifest.json; the file was changed or damaged", path));
    }
    if (!m.at("files").contains("model.pt"))
        throw EngineError(
            Message::tr("%1: /files lists no model.pt, so the bundle's model cannot be verified", manifestPath));
    const bool tokens = m.at("input").value("dtype", "float32") == "int64";

    // Raw pixels (IDX, uint8 .npy, image files) are preprocessed as in training; float .npy is
    // taken as is (readInputsForRecord).
    bool raw = true;
    std::vector<std::string> sources;
    torch::Tensor x = readInputsForRecord(m.at("preprocessing"), sample, inputFile, sources, raw);
    if (tokens) {
        x = x.to(torch::kInt64);
    } else {
        x = x.to(torch::kFloat32);
        if (raw) {
            const json &pre = m.at("preprocessing");
            x.mul_(pre.value("scale", 1.0));
            const auto mean = pre.value("mean", std::vector<double>{});
            const auto stdev = pre.value("std", std::vector<double>{});
            if (!mean.empty()) {
                Shape b(sample.size() + 1, 1);
                if (sample.size() >= 2 || (sample.size() == 1 && int64_t(mean.size()) == sample[0]))
                    b[1] = int64_t(mean.size()); // per channel; per feature for tables
                x.sub_(torch::tensor(mean, torch::kFloat64).to(torch::kFloat32).reshape(b))
                    .div_(torch::tensor(stdev, torch::kFloat64).to(torch::kFloat32).reshape(b));
            }
        }
    }

    const torch::Device dev(resolveDevice(device));
    torch::jit::Module model;
    try {
        std::istringstream modelBytes(readCheckedArchive((dir / "model.pt").string()));
        model = torch::jit::load(modelBytes, dev);
    } catch (const c10::Error &e) {
        const std::string what = e.what_without_backtrace();
        throw EngineError(Message::tr("%1: cannot load the TorchScript model: %2", (dir / "model.pt").string(),
                                      what.substr(0, what.find('\n'))));
    }
    model.eval();
    const std::vector<std::string> classes = m.value("classes", std::vector<std::string>{});
    std::vector<Prediction> out;
    torch::NoGradGuard noGrad;
    for (int64_t start = 0; start < x.size(0); start += 512) {
        const torch::Tensor batch = x.slice(0, start, std::min(x.size(0), start + 512)).to(dev);
        const torch::Tensor logits = model.forward({batch}).toTensor().to(torch::kCPU);
        if (logits.dim() != 2)
            throw EngineError(Message::tr("%1: the model's output is %2 per sample, not a vector of class scores",
                                          bundleDir,
                                          formatShape(Shape(logits.sizes().begin() + 1, logits.sizes().end()))));
        // A regression's one output is the prediction itself: no softmax, no classes.
        const json::json_pointer task("/preprocessing/table/target/task");
        if (m.contains(task) && m.at(task) == "regression" && logits.size(1) == 1) {
            for (int64_t i = 0; i < logits.size(0); ++i) {
                Prediction p;
                if (size_t(start + i) < sources.size())
                    p.source = sources[size_t(start + i)];
                p.regression = true;
                p.value = logits[i][0].item<double>();
                out.push_back(std::move(p));
            }
            continue;
        }
        const torch::Tensor probs = torch::softmax(logits, 1);
        const auto top = probs.topk(std::min<int64_t>(topK, probs.size(1)), 1);
        const torch::Tensor values = std::get<0>(top), indices = std::get<1>(top);
        for (int64_t i = 0; i < probs.size(0); ++i) {
            Prediction p;
            if (size_t(start + i) < sources.size())
                p.source = sources[size_t(start + i)];
            for (int64_t k = 0; k < values.size(1); ++k) {
                ClassScore s;
                s.index = int(indices[i][k].item<int64_t>());
                s.probability = values[i][k].item<double>();
                // A class the manifest does not name; the English text until ClassScore has a Message.
                s.name = size_t(s.index) < classes.size() ? classes[size_t(s.index)]
                                                          : Message::tr("class %1", s.index).str();
                p.top.push_back(s);
            }
            out.push_back(std::move(p));
        }
    }
    return out;
}

} // namespace torchwright
