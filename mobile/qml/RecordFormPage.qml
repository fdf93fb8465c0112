import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// One form for every entity, built from Schema.fields(entity): a FieldEditor per shown field.
// Saving sends only what changed (a new record: everything filled in plus the presets); the
// controller runs the server's validation and its messages show under the fields concerned.
Page {
    id: page
    objectName: "recordFormPage"

    property string entity
    // "" for a new record.
    property string recordId: ""
    // Field values set without being shown (e.g. {account_id: id}); a preset of a shown field
    // is that field's initial value.
    property var presets: ({})
    // Field names to show, in order; empty = every field that is not computed and not an id.
    property var shownFields: []

    // After a successful save, with the record's id (new records get theirs from the controller).
    signal finished(string recordId)

    readonly property bool isNew: recordId === ""
    title: isNew ? qsTr("New %1").arg(Labels.entityName(entity)) : qsTr("Edit %1").arg(Labels.entityName(entity))

    // The record as it was when the form opened. Edits are compared with it, so a sync that
    // changes the record meanwhile neither resets what the user typed nor gets sent back.
    property var original: null
    readonly property bool ready: original !== null
    // The currency the form's money fields are typed in: its currency field as edited.
    property var currency
    property bool triedToSave: false
    property string localError: ""

    readonly property var specs: {
        const all = Labels.list(Schema.fields(entity));
        const wanted = Labels.list(shownFields);
        if (wanted.length > 0) {
            const out = [];
            for (const name of wanted) {
                const f = all.find(s => s.name === name);
                if (f)
                    out.push(f);
            }
            return out;
        }
        return all.filter(f => !f.computed && f.type !== "id" && f.type !== "id_list" && !(f.name in (presets || {})));
    }
    readonly property var shownNames: specs.map(f => f.name)

    readonly property string accountId: {
        if (presets && Labels.isSet(presets.account_id))
            return presets.account_id;
        if (original && Labels.isSet(original.account_id))
            return original.account_id;
        return entity === "account" ? recordId : "";
    }

    // Messages for keys of fields that are not shown, and those for no field (key ""), go on top.
    readonly property string generalError: {
        const errors = ctl.errors || {};
        const out = [];
        for (const key in errors) {
            const top = key.split(/[.\[]/)[0];
            if (key === "")
                out.unshift(errors[key]);
            else if (shownNames.indexOf(top) < 0)
                out.push(Labels.fieldLabel(entity, top) + ": " + errors[key]);
        }
        return out.join("\n");
    }

    function errorFor(name) {
        const errors = ctl.errors || {};
        const out = [];
        for (const key in errors) {
            if (key === name || key.startsWith(name + ".") || key.startsWith(name + "["))
                out.push(errors[key]);
        }
        return out.join("\n");
    }

    function initialFor(name) {
        if (!isNew)
            return original[name];
        if (presets && name in presets)
            return presets[name];
        // A new interaction is usually logged right after it happened.
        if (entity === "interaction" && name === "actual_start")
            return Date.now();
        return undefined;
    }

    function takeSnapshot() {
        if (original !== null)
            return;
        if (isNew) {
            original = {};
            return;
        }
        const r = ctl.record;
        if (r && Object.keys(r).length > 0)
            original = Object.assign({}, r);
    }

    // Equal as field values: unset equals unset, numbers by value, lists and structs member by
    // member whatever their key order (records from C++ and objects built here differ in it).
    function sameValue(a, b) {
        const setA = Labels.isSet(a), setB = Labels.isSet(b);
        if (!setA || !setB)
            return setA === setB;
        if (a instanceof Date || b instanceof Date)
            return Number(a) === Number(b);
        if (typeof a === "object" && typeof b === "object") {
            const isListA = typeof a.length === "number", isListB = typeof b.length === "number";
            if (isListA !== isListB)
                return false;
            if (isListA) {
                if (a.length !== b.length)
                    return false;
                for (let i = 0; i < a.length; ++i) {
                    if (!sameValue(a[i], b[i]))
                        return false;
                }
                return true;
            }
            const keys = Object.keys(a).concat(Object.keys(b));
            return keys.every(k => sameValue(a[k], b[k]));
        }
        if (typeof a === "number" || typeof b === "number")
            return Number(a) === Number(b);
        return a === b;
    }

    function save() {
        triedToSave = true;
        let valid = true;
        const values = {};
        for (let i = 0; i < editors.count; ++i) {
            const ed = editors.itemAt(i);
            if (!ed || ed.spec.computed)
                continue;
            if (!ed.inputValid)
                valid = false;
            if (isNew) {
                if (Labels.isSet(ed.value))
                    values[ed.name] = ed.value;
            } else if (!sameValue(ed.value, original[ed.name])) {
                values[ed.name] = ed.value === undefined ? null : ed.value;
            }
        }
        for (const key in presets || {}) {
            if (shownNames.indexOf(key) < 0 && (isNew || !sameValue(presets[key], original[key])))
                values[key] = presets[key];
        }
        localError = valid ? "" : qsTr("Some fields are not filled in correctly.");
        if (!valid) {
            scrollToFirstError();
            return;
        }
        if (!isNew && Object.keys(values).length === 0) {
            leave(recordId);
            return;
        }
        ctl.save(values);
    }

    // Tells the opener first (it may open the saved record: it should do so later, see Main),
    // then leaves the stack.
    function leave(savedId) {
        const view = page.StackView.view;
        page.finished(savedId);
        if (view) {
            if (view.depth > 1)
                view.pop();
            else
                view.clear();
        }
    }

    function scrollToFirstError() {
        for (let i = 0; i < editors.count; ++i) {
            const ed = editors.itemAt(i);
            if (ed && (ed.error !== "" || !ed.inputValid)) {
                flick.contentY = Math.max(0, Math.min(form.y + ed.y - 16, flick.contentHeight - flick.height));
                return;
            }
        }
        flick.contentY = 0;
    }

    RecordController {
        id: ctl
        entity: page.entity
        recordId: page.recordId
        onSaved: id => page.leave(id)
        onRecordChanged: page.takeSnapshot()
        onErrorsChanged: {
            if (Object.keys(ctl.errors || {}).length > 0)
                Qt.callLater(page.scrollToFirstError);
        }
    }

    Component.onCompleted: takeSnapshot()

    BusyIndicator {
        anchors.centerIn: parent
        running: !page.ready
        visible: running
    }

    Flickable {
        id: flick
        anchors.fill: parent
        visible: page.ready
        contentHeight: form.implicitHeight + 32
        clip: true
        ScrollBar.vertical: ScrollBar {}

        ColumnLayout {
            id: form
            x: 16
            y: 16
            width: Math.min(flick.width - 32, 720)
            spacing: 14

            Label {
                objectName: "error_"
                text: [page.localError, page.generalError].filter(t => t !== "").join("\n")
                visible: text !== ""
                color: "#c62828"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            Repeater {
                id: editors
                model: page.ready ? page.specs : []
                FieldEditor {
                    required property var modelData
                    objectName: "field_" + modelData.name
                    spec: modelData
                    entity: page.entity
                    initial: page.initialFor(modelData.name)
                    error: page.errorFor(modelData.name)
                    accountId: page.accountId
                    currency: page.currency
                    onValueChanged: {
                        if (modelData.name === "currency")
                            page.currency = value;
                    }
                    showInputErrors: page.triedToSave
                    Layout.fillWidth: true
                }
            }

            Label {
                visible: page.ready && page.specs.length === 0
                text: qsTr("Nothing to edit here.")
                opacity: 0.7
                Layout.fillWidth: true
            }
        }
    }

    footer: Pane {
        topPadding: 6
        bottomPadding: 6

        RowLayout {
            width: parent.width
            spacing: 8

            Label {
                text: qsTr("* required")
                opacity: 0.6
                Layout.fillWidth: true
            }
            BusyIndicator {
                running: ctl.saving
                visible: running
                Layout.preferredWidth: 32
                Layout.preferredHeight: 32
            }
            Button {
                objectName: "saveButton"
                text: qsTr("Save")
                highlighted: true
                enabled: page.ready && !ctl.saving
                Layout.preferredHeight: 44
                Layout.preferredWidth: 120
                onClicked: page.save()
            }
        }
    }
}
