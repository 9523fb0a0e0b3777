// The studio in English and Simplified Chinese: the translation file is complete and matches the
// sources (lupdate finds nothing new), the engine's texts list is current, the studio built with
// zh_CN installed shows Chinese, and View > Language switches while keeping the open document.

#include "enginestrings.h"
#include "i18n.h"
#include "logpanel.h"
#include "mainwindow.h"
#include "pipelinestages.h"
#include "problemslist.h"
#include "projectdocument.h"
#include "recovery.h"
#include "stageinspector.h"

#include "torchwright/layers.h"
#include "torchwright/message.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/settings.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLibraryInfo>
#include <QMenuBar>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QXmlStreamReader>
#include <QtTest/QtTest>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

const QString kTsFile = QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/translations/torchwright_zh_CN.ts");

struct TsMessage {
    QString context;
    QString source;
    QStringList translations; // one, or the numerus forms
    QString type;             // the translation's type attribute: "", "unfinished", "vanished", ...
    QString comment;          // the disambiguating comment, which translate() must be given too
    bool numerus = false;
};

QList<TsMessage> readTs(const QString &path, QString *error)
{
    QList<TsMessage> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": ") + file.errorString();
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name"))
            context = xml.readElementText();
        else if (xml.name() == QLatin1String("message")) {
            current = TsMessage{context, {}, {}, {}};
            current.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (xml.name() == QLatin1String("comment"))
            current.comment = xml.readElementText();
        else if (xml.name() == QLatin1String("source"))
            current.source = xml.readElementText();
        else if (xml.name() == QLatin1String("translation")) {
            current.type = xml.attributes().value(QLatin1String("type")).toString();
            // Plain text, or <numerusform> children.
            QString text;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                    current.translations << xml.readElementText();
                else if (xml.isCharacters())
                    text += xml.text();
            }
            if (current.translations.isEmpty())
                current.translations << text;
            messages << current;
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QString key(const TsMessage &m) { return m.context + QStringLiteral(" | ") + m.source; }

// The placeholders a text uses (%1, %n), sorted, without repeats.
QStringList placeholders(const QString &text)
{
    QStringList found;
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    found.removeDuplicates();
    return found;
}

bool hasChinese(const QString &text)
{
    for (QChar c : text)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

QStringList menuTitles(const MainWindow &w)
{
    QStringList titles;
    for (QAction *a : w.menuBar()->actions())
        titles << a->text();
    return titles;
}

MainWindow *onlyMainWindow()
{
    MainWindow *found = nullptr;
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *m = qobject_cast<MainWindow *>(w)) {
            if (found)
                return nullptr;
            found = m;
        }
    return found;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void everyStringIsTranslated();
    void engineStringsAreCurrent();
    void lupdateFindsNothingNew();
    void languageFollowsOptionThenChoiceThenSystem();
    void studioRefusesAnUnknownLanguage();
    void chineseStudioShowsChinese();
    void switchingKeepsTheDocument();
    void engineSentencesAreShownInChinese();

private:
    QTemporaryDir m_tmp;
};

void TestTranslations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings away from the user's
    QSettings().remove(QStringLiteral("language"));
    Recovery::setDirectory(m_tmp.filePath("recovery"));
}

void TestTranslations::cleanup()
{
    installLanguage(QStringLiteral("en"));
    QSettings().remove(QStringLiteral("language"));
}

