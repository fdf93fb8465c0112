// Credentials and sign-in: where mcrm-admin's login and password come from (never argv, which
// every user of the machine can read in the process list), the device id it signs in as, the
// session's metadata and deadline on every call, and what a refusal means to the person at the
// keyboard.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "mcrm/v1/back_office.grpc.pb.h"
#include "mcrm/v1/sync.grpc.pb.h"

namespace mcrm::admin {

struct Credentials {
  std::string login;
  std::string password;
  // Where they came from, for the message of a failed sign-in: "MCRM_LOGIN and MCRM_PASSWORD",
  // or the login= and password= lines of a file.
  std::string source;
};

// From `file` when given (lines "login=..." and "password=..."; blank lines and lines starting
// with '#' are skipped), else from the environment (MCRM_LOGIN, MCRM_PASSWORD). A file that
// anyone but its owner may read or write is refused, as ssh refuses such a key: it holds a
// password. The error says what to do.
absl::StatusOr<Credentials> ReadCredentials(const std::string& file);

// MCRM_DEVICE_ID, else "mcrm-admin-" and the host name: the server binds sessions to a device,
// and an admin revokes devices by this id.
std::string DeviceId();

// A signed-in session on one server.
class Session {
 public:
  // `server` is HOST:PORT; every call waits at most `timeout` for its answer.
  Session(std::string server, std::chrono::milliseconds timeout, std::string device_id);

  // Auth.Login. On success the session's calls carry its token.
  grpc::Status SignIn(const Credentials& credentials);

  // Runs `call` (grpc::ClientContext* -> grpc::Status) with a fresh context holding the
  // session's metadata and a deadline.
  template <typename Call>
  grpc::Status Run(Call&& call) const {
    grpc::ClientContext context;
    Prepare(&context, 1);
    return call(&context);
  }
  // As Run, for a streaming call that waits for `answers` answers: its deadline gives each the
  // timeout.
  template <typename Call>
  grpc::Status RunStream(size_t answers, Call&& call) const {
    grpc::ClientContext context;
    Prepare(&context, answers);
    return call(&context);
  }

  v1::BackOffice::Stub& office() const { return *office_; }
  v1::Sync::Stub& sync() const { return *sync_; }
  v1::Auth::Stub& auth() const { return *auth_; }

  // Prints to stderr what a refusal means and what to do about it; returns exit status 1.
  int Refused(const grpc::Status& status) const;

  const std::string& server() const { return server_; }
  const std::string& user_id() const { return user_id_; }

 private:
  void Prepare(grpc::ClientContext* context, size_t answers) const;

  std::string server_;
  std::chrono::milliseconds timeout_;
  std::string device_id_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Auth::Stub> auth_;
  std::unique_ptr<v1::Sync::Stub> sync_;
  std::unique_ptr<v1::BackOffice::Stub> office_;
  // Kept for messages only; the password is not kept.
  std::string login_;
  std::string credentials_source_;
  std::string token_;
  std::string user_id_;
  std::string role_;
};

// Prints "mcrm-admin: MESSAGE" to stderr; returns exit status 1.
int Fail(absl::string_view message);

}  // namespace mcrm::admin
