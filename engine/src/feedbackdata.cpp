// Inputs for prediction read as training read them (readInputsForRecord, shared by predictBundle,
// predict --log and fine-tuning), logging a bundle's predictions, and the reviewed feedback items
// as tensors (readFeedbackData).
//
// A table row is kept inline in the store ({"columns": header or [], "values": fields}); to read
// it, it is written to a one-row temporary CSV (with its header when it had one) and read by the
// csv format's predictInputs, so a logged row is encoded exactly as predict encodes a file.

#include "feedbackdata.h"

#include "csvreader.h"
#include "dataset.h"
#include "datasetcache.h"
#include "evaluation.h"
#include "fileutil.h"
#include "npyfile.h"

#include "torchwright/jsonfile.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

std::string npyBytes(torch::Tensor t)
{
    t = t.contiguous();
    std::string descr;
    switch (t.scalar_type()) {
    case torch::kUInt8: descr = "|u1"; break;
    case torch::kInt64: descr = "<i8"; break;
    case torch::kFloat64: descr = "<f8"; break;
    default: t = t.to(torch::kFloat32); descr = "<f4";
    }
    std::string shape = "(";
    for (int64_t i = 0; i < t.dim(); ++i)
        shape += std::to_string(t.size(i)) + (t.dim() == 1 || i + 1 < t.dim() ? "," : "");
    shape += ")";
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    const size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char((header.size() >> 8) & 0xff);
    out += header;
    out.append(static_cast<const char *>(t.data_ptr()), size_t(t.numel()) * t.element_size());
    return out;
}

