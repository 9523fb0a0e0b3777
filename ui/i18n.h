#pragma once
// The studio's languages: English (the source texts) and Simplified Chinese
// (translations/torchwright_zh_CN.ts, compiled into the studio's resources). The language at
// start is the --language option's, else the one chosen in View > Language (QSettings
// "language"), else the system's. Choosing another in the menu replaces the main window with
// one built in the new language over the same document, so the project, its file, its undo
// history and the shown tab stay.

#include <QList>
#include <QLocale>
#include <QString>

#include <string>

class QMenu;

namespace torchwright {
class Diagnostics;
class Message;
struct Diagnostic;
struct ParamSpec;
} // namespace torchwright

namespace torchwright::ui {

class MainWindow;

struct Language {
    QString code; // "en", "zh_CN"
    QString name; // in the language itself: "English", "简体中文"
};

// Every language the studio ships, English first.
const QList<Language> &languages();
// The shipped language `code` names ("zh_CN", "zh-CN", "zh", "en_US"...), or "" when none.
QString languageCode(const QString &code);
// What a start uses: `requested` (--language) when given, else `saved` (View > Language), else
// the system's language when it is shipped, else English.
QString chooseLanguage(const QString &requested, const QString &saved, const QLocale &system);
// chooseLanguage() with the saved choice and the system locale.
QString startupLanguage(const QString &requested = {});

// Installs the translators for `code` (the studio's and Qt's own dialogs'), replacing the
// previous ones; "en" removes them. False for a language that is not shipped.
bool installLanguage(const QString &code);
QString currentLanguage(); // the installed one; "en" before any
void saveLanguage(const QString &code);

// An engine text the studio shows, in the current language. The engine's descriptors are plain
// English; translations/engine_strings.cpp lists them for lupdate.
QString settingText(const std::string &source); // setting labels and help
QString layerText(const std::string &source);   // layer categories, descriptions, parameter help
QString datasetText(const std::string &source); // dataset format labels and descriptions
QString exportText(const std::string &source);
// A drop-down value (adam, cosine, labels...) as shown; the item's data keeps the value itself.
QString choiceText(const std::string &value); // export format titles, labels, descriptions

// The values a layer parameter accepts ("an integer from 1 to 65536"), as the engine's
// ParamSpec::expectation() says them, in the current language.
QString paramExpectation(const ParamSpec &spec);

// An engine sentence (a diagnostic, a log line, a run's outcome) in the current language: its
// template translated in the context torchwright::Message (lupdate reads the templates from the
// engine's Message::tr calls), the arguments put in, themselves translated when they are
// messages. A template without a translation, or a verbatim text, is shown as the engine wrote it.
QString messageText(const Message &message);
// "where: warning: message", as formatDiagnostic() writes it, translated; `file` goes first.
QString diagnosticText(const Diagnostic &d, const QString &file = {});
// Every diagnostic, one a line.
QString diagnosticsText(const Diagnostics &diagnostics, const QString &file = {});
// What to show for an exception caught from the engine: an EngineError's message translated,
// anything else as errorMessage() has it.
QString exceptionText(const std::exception &e);

// A run's status as stored in run.json ("early_stopped") in words of the current language.
QString runStatusText(const QString &status);

// Adds View > Language to `view`: a checkable action per language; choosing one saves it and
// calls switchLanguage().
QMenu *addLanguageMenu(QMenu *view, MainWindow *window);
// Installs `code` and replaces `window` by a new MainWindow in that language over the same
// document, with the same geometry, docks and tab; the old window is deleted later. Returns the
// new window, or `window` itself when nothing changed: the language is already `code`, or
// training runs (the status bar says to stop it first). A window that does not delete itself on
// close (one on the stack) is kept: the choice is saved and applies at the next start.
MainWindow *switchLanguage(MainWindow *window, const QString &code);

} // namespace torchwright::ui
