#include "mcrm/text_encoding.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "mcrm/utf8.h"

namespace mcrm {
namespace {

constexpr absl::string_view kUtf8Mark = "\xEF\xBB\xBF";
constexpr absl::string_view kGb18030Mark = "\x84\x31\x95\x33";

}  // namespace

absl::string_view EncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kGb18030:
      return "GB18030";
    case TextEncoding::kWindows1252:
      return "Windows-1252";
  }
  return "UTF-8";
}

std::optional<TextEncoding> EncodingNamed(absl::string_view name) {
  for (const TextEncoding encoding :
       {TextEncoding::kUtf8, TextEncoding::kGb18030, TextEncoding::kWindows1252}) {
    if (absl::EqualsIgnoreCase(name, EncodingName(encoding))) return encoding;
  }
  return std::nullopt;
}

TextEncoding GuessEncoding(absl::string_view bytes) {
  if (absl::StartsWith(bytes, kUtf8Mark) || IsValidUtf8(bytes)) return TextEncoding::kUtf8;
  if (absl::StartsWith(bytes, kGb18030Mark)) return TextEncoding::kGb18030;
  int64_t single = 0;  // runs of one byte above 0x7F
  int64_t longer = 0;  // runs of more
  size_t run = 0;
  for (size_t i = 0; i <= bytes.size(); ++i) {
    if (i < bytes.size() && static_cast<unsigned char>(bytes[i]) >= 0x80) {
      ++run;
      continue;
    }
    if (run == 1) ++single;
    if (run > 1) ++longer;
    run = 0;
  }
  return single > longer ? TextEncoding::kWindows1252 : TextEncoding::kGb18030;
}

}  // namespace mcrm
