// IDX files (MNIST layout, plain or gzip): train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte in one folder, as MNIST and Fashion-MNIST ship.
// A file that is not what it claims to be is an error naming it.

#include "dataset.h"
#include "datasetcache.h"
#include "datasetreader.h"
#include "fileutil.h"
#include "imagedecode.h"

#include "torchwright/limits.h"
#include "torchwright/memory.h"

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <vector>

#include <cstring>
#include <filesystem>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

uint32_t bigEndian32(const unsigned char *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// The file itself, or the same name with ".gz" when only that exists.
std::string locate(const std::string &path)
{
    if (fs::exists(path))
        return path;
    if (fs::exists(path + ".gz"))
        return path + ".gz";
    throw EngineError(
        Message::tr("%1: file not found (also looked for %2.gz)", path, fs::path(path).filename().string()));
}

bool isGzip(const std::string &path)
{
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return false;
    unsigned char m[2] = {0, 0};
    const size_t n = std::fread(m, 1, 2, f);
    std::fclose(f);
    return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

} // namespace

std::string readMaybeGzip(const std::string &path)
{
    requireRegularFile(path); // before isGzip() opens it: a FIFO would block
    if (!isGzip(path))
        return readTextFile(path);
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f)
        throw EngineError(Message::tr("%1: cannot open: %2", path, std::strerror(errno)));
    std::string data;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const int n = gzread(f, buf.data(), unsigned(buf.size()));
        if (n < 0) {
            int code = 0;
            std::string msg = gzerror(f, &code);
            gzclose(f);
            throw EngineError(Message::tr("%1: the gzip data is damaged (%2)", path, msg));
        }
        if (n == 0)
            break;
        data.append(buf.data(), size_t(n));
    }
    // gzread stops quietly at a cut-off stream; gzclose_r reports it.
    int code = 0;
    const char *msg = gzerror(f, &code);
    std::string err = code != Z_OK && code != Z_STREAM_END ? msg : "";
    const int closed = gzclose_r(f);
    if (!err.empty())
        throw EngineError(Message::tr("%1: the gzip stream is truncated or damaged (%2)", path, err));
    if (closed == Z_BUF_ERROR)
        throw EngineError(Message::tr("%1: the gzip stream is truncated or damaged", path));
    return data;
}

namespace {

// A plain or gzip file read through zlib, which passes plain files through unchanged, so that
// reading stops where the header says the data end: a small gzip file that inflates to far
// more than its header declares (a "gzip bomb") is refused after one byte too many instead of
// filling memory.
class IdxStream {
public:
    explicit IdxStream(const std::string &path) : m_path(path)
    {
        requireRegularFile(path); // before gzopen: a FIFO would block
        m_file = gzopen(path.c_str(), "rb");
        if (!m_file)
            throw EngineError(Message::tr("%1: cannot open: %2", path, std::strerror(errno)));
        gzbuffer(m_file, 1 << 17);
    }
    ~IdxStream() { gzclose_r(m_file); }
    IdxStream(const IdxStream &) = delete;
    IdxStream &operator=(const IdxStream &) = delete;

    // Up to `n` bytes into `out`; fewer only at the end of the data. Throws on damaged gzip data.
    size_t read(void *out, size_t n)
    {
        size_t done = 0;
        while (done < n) {
            const unsigned chunk = unsigned(std::min<size_t>(n - done, size_t(1) << 30));
            const int got = gzread(m_file, static_cast<char *>(out) + done, chunk);
            if (got < 0) {
                int code = 0;
                throw EngineError(Message::tr("%1: the gzip data is damaged (%2)", m_path, gzerror(m_file, &code)));
            }
            if (got == 0)
                break;
            done += size_t(got);
        }
        if (done < n) {
            // gzread stops quietly at a cut-off stream; gzerror reports it.
            int code = 0;
            const char *msg = gzerror(m_file, &code);
            if (code != Z_OK && code != Z_STREAM_END)
                throw EngineError(Message::tr("%1: the gzip stream is truncated or damaged (%2)", m_path, msg));
        }
        return done;
    }

    // Whether zlib passes the file through unchanged (not gzip), as found on the first read.
    bool isPlain() const { return gzdirect(m_file) == 1; }

private:
    std::string m_path;
    gzFile m_file = nullptr;
};

} // namespace

