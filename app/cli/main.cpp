// torchwright-cli: check, train, evaluate and export projects without the studio.
// Exit status: 0 success, 1 the work failed (invalid project, failed run), 2 bad usage,
// 130 stopped with Ctrl-C.

#include "progress.h"

#include "torchwright/analysis.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/layertable.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"
#include "torchwright/training.h"
#include "torchwright/versions.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

using namespace torchwright;
using torchwright::cli::ImportProgressBar;
using torchwright::cli::ProgressPrinter;
namespace fs = std::filesystem;

namespace {

constexpr int kOk = 0, kFailed = 1, kUsage = 2, kInterrupted = 130;

const char *kMainHelp = R"(usage: torchwright-cli <command> [options]

Build, check, train and export Torchwright projects from the command line.

commands:
  validate PROJECT   check a project: every edge's shape, parameter counts, all errors
  train PROJECT      train it, showing progress; writes a run folder beside the project
  evaluate RUN       accuracy and confusion matrix of a run on the test split (R^2 and MAE
                     for a regression)
  export RUN         write the trained model for other tools ({formats})
  predict BUNDLE IN  classify images or tensors with an exported bundle
  finetune PROJECT   fine-tune the current model version on the reviewed feedback
  runs PROJECT       list the project's runs; rename, note, delete (to the trash), restore
  devices            list the devices LibTorch sees

Run 'torchwright-cli <command> --help' for a command's options.
  --version          print versions and exit
)";

