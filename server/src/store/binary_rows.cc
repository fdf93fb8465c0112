#include "store/binary_rows.h"

#include <libpq-fe.h>

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

}  // namespace

BinaryRows BinaryRows::Exec(pqxx::dbtransaction& tx, const std::string& sql,
                            absl::Span<const std::string> params) {
  PGconn* connection = LibpqConnection::Of(tx);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  BinaryRows rows(PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()),
                               /*paramTypes=*/nullptr, values.data(), /*paramLengths=*/nullptr,
                               /*paramFormats=*/nullptr, /*resultFormat=*/1));
  const ExecStatusType status =
      rows.result_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(rows.result_.get());
  if (status == PGRES_TUPLES_OK) return rows;
  if (PQstatus(connection) == CONNECTION_BAD) {
    throw pqxx::broken_connection(PQerrorMessage(connection));
  }
  const char* message = rows.result_ == nullptr ? PQerrorMessage(connection)
                                                : PQresultErrorMessage(rows.result_.get());
  const char* sqlstate =
      rows.result_ == nullptr ? nullptr : PQresultErrorField(rows.result_.get(), PG_DIAG_SQLSTATE);
  throw pqxx::sql_error(message, sql, sqlstate);
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
