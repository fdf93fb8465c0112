import QtQuick
import QtTest

// Loads the app's main QML file, as the app does, and checks what a user sees first.
TestCase {
    id: testCase
    name: "MainWindow"
    when: windowShown

    property var window: null

    function findChild(item, name) {
        if (!item) return null
        if (item.objectName === name) return item
        const kids = item.children || []
        for (let i = 0; i < kids.length; ++i) {
            const found = findChild(kids[i], name)
            if (found) return found
        }
        return null
    }

    function initTestCase() {
        const component = Qt.createComponent("qrc:/MCrm/qml/Main.qml")
        compare(component.status, Component.Ready, component.errorString())
        window = component.createObject(null)
        verify(window !== null, "Main.qml did not create its window")
    }

    function cleanupTestCase() {
        if (window) window.destroy()
    }

    function test_rootIsTheMainWindow() {
        compare(window.objectName, "mainWindow")
        compare(window.title, "M-CRM")
        verify(window.contentItem !== null)
    }

    function test_showsTheServerAddressAndGoesOfflineWhenNothingAnswers() {
        const address = findChild(window.contentItem, "serverAddressLabel")
        verify(address !== null, "no serverAddressLabel")
        compare(address.text, "127.0.0.1:9")
        const label = findChild(window.header, "connectionLabel")
        verify(label !== null, "no connectionLabel in the header")
        const status = findChild(window.contentItem, "serverStatusLabel")
        tryVerify(function() { return status.text.indexOf("offline") === 0 }, 10000,
                  "status should say offline, says: " + status.text)
        compare(label.text, "Offline")
    }
}
