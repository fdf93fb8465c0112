// The PostgreSQL store's connections: a bounded pool (ConnectionPool), the mapping of libpqxx
// exceptions to statuses (FromException), and the runners that do a read or a transaction on a
// pooled connection and retry it on a connection found broken (PgRunner).
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mcrm/status_macros.h"

namespace mcrm::server {

// Turns a libpqxx exception into the most specific status.
absl::Status FromException(const std::exception& e);

// A bounded set of connections. A connection that broke is dropped and made anew on next use,
// so a restart of PostgreSQL costs failed calls (UNAVAILABLE), never the server.
class ConnectionPool {
 public:
  ConnectionPool(std::string uri, int size)
      : uri_(std::move(uri)), size_(size), free_slots_(size) {}

  int size() const { return size_; }

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> c)
        : pool_(pool), c_(std::move(c)) {}
    // A moved-from lease returns nothing: only the last holder gives the slot back.
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), c_(std::move(other.c_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(c_));
    }
    pqxx::connection& operator*() { return *c_; }
    // Drops the connection instead of returning it (after a connection error).
    void Discard() { c_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> c_;
  };

  absl::StatusOr<Lease> Acquire();

 private:
  void Return(std::unique_ptr<pqxx::connection> connection);

  const std::string uri_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::deque<std::unique_ptr<pqxx::connection>> idle_;
  int free_slots_;
};

// Runs work on the connections of a pool, retrying it where that is safe.
class PgRunner {
 public:
  explicit PgRunner(ConnectionPool& pool) : pool_(pool) {}

  // Runs read-only `work` on a pooled connection without a transaction block: each statement
  // runs in its own snapshot, as it would in a READ COMMITTED transaction, and the BEGIN and
  // COMMIT round trips are saved (three calls of them per authenticated request). Work that
  // reads through BinaryRows needs a transaction object (`Tx` = pqxx::read_transaction), and
  // pays those two round trips (a pull page, a record read); its statements still each take
  // their own snapshot. A broken connection is replaced and the work run again. Unlike a
  // transaction's BEGIN, a statement outside one does not bring a connection back after PostgreSQL
  // restarted, so after a restart every pooled connection fails once: reads (harmless to repeat) go
  // through as many of them as the pool holds, and then a new one.
  template <typename Tx = pqxx::nontransaction, typename Work>
  absl::Status Read(Work&& work) {
    absl::Status status;
    for (int attempt = 0; attempt <= pool_.size(); ++attempt) {
      ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
      try {
        Tx tx(*lease);
        return work(tx);
      } catch (const std::exception& e) {
        status = FromException(e);
        if (!absl::IsUnavailable(status)) return status;
        lease.Discard();
      }
    }
    return status;
  }

  // Runs `work` in a transaction on a pooled connection; commits when it returns OK. A
  // connection found broken (PostgreSQL restarted since it was opened) is replaced and the work
  // run once more: nothing was committed on it. A commit whose outcome is unknown is not retried.
  template <typename Work>
  absl::Status Run(Work&& work) {
    absl::Status status;
    for (int attempt = 0; attempt < 2; ++attempt) {
      ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
      bool committing = false;
      try {
        pqxx::work tx(*lease);
        status = work(tx);
        if (status.ok()) {
          committing = true;
          tx.commit();
        } else {
          tx.abort();
        }
        return status;
      } catch (const std::exception& e) {
        status = FromException(e);
        if (!absl::IsUnavailable(status)) return status;
        lease.Discard();
        if (committing || dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return status;
      }
    }
    return status;
  }

 private:
  ConnectionPool& pool_;
};

}  // namespace mcrm::server
