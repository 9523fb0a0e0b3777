// The feedback store (torchwright/feedback.h): an append-only log of JSON lines beside copies of
// the inputs. Every append takes an exclusive flock() on the log, first cuts off a torn last line
// a killed writer left (so the new event starts on a line of its own), then writes the whole
// event with one write() and fsync()s. Reading folds the events in file order and reports the
// lines it could not read instead of failing on them.

#include "torchwright/feedback.h"

#include "fileutil.h"
#include "sha256.h"
#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string_view>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A unique item id: the UTC time to the second, then 64 random bits ("20261201-051500-9f3c...").
// Drawn from the system's random source each time, so processes forked from one another (or
// started in the same second) never repeat each other's sequence.
std::string newItemId()
{
    std::random_device rd;
    const unsigned long long bits = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    char hex[24];
    std::snprintf(hex, sizeof hex, "%016llx", bits);
    return std::string(buf) + "-" + hex;
}

std::string lowerExtension(const std::string &path)
{
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    // Only plain extensions name a stored file: anything odd becomes ".bin".
    const bool plain = ext.size() >= 2 && ext.size() <= 8
                       && std::all_of(ext.begin() + 1, ext.end(), [](unsigned char c) { return std::isalnum(c); });
    return plain ? ext : std::string(".bin");
}

bool crashWanted(const char *point)
{
    const char *wanted = std::getenv("TORCHWRIGHT_CRASH_AT");
    return wanted && std::strcmp(wanted, point) == 0;
}

void fsyncDir(const std::string &dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Writes all of `bytes` at the end of `fd` (opened O_APPEND): one write() unless the kernel
// takes less, which a regular file on a local disk does only when it is full.
void writeAll(int fd, const std::string &bytes, const std::string &shownAs)
{
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw WriteError(Message::tr("cannot write %1 (%2 bytes): %3", shownAs, bytes.size(),
                                         std::string(std::strerror(n < 0 ? errno : ENOSPC))));
        done += size_t(n);
    }
}

// The log file open, locked exclusively, for the life of the object.
class LockedLog {
public:
    explicit LockedLog(const std::string &path) : m_path(path)
    {
        std::error_code ec;
        const fs::path dir = fs::path(path).parent_path();
        const bool existed = fs::exists(path, ec);
        fs::create_directories(dir, ec);
        m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (m_fd < 0)
            throw WriteError(Message::tr("%1: cannot write: %2", path, std::string(std::strerror(errno))));
        while (::flock(m_fd, LOCK_EX) != 0) {
            if (errno != EINTR) {
                const int err = errno;
                ::close(m_fd);
                throw WriteError(Message::tr("%1: cannot lock: %2", path, std::string(std::strerror(err))));
            }
        }
        if (!existed)
            fsyncDir(dir.string());
    }
    ~LockedLog()
    {
        if (m_fd >= 0)
            ::close(m_fd); // releases the lock
    }
    LockedLog(const LockedLog &) = delete;
    LockedLog &operator=(const LockedLog &) = delete;

    // Cuts a torn last line (bytes after the last newline) off the file.
    void cutTornTail()
    {
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || st.st_size == 0)
            return;
        off_t end = st.st_size;
        char last = 0;
        if (::pread(m_fd, &last, 1, end - 1) == 1 && last == '\n')
            return;
        // Back to the last newline, in blocks.
        std::string block(4096, '\0');
        off_t keep = 0;
        for (off_t pos = end; pos > 0;) {
            const off_t from = std::max<off_t>(0, pos - off_t(block.size()));
            const ssize_t n = ::pread(m_fd, block.data(), size_t(pos - from), from);
            if (n <= 0)
                break;
            const size_t nl = std::string_view(block.data(), size_t(n)).rfind('\n');
            if (nl != std::string_view::npos) {
                keep = from + off_t(nl) + 1;
                break;
            }
            pos = from;
        }
        if (::ftruncate(m_fd, keep) != 0)
            throw WriteError(
                Message::tr("%1: cannot cut off the damaged last line: %2", m_path, std::string(std::strerror(errno))));
    }

    void append(const std::string &lines)
    {
        cutTornTail();
        if (crashWanted("feedback:mid-line")) {
            // Fault injection: half the line on disk, then a kill -9.
            writeAll(m_fd, lines.substr(0, lines.size() / 2), m_path);
            ::fsync(m_fd);
            crashPoint("feedback:mid-line");
        }
        writeAll(m_fd, lines, m_path);
        if (::fsync(m_fd) != 0)
            throw WriteError(Message::tr("%1: cannot write: %2", m_path, std::string(std::strerror(errno))));
    }

