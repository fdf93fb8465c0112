#include "back_office_service.h"

#include <grpcpp/grpcpp.h>

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
                                        v1::BackOffice::WithRawCallbackMethod_ExportCsv<
                                            v1::BackOffice::WithRawCallbackMethod_ListDevices<
                                                v1::BackOffice::CallbackService>>>>>>>>>>>>;

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
