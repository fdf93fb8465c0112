// Build and protocol versions, shared by server and app so both report the same numbers.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace mcrm {

// Version of this build of M-CRM (server and app are released together).
absl::string_view BuildVersion();

// Major version of the sync protocol spoken on the wire (package mcrm.v1).
inline constexpr uint32_t kProtocolVersion = 1;

}  // namespace mcrm
