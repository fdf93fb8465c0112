#include "store/binary_rows.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <pqxx/pqxx>
#include <vector>

namespace mcrm::server {
namespace {

// libpqxx keeps the connection of a transaction to itself, but hands it to large objects, which
// call libpq directly; a large-object subclass may ask for it.
class LibpqConnection final : pqxx::largeobject {
 public:
  static PGconn* Of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

// Text parameters for libpq, which wants C strings.
std::vector<const char*> Values(absl::Span<const std::string> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  return values;
}

}  // namespace

BinaryRows BinaryRows::Exec(pqxx::dbtransaction& tx, const std::string& sql,
                            absl::Span<const std::string> params) {
  const std::vector<const char*> values = Values(params);
  return Checked(PQexecParams(LibpqConnection::Of(tx), sql.c_str(), static_cast<int>(values.size()),
                              /*paramTypes=*/nullptr, values.data(), /*paramLengths=*/nullptr,
                              /*paramFormats=*/nullptr,
                              /*resultFormat=*/1),
                 tx, sql);
}

BinaryRows BinaryRows::ExecPrepared(pqxx::dbtransaction& tx, const std::string& name,
                                    absl::Span<const std::string> params) {
  tx.conn().prepare_now(name);  // nothing to do once it is
  const std::vector<const char*> values = Values(params);
  return Checked(PQexecPrepared(LibpqConnection::Of(tx), name.c_str(),
                                static_cast<int>(values.size()), values.data(),
                                /*paramLengths=*/nullptr, /*paramFormats=*/nullptr,
                                /*resultFormat=*/1),
                 tx, "[EXECUTE " + name + "]");
}

int64_t BinaryRows::Command(pqxx::dbtransaction& tx, const std::string& sql_or_name, bool prepared,
                            absl::Span<const char* const> values) {
  PGconn* connection = LibpqConnection::Of(tx);
  const int n = static_cast<int>(values.size());
  BinaryRows done = prepared
                        ? (tx.conn().prepare_now(sql_or_name),
                           Checked(PQexecPrepared(connection, sql_or_name.c_str(), n, values.data(),
                                                  nullptr, nullptr, 0),
                                   tx, "[EXECUTE " + sql_or_name + "]", /*rows_expected=*/false))
                        : Checked(PQexecParams(connection, sql_or_name.c_str(), n, nullptr,
                                               values.data(), nullptr, nullptr, 0),
                                  tx, sql_or_name, /*rows_expected=*/false);
  const char* changed = PQcmdTuples(done.result_.get());
  return changed == nullptr || *changed == '\0' ? 0 : std::strtoll(changed, nullptr, 10);
}

BinaryRows BinaryRows::Checked(pg_result* result, const pqxx::dbtransaction& tx,
                               const std::string& what, bool rows_expected) {
  BinaryRows rows(result);
  if (result != nullptr && PQresultStatus(result) == PGRES_TUPLES_OK) return rows;
  if (!rows_expected && result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK) {
    return rows;
  }
  PGconn* connection = LibpqConnection::Of(tx);
  if (PQstatus(connection) == CONNECTION_BAD) {
    throw pqxx::broken_connection(PQerrorMessage(connection));
  }
  const char* message =
      result == nullptr ? PQerrorMessage(connection) : PQresultErrorMessage(result);
  const char* sqlstate = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  throw pqxx::sql_error(message, what, sqlstate);
}

int BinaryRows::size() const { return PQntuples(result_.get()); }

bool BinaryRows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

absl::string_view BinaryRows::Get(int row, int column) const {
  return absl::string_view(PQgetvalue(result_.get(), row, column),
                           static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

void BinaryRows::Clear::operator()(pg_result* result) const { PQclear(result); }

}  // namespace mcrm::server