namespace {

bool hasExtension(const std::string &path, const char *ext)
{
    std::string e = fs::path(path).extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e == ext;
}

char csvDelimiter(const json &record)
{
    const json::json_pointer at("/table/delimiter");
    const std::string name = record.contains(at) && record.at(at).is_string() ? record.at(at).get<std::string>() : "";
    if (name == "comma")
        return ',';
    if (name == "semicolon")
        return ';';
    if (name == "tab")
        return '\t';
    return 0;
}

std::string csvField(const std::string &field, char delimiter)
{
    if (field.find_first_of(std::string("\"\r\n") + delimiter) == std::string::npos)
        return field;
    std::string out = "\"";
    for (char c : field)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csvLine(const std::vector<std::string> &fields, char delimiter)
{
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i)
        out += (i ? std::string(1, delimiter) : std::string()) + csvField(fields[i], delimiter);
    return out + "\n";
}

// A folder of its own under the system's temporary folder, removed with the object.
class TempDir {
public:
    TempDir()
    {
        std::random_device rd;
        std::error_code ec;
        path_ = fs::temp_directory_path(ec)
                / ("torchwright-feedback-" + std::to_string(::getpid()) + "-" + std::to_string(rd())
                   + std::to_string(rd()));
        fs::create_directories(path_, ec);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const fs::path &path() const { return path_; }

private:
    fs::path path_;
};

// The preprocessing undone on inputs a float .npy gave already preprocessed: back to the stored
// form (bytes rounded to uint8 when the record scales bytes).
torch::Tensor unpreprocess(torch::Tensor x, const json &record, const Shape &sample)
{
    x = x.to(torch::kFloat32);
    const auto mean = record.value("mean", std::vector<double>{});
    const auto stdev = record.value("std", std::vector<double>{});
    if (!mean.empty() && mean.size() == stdev.size()) {
        Shape b(sample.size() + 1, 1);
        if (sample.size() >= 2 || (sample.size() == 1 && int64_t(mean.size()) == sample[0]))
            b[1] = int64_t(mean.size());
        x = x * torch::tensor(stdev, torch::kFloat64).to(torch::kFloat32).reshape(b)
            + torch::tensor(mean, torch::kFloat64).to(torch::kFloat32).reshape(b);
    }
    const double scale = record.value("scale", 1.0);
    if (scale != 0 && scale != 1) {
        x = x / scale;
        return x.round().clamp(0, 255).to(torch::kUInt8);
    }
    return x;
}

} // namespace

torch::Tensor readInputsForRecord(const json &record, const Shape &sample, const std::string &path,
                                  std::vector<std::string> &sources, bool &raw)
{
    raw = true;
    const std::string formatName = record.is_object() ? record.value("format", "") : "";
    const DatasetFormat *format = findDatasetFormat(formatName);
    const bool formatReads = format && format->reader && format->reader->predictInputs;
    torch::Tensor x;
    if (hasExtension(path, ".npy")) {
        x = readNpy(path);
        raw = x.scalar_type() == torch::kUInt8;
    } else if (formatReads) {
        // The sample shape travels with the record: the formats that read image files for a
        // model trained on tensors (IDX, CIFAR-10) decode them to it.
        json r = record;
        r["sample_shape"] = sample;
        x = format->reader->predictInputs(r, path, sources, {});
    } else {
        x = readIdxFile(path);
    }
    if (Shape(x.sizes().begin(), x.sizes().end()) == sample)
        x = x.unsqueeze(0);
    if (x.dim() == int64_t(sample.size()) + 2 && x.size(1) == 1 && sample.size() >= 1 && sample[0] != 1)
        x = x.squeeze(1); // IDX reads [N, rows, cols] as [N, 1, rows, cols]; a sequence has no channel
    const Shape got(x.sizes().begin() + 1, x.sizes().end());
    if (x.dim() < 1 || got != sample)
        throw EngineError(
            Message::tr("%1: samples are %2 but the model takes %3", path, formatShape(got), formatShape(sample)));
    return x;
}

json feedbackTableRow(const std::string &csvFile, int64_t line)
{
    const CsvTable table = parseCsv(readCsvFile(csvFile, size_t(1) << 30), csvFile);
    const auto it = std::find(table.lines.begin(), table.lines.end(), line);
    if (it == table.lines.end())
        throw EngineError(Message::tr("%1:%2: no row of the table starts on this line", csvFile, line));
    const size_t index = size_t(it - table.lines.begin());
    std::vector<std::string> columns;
    double v = 0;
    if (index > 0 && std::none_of(table.rows[0].begin(), table.rows[0].end(), [&](const std::string &f) {
            return parseCsvNumber(f, v);
        }))
        columns = table.rows[0];
    return {{"columns", columns}, {"values", table.rows[index]}};
}

int logBundlePredictions(FeedbackStore &store, const std::string &bundleDir, const std::string &input,
                         const std::vector<Prediction> &predictions)
{
    const json m = readJsonFile((fs::path(bundleDir) / "manifest.json").string());
    const json record = m.value("preprocessing", json::object());
    Shape sample;
    for (const json &d : m.at("input").at("shape"))
        sample.push_back(d.get<int64_t>());
    const std::string version = bundleVersion(bundleDir);
    const std::string formatName = record.is_object() ? record.value("format", "") : "";
    auto mismatch = [&](size_t have) {
        return EngineError(
            Message::tr("%1: %2 prediction(s) for %3 input(s); nothing was logged", input, predictions.size(), have));
    };
    if (predictions.empty())
        return 0;
    if (!hasExtension(input, ".npy") && !predictions.front().source.empty() && formatName == "csv") {
        // Table rows: each kept inline, with the header when the file has one.
        const CsvTable table = parseCsv(readCsvFile(input, size_t(1) << 30), input, csvDelimiter(record));
        std::vector<std::string> features;
        const json::json_pointer at("/table/features");
        if (record.contains(at) && record.at(at).is_array())
            for (const json &f : record.at(at))
                features.push_back(f.value("name", ""));
        std::vector<std::string> header;
        if (!table.rows.empty()) {
            bool names = !features.empty();
            for (const std::string &f : features)
                names = names && std::find(table.rows[0].begin(), table.rows[0].end(), f) != table.rows[0].end();
            if (names)
                header = table.rows[0];
        }
        // Check first, then log: a prediction whose row cannot be found logs nothing.
        std::vector<size_t> rowOf;
        for (const Prediction &p : predictions) {
            const size_t colon = p.source.rfind(':');
            const int64_t line = colon == std::string::npos ? -1 : std::atoll(p.source.c_str() + colon + 1);
            const auto it = std::find(table.lines.begin(), table.lines.end(), line);
            if (it == table.lines.end())
                throw mismatch(table.rows.size() - (header.empty() ? 0 : 1));
            rowOf.push_back(size_t(it - table.lines.begin()));
        }
        for (size_t i = 0; i < predictions.size(); ++i)
            store.logPrediction(version, predictions[i].source, predictions[i],
                                json{{"columns", header}, {"values", table.rows[rowOf[i]]}});
        return int(predictions.size());
    }
    if (!hasExtension(input, ".npy") && !predictions.front().source.empty()) {
        // Image files: each copied as it is.
        const std::vector<std::string> files = imageFilesAt(input);
        if (files.size() != predictions.size())
            throw mismatch(files.size());
        for (size_t i = 0; i < files.size(); ++i)
            store.logPrediction(version, files[i], predictions[i]);
        return int(files.size());
    }
    // Tensor files (.npy, IDX): each sample stored as a .npy of its own, in the file's own type.
    std::vector<std::string> sources;
    bool raw = true;
    const torch::Tensor x = readInputsForRecord(record, sample, input, sources, raw);
    if (size_t(x.size(0)) != predictions.size())
        throw mismatch(size_t(x.size(0)));
    for (int64_t i = 0; i < x.size(0); ++i) {
        const std::string source = x.size(0) == 1 ? input : input + ":" + std::to_string(i);
        store.logPredictionData(version, source, npyBytes(x[i]), ".npy", predictions[size_t(i)]);
    }
    return int(x.size(0));
}

FeedbackData readFeedbackData(const FeedbackStore &store, const json &record, const Shape &sample, double holdout)
{
    FeedbackData out;
    std::vector<torch::Tensor> inputs[2];
    std::vector<torch::Tensor> labels[2];
    RawInfo info[2];
    std::vector<std::string> *ids[2] = {&out.trainIds, &out.heldOutIds};
    std::unique_ptr<TempDir> temp;
    for (const FeedbackItem &item : store.items()) {
        if (!item.reviewed())
            continue;
        const int side = feedbackHeldOut(item.id, holdout) ? 1 : 0;
        const std::string file = item.input.file.empty() ? item.input.source : store.inputPath(item);
        try {
            const bool regression = !std::isnan(item.trueValue);
            if (!regression && item.label < 0)
                throw EngineError(Message::tr("the review gives no correct class"));
            std::string path = store.inputPath(item);
            if (!item.input.row.is_null()) {
                // A table row: through a one-row CSV, as predict reads a file.
                if (!temp)
                    temp = std::make_unique<TempDir>();
                const char delimiter = csvDelimiter(record) ? csvDelimiter(record) : ',';
                const auto columns = item.input.row.value("columns", std::vector<std::string>{});
                const auto values = item.input.row.value("values", std::vector<std::string>{});
                path = (temp->path() / "row.csv").string();
                writeTextFileAtomically(path, (columns.empty() ? std::string() : csvLine(columns, delimiter))
                                                  + csvLine(values, delimiter));
            } else if (path.empty()) {
                throw EngineError(Message::tr("the item has no input"));
            }
            std::vector<std::string> sources;
            bool raw = true;
            torch::Tensor x = readInputsForRecord(record, sample, path, sources, raw);
            if (x.size(0) != 1)
                throw EngineError(Message::tr("%1: holds %2 samples, not one", file, x.size(0)));
            if (!raw)
                x = unpreprocess(x, record, sample);
            inputs[side].push_back(x);
            labels[side].push_back(regression ? torch::tensor({float(item.trueValue)}, torch::kFloat32)
                                              : torch::tensor({int64_t(item.label)}, torch::kInt64));
            ids[side]->push_back(item.id);
        } catch (const std::exception &e) {
            SkippedInput s;
            s.file = file;
            s.reason = Message::tr("feedback item %1: %2", item.id, errorMessage(e));
            info[side].skipped.push_back(s);
        }
    }
    RawSplit *splits[2] = {&out.train, &out.heldOut};
    for (int side = 0; side < 2; ++side) {
        RawSplit &s = *splits[side];
        s.info = std::move(info[side]);
        if (inputs[side].empty()) {
            // No item: an empty split of the stored type (bytes when the record scales them) and
            // of the labels' type (real values for a regression table).
            Shape empty = {0};
            empty.insert(empty.end(), sample.begin(), sample.end());
            const double scale = record.is_object() ? record.value("scale", 1.0) : 1.0;
            const json::json_pointer task("/table/target/task");
            const bool regression = record.contains(task) && record.at(task) == "regression";
            s.inputs = torch::empty(empty, scale != 1 ? torch::kUInt8 : torch::kFloat32);
            s.labels = torch::empty({0}, regression ? torch::kFloat32 : torch::kInt64);
            continue;
        }
        // One stored type for the split: the first item's (mixed bytes and floats become floats).
        const auto type = inputs[side].front().scalar_type();
        const bool mixed = std::any_of(inputs[side].begin(), inputs[side].end(),
                                       [&](const torch::Tensor &t) { return t.scalar_type() != type; });
        for (auto &t : inputs[side])
            if (mixed)
                t = t.to(torch::kFloat32);
        s.inputs = torch::cat(inputs[side]);
        s.labels = torch::cat(labels[side]);
    }
    return out;
}

std::vector<std::string> writeTestSampleInputs(const Project &project, const std::string &bundleDir,
                                               const std::vector<int> &indices, const std::string &folder)
{
    const std::string manifestPath = (fs::path(bundleDir) / "manifest.json").string();
    const json manifest = readJsonFile(manifestPath);
    if (!manifest.is_object() || !manifest.contains("preprocessing") || !manifest["preprocessing"].is_object())
        throw EngineError(Message::tr("%1: no preprocessing record", manifestPath));
    const json &record = manifest["preprocessing"];
    const bool tokens = manifest.contains("input") && manifest["input"].value("dtype", "float32") == "int64";
    const torch::Tensor stored = rawTestInputs(project);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw EngineError(Message::tr("%1: cannot create the folder: %2", folder, ec.message()));
    std::vector<std::string> files;
    for (int index : indices) {
        if (index < 0 || index >= stored.size(0))
            throw EngineError(Message::tr("test sample %1 does not exist: the test split has %2 samples (0 to %3)",
                                          index, stored.size(0), stored.size(0) - 1));
        torch::Tensor x = stored[index];
        if (x.scalar_type() != torch::kUInt8) // not raw pixels: as the model takes it
            x = preprocessStored(x.unsqueeze(0), record, tokens)[0];
        const std::string file = (fs::path(folder) / ("test-" + std::to_string(index) + ".npy")).string();
        writeBytesAtomically(file, npyBytes(x));
        files.push_back(file);
    }
    return files;
}

} // namespace torchwright
