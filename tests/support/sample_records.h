// Valid records of every entity, for tests to start from and then break one rule at a time.
#pragma once

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

}  // namespace mcrm::testing
