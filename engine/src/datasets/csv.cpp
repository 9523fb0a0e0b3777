// The csv format: a table whose rows are samples. /dataset/path is the folder, /dataset/csv/file
// the table in it (plain or .gz), /dataset/csv/test_file a separate test table or, when empty,
// /dataset/csv/test_fraction of the rows held out (seeded by /dataset/split_seed, stratified by
// class). The user picks the target column and the feature columns (by name or 0-based index).
//
// The columns are encoded from the training rows only: a numeric column is standardised with its
// own mean and std, a categorical one (mostly non-numeric values) becomes one-hot over its
// categories; the encoders go into the run's preprocessing record ({"table": ...}) so that predict
// and exports transform rows exactly alike. Classification targets (strings or integers) become
// classes, named by scikit-learn's count line when it names them, and must match the project's
// num_classes and class_names; a regression target is a float. A row with a missing or
// non-numeric value where a number belongs is listed (file and line) and skipped, never dropped
// silently; a ragged row, an empty table or an unknown column is an error naming the file (and line).

#include "csvreader.h"
#include "datasetreader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest table read (inflated): far beyond any table trained in memory here.
constexpr size_t kMaxTableBytes = size_t(4) << 30;
// Rows kept for the preview.
constexpr size_t kPreviewRows = 20;

std::string trimmed(const std::string &s)
{
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        --e;
    return s.substr(b, e - b);
}

std::string numberText(double v)
{
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

bool isInteger(const std::string &s, int64_t &v)
{
    const std::string t = trimmed(s);
    if (t.empty() || t.size() > 18)
        return false;
    size_t i = t[0] == '-' ? 1 : 0;
    if (i == t.size())
        return false;
    for (size_t k = i; k < t.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(t[k])))
            return false;
    v = std::stoll(t);
    return true;
}

char delimiterOf(const std::string &name)
{
    if (name == "comma")
        return ',';
    if (name == "semicolon")
        return ';';
    if (name == "tab")
        return '\t';
    return 0;
}

std::string delimiterName(char d) { return d == ';' ? "semicolon" : d == '\t' ? "tab" : "comma"; }

// "a, b, c" for a message, cut after `most` names.
std::string nameList(const std::vector<std::string> &names, size_t most = 20)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < most; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > most)
        s += ", ... (" + std::to_string(names.size()) + " in all)";
    return s;
}

// How a file's rows are laid out: where the data begin and what the columns are called.
struct Layout {
    std::string path;
    CsvTable table;
    size_t first = 0;                        // the first data row in table.rows
    bool header = false;                     // table.rows[first - 1] named the columns
    int skipped = 0;                         // rows before the header (or the data)
    std::vector<std::string> columns;        // the header's names, or "0", "1", ...
    std::vector<std::string> countLineNames; // class names on a scikit-learn count line

    size_t dataRows() const { return table.rows.size() - first; }
    int64_t line(size_t row) const { return table.lines[row]; }
};

// scikit-learn's count line: "N,F[,class names]" before the header or the data, where N is the
// number of rows after it (not counting a header) and F the number of feature columns (one fewer
// than the columns, or all of them); any other fields are empty or names.
bool isCountLine(const CsvTable &t)
{
    if (t.rows.size() < 2 || t.rows[0].size() < 2)
        return false;
    const auto &row = t.rows[0];
    int64_t n = 0, f = 0;
    if (!isInteger(row[0], n) || !isInteger(row[1], f) || n < 0 || f < 1)
        return false;
    const int64_t columns = int64_t(t.rows[1].size());
    const int64_t after = int64_t(t.rows.size()) - 1;
    if ((f != columns - 1 && f != columns) || (n != after && n != after - 1))
        return false;
    double v = 0;
    for (size_t i = 2; i < row.size(); ++i)
        if (parseCsvNumber(row[i], v))
            return false;
    return true;
}

