import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// One field of a record form: its label ("*" when required), an editor chosen by the field's
// schema type, and the validation message for it. `value` is the field's current value in the
// shape the controller takes: text, numbers, ms since the epoch for timestamps, "yyyy-MM-dd" for
// dates, arrays for lists, objects for structs; null (or [] for lists) when the user cleared it.
ColumnLayout {
    id: editor

    property var spec: ({})
    property string entity
    property var initial
    property string error
    // Scopes the pickers of contact_id, site_id, opportunity_id and case_id.
    property string accountId
    // The editor's own format hints show only once the user tried to save.
    property bool showInputErrors: false
    // The currency of the record's money fields (*_minor), as the form holds it now.
    property var currency

    property var value
    // Inputs whose text cannot be read as their type, one key per input.
    property var badInputs: ({})
    readonly property bool inputValid: Object.keys(badInputs).length === 0
    readonly property string name: spec && spec.name ? spec.name : ""
    readonly property string type: spec && spec.type ? spec.type : "string"

    readonly property string localError: {
        if (inputValid || !showInputErrors)
            return "";
        switch (type) {
        case "timestamp":
            return qsTr("Enter the date and time as yyyy-MM-dd HH:mm.");
        case "date":
            return qsTr("Enter the date as yyyy-MM-dd.");
        case "int":
        case "double":
            return qsTr("Enter a number.");
        default:
            return qsTr("Some entries are not filled in correctly.");
        }
    }

    function setBad(key, bad) {
        if (bad === (key in badInputs))
            return;
        const b = Object.assign({}, badInputs);
        if (bad)
            b[key] = true;
        else
            delete b[key];
        badInputs = b;
    }

    // A struct without its unset members.
    function clean(o) {
        const out = {};
        for (const k in o) {
            if (Labels.isSet(o[k]))
                out[k] = o[k];
        }
        return out;
    }

    Component.onCompleted: value = initial

    spacing: 4
    Layout.fillWidth: true

    Label {
        text: Labels.fieldLabel(editor.entity, editor.name) + (editor.spec.required ? " *" : "")
        font.bold: true
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }

    Loader {
        Layout.fillWidth: true
        sourceComponent: {
            switch (editor.type) {
            case "string_list":
            case "id_list":
                return stringListEditor;
            case "struct":
                return structEditor;
            case "struct_list":
                return structListEditor;
            default:
                return scalarEditor;
            }
        }
    }

    Label {
        objectName: "error_" + editor.name
        text: editor.error !== "" ? editor.error : editor.localError
        visible: text !== ""
        color: "#c62828"
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }

    // ---- one value of a scalar type (a whole field, or a member of a struct) -----------------

    component ScalarInput: Loader {
        id: input

        property var spec: ({})
        property string entity
        property var initial
        property string accountId
        property var currency
        // False while the text cannot be read as the field's type.
        property bool ok: true

        signal valueEdited(var value)

        readonly property string type: spec && spec.type ? spec.type : "string"
        readonly property string name: spec && spec.name ? spec.name : ""
        // Id fields that can be picked among the account's records, with the list's sort field.
        readonly property var pickable: ({
            "contact_id": ["contact", "last_name"],
            "site_id": ["site", "name"],
            "opportunity_id": ["opportunity", "expected_close"],
            "case_id": ["case", "opened_at"]
        })
        readonly property var pick: pickable[name] || null

        // "yyyy-MM-dd HH:mm" (or just the date) in local time to ms; null when not a valid time.
        function parseDateTime(text) {
            const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?\s*$/.exec(text);
            if (!m)
                return null;
            const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] || 0), Number(m[5] || 0));
            const same = d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1
                         && d.getDate() === Number(m[3]) && d.getHours() === Number(m[4] || 0);
            return same ? d.getTime() : null;
        }

        function parseDate(text) {
            const ms = parseDateTime(text);
            return ms === null || /\d:\d/.test(text) ? null : Qt.formatDate(new Date(ms), "yyyy-MM-dd");
        }

        sourceComponent: {
            switch (type) {
            case "text":
                return textInput;
            case "int":
            case "double":
                return numberInput;
            case "bool":
                return boolInput;
            case "enum":
                return enumInput;
            case "timestamp":
                return timestampInput;
            case "date":
                return dateInput;
            case "id":
                return pick && accountId !== "" ? idPicker : idText;
            default:
                return stringInput;
            }
        }

        // Text inputs report every change (typed or set programmatically); the text the form
        // opened with reports the original value, so an untouched field never counts as changed.
        Component {
            id: stringInput
            TextField {
                readonly property string initialText: Labels.isSet(input.initial) ? String(input.initial) : ""
                text: initialText
                maximumLength: input.spec.maxLength > 0 ? input.spec.maxLength : 32767
                inputMethodHints: input.name === "number" ? Qt.ImhDialableCharactersOnly
                                  : input.name === "website" ? Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                                  : Qt.ImhNone
                implicitHeight: 44
                onTextChanged: input.valueEdited(text === initialText ? input.initial : text.trim() === "" ? null : text)
            }
        }

        Component {
            id: textInput
            TextArea {
                id: area
                readonly property string initialText: Labels.isSet(input.initial) ? String(input.initial) : ""
                text: initialText
                wrapMode: TextEdit.Wrap
                implicitHeight: Math.max(88, contentHeight + topPadding + bottomPadding)
                background: Rectangle {
                    color: area.palette.base
                    border.color: area.activeFocus ? area.palette.highlight : area.palette.mid
                    radius: 2
                }
                onTextChanged: input.valueEdited(text === initialText ? input.initial : text.trim() === "" ? null : text)
            }
        }

        // Money (int fields named *_minor) is typed in major units, with as many decimals as
        // the record's currency has (none for JPY); a change of currency keeps the amount typed.
        Component {
            id: numberInput
            TextField {
                id: num
                readonly property bool money: input.type === "int" && /_minor$/.test(input.name)
                readonly property int digits: money ? Labels.moneyDigits(input.currency) : 0
                readonly property string initialText: !Labels.isSet(input.initial) ? ""
                                                      : money ? (Number(input.initial) / Math.pow(10, digits)).toFixed(digits)
                                                      : String(input.initial)
                text: initialText
                implicitHeight: 44
                inputMethodHints: Qt.ImhFormattedNumbersOnly
                validator: RegularExpressionValidator {
                    regularExpression: num.money ? (num.digits > 0 ? new RegExp("^-?\\d*([.,]\\d{0," + num.digits + "})?$") : /^-?\d*$/)
                                       : input.type === "int" ? /^-?\d*$/ : /^-?\d*([.,]\d*)?$/
                }
                onDigitsChanged: read()
                onTextChanged: read()
                function read() {
                    if (text === initialText) {
                        input.ok = true;
                        input.valueEdited(input.initial);
                        return;
                    }
                    const t = text.trim().replace(",", ".");
                    if (t === "") {
                        input.ok = true;
                        input.valueEdited(null);
                        return;
                    }
                    const n = Number(t);
                    // More decimals than the currency has (12.50 once the currency is JPY) is
                    // not an amount of it.
                    const decimals = t.indexOf(".") >= 0 ? t.length - t.indexOf(".") - 1 : 0;
                    input.ok = !isNaN(n) && /\d/.test(t) && (!money || decimals <= digits);
                    if (input.ok)
                        input.valueEdited(money ? Math.round(n * Math.pow(10, digits)) : input.type === "int" ? Math.trunc(n) : n);
                }
            }
        }

        Component {
            id: boolInput
            Switch {
                checked: input.initial === true
                text: checked ? qsTr("Yes") : qsTr("No")
                implicitHeight: 44
                onToggled: input.valueEdited(checked)
            }
        }

        Component {
            id: enumInput
            ComboBox {
                id: combo
                readonly property var values: Labels.isSet(input.spec.enumValues) ? Labels.list(input.spec.enumValues)
                                                                                  : Labels.list(Schema.enumValues(input.entity, input.name))
                implicitHeight: 44
                textRole: "text"
                valueRole: "value"
                model: {
                    const options = input.spec.required ? [] : [{ "text": qsTr("None"), "value": "" }];
                    for (const v of values)
                        options.push({ "text": Labels.enumValue(input.entity, input.name, v), "value": v });
                    return options;
                }
                displayText: currentIndex < 0 ? qsTr("Choose…") : currentText
                Component.onCompleted: currentIndex = indexOfValue(Labels.isSet(input.initial) ? input.initial : "")
                // valueAt(): currentValue is not updated yet when currentIndex changes.
                onCurrentIndexChanged: {
                    if (currentIndex < 0)
                        return;
                    const v = valueAt(currentIndex);
                    input.valueEdited(v === "" ? null : v);
                }
            }
        }

        Component {
            id: timestampInput
            RowLayout {
                spacing: 8
                TextField {
                    id: stamp
                    objectName: "timestamp_" + input.name
                    readonly property string initialText: Labels.dateTime(input.initial)
                    text: initialText
                    placeholderText: qsTr("yyyy-MM-dd HH:mm", "date and time input; the field accepts only this format")
                    inputMethodHints: Qt.ImhPreferNumbers | Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                    Layout.preferredHeight: 44
                    onTextChanged: {
                        if (text === initialText || text.trim() === "") {
                            input.ok = true;
                            input.valueEdited(text === initialText ? input.initial : null);
                            return;
                        }
                        const ms = input.parseDateTime(text);
                        input.ok = ms !== null;
                        if (ms !== null)
                            input.valueEdited(ms);
                    }
                }
                Button {
                    text: qsTr("Now")
                    Layout.preferredHeight: 44
                    onClicked: stamp.text = Labels.dateTime(Date.now())
                }
            }
        }

        Component {
            id: dateInput
            TextField {
                readonly property string initialText: Labels.date(input.initial)
                text: initialText
                placeholderText: qsTr("yyyy-MM-dd", "date input; the field accepts only this format")
                inputMethodHints: Qt.ImhPreferNumbers | Qt.ImhNoPredictiveText
                implicitHeight: 44
                onTextChanged: {
                    if (text === initialText || text.trim() === "") {
                        input.ok = true;
                        input.valueEdited(text === initialText ? input.initial : null);
                        return;
                    }
                    const d = input.parseDate(text);
                    input.ok = d !== null;
                    if (d !== null)
                        input.valueEdited(d);
                }
            }
        }

        // A record of the same account, picked by its name. A linked record that is not among
        // the loaded rows stays selectable under a generic name, so opening the form keeps it.
        Component {
            id: idPicker
            ComboBox {
                id: picker
                property string selected: Labels.isSet(input.initial) ? String(input.initial) : ""
                property int revision: 0
                implicitHeight: 44
                textRole: "text"
                valueRole: "value"

                RecordListModel {
                    id: choices
                    entity: input.pick[0]
                    orderBy: input.pick[1]
                    parentId: input.accountId
                }
                function bump() {
                    revision++;
                }
                Connections {
                    target: choices
                    function onRowsInserted() { Qt.callLater(picker.bump); }
                    function onRowsRemoved() { Qt.callLater(picker.bump); }
                    function onModelReset() { Qt.callLater(picker.bump); }
                    function onDataChanged() { Qt.callLater(picker.bump); }
                }

                model: {
                    picker.revision;
                    const initialId = Labels.isSet(input.initial) ? String(input.initial) : "";
                    const options = [{ "text": qsTr("None"), "value": "" }];
                    let found = initialId === "";
                    for (let i = 0; i < choices.count; ++i) {
                        const r = choices.get(i);
                        if (!r)
                            continue;
                        options.push({ "text": Labels.recordTitle(input.pick[0], r), "value": r.recordId });
                        if (r.recordId === initialId)
                            found = true;
                    }
                    if (!found)
                        options.push({ "text": qsTr("Linked %1").arg(Labels.entityName(input.pick[0])), "value": initialId });
                    return options;
                }
                onModelChanged: Qt.callLater(() => {
                    picker.currentIndex = picker.indexOfValue(picker.selected);
                })
                onActivated: index => {
                    selected = valueAt(index);
                    input.valueEdited(selected === "" ? null : selected);
                }
            }
        }

        Component {
            id: idText
            TextField {
                text: Labels.isSet(input.initial) ? String(input.initial) : ""
                readOnly: true
                opacity: 0.6
                implicitHeight: 44
            }
        }
    }

    // ---- editors by field type ---------------------------------------------------------------

    Component {
        id: scalarEditor
        ScalarInput {
            spec: editor.spec
            entity: editor.entity
            initial: editor.initial
            accountId: editor.accountId
            currency: editor.currency
            onValueEdited: v => editor.value = v
            onOkChanged: editor.setBad("", !ok)
        }
    }

    // One text field per entry. The rows are rebuilt only when an entry is added or removed, so
    // typing never recreates the field being typed in; entries keeps what each field holds.
    Component {
        id: stringListEditor
        ColumnLayout {
            id: strings
            property var entries: Labels.list(editor.initial).map(String)
            property int rows: entries.length
            spacing: 4

            function publish() {
                editor.value = entries.map(s => s.trim()).filter(s => s !== "");
            }
            function add() {
                entries.push("");
                rows = entries.length;
                Qt.callLater(() => {
                    const row = repeater.itemAt(rows - 1);
                    if (row)
                        row.field.forceActiveFocus();
                });
            }
            function removeAt(i) {
                entries.splice(i, 1);
                rows = entries.length;
                publish();
            }

            Repeater {
                id: repeater
                model: strings.rows
                RowLayout {
                    id: entryRow
                    required property int index
                    property alias field: entryField
                    spacing: 4
                    Layout.fillWidth: true

                    TextField {
                        id: entryField
                        text: strings.entries[entryRow.index] || ""
                        inputMethodHints: editor.name === "emails" ? Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase : Qt.ImhNone
                        Layout.fillWidth: true
                        Layout.preferredHeight: 44
                        onTextChanged: {
                            if (strings.entries[entryRow.index] !== text) {
                                strings.entries[entryRow.index] = text;
                                strings.publish();
                            }
                        }
                    }
                    Button {
                        text: "✕"
                        flat: true
                        Layout.preferredWidth: 44
                        Layout.preferredHeight: 44
                        Accessible.name: qsTr("Remove")
                        onClicked: strings.removeAt(entryRow.index)
                    }
                }
            }
            Button {
                objectName: "addEntry_" + editor.name
                text: "+ " + Labels.addLabel(editor.name)
                Layout.preferredHeight: 44
                onClicked: strings.add()
            }
        }
    }

    Component {
        id: structEditor
        Frame {
            id: box
            property var current: Object.assign({}, editor.initial || {})

            function publish() {
                const c = editor.clean(current);
                editor.value = Object.keys(c).length > 0 ? c : null;
            }

            ColumnLayout {
                width: parent.width
                spacing: 8
                Repeater {
                    model: Labels.list(editor.spec.members)
                    ColumnLayout {
                        id: member
                        required property var modelData
                        spacing: 2
                        Layout.fillWidth: true
                        Label {
                            text: Labels.fieldLabel(editor.entity, editor.name + "." + member.modelData.name)
                                  + (member.modelData.required ? " *" : "")
                            opacity: 0.8
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        ScalarInput {
                            spec: member.modelData
                            entity: editor.entity
                            initial: box.current[member.modelData.name]
                            accountId: editor.accountId
                            currency: editor.currency
                            Layout.fillWidth: true
                            onValueEdited: v => {
                                box.current[member.modelData.name] = v;
                                box.publish();
                            }
                            onOkChanged: editor.setBad(member.modelData.name, !ok)
                        }
                    }
                }
            }
        }
    }

    // A small form per entry, with add and remove; rebuilt like the string list above.
    Component {
        id: structListEditor
        ColumnLayout {
            id: structs
            property var entries: Labels.list(editor.initial).map(e => Object.assign({}, e))
            property int rows: entries.length
            spacing: 8

            function publish() {
                editor.value = entries.map(e => editor.clean(e)).filter(e => Object.keys(e).length > 0);
            }
            function add() {
                entries.push({});
                editor.badInputs = {};
                rows = entries.length;
            }
            function removeAt(i) {
                entries.splice(i, 1);
                // The rebuilt inputs show stored (valid) values: forget the old input problems.
                editor.badInputs = {};
                rows = entries.length;
                publish();
            }

            Repeater {
                model: structs.rows
                Frame {
                    id: entryBox
                    required property int index
                    Layout.fillWidth: true

                    ColumnLayout {
                        width: parent.width
                        spacing: 8

                        RowLayout {
                            Layout.fillWidth: true
                            Label {
                                text: qsTr("Entry %1").arg(entryBox.index + 1)
                                opacity: 0.7
                                Layout.fillWidth: true
                            }
                            Button {
                                text: qsTr("Remove")
                                flat: true
                                Layout.preferredHeight: 44
                                onClicked: structs.removeAt(entryBox.index)
                            }
                        }
                        Repeater {
                            model: Labels.list(editor.spec.members)
                            ColumnLayout {
                                id: entryMember
                                required property var modelData
                                spacing: 2
                                Layout.fillWidth: true
                                Label {
                                    text: Labels.fieldLabel(editor.entity, editor.name + "." + entryMember.modelData.name)
                                          + (entryMember.modelData.required ? " *" : "")
                                    opacity: 0.8
                                    wrapMode: Text.Wrap
                                    Layout.fillWidth: true
                                }
                                ScalarInput {
                                    spec: entryMember.modelData
                                    entity: editor.entity
                                    initial: structs.entries[entryBox.index][entryMember.modelData.name]
                                    accountId: editor.accountId
                                    currency: editor.currency
                                    Layout.fillWidth: true
                                    onValueEdited: v => {
                                        structs.entries[entryBox.index][entryMember.modelData.name] = v;
                                        structs.publish();
                                    }
                                    onOkChanged: editor.setBad(entryBox.index + "." + entryMember.modelData.name, !ok)
                                }
                            }
                        }
                    }
                }
            }
            Button {
                objectName: "addEntry_" + editor.name
                text: "+ " + Labels.addLabel(editor.name)
                Layout.preferredHeight: 44
                onClicked: structs.add()
            }
        }
    }
}
