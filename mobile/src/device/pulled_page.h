// A pulled page as the device receives it: the records stay in their wire form (each an encoded
// mcrm.v1.Record), because that is also how the replica stores them. Reading a page this way
// skips building thousands of messages per page only to encode each one again; what the
// replica needs of a record (its id, version and account) is read from the bytes.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/schema.h"
#include "mcrm/value.h"

namespace mcrm::v1 {
class PullResponse;
}

namespace mcrm::device {

struct ListRowValues;

// What the replica keeps of a record beside its bytes. The views point into the bytes read.
struct PulledRecord {
  absl::string_view encoded;  // the whole encoded mcrm.v1.Record, which the replica stores
  const EntitySpec* entity = nullptr;
  absl::string_view id;
  int64_t server_version = 0;
  bool deleted = false;
  bool out_of_scope = false;
  absl::string_view account_id;
  // Each set field: its schema number and its encoded mcrm.v1.Value.
  std::vector<std::pair<uint32_t, absl::string_view>> fields;
  // For a live record of a listed entity (list_rows.h), its list row, worked out when the page
  // is read (ReadPageRecords), on the thread that reads pages ahead of the replica.
  std::shared_ptr<const ListRowValues> list_row;
};

// Reads an encoded mcrm.v1.Record, checking all of it (every value, nested lists and structs,
// UTF-8 of every string) as parsing the message would, so that what the replica stores always
// parses later. Unknown fields are skipped, as a parser would. Errors name `path`.
absl::StatusOr<PulledRecord> ReadPulledRecord(absl::string_view bytes, absl::string_view path);

// One page of a pull. Field numbers as in mcrm.v1.PullResponse.
struct PulledPage {
  // The encoded PullResponse; the records point into it (held apart so that moving the page
  // does not move the bytes).
  std::unique_ptr<const std::string> bytes;
  // Until ReadPageRecords, each record is only located (`encoded` set, `entity` null).
  std::vector<PulledRecord> records;
  std::string next_cursor;
  bool more = false;
  bool resync_required = false;
  uint64_t estimated_total = 0;
};

// Reads an encoded mcrm.v1.PullResponse and every record in it (ReadPulledRecord), so that a
// page is checked whole on the thread that receives it, before the replica is written. Refuses
// bytes that are not one, or a page holding a bad record, naming what is wrong
// ("pull.records[3].entity: ...").
absl::StatusOr<PulledPage> ReadPulledPage(std::string bytes);

// The same page from a message (for callers that hold one, such as tests).
absl::StatusOr<PulledPage> ReadPulledPage(const v1::PullResponse& response);

// One field's encoded mcrm.v1.Value (PulledRecord::fields), read whole: only for bytes a page's
// reading has checked.
Value ReadCheckedValue(absl::string_view bytes);

// ReadPulledPage in two steps, for a reader that asks for the next page in between: the page's
// own fields and where its records lie (cheap), then every record (and the list rows of those
// that have one).
absl::StatusOr<PulledPage> ReadPageFrame(std::string bytes);
absl::Status ReadPageRecords(PulledPage& page);

}  // namespace mcrm::device
