#include "auth.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "mcrm/hlc.h"
#include "mcrm/merge.h"
#include "mcrm/status_macros.h"
#include "mcrm/validation.h"

namespace mcrm::server {
namespace {

bool SodiumReady() {
  static const bool kReady = sodium_init() >= 0;
  return kReady;
}

std::string TokenHash(absl::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

// A login name follows the user record's `login` field rule: the name signed in with is one a
// user record can hold (a NUL byte or a line break never reaches the store).
absl::Status CheckLogin(absl::string_view login) {
  static const FieldSpec& kLogin = *Spec(EntityType::kUser).FieldByName("login");
  if (login.empty()) return absl::InvalidArgumentError("login: required");
  return ValidateFieldValue(kLogin, Value::String(std::string(login)), "login");
}

// Argon2id reads the whole password: its length is bounded like every other input.
constexpr size_t kMaxPasswordLength = 1024;

}  // namespace

absl::Status DeviceRevokedError() {
  absl::Status status = absl::PermissionDeniedError(
      "device revoked: wipe the local data on this device and sign in again");
  status.SetPayload(kDeviceRevokedPayload, absl::Cord("true"));
  return status;
}

bool IsDeviceRevokedError(const absl::Status& status) {
  return status.GetPayload(kDeviceRevokedPayload).has_value();
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (!SodiumReady()) return absl::InternalError("libsodium failed to initialize");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return absl::ResourceExhaustedError("password hashing ran out of memory");
  }
  return std::string(hash);
}

Authenticator::Authenticator(Store& store, std::function<int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

absl::StatusOr<Caller> Authenticator::CallerFor(const std::string& user_id, std::string device_id) {
  ASSIGN_OR_RETURN(std::vector<StoredRecord> users, store_.ReadRecords({user_id}));
  std::optional<StoredRecord> user;
  if (!users.empty()) user = std::move(users[0]);
  return CallerOf(user, user_id, std::move(device_id));
}

absl::StatusOr<Caller> Authenticator::CallerOf(const std::optional<StoredRecord>& stored,
                                               const std::string& user_id, std::string device_id) {
  if (!stored.has_value() || stored->record.meta.deleted) {
    return absl::UnauthenticatedError("the signed-in user no longer exists");
  }
  const Record& user = stored->record;
  const Value& active = user.Get("active");
  if (active.is_bool() && !active.bool_value()) {
    return absl::PermissionDeniedError("user is deactivated");
  }
  Caller caller = CallerOfUser(user, std::move(device_id));
  caller.user_id = user_id;
  return caller;
}

absl::StatusOr<LoginResult> Authenticator::Login(absl::string_view login,
                                                 absl::string_view password,
                                                 absl::string_view device_id) {
  RETURN_IF_ERROR(CheckNodeId(device_id, "device_id"));
  RETURN_IF_ERROR(CheckLogin(login));
  if (password.size() > kMaxPasswordLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("password: longer than ", kMaxPasswordLength, " bytes"));
  }
  if (!SodiumReady()) return absl::InternalError("libsodium failed to initialize");
  ASSIGN_OR_RETURN(std::optional<Credentials> credentials, store_.FindCredentials(login));
  if (!credentials.has_value() || crypto_pwhash_str_verify(credentials->password_hash.c_str(),
                                                           password.data(), password.size()) != 0) {
    return absl::UnauthenticatedError("login or password is wrong");
  }
  ASSIGN_OR_RETURN(bool revoked, store_.IsDeviceRevoked(device_id));
  if (revoked) return DeviceRevokedError();
  ASSIGN_OR_RETURN(Caller caller, CallerFor(credentials->user_id, std::string(device_id)));

  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  LoginResult result;
  result.token =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  result.expires_ms = now_ms_() + kSessionLifetimeMs;
  result.caller = std::move(caller);
  RETURN_IF_ERROR(store_.SaveSession(
      TokenHash(result.token),
      Session{result.caller.user_id, std::string(device_id), result.expires_ms}));
  return result;
}

absl::StatusOr<Caller> Authenticator::Authenticate(absl::string_view authorization,
                                                   absl::string_view device_id) {
  RETURN_IF_ERROR(CheckNodeId(device_id, "device_id"));
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") || token.empty()) {
    return absl::UnauthenticatedError(
        "missing \"authorization: Bearer TOKEN\" metadata; log in first");
  }
  ASSIGN_OR_RETURN(SessionLookup found, store_.LookUpSession(TokenHash(token), device_id));
  if (found.device_revoked) return DeviceRevokedError();
  const std::optional<Session>& session = found.session;
  if (!session.has_value())
    return absl::UnauthenticatedError("session token is not valid; log in again");
  if (session->device_id != device_id) {
    return absl::UnauthenticatedError(
        "session token belongs to another device; log in on this one");
  }
  if (session->expires_ms <= now_ms_())
    return absl::UnauthenticatedError("session expired; log in again");
  return CallerOf(found.user, session->user_id, session->device_id);
}

absl::Status Authenticator::RevokeDevice(const Caller& caller, absl::string_view device_id) {
  if (!caller.is_admin()) return absl::PermissionDeniedError("only admins revoke devices");
  RETURN_IF_ERROR(CheckNodeId(device_id, "device_id"));
  return store_.RevokeDevice(device_id, now_ms_());
}

}  // namespace mcrm::server
