#pragma once
// Shared by the libFuzzer targets in tests/fuzz/: a private scratch folder per process, the
// fuzzer's bytes written to a file there (every reader under test takes a path, as the CLI
// gives it), and the one rule every target checks: any input may be refused with an exception,
// none may crash, hang, read out of bounds or leak past the sanitizers.

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fuzz {

// A folder of this process's own under $TMPDIR, made once.
inline const std::string &scratch()
{
    static const std::string dir = [] {
        const char *tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/torchwright-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data()))
            std::abort();
        return pattern;
    }();
    return dir;
}

inline std::string writeFile(const std::string &name, const uint8_t *data, size_t size)
{
    const std::string path = scratch() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
    out.close();
    if (!out)
        std::abort();
    return path;
}

inline std::string writeFile(const std::string &name, const std::string &text)
{
    return writeFile(name, reinterpret_cast<const uint8_t *>(text.data()), text.size());
}

// Where a target writes seed inputs it can only make with the engine itself (a checkpoint):
// $TORCHWRIGHT_FUZZ_SEEDS, set by tests/fuzz/make_corpus; empty when unset.
inline std::string seedDir()
{
    const char *d = std::getenv("TORCHWRIGHT_FUZZ_SEEDS");
    return d ? d : "";
}

} // namespace fuzz