Layout readLayout(const std::string &path, const CsvSettings &s, char delimiter, const ImportControl &control)
{
    Layout l;
    l.path = path;
    const std::string bytes = readCsvFile(path, kMaxTableBytes);
    if (control.cancelled())
        throw ImportCancelled();
    l.table = parseCsv(bytes, path, delimiter);
    const auto &rows = l.table.rows;
    if (rows.empty())
        throw EngineError(Message::tr("%1: the table is empty: it holds no rows", path));
    if (s.skipRows >= 0) {
        l.skipped = s.skipRows;
    } else if (isCountLine(l.table)) {
        l.skipped = 1;
        for (size_t i = 2; i < rows[0].size(); ++i) {
            const std::string name = trimmed(rows[0][i]);
            double v = 0;
            if (!name.empty() && !parseCsvNumber(name, v))
                l.countLineNames.push_back(name);
        }
    }
    if (size_t(l.skipped) >= rows.size())
        throw EngineError(Message::tr("%1: the table has %2 row(s), and /dataset/csv/skip_rows skips %3: no rows are "
                                      "left",
                                      path, rows.size(), l.skipped));
    const size_t h = size_t(l.skipped);
    if (s.header == "yes") {
        l.header = true;
    } else if (s.header == "auto") {
        // A header names columns: some field of it is not a number where the next row's is, or
        // (a table of one row) some field is not a number.
        const auto &row = rows[h];
        double v = 0;
        if (h + 1 < rows.size()) {
            const auto &next = rows[h + 1];
            for (size_t i = 0; i < row.size() && i < next.size() && !l.header; ++i)
                l.header = !parseCsvNumber(row[i], v) && parseCsvNumber(next[i], v);
        } else {
            for (size_t i = 0; i < row.size() && !l.header; ++i)
                l.header = !parseCsvNumber(row[i], v);
        }
    }
    l.first = h + (l.header ? 1 : 0);
    if (l.header) {
        for (const auto &name : rows[h])
            l.columns.push_back(trimmed(name));
    } else {
        for (size_t i = 0; i < rows[h].size(); ++i)
            l.columns.push_back(std::to_string(i));
    }
    if (l.first >= rows.size())
        throw EngineError(Message::tr("%1: the table has a header (line %2) but no data rows", path, l.line(h)));
    for (size_t r = l.first; r < rows.size(); ++r)
        if (rows[r].size() != l.columns.size())
            throw EngineError(l.header ? Message::tr("%1:%2: the row has %3 field(s) but the header (line %4) has %5; "
                                                     "every row needs one field per column",
                                                     path, l.line(r), rows[r].size(), l.line(h), l.columns.size())
                                       : Message::tr("%1:%2: the row has %3 field(s) but the first row (line %4) has "
                                                     "%5; every row needs one field per column",
                                                     path, l.line(r), rows[r].size(), l.line(h), l.columns.size()));
    return l;
}

// A column given by name (first) or 0-based index, or -1.
int findColumn(const std::vector<std::string> &columns, const std::string &spec)
{
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == spec)
            return int(i);
    int64_t index = 0;
    if (isInteger(spec, index)) {
        if (index < 0)
            index += int64_t(columns.size());
        if (index >= 0 && index < int64_t(columns.size()))
            return int(index);
    }
    return -1;
}

struct ColumnChoice {
    int target = -1;
    std::vector<int> features;
};

ColumnChoice chooseColumns(const Layout &l, const CsvSettings &s)
{
    ColumnChoice c;
    c.target = findColumn(l.columns, s.target);
    if (c.target < 0)
        throw EngineError(Message::tr("%1: there is no column '%2' for the target (/dataset/csv/target); the columns "
                                      "are: %3",
                                      l.path, s.target, nameList(l.columns)));
    if (s.features.empty()) {
        for (size_t i = 0; i < l.columns.size(); ++i)
            if (int(i) != c.target)
                c.features.push_back(int(i));
    } else {
        for (size_t k = 0; k < s.features.size(); ++k) {
            const int i = findColumn(l.columns, s.features[k]);
            if (i < 0)
                throw EngineError(Message::tr("%1: there is no column '%2' (/dataset/csv/features/%3); the columns "
                                              "are: %4",
                                              l.path, s.features[k], k, nameList(l.columns)));
            if (i == c.target)
                throw EngineError(Message::tr("%1: the column '%2' is both the target and a feature "
                                              "(/dataset/csv/features/%3)",
                                              l.path, l.columns[size_t(i)], k));
            c.features.push_back(i);
        }
    }
    if (c.features.empty())
        throw EngineError(Message::tr("%1: no feature columns are left besides the target '%2'", l.path,
                                      l.columns[size_t(c.target)]));
    return c;
}

