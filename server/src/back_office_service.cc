#include "back_office_service.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "back_office.h"
#include "mcrm/v1/back_office.grpc.pb.h"
#include "service_call.h"

namespace mcrm::server {
namespace {

using Base = v1::BackOffice::WithRawCallbackMethod_DescribeSchema<
    v1::BackOffice::WithRawCallbackMethod_GetRecord<
        v1::BackOffice::WithRawCallbackMethod_CreateRecord<
            v1::BackOffice::WithRawCallbackMethod_UpdateRecord<
                v1::BackOffice::WithRawCallbackMethod_DeleteRecord<
                    v1::BackOffice::WithRawCallbackMethod_FindRecords<
                        v1::BackOffice::WithRawCallbackMethod_ReassignAccounts<
                            v1::BackOffice::WithRawCallbackMethod_SetPassword<
                                v1::BackOffice::WithRawCallbackMethod_UndoConflict<
                                    v1::BackOffice::WithRawCallbackMethod_ImportCsv<
                                        v1::BackOffice::WithRawCallbackMethod_ImportCsvParts<
                                            v1::BackOffice::WithRawCallbackMethod_ExportCsv<
                                                v1::BackOffice::WithRawCallbackMethod_ListDevices<
                                                    v1::BackOffice::Service>>>>>>>>>>>>>;

// ImportCsvParts: one file's parts on one call. Each part is read, imported on the worker pool
// (never on a gRPC thread) with the records the earlier parts met, and answered before the next
// is read. The first failure (a part that cannot be read as a whole, a refused caller, a part
// naming another entity or dry_run than the first) ends the call with its status; the parts
// before it stay imported, as separate ImportCsv calls would.
class ImportPartsReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  ImportPartsReactor(grpc::CallbackServerContext* context, Authenticator& auth,
                     BackOffice& back_office, WorkerPool& pool)
      : context_(context),
        auth_(auth),
        back_office_(back_office),
        pool_(pool),
        authorization_(Authorization(context)),
        device_id_(DeviceIdMetadata(context)) {
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client sent its last part
      Finish(grpc::Status::OK);
      return;
    }
    if (!pool_.Submit([this] { ImportPart(); })) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry later"));
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the answer could not be sent"));
      return;
    }
    StartRead(&in_);
  }

  void OnDone() override { delete this; }

 private:
  void ImportPart() {
    absl::StatusOr<v1::ImportCsvResponse> answer = Import();
    if (!answer.ok()) {
      Finish(ToGrpc(answer.status()));
      return;
    }
    out_ = ToByteBuffer(answer->SerializeAsString());
    StartWrite(&out_);
  }

  absl::StatusOr<v1::ImportCsvResponse> Import() {
    if (context_->deadline() < std::chrono::system_clock::now()) {
      return absl::DeadlineExceededError("deadline passed before the part was imported");
    }
    v1::ImportCsvRequest request;
    RETURN_IF_ERROR(ParseRequest(in_, request));
    ASSIGN_OR_RETURN(const Caller caller, auth_.Authenticate(authorization_, device_id_));
    if (parts_ == 0) {
      entity_ = request.entity();
      dry_run_ = request.dry_run();
      encoding_ = request.encoding();
    } else if (request.entity() != entity_ || request.dry_run() != dry_run_ ||
               request.encoding() != encoding_) {
      return absl::InvalidArgumentError(
          absl::StrCat("entity, dry_run, encoding: part ", parts_ + 1,
                       " names another entity, dry_run or encoding than the first part"));
    }
    ++parts_;
    return back_office_.ImportCsv(caller, request, &seen_);
  }

  grpc::CallbackServerContext* const context_;
  Authenticator& auth_;
  BackOffice& back_office_;
  WorkerPool& pool_;
  const std::string authorization_;
  const std::string device_id_;
  grpc::ByteBuffer in_;
  grpc::ByteBuffer out_;
  // One part at a time: each is read only once the answer to the one before was sent.
  ImportSeen seen_;
  std::string entity_;
  bool dry_run_ = false;
  std::string encoding_;
  int parts_ = 0;
};

class BackOfficeService final : public Base {
 public:
  BackOfficeService(Authenticator& auth, BackOffice& back_office, WorkerPool& pool)
      : auth_(auth), back_office_(back_office), pool_(pool) {}

