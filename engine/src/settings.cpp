// The settings schema (see settings.h): the one table of the project's settings outside the graph.

#include "torchwright/settings.h"

#include "torchwright/augment.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/limits.h"
#include "torchwright/project.h"
#include "torchwright/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace torchwright {

using nlohmann::json;

namespace {

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
// int64's largest value as the double bound of an Int range: intMax() saturates it back.
constexpr double kInt64Max = 9223372036854775807.0;

// Adds an entry bound to the Project field `access` returns; `access` takes a Project or a const
// Project, so one lambda serves both the getter and the setter.
template <typename Access>
SettingSpec &bindField(std::vector<SettingSpec> &all, std::string pointer, SettingType type, Access access)
{
    SettingSpec s;
    s.pointer = std::move(pointer);
    s.type = type;
    s.get = [access](const Project &p) { return json(access(p)); };
    s.set = [access](Project &p, const json &v) {
        auto &field = access(p);
        field = v.get<std::decay_t<decltype(field)>>();
    };
    all.push_back(std::move(s));
    return all.back();
}

void show(SettingSpec &s, std::vector<std::string> stages, std::string label, std::string help)
{
    s.stages = std::move(stages);
    s.label = std::move(label);
    s.help = std::move(help);
}

void range(SettingSpec &s, double min, double max, bool minExclusive = false, bool maxExclusive = false)
{
    s.min = min;
    s.max = max;
    s.minExclusive = minExclusive;
    s.maxExclusive = maxExclusive;
}

bool always(const Project &) { return true; }

// The format's own settings apply only while the project uses that format.
std::function<bool(const Project &)> formatUses(const std::string &pointer)
{
    return [pointer](const Project &p) {
        const DatasetFormat *f = findDatasetFormat(p.dataset.kind);
        return f && std::find(f->settings.begin(), f->settings.end(), pointer) != f->settings.end();
    };
}

void addImageDataset(std::vector<SettingSpec> &v, const std::vector<std::string> &in);

void addDataset(std::vector<SettingSpec> &v)
{
    const std::vector<std::string> in = {"input_data"};
    auto &kind = bindField(
        v, "/dataset/kind", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.kind; });
    show(kind, in, "Kind", "The format of the training data");
    kind.choices = datasetFormatNames();
    kind.required = always;

    auto &path = bindField(
        v, "/dataset/path", SettingType::String, [](auto &p) -> auto & { return p.dataset.path; });
    show(path, in, "Folder", "The folder holding the data files, relative to the project file or absolute");
    path.path = true;
    path.required = [](const Project &p) {
        const DatasetFormat *f = findDatasetFormat(p.dataset.kind);
        return !f || f->needsPath;
    };
    path.check = [](const json &value, const Project &p) -> Message {
        const DatasetFormat *f = findDatasetFormat(p.dataset.kind);
        if ((!f || f->needsPath) && value.get<std::string>().empty())
            return Message::tr("the dataset folder is empty; give the folder holding the data files");
        return {};
    };

    auto &shape = bindField(
        v, "/dataset/sample_shape", SettingType::List, [](auto &p) -> auto & { return p.dataset.sampleShape; });
    show(shape, in, "Sample shape", "One sample's shape without the batch: channels first, e.g. 1, 28, 28");
    shape.itemType = SettingType::Int;
    range(shape, 1, double(kMaxDimension));
    shape.check = [](const json &value, const Project &) -> Message {
        Count elements = 1;
        for (const auto &d : value)
            elements *= d.get<int64_t>();
        if (!elements.exceeds(kMaxElements))
            return {};
        return Message::tr("a sample of %1 would have %2 elements; the largest supported tensor has %3", value.dump(),
                           elements.text(), kMaxElements);
    };
    shape.minItems = 1;
    shape.maxItems = 4;
    shape.required = always;

    auto &classes = bindField(
        v, "/dataset/num_classes", SettingType::Int, [](auto &p) -> auto & { return p.dataset.numClasses; });
    show(classes, in, "Classes", "How many classes the labels name");
    range(classes, 1, 100000);
    classes.required = always;

    auto &names = bindField(
        v, "/dataset/class_names", SettingType::List, [](auto &p) -> auto & { return p.dataset.classNames; });
    show(names, in, "Class names", "One name per class, in label order; empty: the labels' numbers");

    auto &fraction = bindField(
        v, "/dataset/validation_fraction", SettingType::Number,
        [](auto &p) -> auto & { return p.dataset.validationFraction; });
    show(fraction, in, "Validation fraction", "The share of the training data held out for validation");
    range(fraction, 0, 0.9);
    fraction.step = 0.05;

    auto &split = bindField(
        v, "/dataset/split_seed", SettingType::Int, [](auto &p) -> auto & { return p.dataset.splitSeed; });
    show(split, in, "Split seed", "Seeds the choice of the validation samples");
    range(split, 0, kInt64Max);

