#include "mcrm/endpoint.h"

#include <charconv>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace mcrm {
namespace {

bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

absl::Status BadEndpoint(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("endpoint \"", text, "\": ", why, " (expected host:port)"));
}

}  // namespace

std::string Endpoint::ToString() const {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text, bool allow_any_port) {
  const absl::string_view whole = text;
  Endpoint out;
  absl::string_view port_text;
  if (text.empty()) return BadEndpoint(whole, "empty");
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == absl::string_view::npos) return BadEndpoint(whole, "unclosed '[' in IPv6 literal");
    out.host = std::string(text.substr(1, close - 1));
    if (out.host.empty()) return BadEndpoint(whole, "empty IPv6 literal");
    for (char c : out.host) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return BadEndpoint(whole, "IPv6 literal holds a character that is not hex, ':' or '.'");
      }
    }
    absl::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return BadEndpoint(whole, "expected ':' after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return BadEndpoint(whole, "empty port");
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon != absl::string_view::npos) {
      if (text.find(':') != colon) return BadEndpoint(whole, "IPv6 literals need brackets");
      port_text = text.substr(colon + 1);
      if (port_text.empty()) return BadEndpoint(whole, "empty port");
      text = text.substr(0, colon);
    }
    if (text.empty()) return BadEndpoint(whole, "empty host");
    for (char c : text) {
      if (!IsHostNameChar(c))
        return BadEndpoint(whole, "host holds a character not allowed in a name");
    }
    out.host = std::string(text);
  }
  if (port_text.empty()) {
    out.port = kDefaultServerPort;
    return out;
  }
  unsigned value = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size()) {
    return BadEndpoint(whole, absl::StrCat("port \"", port_text, "\" is not a number"));
  }
  if (value > 65535) return BadEndpoint(whole, "port is above 65535");
  if (value == 0 && !allow_any_port) return BadEndpoint(whole, "port 0 cannot be dialled");
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace mcrm
