#pragma once
// Text files of engine/templates/ (train.py.in, README.md.in, ...) embedded in the engine at
// build time, each named by its path under that folder. Edit the files there; the build
// regenerates the embedded copy when one changes or a new one is added.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace torchwright {

// The text of engine/templates/<name>. Throws EngineError when no such file was embedded.
std::string_view templateText(const std::string &name);
// The names of every embedded file, sorted.
std::vector<std::string> templateNames();

// The generated table (embedded_templates.cpp in the build folder).
struct EmbeddedText {
    const char *name;
    const char *text;
    std::size_t size;
};
extern const EmbeddedText kEmbeddedTemplates[];
extern const std::size_t kEmbeddedTemplateCount;

} // namespace torchwright
