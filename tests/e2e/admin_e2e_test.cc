// End-to-end: the real mcrm-admin binary, run the way a dispatcher runs it from a shell, against
// the real mcrm-server with demo data on the store chosen by --store=sqlite|pg. It checks what the
// person at the keyboard notices: what is printed, the JSON a script gets, and the exit status.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "mcrm/utf8.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/back_office.pb.h"
#include "mcrm/v1/sync.pb.h"
#include "server_process.h"
#include "test_stores.h"

extern char** environ;

namespace mcrm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Path of the mcrm-admin binary under test (MCRM_ADMIN_BINARY, as MCRM_SERVER_BINARY for the
// server).
std::string AdminBinary() {
  const char* path = std::getenv("MCRM_ADMIN_BINARY");
  return path ? path : "mcrm-admin";
}

// What one run printed and how it ended.
struct Outcome {
  int status = -1;  // the exit status, or 128 + the signal
  std::string out;
  std::string err;
};

// The variables mcrm-admin reads: a developer's own never leak into a run.
bool IsAdminVariable(const char* entry) {
  for (const char* name : {"MCRM_SERVER=", "MCRM_LOGIN=", "MCRM_PASSWORD=", "MCRM_DEVICE_ID="}) {
    if (std::strncmp(entry, name, std::strlen(name)) == 0) return true;
  }
  return false;
}

// Runs mcrm-admin with `args`, the variables `env` and `input` on its standard input (a pipe, as
// in `echo ... | mcrm-admin ...`), and waits for it however long it takes: only the ctest
// timeout bounds a run that never ends.
Outcome RunAdmin(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& input = "") {
  Outcome run;
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!IsAdminVariable(*entry)) environment.emplace_back(*entry);
  }
  for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const std::string binary = AdminBinary();
  // A day for each answer: the tool's own 30-second default would bound the test by the
  // machine's speed, and only the ctest timeout is to end a run that never ends.
  std::vector<std::string> arguments = {binary, "--timeout", "86400"};
  arguments.insert(arguments.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed: " << std::strerror(errno);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  // The test ignores SIGPIPE; mcrm-admin starts with it as a shell would give it.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int spawned =
      posix_spawn(&pid, binary.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (spawned != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    ADD_FAILURE() << "cannot start " << binary << ": " << std::strerror(spawned);
    return run;
  }
  // The input is a line or two: it fits the pipe's buffer, so this does not wait for the reader.
  // A child that exits without reading makes this fail with EPIPE (SIGPIPE is ignored).
  if (!input.empty()) {
    [[maybe_unused]] const ssize_t written = write(in[1], input.data(), input.size());
  }
  close(in[1]);

  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* into[2] = {&run.out, &run.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      ADD_FAILURE() << "poll failed: " << std::strerror(errno);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      into[i]->append(buffer, static_cast<size_t>(n));
    }
  }
  int status = 0;
  pid_t done = -1;
  do {
    done = waitpid(pid, &status, 0);
  } while (done < 0 && errno == EINTR);
  if (done == pid) run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

// The first record id (a UUIDv7) in `text`, or "".
std::string IdIn(const std::string& text) {
  static const std::regex kId(
      "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::smatch match;
  return std::regex_search(text, match, kId) ? match.str() : "";
}

// `json` (mcrm-admin's --json output) as the message it prints; fails the test if it is not one.
template <typename Message>
Message Parsed(const std::string& json) {
  Message message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return message;
}

// The terminal columns `text` takes, counted independently of mcrm-admin's own code: CJK
// ideographs (and the rest of the East Asian wide ranges) take two.
int Columns(const std::string& text) {
  int columns = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    const uint32_t c = DecodeUtf8At(text, i, len);
    const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
    columns += wide ? 2 : 1;
    i += len;
  }
  return columns;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return lines;
}

class AdminE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const absl::Status started = server_.Start("admin-e2e", /*demo_accounts=*/20);
    ASSERT_TRUE(started.ok()) << started;
    // A run that exits before reading its input must not kill the test with SIGPIPE. Ignored
    // after the server started, which would otherwise inherit it.
    signal(SIGPIPE, SIG_IGN);
  }
  static void TearDownTestSuite() {
    const absl::Status stopped = server_.Stop();
    EXPECT_TRUE(stopped.ok()) << stopped;
  }

  // mcrm-admin signed in as `login` (through MCRM_LOGIN and MCRM_PASSWORD) on the test's server.
  static Outcome As(const std::string& login, const std::vector<std::string>& args,
                    const std::string& password = "demo", const std::string& input = "") {
    return RunAdmin(
        args,
        {{"MCRM_SERVER", server_.address()}, {"MCRM_LOGIN", login}, {"MCRM_PASSWORD", password}},
        input);
  }

  // Creates an account as the dispatcher and returns its id, from what create prints.
  static std::string CreateAccount(const std::string& name) {
    const Outcome created =
        As("dispatch", {"create", "account", "name=" + name, "kind=organization"});
    EXPECT_EQ(created.status, 0) << created.err;
    const std::string id = IdIn(created.out);
    EXPECT_FALSE(id.empty()) << created.out;
    return id;
  }

  static inline SuiteDemoServer server_;
};

