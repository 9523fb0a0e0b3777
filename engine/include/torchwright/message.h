#pragma once
// A sentence for a person, kept as an English template and its arguments so the studio can show
// it in the user's language while the engine stays Qt-free and English. str() is the English
// text (the CLI, logs and files use it); the studio translates source() in the context
// kMessageContext and puts the arguments in (ui/i18n.h, messageText()).
//
//   Message::tr("expects a CxHxW input, got %1", formatShape(s))
//
// The name tr() is what lupdate looks for: scripts/translations runs it over engine/ too, so every
// literal given to Message::tr lands in the translation files without a list kept by hand.
// Placeholders are %1..%9, each argument used once or more; an argument is a plain value (a name,
// a number, a shape: shown as it is) or another Message (translated in turn). lupdate reads a
// string literal right after the template as a disambiguating comment (tr's second parameter), and
// a third argument as a plural count, so a literal argument there is written std::string("/files")
// (tst_translations checks that no engine template has a comment).

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace torchwright {

// The translation context lupdate gives the templates (the class's qualified name).
inline constexpr const char *kMessageContext = "torchwright::Message";

class Message {
public:
    Message() = default;
    // A text shown as it is, never translated: a file name, a library's own error, a value.
    Message(std::string verbatim) : m_source(std::move(verbatim)) {}
    Message(const char *verbatim) : m_source(verbatim) {}

    // A translatable template: `source` must be a string literal (lupdate reads it from here).
    template <class... Args>
    static Message tr(const char *source, Args &&...args)
    {
        Message m;
        m.m_source = source;
        m.m_translatable = true;
        (m.m_args.push_back(argument(std::forward<Args>(args))), ...);
        return m;
    }

    const std::string &source() const { return m_source; }
    bool translatable() const { return m_translatable; }
    const std::vector<Message> &args() const { return m_args; }
    bool empty() const { return m_source.empty(); }

    // The English text: the template with its arguments put in.
    std::string str() const;

    // Puts `args` into a template's %1..%9 in one pass (an argument's own "%1" stays as it is).
    static std::string substitute(const std::string &source, const std::vector<std::string> &args);

    // For files (run.json): {"source": ..., "args": [...]} when translatable, else the string.
    nlohmann::json toJson() const;
    static Message fromJson(const nlohmann::json &j);

private:
    static Message argument(Message m) { return m; }
    static Message argument(const std::string &s) { return Message(s); }
    static Message argument(const char *s) { return Message(s); }
    template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    static Message argument(T v)
    {
        return Message(std::to_string(v));
    }

    std::string m_source;
    std::vector<Message> m_args;
    bool m_translatable = false;
};

} // namespace torchwright
