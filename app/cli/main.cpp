// torchwright-cli: check, train, evaluate and export projects without the studio.
// Exit status: 0 success, 1 the work failed (invalid project, failed run), 2 bad usage,
// 130 stopped with Ctrl-C.

#include "progress.h"

#include "torchwright/analysis.h"
#include "torchwright/compress.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/feedback.h"
#include "torchwright/importrun.h"
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
  compress RUN --prune A  prune a trained run (unstructured, or --structured channels) and
                     fine-tune it; writes a run folder per step
  export RUN         write the trained model for other tools ({formats})
  predict BUNDLE IN  classify images or tensors with an exported bundle
  feedback STORE ... list, review, undo, add and import feedback items (predictions and
                     corrections); STORE is a feedback store folder or a project file
  finetune PROJECT   fine-tune the current model version on the reviewed feedback
  distill TEACHER_RUN STUDENT_PROJECT
                     train a (smaller) student project from a teacher run as well as the
                     labels (knowledge distillation)
  runs PROJECT       list the project's runs; rename, note, delete (to the trash), restore
  import-run DIR     make the run folder of the exported PyTorch program (train.py on a
                     cluster) a run of its project
  versions PROJECT   the project's model versions; register a run as a new version
  compare PROJECT A B  two versions side by side on the test split and the feedback set
  promote PROJECT V  make a version current (checked by the project's promotion gate)
  rollback PROJECT   make the version current before the latest promotion current again
  compression RUN [RUN...]  the before/after table of a run and its compressed runs
  quantize RUN       an int8 ONNX model of a run (static or dynamic), measured in ONNX Runtime
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
  --precision P    fp32, bf16 or fp16 (default: the project's /training/precision): bf16 and
                   fp16 train with autocast and float32 weights; fp16 (CUDA only) scales the loss
                   and skips steps whose gradients overflow; fp32 allows TF32 on GPUs with it
  --channels-last  convolution weights and image batches in NHWC memory
  --data-placement auto|device|stream
                   where the training data lives (default auto: on the device when it takes at
                   most half its free memory, else streamed from host memory by a prefetch thread)
  --deterministic  deterministic GPU algorithms, so that a resumed CUDA run continues bit-exactly

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
    {"distill", R"(usage: torchwright-cli distill TEACHER_RUN STUDENT_PROJECT [options]

Knowledge distillation: trains a new run of the student project (usually a smaller model for the
same data) on the teacher run's outputs as well as on the labels, with the loss
  alpha * KL(softmax(teacher / T) || softmax(student / T)) * T^2 + (1 - alpha) * cross-entropy.
The teacher must take the student's sample shape and give its output shape, and the student
must use the cross_entropy loss. Validation and test stay plain cross-entropy and accuracy, so
the run compares with the student trained alone (evaluate RUN). The teacher's outputs are
computed once for the training split when augmentation is off, else for each batch. The epoch
lines show both parts of the loss (soft: the teacher's, hard: the labels'); run.json records
"compression" (the teacher run, alpha, T and both parameter counts). The teacher's checkpoint
is the project's /distill/checkpoint (best unless set); the project file is not changed. A
stopped run continues with 'train --resume RUN'.
  --alpha A        the soft part's weight, 0..1 (default: the project's /distill/alpha, 0.5)
  --temperature T  the softening temperature, > 0 (default: /distill/temperature, 4)
  --epochs N, --device D, --threads N, --out DIR, --batch-limit N   as for train
)"},
    {"quantize", R"(usage: torchwright-cli quantize RUN [--mode static|dynamic] [--calibrate N]
                                [--observer minmax|percentile|entropy] [--percentile P]
                                [--checkpoint best|last] [--out RUNS_DIR] [--test-limit N]

Writes an int8 ONNX model of the run's float model into a new run folder
(runs/<time>-<name>-int8/, with the source's project and checkpoints, so evaluate, export and
'versions register' take it; its bundle carries the int8 model as model.onnx).
  --mode static    (default) post-training quantization calibrated on N training samples
                   (--calibrate, default 512): activations uint8 per tensor, Conv and Linear
                   weights int8 per output channel, biases int32, in the QDQ form ONNX Runtime
                   runs with integer kernels (QLinearConv, QGemm).
  --mode dynamic   Linear weights int8, activations quantized per batch at run time
                   (MatMulInteger); LSTM as ONNX Runtime's DynamicQuantizeLSTM; GRU stays float.
  --observer       how activation ranges are chosen: minmax (default), percentile (cuts the
                   outer (100 - P)% at both ends, --percentile P, default 99.99) or entropy
                   (TensorRT's KL-divergence histogram search).
Layers with no safe int8 form stay float and are named. Prints both ONNX files' sizes, the
accuracy of the float and the int8 model on the full test split measured in ONNX Runtime, and
the share of test samples on which they agree (--test-limit N: on the first N test samples
only, for a quick look).
)"},
    {"evaluate", R"(usage: torchwright-cli evaluate RUN [--checkpoint best|last] [--device D]

Loads the run's checkpoint (best by default) and prints the test accuracy, the loss, the
confusion matrix and per-class precision and recall; for a project whose target is its input
(/training/target = input, an autoencoder), the reconstruction's mean squared error; for a
regression (a csv table with /dataset/csv/task = regression), R^2, the mean absolute error and
the mean squared error.
)"},
    {"compress", R"(usage: torchwright-cli compress RUN --prune AMOUNT [--structured] [options]

Prunes the run's weights (its best checkpoint by default) and fine-tunes the result through the
ordinary trainer; every step writes a run folder beside the source run whose run.json records
"compression" (the method, the source run, parameters and multiply-adds before and after,
sparsity, per-layer figures).
  --prune A        the share to remove, above 0 and below 1: unstructured, of the Conv/Linear
                   weights (global magnitude threshold; masks keep them zero while fine-tuning);
                   --structured, of the multiply-adds (whole conv channels and linear neurons go)
  --structured     remove whole channels: the layer graph and the exported model get smaller
  --score S        structured: l1 (channel weight norm, default) or taylor (|weight x gradient|
                   over training batches)
  --steps N        reach the amount in N steps of amount*k/N (linear schedule; default 1)
  --finetune E     fine-tuning epochs after each step (default 1; 0 keeps the pruned weights)
  --checkpoint best|last, --device D, --batch-limit N (per fine-tuning epoch), --out DIR
)"},
    {"export", R"(usage: torchwright-cli export RUN --format FORMAT[,FORMAT...] [--output PATH]
                            [--checkpoint best|last]

Writes the trained model (the best checkpoint by default), checked against the engine:
)"},
    {"predict", R"(usage: torchwright-cli predict BUNDLE INPUT [--top K] [--limit N] [--device D]
                                [--log FEEDBACK_DIR]

Runs a bundle's model on INPUT and prints the top K classes (default 3) of each sample, or the
predicted value for a regression (a table whose target is a real value):
  what the training data's format reads, preprocessed exactly as in training:
    IDX: an IDX image file (.gz too);
    image folders and lists: an image file (.png, .jpg, .bmp) or a folder of them;
    CSV tables: a CSV file of rows with the training columns (the target may be absent);
  a .npy array: uint8 is raw pixels (preprocessed), float32 is taken as the model's input.
One sample or a batch [N, ...]. The bundle's checksums are verified first.
--limit N prints only the first N samples (all are classified).
--log FEEDBACK_DIR records each prediction in that feedback store (created when missing) for
review: a copy of each input file (each sample of a tensor file as a .npy; a CSV row inline),
the bundle's version (the id in ../version.json of a registry version, else its run name),
the top K classes with their confidences, and the time. 'feedback import' brings them into a
project's store.
)"},
    {"feedback", R"(usage: torchwright-cli feedback STORE list [--state unreviewed|reviewed|right|wrong]
                                  [--class NAME|N] [--version V] [--json]
       torchwright-cli feedback STORE counts
       torchwright-cli feedback STORE review ID right
       torchwright-cli feedback STORE review ID wrong --label NAME|N | --value X
       torchwright-cli feedback STORE undo ID
       torchwright-cli feedback STORE add INPUT --label NAME|N | --value X
       torchwright-cli feedback STORE import OTHER_STORE|FEEDBACK_JSONL

STORE is a feedback store folder (as predict --log writes) or a project file (.json): its
store is feedback/<project file name>/ beside it, and its class names are used. Without a
project, classes are numbers, or the names the items carry.

list     the items, oldest first: id, version, input, prediction, review; --class selects
         the correct class (the predicted one while unreviewed), --json prints JSON
counts   items, reviewed, right and wrong, and per class the reviewed and the wrong ones
review   marks an item right (its predicted class is correct) or wrong with the correct
         class (--label) or value (--value, for a regression); a later review replaces it
undo     takes back the item's latest review
add      a correction without a prediction: INPUT (an image or .npy file, copied in, or
         a table row as FILE.csv:LINE, kept inline) with its correct class or value
import   brings in the items of another store or feedback.jsonl that are not here yet,
         with their inputs; running it again adds nothing

The store is append-only: nothing is ever deleted, and a write killed midway loses at most the
item being written. A damaged line is reported (the rest still lists) and the exit status is 1.
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
    {"versions", R"(usage: torchwright-cli versions PROJECT [--json]
       torchwright-cli versions PROJECT register RUN [--checkpoint best|last] [--note TEXT]
       torchwright-cli versions PROJECT history [--json]

Model versions live beside the project in versions/<project file name>/: one folder per
version (v1, v2, ...) with its checkpoint, its deployment bundle and version.json (the run and
checkpoint it came from, its parent version, digests of the data it saw, the graph hash, the
settings, and its metrics on the frozen test split and on the feedback set).

(none)    lists the versions: id, * for the current one, when it was made, its parent, its
          run, test accuracy (R^2 for a regression), feedback-set accuracy and note
register  makes a completed run of the project a new version (the first becomes current;
          later ones wait for promote); --checkpoint best (default) or last
history   lists the registrations, promotions and rollbacks with their reasons
--json    prints the list as JSON
)"},
    {"compare", R"(usage: torchwright-cli compare PROJECT A B [--json] [--device D]

Measures versions A (the baseline, e.g. current) and B now, on the same frozen test split and
on the feedback set (held-out reviewed feedback items): overall and per-class figures, the
confusion-matrix difference, the test samples and feedback items B newly fixes and newly
breaks, median CPU latency at batch 1 (one thread), model size and parameters, and the
project's promotion gate for B against A with each rule passed or failed. A and B: current,
v2 or 2.
)"},
    {"promote", R"(usage: torchwright-cli promote PROJECT VERSION --reason TEXT [--override]

Makes VERSION current after checking the project's promotion gate (/update/gate) against the
current version. When a rule fails, nothing changes and the exit status is 1 unless --override
is given; the override, the gate's result and the reason are recorded in registry.json.
)"},
    {"rollback", R"(usage: torchwright-cli rollback PROJECT --reason TEXT

Makes the version that was current before the latest promotion still in force current again
(promote v2, promote v3, rollback: v2; rollback again: v1). The reason is recorded.
)"},
    {"compression", R"(usage: torchwright-cli compression ORIGINAL_RUN [RUN...] [--allowed-drop P]
       [--repeats N] [--threads N] [--json]

The before/after table of compression: ORIGINAL_RUN and each RUN (pruned, quantized or
distilled runs, whose run.json "compression" says what was done; none given: every run in
ORIGINAL_RUN's runs folder made from it) measured the same way:
parameters (and the non-zero ones, which show unstructured pruning), multiply-adds, the sizes
of the TorchScript and ONNX exports (a quantized run: its int8 ONNX file, and no TorchScript
form), the median CPU latency in milliseconds of a batch of 1 and of 64 real test samples in
LibTorch (not for an int8 model) and in ONNX Runtime (when it is installed:
scripts/setup-onnxruntime), the test accuracy on the full test split (a quantized run's through
ONNX Runtime) and its change in points against the original. A row passes when it loses no more
than the allowed drop.

--allowed-drop P  points of test accuracy a row may lose and still pass (default 1)
--repeats N       timed runs per latency figure, after a warm-up; the median is shown
                  (default 30)
--threads N       CPU threads for LibTorch and ONNX Runtime (default: their own)
--json            prints the rows as JSON (NaN as null); progress goes to stderr
)"},
    {"import-run", R"(usage: torchwright-cli import-run DIR [--project PROJECT] [--name NAME]

Makes the run folder that the exported PyTorch program wrote (train.py --run-dir, under torchrun
on a cluster or by hand: program_run.json, metrics.jsonl, last.pt, best.pt) a run of the
project, as training in the studio leaves one: runs/<time>-<name>/ beside the project file, with
the curves, the best and last checkpoints (in the studio's format), the status and the device.
Prints the new run folder. evaluate, export and versions register take it like any other run;
train --resume does not (the program's checkpoints hold no optimizer state).
  --project P   the project (default: the project file the program was exported from); its
                layer graph must be the program's: a tensor that is missing or has another shape
                is refused, naming it
  --name NAME   the run folder's name after the time stamp (default: the project file's name)
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
const std::vector<std::string> kValued = {
    "--epochs",         "--device",      "--threads", "--out",      "--resume",     "--checkpoint",  "--format",
    "--output",         "--batch-limit", "--top",     "--limit",    "--note",       "--reason",      "--log",
    "--state",          "--class",       "--version", "--label",    "--value",      "--from",        "--feedback",
    "--prune",          "--score",       "--steps",   "--finetune", "--alpha",      "--temperature", "--allowed-drop",
    "--repeats",        "--calibrate",   "--mode",    "--observer", "--percentile", "--test-limit",  "--precision",
    "--data-placement", "--project",     "--name"};
// Options that take no value.
const std::vector<std::string> kFlags = {"--fix",        "--json",          "--override",
                                         "--structured", "--channels-last", "--deterministic"};

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
    if (auto p = a.options.find("--precision"); p != a.options.end()) {
        if (p->second != "fp32" && p->second != "bf16" && p->second != "fp16") {
            std::fprintf(stderr, "error: --precision: expected fp32, bf16 or fp16, got '%s'\n", p->second.c_str());
            return std::nullopt;
        }
        req.precision = p->second;
    }
    if (auto p = a.options.find("--data-placement"); p != a.options.end()) {
        if (p->second != "auto" && p->second != "device" && p->second != "stream") {
            std::fprintf(stderr, "error: --data-placement: expected auto, device or stream, got '%s'\n",
                         p->second.c_str());
            return std::nullopt;
        }
        req.dataPlacement = p->second;
    }
    if (a.options.count("--channels-last"))
        req.channelsLast = true;
    req.deterministic = a.options.count("--deterministic") > 0;
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

// A real-valued option; nullopt when absent or, with `error` set, not a number.
std::optional<double> numberOption(const Args &a, const std::string &name, std::string &error)
{
    auto it = a.options.find(name);
    if (it == a.options.end())
        return std::nullopt;
    try {
        size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used == it->second.size() && std::isfinite(v))
            return v;
    } catch (const std::exception &) {
    }
    error = name + ": expected a number, got '" + it->second + "'";
    return std::nullopt;
}

// distill: the student project's request with the teacher run (compress.h: distillRequest()) and
// train's options, run like train.
int cmdDistill(const Args &a)
{
    if (a.positional.size() != 2 || a.options.count("--resume")) {
        std::fprintf(stderr, "%s", help("distill"));
        return kUsage;
    }
    Args trainArgs = a;
    trainArgs.positional = {a.positional[1]};
    std::optional<TrainRequest> options = trainRequest(trainArgs);
    if (!options)
        return kUsage;
    std::string error;
    const std::optional<double> alpha = numberOption(a, "--alpha", error);
    const std::optional<double> temperature = numberOption(a, "--temperature", error);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    TrainRequest req;
    try {
        req = distillRequest(a.positional[0], a.positional[1], alpha, temperature);
    } catch (const EngineError &e) {
        printDiagnostics(e.diagnostics(), a.positional[1]);
        if (e.diagnostics().empty())
            std::fprintf(stderr, "error: %s\n", e.what());
        return kFailed;
    }
    req.epochs = options->epochs;
    req.device = options->device;
    req.threads = options->threads;
    req.batchLimit = options->batchLimit;
    req.runsDir = options->runsDir;
    TrainingEventQueue queue;
    std::signal(SIGINT, onSigint);
    ProgressPrinter printer(stdout);
    TrainingSession session(std::move(req), [&queue](const TrainingEvent &e) { queue.push(e); });
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

int cmdQuantize(const Args &a)
{
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("quantize"));
        return kUsage;
    }
    std::string error;
    QuantizeOptions o;
    if (a.options.count("--mode"))
        o.mode = a.options.at("--mode");
    if (a.options.count("--observer"))
        o.observer = a.options.at("--observer");
    if (a.options.count("--checkpoint"))
        o.checkpoint = a.options.at("--checkpoint");
    if (a.options.count("--out"))
        o.runsDir = a.options.at("--out");
    o.calibrate = intOption(a, "--calibrate", 1, error, 1000000).value_or(o.calibrate);
    o.testLimit = intOption(a, "--test-limit", 1, error).value_or(0);
    if (a.options.count("--percentile")) {
        const std::string &v = a.options.at("--percentile");
        char *end = nullptr;
        o.percentile = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(o.percentile > 50 && o.percentile <= 100))
            error = "--percentile: expected a number above 50 and at most 100, got '" + v + "'";
    }
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    configureThreads(0);
    const QuantizeResult r =
        quantizeRun(a.positional[0], o, [](const Message &m) { std::printf("%s\n", m.str().c_str()); });
    auto pct = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
        return std::isfinite(v) ? std::string(buf) : std::string("not measured");
    };
    std::printf("run: %s\n", r.runDir.c_str());
    std::printf("int8 model: %s\n", r.onnxFile.c_str());
    std::printf("size: float ONNX %s bytes, int8 ONNX %s bytes (%.2fx smaller)\n", human(r.floatOnnxBytes).c_str(),
                human(r.int8OnnxBytes).c_str(),
                double(r.floatOnnxBytes) / double(std::max<int64_t>(1, r.int8OnnxBytes)));
    std::printf("test samples: %d (ONNX Runtime)\n", r.testSamples);
    std::printf("float accuracy: %s\nint8 accuracy: %s\n", pct(r.floatAccuracy).c_str(), pct(r.int8Accuracy).c_str());
    if (std::isfinite(r.floatAccuracy) && std::isfinite(r.int8Accuracy))
        std::printf("change: %+.2f points\n", (r.int8Accuracy - r.floatAccuracy) * 100);
    if (std::isfinite(r.agreement))
        std::printf("agreement: %s of test samples get the float model's class\n", pct(r.agreement).c_str());
    else
        std::printf("agreement: not measured\n");
    const auto kept = r.summary.value("layers_kept_float", std::vector<std::string>{});
    std::string list;
    for (const auto &l : kept)
        list += (list.empty() ? "" : ", ") + l;
    std::printf("layers kept float: %s\n", list.empty() ? "none" : list.c_str());
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

// predict --log: the predictions appended to a feedback store.
int logPredictions(const std::string &storeDir, const std::string &bundle, const std::string &input,
                   const std::vector<Prediction> &predictions)
{
    FeedbackStore store(storeDir);
    const int n = logBundlePredictions(store, bundle, input, predictions);
    std::printf("logged %d prediction(s) to %s\n", n, store.logPath().c_str());
    return kOk;
}

// What `feedback STORE ...` works on: the store, and the class names when known.
struct FeedbackTarget {
    std::string dir;
    std::vector<std::string> classes; // from the project, else the names the items carry
    bool fromProject = false;
};

FeedbackTarget feedbackTarget(const std::string &arg)
{
    FeedbackTarget t;
    std::error_code ec;
    if (fs::is_regular_file(arg, ec) && fs::path(arg).extension() == ".json") {
        ProjectLoad load = loadProjectFile(arg);
        if (!load.ok()) {
            printDiagnostics(load.diagnostics, arg);
            throw EngineError(Message::tr("%1: the project cannot be loaded", arg));
        }
        t.dir = feedbackDir(load.project);
        t.classes = load.project.dataset.classNames;
        if (t.classes.empty())
            for (int i = 0; i < load.project.dataset.numClasses; ++i)
                t.classes.push_back(std::to_string(i));
        t.fromProject = true;
        return t;
    }
    if (fs::exists(arg, ec) && !fs::is_directory(arg, ec))
        throw EngineError(Message::tr("%1: not a feedback store folder or a project file", arg));
    t.dir = arg;
    // The names the items carry, by index.
    for (const FeedbackItem &item : FeedbackStore(arg).items()) {
        auto note = [&](int index, const std::string &name) {
            if (index < 0 || name.empty() || index > 100000)
                return;
            if (size_t(index) >= t.classes.size())
                t.classes.resize(size_t(index) + 1);
            if (t.classes[size_t(index)].empty())
                t.classes[size_t(index)] = name;
        };
        for (const ClassScore &c : item.top)
            note(c.index, c.name);
        note(item.label, item.labelName);
    }
    return t;
}

// A class given as a number or a name; throws naming it when it is neither.
int resolveClass(const FeedbackTarget &t, const std::string &given, std::string &name)
{
    const bool digits =
        !given.empty() && given.size() < 9 && given.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
        const int index = std::stoi(given);
        if (t.fromProject && index >= int(t.classes.size()))
            throw EngineError(Message::tr("class %1 is out of range: the project has %2 classes (0 to %3)", index,
                                          t.classes.size(), int(t.classes.size()) - 1));
        name = size_t(index) < t.classes.size() ? t.classes[size_t(index)] : std::string();
        return index;
    }
    for (size_t i = 0; i < t.classes.size(); ++i)
        if (t.classes[i] == given) {
            name = given;
            return int(i);
        }
    std::vector<std::string> known;
    for (const auto &c : t.classes)
        if (!c.empty())
            known.push_back(c);
    std::string list;
    for (const auto &k : known)
        list += (list.empty() ? "" : ", ") + k;
    throw EngineError(list.empty() ? Message::tr("no class is named '%1'; give the class number", given)
                                   : Message::tr("no class is named '%1' (classes: %2)", given, list));
}

std::string itemInput(const FeedbackItem &item)
{
    return item.input.source.empty() ? item.input.file : item.input.source;
}

std::string itemPrediction(const FeedbackItem &item)
{
    if (!item.predicted)
        return "(correction)";
    char buf[64];
    if (item.top.empty()) {
        std::snprintf(buf, sizeof buf, "%.6g", item.value);
        return buf;
    }
    std::snprintf(buf, sizeof buf, " %.1f%%", item.top.front().probability * 100);
    return item.top.front().name + buf;
}

std::string itemReview(const FeedbackItem &item)
{
    if (!item.reviewed())
        return "unreviewed";
    if (item.verdict == "right")
        return "right";
    if (!std::isnan(item.trueValue)) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "wrong: %.6g", item.trueValue);
        return buf;
    }
    return "wrong: " + (item.labelName.empty() ? std::to_string(item.label) : item.labelName);
}

