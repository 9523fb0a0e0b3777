#include "fileutil.h"

#include "torchwright/diagnostics.h"

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

std::string readTextFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw EngineError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

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
