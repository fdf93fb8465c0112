import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The title of a section inside a long page.
Label {
    font.bold: true
    font.pixelSize: 17
    topPadding: 12
    bottomPadding: 2
    wrapMode: Text.Wrap
    Layout.fillWidth: true
}
