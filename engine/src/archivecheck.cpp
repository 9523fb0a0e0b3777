#include "archivecheck.h"

#include "fileutil.h"
#include "sha256.h"
#include "torchwright/diagnostics.h"
#include "torchwright/limits.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchwright {

namespace {

uint64_t le(const std::string &b, size_t at, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | uint64_t(static_cast<unsigned char>(b[at + size_t(i)]));
    return v;
}

// `what` is wrong with the file at `path`, with the advice every such refusal carries.
[[noreturn]] void damaged(const std::string &path, const Message &what)
{
    throw EngineError(Message::tr("%1: %2; the file is damaged or not a PyTorch/Torchwright file (use another "
                                  "checkpoint, or write it again)",
                                  path, what));
}

uint32_t crcOf(const char *data, uint64_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const uInt n = uInt(std::min<uint64_t>(size, uint64_t(1) << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef *>(data), n);
        data += n;
        size -= n;
    }
    return uint32_t(crc);
}

// Inflates a deflated entry without keeping its output, at most `expected` bytes; the CRC-32 of
// what came out, or throws when it is not exactly `expected` bytes.
uint32_t inflatedCrc(const char *data, uint64_t size, uint64_t expected, const std::string &path,
                     const std::string &name)
{
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
        damaged(path, Message::tr("cannot inflate entry '%1'", name));
    std::vector<unsigned char> out(1 << 16);
    uLong crc = crc32(0L, Z_NULL, 0);
    uint64_t produced = 0;
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
    zs.avail_in = uInt(std::min<uint64_t>(size, uint64_t(1) << 30));
    uint64_t restIn = size - zs.avail_in;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = out.data();
        zs.avail_out = uInt(out.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        const uint64_t n = out.size() - zs.avail_out;
        produced += n;
        if (produced > expected)
            break; // more than the header declares: stop before it grows further
        crc = crc32(crc, out.data(), uInt(n));
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && restIn > 0) {
            const uInt more = uInt(std::min<uint64_t>(restIn, uint64_t(1) << 30));
            zs.avail_in = more;
            restIn -= more;
            continue;
        }
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != expected)
        damaged(path, Message::tr("entry '%1' does not inflate to the %2 bytes its header declares", name, expected));
    return uint32_t(crc);
}

} // namespace

