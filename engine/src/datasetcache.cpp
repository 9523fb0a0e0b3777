// Parallel decoding and the decoded-image cache (see datasetcache.h).

#include "datasetcache.h"

#include "fileutil.h"
#include "sha256.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <thread>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr char kMagic[8] = {'T', 'W', 'I', 'M', 'G', 'C', '0', '1'};
constexpr uint32_t kCacheVersion = 1;

// Fixed-size head of a cache file, then: the key (64 hex characters), the info JSON, the labels
// (int64 [train + test]) and the pixels (uint8 [train + test, C, H, W]).
struct CacheHead {
    char magic[8];
    uint32_t version;
    uint32_t channels;
    uint32_t height;
    uint32_t width;
    int64_t trainCount;
    int64_t testCount;
    uint64_t infoBytes;
};

std::string sizeName(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// The key of the current files: a digest of every item's path, label, split, size and mtime.
std::string currentKey(const ImageImport &spec)
{
    // Hashed in chunks of 4096 files, then the chunks' digests: no string of every path at once.
    std::string digests = "v" + std::to_string(kCacheVersion) + "\n" + spec.slot + "\n";
    std::string s;
    for (size_t start = 0; start < spec.items.size(); start += 4096) {
        s.clear();
        for (size_t i = start; i < std::min(spec.items.size(), start + 4096); ++i) {
            const ImageItem &it = spec.items[i];
            struct stat st {};
            const bool ok = ::stat(it.path.c_str(), &st) == 0;
            s += it.path;
            s += '\t';
            s += std::to_string(it.label);
            s += it.test ? "\tt\t" : "\tr\t";
            if (ok) {
                s += std::to_string(int64_t(st.st_size));
                s += '\t';
                s += std::to_string(int64_t(st.st_mtim.tv_sec));
                s += '.';
                s += std::to_string(int64_t(st.st_mtim.tv_nsec));
            } else {
                s += "missing";
            }
            s += '\n';
        }
        digests += sha256Hex(s);
    }
    return sha256Hex(digests);
}

std::string cacheFile(const Project &p, const ImageImport &spec)
{
    return (fs::path(datasetCacheDir(p)) / (sha256Hex(spec.slot).substr(0, 32) + ".twcache")).string();
}

json infoToJson(const RawInfo &info)
{
    json skipped = json::array();
    for (const auto &s : info.skipped)
        skipped.push_back({{"file", s.file}, {"line", s.line}, {"reason", s.reason.toJson()}});
    json warnings = json::array();
    for (const auto &w : info.warnings)
        warnings.push_back(w.toJson());
    return {{"skipped", skipped}, {"sizes", info.sourceSizes}, {"warnings", warnings}};
}

void infoFromJson(const json &j, RawInfo &info)
{
    for (const auto &s : j.at("skipped"))
        info.skipped.push_back(
            {s.at("file").get<std::string>(), s.at("line").get<int64_t>(), Message::fromJson(s.at("reason"))});
    info.sourceSizes = j.at("sizes").get<std::map<std::string, int64_t>>();
    for (const auto &w : j.at("warnings"))
        info.warnings.push_back(Message::fromJson(w));
}

struct Decoded {
    torch::Tensor inputs; // [train + test, C, H, W]
    torch::Tensor labels;
    int64_t trainCount = 0;
    RawInfo train, test;
};

// Reads one split from a cache file whose key matches; false when there is none or it is stale
// or damaged (it is then decoded again and replaced).
bool readCache(const std::string &file, const std::string &key, const ImageImport &spec, bool test, RawSplit &out)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return false;
    CacheHead h{};
    in.read(reinterpret_cast<char *>(&h), sizeof h);
    if (!in || std::memcmp(h.magic, kMagic, 8) != 0 || h.version != kCacheVersion)
        return false;
    std::string k(64, '\0');
    in.read(k.data(), 64);
    if (!in || k != key)
        return false;
    const int64_t C = h.channels, H = h.height, W = h.width;
    // The channels may have been "auto": the cached ones are what the files gave then.
    if (C != 1 && C != 3)
        return false;
    if (H != spec.target.height || W != spec.target.width)
        return false;
    if (h.trainCount < 0 || h.testCount < 0 || h.infoBytes > (uint64_t(1) << 32))
        return false;
    std::error_code ec;
    const uint64_t fileSize = fs::file_size(file, ec);
    const int64_t n = h.trainCount + h.testCount;
    const uint64_t sample = uint64_t(C * H * W);
    const uint64_t expected = sizeof h + 64 + h.infoBytes + uint64_t(n) * 8 + uint64_t(n) * sample;
    if (ec || fileSize != expected)
        return false;
    std::string infoText(h.infoBytes, '\0');
    in.read(infoText.data(), std::streamsize(h.infoBytes));
    const json info = json::parse(infoText, nullptr, false);
    if (!in || info.is_discarded() || !info.is_object())
        return false;
    try {
        infoFromJson(info.at(test ? "test" : "train"), out.info);
    } catch (const std::exception &) {
        return false;
    }
    const int64_t first = test ? h.trainCount : 0;
    const int64_t count = test ? h.testCount : h.trainCount;
    const std::streamoff labelsAt = std::streamoff(sizeof h + 64 + h.infoBytes);
    out.labels = torch::empty({count}, torch::kInt64);
    in.seekg(labelsAt + std::streamoff(first * 8));
    in.read(reinterpret_cast<char *>(out.labels.data_ptr<int64_t>()), std::streamsize(count * 8));
    out.inputs = torch::empty({count, C, H, W}, torch::kUInt8);
    in.seekg(labelsAt + std::streamoff(n * 8) + std::streamoff(uint64_t(first) * sample));
    in.read(reinterpret_cast<char *>(out.inputs.data_ptr<uint8_t>()), std::streamsize(uint64_t(count) * sample));
    return bool(in);
}