    // The synthetic format's own settings (formatUses asks its descriptor).
    const std::string syn = "/dataset/synthetic";
    auto &train = bindField(
        v, syn + "/train_samples", SettingType::Int, [](auto &p) -> auto & { return p.dataset.syntheticTrain; });
    show(train, in, "Training samples", "How many training samples to generate");
    range(train, 2, 10000000);
    train.applies = formatUses(train.pointer);
    auto &test = bindField(
        v, syn + "/test_samples", SettingType::Int, [](auto &p) -> auto & { return p.dataset.syntheticTest; });
    show(test, in, "Test samples", "How many test samples to generate");
    range(test, 1, 10000000);
    test.applies = formatUses(test.pointer);
    auto &noise = bindField(
        v, syn + "/noise", SettingType::Number, [](auto &p) -> auto & { return p.dataset.syntheticNoise; });
    show(noise, in, "Noise", "The standard deviation of the Gaussian noise added to each pattern");
    range(noise, 0, 1e6);
    noise.step = 0.1;
    noise.applies = formatUses(noise.pointer);
    auto &seed = bindField(
        v, syn + "/seed", SettingType::Int, [](auto &p) -> auto & { return p.dataset.syntheticSeed; });
    show(seed, in, "Generator seed", "Seeds the generated patterns and noise");
    range(seed, 0, kInt64Max);
    seed.applies = formatUses(seed.pointer);

    // The csv format's own settings.
    const std::string csv = "/dataset/csv";
    auto &file = bindField(
        v, csv + "/file", SettingType::String, [](auto &p) -> auto & { return p.dataset.csv.file; });
    show(file, in, "Table file", "The training table (CSV, plain or .gz) in the dataset folder, or an absolute path");
    file.applies = formatUses(file.pointer);
    file.required = always;
    file.check = [](const json &value, const Project &) -> Message {
        if (value.get<std::string>().empty())
            return Message::tr("the table file is empty; give the CSV file in the dataset folder");
        return {};
    };
    auto &testFile = bindField(
        v, csv + "/test_file", SettingType::String, [](auto &p) -> auto & { return p.dataset.csv.testFile; });
    show(testFile, in, "Test table file",
         "A separate test table in the dataset folder; empty: the test fraction of the table is held out");
    testFile.applies = formatUses(testFile.pointer);
    auto &testFraction = bindField(
        v, csv + "/test_fraction", SettingType::Number, [](auto &p) -> auto & { return p.dataset.csv.testFraction; });
    show(testFraction, in, "Test fraction",
         "Without a test table: the share of the rows held out for testing, chosen by the split seed "
         "(stratified by class)");
    range(testFraction, 0, 0.9, false, false);
    testFraction.step = 0.05;
    testFraction.applies = formatUses(testFraction.pointer);
    auto &features = bindField(
        v, csv + "/features", SettingType::List, [](auto &p) -> auto & { return p.dataset.csv.features; });
    show(features, in, "Feature columns",
         "The columns the model reads, by name or 0-based index; empty: every column but the target");
    features.applies = formatUses(features.pointer);
    auto &target = bindField(
        v, csv + "/target", SettingType::String, [](auto &p) -> auto & { return p.dataset.csv.target; });
    show(target, in, "Target column", "The column to predict, by name or 0-based index");
    target.applies = formatUses(target.pointer);
    target.required = always;
    target.check = [](const json &value, const Project &) -> Message {
        if (value.get<std::string>().empty())
            return Message::tr("the target column is empty; give its name or 0-based index");
        return {};
    };
    auto &task = bindField(
        v, csv + "/task", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.csv.task; });
    show(task, in, "Task",
         "classification: the target names a class; regression: the target is a number the model "
         "predicts (one output, mse loss, R^2 and MAE reported)");
    task.choices = {"classification", "regression"};
    task.applies = formatUses(task.pointer);
    auto &delimiter = bindField(
        v, csv + "/delimiter", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.csv.delimiter; });
    show(delimiter, in, "Delimiter", "The character between fields; auto: comma, semicolon or tab, detected");
    delimiter.choices = {"auto", "comma", "semicolon", "tab"};
    delimiter.applies = formatUses(delimiter.pointer);
    auto &header = bindField(
        v, csv + "/header", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.csv.header; });
    show(header, in, "Header row",
         "yes: the first row names the columns; no: it is data (columns are named by index); auto: detected");
    header.choices = {"auto", "yes", "no"};
    header.applies = formatUses(header.pointer);
    auto &skip = bindField(
        v, csv + "/skip_rows", SettingType::Int, [](auto &p) -> auto & { return p.dataset.csv.skipRows; });
    show(skip, in, "Rows to skip",
         "Rows before the header; -1: detect a count line such as scikit-learn's (\"569,30,malignant,benign\")");
    range(skip, -1, 1000000);
    skip.applies = formatUses(skip.pointer);
    auto &maxClasses = bindField(
        v, csv + "/max_classes", SettingType::Int, [](auto &p) -> auto & { return p.dataset.csv.maxClasses; });
    show(maxClasses, in, "Most classes",
         "Classification: a target column with more distinct values than this is refused (an identifier or a "
         "real value is no class)");
    range(maxClasses, 2, 100000);
    maxClasses.applies = formatUses(maxClasses.pointer);
    addImageDataset(v, in);
}