nlohmann::json itemJson(const FeedbackItem &item, const FeedbackStore &store)
{
    nlohmann::json top = nlohmann::json::array();
    for (const ClassScore &c : item.top)
        top.push_back({{"index", c.index}, {"name", c.name}, {"probability", c.probability}});
    nlohmann::json j = {{"id", item.id},
                        {"time", item.time},
                        {"version", item.version},
                        {"source", item.input.source},
                        {"file", store.inputPath(item)},
                        {"sha256", item.input.sha256},
                        {"top", top},
                        {"state", item.reviewed() ? item.verdict : std::string("unreviewed")}};
    if (!item.input.row.is_null())
        j["row"] = item.input.row;
    if (item.predicted && item.top.empty())
        j["value"] = item.value;
    if (item.reviewed()) {
        if (item.label >= 0)
            j["label"] = item.label, j["label_name"] = item.labelName;
        if (!std::isnan(item.trueValue))
            j["true_value"] = item.trueValue;
        j["reviewed_at"] = item.reviewedAt;
    }
    return j;
}

int feedbackList(const FeedbackTarget &t, const Args &a)
{
    FeedbackStore store(t.dir);
    FeedbackFilter filter;
    if (a.options.count("--state")) {
        filter.state = a.options.at("--state");
        static const std::vector<std::string> states = {"unreviewed", "reviewed", "right", "wrong"};
        if (std::find(states.begin(), states.end(), filter.state) == states.end()) {
            std::fprintf(stderr, "error: --state: expected unreviewed, reviewed, right or wrong, got '%s'\n",
                         filter.state.c_str());
            return kUsage;
        }
    }
    if (a.options.count("--class")) {
        std::string name;
        filter.label = resolveClass(t, a.options.at("--class"), name);
    }
    if (a.options.count("--version"))
        filter.version = a.options.at("--version");
    std::vector<Message> problems;
    store.items(&problems); // the problems, reported once below
    const auto items = store.list(filter);
    if (a.options.count("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto &item : items)
            out.push_back(itemJson(item, store));
        std::printf("%s\n", out.dump(2).c_str());
    } else if (items.empty()) {
        std::printf("no feedback items%s in %s\n",
                    filter.state.empty() && filter.label < 0 && filter.version.empty() ? "" : " match",
                    store.dir().c_str());
    } else {
        std::printf("%-33s %-10s %-28s %-24s %s\n", "id", "version", "input", "prediction", "review");
        for (const auto &item : items)
            std::printf("%-33s %-10s %-28s %-24s %s\n", item.id.c_str(), item.version.c_str(), itemInput(item).c_str(),
                        itemPrediction(item).c_str(), itemReview(item).c_str());
    }
    for (const Message &m : problems)
        std::fprintf(stderr, "warning: %s\n", m.str().c_str());
    return problems.empty() ? kOk : kFailed;
}

int feedbackCounts(const FeedbackTarget &t)
{
    FeedbackStore store(t.dir);
    std::vector<Message> problems;
    store.items(&problems);
    const FeedbackCounts c = store.counts(int(t.classes.size()));
    std::printf("%lld items, %lld reviewed (%lld right, %lld wrong), %lld unreviewed\n", (long long)c.items,
                (long long)c.reviewed, (long long)c.right, (long long)c.wrong, (long long)(c.items - c.reviewed));
    if (c.reviewed > 0) {
        std::printf("%-24s %9s %9s\n", "class", "reviewed", "wrong");
        for (size_t i = 0; i < c.perClass.size(); ++i) {
            const std::string name = i < t.classes.size() && !t.classes[i].empty()
                                         ? std::to_string(i) + " " + t.classes[i]
                                         : std::to_string(i);
            std::printf("%-24s %9lld %9lld\n", name.c_str(), (long long)c.perClass[i], (long long)c.wrongPerClass[i]);
        }
    }
    for (const Message &m : problems)
        std::fprintf(stderr, "warning: %s\n", m.str().c_str());
    return problems.empty() ? kOk : kFailed;
}

// A finite number option; prints the error and gives nothing when it is not one.
std::optional<double> numberOption(const Args &a, const std::string &name)
{
    const std::string &text = a.options.at(name);
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v))
            return v;
    } catch (const std::exception &) {
    }
    std::fprintf(stderr, "error: %s: expected a number, got '%s'\n", name.c_str(), text.c_str());
    return std::nullopt;
}

