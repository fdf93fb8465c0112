#include "session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "mcrm/utf8.h"

namespace mcrm::admin {
namespace {

// A credentials file is a few lines; anything larger is not one.
constexpr size_t kMaxCredentialsBytes = 64 * 1024;
// The server's bound on a device id (CheckNodeId).
constexpr size_t kMaxDeviceIdLength = 128;

absl::StatusOr<std::string> ReadAll(int fd, const std::string& file) {
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("--credentials ", file, ": cannot read: ", std::strerror(errno)));
    }
    if (n == 0) return content;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxCredentialsBytes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--credentials ", file, ": too large for a file of login= and password= lines"));
    }
  }
}

absl::StatusOr<Credentials> ParseCredentials(absl::string_view content, const std::string& file) {
  Credentials credentials;
  credentials.source = absl::StrCat("the login= and password= lines of ", file);
  bool has_login = false, has_password = false;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++number;
    absl::ConsumeSuffix(&line, "\r");
    const absl::string_view bare = absl::StripAsciiWhitespace(line);
    if (bare.empty() || absl::StartsWith(bare, "#")) continue;
    const auto equals = line.find('=');
    // The line itself is never quoted back: it may hold the password.
    const std::string where = absl::StrCat("--credentials ", file, ", line ", number);
    if (equals == absl::string_view::npos) {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": expected login=... or password=..."));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, equals));
    // A password is taken as it is, blanks included: they may be part of it. A login is not.
    const absl::string_view value = line.substr(equals + 1);
    if (key == "login") {
      if (has_login) {
        return absl::FailedPreconditionError(absl::StrCat(where, ": login given twice"));
      }
      credentials.login = std::string(absl::StripAsciiWhitespace(value));
      has_login = true;
    } else if (key == "password") {
      if (has_password) {
        return absl::FailedPreconditionError(absl::StrCat(where, ": password given twice"));
      }
      credentials.password = std::string(value);
      has_password = true;
    } else {
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": ", Quoted(key), " is neither login nor password"));
    }
  }
  if (!has_login || credentials.login.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("--credentials ", file, ": no login= line"));
  }
  if (!has_password || credentials.password.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("--credentials ", file, ": no password= line"));
  }
  return credentials;
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    default:
      return "error";
  }
}

}  // namespace

int Fail(absl::string_view message) {
  std::fprintf(stderr, "mcrm-admin: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

absl::StatusOr<Credentials> ReadCredentials(const std::string& file) {
  if (file.empty()) {
    const char* login = std::getenv("MCRM_LOGIN");
    const char* password = std::getenv("MCRM_PASSWORD");
    if (login == nullptr || *login == '\0' || password == nullptr || *password == '\0') {
      return absl::FailedPreconditionError(
          "no credentials: set MCRM_LOGIN and MCRM_PASSWORD, or give --credentials FILE (a file "
          "only you can read, with the lines login=... and password=...)");
    }
    return Credentials{login, password, "MCRM_LOGIN and MCRM_PASSWORD"};
  }
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--credentials ", file, ": cannot open: ", std::strerror(errno)));
  }
  // The mode of the file opened, not of whatever the name points at by the time it is read.
  struct stat st = {};
  if (fstat(fd, &st) != 0) {
    const int error = errno;
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("--credentials ", file, ": cannot stat: ", std::strerror(error)));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("--credentials ", file, ": not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrFormat(
        "--credentials %s: permissions %04o are too open: the file holds a password, so only its "
        "owner may read it; run: chmod 600 %s",
        file, static_cast<unsigned>(st.st_mode & 07777), file));
  }
  auto content = ReadAll(fd, file);
  close(fd);
  if (!content.ok()) return content.status();
  return ParseCredentials(*content, file);
}

