#include "store/store.h"

#include "mcrm/status_macros.h"

namespace mcrm::server {

absl::StatusOr<SessionLookup> Store::LookUpSession(absl::string_view token_hash,
                                                   absl::string_view device_id) {
  SessionLookup out;
  ASSIGN_OR_RETURN(out.device_revoked, IsDeviceRevoked(device_id));
  ASSIGN_OR_RETURN(out.session, FindSession(token_hash));
  if (out.session.has_value()) {
    ASSIGN_OR_RETURN(std::vector<StoredRecord> users, ReadRecords({out.session->user_id}));
    if (!users.empty()) out.user = std::move(users[0]);
  }
  return out;
}

}  // namespace mcrm::server