// compress: pruning through pruneRun(), the fine-tuning printed as train prints it.
int cmdCompress(const Args &a)
{
    if (a.positional.size() != 1 || !a.options.count("--prune")) {
        std::fprintf(stderr, "%s", help("compress"));
        return kUsage;
    }
    PruneOptions o;
    const std::optional<double> amount = numberOption(a, "--prune");
    if (!amount)
        return kUsage;
    o.amount = *amount;
    o.structured = a.options.count("--structured") > 0;
    std::string error;
    const std::optional<int> steps = intOption(a, "--steps", 1, error, 100);
    const std::optional<int> finetune = intOption(a, "--finetune", 0, error, 10000);
    o.batchLimit = intOption(a, "--batch-limit", 1, error);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    o.steps = steps.value_or(1);
    o.finetuneEpochs = finetune.value_or(1);
    if (auto s = a.options.find("--score"); s != a.options.end())
        o.score = s->second;
    if (auto c = a.options.find("--checkpoint"); c != a.options.end())
        o.checkpoint = c->second;
    if (auto d = a.options.find("--device"); d != a.options.end()) {
        if (!isValidDeviceString(d->second)) {
            std::fprintf(stderr, "error: --device: expected auto, cpu, cuda or cuda:N, got '%s'\n", d->second.c_str());
            return kUsage;
        }
        o.device = d->second;
    }
    if (auto out = a.options.find("--out"); out != a.options.end())
        o.runsDir = out->second;
    ProgressPrinter printer(stdout);
    std::mutex printing; // the trainer's events come from its worker thread
    const PruneResult r = pruneRun(
        a.positional[0], o,
        [&](const TrainingEvent &e) {
            std::lock_guard<std::mutex> lock(printing);
            printer.print(e);
        },
        [&](const Message &m) {
            std::lock_guard<std::mutex> lock(printing);
            printer.finishLine();
            std::printf("%s\n", m.str().c_str());
            std::fflush(stdout);
        });
    auto change = [](int64_t before, int64_t after) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.1f%%", before ? 100.0 * double(after - before) / double(before) : 0.0);
        return std::string(buf);
    };
    std::printf("\npruned run: %s\n", r.runDir.c_str());
    std::printf("  %-22s %14s %14s %9s\n", "", "before", "after", "change");
    std::printf("  %-22s %14lld %14lld %9s\n", o.structured ? "parameters" : "non-zero parameters",
                static_cast<long long>(r.parametersBefore), static_cast<long long>(r.parametersAfter),
                change(r.parametersBefore, r.parametersAfter).c_str());
    std::printf("  %-22s %14lld %14lld %9s\n", "multiply-adds", static_cast<long long>(r.macsBefore),
                static_cast<long long>(r.macsAfter), change(r.macsBefore, r.macsAfter).c_str());
    std::printf("  sparsity of the Conv/Linear weights: %.1f%%\n", 100.0 * r.sparsity);
    if (o.structured && r.summary.contains("layers"))
        for (const auto &[name, v] : r.summary["layers"].items())
            std::printf("  %-22s %14lld %14lld  channels\n", name.c_str(),
                        static_cast<long long>(v.value("before", int64_t(0))),
                        static_cast<long long>(v.value("after", int64_t(0))));
    std::printf("  fine-tuning: %d epoch(s) after each of %d step(s)\n", o.finetuneEpochs, o.steps);
    return kOk;
}