void writeCache(const std::string &file, const std::string &key, const Decoded &d)
{
    fs::create_directories(fs::path(file).parent_path());
    replaceFileAtomically(file, [&](const std::string &temp) {
        std::FILE *f = std::fopen(temp.c_str(), "wb");
        if (!f)
            throw WriteError(Message::tr("%1: cannot be written: %2", temp, std::string(std::strerror(errno))));
        const std::string info = json{{"train", infoToJson(d.train)}, {"test", infoToJson(d.test)}}.dump();
        CacheHead h{};
        std::memcpy(h.magic, kMagic, 8);
        h.version = kCacheVersion;
        h.channels = uint32_t(d.inputs.size(1));
        h.height = uint32_t(d.inputs.size(2));
        h.width = uint32_t(d.inputs.size(3));
        h.trainCount = d.trainCount;
        h.testCount = d.inputs.size(0) - d.trainCount;
        h.infoBytes = info.size();
        bool ok = std::fwrite(&h, sizeof h, 1, f) == 1 && std::fwrite(key.data(), 1, 64, f) == 64
                  && std::fwrite(info.data(), 1, info.size(), f) == info.size();
        const size_t labelBytes = size_t(d.labels.numel()) * 8, pixelBytes = size_t(d.inputs.numel());
        if (ok && labelBytes)
            ok = std::fwrite(d.labels.data_ptr<int64_t>(), 1, labelBytes, f) == labelBytes;
        if (ok && pixelBytes)
            ok = std::fwrite(d.inputs.data_ptr<uint8_t>(), 1, pixelBytes, f) == pixelBytes;
        const int err = errno;
        if (std::fclose(f) != 0 || !ok)
            throw WriteError(Message::tr("%1: cannot be written: %2", file, std::string(std::strerror(err))));
    });
}

