// ONNX Runtime as a separate process (see onnxruntimerunner.h): the request, the inputs and the
// embedded script (engine/templates/onnxruntime_run.mjs) go into a private temporary folder,
// node runs it with onnxruntime-node, and the outputs and timings are read back from files.

#include "onnxruntimerunner.h"

#include "fileutil.h"
#include "npyfile.h"
#include "templates.h"
#include "torchwright/diagnostics.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace torchwright {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool hasPackage(const fs::path &dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "node_modules" / "onnxruntime-node" / "package.json", ec);
}

// The folder holding node_modules/onnxruntime-node: $TORCHWRIGHT_ONNXRUNTIME, else the nearest
// .npm-tools in a folder above the running program (build/app/torchwright-cli and the tests in
// build/ find <source>/.npm-tools).
fs::path packageRoot()
{
    if (const char *env = std::getenv("TORCHWRIGHT_ONNXRUNTIME"); env && *env)
        return hasPackage(env) ? fs::path(env) : fs::path();
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    for (fs::path dir = exe.parent_path(); !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
        if (hasPackage(dir / ".npm-tools"))
            return dir / ".npm-tools";
    return {};
}

fs::path findNode()
{
    const char *path = std::getenv("PATH");
    std::istringstream is(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(is, dir, ':');) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "node";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

// A private temporary folder, removed with everything in it.
struct TempDir {
    fs::path path;
    TempDir()
    {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path()
               / ("torchwright-ort-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::error_code ec;
        fs::remove_all(path, ec);
        if (!fs::create_directories(path, ec) || ec)
            throw EngineError(Message::tr("%1: cannot create a temporary folder for ONNX Runtime: %2", path.string(),
                                          ec.message()));
        fs::permissions(path, fs::perms::owner_all, ec);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Runs argv with stdout and stderr into files; returns the exit status (-1: it did not start).
int runProcess(const std::vector<std::string> &args, const fs::path &out, const fs::path &err)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char *> argv;
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return -1;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string tail(const fs::path &file, size_t chars = 2000)
{
    std::ifstream in(file, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s.size() > chars ? "..." + s.substr(s.size() - chars) : s;
}

} // namespace

Message onnxRuntimeUnavailable()
{
    if (findNode().empty())
        return Message::tr("ONNX Runtime is not available: Node.js (node) is not on the PATH");
    if (packageRoot().empty())
        return Message::tr("ONNX Runtime is not available: onnxruntime-node was not found (run "
                           "scripts/setup-onnxruntime, or set TORCHWRIGHT_ONNXRUNTIME to the folder holding "
                           "node_modules/onnxruntime-node)");
    return {};
}

OnnxRuntimeResult runOnnxRuntime(const std::string &onnxFile, const torch::Tensor &inputs,
                                 const OnnxRuntimeOptions &options)
{
    if (Message why = onnxRuntimeUnavailable(); !why.empty())
        throw EngineError(why);
    requireRegularFile(onnxFile);
    if (!inputs.defined() || inputs.dim() < 1 || inputs.size(0) < 1)
        throw EngineError(Message::tr("%1: ONNX Runtime needs at least one input sample", onnxFile));
    const torch::Tensor x = inputs.scalar_type() == torch::kInt64
                                ? inputs.to(torch::kCPU).contiguous()
                                : inputs.to(torch::kCPU, torch::kFloat32).contiguous();
    TempDir tmp;
    const fs::path script = tmp.path / "onnxruntime_run.mjs", request = tmp.path / "request.json",
                   input = tmp.path / "input.npy", output = tmp.path / "output.npy", result = tmp.path / "result.json";
    writeBytesAtomically(script.string(), std::string(templateText("onnxruntime_run.mjs")));
    writeBytesAtomically(input.string(), npyBytes(x));
    const json req = {{"onnx", fs::absolute(onnxFile).string()},
                      {"input", input.string()},
                      {"output", options.outputs ? output.string() : std::string()},
                      {"latency_batches", options.latencyBatches},
                      {"repeats", std::max(1, options.repeats)},
                      {"threads", std::max(0, options.threads)},
                      {"result", result.string()}};
    writeBytesAtomically(request.string(), req.dump());

    const fs::path pkg = packageRoot() / "node_modules" / "onnxruntime-node";
    const int rc = runProcess({findNode().string(), script.string(), pkg.string(), request.string()},
                              tmp.path / "stdout.txt", tmp.path / "stderr.txt");
    if (rc != 0)
        throw EngineError(Message::tr("%1: ONNX Runtime failed (exit %2): %3", onnxFile, rc,
                                      tail(tmp.path / "stderr.txt")));
    OnnxRuntimeResult r;
    try {
        const json res = json::parse(readTextFile(result.string()));
        r.version = res.value("version", "");
        for (const auto &[k, v] : res.at("latency_ms").items())
            r.latencyMedianMs[std::stoi(k)] = v.get<double>();
    } catch (const json::exception &e) {
        throw EngineError(Message::tr("%1: ONNX Runtime's result could not be read: %2", onnxFile, e.what()));
    }
    if (options.outputs) {
        r.outputs = readNpy(output.string());
        if (r.outputs.dim() < 1 || r.outputs.size(0) != x.size(0))
            throw EngineError(Message::tr("%1: ONNX Runtime returned %2 outputs for %3 inputs", onnxFile,
                                          r.outputs.dim() ? r.outputs.size(0) : 0, x.size(0)));
    }
    return r;
}

} // namespace torchwright
