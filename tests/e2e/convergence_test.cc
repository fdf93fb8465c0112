// Convergence: three devices (two of one rep, one of the office) and a back-office writer edit the
// same records and fields at random, the devices offline between syncs, syncing in random order
// over a network that drops connections in the middle of calls. In the end every replica equals
// the server's view of its scope, field by field, and every local change is accounted for.
// Runs on the store chosen by --store=sqlite|pg.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "flaky_link.h"
#include "mcrm/uuid.h"
#include "replica.h"
#include "sample_records.h"
#include "server_process.h"
#include "sync_engine.h"
#include "test_stores.h"

namespace mcrm::testing {
namespace {

using device::Replica;
using device::SyncClient;
using device::SyncEngine;

constexpr EntityType A = EntityType::kAccount;
constexpr EntityType C = EntityType::kContact;

// One local change to one field, as the test made it.
struct Write {
  int step = 0;
  std::string device;
  std::string record;
  uint32_t field = 0;
  Value value;
};

struct Device {
  std::string name;
  std::string login;
  std::string path;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<SyncClient> client;
  std::unique_ptr<SyncEngine> engine;
  bool flaky = false;        // syncs through the link that drops connections
  bool last_failed = false;  // the last sync failed: reconnect first, as the sync worker does
  int syncs_failed = 0;
};

class Convergence : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("mcrm-convergence-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto server = StartDemoServer((dir_ / "server").string(), /*demo_accounts=*/30);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<ServerProcess>(*std::move(server));
    auto link = FlakyLink::Start(server_->address());
    ASSERT_TRUE(link.ok()) << link.status();
    link_ = *std::move(link);
    base_ms_ = NowMs();
  }
  void TearDown() override {
    devices_.clear();
    link_.reset();
    if (server_) {
      EXPECT_TRUE(server_->Stop(SIGTERM).ok());
    }
    std::filesystem::remove_all(dir_);
  }

  Device& Add(const std::string& name, const std::string& login, bool flaky) {
    auto d = std::make_unique<Device>();
    d->name = name;
    d->login = login;
    d->flaky = flaky;
    d->path = (dir_ / (name + ".sqlite3")).string();
    auto replica = Replica::Open(d->path);
    EXPECT_TRUE(replica.ok()) << replica.status();
    d->replica = *std::move(replica);
    d->client = std::make_unique<SyncClient>(flaky ? link_->address() : server_->address(), name);
    EXPECT_TRUE(d->client->Login(login, "demo").ok());
    d->engine = std::make_unique<SyncEngine>(*d->replica, *d->client, /*pull_page=*/7);
    EXPECT_TRUE(d->engine->SyncOnce().ok());
    devices_.push_back(std::move(d));
    return *devices_.back();
  }

  // One sync; over the flaky link it may be cut after a random number of bytes.
  void Sync(Device& d, bool allow_cut) {
    if (d.last_failed) d.client->Reconnect(absl::Seconds(2));
    if (d.flaky && allow_cut && Chance(0.35)) {
      link_->CutAfter(std::uniform_int_distribution<int64_t>(30, 2500)(random_));
    }
    auto report = d.engine->SyncOnce();
    link_->CutAfter(-1);
    d.last_failed = !report.ok();
    if (!report.ok()) ++d.syncs_failed;  // the cut: the next sync picks up where this one stopped
  }

  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(random_)];
  }

  // A local change at `step`; the clock of every writer is the step, so later steps are later.
  void Edit(Device& d, int step, EntityType entity, const std::string& record, FieldMap changed) {
    const HlcTimestamp hlc{base_ms_ + step, 0, d.name};
    auto made = d.replica->Write(entity, record, changed, hlc, ids_.NextString(NowMs()));
    if (!made.ok()) {
      // The record left the device's scope meanwhile, or the device knows it would leave: the
      // device refuses as the server would (its signed-in user's scope rule).
      if (made.status().code() == absl::StatusCode::kPermissionDenied) ++refused_on_device_;
      return;
    }
    for (auto& [field, value] : changed) writes_.push_back({step, d.name, record, field, value});
  }

  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<FlakyLink> link_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Write> writes_;
  int refused_on_device_ = 0;
  std::mt19937_64 random_{20261123};
  UuidV7Generator ids_;
  int64_t base_ms_ = 0;
};

