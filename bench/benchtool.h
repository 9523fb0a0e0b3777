// The command line shared by the benchmark programs (bench_engine, bench_gui):
// `TOOL MODE [POSITIONAL...] [--name value...]`, one function per mode.
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace benchtool {

struct Options {
    std::vector<std::string> positional;
    std::map<std::string, std::string> named; // a later --name wins
    std::string get(const std::string &k, const std::string &def) const
    {
        auto it = named.find(k);
        return it == named.end() ? def : it->second;
    }
    int getInt(const std::string &k, int def) const { return std::stoi(get(k, std::to_string(def))); }
    double getDouble(const std::string &k, double def) const
    {
        auto it = named.find(k);
        return it == named.end() ? def : std::stod(it->second);
    }
};

// Everything after argv[1] (the mode).
inline Options parse(int argc, char **argv)
{
    Options o;
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) == 0 && i + 1 < argc)
            o.named[s] = argv[++i];
        else
            o.positional.push_back(s);
    }
    return o;
}

using Mode = std::function<int(const Options &)>;

// Runs argv[1]'s mode: exit 2 with USAGE when fewer than minArgs arguments or an unknown mode,
// 1 with the message when the mode throws.
inline int runMode(const char *tool, int argc, char **argv, int minArgs, const char *usage,
                   const std::map<std::string, Mode> &modes)
{
    if (argc < minArgs) {
        std::fprintf(stderr, "usage: %s %s\n", tool, usage);
        return 2;
    }
    const std::string mode = argv[1];
    auto it = modes.find(mode);
    if (it == modes.end()) {
        std::fprintf(stderr, "%s: unknown mode %s\n", tool, mode.c_str());
        return 2;
    }
    try {
        return it->second(parse(argc, argv));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s %s: %s\n", tool, mode.c_str(), e.what());
        return 1;
    }
}

} // namespace benchtool