torch::Tensor readIdxFile(const std::string &requested)
{
    const std::string path = locate(requested);
    IdxStream in(path);
    unsigned char p[4 + 4 * 4];
    const size_t magic = in.read(p, 4);
    if (magic < 4)
        throw EngineError(
            Message::tr("%1: truncated: the 4-byte IDX header is missing (the file holds %2 bytes)", path, magic));
    if (p[0] != 0 || p[1] != 0 || p[3] < 1 || p[3] > 4) {
        char b[16];
        std::snprintf(b, sizeof b, "%02x%02x%02x%02x", p[0], p[1], p[2], p[3]);
        throw EngineError(Message::tr("%1: wrong magic number 0x%2: not an IDX file (expected 0x000008NN for unsigned "
                                      "bytes in NN dimensions)",
                                      path, std::string(b)));
    }
    if (p[2] != 0x08)
        throw EngineError(
            Message::tr("%1: IDX element type 0x%2 is not supported; only unsigned bytes (0x08) are", path, int(p[2])));
    const int dims = p[3];
    const size_t header = 4 + 4 * size_t(dims);
    const size_t sizes = in.read(p + 4, header - 4);
    if (sizes < header - 4)
        throw EngineError(
            Message::tr("%1: truncated: the header needs %2 bytes, the file has %3", path, header, 4 + sizes));
    std::vector<int64_t> shape;
    Count count = 1;
    for (int i = 0; i < dims; ++i) {
        shape.push_back(int64_t(bigEndian32(p + 4 + 4 * i)));
        count *= shape.back();
    }
    if (count.exceeds(kMaxElements))
        throw EngineError(Message::tr("%1: the header declares %2, %3 elements; at most %4 are supported", path,
                                      formatShape(shape), count.text(), kMaxElements));
    const MemoryLimit memory = availableMemory("cpu");
    if (memory.bytes >= 0 && count.value() > memory.bytes)
        throw EngineError(Message::tr("%1: the header declares %2 of data, but only %3 is available (%4)", path,
                                      formatBytes(count.value()), formatBytes(memory.bytes), memory.source));
    const size_t want = size_t(count.value());
    // A plain file's size is known: it must be the header and the declared data, exactly.
    if (in.isPlain()) {
        std::error_code ec;
        const uintmax_t size = fs::file_size(path, ec);
        if (!ec && size < header + want)
            throw EngineError(Message::tr("%1: truncated: expected %2 bytes of data after the header, found %3", path,
                                          want, size - header));
    }
    // Memory grows with the data that really arrive, never past what the header declares, so a
    // small file whose header declares gigabytes fails on what it holds, not on an allocation.
    auto buffer = std::make_unique<std::vector<uint8_t>>();
    size_t got = 0;
    while (got < want) {
        buffer->resize(std::min(want, std::max<size_t>(size_t(1) << 20, buffer->size() * 2)));
        const size_t n = in.read(buffer->data() + got, buffer->size() - got);
        got += n;
        if (got < buffer->size())
            break;
    }
    if (got < want)
        throw EngineError(
            Message::tr("%1: truncated: expected %2 bytes of data after the header, found %3", path, want, got));
    // One byte more than declared is enough to refuse the file; the rest is never inflated.
    char extra = 0;
    if (in.read(&extra, 1) != 0)
        throw EngineError(
            Message::tr("%1: unexpected bytes after the %2 bytes of data the header declares", path, want));
    // The tensor takes the buffer over, without a copy.
    torch::Tensor t;
    if (want == 0) {
        t = torch::empty(shape, torch::kUInt8);
    } else {
        std::vector<uint8_t> *data = buffer.release();
        t = torch::from_blob(
            data->data(), shape, [data](void *) { delete data; }, torch::kUInt8);
    }
    if (dims == 3)
        t = t.unsqueeze(1); // [N, rows, cols] -> [N, 1, rows, cols]
    return t;
}

void writeIdxFile(const std::string &path, const torch::Tensor &tensor, bool gzip)
{
    torch::Tensor t = tensor.to(torch::kUInt8).contiguous();
    if (t.dim() == 4 && t.size(1) == 1)
        t = t.squeeze(1);
    std::string out = {0, 0, 0x08, char(t.dim())};
    for (int64_t i = 0; i < t.dim(); ++i) {
        const uint32_t d = uint32_t(t.size(i));
        out += char(d >> 24);
        out += char(d >> 16);
        out += char(d >> 8);
        out += char(d);
    }
    out.append(reinterpret_cast<const char *>(t.data_ptr<uint8_t>()), size_t(t.numel()));
    if (!gzip) {
        writeTextFileAtomically(path, out);
        return;
    }
    replaceFileAtomically(path, [&](const std::string &temp) {
        gzFile f = gzopen(temp.c_str(), "wb");
        if (!f || gzwrite(f, out.data(), unsigned(out.size())) != int(out.size()) || gzclose(f) != Z_OK)
            throw EngineError(Message::tr("%1: cannot write gzip data", path));
    });
}

