import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// The customer list: search as you type, filters on the computed indicators, the progress of
// the first download, and a button to add a customer. Opening a customer is left to Main, which
// knows whether to push it (phone) or show it beside the list (wide window).
Page {
    id: page
    title: qsTr("Customers")

    property string selectedId: ""
    property bool highlightSelection: false

    signal accountSelected(string recordId)
    signal createRequested

    // Set when the user paused the first download; keeps the resume button until it completes.
    property bool initialPaused: false
    readonly property bool neverSynced: Labels.toDate(Session.lastSync) === null
    readonly property bool showInitialSync: Session.initialSyncRunning || (initialPaused && neverSynced)

    property string segment: ""
    readonly property string searchText: searchField.text.trim()
    readonly property var activeFilters: {
        const f = {};
        if (tierBox.currentIndex > 0)
            f.value_tier = tierBox.currentValue;
        if (stageBox.currentIndex > 0)
            f.lifecycle_stage = stageBox.currentValue;
        if (territoryBox.currentIndex > 0)
            f.territory_id = territoryBox.currentValue;
        if (segment !== "")
            f.segment = segment;
        return f;
    }
    readonly property bool filtering: Object.keys(activeFilters).length > 0

    function clearFilters() {
        tierBox.currentIndex = 0;
        stageBox.currentIndex = 0;
        territoryBox.currentIndex = 0;
        segmentField.text = "";
        segment = "";
    }

    // The first customer listed ("" when none), for the screenshot tool.
    function firstAccountId() {
        return accounts.count > 0 ? accounts.get(0).recordId : "";
    }

    // The territories the rep's customers are in, for the territory filter.
    RecordListModel {
        id: territories
        entity: "territory"
        referencedBy: "account.territory_id"
        orderBy: "name"
    }

    RecordListModel {
        id: accounts
        entity: "account"
        orderBy: "name"
        search: page.searchText
        filters: page.activeFilters
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // The first download can take minutes on a slow network: show how far it is and let the
        // user pause it (and resume later).
        Pane {
            objectName: "initialSyncPane"
            visible: page.showInitialSync
            Layout.fillWidth: true

            ColumnLayout {
                width: parent.width
                spacing: 4

                Label {
                    objectName: "initialSyncLabel"
                    text: Session.initialSyncTotal > 0
                          ? qsTr("%1 of %2 records").arg(Session.initialSyncDone).arg(Session.initialSyncTotal)
                          : qsTr("Downloading your customers…")
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    Layout.fillWidth: true
                    ProgressBar {
                        objectName: "initialSyncProgress"
                        // A fraction: ProgressBar clamps value to [from, to] when set, so a
                        // count arriving before its total would otherwise stick at the top.
                        value: Session.initialSyncTotal > 0 ? Session.initialSyncDone / Session.initialSyncTotal : 0
                        indeterminate: Session.initialSyncTotal === 0 && Session.syncing
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "initialSyncPauseButton"
                        text: Session.syncing ? qsTr("Pause") : qsTr("Resume")
                        Layout.preferredHeight: 44
                        onClicked: {
                            if (Session.syncing) {
                                page.initialPaused = true;
                                Session.pauseSync();
                            } else {
                                page.initialPaused = false;
                                Session.syncNow();
                            }
                        }
                    }
                }
            }
        }

        Pane {
            Layout.fillWidth: true
            topPadding: 8
            bottomPadding: 4

            ColumnLayout {
                width: parent.width
                spacing: 8

                TextField {
                    id: searchField
                    objectName: "customerSearch"
                    placeholderText: qsTr("Search name, phone, email, city")
                    // Predictive text would hold the word back until it is committed.
                    inputMethodHints: Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                    Layout.preferredHeight: 44
                }
                // Two rows of two equal parts: the filters cost two lines on a phone.
                RowLayout {
                    spacing: 8
                    Layout.fillWidth: true

                    ComboBox {
                        id: tierBox
                        objectName: "tierFilter"
                        textRole: "text"
                        valueRole: "value"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        Layout.preferredHeight: 44
                        model: [
                            { "text": qsTr("All tiers"), "value": "" },
                            { "text": qsTr("Tier %1").arg(Labels.tier("a")), "value": "a" },
                            { "text": qsTr("Tier %1").arg(Labels.tier("b")), "value": "b" },
                            { "text": qsTr("Tier %1").arg(Labels.tier("c")), "value": "c" }
                        ]
                    }
                    ComboBox {
                        id: stageBox
                        objectName: "stageFilter"
                        textRole: "text"
                        valueRole: "value"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        Layout.preferredHeight: 44
                        model: {
                            const options = [{ "text": qsTr("All stages"), "value": "" }];
                            for (const v of Labels.list(Schema.enumValues("account", "lifecycle_stage")))
                                options.push({ "text": Labels.lifecycleStage(v), "value": v });
                            return options;
                        }
                    }
                }
                RowLayout {
                    spacing: 8
                    Layout.fillWidth: true

                    ComboBox {
                        id: territoryBox
                        objectName: "territoryFilter"
                        textRole: "text"
                        valueRole: "value"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        Layout.preferredHeight: 44
                        model: {
                            const options = [{ "text": qsTr("All territories"), "value": "" }];
                            for (let i = 0; i < territories.count; ++i) {
                                const t = territories.get(i);
                                options.push({ "text": t.name || t.code || t.recordId, "value": t.recordId });
                            }
                            return options;
                        }
                    }
                    // Segments are free text computed by the server: matched exactly, applied
                    // when the user confirms rather than on every letter.
                    TextField {
                        id: segmentField
                        objectName: "segmentFilter"
                        placeholderText: qsTr("Segment")
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        Layout.preferredHeight: 44
                        onEditingFinished: page.segment = text.trim()
                    }
                }
            }
        }

        Label {
            objectName: "customerCount"
            text: accounts.totalIsLowerBound ? qsTr("More than %1 customers").arg(accounts.total)
                  : accounts.total === 1 ? qsTr("1 customer") : qsTr("%n customers", "", accounts.total)
            opacity: 0.7
            leftPadding: 16
            bottomPadding: 4
            Layout.fillWidth: true
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: list
                objectName: "customerList"
                anchors.fill: parent
                clip: true
                model: accounts
                // Room below the last row so the add button never covers it.
                bottomMargin: 80
                ScrollBar.vertical: ScrollBar {}

                delegate: AccountDelegate {
                    width: ListView.view.width
                    highlighted: page.highlightSelection && recordId === page.selectedId
                    onClicked: page.accountSelected(recordId)
                }
            }

            EmptyState {
                objectName: "customersEmpty"
                visible: accounts.count === 0
                width: parent.width - 48
                anchors.centerIn: parent
                busy: accounts.loading || (Session.initialSyncRunning && !page.filtering && page.searchText === "")
                text: {
                    if (accounts.loading)
                        return "";
                    if (page.searchText !== "")
                        return qsTr("No customer matches “%1”").arg(page.searchText);
                    if (page.filtering)
                        return qsTr("No customer matches these filters");
                    if (Session.initialSyncRunning)
                        return qsTr("Your customers are being downloaded…");
                    return qsTr("No customers yet");
                }
                hint: {
                    if (accounts.loading || page.searchText !== "" || page.filtering || Session.initialSyncRunning)
                        return "";
                    return page.neverSynced ? qsTr("They appear here after the first sync with the server.")
                                            : qsTr("Tap + to add one.");
                }
                actionText: accounts.loading ? "" : page.searchText !== "" ? qsTr("Clear search")
                                                  : page.filtering ? qsTr("Clear filters") : ""
                onActionTriggered: {
                    if (page.searchText !== "")
                        searchField.clear();
                    else
                        page.clearFilters();
                }
            }

            RoundButton {
                objectName: "addAccountButton"
                text: "+"
                font.pixelSize: 28
                highlighted: true
                width: 56
                height: 56
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 16
                Accessible.name: qsTr("New customer")
                onClicked: page.createRequested()
            }
        }
    }
}
