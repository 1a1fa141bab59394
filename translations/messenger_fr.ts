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
        <location filename="../messenger/messengeroptions.cpp" line="18"/>
        <source>The name shown to others.</source>
        <translation>Le nom que voient les autres.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="22"/>
        <source>auto, native, localsocket or network.</source>
        <translation>auto, native, localsocket ou network.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="26"/>
        <source>Language: en, de or fr (default: the system&apos;s).</source>
        <translation>Langue : en, de ou fr (par défaut : celle du système).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="30"/>
        <source>Send TEXT on UserMessage after start (repeatable).</source>
        <translation>Envoyer TEXTE sur UserMessage après le démarrage (répétable).</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="34"/>
        <source>Close the window after SECONDS.</source>
        <translation>Fermer la fenêtre après SECONDES.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="38"/>
        <source>Also print every log line to standard output.</source>
        <translation>Écrire aussi chaque ligne du journal sur la sortie standard.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="41"/>
        <source>Send each line of standard input as if typed.</source>
        <translation>Envoyer chaque ligne de l&apos;entrée standard comme si elle était tapée.</translation>
    </message>
    <message>
        <location filename="../messenger/messengeroptions.cpp" line="43"/>
        <source>Put the window at X,Y.</source>
        <translation>Placer la fenêtre en X,Y.</translation>
    </message>
</context>
<context>
    <name>MessengerWindow</name>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="91"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="92"/>
        <source>&amp;New window</source>
        <translation>&amp;Nouvelle fenêtre</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="95"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="101"/>
        <source>Messenger %1</source>
        <translation>Messagerie %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="106"/>
        <source>Auto</source>
        <translation>Automatique</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="107"/>
        <source>Native window</source>
        <translation>Fenêtre native</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="108"/>
        <source>Local socket</source>
        <translation>Socket local</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="110"/>
        <source>Network (Redis)</source>
        <translation>Réseau (Redis)</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="112"/>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="114"/>
        <source>Transport:</source>
        <translation>Transport :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="119"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="121"/>
        <source>UserMessage</source>
        <translation>Message utilisateur</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="125"/>
        <source>Listen to:</source>
        <translation>Écouter :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="130"/>
        <source>Propagate to network</source>
        <translation>Propager sur le réseau</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="133"/>
        <source>Also send through Redis at %1 to other machines</source>
        <translation>Envoyer aussi via Redis à %1 vers les autres machines</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="148"/>
        <source>Online:</source>
        <translation>En ligne :</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="151"/>
        <source>The other listeners of UserMessage: who gets what you send</source>
        <translation>Les autres écouteurs de UserMessage : qui reçoit ce que vous envoyez</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="160"/>
        <source>Type a message and press Enter</source>
        <translation>Tapez un message et appuyez sur Entrée</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="161"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="181"/>
        <location filename="../messenger/messengerwindow.cpp" line="184"/>
        <source>Messenger: %1</source>
        <translation>Messagerie : %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../messenger/messengerwindow.cpp" line="215"/>
        <source>%n message(s) not delivered to %1: %2</source>
        <translation>
            <numerusform>%n message non remis à %1 : %2</numerusform>
            <numerusform>%n messages non remis à %1 : %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="220"/>
        <source>network unreachable, messages wait for it: %1</source>
        <translation>réseau injoignable, les messages l’attendent : %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="245"/>
        <source>process %1, reachable by %2</source>
        <translation>processus %1, joignable par %2</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="255"/>
        <source>not listening</source>
        <translation>n’écoute pas</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="255"/>
        <source>Transport: %1</source>
        <translation>Transport : %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../messenger/messengerwindow.cpp" line="257"/>
        <source>%1 · last message reached %n listener(s)</source>
        <translation>
            <numerusform>%1 · dernier message reçu par %n écouteur</numerusform>
            <numerusform>%1 · dernier message reçu par %n écouteurs</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="305"/>
        <source>joined</source>
        <translation>est arrivé</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="307"/>
        <source>left</source>
        <translation>est parti</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="309"/>
        <source>now listens to %1</source>
        <translation>écoute maintenant %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="311"/>
        <source>stopped listening to %1</source>
        <translation>n&apos;écoute plus %1</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="327"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location filename="../messenger/messengerwindow.cpp" line="360"/>
        <source>cannot start a new window</source>
        <translation>impossible d&apos;ouvrir une nouvelle fenêtre</translation>
    </message>
</context>
</TS>
