#include "app_setup.h"

#include <QQmlEngine>

#include "server_link.h"

namespace mcrm::mobile {

void RegisterQmlSingletons(ServerLink* link) {
  qmlRegisterSingletonInstance("MCrm.Core", 1, 0, "ServerLink", link);
}

}  // namespace mcrm::mobile
