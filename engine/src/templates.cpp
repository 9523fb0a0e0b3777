#include "templates.h"

#include "torchwright/diagnostics.h"

namespace torchwright {

std::string_view templateText(const std::string &name)
{
    for (std::size_t i = 0; i < kEmbeddedTemplateCount; ++i)
        if (name == kEmbeddedTemplates[i].name)
            return {kEmbeddedTemplates[i].text, kEmbeddedTemplates[i].size};
    throw EngineError(Message::tr("no template '%1' is embedded in the engine (engine/templates/)", name));
}

std::vector<std::string> templateNames()
{
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kEmbeddedTemplateCount; ++i)
        names.emplace_back(kEmbeddedTemplates[i].name);
    return names;
}

} // namespace torchwright
