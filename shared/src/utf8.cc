#include "mcrm/utf8.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace mcrm {

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  while (i < n) {
    // Most text is ASCII: eight bytes at a time while no byte has its high bit set.
    uint64_t eight = 0;
    if (i + 8 <= n && (std::memcpy(&eight, p + i, 8), (eight & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    if (DecodeUtf8At(s, i, len) == kInvalidCodePoint) return false;
    i += len;
  }
  return true;
}

uint32_t DecodeUtf8At(absl::string_view text, size_t i, size_t& len) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t c = p[i];
  len = 1;
  if (c < 0x80) return c;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return kInvalidCodePoint;  // a continuation byte where a sequence should start, or 0xf8..
  }
  if (n > text.size() - i) return kInvalidCodePoint;  // cut short
  for (size_t k = 1; k < n; ++k) {
    if ((p[i + k] & 0xc0) != 0x80) return kInvalidCodePoint;
    cp = (cp << 6) | (p[i + k] & 0x3f);
  }
  // Overlong forms, anything above U+10FFFF, and surrogates.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return kInvalidCodePoint;
  }
  len = n;
  return cp;
}

size_t FirstInvalidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t len = 0;
    if (DecodeUtf8At(text, i, len) == kInvalidCodePoint) return i;
    i += len;
  }
  return absl::string_view::npos;
}

std::string Quoted(absl::string_view text) {
  constexpr size_t kShown = 64;
  if (text.size() <= kShown) return absl::StrCat("\"", text, "\"");
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", text.substr(0, cut), "\u2026\" (", text.size(), " bytes)");
}

}  // namespace mcrm