TEST_F(AdminE2e, ADispatcherCreatesAnAccountAndAScriptFindsItAsJson) {
  const Outcome created = As("dispatch", {"create", "account", "name=Zwiebelkuchen Handel GmbH",
                                          "kind=organization", "tags=brot, torte"});
  ASSERT_EQ(created.status, 0) << created.err;
  const std::string id = IdIn(created.out);
  ASSERT_FALSE(id.empty()) << created.out;
  EXPECT_THAT(created.out, HasSubstr("created account " + id));

  const Outcome found = As("dispatch", {"find", "account", "--search", "zwiebel", "--json"});
  ASSERT_EQ(found.status, 0) << found.err;
  const auto response = Parsed<v1::FindRecordsResponse>(found.out);
  ASSERT_EQ(response.records_size(), 1) << found.out;
  EXPECT_EQ(response.records(0).id(), id);
  EXPECT_EQ(response.records(0).fields().at("name").string_value(), "Zwiebelkuchen Handel GmbH");
  const v1::ListValue& tags = response.records(0).fields().at("tags").list_value();
  ASSERT_EQ(tags.values_size(), 2) << "a comma-separated list is a list";
  EXPECT_EQ(tags.values(0).string_value(), "brot");
  EXPECT_EQ(tags.values(1).string_value(), "torte");

  // A change on the version read; "tags=" clears the tags.
  const Outcome updated = As(
      "dispatch", {"update", "account", id, "--base-version", "1", "industry=Bäckerei", "tags="});
  ASSERT_EQ(updated.status, 0) << updated.err;
  EXPECT_THAT(updated.out, HasSubstr("version 2"));
  const Outcome got = As("dispatch", {"get", "account", id});
  ASSERT_EQ(got.status, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("Bäckerei"));
  EXPECT_THAT(got.out, Not(HasSubstr("torte")));

  const Outcome removed = As("dispatch", {"delete", "account", id, "--base-version", "2"});
  ASSERT_EQ(removed.status, 0) << removed.err;
  const Outcome gone = As("dispatch", {"get", "account", id});
  EXPECT_EQ(gone.status, 1);
  EXPECT_THAT(gone.err, HasSubstr("not found"));
}