// The image formats' own settings (image_folder and image_list share the first three).
void addImageDataset(std::vector<SettingSpec> &v, const std::vector<std::string> &in)
{
    const std::string img = "/dataset/image";
    auto &channels = bindField(
        v, img + "/channels", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.image.channels; });
    show(channels, in, "Channels",
         "auto: what most images are; grayscale or rgb: every image converted to it. /dataset/sample_shape's first "
         "dimension must agree (1 or 3)");
    channels.choices = {"auto", "grayscale", "rgb"};
    channels.applies = formatUses(channels.pointer);
    auto &resize = bindField(
        v, img + "/resize", SettingType::Choice, [](auto &p) -> auto & { return p.dataset.image.resize; });
    show(resize, in, "Resize",
         "How every image becomes the sample size (bilinear): stretch the whole image, or crop: the shorter side fills "
         "it and the longer one is cropped evenly around the centre");
    resize.choices = {"stretch", "crop"};
    resize.applies = formatUses(resize.pointer);
    auto &testFraction = bindField(
        v, img + "/test_fraction", SettingType::Number, [](auto &p) -> auto & { return p.dataset.image.testFraction; });
    show(testFraction, in, "Test fraction",
         "The share of each class held out as the test split (chosen by the split seed) when there are no separate "
         "test images");
    range(testFraction, 0, 0.9);
    testFraction.step = 0.05;
    testFraction.applies = formatUses(testFraction.pointer);
    auto &testPath = bindField(
        v, img + "/test_path", SettingType::String, [](auto &p) -> auto & { return p.dataset.image.testPath; });
    show(testPath, in, "Test folder",
         "A folder of class folders used as the test split; empty: FOLDER/test when the folder has train and test "
         "subfolders, else the test fraction");
    testPath.path = true;
    testPath.applies = formatUses(testPath.pointer);
    const std::string list = "/dataset/image_list";
    auto &trainList = bindField(
        v, list + "/train_file", SettingType::String, [](auto &p) -> auto & { return p.dataset.image.trainList; });
    show(trainList, in, "Training list",
         "The CSV file in the dataset folder listing the training images and their labels");
    trainList.applies = formatUses(trainList.pointer);
    trainList.required = formatUses(trainList.pointer);
    trainList.check = [](const json &value, const Project &) -> Message {
        if (value.get<std::string>().empty())
            return Message::tr("the training list is empty; name the CSV file listing the training images");
        return {};
    };
    auto &testList = bindField(
        v, list + "/test_file", SettingType::String, [](auto &p) -> auto & { return p.dataset.image.testList; });
    show(testList, in, "Test list",
         "The CSV file listing the test images; empty: the test fraction of the training list");
    testList.applies = formatUses(testList.pointer);
    auto &imageColumn = bindField(
        v, list + "/image_column", SettingType::String, [](auto &p) -> auto & { return p.dataset.image.imageColumn; });
    show(imageColumn, in, "Image column",
         "The header of the column naming each image file, relative to the CSV file (Neural Network Console: x:image)");
    imageColumn.applies = formatUses(imageColumn.pointer);
    auto &labelColumn = bindField(
        v, list + "/label_column", SettingType::String, [](auto &p) -> auto & { return p.dataset.image.labelColumn; });
    show(labelColumn, in, "Label column",
         "The header of the label column: class numbers from 0, or class names (sorted into numbers)");
    labelColumn.applies = formatUses(labelColumn.pointer);
}

