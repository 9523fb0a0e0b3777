#pragma once
// Expected failures as values: every problem found in a project, a dataset or a run is a
// Diagnostic that names what went wrong and where, so a person can act on it.

#include "torchwright/message.h"

#include <exception>
#include <string>
#include <vector>

namespace torchwright {

enum class Severity { Warning, Error };

struct Diagnostic {
    Severity severity = Severity::Error;
    // Where: a JSON pointer into the project file ("/graph/nodes/3/params/out_features"),
    // or a file path for data and run problems. May be empty.
    std::string where;
    std::string message; // English: text.str()
    // The same sentence as a template and arguments, which the studio shows translated.
    Message text;
    // The layer-graph node the problem belongs to, or -1.
    int nodeId = -1;
    // The input port on that node, or -1.
    int port = -1;
};

class Diagnostics {
public:
    void error(std::string where, Message message, int nodeId = -1, int port = -1);
    void warning(std::string where, Message message, int nodeId = -1, int port = -1);
    void add(Diagnostic d) { m_items.push_back(std::move(d)); }
    void append(const Diagnostics &other);

    bool hasErrors() const;
    int errorCount() const;
    int warningCount() const;
    bool empty() const { return m_items.empty(); }
    const std::vector<Diagnostic> &items() const { return m_items; }

    // One line per diagnostic: "<file>: <where>: <message>" ("warning: " before warnings).
    std::string format(const std::string &file = {}) const;

private:
    std::vector<Diagnostic> m_items;
};

std::string formatDiagnostic(const Diagnostic &d, const std::string &file = {});

// Thrown by engine entry points that cannot return a value (training set-up, export, load of
// a checkpoint); carries the diagnostics so callers can print them all.
class EngineError : public std::exception {
public:
    explicit EngineError(Message message);
    explicit EngineError(Diagnostics diagnostics);
    const char *what() const noexcept override { return m_what.c_str(); }
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    // what() as a message to translate: the diagnostic's own when there is one without a place,
    // else the formatted text as it is.
    Message text() const;

private:
    Diagnostics m_diagnostics;
    std::string m_what;
};

// What to show a person for an exception caught at a boundary (the CLI's main, a studio
// action): its message without the C++ backtrace LibTorch appends to its own errors
// ("Exception raised from ... (most recent call first): frame #0 ..."), trimmed of trailing
// blank lines.
std::string errorMessage(const std::exception &e);

} // namespace torchwright
