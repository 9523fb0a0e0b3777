#pragma once
// JSON read from files. Nesting is limited before parsing: a file nested thousands of levels
// deep would otherwise overflow the stack later, when it is written out or walked recursively.

#include "torchwright/message.h"

#include <nlohmann/json.hpp>

#include <string>

namespace torchwright {

// The deepest nesting of arrays and objects accepted in JSON read from a file. Projects, run
// summaries and bundle manifests need fewer than 10.
constexpr int kMaxJsonDepth = 64;

// Empty when `text` nests arrays and objects at most kMaxJsonDepth deep, else a message such as
// "JSON nested deeper than 64 levels (at byte 70)". Strings are skipped; anything else invalid
// is left to the parser.
Message jsonDepthError(const std::string &text);

// Parses `text` read from `source` (a file name). Throws EngineError naming `source` when the
// text nests too deep or is not valid JSON.
nlohmann::json parseJsonText(const std::string &text, const std::string &source);
// readTextFile() and parseJsonText().
nlohmann::json readJsonFile(const std::string &path);

} // namespace torchwright