// Augmentation of training batches (AugmentSettings, engine/src/augment.h). Each is left out of
// the file while off, so projects without augmentation keep their files as they were. An image
// operation is shown for image samples only, the table noise for 1-D samples only; a value set
// where it does not fit is refused, naming the sample shape.
void addAugment(std::vector<SettingSpec> &v, const std::vector<std::string> &pre)
{
    const std::string a = "/preprocess/augment";
    auto takesImages = [](const Project &p) { return augmentTakesImages(p); };
    auto takesFeatures = [](const Project &p) { return augmentTakesFeatures(p); };
    auto image = [&](SettingSpec &s) {
        s.omitDefault = true;
        s.shown = [get = s.get, takesImages](const Project &p) { return takesImages(p) || get(p) != json(0); };
        s.check = [](const json &value, const Project &p) -> Message {
            if (value.get<double>() == 0 || augmentTakesImages(p))
                return {};
            return Message::tr("applies to image samples [C, H, W]; /dataset/sample_shape is %1; set it to 0",
                               formatShape(p.dataset.sampleShape));
        };
    };
    auto probability = [&](const std::string &key, auto access, std::string label, std::string help) -> SettingSpec & {
        auto &s = bindField(v, a + "/" + key, SettingType::Number, access);
        show(s, pre, std::move(label), std::move(help));
        range(s, 0, 1);
        s.step = 0.1;
        image(s);
        return s;
    };
    probability(
        "hflip", [](auto &p) -> auto & { return p.preprocess.augment.hflip; }, "Random horizontal flip",
        "Augmentation: the probability that a training sample is mirrored left to right");
    probability(
        "vflip", [](auto &p) -> auto & { return p.preprocess.augment.vflip; }, "Random vertical flip",
        "Augmentation: the probability that a training sample is turned upside down");

    auto &translate = bindField(
        v, a + "/translate", SettingType::Int, [](auto &p) -> auto & { return p.preprocess.augment.translate; });
    show(translate, pre, "Random crop padding (pixels)",
         "Augmentation: pads each training sample by this many pixels of the stored value 0 and crops it back at a "
         "random place, moving it by up to this many pixels");
    range(translate, 0, 64); // the padded batch stays within a few times the batch's size
    image(translate);

    auto number = [&](const std::string &key, auto access, double max, double step, std::string label,
                      std::string help) -> SettingSpec & {
        auto &s = bindField(v, a + "/" + key, SettingType::Number, access);
        show(s, pre, std::move(label), std::move(help));
        range(s, 0, max);
        s.step = step;
        image(s);
        return s;
    };
    number(
        "rotate", [](auto &p) -> auto & { return p.preprocess.augment.rotate; }, 180, 5, "Random rotation (degrees)",
        "Augmentation: rotates each training sample by a random angle up to this many degrees either way");
    number(
        "scale", [](auto &p) -> auto & { return p.preprocess.augment.scale; }, 0.9, 0.05, "Random zoom (fraction)",
        "Augmentation: zooms each training sample by a random factor from 1 - this to 1 + this");
    number(
        "brightness", [](auto &p) -> auto & { return p.preprocess.augment.brightness; }, 1, 0.05,
        "Random brightness (max change)",
        "Augmentation: adds a random offset up to this either way, in the scaled input's units (0 to 1 for bytes)");
    number(
        "contrast", [](auto &p) -> auto & { return p.preprocess.augment.contrast; }, 1, 0.05,
        "Random contrast (max change)",
        "Augmentation: scales each sample's contrast by a random factor from 1 - this to 1 + this");
    number(
        "noise", [](auto &p) -> auto & { return p.preprocess.augment.noise; }, 10, 0.01, "Gaussian noise (std)",
        "Augmentation: adds Gaussian noise of this standard deviation, in the scaled input's units (0 to 1 for "
        "bytes)");

    auto &features = bindField(
        v, a + "/feature_noise", SettingType::Number,
        [](auto &p) -> auto & { return p.preprocess.augment.featureNoise; });
    show(features, pre, "Feature noise (std)",
         "Augmentation of table rows: adds Gaussian noise of this standard deviation to the standardised features");
    range(features, 0, 10);
    features.step = 0.01;
    features.omitDefault = true;
    features.shown = [takesFeatures](const Project &p) {
        return takesFeatures(p) || p.preprocess.augment.featureNoise != 0;
    };
    features.check = [](const json &value, const Project &p) -> Message {
        if (value.get<double>() == 0 || augmentTakesFeatures(p))
            return {};
        return Message::tr("applies to 1-D samples (table rows); /dataset/sample_shape is %1; set it to 0",
                           formatShape(p.dataset.sampleShape));
    };

    auto &seed = bindField(
        v, a + "/seed", SettingType::Int, [](auto &p) -> auto & { return p.preprocess.augment.seed; });
    show(seed, pre, "Augmentation seed (0 = from the training seed)",
         "Seeds the random augmentation, so that a run is reproducible; 0 derives it from the training seed");
    range(seed, 0, kInt64Max);
    seed.omitDefault = true;
}

void addPreprocess(std::vector<SettingSpec> &v)
{
    const std::vector<std::string> pre = {"preprocess"};
    auto &normalize = bindField(
        v, "/preprocess/normalize", SettingType::Choice, [](auto &p) -> auto & { return p.preprocess.normalize; });
    show(normalize, pre, "Normalisation",
         "dataset: the training split's mean and std per channel; fixed: the values below; none: as scaled");
    normalize.choices = {"none", "dataset", "fixed"};
    auto &mean = bindField(
        v, "/preprocess/mean", SettingType::List, [](auto &p) -> auto & { return p.preprocess.mean; });
    show(mean, pre, "Mean (fixed)", "Subtracted per channel when normalisation is fixed");
    mean.itemType = SettingType::Number;
    range(mean, -kInf, kInf);
    auto &stdev = bindField(
        v, "/preprocess/std", SettingType::List, [](auto &p) -> auto & { return p.preprocess.std; });
    show(stdev, pre, "Std (fixed)", "Divided by per channel when normalisation is fixed");
    stdev.itemType = SettingType::Number;
    range(stdev, -kInf, kInf);
    addAugment(v, pre);
}

