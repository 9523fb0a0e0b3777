#pragma once
// The project's settings outside the graph, described once: each entry binds a JSON pointer in
// the project file to a field of Project, with its type, range, default, label, help and the
// pipeline stage whose inspector shows it. The project reader checks every value against its
// entry, the writer writes the entries in order, and the studio's stage inspector builds one
// editor per entry, so a range is stated in one place only. Checks across fields (class names
// against num_classes, fixed mean/std sizes, Nesterov needing momentum) are explicit steps of the
// reader after the pass over the schema. Torch-free, like layers.h.

#include "torchwright/message.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace torchwright {

struct Project;

enum class SettingType {
    Int,    // a whole number in [intMin(), intMax()]
    Number, // a finite real number in the range
    Bool,
    Choice, // one of `choices`
    String, // free text; `choices` are suggestions, `check` says what is accepted
    List,   // a JSON array of `itemType` values, each in the range (or one of `choices`)
};

struct SettingSpec {
    std::string pointer; // "/training/optimizer/lr"
    // The pipeline stages whose inspector shows it ("optimize"); none: not shown in the studio.
    // Stage names: input_data, preprocess, pretrain_decision, pretrain, train_from_scratch,
    // optimize, evaluate_deploy, application, user_feedback, continuous_optimization, model_update.
    std::vector<std::string> stages;
    std::string label; // as shown in the studio
    std::string help;  // one sentence for tooltips
    SettingType type = SettingType::Int;
    SettingType itemType = SettingType::String; // for List: Int, Number, String or Choice
    // Range of an Int or Number, or of each item of a List of them.
    double min = 0;
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false;
    bool maxExclusive = false;
    size_t minItems = 0; // for List
    size_t maxItems = 0; // for List; 0 means any number
    std::vector<std::string> choices;
    bool path = false;           // a file or folder, relative to the project file
    double step = 1;             // the studio's spin step
    nlohmann::json defaultValue; // the value of a new project; filled in from Project's defaults
    // Left out of the file while it has its default: a setting added later leaves the files of
    // projects that do not use it byte for byte as they were.
    bool omitDefault = false;

    // Whether the project must give it (null: never).
    std::function<bool(const Project &)> required;
    // Whether it is part of the project at all: read, written and shown only then (null: always).
    // A dataset format's own settings apply only to that format.
    std::function<bool(const Project &)> applies;
    // Whether the studio shows it where it applies (null: always). A value the project holds
    // although it is hidden is still read, and refused by `check` where it does not fit.
    std::function<bool(const Project &)> shown;
    std::function<nlohmann::json(const Project &)> get;
    std::function<void(Project &, const nlohmann::json &)> set; // called with checked values only
    // A rule a range cannot state ("cuda:N"): the problem with `value`, or "" when it is fine.
    std::function<Message(const nlohmann::json &value, const Project &)> check;

    bool isRequired(const Project &p) const { return required && required(p); }
    bool appliesTo(const Project &p) const { return !applies || applies(p); }
    bool shownFor(const Project &p) const { return appliesTo(p) && (!shown || shown(p)); }
    // The range of an Int setting as integers (the double bounds saturate at int64's).
    int64_t intMin() const;
    int64_t intMax() const;
    // Whether `v` is in range: an Int's or Number's value, or one item of a List of them.
    bool inRange(double v) const;
    // The accepted values, e.g. "an integer from 1 to 100000" or "a number > 0 and <= 1e+06",
    // as error messages say them.
    Message expectation() const;
};

// "an integer from 1 to 100000", "a positive integer": how messages name an integer range.
Message integerExpectation(int64_t min, int64_t max);

// Every setting, in the order the project file lists them.
const std::vector<SettingSpec> &projectSettings();
// The setting at that pointer, or null.
const SettingSpec *findSetting(const std::string &pointer);

} // namespace torchwright
