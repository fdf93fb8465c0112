// The identity statements of the PostgreSQL store (credentials, sessions, devices).
#include "store/pg/identity.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "store/encoding.h"
#include "store/pg/params.h"
#include "store/pg/statements.h"

namespace mcrm::server {

absl::Status PutCredentialsPostgres(PgRunner& runner, const Credentials& c) {
  return runner.Run([&](pqxx::work& tx) {
    tx.exec_params0(
        "INSERT INTO credentials (user_id, login, password_hash) VALUES ($1, $2, $3) ON "
        "CONFLICT (user_id) DO UPDATE SET login = $2, password_hash = $3",
        c.user_id, c.login, c.password_hash);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<Credentials>> FindCredentialsPostgres(PgRunner& runner,
                                                                   absl::string_view login) {
  std::optional<Credentials> out;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) {
    const pqxx::result rows =
        tx.exec_params("SELECT user_id, login, password_hash FROM credentials WHERE login = $1",
                       std::string(login));
    if (!rows.empty()) {
      out = Credentials{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                        rows[0][2].as<std::string>()};
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status SaveSessionPostgres(PgRunner& runner, absl::string_view token_hash, const Session& s) {
  return runner.Run([&](pqxx::work& tx) {
    tx.exec_params0(
        "INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        s.device_id, s.user_id);
    tx.exec_params0(
        "INSERT INTO sessions (token_hash, user_id, device_id, expires_ms) VALUES ($1, $2, $3, "
        "$4)",
        std::string(token_hash), s.user_id, s.device_id, s.expires_ms);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<Session>> FindSessionPostgres(PgRunner& runner,
                                                           absl::string_view token_hash) {
  std::optional<Session> out;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) {
    const pqxx::result rows =
        tx.exec_params("SELECT user_id, device_id, expires_ms FROM sessions WHERE token_hash = $1",
                       std::string(token_hash));
    if (!rows.empty()) {
      out = Session{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                    rows[0][2].as<int64_t>()};
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status RevokeDevicePostgres(PgRunner& runner, absl::string_view device_id, int64_t at_ms) {
  return runner.Run([&](pqxx::work& tx) -> absl::Status {
    const pqxx::result updated = tx.exec_params(
        "UPDATE devices SET revoked_ms = coalesce(revoked_ms, $2) WHERE device_id = $1",
        std::string(device_id), at_ms);
    if (updated.affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("device ", device_id, ": never logged in"));
    }
    tx.exec_params0("DELETE FROM sessions WHERE device_id = $1", std::string(device_id));
    return absl::OkStatus();
  });
}

absl::StatusOr<SessionLookup> LookUpSessionPostgres(PgRunner& runner, absl::string_view token_hash,
                                                    absl::string_view device_id) {
  SessionLookup out;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::row row =
        tx.exec_prepared1(kLookUpSession, std::string(token_hash), std::string(device_id));
    out.device_revoked = !row[0].is_null() && row[0].as<bool>();
    if (row[1].is_null()) return absl::OkStatus();
    out.session = Session{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<int64_t>()};
    if (row[4].is_null()) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::string record, Bytes(row[4]));
    ASSIGN_OR_RETURN(std::string stamps, Bytes(row[5]));
    StoredRecord user;
    ASSIGN_OR_RETURN(user.record, DecodeRecord(record));
    ASSIGN_OR_RETURN(user.stamps, DecodeStamps(stamps));
    out.user = std::move(user);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<bool> IsDeviceRevokedPostgres(PgRunner& runner, absl::string_view device_id) {
  bool revoked = false;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) {
    const pqxx::result rows = tx.exec_params(
        "SELECT revoked_ms IS NOT NULL FROM devices WHERE device_id = $1", std::string(device_id));
    revoked = !rows.empty() && rows[0][0].as<bool>();
    return absl::OkStatus();
  }));
  return revoked;
}

absl::Status NoteDeviceSyncPostgres(PgRunner& runner, absl::string_view device_id, int64_t at_ms,
                                    int64_t unsent_changes) {
  return runner.Run([&](pqxx::work& tx) {
    tx.exec_params0(
        "UPDATE devices SET last_sync_ms = $2, unsent_changes = $3 WHERE device_id = $1",
        std::string(device_id), at_ms, unsent_changes);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<DeviceInfo>> ListDevicesPostgres(PgRunner& runner,
                                                            absl::string_view user_id, int limit) {
  std::vector<DeviceInfo> out;
  RETURN_IF_ERROR(runner.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::result rows = tx.exec_params(
        "SELECT device_id, user_id, last_sync_ms, unsent_changes, revoked_ms FROM devices WHERE "
        "($1 = '' OR user_id = $1) ORDER BY last_sync_ms DESC, device_id LIMIT $2",
        std::string(user_id), limit);
    for (const auto& row : rows) {
      DeviceInfo device;
      device.device_id = row[0].as<std::string>();
      device.user_id = row[1].as<std::string>();
      device.last_sync_ms = row[2].as<int64_t>();
      device.unsent_changes = row[3].as<int64_t>();
      if (!row[4].is_null()) device.revoked_ms = row[4].as<int64_t>();
      out.push_back(std::move(device));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace mcrm::server
