#include "pulled_page.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "mcrm/v1/sync.pb.h"
#include "wire_codec.h"

namespace mcrm::device {
namespace {

// Protocol buffer wire types.
constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kStartGroup = 3;
constexpr int kEndGroup = 4;
constexpr int kFixed32 = 5;

// Nested messages, counted as protobuf's parser counts them (it stops at 100): a Record is 1,
// its FieldValue 2, the Value 3; a list adds 2 levels (ListValue, Value), a struct 3
// (StructValue, map entry, Value). Staying well below protobuf's limit, the reader never accepts
// a record the replica could not parse again.
constexpr int kMaxDepth = 90;
constexpr int kFieldValueDepth = 3;

// Protobuf refuses a length above this (INT32_MAX less its parser's slop).
constexpr uint64_t kMaxLength = 0x7fffffff - 16;

// Walks the fields of one encoded message.
class WireReader {
 public:
  explicit WireReader(absl::string_view in) : in_(in) {}

  bool done() const { return in_.empty(); }

  // The next field's number and wire type; false when the tag is malformed. Like protobuf, a
  // tag takes at most 5 bytes.
  bool Next(uint32_t& number, int& type) {
    uint64_t tag = 0;
    if (!Varint(tag, 5) || tag > UINT32_MAX) return false;
    number = static_cast<uint32_t>(tag >> 3);
    type = static_cast<int>(tag & 7);
    return number != 0;
  }

  // A varint of at most `max_bytes` bytes (10 for values, 5 for tags and lengths).
  bool Varint(uint64_t& out, int max_bytes = 10) {
    out = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (in_.empty()) return false;
      const auto byte = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      out |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }

  bool Bytes(absl::string_view& out) {
    uint64_t size = 0;
    if (!Varint(size, 5) || size > kMaxLength || size > in_.size()) return false;
    out = in_.substr(0, static_cast<size_t>(size));
    in_.remove_prefix(static_cast<size_t>(size));
    return true;
  }

  // Skips a value of `type` (an unknown field, or a known one with another wire type, which
  // protobuf treats as unknown); false when it is malformed. A group is skipped to its end.
  bool Skip(uint32_t number, int type, int depth = 0) {
    uint64_t ignored = 0;
    absl::string_view bytes;
    switch (type) {
      case kVarint:
        return Varint(ignored);
      case kFixed64:
        return Advance(8);
      case kLengthDelimited:
        return Bytes(bytes);
      case kFixed32:
        return Advance(4);
      case kStartGroup:
        if (depth > kMaxDepth) return false;
        while (true) {
          uint32_t inner = 0;
          int inner_type = 0;
          if (!Next(inner, inner_type)) return false;
          if (inner_type == kEndGroup) return inner == number;
          if (!Skip(inner, inner_type, depth + 1)) return false;
        }
      default:
        return false;
    }
  }

  bool Fixed64() { return Advance(8); }

 private:
  bool Advance(size_t n) {
    if (in_.size() < n) return false;
    in_.remove_prefix(n);
    return true;
  }