namespace {

const char *const kTrain = "train";
const char *const kTest = "t10k";

std::string imagesFile(const Project &p, const std::string &prefix)
{
    return (fs::path(p.datasetPath()) / (prefix + "-images-idx3-ubyte")).string();
}

std::string labelsFile(const Project &p, const std::string &prefix)
{
    return (fs::path(p.datasetPath()) / (prefix + "-labels-idx1-ubyte")).string();
}

RawSplit loadIdxPair(const Project &p, const std::string &prefix)
{
    const std::string imagesPath = imagesFile(p, prefix);
    const std::string labelsPath = labelsFile(p, prefix);
    RawSplit s;
    s.inputs = readIdxFile(imagesPath);
    torch::Tensor labels = readIdxFile(labelsPath);
    if (labels.dim() != 1)
        throw EngineError(
            Message::tr("%1: expected a 1-dimensional label file, got %2 dimensions", labelsPath, labels.dim()));
    if (labels.size(0) != s.inputs.size(0))
        throw EngineError(
            Message::tr("%1: %2 labels for %3 images in %4", labelsPath, labels.size(0), s.inputs.size(0), imagesPath));
    s.labels = labels.to(torch::kInt64);
    return s;
}

bool filesPresent(const Project &p, std::string *missing)
{
    for (const char *prefix : {kTrain, kTest})
        for (const std::string &path : {imagesFile(p, prefix), labelsFile(p, prefix)})
            if (!fs::exists(path) && !fs::exists(path + ".gz")) {
                if (missing)
                    *missing = path;
                return false;
            }
    return true;
}

} // namespace

// predictInputs of the formats whose data are tensors (IDX, CIFAR-10): image files (a file, told
// by its first bytes, or a folder of them) are decoded to the sample shape the record carries in
// "sample_shape" (readInputsForRecord puts it there), stretched as the image formats' default;
// anything else (an IDX file) is `readOther`'s.
torch::Tensor predictTensorImages(const nlohmann::json &record, const std::string &path,
                                  std::vector<std::string> &sources, const ImportControl &control,
                                  const std::function<torch::Tensor(const std::string &)> &readOther)
{
    std::error_code ec;
    bool image = fs::is_directory(path, ec);
    if (!image && fs::is_regular_file(path, ec)) {
        // Told by the first bytes, so that a PNG without its extension is still an image.
        uint8_t head[8] = {};
        if (std::FILE *f = std::fopen(path.c_str(), "rb")) {
            const size_t n = std::fread(head, 1, sizeof head, f);
            std::fclose(f);
            image = imageKind(head, n) != ImageKind::Unknown;
        }
    }
    if (!image)
        return readOther(path);
    nlohmann::json r = record;
    if (!r.contains("image")) {
        // The sample shape the model takes ([C, H, W], or [H, W] for one channel), stretched to.
        Shape sample;
        try {
            sample = r.at("sample_shape").get<Shape>();
        } catch (const nlohmann::json::exception &) {
        }
        if (sample.size() == 2)
            sample.insert(sample.begin(), 1);
        if (sample.size() != 3 || (sample[0] != 1 && sample[0] != 3))
            throw EngineError(Message::tr("%1: the model takes samples of shape %2, not images of 1 or 3 channels",
                                          path, formatShape(sample)));
        r["image"] = {{"channels", sample[0]}, {"size", {sample[1], sample[2]}}, {"resize", "stretch"}};
    }
    return predictImageInputs(r, path, sources, control);
}

DatasetFormat idxFormat()
{
    DatasetFormat d;
    d.name = "idx";
    d.label = "IDX files (MNIST layout)";
    d.description = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                    "t10k-labels-idx1-ubyte (plain or .gz) in one folder, as MNIST and Fashion-MNIST ship";
    d.scale = byteScale;
    d.programReader = "datasets/idx.py";
    d.reader = std::make_shared<const DatasetReader>(DatasetReader{
        filesPresent, [](const Project &p, const ImportControl &) { return loadIdxPair(p, kTrain); },
        [](const Project &p, const ImportControl &) { return loadIdxPair(p, kTest); },
        [](const Project &p) { return readIdxFile(imagesFile(p, kTest)); },
        // Image files (a PNG of a digit) decoded to the sample; anything else an IDX file.
        [](const nlohmann::json &record, const std::string &path, std::vector<std::string> &sources,
           const ImportControl &control) { return predictTensorImages(record, path, sources, control, readIdxFile); }});
    return d;
}

} // namespace torchwright