int cmdFeedback(const Args &a)
{
    static const std::map<std::string, size_t> kArity = {{"list", 0}, {"counts", 0}, {"review", 2},
                                                         {"undo", 1}, {"add", 1},    {"import", 1}};
    if (a.positional.size() < 2 || !kArity.count(a.positional[1])) {
        if (a.positional.size() >= 2)
            std::fprintf(stderr, "error: unknown feedback action '%s'\n\n", a.positional[1].c_str());
        std::fprintf(stderr, "%s", help("feedback"));
        return kUsage;
    }
    const std::string &action = a.positional[1];
    const std::vector<std::string> args(a.positional.begin() + 2, a.positional.end());
    if (args.size() != kArity.at(action)) {
        std::fprintf(stderr, "error: feedback %s takes %zu argument(s), got %zu\n\n%s", action.c_str(),
                     kArity.at(action), args.size(), help("feedback"));
        return kUsage;
    }
    const FeedbackTarget t = feedbackTarget(a.positional[0]);
    if (t.dir.empty())
        throw EngineError(Message::tr("%1: the project has no file, so it has no feedback store", a.positional[0]));
    if (action == "list")
        return feedbackList(t, a);
    if (action == "counts")
        return feedbackCounts(t);
    FeedbackStore store(t.dir);
    if (action == "review") {
        const std::string &id = args[0], &verdict = args[1];
        if (verdict == "right") {
            store.markRight(id);
            std::printf("%s: marked right\n", id.c_str());
        } else if (verdict == "wrong") {
            if (a.options.count("--value")) {
                const auto v = numberOption(a, "--value");
                if (!v)
                    return kUsage;
                store.markWrongValue(id, *v);
                std::printf("%s: marked wrong, correct value %.6g\n", id.c_str(), *v);
            } else if (a.options.count("--label")) {
                std::string name;
                const int label = resolveClass(t, a.options.at("--label"), name);
                store.markWrong(id, label, name);
                std::printf("%s: marked wrong, correct class %d%s\n", id.c_str(), label,
                            name.empty() ? "" : (" (" + name + ")").c_str());
            } else {
                std::fprintf(stderr, "error: review ID wrong needs --label NAME|N (or --value X)\n");
                return kUsage;
            }
        } else {
            std::fprintf(stderr, "error: expected right or wrong, got '%s'\n", verdict.c_str());
            return kUsage;
        }
        return kOk;
    }
    if (action == "undo") {
        store.undoReview(args[0]);
        const auto item = store.find(args[0]);
        std::printf("%s: review undone; now %s\n", args[0].c_str(), item ? itemReview(*item).c_str() : "unreviewed");
        return kOk;
    }
    if (action == "add") {
        if (!a.options.count("--label") && !a.options.count("--value")) {
            std::fprintf(stderr, "error: feedback add needs --label NAME|N (or --value X)\n");
            return kUsage;
        }
        // FILE.csv:LINE names a table row, kept inline.
        nlohmann::json row;
        std::error_code ec;
        const size_t colon = args[0].rfind(':');
        if (!fs::exists(args[0], ec) && colon != std::string::npos && colon + 1 < args[0].size()
            && args[0].find_first_not_of("0123456789", colon + 1) == std::string::npos && args[0].size() - colon < 12
            && fs::is_regular_file(args[0].substr(0, colon), ec))
            row = feedbackTableRow(args[0].substr(0, colon), std::stoll(args[0].substr(colon + 1)));
        if (a.options.count("--value")) {
            const auto v = numberOption(a, "--value");
            if (!v)
                return kUsage;
            const FeedbackItem item = store.addCorrectionValue(args[0], *v, row);
            std::printf("added %s: %s, value %.6g\n", item.id.c_str(), args[0].c_str(), *v);
            return kOk;
        }
        std::string name;
        const int label = resolveClass(t, a.options.at("--label"), name);
        const FeedbackItem item = store.addCorrection(args[0], label, name, row);
        std::printf("added %s: %s, class %d%s\n", item.id.c_str(), args[0].c_str(), label,
                    name.empty() ? "" : (" (" + name + ")").c_str());
        return kOk;
    }
    // import
    const int n = store.importFrom(args[0]);
    std::printf("imported %d item(s) from %s into %s\n", n, args[0].c_str(), store.dir().c_str());
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
    if (a.options.count("--log") && a.options.at("--log").empty()) {
        std::fprintf(stderr, "error: --log needs a feedback store folder\n");
        return kUsage;
    }
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
    if (a.options.count("--log"))
        return logPredictions(a.options.at("--log"), a.positional[0], a.positional[1], predictions);
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

// ---- Model versions: versions, compare, promote, rollback (torchwright/versions.h) ----

// The project file named on the command line, loaded; null after printing its errors.
std::optional<Project> loadSavedProject(const std::string &file)
{
    ProjectLoad load = loadProjectFile(file);
    if (!load.ok()) {
        printDiagnostics(load.diagnostics, file);
        return std::nullopt;
    }
    return load.project;
}

// "91.20%", "R^2 0.812" or "-" when not measured.
std::string metricText(const VersionMetrics &m, bool regression)
{
    char buf[32];
    if (m.samples == 0)
        return "-";
    if (regression)
        std::snprintf(buf, sizeof buf, "R^2 %.3f", m.r2);
    else
        std::snprintf(buf, sizeof buf, "%.2f%%", m.accuracy * 100);
    return buf;
}

nlohmann::json metricsJson(const VersionMetrics &m)
{
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    return {{"samples", m.samples},
            {"accuracy", num(m.accuracy)},
            {"loss", num(m.loss)},
            {"r2", num(m.r2)},
            {"mae", num(m.mae)}};
}

nlohmann::json versionJson(const VersionInfo &v)
{
    return {{"id", v.id},
            {"current", v.current},
            {"created", v.created},
            {"parent", v.parent},
            {"run", v.runName},
            {"run_dir", v.runDir},
            {"checkpoint", v.checkpoint},
            {"dir", v.dir},
            {"bundle", v.bundleDir()},
            {"graph_sha256", v.graphHash},
            {"data_sha256", v.dataSha256},
            {"test_sha256", v.testSha256},
            {"feedback_items", v.feedbackItems.size()},
            {"regression", v.regression},
            {"test", metricsJson(v.test)},
            {"feedback", metricsJson(v.feedback)},
            {"note", v.note}};
}

void printVersionTable(const std::vector<VersionInfo> &versions)
{
    int runWidth = 3;
    for (const auto &v : versions)
        runWidth = std::max(runWidth, int(v.runName.size()));
    std::printf("%-6s %-3s %-20s %-6s %-*s %12s %12s  %s\n", "id", "cur", "created", "parent", runWidth, "run", "test",
                "feedback", "note");
    for (const auto &v : versions)
        std::printf("%-6s %-3s %-20s %-6s %-*s %12s %12s  %s\n", v.id.c_str(), v.current ? "*" : "",
                    v.created.substr(0, 19).c_str(), v.parent.empty() ? "-" : v.parent.c_str(), runWidth,
                    v.runName.c_str(), metricText(v.test, v.regression).c_str(),
                    metricText(v.feedback, v.regression).c_str(), v.note.c_str());
}

int cmdVersions(const Args &a)
{
    const std::vector<std::string> &p = a.positional;
    const std::string action = p.size() >= 2 ? p[1] : "";
    const bool ok =
        (p.size() == 1) || (p.size() == 2 && action == "history") || (p.size() == 3 && action == "register");
    if (!ok) {
        std::fprintf(stderr, "%s", help("versions"));
        return kUsage;
    }
    const std::optional<Project> project = loadSavedProject(p[0]);
    if (!project)
        return kFailed;
    const bool json = a.options.count("--json");
    if (action == "register") {
        RegisterOptions options;
        if (a.options.count("--checkpoint"))
            options.checkpoint = a.options.at("--checkpoint");
        if (options.checkpoint != "best" && options.checkpoint != "last") {
            std::fprintf(stderr, "error: --checkpoint: expected best or last, got '%s'\n", options.checkpoint.c_str());
            return kUsage;
        }
        if (a.options.count("--note"))
            options.note = a.options.at("--note");
        configureThreads(0);
        const VersionInfo v = registerVersion(*project, p[2], options);
        if (json) {
            std::printf("%s\n", versionJson(v).dump(2).c_str());
            return kOk;
        }
        std::printf("registered %s from %s (%s checkpoint)%s\n", v.id.c_str(), v.runName.c_str(), v.checkpoint.c_str(),
                    v.current ? "; it is the current version" : "");
        std::printf("test: %s on %d samples; feedback set: %s\n", metricText(v.test, v.regression).c_str(),
                    v.test.samples, v.feedback.samples ? metricText(v.feedback, v.regression).c_str() : "none yet");
        std::printf("folder: %s\n", v.dir.c_str());
        return kOk;
    }
    if (action == "history") {
        const std::vector<RegistryEvent> events = registryHistory(*project);
        if (json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto &e : events)
                list.push_back({{"time", e.time},
                                {"action", e.action},
                                {"version", e.version},
                                {"previous", e.previous},
                                {"reason", e.reason},
                                {"override", e.override}});
            std::printf("%s\n", list.dump(2).c_str());
            return kOk;
        }
        if (events.empty())
            std::printf("no registrations, promotions or rollbacks yet\n");
        for (const auto &e : events)
            std::printf("%-20s %-9s %-5s %-8s %s%s\n", e.time.substr(0, 19).c_str(), e.action.c_str(),
                        e.version.c_str(),
                        e.previous.empty() || e.action == "register" ? "" : ("from " + e.previous).c_str(),
                        e.reason.c_str(), e.override ? " [gate overridden]" : "");
        return kOk;
    }
    const std::vector<VersionInfo> versions = listVersions(*project);
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto &v : versions)
            list.push_back(versionJson(v));
        std::printf("%s\n", list.dump(2).c_str());
        return kOk;
    }
    if (versions.empty()) {
        std::printf("no model versions yet in %s\n(torchwright-cli versions %s register RUN makes one)\n",
                    versionsDir(*project).c_str(), p[0].c_str());
        return kOk;
    }
    printVersionTable(versions);
    return kOk;
}

