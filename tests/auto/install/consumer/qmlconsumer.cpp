// SPDX-License-Identifier: MIT
// A QML program that knows nothing of XDMessaging but its QML module, found through
// QML_IMPORT_PATH: a Listener and a Broadcaster talk; exits 0 when the message arrives.
#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir runtimeDir;
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(runtimeDir.path()));

    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(R"(
        import QtQml
        import XDMessaging
        QtObject {
            property Listener listener: Listener {
                transport: XD.LocalSocket
                channels: ["commands"]
                onMessageReceived: (message) => Qt.exit(message.text === "shutdown" ? 0 : 1)
            }
            property Broadcaster broadcaster: Broadcaster { transport: XD.LocalSocket }
            Component.onCompleted: {
                const result = broadcaster.send("commands", "shutdown")
                if (!result.ok || result.listenersReached !== 1) {
                    console.log("send failed: " + result.errorString)
                    Qt.exit(1)
                }
            }
        })",
                      QUrl());
    const std::unique_ptr<QObject> root(component.create());
    if (!root) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 1;
    }
    QObject::connect(&engine, &QQmlEngine::exit, &app, [](int code) {
        std::printf("QML consumer: the QML Listener %s\n", code == 0 ? "received the message" : "failed");
        QCoreApplication::exit(code);
    });
    QTimer::singleShot(10000, &app, [] {
        std::fprintf(stderr, "timed out\n");
        QCoreApplication::exit(1);
    });
    return QCoreApplication::exec();
}
