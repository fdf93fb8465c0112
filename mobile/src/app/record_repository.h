// The app's access to its replica: one connection of its own, used on one I/O thread, so that
// no read or write of the replica ever runs on the UI thread. Models and controllers hand it
// work and get the result back on their own thread; it tells them when records changed, by id
// for a local write and as a whole for a synced batch, so that lists update in place.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace mcrm {
class HybridClock;
class UuidV7Generator;
struct HlcTimestamp;
}  // namespace mcrm

namespace mcrm::device {
class Replica;
}

namespace mcrm::mobile {

class RecordRepository : public QObject {
  Q_OBJECT

 public:
  explicit RecordRepository(QObject* parent = nullptr);
  ~RecordRepository() override;

  // The repository the models and controllers QML makes use (they are made without arguments).
  static RecordRepository* Default();
  static void SetDefault(RecordRepository* repository);

  // Opens the replica file on the I/O thread (and waits for that: it is the app's start, and
  // nothing can be shown before); `device_id` names the device's clock.
  absl::Status Open(const std::string& path, const std::string& device_id);
  // Closes it (waits for the work queued before).
  void Close();
  bool IsOpen() const { return open_; }

  // Runs `work` on the I/O thread with the replica (never null there), then `done` with its
  // result on `context`'s thread, unless `context` is gone by then. Work runs in the order
  // given.
  template <typename Result>
  void Run(QObject* context, std::function<Result(device::Replica&)> work,
           std::function<void(Result)> done) {
    QPointer<QObject> guard(context);
    Post([guard, work = std::move(work), done = std::move(done)](device::Replica& replica) {
      auto result = std::make_shared<Result>(work(replica));
      if (guard.isNull()) return;
      QMetaObject::invokeMethod(
          guard.data(),
          [guard, result, done] {
            if (!guard.isNull()) done(std::move(*result));
          },
          Qt::QueuedConnection);
    });
  }

  // A timestamp and a mutation id for a local write (on the I/O thread only).
  HlcTimestamp NextHlc();
  std::string NewId();

  // Tell the lists: a local write changed record `id`; or a synced batch changed any number.
  void NotifyRecordChanged(const QString& id) { emit recordChanged(id); }
  void NotifyRecordsChanged() { emit recordsChanged(); }

 signals:
  void recordChanged(const QString& id);
  void recordsChanged();

 private:
  void Post(std::function<void(device::Replica&)> work);

  QThread thread_;
  QObject* worker_ = nullptr;  // lives on thread_; work is posted to it
  std::unique_ptr<device::Replica> replica_;
  std::unique_ptr<HybridClock> clock_;
  std::unique_ptr<UuidV7Generator> ids_;
  bool open_ = false;
};

}  // namespace mcrm::mobile