nlohmann::json gateJson(const GateResult &g) { return g.toJson(); }

void printGate(const GateResult &g, const std::string &a, const std::string &b)
{
    std::printf("gate for %s against %s: %s\n", b.c_str(), a.c_str(), g.passed ? "passed" : "FAILED");
    for (const auto &r : g.rules)
        std::printf("  [%s] %s: %s\n", r.passed ? "pass" : "FAIL", r.name.c_str(), r.text.str().c_str());
}

std::string indexList(const std::vector<int> &v, size_t n = 10)
{
    std::string s;
    for (size_t i = 0; i < std::min(n, v.size()); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return v.size() > n ? s + ", ..." : s;
}

std::string idList(const std::vector<std::string> &v, size_t n = 5)
{
    std::string s;
    for (size_t i = 0; i < std::min(n, v.size()); ++i)
        s += (i ? ", " : "") + v[i];
    return v.size() > n ? s + ", ..." : s;
}

int cmdCompare(const Args &a)
{
    if (a.positional.size() != 3) {
        std::fprintf(stderr, "%s", help("compare"));
        return kUsage;
    }
    const std::optional<Project> project = loadSavedProject(a.positional[0]);
    if (!project)
        return kFailed;
    const std::string device = a.options.count("--device") ? a.options.at("--device") : "cpu";
    configureThreads(0);
    const VersionComparison c = compareVersions(*project, a.positional[1], a.positional[2], device);
    const bool regression = c.b.regression;
    if (a.options.count("--json")) {
        nlohmann::json classes = nlohmann::json::array();
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
        for (const auto &d : c.classes)
            classes.push_back({{"name", d.name},
                               {"support", d.support},
                               {"recall_a", num(d.recallA)},
                               {"recall_b", num(d.recallB)},
                               {"precision_a", num(d.precisionA)},
                               {"precision_b", num(d.precisionB)}});
        const nlohmann::json j = {{"a", c.a.id},
                                  {"b", c.b.id},
                                  {"same_test_split", c.sameTestSplit},
                                  {"test_a", metricsJson({c.testA.samples, regression ? NAN : c.testA.accuracy,
                                                          c.testA.loss, c.testA.r2, c.testA.mae})},
                                  {"test_b", metricsJson({c.testB.samples, regression ? NAN : c.testB.accuracy,
                                                          c.testB.loss, c.testB.r2, c.testB.mae})},
                                  {"feedback_a", metricsJson(c.feedbackA)},
                                  {"feedback_b", metricsJson(c.feedbackB)},
                                  {"classes", classes},
                                  {"confusion_delta", c.confusionDelta},
                                  {"newly_fixed", c.newlyFixed},
                                  {"newly_broken", c.newlyBroken},
                                  {"feedback_fixed", c.feedbackFixed},
                                  {"feedback_broken", c.feedbackBroken},
                                  {"latency_ms_a", num(c.latencyMsA)},
                                  {"latency_ms_b", num(c.latencyMsB)},
                                  {"bytes_a", c.bytesA},
                                  {"bytes_b", c.bytesB},
                                  {"params_a", c.paramsA},
                                  {"params_b", c.paramsB},
                                  {"gate", gateJson(c.gate)}};
        std::printf("%s\n", j.dump(2).c_str());
        return kOk;
    }
    const std::string A = c.a.id, B = c.b.id;
    std::printf("%s (a) against %s (b)\n", A.c_str(), B.c_str());
    if (!c.sameTestSplit)
        std::printf("warning: the test split read now differs from the one a version was measured on "
                    "(test_sha256); the figures below are on the split as it is now\n");
    if (regression)
        std::printf("test split (%d samples): R^2 %.4f -> %.4f, MAE %.6g -> %.6g\n", c.testB.samples, c.testA.r2,
                    c.testB.r2, c.testA.mae, c.testB.mae);
    else
        std::printf("test split (%d samples): accuracy %.2f%% -> %.2f%% (%+.2f points), loss %.4f -> %.4f\n",
                    c.testB.samples, c.testA.accuracy * 100, c.testB.accuracy * 100,
                    (c.testB.accuracy - c.testA.accuracy) * 100, c.testA.loss, c.testB.loss);
    if (c.feedbackB.samples == 0)
        std::printf("feedback set: none (no reviewed feedback item is held out)\n");
    else if (regression)
        std::printf("feedback set (%d items): R^2 %.4f -> %.4f\n", c.feedbackB.samples, c.feedbackA.r2, c.feedbackB.r2);
    else
        std::printf("feedback set (%d items): accuracy %.2f%% -> %.2f%% (%+.2f points)\n", c.feedbackB.samples,
                    c.feedbackA.accuracy * 100, c.feedbackB.accuracy * 100,
                    (c.feedbackB.accuracy - c.feedbackA.accuracy) * 100);
    if (!c.classes.empty()) {
        size_t w = 5;
        for (const auto &d : c.classes)
            w = std::max(w, d.name.size());
        std::printf("\n%-*s %8s %9s %9s %8s %12s %12s\n", int(w), "class", "support", "recall a", "recall b", "delta",
                    "precision a", "precision b");
        for (const auto &d : c.classes)
            std::printf("%-*s %8lld %8.2f%% %8.2f%% %+8.2f %11.2f%% %11.2f%%\n", int(w), d.name.c_str(),
                        static_cast<long long>(d.support), d.recallA * 100, d.recallB * 100,
                        (d.recallB - d.recallA) * 100, d.precisionA * 100, d.precisionB * 100);
    }
    if (!c.confusionDelta.empty()) {
        // The cells that changed most: true class -> predicted class, count a -> b.
        struct Cell {
            size_t t, q;
            int64_t d;
        };
        std::vector<Cell> cells;
        for (size_t t = 0; t < c.confusionDelta.size(); ++t)
            for (size_t q = 0; q < c.confusionDelta[t].size(); ++q)
                if (t != q && c.confusionDelta[t][q] != 0)
                    cells.push_back({t, q, c.confusionDelta[t][q]});
        std::sort(cells.begin(), cells.end(),
                  [](const Cell &x, const Cell &y) { return std::llabs(x.d) > std::llabs(y.d); });
        std::printf("\nconfusion difference (b - a): %zu off-diagonal cell(s) changed\n", cells.size());
        for (size_t i = 0; i < std::min<size_t>(5, cells.size()); ++i) {
            const auto &cell = cells[i];
            std::printf("  %s taken for %s: %+lld\n", c.testB.classNames[cell.t].c_str(),
                        c.testB.classNames[cell.q].c_str(), static_cast<long long>(cell.d));
        }
    }
    std::printf("\nnewly fixed test samples: %zu%s%s\n", c.newlyFixed.size(), c.newlyFixed.empty() ? "" : ": ",
                indexList(c.newlyFixed).c_str());
    std::printf("newly broken test samples: %zu%s%s\n", c.newlyBroken.size(), c.newlyBroken.empty() ? "" : ": ",
                indexList(c.newlyBroken).c_str());
    std::printf("newly fixed feedback items: %zu%s%s\n", c.feedbackFixed.size(), c.feedbackFixed.empty() ? "" : ": ",
                idList(c.feedbackFixed).c_str());
    std::printf("newly broken feedback items: %zu%s%s\n", c.feedbackBroken.size(), c.feedbackBroken.empty() ? "" : ": ",
                idList(c.feedbackBroken).c_str());
    std::printf("\nlatency (median, CPU, batch 1, one thread): %.3f ms -> %.3f ms\n", c.latencyMsA, c.latencyMsB);
    std::printf("model.pt: %s -> %s bytes; parameters: %lld -> %lld\n\n", human(c.bytesA).c_str(),
                human(c.bytesB).c_str(), static_cast<long long>(c.paramsA), static_cast<long long>(c.paramsB));
    printGate(c.gate, A, B);
    return kOk;
}

// --reason TEXT, required and not blank; empty after printing why.
std::string requiredReason(const Args &a)
{
    const auto it = a.options.find("--reason");
    if (it == a.options.end() || it->second.find_first_not_of(" \t\r\n") == std::string::npos) {
        std::fprintf(stderr, "error: --reason TEXT is required: say why (it is recorded in the registry)\n");
        return {};
    }
    return it->second;
}

int cmdPromote(const Args &a)
{
    if (a.positional.size() != 2) {
        std::fprintf(stderr, "%s", help("promote"));
        return kUsage;
    }
    const std::string reason = requiredReason(a);
    if (reason.empty())
        return kUsage;
    const std::optional<Project> project = loadSavedProject(a.positional[0]);
    if (!project)
        return kFailed;
    configureThreads(0);
    const bool override = a.options.count("--override");
    const std::optional<VersionInfo> current = currentVersion(*project);
    // Throws, naming the failed rules, when the gate fails without --override.
    const GateResult gate = promoteVersion(*project, a.positional[1], reason, override);
    const VersionInfo now = findVersion(*project, "current");
    if (current)
        printGate(gate, current->id, now.id);
    std::printf("%s is now the current version%s%s\n", now.id.c_str(),
                current ? (" (was " + current->id + ")").c_str() : "",
                override && !gate.passed ? "; the gate's failure was overridden, and that is recorded" : "");
    return kOk;
}

int cmdRollback(const Args &a)
{
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("rollback"));
        return kUsage;
    }
    const std::string reason = requiredReason(a);
    if (reason.empty())
        return kUsage;
    const std::optional<Project> project = loadSavedProject(a.positional[0]);
    if (!project)
        return kFailed;
    const std::optional<VersionInfo> before = currentVersion(*project);
    const std::string to = rollbackVersion(*project, reason);
    std::printf("rolled back to %s (was %s)\n", to.c_str(), before ? before->id.c_str() : "-");
    return kOk;
}