private:
    std::string m_path;
    int m_fd = -1;
};

std::string eventLine(const json &event) { return event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

// The lines of a log: each parsed event with its 1-based line number; unreadable ones reported.
struct LogLine {
    int64_t number = 0;
    json event;
};

std::vector<LogLine> readLog(const std::string &path, std::vector<Message> *problems)
{
    std::vector<LogLine> out;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return out;
    requireRegularFile(path);
    // Read under a shared lock: a writer's line is never seen half written.
    std::string text;
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw EngineError(Message::tr("%1: cannot read: %2", path, std::string(std::strerror(errno))));
        while (::flock(fd, LOCK_SH) != 0 && errno == EINTR) {
        }
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                const int err = errno;
                ::close(fd);
                throw EngineError(Message::tr("%1: cannot read: %2", path, std::string(std::strerror(err))));
            }
            if (n == 0)
                break;
            text.append(buf, size_t(n));
        }
        ::close(fd);
    }
    size_t pos = 0;
    int64_t number = 0;
    while (pos < text.size()) {
        ++number;
        const size_t nl = text.find('\n', pos);
        const bool torn = nl == std::string::npos;
        const std::string line = text.substr(pos, torn ? std::string::npos : nl - pos);
        pos = torn ? text.size() : nl + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        if (torn) {
            if (problems)
                problems->push_back(Message::tr("%1: line %2 is cut short (a write was interrupted); it is skipped and "
                                                "the next write removes it",
                                                path, number));
            break;
        }
        json event = json::parse(line, nullptr, false);
        if (event.is_discarded() || !event.is_object() || !event.contains("event") || !event["event"].is_string()
            || !event.contains("id") || !event["id"].is_string() || event["id"].get<std::string>().empty()) {
            if (problems)
                problems->push_back(
                    Message::tr("%1: line %2 is damaged (not a feedback event); it is skipped", path, number));
            continue;
        }
        out.push_back({number, std::move(event)});
    }
    return out;
}

std::string str(const json &j, const char *key)
{
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

double num(const json &j, const char *key)
{
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}

FeedbackItem itemFromPrediction(const json &e)
{
    FeedbackItem item;
    item.id = e["id"].get<std::string>();
    item.time = str(e, "time");
    item.version = str(e, "version");
    if (e.contains("input") && e["input"].is_object()) {
        const json &in = e["input"];
        item.input.file = str(in, "file");
        item.input.source = str(in, "source");
        item.input.sha256 = str(in, "sha256");
        if (in.contains("row"))
            item.input.row = in["row"];
    }
    if (e.contains("prediction") && e["prediction"].is_object()) {
        const json &p = e["prediction"];
        if (p.contains("top") && p["top"].is_array()) {
            for (const json &t : p["top"]) {
                if (!t.is_object() || !t.contains("index") || !t["index"].is_number_integer())
                    continue;
                ClassScore s;
                s.index = t["index"].get<int>();
                s.name = str(t, "name");
                s.probability = num(t, "probability");
                item.top.push_back(s);
            }
            item.predicted = !item.top.empty();
        } else if (p.contains("value") && p["value"].is_number()) {
            item.regression = true;
            item.value = p["value"].get<double>();
            item.predicted = true;
        }
    }
    return item;
}

// A review event's effect on an item.
void applyReview(FeedbackItem &item, const json *review)
{
    item.verdict.clear();
    item.label = -1;
    item.labelName.clear();
    item.trueValue = NAN;
    item.reviewedAt.clear();
    if (!review)
        return;
    item.verdict = str(*review, "verdict");
    item.reviewedAt = str(*review, "time");
    if (review->contains("label") && (*review)["label"].is_number_integer())
        item.label = (*review)["label"].get<int>();
    item.labelName = str(*review, "label_name");
    if (review->contains("value") && (*review)["value"].is_number()) {
        item.trueValue = (*review)["value"].get<double>();
        item.regression = true;
    }
}

std::vector<FeedbackItem> fold(const std::vector<LogLine> &lines, const std::string &path,
                               std::vector<Message> *problems)
{
    std::vector<FeedbackItem> items;
    std::map<std::string, size_t> index;
    std::vector<std::vector<json>> reviews;
    for (const LogLine &l : lines) {
        const std::string kind = l.event["event"].get<std::string>();
        const std::string id = l.event["id"].get<std::string>();
        auto it = index.find(id);
        if (kind == "prediction") {
            if (it != index.end()) {
                if (problems)
                    problems->push_back(
                        Message::tr("%1: line %2 repeats item %3; the repetition is skipped", path, l.number, id));
                continue;
            }
            index[id] = items.size();
            items.push_back(itemFromPrediction(l.event));
            reviews.emplace_back();
            continue;
        }
        if (it == index.end() || (kind != "review" && kind != "undo")) {
            if (problems)
                problems->push_back(
                    it == index.end()
                        ? Message::tr("%1: line %2 refers to item %3, which has no earlier prediction; it is skipped",
                                      path, l.number, id)
                        : Message::tr("%1: line %2 has an unknown event '%3'; it is skipped", path, l.number, kind));
            continue;
        }
        auto &stack = reviews[it->second];
        if (kind == "review")
            stack.push_back(l.event);
        else if (!stack.empty())
            stack.pop_back();
        applyReview(items[it->second], stack.empty() ? nullptr : &stack.back());
    }
    return items;
}

json predictionJson(const Prediction &p)
{
    json out = json::object();
    if (p.regression) {
        out["value"] = p.value;
        return out;
    }
    json top = json::array();
    for (const ClassScore &c : p.top)
        top.push_back({{"index", c.index}, {"name", c.name}, {"probability", c.probability}});
    out["top"] = top;
    return out;
}

} // namespace

