// Image folders: ROOT/CLASS_NAME/*.png|jpg|jpeg|bmp (any case), one subfolder per class, the class
// names being the sorted folder names (byte order of their UTF-8 names; files starting with "."
// are ignored, so are files of other kinds). The test split is, in this order: the folder
// /dataset/image/test_path names (of the same layout); ROOT/test when ROOT holds both train and
// test folders (ROOT/train is then the training root); otherwise /dataset/image/test_fraction of
// each class, chosen by /dataset/split_seed (stratifiedTestSplit, datasetcache.h). Files are
// decoded in parallel once and cached (datasetcache.h); each becomes a [C, H, W] uint8 sample as
// imagedecode.h states.

#include "datasetcache.h"
#include "datasetreader.h"

#include <algorithm>
#include <filesystem>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

struct Layout {
    std::string trainRoot;
    std::string testRoot; // empty: split trainRoot by the test fraction
};

Layout layoutOf(const Project &p)
{
    Layout l;
    const fs::path root = p.datasetPath();
    std::error_code ec;
    if (!p.dataset.image.testPath.empty()) {
        l.trainRoot = root.string();
        l.testRoot = p.resolvePath(p.dataset.image.testPath);
    } else if (fs::is_directory(root / "train", ec) && fs::is_directory(root / "test", ec)) {
        l.trainRoot = (root / "train").string();
        l.testRoot = (root / "test").string();
    } else {
        l.trainRoot = root.string();
    }
    return l;
}

bool hidden(const fs::path &p)
{
    const std::string n = p.filename().string();
    return n.empty() || n[0] == '.';
}

std::vector<std::string> classFolders(const std::string &root)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw EngineError(Message::tr("%1: folder not found", root));
    std::vector<std::string> names;
    int64_t looseImages = 0;
    for (const auto &e : fs::directory_iterator(root, ec)) {
        if (hidden(e.path()))
            continue;
        if (e.is_directory(ec))
            names.push_back(e.path().filename().string());
        else if (isImageFileName(e.path().filename().string()))
            ++looseImages;
    }
    if (ec)
        throw EngineError(Message::tr("%1: cannot be listed: %2", root, ec.message()));
    std::sort(names.begin(), names.end());
    if (names.empty())
        throw EngineError(
            looseImages > 0
                ? Message::tr("%1: no class folders, but %2 images directly in it: an image folder holds one subfolder "
                              "of images per class (FOLDER/CLASS_NAME/image.png)",
                              root, looseImages)
                : Message::tr("%1: no class folders: an image folder holds one subfolder of images per class "
                              "(FOLDER/CLASS_NAME/image.png)",
                              root));
    return names;
}

// The image files of one class folder, sorted by name; an empty class is an error.
std::vector<std::string> classFiles(const fs::path &folder)
{
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(folder, ec))
        if (!hidden(e.path()) && isImageFileName(e.path().filename().string()) && !e.is_directory(ec))
            files.push_back(e.path().filename().string());
    if (ec)
        throw EngineError(Message::tr("%1: cannot be listed: %2", folder.string(), ec.message()));
    if (files.empty())
        throw EngineError(Message::tr("%1: the class folder has no PNG, JPEG or BMP image; remove it or add images",
                                      folder.string()));
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> dataClasses(const Project &p) { return classFolders(layoutOf(p).trainRoot); }

// Refuses a project whose class names or count do not match the folders.
void checkProjectClasses(const Project &p, const std::vector<std::string> &classes)
{
    const auto list = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &n : v)
            s += (s.empty() ? "" : ", ") + n;
        return s;
    };
    if (!p.dataset.classNames.empty() && p.dataset.classNames != classes)
        throw EngineError(
            Message::tr("%1: the class folders are [%2] but /dataset/class_names lists [%3]; "
                        "`torchwright-cli validate --fix PROJECT` writes the folders' names into the project",
                        p.datasetPath(), list(classes), list(p.dataset.classNames)));
    if (int64_t(classes.size()) != p.dataset.numClasses)
        throw EngineError(
            Message::tr("%1: %2 class folders but /dataset/num_classes is %3; "
                        "`torchwright-cli validate --fix PROJECT` writes the folders' classes into the project",
                        p.datasetPath(), int64_t(classes.size()), p.dataset.numClasses));
}

