#pragma once
// The feedback store (the Application and User feedback stages): predictions made with a model
// version and the corrections people give them, kept beside the project as plain files:
//
//   <store>/feedback.jsonl   one event per line, append-only (below)
//   <store>/inputs/<sha256>.<ext>  a copy of each input that was a file (an image, a .npy sample)
//
// The project's store is <project folder>/feedback/<project file stem>/ (feedbackDir());
// `torchwright-cli predict --log DIR` writes to any folder, which `feedback import` brings in.
//
// Events, each one JSON object on one line, each with "event", "id" (the item's) and "time":
//   {"event":"prediction", "id", "time", "version", "input":{...}, "prediction":{...}}
//       an input and what the version predicted (input: "file" inside the store or "row" for a
//       table row, "source" as the user named it, "sha256" of its bytes; prediction: "top"
//       [{"index","name","probability"}...] or "value" for a regression). A correction given
//       without a logged prediction (feedback add) is an item whose prediction is empty.
//   {"event":"review", "id", "time", "verdict":"right"|"wrong", "label":3, "label_name":"Shirt"}
//       ("value" instead of the label for a regression). A later review replaces an earlier one.
//   {"event":"undo", "id", "time"}   takes back the item's latest review still in force.
// An item's state is the fold of its events in file order.
//
// Durability: an input is copied to a temporary in inputs/, flushed and renamed into place before
// its event is appended; each event is appended with one write() of the whole line, then
// fsync(). A kill -9 loses at most the event being written: a torn last line (no newline) is
// skipped by the reader and cut off by the next append. An input file whose event never arrived
// is an orphan nobody reads. Appends take an exclusive flock() on feedback.jsonl, so two writers
// (the studio and a CLI) interleave whole lines.

#include "torchwright/exports.h"
#include "torchwright/message.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace torchwright {

struct Project;

struct FeedbackInput {
    std::string file;   // inside the store ("inputs/<sha256>.png"); empty for a table row
    std::string source; // as the user named it: a path, "rows.csv:12", "test:123"
    std::string sha256; // of the input's bytes (the file, or the row's text)
    nlohmann::json row; // a table row: {"columns": [...], "values": [...]}; null otherwise
};

struct FeedbackItem {
    std::string id;      // unique across stores: time and random digits
    std::string time;    // ISO time of the prediction (or of the correction, for feedback add)
    std::string version; // the model version that predicted ("v2"), or the bundle's run name
    FeedbackInput input;
    bool predicted = false;      // it has a prediction (false: a correction given directly)
    std::vector<ClassScore> top; // best first; empty for a regression
    bool regression = false;
    double value = NAN; // a regression's predicted value
    // The review in force: "" (unreviewed), "right" or "wrong".
    std::string verdict;
    int label = -1; // the correct class (for "right": the predicted one)
    std::string labelName;
    double trueValue = NAN; // the correct value of a regression
    std::string reviewedAt;

    bool reviewed() const { return !verdict.empty(); }
    double confidence() const { return top.empty() ? NAN : top.front().probability; }
    int predictedClass() const { return top.empty() ? -1 : top.front().index; }
};

// What list/counts select; empty fields select everything.
struct FeedbackFilter {
    std::string state;   // "", "unreviewed", "reviewed", "right", "wrong"
    int label = -1;      // the correct class, or the predicted one while unreviewed
    std::string version; // items predicted by this version
};

struct FeedbackCounts {
    int64_t items = 0;
    int64_t reviewed = 0;
    int64_t right = 0;
    int64_t wrong = 0;
    // Per class (index = class): reviewed items whose correct class it is, and of those how many
    // the prediction got wrong.
    std::vector<int64_t> perClass;
    std::vector<int64_t> wrongPerClass;
};

class FeedbackStore {
public:
    // Opens (does not create) the store in `dir`; writes create it.
    explicit FeedbackStore(std::string dir);
    const std::string &dir() const { return dir_; }
    std::string logPath() const; // <dir>/feedback.jsonl

    // Every item, in the order of their first event; `problems` (when given) gets one line per
    // line of the log that could not be read (a torn last line, a damaged line), naming it.
    std::vector<FeedbackItem> items(std::vector<Message> *problems = nullptr) const;
    std::vector<FeedbackItem> list(const FeedbackFilter &filter) const;
    FeedbackCounts counts(int numClasses) const;
    std::optional<FeedbackItem> find(const std::string &id) const;

