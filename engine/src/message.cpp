#include "torchwright/message.h"

#include <nlohmann/json.hpp>

namespace torchwright {

std::string Message::substitute(const std::string &source, const std::vector<std::string> &args)
{
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        const char c = source[i];
        if (c == '%' && i + 1 < source.size() && source[i + 1] >= '1' && source[i + 1] <= '9') {
            const size_t k = size_t(source[i + 1] - '1');
            if (k < args.size()) {
                out += args[k];
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

std::string Message::str() const
{
    if (!m_translatable)
        return m_source;
    std::vector<std::string> args;
    args.reserve(m_args.size());
    for (const auto &a : m_args)
        args.push_back(a.str());
    return substitute(m_source, args);
}

nlohmann::json Message::toJson() const
{
    if (!m_translatable)
        return m_source;
    nlohmann::json args = nlohmann::json::array();
    for (const auto &a : m_args)
        args.push_back(a.toJson());
    return {{"source", m_source}, {"args", std::move(args)}};
}

Message Message::fromJson(const nlohmann::json &j)
{
    if (j.is_string())
        return Message(j.get<std::string>());
    Message m;
    if (!j.is_object() || !j.contains("source") || !j["source"].is_string())
        return m;
    m.m_source = j["source"].get<std::string>();
    m.m_translatable = true;
    if (const auto a = j.find("args"); a != j.end() && a->is_array())
        for (const auto &x : *a)
            m.m_args.push_back(fromJson(x));
    return m;
}

} // namespace torchwright