// The warnings and errors about class balance after decoding.
void checkClasses(const ImageImport &spec, const Decoded &d)
{
    std::vector<int64_t> counts(spec.classes.size(), 0);
    const int64_t *y = d.labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < d.labels.numel(); ++i)
        if (y[i] >= 0 && size_t(y[i]) < counts.size())
            ++counts[size_t(y[i])];
    for (size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] == 0)
            throw EngineError(
                Message::tr("class \"%1\" has no image that could be read; remove it or add images", spec.classes[c]));
    }
}

Decoded decodeAll(const Project &, const ImageImport &spec, const ImportControl &control)
{
    std::vector<std::pair<size_t, Message>> failures;
    std::vector<uint32_t> sizes;
    torch::Tensor all = decodeImages(
        spec.items.size(), [&](size_t i) -> const std::string & { return spec.items[i].path; }, spec.target, failures,
        sizes, control);
    // Compacts the decoded samples to the front, in order, in place: no second copy of the data.
    const int64_t sample = spec.target.channels * int64_t(spec.target.height) * spec.target.width;
    uint8_t *px = all.data_ptr<uint8_t>();
    std::vector<int64_t> labels;
    labels.reserve(spec.items.size());
    Decoded d;
    int64_t kept = 0, skippedTrain = 0, skippedTest = 0;
    size_t nextFailure = 0;
    for (size_t i = 0; i < spec.items.size(); ++i) {
        const ImageItem &it = spec.items[i];
        RawInfo &info = it.test ? d.test : d.train;
        if (nextFailure < failures.size() && failures[nextFailure].first == i) {
            info.skipped.push_back({it.path, 0, failures[nextFailure++].second});
            ++(it.test ? skippedTest : skippedTrain);
            continue;
        }
        ++info.sourceSizes[sizeName(int(sizes[i * 2]), int(sizes[i * 2 + 1]))];
        if (int64_t(i) != kept)
            std::memmove(px + kept * sample, px + int64_t(i) * sample, size_t(sample));
        labels.push_back(it.label);
        if (!it.test)
            ++d.trainCount;
        ++kept;
    }
    d.inputs = all.narrow(0, 0, kept);
    d.labels = torch::tensor(labels, torch::kInt64);
    if (labels.empty())
        d.labels = torch::empty({0}, torch::kInt64);
    int64_t trainTotal = 0;
    for (const auto &it : spec.items)
        trainTotal += it.test ? 0 : 1;
    if (skippedTrain)
        d.train.warnings.push_back(
            Message::tr("%1 of %2 training images could not be read and are left out (listed as skipped)", skippedTrain,
                        trainTotal));
    if (skippedTest)
        d.test.warnings.push_back(
            Message::tr("%1 of %2 test images could not be read and are left out (listed as skipped)", skippedTest,
                        int64_t(spec.items.size()) - trainTotal));
    // A class with a single image in the training data cannot be learnt from more than that one.
    std::vector<int64_t> trainCounts(spec.classes.size(), 0);
    for (int64_t i = 0; i < d.trainCount; ++i)
        if (labels[size_t(i)] >= 0 && size_t(labels[size_t(i)]) < trainCounts.size())
            ++trainCounts[size_t(labels[size_t(i)])];
    for (size_t c = 0; c < trainCounts.size(); ++c)
        if (trainCounts[c] == 1)
            d.train.warnings.push_back(
                Message::tr("class \"%1\" has a single training image; add more for it to be learnt", spec.classes[c]));
    return d;
}

} // namespace

std::string datasetCacheDir(const Project &p)
{
    if (!p.filePath.empty())
        return (fs::path(p.filePath).parent_path() / ".torchwright-cache").string();
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "torchwright").string();
    if (const char *home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "torchwright").string();
    return (fs::temp_directory_path() / "torchwright-cache").string();
}

