#include "record_repository.h"

#include <QDateTime>

#include "mcrm/hlc.h"
#include "mcrm/uuid.h"
#include "replica.h"

namespace mcrm::mobile {
namespace {
int64_t NowMs() { return QDateTime::currentMSecsSinceEpoch(); }
RecordRepository* g_default = nullptr;
}  // namespace

RecordRepository* RecordRepository::Default() { return g_default; }
void RecordRepository::SetDefault(RecordRepository* repository) { g_default = repository; }

RecordRepository::RecordRepository(QObject* parent) : QObject(parent) {
  thread_.setObjectName(QStringLiteral("replica-io"));
  worker_ = new QObject;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start();
}

RecordRepository::~RecordRepository() {
  Close();
  thread_.quit();
  thread_.wait();
}

absl::Status RecordRepository::Open(const std::string& path, const std::string& device_id) {
  Close();
  absl::Status status;
  QMetaObject::invokeMethod(
      worker_,
      [&] {
        auto replica = device::Replica::Open(path);
        if (!replica.ok()) {
          status = replica.status();
          return;
        }
        replica_ = *std::move(replica);
        clock_ = std::make_unique<HybridClock>(device_id, &NowMs);
        ids_ = std::make_unique<UuidV7Generator>();
      },
      Qt::BlockingQueuedConnection);
  open_ = status.ok();
  return status;
}

void RecordRepository::Close() {
  if (!open_) return;
  open_ = false;
  QMetaObject::invokeMethod(
      worker_, [&] { replica_.reset(); }, Qt::BlockingQueuedConnection);
}

void RecordRepository::Post(std::function<void(device::Replica&)> work) {
  QMetaObject::invokeMethod(
      worker_,
      [this, work = std::move(work)] {
        // Work queued before a Close finds no replica: the page that asked is gone with it.
        if (replica_ != nullptr) work(*replica_);
      },
      Qt::QueuedConnection);
}

HlcTimestamp RecordRepository::NextHlc() { return clock_->Now(); }

std::string RecordRepository::NewId() { return ids_->NextString(NowMs()); }

}  // namespace mcrm::mobile
