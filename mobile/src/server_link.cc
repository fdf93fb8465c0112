#include "server_link.h"

#include <grpcpp/grpcpp.h>

#include <QMetaObject>
#include <QPointer>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "mcrm/v1/server_info.grpc.pb.h"

namespace mcrm::mobile {

// Owns the thread that calls the server; stops promptly when the link is destroyed.
struct ServerLink::Worker {
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  ~Worker() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (thread.joinable()) thread.join();
  }
};

ServerLink::ServerLink(QString address, QObject* parent)
    : QObject(parent), address_(std::move(address)) {}

ServerLink::~ServerLink() = default;

void ServerLink::start() {
  if (worker_) return;
  worker_ = std::make_unique<Worker>();
  Worker* worker = worker_.get();
  QPointer<ServerLink> self(this);
  const std::string target = address_.toStdString();
  worker->thread = std::thread([worker, self, target] {
    auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    auto stub = mcrm::v1::ServerInfo::NewStub(channel);
    constexpr auto kPollInterval = std::chrono::seconds(3);
    while (true) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      mcrm::v1::GetInfoResponse response;
      const grpc::Status status = stub->GetInfo(&context, mcrm::v1::GetInfoRequest(), &response);
      const bool online = status.ok();
      QString text =
          online
              ? QStringLiteral("connected")
              : QStringLiteral("offline: %1").arg(QString::fromStdString(status.error_message()));
      QString version = QString::fromStdString(response.server_version());
      QString store = QString::fromStdString(response.store_kind());
      QMetaObject::invokeMethod(
          self,
          [self, online, text, version, store] {
            if (self) self->publish(online, text, version, store);
          },
          Qt::QueuedConnection);
      std::unique_lock lock(worker->mutex);
      if (worker->wake.wait_for(lock, kPollInterval, [worker] { return worker->stopping; })) break;
    }
  });
}

void ServerLink::publish(bool online, QString status_text, QString version, QString store_kind) {
  if (online == online_ && status_text == status_text_ && version == server_version_ &&
      store_kind == store_kind_) {
    return;
  }
  online_ = online;
  status_text_ = std::move(status_text);
  server_version_ = std::move(version);
  store_kind_ = std::move(store_kind);
  emit stateChanged();
}

}  // namespace mcrm::mobile
