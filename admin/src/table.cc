#include "table.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "mcrm/utf8.h"

namespace mcrm::admin {
namespace {

// The wide ranges of Unicode's East Asian Width property that tables here meet.
bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) ||  // Hangul Jamo initial consonants
         (c >= 0x2E80 && c <= 0xA4CF) ||  // CJK radicals .. Yi (CJK ideographs, kana)
         (c >= 0xAC00 && c <= 0xD7A3) ||  // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||  // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFF60) ||  // full-width forms
         (c >= 0xFFE0 && c <= 0xFFE6) ||  // full-width signs
         (c >= 0x20000 && c <= 0x3FFFD);  // CJK extensions B and beyond
}

int CharWidth(uint32_t c) { return c == kInvalidCodePoint ? 1 : (IsWide(c) ? 2 : 1); }

}  // namespace

int DisplayWidth(absl::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    width += CharWidth(DecodeUtf8At(text, i, len));
    i += len;
  }
  return width;
}

std::string CellText(absl::string_view text, int max_width) {
  // Each piece below is as wide as DisplayWidth counts its character, so the cut is decided on
  // the text as given.
  const bool cut = max_width > 0 && DisplayWidth(text) > max_width;
  const int room = cut ? max_width - 1 : DisplayWidth(text);  // room for "…" when cut
  std::string out;
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    const uint32_t c = DecodeUtf8At(text, i, len);
    const int piece_width = CharWidth(c);
    if (width + piece_width > room) break;
    if (c == '\n') {
      out += "\u21B5";  // ↵
    } else if (c == kInvalidCodePoint) {
      out += "\uFFFD";  // a byte that is not UTF-8 shows as the replacement character
    } else if (c < 0x20 || c == 0x7F) {
      out += ' ';
    } else {
      out.append(text.data() + i, len);
    }
    width += piece_width;
    i += len;
  }
  if (cut) out += "\u2026";  // …
  return out;
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void Table::Print(std::FILE* out) const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<int> widths(columns, 0);
  const auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  if (!header_.empty()) measure(header_);
  for (const auto& row : rows_) measure(row);

  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < columns; ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      line += cell;
      if (i + 1 < columns)
        line.append(static_cast<size_t>(widths[i] - DisplayWidth(cell)) + 2, ' ');
    }
    // A last column that is empty in this row leaves no trailing blanks.
    line.erase(line.find_last_not_of(' ') + 1);
    line += '\n';
    std::fputs(line.c_str(), out);
  };
  if (!header_.empty()) print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

bool PrintJson(const google::protobuf::Message& message, std::FILE* out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    const auto why = status.message();
    std::fprintf(stderr, "mcrm-admin: cannot print the answer as JSON: %.*s\n",
                 static_cast<int>(why.size()), why.data());
    return false;
  }
  if (json.empty() || json.back() != '\n') json += '\n';
  std::fputs(json.c_str(), out);
  return true;
}

}  // namespace mcrm::admin
