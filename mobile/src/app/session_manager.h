// The signed-in session: sign-in and sign-out, the device's identity, the replica the app works
// on, and the sync worker that keeps it in step with the server. QML's `Session` singleton.
// Nothing here waits on the network or the replica on the UI thread: sign-in runs on a thread
// of its own, sync on the sync worker's, reads and writes on the repository's.
#pragma once

#include <QDateTime>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QVariantList>
#include <memory>

namespace mcrm::device {
class SyncClient;
class SyncWorker;
struct WorkerEvent;
}  // namespace mcrm::device

namespace mcrm::mobile {

class RecordRepository;

class SessionManager : public QObject {
  Q_OBJECT
  Q_PROPERTY(bool signedIn READ signedIn NOTIFY signedInChanged)
  Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
  Q_PROPERTY(QString signInError READ signInError NOTIFY signInErrorChanged)
  Q_PROPERTY(QString serverAddress READ serverAddress NOTIFY serverAddressChanged)
  Q_PROPERTY(QString login READ login NOTIFY signedInChanged)
  Q_PROPERTY(QString userId READ userId NOTIFY signedInChanged)
  Q_PROPERTY(QString userName READ userName NOTIFY userChanged)
  Q_PROPERTY(QString userRole READ userRole NOTIFY userChanged)
  Q_PROPERTY(bool online READ online NOTIFY syncStateChanged)
  Q_PROPERTY(bool syncing READ syncing NOTIFY syncStateChanged)
  Q_PROPERTY(QDateTime lastSync READ lastSync NOTIFY syncStateChanged)
  Q_PROPERTY(QString syncError READ syncError NOTIFY syncStateChanged)
  Q_PROPERTY(bool initialSyncRunning READ initialSyncRunning NOTIFY progressChanged)
  Q_PROPERTY(int initialSyncDone READ initialSyncDone NOTIFY progressChanged)
  Q_PROPERTY(int initialSyncTotal READ initialSyncTotal NOTIFY progressChanged)
  Q_PROPERTY(int pendingCount READ pendingCount NOTIFY outboxChanged)
  Q_PROPERTY(int rejectedCount READ rejectedCount NOTIFY outboxChanged)
  Q_PROPERTY(int conflictCount READ conflictCount NOTIFY outboxChanged)
  Q_PROPERTY(QVariantList outbox READ outbox NOTIFY outboxChanged)
  Q_PROPERTY(QVariantList conflicts READ conflicts NOTIFY outboxChanged)
  Q_PROPERTY(QString appVersion READ appVersion CONSTANT)
  Q_PROPERTY(QString serverVersion READ serverVersion NOTIFY syncStateChanged)
  Q_PROPERTY(QString language READ language NOTIFY languageChanged)

 public:
  // `data_dir` holds the replica file and the settings (server address, login, device id,
  // language). `default_address` is used before the first sign-in.
  SessionManager(RecordRepository& repository, QString data_dir, QString default_address,
                 QObject* parent = nullptr);
  ~SessionManager() override;

  // Opens the replica of the last session, if any, and starts syncing it: after the first
  // sign-in the app opens straight onto its data, offline too.
  void Resume();

  bool signedIn() const { return signed_in_; }
  bool busy() const { return busy_; }
  QString signInError() const { return sign_in_error_; }
  QString serverAddress() const;
  QString login() const;
  QString userId() const { return user_id_; }
  QString userName() const { return user_name_; }
  QString userRole() const { return user_role_; }
  bool online() const { return online_; }
  bool syncing() const { return syncing_; }
  QDateTime lastSync() const { return last_sync_; }
  QString syncError() const { return sync_error_; }
  bool initialSyncRunning() const { return initial_sync_running_; }
  int initialSyncDone() const { return initial_done_; }
  int initialSyncTotal() const { return initial_total_; }
  int pendingCount() const { return pending_count_; }
  int rejectedCount() const { return rejected_count_; }
  int conflictCount() const { return static_cast<int>(conflicts_.size()); }
  QVariantList outbox() const { return outbox_; }
  QVariantList conflicts() const { return conflicts_; }
  QString appVersion() const;
  QString serverVersion() const { return server_version_; }
  QString language() const;

  Q_INVOKABLE void signIn(const QString& address, const QString& login, const QString& password);
  Q_INVOKABLE int unsentCount() const { return pending_count_ + rejected_count_; }
  Q_INVOKABLE void signOut();
  Q_INVOKABLE void syncNow();
  Q_INVOKABLE void pauseSync();
  Q_INVOKABLE void discardChange(int seq);
  Q_INVOKABLE void keepMine(int conflict_seq);
  Q_INVOKABLE void keepTheirs(int conflict_seq);
  Q_INVOKABLE void setLanguage(const QString& code);
  Q_INVOKABLE void setServerAddress(const QString& address);

  // The replica file of this installation.
  QString replicaPath() const;

 signals:
  void signedInChanged();
  void busyChanged();
  void signInErrorChanged();
  void serverAddressChanged();
  void userChanged();
  void syncStateChanged();
  void progressChanged();
  void outboxChanged();
  void languageChanged();
  void revoked();

 private:
  // The device id, made once per installation.
  QString DeviceId();
  // Opens the replica and starts syncing with `client`, which is signed in.
  bool StartSession(std::unique_ptr<device::SyncClient> client);
  void StopSync();
  // Closes and deletes the replica (its log files too) and forgets whose it was: after a
  // revocation, a sign-out, or before another user's first sign-in.
  void RemoveDeviceData();
  static QString RevokedText();
  void OnWorkerEvent(const device::WorkerEvent& event);
  // Re-reads the outbox, the conflicts and the user's own record.
  void RefreshSyncLists();
  void SetSignInError(const QString& message);
  // Asks the server for its version (shown in the settings), off the UI thread.
  void AskServerVersion();
  void EndSession(const QString& message);
  // Conflicts are resolved as new changes: the worker is asked to sync after each.
  void Resolve(int conflict_seq, bool keep_theirs);

  RecordRepository& repository_;
  const QString data_dir_;
  const QString default_address_;
  QSettings settings_;
  std::unique_ptr<device::SyncClient> client_;
  std::unique_ptr<device::SyncWorker> worker_;

  bool signed_in_ = false;
  bool busy_ = false;
  QString sign_in_error_;
  QString user_id_, user_name_, user_role_;
  bool online_ = false;
  bool syncing_ = false;
  QDateTime last_sync_;
  QString sync_error_;
  bool initial_sync_running_ = false;
  int initial_done_ = 0;
  int initial_total_ = 0;
  int pending_count_ = 0;
  int rejected_count_ = 0;
  QVariantList outbox_;
  QVariantList conflicts_;
  QString server_version_;
};

}  // namespace mcrm::mobile
