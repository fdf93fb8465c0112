// End-to-end: device replicas syncing with the real mcrm-server over gRPC on 127.0.0.1, on the
// store chosen by --store=sqlite|pg.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "flaky_link.h"
#include "mcrm/hlc.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "replica.h"
#include "sample_records.h"
#include "server_process.h"
#include "sync_engine.h"
#include "sync_worker.h"
#include "test_stores.h"

namespace mcrm::testing {
namespace {

using device::Replica;
using device::SyncClient;
using device::SyncEngine;
using device::SyncWorker;
using device::WorkerEvent;
using ::testing::HasSubstr;

// A phone or tablet: its replica file, its session, its engine and its clock.
struct Device {
  std::string id;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<SyncClient> client;
  std::unique_ptr<SyncEngine> engine;
  UuidV7Generator ids;
  std::unique_ptr<HybridClock> clock;  // made on first use, named after the device

  HybridClock& Clock() {
    if (clock == nullptr) clock = std::make_unique<HybridClock>(id, NowMs);
    return *clock;
  }
  absl::StatusOr<device::SyncReport> Sync() { return engine->SyncOnce(); }
  absl::StatusOr<ChangeSet> Write(EntityType entity, const std::string& record, FieldMap changed) {
    return replica->Write(entity, record, std::move(changed), Clock().Now(),
                          ids.NextString(NowMs()));
  }
  // An account of the signed-in user, read from the replica.
  std::optional<Record> OwnAccount() {
    auto found = replica->Search("GmbH", 200);  // kept: a range-for over *temporary dangles
    if (!found.ok()) return std::nullopt;
    for (const std::string& candidate : *found) {
      auto record = replica->Read(candidate);
      if (record.ok() && record->has_value() && (*record)->entity == EntityType::kAccount &&
          (*record)->meta.scope.owner_id == client->user_id()) {
        return **record;
      }
    }
    return std::nullopt;
  }
};

class DeviceSync : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("mcrm-device-e2e-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto server = StartDemoServer((dir_ / "server").string(), /*demo_accounts=*/40);
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

  std::string ReplicaPath(const Device& d) { return (dir_ / (d.id + ".sqlite3")).string(); }

  // A device signed in at `address` (the server's own, or a FlakyLink in front of it).
  std::unique_ptr<Device> SignIn(const std::string& login, std::string address = "") {
    auto d = std::make_unique<Device>();
    d->id = login + "-device-" + std::to_string(next_++);
    auto replica = Replica::Open(ReplicaPath(*d));
    EXPECT_TRUE(replica.ok()) << replica.status();
    d->replica = *std::move(replica);
    d->client = std::make_unique<SyncClient>(address.empty() ? server_->address() : address, d->id);
    const absl::Status login_status = d->client->Login(login, "demo");
    EXPECT_TRUE(login_status.ok()) << login_status;
    d->engine = std::make_unique<SyncEngine>(*d->replica, *d->client);
    auto first = d->Sync();
    EXPECT_TRUE(first.ok()) << first.status();
    return d;
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::filesystem::path dir_;
  static inline int next_ = 0;
};

TEST_F(DeviceSync, OfflineEditsOnTwoDevicesConvergeFieldByField) {
  auto phone = SignIn("rep1");
  auto office = SignIn("dispatch");
  std::optional<Record> account = phone->OwnAccount();
  ASSERT_TRUE(account.has_value());
  const std::string id = account->id;
  const EntityType A = EntityType::kAccount;
  const EntityType C = EntityType::kContact;

  // Both offline: different fields, and the same field.
  ASSERT_TRUE(office->Write(A, id, {{F(A, "industry"), Value::String("Fisheries")}}).ok());
  ASSERT_TRUE(
      office->Write(A, id, {{F(A, "website"), Value::String("https://office.example")}}).ok());
  // The phone's edits come later: its clock has seen the office's last timestamp, so every one it
  // issues from now on is greater, however quickly the edits follow one another.
  ASSERT_TRUE(phone->Clock().Observe(office->Clock().Last()).ok());
  ASSERT_TRUE(phone->Write(A, id, {{F(A, "notes"), Value::String("visited; wants a quote")}}).ok());
  ASSERT_TRUE(
      phone->Write(A, id, {{F(A, "website"), Value::String("https://phone.example")}}).ok());
  const std::string contact = phone->ids.NextString(NowMs());
  ASSERT_TRUE(phone
                  ->Write(C, contact,
                          {{F(C, "account_id"), Value::String(id)},
                           {F(C, "last_name"), Value::String("Neu")}})
                  .ok());
  EXPECT_EQ((*phone->replica->Read(id))->Get("notes"), Value::String("visited; wants a quote"))
      << "the phone sees its own edit before any sync";

  auto office_sync = office->Sync();
  ASSERT_TRUE(office_sync.ok()) << office_sync.status();
  auto phone_sync = phone->Sync();
  ASSERT_TRUE(phone_sync.ok()) << phone_sync.status();
  EXPECT_EQ(phone_sync->pushed, 2) << "the two account edits travelled as one mutation";
  EXPECT_EQ(phone_sync->conflicts, 1) << "website was changed on both";
  ASSERT_TRUE(office->Sync().ok());

  auto on_phone = phone->replica->Read(id);
  auto on_office = office->replica->Read(id);
  ASSERT_TRUE(on_phone.ok() && on_phone->has_value());
  ASSERT_TRUE(on_office.ok() && on_office->has_value());
  EXPECT_EQ((*on_phone)->fields, (*on_office)->fields) << "field by field";
  EXPECT_EQ((*on_phone)->Get("industry"), Value::String("Fisheries"));
  EXPECT_EQ((*on_phone)->Get("notes"), Value::String("visited; wants a quote"));
  EXPECT_EQ((*on_phone)->Get("website"), Value::String("https://phone.example"))
      << "later HLC wins";
  EXPECT_TRUE(phone->replica->Outbox()->empty());
  EXPECT_TRUE(office->replica->Outbox()->empty());
  ASSERT_EQ(phone->replica->Conflicts()->size(), 1u);
  EXPECT_EQ((*phone->replica->Conflicts())[0].theirs, Value::String("https://office.example"));
  ASSERT_TRUE(office->replica->Read(contact)->has_value()) << "the contact made offline arrived";
}

TEST_F(DeviceSync, AChangeTheServerRefusesStaysWithItsReason) {
  auto phone = SignIn("rep2");
  auto office = SignIn("dispatch");
  std::optional<Record> account = phone->OwnAccount();
  ASSERT_TRUE(account.has_value());
  const EntityType A = EntityType::kAccount;
  // The office gives the account to someone else while the phone edits it offline.
  ASSERT_TRUE(office
                  ->Write(A, account->id,
                          {{F(A, "owner_id"), Value::String(office->client->user_id())},
                           {F(A, "territory_id"), Value::Null()}})
                  .ok());
  ASSERT_TRUE(office->Sync().ok());
  ASSERT_TRUE(phone->Write(A, account->id, {{F(A, "notes"), Value::String("too late")}}).ok());
  auto report = phone->Sync();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rejected, 1);
  auto outbox = phone->replica->Outbox();
  ASSERT_EQ(outbox->size(), 1u) << "never silently dropped";
  EXPECT_TRUE((*outbox)[0].rejected);
  EXPECT_EQ((*outbox)[0].code, 7);
  EXPECT_THAT((*outbox)[0].reason, HasSubstr("outside your scope"));
  EXPECT_FALSE(phone->replica->Read(account->id)->has_value()) << "the account left the phone";
  ASSERT_TRUE(phone->replica->Discard((*outbox)[0].seq).ok());
}

TEST_F(DeviceSync, AnInitialSyncReportsProgressAndResumesWhereItStopped) {
  auto d = std::make_unique<Device>();
  d->id = "tablet-initial";
  auto replica = Replica::Open((dir_ / "tablet-initial.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  d->replica = *std::move(replica);
  d->client = std::make_unique<SyncClient>(server_->address(), d->id);
  ASSERT_TRUE(d->client->Login("dispatch", "demo").ok());
  d->engine = std::make_unique<SyncEngine>(*d->replica, *d->client, /*pull_page=*/100);
  std::vector<std::pair<int64_t, int64_t>> seen;
  d->engine->set_progress([&](int64_t done, int64_t total) {
    seen.emplace_back(done, total);
    return seen.size() < 2;  // the connection "drops" after two pages
  });
  auto interrupted = d->Sync();
  EXPECT_EQ(interrupted.status().code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(seen.size(), 2u);
  const int64_t total = seen[0].second;
  EXPECT_GT(total, 300) << "the first page announces the size of the scope";
  EXPECT_EQ(seen[0].first, 100);
  EXPECT_EQ(seen[1].first, 200);
  EXPECT_EQ(*d->replica->RecordCount(), 200) << "the applied pages stay";

  d->engine->set_progress([&](int64_t done, int64_t t) {
    EXPECT_GE(done, seen.back().first) << "progress never goes back";
    EXPECT_EQ(t, total) << "the total survives the interruption";
    seen.emplace_back(done, t);
    return true;
  });
  auto resumed = d->Sync();
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->pulled, total - 200)
      << "it resumed from the stored cursor, pulling nothing twice";
  EXPECT_EQ(seen.back().first, total);
}

TEST_F(DeviceSync, AnInitialSyncStoppedByItsCallerDoesNotWaitForThePageInFlight) {
  auto link = FlakyLink::Start(server_->address());
  ASSERT_TRUE(link.ok()) << link.status();
  auto d = std::make_unique<Device>();
  d->id = "tablet-stopped";
  auto replica = Replica::Open((dir_ / "tablet-stopped.sqlite3").string());
  ASSERT_TRUE(replica.ok()) << replica.status();
  d->replica = *std::move(replica);
  d->client = std::make_unique<SyncClient>((*link)->address(), d->id);
  ASSERT_TRUE(d->client->Login("dispatch", "demo").ok());
  // The page in flight would fail only after an hour: a stop that waited for it would run into
  // the ctest timeout.
  d->client->set_call_deadline(absl::Hours(1));
  d->engine = std::make_unique<SyncEngine>(*d->replica, *d->client, /*pull_page=*/100);
  // A slow network (a page takes ~100 ms): the second page is asked for as soon as the first
  // arrives and is still on its way when the link stalls, so it never comes; the user stops the
  // sync after the first page.
  (*link)->SetThrottle(500'000);
  d->engine->set_checkpoint([&](absl::string_view where) {
    if (where == device::checkpoint::kPullReceived) (*link)->SetStalled(true);
  });
  d->engine->set_progress([](int64_t, int64_t) { return false; });
  // (The keep-alive, 30 s + 10 s, would still end a stalled call; a stop that waited for it
  // would pass here, so the hour is the call deadline's alone.)
  auto stopped = d->Sync();
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << stopped.status();
  EXPECT_EQ(*d->replica->RecordCount(), 100);
  (*link)->SetStalled(false);
}

TEST_F(DeviceSync, ARevokedDeviceWipesItself) {
  auto phone = SignIn("rep3");
  ASSERT_GT(*phone->replica->RecordCount(), 0);
  ASSERT_TRUE(phone
                  ->Write(EntityType::kAccount, phone->OwnAccount()->id,
                          {{F(EntityType::kAccount, "notes"), Value::String("unsent")}})
                  .ok());
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto auth = v1::Auth::NewStub(channel);
  v1::LoginRequest login;
  login.set_login("admin");
  login.set_password("demo");
  login.set_device_id("admin-console");
  v1::LoginResponse session;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(auth->Login(&context, login, &session).ok());
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + session.session_token());
  context.AddMetadata("mcrm-device-id", "admin-console");
  v1::RevokeDeviceRequest request;
  request.set_device_id(phone->id);
  v1::RevokeDeviceResponse response;
  ASSERT_TRUE(auth->RevokeDevice(&context, request, &response).ok());

  auto report = phone->Sync();
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(device::IsDeviceRevoked(report.status())) << report.status();
  EXPECT_EQ(*phone->replica->RecordCount(), 0);
  EXPECT_TRUE(phone->replica->Outbox()->empty());
  EXPECT_EQ(*phone->replica->Cursor(), "");
}

// Polls `done` until it holds, for state no one can tell the test about (what a worker wrote to a
// replica through its own connection). No time limit: the ctest timeout ends a wait that never
// ends, and the line printed now and then says what it was waiting for.
template <typename Done>
void PollUntil(const char* what, Done done) {
  for (int polls = 1; !done(); ++polls) {
    if (polls % 4000 == 0) std::fprintf(stderr, "still waiting for %s\n", what);
    absl::SleepFor(absl::Milliseconds(5));
  }
}

size_t CountOf(const std::vector<WorkerEvent>& events, WorkerEvent::Kind kind) {
  return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                           [&](const WorkerEvent& e) { return e.kind == kind; }));
}

// Collects a worker's events for a test to look at, and lets it wait for them.
struct Events {
  absl::Mutex mutex;
  std::vector<WorkerEvent> seen ABSL_GUARDED_BY(mutex);
  SyncWorker::Observer Observer() {
    return [this](const WorkerEvent& e) {
      absl::MutexLock lock(&mutex);
      seen.push_back(e);
    };
  }
  std::vector<WorkerEvent> Of(WorkerEvent::Kind kind) {
    absl::MutexLock lock(&mutex);
    std::vector<WorkerEvent> out;
    for (const auto& e : seen) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  size_t Count(WorkerEvent::Kind kind) {
    absl::MutexLock lock(&mutex);
    return CountOf(seen, kind);
  }
  // Waits until `done` holds for the events so far; every new event wakes it. No time limit (see
  // PollUntil); the timeout only prints what it waits for.
  template <typename Done>
  void WaitUntil(const char* what, Done done) {
    absl::MutexLock lock(&mutex);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { return done(seen); };
    while (!mutex.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(20))) {
      std::fprintf(stderr, "still waiting for %s\n", what);
    }
  }
  // Waits until at least `n` events of `kind` came.
  void WaitFor(const char* what, WorkerEvent::Kind kind, size_t n) {
    WaitUntil(what, [&](const std::vector<WorkerEvent>& all) { return CountOf(all, kind) >= n; });
  }
};

std::optional<Value> FieldOf(Replica& replica, const std::string& id, const std::string& field) {
  auto record = replica.Read(id);
  if (!record.ok() || !record->has_value()) return std::nullopt;
  return (*record)->Get(field);
}

TEST_F(DeviceSync, WorkersPushLocalWritesAndAPokeBringsThemToTheOtherDevice) {
  auto phone = SignIn("rep1");
  auto office = SignIn("dispatch");
  SyncWorker::Options options;
  options.poll_interval = absl::Hours(1);  // only a poke can make the office sync in time
  Events phone_events, office_events;
  auto phone_worker =
      SyncWorker::Start(ReplicaPath(*phone), *phone->client, options, phone_events.Observer());
  ASSERT_TRUE(phone_worker.ok()) << phone_worker.status();
  auto office_worker =
      SyncWorker::Start(ReplicaPath(*office), *office->client, options, office_events.Observer());
  ASSERT_TRUE(office_worker.ok()) << office_worker.status();
  office_events.WaitFor("the office's first round, which runs at once", WorkerEvent::Kind::kSynced,
                        1);

  std::optional<Record> account = phone->OwnAccount();
  ASSERT_TRUE(account.has_value());
  const Value note = Value::String("pushed by the worker " + std::to_string(NowMs()));
  ASSERT_TRUE(
      phone->Write(EntityType::kAccount, account->id, {{F(EntityType::kAccount, "notes"), note}})
          .ok());
  (*phone_worker)->SyncSoon();
  PollUntil("the phone's edit in the office's replica, without anyone syncing by hand",
            [&] { return FieldOf(*office->replica, account->id, "notes") == note; });
  PollUntil("the phone's outbox to drain", [&] { return phone->replica->Outbox()->empty(); });
  (*phone_worker)->Stop();
  (*office_worker)->Stop();
  EXPECT_TRUE(office_events.Of(WorkerEvent::Kind::kFailed).empty());
}

TEST_F(DeviceSync, AWorkerRidesOutTheNetworkGoingAndComingBackWithoutUserAction) {
  auto link = FlakyLink::Start(server_->address());
  ASSERT_TRUE(link.ok()) << link.status();
  auto phone = SignIn("rep2", (*link)->address());
  auto office = SignIn("dispatch");
  std::optional<Record> account = phone->OwnAccount();
  ASSERT_TRUE(account.has_value());

  (*link)->SetUp(false);  // into the tunnel
  SyncWorker::Options options;
  options.backoff = BackoffPolicy{.initial = absl::Milliseconds(40),
                                  .multiplier = 2.0,
                                  .ceiling = absl::Milliseconds(320),
                                  .jitter = 0.0};
  options.poll_interval = absl::Hours(1);
  Events events;
  auto worker = SyncWorker::Start(ReplicaPath(*phone), *phone->client, options, events.Observer());
  ASSERT_TRUE(worker.ok()) << worker.status();
  const Value note = Value::String("written in the tunnel");
  ASSERT_TRUE(
      phone->Write(EntityType::kAccount, account->id, {{F(EntityType::kAccount, "notes"), note}})
          .ok());
  (*worker)->SyncSoon();
  events.WaitFor("five failed rounds", WorkerEvent::Kind::kFailed, 5);
  const auto failed = events.Of(WorkerEvent::Kind::kFailed);
  EXPECT_EQ(failed[0].retry_in, absl::Milliseconds(40));
  EXPECT_EQ(failed[1].retry_in, absl::Milliseconds(80));
  EXPECT_EQ(failed[2].retry_in, absl::Milliseconds(160));
  EXPECT_EQ(failed[3].retry_in, absl::Milliseconds(320));
  EXPECT_EQ(failed[4].retry_in, absl::Milliseconds(320)) << "held at the ceiling";
  EXPECT_EQ(failed[0].status.code(), absl::StatusCode::kUnavailable) << failed[0].status;
  EXPECT_EQ(phone->replica->Outbox()->size(), 1u) << "the change waits, nothing is lost";

  (*link)->SetUp(true);  // out of the tunnel
  events.WaitFor("a round that succeeds once the network is back", WorkerEvent::Kind::kSynced, 1);
  EXPECT_TRUE(phone->replica->Outbox()->empty())
      << "pushed once the network came back, with no one asking";
  ASSERT_TRUE(office->Sync().ok());
  EXPECT_EQ(FieldOf(*office->replica, account->id, "notes"), note);

  // Since that round the worker syncs only when poked (no local writes, the poll an hour away), so
  // the office's next change reaches the phone only once the poke stream is live.
  const Value before = Value::String("before the cut");
  ASSERT_TRUE(
      office->Write(EntityType::kAccount, account->id, {{F(EntityType::kAccount, "notes"), before}})
          .ok());
  ASSERT_TRUE(office->Sync().ok());
  PollUntil("a poke to bring the office's change before the cut",
            [&] { return FieldOf(*phone->replica, account->id, "notes") == before; });

  // A cut while connected: the poke stream notices and comes back by itself.
  const size_t downs = events.Count(WorkerEvent::Kind::kStreamDown);
  const size_t rounds = events.Count(WorkerEvent::Kind::kSynced);
  (*link)->CutAll();
  events.WaitFor("the poke stream to notice the cut", WorkerEvent::Kind::kStreamDown, downs + 1);
  const Value later = Value::String("after the cut");
  ASSERT_TRUE(
      office->Write(EntityType::kAccount, account->id, {{F(EntityType::kAccount, "notes"), later}})
          .ok());
  ASSERT_TRUE(office->Sync().ok());
  PollUntil("the stream to reconnect and its poke to bring the office's change",
            [&] { return FieldOf(*phone->replica, account->id, "notes") == later; });
  // The round's event follows its last page (which the check above may have seen first).
  events.WaitFor("the event of that round", WorkerEvent::Kind::kSynced, rounds + 1);
  (*worker)->Stop();
}

// An app closing must not wait for a connection that will not come. How long Stop takes is not
// timed (a slow machine would fail any bound): the test puts the worker where it waits for such a
// connection and asks that Stop returns there. A Stop that waited for the worker's own timeouts
// (2 s for the connection, 5 s for gRPC's attempt) would still pass; see the next test for waits
// long enough to show.
TEST_F(DeviceSync, AWorkerStopsWhileItWaitsForAConnectionThatWillNotCome) {
  auto link = FlakyLink::Start(server_->address());
  ASSERT_TRUE(link.ok()) << link.status();
  auto phone = SignIn("rep3", (*link)->address());
  (*link)->SetUp(false);  // first the network refuses: the worker fails and backs off
  SyncWorker::Options options;
  options.backoff = BackoffPolicy{.initial = absl::Milliseconds(20),
                                  .multiplier = 2.0,
                                  .ceiling = absl::Milliseconds(40),
                                  .jitter = 0.0};
  // A retry would wait an hour for the connection that never comes: Stop must cut it short.
  options.connect_timeout = absl::Hours(1);
  phone->client->set_call_deadline(absl::Hours(1));
  Events events;
  auto worker = SyncWorker::Start(ReplicaPath(*phone), *phone->client, options, events.Observer());
  ASSERT_TRUE(worker.ok()) << worker.status();
  events.WaitFor("a failed round", WorkerEvent::Kind::kFailed, 1);
  // Then it swallows: the next retry's connection attempt hangs.
  (*link)->SetBlackHole(true);
  (*link)->SetUp(true);
  PollUntil("a retry to connect into the black hole", [&] { return (*link)->black_holed() > 0; });
  (*worker)->Stop();
  EXPECT_EQ(phone->client->Push({}).status().code(), absl::StatusCode::kCancelled)
      << "a stopped worker leaves its client refusing new calls";
}

// The waits Stop must cut short, made an hour long: were Stop to wait for either, the test would
// run into the ctest timeout.
TEST_F(DeviceSync, AWorkerStopsWithoutWaitingOutItsBackoff) {
  auto link = FlakyLink::Start(server_->address());
  ASSERT_TRUE(link.ok()) << link.status();
  auto phone = SignIn("rep3", (*link)->address());
  (*link)->SetUp(false);  // every round and every poke stream fails at once
  SyncWorker::Options options;
  options.backoff = BackoffPolicy{
      .initial = absl::Hours(1), .multiplier = 2.0, .ceiling = absl::Hours(1), .jitter = 0.0};
  options.poll_interval = absl::Hours(1);
  Events events;
  auto worker = SyncWorker::Start(ReplicaPath(*phone), *phone->client, options, events.Observer());
  ASSERT_TRUE(worker.ok()) << worker.status();
  // Both threads now back off for an hour: the sync round's and the poke stream's.
  events.WaitFor("the first round to fail", WorkerEvent::Kind::kFailed, 1);
  events.WaitFor("the poke stream to fail", WorkerEvent::Kind::kStreamDown, 1);
  (*worker)->Stop();
  const auto failed = events.Of(WorkerEvent::Kind::kFailed);
  ASSERT_EQ(failed.size(), 1u) << "no retry before the hour is up";
  EXPECT_EQ(failed[0].retry_in, absl::Hours(1));
  EXPECT_EQ(events.Count(WorkerEvent::Kind::kStreamDown), 1u);
}

}  // namespace
}  // namespace mcrm::testing
