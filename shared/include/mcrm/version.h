// Build and protocol versions, shared by server and app so both report the same numbers.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace mcrm {

// Version of this build of M-CRM (server and app are released together).
absl::string_view BuildVersion();

// Major version of the sync protocol spoken on the wire (package mcrm.v1).
inline constexpr uint32_t kProtocolVersion = 1;

// The most one answer carries, encoded: 3 MiB of a pull page's records, of a push's results, of
// a conflict log's entries. A page holds records while they fit (its first record always goes
// in; a record is at most kMaxRecordBytes), so every answer, with its cursor and flags, stays
// under gRPC's default 4 MiB receive limit and any client with default settings can take it.
inline constexpr int64_t kMaxAnswerBytes = 3 << 20;
// What a client is to accept in one message: gRPC's default, which every page fits in.
inline constexpr int kMaxReceiveBytes = 4 << 20;
// What one push holds at most, encoded, as a device sends it: well within what the server
// receives (32 MiB), however large the records in it.
inline constexpr int64_t kMaxPushBytes = 8 << 20;

}  // namespace mcrm