std::string DeviceId() {
  const char* configured = std::getenv("MCRM_DEVICE_ID");
  if (configured != nullptr && *configured != '\0') return configured;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "mcrm-admin";
  std::string id = absl::StrCat("mcrm-admin-", host);
  // The server takes 1 to 128 visible ASCII characters; a host name is nearly always that.
  for (char& c : id) {
    if (c <= ' ' || c > '~') c = '-';
  }
  if (id.size() > kMaxDeviceIdLength) id.resize(kMaxDeviceIdLength);
  return id;
}

Session::Session(std::string server, std::chrono::milliseconds timeout, std::string device_id)
    : server_(std::move(server)),
      timeout_(timeout),
      device_id_(std::move(device_id)),
      channel_(grpc::CreateChannel(server_, grpc::InsecureChannelCredentials())),
      auth_(v1::Auth::NewStub(channel_)),
      sync_(v1::Sync::NewStub(channel_)),
      office_(v1::BackOffice::NewStub(channel_)) {}

grpc::Status Session::SignIn(const Credentials& credentials) {
  login_ = credentials.login;
  credentials_source_ = credentials.source;
  v1::LoginRequest request;
  request.set_login(credentials.login);
  request.set_password(credentials.password);
  request.set_device_id(device_id_);
  v1::LoginResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  grpc::Status status = auth_->Login(&context, request, &response);
  if (status.ok()) {
    token_ = response.session_token();
    user_id_ = response.user_id();
    role_ = response.role();
  }
  return status;
}

void Session::Prepare(grpc::ClientContext* context, size_t answers) const {
  context->set_deadline(std::chrono::system_clock::now() +
                        timeout_ * static_cast<int64_t>(std::max<size_t>(answers, 1)));
  if (!token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
  context->AddMetadata("mcrm-device-id", device_id_);
}

int Session::Refused(const grpc::Status& status) const {
  const std::string& message = status.error_message();
  const bool signed_in = !token_.empty();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return Fail(absl::StrCat("cannot reach the server at ", server_,
                               ": is mcrm-server running? (--server, or MCRM_SERVER)",
                               message.empty() ? "" : absl::StrCat("\n  (", message, ")")));
    case grpc::StatusCode::UNAUTHENTICATED:
      if (!signed_in) {
        return Fail(absl::StrCat("sign-in failed: check ", credentials_source_,
                                 " (the server says: ", message, ")"));
      }
      return Fail(
          absl::StrCat("the server ended the session: ", message, "; run the command again"));
    case grpc::StatusCode::PERMISSION_DENIED:
      if (absl::StartsWith(message, "device revoked")) {
        return Fail(absl::StrCat("the device id ", Quoted(device_id_),
                                 " that mcrm-admin signs in with was revoked; ask an admin (the "
                                 "server says: ",
                                 message, ")"));
      }
      if (!signed_in) return Fail(absl::StrCat("sign-in refused: ", message));
      return Fail(absl::StrCat("your user may not do this: ", message, " (signed in as ",
                               Quoted(login_), ", role ", role_, ")"));
    case grpc::StatusCode::INVALID_ARGUMENT:
      // The server's message names the field.
      if (!signed_in) {
        return Fail(absl::StrCat("sign-in refused: ", message, " (the login comes from ",
                                 credentials_source_, "; the device id ", Quoted(device_id_),
                                 " from MCRM_DEVICE_ID or the host name)"));
      }
      return Fail(absl::StrCat("refused: ", message));
    case grpc::StatusCode::NOT_FOUND:
      return Fail(absl::StrCat("not found: ", message));
    case grpc::StatusCode::ALREADY_EXISTS:
      return Fail(absl::StrCat("already exists: ", message));
    case grpc::StatusCode::FAILED_PRECONDITION:
      return Fail(absl::StrCat("cannot do this now: ", message));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Fail(absl::StrCat("no answer from the server at ", server_, " within ",
                               static_cast<double>(timeout_.count()) / 1000,
                               " s: it may be busy; try again, or allow longer with --timeout"));
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Fail(absl::StrCat("the server is busy: ", message, "; try again in a moment"));
    default:
      return Fail(absl::StrCat("the call failed (", CodeName(status.error_code()), "): ", message));
  }
}

}  // namespace mcrm::admin