TEST_F(AdminE2e, TimesAreWrittenInIso8601AndShownBackInUtc) {
  const std::string account = CreateAccount("Zeitmesser OHG");
  const Outcome created =
      As("dispatch", {"create", "interaction", "account_id=" + account, "channel=visit",
                      "planned_start=2024-05-01T09:30:00+02:00", "--json"});
  ASSERT_EQ(created.status, 0) << created.err;
  const auto written = Parsed<v1::WriteRecordResponse>(created.out);
  EXPECT_EQ(written.record().fields().at("planned_start").int_value(), 1714548600000)
      << "2024-05-01T07:30:00Z in ms";
  const Outcome got = As("dispatch", {"get", "interaction", written.record().id()});
  ASSERT_EQ(got.status, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("2024-05-01T07:30:00Z"));

  // A time without a zone is refused rather than guessed, naming the field.
  const Outcome zoneless = As("dispatch", {"create", "interaction", "account_id=" + account,
                                           "channel=visit", "planned_start=2024-05-01T09:30"});
  EXPECT_EQ(zoneless.status, 1);
  EXPECT_THAT(zoneless.err, HasSubstr("planned_start"));
  EXPECT_THAT(zoneless.err, HasSubstr("time zone"));
}

TEST_F(AdminE2e, TableColumnsLineUpAroundChineseNames) {
  CreateAccount("Qxalign 华为技术");
  CreateAccount("Qxalign Ltd");
  const Outcome listed = As("dispatch", {"find", "account", "--search", "qxalign", "--columns",
                                         "name,kind", "--order-by", "name"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  const std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 3u) << listed.out;
  // The kind column (the last, without blanks in its values) starts at the same terminal column
  // on every line, though the Chinese name has fewer bytes per column than the others.
  const auto kind_column = [](const std::string& line) {
    return Columns(line.substr(0, line.rfind(' ') + 1));
  };
  EXPECT_EQ(kind_column(lines[1]), kind_column(lines[0])) << listed.out;
  EXPECT_EQ(kind_column(lines[2]), kind_column(lines[0])) << listed.out;
  EXPECT_THAT(listed.out, HasSubstr("Qxalign 华为技术"));
}

TEST_F(AdminE2e, ARepIsToldTheBackOfficeIsForDispatchersAndAdmins) {
  const Outcome run = As("rep1", {"find", "account"});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("may not do this"));
  EXPECT_THAT(run.err, HasSubstr("dispatchers and admins"));
  EXPECT_EQ(run.out, "");
}

TEST_F(AdminE2e, AWrongPasswordSaysWhereTheCredentialsCameFrom) {
  const Outcome wrong = As("dispatch", {"schema"}, "not-the-password");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_THAT(wrong.err, HasSubstr("sign-in failed"));
  EXPECT_THAT(wrong.err, HasSubstr("MCRM_LOGIN"));

  const Outcome none = RunAdmin({"schema"}, {{"MCRM_SERVER", server_.address()}});
  EXPECT_EQ(none.status, 1);
  EXPECT_THAT(none.err, HasSubstr("MCRM_PASSWORD"));
}

TEST_F(AdminE2e, ACredentialsFileOthersMayReadIsRefused) {
  const std::filesystem::path file = server_.data_dir() / "admin-credentials";
  {
    std::ofstream out(file);
    out << "# the dispatcher's account\nlogin=dispatch\npassword=demo\n";
  }
  ASSERT_EQ(chmod(file.c_str(), 0644), 0);
  const std::map<std::string, std::string> env = {{"MCRM_SERVER", server_.address()}};
  const Outcome open = RunAdmin({"--credentials", file.string(), "schema"}, env);
  EXPECT_EQ(open.status, 1);
  EXPECT_THAT(open.err, HasSubstr("chmod 600"));

  ASSERT_EQ(chmod(file.c_str(), 0600), 0);
  const Outcome kept = RunAdmin({"--credentials", file.string(), "schema"}, env);
  EXPECT_EQ(kept.status, 0) << kept.err;
  EXPECT_THAT(kept.out, HasSubstr("account"));
}

