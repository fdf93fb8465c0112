#include "wire_check.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <google/protobuf/wire_format_lite.h>

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "mcrm/utf8.h"

namespace mcrm::wire {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path.empty() ? "request" : path, ": ", problem));
}

// Walks the encoding of a `type` the way the parser reads it and reports the first fault. Fields
// the type does not know, or that come with another wire type than their own, are skipped as the
// parser keeps them: as unknown fields. Nested messages are walked in place (no copies: a request
// of many nested levels costs its size once).
absl::Status Explain(const Descriptor& type, absl::string_view bytes, const std::string& path,
                     int depth) {
  if (depth > kMaxMessageDepth) {
    return Invalid(path, absl::StrCat("nested deeper than ", kMaxMessageDepth, " messages"));
  }
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::map<int, int> seen;  // repeated field number -> items read
  while (in.CurrentPosition() < static_cast<int>(bytes.size())) {
    const uint32_t tag = in.ReadTag();
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    if (tag == 0 || number == 0) {
      return Invalid(path, absl::StrCat("malformed field tag at byte ", in.CurrentPosition()));
    }
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    std::string field_path = field == nullptr
                                 ? absl::StrCat(path, path.empty() ? "" : ".", "field ", number)
                                 : absl::StrCat(path, path.empty() ? "" : ".", field->name());
    if (field != nullptr && field->is_repeated()) {
      absl::StrAppend(&field_path, "[", seen[number]++, "]");
    }
    const bool nested =
        field != nullptr &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
        (field->type() == FieldDescriptor::TYPE_STRING ||
         field->type() == FieldDescriptor::TYPE_MESSAGE);
    if (!nested) {
      if (!WireFormatLite::SkipField(&in, tag))
        return Invalid(field_path, "truncated or malformed");
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length) ||
        length > bytes.size() - static_cast<size_t>(in.CurrentPosition()) ||
        !in.Skip(static_cast<int>(length))) {
      return Invalid(field_path, "truncated or malformed");
    }
    const absl::string_view value =
        bytes.substr(static_cast<size_t>(in.CurrentPosition()) - length, length);
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(value)) return Invalid(field_path, "not valid UTF-8");
    } else {
      absl::Status inner = Explain(*field->message_type(), value, field_path, depth + 1);
      if (!inner.ok()) return inner;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message& out,
                          absl::string_view path) {
  if (out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return absl::OkStatus();
  out.Clear();
  const Descriptor& type = *out.GetDescriptor();
  absl::Status why = Explain(type, bytes, std::string(path), 0);
  if (!why.ok()) return why;
  return Invalid(path, absl::StrCat("does not parse as ", type.full_name()));
}

}  // namespace mcrm::wire