// One column's encoder, fitted on the training rows.
struct Encoder {
    std::string name;
    int index = 0;
    bool numeric = true;
    double mean = 0, std = 1;
    std::vector<std::string> categories;
    int64_t width() const { return numeric ? 1 : int64_t(categories.size()); }
};

// A column is numeric when at least as many of its (non-empty) values are numbers as are not;
// then every value that is not a number marks a bad row.
bool numericColumn(const Layout &l, int column)
{
    int64_t numbers = 0, others = 0;
    double v = 0;
    for (size_t r = l.first; r < l.table.rows.size(); ++r) {
        const std::string &f = l.table.rows[r][size_t(column)];
        if (trimmed(f).empty())
            continue;
        (parseCsvNumber(f, v) ? numbers : others) += 1;
    }
    return numbers >= others;
}

// The reason a row cannot be used, or an empty Message.
Message rowProblem(const Layout &l, size_t r, const std::vector<Encoder> &features, int target, bool regression)
{
    const auto &row = l.table.rows[r];
    double v = 0;
    for (const Encoder &e : features) {
        const std::string &f = row[size_t(e.index)];
        if (trimmed(f).empty())
            return Message::tr("the value of '%1' is missing", e.name);
        if (e.numeric && !parseCsvNumber(f, v))
            return Message::tr("'%1' is not a number in the numeric column '%2'", f, e.name);
    }
    const std::string &t = row[size_t(target)];
    if (trimmed(t).empty())
        return Message::tr("the target '%1' is missing", l.columns[size_t(target)]);
    if (regression && !parseCsvNumber(t, v))
        return Message::tr("the target '%1' is not a number in the column '%2'", t, l.columns[size_t(target)]);
    return {};
}

// Classes: the distinct target values (named by a count line when it names them), sorted
// (numerically when every value is an integer), or the project's class_names.
struct Classes {
    std::vector<std::string> names;        // in label order
    std::map<std::string, int64_t> byName; // name -> label
    std::vector<std::string> countLineNames;

    std::string nameOf(const std::string &value) const
    {
        int64_t i = 0;
        const std::string v = trimmed(value);
        if (!countLineNames.empty() && isInteger(v, i) && i >= 0 && i < int64_t(countLineNames.size()))
            return countLineNames[size_t(i)];
        return v;
    }
};

struct Fitted {
    std::vector<Encoder> features;
    int target = -1;
    std::string targetName;
    bool regression = false;
    Classes classes;
    int64_t width = 0;
};