const std::map<std::string, const char *> kHelpTexts = {
    {"validate", R"(usage: torchwright-cli validate PROJECT [--fix]

Checks the project file and the layer graph before anything runs: prints each layer's output
shape, parameter count and multiply-adds, each edge's tensor shape, and every error found.
A missing dataset is a warning here (shapes come from the declared sample shape). When the
data is there it is read (image folders are decoded once and cached, with a progress bar) and
summarised: samples and class balance per split, per-channel mean and std, source image sizes,
every skipped input with its reason, and warnings.
--fix   writes the classes the data defines (an image folder's class folders, an image list's
        label names) into /dataset/class_names and /dataset/num_classes when they differ
Exit status 1 when there are errors.
)"},
    {"train", R"(usage: torchwright-cli train PROJECT [options]

  --epochs N       train N epochs in all (overrides the project; with --resume, the new total)
  --device D       auto, cpu, cuda or cuda:N (default: the project's setting)
  --threads N      LibTorch intra-op threads (default: all cores; OpenBLAS kept to one thread)
  --out DIR        folder that receives the run folder (default: runs/ beside the project)
  --resume RUN     continue a stopped or interrupted run from its last checkpoint (PROJECT may
                   be omitted)
  --batch-limit N  at most N batches per epoch (quick trials and benchmarks)

Ctrl-C stops after the current batch; the last checkpoint stays and the run can be resumed.
A checkpoint is written before the first epoch and after each one, so a run stopped or killed
at any moment (kill -9 too) can be resumed.
)"},
    {"finetune", R"(usage: torchwright-cli finetune PROJECT [--from VERSION] [--feedback DIR] [options]

Continuous optimization: trains a new run of the project starting from a model version's
weights (the current one by default; --from v2) on the original training data plus the
reviewed feedback items (the project's store, feedback/<project>/ beside it, or --feedback DIR).
The mix is the project's /finetune settings: each reviewed item is seen feedback_weight times
per epoch beside a replay_fraction share of the original data drawn anew each epoch; a holdout
share of the reviewed items (chosen by their ids) is kept out as the feedback set the versions
are measured on; frozen layers keep the version's weights; the learning rate and epochs are
/finetune/lr and /finetune/epochs. The run records its parent version and the items it saw;
register it with 'versions PROJECT register RUN'.
  --epochs N, --device D, --threads N, --out DIR, --batch-limit N   as for train
)"},
    {"evaluate", R"(usage: torchwright-cli evaluate RUN [--checkpoint best|last] [--device D]

Loads the run's checkpoint (best by default) and prints the test accuracy, the loss, the
confusion matrix and per-class precision and recall; for a project whose target is its input
(/training/target = input, an autoencoder), the reconstruction's mean squared error; for a
regression (a csv table with /dataset/csv/task = regression), R^2, the mean absolute error and
the mean squared error.
)"},
    {"export", R"(usage: torchwright-cli export RUN --format FORMAT[,FORMAT...] [--output PATH]
                            [--checkpoint best|last]

Writes the trained model (the best checkpoint by default), checked against the engine:
)"},
    {"predict", R"(usage: torchwright-cli predict BUNDLE INPUT [--top K] [--limit N] [--device D]

Runs a bundle's model on INPUT and prints the top K classes (default 3) of each sample, or the
predicted value for a regression (a table whose target is a real value):
  what the training data's format reads, preprocessed exactly as in training:
    IDX: an IDX image file (.gz too);
    image folders and lists: an image file (.png, .jpg, .bmp) or a folder of them;
    CSV tables: a CSV file of rows with the training columns (the target may be absent);
  a .npy array: uint8 is raw pixels (preprocessed), float32 is taken as the model's input.
One sample or a batch [N, ...]. The bundle's checksums are verified first.
--limit N prints only the first N samples (all are classified).
)"},
    {"runs", R"(usage: torchwright-cli runs PROJECT
       torchwright-cli runs rename RUN NAME
       torchwright-cli runs note RUN TEXT
       torchwright-cli runs delete RUN
       torchwright-cli runs trash PROJECT|RUNS_FOLDER
       torchwright-cli runs restore TRASHED_RUN

Lists the runs in the runs/ folder beside the project. A run whose training process ended
without finishing it (killed, crashed, the machine stopped) shows as interrupted;
train --resume continues it. A run.json that does not match its checksum shows as unreadable.

rename   gives the run a display name (stored in its run.json; the folder keeps its name);
         an empty NAME clears it
note     stores a note with the run; empty TEXT clears it
delete   moves the run folder, whole, to runs/.trash/ (a run that is training is refused)
trash    lists the runs in the trash of the project's runs folder, or of RUNS_FOLDER
restore  moves a trashed run (a folder in runs/.trash/, as 'trash' lists it) back to runs/,
         refusing when a run of that name is there
)"},
    {"devices", R"(usage: torchwright-cli devices

Lists cpu and every CUDA device LibTorch sees.
)"},
};

// `text` in lines of at most `width` columns, every line but the first indented by `indent`.
std::string wrap(const std::string &text, size_t indent, size_t width)
{
    std::string out, line;
    size_t start = 0;
    for (size_t end = 0; start < text.size(); start = end + 1) {
        end = std::min(text.find(' ', start), text.size());
        const std::string word = text.substr(start, end - start);
        if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    return out + line + "\n";
}

// The formats in the export command's help, from their descriptors.
std::string exportFormatsHelp()
{
    std::string r;
    for (const ExportFormat &f : exportFormatsList()) {
        char name[32];
        std::snprintf(name, sizeof name, "  %-12s ", f.name.c_str());
        r += name + wrap(f.description + " Default: RUN/" + f.target + (f.folder ? "/" : ""), 15, 94);
    }
    return r;
}

std::string joinedFormatNames()
{
    std::string list;
    for (const auto &f : exportFormats())
        list += (list.empty() ? "" : ", ") + f;
    return list;
}

// The main help and each command's, with the export formats filled in.
const std::map<std::string, std::string> &helpTexts()
{
    static const std::map<std::string, std::string> texts = [] {
        std::map<std::string, std::string> r;
        for (const auto &[command, text] : kHelpTexts)
            r[command] = text;
        r["export"] += exportFormatsHelp();
        r["export"] += "\nSeveral formats, separated by commas, are written in one call; --output then names the\n"
                       "folder that receives each under its usual name.\n";
        std::string text = kMainHelp;
        const std::string slot = "{formats}";
        r[""] = text.replace(text.find(slot), slot.size(), joinedFormatNames());
        return r;
    }();
    return texts;
}

// A command's help; "" for the main help.
const char *help(const std::string &command) { return helpTexts().at(command).c_str(); }

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    bool help = false;
};

// Options that take a value; everything else starting with "--" is an error.
const std::vector<std::string> kValued = {"--epochs",     "--device", "--threads", "--out",         "--resume",
                                          "--checkpoint", "--format", "--output",  "--batch-limit", "--top",
                                          "--limit",      "--from",   "--feedback"};
// Options that take no value.
const std::vector<std::string> kFlags = {"--fix"};

// Edits (insert, delete, replace, swap two neighbours) between a and b.
size_t editDistance(const std::string &a, const std::string &b)
{
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// "; did you mean 'train'?" for the candidate closest to a typo (at most 2 edits, and fewer than
// a third of the word), or nothing.
std::string didYouMean(const std::string &typo, const std::vector<std::string> &candidates)
{
    std::string best;
    size_t bestDistance = 3;
    for (const auto &c : candidates) {
        const size_t d = editDistance(typo, c);
        if (d < bestDistance && d * 3 <= std::max(typo.size(), c.size())) {
            best = c;
            bestDistance = d;
        }
    }
    return best.empty() ? "" : "; did you mean '" + best + "'?";
}

std::optional<Args> parse(int argc, char **argv, int first, std::string &error)
{
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "--help" || s == "-h") {
            a.help = true;
        } else if (s.rfind("--", 0) == 0) {
            std::string value;
            if (auto eq = s.find('='); eq != std::string::npos) {
                value = s.substr(eq + 1);
                s = s.substr(0, eq);
            } else if (std::find(kValued.begin(), kValued.end(), s) != kValued.end()) {
                if (i + 1 >= argc) {
                    error = "option " + s + " needs a value";
                    return std::nullopt;
                }
                value = argv[++i];
            }
            if (std::find(kValued.begin(), kValued.end(), s) == kValued.end()
                && std::find(kFlags.begin(), kFlags.end(), s) == kFlags.end()) {
                std::vector<std::string> options = kValued;
                options.insert(options.end(), kFlags.begin(), kFlags.end());
                options.push_back("--help");
                error = "unknown option " + s + didYouMean(s, options);
                return std::nullopt;
            }
            a.options[s] = value;
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

std::optional<int> intOption(const Args &a, const std::string &name, int min, std::string &error,
                             int max = std::numeric_limits<int>::max())
{
    auto it = a.options.find(name);
    if (it == a.options.end())
        return std::nullopt;
    try {
        size_t used = 0;
        int v = std::stoi(it->second, &used);
        if (used == it->second.size() && v >= min && v <= max)
            return v;
    } catch (const std::exception &) {
    }
    const std::string range = max == std::numeric_limits<int>::max()
                                  ? ">= " + std::to_string(min)
                                  : "from " + std::to_string(min) + " to " + std::to_string(max);
    error = name + ": expected an integer " + range + ", got '" + it->second + "'";
    return std::nullopt;
}

std::string human(int64_t n)
{
    char buf[32];
    if (n >= 1000000000)
        std::snprintf(buf, sizeof buf, "%.2fG", double(n) / 1e9);
    else if (n >= 1000000)
        std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    else if (n >= 10000)
        std::snprintf(buf, sizeof buf, "%.1fk", double(n) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
}

void printDiagnostics(const Diagnostics &d, const std::string &file)
{
    std::fflush(stdout); // keep the report and its errors in order when both go to one place
    for (const auto &item : d.items())
        std::fprintf(item.severity == Severity::Error ? stderr : stdout, "%s%s\n",
                     item.severity == Severity::Error ? "error: " : "", formatDiagnostic(item, file).c_str());
}

// The data summary (datasetSummary()) as `validate` prints it.
void printDataSummary(const DatasetSummary &d)
{
    std::printf("\ndata: %s, %lld training and %lld test samples\n", d.format.c_str(),
                static_cast<long long>(d.trainCount), static_cast<long long>(d.testCount));
    if (!d.trainPerClass.empty()) {
        size_t width = 5;
        for (size_t c = 0; c < d.trainPerClass.size(); ++c)
            width = std::max(width, c < d.classNames.size() ? d.classNames[c].size() : std::to_string(c).size());
        std::printf("  %-*s %10s %10s\n", int(width), "class", "train", "test");
        for (size_t c = 0; c < d.trainPerClass.size(); ++c)
            std::printf("  %-*s %10lld %10lld\n", int(width),
                        c < d.classNames.size() ? d.classNames[c].c_str() : std::to_string(c).c_str(),
                        static_cast<long long>(d.trainPerClass[c]),
                        static_cast<long long>(c < d.testPerClass.size() ? d.testPerClass[c] : 0));
    }
    if (!d.mean.empty()) {
        std::string mean, stdev;
        char buf[32];
        for (size_t c = 0; c < d.mean.size(); ++c) {
            std::snprintf(buf, sizeof buf, "%s%.4f", c ? " " : "", d.mean[c]);
            mean += buf;
            std::snprintf(buf, sizeof buf, "%s%.4f", c ? " " : "", d.std[c]);
            stdev += buf;
        }
        std::printf("  mean %s, std %s (per channel, training split, scaled before normalisation)\n", mean.c_str(),
                    stdev.c_str());
    }
    if (!d.sourceSizes.empty()) {
        std::string sizes;
        for (const auto &[size, n] : d.sourceSizes)
            sizes += (sizes.empty() ? "" : ", ") + size + ": " + std::to_string(n);
        std::printf("  source sizes: %s\n", sizes.c_str());
    }
    if (!d.columns.empty()) {
        std::string cols;
        for (const auto &c : d.columns)
            cols += (cols.empty() ? "" : ", ") + c;
        std::printf("  columns: %s\n", cols.c_str());
    }
    std::printf("  skipped: %zu\n", d.skipped.size());
    for (const auto &s : d.skipped)
        std::printf("    %s%s: %s\n", s.file.c_str(), s.line > 0 ? (":" + std::to_string(s.line)).c_str() : "",
                    s.reason.str().c_str());
    for (const auto &w : d.warnings)
        std::printf("  warning: %s\n", w.str().c_str());
}

// validate --fix: the data's classes into the project file. True when the file was changed.
bool fixClasses(Project &p, const std::string &file)
{
    const DatasetFormat &format = datasetFormat(p);
    if (!format.classNames)
        return false;
    const std::vector<std::string> names = format.classNames(p);
    if (names.empty() || (names == p.dataset.classNames && int64_t(names.size()) == p.dataset.numClasses))
        return false;
    p.dataset.classNames = names;
    p.dataset.numClasses = int(names.size());
    saveProjectFile(p, file);
    std::printf("%s: /dataset/class_names and /dataset/num_classes updated from the data (%zu classes)\n", file.c_str(),
                names.size());
    return true;
}

int cmdValidate(const Args &a)
{
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("validate"));
        return kUsage;
    }
    const std::string file = a.positional[0];
    ProjectLoad load = loadProjectFile(file);
    Diagnostics all = load.diagnostics;
    if (load.project.graph.nodes.empty() && load.diagnostics.hasErrors()) {
        printDiagnostics(all, file);
        std::printf("%s: %d error(s)\n", file.c_str(), all.errorCount());
        return kFailed;
    }
    Project &p = load.project;
    std::string missing;
    const bool present = findDatasetFormat(p.dataset.kind) && datasetFilesPresent(p, &missing);
    if (a.options.count("--fix") && present) {
        try {
            fixClasses(p, file);
        } catch (const EngineError &e) {
            all.error("/dataset/path", e.text());
        }
    }
    GraphAnalysis an = analyzeProject(p);
    all.append(an.diagnostics);
    if (!present && !missing.empty())
        all.warning("/dataset/path", missing + " not found: the dataset is needed to train, not to validate");

    std::printf("%s: %s\n", file.c_str(), p.name.c_str());
    std::printf("dataset: %s %s, samples %s, %d classes\n", p.dataset.kind.c_str(), p.datasetPath().c_str(),
                formatShape(p.dataset.sampleShape).c_str(), p.dataset.numClasses);
    std::printf("\n%-16s %-20s %-16s %12s %14s\n", "layer", "type", "output", "parameters", "mult-adds");
    for (const LayerRow &row : layerTable(p.graph, an)) {
        const bool known = row.output.has_value();
        std::printf("%-16s %-20s %-16s %12s %14s\n", row.name.c_str(), row.type.c_str(),
                    known ? formatShape(row.output->shape).c_str() : "?", known ? human(row.parameters).c_str() : "-",
                    known ? human(row.multiplyAdds).c_str() : "-");
    }
    std::printf("\nedges:\n");
    for (const auto &e : p.graph.edges) {
        const Node *from = p.graph.node(e.from.node);
        const Node *to = p.graph.node(e.to.node);
        auto t = an.edgeType(e);
        std::printf("  %s -> %s:%d  %s\n", from ? from->name.c_str() : "?", to ? to->name.c_str() : "?", e.to.port,
                    t ? formatShape(t->shape).c_str() : "?");
    }
    std::printf("\ntotal: %lld parameters (%s), %s multiply-adds per sample\n",
                static_cast<long long>(an.totalParameters), human(an.totalParameters).c_str(),
                human(an.totalMultiplyAdds).c_str());
    if (present && !all.hasErrors()) {
        std::fflush(stdout);
        ImportProgressBar bar(stderr, "reading the data");
        ImportControl control;
        control.progress = [&bar](int64_t done, int64_t total) { bar.update(done, total); };
        try {
            const DatasetSummary summary = datasetSummary(p, 0, control);
            bar.finish();
            printDataSummary(summary);
        } catch (const EngineError &e) {
            bar.finish();
            all.error("/dataset/path", e.text());
        }
    }
    if (!all.empty())
        std::printf("\n");
    printDiagnostics(all, file);
    std::printf("%s: %d error(s), %d warning(s)\n", file.c_str(), all.errorCount(), all.warningCount());
    return all.hasErrors() ? kFailed : kOk;
}

std::atomic<bool> g_interrupted{false};
std::mutex g_queueMutex;
std::condition_variable g_queueWake;

void onSigint(int)
{
    g_interrupted = true;
    g_queueWake.notify_all(); // not strictly async-signal-safe; the wait below also times out
}

// cmdTrain, step 1: the options as a request. Null after printing why they are not usable.
std::optional<TrainRequest> trainRequest(const Args &a)
{
    std::string error;
    TrainRequest req;
    auto resume = a.options.find("--resume");
    if (resume != a.options.end())
        req.resumeRun = resume->second;
    if (a.positional.size() > 1 || (a.positional.empty() && req.resumeRun.empty())) {
        std::fprintf(stderr, "%s", help("train"));
        return std::nullopt;
    }
    req.epochs = intOption(a, "--epochs", 1, error);
    req.threads = intOption(a, "--threads", 1, error, kMaxThreads);
    req.batchLimit = intOption(a, "--batch-limit", 1, error);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return std::nullopt;
    }
    if (auto d = a.options.find("--device"); d != a.options.end()) {
        if (!isValidDeviceString(d->second)) {
            std::fprintf(stderr, "error: --device: expected auto, cpu, cuda or cuda:N, got '%s'\n", d->second.c_str());
            return std::nullopt;
        }
        req.device = d->second;
    }
    if (auto o = a.options.find("--out"); o != a.options.end())
        req.runsDir = o->second;
    return req;
}

// Step 2: the project file, loaded and checked, into the request (a resumed run brings its own).
// False after printing its errors.
bool loadTrainProject(const Args &a, TrainRequest &req)
{
    if (a.positional.empty() || !req.resumeRun.empty())
        return true;
    const std::string file = a.positional[0];
    ProjectLoad load = loadProjectFile(file);
    if (load.ok()) {
        GraphAnalysis an = analyzeProject(load.project);
        load.diagnostics.append(an.diagnostics);
    }
    if (!load.ok()) {
        printDiagnostics(load.diagnostics, file);
        return false;
    }
    req.project = load.project;
    return true;
}

// Step 3: the events from the training worker to this thread, which prints them, coalescing
// batch events so a slow terminal never holds training back. Batch events do not wake this
// thread: it looks every 100 ms, the progress bar's own rate. Woken for every batch, it took a
// core from training's OpenMP threads hundreds of times a second, and each time a parallel region
// waited for it (on 2 cores the CLI trained about 5% slower than the same loop without it).
class TrainingEventQueue {
public:
    // Called on the worker.
    void push(const TrainingEvent &e)
    {
        // Batches and import progress are coalesced: only the latest of a run of them matters.
        const bool batch = e.kind == TrainingEvent::Kind::Batch || e.kind == TrainingEvent::Kind::Import;
        {
            std::lock_guard<std::mutex> lock(g_queueMutex);
            if (batch && !m_queue.empty() && m_queue.back().kind == e.kind)
                m_queue.back() = e;
            else
                m_queue.push_back(e);
            m_urgent = m_urgent || !batch;
            if (e.kind == TrainingEvent::Kind::Finished)
                m_done = true;
        }
        if (!batch)
            g_queueWake.notify_all();
    }

    // The events queued so far, after waiting at most 100 ms for one that is not a batch, the
    // end or Ctrl-C. `finished`: the worker's last event is among them or before them.
    std::deque<TrainingEvent> take(bool &finished)
    {
        std::deque<TrainingEvent> events;
        std::unique_lock<std::mutex> lock(g_queueMutex);
        g_queueWake.wait_for(lock, std::chrono::milliseconds(100), [&] { return m_urgent || m_done || g_interrupted; });
        events.swap(m_queue);
        m_urgent = false;
        finished = m_done;
        return events;
    }

    bool empty() const
    {
        std::lock_guard<std::mutex> lock(g_queueMutex);
        return m_queue.empty();
    }

private:
    std::deque<TrainingEvent> m_queue;
    bool m_done = false;
    bool m_urgent = false; // the queue holds an event other than a batch
};

// Step 4: prints the session's progress until its last event, asking it to stop on Ctrl-C.
void printProgress(TrainingSession &session, TrainingEventQueue &queue, ProgressPrinter &printer)
{
    bool stopSent = false;
    for (;;) {
        bool finished = false;
        const std::deque<TrainingEvent> events = queue.take(finished);
        for (const auto &e : events)
            printer.print(e);
        if (g_interrupted && !stopSent) {
            printer.finishLine();
            std::fprintf(stderr, "stopping after the current batch...\n");
            session.stop();
            stopSent = true;
        }
        if (finished && (events.empty() || queue.empty()))
            break;
    }
}

// Step 5: the exit status that reports how the run ended.
int trainExitStatus(const RunResult &r)
{
    switch (r.status) {
    case TrainingEvent::Status::Completed:
    case TrainingEvent::Status::EarlyStopped: return kOk;
    case TrainingEvent::Status::Stopped: return g_interrupted ? kInterrupted : kOk;
    default: return kFailed;
    }
}

int cmdTrain(const Args &a)
{
    std::optional<TrainRequest> req = trainRequest(a);
    if (!req)
        return kUsage;
    if (!loadTrainProject(a, *req))
        return kFailed;
    TrainingEventQueue queue;
    std::signal(SIGINT, onSigint);
    ProgressPrinter printer(stdout);
    TrainingSession session(std::move(*req), [&queue](const TrainingEvent &e) { queue.push(e); });
    session.start();
    printProgress(session, queue, printer);
    session.wait();
    return trainExitStatus(session.result());
}

// finetune: the project's fine-tuning request (versions.h) with train's options, run like train.
int cmdFinetune(const Args &a)
{
    if (a.positional.size() != 1 || a.options.count("--resume")) {
        std::fprintf(stderr, "%s", help("finetune"));
        return kUsage;
    }
    std::optional<TrainRequest> options = trainRequest(a);
    if (!options)
        return kUsage;
    TrainRequest req = *options;
    if (!loadTrainProject(a, req))
        return kFailed;
    const auto from = a.options.find("--from");
    const auto feedback = a.options.find("--feedback");
    TrainRequest ft = finetuneRequest(req.project, from == a.options.end() ? "current" : from->second,
                                      feedback == a.options.end() ? std::string() : feedback->second);
    ft.epochs = req.epochs ? req.epochs : ft.epochs;
    ft.device = req.device;
    ft.threads = req.threads;
    ft.batchLimit = req.batchLimit;
    ft.runsDir = req.runsDir;
    TrainingEventQueue queue;
    std::signal(SIGINT, onSigint);
    ProgressPrinter printer(stdout);
    TrainingSession session(std::move(ft), [&queue](const TrainingEvent &e) { queue.push(e); });
    session.start();
    printProgress(session, queue, printer);
    session.wait();
    return trainExitStatus(session.result());
}

int cmdEvaluate(const Args &a)
{
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("evaluate"));
        return kUsage;
    }
    const std::string which = a.options.count("--checkpoint") ? a.options.at("--checkpoint") : "best";
    if (which != "best" && which != "last") {
        std::fprintf(stderr, "error: --checkpoint: expected best or last, got '%s'\n", which.c_str());
        return kUsage;
    }
    const std::string device = a.options.count("--device") ? a.options.at("--device") : "auto";
    configureThreads(0);
    Evaluation ev = evaluateRun(a.positional[0], which, device);
    std::printf("checkpoint: %s\n", ev.checkpoint.c_str());
    if (ev.reconstruction) {
        // An autoencoder (/training/target = input): no classes, only how well it reconstructs.
        std::printf("test samples: %d\nreconstruction mse: %.6g\n", ev.samples, ev.loss);
        return kOk;
    }
    if (ev.regression) {
        // A real-valued target: how close the predictions come, not which class they hit.
        std::printf("test samples: %d\nR^2: %.4f\nMAE: %.6g\nmse: %.6g\n", ev.samples, ev.r2, ev.mae, ev.loss);
        return kOk;
    }
    std::printf("test samples: %d\naccuracy: %.2f%%\nloss: %.4f\n\n", ev.samples, ev.accuracy * 100, ev.loss);
    const size_t k = ev.classNames.size();
    size_t w = 6;
    for (const auto &n : ev.classNames)
        w = std::max(w, n.size());
    if (ev.confusion.empty()) {
        std::printf("confusion matrix: not shown for %zu classes (at most %d)\n", k, kMaxConfusionClasses);
    } else {
        std::printf("confusion matrix (rows: true class, columns: predicted)\n%*s", int(w), "");
        for (size_t c = 0; c < k; ++c)
            std::printf(" %6zu", c);
        std::printf("\n");
        for (size_t t = 0; t < k; ++t) {
            std::printf("%*s", int(w), ev.classNames[t].c_str());
            for (size_t q = 0; q < k; ++q)
                std::printf(" %6lld", static_cast<long long>(ev.confusion[t][q]));
            std::printf("\n");
        }
    }
    std::printf("\n%*s %9s %9s\n", int(w), "class", "precision", "recall");
    for (size_t c = 0; c < k; ++c)
        std::printf("%*s %8.2f%% %8.2f%%\n", int(w), ev.classNames[c].c_str(), ev.precision[c] * 100,
                    ev.recall[c] * 100);
    return kOk;
}

