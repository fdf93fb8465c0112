// PgTx: the work of one PostgreSQL transaction (the StoreTx of the PostgreSQL store), the
// per-transaction reads and batch writes of a push.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "store/store.h"

namespace mcrm::server {

class PgTx final : public StoreTx {
 public:
  explicit PgTx(pqxx::dbtransaction& tx, bool lock_rows = true) : tx_(tx), lock_rows_(lock_rows) {}

  absl::Status SerializeDevice(absl::string_view device_id) override;
  absl::StatusOr<std::vector<StoredRecord>> LoadRecords(absl::Span<const std::string> ids) override;
  absl::StatusOr<std::vector<StoredRecord>> PeekRecords(absl::Span<const std::string> ids) override;
  absl::Status SaveRecords(absl::Span<const StoredRecord> records) override;
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> FindMutationResults(
      absl::string_view device_id, absl::Span<const std::string> mutation_ids) override;
  absl::Status SaveMutationResults(
      absl::string_view device_id,
      absl::Span<const std::pair<std::string, std::string>> results) override;
  absl::Status AppendConflicts(absl::Span<const ConflictEntry> conflicts) override;
  absl::Status RecordScopeExits(absl::Span<const Record> before) override;
  absl::Status TouchRecordsOfAccounts(absl::Span<const std::string> account_ids) override;
  absl::Status RequireResync(absl::string_view user_id) override;
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> IdsOfKeys(
      EntityType entity, absl::Span<const std::string> keys) override;
  absl::Status SaveKeys(EntityType entity,
                        absl::Span<const std::pair<std::string, std::string>> keys) override;

 private:
  absl::StatusOr<std::vector<StoredRecord>> ReadRecords(absl::Span<const std::string> ids,
                                                        bool lock);

  pqxx::dbtransaction& tx_;
  const bool lock_rows_;
};

}  // namespace mcrm::server
