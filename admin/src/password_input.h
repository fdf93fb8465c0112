// Reading a new password for set-password from standard input, never from argv (which every
// user of the machine can read in the process list).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace mcrm::admin {

// On a terminal: asks twice on stderr with echo off and checks both agree. Otherwise (a pipe, a
// file): the first line of standard input, without its line break. An empty password is an
// error; the server checks its length.
absl::StatusOr<std::string> ReadNewPassword(const std::string& for_whom);

}  // namespace mcrm::admin
