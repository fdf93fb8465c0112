// Values crossing to PostgreSQL and back: statement parameters in binary format (BinaryParams),
// and a bytea result field as bytes (Bytes).
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/encoding.h"

namespace mcrm::server {

// Statement parameters sent in PostgreSQL's binary format, so that blobs travel as they are
// instead of as hex text (half the bytes, and no hex parsing on either side). libpqxx sends a
// binarystring parameter in binary; every parameter of such a statement is sent this way.
class BinaryParams {
 public:
  explicit BinaryParams(size_t n) { params_.reserve(n); }
  void Text(absl::string_view text) { params_.emplace_back(text.data(), text.size()); }
  void Bytes(absl::string_view bytes) { params_.emplace_back(bytes.data(), bytes.size()); }
  void Int16(int16_t v) { BigEndian(static_cast<uint16_t>(v), 2); }
  void Int32(int32_t v) { BigEndian(static_cast<uint32_t>(v), 4); }
  void Int64(int64_t v) { BigEndian(static_cast<uint64_t>(v), 8); }
  void Bool(bool v) {
    const char byte = v ? 1 : 0;
    params_.emplace_back(&byte, 1);
  }
  auto dynamic() const { return pqxx::prepare::make_dynamic_params(params_); }

 private:
  void BigEndian(uint64_t v, int bytes) {
    char out[8];
    for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
    params_.emplace_back(out, static_cast<size_t>(bytes));
  }
  std::vector<pqxx::binarystring> params_;
};

// The bytes of a bytea field of a (text-format) libpqxx result.
inline absl::StatusOr<std::string> Bytes(const pqxx::field& field) {
  return FromPgHex(absl::string_view(field.c_str(), field.size()));
}

}  // namespace mcrm::server