std::string bytesText(int64_t bytes)
{
    if (bytes < 0)
        return "-";
    char buf[32];
    if (bytes >= 1000000)
        std::snprintf(buf, sizeof buf, "%.2f MB", double(bytes) / 1e6);
    else if (bytes >= 1000)
        std::snprintf(buf, sizeof buf, "%.1f kB", double(bytes) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    return buf;
}

std::string msText(double ms)
{
    if (!std::isfinite(ms))
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.3f" : "%.1f", ms);
    return buf;
}

nlohmann::json finiteOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json compressionRowJson(const CompressionRow &r)
{
    return {
        {"run", r.runDir},
        {"label", r.label},
        {"method", r.method},
        {"parameters", r.parameters},
        {"non_zero_parameters", r.nonZeroParameters},
        {"multiply_adds", r.macs},
        {"torchscript_bytes", r.torchscriptBytes < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.torchscriptBytes)},
        {"onnx_bytes", r.onnxBytes < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.onnxBytes)},
        {"libtorch_ms_batch1", finiteOrNull(r.libtorchMs1)},
        {"libtorch_ms_batch64", finiteOrNull(r.libtorchMs64)},
        {"onnxruntime_ms_batch1", finiteOrNull(r.onnxRuntimeMs1)},
        {"onnxruntime_ms_batch64", finiteOrNull(r.onnxRuntimeMs64)},
        {"test_accuracy", finiteOrNull(r.testAccuracy)},
        {"accuracy_change_points", finiteOrNull(r.accuracyChange)},
        {"passes", r.passes},
        {"note", r.note}};
}