int cmdExport(const Args &a)
{
    if (a.positional.size() != 1 || !a.options.count("--format")) {
        std::fprintf(stderr, "%s", help("export"));
        return kUsage;
    }
    const std::string which = a.options.count("--checkpoint") ? a.options.at("--checkpoint") : "best";
    // One format, or several separated by commas; every one is checked before any is written.
    std::vector<const ExportFormat *> formats;
    const std::vector<std::string> &names = exportFormats();
    std::string list = a.options.at("--format") + ",";
    for (size_t start = 0, comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
        const std::string name = list.substr(start, comma - start);
        const ExportFormat *f = findExportFormat(name);
        if (!f) {
            // "; did you mean 'onnx'?" reads "'onxx' is not a format; did you mean 'onnx'? formats: ..."
            const std::string hint = didYouMean(name, names);
            std::fprintf(stderr, "error: --format: '%s' is not a format; %sformats: %s\n", name.c_str(),
                         hint.empty() ? "" : (hint.substr(2) + " ").c_str(), joinedFormatNames().c_str());
            return kUsage;
        }
        if (std::find(formats.begin(), formats.end(), f) == formats.end())
            formats.push_back(f);
    }
    // Only the build is asked here: the exporter itself loads the run and refuses a layer that has
    // no form in the format, so asking about the run too would build the whole model twice.
    for (const ExportFormat *f : formats)
        if (const std::string why = f->whyUnavailable().str(); !why.empty()) {
            std::fprintf(stderr, "error: %s\n", why.c_str());
            return kFailed;
        }
    const std::string run = a.positional[0];
    // --output names the file or folder for one format, and the folder that holds each format's
    // usual name for several.
    const bool several = formats.size() > 1;
    const std::string outDir = a.options.count("--output") && several ? a.options.at("--output") : run;
    if (several)
        fs::create_directories(outDir);
    for (const ExportFormat *f : formats) {
        const std::string out = a.options.count("--output") && !several ? a.options.at("--output")
                                                                        : (fs::path(outDir) / f->target).string();
        f->exportTo(run, out, which);
        std::printf("wrote %s\n", out.c_str());
    }
    return kOk;
}

