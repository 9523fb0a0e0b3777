// Integrity of the files the engine reads and writes: checkpoints are checked as zip archives
// (truncation, flipped bytes) and against the SHA-256 of every tensor before anything uses them;
// a tensor whose strides or offset reach past its storage is refused before LibTorch touches it;
// a write that fails (a full disk, simulated with RLIMIT_FSIZE) throws a clear error, leaves no
// temporary and keeps the previous file; bundle manifests name only files inside the bundle and
// sane preprocessing; names cannot turn a comment of train.py into an encoding declaration.

#include "archivecheck.h"
#include "checkpoint.h"
#include "export_python.h"
#include "fileutil.h"
#include "testhelpers.h"
#include "torchwright/exports.h"
#include "torchwright/jsonfile.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace torchwright;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string bytesOf(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    return std::string(static_cast<const char *>(c.data_ptr()), c.nbytes());
}

// Writes files beyond `bytes` fail with EFBIG while it lives, as on a full disk.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = m_old;
        small.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &small);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
};

std::vector<std::string> temporariesIn(const std::string &dir)
{
    std::vector<std::string> found;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".tmp") != std::string::npos)
            found.push_back(e.path().string());
    return found;
}

} // namespace

class TestIntegrity : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string m_run;  // a run of the tiny synthetic project, one epoch
    std::string m_last; // its last.pt

    // A copy of the run folder whose last.pt (and best.pt) hold `bytes`.
    std::string runWith(const std::string &name, const std::string &bytes)
    {
        const std::string dir = m_tmp.filePath(QString::fromStdString(name)).toStdString();
        fs::remove_all(dir);
        fs::copy(m_run, dir, fs::copy_options::recursive);
        writeAll(dir + "/last.pt", bytes);
        fs::remove(dir + "/best.pt");
        return dir;
    }

    // loadRun() on a copy with `bytes` as its checkpoint must throw naming the file and `what`.
    void expectRefused(const std::string &name, const std::string &bytes, const std::string &what)
    {
        const std::string dir = runWith(name, bytes);
        try {
            loadRun(dir, "last", torch::kCPU);
            QFAIL(qPrintable(QString::fromStdString(name + ": a damaged checkpoint was loaded")));
        } catch (const EngineError &e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(dir + "/last.pt") != std::string::npos, msg.c_str());
            QVERIFY2(testhelpers::containsAnyCI(msg, what), msg.c_str());
        }
        // Pretraining from it is refused the same way.
        LoadedRun fresh = loadRun(m_run, "last", torch::kCPU);
        QVERIFY_EXCEPTION_THROWN(loadPretrainedWeights(dir + "/last.pt", *fresh.model), EngineError);
    }

    // Where the bytes of `t` sit in the checkpoint file.
    size_t offsetOf(const std::string &file, const torch::Tensor &t)
    {
        const std::string needle = bytesOf(t);
        const size_t at = file.find(needle);
        if (at == std::string::npos || needle.empty())
            qFatal("tensor bytes not found in the checkpoint");
        return at + needle.size() / 2;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        ProjectLoad load = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
        QVERIFY2(load.ok(), load.diagnostics.format().c_str());
        TrainRequest r;
        r.project = load.project;
        r.runsDir = m_tmp.filePath("runs").toStdString();
        fs::create_directories(r.runsDir);
        r.epochs = 1;
        r.device = std::string("cpu");
        r.threads = 1;
        const RunResult result = trainBlocking(r, [](const TrainingEvent &) {});
        QCOMPARE(result.epochsCompleted, 1);
        m_run = result.runDir;
        m_last = m_run + "/last.pt";
        QVERIFY(fs::exists(m_last));
    }

    void intactCheckpointLoads()
    {
        LoadedRun run = loadRun(m_run, "last", torch::kCPU);
        QVERIFY(run.model->named_parameters().size() > 0);
    }

    void truncatedCheckpointIsRefused()
    {
        const std::string good = readAll(m_last);
        expectRefused("cut1", good.substr(0, good.size() - 1), "truncated|end of central directory");
        expectRefused("cuthalf", good.substr(0, good.size() / 2), "truncated|end of central directory");
        expectRefused("empty", std::string(), "too short");
    }

    void flippedByteIsRefused()
    {
        const std::string good = readAll(m_last);
        torch::serialize::InputArchive archive;
        archive.load_from(good.data(), good.size(), torch::kCPU);
        const auto tensors = checkedArchiveTensors(archive, m_last);
        torch::Tensor weight, optimizerState;
        for (const auto &[name, t] : tensors) {
            if (!weight.defined() && name.rfind("model/", 0) == 0 && t.numel() >= 16)
                weight = t;
            if (!optimizerState.defined() && name.rfind("optimizer/", 0) == 0 && t.numel() >= 16
                && t.abs().sum().item<double>() > 0)
                optimizerState = t;
        }
        QVERIFY(weight.defined());
        QVERIFY(optimizerState.defined());
        QVERIFY(tensors.count("rng_torch"));
        const std::vector<std::pair<std::string, torch::Tensor>> targets = {
            {"weights", weight}, {"optimizer", optimizerState}, {"rng", tensors.at("rng_torch")}};
        for (const auto &[what, t] : targets) {
            std::string bad = good;
            bad[offsetOf(good, t)] ^= 0x10;
            expectRefused("flip_" + what, bad, "CRC-32");
        }
    }

    // The SHA-256 record catches what a recomputed CRC hides: a weight changed inside a
    // well-formed archive that keeps the original checksums.
    void checksumMismatchNamesTheTensor()
    {
        const std::string good = readAll(m_last);
        torch::serialize::InputArchive in;
        in.load_from(good.data(), good.size(), torch::kCPU);
        const auto tensors = checkedArchiveTensors(in, m_last);
        LoadedRun run = loadRun(m_run, "last", torch::kCPU);
        torch::serialize::OutputArchive model, out;
        std::string changed;
        for (const auto &p : run.model->named_parameters()) {
            torch::Tensor t = p.value().detach().clone();
            if (changed.empty()) {
                t.view(-1)[0] += 1.0f;
                changed = "model/" + p.key();
            }
            model.write(p.key(), t);
        }
        for (const auto &b : run.model->named_buffers())
            model.write(b.key(), b.value(), true);
        out.write("model", model);
        out.write("checksums", tensors.at("checksums"));
        std::string bytes;
        out.save_to([&](const void *d, size_t n) {
            bytes.append(static_cast<const char *>(d), n);
            return n;
        });
        const std::string dir = runWith("resummed", bytes);
        try {
            loadRun(dir, "last", torch::kCPU);
            QFAIL("a checkpoint with a changed weight was loaded");
        } catch (const EngineError &e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("SHA-256") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("'" + changed + "'") != std::string::npos || msg.find("optimizer") != std::string::npos,
                     msg.c_str());
        }
    }

    void tensorBeyondItsStorageIsRefused()
    {
        torch::Tensor t = torch::zeros({4});
        QCOMPARE(QString::fromStdString(tensorProblem(t)), QString());
        torch::Tensor wide = torch::zeros({4});
        wide.unsafeGetTensorImpl()->set_sizes_and_strides(torch::IntArrayRef{4}, torch::IntArrayRef{1000});
        QVERIFY(!tensorProblem(wide).empty());
        torch::Tensor shifted = torch::zeros({4});
        shifted.unsafeGetTensorImpl()->set_storage_offset(1);
        QVERIFY(!tensorProblem(shifted).empty());
        torch::Tensor huge = torch::zeros({1});
        huge.unsafeGetTensorImpl()->set_sizes_and_strides(std::vector<int64_t>{int64_t(1) << 31, int64_t(1) << 31},
                                                          std::vector<int64_t>{0, 0});
        QVERIFY(testhelpers::containsCI(tensorProblem(huge), "elements"));

        // A checkpoint whose first weight's strides reach past its storage, in a valid archive.
        LoadedRun run = loadRun(m_run, "last", torch::kCPU);
        torch::serialize::OutputArchive model, out;
        bool first = true;
        for (const auto &p : run.model->named_parameters()) {
            torch::Tensor v = p.value().detach().clone();
            if (first) {
                std::vector<int64_t> strides(size_t(v.dim()), 1 << 20);
                v.unsafeGetTensorImpl()->set_sizes_and_strides(v.sizes().vec(), strides);
                first = false;
            }
            model.write(p.key(), v);
        }
        out.write("model", model);
        std::string bytes;
        out.save_to([&](const void *d, size_t n) {
            bytes.append(static_cast<const char *>(d), n);
            return n;
        });
        expectRefused("strided", bytes, "storage");
    }

    void checkpointWithoutChecksumsLoads()
    {
        LoadedRun run = loadRun(m_run, "last", torch::kCPU);
        torch::serialize::OutputArchive model, out;
        for (const auto &p : run.model->named_parameters())
            model.write(p.key(), p.value().detach());
        for (const auto &b : run.model->named_buffers())
            model.write(b.key(), b.value(), true);
        out.write("model", model);
        std::string bytes;
        out.save_to([&](const void *d, size_t n) {
            bytes.append(static_cast<const char *>(d), n);
            return n;
        });
        const std::string dir = runWith("legacy", bytes);
        LoadedRun legacy = loadRun(dir, "last", torch::kCPU);
        QVERIFY(legacy.model->named_parameters().size() > 0);
    }

    void fullDiskKeepsTheLastGoodCheckpoint()
    {
        const std::string dir = runWith("fulldisk", readAll(m_last));
        const std::string path = dir + "/last.pt";
        const std::string before = readAll(path);
        LoadedRun run = loadRun(dir, "last", torch::kCPU);
        TrainingState state;
        state.epoch = 2;
        try {
            FileSizeLimit limit(1024);
            saveCheckpoint(path, *run.model, nullptr, state);
            QFAIL("a checkpoint was written past the file size limit");
        } catch (const EngineError &e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(path) != std::string::npos, msg.c_str());
            QVERIFY2(testhelpers::containsAnyCI(msg, "limit|no space"), msg.c_str());
            QVERIFY2(msg.find("bytes") != std::string::npos, msg.c_str());
        }
        QCOMPARE(temporariesIn(dir).size(), size_t(0));
        QVERIFY(readAll(path) == before);
        saveCheckpoint(path, *run.model, nullptr, state); // and with room it works
        QVERIFY(readAll(path) != before);
    }

    void fullDiskFailsTheBundle()
    {
        const std::string out = m_tmp.filePath("fullbundle").toStdString();
        try {
            FileSizeLimit limit(512);
            exportBundle(m_run, out, "last");
            QFAIL("a bundle was exported past the file size limit");
        } catch (const EngineError &e) {
            QVERIFY2(testhelpers::containsAnyCI(e.what(), "limit|no space"), e.what());
        }
        QVERIFY(!fs::exists(out));
        QCOMPARE(temporariesIn(m_tmp.path().toStdString()).size(), size_t(0));
    }

    void bundleManifestIsChecked()
    {
        const std::string bundle = m_tmp.filePath("bundle").toStdString();
        exportBundle(m_run + "/", bundle + "/", "last");
        const nlohmann::json good = readJsonFile(bundle + "/manifest.json");
        QCOMPARE(QString::fromStdString(good["source"]["run"].get<std::string>()),
                 QString::fromStdString(fs::path(m_run).filename().string()));
        // A uint8 sample to predict on.
        const std::string npy = m_tmp.filePath("one.npy").toStdString();
        {
            const std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 8, 8), }";
            std::string h = header;
            while ((10 + h.size() + 1) % 64 != 0)
                h += ' ';
            h += '\n';
            std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(h.size() & 0xff) + char(h.size() >> 8) + h
                                + std::string(64, '\x40');
            writeAll(npy, bytes);
        }
        QCOMPARE(predictBundle(bundle, npy, 1, "cpu").size(), size_t(1));

        struct Case {
            const char *what;
            std::function<void(nlohmann::json &)> edit;
            const char *expect;
        };
        const std::vector<Case> cases = {
            {"parent",
             [](nlohmann::json &m) {
                 m["files"]["../../etc/hostname"] = {{"sha256", "x"}};
             },
             "/files"},
            {"absolute",
             [](nlohmann::json &m) {
                 m["files"]["/dev/zero"] = {{"sha256", "x"}};
             },
             "/files"},
            {"std0",
             [](nlohmann::json &m) {
                 m["preprocessing"]["std"] = {0.0};
                 m["preprocessing"]["mean"] = {0.5};
             },
             "/preprocessing/std/0"},
            {"stdlen",
             [](nlohmann::json &m) {
                 m["preprocessing"]["std"] = {0.5, 0.5};
                 m["preprocessing"]["mean"] = {0.5};
             },
             "/preprocessing/std"},
            {"shape",
             [](nlohmann::json &m) {
                 m["input"]["shape"] = {-1, 8};
             },
             "/input/shape"},
        };
        for (const Case &c : cases) {
            nlohmann::json m = good;
            c.edit(m);
            writeAll(bundle + "/manifest.json", m.dump(2));
            try {
                predictBundle(bundle, npy, 1, "cpu");
                QFAIL(c.what);
            } catch (const EngineError &e) {
                QVERIFY2(std::string(e.what()).find(c.expect) != std::string::npos, e.what());
            }
        }
        // A FIFO listed in the manifest is refused, not opened.
        const std::string fifo = bundle + "/pipe";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        nlohmann::json m = good;
        m["files"]["pipe"] = {{"sha256", "x"}};
        writeAll(bundle + "/manifest.json", m.dump(2));
        QVERIFY_EXCEPTION_THROWN(predictBundle(bundle, npy, 1, "cpu"), EngineError);
        writeAll(bundle + "/manifest.json", good.dump(2));
    }

    void folderNamesIgnoreTrailingSlashes()
    {
        QCOMPARE(QString::fromStdString(folderName("runs/a/")), QString("a"));
        QCOMPARE(QString::fromStdString(folderName("runs/a")), QString("a"));
        QCOMPARE(QString::fromStdString(folderName("runs/a//")), QString("a"));
    }

    void projectNameCannotDeclareAnEncoding()
    {
        LoadedRun run = loadRun(m_run, "last", torch::kCPU);
        Project p = run.project;
        p.name = "# -*- coding: latin-1 -*-\n# vim: set fileencoding=bogus :\r\n\"'\"\"\" coding=bogus";
        const std::string program = pythonTrainingProgram(p, Normalization{}, "coding: bogus", "coding=bogus");
        const std::string file = m_tmp.filePath("coding_train.py").toStdString();
        writeAll(file, program);
        QProcess py;
        py.start("/usr/bin/python3", {"-c", "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')",
                                      QString::fromStdString(file)});
        QVERIFY(py.waitForFinished(60000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    }

    // run.json records the SHA-256 of the run's project.json; a changed copy is refused by every
    // loader of the run, and the intact one loads again once it is restored.
    void damagedRunProjectIsRefused()
    {
        const std::string project = m_run + "/project.json";
        const std::string good = readAll(project);
        QVERIFY(readRunJson(m_run).contains("project_sha256"));
        std::string damaged = good;
        const size_t at = damaged.find("\"out_features\"");
        QVERIFY(at != std::string::npos);
        const size_t digit = damaged.find_first_of("0123456789", at);
        damaged[digit] = damaged[digit] == '9' ? '8' : char(damaged[digit] + 1);
        writeAll(project, damaged);
        const ProjectLoad load = loadRunProject(m_run);
        writeAll(project, good);
        QVERIFY(!load.ok());
        QVERIFY2(testhelpers::containsCI(load.diagnostics.format(), "project.json: damaged"),
                 load.diagnostics.format().c_str());
        QVERIFY2(testhelpers::containsCI(load.diagnostics.format(), "/project_sha256"),
                 load.diagnostics.format().c_str());
        QVERIFY(loadRunProject(m_run).ok());
    }
};

QTEST_GUILESS_MAIN(TestIntegrity)
#include "tst_integrity.moc"
