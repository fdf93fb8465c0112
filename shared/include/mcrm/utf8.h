// The one UTF-8 rule: what protobuf requires of a proto3 string, so that a value the app accepts
// is never refused on the wire, and a pulled string the device accepts always parses again.
#pragma once

#include "absl/strings/string_view.h"

namespace mcrm {

// True when `s` is well-formed UTF-8 (RFC 3629): every sequence complete and in its shortest
// form, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Pure ASCII runs are checked
// eight bytes at a time.
bool IsValidUtf8(absl::string_view s);

}  // namespace mcrm
