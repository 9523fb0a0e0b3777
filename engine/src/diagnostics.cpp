#include "torchwright/diagnostics.h"

#include <c10/util/Exception.h>

#include <sstream>

namespace torchwright {

void Diagnostics::error(std::string where, Message message, int nodeId, int port)
{
    std::string english = message.str();
    m_items.push_back({Severity::Error, std::move(where), std::move(english), std::move(message), nodeId, port});
}

void Diagnostics::warning(std::string where, Message message, int nodeId, int port)
{
    std::string english = message.str();
    m_items.push_back({Severity::Warning, std::move(where), std::move(english), std::move(message), nodeId, port});
}

void Diagnostics::append(const Diagnostics &other)
{
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::hasErrors() const { return errorCount() > 0; }

int Diagnostics::errorCount() const
{
    int n = 0;
    for (const auto &d : m_items)
        n += d.severity == Severity::Error;
    return n;
}

int Diagnostics::warningCount() const { return int(m_items.size()) - errorCount(); }

std::string formatDiagnostic(const Diagnostic &d, const std::string &file)
{
    std::string s;
    if (!file.empty())
        s += file + ": ";
    if (!d.where.empty())
        s += d.where + ": ";
    if (d.severity == Severity::Warning)
        s += "warning: ";
    s += d.message;
    return s;
}

std::string Diagnostics::format(const std::string &file) const
{
    std::string s;
    for (const auto &d : m_items) {
        s += formatDiagnostic(d, file);
        s += '\n';
    }
    return s;
}

EngineError::EngineError(Message message) : m_what(message.str()) { m_diagnostics.error({}, std::move(message)); }

Message EngineError::text() const
{
    const auto &items = m_diagnostics.items();
    if (items.size() == 1 && items[0].where.empty() && items[0].severity == Severity::Error)
        return items[0].text;
    if (items.size() == 1 && items[0].severity == Severity::Error)
        return Message::tr("%1: %2", items[0].where, items[0].text);
    return Message(m_what);
}

EngineError::EngineError(Diagnostics diagnostics) : m_diagnostics(std::move(diagnostics))
{
    m_what = m_diagnostics.format();
    if (!m_what.empty() && m_what.back() == '\n')
        m_what.pop_back();
}

std::string errorMessage(const std::exception &e)
{
    const auto *torchError = dynamic_cast<const c10::Error *>(&e);
    const std::string text = torchError ? torchError->what_without_backtrace() : e.what();
    // Messages that embed a LibTorch error's whole text (TorchScript's, or one passed through
    // another exception) still carry its backtrace: everything from its first line on goes.
    std::istringstream lines(text);
    std::string line, out;
    while (std::getline(lines, line)) {
        if (line.rfind("Exception raised from ", 0) == 0 || line.rfind("frame #", 0) == 0)
            break;
        out += line;
        out += '\n';
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t'))
        out.pop_back();
    return out.empty() ? text.substr(0, text.find('\n')) : out;
}

} // namespace torchwright
