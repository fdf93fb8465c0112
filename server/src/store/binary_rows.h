// Query results in PostgreSQL's binary format. libpqxx 6.4 asks for every result as text, where
// a bytea value comes hex- or base64-encoded: PostgreSQL spends more time encoding a page of
// records than finding it, and the server as long again decoding it. The queries whose results
// are mostly stored bytes (records on pull and push) run through libpq directly instead, on the
// connection of a libpqxx transaction, and receive every value as it is stored.
#ifndef MCRM_SERVER_STORE_BINARY_ROWS_H_
#define MCRM_SERVER_STORE_BINARY_ROWS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pqxx {
class dbtransaction;
}
struct pg_result;

namespace mcrm::server {

class BinaryRows {
 public:
  // Runs `sql` in `tx` with `params` as text parameters ($1, $2, ...). Fails as libpqxx would,
  // with the same exceptions (pqxx::broken_connection, pqxx::sql_error with its SQLSTATE), so
  // that the store's retry and error mapping treat both alike.
  static BinaryRows Exec(pqxx::dbtransaction& tx, const std::string& sql,
                         absl::Span<const std::string> params);
  // The same for the statement prepared on the connection under `name`
  // (pqxx::connection::prepare); it is registered with PostgreSQL first if it is not yet.
  static BinaryRows ExecPrepared(pqxx::dbtransaction& tx, const std::string& name,
                                 absl::Span<const std::string> params);

  // Runs a statement that returns no rows (an INSERT, UPDATE or DELETE), given as its text or,
  // with `prepared`, as the name it was prepared under, with text parameters of which a nullptr
  // is SQL NULL (which libpqxx 6.4's dynamic parameters cannot send). Answers the rows it
  // changed; throws as libpqxx would.
  static int64_t Command(pqxx::dbtransaction& tx, const std::string& sql_or_name, bool prepared,
                         absl::Span<const char* const> values);

  int size() const;
  bool IsNull(int row, int column) const;
  // The value's bytes in binary format: a text or bytea value as stored. Valid while this lives.
  absl::string_view Get(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  explicit BinaryRows(pg_result* result) : result_(result) {}
  // Throws as libpqxx would when the statement (`what`) failed.
  static BinaryRows Checked(pg_result* result, const pqxx::dbtransaction& tx,
                            const std::string& what, bool rows_expected = true);
  std::unique_ptr<pg_result, Clear> result_;
};

}  // namespace mcrm::server

#endif  // MCRM_SERVER_STORE_BINARY_ROWS_H_
