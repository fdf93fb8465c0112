// Byte encodings the stores share: records and values as their wire messages, stamps as
// mcrm.store.v1.FieldStamps. Both stores keep the same bytes, so they can be compared.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "mcrm/hlc.h"
#include "mcrm/merge.h"
#include "mcrm/record.h"
#include "mcrm/value.h"

namespace mcrm::server {

std::string EncodeRecord(const Record& record);
absl::StatusOr<Record> DecodeRecord(absl::string_view bytes);

std::string EncodeStamps(const std::map<uint32_t, FieldStamp>& stamps);
absl::StatusOr<std::map<uint32_t, FieldStamp>> DecodeStamps(absl::string_view bytes);

std::string EncodeHlc(const HlcTimestamp& hlc);
HlcTimestamp DecodeHlc(absl::string_view bytes);

// The bytes of a bytea value in PostgreSQL's hex text format ("\x0a1b...").
absl::StatusOr<std::string> FromPgHex(absl::string_view text);

}  // namespace mcrm::server
