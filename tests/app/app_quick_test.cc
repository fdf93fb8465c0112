// Qt Quick Test entry point for the app's QML: the app's own C++ objects (repository, session,
// schema) on a fresh data directory, against a real mcrm-server on loopback with Chinese demo
// data. The QML tests sign in through the sign-in page as a user would.
#include <QtQuickTest/quicktest.h>

#include <QDir>
#include <QObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <memory>
#include <optional>

#include "app/record_repository.h"
#include "app/schema_info.h"
#include "app/session_manager.h"
#include "app_setup.h"
#include "server_process.h"

namespace {

class AppSetup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() {
    server_dir_ = std::make_unique<QTemporaryDir>();
    app_dir_ = std::make_unique<QTemporaryDir>();
    auto server = mcrm::testing::ServerProcess::Start(
        mcrm::testing::ServerBinary(),
        {"--listen=127.0.0.1:0", "--data-dir=" + server_dir_->path().toStdString(), "--demo",
         "--demo-accounts=40", "--demo-locale=zh", "--workers=2"});
    if (!server.ok()) qFatal("mcrm-server did not start: %s", server.status().ToString().c_str());
    server_.emplace(*std::move(server));
    repository_ = new mcrm::mobile::RecordRepository(this);
    mcrm::mobile::RecordRepository::SetDefault(repository_);
    session_ = new mcrm::mobile::SessionManager(*repository_, app_dir_->path(),
                                                QString::fromStdString(server_->address()), this);
    schema_ = new mcrm::mobile::SchemaInfo(this);
    mcrm::mobile::RegisterQmlTypes(session_, schema_);
  }

  void qmlEngineAvailable(QQmlEngine* engine) {
    mcrm::mobile::AddAppImportPath(engine);
    engine->rootContext()->setContextProperty(QStringLiteral("testServerAddress"),
                                              QString::fromStdString(server_->address()));
  }

  void cleanupTestCase() {
    session_->signOut();
    server_.reset();
  }

 private:
  std::unique_ptr<QTemporaryDir> server_dir_;
  std::unique_ptr<QTemporaryDir> app_dir_;
  std::optional<mcrm::testing::ServerProcess> server_;
  mcrm::mobile::RecordRepository* repository_ = nullptr;
  mcrm::mobile::SessionManager* session_ = nullptr;
  mcrm::mobile::SchemaInfo* schema_ = nullptr;
};

}  // namespace

QUICK_TEST_MAIN_WITH_SETUP(mcrm_app, AppSetup)

#include "app_quick_test.moc"