Classes findClasses(const Layout &l, const std::vector<size_t> &rows, int target, const Project &p)
{
    Classes c;
    // A count line names the classes when the targets are the integers 0..names-1.
    bool named = !l.countLineNames.empty();
    for (size_t r : rows) {
        int64_t v = 0;
        if (!isInteger(l.table.rows[r][size_t(target)], v) || v < 0 || v >= int64_t(l.countLineNames.size()))
            named = false;
    }
    if (named)
        c.countLineNames = l.countLineNames;
    std::vector<std::string> found;
    std::set<std::string> seen;
    const int limit = p.dataset.csv.maxClasses;
    for (size_t r : rows) {
        const std::string name = c.nameOf(l.table.rows[r][size_t(target)]);
        if (seen.insert(name).second) {
            found.push_back(name);
            if (int64_t(found.size()) > limit)
                throw EngineError(Message::tr("%1:%2: the target column '%3' has more than %4 distinct values (this "
                                              "row brings value %5, '%6'): is it an identifier or a real value? Pick "
                                              "another target, set /dataset/csv/task to \"regression\", or raise "
                                              "/dataset/csv/max_classes",
                                              l.path, l.line(r), l.columns[size_t(target)], limit, found.size(), name));
        }
    }
    if (!p.dataset.classNames.empty()) {
        c.names = p.dataset.classNames;
        std::vector<std::string> unknown;
        for (const auto &name : found)
            if (std::find(c.names.begin(), c.names.end(), name) == c.names.end())
                unknown.push_back(name);
        if (!unknown.empty())
            throw EngineError(Message::tr("%1: the target column '%2' holds the value(s) %3 that /dataset/class_names "
                                          "(%4) does not name",
                                          l.path, l.columns[size_t(target)], nameList(unknown), nameList(c.names)));
    } else {
        c.names = found;
        bool integers = true;
        int64_t v = 0;
        for (const auto &n : found)
            integers = integers && isInteger(n, v);
        if (named)
            c.names = c.countLineNames; // their own order: label i is the i-th name
        else if (integers)
            std::sort(c.names.begin(), c.names.end(),
                      [](const std::string &a, const std::string &b) { return std::stoll(a) < std::stoll(b); });
        else
            std::sort(c.names.begin(), c.names.end());
        if (int(c.names.size()) != p.dataset.numClasses) {
            json names(c.names);
            throw EngineError(Message::tr("%1: the target column '%2' has %3 classes (%4) but /dataset/num_classes is "
                                          "%5; set num_classes to %3 and class_names to %6",
                                          l.path, l.columns[size_t(target)], c.names.size(), nameList(c.names),
                                          p.dataset.numClasses, names.dump()));
        }
    }
    for (size_t i = 0; i < c.names.size(); ++i)
        c.byName[c.names[i]] = int64_t(i);
    return c;
}

std::string resolveFile(const Project &p, const std::string &file)
{
    if (file.empty() || fs::path(file).is_absolute())
        return fs::path(file).lexically_normal().string();
    return (fs::path(p.datasetPath()) / file).lexically_normal().string();
}

