#include "i18n.h"

#include "dashboard.h"
#include "enginestrings.h"
#include "logpanel.h"
#include "mainwindow.h"
#include "projectdocument.h"

#include "torchwright/diagnostics.h"
#include "torchwright/layers.h"
#include "torchwright/message.h"

#include <QActionGroup>
#include <QApplication>
#include <QLibraryInfo>
#include <QMenu>
#include <QPlainTextDocumentLayout>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QStringList>
#include <QTabWidget>
#include <QTranslator>

#include <memory>

// The translations' resources live in this static library: referencing them here keeps the
// linker from dropping them (Q_INIT_RESOURCE must be called outside any namespace).
static void initTranslationResources() { Q_INIT_RESOURCE(torchwright_translations); }

namespace torchwright::ui {

namespace {

constexpr const char *kSettingKey = "language";
constexpr const char *kEnglish = "en";

struct Installed {
    QString code = QString::fromLatin1(kEnglish);
    std::unique_ptr<QTranslator> studio;
    std::unique_ptr<QTranslator> qt;
};

Installed &installed()
{
    static Installed state;
    return state;
}

QString translated(const char *context, const std::string &source)
{
    return source.empty() ? QString() : QCoreApplication::translate(context, source.c_str());
}

} // namespace

const QList<Language> &languages()
{
    static const QList<Language> list = {
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("zh_CN"), QStringLiteral("简体中文")},
    };
    return list;
}

QString languageCode(const QString &code)
{
    const QLocale locale(code);
    if (code.trimmed().isEmpty() || (locale.language() == QLocale::C && code != QLatin1String("C")))
        return {};
    if (locale.language() == QLocale::Chinese)
        return QStringLiteral("zh_CN");
    if (locale.language() == QLocale::English || code == QLatin1String("C"))
        return QString::fromLatin1(kEnglish);
    return {};
}

QString chooseLanguage(const QString &requested, const QString &saved, const QLocale &system)
{
    for (const QString &candidate : {requested, saved})
        if (const QString code = languageCode(candidate); !code.isEmpty())
            return code;
    const QString fromSystem = languageCode(system.name());
    return fromSystem.isEmpty() ? QString::fromLatin1(kEnglish) : fromSystem;
}

QString startupLanguage(const QString &requested)
{
    return chooseLanguage(requested, QSettings().value(kSettingKey).toString(), QLocale::system());
}

bool installLanguage(const QString &requested)
{
    const QString code = languageCode(requested);
    if (code.isEmpty())
        return false;
    Installed &state = installed();
    for (auto *t : {&state.studio, &state.qt})
        if (*t) {
            QCoreApplication::removeTranslator(t->get());
            t->reset();
        }
    state.code = code;
    // Dates and numbers follow the language too ("2026/11/30"); English keeps the system's.
    static const QLocale systemLocale = QLocale::system();
    QLocale::setDefault(code == QLatin1String(kEnglish) ? systemLocale : QLocale(code));
    if (code == QLatin1String(kEnglish))
        return true;
    initTranslationResources();
    state.studio = std::make_unique<QTranslator>();
    if (!state.studio->load(QStringLiteral(":/i18n/torchwright_%1.qm").arg(code))) {
        state.studio.reset();
        state.code = QString::fromLatin1(kEnglish);
        QLocale::setDefault(systemLocale);
        return false;
    }
    QCoreApplication::installTranslator(state.studio.get());
    // Qt's own texts (standard buttons, file dialogs), when Debian's qt6-translations-l10n is there.
    state.qt = std::make_unique<QTranslator>();
    if (state.qt->load(QStringLiteral("qtbase_%1").arg(code), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(state.qt.get());
    else
        state.qt.reset();
    return true;
}

QString currentLanguage() { return installed().code; }

void saveLanguage(const QString &code) { QSettings().setValue(kSettingKey, code); }

QString settingText(const std::string &source) { return translated(i18n::kSettingsContext, source); }
QString layerText(const std::string &source) { return translated(i18n::kLayersContext, source); }
QString datasetText(const std::string &source) { return translated(i18n::kDatasetsContext, source); }
QString exportText(const std::string &source) { return translated(i18n::kExportsContext, source); }
QString choiceText(const std::string &value) { return translated(i18n::kChoicesContext, value); }

QString messageText(const Message &message)
{
    if (!message.translatable())
        return QString::fromStdString(message.source());
    const QString source = QCoreApplication::translate(kMessageContext, message.source().c_str());
    // The engine's own substitution (one pass: an argument's "%1" stays as it is), over UTF-8,
    // whose '%' and digits are the ASCII ones.
    std::vector<std::string> args;
    args.reserve(message.args().size());
    for (const Message &a : message.args())
        args.push_back(messageText(a).toStdString());
    return QString::fromStdString(Message::substitute(source.toStdString(), args));
}

QString diagnosticText(const Diagnostic &d, const QString &file)
{
    QString s;
    if (!file.isEmpty())
        s += file + QStringLiteral(": ");
    if (!d.where.empty())
        s += QString::fromStdString(d.where) + QStringLiteral(": ");
    if (d.severity == Severity::Warning)
        s += QCoreApplication::translate("torchwright::ui", "warning: ");
    return s + messageText(d.text);
}

QString diagnosticsText(const Diagnostics &diagnostics, const QString &file)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics.items())
        lines << diagnosticText(d, file);
    return lines.join(QLatin1Char('\n'));
}

