// Crash safety of the device: the sync engine's process is killed with SIGKILL at each point where
// a crash could tear its work apart (outbox marked sent, push answered but not settled, page
// received, half a page written, ...) and at random moments; after a restart and a clean sync the
// replica must match the server, every local change must be there once, and none twice.
//
// The test binary is also the device: run with --child it opens a replica, makes local changes
// (writing each to a ledger once it is committed) and syncs, killing itself at the chosen point.
// For the random moments it runs until killed and reports its progress through a pipe; the test
// kills it after a random number of steps, so where the kill lands does not depend on how fast
// the machine is.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "mcrm/uuid.h"
#include "replica.h"
#include "sample_records.h"
#include "server_process.h"
#include "sync_engine.h"

extern char** environ;

namespace mcrm::testing {
namespace {

using device::Replica;
using device::SyncClient;
using device::SyncEngine;

constexpr uint32_t kPage = 4;  // small pages: a sync crosses many page boundaries

// ---- the device (child process) ---------------------------------------------------------------

struct ChildOptions {
  std::string server, replica, ledger, device;
  std::string crash_at;  // a checkpoint name; empty: never crash
  int crash_hit = 1;     // crash at the n-th time the point is reached
  int writes = 0;        // local changes per round
  int rounds = 1;        // write-then-sync rounds; 0: until killed
  int progress_fd = -1;  // if set: one byte written to it per step (see RunChild)
};

// The signed-in user's first account (accounts are found through the search index).
std::string OwnAccount(Replica& replica, const std::string& user_id) {
  auto found = replica.Search("GmbH", 500);
  if (!found.ok()) return "";
  for (const std::string& id : *found) {
    auto record = replica.Read(id);
    if (record.ok() && record->has_value() && (*record)->entity == EntityType::kAccount &&
        (*record)->meta.scope.owner_id == user_id) {
      return id;
    }
  }
  return "";
}

int RunChild(const ChildOptions& o) {
  auto replica = Replica::Open(o.replica);
  if (!replica.ok()) {
    std::fprintf(stderr, "child: %s\n", std::string(replica.status().message()).c_str());
    return 2;
  }
  SyncClient client(o.server, o.device);
  if (absl::Status s = client.Login("rep1", "demo"); !s.ok()) {
    std::fprintf(stderr, "child: login: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  SyncEngine engine(**replica, client, kPage);
  // A step: a local change committed (and in the ledger), a checkpoint passed, a round finished.
  auto step = [&] {
    if (o.progress_fd >= 0) (void)!::write(o.progress_fd, "+", 1);
  };
  int hits = 0;
  auto checkpoint = [&](absl::string_view where) {
    step();
    if (where == o.crash_at && ++hits == o.crash_hit) raise(SIGKILL);
  };
  engine.set_checkpoint(checkpoint);
  (*replica)->set_checkpoint(checkpoint);
  std::ofstream ledger(o.ledger, std::ios::app);
  UuidV7Generator ids;
  const EntityType A = EntityType::kAccount;
  const EntityType C = EntityType::kContact;
  for (int round = 0; o.rounds <= 0 || round < o.rounds; ++round) {
    const std::string account = o.writes > 0 ? OwnAccount(**replica, client.user_id()) : "";
    for (int i = 0; i < o.writes; ++i) {
      if (account.empty()) {
        std::fprintf(stderr, "child: no account to write to\n");
        return 2;
      }
      const int64_t now = NowMs();
      // "try-" first: a kill between the commit and the ledger line leaves a change that may or
      // may not have been made, and the ledger says which one it is.
      const std::string contact = ids.NextString(now);
      ledger << "try-contact " << contact << "\n" << std::flush;
      auto made = (*replica)->Write(C, contact,
                                    {{F(C, "account_id"), Value::String(account)},
                                     {F(C, "last_name"), Value::String("Crash " + contact)}},
                                    HlcTimestamp{now, 0, o.device}, ids.NextString(now));
      if (!made.ok()) return 3;
      ledger << "contact " << contact << "\n" << std::flush;  // committed, so it must survive
      step();
      const std::string note = ids.NextString(now);
      ledger << "try-notes " << account << " " << note << "\n" << std::flush;
      auto noted = (*replica)->Write(A, account, {{F(A, "notes"), Value::String(note)}},
                                     HlcTimestamp{now, 1, o.device}, ids.NextString(now));
      if (!noted.ok()) return 3;
      ledger << "notes " << account << " " << note << "\n" << std::flush;
      step();
    }
    auto report = engine.SyncOnce();
    if (!report.ok()) {
      std::fprintf(stderr, "child: sync: %s\n", std::string(report.status().message()).c_str());
      return 4;
    }
    step();
  }
  return 0;
}

// ---- the test (parent process) ------------------------------------------------------------------

struct Exit {
  bool killed = false;  // by SIGKILL
  int code = -1;
};

// The descriptor on which a child reports its steps.
constexpr int kChildProgressFd = 3;

// Starts the device. With `progress_fd` (the write end of a pipe) the child reports its steps on
// it, as its descriptor kChildProgressFd.
pid_t Spawn(const ChildOptions& o, int progress_fd = -1) {
  std::vector<std::string> args = {"/proc/self/exe",
                                   "--child",
                                   "--server=" + o.server,
                                   "--replica=" + o.replica,
                                   "--ledger=" + o.ledger,
                                   "--device=" + o.device,
                                   "--crash-at=" + o.crash_at,
                                   absl::StrCat("--crash-hit=", o.crash_hit),
                                   absl::StrCat("--writes=", o.writes),
                                   absl::StrCat("--rounds=", o.rounds)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (progress_fd >= 0) {
    args.push_back(absl::StrCat("--progress-fd=", kChildProgressFd));
    posix_spawn_file_actions_adddup2(&actions, progress_fd, kChildProgressFd);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

Exit Wait(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  Exit out;
  out.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

Exit RunDevice(const ChildOptions& o) { return Wait(Spawn(o)); }

// Runs the device until it has reported `steps` steps, then kills it (SIGKILL). The kill lands
// wherever the device has got to by the time the signal arrives: shortly after that step, at a
// moment defined by its progress rather than by the clock. A device that ends on its own first
// (an error) is waited for and reported as it ended.
Exit RunDeviceAndKillAfter(const ChildOptions& o, int steps) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return Exit{};
  }
  // The write end above kChildProgressFd, so that duplicating it there in the child is a real
  // dup2 (which clears close-on-exec).
  const int write_end = fcntl(fds[1], F_DUPFD_CLOEXEC, kChildProgressFd + 1);
  close(fds[1]);
  if (write_end < 0) {
    ADD_FAILURE() << "fcntl: " << std::strerror(errno);
    close(fds[0]);
    return Exit{};
  }
  const pid_t pid = Spawn(o, write_end);
  close(write_end);  // the child holds the only write end: its death ends the pipe
  if (pid <= 0) {    // never kill(-1, ...)
    close(fds[0]);
    return Exit{};
  }
  int seen = 0;
  char buffer[64];
  while (seen < steps) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child ended on its own
    seen += static_cast<int>(n);
  }
  ::kill(pid, SIGKILL);
  const Exit exit = Wait(pid);
  close(fds[0]);
  return exit;
}

// What the ledgers say the device committed locally.
struct Ledger {
  std::vector<std::string> contacts;
  // Contacts whose write was under way when the device was killed: made or not, never twice.
  std::vector<std::string> maybe_contacts;
  std::map<std::string, std::string> last_note;  // account -> the last note written
  // account -> a note written after last_note whose write was under way when the device was
  // killed: if it was made, it is the last one.
  std::map<std::string, std::string> maybe_note;
};

Ledger ReadLedger(const std::string& path) {
  Ledger out;
  std::set<std::string> tried;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    if (parts.size() == 2 && parts[0] == "try-contact") tried.insert(parts[1]);
    if (parts.size() == 2 && parts[0] == "contact") {
      tried.erase(parts[1]);
      out.contacts.push_back(parts[1]);
    }
    if (parts.size() == 3 && parts[0] == "try-notes") out.maybe_note[parts[1]] = parts[2];
    if (parts.size() == 3 && parts[0] == "notes") {
      out.maybe_note.erase(parts[1]);
      out.last_note[parts[1]] = parts[2];
    }
  }
  out.maybe_contacts.assign(tried.begin(), tried.end());
  return out;
}

class DeviceCrash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        std::filesystem::temp_directory_path() / ("mcrm-device-crash-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto server = ServerProcess::Start(
        ServerBinary(), {"--listen=127.0.0.1:0", "--data-dir=" + (dir_ / "server").string(),
                         "--demo", "--demo-accounts=30", "--workers=4"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = new ServerProcess(*std::move(server));
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      EXPECT_TRUE(server_->Stop(SIGTERM).ok());
      delete server_;
      server_ = nullptr;
    }
    std::filesystem::remove_all(dir_);
  }

  ChildOptions Device(const std::string& name) {
    ChildOptions o;
    o.server = server_->address();
    o.replica = (dir_ / (name + ".sqlite3")).string();
    o.ledger = (dir_ / (name + ".ledger")).string();
    o.device = name;
    return o;
  }

  // After a clean sync: the replica holds exactly what a fresh replica of the same user gets
  // from the server, and every change of the ledger is on the server, once.
  void ExpectConsistentWithServer(const ChildOptions& o) {
    ChildOptions clean = o;
    clean.crash_at.clear();
    clean.writes = 0;
    clean.rounds = 1;
    const Exit last = RunDevice(clean);
    ASSERT_FALSE(last.killed);
    ASSERT_EQ(last.code, 0) << "a clean sync after the crashes";

    auto replica = Replica::Open(o.replica);
    ASSERT_TRUE(replica.ok()) << replica.status();
    EXPECT_TRUE((*replica)->Outbox()->empty()) << "every local change reached the server";

    const std::string fresh_path = (dir_ / (o.device + "-check.sqlite3")).string();
    std::filesystem::remove(fresh_path);
    auto fresh = Replica::Open(fresh_path);
    ASSERT_TRUE(fresh.ok());
    SyncClient client(server_->address(), o.device + "-check");
    ASSERT_TRUE(client.Login("rep1", "demo").ok());
    SyncEngine engine(**fresh, client);
    ASSERT_TRUE(engine.SyncOnce().ok());

    const std::vector<std::string> ids = *(*replica)->RecordIds();
    EXPECT_EQ(ids, *(*fresh)->RecordIds()) << "the same records as the server's view of the scope";
    for (const std::string& id : ids) {
      auto mine = (*replica)->Read(id);
      auto server = (*fresh)->Read(id);
      ASSERT_TRUE(mine.ok() && server.ok());
      ASSERT_TRUE(mine->has_value() && server->has_value()) << id;
      EXPECT_EQ((*mine)->fields, (*server)->fields) << id << ": field by field";
      EXPECT_EQ((*mine)->meta.server_version, (*server)->meta.server_version) << id;
    }

    const Ledger ledger = ReadLedger(o.ledger);
    ASSERT_FALSE(ledger.contacts.empty());
    const std::set<std::string> unique(ledger.contacts.begin(), ledger.contacts.end());
    EXPECT_EQ(unique.size(), ledger.contacts.size());
    for (const std::string& contact : ledger.contacts) {
      auto record = (*fresh)->Read(contact);
      ASSERT_TRUE(record.ok());
      ASSERT_TRUE(record->has_value()) << "contact " << contact << " was lost";
      EXPECT_EQ((*record)->meta.server_version, 1)
          << "contact " << contact << " was applied more than once";
    }
    for (const std::string& contact : ledger.maybe_contacts) {
      auto record = (*fresh)->Read(contact);
      ASSERT_TRUE(record.ok());
      if (record->has_value()) {
        EXPECT_EQ((*record)->meta.server_version, 1)
            << "contact " << contact << " (written as the device was killed) was applied twice";
      }
    }
    for (const auto& [account, note] : ledger.last_note) {
      auto record = (*fresh)->Read(account);
      ASSERT_TRUE(record.ok() && record->has_value());
      const Value kept = (*record)->Get("notes");
      const auto maybe = ledger.maybe_note.find(account);
      if (maybe != ledger.maybe_note.end() && kept == Value::String(maybe->second)) continue;
      EXPECT_EQ(kept, Value::String(note)) << "the last local note won";
    }
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::filesystem::path dir_;
};

TEST_F(DeviceCrash, KilledAtEveryCheckpointLosesNothingAndAppliesNothingTwice) {
  namespace cp = device::checkpoint;
  struct Scenario {
    const char* point;
    int hit;
  };
  const Scenario scenarios[] = {
      {cp::kPushSent, 1},        {cp::kPushAnswered, 1}, {cp::kPushSettled, 1},
      {cp::kPullReceived, 1},    {cp::kPullReceived, 2}, {cp::kPageHalfApplied, 1},
      {cp::kPageHalfApplied, 2}, {cp::kPullApplied, 1},  {cp::kPullApplied, 2},
  };
  int n = 0;
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(absl::StrCat(s.point, " #", s.hit));
    ChildOptions o = Device(absl::StrCat("crash-", n++));
    ASSERT_EQ(RunDevice(o).code, 0) << "the initial sync";
    // Changes, then a sync that dies at the point; changes made after the restart come on top.
    o.writes = 6;  // 6 contacts and the account: two pages to pull back
    o.crash_at = s.point;
    o.crash_hit = s.hit;
    const Exit crashed = RunDevice(o);
    EXPECT_TRUE(crashed.killed) << "the point was reached (exit code " << crashed.code << ")";
    o.crash_at.clear();
    o.writes = 2;
    ASSERT_EQ(RunDevice(o).code, 0) << "a restarted device syncs";
    ExpectConsistentWithServer(o);
  }
}

TEST_F(DeviceCrash, AnInitialSyncKilledHalfwayThroughAPageResumesCleanly) {
  ChildOptions o = Device("crash-initial");
  o.crash_at = device::checkpoint::kPageHalfApplied;
  o.crash_hit = 5;
  EXPECT_TRUE(RunDevice(o).killed);
  o.crash_at.clear();
  ASSERT_EQ(RunDevice(o).code, 0) << "the initial sync resumes";
  o.writes = 2;
  ASSERT_EQ(RunDevice(o).code, 0);
  ExpectConsistentWithServer(o);
}

TEST_F(DeviceCrash, KilledAtRandomMomentsLosesNothingAndAppliesNothingTwice) {
  ChildOptions o = Device("crash-random");
  ASSERT_EQ(RunDevice(o).code, 0);
  std::mt19937 random(20261123);
  o.writes = 2;
  o.rounds = 0;  // writes and syncs until killed
  for (int i = 0; i < 12; ++i) {
    // A round is about a dozen steps (four local changes, three checkpoints of the push, three of
    // each pulled page, its end): the kill lands anywhere in the first three rounds of a run.
    const int steps = std::uniform_int_distribution<int>(1, 36)(random);
    const Exit exit = RunDeviceAndKillAfter(o, steps);
    EXPECT_TRUE(exit.killed) << "run " << i << " (kill after " << steps
                             << " steps) ended on its own, exit code " << exit.code;
  }
  ExpectConsistentWithServer(o);
}

}  // namespace
}  // namespace mcrm::testing

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--child") == 0) {
    mcrm::testing::ChildOptions o;
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      const size_t eq = arg.find('=');
      const std::string key = arg.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
      if (key == "--server") o.server = value;
      if (key == "--replica") o.replica = value;
      if (key == "--ledger") o.ledger = value;
      if (key == "--device") o.device = value;
      if (key == "--crash-at") o.crash_at = value;
      if (key == "--crash-hit") (void)absl::SimpleAtoi(value, &o.crash_hit);
      if (key == "--writes") (void)absl::SimpleAtoi(value, &o.writes);
      if (key == "--rounds") (void)absl::SimpleAtoi(value, &o.rounds);
      if (key == "--progress-fd") (void)absl::SimpleAtoi(value, &o.progress_fd);
    }
    return mcrm::testing::RunChild(o);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
