// The one place where the app's C++ objects are made visible to QML, and where its language is
// chosen.
#pragma once

#include <QString>

class QQmlEngine;

namespace mcrm::mobile {

class SessionManager;
class SchemaInfo;

// URL of the app's main QML file inside the app's resources.
inline constexpr const char* kMainQmlUrl = "qrc:/MCrm/qml/Main.qml";

// Registers, under the QML module "MCrm.Core" 1.0, the singletons `Session` and `Schema` and
// the types `RecordListModel` and `RecordController` (which use RecordRepository::Default()).
void RegisterQmlTypes(SessionManager* session, SchemaInfo* schema);

// Lets `engine` find the app's own QML module (`import MCrm`: its pages and the Labels
// singleton), which the library compiles into its resources under qrc:/MCrm.
void AddAppImportPath(QQmlEngine* engine);

// Loads the app's translation for `code` ("en", "zh_CN"; "" = the system's language) in place
// of the one loaded before, and has `engine` (when given) show every text anew.
void ApplyLanguage(const QString& code, QQmlEngine* engine);

}  // namespace mcrm::mobile