int cmdPredict(const Args &a)
{
    if (a.positional.size() != 2) {
        std::fprintf(stderr, "%s", help("predict"));
        return kUsage;
    }
    std::string error;
    const int top = intOption(a, "--top", 1, error).value_or(3);
    const auto limit = intOption(a, "--limit", 1, error);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    const std::string device = a.options.count("--device") ? a.options.at("--device") : "cpu";
    const auto predictions = predictBundle(a.positional[0], a.positional[1], top, device);
    const size_t shown = limit ? std::min(predictions.size(), size_t(*limit)) : predictions.size();
    for (size_t i = 0; i < shown; ++i) {
        if (predictions[i].source.empty())
            std::printf("%zu:", i);
        else
            std::printf("%s:", predictions[i].source.c_str());
        if (predictions[i].regression) // a real-valued target: the value, not classes
            std::printf("  %.6g", predictions[i].value);
        for (const auto &c : predictions[i].top)
            std::printf("  %s %.1f%%", c.name.c_str(), c.probability * 100);
        std::printf("\n");
    }
    if (shown < predictions.size())
        std::printf("(%zu more samples predicted; --limit shows more)\n", predictions.size() - shown);
    return kOk;
}

// A run's label for listings: its display name, and its folder name when the two differ.
std::string runLabel(const RunSummary &r)
{
    return r.displayName.empty() ? r.name : r.displayName + " (" + r.name + ")";
}

