// torchwright: the studio.
//   torchwright [PROJECT]                     opens PROJECT; with none, the last project, or on the
//                                             first start projects/fashion_mnist_cnn.json
//   torchwright --screenshot FILE [PROJECT]   lays the window out at 1600x1000 (or --size WxH),
//              [--tab pipeline|graph|dashboard] renders it to a PNG and exits; needs no display
//              [--size WxH] [--stage KEY]     (--stage: that pipeline stage selected; input_data
//                                             waits for its data preview, application for its
//                                             predictions on the first 12 test samples,
//                                             evaluate_deploy for its Compress panel's table)
//              [--train-for SECONDS]          (trains that long first, for a mid-training shot)
//              [--import-run DIR]             (imports the exported program's run folder DIR
//                                             through the Runs panel first, as Import run… does)
//              [--evaluate]                   (evaluates the newest run with a checkpoint and
//                                             shows the Evaluation dock)
//   torchwright --language LANG [PROJECT]     shows the studio in LANG (en, zh_CN) instead of the
//                                             language chosen in View > Language or the system's
//   torchwright --startup-time [PROJECT]      prints the milliseconds from process start to the
//                                             window first painted with PROJECT loaded, and
//                                             exits (scripts/bench)

#include "applicationpanel.h"
#include "augmentpreview.h"
#include "compresspanel.h"
#include "dashboard.h"
#include "datapreview.h"
#include "evaluationpanel.h"
#include "i18n.h"
#include "mainwindow.h"
#include "pipelinescene.h"
#include "pipelinestages.h"
#include "projectdocument.h"
#include "runspanel.h"
#include "stageinspector.h"
#include "torchwright/runtime.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileInfo>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QTableWidget>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using torchwright::ui::MainWindow;

namespace {

// The first of `candidates` that exists, made absolute; empty when none does.
QString firstExisting(const QStringList &candidates)
{
    for (const QString &c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).absoluteFilePath();
    return {};
}

// The sample project beside the binary's source tree or installed data.
QString sampleProject()
{
    return firstExisting({
        QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"),
        QCoreApplication::applicationDirPath() + "/../share/torchwright/projects/fashion_mnist_cnn.json",
    });
}

// The README the Help menu links to: the source tree's, or the installed one.
QString readme()
{
    return firstExisting({
        QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/README.md"),
        QCoreApplication::applicationDirPath() + "/../share/doc/torchwright/README.md",
    });
}

// Milliseconds since the kernel started this process: /proc/self/stat's start time (clock
// ticks since boot, so 10 ms resolution) against CLOCK_BOOTTIME now. -1 where /proc is missing.
double msSinceProcessStart()
{
    std::ifstream f("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos)
        return -1;
    std::istringstream rest(stat.substr(paren + 2)); // fields from the 3rd (state) on
    std::string field;
    for (int i = 3; i < 22 && rest >> field; ++i) {
    }
    unsigned long long startTicks = 0;
    if (!(rest >> startTicks))
        return -1;
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (double(now.tv_sec) + double(now.tv_nsec) / 1e9 - double(startTicks) / ticks) * 1000.0;
}

// Reports the start-up time once the window has painted its first frame, then quits.
class FirstPaintReporter : public QObject {
public:
    explicit FirstPaintReporter(QWidget *window) : m_window(window) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (!m_seen && event->type() == QEvent::Paint && watched->isWidgetType()
            && static_cast<QWidget *>(watched)->window() == m_window) {
            m_seen = true;
            // After this paint and the rest of the frame.
            QTimer::singleShot(0, qApp, [] {
                std::printf("startup_ms %.1f\n", msSinceProcessStart());
                std::fflush(stdout);
                QCoreApplication::exit(0);
            });
        }
        return false;
    }

private:
    QWidget *m_window;
    bool m_seen = false;
};

// The first start's size: 1600x1000, or the screen's free area when that is smaller (a 1280x800
// laptop), so no part of the window starts off the screen.
QSize defaultWindowSize(const QSize &preferred)
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? preferred.boundedTo(screen->availableGeometry().size()) : preferred;
}

} // namespace

