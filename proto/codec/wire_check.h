// Parsing a request from any client, with an answer that says what is wrong. Protobuf's own parser
// says only "does not parse"; a client that did not read our code needs the field and the reason.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}

namespace mcrm::wire {

// How deep messages may nest, as protobuf's parser allows by default.
inline constexpr int kMaxMessageDepth = 100;

// Parses `bytes` into `out`. When they do not parse, INVALID_ARGUMENT naming the first field at
// fault by its path in the message (after `path`, the message's own place, if given) and the
// reason: "mutations[2].changed[0].value.string_value:
// not valid UTF-8", "mutations[0]...: nested deeper than 100 messages", "...: truncated or
// malformed". `out` is then left cleared.
absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message& out,
                          absl::string_view path = "");

}  // namespace mcrm::wire
