<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>Main</name>
    <message>
        <source>XDMessaging QML Messenger: %1</source>
        <translation>Messagerie QML XDMessaging : %1</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>joined</source>
        <translation>est arrivé</translation>
    </message>
    <message>
        <source>left</source>
        <translation>est parti</translation>
    </message>
    <message>
        <source>now listens to %1</source>
        <translation>écoute maintenant %1</translation>
    </message>
    <message>
        <source>stopped listening to %1</source>
        <translation>n&apos;écoute plus %1</translation>
    </message>
    <message>
        <source>QML Messenger</source>
        <translation>Messagerie QML</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Type a message and press Enter</source>
        <translation>Tapez un message et appuyez sur Entrée</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>Listening on %1 through %2</source>
        <translation>Écoute %1 par %2</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>rien</translation>
    </message>
</context>
</TS>
