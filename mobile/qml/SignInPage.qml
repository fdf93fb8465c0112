import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core

// Sign-in: server address, login and password. The result arrives as Session.signedIn turning
// true (Main then shows the app) or as Session.signInError.
Page {
    id: page
    title: qsTr("Sign in")

    // A problem found before asking the server (an empty field).
    property string localError: ""

    function submit() {
        if (Session.busy)
            return;
        if (serverField.text.trim() === "")
            localError = qsTr("Enter the server address.");
        else if (loginField.text.trim() === "" || passwordField.text === "")
            localError = qsTr("Enter your login and password.");
        else
            localError = "";
        if (localError !== "")
            return;
        Session.signIn(serverField.text.trim(), loginField.text.trim(), passwordField.text);
    }

    Component.onCompleted: {
        serverField.text = Session.serverAddress;
        loginField.text = Session.login;
        (loginField.text === "" ? loginField : passwordField).forceActiveFocus();
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: form.implicitHeight + 48
        clip: true
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: form
            width: Math.min(flick.width - 48, 420)
            x: (flick.width - width) / 2
            y: 24
            spacing: 6

            Label {
                text: qsTr("M-CRM")
                font.pixelSize: 28
                font.bold: true
                Layout.alignment: Qt.AlignHCenter
            }
            Label {
                text: qsTr("Sign in with the login your administrator gave you. Your customers are then kept on this device, so you can work offline.")
                wrapMode: Text.Wrap
                opacity: 0.8
                horizontalAlignment: Text.AlignHCenter
                Layout.fillWidth: true
                Layout.bottomMargin: 12
            }

            Label {
                text: qsTr("Server")
            }
            TextField {
                id: serverField
                objectName: "serverField"
                placeholderText: qsTr("host:port")
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                enabled: !Session.busy
                Layout.fillWidth: true
                Layout.preferredHeight: 44
                onTextEdited: page.localError = ""
                onAccepted: loginField.forceActiveFocus()
            }

            Label {
                text: qsTr("Login")
                Layout.topMargin: 6
            }
            TextField {
                id: loginField
                objectName: "loginField"
                inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                enabled: !Session.busy
                Layout.fillWidth: true
                Layout.preferredHeight: 44
                onTextEdited: page.localError = ""
                onAccepted: passwordField.forceActiveFocus()
            }

            Label {
                text: qsTr("Password")
                Layout.topMargin: 6
            }
            TextField {
                id: passwordField
                objectName: "passwordField"
                echoMode: TextInput.Password
                inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                enabled: !Session.busy
                Layout.fillWidth: true
                Layout.preferredHeight: 44
                onTextEdited: page.localError = ""
                onAccepted: page.submit()
            }

            Label {
                objectName: "signInError"
                text: page.localError !== "" ? page.localError : Session.signInError
                visible: text !== ""
                color: "#c62828"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                Layout.topMargin: 6
            }

            Button {
                objectName: "signInButton"
                text: qsTr("Sign in")
                enabled: !Session.busy
                highlighted: true
                Layout.fillWidth: true
                Layout.preferredHeight: 48
                Layout.topMargin: 12
                onClicked: page.submit()
            }
            BusyIndicator {
                objectName: "signInBusy"
                running: Session.busy
                visible: running
                Layout.alignment: Qt.AlignHCenter
            }
        }
    }
}
