#include "mcrm/uuid.h"

#include "absl/strings/str_cat.h"
#include "mcrm/utf8.h"

namespace mcrm {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Uuid::ToString() const {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xF]);
  }
  return out;
}

int64_t Uuid::unix_ms() const {
  int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | bytes[i];
  return ms;
}

absl::StatusOr<Uuid> ParseUuid(absl::string_view text) {
  if (text.size() != 36) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a UUID: ", text.size(), " characters, expected 36"));
  }
  Uuid out;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return absl::InvalidArgumentError("not a UUID: '-' expected at 8-4-4-4");
      ++i;
      continue;
    }
    const int high = HexValue(text[i]);
    const int low = HexValue(text[i + 1]);
    if (high < 0 || low < 0) return absl::InvalidArgumentError("not a UUID: non-hex character");
    out.bytes[byte++] = static_cast<uint8_t>(high << 4 | low);
    i += 2;
  }
  return out;
}

absl::Status CheckUuidV7(absl::string_view text, absl::string_view path) {
  auto uuid = ParseUuid(text);
  auto refuse = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", Quoted(text), " ", why));
  };
  if (!uuid.ok()) return refuse(absl::StrCat("is not a UUIDv7 (", uuid.status().message(), ")"));
  if (uuid->version() != 7 || (uuid->bytes[8] & 0xC0) != 0x80) {
    return refuse(absl::StrCat("is not a UUIDv7 (version ", uuid->version(), " or not RFC 9562)"));
  }
  if (uuid->ToString() != text) {
    return refuse("is not in canonical form (ids are written in lower case)");
  }
  return absl::OkStatus();
}

bool IsUuidV7(absl::string_view text) { return CheckUuidV7(text, "").ok(); }

Uuid MakeUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b) {
  Uuid out;
  const uint64_t ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) out.bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  out.bytes[6] = static_cast<uint8_t>(0x70 | ((rand_a >> 8) & 0x0F));
  out.bytes[7] = static_cast<uint8_t>(rand_a & 0xFF);
  for (int i = 8; i < 16; ++i) out.bytes[i] = static_cast<uint8_t>(rand_b >> (8 * (15 - i)));
  out.bytes[8] = static_cast<uint8_t>(0x80 | (out.bytes[8] & 0x3F));
  return out;
}

Uuid UuidV7Generator::Next(int64_t now_unix_ms) {
  absl::MutexLock lock(&mutex_);
  if (now_unix_ms > last_ms_) {
    last_ms_ = now_unix_ms;
    // Start each millisecond at a random point in the lower half, leaving room to count up.
    counter_ = absl::Uniform<uint32_t>(random_, 0, 0x800);
  } else if (++counter_ > 0xFFF) {
    // 4096 ids in one millisecond: borrow the next millisecond rather than repeat.
    ++last_ms_;
    counter_ = 0;
  }
  Uuid out;
  const uint64_t ms = static_cast<uint64_t>(last_ms_);
  for (int i = 0; i < 6; ++i) out.bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  out.bytes[6] = static_cast<uint8_t>(0x70 | (counter_ >> 8));
  out.bytes[7] = static_cast<uint8_t>(counter_ & 0xFF);
  const uint64_t tail = absl::Uniform<uint64_t>(random_);
  for (int i = 8; i < 16; ++i) out.bytes[i] = static_cast<uint8_t>(tail >> (8 * (15 - i)));
  out.bytes[8] = static_cast<uint8_t>(0x80 | (out.bytes[8] & 0x3F));
  return out;
}

}  // namespace mcrm