  grpc::ServerUnaryReactor* DescribeSchema(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override {
    return Call<v1::DescribeSchemaRequest>(
        context, request, response, [this](const Caller& caller, const v1::DescribeSchemaRequest&) {
          return back_office_.DescribeSchema(caller);
        });
  }

  grpc::ServerUnaryReactor* GetRecord(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override {
    return Call<v1::GetRecordRequest>(context, request, response,
                                      [this](const Caller& caller, const v1::GetRecordRequest& r) {
                                        return back_office_.GetRecord(caller, r);
                                      });
  }

  grpc::ServerUnaryReactor* CreateRecord(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override {
    return Call<v1::CreateRecordRequest>(
        context, request, response, [this](const Caller& caller, const v1::CreateRecordRequest& r) {
          return back_office_.CreateRecord(caller, r);
        });
  }

  grpc::ServerUnaryReactor* UpdateRecord(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override {
    return Call<v1::UpdateRecordRequest>(
        context, request, response, [this](const Caller& caller, const v1::UpdateRecordRequest& r) {
          return back_office_.UpdateRecord(caller, r);
        });
  }

  grpc::ServerUnaryReactor* DeleteRecord(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override {
    return Call<v1::DeleteRecordRequest>(
        context, request, response, [this](const Caller& caller, const v1::DeleteRecordRequest& r) {
          return back_office_.DeleteRecord(caller, r);
        });
  }

  grpc::ServerUnaryReactor* FindRecords(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override {
    return Call<v1::FindRecordsRequest>(
        context, request, response, [this](const Caller& caller, const v1::FindRecordsRequest& r) {
          return back_office_.FindRecords(caller, r);
        });
  }

  grpc::ServerUnaryReactor* ReassignAccounts(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* request,
                                             grpc::ByteBuffer* response) override {
    return Call<v1::ReassignAccountsRequest>(
        context, request, response,
        [this](const Caller& caller, const v1::ReassignAccountsRequest& r) {
          return back_office_.ReassignAccounts(caller, r);
        });
  }

  grpc::ServerUnaryReactor* SetPassword(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override {
    return Call<v1::SetPasswordRequest>(
        context, request, response, [this](const Caller& caller, const v1::SetPasswordRequest& r) {
          return back_office_.SetPassword(caller, r);
        });
  }

  grpc::ServerUnaryReactor* UndoConflict(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override {
    return Call<v1::UndoConflictRequest>(
        context, request, response, [this](const Caller& caller, const v1::UndoConflictRequest& r) {
          return back_office_.UndoConflict(caller, r);
        });
  }

  grpc::ServerUnaryReactor* ImportCsv(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override {
    return Call<v1::ImportCsvRequest>(context, request, response,
                                      [this](const Caller& caller, const v1::ImportCsvRequest& r) {
                                        return back_office_.ImportCsv(caller, r);
                                      });
  }

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ImportCsvParts(
      grpc::CallbackServerContext* context) override {
    return new ImportPartsReactor(context, auth_, back_office_, pool_);
  }

  grpc::ServerUnaryReactor* ExportCsv(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override {
    return Call<v1::ExportCsvRequest>(context, request, response,
                                      [this](const Caller& caller, const v1::ExportCsvRequest& r) {
                                        return back_office_.ExportCsv(caller, r);
                                      });
  }

  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override {
    return Call<v1::ListDevicesRequest>(
        context, request, response, [this](const Caller& caller, const v1::ListDevicesRequest& r) {
          return back_office_.ListDevices(caller, r);
        });
  }

 private:
  // Authenticates the call (the session token and the device id in metadata) and runs `handle`
  // (Caller, Request -> absl::StatusOr<Response>) for the caller.
  template <typename Request, typename Handle>
  grpc::ServerUnaryReactor* Call(grpc::CallbackServerContext* context,
                                 const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                 Handle handle) {
    return Unary<Request>(
        pool_, context, request, response,
        [this, handle = std::move(handle), authorization = Authorization(context),
         device_id = DeviceIdMetadata(context)](const Request& r) {
          auto caller = auth_.Authenticate(authorization, device_id);
          using Response = typename decltype(handle(std::declval<const Caller&>(), r))::value_type;
          if (!caller.ok()) return absl::StatusOr<Response>(caller.status());
          return handle(*caller, r);
        });
  }

  Authenticator& auth_;
  BackOffice& back_office_;
  WorkerPool& pool_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeBackOfficeService(Authenticator& auth, BackOffice& back_office,
                                                     WorkerPool& pool) {
  return std::make_unique<BackOfficeService>(auth, back_office, pool);
}

}  // namespace mcrm::server