    // Logs a prediction of `version` on the input at `inputPath` (a file: copied into inputs/;
    // "file.csv:LINE" with `row` given: the row kept inline). Returns the new item.
    FeedbackItem logPrediction(const std::string &version, const std::string &inputPath, const Prediction &prediction,
                               const nlohmann::json &row = nullptr);
    // Logs a prediction on an input given as bytes (one sample of a batch, written as a .npy):
    // stored as inputs/<sha256><extension>, `source` as the user would name it ("batch.npy:3").
    FeedbackItem logPredictionData(const std::string &version, const std::string &source, const std::string &bytes,
                                   const std::string &extension, const Prediction &prediction);
    // A correction with no logged prediction (feedback add): the input and its correct label.
    FeedbackItem addCorrection(const std::string &inputPath, int label, const std::string &labelName,
                               const nlohmann::json &row = nullptr);
    // A correction of a regression: the input and its correct value.
    FeedbackItem addCorrectionValue(const std::string &inputPath, double value, const nlohmann::json &row = nullptr);
    // Marks an item right (its predicted class is correct) or wrong with the correct class or
    // value. Throws EngineError naming the id when there is no such item, or when "right" is
    // given for an item without a prediction.
    void markRight(const std::string &id);
    void markWrong(const std::string &id, int label, const std::string &labelName);
    void markWrongValue(const std::string &id, double value);
    // Takes back the item's latest review; throws EngineError when it has none.
    void undoReview(const std::string &id);
    // Brings in the items of another store (or a feedback.jsonl file): events of unknown items
    // and their inputs are appended, items already here are skipped. Returns how many items came.
    int importFrom(const std::string &otherStoreOrLog);

    // The path of an item's input file in the store ("" for a table row, and for a name that is
    // not a file directly in inputs/, which a damaged or hostile log could hold).
    std::string inputPath(const FeedbackItem &item) const;

private:
    FeedbackInput storeInput(const std::string &source, const std::string &bytes, const std::string &extension);
    FeedbackInput inputFor(const std::string &inputPath, const nlohmann::json &row);
    FeedbackItem appendPrediction(const std::string &version, const FeedbackInput &input, const Prediction *prediction,
                                  const nlohmann::json &review);

    std::string dir_;
};

// The project's own store: <project folder>/feedback/<project file stem>/ (an unsaved project:
// an empty string).
std::string feedbackDir(const Project &project);

// Whether a reviewed item belongs to the feedback set (kept out of fine-tuning and measured on)
// for a held-out share `holdout`: decided by a hash of its id, so the same item is always on the
// same side, whichever store or machine asks.
bool feedbackHeldOut(const std::string &itemId, double holdout);

// The version a bundle belongs to, as predictions are logged with it: the "id" of the
// version.json beside the bundle (a bundle inside a registry version folder), else the run name
// its manifest names (/source/run), else "".
std::string bundleVersion(const std::string &bundleDir);

// Logs what predictBundle(bundleDir, input) returned, one item per prediction, with the bundle's
// version: each image file is copied, a CSV row is kept inline (its header and fields), and each
// sample of a tensor file (.npy, IDX) is stored as its own .npy. Returns how many were logged.
// Throws EngineError naming the input when the predictions do not match what it holds.
// The row of a CSV file that starts on `line` (1-based), as the store keeps a table row:
// {"columns": the first row when it is a header (none of its fields is a number) and not the row
// itself, else [], "values": the row's fields}. Throws EngineError naming FILE:LINE when no row
// starts there.
nlohmann::json feedbackTableRow(const std::string &csvFile, int64_t line);

int logBundlePredictions(FeedbackStore &store, const std::string &bundleDir, const std::string &input,
                         const std::vector<Prediction> &predictions);

// The project's test samples `indices` (the Application stage's "test samples") written into
// `folder` as test-<N>.npy, one file each, in a form predictBundle reads exactly as training read
// the sample and the feedback store keeps: uint8 pixels as stored (predict preprocesses them with
// the bundle's record), anything else (table features, synthetic values) already preprocessed with
// the bundle's record. Returns the files in the order of `indices`. Throws EngineError naming an
// index outside the test split, or the data when it cannot be read.
std::vector<std::string> writeTestSampleInputs(const Project &project, const std::string &bundleDir,
                                               const std::vector<int> &indices, const std::string &folder);

} // namespace torchwright
