// The identity part of the PostgreSQL store: credentials, device-bound sessions, device
// revocation, and the one-round-trip session lookup every request makes.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/pg/connection_pool.h"
#include "store/store.h"

namespace mcrm::server {

// The Store methods of the same names, for the PostgreSQL store.
absl::Status PutCredentialsPostgres(PgRunner& runner, const Credentials& c);
absl::StatusOr<std::optional<Credentials>> FindCredentialsPostgres(PgRunner& runner,
                                                                   absl::string_view login);
absl::Status SaveSessionPostgres(PgRunner& runner, absl::string_view token_hash, const Session& s);
absl::StatusOr<std::optional<Session>> FindSessionPostgres(PgRunner& runner,
                                                           absl::string_view token_hash);
absl::Status RevokeDevicePostgres(PgRunner& runner, absl::string_view device_id, int64_t at_ms);
absl::StatusOr<SessionLookup> LookUpSessionPostgres(PgRunner& runner, absl::string_view token_hash,
                                                    absl::string_view device_id);
absl::StatusOr<bool> IsDeviceRevokedPostgres(PgRunner& runner, absl::string_view device_id);

absl::Status NoteDeviceSyncPostgres(PgRunner& runner, absl::string_view device_id, int64_t at_ms,
                                    int64_t unsent_changes);
absl::StatusOr<std::vector<DeviceInfo>> ListDevicesPostgres(PgRunner& runner,
                                                            absl::string_view user_id, int limit);

}  // namespace mcrm::server
