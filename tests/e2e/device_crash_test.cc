// Crash safety of the device: the sync engine's process is killed with SIGKILL at each point where
// a crash could tear its work apart (outbox marked sent, push answered but not settled, page
// received, half a page written, ...) and at random moments; after a restart and a clean sync the
// replica must match the server, every local change must be there once, and none twice.
//
// The test binary is also the device: run with --child it opens a replica, makes local changes
// (writing each to a ledger once it is committed) and syncs, killing itself at the chosen point.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

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
  int rounds = 1;        // write-then-sync rounds
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
  int hits = 0;
  auto checkpoint = [&](absl::string_view where) {
    if (where == o.crash_at && ++hits == o.crash_hit) raise(SIGKILL);
  };
  engine.set_checkpoint(checkpoint);
  (*replica)->set_checkpoint(checkpoint);
  std::ofstream ledger(o.ledger, std::ios::app);
  UuidV7Generator ids;
  const EntityType A = EntityType::kAccount;
  const EntityType C = EntityType::kContact;
  for (int round = 0; round < o.rounds; ++round) {
    const std::string account = o.writes > 0 ? OwnAccount(**replica, client.user_id()) : "";
    for (int i = 0; i < o.writes; ++i) {
      if (account.empty()) {
        std::fprintf(stderr, "child: no account to write to\n");
        return 2;
      }
      const int64_t now = NowMs();
      const std::string contact = ids.NextString(now);
      auto made = (*replica)->Write(C, contact,
                                    {{F(C, "account_id"), Value::String(account)},
                                     {F(C, "last_name"), Value::String("Crash " + contact)}},
                                    HlcTimestamp{now, 0, o.device}, ids.NextString(now));
      if (!made.ok()) return 3;
      ledger << "contact " << contact << "\n" << std::flush;  // committed, so it must survive
      const std::string note = ids.NextString(now);
      auto noted = (*replica)->Write(A, account, {{F(A, "notes"), Value::String(note)}},
                                     HlcTimestamp{now, 1, o.device}, ids.NextString(now));
      if (!noted.ok()) return 3;
      ledger << "notes " << account << " " << note << "\n" << std::flush;
    }
    auto report = engine.SyncOnce();
    if (!report.ok()) {
      std::fprintf(stderr, "child: sync: %s\n", std::string(report.status().message()).c_str());
      return 4;
    }
  }
  return 0;
}

// ---- the test (parent process) ------------------------------------------------------------------

struct Exit {
  bool killed = false;  // by SIGKILL
  int code = -1;
};

pid_t Spawn(const ChildOptions& o) {
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
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ), 0);
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

// What the ledgers say the device committed locally.
struct Ledger {
  std::vector<std::string> contacts;
  std::map<std::string, std::string> last_note;  // account -> the last note written
};

Ledger ReadLedger(const std::string& path) {
  Ledger out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    if (parts.size() == 2 && parts[0] == "contact") out.contacts.push_back(parts[1]);
    if (parts.size() == 3 && parts[0] == "notes") out.last_note[parts[1]] = parts[2];
  }
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
    for (const auto& [account, note] : ledger.last_note) {
      auto record = (*fresh)->Read(account);
      ASSERT_TRUE(record.ok() && record->has_value());
      EXPECT_EQ((*record)->Get("notes"), Value::String(note)) << "the last local note won";
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
  o.rounds = 50;  // writes and syncs until killed
  int killed = 0;
  for (int i = 0; i < 12; ++i) {
    const pid_t pid = Spawn(o);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(100, 600)(random)));
    ::kill(pid, SIGKILL);
    const Exit exit = Wait(pid);
    if (exit.killed)
      ++killed;
    else
      EXPECT_EQ(exit.code, 0);
  }
  EXPECT_GE(killed, 6) << "most runs were cut short";
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
    }
    return mcrm::testing::RunChild(o);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