TEST_F(Convergence, RandomOfflineEditsSyncsAndDroppedConnectionsConverge) {
  Device& phone = Add("phone", "rep1", /*flaky=*/true);
  Device& tablet = Add("tablet", "rep1", /*flaky=*/true);
  Device& office = Add("office", "dispatch", /*flaky=*/true);
  Device& back_office = Add("back-office", "admin", /*flaky=*/false);
  std::vector<Device*> field_devices = {&phone, &tablet, &office};

  // The shared records: accounts of rep1, which all four see.
  std::vector<std::string> accounts;
  const std::vector<std::string> phone_ids = *phone.replica->RecordIds();
  for (const std::string& id : phone_ids) {  // a range-for over *temporary would dangle
    auto r = phone.replica->Read(id);
    if (r.ok() && r->has_value() && (*r)->entity == A && accounts.size() < 4)
      accounts.push_back(id);
  }
  ASSERT_EQ(accounts.size(), 4u) << phone.replica->RecordIds()->size() << " records";
  std::vector<std::string> contacts;  // made during the run

  const uint32_t kAccountFields[] = {F(A, "notes"), F(A, "website"), F(A, "industry")};
  auto value_for = [](uint32_t field, int step) {
    if (field == F(A, "website")) return Value::String(absl::StrCat("https://w", step, ".example"));
    return Value::String(absl::StrCat("v", step));
  };

  constexpr int kSteps = 260;
  for (int step = 1; step <= kSteps; ++step) {
    const double roll = std::uniform_real_distribution<double>(0, 1)(random_);
    if (step == kSteps / 2) {
      // The office hands an account to someone else: rep1's devices lose it, and their pending
      // changes to it are refused.
      ASSERT_TRUE(back_office.engine->SyncOnce().ok());
      Edit(back_office, step, A, accounts[3],
           {{F(A, "owner_id"), Value::String(back_office.client->user_id())},
            {F(A, "territory_id"), Value::Null()}});
      ASSERT_TRUE(back_office.engine->SyncOnce().ok());
    } else if (roll < 0.45) {
      Device& d = *Pick(field_devices);
      const uint32_t field = kAccountFields[step % 3];
      Edit(d, step, A, Pick(accounts), {{field, value_for(field, step)}});
    } else if (roll < 0.55) {
      Device& d = *Pick(field_devices);
      const std::string contact = ids_.NextString(NowMs());
      Edit(d, step, C, contact,
           {{F(C, "account_id"), Value::String(Pick(accounts))},
            {F(C, "last_name"), Value::String(absl::StrCat("v", step))}});
      contacts.push_back(contact);
    } else if (roll < 0.62 && !contacts.empty()) {
      Device& d = *Pick(field_devices);
      const std::string contact = Pick(contacts);
      if (d.replica->Read(contact)->has_value()) {
        Edit(d, step, C, contact, {{F(C, "first_name"), Value::String(absl::StrCat("v", step))}});
      }
    } else if (roll < 0.72) {
      // The back office works online: it edits the current state and syncs at once.
      Sync(back_office, false);
      const uint32_t field = kAccountFields[(step + 1) % 3];
      Edit(back_office, step, A, Pick(accounts), {{field, value_for(field, step)}});
      Sync(back_office, false);
    } else {
      Sync(*Pick(field_devices), /*allow_cut=*/true);
    }
  }

  // Back online for good: everyone syncs until nothing moves.
  for (int round = 0; round < 3; ++round) {
    for (auto& d : devices_) {
      for (int attempt = 0; attempt < 5; ++attempt) {
        Sync(*d, /*allow_cut=*/false);
        if (!d->last_failed) break;
      }
      ASSERT_FALSE(d->last_failed) << d->name << " cannot sync";
    }
  }
  int cut_syncs = 0;
  for (auto& d : devices_) cut_syncs += d->syncs_failed;
  EXPECT_GT(link_->cuts(), 5) << "connections were dropped mid-call";
  EXPECT_GT(cut_syncs, 5);

  // 1. Every replica equals the server's view of its user's scope (a fresh replica of that user).
  std::map<std::string, std::unique_ptr<Replica>> truth;
  for (const char* login : {"rep1", "dispatch", "admin"}) {
    const std::string path = (dir_ / absl::StrCat("truth-", login, ".sqlite3")).string();
    auto replica = Replica::Open(path);
    ASSERT_TRUE(replica.ok());
    SyncClient client(server_->address(), absl::StrCat("truth-", login));
    ASSERT_TRUE(client.Login(login, "demo").ok());
    ASSERT_TRUE(SyncEngine(**replica, client).SyncOnce().ok());
    truth[login] = *std::move(replica);
  }
  for (auto& d : devices_) {
    SCOPED_TRACE(d->name);
    Replica& server_view = *truth[d->login];
    const std::vector<std::string> ids = *d->replica->RecordIds();
    ASSERT_EQ(ids, *server_view.RecordIds());
    for (const std::string& id : ids) {
      auto mine = d->replica->Read(id);
      auto theirs = server_view.Read(id);
      ASSERT_TRUE(mine.ok() && theirs.ok() && mine->has_value() && theirs->has_value()) << id;
      EXPECT_EQ((*mine)->fields, (*theirs)->fields) << id;
      EXPECT_EQ((*mine)->meta.server_version, (*theirs)->meta.server_version) << id;
    }
    EXPECT_FALSE(ids.empty());
  }
  EXPECT_FALSE(truth["rep1"]->Read(accounts[3])->has_value()) << "the handed-over account left";

  // 2. Every local change is accounted for: what is still in an outbox was refused, with a reason;
  // the last change to each field (by the clock every writer shares) is the server's value unless
  // it was refused; an earlier one was overwritten by a later change, or lost a conflict that its
  // device logged.
  std::map<std::string, Device*> by_name;
  for (auto& d : devices_) by_name[d->name] = d.get();
  auto refused = [&](const Write& w) {
    const std::vector<device::OutboxEntry> outbox = *by_name[w.device]->replica->Outbox();
    for (const auto& entry : outbox) {
      auto it = entry.change.changed.find(w.field);
      if (entry.change.record_id == w.record && it != entry.change.changed.end() &&
          it->second == w.value) {
        return true;
      }
    }
    return false;
  };
  int refusals = 0;
  for (auto& d : devices_) {
    const std::vector<device::OutboxEntry> outbox = *d->replica->Outbox();
    for (const auto& entry : outbox) {
      EXPECT_TRUE(entry.rejected) << d->name << ": an unsent change after the final syncs";
      EXPECT_FALSE(entry.reason.empty());
      ++refusals;
    }
  }
  EXPECT_GT(refusals + refused_on_device_, 0)
      << "changes to the handed-over account were refused, by the server or on the device";
  std::map<std::pair<std::string, uint32_t>, const Write*> last;
  for (const Write& w : writes_) {
    if (!refused(w)) last[{w.record, w.field}] = &w;  // writes_ is in step order
  }
  int conflicts_logged = 0;
  for (const Write& w : writes_) {
    SCOPED_TRACE(
        absl::StrCat("step ", w.step, " by ", w.device, " on ", w.record, " field ", w.field));
    if (refused(w)) continue;
    auto server = truth["admin"]->Read(w.record);
    ASSERT_TRUE(server.ok() && server->has_value());
    const Value final_value = (*server)->Get(w.field);
    if (last[{w.record, w.field}] == &w) {
      EXPECT_EQ(final_value, w.value) << "the latest change to a field is the one kept";
      continue;
    }
    if (final_value == w.value) continue;
    bool logged = false;
    const std::vector<device::LocalConflict> logged_conflicts =
        *by_name[w.device]->replica->Conflicts();
    for (const auto& c : logged_conflicts) {
      logged = logged || (c.record_id == w.record && c.field == w.field && c.mine == w.value);
    }
    conflicts_logged += logged ? 1 : 0;
    // Otherwise a later change overwrote it, which `last` already shows.
  }
  EXPECT_GT(conflicts_logged, 0) << "concurrent changes to the same field met";
  std::printf(
      "convergence: %zu field changes, %d connections cut, %d syncs failed, %d refused, "
      "%d lost a logged conflict\n",
      writes_.size(), link_->cuts(), cut_syncs, refusals, conflicts_logged);
}

}  // namespace
}  // namespace mcrm::testing