  absl::string_view in_;
};

// Structurally valid UTF-8, as protobuf requires of proto3 strings: no overlong forms, no
// surrogates, nothing above U+10FFFF.
bool IsUtf8(absl::string_view s) {
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
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

absl::Status Malformed(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::Status SkipField(WireReader& in, uint32_t number, int type, absl::string_view path) {
  if (!in.Skip(number, type)) return Malformed(path, "an unknown field does not parse");
  return absl::OkStatus();
}

// The readers of known fields below answer false, having skipped the field, when it came with
// another wire type than its own: protobuf keeps such a field as an unknown one.

// A string field: framed, and UTF-8.
absl::StatusOr<bool> ReadString(WireReader& in, uint32_t number, int type, absl::string_view path,
                                absl::string_view& out) {
  if (type != kLengthDelimited) {
    RETURN_IF_ERROR(SkipField(in, number, type, path));
    return false;
  }
  if (!in.Bytes(out)) return Malformed(path, "a string does not parse");
  if (!IsUtf8(out)) return Malformed(path, "not UTF-8");
  return true;
}

absl::StatusOr<bool> ReadVarintField(WireReader& in, uint32_t number, int type,
                                     absl::string_view path, uint64_t& out) {
  if (type != kVarint) {
    RETURN_IF_ERROR(SkipField(in, number, type, path));
    return false;
  }
  if (!in.Varint(out)) return Malformed(path, "a varint does not parse");
  return true;
}

absl::StatusOr<bool> ReadMessageField(WireReader& in, uint32_t number, int type,
                                      absl::string_view path, absl::string_view& out) {
  if (type != kLengthDelimited) {
    RETURN_IF_ERROR(SkipField(in, number, type, path));
    return false;
  }
  if (!in.Bytes(out)) return Malformed(path, "a message does not parse");
  return true;
}

// Checks an encoded mcrm.v1.Value at message depth `depth` and, when `text` is set, appends
// every string inside it (each followed by a space) in wire order.
absl::Status WalkValue(absl::string_view bytes, absl::string_view path, int depth,
                       std::string* text) {
  if (depth > kMaxDepth) return Malformed(path, "values nested too deeply");
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "a value does not parse");
    uint64_t ignored = 0;
    absl::string_view inner;
    switch (number) {
      case 1:  // bool_value
      case 2:  // int_value
        RETURN_IF_ERROR(ReadVarintField(in, number, type, path, ignored).status());
        break;
      case 3:  // double_value
        if (type != kFixed64) {
          RETURN_IF_ERROR(SkipField(in, number, type, path));
        } else if (!in.Fixed64()) {
          return Malformed(path, "a double does not parse");
        }
        break;
      case 4: {  // string_value
        ASSIGN_OR_RETURN(const bool read, ReadString(in, number, type, path, inner));
        if (read && text != nullptr) absl::StrAppend(text, inner, " ");
        break;
      }
      case 5: {  // list_value: repeated Value values = 1
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
        if (!read) break;
        WireReader list(inner);
        while (!list.done()) {
          if (!list.Next(number, type)) return Malformed(path, "a list does not parse");
          absl::string_view item;
          bool is_item = false;
          if (number == 1) {
            ASSIGN_OR_RETURN(is_item, ReadMessageField(list, number, type, path, item));
          } else {
            RETURN_IF_ERROR(SkipField(list, number, type, path));
          }
          if (is_item) RETURN_IF_ERROR(WalkValue(item, path, depth + 2, text));
        }
        break;
      }
      case 6: {  // struct_value: map<string, Value> fields = 1
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
        if (!read) break;
        WireReader entries(inner);
        while (!entries.done()) {
          if (!entries.Next(number, type)) return Malformed(path, "a struct does not parse");
          absl::string_view entry_bytes;
          bool is_entry = false;
          if (number == 1) {
            ASSIGN_OR_RETURN(is_entry, ReadMessageField(entries, number, type, path, entry_bytes));
          } else {
            RETURN_IF_ERROR(SkipField(entries, number, type, path));
          }
          if (!is_entry) continue;
          WireReader entry(entry_bytes);
          while (!entry.done()) {
            if (!entry.Next(number, type)) return Malformed(path, "a struct entry does not parse");
            absl::string_view part;
            if (number == 1) {
              RETURN_IF_ERROR(ReadString(entry, number, type, path, part).status());
            } else if (number == 2) {
              ASSIGN_OR_RETURN(const bool is_value,
                               ReadMessageField(entry, number, type, path, part));
              if (is_value) RETURN_IF_ERROR(WalkValue(part, path, depth + 3, text));
            } else {
              RETURN_IF_ERROR(SkipField(entry, number, type, path));
            }
          }
        }
        break;
      }
      default:
        RETURN_IF_ERROR(SkipField(in, number, type, path));
    }
  }
  return absl::OkStatus();
}

// mcrm.v1.Hlc: wall_ms = 1, logical = 2, node = 3.
absl::Status CheckHlc(absl::string_view bytes, absl::string_view path) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "the hlc does not parse");
    uint64_t ignored = 0;
    absl::string_view node;
    if (number == 1 || number == 2) {
      RETURN_IF_ERROR(ReadVarintField(in, number, type, path, ignored).status());
    } else if (number == 3) {
      RETURN_IF_ERROR(ReadString(in, number, type, path, node).status());
    } else {
      RETURN_IF_ERROR(SkipField(in, number, type, path));
    }
  }
  return absl::OkStatus();
}

// mcrm.v1.ScopeKeys: four strings, of which the replica keeps account_id = 3.
absl::Status ReadScope(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "the scope keys do not parse");
    absl::string_view key;
    if (number >= 1 && number <= 4) {
      ASSIGN_OR_RETURN(const bool read, ReadString(in, number, type, path, key));
      if (read && number == 3) out.account_id = key;
    } else {
      RETURN_IF_ERROR(SkipField(in, number, type, path));
    }
  }
  return absl::OkStatus();
}

