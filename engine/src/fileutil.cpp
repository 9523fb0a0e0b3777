#include "fileutil.h"

#include "torchwright/diagnostics.h"
#include "torchwright/jsonfile.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

std::string sizeText(size_t bytes) { return std::to_string(bytes) + " bytes"; }

std::string writeFailure(int err, const std::string &shownAs, size_t bytes)
{
    switch (err) {
    case ENOSPC:
        return "no space left on the device writing " + shownAs + " (" + sizeText(bytes)
               + "); free some space and try again";
    case EFBIG: return "the file size limit was reached writing " + shownAs + " (" + sizeText(bytes) + ")";
    case EDQUOT: return "the disk quota was exceeded writing " + shownAs + " (" + sizeText(bytes) + ")";
    default: return "cannot write " + shownAs + " (" + sizeText(bytes) + "): " + std::strerror(err);
    }
}

} // namespace

void writeBytesChecked(const std::string &file, const std::string &bytes, const std::string &shownAs)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw WriteError(shownAs + ": cannot write: " + std::strerror(errno));
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;
            ::close(fd);
            throw WriteError(writeFailure(err, shownAs, bytes.size()));
        }
        done += size_t(n);
    }
    if (::close(fd) != 0)
        throw WriteError(writeFailure(errno, shownAs, bytes.size()));
}

void replaceFileAtomically(const std::string &path, const std::function<void(const std::string &)> &write)
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(dir))
        throw EngineError(path + ": cannot write: folder " + dir.string() + " does not exist");
    const std::string temp =
        (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(rng() % 1000000))).string();
    try {
        write(temp);
        // Flush the data to disk before the rename makes it visible under the real name: a
        // failure here (a full disk that delayed allocation only now notices) keeps the old file.
        const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw WriteError(path + ": cannot reopen the new file to flush it: " + std::strerror(errno));
        const bool synced = ::fsync(fd) == 0 || errno == EINVAL; // EINVAL: a file system without fsync
        const int err = errno;
        ::close(fd);
        if (!synced) {
            std::error_code sizeError;
            const auto size = fs::file_size(temp, sizeError);
            throw WriteError(writeFailure(err, path, sizeError ? 0 : size_t(size)));
        }
        std::error_code ec;
        fs::rename(temp, target, ec);
        if (ec)
            throw WriteError(path + ": cannot replace the file: " + ec.message());
    } catch (...) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        throw;
    }
    // The rename itself reaches the disk with the folder's entry.
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void writeBytesAtomically(const std::string &path, const std::string &bytes)
{
    replaceFileAtomically(path, [&](const std::string &temp) { writeBytesChecked(temp, bytes, path); });
}

void writeTextFileAtomically(const std::string &path, const std::string &content)
{
    writeBytesAtomically(path, content);
}

std::string folderName(const std::string &dir)
{
    fs::path p = fs::path(dir).lexically_normal();
    if (!p.has_filename())
        p = p.parent_path(); // "runs/a/" names "runs/a"
    if (p.empty() || p.filename() == "." || p.filename() == "..")
        p = fs::absolute(dir).lexically_normal();
    if (!p.has_filename())
        p = p.parent_path();
    return p.filename().string();
}

void requireRegularFile(const std::string &path)
{
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || st.type() == fs::file_type::regular)
        return; // a missing or unreadable file is reported when it is opened
    const char *kind = "not a regular file";
    switch (st.type()) {
    case fs::file_type::directory: kind = "a folder"; break;
    case fs::file_type::fifo: kind = "a FIFO (named pipe)"; break;
    case fs::file_type::socket: kind = "a socket"; break;
    case fs::file_type::block:
    case fs::file_type::character: kind = "a device"; break;
    default: break;
    }
    throw EngineError(path + ": cannot read: it is " + std::string(kind) + ", not a regular file");
}

std::string readTextFile(const std::string &path)
{
    requireRegularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw EngineError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string jsonDepthError(const std::string &text)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte "
                       + std::to_string(i) + ")";
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return {};
}

nlohmann::json parseJsonText(const std::string &text, const std::string &source)
{
    if (const std::string deep = jsonDepthError(text); !deep.empty())
        throw EngineError(source + ": " + deep);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        std::string msg = e.what();
        // nlohmann's text starts with "[json.exception.parse_error.101] "; keep the rest.
        if (auto pos = msg.find("] "); pos != std::string::npos)
            msg = msg.substr(pos + 2);
        throw EngineError(source + ": not valid JSON: " + msg);
    }
}

nlohmann::json readJsonFile(const std::string &path) { return parseJsonText(readTextFile(path), path); }

std::string isoTimeNow()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

} // namespace torchwright
