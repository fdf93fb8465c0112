// The one place where the app's C++ objects are made visible to QML.
#pragma once

class QQmlEngine;

namespace mcrm::mobile {

class ServerLink;

// URL of the app's main QML file inside the app's resources.
inline constexpr const char* kMainQmlUrl = "qrc:/MCrm/qml/Main.qml";

// Registers the app's C++ singletons under the QML module "MCrm.Core" 1.0.
void RegisterQmlSingletons(ServerLink* link);

}  // namespace mcrm::mobile
