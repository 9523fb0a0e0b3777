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

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

Message writeFailure(int err, const std::string &shownAs, size_t bytes)
{
    switch (err) {
    case ENOSPC:
        return Message::tr("no space left on the device writing %1 (%2 bytes); free some space and try again", shownAs,
                           bytes);
    case EFBIG: return Message::tr("the file size limit was reached writing %1 (%2 bytes)", shownAs, bytes);
    case EDQUOT: return Message::tr("the disk quota was exceeded writing %1 (%2 bytes)", shownAs, bytes);
    default: return Message::tr("cannot write %1 (%2 bytes): %3", shownAs, bytes, std::strerror(err));
    }
}

// The byte at which `text` nests arrays and objects deeper than kMaxJsonDepth, or npos.
size_t jsonTooDeepAt(const std::string &text)
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
                return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::string::npos;
}

Message jsonDepthMessage(size_t at)
{
    return Message::tr("JSON nested deeper than %1 levels (at byte %2)", kMaxJsonDepth, at);
}

} // namespace

void writeBytesChecked(const std::string &file, const std::string &bytes, const std::string &shownAs)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw WriteError(Message::tr("%1: cannot write: %2", shownAs, std::strerror(errno)));
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
        throw EngineError(Message::tr("%1: cannot write: folder %2 does not exist", path, dir.string()));
    // The process id keeps two writers apart even when they share the generator's state (a
    // forked child inherits it): two processes storing the same feedback input at once.
    const std::string temp = (dir
                              / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-"
                                 + std::to_string(rng() % 1000000)))
                                 .string();
    try {
        write(temp);
        // Flush the data to disk before the rename makes it visible under the real name: a
        // failure here (a full disk that delayed allocation only now notices) keeps the old file.
        const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw WriteError(Message::tr("%1: cannot reopen the new file to flush it: %2", path, std::strerror(errno)));
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
            throw WriteError(Message::tr("%1: cannot replace the file: %2", path, ec.message()));
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
    switch (st.type()) {
    case fs::file_type::directory:
        throw EngineError(Message::tr("%1: cannot read: it is a folder, not a regular file", path));
    case fs::file_type::fifo:
        throw EngineError(Message::tr("%1: cannot read: it is a FIFO (named pipe), not a regular file", path));
    case fs::file_type::socket:
        throw EngineError(Message::tr("%1: cannot read: it is a socket, not a regular file", path));
    case fs::file_type::block:
    case fs::file_type::character:
        throw EngineError(Message::tr("%1: cannot read: it is a device, not a regular file", path));
    default: throw EngineError(Message::tr("%1: cannot read: it is not a regular file, not a regular file", path));
    }
}

std::string readTextFile(const std::string &path)
{
    requireRegularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw EngineError(Message::tr("%1: cannot open: %2", path, std::strerror(errno)));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Message jsonDepthError(const std::string &text)
{
    const size_t at = jsonTooDeepAt(text);
    return at == std::string::npos ? Message() : jsonDepthMessage(at);
}

nlohmann::json parseJsonText(const std::string &text, const std::string &source)
{
    if (const size_t at = jsonTooDeepAt(text); at != std::string::npos)
        throw EngineError(Message::tr("%1: %2", source, jsonDepthMessage(at)));
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        std::string msg = e.what();
        // nlohmann's text starts with "[json.exception.parse_error.101] "; keep the rest.
        if (auto pos = msg.find("] "); pos != std::string::npos)
            msg = msg.substr(pos + 2);
        throw EngineError(Message::tr("%1: %2", source, Message::tr("not valid JSON: %1", msg)));
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

void crashPoint(const char *point)
{
    static const char *wanted = std::getenv("TORCHWRIGHT_CRASH_AT");
    if (wanted && std::strcmp(wanted, point) == 0)
        ::kill(::getpid(), SIGKILL);
}

} // namespace torchwright
