#include "session_manager.h"

#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QUuid>
#include <thread>

#include "mcrm/endpoint.h"
#include "mcrm/v1/server_info.grpc.pb.h"
#include "record_repository.h"
#include "record_variant.h"
#include "replica.h"
#include "sync_engine.h"
#include "sync_worker.h"

namespace mcrm::mobile {
namespace {

constexpr char kAddressKey[] = "server/address";
constexpr char kLoginKey[] = "session/login";
constexpr char kUserKey[] = "session/user_id";
constexpr char kDeviceKey[] = "device/id";
constexpr char kLanguageKey[] = "app/language";

bool IsNetworkTrouble(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

// A value as one line of text for the conflict list.
QString ValueText(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return {};
    case Value::Kind::kString:
      return QString::fromStdString(value.string_value());
    case Value::Kind::kInt:
      return QString::number(value.int_value());
    case Value::Kind::kDouble:
      return QString::number(value.double_value());
    case Value::Kind::kBool:
      return value.bool_value() ? QStringLiteral("✓") : QStringLiteral("✗");
    default:
      return QString::fromStdString(value.DebugString());
  }
}

}  // namespace

SessionManager::SessionManager(RecordRepository& repository, QString data_dir,
                               QString default_address, QObject* parent)
    : QObject(parent),
      repository_(repository),
      data_dir_(std::move(data_dir)),
      default_address_(std::move(default_address)),
      settings_(QDir(data_dir_).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat) {
  // A local write goes out soon, and shows among the pending changes at once.
  connect(&repository_, &RecordRepository::recordChanged, this, [this] {
    RefreshSyncLists();
    if (worker_ != nullptr) worker_->SyncSoon();
  });
}

SessionManager::~SessionManager() { StopSync(); }

QString SessionManager::serverAddress() const {
  return settings_.value(kAddressKey, default_address_).toString();
}
QString SessionManager::login() const { return settings_.value(kLoginKey).toString(); }
QString SessionManager::language() const { return settings_.value(kLanguageKey).toString(); }
QString SessionManager::appVersion() const { return QCoreApplication::applicationVersion(); }
QString SessionManager::replicaPath() const {
  return QDir(data_dir_).filePath(QStringLiteral("replica.sqlite3"));
}

QString SessionManager::DeviceId() {
  QString id = settings_.value(kDeviceKey).toString();
  if (id.isEmpty()) {
    id = QStringLiteral("app-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    settings_.setValue(kDeviceKey, id);
  }
  return id;
}

void SessionManager::Resume() {
  const QString user = settings_.value(kUserKey).toString();
  if (user.isEmpty() || !QFile::exists(replicaPath())) return;
  QDir().mkpath(data_dir_);
  if (!repository_.Open(replicaPath().toStdString(), DeviceId().toStdString()).ok()) return;
  user_id_ = user;
  signed_in_ = true;
  emit signedInChanged();
  RefreshSyncLists();
  // The token is read off the UI thread; syncing starts once it is there.
  repository_.Run<absl::StatusOr<std::optional<device::Replica::StoredSession>>>(
      this, [](device::Replica& replica) { return replica.Session(); },
      [this](absl::StatusOr<std::optional<device::Replica::StoredSession>> session) {
        if (!session.ok() || !session->has_value()) {
          EndSession(tr("Sign in again to sync."));
          return;
        }
        auto client = std::make_unique<device::SyncClient>(serverAddress().toStdString(),
                                                           DeviceId().toStdString());
        client->Resume((*session)->token, (*session)->user_id);
        StartSession(std::move(client));
      });
}

void SessionManager::signIn(const QString& address, const QString& login, const QString& password) {
  if (busy_) return;
  const auto endpoint = ParseEndpoint(address.trimmed().toStdString(), /*allow_any_port=*/true);
  if (!endpoint.ok()) {
    SetSignInError(tr("The server address is not valid: %1")
                       .arg(QString::fromStdString(std::string(endpoint.status().message()))));
    return;
  }
  if (login.trimmed().isEmpty() || password.isEmpty()) {
    SetSignInError(tr("Enter your login and password."));
    return;
  }
  busy_ = true;
  emit busyChanged();
  SetSignInError({});
  const std::string host = endpoint->ToString();
  settings_.setValue(kAddressKey, QString::fromStdString(host));
  emit serverAddressChanged();
  auto client = std::make_shared<std::unique_ptr<device::SyncClient>>(
      std::make_unique<device::SyncClient>(host, DeviceId().toStdString()));
  QPointer<SessionManager> self(this);
  // The call may take as long as the network does: never on the UI thread.
  std::thread([self, client, login = login.trimmed().toStdString(),
               password = password.toStdString(), host] {
    const absl::Status status = (*client)->Login(login, password);
    QMetaObject::invokeMethod(
        qApp,
        [self, client, status, login, host] {
          if (self.isNull()) return;
          self->busy_ = false;
          emit self->busyChanged();
          if (!status.ok()) {
            if (device::IsDeviceRevoked(status)) {
              self->RemoveDeviceData();
              self->SetSignInError(RevokedText());
            } else if (status.code() == absl::StatusCode::kUnauthenticated) {
              self->SetSignInError(tr("Wrong login or password."));
            } else if (IsNetworkTrouble(status)) {
              self->SetSignInError(
                  tr("The server at %1 cannot be reached. Check the address and your network.")
                      .arg(QString::fromStdString(host)));
            } else if (status.code() == absl::StatusCode::kPermissionDenied) {
              self->SetSignInError(tr("This user may not sign in. Ask your administrator."));
            } else {
              self->SetSignInError(tr("Sign-in failed: %1")
                                       .arg(QString::fromStdString(std::string(status.message()))));
            }
            return;
          }
          // Another user's data never stays on the device.
          const QString user = QString::fromStdString((*client)->user_id());
          if (self->settings_.value(kUserKey).toString() != user) self->RemoveDeviceData();
          self->settings_.setValue(kLoginKey, QString::fromStdString(login));
          self->settings_.setValue(kUserKey, user);
          self->StartSession(std::move(*client));
        },
        Qt::QueuedConnection);
  }).detach();
}

bool SessionManager::StartSession(std::unique_ptr<device::SyncClient> client) {
  QDir().mkpath(data_dir_);
  if (!repository_.IsOpen()) {
    const absl::Status opened =
        repository_.Open(replicaPath().toStdString(), DeviceId().toStdString());
    if (!opened.ok()) {
      SetSignInError(tr("The device's data cannot be opened: %1")
                         .arg(QString::fromStdString(std::string(opened.message()))));
      return false;
    }
  }
  client_ = std::move(client);
  user_id_ = QString::fromStdString(client_->user_id());
  const std::string user = client_->user_id(), token = client_->token();
  repository_.Run<absl::Status>(
      this, [user, token](device::Replica& replica) { return replica.StoreSession(user, token); },
      [](absl::Status) {});
  QPointer<SessionManager> self(this);
  auto worker = device::SyncWorker::Start(replicaPath().toStdString(), *client_,
                                          device::SyncWorker::Options{},
                                          [self](const device::WorkerEvent& event) {
                                            QMetaObject::invokeMethod(
                                                qApp,
                                                [self, event] {
                                                  if (!self.isNull()) self->OnWorkerEvent(event);
                                                },
                                                Qt::QueuedConnection);
                                          });
  if (!worker.ok()) {
    sync_error_ = QString::fromStdString(std::string(worker.status().message()));
    emit syncStateChanged();
  } else {
    worker_ = *std::move(worker);
    syncing_ = true;
    emit syncStateChanged();
  }
  if (!signed_in_) {
    signed_in_ = true;
    emit signedInChanged();
  }
  RefreshSyncLists();
  return true;
}

void SessionManager::StopSync() {
  if (worker_ != nullptr) worker_->Stop();
  worker_.reset();
  client_.reset();
}

void SessionManager::OnWorkerEvent(const device::WorkerEvent& event) {
  using Kind = device::WorkerEvent::Kind;
  switch (event.kind) {
    case Kind::kProgress:
      initial_done_ = static_cast<int>(event.done);
      initial_total_ = static_cast<int>(std::max(event.total, event.done));
      if (!initial_sync_running_ && event.total > 0 && event.done < event.total) {
        initial_sync_running_ = true;
      }
      emit progressChanged();
      repository_.NotifyRecordsChanged();
      return;
    case Kind::kSynced:
      online_ = true;
      syncing_ = false;
      last_sync_ = QDateTime::currentDateTime();
      sync_error_.clear();
      if (initial_sync_running_) {
        initial_sync_running_ = false;
        emit progressChanged();
      }
      emit syncStateChanged();
      if (event.report.pulled > 0 || event.report.pushed > 0) repository_.NotifyRecordsChanged();
      RefreshSyncLists();
      if (server_version_.isEmpty()) AskServerVersion();
      return;
    case Kind::kFailed:
      syncing_ = false;
      if (event.status.code() == absl::StatusCode::kUnauthenticated) {
        EndSession(tr("Your session has ended. Sign in again; your unsent changes are kept."));
        return;
      }
      online_ = online_ && !IsNetworkTrouble(event.status);
      sync_error_ = IsNetworkTrouble(event.status)
                        ? tr("The server cannot be reached. Changes are kept on this device.")
                        : QString::fromStdString(std::string(event.status.message()));
      emit syncStateChanged();
      return;
    case Kind::kRevoked:
      StopSync();
      RemoveDeviceData();
      EndSession(RevokedText());
      emit revoked();
      return;
    case Kind::kStreamDown:
      if (online_ && IsNetworkTrouble(event.status)) {
        online_ = false;
        emit syncStateChanged();
      }
      return;
  }
}

void SessionManager::AskServerVersion() {
  QPointer<SessionManager> self(this);
  std::thread([self, target = serverAddress().toStdString()] {
    auto stub =
        v1::ServerInfo::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetInfoResponse response;
    if (!stub->GetInfo(&context, v1::GetInfoRequest(), &response).ok()) return;
    const QString version = QString::fromStdString(response.server_version());
    QMetaObject::invokeMethod(
        qApp,
        [self, version] {
          if (self.isNull() || self->server_version_ == version) return;
          self->server_version_ = version;
          emit self->syncStateChanged();
        },
        Qt::QueuedConnection);
  }).detach();
}

void SessionManager::EndSession(const QString& message) {
  StopSync();
  repository_.Close();
  online_ = syncing_ = initial_sync_running_ = false;
  emit syncStateChanged();
  emit progressChanged();
  SetSignInError(message);
  if (signed_in_) {
    signed_in_ = false;
    emit signedInChanged();
  }
}

void SessionManager::RemoveDeviceData() {
  repository_.Close();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    QFile::remove(replicaPath() + QLatin1String(suffix));
  }
  settings_.remove(kUserKey);
}

QString SessionManager::RevokedText() {
  return tr("This device was revoked by your administrator. Its data has been removed.");
}

void SessionManager::signOut() {
  StopSync();
  RemoveDeviceData();
  settings_.remove(kLoginKey);
  user_id_.clear();
  user_name_.clear();
  user_role_.clear();
  outbox_.clear();
  conflicts_.clear();
  pending_count_ = rejected_count_ = 0;
  emit outboxChanged();
  emit userChanged();
  EndSession({});
}

void SessionManager::syncNow() {
  if (worker_ == nullptr) {
    // Paused: start again from the stored cursor, on a new client of the same session (a
    // stopped worker has cancelled its client for good).
    if (client_ == nullptr || !signed_in_) return;
    auto client = std::make_unique<device::SyncClient>(serverAddress().toStdString(),
                                                       DeviceId().toStdString());
    client->Resume(client_->token(), client_->user_id());
    worker_.reset();
    client_.reset();
    StartSession(std::move(client));
    return;
  }
  syncing_ = true;
  emit syncStateChanged();
  worker_->SyncSoon();
}

void SessionManager::pauseSync() {
  if (worker_ == nullptr) return;
  worker_->Stop();
  worker_.reset();
  syncing_ = false;
  emit syncStateChanged();
}

void SessionManager::discardChange(int seq) {
  repository_.Run<absl::Status>(
      this, [seq](device::Replica& replica) { return replica.Discard(seq); },
      [this](absl::Status) {
        repository_.NotifyRecordsChanged();
        RefreshSyncLists();
      });
}

void SessionManager::keepMine(int conflict_seq) { Resolve(conflict_seq, /*undo=*/false); }
void SessionManager::keepTheirs(int conflict_seq) { Resolve(conflict_seq, /*undo=*/true); }

void SessionManager::Resolve(int conflict_seq, bool keep_theirs) {
  RecordRepository* repository = &repository_;
  repository_.Run<absl::Status>(
      this,
      [conflict_seq, keep_theirs, repository](device::Replica& replica) -> absl::Status {
        auto conflicts = replica.Conflicts();
        if (!conflicts.ok()) return conflicts.status();
        for (const device::LocalConflict& c : *conflicts) {
          if (c.seq != conflict_seq) continue;
          // The side that won stays by taking the conflict off the list; the side that lost
          // comes back as a new change of this device's.
          const bool keep_winner = keep_theirs != c.mine_won;
          if (keep_winner) return replica.DismissConflict(conflict_seq);
          return replica.UndoConflict(conflict_seq, repository->NextHlc(), repository->NewId())
              .status();
        }
        return absl::NotFoundError("no such conflict");
      },
      [this](absl::Status) {
        repository_.NotifyRecordsChanged();
        RefreshSyncLists();
        if (worker_ != nullptr) worker_->SyncSoon();
      });
}

void SessionManager::setLanguage(const QString& code) {
  if (code == language()) return;
  settings_.setValue(kLanguageKey, code);
  emit languageChanged();
}

void SessionManager::setServerAddress(const QString& address) {
  if (signed_in_) return;
  settings_.setValue(kAddressKey, address.trimmed());
  emit serverAddressChanged();
}

void SessionManager::SetSignInError(const QString& message) {
  if (sign_in_error_ == message) return;
  sign_in_error_ = message;
  emit signInErrorChanged();
}

namespace {
struct SyncLists {
  QVariantList outbox;
  QVariantList conflicts;
  int pending = 0;
  int rejected = 0;
  QString user_name;
  QString user_role;
};
}  // namespace

void SessionManager::RefreshSyncLists() {
  if (!repository_.IsOpen()) return;
  const std::string user_id = user_id_.toStdString();
  repository_.Run<SyncLists>(
      this,
      [user_id](device::Replica& replica) {
        SyncLists out;
        const auto title = [&](const std::string& id) {
          auto record = replica.Read(id);
          return record.ok() && record->has_value() ? RecordTitle(**record)
                                                    : QString::fromStdString(id);
        };
        if (auto outbox = replica.Outbox(); outbox.ok()) {
          for (const device::OutboxEntry& entry : *outbox) {
            const EntitySpec& entity = Spec(entry.change.entity);
            QStringList fields;
            for (const auto& [number, value] : entry.change.changed) {
              if (const FieldSpec* field = entity.Field(number)) {
                fields.push_back(QString::fromStdString(field->name));
              }
            }
            (entry.rejected ? out.rejected : out.pending) += 1;
            out.outbox.push_back(QVariantMap{
                {QStringLiteral("seq"), static_cast<int>(entry.seq)},
                {QStringLiteral("entity"), QString::fromStdString(entity.name)},
                {QStringLiteral("recordId"), QString::fromStdString(entry.change.record_id)},
                {QStringLiteral("title"), title(entry.change.record_id)},
                {QStringLiteral("fields"), fields.join(QStringLiteral(", "))},
                {QStringLiteral("deleted"), entry.change.op == ChangeSet::Op::kDelete},
                {QStringLiteral("rejected"), entry.rejected},
                {QStringLiteral("reason"), QString::fromStdString(entry.reason)},
            });
          }
        }
        if (auto conflicts = replica.Conflicts(); conflicts.ok()) {
          for (const device::LocalConflict& c : *conflicts) {
            const FieldSpec* field = Spec(c.entity).Field(c.field);
            out.conflicts.push_back(QVariantMap{
                {QStringLiteral("seq"), static_cast<int>(c.seq)},
                {QStringLiteral("entity"), QString::fromStdString(Spec(c.entity).name)},
                {QStringLiteral("recordId"), QString::fromStdString(c.record_id)},
                {QStringLiteral("title"), title(c.record_id)},
                {QStringLiteral("field"),
                 field ? QString::fromStdString(field->name) : QString::number(c.field)},
                {QStringLiteral("mine"), ValueText(c.mine)},
                {QStringLiteral("theirs"), ValueText(c.theirs)},
                {QStringLiteral("mineWon"), c.mine_won},
            });
          }
        }
        if (auto user = replica.Read(user_id); user.ok() && user->has_value()) {
          const Value& name = (*user)->Get("display_name");
          const Value& role = (*user)->Get("role");
          if (name.is_string()) out.user_name = QString::fromStdString(name.string_value());
          if (role.is_string()) out.user_role = QString::fromStdString(role.string_value());
        }
        return out;
      },
      [this](SyncLists lists) {
        outbox_ = std::move(lists.outbox);
        conflicts_ = std::move(lists.conflicts);
        pending_count_ = lists.pending;
        rejected_count_ = lists.rejected;
        emit outboxChanged();
        if (lists.user_name != user_name_ || lists.user_role != user_role_) {
          user_name_ = lists.user_name.isEmpty() ? login() : lists.user_name;
          user_role_ = lists.user_role;
          emit userChanged();
        }
      });
}

}  // namespace mcrm::mobile
