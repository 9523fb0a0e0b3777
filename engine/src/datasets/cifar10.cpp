// CIFAR-10 binary batches: data_batch_1.bin to data_batch_5.bin (training) and test_batch.bin in
// one folder, each a run of 3073-byte records (a label byte, then 3x32x32 pixels, channels first).

#include "dataset.h"
#include "datasetreader.h"
#include "fileutil.h"

#include <filesystem>

namespace torchwright {

namespace fs = std::filesystem;

// idx.cpp: image files decoded to the record's "sample_shape" (readInputsForRecord puts it
// there), stretched; anything else read by `readOther`.
torch::Tensor predictTensorImages(const nlohmann::json &record, const std::string &path,
                                  std::vector<std::string> &sources, const ImportControl &control,
                                  const std::function<torch::Tensor(const std::string &)> &readOther);

namespace {

const std::vector<std::string> &trainFiles()
{
    static const std::vector<std::string> f = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                               "data_batch_4.bin", "data_batch_5.bin"};
    return f;
}

const std::vector<std::string> &testFiles()
{
    static const std::vector<std::string> f = {"test_batch.bin"};
    return f;
}

RawSplit loadBatches(const Project &p, const std::vector<std::string> &files)
{
    std::vector<torch::Tensor> images, labels;
    constexpr size_t record = 1 + 3 * 32 * 32;
    for (const auto &name : files) {
        const std::string path = (fs::path(p.datasetPath()) / name).string();
        if (!fs::exists(path))
            throw EngineError(Message::tr("%1: file not found", path));
        const std::string data = readTextFile(path);
        if (data.empty() || data.size() % record)
            throw EngineError(Message::tr("%1: truncated: %2 bytes is not a whole number of %3-byte CIFAR-10 records",
                                          path, data.size(), record));
        const int64_t n = int64_t(data.size() / record);
        auto raw = torch::from_blob(const_cast<char *>(data.data()), {n, int64_t(record)}, torch::kUInt8).clone();
        labels.push_back(raw.select(1, 0).to(torch::kInt64));
        images.push_back(raw.slice(1, 1).reshape({n, 3, 32, 32}));
    }
    RawSplit s;
    s.inputs = torch::cat(images);
    s.labels = torch::cat(labels);
    return s;
}

bool filesPresent(const Project &p, std::string *missing)
{
    for (const auto *files : {&trainFiles(), &testFiles()})
        for (const auto &f : *files) {
            const fs::path path = fs::path(p.datasetPath()) / f;
            if (!fs::exists(path)) {
                if (missing)
                    *missing = path.string();
                return false;
            }
        }
    return true;
}

} // namespace

DatasetFormat cifar10Format()
{
    DatasetFormat d;
    d.name = "cifar10";
    d.label = "CIFAR-10 binary batches";
    d.description = "data_batch_1.bin to data_batch_5.bin and test_batch.bin in one folder";
    d.scale = byteScale;
    d.programReader = "datasets/cifar10.py";
    d.reader = std::make_shared<const DatasetReader>(DatasetReader{
        filesPresent, [](const Project &p, const ImportControl &) { return loadBatches(p, trainFiles()); },
        [](const Project &p, const ImportControl &) { return loadBatches(p, testFiles()); },
        [](const Project &p) { return loadBatches(p, testFiles()).inputs; },
        // Image files (a photo) decoded to RGB 32x32; anything else an IDX file, as before.
        [](const nlohmann::json &record, const std::string &path, std::vector<std::string> &sources,
           const ImportControl &control) { return predictTensorImages(record, path, sources, control, readIdxFile); }});
    return d;
}

} // namespace torchwright
