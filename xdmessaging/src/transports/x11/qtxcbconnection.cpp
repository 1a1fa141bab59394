// SPDX-License-Identifier: MIT
#include "transports/x11/qtxcbconnection_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QThread>

#ifdef XDMESSAGING_QT_XCB_MODULE
#include <dlfcn.h>

#include <mutex>
#endif

namespace XDMessagingPrivate {

namespace {

using ConnectionOfQt = xcb_connection_t *(*)();

#ifdef XDMESSAGING_QT_XCB_MODULE
// The module lies in xdmessaging/ beside the library, in the build tree as installed.
QString modulePath()
{
    Dl_info info {};
    if (!dladdr(reinterpret_cast<void *>(&qtXcbConnection), &info) || !info.dli_fname)
        return {};
    return QFileInfo(QString::fromLocal8Bit(info.dli_fname)).absolutePath()
           + QStringLiteral("/xdmessaging/" XDMESSAGING_QT_XCB_MODULE);
}

// Loaded once, and never unloaded: Qt GUI stays loaded with the application anyway.
ConnectionOfQt connectionOfQt(QString *why)
{
    static std::once_flag once;
    static ConnectionOfQt function = nullptr;
    static QString problem;
    std::call_once(once, [] {
        const QString path = modulePath();
        void *module = dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
        if (module)
            function = reinterpret_cast<ConnectionOfQt>(dlsym(module, "xdmessaging_qt_xcb_connection"));
        if (!function)
            problem = QStringLiteral("cannot load %1: %2").arg(path, QString::fromLocal8Bit(dlerror()));
    });
    *why = problem;
    return function;
}
#else
ConnectionOfQt connectionOfQt(QString *)
{
    return &xdmessaging_qt_xcb_connection;
}
#endif

} // namespace

xcb_connection_t *qtXcbConnection(QString *why)
{
    // Qt's connection delivers events in the GUI thread only.
    const QCoreApplication *application = QCoreApplication::instance();
    if (!application || !application->inherits("QGuiApplication") || QThread::currentThread() != application->thread())
        return nullptr;
    const ConnectionOfQt function = connectionOfQt(why);
    return function ? function() : nullptr;
}

} // namespace XDMessagingPrivate
