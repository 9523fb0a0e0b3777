// Augmentation of training batches (engine/src/augment.h, /preprocess/augment): the same seed
// gives the same batches and another seed others; flips and crops keep the shape and move the
// values exactly as stated; validation and test data are never augmented (the validation loss a
// run reports is the one of its checkpoint on the stored validation split); everything off
// leaves batches and project files as they were; image operations are refused on 1-D samples and
// the table noise on images, naming the sample shape; the settings as applied are recorded.

#include "testhelpers.h"

#include "augment.h"
#include "checkpoint.h"
#include "dataset.h"
#include "losses.h"
#include "model.h"

#include "torchwright/augment.h"
#include "torchwright/project.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <mutex>
#include <vector>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::describe;
using testhelpers::requestFor;
using testhelpers::sourcePath;

namespace {

Project tinyProject()
{
    ProjectLoad load = loadProjectFile(sourcePath("tests/data/tiny_synthetic/project.json"));
    if (!load.ok())
        qFatal("%s", describe(load.diagnostics).constData());
    return load.project;
}

// Every image operation on, at strengths that change every sample.
Project everything(Project p)
{
    AugmentSettings &a = p.preprocess.augment;
    a.hflip = 0.5;
    a.vflip = 0.5;
    a.translate = 2;
    a.rotate = 20;
    a.scale = 0.2;
    a.brightness = 0.1;
    a.contrast = 0.2;
    a.noise = 0.05;
    return p;
}

// `x` [C, H, W] moved so that pixel (i, j) is the old (i + dy, j + dx), `fill` outside.
torch::Tensor shifted(const torch::Tensor &x, int64_t dy, int64_t dx, float fill)
{
    const int64_t h = x.size(1), w = x.size(2);
    torch::Tensor out = torch::full_like(x, fill);
    for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j)
            if (i + dy >= 0 && i + dy < h && j + dx >= 0 && j + dx < w)
                out.select(1, i).select(1, j).copy_(x.select(1, i + dy).select(1, j + dx));
    return out;
}

const Diagnostic *errorAt(const Diagnostics &diags, const std::string &where)
{
    for (const auto &d : diags.items())
        if (d.severity == Severity::Error && d.where == where)
            return &d;
    return nullptr;
}

struct Events {
    std::mutex mutex;
    std::vector<TrainingEvent> all;
    TrainingEventSink sink()
    {
        return [this](const TrainingEvent &e) {
            std::lock_guard<std::mutex> lock(mutex);
            all.push_back(e);
        };
    }
};

std::vector<TrainingEvent> train(const Project &p, const QString &runsDir, int epochs)
{
    TrainRequest r = requestFor(p, runsDir);
    r.epochs = epochs;
    Events events;
    {
        TrainingSession session(r, events.sink());
        session.start();
        session.wait();
    }
    return events.all;
}

} // namespace

