// Qt Quick Test entry point for the app's QML: the app's own C++ objects (repository, session,
// schema) on a fresh data directory, against a real mcrm-server on loopback with Chinese demo
// data. The QML tests sign in through the sign-in page as a user would.
#include <QtQuickTest/quicktest.h>
#include <grpcpp/grpcpp.h>

#include <QDateTime>
#include <QDir>
#include <QObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QSettings>
#include <QTemporaryDir>
#include <memory>
#include <optional>

#include "app/record_repository.h"
#include "app/record_variant.h"
#include "app/schema_info.h"
#include "app/session_manager.h"
#include "app_setup.h"
#include "mcrm/hlc.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "replica.h"
#include "server_process.h"
#include "sync_engine.h"

namespace {

int64_t NowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// The back office at work while the rep's device is offline: the dispatcher's own device
// (the real device core, signed in as "dispatch"), which changes records on the server. Tests
// call it from QML as `office`.
class OfficeDevice : public QObject {
  Q_OBJECT

 public:
  OfficeDevice(std::string address, QString dir, QString app_dir, QObject* parent)
      : QObject(parent),
        address_(std::move(address)),
        dir_(std::move(dir)),
        app_dir_(std::move(app_dir)) {}

  // The app's device id, as the app keeps it in its settings (made at its first sign-in).
  Q_INVOKABLE QString appDeviceId() const {
    return QSettings(app_dir_ + QStringLiteral("/settings.ini"), QSettings::IniFormat)
        .value(QStringLiteral("device/id"))
        .toString();
  }

  // Sets fields of a record on the server (a map of field name to value, null clears), after
  // bringing the office's replica up to date. Answers "" or what went wrong.
  Q_INVOKABLE QString change(const QString& entity, const QString& id, const QVariantMap& values) {
    if (const QString error = Start(); !error.isEmpty()) return error;
    auto type = mcrm::mobile::EntityNamed(entity);
    if (!type.ok()) return QString::fromStdString(type.status().ToString());
    auto fields = mcrm::mobile::FromVariantMap(*type, values);
    if (!fields.ok()) return QString::fromStdString(fields.status().ToString());
    mcrm::device::SyncEngine engine(*replica_, *client_);
    if (auto synced = engine.SyncOnce(); !synced.ok()) {
      return QString::fromStdString(synced.status().ToString());
    }
    auto written =
        replica_->Write(*type, id.toStdString(), *fields, clock_.Now(), ids_.NextString(NowMs()));
    if (!written.ok()) return QString::fromStdString(written.status().ToString());
    auto pushed = engine.SyncOnce();
    if (!pushed.ok()) return QString::fromStdString(pushed.status().ToString());
    if (pushed->rejected > 0) return QStringLiteral("the server refused the office's change");
    return {};
  }

  // Revokes a device as the administrator does when a phone is lost: its next call is refused
  // and it wipes itself. Answers "" or what went wrong.
  Q_INVOKABLE QString revoke(const QString& device_id) {
    mcrm::device::SyncClient admin(address_, "admin-device");
    if (auto login = admin.Login("admin", "demo"); !login.ok()) {
      return QString::fromStdString(login.ToString());
    }
    auto stub =
        mcrm::v1::Auth::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
    context.AddMetadata("authorization", "Bearer " + admin.token());
    context.AddMetadata("mcrm-device-id", "admin-device");
    mcrm::v1::RevokeDeviceRequest request;
    request.set_device_id(device_id.toStdString());
    mcrm::v1::RevokeDeviceResponse response;
    const grpc::Status status = stub->RevokeDevice(&context, request, &response);
    return status.ok() ? QString() : QString::fromStdString(status.error_message());
  }

  // A territory that some customer lies in, other than `than`; "" when there is none.
  Q_INVOKABLE QString otherTerritory(const QString& than) {
    if (!Start().isEmpty()) return {};
    mcrm::device::SyncEngine engine(*replica_, *client_);
    if (!engine.SyncOnce().ok()) return {};
    auto territories =
        replica_->ListValues(mcrm::EntityType::kAccount, "territory_id", /*limit=*/100);
    if (!territories.ok()) return {};
    for (const std::string& territory : *territories) {
      if (QString::fromStdString(territory) != than) return QString::fromStdString(territory);
    }
    return {};
  }

  // The dispatcher's user id.
  Q_INVOKABLE QString userId() {
    Start();
    return client_ ? QString::fromStdString(client_->user_id()) : QString();
  }

 private:
  QString Start() {
    if (replica_ != nullptr) return {};
    client_ = std::make_unique<mcrm::device::SyncClient>(address_, "office-device");
    if (auto login = client_->Login("dispatch", "demo"); !login.ok()) {
      return QString::fromStdString(login.ToString());
    }
    auto replica = mcrm::device::Replica::Open((dir_ + "/office.sqlite3").toStdString());
    if (!replica.ok()) return QString::fromStdString(replica.status().ToString());
    replica_ = *std::move(replica);
    return {};
  }

  const std::string address_;
  const QString dir_;
  const QString app_dir_;
  std::unique_ptr<mcrm::device::SyncClient> client_;
  std::unique_ptr<mcrm::device::Replica> replica_;
  mcrm::HybridClock clock_{"office-device", &NowMs};
  mcrm::UuidV7Generator ids_;
};

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
    office_ = new OfficeDevice(server_->address(), server_dir_->path(), app_dir_->path(), this);
    mcrm::mobile::RegisterQmlTypes(session_, schema_);
  }

  void qmlEngineAvailable(QQmlEngine* engine) {
    mcrm::mobile::AddAppImportPath(engine);
    // As the app does: a language chosen in the settings applies at once.
    connect(session_, &mcrm::mobile::SessionManager::languageChanged, engine,
            [this, engine] { mcrm::mobile::ApplyLanguage(session_->language(), engine); });
    engine->rootContext()->setContextProperty(QStringLiteral("testServerAddress"),
                                              QString::fromStdString(server_->address()));
    engine->rootContext()->setContextProperty(QStringLiteral("office"), office_);
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
  OfficeDevice* office_ = nullptr;
};

}  // namespace

QUICK_TEST_MAIN_WITH_SETUP(mcrm_app, AppSetup)

#include "app_quick_test.moc"