FeedbackStore::FeedbackStore(std::string dir) : dir_(std::move(dir)) {}

std::string FeedbackStore::logPath() const { return (fs::path(dir_) / "feedback.jsonl").string(); }

std::vector<FeedbackItem> FeedbackStore::items(std::vector<Message> *problems) const
{
    return fold(readLog(logPath(), problems), logPath(), problems);
}

std::vector<FeedbackItem> FeedbackStore::list(const FeedbackFilter &filter) const
{
    std::vector<FeedbackItem> out;
    for (FeedbackItem &item : items()) {
        const std::string &s = filter.state;
        if ((s == "unreviewed" && item.reviewed()) || (s == "reviewed" && !item.reviewed())
            || ((s == "right" || s == "wrong") && item.verdict != s))
            continue;
        if (filter.label >= 0 && (item.reviewed() ? item.label : item.predictedClass()) != filter.label)
            continue;
        if (!filter.version.empty() && item.version != filter.version)
            continue;
        out.push_back(std::move(item));
    }
    return out;
}

FeedbackCounts FeedbackStore::counts(int numClasses) const
{
    FeedbackCounts c;
    c.perClass.assign(size_t(std::max(0, numClasses)), 0);
    c.wrongPerClass.assign(size_t(std::max(0, numClasses)), 0);
    for (const FeedbackItem &item : items()) {
        ++c.items;
        if (!item.reviewed())
            continue;
        ++c.reviewed;
        ++(item.verdict == "right" ? c.right : c.wrong);
        if (item.label < 0)
            continue;
        if (size_t(item.label) >= c.perClass.size()) {
            c.perClass.resize(size_t(item.label) + 1, 0);
            c.wrongPerClass.resize(size_t(item.label) + 1, 0);
        }
        ++c.perClass[size_t(item.label)];
        if (item.verdict == "wrong")
            ++c.wrongPerClass[size_t(item.label)];
    }
    return c;
}

std::optional<FeedbackItem> FeedbackStore::find(const std::string &id) const
{
    for (FeedbackItem &item : items())
        if (item.id == id)
            return std::move(item);
    return std::nullopt;
}

FeedbackInput FeedbackStore::storeInput(const std::string &source, const std::string &bytes,
                                        const std::string &extension)
{
    FeedbackInput in;
    in.source = source;
    in.sha256 = sha256Hex(bytes);
    in.file = "inputs/" + in.sha256 + extension;
    const fs::path target = fs::path(dir_) / in.file;
    std::error_code ec;
    // An identical input is stored once: the name is its digest.
    if (!(fs::is_regular_file(target, ec) && fs::file_size(target, ec) == bytes.size())) {
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            throw WriteError(
                Message::tr("%1: cannot create the folder: %2", target.parent_path().string(), ec.message()));
        writeBytesAtomically(target.string(), bytes);
    }
    crashPoint("feedback:after-input");
    return in;
}

