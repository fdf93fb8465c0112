// A network endpoint given as "host:port", as typed on a command line or in a settings page.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mcrm {

// A host (name, IPv4 or bracketed IPv6 literal) and a TCP port.
struct Endpoint {
  std::string host;
  uint16_t port = 0;

  // "host:port", with IPv6 literals in brackets; what gRPC accepts as a target or listen address.
  std::string ToString() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// The port mcrm-server listens on when none is given.
inline constexpr uint16_t kDefaultServerPort = 50551;

// Parses "host:port", "host" (default port) or "[v6]:port". Port 0 means "any free port" and is
// allowed only when `allow_any_port` is set (a server may listen on it; a client cannot dial it).
absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text, bool allow_any_port);

}  // namespace mcrm