void printRunTable(const std::vector<RunSummary> &runs)
{
    int width = 40; // the label column grows to the longest label
    for (const auto &r : runs)
        width = std::max(width, int(runLabel(r).size()));
    std::printf("%-*s %-14s %7s %10s %9s  %s\n", width, "run", "status", "epochs", "best acc", "best loss", "device");
    for (const auto &r : runs) {
        // A regression shows its best validation R^2 where a classifier shows accuracy.
        char best[32];
        if (r.regression)
            std::snprintf(best, sizeof best, "R^2 %6.3f", r.bestValR2);
        else
            std::snprintf(best, sizeof best, "%9.2f%%", r.bestValAccuracy * 100);
        std::printf("%-*s %-14s %3d/%-3d %10s %9.4f  %s\n", width, runLabel(r).c_str(), r.status.c_str(),
                    r.epochsCompleted, r.epochsPlanned, best, r.bestValLoss, r.device.c_str());
    }
}

// `runs rename|note|delete|trash|restore ...`: the action's positional arguments follow its name.
int cmdRunsAction(const std::string &action, const std::vector<std::string> &args)
{
    const size_t wanted = action == "rename" || action == "note" ? 2 : 1;
    if (args.size() != wanted) {
        std::fprintf(stderr, "error: runs %s takes %zu argument(s), got %zu\n\n%s", action.c_str(), wanted, args.size(),
                     help("runs"));
        return kUsage;
    }
    if (action == "rename") {
        renameRun(args[0], args[1]);
        std::printf("%s: %s\n", args[0].c_str(),
                    args[1].empty() ? "display name cleared"
                                    : ("renamed to '" + readRunSummary(args[0]).label() + "'").c_str());
    } else if (action == "note") {
        setRunNote(args[0], args[1]);
        std::printf("%s: %s\n", args[0].c_str(), args[1].empty() ? "note cleared" : "note saved");
    } else if (action == "delete") {
        const std::string to = trashRun(args[0]);
        std::printf("moved %s to the trash: %s\n(torchwright-cli runs restore %s brings it back)\n", args[0].c_str(),
                    to.c_str(), to.c_str());
    } else if (action == "restore") {
        std::printf("restored %s\n", restoreRun(args[0]).c_str());
    } else { // trash
        std::error_code ec;
        const std::string runsDir =
            fs::is_directory(args[0], ec) ? args[0] : (fs::absolute(args[0]).parent_path() / "runs").string();
        const auto runs = listTrashedRuns(runsDir);
        if (runs.empty()) {
            std::printf("the trash of %s is empty\n", runsDir.c_str());
            return kOk;
        }
        std::printf("%-40s %-26s %s\n", "run", "trashed", "folder");
        for (const auto &r : runs)
            std::printf("%-40s %-26s %s\n", runLabel(r).c_str(), r.trashedAt.c_str(), r.dir.c_str());
    }
    return kOk;
}