torch::Tensor decodeImages(size_t count, const std::function<const std::string &(size_t)> &pathOf,
                           const DecodeTarget &target, std::vector<std::pair<size_t, Message>> &failures,
                           std::vector<uint32_t> &sizes, const ImportControl &control)
{
    const int64_t n = int64_t(count);
    const int64_t sample = target.channels * int64_t(target.height) * target.width;
    // Every byte is written by a decode or zeroed after a failure: no need to clear it first.
    torch::Tensor out = torch::empty({n, target.channels, target.height, target.width}, torch::kUInt8);
    failures.clear();
    sizes.assign(count * 2, 0);
    if (n == 0)
        return out;
    uint8_t *px = out.data_ptr<uint8_t>();
    std::atomic<int64_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex mutex;
    auto work = [&](bool reporting) {
        auto lastReport = std::chrono::steady_clock::now();
        for (;;) {
            if (stop.load(std::memory_order_relaxed) || control.cancelled())
                return;
            const int64_t i = next.fetch_add(1);
            if (i >= n)
                return;
            try {
                const ImageHeader h = decodeImageFile(pathOf(size_t(i)), target, px + i * sample);
                sizes[size_t(i) * 2] = uint32_t(h.width);
                sizes[size_t(i) * 2 + 1] = uint32_t(h.height);
            } catch (const EngineError &e) {
                std::memset(px + i * sample, 0, size_t(sample));
                std::lock_guard<std::mutex> lock(mutex);
                failures.emplace_back(size_t(i), e.text());
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!failure)
                    failure = std::current_exception();
                stop = true;
                return;
            }
            done.fetch_add(1, std::memory_order_relaxed);
            if (reporting) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastReport > std::chrono::milliseconds(50)) {
                    lastReport = now;
                    control.report(done.load(), n);
                }
            }
        }
    };
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const int64_t threads = std::min<int64_t>(int64_t(hw), std::max<int64_t>(1, n / 16));
    std::vector<std::thread> pool;
    for (int64_t t = 1; t < threads; ++t)
        pool.emplace_back(work, false);
    control.report(0, n);
    work(true);
    // The calling thread reports until the others are done too.
    while (done.load() < n && !stop.load() && !control.cancelled()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        control.report(done.load(), n);
    }
    for (auto &t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (control.cancelled())
        throw ImportCancelled();
    std::sort(failures.begin(), failures.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    control.report(n, n);
    return out;
}

namespace {

// The split a reader was not asked for, from the same import, for the call that asks for it next
// (the trainer, the summary and the preview ask for train and then test, or only one): the second
// call then neither lists, checks nor reads the files again. Held until taken, replaced by any
// other import, dropped after a minute.
struct PendingSplit {
    std::string key; // the project's dataset settings and file
    bool test = false;
    RawSplit split;
    std::chrono::steady_clock::time_point at;
};

std::mutex g_pendingMutex;
// Never destroyed: a split still held at exit is not released after LibTorch's own statics.
PendingSplit &g_pending = *new PendingSplit;

std::string pendingKey(const Project &p)
{
    return p.filePath + "\n" + p.datasetPath() + "\n" + projectToJson(p)["dataset"].dump();
}

void finishSplit(RawSplit &s, const ImageImport &spec)
{
    s.info.preprocessing = spec.preprocessing;
    s.info.preprocessing["image"]["channels"] =
        s.inputs.defined() && s.inputs.dim() == 4 ? s.inputs.size(1) : spec.target.channels;
}

} // namespace

RawSplit importImageSplit(const Project &p, const std::function<ImageImport()> &makeSpec, bool test,
                          const ImportControl &control)
{
    const std::string key = pendingKey(p);
    {
        std::lock_guard<std::mutex> lock(g_pendingMutex);
        PendingSplit pending = std::move(g_pending);
        g_pending = {};
        if (pending.key == key && pending.test == test
            && std::chrono::steady_clock::now() - pending.at < std::chrono::minutes(1))
            return std::move(pending.split);
    }
    const ImageImport spec = makeSpec();
    const std::string file = cacheFile(p, spec);
    const std::string filesKey = currentKey(spec);
    RawSplit out, other;
    if (readCache(file, filesKey, spec, test, out) && readCache(file, filesKey, spec, !test, other)) {
        finishSplit(out, spec);
        finishSplit(other, spec);
    } else {
        Decoded d = decodeAll(p, spec, control);
        checkClasses(spec, d);
        try {
            writeCache(file, filesKey, d);
        } catch (const EngineError &) {
            // Not cached: the next open decodes again.
        } catch (const fs::filesystem_error &) {
        }
        const int64_t n = d.inputs.size(0);
        RawSplit trainSplit, testSplit;
        trainSplit.inputs = d.inputs.narrow(0, 0, d.trainCount);
        trainSplit.labels = d.labels.narrow(0, 0, d.trainCount);
        trainSplit.info = std::move(d.train);
        testSplit.inputs = d.inputs.narrow(0, d.trainCount, n - d.trainCount);
        testSplit.labels = d.labels.narrow(0, d.trainCount, n - d.trainCount);
        testSplit.info = std::move(d.test);
        finishSplit(trainSplit, spec);
        finishSplit(testSplit, spec);
        out = std::move(test ? testSplit : trainSplit);
        other = std::move(test ? trainSplit : testSplit);
    }
    std::lock_guard<std::mutex> lock(g_pendingMutex);
    g_pending = {key, !test, std::move(other), std::chrono::steady_clock::now()};
    return out;
}

std::vector<std::string> imageFilesAt(const std::string &path)
{
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        return {path};
    if (!fs::is_directory(path, ec))
        throw EngineError(Message::tr("%1: no such file or folder", path));
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && isImageFileName(it->path().filename().string()))
            files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw EngineError(Message::tr("%1: no PNG, JPEG or BMP image in this folder or below it", path));
    return files;
}