void addPretrain(std::vector<SettingSpec> &v)
{
    auto &enabled = bindField(
        v, "/pretrain/enabled", SettingType::Bool, [](auto &p) -> auto & { return p.pretrain.enabled; });
    show(enabled, {"pretrain_decision", "pretrain"}, "Start from a pretrained model",
         "Initialise layers from another run's checkpoint instead of at random");
    auto &source = bindField(
        v, "/pretrain/source", SettingType::String, [](auto &p) -> auto & { return p.pretrain.source; });
    show(source, {"pretrain"}, "Source run or checkpoint",
         "A run folder, a Torchwright checkpoint, a TorchScript file, a PyTorch checkpoint, or a model "
         "version of this project: @current or @v2");
    source.path = true;
    auto &frozen = bindField(
        v, "/pretrain/frozen", SettingType::List, [](auto &p) -> auto & { return p.pretrain.frozen; });
    show(frozen, {"pretrain"}, "Frozen layers", "Names of the layers that keep their pretrained weights");
}

void addOptimizer(std::vector<SettingSpec> &v, const std::vector<std::string> &opt)
{
    const std::string o = "/training/optimizer";
    auto &type = bindField(
        v, o + "/type", SettingType::Choice, [](auto &p) -> auto & { return p.training.optimizer.type; });
    show(type, opt, "Optimizer", "The update rule");
    type.choices = {"sgd", "adam", "adamw", "rmsprop"};
    auto &lr = bindField(
        v, o + "/lr", SettingType::Number, [](auto &p) -> auto & { return p.training.optimizer.lr; });
    show(lr, opt, "Learning rate", "The step size of each update");
    range(lr, 0, 1e6, true);
    lr.step = 1e-4;
    auto &momentum = bindField(
        v, o + "/momentum", SettingType::Number, [](auto &p) -> auto & { return p.training.optimizer.momentum; });
    show(momentum, opt, "Momentum", "SGD and RMSprop: the share of the previous update carried on");
    range(momentum, 0, 1, false, true);
    momentum.step = 0.05;
    auto &nesterov = bindField(
        v, o + "/nesterov", SettingType::Bool, [](auto &p) -> auto & { return p.training.optimizer.nesterov; });
    show(nesterov, opt, "Nesterov", "SGD: Nesterov momentum (needs momentum > 0)");
    auto &decay = bindField(
        v, o + "/weight_decay", SettingType::Number,
        [](auto &p) -> auto & { return p.training.optimizer.weightDecay; });
    show(decay, opt, "Weight decay", "L2 penalty (decoupled for AdamW)");
    range(decay, 0, 1e6);
    decay.step = 1e-4;

    // Two fields of OptimizerSettings stored as one pair in the file.
    SettingSpec betas;
    betas.pointer = o + "/betas";
    show(betas, opt, "Betas", "Adam and AdamW: the decay rates of the first and second moment estimates");
    betas.type = SettingType::List;
    betas.itemType = SettingType::Number;
    range(betas, -kInf, kInf);
    betas.get = [](const Project &p) { return json{p.training.optimizer.beta1, p.training.optimizer.beta2}; };
    betas.set = [](Project &p, const json &value) {
        if (value.size() != 2)
            return; // an empty list keeps the defaults
        p.training.optimizer.beta1 = value[0].get<double>();
        p.training.optimizer.beta2 = value[1].get<double>();
    };
    betas.check = [](const json &value, const Project &) -> Message {
        auto unit = [](const json &b) { return b.get<double>() >= 0 && b.get<double>() < 1; };
        if (value.empty() || (value.size() == 2 && std::all_of(value.begin(), value.end(), unit)))
            return {};
        return Message::tr("expected two numbers in [0, 1), got %1", value.dump());
    };
    v.push_back(std::move(betas));

    auto &eps = bindField(
        v, o + "/eps", SettingType::Number, [](auto &p) -> auto & { return p.training.optimizer.eps; });
    show(eps, opt, "Epsilon", "Adam, AdamW and RMSprop: added to the denominator for numerical stability");
    range(eps, 0, 1, true);
    eps.step = 1e-8;
    auto &alpha = bindField(
        v, o + "/alpha", SettingType::Number, [](auto &p) -> auto & { return p.training.optimizer.alpha; });
    show(alpha, opt, "Alpha", "RMSprop: the smoothing constant");
    range(alpha, 0, 1);
    alpha.step = 0.01;
}

