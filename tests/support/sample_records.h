// Valid records of every entity, for tests to start from and then break one rule at a time.
#pragma once

#include <chrono>

#include "absl/strings/string_view.h"
#include "mcrm/merge.h"
#include "mcrm/record.h"
#include "mcrm/schema.h"

namespace mcrm::testing {

// Fixed UUIDv7s so failures print the same ids every run.
inline constexpr const char* kAccountId = "01890a5d-ac96-774b-bcce-b302099a8057";
inline constexpr const char* kContactId = "01890a5d-ac96-774b-bcce-b302099a8058";
inline constexpr const char* kUserId = "01890a5d-ac96-774b-bcce-b302099a8059";
inline constexpr const char* kTerritoryId = "01890a5d-ac96-774b-bcce-b302099a805a";
inline constexpr const char* kProductId = "01890a5d-ac96-774b-bcce-b302099a805b";
inline constexpr const char* kCampaignId = "01890a5d-ac96-774b-bcce-b302099a805c";
inline constexpr const char* kRecordId = "01890a5d-ac96-774b-bcce-b302099a8000";

// A record of `entity` with id kRecordId that passes ValidateRecord, with most fields set.
Record ValidSample(EntityType entity);

// A record with `sample`'s entity and fields, as a create through the merge stores it: id
// `record_id`, version 1, stamped at `at_ms` by node "test". Fails the test when the merge
// refuses the fields.
StoredRecord CreatedThroughMerge(const Record& sample, std::string record_id,
                                 std::string mutation_id, int64_t at_ms);

// The number of the field `name` of `entity` (which must exist). Short: tests use it on every
// line that builds a change.
inline uint32_t F(EntityType entity, absl::string_view name) {
  return Spec(entity).FieldByName(name)->number;
}

// The wall clock in ms since the Unix epoch.
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mcrm::testing
