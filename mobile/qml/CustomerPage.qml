import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtPositioning
import MCrm.Core
import MCrm

// One customer: the computed indicators, contact data that open the phone's dialer, mail and map
// apps, and the account's records by section. Forms are pushed onto the StackView this page is in.
Page {
    id: page
    objectName: "customerPage"

    property string recordId

    readonly property var rec: ctl.record || ({})
    readonly property bool loaded: Labels.isSet(rec.id) || ctl.exists
    readonly property var phones: Labels.list(rec.phones)
    readonly property var emails: Labels.list(rec.emails)
    readonly property var addresses: Labels.list(rec.addresses)
    readonly property var messagingIds: Labels.list(rec.messaging_ids)
    readonly property bool hasContactData: phones.length + emails.length + addresses.length
                                           + messagingIds.length > 0 || Labels.isSet(rec.website)

    title: Labels.isSet(rec.name) ? rec.name : qsTr("Customer")

    RecordController {
        id: ctl
        entity: "account"
        recordId: page.recordId
    }

    Component {
        id: formComponent
        RecordFormPage {}
    }

    // The full list of one section, scrolling and paging like the customer list.
    Component {
        id: allRowsComponent
        Page {
            id: allPage
            property string entity
            property string parentId
            property string orderBy
            property bool descending

            RecordListModel {
                id: allRows
                entity: allPage.entity
                parentId: allPage.parentId
                orderBy: allPage.orderBy
                descending: allPage.descending
            }
            ListView {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                clip: true
                model: allRows
                ScrollBar.vertical: ScrollBar {}
                delegate: RecordRowDelegate {
                    required property var model
                    width: ListView.view.width
                    entity: allPage.entity
                    record: model
                    onClicked: page.openRecord(allPage.entity, model.recordId)
                }
            }
        }
    }

    function push(component, properties) {
        const view = page.StackView.view;
        return view ? view.push(component, properties) : null;
    }

    function edit() {
        push(formComponent, {
            "entity": "account",
            "recordId": page.recordId,
            "title": qsTr("Edit customer")
        });
    }

    // The fields a rep fills in for the sections' records, for new ones and when opening one;
    // other entities get the form's default (every editable field except ids).
    readonly property var formFields: ({
        "interaction": ["channel", "direction", "subject", "actual_start", "outcome", "satisfaction", "feedback",
                        "notes", "contact_id"],
        "opportunity": ["name", "stage", "probability_percent", "amount_minor", "currency", "expected_close",
                        "next_step", "competitors", "lost_reason", "contact_id"],
        "case": ["subject", "type", "priority", "status", "channel", "description", "contact_id"],
        "competitor_note": ["competitor", "product", "price_seen_minor", "currency", "observed_on", "strengths",
                            "weaknesses", "opportunity_id"]
    })

    // Where the rep is, for a visit's check-in: a fix of the platform's positioning, when it has
    // one (none on a desktop without a source, or without the rep's permission: the visit is
    // logged without a position then).
    PositionSource {
        id: position
        active: page.visible
        updateInterval: 30000
    }

    function interactionPresets() {
        const presets = {
            "account_id": page.recordId,
            "actual_start": Date.now()
        };
        const fix = position.valid ? position.position : null;
        if (fix && fix.latitudeValid && fix.longitudeValid) {
            presets.check_in = {
                "latitude": fix.coordinate.latitude,
                "longitude": fix.coordinate.longitude,
                "at": fix.timestamp.getTime()
            };
            if (fix.horizontalAccuracyValid)
                presets.check_in.accuracy_m = fix.horizontalAccuracy;
        }
        return presets;
    }

    function logInteraction() {
        push(formComponent, {
            "entity": "interaction",
            "title": qsTr("Log interaction"),
            "shownFields": formFields.interaction,
            "presets": page.interactionPresets()
        });
    }

    function addRecord(entity, title) {
        const properties = {
            "entity": entity,
            "title": title,
            "presets": { "account_id": page.recordId }
        };
        if (formFields[entity])
            properties.shownFields = formFields[entity];
        push(formComponent, properties);
    }

    function openRecord(entity, id) {
        const properties = {
            "entity": entity,
            "recordId": id
        };
        if (formFields[entity])
            properties.shownFields = formFields[entity];
        push(formComponent, properties);
    }

    function showAll(title, entity, orderBy, descending) {
        push(allRowsComponent, {
            "title": title,
            "entity": entity,
            "parentId": page.recordId,
            "orderBy": orderBy,
            "descending": descending
        });
    }

    function dial(number) {
        Qt.openUrlExternally("tel:" + String(number).replace(/[^0-9+*#]/g, ""));
    }

    function message(number) {
        Qt.openUrlExternally("sms:" + String(number).replace(/[^0-9+*#]/g, ""));
    }

    function openMap(address) {
        const text = Labels.addressText(address);
        const hasPosition = Labels.isSet(address.latitude) && Labels.isSet(address.longitude);
        const where = hasPosition ? address.latitude + "," + address.longitude : "0,0";
        Qt.openUrlExternally("geo:" + where + "?q=" + encodeURIComponent(text !== "" ? text : where));
    }

    function openWebsite(site) {
        Qt.openUrlExternally(/^[a-z]+:\/\//i.test(site) ? site : "https://" + site);
    }

    BusyIndicator {
        anchors.centerIn: parent
        running: !page.loaded && !ctl.loaded && page.recordId !== ""
        visible: running
    }

    // Gone while the page was open (deleted, or moved out of the rep's scope by a sync).
    EmptyState {
        objectName: "customerGone"
        visible: ctl.loaded && !ctl.exists
        width: parent.width - 48
        anchors.centerIn: parent
        text: qsTr("This customer is no longer on this device")
        hint: qsTr("It was deleted or given to someone else.")
    }

    Flickable {
        id: flick
        anchors.fill: parent
        visible: page.loaded
        contentHeight: content.implicitHeight + 32
        clip: true
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: content
            x: 16
            y: 16
            width: flick.width - 32
            spacing: 8

            // ---- header ----------------------------------------------------------------------

            Label {
                objectName: "customerName"
                text: page.title
                font.pixelSize: 22
                font.bold: true
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                visible: text !== ""
                text: [Labels.enumValue("account", "kind", page.rec.kind), page.rec.industry]
                      .filter(Labels.isSet).join(" · ")
                opacity: 0.7
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            RowLayout {
                objectName: "customerPendingMark"
                visible: ctl.pending
                spacing: 6
                Rectangle {
                    implicitWidth: 8
                    implicitHeight: 8
                    radius: 4
                    color: "#ef6c00"
                }
                Label {
                    text: qsTr("Changes not sent yet")
                    color: "#ef6c00"
                }
            }
            Flow {
                spacing: 8
                Layout.fillWidth: true
                Layout.topMargin: 4

                Button {
                    objectName: "logInteractionButton"
                    text: qsTr("Log interaction")
                    highlighted: true
                    height: 44
                    onClicked: page.logInteraction()
                }
                Button {
                    objectName: "editButton"
                    text: qsTr("Edit")
                    height: 44
                    onClicked: page.edit()
                }
            }

            // ---- indicators (computed by the server) -------------------------------------------

            SectionHeader {
                text: qsTr("Indicators")
            }
            GridLayout {
                objectName: "indicators"
                columns: 2
                columnSpacing: 16
                rowSpacing: 6
                Layout.fillWidth: true

                Label {
                    text: Labels.fieldLabel("account", "lifecycle_stage")
                    opacity: 0.7
                }
                Label {
                    objectName: "lifecycleValue"
                    text: Labels.isSet(page.rec.lifecycle_stage) ? Labels.lifecycleStage(page.rec.lifecycle_stage)
                                                                  : Labels.notComputed()
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    text: Labels.fieldLabel("account", "segment")
                    opacity: 0.7
                }
                Label {
                    objectName: "segmentValue"
                    text: Labels.isSet(page.rec.segment) ? page.rec.segment : Labels.notComputed()
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    text: Labels.fieldLabel("account", "value_tier")
                    opacity: 0.7
                }
                Label {
                    objectName: "tierValue"
                    text: Labels.isSet(page.rec.value_tier) ? Labels.tier(page.rec.value_tier) : Labels.notComputed()
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    text: Labels.fieldLabel("account", "health_score")
                    opacity: 0.7
                    Layout.alignment: Qt.AlignTop
                }
                ColumnLayout {
                    id: health
                    spacing: 4
                    Layout.fillWidth: true

                    readonly property bool hasScore: Labels.isSet(page.rec.health_score)
                    readonly property int score: hasScore ? Number(page.rec.health_score) : 0

                    Label {
                        objectName: "healthValue"
                        text: health.hasScore ? qsTr("%1 of 100").arg(health.score) : Labels.notComputed()
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Rectangle {
                        visible: health.hasScore
                        color: "#e0e0e0"
                        radius: 3
                        implicitHeight: 6
                        Layout.fillWidth: true
                        Layout.maximumWidth: 200
                        Rectangle {
                            width: parent.width * Math.max(0, Math.min(100, health.score)) / 100
                            height: parent.height
                            radius: 3
                            color: health.score >= 70 ? "#2e7d32" : health.score >= 40 ? "#ef6c00" : "#c62828"
                        }
                    }
                    Label {
                        objectName: "rfmValue"
                        visible: parts.some(p => Labels.isSet(p[1]))
                        readonly property var parts: [
                            [Labels.fieldLabel("account", "rfm_recency"), page.rec.rfm_recency],
                            [Labels.fieldLabel("account", "rfm_frequency"), page.rec.rfm_frequency],
                            [Labels.fieldLabel("account", "rfm_monetary"), page.rec.rfm_monetary]
                        ]
                        text: parts.map(p => qsTr("%1 %2/5").arg(p[0]).arg(Labels.isSet(p[1]) ? p[1] : "–")).join(" · ")
                        opacity: 0.7
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
            }

            // ---- contact data -------------------------------------------------------------------

            SectionHeader {
                text: qsTr("Contact")
            }
            Label {
                visible: !page.hasContactData
                text: qsTr("No phone, email or address yet")
                opacity: 0.7
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: page.phones
                RowLayout {
                    id: phoneRow
                    required property var modelData
                    required property int index
                    spacing: 8
                    Layout.fillWidth: true

                    Label {
                        text: "☎ " + (phoneRow.modelData.number || "")
                              + (Labels.isSet(phoneRow.modelData.kind) ? "  (" + Labels.enumValue("account", "kind", phoneRow.modelData.kind) + ")" : "")
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "callButton_" + phoneRow.index
                        text: qsTr("Call")
                        visible: phoneRow.modelData.kind !== "fax"
                        Layout.preferredHeight: 44
                        onClicked: page.dial(phoneRow.modelData.number)
                    }
                    Button {
                        objectName: "messageButton_" + phoneRow.index
                        text: qsTr("Message")
                        visible: phoneRow.modelData.kind !== "fax"
                        Layout.preferredHeight: 44
                        onClicked: page.message(phoneRow.modelData.number)
                    }
                }
            }
            Repeater {
                model: page.emails
                RowLayout {
                    id: emailRow
                    required property var modelData
                    required property int index
                    spacing: 8
                    Layout.fillWidth: true

                    Label {
                        text: "@ " + emailRow.modelData
                        elide: Text.ElideMiddle
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "emailButton_" + emailRow.index
                        text: qsTr("Email")
                        Layout.preferredHeight: 44
                        onClicked: Qt.openUrlExternally("mailto:" + emailRow.modelData)
                    }
                }
            }
            Repeater {
                model: page.messagingIds
                Label {
                    required property var modelData
                    text: Labels.enumValue("account", "network", modelData.network) + ": " + (modelData.handle || "")
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.minimumHeight: 32
                    verticalAlignment: Text.AlignVCenter
                }
            }
            Repeater {
                model: page.addresses
                RowLayout {
                    id: addressRow
                    required property var modelData
                    required property int index
                    spacing: 8
                    Layout.fillWidth: true

                    Label {
                        text: (Labels.isSet(addressRow.modelData.kind) ? Labels.enumValue("account", "kind", addressRow.modelData.kind) + ": " : "")
                              + Labels.addressText(addressRow.modelData)
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Button {
                        objectName: "mapButton_" + addressRow.index
                        text: qsTr("Map")
                        Layout.preferredHeight: 44
                        onClicked: page.openMap(addressRow.modelData)
                    }
                }
            }
            RowLayout {
                visible: Labels.isSet(page.rec.website)
                spacing: 8
                Layout.fillWidth: true
                Label {
                    text: page.rec.website || ""
                    elide: Text.ElideMiddle
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Open")
                    Layout.preferredHeight: 44
                    onClicked: page.openWebsite(page.rec.website)
                }
            }

            // ---- the account's records ----------------------------------------------------------

            RecordSection {
                title: qsTr("Contacts")
                entity: "contact"
                parentId: page.recordId
                orderBy: "last_name"
                emptyText: qsTr("No contacts yet")
                canAdd: true
                onAddRequested: page.addRecord(entity, qsTr("New contact"))
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                title: qsTr("Sites")
                entity: "site"
                parentId: page.recordId
                orderBy: "name"
                emptyText: qsTr("No sites yet")
                canAdd: true
                onAddRequested: page.addRecord(entity, qsTr("New site"))
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                objectName: "timeline"
                title: qsTr("Timeline")
                entity: "interaction"
                parentId: page.recordId
                orderBy: "actual_start"
                descending: true
                emptyText: qsTr("No interactions yet")
                canAdd: true
                addText: qsTr("Log")
                onAddRequested: page.logInteraction()
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                title: qsTr("Orders")
                entity: "order"
                parentId: page.recordId
                orderBy: "ordered_at"
                descending: true
                emptyText: qsTr("No orders yet")
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                objectName: "opportunities"
                title: qsTr("Open opportunities")
                entity: "opportunity"
                parentId: page.recordId
                orderBy: "expected_close"
                emptyText: qsTr("No open opportunities")
                canAdd: true
                accept: r => r.stage !== "closed_won" && r.stage !== "closed_lost"
                onAddRequested: page.addRecord(entity, qsTr("New opportunity"))
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                title: qsTr("Cases")
                entity: "case"
                parentId: page.recordId
                orderBy: "opened_at"
                descending: true
                emptyText: qsTr("No cases")
                canAdd: true
                onAddRequested: page.addRecord(entity, qsTr("New case"))
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                title: qsTr("Service tasks")
                entity: "service_task"
                parentId: page.recordId
                orderBy: "window_start"
                descending: true
                emptyText: qsTr("No service tasks")
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
            RecordSection {
                title: qsTr("Competitor notes")
                entity: "competitor_note"
                parentId: page.recordId
                orderBy: "observed_on"
                descending: true
                emptyText: qsTr("No competitor notes yet")
                canAdd: true
                onAddRequested: page.addRecord(entity, qsTr("New competitor note"))
                onOpenRequested: id => page.openRecord(entity, id)
                onShowAllRequested: page.showAll(title, entity, orderBy, descending)
            }
        }
    }
}
