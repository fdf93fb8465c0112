// Record ids: UUIDv7 (RFC 9562), generated where the record is born, sortable by creation time.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace mcrm {

// A 128-bit UUID; compares in byte order, which for UUIDv7 is creation order.
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // Lower-case canonical form, 8-4-4-4-12 hex digits.
  std::string ToString() const;
  int version() const { return bytes[6] >> 4; }
  // Milliseconds since the Unix epoch carried by a UUIDv7.
  int64_t unix_ms() const;

  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// Parses the canonical form (either case). The error names what is wrong.
absl::StatusOr<Uuid> ParseUuid(absl::string_view text);

// The one rule for a record id (and every id field, mutation id and owner id): a UUID of version
// 7 with the RFC variant, in its canonical form, lower-case 8-4-4-4-12. Upper case is refused
// rather than folded: the same UUID in two cases would otherwise be two records. The error is
// INVALID_ARGUMENT and says what is wrong, prefixed with `path` ("account.owner_id: ...").
absl::Status CheckUuidV7(absl::string_view text, absl::string_view path);

// True when CheckUuidV7 passes.
bool IsUuidV7(absl::string_view text);

// A UUIDv7 from its parts: the Unix-ms timestamp, 12 bits of rand_a and 62 bits of rand_b (the
// rest of each argument is ignored). For generators that must be deterministic, such as demo data.
Uuid MakeUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b);

// Makes UUIDv7s that strictly increase even within one millisecond or when the wall clock steps
// back: the 12-bit rand_a field counts within a millisecond (RFC 9562, method 1), and the
// timestamp never goes below the last one issued. Thread-safe.
class UuidV7Generator {
 public:
  // `now_unix_ms` is the caller's wall clock reading; shared/ reads no clock itself.
  Uuid Next(int64_t now_unix_ms);
  std::string NextString(int64_t now_unix_ms) { return Next(now_unix_ms).ToString(); }

 private:
  absl::Mutex mutex_;
  int64_t last_ms_ ABSL_GUARDED_BY(mutex_) = 0;
  uint32_t counter_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::BitGen random_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace mcrm
