// The one UTF-8 rule: what protobuf requires of a proto3 string, so that a value the app accepts
// is never refused on the wire, and a pulled string the device accepts always parses again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace mcrm {

// True when `s` is well-formed UTF-8 (RFC 3629): every sequence complete and in its shortest
// form, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Pure ASCII runs are checked
// eight bytes at a time.
bool IsValidUtf8(absl::string_view s);

// The code point at text[i] (i < text.size()), read by the same rule; `len` receives its bytes.
// A byte that does not start a well-formed sequence is read alone as kInvalidCodePoint, so the
// bytes after it are read again as what they are.
inline constexpr uint32_t kInvalidCodePoint = 0xFFFFFFFF;
uint32_t DecodeUtf8At(absl::string_view text, size_t i, size_t& len);

// The offset of the first byte of `text` that does not start a well-formed sequence, or npos.
size_t FirstInvalidUtf8(absl::string_view text);

// Text a client sent, quoted for an error message: whole when short, else its first 64 bytes (cut
// at a character boundary) and its length, so that an answer never grows with the input and
// stays valid UTF-8. `"NEW"`, `"aaaa…" (1048576 bytes)`.
std::string Quoted(absl::string_view text);

}  // namespace mcrm
