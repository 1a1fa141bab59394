<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>MessengerOptions</name>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="12"/>
        <source>Chat between processes on this machine with XDMessaging.</source>
        <translation>Discutez entre processus de cette machine avec XDMessaging.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="17"/>
        <source>The name shown to others.</source>
        <translation>Le nom que voient les autres.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="18"/>
        <source>auto, native or localsocket.</source>
        <translation>auto, native ou localsocket.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="19"/>
        <source>Language: en, de or fr (default: the system&apos;s).</source>
        <translation>Langue : en, de ou fr (par défaut : celle du système).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="20"/>
        <source>Send TEXT on UserMessage after start (repeatable).</source>
        <translation>Envoyer TEXTE sur UserMessage après le démarrage (répétable).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="21"/>
        <source>Close the window after SECONDS.</source>
        <translation>Fermer la fenêtre après SECONDES.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="22"/>
        <source>Also print every log line to standard output.</source>
        <translation>Écrire aussi chaque ligne du journal sur la sortie standard.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="23"/>
        <source>Send each line of standard input as if typed.</source>
        <translation>Envoyer chaque ligne de l'entrée standard comme si elle était tapée.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="24"/>
        <source>Put the window at X,Y.</source>
        <translation>Placer la fenêtre en X,Y.</translation>
    </message>
</context>
<context>
    <name>MessengerWindow</name>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="88"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="89"/>
        <source>&amp;New window</source>
        <translation>&amp;Nouvelle fenêtre</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="92"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="98"/>
        <source>Messenger %1</source>
        <translation>Messagerie %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="103"/>
        <source>Auto</source>
        <translation>Automatique</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="104"/>
        <source>Native window</source>
        <translation>Fenêtre native</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="105"/>
        <source>Local socket</source>
        <translation>Socket local</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="107"/>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="109"/>
        <source>Transport:</source>
        <translation>Transport :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="114"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="116"/>
        <source>UserMessage</source>
        <translation>Message utilisateur</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="120"/>
        <source>Listen to:</source>
        <translation>Écouter :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="135"/>
        <source>Type a message and press Enter</source>
        <translation>Tapez un message et appuyez sur Entrée</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="136"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="151"/>
        <location filename="../messenger/messengerwindow.cpp" line="153"/>
        <source>Messenger: %1</source>
        <translation>Messagerie : %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../messenger/messengerwindow.cpp" line="178"/>
        <source>%n message(s) not delivered to %1: %2</source>
        <translation>
            <numerusform>%n message non remis à %1 : %2</numerusform>
            <numerusform>%n messages non remis à %1 : %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="228"/>
        <source>joined</source>
        <translation>est arrivé</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="230"/>
        <source>left</source>
        <translation>est parti</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="232"/>
        <source>now listens to %1</source>
        <translation>écoute maintenant %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="234"/>
        <source>stopped listening to %1</source>
        <translation>n&apos;écoute plus %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="250"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="282"/>
        <source>cannot start a new window</source>
        <translation>impossible d&apos;ouvrir une nouvelle fenêtre</translation>
    </message>
</context>
</TS>
