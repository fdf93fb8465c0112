// Sign-in: password checks (Argon2id), device-bound session tokens stored hashed, device
// revocation, and resolving a call's token to the Caller it acts for.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/scope_rule.h"
#include "store/store.h"

namespace mcrm::server {

struct LoginResult {
  std::string token;
  Caller caller;
  int64_t expires_ms = 0;
};

// The one answer every call from a revoked device gets: PERMISSION_DENIED with this payload
// (and, on the wire, the trailer "mcrm-device-revoked: true"). The device then wipes itself.
inline constexpr absl::string_view kDeviceRevokedPayload = "mcrm.device_revoked";
absl::Status DeviceRevokedError();
bool IsDeviceRevokedError(const absl::Status& status);

// An Argon2id hash in libsodium's string format.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

class Authenticator {
 public:
  static constexpr int64_t kSessionLifetimeMs = 30LL * 24 * 3600 * 1000;

  Authenticator(Store& store, std::function<int64_t()> now_ms);

  // UNAUTHENTICATED for an unknown login or a wrong password (the message does not say which),
  // PERMISSION_DENIED for a deactivated user, the revoked answer for a revoked device,
  // INVALID_ARGUMENT for a malformed device id.
  absl::StatusOr<LoginResult> Login(absl::string_view login, absl::string_view password,
                                    absl::string_view device_id);

  // Resolves "Bearer TOKEN" for a call naming `device_id`.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization, absl::string_view device_id);

  absl::Status RevokeDevice(const Caller& caller, absl::string_view device_id);

 private:
  absl::StatusOr<Caller> CallerFor(const std::string& user_id, std::string device_id);
  // The caller a user record (nullopt: not found) stands for.
  static absl::StatusOr<Caller> CallerOf(const std::optional<StoredRecord>& user,
                                         const std::string& user_id, std::string device_id);

  Store& store_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mcrm::server
