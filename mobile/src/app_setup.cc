#include "app_setup.h"

#include <QCoreApplication>
#include <QLocale>
#include <QQmlEngine>
#include <QTranslator>
#include <memory>

#include "app/record_controller.h"
#include "app/record_list_model.h"
#include "app/schema_info.h"
#include "app/session_manager.h"

namespace mcrm::mobile {

void RegisterQmlTypes(SessionManager* session, SchemaInfo* schema) {
  qmlRegisterSingletonInstance("MCrm.Core", 1, 0, "Session", session);
  qmlRegisterSingletonInstance("MCrm.Core", 1, 0, "Schema", schema);
  qmlRegisterType<RecordListModel>("MCrm.Core", 1, 0, "RecordListModel");
  qmlRegisterType<RecordController>("MCrm.Core", 1, 0, "RecordController");
}

void AddAppImportPath(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/")); }

void ApplyLanguage(const QString& code, QQmlEngine* engine) {
  static QTranslator* installed = nullptr;
  if (installed != nullptr) {
    QCoreApplication::removeTranslator(installed);
    delete installed;
    installed = nullptr;
  }
  const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
  QLocale::setDefault(locale);
  auto translator = std::make_unique<QTranslator>();
  // English is the source language: no file, the texts as written.
  if (translator->load(locale, QStringLiteral("mcrm"), QStringLiteral("_"),
                       QStringLiteral(":/i18n"))) {
    installed = translator.release();
    QCoreApplication::installTranslator(installed);
  }
  if (engine != nullptr) engine->retranslate();
}

}  // namespace mcrm::mobile
