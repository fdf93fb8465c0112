import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm

// One customer in the list: name, city, value tier, health and whether local changes to it
// have not reached the server yet.
ItemDelegate {
    id: row

    required property var model
    required property int index

    readonly property string recordId: model.recordId || ""
    readonly property var firstAddress: Labels.isSet(model.addresses) ? model.addresses[0] : null
    readonly property bool hasHealth: Labels.isSet(model.health_score)
    readonly property int health: hasHealth ? Number(model.health_score) : 0
    // On the highlight of the selected row, coloured marks switch to the highlight's text colour.
    readonly property color textColor: highlighted ? palette.highlightedText : palette.text

    text: model.name || ""
    implicitHeight: 64
    leftPadding: 16
    rightPadding: 12
    topPadding: 6
    bottomPadding: 6

    contentItem: RowLayout {
        spacing: 12

        ColumnLayout {
            spacing: 2
            Layout.fillWidth: true

            Label {
                objectName: "accountName"
                text: Labels.isSet(row.model.name) ? row.model.name : qsTr("Unnamed customer")
                font.bold: true
                font.pixelSize: 16
                color: row.textColor
                elide: Text.ElideRight
                maximumLineCount: 1
                Layout.fillWidth: true
            }
            RowLayout {
                spacing: 8
                Layout.fillWidth: true

                Label {
                    objectName: "accountCity"
                    text: row.firstAddress && row.firstAddress.city ? row.firstAddress.city : ""
                    color: row.textColor
                    opacity: 0.7
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    Layout.fillWidth: true
                }
                RowLayout {
                    objectName: "pendingMark"
                    visible: row.model.pending === true
                    spacing: 4
                    Rectangle {
                        implicitWidth: 8
                        implicitHeight: 8
                        radius: 4
                        color: row.highlighted ? row.textColor : "#ef6c00"
                    }
                    Label {
                        text: qsTr("Not sent")
                        color: row.highlighted ? row.textColor : "#ef6c00"
                        font.pixelSize: 12
                    }
                }
            }
        }

        Label {
            objectName: "accountHealth"
            text: row.hasHealth ? "♥ " + row.health : "–"
            color: row.highlighted ? row.textColor : !row.hasHealth ? "#9e9e9e" : row.health >= 70 ? "#2e7d32" : row.health >= 40 ? "#ef6c00" : "#c62828"
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: 44
            Accessible.name: row.hasHealth ? qsTr("Health %1 of 100").arg(row.health) : qsTr("Health not computed yet")
        }

        // Kept in the row even without a tier, so names and health stay aligned.
        Item {
            implicitWidth: 28
            implicitHeight: 28
            Rectangle {
                objectName: "tierBadge"
                anchors.fill: parent
                visible: Labels.isSet(row.model.value_tier)
                radius: 14
                color: row.model.value_tier === "a" ? "#f9a825" : row.model.value_tier === "b" ? "#1e88e5" : "#90a4ae"
                Label {
                    anchors.centerIn: parent
                    text: Labels.tier(row.model.value_tier)
                    color: "white"
                    font.bold: true
                }
            }
        }
    }
}