DecodeTarget decodeTargetFromRecord(const json &record)
{
    const json img = record.is_object() && record.contains("image") ? record.at("image") : json();
    if (!img.is_object() || !img.contains("channels") || !img.contains("size"))
        throw EngineError(
            Message::tr("the model's preprocessing record has no image settings; it was not trained on images"));
    DecodeTarget t;
    try {
        t.channels = img.at("channels").get<int>();
        t.height = img.at("size").at(0).get<int>();
        t.width = img.at("size").at(1).get<int>();
        if (!parseResizePolicy(img.value("resize", std::string("stretch")), t.resize))
            throw EngineError(Message::tr("the model's preprocessing record names an unknown resize policy"));
    } catch (const json::exception &) {
        throw EngineError(Message::tr("the model's preprocessing record has malformed image settings"));
    }
    if ((t.channels != 1 && t.channels != 3) || t.height < 1 || t.width < 1 || t.height > kMaxImageSide
        || t.width > kMaxImageSide)
        throw EngineError(Message::tr("the model's preprocessing record has malformed image settings"));
    return t;
}

torch::Tensor predictImageInputs(const json &record, const std::string &path, std::vector<std::string> &sources,
                                 const ImportControl &control)
{
    const DecodeTarget t = decodeTargetFromRecord(record);
    const std::vector<std::string> files = imageFilesAt(path);
    std::vector<std::pair<size_t, Message>> failures;
    std::vector<uint32_t> sizes;
    torch::Tensor all = decodeImages(
        files.size(), [&](size_t i) -> const std::string & { return files[i]; }, t, failures, sizes, control);
    // Prediction reads what the user names: an image that cannot be read is an error, not a skip.
    if (!failures.empty())
        throw EngineError(failures.front().second);
    sources.clear();
    const bool single = files.size() == 1 && files[0] == path;
    for (const auto &f : files)
        sources.push_back(single ? fs::path(f).filename().string() : fs::relative(f, path).string());
    return all;
}