void TestTranslations::everyStringIsTranslated()
{
    QString error;
    const QList<TsMessage> messages = readTs(kTsFile, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(messages.size() > 300, qPrintable(QString::number(messages.size())));
    QStringList problems;
    for (const TsMessage &m : messages) {
        if (!m.type.isEmpty())
            problems << QStringLiteral("%1 (%2)").arg(key(m), m.type);
        // The studio looks engine templates up by context and source alone (messageText()): a
        // literal argument lupdate took for a comment or a count would never be found.
        if (m.context == QLatin1String(kMessageContext) && (!m.comment.isEmpty() || m.numerus))
            problems << QStringLiteral("%1 (read as comment \"%2\"%3: write the argument std::string(\"...\"))")
                            .arg(key(m), m.comment, m.numerus ? QStringLiteral(" and plural") : QString());
        for (const QString &t : m.translations) {
            if (t.trimmed().isEmpty()) {
                problems << QStringLiteral("%1 (empty)").arg(key(m));
                continue;
            }
            if (placeholders(t) != placeholders(m.source))
                problems << QStringLiteral("%1 (placeholders %2 become %3)")
                                .arg(key(m), placeholders(m.source).join(','), placeholders(t).join(','));
            // A menu's accelerator stays one: "&File" -> "文件(&F)".
            if (m.source.count('&') - 2 * m.source.count(QStringLiteral("&&")) == 1
                && !m.source.contains(QStringLiteral(" & ")) && t.count('&') != 1)
                problems << QStringLiteral("%1 (accelerator lost: %2)").arg(key(m), t);
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void TestTranslations::engineStringsAreCurrent()
{
    QFile file(QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/translations/engine_strings.cpp"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.readAll().toStdString() == i18n::engineStringsSource(),
             "translations/engine_strings.cpp differs from the engine's texts: run scripts/translations");
}

void TestTranslations::lupdateFindsNothingNew()
{
    const QString lupdate = QStringLiteral(TORCHWRIGHT_LUPDATE);
    if (!QFileInfo::exists(lupdate))
        QSKIP("lupdate is not installed (Debian package qt6-l10n-tools)");
    const QString updated = m_tmp.filePath("updated.ts");
    QFile::remove(updated);
    QVERIFY(QFile::copy(kTsFile, updated));
    QFile::setPermissions(updated, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QString src = QStringLiteral(TORCHWRIGHT_SOURCE_DIR);
    QProcess p;
    p.start(lupdate,
            {"-silent", "-locations", "none", "-no-obsolete", "-extensions", "cpp,h", src + "/ui", src + "/app/studio",
             src + "/translations/engine_strings.cpp", src + "/engine/src", src + "/engine/include", "-ts", updated});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());

    QString error;
    const QList<TsMessage> before = readTs(kTsFile, &error);
    const QList<TsMessage> after = readTs(updated, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QSet<QString> known, current;
    for (const TsMessage &m : before)
        known << key(m);
    for (const TsMessage &m : after)
        current << key(m);
    QStringList report;
    for (const QString &k : current)
        if (!known.contains(k))
            report << QStringLiteral("new in the code: ") + k;
    for (const QString &k : known)
        if (!current.contains(k))
            report << QStringLiteral("gone from the code: ") + k;
    report.sort();
    QVERIFY2(report.isEmpty(),
             qPrintable(QStringLiteral("the .ts is not up to date; run scripts/translations and translate:\n")
                        + report.join('\n')));
}

void TestTranslations::languageFollowsOptionThenChoiceThenSystem()
{
    const QLocale chinese(QLocale::Chinese, QLocale::China);
    const QLocale german(QLocale::German, QLocale::Germany);
    QCOMPARE(chooseLanguage({}, {}, chinese), QStringLiteral("zh_CN"));
    QCOMPARE(chooseLanguage({}, {}, german), QStringLiteral("en")); // not shipped: English
    QCOMPARE(chooseLanguage({}, QStringLiteral("en"), chinese), QStringLiteral("en"));
    QCOMPARE(chooseLanguage({}, QStringLiteral("zh_CN"), german), QStringLiteral("zh_CN"));
    QCOMPARE(chooseLanguage(QStringLiteral("en"), QStringLiteral("zh_CN"), chinese), QStringLiteral("en"));
    QCOMPARE(chooseLanguage(QStringLiteral("zh-CN"), QStringLiteral("en"), german), QStringLiteral("zh_CN"));
    QCOMPARE(languageCode(QStringLiteral("klingon")), QString());
    QVERIFY(!installLanguage(QStringLiteral("de")));
    QCOMPARE(currentLanguage(), QStringLiteral("en"));
}

void TestTranslations::studioRefusesAnUnknownLanguage()
{
#ifdef TORCHWRIGHT_STUDIO
    QProcess p;
    p.start(QStringLiteral(TORCHWRIGHT_STUDIO), {"--language", "klingon", "--screenshot", m_tmp.filePath("never.png")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY2(p.readAllStandardError().contains("unknown language 'klingon'"), "no message naming the language");
    QVERIFY(!QFileInfo::exists(m_tmp.filePath("never.png")));
#else
    QSKIP("the studio is not built here");
#endif
}

void TestTranslations::chineseStudioShowsChinese()
{
    QVERIFY(installLanguage(QStringLiteral("zh_CN")));
    QCOMPARE(currentLanguage(), QStringLiteral("zh_CN"));
    QCOMPARE(QLocale().language(), QLocale::Chinese); // dates in the runs list
    MainWindow w;
    const QStringList titles = menuTitles(w);
    QCOMPARE(titles.value(0), QStringLiteral("文件(&F)"));
    for (const QString &t : titles)
        QVERIFY2(hasChinese(t), qPrintable(t));
    for (int i = 0; i < w.tabs()->count(); ++i)
        QVERIFY2(hasChinese(w.tabs()->tabText(i)), qPrintable(w.tabs()->tabText(i)));
    // The engine's texts: the stage inspector's form labels.
    w.stageInspector()->showStage(int(Stage::Optimize));
    int labels = 0;
    for (QLabel *label : w.stageInspector()->findChildren<QLabel *>()) {
        if (!label->buddy() || label->isHidden())
            continue; // not a form row's label
        ++labels;
        QVERIFY2(hasChinese(label->text()), qPrintable(label->text()));
    }
    QVERIFY(labels > 0);
    // Drop-down values are shown translated and stored as they are.
    auto *loss = w.stageInspector()->findChild<QComboBox *>(QStringLiteral("/training/loss"));
    QVERIFY(loss);
    QCOMPARE(loss->currentText(), QStringLiteral("交叉熵 (cross_entropy)"));
    QCOMPARE(loss->currentData().toString(), QStringLiteral("cross_entropy"));
    loss->setCurrentIndex(loss->findData(QStringLiteral("mse")));
    QCOMPARE(QString::fromStdString(w.document()->project().training.loss), QStringLiteral("mse"));
    for (const SettingSpec &spec : projectSettings())
        if (!spec.stages.empty())
            QVERIFY2(hasChinese(settingText(spec.label)), spec.label.c_str());
    QCOMPARE(runStatusText(QStringLiteral("early_stopped")), QStringLiteral("已提前停止"));
    const LayerType *conv = LayerRegistry::instance().find("Conv2d");
    QVERIFY(conv);
    for (const ParamSpec &param : conv->params)
        QVERIFY2(hasChinese(paramExpectation(param)) || param.type == ParamType::Choice,
                 qPrintable(paramExpectation(param)));
    // Qt's own texts (standard buttons) where Debian's qt6-translations-l10n is installed.
    if (QFileInfo::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + "/qtbase_zh_CN.qm"))
        QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("取消"));
}

void TestTranslations::switchingKeepsTheDocument()
{
    auto *w = new MainWindow;
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->show();
    ProjectDocument *doc = w->document();
    QVERIFY(doc->addLayer(QStringLiteral("ReLU"), 300, 300) != NodeId{});
    const int undoSteps = doc->undoStack()->count();
    QVERIFY(undoSteps > 0);
    w->showTab(MainWindow::DashboardTab);
    w->logPanel()->append(QStringLiteral("before the switch"), false);
    QPointer<MainWindow> old(w);

    QAction *chinese = w->findChild<QAction *>(QStringLiteral("language_zh_CN"));
    QVERIFY(chinese);
    chinese->trigger();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(old.isNull());
    MainWindow *zh = onlyMainWindow();
    QVERIFY(zh);
    QCOMPARE(QSettings().value("language").toString(), QStringLiteral("zh_CN"));
    QCOMPARE(zh->document(), doc);
    QCOMPARE(doc->undoStack()->count(), undoSteps);
    QVERIFY(doc->isModified());
    QCOMPARE(zh->tabs()->currentIndex(), int(MainWindow::DashboardTab));
    QVERIFY(zh->logPanel()->text().contains(QStringLiteral("before the switch")));
    QCOMPARE(menuTitles(*zh).value(0), QStringLiteral("文件(&F)"));
    QVERIFY(zh->isVisible());
    QVERIFY(zh->findChild<QAction *>(QStringLiteral("language_zh_CN"))->isChecked());

    // The undo history still works in the new window; and back to English.
    doc->undoStack()->undo();
    QCOMPARE(doc->undoStack()->index(), undoSteps - 1);
    zh->findChild<QAction *>(QStringLiteral("language_en"))->trigger();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    MainWindow *en = onlyMainWindow();
    QVERIFY(en && en != zh);
    QCOMPARE(en->document(), doc);
    QCOMPARE(menuTitles(*en).value(0), QStringLiteral("&File"));
    QCOMPARE(QSettings().value("language").toString(), QStringLiteral("en"));
    delete en;
}

void TestTranslations::engineSentencesAreShownInChinese()
{
    // The article's CNN has a shape error: its problems list, in Chinese, keeps the layer names
    // and shapes the engine put into the sentence, while the engine's own text stays English.
    QVERIFY(installLanguage(QStringLiteral("zh_CN")));
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/article_cifar10_cnn.json"), &error),
             qPrintable(error));
    const Diagnostics &diagnostics = doc.analysis().diagnostics;
    QVERIFY(diagnostics.hasErrors());
    ProblemsList list(&doc);
    QCOMPARE(list.count(), int(diagnostics.items().size()));
    for (int i = 0; i < list.count(); ++i) {
        const Diagnostic &d = diagnostics.items()[size_t(i)];
        const QString shown = list.item(i)->text();
        QVERIFY2(hasChinese(shown), qPrintable(shown));
        QVERIFY2(!hasChinese(QString::fromStdString(d.message)), d.message.c_str()); // the CLI's
        QVERIFY2(d.text.translatable(), d.message.c_str());
        QCOMPARE(d.text.str(), d.message);
        // Every argument the engine gave is in the shown sentence.
        for (const Message &a : d.text.args())
            if (!a.translatable())
                QVERIFY2(shown.contains(QString::fromStdString(a.source())), qPrintable(shown));
    }
    // Nested messages are translated in turn; verbatim arguments stay as they are, "%1" included.
    const Message stopped = Message::tr("stopped by the user in epoch %1 at batch %2; the last checkpoint is from "
                                        "epoch %3, where train --resume continues",
                                        3, 514, 2);
    QCOMPARE(messageText(stopped),
             QStringLiteral("用户在第 3 轮第 514 批时停止；最后的检查点来自第 2 轮，train --resume 会从那里继续"));
    QCOMPARE(
        messageText(Message::tr("layer %1 (%2): %3", "'fc%1'", "Linear", Message::tr("the graph has no Input node"))),
        QStringLiteral("层 'fc%1'（Linear）：图中没有 Input 节点"));
    // A run's outcome read back from run.json is shown in the language of whoever reads it.
    const QString runDir = m_tmp.filePath("runs/r1");
    QVERIFY(QDir().mkpath(runDir));
    // (Without "sha256", as run.json files written before checksums.)
    nlohmann::json run = {{"status", "stopped"}, {"message", stopped.str()}, {"message_text", stopped.toJson()}};
    QFile file(runDir + "/run.json");
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(run.dump(2)));
    file.close();
    const RunSummary summary = readRunSummary(runDir.toStdString());
    QCOMPARE(summary.message, stopped.str());
    QCOMPARE(messageText(summary.text), messageText(stopped));
    // A message_text that does not say what "message" says is not believed.
    run["message"] = "edited by hand";
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::fromStdString(run.dump(2)));
    file.close();
    QCOMPARE(messageText(readRunSummary(runDir.toStdString()).text), QStringLiteral("edited by hand"));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