QString exceptionText(const std::exception &e)
{
    if (const auto *engine = dynamic_cast<const EngineError *>(&e))
        return engine->diagnostics().empty() ? messageText(engine->text()) : diagnosticsText(engine->diagnostics());
    return QString::fromStdString(errorMessage(e));
}

QString paramExpectation(const ParamSpec &spec) { return messageText(spec.expectation()); }

QString runStatusText(const QString &status)
{
    static const struct {
        const char *status;
        const char *text;
    } statuses[] = {
        {"running", QT_TRANSLATE_NOOP("torchwright::runs", "running")},
        {"completed", QT_TRANSLATE_NOOP("torchwright::runs", "completed")},
        {"early_stopped", QT_TRANSLATE_NOOP("torchwright::runs", "early stopped")},
        {"stopped", QT_TRANSLATE_NOOP("torchwright::runs", "stopped")},
        {"failed", QT_TRANSLATE_NOOP("torchwright::runs", "failed")},
        {"interrupted", QT_TRANSLATE_NOOP("torchwright::runs", "interrupted")},
        {"unreadable", QT_TRANSLATE_NOOP("torchwright::runs", "unreadable")},
    };
    for (const auto &s : statuses)
        if (status == QLatin1String(s.status))
            return QCoreApplication::translate("torchwright::runs", s.text);
    return QString(status).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QMenu *addLanguageMenu(QMenu *view, MainWindow *window)
{
    QMenu *menu = view->addMenu(QCoreApplication::translate("torchwright::ui::MainWindow", "&Language"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    auto *group = new QActionGroup(menu);
    for (const Language &language : languages()) {
        QAction *action = menu->addAction(language.name);
        action->setObjectName(QStringLiteral("language_") + language.code);
        action->setData(language.code);
        action->setCheckable(true);
        action->setChecked(language.code == currentLanguage());
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, window, [window, code = language.code] {
            saveLanguage(code);
            switchLanguage(window, code);
        });
    }
    return menu;
}

MainWindow *switchLanguage(MainWindow *window, const QString &code)
{
    if (languageCode(code) == currentLanguage())
        return window;
    if (window->dashboard()->isTraining()) {
        window->statusBar()->showMessage(
            QCoreApplication::translate(
                "torchwright::ui::MainWindow",
                "Stop training to switch the language; the choice is saved for the next start."),
            8000);
        return window;
    }
    if (!window->testAttribute(Qt::WA_DeleteOnClose)) {
        window->statusBar()->showMessage(
            QCoreApplication::translate("torchwright::ui::MainWindow", "The language changes at the next start."),
            8000);
        return window;
    }
    if (!installLanguage(code))
        return window;
    // The new window adopts the document: the project, its file and its undo history stay.
    auto *replacement = new MainWindow(nullptr, window->document());
    replacement->setAttribute(Qt::WA_DeleteOnClose);
    replacement->adoptWindowState(*window);
    // The log so far, colours included (the new panel's entry counts start again).
    QPlainTextEdit *log = replacement->logPanel()->view();
    QTextDocument *history = window->logPanel()->view()->document()->clone(log);
    history->setDocumentLayout(new QPlainTextDocumentLayout(history));
    log->setDocument(history);
    log->moveCursor(QTextCursor::End);
    if (window->isVisible())
        replacement->show();
    window->hide();
    window->deleteLater(); // after the menu action that called this has returned
    return replacement;
}

} // namespace torchwright::ui