int cmdRuns(const Args &a)
{
    static const std::vector<std::string> kActions = {"rename", "note", "delete", "trash", "restore"};
    if (!a.positional.empty() && std::find(kActions.begin(), kActions.end(), a.positional[0]) != kActions.end())
        return cmdRunsAction(a.positional[0], {a.positional.begin() + 1, a.positional.end()});
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("runs"));
        return kUsage;
    }
    const std::string dir = (fs::absolute(a.positional[0]).parent_path() / "runs").string();
    auto runs = listRuns(dir);
    if (runs.empty()) {
        std::printf("no runs in %s\n", dir.c_str());
        return kOk;
    }
    printRunTable(runs);
    // Why a run is interrupted (its process is gone: runs.h) or unreadable (a damaged run.json).
    for (const auto &r : runs)
        if (r.status == "interrupted" || r.status == "unreadable")
            std::printf("%s: %s\n", r.name.c_str(), r.message.c_str());
    for (const auto &r : runs)
        if (!r.note.empty())
            std::printf("%s: note: %s\n", runLabel(r).c_str(), r.note.c_str());
    return kOk;
}

int cmdDevices()
{
    for (const auto &d : availableDevices())
        std::printf("%s\n", d.c_str());
    return kOk;
}

} // namespace

int main(int argc, char **argv)
{
    torchwright::keepFreedMemory();
    if (argc < 2) {
        std::fprintf(stderr, "%s", help(""));
        return kUsage;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::printf("%s", help(""));
        return kOk;
    }
    if (command == "--version") {
        std::printf("torchwright-cli %s (LibTorch %s)\n", engineVersion().c_str(), torchVersion().c_str());
        return kOk;
    }
    if (!kHelpTexts.count(command)) {
        std::vector<std::string> commands;
        for (const auto &[name, text] : kHelpTexts)
            commands.push_back(name);
        std::fprintf(stderr, "error: unknown command '%s'%s\n\n%s", command.c_str(),
                     didYouMean(command, commands).c_str(), help(""));
        return kUsage;
    }
    std::string error;
    auto args = parse(argc, argv, 2, error);
    if (!args) {
        std::fprintf(stderr, "error: %s\n\n%s", error.c_str(), help(command));
        return kUsage;
    }
    if (args->help) {
        std::printf("%s", help(command));
        return kOk;
    }
    try {
        if (command == "validate")
            return cmdValidate(*args);
        if (command == "train")
            return cmdTrain(*args);
        if (command == "finetune")
            return cmdFinetune(*args);
        if (command == "evaluate")
            return cmdEvaluate(*args);
        if (command == "export")
            return cmdExport(*args);
        if (command == "predict")
            return cmdPredict(*args);
        if (command == "runs")
            return cmdRuns(*args);
        return cmdDevices();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", errorMessage(e).c_str());
        return kFailed;
    } catch (...) {
        std::fprintf(stderr, "error: an unexpected failure of unknown kind; please report it with the command line\n");
        return kFailed;
    }
}
