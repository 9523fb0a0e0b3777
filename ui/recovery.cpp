#include "recovery.h"

#include "torchwright/jsonfile.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace torchwright::ui {

namespace {
QString &overrideDir()
{
    static QString dir;
    return dir;
}
} // namespace

QString Recovery::directory()
{
    if (!overrideDir().isEmpty())
        return overrideDir();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/recovery";
}

void Recovery::setDirectory(const QString &dir) { overrideDir() = dir; }

QString Recovery::fileFor(const QString &projectPath)
{
    const QByteArray key = projectPath.isEmpty() ? QByteArray("untitled") : projectPath.toUtf8();
    return directory() + "/" + QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(16) + ".json";
}

bool Recovery::write(const QString &projectPath, const std::string &projectJson)
{
    QDir().mkpath(directory());
    nlohmann::json j;
    j["original"] = projectPath.toStdString();
    j["saved"] = QDateTime::currentDateTime().toString(Qt::ISODate).toStdString();
    j["project"] = projectJson;
    const std::string text = j.dump(1);
    QSaveFile f(fileFor(projectPath));
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(text.data(), qint64(text.size()));
    return f.commit();
}

void Recovery::remove(const QString &projectPath) { QFile::remove(fileFor(projectPath)); }

QStringList Recovery::pending()
{
    QStringList files;
    for (const QString &name : QDir(directory()).entryList({"*.json"}, QDir::Files, QDir::Time))
        files << directory() + "/" + name;
    return files;
}

bool Recovery::read(const QString &recoveryFile, QString *originalPath, std::string *projectJson)
{
    QFile f(recoveryFile);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    try {
        const auto j = parseJsonText(f.readAll().toStdString(), recoveryFile.toStdString());
        *originalPath = QString::fromStdString(j.at("original").get<std::string>());
        *projectJson = j.at("project").get<std::string>();
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

} // namespace torchwright::ui
