import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import MCrm.Core
import MCrm

// The app's window: a header with the page title and whether the server is reachable; the
// sign-in page until a user is signed in, then the tabs Customers, Sync and Settings.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 390
    height: 844
    visible: true
    title: qsTr("M-CRM")

    // Wider than a phone in portrait: customers list and the selected customer side by side.
    readonly property bool wide: width > 700

    // Set when the server revoked this device, until the next sign-in succeeds: the sign-in page
    // must show (with Session.signInError) even if the signed-in flag changes later than the signal.
    property bool revoked: false
    readonly property bool showSignIn: !Session.signedIn || revoked

    Connections {
        target: Session
        function onRevoked() {
            window.revoked = true;
        }
        function onSignedInChanged() {
            if (Session.signedIn && !Session.busy)
                window.revoked = false;
        }
        function onBusyChanged() {
            if (!Session.busy && Session.signedIn)
                window.revoked = false;
        }
    }

    // Android's back key closes the window: go back a page instead while there is one.
    onClosing: close => {
        if (Qt.platform.os === "android" && pageLoader.item && pageLoader.item.canGoBack) {
            close.accepted = false;
            pageLoader.item.goBack();
        }
    }

    // For the screenshot tool: shows one page by name (see the main UI's showPage).
    function showPage(name) {
        if (pageLoader.item && pageLoader.item.showPage)
            pageLoader.item.showPage(name);
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 4
            anchors.rightMargin: 12
            spacing: 8

            ToolButton {
                objectName: "backButton"
                visible: pageLoader.item !== null && pageLoader.item.canGoBack === true
                text: "‹"
                font.pixelSize: 28
                Layout.preferredWidth: 48
                Layout.preferredHeight: 48
                Accessible.name: qsTr("Back")
                onClicked: pageLoader.item.goBack()
            }
            Label {
                objectName: "pageTitle"
                text: pageLoader.item && pageLoader.item.title ? pageLoader.item.title : window.title
                font.bold: true
                font.pixelSize: 18
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                Layout.fillWidth: true
                Layout.leftMargin: pageLoader.item && pageLoader.item.canGoBack ? 0 : 8
                Layout.minimumHeight: 48
            }
            Rectangle {
                objectName: "connectionDot"
                implicitWidth: 10
                implicitHeight: 10
                radius: 5
                color: Session.online ? "#2e7d32" : "#9e9e9e"
            }
            Label {
                objectName: "connectionLabel"
                text: Session.online ? qsTr("Online") : qsTr("Offline")
            }
        }
    }

    // Signing out or a revoked device drops the whole signed-in UI (its pages and stacks).
    Loader {
        id: pageLoader
        anchors.fill: parent
        sourceComponent: window.showSignIn ? signInComponent : mainComponent
    }

    Component {
        id: signInComponent
        SignInPage {
            objectName: "signInPage"
            readonly property bool canGoBack: false
            function goBack() {
            }
        }
    }

    Component {
        id: mainComponent

        Item {
            id: ui
            objectName: "mainUi"

            property string selectedAccountId: ""

            readonly property string title: {
                switch (tabBar.currentIndex) {
                case 0:
                    return detailStack.currentItem ? detailStack.currentItem.title : customersPage.title;
                case 1:
                    return syncStack.currentItem ? syncStack.currentItem.title : "";
                default:
                    return settingsPage.title;
                }
            }
            readonly property bool canGoBack: {
                switch (tabBar.currentIndex) {
                case 0:
                    return detailStack.depth > (window.wide ? 1 : 0);
                case 1:
                    return syncStack.depth > 1;
                default:
                    return false;
                }
            }

            function goBack() {
                const stack = tabBar.currentIndex === 1 ? syncStack : detailStack;
                if (stack.depth > 1)
                    stack.pop();
                else if (stack === detailStack)
                    stack.clear();
            }

            // Brings up one page by name, for the screenshot tool (mcrm-app-screenshots).
            function showPage(name) {
                detailStack.clear();
                if (name === "sync") {
                    tabBar.currentIndex = 1;
                    return;
                }
                if (name === "settings") {
                    tabBar.currentIndex = 2;
                    return;
                }
                tabBar.currentIndex = 0;
                const first = customersPage.firstAccountId();
                if (name === "customers" || first === "")
                    return;
                openAccount(first);
                if (name === "account-form")
                    detailStack.currentItem.edit();
                else if (name === "interaction-form")
                    detailStack.currentItem.logInteraction();
            }

            function openAccount(id) {
                selectedAccountId = id;
                if (window.wide) {
                    if (detailStack.depth === 1 && detailStack.currentItem.recordId === id)
                        return;
                    detailStack.clear();
                }
                detailStack.push(customerComponent, { "recordId": id });
            }

            function createAccount() {
                // A rep's new customer is theirs: the server (and the device, by the same rule)
                // refuses an account created outside the creator's scope.
                const form = detailStack.push(formComponent, {
                    "entity": "account",
                    "title": qsTr("New customer"),
                    "presets": { "owner_id": Session.userId }
                });
                // Later: the form is still leaving the stack when it reports the new id.
                form.finished.connect(id => Qt.callLater(ui.openAccount, id));
            }

            Component {
                id: customerComponent
                CustomerPage {}
            }
            Component {
                id: formComponent
                RecordFormPage {}
            }

            StackLayout {
                anchors.top: parent.top
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: tabBar.top
                currentIndex: tabBar.currentIndex

                // Customers: the list and a stack of detail pages (a customer, its forms). On a
                // phone one of them fills the area at a time; on a wide window they stand side
                // by side. Both stay alive, so rotating the device keeps what is open.
                Item {
                    id: customersArea
                    clip: true

                    CustomersPage {
                        id: customersPage
                        objectName: "customersPage"
                        width: window.wide ? Math.min(380, Math.round(parent.width * 0.45)) : parent.width
                        height: parent.height
                        visible: window.wide || detailStack.depth === 0
                        selectedId: detailStack.depth > 0 ? ui.selectedAccountId : ""
                        highlightSelection: window.wide
                        onAccountSelected: id => ui.openAccount(id)
                        onCreateRequested: ui.createAccount()
                    }
                    Rectangle {
                        visible: window.wide
                        x: customersPage.width
                        width: 1
                        height: parent.height
                        color: window.palette.mid
                    }
                    StackView {
                        id: detailStack
                        objectName: "detailStack"
                        x: window.wide ? customersPage.width + 1 : 0
                        width: parent.width - x
                        height: parent.height
                        visible: window.wide || depth > 0
                        clip: true
                    }
                    EmptyState {
                        visible: window.wide && detailStack.depth === 0
                        x: detailStack.x + 24
                        width: detailStack.width - 48
                        anchors.verticalCenter: parent.verticalCenter
                        text: qsTr("Select a customer")
                        hint: qsTr("Their contact details, history and open business appear here.")
                    }
                }

                StackView {
                    id: syncStack
                    objectName: "syncStack"
                    clip: true
                    initialItem: SyncPage {
                        objectName: "syncPage"
                    }
                }

                SettingsPage {
                    id: settingsPage
                    objectName: "settingsPage"
                }
            }

            TabBar {
                id: tabBar
                objectName: "mainTabs"
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom

                TabButton {
                    objectName: "customersTab"
                    text: qsTr("Customers")
                    implicitHeight: 52
                }
                TabButton {
                    objectName: "syncTab"
                    // What needs the user's attention: rejected changes and conflicts.
                    readonly property int attention: Session.rejectedCount + Session.conflictCount
                    text: attention > 0 ? qsTr("Sync (%1)").arg(attention) : qsTr("Sync")
                    implicitHeight: 52
                }
                TabButton {
                    objectName: "settingsTab"
                    text: qsTr("Settings")
                    implicitHeight: 52
                }
            }
        }
    }
}
