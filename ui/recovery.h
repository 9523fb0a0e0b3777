#pragma once
// Crash recovery: while a project has unsaved changes its JSON is written to a recovery file
// every minute; a clean save, or closing without saving, removes it. At the next start, any
// recovery file left behind means the studio did not close normally, and is offered back.

#include <QString>
#include <QStringList>

namespace torchwright::ui {

class Recovery {
public:
    // The folder, by default under QStandardPaths::AppDataLocation; tests point it elsewhere.
    static QString directory();
    static void setDirectory(const QString &dir);

    // The recovery file of a project file ("" for an unsaved, untitled project).
    static QString fileFor(const QString &projectPath);
    // Writes {"original": path, "saved": time, "project": <project JSON>} through QSaveFile.
    static bool write(const QString &projectPath, const std::string &projectJson);
    static void remove(const QString &projectPath);
    // Recovery files present now.
    static QStringList pending();
    // Reads one: the original path and the project's JSON text.
    static bool read(const QString &recoveryFile, QString *originalPath, std::string *projectJson);
};

} // namespace torchwright::ui