ImageImport importOf(const Project &p)
{
    const Layout l = layoutOf(p);
    ImageImport spec;
    spec.classes = classFolders(l.trainRoot);
    checkProjectClasses(p, spec.classes);
    std::vector<std::string> rel;
    std::vector<int64_t> labels;
    for (size_t c = 0; c < spec.classes.size(); ++c)
        for (const auto &f : classFiles(fs::path(l.trainRoot) / spec.classes[c])) {
            rel.push_back(spec.classes[c] + "/" + f);
            labels.push_back(int64_t(c));
        }
    std::vector<ImageItem> train, test;
    if (l.testRoot.empty()) {
        const std::vector<bool> isTest =
            stratifiedTestSplit(rel, labels, p.dataset.image.testFraction, p.dataset.splitSeed);
        for (size_t i = 0; i < rel.size(); ++i)
            (isTest[i] ? test : train).push_back({(fs::path(l.trainRoot) / rel[i]).string(), labels[i], isTest[i]});
    } else {
        for (size_t i = 0; i < rel.size(); ++i)
            train.push_back({(fs::path(l.trainRoot) / rel[i]).string(), labels[i], false});
        for (const auto &name : classFolders(l.testRoot)) {
            const auto at = std::find(spec.classes.begin(), spec.classes.end(), name);
            if (at == spec.classes.end())
                throw EngineError(Message::tr("%1: the test class folder \"%2\" is not among the training classes",
                                              l.testRoot, name));
            for (const auto &f : classFiles(fs::path(l.testRoot) / name))
                test.push_back({(fs::path(l.testRoot) / name / f).string(), int64_t(at - spec.classes.begin()), true});
        }
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
    spec.slot = "image_folder\n" + l.trainRoot + "\n" + l.testRoot + "\n" + std::to_string(channels) + " "
                + std::to_string(spec.target.height) + "x" + std::to_string(spec.target.width) + " "
                + resizePolicyName(spec.target.resize);
    return spec;
}

RawSplit split(const Project &p, bool test, const ImportControl &control)
{
    return importImageSplit(
        p, [&p] { return importOf(p); }, test, control);
}

bool filesPresent(const Project &p, std::string *missing)
{
    const Layout l = layoutOf(p);
    std::error_code ec;
    for (const std::string &root : {l.trainRoot, l.testRoot})
        if (!root.empty() && !fs::is_directory(root, ec)) {
            if (missing)
                *missing = root;
            return false;
        }
    return true;
}

} // namespace

DatasetFormat imageFolderFormat()
{
    DatasetFormat d;
    d.name = "image_folder";
    d.label = "Image folders (one per class)";
    d.description = "PNG, JPEG or BMP files in one subfolder per class (FOLDER/CLASS_NAME/image.png), resized to "
                    "the sample shape";
    d.settings = {"/dataset/image/channels", "/dataset/image/resize", "/dataset/image/test_fraction",
                  "/dataset/image/test_path"};
    d.scale = byteScale;
    d.programReader = "datasets/image_folder.py";
    d.programHelpers = {"datasets/image_decode.py"};
    d.classNames = dataClasses;
    d.reader = std::make_shared<const DatasetReader>(
        DatasetReader{filesPresent, [](const Project &p, const ImportControl &c) { return split(p, false, c); },
                      [](const Project &p, const ImportControl &c) { return split(p, true, c); },
                      [](const Project &p) { return split(p, true, {}).inputs; }, predictImageInputs});
    return d;
}

} // namespace torchwright
