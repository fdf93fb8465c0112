#include "store/encoding.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "mcrm/store/v1/stored.pb.h"
#include "wire_codec.h"

namespace mcrm::server {

std::string EncodeRecord(const Record& record) {
  v1::Record proto;
  wire::ToProto(record, &proto);
  return proto.SerializeAsString();
}

absl::StatusOr<Record> DecodeRecord(absl::string_view bytes) {
  v1::Record proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored record does not parse");
  }
  return wire::FromProto(proto, "stored record");
}

std::string EncodeStamps(const std::map<uint32_t, FieldStamp>& stamps) {
  store::v1::FieldStamps proto;
  for (const auto& [field, stamp] : stamps) {
    auto* entry = proto.add_entries();
    entry->set_field(field);
    entry->set_version(stamp.version);
    wire::ToProto(stamp.hlc, entry->mutable_hlc());
  }
  return proto.SerializeAsString();
}

absl::StatusOr<std::map<uint32_t, FieldStamp>> DecodeStamps(absl::string_view bytes) {
  store::v1::FieldStamps proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored field stamps do not parse");
  }
  std::map<uint32_t, FieldStamp> out;
  for (const auto& entry : proto.entries()) {
    out[entry.field()] = FieldStamp{entry.version(), wire::FromProto(entry.hlc())};
  }
  return out;
}

std::string EncodeHlc(const HlcTimestamp& hlc) {
  v1::Hlc proto;
  wire::ToProto(hlc, &proto);
  return proto.SerializeAsString();
}

HlcTimestamp DecodeHlc(absl::string_view bytes) {
  v1::Hlc proto;
  proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  return wire::FromProto(proto);
}

absl::StatusOr<std::string> FromPgHex(absl::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return absl::DataLossError("bytea value is not in hex format");
  }
  // A table instead of branches: pulls decode every record through here.
  static const auto* const kValue = [] {
    auto* table = new std::array<int8_t, 256>;
    table->fill(-1);
    for (int c = '0'; c <= '9'; ++c) (*table)[c] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) (*table)[c] = static_cast<int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) (*table)[c] = static_cast<int8_t>(c - 'A' + 10);
    return table;
  }();
  std::string out((text.size() - 2) / 2, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data()) + 2;
  int bad = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    const int high = (*kValue)[in[2 * k]];
    const int low = (*kValue)[in[2 * k + 1]];
    bad |= high | low;
    out[k] = static_cast<char>((high << 4) | (low & 0xF));
  }
  if (bad < 0) return absl::DataLossError("bytea value holds a non-hex digit");
  return out;
}

}  // namespace mcrm::server
