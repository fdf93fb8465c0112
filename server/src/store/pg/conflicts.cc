// The conflict log reads of the PostgreSQL store: one statement over the conflicts table, keyed
// by record or by user.
#include "store/pg/conflicts.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "store/encoding.h"
#include "store/pg/params.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

absl::StatusOr<std::vector<ConflictEntry>> Conflicts(PgRunner& runner, absl::string_view where,
                                                     absl::string_view key, int limit) {
  std::vector<ConflictEntry> out;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result rows = tx.exec_params(
        absl::StrCat(
            "SELECT entity, record_id, field, incoming, stored, incoming_hlc, "
            "stored_hlc, incoming_won, device_id, user_id, server_version, at_ms, via, seq FROM "
            "conflicts WHERE ",
            where, " ORDER BY seq DESC LIMIT $2"),
        std::string(key), limit);
    for (const auto& row : rows) {
      ConflictEntry c;
      c.entity = static_cast<EntityType>(row[0].as<int>());
      c.record_id = row[1].as<std::string>();
      c.conflict.field = row[2].as<uint32_t>();
      ASSIGN_OR_RETURN(std::string incoming, Bytes(row[3]));
      ASSIGN_OR_RETURN(std::string stored, Bytes(row[4]));
      ASSIGN_OR_RETURN(std::string incoming_hlc, Bytes(row[5]));
      ASSIGN_OR_RETURN(std::string stored_hlc, Bytes(row[6]));
      c.conflict.incoming = wire::DecodeValue(incoming);
      c.conflict.stored = wire::DecodeValue(stored);
      c.conflict.incoming_hlc = DecodeHlc(incoming_hlc);
      c.conflict.stored_hlc = DecodeHlc(stored_hlc);
      c.conflict.incoming_won = row[7].as<bool>();
      c.device_id = row[8].as<std::string>();
      c.user_id = row[9].as<std::string>();
      c.server_version = row[10].as<int64_t>();
      c.at_ms = row[11].as<int64_t>();
      c.via = row[12].as<std::string>();
      c.seq = row[13].as<int64_t>();
      out.push_back(std::move(c));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ConflictEntry>> ConflictsForRecordPostgres(PgRunner& runner,
                                                                      absl::string_view record_id) {
  return Conflicts(runner, "record_id = $1", record_id, 1000);
}

absl::StatusOr<std::vector<ConflictEntry>> ConflictsForUserPostgres(PgRunner& runner,
                                                                    absl::string_view user_id,
                                                                    int limit) {
  return Conflicts(runner, "user_id = $1", user_id, limit);
}

absl::StatusOr<std::optional<ConflictEntry>> ConflictBySeqPostgres(PgRunner& runner, int64_t seq) {
  ASSIGN_OR_RETURN(std::vector<ConflictEntry> found,
                   Conflicts(runner, "seq = $1::bigint", absl::StrCat(seq), 1));
  if (found.empty()) return std::optional<ConflictEntry>();
  return std::optional<ConflictEntry>(std::move(found[0]));
}

}  // namespace mcrm::server
