import QtQuick
import QtTest
import MCrm.Core
import MCrm

// The app as a rep uses it, against a real mcrm-server with Chinese demo data: sign in (a wrong
// password first), the customers after the first sync, a Chinese search inside a name, an
// account created while sync is paused (its pending mark, then the mark clearing once the server
// has it), a conflict with the office shown with both values and kept, a change the server
// refuses shown with its reason and discarded, a visit on the timeline, the territory filter,
// and last a revoked device sent back to sign-in. The functions run in order.
TestCase {
    id: testCase
    name: "FieldApp"
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
        if (item.contentItem && item.contentItem !== item) {
            const inContent = findChild(item.contentItem, name)
            if (inContent) return inContent
        }
        return null
    }
    function find(name) {
        // From the window's root item: the pages, the header and footer, and the overlay that
        // holds the open dialogs.
        const found = findChild(window.contentItem.parent, name)
            || (window.header ? findChild(window.header, name) : null)
            || (window.footer ? findChild(window.footer, name) : null)
        return found
    }
    function waitFor(name) {
        tryVerify(function() { return find(name) !== null }, 20000, "nothing named " + name)
        return find(name)
    }
    function type(field, text) {
        field.forceActiveFocus()
        field.text = ""
        field.text = text
    }

    // The first item under `item` for which `pred` holds (depth first).
    function findWhere(item, pred) {
        if (!item) return null
        if (pred(item)) return item
        const kids = item.children || []
        for (let i = 0; i < kids.length; ++i) {
            const found = findWhere(kids[i], pred)
            if (found) return found
        }
        return null
    }
    // The form on top of the detail stack once it shows `field`: a form closed before may still
    // be among the window's items, so its fields and buttons are looked for in this one only.
    function openedForm(field) {
        const stack = waitFor("detailStack")
        tryVerify(function() {
            return stack.currentItem && stack.currentItem.objectName === "recordFormPage"
                && findChild(stack.currentItem, "field_" + field) !== null
        }, 10000, "no form with " + field)
        return stack.currentItem
    }
    function textInputIn(item) {
        return findWhere(item, function(x) { return x.cursorPosition !== undefined && x.text !== undefined })
    }
    function comboIn(item) {
        return findWhere(item, function(x) { return x.indexOfValue !== undefined })
    }
    function rowNamed(list, name) {
        for (let i = 0; i < list.count; ++i) {
            if (list.model.get(i).name === name) return list.model.get(i)
        }
        return null
    }

    function initTestCase() {
        const component = Qt.createComponent("qrc:/MCrm/qml/Main.qml")
        compare(component.status, Component.Ready, component.errorString())
        window = component.createObject(null)
        verify(window !== null, "Main.qml did not create its window")
        window.width = 390
        window.height = 844
    }

    function cleanupTestCase() {
        if (window) window.destroy()
    }

    function test_1_aWrongPasswordIsSaidPlainly() {
        compare(window.objectName, "mainWindow")
        compare(window.title, "M-CRM")
        type(waitFor("serverField"), testServerAddress)
        type(waitFor("loginField"), "rep1")
        type(waitFor("passwordField"), "not the password")
        mouseClick(waitFor("signInButton"))
        const error = waitFor("signInError")
        tryVerify(function() { return error.text.indexOf("Wrong login or password") >= 0 }, 20000,
                  "the error says: " + error.text)
        verify(!Session.signedIn)
    }

    function test_2_signingInShowsTheCustomersAfterTheFirstSync() {
        type(waitFor("passwordField"), "demo")
        mouseClick(waitFor("signInButton"))
        tryVerify(function() { return Session.signedIn }, 20000, Session.signInError)
        const list = waitFor("customerList")
        tryVerify(function() { return list.count > 0 }, 60000, "no customers after the first sync")
        tryVerify(function() { return Session.lastSync.getTime() > 0 }, 60000)
        tryVerify(function() { return Session.serverVersion !== "" }, 20000,
                  "the settings cannot say which server version they talk to")
    }

    function test_3_aChineseSearchFindsTwoCharactersInsideAName() {
        const list = waitFor("customerList")
        const search = waitFor("customerSearch")
        // Two neighbouring characters from inside the first company's name: the search must find
        // it although they are not at the start.
        let name = ""
        for (let i = 0; i < list.count && name === ""; ++i) {
            const n = list.model.get(i).name
            if (n && n.indexOf("有限公司") > 2) name = n
        }
        verify(name !== "", "no Chinese company among the rep's customers")
        const inside = name.substr(2, 2)
        type(search, inside)
        tryVerify(function() {
            if (list.model.search !== inside || list.model.loading || list.count === 0) return false
            for (let i = 0; i < list.count; ++i) {
                if (list.model.get(i).name === name) return true
            }
            return false
        }, 10000, "searching " + inside + " did not find " + name)
        type(search, "")
    }

    function test_4_anAccountCreatedOfflineIsFoundAndMarkedUntilTheServerHasIt() {
        Session.pauseSync()  // as if the network were gone: the change stays on the device
        mouseClick(waitFor("addAccountButton"))
        const form = openedForm("name")
        textInputIn(findChild(form, "field_name")).text = "Bergbauernhof Testalm"
        const kind = comboIn(findChild(form, "field_kind"))
        kind.currentIndex = 0
        kind.activated(0)
        const save = findChild(form, "saveButton")
        tryVerify(function() { return save.enabled }, 10000, "the form never got ready")
        mouseClick(save)
        // Saved: the new customer opens.
        tryVerify(function() {
            const name = find("customerName")
            return name !== null && name.text === "Bergbauernhof Testalm"
        }, 10000, "not saved: " + form.localError + " " + form.generalError)
        compare(Session.pendingCount, 1)

        window.showPage("customers")
        const list = waitFor("customerList")
        type(waitFor("customerSearch"), "testalm")
        tryVerify(function() {
            const row = rowNamed(list, "Bergbauernhof Testalm")
            return row !== null && row.pending === true
        }, 10000, "the new account is not listed with its pending mark")
        tryVerify(function() { return find("pendingMark") !== null && find("pendingMark").visible })

        Session.syncNow()  // the network is back
        tryVerify(function() {
            const row = rowNamed(list, "Bergbauernhof Testalm")
            return row !== null && row.pending === false
        }, 30000, "the mark did not clear once the server had the account")
        tryCompare(Session, "pendingCount", 0, 10000)
        type(waitFor("customerSearch"), "")
    }

    // A customer of the rep's, by its row in the list (not the one made in test 4).
    function someAccount(skip) {
        const list = waitFor("customerList")
        tryVerify(function() { return list.count > skip + 1 }, 20000)
        return list.model.get(skip)
    }
    function editAsRep(id, values) {
        const ctl = Qt.createQmlObject("import MCrm.Core; RecordController { entity: \"account\" }",
                                       testCase)
        ctl.recordId = id
        tryVerify(function() { return ctl.exists }, 10000)
        const saved = createTemporaryObject(signalSpyComponent, testCase, { target: ctl, signalName: "saved" })
        ctl.save(values)
        tryCompare(saved, "count", 1, 10000)  // counts a save answered before this line, too
        ctl.destroy()
    }
    Component {
        id: signalSpyComponent
        SignalSpy {}
    }

    function test_5_aConflictShowsBothValuesAndKeepMineWins() {
        const account = someAccount(1)
        Session.pauseSync()
        editAsRep(account.recordId, { "website": "https://mine.example.cn" })
        // Later, the office changes the same field on the server.
        compare(office.change("account", account.recordId, { "website": "https://theirs.example.cn" }), "")
        Session.syncNow()
        tryCompare(Session, "conflictCount", 1, 30000)
        const conflict = Session.conflicts[0]
        compare(conflict.field, "website")
        compare(conflict.mine, "https://mine.example.cn")
        compare(conflict.theirs, "https://theirs.example.cn")
        verify(!conflict.mineWon, "the later change (the office's) won")

        window.showPage("sync")
        mouseClick(waitFor("keepMineButton"))
        tryCompare(Session, "conflictCount", 0, 10000)
        // Keeping mine is a new change: it reaches the server, and the rep's view shows it.
        tryCompare(Session, "pendingCount", 0, 30000)
        const ctl = Qt.createQmlObject("import MCrm.Core; RecordController { entity: \"account\" }",
                                       testCase)
        ctl.recordId = account.recordId
        tryVerify(function() { return ctl.record.website === "https://mine.example.cn" }, 10000)
        ctl.destroy()
        window.showPage("customers")
    }

    function test_6_aRejectedChangeShowsItsReasonAndCanBeDiscarded() {
        const account = someAccount(2)
        Session.pauseSync()
        editAsRep(account.recordId, { "notes": "Visited on Monday" })
        // Meanwhile the office gives the customer to another owner, out of the rep's scope.
        compare(office.change("account", account.recordId,
                              { "owner_id": office.userId(), "territory_id": null }), "")
        Session.syncNow()
        tryCompare(Session, "rejectedCount", 1, 30000)
        const rejected = Session.outbox.filter(function(e) { return e.rejected })[0]
        verify(rejected.reason.length > 0, "no reason")
        compare(rejected.recordId, account.recordId)

        window.showPage("sync")
        const discard = waitFor("discardChangeButton")
        tryVerify(function() { return discard.visible }, 10000)
        discard.clicked()
        const confirm = waitFor("confirmDiscardButton")
        tryVerify(function() { return confirm.visible }, 10000)
        confirm.clicked()
        tryCompare(Session, "rejectedCount", 0, 10000)
        window.showPage("customers")
    }

    function test_7_anInteractionLoggedOfflineIsOnTheTimelineAtOnce() {
        Session.pauseSync()
        window.showPage("customer")  // the first customer listed
        const log = waitFor("logInteractionButton")
        tryVerify(function() { return log.visible && log.enabled }, 10000)
        log.clicked()
        const form = openedForm("subject")
        textInputIn(findChild(form, "field_subject")).text = "试用装置回访"
        const channel = comboIn(findChild(form, "field_channel"))
        channel.currentIndex = channel.indexOfValue("visit")
        channel.activated(channel.currentIndex)
        const save = findChild(form, "saveButton")
        tryVerify(function() { return save.enabled }, 10000)
        save.clicked()
        // Back on the customer: the visit heads the timeline, newest first, marked as not sent.
        const timeline = waitFor("timeline")
        tryVerify(function() {
            return timeline.items.length > 0 && timeline.items[0].subject === "试用装置回访"
        }, 10000, "the timeline does not start with the new visit: "
                  + JSON.stringify(timeline.items.length ? timeline.items[0].subject : "none")
                  + " pending " + Session.pendingCount + " form: " + form.localError + " " + form.generalError)
        verify(timeline.items[0].pending)
        Session.syncNow()
        tryCompare(Session, "pendingCount", 0, 30000)
        window.showPage("customers")
    }

    // Money is typed in the units of the record's currency: yen have no decimals, euros two.
    function test_7b_anAmountIsTypedInItsCurrencysUnits() {
        Session.pauseSync()
        const enter = function(name, currency, amount) {
            window.showPage("customer")
            const add = waitFor("add_opportunity")
            tryVerify(function() { return add.visible && add.enabled }, 10000)
            add.clicked()
            const form = openedForm("amount_minor")
            const field = function(f) { return findChild(form, "field_" + f) }
            textInputIn(field("name")).text = name
            const stage = comboIn(field("stage"))
            stage.currentIndex = 0
            stage.activated(0)
            textInputIn(field("currency")).text = currency
            textInputIn(field("amount_minor")).text = amount
            const save = findChild(form, "saveButton")
            tryVerify(function() { return save.enabled }, 10000)
            save.clicked()
            tryVerify(function() { return amountOf(name) !== undefined }, 10000,
                      "the new opportunity is not listed: " + form.localError + " " + form.generalError)
        }
        const amountOf = function(name) {
            const items = waitFor("opportunities").items
            for (let i = 0; i < items.length; ++i) {
                if (items[i].name === name) return items[i].amount_minor
            }
            return undefined
        }
        enter("日元试点", "JPY", "1500")
        tryVerify(function() { return amountOf("日元试点") === 1500 }, 10000,
                  "1500 yen is 1500 minor units, not " + amountOf("日元试点"))
        enter("欧元试点", "EUR", "15.5")
        tryVerify(function() { return amountOf("欧元试点") === 1550 }, 10000,
                  "15.50 euros are 1550 cents, not " + amountOf("欧元试点"))
        Session.syncNow()
        tryCompare(Session, "pendingCount", 0, 30000)
        window.showPage("customers")
    }

    function test_8_customersFilterByTerritory() {
        window.showPage("customers")
        const list = waitFor("customerList")
        const box = waitFor("territoryFilter")
        const countIn = function(territory) {
            let n = 0
            for (let i = 0; i < list.count; ++i) {
                if (list.model.get(i).territory_id === territory) ++n
            }
            return n
        }
        // The rep's customers may all lie in one territory: the office moves one of them (still
        // the rep's own) to another, so that the filter has two territories to tell apart.
        const moved = someAccount(3)
        const home = moved.territory_id
        const away = office.otherTerritory(home)
        verify(away !== "", "the server has one territory only")
        tryVerify(function() { return !list.model.loading && list.count === list.model.total },
                  10000, "not every customer is in the list")
        const awayBefore = countIn(away)
        compare(office.change("account", moved.recordId, { "territory_id": away }), "")
        Session.syncNow()
        tryVerify(function() { return countIn(away) === awayBefore + 1 }, 30000,
                  "the move did not reach the list")
        tryVerify(function() { return box.indexOfValue(away) > 0 }, 10000,
                  "the moved customer's territory is not offered")
        const all = list.count
        const atHome = countIn(home)
        verify(atHome > 0 && atHome < all, "the filter could not leave anything out")
        const showsOnly = function(territory, count) {
            box.currentIndex = box.indexOfValue(territory)
            tryVerify(function() {
                if (list.model.loading || list.count !== count) return false
                for (let i = 0; i < list.count; ++i) {
                    if (list.model.get(i).territory_id !== territory) return false
                }
                return true
            }, 10000, "the list does not hold exactly the customers of " + territory)
        }
        showsOnly(away, awayBefore + 1)
        showsOnly(home, atHome)
        box.currentIndex = 0
        tryCompare(list.model, "total", all, 10000)
    }

    function test_8b_theLanguageSwitchesToChineseAndBack() {
        const tab = waitFor("customersTab")
        Session.setLanguage("zh_CN")
        tryCompare(tab, "text", "客户", 5000, "the Chinese translation is not in the app")
        // One English word, two Chinese ones: a customer who left, a deal that failed.
        compare(Labels.lifecycleStage("lost"), "已流失")
        compare(Labels.enumValue("opportunity", "stage", "closed_lost"), "输单")
        compare(Labels.enumValue("case", "type", "question"), "咨询")
        compare(Labels.fieldLabel("", "prompt"), "问题")
        Session.setLanguage("en")
        tryCompare(tab, "text", "Customers", 5000)
        Session.setLanguage("")
    }

    function test_8c_moneyHasItsCurrencysDecimals() {
        compare(Labels.moneyDigits("EUR"), 2)
        compare(Labels.moneyDigits("JPY"), 0)
        compare(Labels.moneyDigits("KWD"), 3)
        compare(Labels.moneyDigits(""), 2, "no currency yet: cents")
        verify(/^1[,.]?234[.,]56 EUR$/.test(Labels.money(123456, "EUR")), Labels.money(123456, "EUR"))
        verify(/^123[,.]?456 JPY$/.test(Labels.money(123456, "JPY")), Labels.money(123456, "JPY"))
        verify(/^123[.,]456 KWD$/.test(Labels.money(123456, "KWD")), Labels.money(123456, "KWD"))
    }

    // Last: it ends the session.
    function test_9_aRevokedDeviceWipesItsDataAndReturnsToSignIn() {
        const device = office.appDeviceId()
        verify(device !== "", "no device id in the app's settings")
        compare(office.revoke(device), "")
        Session.syncNow()
        const error = waitFor("signInError")
        tryVerify(function() { return !Session.signedIn && error.text.indexOf("revoked") >= 0 },
                  30000, "the app does not say the device was revoked: " + error.text)
        compare(Session.pendingCount, 0)
    }
}