int resolveImageChannels(const Project &p, const std::vector<std::string> &paths)
{
    const std::string &setting = p.dataset.image.channels;
    int channels = 0;
    if (setting == "grayscale")
        channels = 1;
    else if (setting == "rgb")
        channels = 3;
    else {
        // "auto": what most files are, from the headers of up to 1000 files spread evenly.
        const size_t n = paths.size();
        const size_t step = std::max<size_t>(1, n / 1000);
        int64_t color = 0, gray = 0;
        std::vector<uint8_t> head(65536);
        for (size_t i = 0; i < n; i += step) {
            std::FILE *f = std::fopen(paths[i].c_str(), "rb");
            if (!f)
                continue;
            const size_t got = std::fread(head.data(), 1, head.size(), f);
            std::fclose(f);
            try {
                const ImageHeader h = readImageHeader(head.data(), got, paths[i]);
                ++(h.color() ? color : gray);
            } catch (const EngineError &) {
                // Unreadable here: the decode lists it as skipped.
            }
        }
        channels = color > gray ? 3 : 1;
    }
    const Shape &shape = p.dataset.sampleShape;
    if (shape.size() != 3)
        throw EngineError(Message::tr("%1: images are samples of shape [C, H, W] but /dataset/sample_shape declares %2",
                                      p.datasetPath(), formatShape(shape)));
    if (shape[0] != channels)
        throw EngineError(
            setting == "auto"
                ? Message::tr(
                    "%1: most images are %2 (%3 channel(s)) but /dataset/sample_shape declares %4 channel(s); "
                    "set /dataset/image/channels or the sample shape",
                    p.datasetPath(), channels == 3 ? std::string("RGB") : std::string("grayscale"), channels, shape[0])
                : Message::tr("%1: /dataset/image/channels is %2 (%3 channel(s)) but /dataset/sample_shape declares %4",
                              p.datasetPath(), setting, channels, formatShape(shape)));
    return channels;
}

DecodeTarget projectDecodeTarget(const Project &p, int channels)
{
    DecodeTarget t;
    t.channels = channels;
    const Shape &shape = p.dataset.sampleShape;
    if (shape.size() != 3 || shape[1] < 1 || shape[2] < 1 || shape[1] > kMaxImageSide || shape[2] > kMaxImageSide)
        throw EngineError(Message::tr("%1: images are samples of shape [C, H, W] but /dataset/sample_shape declares %2",
                                      p.datasetPath(), formatShape(shape)));
    t.height = int(shape[1]);
    t.width = int(shape[2]);
    if (!parseResizePolicy(p.dataset.image.resize, t.resize))
        throw EngineError(
            Message::tr("/dataset/image/resize: expected stretch or crop, got \"%1\"", p.dataset.image.resize));
    return t;
}

namespace {

uint64_t fnv1a(const std::string &s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

} // namespace

std::vector<bool> stratifiedTestSplit(const std::vector<std::string> &rel, const std::vector<int64_t> &labels,
                                      double fraction, uint64_t seed)
{
    std::map<int64_t, std::vector<size_t>> byClass;
    for (size_t i = 0; i < rel.size(); ++i)
        byClass[labels[i]].push_back(i);
    std::vector<bool> test(rel.size(), false);
    for (auto &[label, idx] : byClass) {
        std::vector<std::pair<uint64_t, size_t>> keyed;
        for (size_t i : idx)
            keyed.push_back({splitmix64(fnv1a(rel[i]) ^ seed), i});
        std::sort(keyed.begin(), keyed.end());
        const int64_t count = int64_t(keyed.size());
        int64_t nTest = int64_t(std::floor(fraction * double(count) + 0.5));
        nTest = std::max<int64_t>(0, std::min(nTest, count - 1));
        for (int64_t k = 0; k < nTest; ++k)
            test[keyed[size_t(k)].second] = true;
    }
    return test;
}

} // namespace torchwright
