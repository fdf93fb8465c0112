#include "pulled_page.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "list_rows.h"
#include "mcrm/status_macros.h"
#include "mcrm/utf8.h"
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
  bool Fixed64(uint64_t& out) {
    if (in_.size() < 8) return false;
    out = 0;
    for (int i = 7; i >= 0; --i)
      out = (out << 8) | static_cast<uint8_t>(in_[static_cast<size_t>(i)]);
    in_.remove_prefix(8);
    return true;
  }

 private:
  bool Advance(size_t n) {
    if (in_.size() < n) return false;
    in_.remove_prefix(n);
    return true;
  }

  absl::string_view in_;
};

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
  if (!IsValidUtf8(out)) return Malformed(path, "not UTF-8");
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

// Calls `on_field(reader, number, type)` for each field of the encoded message `bytes`; the
// callback reads or skips the field's value. `what` names the message in the error.
template <typename OnField>
absl::Status ForEachField(absl::string_view bytes, absl::string_view path, absl::string_view what,
                          OnField&& on_field) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t number = 0;
    int type = 0;
    if (!in.Next(number, type)) return Malformed(path, absl::StrCat(what, " does not parse"));
    RETURN_IF_ERROR(on_field(in, number, type));
  }
  return absl::OkStatus();
}

// Checks an encoded mcrm.v1.Value at message depth `depth`.
absl::Status CheckValue(absl::string_view bytes, absl::string_view path, int depth) {
  if (depth > kMaxDepth) return Malformed(path, "values nested too deeply");
  return ForEachField(bytes, path, "a value", [&](WireReader& in, uint32_t number, int type) {
    uint64_t ignored = 0;
    absl::string_view inner;
    switch (number) {
      case 1:  // bool_value
      case 2:  // int_value
        return ReadVarintField(in, number, type, path, ignored).status();
      case 3:  // double_value
        if (type != kFixed64) return SkipField(in, number, type, path);
        if (!in.Fixed64()) return Malformed(path, "a double does not parse");
        return absl::OkStatus();
      case 4:  // string_value
        return ReadString(in, number, type, path, inner).status();
      case 5: {  // list_value: repeated Value values = 1
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
        if (!read) return absl::OkStatus();
        return ForEachField(inner, path, "a list", [&](WireReader& list, uint32_t n, int t) {
          if (n != 1) return SkipField(list, n, t, path);
          absl::string_view item;
          ASSIGN_OR_RETURN(const bool is_item, ReadMessageField(list, n, t, path, item));
          return is_item ? CheckValue(item, path, depth + 2) : absl::OkStatus();
        });
      }
      case 6: {  // struct_value: map<string, Value> fields = 1
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
        if (!read) return absl::OkStatus();
        return ForEachField(inner, path, "a struct", [&](WireReader& entries, uint32_t n, int t) {
          if (n != 1) return SkipField(entries, n, t, path);
          absl::string_view entry;
          ASSIGN_OR_RETURN(const bool is_entry, ReadMessageField(entries, n, t, path, entry));
          if (!is_entry) return absl::OkStatus();
          return ForEachField(entry, path, "a struct entry", [&](WireReader& e, uint32_t k, int u) {
            absl::string_view part;
            if (k == 1) return ReadString(e, k, u, path, part).status();
            if (k != 2) return SkipField(e, k, u, path);
            ASSIGN_OR_RETURN(const bool is_value, ReadMessageField(e, k, u, path, part));
            return is_value ? CheckValue(part, path, depth + 3) : absl::OkStatus();
          });
        });
      }
      default:
        return SkipField(in, number, type, path);
    }
  });
}

