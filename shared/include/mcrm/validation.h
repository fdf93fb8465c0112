// Validation of records, one function per entity, used by both the server and the app.
// Every error is INVALID_ARGUMENT (FAILED_PRECONDITION for state rules) and names the field and
// the rule, e.g. "account.emails[1]: not an email address".
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mcrm/record.h"
#include "mcrm/schema.h"
#include "mcrm/value.h"

namespace mcrm {

// Each checks the record's id, the declared rules of every field (type, required, format, range,
// enum values, struct shapes) and the entity's rules that involve several fields.
absl::Status ValidateAccount(const Record& record);
absl::Status ValidateContact(const Record& record);
absl::Status ValidateSite(const Record& record);
absl::Status ValidateInteraction(const Record& record);
absl::Status ValidateOpportunity(const Record& record);
absl::Status ValidateProduct(const Record& record);
absl::Status ValidateOrder(const Record& record);
absl::Status ValidateCase(const Record& record);
absl::Status ValidateServiceTask(const Record& record);
absl::Status ValidateCampaign(const Record& record);
absl::Status ValidateCampaignTarget(const Record& record);
absl::Status ValidateCompetitorNote(const Record& record);
absl::Status ValidateUser(const Record& record);
absl::Status ValidateTerritory(const Record& record);

// The function above for the record's entity, then the bound on a whole record's size
// (kMaxRecordBytes, record.h): INVALID_ARGUMENT "service_task: the record would take ... bytes".
absl::Status ValidateRecord(const Record& record);

// Checks one value against its field's declared rules; `path` prefixes the message
// ("account.emails"). Null passes (whether a field may be empty is the record's concern).
absl::Status ValidateFieldValue(const FieldSpec& field, const Value& value, absl::string_view path);

// The default limits when a field declares none.
inline constexpr int64_t kDefaultStringMaxLength = 500;
inline constexpr int64_t kDefaultTextMaxLength = 20000;
inline constexpr int64_t kDefaultMaxItems = 100;

}  // namespace mcrm