uint64_t splitmix64(uint64_t x)
{
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Rows chosen for the test split: round(fraction * n) of each class (of all rows for a
// regression), those whose key splitmix64(seed ^ splitmix64(line)) is smallest (ties by line), so
// that the exported Python program draws exactly the same rows; both lists keep the file's order.
void splitRows(const Layout &l, const std::vector<size_t> &rows, const Fitted &f, double fraction, uint64_t seed,
               std::vector<size_t> &train, std::vector<size_t> &test)
{
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t r : rows)
        groups[f.regression ? std::string() : f.classes.nameOf(l.table.rows[r][size_t(f.target)])].push_back(r);
    std::vector<size_t> chosen;
    for (auto &[key, group] : groups) {
        std::vector<std::pair<uint64_t, size_t>> order;
        for (size_t r : group)
            order.push_back({splitmix64(seed ^ splitmix64(uint64_t(l.line(r)))), r});
        std::sort(order.begin(), order.end());
        const size_t n = std::min(size_t(std::llround(fraction * double(order.size()))), order.size());
        for (size_t i = 0; i < n; ++i)
            chosen.push_back(order[i].second);
    }
    std::sort(chosen.begin(), chosen.end());
    for (size_t r : rows)
        (std::binary_search(chosen.begin(), chosen.end(), r) ? test : train).push_back(r);
}

void fitEncoders(const Layout &l, const std::vector<size_t> &rows, Fitted &f)
{
    for (Encoder &e : f.features) {
        if (e.numeric) {
            double sum = 0, sq = 0, v = 0;
            for (size_t r : rows) {
                parseCsvNumber(l.table.rows[r][size_t(e.index)], v);
                sum += v;
            }
            const double n = double(std::max<size_t>(rows.size(), 1));
            e.mean = sum / n;
            for (size_t r : rows) {
                parseCsvNumber(l.table.rows[r][size_t(e.index)], v);
                sq += (v - e.mean) * (v - e.mean);
            }
            e.std = std::sqrt(sq / n);
            if (!std::isfinite(e.mean) || !std::isfinite(e.std))
                throw EngineError(Message::tr("%1: the numeric column '%2' holds values too large to standardise "
                                              "(their mean or spread is not a finite number)",
                                              l.path, e.name));
            if (!(e.std > 1e-12))
                e.std = 1; // a constant column stays at 0 after centring
        } else {
            std::set<std::string> cats;
            for (size_t r : rows)
                cats.insert(trimmed(l.table.rows[r][size_t(e.index)]));
            e.categories.assign(cats.begin(), cats.end());
        }
    }
    f.width = 0;
    for (const Encoder &e : f.features)
        f.width += e.width();
}

// The row's features, encoded into `out` (width floats). Returns the number of categorical
// values not seen in training (encoded as all zeros).
int encodeRow(const std::vector<std::string> &row, const std::vector<Encoder> &features, const std::vector<int> &at,
              float *out)
{
    int unknown = 0;
    size_t k = 0;
    for (size_t i = 0; i < features.size(); ++i) {
        const Encoder &e = features[i];
        const std::string &field = row[size_t(at[i])];
        if (e.numeric) {
            double v = 0;
            parseCsvNumber(field, v);
            out[k++] = float((v - e.mean) / e.std);
        } else {
            const std::string value = trimmed(field);
            auto it = std::lower_bound(e.categories.begin(), e.categories.end(), value);
            const bool known = it != e.categories.end() && *it == value;
            for (size_t c = 0; c < e.categories.size(); ++c)
                out[k + c] = known && size_t(it - e.categories.begin()) == c ? 1.0f : 0.0f;
            unknown += known ? 0 : 1;
            k += e.categories.size();
        }
    }
    return unknown;
}

json recordOf(const Layout &l, const Fitted &f, const std::string &file)
{
    json features = json::array();
    for (const Encoder &e : f.features) {
        json j = {{"name", e.name}, {"index", e.index}, {"kind", e.numeric ? "numeric" : "categorical"}};
        if (e.numeric) {
            j["mean"] = e.mean;
            j["std"] = e.std;
        } else {
            j["categories"] = e.categories;
        }
        features.push_back(j);
    }
    json target = {
        {"name", f.targetName}, {"index", f.target}, {"task", f.regression ? "regression" : "classification"}};
    if (!f.regression) {
        target["classes"] = f.classes.names;
        if (!f.classes.countLineNames.empty())
            target["count_line_names"] = f.classes.countLineNames;
    }
    return json{{"table",
                 {{"file", file},
                  {"delimiter", delimiterName(l.table.delimiter)},
                  {"header", l.header},
                  {"skip_rows", l.skipped},
                  {"columns", l.columns},
                  {"features", features},
                  {"width", f.width},
                  {"target", target}}}};
}

// Encodes `rows` of `l` (already checked) into a split.
RawSplit encode(const Layout &l, const std::vector<size_t> &rows, const Fitted &f, const std::vector<int> &at,
                int target, const ImportControl &control, RawInfo info)
{
    RawSplit s;
    const int64_t n = int64_t(rows.size());
    s.inputs = torch::empty({n, f.width}, torch::kFloat32);
    s.labels = torch::empty({n}, f.regression ? torch::kFloat32 : torch::kInt64);
    float *x = s.inputs.data_ptr<float>();
    int64_t unknown = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (i % 4096 == 0) {
            if (control.cancelled())
                throw ImportCancelled();
            control.report(i, n);
        }
        const auto &row = l.table.rows[rows[size_t(i)]];
        unknown += encodeRow(row, f.features, at, x + i * f.width);
        const std::string &t = row[size_t(target)];
        if (f.regression) {
            double v = 0;
            parseCsvNumber(t, v);
            s.labels.data_ptr<float>()[i] = float(v);
        } else {
            s.labels.data_ptr<int64_t>()[i] = f.classes.byName.at(f.classes.nameOf(t));
        }
    }
    control.report(n, n);
    if (unknown > 0)
        info.warnings.push_back(Message::tr("%1: %2 categorical value(s) were not seen in the training rows and are "
                                            "encoded as no category",
                                            l.path, unknown));
    s.info = std::move(info);
    return s;
}