void checkZipArchive(const std::string &b, const std::string &path)
{
    const uint64_t size = b.size();
    if (size < 22)
        damaged(path, Message::tr("too short to be an archive (%1 bytes)", size));
    // End of central directory: 22 bytes and a comment of up to 65535 at the very end.
    int64_t eocd = -1;
    const uint64_t lowest = size >= 22 + 65535 ? size - 22 - 65535 : 0;
    for (uint64_t at = size - 22 + 1; at-- > lowest;)
        if (le(b, at, 4) == 0x06054b50 && at + 22 + le(b, at + 20, 2) == size) {
            eocd = int64_t(at);
            break;
        }
    if (eocd < 0)
        damaged(path, Message::tr("truncated or not a zip archive: no end of central directory"));
    uint64_t entries = le(b, size_t(eocd) + 10, 2);
    uint64_t cdSize = le(b, size_t(eocd) + 12, 4);
    uint64_t cdOffset = le(b, size_t(eocd) + 16, 4);
    uint64_t cdLimit = uint64_t(eocd);
    if (entries == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF) {
        // ZIP64: a locator just before, pointing at the ZIP64 end record.
        if (eocd < 20 || le(b, size_t(eocd) - 20, 4) != 0x07064b50)
            damaged(path, Message::tr("a ZIP64 archive without its ZIP64 locator"));
        const uint64_t rec = le(b, size_t(eocd) - 20 + 8, 8);
        if (rec + 56 > uint64_t(eocd) - 20 || le(b, size_t(rec), 4) != 0x06064b50)
            damaged(path, Message::tr("the ZIP64 end of central directory is outside the file"));
        entries = le(b, size_t(rec) + 32, 8);
        cdSize = le(b, size_t(rec) + 40, 8);
        cdOffset = le(b, size_t(rec) + 48, 8);
        cdLimit = rec;
    }
    if (cdOffset > cdLimit || cdSize > cdLimit - cdOffset)
        damaged(path, Message::tr("the central directory lies outside the file"));
    if (entries == 0 || entries > 1000000 || entries > cdSize / 46)
        damaged(path, Message::tr("the central directory declares %1 entries in %2 bytes", entries, cdSize));
    const uint64_t cdEnd = cdOffset + cdSize;
    uint64_t p = cdOffset;
    for (uint64_t i = 0; i < entries; ++i) {
        if (p + 46 > cdEnd || le(b, size_t(p), 4) != 0x02014b50)
            damaged(path, Message::tr("central directory entry %1 is damaged", i));
        const uint64_t flags = le(b, size_t(p) + 8, 2);
        const uint64_t method = le(b, size_t(p) + 10, 2);
        const uint32_t crc = uint32_t(le(b, size_t(p) + 16, 4));
        uint64_t compressed = le(b, size_t(p) + 20, 4);
        uint64_t uncompressed = le(b, size_t(p) + 24, 4);
        const uint64_t nameLen = le(b, size_t(p) + 28, 2);
        const uint64_t extraLen = le(b, size_t(p) + 30, 2);
        const uint64_t commentLen = le(b, size_t(p) + 32, 2);
        uint64_t local = le(b, size_t(p) + 42, 4);
        if (p + 46 + nameLen + extraLen + commentLen > cdEnd)
            damaged(path, Message::tr("central directory entry %1 runs past the directory", i));
        const std::string name = b.substr(size_t(p) + 46, size_t(nameLen));
        // ZIP64 extra field: the 8-byte values of those fields that hold 0xFFFFFFFF.
        for (uint64_t e = p + 46 + nameLen, eEnd = e + extraLen; e + 4 <= eEnd;) {
            const uint64_t id = le(b, size_t(e), 2), len = le(b, size_t(e) + 2, 2);
            if (e + 4 + len > eEnd)
                damaged(path, Message::tr("entry '%1' has a damaged extra field", name));
            if (id == 0x0001) {
                uint64_t f = e + 4;
                auto take = [&](uint64_t &v) {
                    if (v != 0xFFFFFFFF)
                        return;
                    if (f + 8 > e + 4 + len)
                        damaged(path, Message::tr("entry '%1' has a short ZIP64 field", name));
                    v = le(b, size_t(f), 8);
                    f += 8;
                };
                take(uncompressed);
                take(compressed);
                take(local);
            }
            e += 4 + len;
        }
        if (flags & 1)
            damaged(path, Message::tr("entry '%1' is encrypted", name));
        if (uncompressed > uint64_t(kMaxArchiveBytes))
            damaged(path, Message::tr("entry '%1' declares %2 bytes", name, uncompressed));
        if (local > cdOffset || cdOffset - local < 30 || le(b, size_t(local), 4) != 0x04034b50)
            damaged(path, Message::tr("the local header of entry '%1' is missing or outside the file", name));
        const uint64_t lName = le(b, size_t(local) + 26, 2), lExtra = le(b, size_t(local) + 28, 2);
        const uint64_t data = local + 30 + lName + lExtra;
        if (data > cdOffset || compressed > cdOffset - data)
            damaged(path, Message::tr("the data of entry '%1' runs past the end of the entries (truncated?)", name));
        if (lName != nameLen || b.compare(size_t(local) + 30, size_t(lName), name) != 0)
            damaged(path, Message::tr("the local header of entry '%1' names another entry", name));
        uint32_t actual = 0;
        if (method == 0) {
            if (compressed != uncompressed)
                damaged(path, Message::tr("stored entry '%1' has two different sizes", name));
            actual = crcOf(b.data() + data, compressed);
        } else if (method == 8) {
            actual = inflatedCrc(b.data() + data, compressed, uncompressed, path, name);
        } else {
            damaged(path, Message::tr("entry '%1' uses compression method %2", name, method));
        }
        if (actual != crc)
            damaged(path, Message::tr("the data of entry '%1' does not match its CRC-32 (damaged after it was written)",
                                      name));
        p += 46 + nameLen + extraLen + commentLen;
    }
}

