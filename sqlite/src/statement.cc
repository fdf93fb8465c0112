#include "mcrm/sqlite/statement.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace mcrm::sqlite {
namespace {

absl::Status StatusOf(int code, const std::string& message) {
  // Extended codes (when a connection enables them) carry the primary code in the low byte.
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

// An empty view may have no data pointer, which SQLite would bind as NULL.
const char* DataOf(absl::string_view v) { return v.empty() ? "" : v.data(); }

}  // namespace

absl::Status Error(sqlite3* db, absl::string_view what) {
  return StatusOf(sqlite3_errcode(db), absl::StrCat(what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, absl::string_view sql) {
  const std::string terminated(sql);  // sqlite3_exec takes no length
  char* message = nullptr;
  const int rc = sqlite3_exec(db, terminated.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return absl::OkStatus();
  absl::Status status =
      StatusOf(rc, absl::StrCat("sqlite: ", message != nullptr ? message : sqlite3_errstr(rc)));
  sqlite3_free(message);
  return status;
}

Statement::Statement(sqlite3* db, absl::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    status_ = Error(db, "prepare");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Text(int i, absl::string_view v) {
  sqlite3_bind_text(stmt_, i, DataOf(v), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Blob(int i, absl::string_view v) {
  sqlite3_bind_blob(stmt_, i, DataOf(v), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::TextRef(int i, absl::string_view v) {
  sqlite3_bind_text(stmt_, i, DataOf(v), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::BlobRef(int i, absl::string_view v) {
  sqlite3_bind_blob(stmt_, i, DataOf(v), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::Int(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Statement& Statement::Double(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}

Statement& Statement::Null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (!status_.ok()) return status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(db_, "step");
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  return row.ok() ? absl::OkStatus() : row.status();
}

void Statement::Reset() {
  // sqlite3_clear_bindings does not accept the null of a statement that did not prepare.
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int c) const { return sqlite3_column_int64(stmt_, c); }

double Statement::ColumnDouble(int c) const { return sqlite3_column_double(stmt_, c); }

std::string Statement::ColumnText(int c) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
  return p != nullptr ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
                      : std::string();
}

absl::string_view Statement::ColumnBlob(int c) const {
  // The pointer first, then the size: that is the order SQLite documents as safe.
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
  return p != nullptr ? absl::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
                      : absl::string_view();
}

bool Statement::ColumnIsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

}  // namespace mcrm::sqlite