// Everything both splits need: the tables read, the columns chosen, the encoders fitted on the
// training rows, and which rows go where.
struct Prepared {
    Layout train;
    std::unique_ptr<Layout> testFile; // null: the test rows come from `train`
    Fitted fitted;
    std::vector<size_t> trainRows, testRows;
    std::vector<int> trainAt, testAt; // feature columns in each file
    int testTarget = -1;
    std::vector<SkippedInput> trainSkipped, testSkipped;
};

std::vector<size_t> checkedRows(const Layout &l, const std::vector<Encoder> &features, int target, bool regression,
                                std::vector<SkippedInput> &skipped)
{
    std::vector<size_t> good;
    for (size_t r = l.first; r < l.table.rows.size(); ++r) {
        Message problem = rowProblem(l, r, features, target, regression);
        if (problem.empty())
            good.push_back(r);
        else
            skipped.push_back({l.path, l.line(r), std::move(problem)});
    }
    return good;
}

Prepared prepare(const Project &p, const ImportControl &control)
{
    const CsvSettings &s = p.dataset.csv;
    Prepared out;
    out.train = readLayout(resolveFile(p, s.file), s, delimiterOf(s.delimiter), control);
    const Layout &l = out.train;
    const ColumnChoice cols = chooseColumns(l, s);
    Fitted &f = out.fitted;
    f.target = cols.target;
    f.targetName = l.columns[size_t(cols.target)];
    f.regression = s.task == "regression";
    for (int i : cols.features) {
        Encoder e;
        e.name = l.columns[size_t(i)];
        e.index = i;
        e.numeric = numericColumn(l, i);
        f.features.push_back(e);
    }
    out.trainAt = cols.features;
    std::vector<size_t> good = checkedRows(l, f.features, f.target, f.regression, out.trainSkipped);
    if (good.empty())
        throw EngineError(Message::tr("%1: none of the %2 data row(s) can be used (the first problem, line %3: %4)",
                                      l.path, l.dataRows(), out.trainSkipped.front().line,
                                      out.trainSkipped.front().reason));
    if (!f.regression)
        f.classes = findClasses(l, good, f.target, p);
    if (s.testFile.empty()) {
        splitRows(l, good, f, s.testFraction, p.dataset.splitSeed, out.trainRows, out.testRows);
        if (out.trainRows.empty())
            throw EngineError(
                Message::tr("%1: /dataset/csv/test_fraction leaves no training rows out of %2", l.path, good.size()));
    } else {
        out.trainRows = good;
        out.testFile =
            std::make_unique<Layout>(readLayout(resolveFile(p, s.testFile), s, delimiterOf(s.delimiter), control));
        const Layout &t = *out.testFile;
        // The test table's columns by the training table's names (or positions, without a header).
        auto locate = [&](int index) {
            const int i = l.header && t.header ? findColumn(t.columns, l.columns[size_t(index)]) : index;
            if (i < 0 || i >= int(t.columns.size()))
                throw EngineError(Message::tr("%1: the test table has no column '%2', which the training table %3 has",
                                              t.path, l.columns[size_t(index)], l.path));
            return i;
        };
        out.testTarget = locate(f.target);
        std::vector<Encoder> testFeatures = f.features;
        for (size_t k = 0; k < cols.features.size(); ++k) {
            out.testAt.push_back(locate(cols.features[k]));
            testFeatures[k].index = out.testAt.back();
        }
        for (size_t r : checkedRows(t, testFeatures, out.testTarget, f.regression, out.testSkipped)) {
            if (!f.regression && !f.classes.byName.count(f.classes.nameOf(t.table.rows[r][size_t(out.testTarget)]))) {
                out.testSkipped.push_back({t.path, t.line(r),
                                           Message::tr("the class '%1' is not among the training table's classes",
                                                       trimmed(t.table.rows[r][size_t(out.testTarget)]))});
                continue;
            }
            out.testRows.push_back(r);
        }
    }
    fitEncoders(l, out.trainRows, f);
    const Shape want{f.width};
    if (p.dataset.sampleShape != want) {
        int64_t numeric = 0, categorical = 0, oneHot = 0;
        for (const Encoder &e : f.features) {
            (e.numeric ? numeric : categorical) += 1;
            oneHot += e.numeric ? 0 : e.width();
        }
        throw EngineError(Message::tr("%1: the features encode to %2 values per row (%3 numeric column(s), %4 one-hot "
                                      "value(s) for %5 categorical column(s)), but /dataset/sample_shape declares %6; "
                                      "set it to [%2]",
                                      l.path, f.width, numeric, oneHot, categorical,
                                      formatShape(p.dataset.sampleShape)));
    }
    return out;
}

