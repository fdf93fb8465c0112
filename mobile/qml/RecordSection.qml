import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// One section of the customer page: the account's records of one entity (its contacts, its
// timeline, ...). Shows the first few rows only; "Show all" asks the page to open the full,
// scrolling list. The rows are read with get() from the rows already loaded, so the section never
// makes the model page through everything an account has.
ColumnLayout {
    id: section

    property string title
    property string entity
    property string parentId
    property string orderBy
    property bool descending: false
    property string emptyText
    property bool canAdd: false
    property string addText: qsTr("Add")
    // Optional test on a row (an object of roles): only matching rows are shown here.
    property var accept: null
    property int limit: 5

    signal addRequested
    signal openRequested(string recordId)
    signal showAllRequested

    spacing: 2
    Layout.fillWidth: true

    RecordListModel {
        id: rows
        entity: section.entity
        parentId: section.parentId
        orderBy: section.orderBy
        descending: section.descending
    }

    // get() results do not change by themselves: re-read whenever the model reports a change.
    // The re-read is deferred, so a model that signals while get() runs cannot loop.
    property int revision: 0
    function bump() {
        revision++;
    }
    Connections {
        target: rows
        function onDataChanged() { Qt.callLater(section.bump); }
        function onRowsInserted() { Qt.callLater(section.bump); }
        function onRowsRemoved() { Qt.callLater(section.bump); }
        function onRowsMoved() { Qt.callLater(section.bump); }
        function onModelReset() { Qt.callLater(section.bump); }
        function onLayoutChanged() { Qt.callLater(section.bump); }
    }

    readonly property var items: {
        section.revision;
        const out = [];
        for (let i = 0; i < rows.count; ++i) {
            const r = rows.get(i);
            if (r && (!section.accept || section.accept(r)))
                out.push(r);
        }
        return out;
    }
    readonly property int shownTotal: section.accept ? items.length : Math.max(rows.total, items.length)

    RowLayout {
        Layout.fillWidth: true
        spacing: 8

        SectionHeader {
            objectName: "sectionTitle_" + section.entity
            text: section.shownTotal > 0 ? qsTr("%1 (%2)").arg(section.title).arg(section.shownTotal) : section.title
            // One line: a wrapping label beside a button makes the row's height lag behind.
            wrapMode: Text.NoWrap
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Button {
            objectName: "add_" + section.entity
            visible: section.canAdd
            text: "+ " + section.addText
            Layout.preferredHeight: 44
            onClicked: section.addRequested()
        }
    }

    Repeater {
        model: section.items.slice(0, section.limit)
        RecordRowDelegate {
            required property var modelData
            entity: section.entity
            record: modelData
            Layout.fillWidth: true
            onClicked: section.openRequested(modelData.recordId)
        }
    }

    Label {
        objectName: "empty_" + section.entity
        visible: section.items.length === 0 && !rows.loading
        text: section.emptyText
        opacity: 0.7
        wrapMode: Text.Wrap
        topPadding: 4
        bottomPadding: 4
        Layout.fillWidth: true
    }
    BusyIndicator {
        visible: running
        running: section.items.length === 0 && rows.loading
        Layout.preferredHeight: 32
        Layout.preferredWidth: 32
    }
    Button {
        objectName: "showAll_" + section.entity
        visible: rows.total > section.limit || section.items.length > section.limit
        text: qsTr("Show all (%1)").arg(Math.max(rows.total, rows.count))
        flat: true
        Layout.preferredHeight: 44
        onClicked: section.showAllRequested()
    }
}
