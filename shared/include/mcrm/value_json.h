// Values as JSON: what the stores' typed tables hold for lists and structs, what CSV cells and
// mcrm-admin show for them. Structs are objects keyed by member name.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "mcrm/value.h"

namespace mcrm {

// `value` as JSON: strings, numbers, booleans, lists as arrays, structs as objects by member
// name, null. A non-finite double (which validation never lets in) becomes null.
std::string JsonOf(const Value& value);
// Appends `text` as a JSON string, quoted and escaped.
void AppendJsonString(std::string& out, absl::string_view text);

}  // namespace mcrm
