// Image lists: CSV files in the dataset folder (/dataset/path) whose columns name an image file
// (relative to the CSV file, or absolute) and its label, as Neural Network Console writes them:
//
//   x:image,y:label
//   images/0001.png,3
//
// /dataset/image_list/train_file (default train.csv) lists the training images and test_file the
// test images; with no test file, /dataset/image/test_fraction of each class of the training list
// is held out (seeded by /dataset/split_seed). The columns are found by their header
// (image_column, label_column; x:image and y:label by default). Labels are class numbers from 0
// when every label is a whole number (the project's /dataset/class_names name them), otherwise
// class names, numbered in sorted order and written into the project by `validate --fix`. A row
// without the two columns is skipped and listed with its line; decoding and caching are the image
// folder's (datasetcache.h).

#include "datasetcache.h"
#include "datasetreader.h"

#include "fileutil.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

// One CSV record's fields (RFC 4180: quotes around a field, "" for a quote inside one, commas and
// line breaks inside quotes). `pos` moves past the record; `line` counts the lines it spans.
std::vector<std::string> csvRecord(const std::string &text, size_t &pos, int64_t &line)
{
    std::vector<std::string> fields(1);
    bool quoted = false;
    while (pos < text.size()) {
        const char c = text[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < text.size() && text[pos] == '"') {
                    fields.back() += '"';
                    ++pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\r') {
            continue;
        } else if (c == '\n') {
            ++line;
            return fields;
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

struct ListRow {
    std::string image; // as written
    std::string label;
    int64_t line = 0;
};

struct List {
    std::string file;
    std::vector<ListRow> rows;
    std::vector<SkippedInput> skipped;
};

List readList(const Project &p, const std::string &name)
{
    List l;
    l.file = (fs::path(p.datasetPath()) / name).string();
    std::error_code ec;
    if (!fs::exists(l.file, ec))
        throw EngineError(Message::tr("%1: file not found", l.file));
    std::string text = readTextFile(l.file);
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3); // a UTF-8 byte order mark
    size_t pos = 0;
    int64_t line = 1;
    const std::vector<std::string> header = csvRecord(text, pos, line);
    if (header.size() == 1 && trim(header[0]).empty())
        throw EngineError(Message::tr("%1: empty file: expected a header naming the columns %2 and %3", l.file,
                                      p.dataset.image.imageColumn, p.dataset.image.labelColumn));
    std::string columns;
    for (const auto &h : header)
        columns += (columns.empty() ? "" : ", ") + trim(h);
    auto column = [&](const std::string &want) -> size_t {
        for (size_t i = 0; i < header.size(); ++i)
            if (trim(header[i]) == want)
                return i;
        throw EngineError(Message::tr("%1:1: no column \"%2\" (the columns are: %3); set "
                                      "/dataset/image_list/image_column and label_column",
                                      l.file, want, columns));
    };
    const size_t ci = column(p.dataset.image.imageColumn), cl = column(p.dataset.image.labelColumn);
    while (pos < text.size()) {
        const int64_t at = line;
        const std::vector<std::string> f = csvRecord(text, pos, line);
        if (f.size() == 1 && trim(f[0]).empty())
            continue; // a blank line
        if (f.size() <= std::max(ci, cl) || trim(f[ci]).empty() || trim(f[cl]).empty()) {
            l.skipped.push_back(
                {l.file, at,
                 Message::tr("%1:%2: the row has no image file or no label (%3 fields, the header has %4)", l.file, at,
                             int64_t(f.size()), int64_t(header.size()))});
            continue;
        }
        l.rows.push_back({trim(f[ci]), trim(f[cl]), at});
    }
    if (l.rows.empty())
        throw EngineError(Message::tr("%1: lists no image", l.file));
    return l;
}

bool wholeNumber(const std::string &s)
{
    return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Lists {
    List train;
    std::optional<List> test;
    bool numeric = true;
    std::vector<std::string> classes; // the data's class names (string labels), else empty
};

Lists readLists(const Project &p)
{
    Lists ls;
    ls.train = readList(p, p.dataset.image.trainList);
    if (!p.dataset.image.testList.empty())
        ls.test = readList(p, p.dataset.image.testList);
    std::set<std::string> names;
    for (const List *l : {&ls.train, ls.test ? &*ls.test : nullptr})
        if (l)
            for (const auto &r : l->rows) {
                ls.numeric = ls.numeric && wholeNumber(r.label);
                names.insert(r.label);
            }
    if (!ls.numeric)
        ls.classes.assign(names.begin(), names.end());
    return ls;
}

std::vector<std::string> dataClasses(const Project &p) { return readLists(p).classes; }

ImageImport importOf(const Project &p)
{
    Lists ls = readLists(p);
    ImageImport spec;
    if (ls.numeric) {
        int64_t maxLabel = 0;
        for (const List *l : {&ls.train, ls.test ? &*ls.test : nullptr})
            if (l)
                for (const auto &r : l->rows)
                    maxLabel = std::max<int64_t>(maxLabel, std::stoll(r.label));
        if (maxLabel >= p.dataset.numClasses)
            throw EngineError(Message::tr("%1: the labels go up to %2 but /dataset/num_classes is %3", ls.train.file,
                                          maxLabel, p.dataset.numClasses));
        for (int c = 0; c < p.dataset.numClasses; ++c)
            spec.classes.push_back(size_t(c) < p.dataset.classNames.size() ? p.dataset.classNames[size_t(c)]
                                                                           : std::to_string(c));
    } else {
        spec.classes = ls.classes;
        const auto list = [](const std::vector<std::string> &v) {
            std::string s;
            for (const auto &n : v)
                s += (s.empty() ? "" : ", ") + n;
            return s;
        };
        if (p.dataset.classNames != spec.classes || p.dataset.numClasses != int64_t(spec.classes.size()))
            throw EngineError(Message::tr("%1: the labels name the classes [%2] but the project has %3 classes named "
                                          "[%4]; `torchwright-cli validate --fix PROJECT` writes the labels' classes "
                                          "into the project",
                                          ls.train.file, list(spec.classes), p.dataset.numClasses,
                                          list(p.dataset.classNames)));
    }
    auto labelOf = [&](const ListRow &r) -> int64_t {
        if (ls.numeric)
            return std::stoll(r.label);
        return int64_t(std::lower_bound(spec.classes.begin(), spec.classes.end(), r.label) - spec.classes.begin());
    };
    auto pathOf = [](const List &l, const ListRow &r) {
        const fs::path f(r.image);
        return (f.is_absolute() ? f : fs::path(l.file).parent_path() / f).lexically_normal().string();
    };
    std::vector<ImageItem> train, test;
    if (!ls.test) {
        std::vector<std::string> rel;
        std::vector<int64_t> labels;
        for (const auto &r : ls.train.rows) {
            rel.push_back(r.image);
            labels.push_back(labelOf(r));
        }
        const std::vector<bool> isTest =
            stratifiedTestSplit(rel, labels, p.dataset.image.testFraction, p.dataset.splitSeed);
        for (size_t i = 0; i < rel.size(); ++i)
            (isTest[i] ? test : train).push_back({pathOf(ls.train, ls.train.rows[i]), labels[i], isTest[i]});
    } else {
        for (const auto &r : ls.train.rows)
            train.push_back({pathOf(ls.train, r), labelOf(r), false});
        for (const auto &r : ls.test->rows)
            test.push_back({pathOf(*ls.test, r), labelOf(r), true});
    }
    std::vector<std::string> paths;
    for (const auto &it : train)
        paths.push_back(it.path);
    const int channels = resolveImageChannels(p, paths);
    spec.target = projectDecodeTarget(p, channels);
    spec.items = std::move(train);
    spec.items.insert(spec.items.end(), test.begin(), test.end());
    spec.preprocessing["image"] = {{"channels", channels},
                                   {"size", {spec.target.height, spec.target.width}},
                                   {"resize", resizePolicyName(spec.target.resize)},
                                   {"classes", spec.classes}};
    spec.slot = "image_list\n" + ls.train.file + "\n" + (ls.test ? ls.test->file : std::string()) + "\n"
                + std::to_string(channels) + " " + std::to_string(spec.target.height) + "x"
                + std::to_string(spec.target.width) + " " + resizePolicyName(spec.target.resize);
    return spec;
}

RawSplit split(const Project &p, bool test, const ImportControl &control)
{
    RawSplit s = importImageSplit(
        p, [&p] { return importOf(p); }, test, control);
    // Rows without an image or a label are listed with the list's line, beside unreadable images.
    const Lists ls = readLists(p);
    const List *l = test ? (ls.test ? &*ls.test : nullptr) : &ls.train;
    if (l && !l->skipped.empty()) {
        s.info.skipped.insert(s.info.skipped.begin(), l->skipped.begin(), l->skipped.end());
        s.info.warnings.push_back(Message::tr("%1: %2 rows have no image file or no label and are left out", l->file,
                                              int64_t(l->skipped.size())));
    }
    return s;
}

bool filesPresent(const Project &p, std::string *missing)
{
    std::error_code ec;
    for (const std::string &name : {p.dataset.image.trainList, p.dataset.image.testList})
        if (!name.empty()) {
            const fs::path f = fs::path(p.datasetPath()) / name;
            if (!fs::is_regular_file(f, ec)) {
                if (missing)
                    *missing = f.string();
                return false;
            }
        }
    return true;
}

} // namespace

DatasetFormat imageListFormat()
{
    DatasetFormat d;
    d.name = "image_list";
    d.label = "Image list (CSV of files and labels)";
    d.description = "CSV files naming an image file and its label on each row (Neural Network Console's "
                    "x:image,y:label), the images resized to the sample shape";
    d.settings = {"/dataset/image/channels",         "/dataset/image/resize",
                  "/dataset/image/test_fraction",    "/dataset/image_list/train_file",
                  "/dataset/image_list/test_file",   "/dataset/image_list/image_column",
                  "/dataset/image_list/label_column"};
    d.scale = byteScale;
    d.programReader = "datasets/image_list.py";
    d.programHelpers = {"datasets/image_decode.py"};
    d.classNames = dataClasses;
    d.reader = std::make_shared<const DatasetReader>(
        DatasetReader{filesPresent, [](const Project &p, const ImportControl &c) { return split(p, false, c); },
                      [](const Project &p, const ImportControl &c) { return split(p, true, c); },
                      [](const Project &p) { return split(p, true, {}).inputs; }, predictImageInputs});
    return d;
}

} // namespace torchwright
