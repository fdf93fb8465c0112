// Watches the connection to mcrm-server and tells QML whether the server is reachable.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

namespace mcrm::mobile {

// Asks the server for its description every few seconds on a worker thread, so the UI never
// waits on the network, and publishes the answer as properties.
class ServerLink : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString serverAddress READ serverAddress CONSTANT)
  Q_PROPERTY(bool online READ online NOTIFY stateChanged)
  Q_PROPERTY(QString statusText READ statusText NOTIFY stateChanged)
  Q_PROPERTY(QString serverVersion READ serverVersion NOTIFY stateChanged)
  Q_PROPERTY(QString storeKind READ storeKind NOTIFY stateChanged)

 public:
  // `address` is a validated host:port.
  explicit ServerLink(QString address, QObject* parent = nullptr);
  ~ServerLink() override;

  QString serverAddress() const { return address_; }
  bool online() const { return online_; }
  QString statusText() const { return status_text_; }
  QString serverVersion() const { return server_version_; }
  QString storeKind() const { return store_kind_; }

  // Starts the background checks; the first answer arrives as a stateChanged signal.
  void start();

 signals:
  void stateChanged();

 private:
  struct Worker;
  void publish(bool online, QString status_text, QString version, QString store_kind);

  const QString address_;
  bool online_ = false;
  QString status_text_ = QStringLiteral("connecting");
  QString server_version_;
  QString store_kind_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace mcrm::mobile
