// SPDX-License-Identifier: MIT
#include <XDMessaging/xdglobal.h>

#include "codec/frame_p.h"
#include "core/channelname_p.h"

namespace {

struct TransportName
{
    XDTransport transport;
    const char16_t *name;
};

constexpr TransportName TransportNames[] = {
        {XDTransport::Auto, u"auto"},
        {XDTransport::NativeWindow, u"native"},
        {XDTransport::LocalSocket, u"localsocket"},
        {XDTransport::Network, u"network"},
};

bool hasLoneSurrogate(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            return true;
    }
    return false;
}

} // namespace

QString xdTransportName(XDTransport transport)
{
    for (const TransportName &entry : TransportNames) {
        if (entry.transport == transport)
            return QString::fromUtf16(entry.name);
    }
    return {};
}

bool xdParseTransportName(const QString &name, XDTransport *transport)
{
    for (const TransportName &entry : TransportNames) {
        if (name == QStringView(entry.name)) {
            *transport = entry.transport;
            return true;
        }
    }
    return false;
}

QString xdChannelNameProblem(const QString &channel)
{
    return XDMessagingPrivate::channelNameProblem(channel, XDMessagingPrivate::ChannelUse::Application);
}

QString XDMessagingPrivate::channelNameProblem(const QString &channel, ChannelUse use)
{
    if (hasLoneSurrogate(channel))
        return QStringLiteral("channel name is not valid Unicode");
    const QByteArray utf8 = channel.toUtf8();
    if (use == ChannelUse::Application && isReplyChannel(utf8))
        return QStringLiteral("channel names starting with \"%1\" are reserved for replies")
                .arg(QLatin1StringView(ReplyChannelPrefix));
    return channelNameProblemUtf8(utf8);
}

QString XDMessagingPrivate::printableChannelName(const QString &channel)
{
    QString printable;
    for (const QChar c : channel) {
        if (c == u'\n')
            printable += QStringLiteral("\\n");
        else if (c == u'\t')
            printable += QStringLiteral("\\t");
        else if (c.category() == QChar::Other_Control)
            printable += QStringLiteral("\\u{%1}").arg(c.unicode(), 0, 16);
        else
            printable += c;
    }
    return printable;
}