// The mcrm.v1.Value in `bytes` (checked by CheckValue), read straight into a Value: no message
// objects (a struct's protobuf map costs more than the rest of a list row).
Value DecodeWireValue(absl::string_view bytes) {
  Value out;
  WireReader in(bytes);
  uint32_t number = 0;
  int type = 0;
  while (!in.done() && in.Next(number, type)) {
    uint64_t bits = 0;
    absl::string_view inner;
    switch (number) {
      case 1:
        if (type != kVarint || !in.Varint(bits)) return out;
        out = Value::Bool(bits != 0);
        break;
      case 2:
        if (type != kVarint || !in.Varint(bits)) return out;
        out = Value::Int(static_cast<int64_t>((bits >> 1) ^ (~(bits & 1) + 1)));  // sint64: zigzag
        break;
      case 3: {
        if (type != kFixed64 || !in.Fixed64(bits)) return out;
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        out = Value::Double(d);
        break;
      }
      case 4:
        if (type != kLengthDelimited || !in.Bytes(inner)) return out;
        out = Value::String(std::string(inner));
        break;
      case 5: {  // list_value: repeated Value values = 1
        if (type != kLengthDelimited || !in.Bytes(inner)) return out;
        Value::List items;
        WireReader list(inner);
        uint32_t n = 0;
        int t = 0;
        absl::string_view item;
        while (!list.done() && list.Next(n, t)) {
          if (n == 1 && t == kLengthDelimited && list.Bytes(item)) {
            items.push_back(DecodeWireValue(item));
          } else if (!list.Skip(n, t)) {
            break;
          }
        }
        out = Value::ListOf(std::move(items));
        break;
      }
      case 6: {  // struct_value: map<string, Value> fields = 1 (entries: key = 1, value = 2)
        if (type != kLengthDelimited || !in.Bytes(inner)) return out;
        Value::Struct members;
        WireReader entries(inner);
        uint32_t n = 0;
        int t = 0;
        absl::string_view entry;
        while (!entries.done() && entries.Next(n, t)) {
          if (n != 1 || t != kLengthDelimited || !entries.Bytes(entry)) {
            if (!entries.Skip(n, t)) break;
            continue;
          }
          WireReader e(entry);
          absl::string_view key, value;
          uint32_t k = 0;
          int u = 0;
          while (!e.done() && e.Next(k, u)) {
            if (k == 1 && u == kLengthDelimited) {
              if (!e.Bytes(key)) break;
            } else if (k == 2 && u == kLengthDelimited) {
              if (!e.Bytes(value)) break;
            } else if (!e.Skip(k, u)) {
              break;
            }
          }
          members[std::string(key)] = DecodeWireValue(value);
        }
        out = Value::StructOf(std::move(members));
        break;
      }
      default:
        if (!in.Skip(number, type)) return out;
    }
  }
  return out;
}

// mcrm.v1.Hlc: wall_ms = 1, logical = 2, node = 3.
absl::Status CheckHlc(absl::string_view bytes, absl::string_view path) {
  return ForEachField(bytes, path, "the hlc", [&](WireReader& in, uint32_t number, int type) {
    uint64_t ignored = 0;
    absl::string_view node;
    if (number == 1 || number == 2)
      return ReadVarintField(in, number, type, path, ignored).status();
    if (number == 3) return ReadString(in, number, type, path, node).status();
    return SkipField(in, number, type, path);
  });
}

// mcrm.v1.ScopeKeys: four strings, of which the replica keeps account_id = 3.
absl::Status ReadScope(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  return ForEachField(bytes, path, "the scope keys",
                      [&](WireReader& in, uint32_t number, int type) {
                        if (number < 1 || number > 4) return SkipField(in, number, type, path);
                        absl::string_view key;
                        ASSIGN_OR_RETURN(const bool read, ReadString(in, number, type, path, key));
                        if (read && number == 3) out.account_id = key;
                        return absl::OkStatus();
                      });
}

// mcrm.v1.RecordMeta: server_version = 1, hlc = 2, deleted = 3, scope = 4, out_of_scope = 5.
absl::Status ReadMeta(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  return ForEachField(bytes, path, "the meta", [&](WireReader& in, uint32_t number, int type) {
    uint64_t v = 0;
    absl::string_view inner;
    switch (number) {
      case 1:
      case 3:
      case 5: {
        ASSIGN_OR_RETURN(const bool read, ReadVarintField(in, number, type, path, v));
        if (!read) return absl::OkStatus();
        if (number == 1) out.server_version = static_cast<int64_t>(v);
        if (number == 3) out.deleted = v != 0;
        if (number == 5) out.out_of_scope = v != 0;
        return absl::OkStatus();
      }
      case 2:
      case 4: {
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
        if (!read) return absl::OkStatus();
        return number == 2 ? CheckHlc(inner, path) : ReadScope(inner, path, out);
      }
      default:
        return SkipField(in, number, type, path);
    }
  });
}

