import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// Where the device stands with the server: connection and last sync, the changes not sent yet
// (with the ones the server refused, to fix or discard) and the conflicts to review.
Page {
    id: page
    title: qsTr("Sync")

    readonly property var outbox: Labels.list(Session.outbox)
    readonly property var conflicts: Labels.list(Session.conflicts)
    readonly property var lastSync: Labels.toDate(Session.lastSync)

    Component {
        id: formComponent
        RecordFormPage {}
    }

    function openRecord(entity, id) {
        const view = page.StackView.view;
        if (view)
            view.push(formComponent, { "entity": entity, "recordId": id });
    }

    function fieldList(entity, fields) {
        return String(fields || "").split(",").map(f => f.trim()).filter(f => f !== "")
               .map(f => Labels.fieldLabel(entity, f)).join(", ");
    }

    function titleOf(change) {
        return Labels.isSet(change.title) ? change.title : qsTr("Untitled %1").arg(Labels.entityName(change.entity));
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

            // ---- status ---------------------------------------------------------------------

            SectionHeader {
                text: qsTr("Status")
            }
            RowLayout {
                spacing: 8
                Rectangle {
                    implicitWidth: 10
                    implicitHeight: 10
                    radius: 5
                    color: Session.online ? "#2e7d32" : "#9e9e9e"
                }
                Label {
                    objectName: "syncStatusLabel"
                    text: Session.online ? qsTr("Online") : qsTr("Offline")
                }
                Label {
                    visible: Session.syncing
                    text: qsTr("Syncing…")
                    opacity: 0.7
                }
            }
            Label {
                objectName: "lastSyncLabel"
                text: page.lastSync ? qsTr("Last successful sync: %1").arg(Labels.dateTime(page.lastSync))
                                    : qsTr("Last successful sync: Never")
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "syncErrorLabel"
                visible: Session.syncError !== ""
                text: Session.syncError
                color: "#c62828"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            RowLayout {
                spacing: 12
                Button {
                    objectName: "syncNowButton"
                    text: qsTr("Sync now")
                    enabled: !Session.syncing
                    highlighted: true
                    Layout.preferredHeight: 44
                    onClicked: Session.syncNow()
                }
                BusyIndicator {
                    running: Session.syncing
                    visible: running
                    Layout.preferredWidth: 32
                    Layout.preferredHeight: 32
                }
            }

            ColumnLayout {
                objectName: "initialSyncBox"
                visible: Session.initialSyncRunning
                spacing: 4
                Layout.fillWidth: true

                Label {
                    text: Session.initialSyncTotal > 0
                          ? qsTr("%1 of %2 records").arg(Session.initialSyncDone).arg(Session.initialSyncTotal)
                          : qsTr("Downloading your customers…")
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    Layout.fillWidth: true
                    ProgressBar {
                        // A fraction: ProgressBar clamps value to [from, to] when set, so a
                        // count arriving before its total would otherwise stick at the top.
                        value: Session.initialSyncTotal > 0 ? Session.initialSyncDone / Session.initialSyncTotal : 0
                        indeterminate: Session.initialSyncTotal === 0 && Session.syncing
                        Layout.fillWidth: true
                    }
                    Button {
                        text: Session.syncing ? qsTr("Pause") : qsTr("Resume")
                        Layout.preferredHeight: 44
                        onClicked: Session.syncing ? Session.pauseSync() : Session.syncNow()
                    }
                }
            }

            // ---- pending changes ------------------------------------------------------------

            SectionHeader {
                text: page.outbox.length > 0 ? qsTr("Pending changes (%1)").arg(page.outbox.length) : qsTr("Pending changes")
            }
            Label {
                objectName: "outboxEmpty"
                visible: page.outbox.length === 0
                text: qsTr("Everything is sent")
                opacity: 0.7
                Layout.fillWidth: true
            }
            Label {
                visible: Session.rejectedCount > 0
                text: Session.rejectedCount === 1
                      ? qsTr("The server refused 1 change. Open it to fix it, or discard it.")
                      : qsTr("The server refused %n changes. Open them to fix them, or discard them.", "", Session.rejectedCount)
                color: "#c62828"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                objectName: "outboxList"
                model: page.outbox
                Frame {
                    id: change
                    required property var modelData
                    readonly property bool rejected: modelData.rejected === true
                    objectName: "change_" + modelData.seq
                    Layout.fillWidth: true
                    background: Rectangle {
                        color: change.rejected ? "#fdecea" : "transparent"
                        border.color: change.rejected ? "#c62828" : page.palette.mid
                        radius: 4
                    }

                    ColumnLayout {
                        width: parent.width
                        spacing: 4

                        Label {
                            text: page.titleOf(change.modelData)
                            font.bold: true
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            readonly property string fields: page.fieldList(change.modelData.entity, change.modelData.fields)
                            text: fields !== "" ? qsTr("%1 · %2").arg(Labels.entityName(change.modelData.entity)).arg(fields)
                                                : Labels.entityName(change.modelData.entity)
                            opacity: 0.7
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "rejectReason"
                            text: change.rejected ? qsTr("Refused: %1").arg(change.modelData.reason || qsTr("no reason given"))
                                                  : qsTr("Waiting to be sent")
                            color: change.rejected ? "#c62828" : "#ef6c00"
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Flow {
                            visible: change.rejected
                            spacing: 8
                            Layout.fillWidth: true
                            Button {
                                objectName: "openChangeButton"
                                text: qsTr("Open")
                                height: 44
                                onClicked: page.openRecord(change.modelData.entity, change.modelData.recordId)
                            }
                            Button {
                                objectName: "discardChangeButton"
                                text: qsTr("Discard")
                                height: 44
                                onClicked: {
                                    discardDialog.seq = change.modelData.seq;
                                    discardDialog.recordTitle = page.titleOf(change.modelData);
                                    discardDialog.open();
                                }
                            }
                        }
                    }
                }
            }

            // ---- conflicts ------------------------------------------------------------------

            SectionHeader {
                text: page.conflicts.length > 0 ? qsTr("Conflicts (%1)").arg(page.conflicts.length) : qsTr("Conflicts")
            }
            Label {
                objectName: "conflictsEmpty"
                visible: page.conflicts.length === 0
                text: qsTr("No conflicts")
                opacity: 0.7
                Layout.fillWidth: true
            }
            Label {
                visible: page.conflicts.length > 0
                text: qsTr("Someone else changed the same field while you did. The marked value is the one kept; choose the other if it is the right one.")
                opacity: 0.8
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                objectName: "conflictList"
                model: page.conflicts
                Frame {
                    id: conflict
                    required property var modelData
                    objectName: "conflict_" + modelData.seq
                    Layout.fillWidth: true

                    ColumnLayout {
                        width: parent.width
                        spacing: 6

                        Label {
                            text: page.titleOf(conflict.modelData)
                            font.bold: true
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            text: qsTr("Field: %1").arg(Labels.fieldLabel(conflict.modelData.entity, conflict.modelData.field))
                            opacity: 0.7
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        RowLayout {
                            spacing: 12
                            Layout.fillWidth: true

                            Label {
                                objectName: "mineValue"
                                text: qsTr("Mine: %1").arg(Labels.isSet(conflict.modelData.mine) ? conflict.modelData.mine : qsTr("(empty)"))
                                      + (conflict.modelData.mineWon ? " ✓" : "")
                                font.bold: conflict.modelData.mineWon === true
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                Layout.alignment: Qt.AlignTop
                            }
                            Label {
                                objectName: "theirsValue"
                                text: qsTr("Theirs: %1").arg(Labels.isSet(conflict.modelData.theirs) ? conflict.modelData.theirs : qsTr("(empty)"))
                                      + (conflict.modelData.mineWon ? "" : " ✓")
                                font.bold: conflict.modelData.mineWon !== true
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                Layout.alignment: Qt.AlignTop
                            }
                        }
                        Flow {
                            spacing: 8
                            Layout.fillWidth: true
                            Button {
                                objectName: "keepMineButton"
                                text: qsTr("Keep mine")
                                height: 44
                                onClicked: Session.keepMine(conflict.modelData.seq)
                            }
                            Button {
                                objectName: "keepTheirsButton"
                                text: qsTr("Keep theirs")
                                height: 44
                                onClicked: Session.keepTheirs(conflict.modelData.seq)
                            }
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: discardDialog
        objectName: "discardDialog"

        property int seq: -1
        property string recordTitle

        parent: Overlay.overlay
        anchors.centerIn: parent
        // Never narrower than 280: at the transient zero width of start-up the wrapped text
        // and the title made the dialog's height a binding loop.
        width: Math.max(280, Math.min(parent.width - 32, 420))
        modal: true
        title: qsTr("Discard this change?")

        contentItem: Label {
            text: qsTr("Your change to “%1” will be deleted from this device and never reach the server.").arg(discardDialog.recordTitle)
            wrapMode: Text.Wrap
        }

        footer: DialogButtonBox {
            Button {
                objectName: "confirmDiscardButton"
                text: qsTr("Discard")
                implicitHeight: 44
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Cancel")
                implicitHeight: 44
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
        }

        onAccepted: Session.discardChange(seq)
    }
}
