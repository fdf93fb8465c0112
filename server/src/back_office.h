// The back office's domain work, free of gRPC: the schema described for generic clients, and
// records read, written and found by entity and field name. Every write goes through the write
// path (as Author::BackOffice), so it merges with devices' changes, lands in the conflict log and
// reaches devices like theirs. Only dispatchers and admins may call it.
#pragma once

#include "absl/status/statusor.h"
#include "csv_import.h"
#include "mcrm/scope_rule.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/back_office.pb.h"
#include "store/store.h"
#include "write_path.h"

namespace mcrm::server {

class BackOffice {
 public:
  static constexpr int kDefaultFindLimit = 50;

  BackOffice(Store& store, WritePath& writes);

  // Each call: PERMISSION_DENIED for a rep; INVALID_ARGUMENT naming the part at fault for bad
  // input, which changes nothing.
  absl::StatusOr<v1::DescribeSchemaResponse> DescribeSchema(const Caller& caller) const;
  absl::StatusOr<v1::NamedRecord> GetRecord(const Caller& caller,
                                            const v1::GetRecordRequest& request);
  absl::StatusOr<v1::WriteRecordResponse> CreateRecord(const Caller& caller,
                                                       const v1::CreateRecordRequest& request);
  absl::StatusOr<v1::WriteRecordResponse> UpdateRecord(const Caller& caller,
                                                       const v1::UpdateRecordRequest& request);
  absl::StatusOr<v1::WriteRecordResponse> DeleteRecord(const Caller& caller,
                                                       const v1::DeleteRecordRequest& request);
  absl::StatusOr<v1::FindRecordsResponse> FindRecords(const Caller& caller,
                                                      const v1::FindRecordsRequest& request);
  absl::StatusOr<v1::ReassignAccountsResponse> ReassignAccounts(
      const Caller& caller, const v1::ReassignAccountsRequest& request);
  absl::StatusOr<v1::WriteRecordResponse> UndoConflict(const Caller& caller,
                                                       const v1::UndoConflictRequest& request);
  // `seen`: the records the earlier parts of the same file met (ImportCsvParts), or null.
  absl::StatusOr<v1::ImportCsvResponse> ImportCsv(const Caller& caller,
                                                  const v1::ImportCsvRequest& request,
                                                  ImportSeen* seen = nullptr);
  absl::StatusOr<v1::ExportCsvResponse> ExportCsv(const Caller& caller,
                                                  const v1::ExportCsvRequest& request);
  absl::StatusOr<v1::ListDevicesResponse> ListDevices(const Caller& caller,
                                                      const v1::ListDevicesRequest& request);
  // Admins only.
  absl::StatusOr<v1::SetPasswordResponse> SetPassword(const Caller& caller,
                                                      const v1::SetPasswordRequest& request);

 private:
  // Applies one change through the write path and answers with the record as stored.
  absl::StatusOr<v1::WriteRecordResponse> Write(const Caller& caller, ChangeSet change);

  Store& store_;
  WritePath& writes_;
};

}  // namespace mcrm::server