TEST_F(AdminE2e, ABadFieldOrValueIsRefusedNamingItAndNothingIsStored) {
  const std::vector<std::string> valid = {"create", "account", "name=Farbenfroh GmbH",
                                          "kind=organization"};
  const auto with = [&](const std::string& extra) {
    std::vector<std::string> args = valid;
    args.push_back(extra);
    return args;
  };
  const Outcome colour = As("dispatch", with("colour=red"));
  EXPECT_EQ(colour.status, 1);
  EXPECT_THAT(colour.err, HasSubstr("colour"));
  const Outcome kind = As("dispatch", {"create", "account", "name=Farbenfroh GmbH", "kind=robot"});
  EXPECT_EQ(kind.status, 1);
  EXPECT_THAT(kind.err, HasSubstr("kind"));
  // Checked by the server: its message names the field.
  const Outcome email = As("dispatch", with("emails=not an address"));
  EXPECT_EQ(email.status, 1);
  EXPECT_THAT(email.err, HasSubstr("emails"));
  const Outcome where = As("dispatch", {"find", "account", "--where", "colour=red"});
  EXPECT_EQ(where.status, 1);
  EXPECT_THAT(where.err, HasSubstr("colour"));
  // A name where an id belongs is told where the id is found.
  const Outcome territory = As("dispatch", {"find", "account", "--where", "territory_id=North"});
  EXPECT_EQ(territory.status, 1);
  EXPECT_THAT(territory.err, HasSubstr("mcrm-admin find territory"));
  const Outcome owner = As("dispatch", {"reassign", "--owner", "rep5", CreateAccount("Umzug KG")});
  EXPECT_EQ(owner.status, 1);
  EXPECT_THAT(owner.err, HasSubstr("mcrm-admin find user"));

  const Outcome found = As("dispatch", {"find", "account", "--search", "farbenfroh", "--json"});
  ASSERT_EQ(found.status, 0) << found.err;
  EXPECT_EQ(Parsed<v1::FindRecordsResponse>(found.out).records_size(), 0)
      << "nothing of the refused creates was stored";
}

TEST_F(AdminE2e, AnUnreachableServerIsSaidSo) {
  const Outcome run = RunAdmin({"--server", "127.0.0.1:1", "schema"},
                               {{"MCRM_LOGIN", "dispatch"}, {"MCRM_PASSWORD", "demo"}});
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("cannot reach the server at 127.0.0.1:1"));
}