RawInfo infoFor(const Layout &l, const std::vector<SkippedInput> &skipped, const Fitted &f, const std::string &file,
                bool withRecord)
{
    RawInfo info;
    info.skipped = skipped;
    if (!skipped.empty())
        info.warnings.push_back(Message::tr("%1: %2 row(s) skipped for missing or non-numeric values (the first, "
                                            "line %3: %4)",
                                            l.path, skipped.size(), skipped.front().line, skipped.front().reason));
    if (withRecord) {
        info.preprocessing = recordOf(l, f, file);
        info.columns = l.columns;
        for (size_t r = l.first; r < l.table.rows.size() && info.rows.size() < kPreviewRows; ++r)
            info.rows.push_back(l.table.rows[r]);
    }
    return info;
}

RawSplit trainSplit(const Project &p, const ImportControl &control)
{
    Prepared d = prepare(p, control);
    RawInfo info = infoFor(d.train, d.trainSkipped, d.fitted, p.dataset.csv.file, true);
    return encode(d.train, d.trainRows, d.fitted, d.trainAt, d.fitted.target, control, std::move(info));
}

RawSplit testSplit(const Project &p, const ImportControl &control)
{
    Prepared d = prepare(p, control);
    if (!d.testFile)
        return encode(d.train, d.testRows, d.fitted, d.trainAt, d.fitted.target, control, RawInfo{});
    RawInfo info = infoFor(*d.testFile, d.testSkipped, d.fitted, p.dataset.csv.testFile, false);
    return encode(*d.testFile, d.testRows, d.fitted, d.testAt, d.testTarget, control, std::move(info));
}

bool filesPresent(const Project &p, std::string *missing)
{
    for (const std::string &file : {p.dataset.csv.file, p.dataset.csv.testFile}) {
        if (file.empty())
            continue;
        const std::string path = resolveFile(p, file);
        if (!fs::exists(path)) {
            if (missing)
                *missing = path;
            return false;
        }
    }
    return true;
}

