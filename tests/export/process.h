// Running the programs an export is checked with: Debian's python3 and torchrun, node with
// onnxruntime-node, and torchwright-cli. Shared by tst_export and tst_pyprogram.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace exporttest {

// Debian's, with python3-torch and python3-onnx: the python3 on PATH may be a pyenv without them.
inline const QString kPython = QStringLiteral("/usr/bin/python3");

struct ProcessRun {
    bool finished = false; // false: it could not start, or was killed at the timeout
    int exitCode = -1;     // -1 unless it finished normally
    QString output;        // stdout and stderr together
};

// Runs PROGRAM in DIR (the current folder when empty) and waits up to timeoutMs for it.
inline ProcessRun runProcess(const QString &program, const QStringList &args, const QString &dir = {},
                             int timeoutMs = 300000)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A pyenv's or virtualenv's settings must not reach Debian's Python.
    for (const char *name : {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"})
        env.remove(QString::fromLatin1(name));
    env.insert("PYTHONDONTWRITEBYTECODE", "1");
    env.insert("OMP_NUM_THREADS", "1"); // the machine may have two cores for everything
    p.setProcessEnvironment(env);
    p.start();
    ProcessRun r;
    if (!p.waitForStarted(30000)) {
        r.output = program + ": cannot start: " + p.errorString();
        return r;
    }
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(10000);
    }
    r.output = QString::fromUtf8(p.readAll());
    if (!r.finished)
        r.output += "\n(killed after " + QString::number(timeoutMs / 1000) + " s)";
    else if (p.exitStatus() == QProcess::NormalExit)
        r.exitCode = p.exitCode();
    return r;
}

inline QString describe(const ProcessRun &r)
{
    return "exit code " + QString::number(r.exitCode) + ", output:\n" + r.output;
}

} // namespace exporttest
