#pragma once
// The edges of the settings schema's ranges, for the tests that walk every numeric setting: the
// values just inside each bound (the bound itself when inclusive) and just outside it.

#include "torchwright/datasetformat.h"
#include "torchwright/project.h"
#include "torchwright/settings.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace settingedges {

inline bool numeric(const torchwright::SettingSpec &s)
{
    return s.type == torchwright::SettingType::Int || s.type == torchwright::SettingType::Number;
}

// The extreme values the setting accepts; an unbounded side has none.
inline std::vector<nlohmann::json> inside(const torchwright::SettingSpec &s)
{
    if (s.type == torchwright::SettingType::Int)
        return {s.intMin(), s.intMax()};
    std::vector<nlohmann::json> v;
    if (std::isfinite(s.min))
        v.push_back(s.minExclusive ? std::nextafter(s.min, HUGE_VAL) : s.min);
    if (std::isfinite(s.max))
        v.push_back(s.maxExclusive ? std::nextafter(s.max, -HUGE_VAL) : s.max);
    return v;
}

// The nearest values the setting refuses.
inline std::vector<nlohmann::json> outside(const torchwright::SettingSpec &s)
{
    std::vector<nlohmann::json> v;
    if (s.type == torchwright::SettingType::Int) {
        if (s.intMin() > INT64_MIN)
            v.push_back(s.intMin() - 1);
        if (s.intMax() < INT64_MAX)
            v.push_back(s.intMax() + 1);
        else
            v.push_back(uint64_t(INT64_MAX) + 1); // a JSON integer int64 cannot hold
        return v;
    }
    if (std::isfinite(s.min))
        v.push_back(s.minExclusive ? s.min : std::nextafter(s.min, -HUGE_VAL));
    if (std::isfinite(s.max))
        v.push_back(s.maxExclusive ? s.max : std::nextafter(s.max, HUGE_VAL));
    return v;
}

// `project` (a parsed project file) made one that `s` applies to: a dataset format's own settings
// need a project of that format, with the strings that format requires (a table's file and target
// column) given. Class names are dropped so that num_classes may take any value without the
// cross-check against them.
inline nlohmann::json applicableProject(nlohmann::json project, const torchwright::SettingSpec &s)
{
    project["dataset"]["class_names"] = nlohmann::json::array();
    // The table noise applies to 1-D samples (table rows) only.
    if (s.pointer == "/preprocess/augment/feature_noise")
        project["dataset"]["sample_shape"] = {784};
    for (const std::string &kind : torchwright::datasetFormatNames()) {
        if (s.appliesTo(torchwright::projectFromJson(project).project))
            break;
        project["dataset"]["kind"] = kind;
    }
    const torchwright::Project p = torchwright::projectFromJson(project).project;
    for (const torchwright::SettingSpec &r : torchwright::projectSettings()) {
        const nlohmann::json::json_pointer at(r.pointer);
        if (r.pointer != s.pointer && r.type == torchwright::SettingType::String && r.appliesTo(p) && r.isRequired(p)
            && !project.contains(at))
            project[at] = "x";
    }
    return project;
}

} // namespace settingedges