FeedbackInput FeedbackStore::inputFor(const std::string &inputPath, const json &row)
{
    if (!row.is_null()) {
        FeedbackInput in;
        in.source = inputPath;
        in.row = row;
        in.sha256 = sha256Hex(row.dump());
        return in;
    }
    requireRegularFile(inputPath);
    return storeInput(inputPath, readTextFile(inputPath), lowerExtension(inputPath));
}

FeedbackItem FeedbackStore::appendPrediction(const std::string &version, const FeedbackInput &input,
                                             const Prediction *prediction, const json &review)
{
    json in = {{"file", input.file}, {"source", input.source}, {"sha256", input.sha256}};
    if (!input.row.is_null())
        in["row"] = input.row;
    json event = {{"event", "prediction"}, {"id", newItemId()},
                  {"time", isoTimeNow()},  {"version", version},
                  {"input", in},           {"prediction", prediction ? predictionJson(*prediction) : json::object()}};
    std::string lines = eventLine(event);
    if (!review.is_null()) {
        json r = review;
        r["event"] = "review";
        r["id"] = event["id"];
        r["time"] = event["time"];
        lines += eventLine(r);
    }
    LockedLog(logPath()).append(lines);
    FeedbackItem item = itemFromPrediction(event);
    if (!review.is_null())
        applyReview(item, &review);
    return item;
}

FeedbackItem FeedbackStore::logPrediction(const std::string &version, const std::string &inputPath,
                                          const Prediction &prediction, const json &row)
{
    return appendPrediction(version, inputFor(inputPath, row), &prediction, nullptr);
}

FeedbackItem FeedbackStore::logPredictionData(const std::string &version, const std::string &source,
                                              const std::string &bytes, const std::string &extension,
                                              const Prediction &prediction)
{
    return appendPrediction(version, storeInput(source, bytes, extension), &prediction, nullptr);
}

FeedbackItem FeedbackStore::addCorrection(const std::string &inputPath, int label, const std::string &labelName,
                                          const json &row)
{
    if (label < 0)
        throw EngineError(Message::tr("%1: the label must be a class number from 0 or a class name", inputPath));
    const json review = {{"verdict", "wrong"}, {"label", label}, {"label_name", labelName}};
    FeedbackItem item = appendPrediction("", inputFor(inputPath, row), nullptr, review);
    item.reviewedAt = item.time;
    return item;
}

FeedbackItem FeedbackStore::addCorrectionValue(const std::string &inputPath, double value, const json &row)
{
    if (!std::isfinite(value))
        throw EngineError(Message::tr("%1: the correct value must be a finite number", inputPath));
    const json review = {{"verdict", "wrong"}, {"value", value}};
    FeedbackItem item = appendPrediction("", inputFor(inputPath, row), nullptr, review);
    item.reviewedAt = item.time;
    return item;
}

namespace {

FeedbackItem requireItem(const FeedbackStore &store, const std::string &id)
{
    auto item = store.find(id);
    if (!item)
        throw EngineError(Message::tr("%1: no feedback item has the id '%2'", store.logPath(), id));
    return *item;
}

void appendEvent(const FeedbackStore &store, json event)
{
    event["time"] = isoTimeNow();
    LockedLog(store.logPath()).append(eventLine(event));
}

} // namespace

void FeedbackStore::markRight(const std::string &id)
{
    const FeedbackItem item = requireItem(*this, id);
    if (!item.predicted)
        throw EngineError(
            Message::tr("item %1 has no prediction to confirm; mark it wrong with the correct label", id));
    json e = {{"event", "review"}, {"id", id}, {"verdict", "right"}};
    if (item.regression && item.top.empty())
        e["value"] = item.value;
    else
        e["label"] = item.predictedClass(), e["label_name"] = item.top.front().name;
    appendEvent(*this, e);
}

void FeedbackStore::markWrong(const std::string &id, int label, const std::string &labelName)
{
    requireItem(*this, id);
    if (label < 0)
        throw EngineError(Message::tr("item %1: the correct class must be a number from 0, got %2", id, label));
    appendEvent(*this,
                {{"event", "review"}, {"id", id}, {"verdict", "wrong"}, {"label", label}, {"label_name", labelName}});
}

