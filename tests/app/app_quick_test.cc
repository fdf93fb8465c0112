// Qt Quick Test entry point for the app's QML: registers the same C++ singletons as the app.
#include <QtQuickTest/quicktest.h>

#include <QObject>
#include <QQmlEngine>

#include "app_setup.h"
#include "server_link.h"

namespace {

class AppSetup : public QObject {
  Q_OBJECT

 public slots:
  void applicationAvailable() {
    // Port 9 (discard) on loopback: nothing answers, so the app shows itself offline.
    link_ = new mcrm::mobile::ServerLink(QStringLiteral("127.0.0.1:9"), this);
    mcrm::mobile::RegisterQmlSingletons(link_);
    link_->start();
  }

 private:
  mcrm::mobile::ServerLink* link_ = nullptr;
};

}  // namespace

QUICK_TEST_MAIN_WITH_SETUP(mcrm_app, AppSetup)

#include "app_quick_test.moc"
