#pragma once
// Small helpers shared by the engine tests: shapes written as "64x14x14", chain graphs built in
// code, whole-file reads and writes, paths into the source tree, and a training request. Torch-free on purpose so
// that the torch-free tests stay cheap to compile.

#include "torchwright/analysis.h"
#include "torchwright/diagnostics.h"
#include "torchwright/graph.h"
#include "torchwright/layers.h"
#include "torchwright/training.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace testhelpers {

inline std::string sourcePath(const std::string &relative)
{
    return std::string(TORCHWRIGHT_SOURCE_DIR) + "/" + relative;
}

// "64x32x32" -> {64, 32, 32}; "" -> {}.
inline torchwright::Shape parseShape(const QString &text)
{
    torchwright::Shape shape;
    if (text.isEmpty())
        return shape;
    for (const QString &part : text.split(QLatin1Char('x')))
        shape.push_back(part.toLongLong());
    return shape;
}

inline std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

inline bool containsCI(const std::string &haystack, const std::string &needle)
{
    return lower(haystack).find(lower(needle)) != std::string::npos;
}

// True when `text` contains any of the '|'-separated alternatives (case-insensitive).
inline bool containsAnyCI(const std::string &text, const std::string &alternatives)
{
    const QStringList parts = QString::fromStdString(alternatives).split(QLatin1Char('|'));
    for (const QString &p : parts) {
        if (containsCI(text, p.toStdString()))
            return true;
    }
    return false;
}

inline torchwright::Node makeNode(int id, const std::string &type, const std::string &name,
                                  nlohmann::json params = nlohmann::json::object())
{
    torchwright::Node n;
    n.id = torchwright::NodeId{id};
    n.type = type;
    n.name = name;
    n.params = std::move(params);
    n.x = 100.0 * id;
    n.y = 0.0;
    return n;
}

inline torchwright::Edge makeEdge(int from, int to, int toPort = 0)
{
    torchwright::Edge e;
    e.from = torchwright::PortRef{torchwright::NodeId{from}, 0};
    e.to = torchwright::PortRef{torchwright::NodeId{to}, toPort};
    return e;
}

// Input (id 1) -> layers[0] (id 2) -> layers[1] (id 3) -> ...; node names are the lower-cased
// type followed by the id ("linear3").
inline torchwright::Graph chainGraph(const std::vector<std::pair<std::string, nlohmann::json>> &layers,
                                     const std::string &inputDType = "float32")
{
    torchwright::Graph g;
    g.nodes.push_back(makeNode(1, "Input", "input", {{"dtype", inputDType}}));
    int id = 1;
    for (const auto &[type, params] : layers) {
        ++id;
        // `{}` in a braced list is JSON null; a layer without parameters has an empty object.
        g.nodes.push_back(
            makeNode(id, type, lower(type) + std::to_string(id), params.is_null() ? nlohmann::json::object() : params));
        g.edges.push_back(makeEdge(id - 1, id));
    }
    return g;
}

inline QByteArray readFileBytes(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

inline bool writeFileBytes(const std::string &path, const QByteArray &bytes)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(bytes) == bytes.size();
}

inline bool writeFileBytes(const std::string &path, const std::string &bytes)
{
    return writeFileBytes(path, QByteArray::fromStdString(bytes));
}

// The diagnostics as text, for failure messages.
inline QByteArray describe(const torchwright::Diagnostics &d) { return QByteArray::fromStdString(d.format()); }

// The first error whose message contains every '|'-free needle, or nullptr.
inline const torchwright::Diagnostic *findError(const torchwright::Diagnostics &diags,
                                                const std::vector<std::string> &needles)
{
    for (const auto &d : diags.items()) {
        if (d.severity != torchwright::Severity::Error)
            continue;
        bool all = true;
        for (const auto &n : needles)
            all = all && d.message.find(n) != std::string::npos;
        if (all)
            return &d;
    }
    return nullptr;
}

// A request to train `p` on the CPU with one thread, its runs in `runsDir` (created).
// A project whose loss stops being finite in epoch 2: SGD on MSE with a step schedule that
// multiplies the learning rate by 1e20 after epoch 1, so epoch 1 is an ordinary small-step epoch
// and epoch 2 diverges within a few batches.
inline torchwright::Project divergingProject(torchwright::Project p)
{
    p.training.epochs = 3;
    p.training.loss = "mse";
    p.training.optimizer.type = "sgd";
    p.training.optimizer.lr = 0.01;
    p.training.schedule.type = "step";
    p.training.schedule.stepSize = 1;
    p.training.schedule.gamma = 1e20;
    return p;
}

inline torchwright::TrainRequest requestFor(const torchwright::Project &p, const QString &runsDir)
{
    QDir().mkpath(runsDir);
    torchwright::TrainRequest r;
    r.project = p;
    r.runsDir = runsDir.toStdString();
    r.device = std::string("cpu");
    r.threads = 1;
    return r;
}

} // namespace testhelpers
