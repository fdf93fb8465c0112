import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core

// The app's window: a header that tells whether the server is reachable, and the page stack.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 420
    height: 760
    visible: true
    title: qsTr("M-CRM")

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 12
            Label {
                text: window.title
                font.bold: true
                Layout.fillWidth: true
            }
            Rectangle {
                objectName: "connectionDot"
                width: 10
                height: 10
                radius: 5
                color: ServerLink.online ? "#2e7d32" : "#9e9e9e"
            }
            Label {
                objectName: "connectionLabel"
                text: ServerLink.online ? qsTr("Online") : qsTr("Offline")
            }
        }
    }

    ColumnLayout {
        objectName: "homePage"
        anchors.fill: parent
        anchors.margins: 16
        spacing: 8
        Label {
            text: qsTr("Server")
            font.bold: true
        }
        Label {
            objectName: "serverAddressLabel"
            text: ServerLink.serverAddress
        }
        Label {
            objectName: "serverStatusLabel"
            text: ServerLink.online
                  ? qsTr("Connected to mcrm-server %1 (%2 store)").arg(ServerLink.serverVersion).arg(ServerLink.storeKind)
                  : ServerLink.statusText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Item { Layout.fillHeight: true }
    }
}
