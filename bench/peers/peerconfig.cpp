// SPDX-License-Identifier: MIT
#include "peerconfig.h"

namespace {

bool takeNumber(const QString &text, qint64 *value)
{
    bool ok = false;
    *value = text.toLongLong(&ok);
    return ok && *value >= 0;
}

} // namespace

bool parsePeerConfig(const QStringList &arguments, PeerConfig *config, QString *error)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &option = arguments.at(i);
        if (option == QLatin1String("--ping-pong") || option == QLatin1String("--request")) {
            (option == QLatin1String("--request") ? config->request : config->pingPong) = true;
            continue;
        }
        if (i + 1 >= arguments.size()) {
            *error = QStringLiteral("%1 needs a value").arg(option);
            return false;
        }
        const QString value = arguments.at(++i);
        qint64 number = 0;
        const bool isNumber = takeNumber(value, &number);
        if (option == QLatin1String("--peer"))
            config->role = value;
        else if (option == QLatin1String("--system"))
            config->system = value;
        else if (option == QLatin1String("--channel"))
            config->channel = value;
        else if (option == QLatin1String("--endpoint"))
            config->endpoint = value;
        else if (option == QLatin1String("--targets"))
            config->targets = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
        else if (option == QLatin1String("--work-dir"))
            config->workDir = value;
        else if (!isNumber) {
            *error = QStringLiteral("unknown option %1, or %2 is not a number").arg(option, value);
            return false;
        } else if (option == QLatin1String("--count"))
            config->count = number;
        else if (option == QLatin1String("--senders"))
            config->senders = int(number);
        else if (option == QLatin1String("--size"))
            config->size = int(number);
        else if (option == QLatin1String("--sender-id"))
            config->senderId = int(number);
        else if (option == QLatin1String("--idle-ms"))
            config->idleMs = int(number);
        else if (option == QLatin1String("--warmup"))
            config->warmup = int(number);
        else if (option == QLatin1String("--channels"))
            config->channels = int(qMax<qint64>(1, number));
        else {
            *error = QStringLiteral("unknown option %1").arg(option);
            return false;
        }
    }
    return true;
}

QStringList peerArguments(const PeerConfig &config)
{
    QStringList arguments {QStringLiteral("--peer"),      config.role,
                           QStringLiteral("--system"),    config.system,
                           QStringLiteral("--channel"),   config.channel,
                           QStringLiteral("--work-dir"),  config.workDir,
                           QStringLiteral("--count"),     QString::number(config.count),
                           QStringLiteral("--senders"),   QString::number(config.senders),
                           QStringLiteral("--size"),      QString::number(config.size),
                           QStringLiteral("--sender-id"), QString::number(config.senderId),
                           QStringLiteral("--idle-ms"),   QString::number(config.idleMs),
                           QStringLiteral("--warmup"),    QString::number(config.warmup),
                           QStringLiteral("--channels"),  QString::number(config.channels)};
    if (!config.endpoint.isEmpty())
        arguments << QStringLiteral("--endpoint") << config.endpoint;
    if (!config.targets.isEmpty())
        arguments << QStringLiteral("--targets") << config.targets.join(QLatin1Char(','));
    if (config.pingPong)
        arguments << QStringLiteral("--ping-pong");
    if (config.request)
        arguments << QStringLiteral("--request");
    return arguments;
}
