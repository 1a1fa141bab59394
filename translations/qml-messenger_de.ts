<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Main</name>
    <message>
        <source>XDMessaging QML Messenger: %1</source>
        <translation>XDMessaging-QML-Messenger: %1</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>joined</source>
        <translation>ist beigetreten</translation>
    </message>
    <message>
        <source>left</source>
        <translation>hat verlassen</translation>
    </message>
    <message>
        <source>now listens to %1</source>
        <translation>empfängt jetzt %1</translation>
    </message>
    <message>
        <source>stopped listening to %1</source>
        <translation>empfängt %1 nicht mehr</translation>
    </message>
    <message>
        <source>QML Messenger</source>
        <translation>QML-Messenger</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Type a message and press Enter</source>
        <translation>Nachricht eingeben und Eingabetaste drücken</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Listening on %1 through %2</source>
        <translation>Empfängt %1 über %2</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
</context>
</TS>