// mcrm.v1.RecordMeta: server_version = 1, hlc = 2, deleted = 3, scope = 4, out_of_scope = 5.
absl::Status ReadMeta(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "the meta does not parse");
    uint64_t v = 0;
    absl::string_view inner;
    bool read = false;
    switch (number) {
      case 1: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, path, v));
        if (read) out.server_version = static_cast<int64_t>(v);
        break;
      }
      case 2: {
        ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, path, inner));
        if (read) RETURN_IF_ERROR(CheckHlc(inner, path));
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, path, v));
        if (read) out.deleted = v != 0;
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, path, inner));
        if (read) RETURN_IF_ERROR(ReadScope(inner, path, out));
        break;
      }
      case 5: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, path, v));
        if (read) out.out_of_scope = v != 0;
        break;
      }
      default: {
        RETURN_IF_ERROR(SkipField(in, number, type, path));
      }
    }
  }
  return absl::OkStatus();
}

// mcrm.v1.FieldValue: number = 1, value = 2.
absl::Status ReadField(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  WireReader in(bytes);
  uint32_t field_number = 0;
  absl::string_view value;
  int values = 0;
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "a field does not parse");
    uint64_t v = 0;
    bool read = false;
    if (number == 1) {
      ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, path, v));
      if (read) field_number = static_cast<uint32_t>(v);
    } else if (number == 2) {
      ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, path, value));
      values += read ? 1 : 0;
    } else {
      RETURN_IF_ERROR(SkipField(in, number, type, path));
    }
  }
  // Protobuf would merge repeated values into one; no writer sends them, so they are refused
  // rather than merged here.
  if (values > 1) return Malformed(path, "a field has its value twice");
  RETURN_IF_ERROR(WalkValue(value, path, kFieldValueDepth, nullptr));
  out.fields.emplace_back(field_number, value);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PulledRecord> ReadPulledRecord(absl::string_view bytes, absl::string_view path) {
  PulledRecord out;
  absl::string_view entity;
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, "the record does not parse");
    absl::string_view inner;
    bool read = false;
    switch (number) {
      case 1: {
        RETURN_IF_ERROR(ReadString(in, number, type, path, entity).status());
        break;
      }
      case 2: {
        RETURN_IF_ERROR(ReadString(in, number, type, path, out.id).status());
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, path, inner));
        if (read) RETURN_IF_ERROR(ReadMeta(inner, path, out));
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, path, inner));
        if (read) RETURN_IF_ERROR(ReadField(inner, path, out));
        break;
      }
      default: {
        RETURN_IF_ERROR(SkipField(in, number, type, path));
      }
    }
  }
  ASSIGN_OR_RETURN(const EntityType type, wire::EntityFromName(entity, path));
  out.entity = &Spec(type);
  if (out.id.empty()) return Malformed(path, "no id");
  return out;
}

std::string SearchText(const PulledRecord& record) {
  std::string text;
  if (record.entity == nullptr || !Searched(record.entity->type)) return text;
  for (const auto& [number, value] : record.fields) {
    const FieldSpec* known = record.entity->Field(number);
    // The value was checked when the record was read; the walk only collects its strings.
    if (known != nullptr && known->searchable) {
      (void)WalkValue(value, "", kFieldValueDepth, &text);
    }
  }
  return text;
}

bool Searched(EntityType entity) {
  return entity == EntityType::kAccount || entity == EntityType::kContact;
}

absl::StatusOr<PulledPage> ReadPulledPage(std::string bytes) {
  PulledPage page;
  page.bytes = std::make_unique<const std::string>(std::move(bytes));
  WireReader in(*page.bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed("pull", "the page does not parse");
    absl::string_view inner;
    uint64_t v = 0;
    bool read = false;
    switch (number) {
      case 1: {
        ASSIGN_OR_RETURN(read, ReadMessageField(in, number, type, "pull.records", inner));
        if (read) page.records.push_back(inner);
        break;
      }
      case 2: {
        ASSIGN_OR_RETURN(read, ReadString(in, number, type, "pull.next_cursor", inner));
        if (read) page.next_cursor = std::string(inner);
        break;
      }
      case 3: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, "pull.more", v));
        if (read) page.more = v != 0;
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, "pull.resync_required", v));
        if (read) page.resync_required = v != 0;
        break;
      }
      case 5: {
        ASSIGN_OR_RETURN(read, ReadVarintField(in, number, type, "pull.estimated_total", v));
        if (read) page.estimated_total = v;
        break;
      }
      default: {
        RETURN_IF_ERROR(SkipField(in, number, type, "pull"));
      }
    }
  }
  return page;
}

absl::StatusOr<PulledPage> ReadPulledPage(const v1::PullResponse& response) {
  return ReadPulledPage(response.SerializeAsString());
}

}  // namespace mcrm::device
