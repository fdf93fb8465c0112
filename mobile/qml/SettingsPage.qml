import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// Language, the server, who is signed in (and signing out), versions.
Page {
    id: page
    title: qsTr("Settings")

    function requestSignOut() {
        const unsent = Session.unsentCount();
        if (unsent > 0) {
            signOutDialog.unsent = unsent;
            signOutDialog.open();
        } else {
            Session.signOut();
        }
    }

    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: content.implicitHeight + 32
        clip: true
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: content
            x: 16
            y: 8
            width: Math.min(flick.width - 32, 720)
            spacing: 8

            SectionHeader {
                text: qsTr("Language")
            }
            ComboBox {
                id: languageBox
                objectName: "languageBox"
                textRole: "text"
                valueRole: "value"
                // Languages are named in their own language, so everyone finds theirs: those two
                // names are deliberately not translated.
                model: [
                    { "text": qsTr("System"), "value": "" },
                    { "text": "English", "value": "en" },
                    { "text": "简体中文", "value": "zh_CN" }
                ]
                currentIndex: Math.max(0, ["", "en", "zh_CN"].indexOf(Session.language))
                Layout.fillWidth: true
                Layout.maximumWidth: 320
                Layout.preferredHeight: 44
                onActivated: Session.setLanguage(currentValue)
            }

            SectionHeader {
                text: qsTr("Server")
            }
            TextField {
                objectName: "settingsServerField"
                text: Session.serverAddress
                // The address belongs to the signed-in session's data: changeable only signed out.
                readOnly: Session.signedIn
                opacity: readOnly ? 0.7 : 1
                Layout.fillWidth: true
                Layout.preferredHeight: 44
                onEditingFinished: {
                    if (!Session.signedIn && text.trim() !== "")
                        Session.setServerAddress(text.trim());
                }
            }
            Label {
                visible: Session.signedIn
                text: qsTr("Sign out to use another server.")
                opacity: 0.7
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            SectionHeader {
                text: qsTr("Account")
            }
            Label {
                objectName: "signedInAs"
                text: qsTr("Signed in as %1 (%2)").arg(Session.userName).arg(Session.login)
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                visible: Session.userRole !== ""
                text: qsTr("Role: %1").arg(Labels.userRole(Session.userRole))
                opacity: 0.7
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                objectName: "signOutButton"
                text: qsTr("Sign out")
                Layout.preferredHeight: 44
                onClicked: page.requestSignOut()
            }

            SectionHeader {
                text: qsTr("About")
            }
            Label {
                objectName: "appVersionLabel"
                text: qsTr("App version: %1").arg(Session.appVersion)
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "serverVersionLabel"
                text: qsTr("Server version: %1").arg(Session.serverVersion !== "" ? Session.serverVersion : qsTr("unknown"))
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }

    Dialog {
        id: signOutDialog
        objectName: "signOutDialog"

        property int unsent: 0

        parent: Overlay.overlay
        anchors.centerIn: parent
        // Never narrower than 280: at the transient zero width of start-up the wrapped text
        // and the title made the dialog's height a binding loop.
        width: Math.max(280, Math.min(parent.width - 32, 420))
        modal: true
        title: qsTr("Sign out?")

        contentItem: Label {
            objectName: "signOutWarning"
            text: signOutDialog.unsent === 1
                  ? qsTr("1 change has not reached the server and will be lost. Sign out anyway?")
                  : qsTr("%n changes have not reached the server and will be lost. Sign out anyway?", "", signOutDialog.unsent)
            wrapMode: Text.Wrap
        }

        footer: DialogButtonBox {
            Button {
                objectName: "confirmSignOutButton"
                text: qsTr("Sign out")
                implicitHeight: 44
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Cancel")
                implicitHeight: 44
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
        }

        onAccepted: Session.signOut()
    }
}
