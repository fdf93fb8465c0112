import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm

// One record of an account's section (a contact, an interaction, an order, ...), summarised by
// Labels.summary(). `record` is an object of the list's roles: a RecordListModel.get() result or
// a delegate's model object.
ItemDelegate {
    id: row

    property string entity
    property var record: ({})

    readonly property var info: Labels.summary(entity, record || {})
    readonly property bool pending: !!record && record.pending === true
    // A contact can be called straight from the list unless they asked not to be contacted.
    readonly property string phone: entity === "contact" && !!record && record.do_not_contact !== true
                                    && Labels.isSet(record.phones) ? String(record.phones[0].number || "") : ""

    text: info.title
    leftPadding: 4
    rightPadding: 4
    topPadding: 8
    bottomPadding: 8
    implicitHeight: Math.max(52, implicitContentHeight + topPadding + bottomPadding)

    contentItem: RowLayout {
        spacing: 10

        Label {
            visible: row.info.glyph !== ""
            text: row.info.glyph
            font.pixelSize: 20
            horizontalAlignment: Text.AlignHCenter
            Layout.preferredWidth: 28
            Layout.alignment: Qt.AlignTop
        }
        ColumnLayout {
            spacing: 2
            Layout.fillWidth: true

            Label {
                text: row.info.title
                font.bold: true
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                visible: text !== ""
                text: row.info.subtitle
                opacity: 0.7
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: row.info.lines
                Label {
                    required property string modelData
                    text: modelData
                    wrapMode: Text.Wrap
                    maximumLineCount: 4
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
            RowLayout {
                objectName: "pendingMark"
                visible: row.pending
                spacing: 4
                Rectangle {
                    implicitWidth: 8
                    implicitHeight: 8
                    radius: 4
                    color: "#ef6c00"
                }
                Label {
                    text: qsTr("Not sent")
                    color: "#ef6c00"
                    font.pixelSize: 12
                }
            }
        }
        ToolButton {
            visible: row.phone !== ""
            text: "☎"
            font.pixelSize: 20
            Layout.preferredWidth: 48
            Layout.preferredHeight: 48
            Layout.alignment: Qt.AlignVCenter
            Accessible.name: qsTr("Call %1").arg(row.info.title)
            onClicked: Qt.openUrlExternally("tel:" + row.phone.replace(/[^0-9+*#]/g, ""))
        }
    }
}