class TestAugment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void sameSeedSameBatches()
    {
        const Project p = everything(tinyProject());
        const torch::Tensor x = torch::rand({16, 1, 8, 8});
        const Augmenter a(p, DType::Float32, {0.5}, {0.25});
        QVERIFY(a.enabled());
        const torch::Tensor first = a(x, 1, 0);
        QVERIFY(torch::equal(first, a(x, 1, 0)));
        QVERIFY(torch::equal(first, Augmenter(p, DType::Float32, {0.5}, {0.25})(x, 1, 0)));
        QVERIFY(!torch::equal(first, a(x, 1, 1))); // another batch
        QVERIFY(!torch::equal(first, a(x, 2, 0))); // another epoch
        Project other = p;
        other.preprocess.augment.seed = 12345;
        QVERIFY(!torch::equal(first, Augmenter(other, DType::Float32, {0.5}, {0.25})(x, 1, 0)));
        // The seed derived from the training seed follows it.
        Project reseeded = p;
        reseeded.training.seed = p.training.seed + 1;
        QVERIFY(augmentSeed(reseeded) != augmentSeed(p));
        QVERIFY(!torch::equal(first, Augmenter(reseeded, DType::Float32, {0.5}, {0.25})(x, 1, 0)));
        QCOMPARE(first.sizes(), x.sizes());
        QVERIFY(torch::equal(x, x.clone())); // the input is untouched
    }

    void flipsMirrorExactly()
    {
        Project p = tinyProject();
        const torch::Tensor x = torch::rand({8, 3, 5, 7});
        p.dataset.sampleShape = {3, 5, 7};
        p.preprocess.augment.hflip = 1;
        QVERIFY(torch::equal(Augmenter(p, DType::Float32, {}, {})(x, 1, 0), x.flip({3})));
        p.preprocess.augment.hflip = 0;
        p.preprocess.augment.vflip = 1;
        QVERIFY(torch::equal(Augmenter(p, DType::Float32, {}, {})(x, 1, 0), x.flip({2})));
        // p = 0.5: each sample is either as it was or mirrored, and both happen.
        p.preprocess.augment.vflip = 0;
        p.preprocess.augment.hflip = 0.5;
        const torch::Tensor z = torch::rand({64, 1, 4, 4});
        const torch::Tensor out = Augmenter(p, DType::Float32, {}, {})(z, 3, 7);
        int mirrored = 0, kept = 0;
        for (int64_t i = 0; i < 64; ++i) {
            if (torch::equal(out[i], z[i]))
                ++kept;
            else if (torch::equal(out[i], z[i].flip({2})))
                ++mirrored;
        }
        QCOMPARE(mirrored + kept, 64);
        QVERIFY(mirrored > 10 && kept > 10);
    }

    void cropMovesByWholePixelsWithStoredZero()
    {
        Project p = tinyProject();
        p.dataset.sampleShape = {2, 6, 5};
        p.preprocess.augment.translate = 2;
        // Normalised with mean 0.5, std 0.25: the stored 0 is -2 after normalisation.
        const std::vector<double> mean = {0.5, 0.5}, stdev = {0.25, 0.25};
        const torch::Tensor x = torch::rand({32, 2, 6, 5}) + 5; // no value equals the fill
        const torch::Tensor out = Augmenter(p, DType::Float32, mean, stdev)(x, 1, 0);
        QCOMPARE(out.sizes(), x.sizes());
        int moved = 0;
        for (int64_t n = 0; n < 32; ++n) {
            bool found = false;
            for (int64_t dy = -2; dy <= 2 && !found; ++dy)
                for (int64_t dx = -2; dx <= 2 && !found; ++dx)
                    if (torch::equal(out[n], shifted(x[n], dy, dx, -2.0f))) {
                        found = true;
                        moved += dy != 0 || dx != 0;
                    }
            QVERIFY2(found, qPrintable(QString("sample %1 is not a whole-pixel shift of its input").arg(n)));
        }
        QVERIFY(moved > 16);
    }

    void rotationAndNoiseStayInShape()
    {
        Project p = everything(tinyProject());
        const torch::Tensor x = torch::rand({4, 1, 8, 8});
        const torch::Tensor y = Augmenter(p, DType::Float32, {}, {})(x, 1, 0);
        QCOMPARE(y.sizes(), x.sizes());
        QVERIFY(torch::isfinite(y).all().item<bool>());
        // A zoom of exactly 1 and no rotation leaves the sample as it was (grid_sample at pixel
        // centres), up to rounding.
        Project q = tinyProject();
        q.preprocess.augment.rotate = 1e-9;
        QVERIFY(torch::allclose(Augmenter(q, DType::Float32, {}, {})(x, 1, 0), x, 1e-5, 1e-5));
    }

    void offByDefaultLeavesBatchesAndFilesAlone()
    {
        const Project p = tinyProject();
        QVERIFY(!p.preprocess.augment.any());
        const Augmenter a(p, DType::Float32, {0.1}, {0.3});
        QVERIFY(!a.enabled());
        const torch::Tensor x = torch::rand({4, 1, 8, 8});
        const torch::Tensor y = a(x, 1, 0);
        QCOMPARE(y.data_ptr(), x.data_ptr()); // the very same tensor
        // A project without augmentation is written without it, byte for byte as before.
        for (const char *file : {"projects/fashion_mnist_cnn.json", "tests/data/tiny_synthetic/project.json"}) {
            ProjectLoad load = loadProjectFile(sourcePath(file));
            QVERIFY(load.ok());
            QCOMPARE(QByteArray::fromStdString(serializeProject(load.project)),
                     testhelpers::readFileBytes(sourcePath(file)));
        }
        // ... and one with it reads back the same.
        Project on = everything(p);
        on.preprocess.augment.seed = 99;
        ProjectLoad back = parseProject(serializeProject(on));
        QVERIFY2(back.ok(), describe(back.diagnostics).constData());
        QCOMPARE(back.project.preprocess.augment.translate, 2);
        QCOMPARE(back.project.preprocess.augment.seed, uint64_t(99));
        QCOMPARE(back.project.preprocess.augment.noise, 0.05);
    }

    void offTrainsExactlyAsBefore()
    {
        // The same run with a seed set but every operation off trains bit for bit alike.
        QTemporaryDir dir;
        const Project p = tinyProject();
        Project seeded = p;
        seeded.preprocess.augment.seed = 5;
        auto losses = [](const std::vector<TrainingEvent> &events) {
            std::vector<double> l;
            for (const auto &e : events)
                if (e.kind == TrainingEvent::Kind::Batch)
                    l.push_back(e.loss);
            return l;
        };
        const auto a = losses(train(p, dir.path() + "/a", 1));
        const auto b = losses(train(seeded, dir.path() + "/b", 1));
        QVERIFY(!a.empty());
        QVERIFY(a == b);
        const auto c = losses(train(everything(p), dir.path() + "/c", 1));
        QVERIFY(a != c);
        QVERIFY(c == losses(train(everything(p), dir.path() + "/d", 1))); // reproducible
    }

    void validationAndTestAreNeverAugmented()
    {
        QTemporaryDir dir;
        Project p = everything(tinyProject());
        p.preprocess.augment.noise = 1.0; // heavy: an augmented validation would show
        // Loading the splits applies no augmentation: train, validation and test as without.
        const DataSplits with = loadDataSplits(p, DType::Float32);
        const DataSplits without = loadDataSplits(tinyProject(), DType::Float32);
        QVERIFY(torch::equal(with.train.inputs, without.train.inputs));
        QVERIFY(torch::equal(with.validation.inputs, without.validation.inputs));
        QVERIFY(torch::equal(with.test.inputs, without.test.inputs));

        // The validation loss the run reports is its checkpoint's on the stored validation split.
        const auto events = train(p, dir.path(), 1);
        const TrainingEvent *epoch = nullptr;
        std::string runDir;
        bool logged = false;
        for (const auto &e : events) {
            if (e.kind == TrainingEvent::Kind::Epoch)
                epoch = &e;
            if (!e.runDir.empty())
                runDir = e.runDir;
            logged = logged || containsCI(e.message, "augmentation on");
        }
        QVERIFY(epoch);
        QVERIFY(logged);
        GraphModel model(p.graph, TensorType{p.dataset.sampleShape, DType::Float32});
        loadCheckpoint(checkpointPath(runDir, "last"), *model, nullptr, torch::kCPU);
        model->eval();
        torch::NoGradGuard noGrad;
        const LossAndHits lh = projectLoss(p.training, model->forward(with.validation.inputs), with.validation.inputs,
                                           with.validation.labels, p.dataset.numClasses);
        QVERIFY2(std::abs(lh.loss.item<double>() - epoch->valLoss) < 1e-5,
                 qPrintable(QString("checkpoint %1, reported %2").arg(lh.loss.item<double>()).arg(epoch->valLoss)));
    }

    void recordedInThePreprocessing()
    {
        Project p = tinyProject();
        p.preprocess.augment.hflip = 0.5;
        p.preprocess.augment.translate = 1;
        const DataSplits d = loadDataSplits(p, DType::Float32);
        const nlohmann::json &a = d.preprocessing.at("augmentation");
        QCOMPARE(a.at("enabled").get<bool>(), true);
        QCOMPARE(a.at("hflip").get<double>(), 0.5);
        QCOMPARE(a.at("translate").get<int>(), 1);
        QCOMPARE(a.at("seed").get<uint64_t>(), augmentSeed(p));
        QCOMPARE(
            loadDataSplits(tinyProject(), DType::Float32).preprocessing.at("augmentation").at("enabled").get<bool>(),
            false);
    }

    void tableNoiseOnlyOnRows()
    {
        // Settings: image operations on 1-D samples and row noise on images are refused, naming
        // the sample shape.
        Project rows = tinyProject();
        rows.dataset.sampleShape = {30};
        rows.graph = testhelpers::chainGraph({{"Linear", {{"in_features", 30}, {"out_features", 4}}}});
        Project bad = rows;
        bad.preprocess.augment.hflip = 0.5;
        ProjectLoad load = parseProject(serializeProject(bad));
        QVERIFY(!load.ok());
        const Diagnostic *d = errorAt(load.diagnostics, "/preprocess/augment/hflip");
        QVERIFY2(d, describe(load.diagnostics).constData());
        QVERIFY(containsCI(d->message, "[30]") || containsCI(d->message, "30"));
        QVERIFY_THROWS_EXCEPTION(EngineError, Augmenter(bad, DType::Float32, {}, {}));

        Project image = tinyProject();
        image.preprocess.augment.featureNoise = 0.1;
        load = parseProject(serializeProject(image));
        QVERIFY(!load.ok());
        QVERIFY(errorAt(load.diagnostics, "/preprocess/augment/feature_noise"));
        QVERIFY_THROWS_EXCEPTION(EngineError, Augmenter(image, DType::Float32, {}, {}));

        // Rows: Gaussian noise of the stated std on every feature; nothing else changes them.
        rows.preprocess.augment.featureNoise = 0.1;
        load = parseProject(serializeProject(rows));
        QVERIFY2(load.ok(), describe(load.diagnostics).constData());
        const torch::Tensor x = torch::randn({512, 30});
        const torch::Tensor y = Augmenter(rows, DType::Float32, {}, {})(x, 1, 0);
        QCOMPARE(y.sizes(), x.sizes());
        const double sd = (y - x).std().item<double>();
        QVERIFY2(std::abs(sd - 0.1) < 0.005, qPrintable(QString::number(sd)));
        // Token ids cannot be augmented.
        QVERIFY_THROWS_EXCEPTION(EngineError, Augmenter(rows, DType::Int64, {}, {}));
    }

    void previewShowsBeforeAndAfter()
    {
        Project p = tinyProject();
        std::vector<DatasetSample> samples = datasetPreview(p, 1);
        QVERIFY(!samples.empty());
        auto same = augmentPreview(p, samples);
        QCOMPARE(same.size(), samples.size());
        for (const auto &s : same)
            QVERIFY(s.before.pixels == s.after.pixels);
        p.preprocess.augment.hflip = 1;
        const auto flipped = augmentPreview(p, samples);
        for (size_t i = 0; i < flipped.size(); ++i) {
            const SampleImage &b = flipped[i].before, &a = flipped[i].after;
            QCOMPARE(a.width, b.width);
            for (int r = 0; r < b.height; ++r)
                for (int c = 0; c < b.width; ++c)
                    QCOMPARE(a.pixels[size_t(r * b.width + c)], b.pixels[size_t(r * b.width + (b.width - 1 - c))]);
        }
    }
};

QTEST_GUILESS_MAIN(TestAugment)
#include "tst_augment.moc"