void printCompressionTable(const std::vector<CompressionRow> &rows, const CompressionTableOptions &options)
{
    // One line per run, columns right-aligned to the widest cell; notes follow as footnotes.
    const std::vector<std::string> head = {"run",         "method",   "params",   "non-zero",  "MACs",
                                           "TorchScript", "ONNX",     "LT ms b1", "LT ms b64", "ORT ms b1",
                                           "ORT ms b64",  "test acc", "change",   "result"};
    std::vector<std::vector<std::string>> cells;
    for (size_t i = 0; i < rows.size(); ++i) {
        const CompressionRow &r = rows[i];
        char acc[32] = "-", change[32] = "-";
        if (std::isfinite(r.testAccuracy))
            std::snprintf(acc, sizeof acc, "%.2f%%", r.testAccuracy * 100);
        if (std::isfinite(r.accuracyChange))
            std::snprintf(change, sizeof change, "%+.2f", r.accuracyChange);
        std::string label = r.label;
        if (!r.note.empty())
            label += " [" + std::to_string(i + 1) + "]";
        cells.push_back({label, r.method, human(r.parameters), human(r.nonZeroParameters), human(r.macs),
                         bytesText(r.torchscriptBytes), bytesText(r.onnxBytes), msText(r.libtorchMs1),
                         msText(r.libtorchMs64), msText(r.onnxRuntimeMs1), msText(r.onnxRuntimeMs64), acc, change,
                         std::isfinite(r.accuracyChange) ? (r.passes ? "PASS" : "FAIL") : "-"});
    }
    std::vector<size_t> width(head.size());
    for (size_t c = 0; c < head.size(); ++c) {
        width[c] = head[c].size();
        for (const auto &row : cells)
            width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string> &v) {
        std::string out;
        for (size_t c = 0; c < v.size(); ++c) {
            const std::string pad(width[c] - v[c].size(), ' ');
            out += c < 2 ? v[c] + pad : pad + v[c]; // names left, figures right
            out += c + 1 < v.size() ? "  " : "";
        }
        std::printf("%s\n", out.c_str());
    };
    line(head);
    for (const auto &row : cells)
        line(row);
    std::printf("\nchange: points of test accuracy against the original; PASS: it loses at most %.2f points.\n"
                "latency: median milliseconds per batch of 1 and of 64 test samples over %d runs, on the CPU\n"
                "with %s (LT: LibTorch, ORT: ONNX Runtime); sizes: the exported files.\n",
                options.allowedDrop, options.repeats,
                options.threads > 0 ? (std::to_string(options.threads) + " thread(s)").c_str()
                                    : "the libraries' default threads");
    for (size_t i = 0; i < rows.size(); ++i)
        if (!rows[i].note.empty())
            std::printf("[%zu] %s\n", i + 1, rows[i].note.c_str());
}

