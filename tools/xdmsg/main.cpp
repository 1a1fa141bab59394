// SPDX-License-Identifier: MIT
// xdmsg: send, listen and list XDMessaging channels from the command line.
#include "commandline.h"

#include <XDMessaging/xdversion.h>

#include <QtCore/QCoreApplication>

#include <cstdio>

namespace {

const char Usage[] =
        "Usage:\n"
        "  xdmsg send [--transport T] [--propagate] [--verbose] [--retain] CHANNEL TEXT\n"
        "        send TEXT to every listener of CHANNEL (--retain: and to later ones first)\n"
        "  xdmsg send [--transport T] [--propagate] [--verbose] --stdin CHANNEL\n"
        "        send each line of standard input as one message, in order\n"
        "  xdmsg listen [--transport T] [--count N] [--timeout SECONDS] [--json] [--reply TEXT] CHANNEL...\n"
        "        print messages as they arrive: CHANNEL<TAB>TEXT, or JSON; answer requests with TEXT\n"
        "  xdmsg request [--transport T] [--propagate] [--timeout SECONDS] [--json] CHANNEL TEXT\n"
        "        ask the listeners of CHANNEL; print each reply as it comes\n"
        "  xdmsg channels [--transport T] [--json]\n"
        "        list every live listener: pid, name, transports, channels\n"
        "  xdmsg channels --watch [--transport T] [--json] [--timeout SECONDS] [CHANNEL]\n"
        "        then print each listener joining or leaving, one line each\n"
        "\n"
        "Transports (T): auto, native, localsocket, network.\n"
        "\n"
        "Options:\n"
        "  -h, --help     show help (also after a command)\n"
        "  -v, --version  show the version\n"
        "\n"
        "Exit codes: 0 success, 1 runtime failure, 2 usage error.\n";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("xdmsg"));
    QCoreApplication::setApplicationVersion(QStringLiteral(XDMESSAGING_VERSION_STRING));

    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);
    if (command.isEmpty())
        return usageError(QStringLiteral("missing command: send, listen, request or channels"));
    if (command == u"-h" || command == u"--help" || command == u"help") {
        std::fputs(Usage, stdout);
        return ExitSuccess;
    }
    if (command == u"-v" || command == u"--version") {
        std::printf("xdmsg %s (Qt %s)\n", XDMESSAGING_VERSION_STRING, qVersion());
        return ExitSuccess;
    }
    arguments.removeFirst(); // the parser sees the command in place of the program name
    if (command == u"send")
        return runSend(arguments);
    if (command == u"listen")
        return runListen(arguments);
    if (command == u"channels")
        return runChannels(arguments);
    if (command == u"request")
        return runRequest(arguments);
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}