void FeedbackStore::markWrongValue(const std::string &id, double value)
{
    requireItem(*this, id);
    if (!std::isfinite(value))
        throw EngineError(Message::tr("item %1: the correct value must be a finite number", id));
    appendEvent(*this, {{"event", "review"}, {"id", id}, {"verdict", "wrong"}, {"value", value}});
}

void FeedbackStore::undoReview(const std::string &id)
{
    const FeedbackItem item = requireItem(*this, id);
    if (!item.reviewed())
        throw EngineError(Message::tr("item %1 has no review to undo", id));
    appendEvent(*this, {{"event", "undo"}, {"id", id}});
}

int FeedbackStore::importFrom(const std::string &other)
{
    std::error_code ec;
    const bool isDir = fs::is_directory(other, ec);
    const std::string log = isDir ? (fs::path(other) / "feedback.jsonl").string() : other;
    if (!fs::exists(log, ec))
        throw EngineError(Message::tr("%1: no feedback log here (expected a feedback store folder or a "
                                      "feedback.jsonl file)",
                                      log));
    if (fs::exists(logPath(), ec) && fs::equivalent(log, logPath(), ec))
        return 0;
    const fs::path otherDir = fs::path(log).parent_path();
    std::vector<Message> problems;
    const std::vector<LogLine> lines = readLog(log, &problems);
    std::set<std::string> present;
    for (const FeedbackItem &item : items())
        present.insert(item.id);
    // Each new item's events, in file order; an event of an item without a prediction is dropped.
    std::set<std::string> fresh;
    std::string out;
    for (const LogLine &l : lines) {
        const std::string id = l.event["id"].get<std::string>();
        if (present.count(id))
            continue;
        if (l.event["event"] == "prediction") {
            if (fresh.count(id))
                continue;
            fresh.insert(id);
            // Its input first, so the event never names a file that is not there.
            const std::string file = l.event.contains("input") ? str(l.event["input"], "file") : "";
            if (!file.empty() && file.find("..") == std::string::npos && file.rfind("inputs/", 0) == 0) {
                const fs::path from = otherDir / file, to = fs::path(dir_) / file;
                if (fs::is_regular_file(from, ec) && !fs::exists(to, ec)) {
                    fs::create_directories(to.parent_path(), ec);
                    writeBytesAtomically(to.string(), readTextFile(from.string()));
                }
            }
        } else if (!fresh.count(id)) {
            continue;
        }
        out += eventLine(l.event);
    }
    if (!out.empty())
        LockedLog(logPath()).append(out);
    return int(fresh.size());
}

std::string FeedbackStore::inputPath(const FeedbackItem &item) const
{
    // Only a file directly in inputs/: a log brought in from elsewhere cannot point outside.
    const std::string &f = item.input.file;
    if (f.rfind("inputs/", 0) != 0 || f.size() <= 7 || f.find('/', 7) != std::string::npos
        || f.find("..") != std::string::npos || f.find('\0') != std::string::npos)
        return {};
    return (fs::path(dir_) / f).string();
}

std::string feedbackDir(const Project &project)
{
    if (project.filePath.empty())
        return {};
    const fs::path file(project.filePath);
    return (file.parent_path() / "feedback" / file.stem()).string();
}

bool feedbackHeldOut(const std::string &itemId, double holdout)
{
    if (!(holdout > 0))
        return false;
    if (holdout >= 1)
        return true;
    const std::string h = sha256Hex(itemId);
    const uint32_t v = uint32_t(std::stoul(h.substr(0, 8), nullptr, 16));
    return double(v) / 4294967296.0 < holdout;
}

std::string bundleVersion(const std::string &bundleDir)
{
    std::error_code ec;
    const fs::path dir = fs::absolute(bundleDir, ec).lexically_normal();
    fs::path parent = dir.has_filename() ? dir.parent_path() : dir.parent_path().parent_path();
    for (const fs::path &candidate : {parent / "version.json", dir / "version.json"}) {
        if (!fs::is_regular_file(candidate, ec))
            continue;
        const json v = json::parse(readTextFile(candidate.string()), nullptr, false);
        if (v.is_object() && v.contains("id") && v["id"].is_string())
            return v["id"].get<std::string>();
    }
    const fs::path manifest = dir / "manifest.json";
    if (fs::is_regular_file(manifest, ec)) {
        const json m = json::parse(readTextFile(manifest.string()), nullptr, false);
        if (m.is_object() && m.contains("source") && m["source"].is_object())
            return str(m["source"], "run");
    }
    return {};
}

} // namespace torchwright