int cmdCompression(const Args &a)
{
    if (a.positional.empty()) {
        std::fprintf(stderr, "%s", help("compression"));
        return kUsage;
    }
    CompressionTableOptions options;
    if (a.options.count("--allowed-drop")) {
        const std::optional<double> drop = numberOption(a, "--allowed-drop");
        if (!drop)
            return kUsage;
        if (*drop < 0 || *drop > 100) {
            std::fprintf(stderr, "error: --allowed-drop: expected points from 0 to 100, got '%s'\n",
                         a.options.at("--allowed-drop").c_str());
            return kUsage;
        }
        options.allowedDrop = *drop;
    }
    std::string error;
    const std::optional<int> repeats = intOption(a, "--repeats", 1, error, 100000);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    const std::optional<int> threads = intOption(a, "--threads", 1, error, kMaxThreads);
    if (!error.empty()) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return kUsage;
    }
    if (repeats)
        options.repeats = *repeats;
    if (threads)
        options.threads = *threads;
    configureThreads(options.threads);
    std::vector<std::string> runs(a.positional.begin() + 1, a.positional.end());
    if (runs.empty()) // the runs made from it, in its runs folder
        for (const CompressedRun &r : compressedRuns(a.positional[0]))
            runs.push_back(r.runDir);
    const bool json = a.options.count("--json");
    const std::vector<CompressionRow> rows = compressionTable(
        a.positional[0], runs, options, [](const Message &m) { std::fprintf(stderr, "%s\n", m.str().c_str()); });
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto &r : rows)
            list.push_back(compressionRowJson(r));
        std::printf("%s\n", nlohmann::json{{"allowed_drop_points", options.allowedDrop},
                                           {"repeats", options.repeats},
                                           {"threads", options.threads},
                                           {"rows", list}}
                                .dump(2)
                                .c_str());
        return kOk;
    }
    printCompressionTable(rows, options);
    return kOk;
}

int cmdImportRun(const Args &a)
{
    if (a.positional.size() != 1) {
        std::fprintf(stderr, "%s", help("import-run"));
        return kUsage;
    }
    ImportRunOptions o;
    if (a.options.count("--project"))
        o.projectFile = a.options.at("--project");
    if (a.options.count("--name"))
        o.name = a.options.at("--name");
    const ImportedRun r = importProgramRun(a.positional[0], o);
    std::fflush(stdout);
    std::fprintf(stderr, "imported %s: %s after %d of %d epoch(s), best epoch %d\n", a.positional[0].c_str(),
                 r.status.c_str(), r.epochsCompleted, r.epochsPlanned, r.bestEpoch);
    std::printf("%s\n", r.runDir.c_str());
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
        if (command == "distill")
            return cmdDistill(*args);
        if (command == "evaluate")
            return cmdEvaluate(*args);
        if (command == "export")
            return cmdExport(*args);
        if (command == "compress")
            return cmdCompress(*args);
        if (command == "predict")
            return cmdPredict(*args);
        if (command == "runs")
            return cmdRuns(*args);
        if (command == "versions")
            return cmdVersions(*args);
        if (command == "compare")
            return cmdCompare(*args);
        if (command == "promote")
            return cmdPromote(*args);
        if (command == "rollback")
            return cmdRollback(*args);
        if (command == "feedback")
            return cmdFeedback(*args);
        if (command == "compression")
            return cmdCompression(*args);
        if (command == "quantize")
            return cmdQuantize(*args);
        if (command == "import-run")
            return cmdImportRun(*args);
        return cmdDevices();
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", errorMessage(e).c_str());
        return kFailed;
    } catch (...) {
        std::fprintf(stderr, "error: an unexpected failure of unknown kind; please report it with the command line\n");
        return kFailed;
    }
}
