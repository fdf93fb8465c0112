// Requests read from their bytes by the services themselves. gRPC's generated handlers answer a
// request that does not parse with UNIMPLEMENTED and no message; every call of ours answers
// INVALID_ARGUMENT saying which field is wrong and why (wire::ParseMessage). Included only by the
// service files: it brings in grpcpp.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "wire_check.h"

namespace mcrm::server {

// The bytes of a received message, in one piece.
inline std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::string bytes;
  std::vector<grpc::Slice> slices;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return bytes;
}

// Reads a request message from its bytes; INVALID_ARGUMENT naming the field at fault otherwise.
inline absl::Status ParseRequest(const grpc::ByteBuffer& buffer,
                                 google::protobuf::Message& request) {
  return wire::ParseMessage(BytesOf(buffer), request);
}

// A message to send, handed to gRPC without another copy.
inline grpc::ByteBuffer ToByteBuffer(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(
      owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return grpc::ByteBuffer(&slice, 1);
}

inline grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace mcrm::server