int main(int argc, char **argv)
{
    torchwright::keepFreedMemory(); // before Qt or LibTorch start threads
    // The screenshot command renders without a display.
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--screenshot") == 0 && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationName("Torchwright");
    QApplication::setOrganizationName("Torchwright");
    QApplication::setApplicationVersion(TORCHWRIGHT_VERSION_STRING);

    QCommandLineParser parser;
    parser.setApplicationDescription("Build, train and export neural networks visually.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", "The project file to open.");
    QCommandLineOption screenshot("screenshot", "Render the window to a PNG file and exit.", "file");
    QCommandLineOption tab("tab", "Tab shown: pipeline, graph or dashboard.", "name", "pipeline");
    QCommandLineOption trainFor("train-for", "With --screenshot: train this many seconds first.", "seconds", "0");
    QCommandLineOption startupTime(
        "startup-time",
        "Print the milliseconds from process start to the window shown with the project loaded, and exit.");
    QCommandLineOption size("size", "With --screenshot: the window's size.", "WxH", "1600x1000");
    QCommandLineOption stage("stage", "With --screenshot: the pipeline stage selected (its key, e.g. optimize).",
                             "key");
    QCommandLineOption evaluate(
        "evaluate", "With --screenshot: evaluate the newest run with a checkpoint and show the Evaluation dock.");
    QCommandLineOption language("language",
                                "Language of the studio: en or zh_CN (default: the one chosen in View > "
                                "Language, else the system's).",
                                "lang");
    QCommandLineOption importRun("import-run",
                                 "With --screenshot: import the exported program's run folder through the Runs panel "
                                 "first.",
                                 "dir");
    parser.addOptions({screenshot, tab, trainFor, startupTime, size, stage, evaluate, language, importRun});
    parser.process(app);
    const QStringList wh = parser.value(size).split('x');
    const QSize windowSize(wh.value(0).toInt(), wh.value(1).toInt());
    if (wh.size() != 2 || windowSize.width() < 320 || windowSize.height() < 240) {
        std::fprintf(stderr, "--size: expected WIDTHxHEIGHT of at least 320x240, got \"%s\"\n",
                     qPrintable(parser.value(size)));
        return 2;
    }
    if (parser.isSet(language) && torchwright::ui::languageCode(parser.value(language)).isEmpty()) {
        std::fprintf(stderr, "--language: unknown language '%s'; the studio speaks en and zh_CN\n",
                     qPrintable(parser.value(language)));
        return 2;
    }
    torchwright::ui::installLanguage(torchwright::ui::startupLanguage(parser.value(language)));

    const bool shooting = parser.isSet(screenshot);
    const bool timingStartup = parser.isSet(startupTime);
    // On the heap: View > Language replaces the window by one in the new language (ui/i18n.h).
    auto *mainWindow = new MainWindow;
    mainWindow->setAttribute(Qt::WA_DeleteOnClose);
    MainWindow &window = *mainWindow;
    window.setReadmePath(readme());
    if (shooting || timingStartup) {
        // Nothing may block on a dialog while rendering.
        window.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::No; });
        window.setErrorReporter([](const QString &m) { std::fprintf(stderr, "%s\n", qPrintable(m)); });
    } else {
        window.offerRecovery();
    }

    QString project = parser.positionalArguments().value(0);
    if (project.isEmpty() && !window.document()->isModified()) {
        const QString last = QSettings().value("lastProject").toString();
        project = !shooting && QFileInfo::exists(last) ? last : sampleProject();
    }
    if (!project.isEmpty() && !window.document()->isModified() && !window.openProject(project) && shooting) {
        delete mainWindow;
        return 1;
    }

    const QString tabName = parser.value(tab);
    window.showTab(tabName == "graph"       ? MainWindow::GraphTab
                   : tabName == "dashboard" ? MainWindow::DashboardTab
                                            : MainWindow::PipelineTab);
    if (shooting || timingStartup || !window.restoreWindowState())
        window.resize(shooting || parser.isSet(size) ? windowSize : defaultWindowSize(windowSize));
    if (parser.isSet(stage)) {
        bool found = false;
        for (const auto &info : torchwright::ui::pipelineStages())
            if (parser.value(stage) == QLatin1String(info.key)) {
                window.pipeline()->selectStage(info.stage);
                found = true;
            }
        if (!found) {
            std::fprintf(stderr, "--stage: no stage \"%s\"\n", qPrintable(parser.value(stage)));
            delete mainWindow;
            return 2;
        }
    }
    FirstPaintReporter reporter(&window);
    if (timingStartup)
        app.installEventFilter(&reporter);
    window.show();
    if (!shooting) {
        const int status = app.exec();
        // A closed window deletes itself later, a still open one (--startup-time) is deleted here:
        // either way before the application, with its training stopped.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QList<MainWindow *> open;
        for (QWidget *w : QApplication::topLevelWidgets())
            if (auto *m = qobject_cast<MainWindow *>(w))
                open << m;
        qDeleteAll(open);
        return status;
    }

    const QString out = parser.value(screenshot);
    const int seconds = parser.value(trainFor).toInt();
    if (seconds > 0) {
        window.dashboard()->startTraining();
        // An idle event loop, as in normal use: a processEvents() spin would take a core from
        // training.
        QEventLoop wait;
        QTimer::singleShot(seconds * 1000, &wait, &QEventLoop::quit);
        wait.exec();
    }
    if (parser.isSet(importRun)) {
        QEventLoop wait;
        QString failure;
        QObject::connect(window.runsPanel(), &torchwright::ui::RunsPanel::runImported, &wait, &QEventLoop::quit);
        QObject::connect(window.runsPanel(), &torchwright::ui::RunsPanel::importFailed, &wait,
                         [&](const QString &message) {
                             failure = message;
                             wait.quit();
                         });
        if (!window.runsPanel()->importRun(parser.value(importRun)))
            failure = window.runsPanel()->messageText();
        else
            wait.exec();
        if (!failure.isEmpty()) {
            std::fprintf(stderr, "--import-run: %s\n", qPrintable(failure));
            delete mainWindow;
            return 1;
        }
    }
    if (parser.isSet(evaluate)) {
        window.runsPanel()->refresh();
        QString run;
        for (const QString &dir : window.runsPanel()->runDirs())
            if (QFileInfo::exists(dir + "/best.pt") || QFileInfo::exists(dir + "/last.pt")) {
                run = dir;
                break;
            }
        if (run.isEmpty()) {
            std::fprintf(stderr, "--evaluate: no run of this project has a checkpoint\n");
            window.dashboard()->stopAndWait();
            delete mainWindow;
            return 1;
        }
        QDockWidget *dock = window.dock("evaluationDock");
        dock->show();
        dock->raise();
        QEventLoop wait;
        QObject::connect(window.evaluationPanel(), &torchwright::ui::EvaluationPanel::evaluationFinished, &wait,
                         &QEventLoop::quit);
        QObject::connect(window.evaluationPanel(), &torchwright::ui::EvaluationPanel::evaluationFailed, &wait,
                         &QEventLoop::quit);
        window.evaluationPanel()->evaluate(run, "cpu");
        wait.exec();
    }
    // The Input data stage reads its preview once shown: wait for it.
    QApplication::processEvents();
    if (auto *preview = window.stageInspector()->dataPreview(); preview && preview->isLoading()) {
        QEventLoop wait;
        for (auto done : {&torchwright::ui::DataPreview::loaded, &torchwright::ui::DataPreview::cancelled})
            QObject::connect(preview, done, &wait, &QEventLoop::quit);
        QObject::connect(preview, &torchwright::ui::DataPreview::failed, &wait, &QEventLoop::quit);
        wait.exec();
    }
    // The Preprocess stage's augmentation preview reads its samples on a worker: wait for it.
    for (auto *preview : window.findChildren<torchwright::ui::AugmentPreview *>()) {
        if (preview->isCurrent())
            continue;
        QEventLoop wait;
        QObject::connect(preview, &torchwright::ui::AugmentPreview::updated, &wait, &QEventLoop::quit);
        QTimer::singleShot(20000, &wait, &QEventLoop::quit);
        wait.exec();
    }
    // The Application stage tries the current version on the first test samples: wait for them.
    if (auto *tryIt = window.stageInspector()->applicationPanel(); tryIt && !tryIt->version().isEmpty()) {
        QEventLoop wait;
        QObject::connect(tryIt, &torchwright::ui::ApplicationPanel::predicted, &wait, &QEventLoop::quit);
        QObject::connect(tryIt, &torchwright::ui::ApplicationPanel::failed, &wait, &QEventLoop::quit);
        QTimer::singleShot(60000, &wait, &QEventLoop::quit);
        QList<int> first;
        for (int i = 0; i < 12; ++i)
            first << i;
        tryIt->predictTestSamples(first);
        wait.exec();
    }
    // The Evaluate & deploy stage's Compress panel: measure the table of its source run and the
    // runs made from it, and scroll the inspector down to it.
    if (auto *compress = window.stageInspector()->compressPanel(); compress && compress->sourceBox()->count() > 0) {
        QEventLoop wait;
        QObject::connect(compress, &torchwright::ui::CompressPanel::done, &wait, &QEventLoop::quit);
        QTimer::singleShot(600000, &wait, &QEventLoop::quit);
        compress->measure();
        wait.exec();
        for (QWidget *p = compress->parentWidget(); p; p = p->parentWidget())
            if (auto *area = qobject_cast<QScrollArea *>(p)) {
                area->ensureWidgetVisible(compress->table(), 0, 0);
                break;
            }
    }
    // Let layouts settle and plots draw.
    for (int i = 0; i < 20; ++i)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    const QPixmap shot = window.grab();
    const bool ok = shot.save(out, "PNG");
    window.dashboard()->stopAndWait();
    delete mainWindow;
    if (!ok) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(out));
        return 1;
    }
    std::printf("wrote %s (%dx%d)\n", qPrintable(out), shot.width(), shot.height());
    return 0;
}
