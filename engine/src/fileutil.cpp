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
        // Flush the data to disk before the rename makes it visible under the real name.
        int fd = ::open(temp.c_str(), O_RDONLY);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
        std::error_code ec;
        fs::rename(temp, target, ec);
        if (ec)
            throw EngineError(path + ": cannot replace the file: " + ec.message());
    } catch (...) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        throw;
    }
}

void writeTextFileAtomically(const std::string &path, const std::string &content)
{
    replaceFileAtomically(path, [&](const std::string &temp) {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw EngineError(path + ": cannot write: " + std::strerror(errno));
        out.write(content.data(), std::streamsize(content.size()));
        out.flush();
        if (!out)
            throw EngineError(path + ": write failed: " + std::strerror(errno));
    });
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