void addTraining(std::vector<SettingSpec> &v)
{
    const std::vector<std::string> opt = {"optimize"};
    auto &epochs = bindField(
        v, "/training/epochs", SettingType::Int, [](auto &p) -> auto & { return p.training.epochs; });
    show(epochs, opt, "Epochs", "Passes over the training data");
    range(epochs, 1, 100000);
    auto &batch = bindField(
        v, "/training/batch_size", SettingType::Int, [](auto &p) -> auto & { return p.training.batchSize; });
    show(batch, opt, "Batch size", "Samples per update");
    range(batch, 1, 1 << 20);
    auto &loss = bindField(
        v, "/training/loss", SettingType::Choice, [](auto &p) -> auto & { return p.training.loss; });
    show(loss, opt, "Loss", "What training minimises");
    loss.choices = {"cross_entropy", "mse", "bce_with_logits"};
    auto &target = bindField(
        v, "/training/target", SettingType::Choice, [](auto &p) -> auto & { return p.training.target; });
    show(target, opt, "Target",
         "labels: learn the dataset's classes; input: reconstruct the input itself (an autoencoder, mse loss, "
         "no labels used)");
    target.choices = {"labels", "input"};
    target.omitDefault = true; // projects trained on labels keep the file they had
    addOptimizer(v, opt);

    const std::string s = "/training/schedule";
    auto &schedule = bindField(
        v, s + "/type", SettingType::Choice, [](auto &p) -> auto & { return p.training.schedule.type; });
    show(schedule, opt, "Schedule", "How the learning rate changes over the epochs");
    schedule.choices = {"none", "step", "cosine"};
    auto &stepSize = bindField(
        v, s + "/step_size", SettingType::Int, [](auto &p) -> auto & { return p.training.schedule.stepSize; });
    show(stepSize, opt, "Step size (epochs)", "Step schedule: epochs between two decays");
    range(stepSize, 1, 100000);
    auto &gamma = bindField(
        v, s + "/gamma", SettingType::Number, [](auto &p) -> auto & { return p.training.schedule.gamma; });
    show(gamma, opt, "Step gamma", "Step schedule: the factor the learning rate is multiplied by");
    range(gamma, 0, kInf, true);
    gamma.step = 0.05;
    auto &minLr = bindField(
        v, s + "/min_lr", SettingType::Number, [](auto &p) -> auto & { return p.training.schedule.minLr; });
    show(minLr, opt, "Minimum lr (cosine)", "Cosine schedule: the learning rate at the last epoch");
    range(minLr, 0, 1e6);
    minLr.step = 1e-5;

    const std::string e = "/training/early_stopping";
    auto &stop = bindField(
        v, e + "/enabled", SettingType::Bool, [](auto &p) -> auto & { return p.training.earlyStopping.enabled; });
    show(stop, opt, "Early stopping", "Stop when the watched metric stops improving");
    auto &metric = bindField(
        v, e + "/metric", SettingType::Choice, [](auto &p) -> auto & { return p.training.earlyStopping.metric; });
    show(metric, opt, "Watch", "The validation metric early stopping watches");
    metric.choices = {"val_loss", "val_accuracy"};
    auto &patience = bindField(
        v, e + "/patience", SettingType::Int, [](auto &p) -> auto & { return p.training.earlyStopping.patience; });
    show(patience, opt, "Patience (epochs)", "Epochs without improvement before training stops");
    range(patience, 0, 100000);
    auto &delta = bindField(
        v, e + "/min_delta", SettingType::Number, [](auto &p) -> auto & { return p.training.earlyStopping.minDelta; });
    show(delta, opt, "Minimum improvement", "The smallest change of the metric that counts as improvement");
    range(delta, 0, 1e6);
    delta.step = 1e-3;

    auto &clip = bindField(
        v, "/training/grad_clip", SettingType::Number, [](auto &p) -> auto & { return p.training.gradClip; });
    show(clip, opt, "Gradient clipping (norm, 0 = off)", "The largest global L2 norm of the gradients");
    range(clip, 0, 1e9);
    clip.step = 0.5;
    auto &seed = bindField(
        v, "/training/seed", SettingType::Int, [](auto &p) -> auto & { return p.training.seed; });
    show(seed, {"train_from_scratch"}, "Seed", "Seeds the initial weights and the order of the batches");
    range(seed, 0, kInt64Max);
    auto &device = bindField(
        v, "/training/device", SettingType::String, [](auto &p) -> auto & { return p.training.device; });
    show(device, opt, "Device", "auto, cpu, cuda or cuda:N");
    device.choices = {"auto", "cpu", "cuda", "cuda:0", "cuda:1"};
    device.check = [](const json &value, const Project &) -> Message {
        const std::string d = value.get<std::string>();
        if (isValidDeviceString(d))
            return {};
        return Message::tr("expected \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"%1\"", d);
    };
    auto &threads = bindField(
        v, "/training/threads", SettingType::Int, [](auto &p) -> auto & { return p.training.threads; });
    show(threads, opt, "Threads (0 = all cores)", "CPU threads for training");
    range(threads, 0, kMaxThreads);
    auto &precision = bindField(
        v, "/training/precision", SettingType::Choice, [](auto &p) -> auto & { return p.training.precision; });
    show(precision, opt, "Precision",
         "fp32: float32 (TF32 matrix math on GPUs that have it); bf16: mixed precision with bfloat16 (CUDA, and "
         "CPUs where LibTorch supports it); fp16: mixed precision with float16 and loss scaling (CUDA only). "
         "Weights and checkpoints stay float32");
    precision.choices = {"fp32", "bf16", "fp16"};
    precision.omitDefault = true; // projects trained in fp32 keep the file they had
    auto &channelsLast = bindField(
        v, "/training/channels_last", SettingType::Bool, [](auto &p) -> auto & { return p.training.channelsLast; });
    show(channelsLast, opt, "Channels-last memory",
         "Convolutional models: keep weights and image batches in NHWC order, which GPU tensor cores prefer");
    channelsLast.omitDefault = true;
}

