<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>MessengerOptions</name>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="12"/>
        <source>Chat between processes on this machine with XDMessaging.</source>
        <translation>Nachrichten zwischen Prozessen auf diesem Rechner mit XDMessaging.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="18"/>
        <source>The name shown to others.</source>
        <translation>Der Name, den andere sehen.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="22"/>
        <source>auto, native, localsocket or network.</source>
        <translation>auto, native, localsocket oder network.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="26"/>
        <source>Language: en, de or fr (default: the system&apos;s).</source>
        <translation>Sprache: en, de oder fr (Vorgabe: die des Systems).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="30"/>
        <source>Send TEXT on UserMessage after start (repeatable).</source>
        <translation>TEXT nach dem Start auf UserMessage senden (wiederholbar).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="34"/>
        <source>Close the window after SECONDS.</source>
        <translation>Das Fenster nach SEKUNDEN schließen.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="38"/>
        <source>Also print every log line to standard output.</source>
        <translation>Jede Protokollzeile auch auf die Standardausgabe schreiben.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="41"/>
        <source>Send each line of standard input as if typed.</source>
        <translation>Jede Zeile der Standardeingabe senden, als wäre sie getippt.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="43"/>
        <source>Put the window at X,Y.</source>
        <translation>Das Fenster an X,Y platzieren.</translation>
    </message>
</context>
<context>
    <name>MessengerWindow</name>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="91"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="92"/>
        <source>&amp;New window</source>
        <translation>&amp;Neues Fenster</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="95"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="101"/>
        <source>Messenger %1</source>
        <translation>Messenger %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="106"/>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="107"/>
        <source>Native window</source>
        <translation>Natives Fenster</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="108"/>
        <source>Local socket</source>
        <translation>Lokaler Socket</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="110"/>
        <source>Network (Redis)</source>
        <translation>Netzwerk (Redis)</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="112"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="114"/>
        <source>Transport:</source>
        <translation>Transport:</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="119"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="121"/>
        <source>UserMessage</source>
        <translation>Benutzernachricht</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="125"/>
        <source>Listen to:</source>
        <translation>Empfangen:</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="130"/>
        <source>Propagate to network</source>
        <translation>Ins Netzwerk weitergeben</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="133"/>
        <source>Also send through Redis at %1 to other machines</source>
        <translation>Auch über Redis unter %1 an andere Rechner senden</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="148"/>
        <source>Online:</source>
        <translation>Online:</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="151"/>
        <source>The other listeners of UserMessage: who gets what you send</source>
        <translation>Die anderen Empfänger von UserMessage: wer bekommt, was Sie senden</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="160"/>
        <source>Type a message and press Enter</source>
        <translation>Nachricht eingeben und Eingabetaste drücken</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="161"/>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="181"/>
        <location filename="../messenger/messengerwindow.cpp" line="184"/>
        <source>Messenger: %1</source>
        <translation>Messenger: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../messenger/messengerwindow.cpp" line="215"/>
        <source>%n message(s) not delivered to %1: %2</source>
        <translation>
            <numerusform>%n Nachricht nicht an %1 zugestellt: %2</numerusform>
            <numerusform>%n Nachrichten nicht an %1 zugestellt: %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="220"/>
        <source>network unreachable, messages wait for it: %1</source>
        <translation>Netzwerk nicht erreichbar, Nachrichten warten darauf: %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="245"/>
        <source>process %1, reachable by %2</source>
        <translation>Prozess %1, erreichbar über %2</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="255"/>
        <source>not listening</source>
        <translation>empfängt nicht</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="255"/>
        <source>Transport: %1</source>
        <translation>Transport: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../messenger/messengerwindow.cpp" line="257"/>
        <source>%1 · last message reached %n listener(s)</source>
        <translation>
            <numerusform>%1 · letzte Nachricht erreichte %n Empfänger</numerusform>
            <numerusform>%1 · letzte Nachricht erreichte %n Empfänger</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="305"/>
        <source>joined</source>
        <translation>ist beigetreten</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="307"/>
        <source>left</source>
        <translation>hat verlassen</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="309"/>
        <source>now listens to %1</source>
        <translation>empfängt jetzt %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="311"/>
        <source>stopped listening to %1</source>
        <translation>empfängt %1 nicht mehr</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="327"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="360"/>
        <source>cannot start a new window</source>
        <translation>kann kein neues Fenster öffnen</translation>
    </message>
</context>
</TS>
