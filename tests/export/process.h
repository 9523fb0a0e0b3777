// Running the programs an export is checked with: Debian's python3 and torchrun, node with
// onnxruntime-node, and torchwright-cli. Shared by tst_export, tst_pyprogram and tst_importrun.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace exporttest {

// Debian's, with python3-torch and python3-onnx: the python3 on PATH may be a pyenv without them.
inline const QString kPython = QStringLiteral("/usr/bin/python3");
inline const QString kTorchrun = QStringLiteral("/usr/bin/torchrun");

// The environment the tools run in.
inline QProcessEnvironment toolEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A pyenv's or virtualenv's settings must not reach Debian's Python.
    for (const char *name : {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"})
        env.remove(QString::fromLatin1(name));
    env.insert("PYTHONDONTWRITEBYTECODE", "1");
    env.insert("OMP_NUM_THREADS", "1"); // the machine may have two cores for everything
    return env;
}

struct ProcessRun {
    bool finished = false; // false: it could not start, or was killed at the timeout
    int exitCode = -1;     // -1 unless it finished normally
    QString output;        // stdout and stderr together
};

// Runs PROGRAM in DIR (the current folder when empty) with `env` and waits up to timeoutMs for it.
inline ProcessRun runProcess(const QString &program, const QStringList &args, const QString &dir = {},
                             int timeoutMs = 300000, const QProcessEnvironment &env = toolEnvironment())
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
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

// A TCP port nobody listens on now: torchrun's --standalone always takes 29400, which another
// job on the machine may hold.
inline int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// Runs `program` (a train.py) with `args` on the CPU in two processes under torchrun, as
// --standalone does but on a free port instead of its fixed 29400. Debian 12's torchrun (PyTorch
// 1.13 on Python 3.11) cannot parse the default "0" of --redirects and --tee (Std.from_str returns
// None), so both are given: stderr teed, stdout passed through. A run without a free port fails
// with that reason.
inline ProcessRun runTorchrun(const QString &program, const QStringList &args, const QString &rdzvId,
                              const QString &dir)
{
    const int port = freePort();
    if (port <= 0)
        return {false, -1, QStringLiteral("no free TCP port for torchrun's rendezvous")};
    QStringList all = {"--redirects=2",
                       "--tee=2",
                       "--nnodes=1",
                       "--nproc_per_node=2",
                       "--rdzv_backend=c10d",
                       "--rdzv_endpoint=127.0.0.1:" + QString::number(port),
                       "--rdzv_id=" + rdzvId,
                       "--monitor_interval=1",
                       program};
    all += args;
    return runProcess(kTorchrun, all, dir);
}

} // namespace exporttest