TEST_F(AdminE2e, UsageErrorsExitWithTwoAndHelpWithZero) {
  EXPECT_EQ(As("dispatch", {}).status, 2) << "no command";
  const Outcome unknown = As("dispatch", {"frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_THAT(unknown.err, HasSubstr("\"frobnicate\" is not a command"));
  EXPECT_EQ(As("dispatch", {"get", "account"}).status, 2) << "no id";
  const Outcome malformed = As("dispatch", {"create", "account", "name"});
  EXPECT_EQ(malformed.status, 2);
  EXPECT_THAT(malformed.err, HasSubstr("FIELD=VALUE"));
  EXPECT_EQ(As("dispatch", {"update", "account", "some-id", "name=x"}).status, 2)
      << "no --base-version";
  EXPECT_EQ(As("dispatch", {"reassign", "some-id"}).status, 2) << "neither --owner nor --territory";
  EXPECT_EQ(As("dispatch", {"conflicts"}).status, 2) << "neither --record nor --user";
  EXPECT_EQ(As("dispatch", {"find", "account", "--limit", "0"}).status, 2);
  EXPECT_EQ(As("dispatch", {"import", "account"}).status, 2) << "no file";
  EXPECT_EQ(As("dispatch", {"export"}).status, 2) << "no entity";

  const Outcome help = As("dispatch", {"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, HasSubstr("find"));
  EXPECT_THAT(help.out, HasSubstr("MCRM_LOGIN"));
  const Outcome find_help = As("dispatch", {"find", "--help"});
  EXPECT_EQ(find_help.status, 0);
  EXPECT_THAT(find_help.out, HasSubstr("--at-least"));
  const Outcome import_help = As("dispatch", {"import", "--help"});
  EXPECT_EQ(import_help.status, 0);
  EXPECT_THAT(import_help.out, HasSubstr("--dry-run"));
}

TEST_F(AdminE2e, AnAdminSetsAPasswordFromStandardInputAndTheUserSignsIn) {
  const Outcome created = As(
      "admin", {"create", "user", "login=lena2", "display_name=Lena Zwei", "role=rep", "--json"});
  ASSERT_EQ(created.status, 0) << created.err;
  const std::string user = Parsed<v1::WriteRecordResponse>(created.out).record().id();
  ASSERT_FALSE(user.empty());

  const Outcome set = As("admin", {"set-password", user}, "demo", "lena's first password\n");
  ASSERT_EQ(set.status, 0) << set.err;
  const Outcome lena = As("lena2", {"schema"}, "lena's first password");
  EXPECT_EQ(lena.status, 1);
  EXPECT_THAT(lena.err, HasSubstr("dispatchers and admins")) << "signed in, and refused as a rep";

  const Outcome dispatcher = As("dispatch", {"set-password", user}, "demo", "another password\n");
  EXPECT_EQ(dispatcher.status, 1);
  EXPECT_THAT(dispatcher.err, HasSubstr("only admins"));
}

TEST_F(AdminE2e, TheOfficeReadsAConflictAndUndoesIt) {
  const std::string id = CreateAccount("Erstname AG");
  ASSERT_EQ(
      As("dispatch", {"update", "account", id, "--base-version", "1", "name=Zweitname AG"}).status,
      0);
  // Made on version 1 again: both changed the name since, a conflict decided by time.
  const Outcome late =
      As("dispatch", {"update", "account", id, "--base-version", "1", "name=Drittname AG"});
  ASSERT_EQ(late.status, 0) << late.err;
  EXPECT_THAT(late.out, HasSubstr("conflict on name"));

  const Outcome log = As("dispatch", {"conflicts", "--record", id, "--json"});
  ASSERT_EQ(log.status, 0) << log.err;
  const auto entries = Parsed<v1::ListConflictsResponse>(log.out);
  ASSERT_GE(entries.entries_size(), 1) << log.out;
  const v1::ConflictLogEntry& entry = entries.entries(0);
  const std::string loser = entry.conflict().incoming_won()
                                ? entry.conflict().stored().string_value()
                                : entry.conflict().incoming().string_value();
  const Outcome table = As("dispatch", {"conflicts", "--record", id});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr(loser)) << "field numbers and values shown by name and as text";

  const Outcome undone = As("dispatch", {"undo", std::to_string(entry.seq())});
  ASSERT_EQ(undone.status, 0) << undone.err;
  const Outcome got = As("dispatch", {"get", "account", id, "--json"});
  ASSERT_EQ(got.status, 0) << got.err;
  EXPECT_EQ(Parsed<v1::NamedRecord>(got.out).fields().at("name").string_value(), loser);
}

TEST_F(AdminE2e, ReassignGivesAnAccountToAnotherRepAndSaysWhatDidNotMove) {
  const Outcome rep = As("dispatch", {"find", "user", "--where", "login=rep2", "--json"});
  ASSERT_EQ(rep.status, 0) << rep.err;
  const auto users = Parsed<v1::FindRecordsResponse>(rep.out);
  ASSERT_EQ(users.records_size(), 1) << rep.out;
  const std::string rep_id = users.records(0).id();
  const std::string account = CreateAccount("Umzugskarton KG");

  const Outcome moved = As("dispatch", {"reassign", "--owner", rep_id, account});
  ASSERT_EQ(moved.status, 0) << moved.err;
  EXPECT_THAT(moved.out, HasSubstr("moved 1 of 1"));
  const Outcome got = As("dispatch", {"get", "account", account, "--json"});
  ASSERT_EQ(got.status, 0) << got.err;
  EXPECT_EQ(Parsed<v1::NamedRecord>(got.out).fields().at("owner_id").string_value(), rep_id);

  UuidV7Generator ids;
  const Outcome partly =
      As("dispatch", {"reassign", "--owner", rep_id, account, ids.NextString(1700000000000)});
  EXPECT_EQ(partly.status, 1) << "a script notices the account that did not move";
  EXPECT_THAT(partly.out, HasSubstr("no such account"));
}

TEST_F(AdminE2e, OnlyAnAdminRevokesADevice) {
  // A rep's phone that signed in once (its call is refused, but the sign-in is recorded).
  const Outcome phone = RunAdmin({"schema"},
                                 {{"MCRM_SERVER", server_.address()},
                                  {"MCRM_LOGIN", "rep1"},
                                  {"MCRM_PASSWORD", "demo"},
                                  {"MCRM_DEVICE_ID", "lost-phone-1"}},
                                 "");
  EXPECT_EQ(phone.status, 1);
  const Outcome dispatcher = As("dispatch", {"revoke-device", "lost-phone-1"});
  EXPECT_EQ(dispatcher.status, 1);
  EXPECT_THAT(dispatcher.err, HasSubstr("only admins"));
  const Outcome admin = As("admin", {"revoke-device", "lost-phone-1"});
  EXPECT_EQ(admin.status, 0) << admin.err;
  EXPECT_THAT(admin.out, HasSubstr("revoked"));

  // The dispatcher finds the phone among rep1's devices, by rep1's login, revoked.
  const Outcome rep1 = As("dispatch", {"find", "user", "--where", "login=rep1", "--json"});
  ASSERT_EQ(rep1.status, 0) << rep1.err;
  const auto users = Parsed<v1::FindRecordsResponse>(rep1.out);
  ASSERT_EQ(users.records_size(), 1);
  const Outcome devices = As("dispatch", {"devices", "--user", users.records(0).id()});
  ASSERT_EQ(devices.status, 0) << devices.err;
  std::string phone_line;
  for (const std::string& line : Lines(devices.out)) {
    if (line.find("lost-phone-1") != std::string::npos) phone_line = line;
  }
  EXPECT_THAT(phone_line, HasSubstr("rep1")) << devices.out;
  EXPECT_THAT(phone_line, HasSubstr("never")) << "it never completed a sync";
  EXPECT_THAT(phone_line, ::testing::MatchesRegex(".*20[0-9][0-9]-[0-9][0-9]-[0-9][0-9].*"))
      << "when it was revoked";
}

// The accounts found by a search, as find --json gives them.
v1::FindRecordsResponse FoundAccounts(const Outcome& found) {
  EXPECT_EQ(found.status, 0) << found.err;
  return Parsed<v1::FindRecordsResponse>(found.out);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

TEST_F(AdminE2e, AnExportedFileImportsBackChangingNothing) {
  const std::filesystem::path file = server_.data_dir() / "accounts-export.csv";
  const Outcome exported = As("dispatch", {"export", "account", "--output", file.string()});
  ASSERT_EQ(exported.status, 0) << exported.err;
  EXPECT_THAT(exported.err, HasSubstr("exported "));
  EXPECT_THAT(exported.err, HasSubstr(" rows to " + file.string()));
  EXPECT_EQ(exported.out, "");
  struct stat st = {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0111, 0u) << "a data file, not a program";
  const std::string csv = ReadFile(file);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF") << "UTF-8 with a byte-order mark, for spreadsheets";
  EXPECT_THAT(csv, HasSubstr("id,name,kind"));
  // To standard output, the same file.
  const Outcome piped = As("dispatch", {"export", "account"});
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out, csv);

  const Outcome back = As("dispatch", {"import", "account", file.string()});
  EXPECT_EQ(back.status, 0) << back.out << back.err;
  EXPECT_THAT(back.out, HasSubstr(" rows: 0 created, 0 updated, "));
  EXPECT_THAT(back.out, HasSubstr(" unchanged, 0 refused"));
  const Outcome json = As("dispatch", {"import", "account", file.string(), "--json"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto counts = Parsed<v1::ImportCsvResponse>(json.out);
  EXPECT_GE(counts.rows(), 20u) << "the demo's accounts";
  EXPECT_EQ(counts.unchanged(), counts.rows());
  EXPECT_EQ(counts.refused(), 0u);
  EXPECT_EQ(counts.encoding(), "UTF-8");
}

TEST_F(AdminE2e, AnImportReportsABadRowByLineAndColumnAndWritesTheGoodOnes) {
  const std::filesystem::path file = server_.data_dir() / "two-accounts.csv";
  WriteFile(file,
            "key,name,kind,emails\n"
            "e2e-quitte,Quittenhof Import GmbH,organization,info@quittenhof.example\n"
            "e2e-quark,Quarkwerk Import AG,organization,not an address\n");
  const Outcome first = As("dispatch", {"import", "account", file.string()});
  EXPECT_EQ(first.status, 1) << "a script notices the refused row";
  EXPECT_THAT(first.out, HasSubstr("line 3, column emails: "));
  EXPECT_THAT(first.out, HasSubstr("read 2 rows: 1 created, 0 updated, 0 unchanged, 1 refused"));
  EXPECT_THAT(first.err, HasSubstr("refused"));
  const auto good =
      FoundAccounts(As("dispatch", {"find", "account", "--search", "quittenhof", "--json"}));
  ASSERT_EQ(good.records_size(), 1);
  EXPECT_EQ(good.records(0).fields().at("name").string_value(), "Quittenhof Import GmbH");
  EXPECT_EQ(FoundAccounts(As("dispatch", {"find", "account", "--search", "quarkwerk", "--json"}))
                .records_size(),
            0);
  // The record is found by the key of the system the file came from.
  const Outcome by_key = As("dispatch", {"get", "account", "--key", "e2e-quitte"});
  EXPECT_EQ(by_key.status, 0) << by_key.err;
  EXPECT_THAT(by_key.out, HasSubstr("Quittenhof Import GmbH"));
  EXPECT_THAT(by_key.out, HasSubstr(good.records(0).id()));
  const Outcome no_key = As("dispatch", {"get", "account", "--key", "e2e-quark"});
  EXPECT_EQ(no_key.status, 1) << "its row was refused: the key names nothing";
  EXPECT_THAT(no_key.err, HasSubstr("no record was imported with the key"));

  // The same file again creates nothing twice.
  const Outcome again = As("dispatch", {"import", "account", file.string()});
  EXPECT_EQ(again.status, 1);
  EXPECT_THAT(again.out, HasSubstr("read 2 rows: 0 created, 0 updated, 1 unchanged, 1 refused"));

  // A dry run says what would happen and changes nothing.
  const std::filesystem::path dry = server_.data_dir() / "one-more-account.csv";
  WriteFile(dry, "key,name,kind\ne2e-dattel,Dattelhain Import KG,organization\n");
  const Outcome checked = As("dispatch", {"import", "account", dry.string(), "--dry-run"});
  EXPECT_EQ(checked.status, 0) << checked.out << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("1 created"));
  EXPECT_THAT(checked.out, HasSubstr("dry run: nothing was changed"));
  EXPECT_EQ(FoundAccounts(As("dispatch", {"find", "account", "--search", "dattelhain", "--json"}))
                .records_size(),
            0);

  // A file that is not there is said so, before anything is sent.
  const std::string missing = (server_.data_dir() / "no-such-file.csv").string();
  const Outcome none = As("dispatch", {"import", "account", missing});
  EXPECT_EQ(none.status, 1);
  EXPECT_THAT(none.err, HasSubstr("cannot open " + missing));
  // A file the server cannot read as a whole is refused with the server's reason.
  const std::filesystem::path keyless = server_.data_dir() / "keyless.csv";
  WriteFile(keyless, "name,kind\nOhne Schlüssel,organization\n");
  const Outcome refused = As("dispatch", {"import", "account", keyless.string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_THAT(refused.err, HasSubstr("key"));
}

TEST_F(AdminE2e, AFileFromAnOlderWesternSpreadsheetProgramIsReadAsWindows1252) {
  // Köln Heizung GmbH, Süßwaren Müller: what Excel's "CSV (comma delimited)" saves in Germany.
  const std::filesystem::path file = server_.data_dir() / "excel-western.csv";
  WriteFile(file,
            "key,name,kind\n"
            "e2e-koeln,K\xF6ln Heizung GmbH,organization\n"
            "e2e-suess,S\xFC\xDF"
            "waren M\xFCller,organization\n");
  const Outcome imported = As("dispatch", {"import", "account", file.string()});
  EXPECT_EQ(imported.status, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("read as Windows-1252"));
  const auto koeln =
      FoundAccounts(As("dispatch", {"find", "account", "--search", "heizung", "--json"}));
  ASSERT_EQ(koeln.records_size(), 1);
  EXPECT_EQ(koeln.records(0).fields().at("name").string_value(), "Köln Heizung GmbH");
  const auto suess =
      FoundAccounts(As("dispatch", {"find", "account", "--search", "süßwaren", "--json"}));
  ASSERT_EQ(suess.records_size(), 1);
  EXPECT_EQ(suess.records(0).fields().at("name").string_value(), "Süßwaren Müller");
  // Told otherwise, the same bytes are read as told.
  const Outcome told =
      As("dispatch", {"import", "account", file.string(), "--encoding", "gb18030", "--dry-run"});
  EXPECT_THAT(told.out, ::testing::Not(HasSubstr("Windows-1252"))) << told.out;
}

// Last: it adds 20,000 accounts.
TEST_F(AdminE2e, ALargeFileIsImportedInPartsWithProblemsOnTheFilesLines) {
  // About 10 MB: more than one call's worth (8 MiB). Some names hold a comma and some notes a
  // line break, in quotes, so that records and lines differ; one bad row early, one near the end.
  constexpr int kRows = 20000;
  constexpr int kLastPartRow = kRows - 100;  // its name has a comma, its notes a line break
  const std::string padding(460, 'p');
  std::string csv = "key,name,kind,notes\n";
  int64_t line = 2;  // of the next row
  int64_t early_bad_line = 0, late_bad_line = 0;
  for (int i = 0; i < kRows; ++i) {
    const bool comma = i % 97 == 0 || i == kLastPartRow;
    const bool line_break = i % 89 == 0 || i == kLastPartRow;
    const bool bad = i == 10 || i == kRows - 7;
    if (i == 10) early_bad_line = line;
    if (i == kRows - 7) late_bad_line = line;
    absl::StrAppend(&csv, "bulk-", i, ",",
                    comma ? absl::StrCat("\"Großhandel ", i, ", Nord\"") : absl::StrCat("Bulk ", i),
                    ",", bad ? "robot" : "organization", ",",
                    line_break ? absl::StrCat("\"erste Zeile\nzweite ", padding, "\"") : padding,
                    "\n");
    line += line_break ? 2 : 1;
  }
  ASSERT_GT(csv.size(), size_t{9} << 20);
  const std::filesystem::path file = server_.data_dir() / "bulk-accounts.csv";
  WriteFile(file, csv);

  const Outcome bulk = As("dispatch", {"import", "account", file.string()});
  EXPECT_EQ(bulk.status, 1) << bulk.err;
  EXPECT_THAT(bulk.out, HasSubstr(absl::StrCat("read ", kRows, " rows: ", kRows - 2,
                                               " created, 0 updated, 0 unchanged, 2 refused")));
  const std::vector<std::string> problems = Lines(bulk.out);
  ASSERT_EQ(problems.size(), 3u) << bulk.out;
  EXPECT_THAT(problems[0], HasSubstr(absl::StrCat("line ", early_bad_line, ", column kind: ")));
  EXPECT_THAT(problems[1], HasSubstr(absl::StrCat("line ", late_bad_line, ", column kind: ")));
  EXPECT_THAT(bulk.err, Not(HasSubstr("\r"))) << "no progress bar where stderr is no terminal";

  // A row of the last part, with its comma and its line break.
  const auto found = FoundAccounts(
      As("dispatch", {"find", "account", "--where",
                      absl::StrCat("name=Großhandel ", kLastPartRow, ", Nord"), "--json"}));
  ASSERT_EQ(found.records_size(), 1);
  EXPECT_THAT(found.records(0).fields().at("notes").string_value(),
              HasSubstr("erste Zeile\nzweite "));
}

}  // namespace
}  // namespace mcrm::testing