// Rows to predict, encoded with the run's record: a table with or without the target column,
// its columns found by name when it has a header, else by position (all the training table's
// columns, or just the features in order).
torch::Tensor predictRows(const json &record, const std::string &path, std::vector<std::string> &sources,
                          const ImportControl &control)
{
    if (!record.contains("table") || !record["table"].is_object())
        throw EngineError(Message::tr("%1: the run's preprocessing record has no table encoders; it was not trained "
                                      "on a table",
                                      path));
    const json &t = record["table"];
    Fitted f;
    std::vector<std::string> trainColumns;
    try {
        trainColumns = t.at("columns").get<std::vector<std::string>>();
        for (const json &j : t.at("features")) {
            Encoder e;
            e.name = j.at("name").get<std::string>();
            e.index = j.at("index").get<int>();
            e.numeric = j.at("kind").get<std::string>() == "numeric";
            if (e.numeric) {
                e.mean = j.at("mean").get<double>();
                e.std = j.at("std").get<double>();
            } else {
                e.categories = j.at("categories").get<std::vector<std::string>>();
                std::sort(e.categories.begin(), e.categories.end());
            }
            f.features.push_back(e);
        }
        f.width = t.at("width").get<int64_t>();
    } catch (const json::exception &e) {
        throw EngineError(Message::tr("the run's table encoders are damaged: %1", e.what()));
    }
    // The record is read from a file: its parts must agree before any row is encoded with them.
    int64_t width = 0;
    for (const Encoder &e : f.features) {
        width += e.width();
        if (e.index < 0 || e.index >= int(trainColumns.size()) || (e.numeric && !(e.std > 0)))
            throw EngineError(Message::tr("the run's table encoders are damaged: feature '%1'", e.name));
    }
    if (width != f.width || f.features.empty())
        throw EngineError(Message::tr("the run's table encoders are damaged: they encode %1 values, the record says %2",
                                      width, f.width));
    // The first row is a header when it names every feature column; then columns go by name.
    CsvSettings s;
    s.delimiter = t.value("delimiter", "auto");
    s.header = "no";
    Layout l = readLayout(path, s, delimiterOf(s.delimiter), control);
    std::vector<std::string> first;
    for (const auto &field : l.table.rows[l.first])
        first.push_back(trimmed(field));
    bool byName = true;
    for (const Encoder &e : f.features)
        byName = byName && std::find(first.begin(), first.end(), e.name) != first.end();
    if (byName) {
        l.header = true;
        l.columns = first;
        ++l.first;
    }
    std::vector<int> at;
    for (size_t k = 0; k < f.features.size(); ++k) {
        const Encoder &e = f.features[k];
        if (byName)
            at.push_back(findColumn(l.columns, e.name));
        else if (l.columns.size() == trainColumns.size())
            at.push_back(e.index);
        else if (l.columns.size() == f.features.size())
            at.push_back(int(k));
        else
            throw EngineError(Message::tr(
                "%1: the rows have %2 field(s); the model reads %3 feature column(s) (%4), "
                "so give rows of %5 fields, of the %3 features in that order, or a header "
                "naming them",
                path, l.columns.size(), f.features.size(),
                [&] {
                    std::vector<std::string> names;
                    for (const Encoder &x : f.features)
                        names.push_back(x.name);
                    return nameList(names);
                }(),
                trainColumns.size()));
    }
    const int64_t n = int64_t(l.dataRows());
    torch::Tensor x = torch::empty({n, f.width}, torch::kFloat32);
    double v = 0;
    for (int64_t i = 0; i < n; ++i) {
        const size_t r = l.first + size_t(i);
        const auto &row = l.table.rows[r];
        for (size_t k = 0; k < f.features.size(); ++k) {
            const Encoder &e = f.features[k];
            const std::string &field = row[size_t(at[k])];
            if (trimmed(field).empty())
                throw EngineError(Message::tr("%1:%2: the value of '%3' is missing", path, l.line(r), e.name));
            if (e.numeric && !parseCsvNumber(field, v))
                throw EngineError(Message::tr("%1:%2: '%3' is not a number in the numeric column '%4'", path, l.line(r),
                                              field, e.name));
        }
        encodeRow(row, f.features, at, x.data_ptr<float>() + i * f.width);
        sources.push_back(path + ":" + std::to_string(l.line(r)));
        if (i % 4096 == 0 && control.cancelled())
            throw ImportCancelled();
    }
    return x;
}

} // namespace

DatasetFormat csvFormat()
{
    DatasetFormat d;
    d.name = "csv";
    d.label = "CSV table";
    d.description = "a table (CSV, plain or .gz) in the dataset folder: each row a sample, one target column (a "
                    "class or a number) and feature columns, numeric or categorical";
    d.settings = {"/dataset/csv/file",       "/dataset/csv/test_file", "/dataset/csv/test_fraction",
                  "/dataset/csv/features",   "/dataset/csv/target",    "/dataset/csv/task",
                  "/dataset/csv/delimiter",  "/dataset/csv/header",    "/dataset/csv/skip_rows",
                  "/dataset/csv/max_classes"};
    // Features are standardised by the reader: nothing to scale.
    d.scale = [](DType) { return 1.0; };
    d.programReader = "datasets/csv.py";
    d.regression = [](const Project &p) { return p.dataset.csv.task == "regression"; };
    DatasetReader r;
    r.filesPresent = filesPresent;
    r.train = trainSplit;
    r.test = testSplit;
    r.testInputs = [](const Project &p) { return testSplit(p, {}).inputs; };
    r.predictInputs = predictRows;
    d.reader = std::make_shared<const DatasetReader>(std::move(r));
    return d;
}

} // namespace torchwright
