import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// What a list shows instead of blank space when it has no rows: why, what to expect, and
// optionally the one action that helps.
ColumnLayout {
    id: empty

    property alias text: title.text
    property alias hint: hintLabel.text
    property alias actionText: action.text
    property bool busy: false

    signal actionTriggered

    spacing: 8

    BusyIndicator {
        running: empty.busy
        visible: empty.busy
        Layout.alignment: Qt.AlignHCenter
    }
    Label {
        id: title
        objectName: "emptyStateText"
        visible: text !== ""
        font.pixelSize: 17
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        Layout.fillWidth: true
    }
    Label {
        id: hintLabel
        visible: text !== ""
        opacity: 0.7
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        Layout.fillWidth: true
    }
    Button {
        id: action
        visible: text !== ""
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredHeight: 44
        onClicked: empty.actionTriggered()
    }
}