// Knowledge distillation from a teacher run (project.h: DistillSettings, compress.h), shown in the
// Optimize stage. Left out of the file while they have their defaults, so projects that do not
// distil keep their files as they were.
void addDistill(std::vector<SettingSpec> &v)
{
    const std::vector<std::string> opt = {"optimize"};
    auto &teacher = bindField(
        v, "/distill/teacher", SettingType::String, [](auto &p) -> auto & { return p.distill.teacher; });
    show(teacher, opt, "Distillation teacher run",
         "A run folder whose model teaches this one (knowledge distillation); empty: train on the labels only");
    teacher.path = true;
    teacher.omitDefault = true;
    auto &checkpoint = bindField(
        v, "/distill/checkpoint", SettingType::Choice, [](auto &p) -> auto & { return p.distill.checkpoint; });
    show(checkpoint, opt, "Teacher checkpoint", "Which of the teacher run's checkpoints teaches: best or last");
    checkpoint.choices = {"best", "last"};
    checkpoint.omitDefault = true;
    auto &alpha = bindField(
        v, "/distill/alpha", SettingType::Number, [](auto &p) -> auto & { return p.distill.alpha; });
    show(alpha, opt, "Distillation alpha",
         "The weight of the teacher's soft targets in the loss; the labels' cross-entropy gets 1 - alpha");
    range(alpha, 0, 1);
    alpha.step = 0.05;
    alpha.omitDefault = true;
    auto &temperature = bindField(
        v, "/distill/temperature", SettingType::Number, [](auto &p) -> auto & { return p.distill.temperature; });
    show(temperature, opt, "Distillation temperature",
         "Divides both models' outputs before the softmax; higher values soften the teacher's distribution");
    range(temperature, 0, 1000, true);
    temperature.step = 0.5;
    temperature.omitDefault = true;
}

// The stages after deployment (project.h: ApplicationSettings, FinetuneSettings, GateSettings).
// Left out of the file while they have their defaults, so projects that never use the loop keep
// their files as they were.
void addLoop(std::vector<SettingSpec> &v)
{
    auto quiet = [](SettingSpec &s) -> SettingSpec & {
        s.omitDefault = true;
        return s;
    };
    auto &topK = quiet(bindField(
        v, "/application/top_k", SettingType::Int, [](auto &p) -> auto & { return p.application.topK; }));
    show(topK, {"application"}, "Classes shown per input",
         "How many of the most likely classes the try-it panel shows and a logged prediction keeps");
    range(topK, 1, 100);

    const std::vector<std::string> ft = {"continuous_optimization"};
    auto &epochs = quiet(bindField(
        v, "/finetune/epochs", SettingType::Int, [](auto &p) -> auto & { return p.finetune.epochs; }));
    show(epochs, ft, "Fine-tuning epochs", "Epochs of fine-tuning from the current version");
    range(epochs, 1, 100000);
    auto &lr = quiet(bindField(
        v, "/finetune/lr", SettingType::Number, [](auto &p) -> auto & { return p.finetune.lr; }));
    show(lr, ft, "Fine-tuning learning rate", "Small by default: the model starts trained");
    range(lr, 0, 1e6, true);
    lr.step = 1e-5;
    auto &weight = quiet(bindField(
        v, "/finetune/feedback_weight", SettingType::Number,
        [](auto &p) -> auto & { return p.finetune.feedbackWeight; }));
    show(weight, ft, "Feedback weight (oversampling)",
         "How many times each reviewed feedback item is seen per epoch; fractions are drawn at random");
    range(weight, 0, 1000, true);
    weight.step = 1;
    auto &replay = quiet(bindField(
        v, "/finetune/replay_fraction", SettingType::Number,
        [](auto &p) -> auto & { return p.finetune.replayFraction; }));
    show(replay, ft, "Replay fraction",
         "The share of the original training data mixed into each epoch, so the model does not forget it");
    range(replay, 0, 1);
    replay.step = 0.1;
    auto &holdout = quiet(bindField(
        v, "/finetune/holdout", SettingType::Number, [](auto &p) -> auto & { return p.finetune.holdout; }));
    show(holdout, ft, "Feedback held out",
         "The share of reviewed items kept out of fine-tuning to measure versions on (the feedback set)");
    range(holdout, 0, 1, false, true);
    holdout.step = 0.05;
    auto &frozen = quiet(bindField(
        v, "/finetune/frozen", SettingType::List, [](auto &p) -> auto & { return p.finetune.frozen; }));
    show(frozen, ft, "Frozen layers", "Names of the layers that keep the current version's weights");

    const std::vector<std::string> up = {"model_update"};
    auto &drop = quiet(bindField(
        v, "/update/gate/max_test_drop", SettingType::Number, [](auto &p) -> auto & { return p.gate.maxTestDrop; }));
    show(drop, up, "Gate: largest test accuracy drop (points)",
         "A new version may lose at most this many points of test accuracy against the current one");
    range(drop, 0, 100);
    drop.step = 0.1;
    auto &rise = quiet(bindField(
        v, "/update/gate/feedback_must_rise", SettingType::Bool,
        [](auto &p) -> auto & { return p.gate.feedbackMustRise; }));
    show(rise, up, "Gate: feedback accuracy must rise",
         "A new version must do better than the current one on the feedback set");
}

