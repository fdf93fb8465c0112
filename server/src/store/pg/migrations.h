// The PostgreSQL store's schema: its migrations and the applying of them.
#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"

namespace mcrm::server {

// Brings the schema up to kStoreSchemaVersion in `tx`, under an advisory lock so that one server
// migrates at a time. FAILED_PRECONDITION for a database written by a newer mcrm-server.
absl::Status MigratePostgres(pqxx::work& tx);

}  // namespace mcrm::server