// mcrm.v1.FieldValue: number = 1, value = 2.
absl::Status ReadField(absl::string_view bytes, absl::string_view path, PulledRecord& out) {
  uint32_t field_number = 0;
  absl::string_view value;
  int values = 0;
  RETURN_IF_ERROR(
      ForEachField(bytes, path, "a field", [&](WireReader& in, uint32_t number, int type) {
        uint64_t v = 0;
        if (number == 1) {
          ASSIGN_OR_RETURN(const bool read, ReadVarintField(in, number, type, path, v));
          if (read) field_number = static_cast<uint32_t>(v);
          return absl::OkStatus();
        }
        if (number != 2) return SkipField(in, number, type, path);
        ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, value));
        values += read ? 1 : 0;
        return absl::OkStatus();
      }));
  // Protobuf would merge repeated values into one; no writer sends them, so they are refused
  // rather than merged here.
  if (values > 1) return Malformed(path, "a field has its value twice");
  RETURN_IF_ERROR(CheckValue(value, path, kFieldValueDepth));
  out.fields.emplace_back(field_number, value);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PulledRecord> ReadPulledRecord(absl::string_view bytes, absl::string_view path) {
  PulledRecord out;
  out.fields.reserve(24);  // one allocation for most records, not one per doubling
  absl::string_view entity;
  RETURN_IF_ERROR(
      ForEachField(bytes, path, "the record", [&](WireReader& in, uint32_t number, int type) {
        absl::string_view inner;
        switch (number) {
          case 1:
            return ReadString(in, number, type, path, entity).status();
          case 2:
            return ReadString(in, number, type, path, out.id).status();
          case 3:
          case 4: {
            ASSIGN_OR_RETURN(const bool read, ReadMessageField(in, number, type, path, inner));
            if (!read) return absl::OkStatus();
            return number == 3 ? ReadMeta(inner, path, out) : ReadField(inner, path, out);
          }
          default:
            return SkipField(in, number, type, path);
        }
      }));
  ASSIGN_OR_RETURN(const EntityType type, wire::EntityFromName(entity, path));
  out.entity = &Spec(type);
  if (out.id.empty()) return Malformed(path, "no id");
  out.encoded = bytes;
  return out;
}

absl::StatusOr<PulledPage> ReadPageFrame(std::string bytes) {
  PulledPage page;
  page.bytes = std::make_unique<const std::string>(std::move(bytes));
  RETURN_IF_ERROR(
      ForEachField(*page.bytes, "pull", "the page", [&](WireReader& in, uint32_t number, int type) {
        absl::string_view inner;
        uint64_t v = 0;
        switch (number) {
          case 1: {
            ASSIGN_OR_RETURN(const bool read,
                             ReadMessageField(in, number, type, "pull.records", inner));
            if (read) page.records.emplace_back().encoded = inner;
            return absl::OkStatus();
          }
          case 2: {
            ASSIGN_OR_RETURN(const bool read,
                             ReadString(in, number, type, "pull.next_cursor", inner));
            if (read) page.next_cursor = std::string(inner);
            return absl::OkStatus();
          }
          case 3:
          case 4:
          case 5: {
            const char* name = number == 3   ? "pull.more"
                               : number == 4 ? "pull.resync_required"
                                             : "pull.estimated_total";
            ASSIGN_OR_RETURN(const bool read, ReadVarintField(in, number, type, name, v));
            if (!read) return absl::OkStatus();
            if (number == 3) page.more = v != 0;
            if (number == 4) page.resync_required = v != 0;
            if (number == 5) page.estimated_total = v;
            return absl::OkStatus();
          }
          default:
            return SkipField(in, number, type, "pull");
        }
      }));
  return page;
}

Value ReadCheckedValue(absl::string_view bytes) { return DecodeWireValue(bytes); }

absl::Status ReadPageRecords(PulledPage& page) {
  for (size_t i = 0; i < page.records.size(); ++i) {
    PulledRecord& record = page.records[i];
    ASSIGN_OR_RETURN(record,
                     ReadPulledRecord(record.encoded, absl::StrCat("pull.records[", i, "]")));
    if (Listed(record.entity->type) && !record.deleted && !record.out_of_scope) {
      record.list_row = std::make_shared<const ListRowValues>(PrepareListRow(ListedPartOf(record)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PulledPage> ReadPulledPage(std::string bytes) {
  ASSIGN_OR_RETURN(PulledPage page, ReadPageFrame(std::move(bytes)));
  RETURN_IF_ERROR(ReadPageRecords(page));
  return page;
}

absl::StatusOr<PulledPage> ReadPulledPage(const v1::PullResponse& response) {
  return ReadPulledPage(response.SerializeAsString());
}

}  // namespace mcrm::device
