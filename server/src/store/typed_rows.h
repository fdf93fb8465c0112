// What both stores' typed tables share about a record's row: its values as JSON (lists and
// structs, whose members are keyed by name) and which records of a write become rows.
#pragma once

#include <string>

#include "mcrm/value.h"

namespace mcrm::server {

// `value` as JSON: strings, numbers, booleans, lists as arrays, structs as objects by member
// name, null. A non-finite double (which validation never lets in) becomes null.
std::string JsonOf(const Value& value);
// Appends `text` as a JSON string, quoted and escaped.
void AppendJsonString(std::string& out, absl::string_view text);

}  // namespace mcrm::server