std::string readCheckedArchive(const std::string &path)
{
    requireRegularFile(path);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw EngineError(Message::tr("%1: cannot open: %2", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw EngineError(Message::tr("%1: cannot read: not a regular file", path));
    }
    if (st.st_size > kMaxArchiveBytes) {
        ::close(fd);
        throw EngineError(
            Message::tr("%1: %2 bytes, more than the %3 this program reads", path, st.st_size, kMaxArchiveBytes));
    }
    std::string bytes(size_t(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : 0;
            ::close(fd);
            if (err)
                throw EngineError(Message::tr("%1: cannot read: %2", path, std::strerror(err)));
            throw EngineError(Message::tr("%1: cannot read: the file shrank while read", path));
        }
        done += size_t(n);
    }
    ::close(fd);
    checkZipArchive(bytes, path);
    return bytes;
}

namespace {

// tensorProblem() as a message to translate (empty when the tensor can be used).
Message tensorProblemMessage(const torch::Tensor &t)
{
    if (!t.defined())
        return Message::tr("it is undefined");
    if (t.layout() != torch::kStrided || t.is_quantized() || t.is_sparse())
        return Message::tr("it is not a dense tensor");
    if (!t.has_storage())
        return Message::tr("it has no storage");
    Count elements = 1;
    for (int64_t d = 0; d < t.dim(); ++d) {
        if (t.size(d) < 0)
            return Message::tr("dimension %1 has a negative size", d);
        if (t.stride(d) < 0)
            return Message::tr("dimension %1 has a negative stride", d);
        elements *= t.size(d);
    }
    if (elements.exceeds(kMaxElements))
        return Message::tr("it has %1 elements, more than the %2 allowed", elements.text(), kMaxElements);
    if (t.storage_offset() < 0)
        return Message::tr("its storage offset is negative");
    if (elements.value() == 0)
        return {};
    Count last = t.storage_offset();
    for (int64_t d = 0; d < t.dim(); ++d)
        last += Count(t.size(d) - 1) * t.stride(d);
    const Count needed = (last + 1) * int64_t(t.element_size());
    const int64_t have = int64_t(t.storage().nbytes());
    if (needed.exceeds(have))
        return Message::tr("its sizes, strides and offset reach byte %1 of a storage of %2 bytes", needed.text(), have);
    return {};
}

} // namespace

std::string tensorProblem(const torch::Tensor &t) { return tensorProblemMessage(t).str(); }

void collectTensors(const c10::IValue &value, const std::string &prefix, const std::string &path,
                    std::map<std::string, torch::Tensor> &out)
{
    struct Walk {
        const std::string &path;
        std::map<std::string, torch::Tensor> &out;
        void operator()(const c10::IValue &v, const std::string &name, int depth)
        {
            if (depth > 64)
                damaged(path, Message::tr("'%1' is nested too deeply", name));
            if (v.isTensor()) {
                const torch::Tensor &t = v.toTensor();
                if (const Message problem = tensorProblemMessage(t); !problem.empty())
                    damaged(path, Message::tr("tensor '%1' cannot be used: %2", name, problem));
                out[name] = t;
            } else if (v.isObject()) {
                const auto obj = v.toObject();
                const auto type = obj->type();
                for (size_t i = 0; i < obj->slots().size(); ++i)
                    (*this)(obj->getSlot(i),
                            name.empty() ? type->getAttributeName(i) : name + "/" + type->getAttributeName(i),
                            depth + 1);
            } else if (v.isList()) {
                const auto list = v.toListRef();
                for (size_t i = 0; i < list.size(); ++i)
                    (*this)(list[i], name + "[" + std::to_string(i) + "]", depth + 1);
            } else if (v.isTuple()) {
                const auto &elements = v.toTupleRef().elements();
                for (size_t i = 0; i < elements.size(); ++i)
                    (*this)(elements[i], name + "[" + std::to_string(i) + "]", depth + 1);
            } else if (v.isGenericDict()) {
                size_t i = 0;
                for (const auto &entry : v.toGenericDict()) {
                    const std::string key =
                        entry.key().isString() ? entry.key().toStringRef() : "#" + std::to_string(i);
                    (*this)(entry.value(), name.empty() ? key : name + "/" + key, depth + 1);
                    ++i;
                }
            }
        }
    };
    Walk{path, out}(value, prefix, 0);
}

std::map<std::string, torch::Tensor> checkedArchiveTensors(torch::serialize::InputArchive &archive,
                                                           const std::string &path)
{
    std::map<std::string, torch::Tensor> out;
    for (const std::string &key : archive.keys()) {
        c10::IValue v;
        if (archive.try_read(key, v))
            collectTensors(v, key, path, out);
    }
    return out;
}

std::string tensorDigest(const torch::Tensor &t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    std::string bytes = std::string(c10::toString(c.scalar_type())) + "[";
    for (int64_t d = 0; d < c.dim(); ++d)
        bytes += (d ? "," : "") + std::to_string(c.size(d));
    bytes += "]";
    if (c.numel() > 0)
        bytes.append(static_cast<const char *>(c.data_ptr()), c.nbytes());
    return sha256Hex(bytes);
}

} // namespace torchwright
