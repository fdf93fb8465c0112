// The one SQLite prepared-statement wrapper, and the errors and transactions around it: used by
// the server's embedded store and by the device's replica, which must not depend on each other.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// As sqlite3.h declares them; callers include it for everything else.
struct sqlite3;
struct sqlite3_stmt;

namespace mcrm::sqlite {

// The connection's last error as a status: "<what>: <SQLite's message>". A busy, locked, full or
// unreadable file is UNAVAILABLE (trying again later may work), a damaged one DATA_LOSS, anything
// else INTERNAL.
absl::Status Error(sqlite3* db, absl::string_view what);

// Runs `sql` (any number of statements, no parameters). Failures read "sqlite: <message>" and
// carry the codes of Error().
absl::Status Exec(sqlite3* db, absl::string_view sql);

// A prepared statement, finalized on destruction. A statement that does not prepare keeps the
// error in status(), and Step() and Run() return it, so callers check once, where they run it.
//
// Binds return the statement, so that they chain. An empty view binds as an empty string or
// blob, never as NULL (an empty absl::string_view may have no data pointer, which SQLite would
// take for NULL); Null() binds NULL.
class Statement {
 public:
  Statement(sqlite3* db, absl::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  const absl::Status& status() const { return status_; }

  // Copy the bytes: `v` may go away right after the call.
  Statement& Text(int i, absl::string_view v);
  Statement& Blob(int i, absl::string_view v);
  // As Text and Blob, without a copy (for hot paths that bind views into data they hold):
  // SQLite reads the bytes at each Step, so they must stay alive and unchanged until the
  // statement has run for the last time with them (at the latest, until Reset() or destruction).
  Statement& TextRef(int i, absl::string_view v);
  Statement& BlobRef(int i, absl::string_view v);
  Statement& Int(int i, int64_t v);
  Statement& Double(int i, double v);
  Statement& Null(int i);

  // Moves to the next row: true when there is one, false when the statement is done.
  absl::StatusOr<bool> Step();
  // Steps once, for statements whose rows (if any) do not matter.
  absl::Status Run();
  // Makes the statement ready to run again, with no parameters bound. It also ends a running
  // SELECT, which would otherwise keep its read open (and block a DROP TABLE, for one).
  void Reset();

  // Columns of the current row (0-based). NULL reads as 0, 0.0 or empty.
  int64_t ColumnInt(int c) const;
  double ColumnDouble(int c) const;
  std::string ColumnText(int c) const;
  // Without a copy: the view points into the statement's row and is valid only until the next
  // Step() or Reset(), or the statement's destruction. Copy it (std::string) to keep it longer.
  absl::string_view ColumnBlob(int c) const;
  bool ColumnIsNull(int c) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

// Runs `work` (returning absl::Status) in one transaction, opened by `begin`: committed when it
// returns OK, rolled back otherwise (also when the commit fails). The default takes the write
// lock up front, so that two writers wait for each other at the start instead of one failing
// when it first writes.
template <typename Work>
absl::Status InTransaction(sqlite3* db, Work&& work, absl::string_view begin = "BEGIN IMMEDIATE") {
  if (absl::Status begun = Exec(db, begin); !begun.ok()) return begun;
  absl::Status status = std::forward<Work>(work)();
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok()) Exec(db, "ROLLBACK").IgnoreError();
  return status;
}

}  // namespace mcrm::sqlite