std::vector<SettingSpec> makeSettings()
{
    std::vector<SettingSpec> v;
    bindField(
        v, "/name", SettingType::String, [](auto &p) -> auto & { return p.name; });
    addDataset(v);
    addPreprocess(v);
    addPretrain(v);
    addTraining(v);
    addDistill(v);
    auto &formats = bindField(
        v, "/export/formats", SettingType::List, [](auto &p) -> auto & { return p.exports.formats; });
    show(formats, {"evaluate_deploy"}, "Export formats", "What Export writes");
    formats.itemType = SettingType::Choice;
    formats.choices = exportFormats();
    addLoop(v);
    const Project fresh;
    for (auto &s : v)
        s.defaultValue = s.get(fresh);
    return v;
}

} // namespace

Message integerExpectation(int64_t min, int64_t max)
{
    if (min == 1 && max == INT64_MAX)
        return Message::tr("a positive integer");
    if (min == 0 && max == INT64_MAX)
        return Message::tr("a non-negative integer");
    return Message::tr("an integer from %1 to %2", min, max);
}

int64_t SettingSpec::intMin() const { return min <= -kInt64Max ? INT64_MIN : int64_t(min); }

int64_t SettingSpec::intMax() const { return max >= kInt64Max ? INT64_MAX : int64_t(max); }

bool SettingSpec::inRange(double v) const
{
    return (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
}

Message SettingSpec::expectation() const
{
    const SettingType t = type == SettingType::List ? itemType : type;
    if (type == SettingType::List) {
        if (minItems && maxItems) {
            switch (t) {
            case SettingType::Int:
                return min >= 1 ? Message::tr("a list of %1 to %2 positive integers", minItems, maxItems)
                                : Message::tr("a list of %1 to %2 integers", minItems, maxItems);
            case SettingType::Number: return Message::tr("a list of %1 to %2 numbers", minItems, maxItems);
            default: return Message::tr("a list of %1 to %2 strings", minItems, maxItems);
            }
        }
        switch (t) {
        case SettingType::Int:
            return min >= 1 ? Message::tr("a list of positive integers") : Message::tr("a list of integers");
        case SettingType::Number: return Message::tr("a list of numbers");
        default: return Message::tr("a list of strings");
        }
    }
    switch (t) {
    case SettingType::Int: return integerExpectation(intMin(), intMax());
    case SettingType::Number: {
        if (min == -kInf && max == kInf)
            return Message::tr("a number");
        if (max == kInf)
            return minExclusive ? Message::tr("a number > %1", num(min)) : Message::tr("a number >= %1", num(min));
        if (minExclusive && !maxExclusive)
            return Message::tr("a number > %1 and <= %2", num(min), num(max));
        if (minExclusive && maxExclusive)
            return Message::tr("a number from %1 (exclusive) to %2 (exclusive)", num(min), num(max));
        if (maxExclusive)
            return Message::tr("a number from %1 to %2 (exclusive)", num(min), num(max));
        return Message::tr("a number from %1 to %2", num(min), num(max));
    }
    case SettingType::Bool: return Message::tr("true or false");
    case SettingType::Choice: {
        std::string list;
        for (const auto &c : choices)
            list += (list.empty() ? "\"" : ", \"") + c + "\"";
        return Message::tr("one of %1", list);
    }
    default: return Message::tr("a string");
    }
}

const std::vector<SettingSpec> &projectSettings()
{
    static const std::vector<SettingSpec> settings = makeSettings();
    return settings;
}

const SettingSpec *findSetting(const std::string &pointer)
{
    for (const auto &s : projectSettings())
        if (s.pointer == pointer)
            return &s;
    return nullptr;
}

} // namespace torchwright
