// The connection pool's acquiring and returning of connections, and the mapping of libpqxx
// exceptions to statuses.
#include "store/pg/connection_pool.h"

#include "absl/strings/str_cat.h"
#include "store/pg/statements.h"

namespace mcrm::server {

absl::Status FromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("postgresql: connection lost: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(absl::StrCat("postgresql: ", e.what()));
    }
    if (state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("postgresql: ", e.what()));
    }
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("postgresql: commit in doubt: ", e.what()));
  }
  return absl::InternalError(absl::StrCat("postgresql: ", e.what()));
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_ptr<pqxx::connection> connection;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || free_slots_ > 0; });
    if (!idle_.empty()) {
      connection = std::move(idle_.front());
      idle_.pop_front();
    } else {
      --free_slots_;
    }
  }
  if (connection == nullptr || !connection->is_open()) {
    try {
      connection = std::make_unique<pqxx::connection>(uri_);
      PrepareStatements(*connection);
    } catch (const std::exception& e) {
      Return(nullptr);
      return FromException(e);
    }
  }
  return Lease(this, std::move(connection));
}

void ConnectionPool::Return(std::unique_ptr<pqxx::connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection != nullptr && connection->is_open()) {
      idle_.push_back(std::move(connection));
    } else {
      ++free_slots_;
    }
  }
  available_.notify_one();
}

}  // namespace mcrm::server
