// End-to-end: the real mcrm-server binary, on the store chosen by --store=sqlite|pg, driven over
// gRPC on 127.0.0.1 the way devices and the back office drive it.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <future>
#include <thread>

#include "mcrm/schema.h"
#include "mcrm/uuid.h"
#include "mcrm/v1/back_office.grpc.pb.h"
#include "mcrm/v1/server_info.grpc.pb.h"
#include "mcrm/v1/sync.grpc.pb.h"
#include "sample_records.h"
#include "server_process.h"
#include "test_stores.h"
#include "wire_codec.h"

namespace mcrm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// One signed-in device.
class Device {
 public:
  Device(std::shared_ptr<grpc::Channel> channel, std::string device_id)
      : auth_(v1::Auth::NewStub(channel)),
        sync_(v1::Sync::NewStub(channel)),
        device_id_(std::move(device_id)) {}

  grpc::Status Login(const std::string& login, const std::string& password = "demo") {
    v1::LoginRequest request;
    request.set_login(login);
    request.set_password(password);
    request.set_device_id(device_id_);
    v1::LoginResponse response;
    auto context = Context(false);
    grpc::Status status = auth_->Login(context.get(), request, &response);
    if (status.ok()) {
      token_ = response.session_token();
      user_id_ = response.user_id();
    }
    return status;
  }

  // No deadline: a call that never ends is for the ctest timeout to catch, however slow the
  // machine.
  std::unique_ptr<grpc::ClientContext> Context(bool authorized = true) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (authorized && !token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
    context->AddMetadata("mcrm-device-id", device_id_);
    return context;
  }

  grpc::Status Push(const std::vector<v1::Mutation>& mutations, v1::PushResponse* response) {
    v1::PushRequest request;
    request.set_device_id(device_id_);
    for (const auto& m : mutations) *request.add_mutations() = m;
    auto context = Context();
    return sync_->Push(context.get(), request, response);
  }

  v1::MutationResult PushOne(const v1::Mutation& mutation) {
    v1::PushResponse response;
    const grpc::Status status = Push({mutation}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), 1);
    return response.results_size() == 1 ? response.results(0) : v1::MutationResult();
  }

  // Pulls everything after `cursor_`, following pages; keeps the newest state per record.
  grpc::Status PullAll(grpc::ClientContext* trailers_out = nullptr) {
    while (true) {
      v1::PullRequest request;
      request.set_device_id(device_id_);
      request.set_cursor(cursor_);
      request.set_limit(500);
      v1::PullResponse response;
      auto context = Context();
      grpc::Status status = sync_->Pull(context.get(), request, &response);
      if (!status.ok()) {
        last_trailers_ = context->GetServerTrailingMetadata();
        revoked_trailer_ = last_trailers_.find("mcrm-device-revoked") != last_trailers_.end();
        return status;
      }
      if (response.resync_required()) {
        resyncs_++;
        replica_.clear();
        cursor_.clear();
        continue;
      }
      for (const auto& proto : response.records()) {
        auto record = wire::FromProto(proto);
        EXPECT_TRUE(record.ok()) << record.status();
        if (!record.ok()) continue;
        if (record->meta.out_of_scope || record->meta.deleted) {
          Remove(*record);
        } else {
          replica_[record->id] = *record;
        }
      }
      cursor_ = response.next_cursor();
      if (!response.more()) return status;
    }
    (void)trailers_out;
  }

  v1::Mutation Change(EntityType entity, const std::string& record_id, int64_t base,
                      FieldMap changed) {
    ChangeSet change;
    change.mutation_id = ids_.NextString(NowMs());
    change.entity = entity;
    change.record_id = record_id;
    change.base_version = base;
    change.hlc = HlcTimestamp{NowMs(), logical_++, device_id_};
    change.changed = std::move(changed);
    v1::Mutation m;
    wire::ToProto(change, &m);
    return m;
  }
  std::string NewId() { return ids_.NextString(NowMs()); }

  const std::map<std::string, Record>& replica() const { return replica_; }
  // The first account this device's user owns.
  const Record* OwnAccount() const {
    return First(EntityType::kAccount,
                 [&](const Record& a) { return a.meta.scope.owner_id == user_id_; });
  }
  const Record* Find(const std::string& id) const {
    auto it = replica_.find(id);
    return it == replica_.end() ? nullptr : &it->second;
  }
  // The first record of `entity` the predicate accepts.
  const Record* First(EntityType entity,
                      std::function<bool(const Record&)> accept = nullptr) const {
    for (const auto& [id, r] : replica_) {
      if (r.entity == entity && !r.meta.deleted && (!accept || accept(r))) return &r;
    }
    return nullptr;
  }
  // Drops a record and, for an account, the records that follow it (the protocol's cascade).
  void Remove(const Record& record) {
    replica_.erase(record.id);
    if (record.entity != EntityType::kAccount) return;
    for (auto it = replica_.begin(); it != replica_.end();) {
      const bool follows = Spec(it->second.entity).scope == ScopeKind::kByAccount &&
                           it->second.meta.scope.account_id == record.id;
      it = follows ? replica_.erase(it) : std::next(it);
    }
  }
  int resyncs() const { return resyncs_; }
  const std::string& user_id() const { return user_id_; }
  const std::string& device_id() const { return device_id_; }
  v1::Sync::Stub& sync() { return *sync_; }
  v1::Auth::Stub& auth() { return *auth_; }
  bool revoked_trailer() const { return revoked_trailer_; }

 private:
  std::unique_ptr<v1::Auth::Stub> auth_;
  std::unique_ptr<v1::Sync::Stub> sync_;
  std::string device_id_;
  std::string token_;
  std::string user_id_;
  std::string cursor_;
  std::map<std::string, Record> replica_;
  UuidV7Generator ids_;
  uint32_t logical_ = 0;
  std::multimap<grpc::string_ref, grpc::string_ref> last_trailers_;
  bool revoked_trailer_ = false;
  int resyncs_ = 0;
};

// Sends `bytes` as the request of a unary call, as a client that did not use our protos might.
grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

// The same for a server-streaming call: sends the request, reads until the stream ends.
grpc::Status RawStreamingCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method, const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  auto call = stub.PrepareCall(&context, method, &queue);
  auto next = [&] {
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    return ok;
  };
  call->StartCall(nullptr);
  next();
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer request(&slice, 1);
  call->Write(request, nullptr);
  next();
  call->WritesDone(nullptr);
  next();
  grpc::ByteBuffer response;
  do {
    call->Read(&response, nullptr);
  } while (next());
  grpc::Status status;
  call->Finish(&status, nullptr);
  next();
  return status;
}

// A Value nested `depth` lists deep.
v1::Value NestedLists(int depth) {
  v1::Value value;
  value.set_string_value("bottom");
  for (int i = 0; i < depth; ++i) {
    v1::Value outer;
    *outer.mutable_list_value()->add_values() = std::move(value);
    value = std::move(outer);
  }
  return value;
}

class SyncE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const absl::Status started = server_.Start("sync-e2e", /*demo_accounts=*/40);
    ASSERT_TRUE(started.ok()) << started;
    channel_ = grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials());
  }
  static void TearDownTestSuite() {
    channel_.reset();
    const absl::Status stopped = server_.Stop();
    EXPECT_TRUE(stopped.ok()) << stopped;
  }

  std::unique_ptr<Device> SignedIn(const std::string& login) {
    auto device =
        std::make_unique<Device>(channel_, login + "-device-" + std::to_string(next_device_++));
    const grpc::Status status = device->Login(login);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(device->PullAll().ok());
    return device;
  }

  static inline SuiteDemoServer server_;
  static inline std::shared_ptr<grpc::Channel> channel_;
  static inline int next_device_ = 0;
};

TEST_F(SyncE2e, LoginChecksThePasswordAndCallsNeedASessionForTheirDevice) {
  Device stranger(channel_, "stranger-phone");
  const grpc::Status wrong = stranger.Login("rep1", "not-the-password");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), "login or password is wrong");
  EXPECT_EQ(stranger.Login("nobody").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stranger.PullAll().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  Device phone(channel_, "phone-a");
  ASSERT_TRUE(phone.Login("rep1").ok());
  // The same token presented for another device id is refused.
  v1::PullRequest request;
  request.set_device_id("phone-b");
  v1::PullResponse response;
  auto context = phone.Context();
  const grpc::Status other = phone.sync().Pull(context.get(), request, &response);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(other.error_message(), HasSubstr("another device"));

  // A login name with a NUL byte is not "admin" on any store.
  const grpc::Status nul = stranger.Login(std::string("admin\0x", 7));
  EXPECT_EQ(nul.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << nul.error_message();
  EXPECT_EQ(nul.error_message(), "login: control characters are not allowed");
}

TEST_F(SyncE2e, ARepPullsExactlyTheirScope) {
  auto dispatcher = SignedIn("dispatch");
  auto rep = SignedIn("rep1");
  const Record* me = dispatcher->Find(rep->user_id());
  ASSERT_NE(me, nullptr);
  std::set<std::string> territories;
  for (const Value& t : me->Get("territory_ids").list_value()) territories.insert(t.string_value());
  auto sees_account = [&](const Record& a) {
    return a.meta.scope.owner_id == rep->user_id() ||
           territories.contains(a.meta.scope.territory_id);
  };
  std::set<std::string> want;
  for (const auto& [id, r] : dispatcher->replica()) {
    bool visible = false;
    switch (Spec(r.entity).scope) {
      case ScopeKind::kEveryone:
        visible = true;
        break;
      case ScopeKind::kOwnerOrTerritory:
        visible = sees_account(r);
        break;
      case ScopeKind::kByAccount: {
        const Record* account = dispatcher->Find(r.meta.scope.account_id);
        visible = account != nullptr && sees_account(*account);
        break;
      }
      case ScopeKind::kByAssignee:
        visible = r.meta.scope.assignee_id == rep->user_id();
        break;
      case ScopeKind::kSelf:
        visible = id == rep->user_id();
        break;
    }
    if (visible) want.insert(id);
  }
  std::set<std::string> got;
  for (const auto& [id, r] : rep->replica()) got.insert(id);
  EXPECT_EQ(got, want);
  EXPECT_LT(got.size(), dispatcher->replica().size()) << "a rep sees less than the dispatcher";
  EXPECT_GT(got.size(), 40u);
}

TEST_F(SyncE2e, EditsToDifferentFieldsBothSurviveAndTheSameFieldIsLogged) {
  auto rep = SignedIn("rep1");
  auto office = SignedIn("dispatch");
  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const std::string id = account->id;
  const int64_t base = account->meta.server_version;
  const EntityType A = EntityType::kAccount;

  const auto first = office->PushOne(
      office->Change(A, id, base, {{F(A, "industry"), Value::String("Fisheries")}}));
  EXPECT_EQ(first.outcome(), v1::MutationResult::APPLIED) << first.message();
  const auto second = rep->PushOne(
      rep->Change(A, id, base, {{F(A, "website"), Value::String("https://fish.example")}}));
  EXPECT_EQ(second.outcome(), v1::MutationResult::MERGED) << second.message();
  EXPECT_EQ(second.server_version(), base + 2);

  // Both edit notes on the same stale base: the later HLC (the rep's, sent second) wins.
  office->PushOne(office->Change(A, id, base, {{F(A, "notes"), Value::String("office note")}}));
  const auto clash =
      rep->PushOne(rep->Change(A, id, base, {{F(A, "notes"), Value::String("rep note")}}));
  ASSERT_EQ(clash.outcome(), v1::MutationResult::CONFLICT) << clash.message();
  ASSERT_EQ(clash.conflicts_size(), 1);
  EXPECT_TRUE(clash.conflicts(0).incoming_won());
  EXPECT_EQ(clash.conflicts(0).stored().string_value(), "office note");

  ASSERT_TRUE(rep->PullAll().ok());
  const Record* merged = rep->Find(id);
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->Get("industry"), Value::String("Fisheries"));
  EXPECT_EQ(merged->Get("website"), Value::String("https://fish.example"));
  EXPECT_EQ(merged->Get("notes"), Value::String("rep note"));

  v1::ListConflictsRequest request;
  request.set_record_id(id);
  v1::ListConflictsResponse log;
  auto context = office->Context();
  ASSERT_TRUE(office->sync().ListConflicts(context.get(), request, &log).ok());
  ASSERT_GE(log.entries_size(), 1);
  EXPECT_EQ(log.entries(0).conflict().stored().string_value(), "office note");
  EXPECT_EQ(log.entries(0).user_id(), rep->user_id());
}

TEST_F(SyncE2e, ARetriedMutationTakesEffectOnce) {
  auto rep = SignedIn("rep2");
  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const EntityType C = EntityType::kContact;
  const std::string contact_id = rep->NewId();
  const v1::Mutation create = rep->Change(C, contact_id, 0,
                                          {{F(C, "account_id"), Value::String(account->id)},
                                           {F(C, "last_name"), Value::String("Retry")}});
  const auto first = rep->PushOne(create);
  ASSERT_EQ(first.outcome(), v1::MutationResult::APPLIED) << first.message();
  const auto again = rep->PushOne(create);
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString()) << "the original result, again";
  ASSERT_TRUE(rep->PullAll().ok());
  ASSERT_NE(rep->Find(contact_id), nullptr);
  EXPECT_EQ(rep->Find(contact_id)->meta.server_version, 1) << "applied once";
}

TEST_F(SyncE2e, ARejectedMutationDoesNotStopTheBatchAndNamesTheProblem) {
  auto rep = SignedIn("rep3");
  auto other = SignedIn("dispatch");
  const Record* mine = rep->OwnAccount();
  const Record* foreign = other->First(EntityType::kAccount,
                                       [&](const Record& a) { return rep->Find(a.id) == nullptr; });
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(foreign, nullptr);
  const EntityType A = EntityType::kAccount;
  const int64_t v = mine->meta.server_version;

  std::vector<v1::Mutation> batch;
  batch.push_back(
      rep->Change(A, mine->id, v, {{F(A, "emails"), Value::Strings({"ok@x.de", "nope"})}}));
  batch.push_back(rep->Change(A, mine->id, v, {{F(A, "tax_id"), Value::String("DE123")}}));
  batch.push_back(rep->Change(A, foreign->id, foreign->meta.server_version,
                              {{F(A, "notes"), Value::String("x")}}));
  batch.push_back(rep->Change(A, mine->id, v + 50, {{F(A, "notes"), Value::String("x")}}));
  batch.push_back(rep->Change(A, mine->id, v, {{F(A, "health_score"), Value::Int(99)}}));
  v1::Mutation unknown_entity = rep->Change(A, mine->id, v, {{1, Value::String("x")}});
  unknown_entity.set_entity("acount");
  batch.push_back(unknown_entity);
  v1::Mutation bad_id = rep->Change(A, "42", v, {{F(A, "notes"), Value::String("x")}});
  batch.push_back(bad_id);
  batch.push_back(rep->Change(EntityType::kProduct, rep->NewId(), 0, {{1, Value::String("SKU")}}));

  v1::PushResponse response;
  ASSERT_TRUE(rep->Push(batch, &response).ok());
  ASSERT_EQ(response.results_size(), 8);
  struct Want {
    v1::MutationResult::Outcome outcome;
    int code;
    const char* message;
  };
  const Want want[] = {
      {v1::MutationResult::REJECTED, 3, "account.emails[1]: not an email address"},
      {v1::MutationResult::APPLIED, 0, ""},
      {v1::MutationResult::REJECTED, 7, "outside your scope"},
      {v1::MutationResult::REJECTED, 3, "base_version: "},
      {v1::MutationResult::REJECTED, 7,
       "account.health_score: computed by the server, read-only on devices"},
      {v1::MutationResult::REJECTED, 3, "mutations[5].entity: unknown entity \"acount\""},
      {v1::MutationResult::REJECTED, 3, "account.id: \"42\" is not a UUIDv7"},
      {v1::MutationResult::REJECTED, 7, "product: only dispatchers and admins"},
  };
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(response.results(i).outcome(), want[i].outcome)
        << i << ": " << response.results(i).message();
    EXPECT_EQ(response.results(i).code(), want[i].code) << i;
    EXPECT_THAT(response.results(i).message(), HasSubstr(want[i].message)) << i;
  }
  ASSERT_TRUE(other->PullAll().ok());
  EXPECT_EQ(other->Find(foreign->id)->Get("notes"), foreign->Get("notes")) << "changes nothing";
  EXPECT_EQ(other->Find(mine->id)->Get("tax_id"), Value::String("DE123"));
  EXPECT_EQ(other->Find(mine->id)->meta.server_version, v + 1) << "only the valid mutation applied";
}

// Requests that do not parse, from a client that did not read our code: every call answers
// INVALID_ARGUMENT and says what is wrong (gRPC's own handling answers UNIMPLEMENTED and says
// nothing).
TEST_F(SyncE2e, EveryCallRefusesARequestThatDoesNotParseAndSaysWhy) {
  const std::string truncated = std::string("\x0a\x05") + "ab";  // 5 bytes announced, 2 sent
  for (const char* method :
       {"/mcrm.v1.Auth/Login", "/mcrm.v1.Auth/RevokeDevice", "/mcrm.v1.Sync/Push",
        "/mcrm.v1.Sync/Pull", "/mcrm.v1.Sync/ListConflicts", "/mcrm.v1.ServerInfo/GetInfo"}) {
    const grpc::Status status = RawUnaryCall(channel_, method, truncated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_THAT(status.error_message(), HasSubstr("truncated or malformed")) << method;
  }
  const grpc::Status stream = RawStreamingCall(channel_, "/mcrm.v1.Sync/Subscribe", truncated);
  EXPECT_EQ(stream.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.error_message(), HasSubstr("device_id: truncated or malformed"));

  // A string that is not UTF-8 names its field.
  const grpc::Status login =
      RawUnaryCall(channel_, "/mcrm.v1.Auth/Login", std::string("\x0a\x02\xc0\x80", 4));
  EXPECT_EQ(login.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(login.error_message(), "login: not valid UTF-8");
}

// One mutation that does not parse (a string that is not UTF-8, values nested too deep) is
// refused alone; the valid mutations of the same push are applied.
TEST_F(SyncE2e, AMutationThatDoesNotParseIsRefusedAloneAndTheOthersApply) {
  auto rep = SignedIn("rep3");
  const Record* mine = rep->OwnAccount();
  ASSERT_NE(mine, nullptr);
  const EntityType A = EntityType::kAccount;
  const int64_t v = mine->meta.server_version;
  std::vector<v1::Mutation> batch;
  batch.push_back(rep->Change(A, mine->id, v, {{F(A, "tax_id"), Value::String("DE-UTF8")}}));
  v1::Mutation overlong = rep->Change(A, mine->id, v, {{F(A, "notes"), Value::String("x")}});
  // An overlong encoding of "/": a C++ client serializes it (with a logged error), a parser
  // refuses it.
  overlong.mutable_changed(0)->mutable_value()->set_string_value(std::string("\xc0\xaf", 2));
  batch.push_back(overlong);
  v1::Mutation deep = rep->Change(A, mine->id, v, {{F(A, "notes"), Value::String("x")}});
  *deep.mutable_changed(0)->mutable_value() = NestedLists(150);
  batch.push_back(deep);
  batch.push_back(rep->Change(A, mine->id, v, {{F(A, "website"), Value::String("x.example")}}));

  v1::PushResponse response;
  const grpc::Status status = rep->Push(batch, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), v1::MutationResult::APPLIED)
      << response.results(0).message();
  EXPECT_EQ(response.results(1).outcome(), v1::MutationResult::REJECTED);
  EXPECT_EQ(response.results(1).code(), 3);
  EXPECT_EQ(response.results(1).message(),
            "mutations[1].changed[0].value.string_value: not valid UTF-8");
  EXPECT_EQ(response.results(2).outcome(), v1::MutationResult::REJECTED);
  EXPECT_THAT(response.results(2).message(),
              HasSubstr("mutations[2].changed[0].value.list_value.values[0]"));
  EXPECT_THAT(response.results(2).message(), HasSubstr("nested deeper than 100 messages"));
  EXPECT_NE(response.results(3).outcome(), v1::MutationResult::REJECTED)
      << response.results(3).message();
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_EQ(rep->Find(mine->id)->Get("tax_id"), Value::String("DE-UTF8"));
  EXPECT_EQ(rep->Find(mine->id)->Get("notes"), mine->Get("notes"));
}

// Ids are canonical: an upper-case UUID is refused as a record id (it would be a second record)
// and as an owner (the account would never reach its owner); lengths the server accepts are
// bounded (a clock's node id travels to everyone who sees the record).
TEST_F(SyncE2e, RefusesNonCanonicalIdsAndUnboundedNodeIds) {
  auto rep = SignedIn("rep2");
  const EntityType A = EntityType::kAccount;
  const std::string id = rep->NewId();
  FieldMap fields = {{F(A, "name"), Value::String("Großhandel Süd")},
                     {F(A, "kind"), Value::String("organization")},
                     {F(A, "owner_id"), Value::String(rep->user_id())}};
  std::string upper_id = id;
  for (char& c : upper_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string upper_owner = rep->user_id();
  for (char& c : upper_owner) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  FieldMap upper_owner_fields = fields;
  upper_owner_fields[F(A, "owner_id")] = Value::String(upper_owner);
  v1::Mutation huge_node = rep->Change(A, rep->NewId(), 0, fields);
  huge_node.mutable_hlc()->set_node(std::string(1 << 20, 'n'));

  v1::PushResponse response;
  ASSERT_TRUE(rep->Push({rep->Change(A, upper_id, 0, fields),
                         rep->Change(A, rep->NewId(), 0, upper_owner_fields), huge_node},
                        &response)
                  .ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_THAT(response.results(0).message(),
              HasSubstr("account.id: \"" + upper_id + "\" is not in canonical form"));
  EXPECT_THAT(response.results(1).message(),
              HasSubstr("account.owner_id: \"" + upper_owner + "\" is not in canonical form"));
  EXPECT_THAT(response.results(2).message(), HasSubstr("hlc.node: must be 1 to 128 characters"));
  for (const auto& result : response.results()) {
    EXPECT_EQ(result.outcome(), v1::MutationResult::REJECTED);
    EXPECT_EQ(result.code(), 3);
  }
}

// A conflict log of large values still reaches a client with gRPC's default 4 MiB receive limit:
// the answer stops at 3 MiB and says it left older entries out.
TEST_F(SyncE2e, AConflictLogOfLargeValuesFitsADefaultClient) {
  auto rep = SignedIn("rep6");
  auto office = SignedIn("dispatch");
  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const EntityType A = EntityType::kAccount;
  const uint32_t notes = F(A, "notes");
  int64_t version = account->meta.server_version;
  constexpr int kConflicts = 120;  // of 40 kB each: about 4.8 MB in all
  for (int i = 0; i < kConflicts; ++i) {
    // The office writes the notes; the rep's change, made on the version before, meets it.
    const auto office_result = office->PushOne(office->Change(
        A, account->id, version, {{notes, Value::String(std::string(20000, 'a' + i % 26))}}));
    ASSERT_NE(office_result.outcome(), v1::MutationResult::REJECTED) << office_result.message();
    const auto rep_result = rep->PushOne(rep->Change(
        A, account->id, version, {{notes, Value::String(std::string(20000, 'A' + i % 26))}}));
    ASSERT_EQ(rep_result.outcome(), v1::MutationResult::CONFLICT) << rep_result.message();
    version = rep_result.server_version();
  }
  v1::ListConflictsRequest request;
  request.set_record_id(account->id);
  request.set_limit(1000);
  v1::ListConflictsResponse response;
  auto context = rep->Context();
  const grpc::Status status = rep->sync().ListConflicts(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.truncated());
  EXPECT_GT(response.entries_size(), 50);
  EXPECT_LT(response.entries_size(), kConflicts);
  EXPECT_LE(response.ByteSizeLong(), static_cast<size_t>(3 << 20) + 1024);
}

// A push whose answer would pass 3 MiB (each conflict carries both values) is answered within it:
// the mutations that do not fit are "send it again" (REJECTED, RESOURCE_EXHAUSTED), change
// nothing, and go through when sent again.
TEST_F(SyncE2e, APushWhoseAnswerWouldBeTooLargeDefersTheRest) {
  auto rep = SignedIn("rep5");
  auto office = SignedIn("dispatch");
  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const EntityType A = EntityType::kAccount;
  const uint32_t notes = F(A, "notes");
  const int64_t seen = account->meta.server_version;
  ASSERT_NE(office
                ->PushOne(office->Change(A, account->id, seen,
                                         {{notes, Value::String(std::string(20000, 'o'))}}))
                .outcome(),
            v1::MutationResult::REJECTED);
  // Offline, the rep rewrote the notes many times on the version they saw: each meets the
  // office's change, and each answer carries 40 kB.
  std::vector<v1::Mutation> batch;
  constexpr int kMutations = 400;  // 8 MB of notes: many more than fit, many answers deferred
  for (int i = 0; i < kMutations; ++i) {
    batch.push_back(rep->Change(A, account->id, seen,
                                {{notes, Value::String(std::string(20000, 'a' + i % 26))}}));
  }
  v1::PushResponse first;
  ASSERT_TRUE(rep->Push(batch, &first).ok());
  ASSERT_EQ(first.results_size(), kMutations);
  EXPECT_LE(first.ByteSizeLong(), static_cast<size_t>(3 << 20));
  std::vector<v1::Mutation> again;
  for (int i = 0; i < kMutations; ++i) {
    const v1::MutationResult& result = first.results(i);
    if (result.outcome() == v1::MutationResult::REJECTED) {
      EXPECT_EQ(result.code(), 8) << i << ": " << result.message();
      EXPECT_THAT(result.message(), HasSubstr("send it again")) << i;
      again.push_back(batch[static_cast<size_t>(i)]);
    } else {
      EXPECT_TRUE(again.empty()) << i << ": answered after one that was deferred";
      EXPECT_EQ(result.outcome(), v1::MutationResult::CONFLICT) << i << ": " << result.message();
    }
  }
  ASSERT_FALSE(again.empty());
  // Sent again under the same ids, they are applied now (nothing was stored for them).
  v1::PushResponse second;
  ASSERT_TRUE(rep->Push(again, &second).ok());
  ASSERT_GT(second.results_size(), 0);
  EXPECT_EQ(second.results(0).outcome(), v1::MutationResult::CONFLICT)
      << second.results(0).message();
}

TEST_F(SyncE2e, ABatchCanCreateARecordAndChangeItAgain) {
  auto rep = SignedIn("rep5");
  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const EntityType C = EntityType::kContact;
  const std::string id = rep->NewId();
  v1::PushResponse response;
  ASSERT_TRUE(rep->Push({rep->Change(C, id, 0,
                                     {{F(C, "account_id"), Value::String(account->id)},
                                      {F(C, "last_name"), Value::String("Offline")}}),
                         rep->Change(C, id, 1, {{F(C, "job_title"), Value::String("Buyer")}}),
                         rep->Change(C, id, 2, {{F(C, "last_name"), Value::String("Online")}})},
                        &response)
                  .ok());
  ASSERT_EQ(response.results_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.results(i).outcome(), v1::MutationResult::APPLIED)
        << response.results(i).message();
    EXPECT_EQ(response.results(i).server_version(), i + 1);
  }
  ASSERT_TRUE(rep->PullAll().ok());
  const Record* contact = rep->Find(id);
  ASSERT_NE(contact, nullptr);
  EXPECT_EQ(contact->Get("last_name"), Value::String("Online"));
  EXPECT_EQ(contact->Get("job_title"), Value::String("Buyer"));
  EXPECT_EQ(contact->meta.server_version, 3);
}

TEST_F(SyncE2e, RefusesAnOversizeBatchWhole) {
  auto rep = SignedIn("rep4");
  std::vector<v1::Mutation> batch(1001, rep->Change(EntityType::kContact, rep->NewId(), 0, {}));
  v1::PushResponse response;
  const grpc::Status status = rep->Push(batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "mutations: 1001 in one push, at most 1000");
}

TEST_F(SyncE2e, RefusesACursorTheServerDidNotMake) {
  auto rep = SignedIn("rep4");
  v1::PullRequest request;
  request.set_device_id(rep->device_id());
  request.set_cursor("x:not-a-cursor");
  v1::PullResponse response;
  auto context = rep->Context();
  const grpc::Status status = rep->sync().Pull(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("cursor: not a cursor of this server's store"));
}

TEST_F(SyncE2e, SubscribersArePokedWhenTheirScopeChanges) {
  auto rep = SignedIn("rep5");
  auto office = SignedIn("dispatch");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer invalid");
  v1::SubscribeRequest bad;
  bad.set_device_id(rep->device_id());
  auto refused = rep->sync().Subscribe(&context, bad);
  v1::Poke poke;
  EXPECT_FALSE(refused->Read(&poke));
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  auto stream_context = rep->Context();
  v1::SubscribeRequest request;
  request.set_device_id(rep->device_id());
  auto stream = rep->sync().Subscribe(stream_context.get(), request);
  ASSERT_TRUE(stream->Read(&poke)) << "a first poke when the stream opens";
  EXPECT_EQ(poke.sequence(), 1);

  const Record* account = rep->OwnAccount();
  ASSERT_NE(account, nullptr);
  const EntityType A = EntityType::kAccount;
  const auto result = office->PushOne(office->Change(
      A, account->id, account->meta.server_version, {{F(A, "notes"), Value::String("call back")}}));
  ASSERT_NE(result.outcome(), v1::MutationResult::REJECTED) << result.message();
  // The server pokes only when a stream opens and when a commit touches its scope (no timer), so
  // the second poke is this change's, however long it took.
  ASSERT_TRUE(stream->Read(&poke));
  EXPECT_EQ(poke.sequence(), 2);
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_EQ(rep->Find(account->id)->Get("notes"), Value::String("call back"));
  stream_context->TryCancel();
  stream->Finish();
}

TEST_F(SyncE2e, AReassignedAccountLeavesTheOldRepAndReachesTheNewOneWithItsChildren) {
  auto old_rep = SignedIn("rep1");
  auto new_rep = SignedIn("rep2");
  auto office = SignedIn("dispatch");
  // An account of rep1 that rep2 does not see (not in rep2's territories), with children.
  const Record* account = old_rep->First(EntityType::kAccount, [&](const Record& a) {
    if (a.meta.scope.owner_id != old_rep->user_id() || new_rep->Find(a.id) != nullptr) return false;
    for (const auto& [id, r] : old_rep->replica()) {
      if (r.entity == EntityType::kContact && r.meta.scope.account_id == a.id) return true;
    }
    return false;
  });
  ASSERT_NE(account, nullptr);
  const std::string id = account->id;
  std::set<std::string> children;
  for (const auto& [cid, r] : office->replica()) {
    if (Spec(r.entity).scope == ScopeKind::kByAccount && r.meta.scope.account_id == id)
      children.insert(cid);
  }
  ASSERT_FALSE(children.empty());
  const EntityType A = EntityType::kAccount;
  const auto moved =
      office->PushOne(office->Change(A, id, account->meta.server_version,
                                     {{F(A, "owner_id"), Value::String(new_rep->user_id())},
                                      {F(A, "territory_id"), Value::Null()}}));
  ASSERT_NE(moved.outcome(), v1::MutationResult::REJECTED) << moved.message();

  ASSERT_TRUE(old_rep->PullAll().ok());
  EXPECT_EQ(old_rep->Find(id), nullptr) << "removed from the old rep's device";
  for (const auto& child : children) EXPECT_EQ(old_rep->Find(child), nullptr) << child;
  ASSERT_TRUE(new_rep->PullAll().ok());
  ASSERT_NE(new_rep->Find(id), nullptr);
  for (const auto& child : children) {
    EXPECT_NE(new_rep->Find(child), nullptr) << "the new rep gets the children too: " << child;
  }
}

TEST_F(SyncE2e, ARepWhoseTerritoriesChangeResyncs) {
  auto rep = SignedIn("rep3");
  auto admin = SignedIn("admin");
  const Record* me = admin->Find(rep->user_id());
  ASSERT_NE(me, nullptr);
  const size_t before = rep->replica().size();
  const EntityType U = EntityType::kUser;
  Value::List territories = me->Get("territory_ids").list_value();
  const Record* extra = admin->First(EntityType::kTerritory, [&](const Record& t) {
    return std::find(territories.begin(), territories.end(), Value::String(t.id)) ==
               territories.end() &&
           t.Get("parent_id").is_string();
  });
  ASSERT_NE(extra, nullptr);
  territories.push_back(Value::String(extra->id));
  const auto changed = admin->PushOne(admin->Change(
      U, me->id, me->meta.server_version, {{F(U, "territory_ids"), Value::ListOf(territories)}}));
  ASSERT_NE(changed.outcome(), v1::MutationResult::REJECTED) << changed.message();
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_EQ(rep->resyncs(), 1) << "the old cursor must be answered with resync_required";
  EXPECT_GT(rep->replica().size(), before) << "the new territory's accounts arrive";
}

TEST_F(SyncE2e, ARevokedDeviceIsToldToWipeItself) {
  auto rep = SignedIn("rep6");
  auto admin = SignedIn("admin");
  v1::RevokeDeviceRequest request;
  request.set_device_id(rep->device_id());
  v1::RevokeDeviceResponse response;
  auto not_admin = rep->Context();
  EXPECT_EQ(rep->auth().RevokeDevice(not_admin.get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A poke stream opened before the revocation.
  auto stream_context = rep->Context();
  v1::SubscribeRequest subscribe;
  subscribe.set_device_id(rep->device_id());
  auto stream = rep->sync().Subscribe(stream_context.get(), subscribe);
  v1::Poke poke;
  ASSERT_TRUE(stream->Read(&poke)) << "the stream is live";

  auto context = admin->Context();
  const grpc::Status revoked = admin->auth().RevokeDevice(context.get(), request, &response);
  ASSERT_TRUE(revoked.ok()) << revoked.error_message();
  // A change in the rep's scope: a stream left open would be poked for it.
  const Record* account = admin->First(EntityType::kAccount, [&](const Record& a) {
    return a.meta.scope.owner_id == rep->user_id();
  });
  ASSERT_NE(account, nullptr);
  const EntityType A = EntityType::kAccount;
  ASSERT_NE(admin
                ->PushOne(admin->Change(A, account->id, account->meta.server_version,
                                        {{F(A, "notes"), Value::String("after the revocation")}}))
                .outcome(),
            v1::MutationResult::REJECTED);
  EXPECT_FALSE(stream->Read(&poke)) << "revocation ends the open stream";
  const grpc::Status ended = stream->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(ended.error_message(), HasSubstr("device revoked"));
  const auto& trailers = stream_context->GetServerTrailingMetadata();
  EXPECT_NE(trailers.find("mcrm-device-revoked"), trailers.end());

  const grpc::Status pull = rep->PullAll();
  EXPECT_EQ(pull.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(pull.error_message(), HasSubstr("device revoked"));
  EXPECT_TRUE(rep->revoked_trailer()) << "the trailer mcrm-device-revoked: true";
  const grpc::Status login = rep->Login("rep6");
  EXPECT_EQ(login.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(login.error_message(), HasSubstr("device revoked"));
}

// ---- the back office -----------------------------------------------------------------------

v1::Value StringValue(const std::string& text) {
  v1::Value value;
  value.set_string_value(text);
  return value;
}

TEST_F(SyncE2e, TheBackOfficeIsForDispatchersAndAdminsOnly) {
  auto rep = SignedIn("rep1");
  auto office = v1::BackOffice::NewStub(channel_);
  const auto refused = [&](auto call) {
    auto context = rep->Context();
    const grpc::Status status = call(context.get());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("dispatchers and admins"));
  };
  v1::DescribeSchemaResponse schema;
  refused([&](grpc::ClientContext* c) { return office->DescribeSchema(c, {}, &schema); });
  v1::NamedRecord named;
  v1::GetRecordRequest get;
  get.set_entity("account");
  get.set_id(rep->NewId());
  refused([&](grpc::ClientContext* c) { return office->GetRecord(c, get, &named); });
  v1::WriteRecordResponse written;
  v1::CreateRecordRequest create;
  create.set_entity("account");
  refused([&](grpc::ClientContext* c) { return office->CreateRecord(c, create, &written); });
  v1::UpdateRecordRequest update;
  update.set_entity("account");
  refused([&](grpc::ClientContext* c) { return office->UpdateRecord(c, update, &written); });
  v1::DeleteRecordRequest remove;
  remove.set_entity("account");
  refused([&](grpc::ClientContext* c) { return office->DeleteRecord(c, remove, &written); });
  v1::FindRecordsResponse found;
  v1::FindRecordsRequest find;
  find.set_entity("account");
  refused([&](grpc::ClientContext* c) { return office->FindRecords(c, find, &found); });
  v1::ReassignAccountsResponse reassigned;
  v1::ReassignAccountsRequest reassign;
  reassign.add_account_ids(rep->NewId());
  reassign.set_owner_id(rep->user_id());
  refused(
      [&](grpc::ClientContext* c) { return office->ReassignAccounts(c, reassign, &reassigned); });
  refused([&](grpc::ClientContext* c) {
    auto stream = office->ImportCsvParts(c);
    v1::ImportCsvRequest part;
    part.set_entity("account");
    part.set_csv("key,name,kind\nR1,Refused,organization\n");
    v1::ImportCsvResponse answer;
    if (stream->Write(part)) {
      EXPECT_FALSE(stream->Read(&answer));
    }
    stream->WritesDone();
    return stream->Finish();
  });
  v1::SetPasswordResponse set;
  v1::SetPasswordRequest password;
  password.set_user_id(rep->user_id());
  password.set_password("a new password");
  auto context = rep->Context();
  EXPECT_EQ(office->SetPassword(context.get(), password, &set).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext anonymous;  // a device, but no session
  anonymous.AddMetadata("mcrm-device-id", "office-pc-1");
  EXPECT_EQ(office->DescribeSchema(&anonymous, {}, &schema).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SyncE2e, ADispatcherWorksOnAnAccountByFieldNamesAndTheRepsDeviceFollows) {
  auto rep = SignedIn("rep2");
  auto dispatcher = SignedIn("dispatch");
  auto office = v1::BackOffice::NewStub(channel_);

  // A generic client learns the fields by name.
  v1::DescribeSchemaResponse schema;
  {
    auto context = dispatcher->Context();
    ASSERT_TRUE(office->DescribeSchema(context.get(), {}, &schema).ok());
  }
  const v1::EntityDescription* account = nullptr;
  for (const auto& entity : schema.entities()) {
    if (entity.name() == "account") account = &entity;
  }
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->sql_table(), "accounts");
  bool tier_described = false;
  for (const auto& field : account->fields()) {
    if (field.name() != "value_tier") continue;
    tier_described = field.type() == "enum" && field.server_computed() && field.indexed() &&
                     field.enum_values_size() == 3;
  }
  EXPECT_TRUE(tier_described);

  // It creates an account for the rep; the rep's device gets it.
  v1::CreateRecordRequest create;
  create.set_entity("account");
  (*create.mutable_fields())["name"] = StringValue("深圳华为技术有限公司");
  (*create.mutable_fields())["kind"] = StringValue("organization");
  (*create.mutable_fields())["owner_id"] = StringValue(rep->user_id());
  v1::WriteRecordResponse created;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->CreateRecord(context.get(), create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(created.outcome(), "applied");
  const std::string id = created.record().id();
  EXPECT_EQ(created.record().server_version(), 1);
  ASSERT_TRUE(rep->PullAll().ok());
  ASSERT_TRUE(rep->replica().contains(id));
  EXPECT_EQ(rep->replica().at(id).Get("name"), Value::String("深圳华为技术有限公司"));

  // Found by a word inside its name, and by its owner.
  v1::FindRecordsRequest find;
  find.set_entity("account");
  find.set_search("华为");
  auto* owner = find.add_where();
  owner->set_field("owner_id");
  owner->mutable_value()->set_string_value(rep->user_id());
  v1::FindRecordsResponse found;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->FindRecords(context.get(), find, &found);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(found.records_size(), 1);
  EXPECT_EQ(found.records(0).id(), id);

  // A rename reaches the device; a delete removes the account from it.
  v1::UpdateRecordRequest update;
  update.set_entity("account");
  update.set_id(id);
  update.set_base_version(1);
  (*update.mutable_fields())["name"] = StringValue("华为技术");
  v1::WriteRecordResponse updated;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->UpdateRecord(context.get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(updated.record().server_version(), 2);
  EXPECT_EQ(updated.record().fields().at("name").string_value(), "华为技术");
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_EQ(rep->replica().at(id).Get("name"), Value::String("华为技术"));

  v1::DeleteRecordRequest remove;
  remove.set_entity("account");
  remove.set_id(id);
  remove.set_base_version(2);
  v1::WriteRecordResponse removed;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->DeleteRecord(context.get(), remove, &removed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_FALSE(rep->replica().contains(id));
  v1::GetRecordRequest get;
  get.set_entity("account");
  get.set_id(id);
  v1::NamedRecord gone;
  {
    auto context = dispatcher->Context();
    EXPECT_EQ(office->GetRecord(context.get(), get, &gone).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // A retried delete, and an edit of the deleted record, find nothing to change.
  remove.set_base_version(3);
  {
    auto context = dispatcher->Context();
    EXPECT_EQ(office->DeleteRecord(context.get(), remove, &removed).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  update.set_base_version(3);
  auto context = dispatcher->Context();
  EXPECT_EQ(office->UpdateRecord(context.get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(SyncE2e, TheBackOfficeRefusesBadInputNamingTheFieldAndChangesNothing) {
  auto dispatcher = SignedIn("dispatch");
  auto office = v1::BackOffice::NewStub(channel_);
  const auto create = [&](const std::string& entity,
                          std::vector<std::pair<std::string, v1::Value>> fields) {
    v1::CreateRecordRequest request;
    request.set_entity(entity);
    for (auto& [name, value] : fields) (*request.mutable_fields())[name] = value;
    v1::WriteRecordResponse response;
    auto context = dispatcher->Context();
    return office->CreateRecord(context.get(), request, &response);
  };
  const auto expect_refused = [](const grpc::Status& status, const std::string& naming) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(naming));
  };
  const std::vector<std::pair<std::string, v1::Value>> valid = {
      {"name", StringValue("Valid GmbH")}, {"kind", StringValue("organization")}};
  expect_refused(create("customer", valid), "entity");
  auto with = [&](std::string name, v1::Value value) {
    auto fields = valid;
    fields.emplace_back(std::move(name), std::move(value));
    return fields;
  };
  expect_refused(create("account", with("colour", StringValue("red"))), "colour");
  v1::Value bad_email;
  bad_email.mutable_list_value()->add_values()->set_string_value("not an address");
  expect_refused(create("account", with("emails", bad_email)), "emails");
  expect_refused(create("account", with("kind", StringValue("robot"))), "kind");
  expect_refused(create("account", with("segment", StringValue("vip"))), "fields.segment");

  v1::FindRecordsRequest find;
  find.set_entity("account");
  find.set_order_by("website");
  v1::FindRecordsResponse found;
  {
    auto context = dispatcher->Context();
    expect_refused(office->FindRecords(context.get(), find, &found), "order_by");
  }
  find.set_order_by("");
  find.set_limit(5000);
  {
    auto context = dispatcher->Context();
    expect_refused(office->FindRecords(context.get(), find, &found), "limit: 5000");
  }
  find.set_limit(0);
  v1::Condition* newer = find.add_where();
  newer->set_field("kind");
  newer->set_op(static_cast<v1::Condition::Op>(99));  // an operator of a newer client
  *newer->mutable_value() = StringValue("organization");
  {
    auto context = dispatcher->Context();
    expect_refused(office->FindRecords(context.get(), find, &found), "where[0].op");
  }
  find.clear_where();
  find.set_order_by("name");
  find.set_search("Valid");
  {
    auto context = dispatcher->Context();
    ASSERT_TRUE(office->FindRecords(context.get(), find, &found).ok());
  }
  EXPECT_EQ(found.records_size(), 0) << "nothing of the refused creates was stored";
}

TEST_F(SyncE2e, ReassignedAccountsLeaveOneRepsDeviceAndReachTheOthersWithTheirChildren) {
  auto from = SignedIn("rep3");
  auto to = SignedIn("rep4");
  auto dispatcher = SignedIn("dispatch");
  auto office = v1::BackOffice::NewStub(channel_);
  const auto create = [&](const std::string& entity,
                          std::vector<std::pair<std::string, std::string>> fields) {
    v1::CreateRecordRequest request;
    request.set_entity(entity);
    for (const auto& [name, text] : fields) (*request.mutable_fields())[name] = StringValue(text);
    v1::WriteRecordResponse response;
    auto context = dispatcher->Context();
    const grpc::Status status = office->CreateRecord(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.record().id();
  };
  const std::string account = create(
      "account", {{"name", "Umzug AG"}, {"kind", "organization"}, {"owner_id", from->user_id()}});
  const std::string contact = create("contact", {{"account_id", account}, {"last_name", "Weber"}});
  ASSERT_TRUE(from->PullAll().ok());
  ASSERT_TRUE(to->PullAll().ok());
  ASSERT_TRUE(from->replica().contains(contact));
  ASSERT_FALSE(to->replica().contains(account));

  v1::ReassignAccountsRequest reassign;
  reassign.add_account_ids(account);
  reassign.add_account_ids(from->NewId());  // no such account: said so, the other still moves
  reassign.set_owner_id(to->user_id());
  v1::ReassignAccountsResponse response;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->ReassignAccounts(context.get(), reassign, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(response.moved(), 1u);
  ASSERT_EQ(response.outcomes_size(), 2);
  EXPECT_EQ(response.outcomes(0), "applied");
  EXPECT_THAT(response.outcomes(1), HasSubstr("no such account"));

  ASSERT_TRUE(from->PullAll().ok());
  ASSERT_TRUE(to->PullAll().ok());
  EXPECT_FALSE(from->replica().contains(account));
  EXPECT_FALSE(from->replica().contains(contact)) << "the contact leaves with its account";
  EXPECT_TRUE(to->replica().contains(account));
  EXPECT_TRUE(to->replica().contains(contact)) << "and arrives with it, though it did not change";
}

TEST_F(SyncE2e, AnAdminCreatesAUserWhoThenSignsIn) {
  auto admin = SignedIn("admin");
  auto office = v1::BackOffice::NewStub(channel_);
  v1::CreateRecordRequest create;
  create.set_entity("user");
  (*create.mutable_fields())["login"] = StringValue("lena");
  (*create.mutable_fields())["display_name"] = StringValue("Lena Neu");
  (*create.mutable_fields())["role"] = StringValue("rep");
  v1::WriteRecordResponse created;
  {
    auto context = admin->Context();
    const grpc::Status status = office->CreateRecord(context.get(), create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::SetPasswordRequest password;
  password.set_user_id(created.record().id());
  password.set_password("short");
  v1::SetPasswordResponse set;
  {
    auto context = admin->Context();
    const grpc::Status status = office->SetPassword(context.get(), password, &set);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("password"));
  }
  password.set_password("lena's first password");
  {
    auto context = admin->Context();
    const grpc::Status status = office->SetPassword(context.get(), password, &set);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  Device lena(channel_, "lena-phone");
  EXPECT_EQ(lena.Login("lena", "wrong password").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status signed_in = lena.Login("lena", "lena's first password");
  ASSERT_TRUE(signed_in.ok()) << signed_in.error_message();
  EXPECT_EQ(lena.user_id(), created.record().id());

  auto dispatcher = SignedIn("dispatch");
  auto context = dispatcher->Context();
  EXPECT_EQ(office->SetPassword(context.get(), password, &set).error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "only admins set passwords";
}

TEST_F(SyncE2e, TheOfficeUndoesAConflictAndTheLosingValueReachesTheDevice) {
  auto rep = SignedIn("rep5");
  auto dispatcher = SignedIn("dispatch");
  auto office = v1::BackOffice::NewStub(channel_);
  v1::CreateRecordRequest create;
  create.set_entity("account");
  (*create.mutable_fields())["name"] = StringValue("Ausgangsname GmbH");
  (*create.mutable_fields())["kind"] = StringValue("organization");
  (*create.mutable_fields())["owner_id"] = StringValue(rep->user_id());
  v1::WriteRecordResponse created;
  {
    auto context = dispatcher->Context();
    ASSERT_TRUE(office->CreateRecord(context.get(), create, &created).ok());
  }
  const std::string id = created.record().id();
  ASSERT_TRUE(rep->PullAll().ok());

  // The rep renames it offline; the office renames it later, and the rep's push loses.
  v1::Mutation offline =
      rep->Change(EntityType::kAccount, id, 1,
                  {{F(EntityType::kAccount, "name"), Value::String("Name vom Außendienst")}});
  offline.mutable_hlc()->set_wall_ms(offline.hlc().wall_ms() - 60'000);  // made a minute ago
  v1::UpdateRecordRequest update;
  update.set_entity("account");
  update.set_id(id);
  update.set_base_version(1);
  (*update.mutable_fields())["name"] = StringValue("Name vom Innendienst");
  v1::WriteRecordResponse updated;
  {
    auto context = dispatcher->Context();
    ASSERT_TRUE(office->UpdateRecord(context.get(), update, &updated).ok());
  }
  EXPECT_EQ(rep->PushOne(offline).outcome(), v1::MutationResult::CONFLICT);

  // The office reads the conflict log and undoes the entry: the rep's name comes back.
  v1::ListConflictsRequest list;
  list.set_record_id(id);
  v1::ListConflictsResponse log;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = dispatcher->sync().ListConflicts(context.get(), list, &log);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(log.entries_size(), 1);
  EXPECT_EQ(log.entries(0).via(), "device");
  EXPECT_FALSE(log.entries(0).conflict().incoming_won());
  v1::UndoConflictRequest undo;
  undo.set_seq(log.entries(0).seq());
  v1::WriteRecordResponse undone;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->UndoConflict(context.get(), undo, &undone);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(undone.record().fields().at("name").string_value(), "Name vom Außendienst");
  ASSERT_TRUE(rep->PullAll().ok());
  EXPECT_EQ(rep->replica().at(id).Get("name"), Value::String("Name vom Außendienst"));

  undo.set_seq(log.entries(0).seq() + 1000000);
  auto context = dispatcher->Context();
  EXPECT_EQ(office->UndoConflict(context.get(), undo, &undone).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(SyncE2e, TheOfficeSeesEachDevicesLastSyncAndItsUnsentChanges) {
  auto rep = SignedIn("rep6");  // pulled to the end once
  v1::PullRequest pull;         // a later sync, holding three changes the server has not accepted
  pull.set_device_id(rep->device_id());
  pull.set_unsent_changes(3);
  v1::PullResponse page;
  {
    auto context = rep->Context();
    ASSERT_TRUE(rep->sync().Pull(context.get(), pull, &page).ok());
  }
  ASSERT_FALSE(page.more());
  auto dispatcher = SignedIn("dispatch");
  auto office = v1::BackOffice::NewStub(channel_);
  v1::ListDevicesRequest request;
  request.set_user_id(rep->user_id());
  v1::ListDevicesResponse devices;
  {
    auto context = dispatcher->Context();
    const grpc::Status status = office->ListDevices(context.get(), request, &devices);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const v1::DeviceInfo* found = nullptr;
  for (const auto& device : devices.devices()) {
    if (device.device_id() == rep->device_id()) found = &device;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->unsent_changes(), 3u);
  EXPECT_GT(found->last_sync_ms(), 0);
  EXPECT_FALSE(found->revoked());
}

// The office's CSV import: what it says of each row, and what it stores.
class CsvImport {
 public:
  CsvImport(std::shared_ptr<grpc::Channel> channel, Device& office)
      : stub_(v1::BackOffice::NewStub(channel)), office_(office) {}

  v1::ImportCsvResponse Import(const std::string& csv, bool dry_run = false,
                               grpc::Status* status_out = nullptr) {
    v1::ImportCsvRequest request;
    request.set_entity("account");
    request.set_csv(csv);
    request.set_dry_run(dry_run);
    v1::ImportCsvResponse response;
    auto context = office_.Context();
    const grpc::Status status = stub_->ImportCsv(context.get(), request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  // The parts of one file on one ImportCsvParts call: each part's CSV (its header first) and
  // first_line. The answers to the parts the server took, and the call's status.
  std::pair<std::vector<v1::ImportCsvResponse>, grpc::Status> ImportParts(
      const std::vector<std::pair<std::string, int64_t>>& parts,
      const std::string& entity = "account") {
    auto context = office_.Context();
    auto stream = stub_->ImportCsvParts(context.get());
    std::vector<v1::ImportCsvResponse> answers;
    for (const auto& [csv, first_line] : parts) {
      v1::ImportCsvRequest request;
      request.set_entity(answers.empty() ? "account" : entity);
      request.set_csv(csv);
      request.set_first_line(first_line);
      v1::ImportCsvResponse answer;
      if (!stream->Write(request) || !stream->Read(&answer)) break;
      answers.push_back(answer);
    }
    stream->WritesDone();
    return {answers, stream->Finish()};
  }

  // Every page of the accounts' export, as one file.
  std::string Export() {
    std::string csv;
    v1::ExportCsvRequest request;
    request.set_entity("account");
    while (true) {
      v1::ExportCsvResponse page;
      auto context = office_.Context();
      const grpc::Status status = stub_->ExportCsv(context.get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      csv += page.csv();
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return csv;
  }

  // The problems, as "line column: reason".
  static std::vector<std::string> Problems(const v1::ImportCsvResponse& response) {
    std::vector<std::string> out;
    for (const auto& p : response.problems()) {
      out.push_back(absl::StrCat(p.line(), " ", p.column(), ": ", p.reason()));
    }
    return out;
  }

 private:
  std::unique_ptr<v1::BackOffice::Stub> stub_;
  Device& office_;
};

TEST_F(SyncE2e, ACsvImportReportsEachBadRowImportsTheRestAndIsIdempotent) {
  auto dispatcher = SignedIn("dispatch");
  CsvImport office(channel_, *dispatcher);
  const std::string run = std::to_string(NowMs());  // keys of this test only
  const std::string file = absl::StrCat(
      "key,name,kind,emails,notes\n",                                            // line 1
      "A", run, ",Alpha Handel GmbH,organization,info@alpha.example,\n",         // 2: good
      "B", run, ",,organization,,\n",                                            // 3: no name
      "C", run, ",Gamma AG,organization,not an address,\n",                      // 4: bad email
      "D", run, ",Delta KG,robot,,\n",                                           // 5: unknown kind
      "A", run, ",Alpha again,organization,,\n",                                 // 6: repeated key
      "E", run, ",Epsilon,organization,,\"=HYPERLINK(\"\"x\"\")\"\n",            // 7: a formula
      "F", run, ",\"", std::string(1100000, 'x'), "\",organization,,\n",         // 8: too long
      "G", run, ",\"Zeta, Söhne & Co.\",organization,,\"Ruf: \"\"Zeta\"\"\"\n",  // 9: good
      "H", run, ",深圳华为技术有限公司,organization,,\n");                       // 10: good
  const v1::ImportCsvResponse first = office.Import(file);
  EXPECT_EQ(first.created(), 3u);
  EXPECT_EQ(first.refused(), 6u);
  EXPECT_EQ(first.encoding(), "UTF-8");
  const std::vector<std::string> problems = CsvImport::Problems(first);
  ASSERT_EQ(problems.size(), 6u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], HasSubstr("3 "));
  EXPECT_THAT(problems[0], HasSubstr("name"));
  EXPECT_THAT(problems[1], HasSubstr("4 emails"));
  EXPECT_THAT(problems[2], HasSubstr("5 kind"));
  EXPECT_THAT(problems[3], HasSubstr("6 key: repeats line 2"));
  EXPECT_THAT(problems[4], HasSubstr("7 notes"));
  EXPECT_THAT(problems[5], HasSubstr("8 "));

  // The same file again changes nothing; an edited one changes exactly the edited row.
  const v1::ImportCsvResponse again = office.Import(file);
  EXPECT_EQ(again.created(), 0u);
  EXPECT_EQ(again.updated(), 0u);
  EXPECT_EQ(again.unchanged(), 3u);
  std::string edited = file;
  edited.replace(edited.find("Alpha Handel GmbH"), 17, "Alpha Handel AG");
  const v1::ImportCsvResponse changed = office.Import(edited);
  EXPECT_EQ(changed.updated(), 1u);
  EXPECT_EQ(changed.unchanged(), 2u);

  // A dry run says what would happen and changes nothing.
  const std::string more = absl::StrCat("key,name,kind\nI", run, ",Iota,organization\n");
  const v1::ImportCsvResponse dry = office.Import(more, /*dry_run=*/true);
  EXPECT_TRUE(dry.dry_run());
  EXPECT_EQ(dry.created(), 1u);
  EXPECT_EQ(office.Import(more, /*dry_run=*/true).created(), 1u) << "still not there";

  // A Chinese spreadsheet's file in GB18030: "key,name,kind" then 华为 as the name.
  const std::string gb18030 =
      absl::StrCat("key,name,kind\nJ", run, ",\xBB\xAA\xCE\xAA,organization\n");
  const v1::ImportCsvResponse chinese = office.Import(gb18030);
  EXPECT_EQ(chinese.encoding(), "GB18030");
  EXPECT_EQ(chinese.created(), 1u);
  grpc::Status unreadable;
  office.Import("key,name\n\xFF\xFE\xFF,\xFF\n", false, &unreadable);
  EXPECT_EQ(unreadable.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A file of several batches (they are written side by side): every good row lands once, and
// the bad ones are reported in the order of the file, whichever batch they fell in.
TEST_F(SyncE2e, ALargeImportWritesEveryGoodRowOnceAndReportsTheBadInFileOrder) {
  auto dispatcher = SignedIn("dispatch");
  CsvImport office(channel_, *dispatcher);
  const std::string run = std::to_string(NowMs());
  constexpr int kRows = 1234;  // three batches of 500 and a part
  std::string file = "key,name,kind\n";
  std::vector<std::string> want_problems;
  for (int i = 0; i < kRows; ++i) {
    const int line = i + 2;
    if (i % 97 == 0) {
      absl::StrAppend(&file, "L", run, "-", i, ",Row ", i, ",robot\n");
      want_problems.push_back(absl::StrCat(line, " kind"));
    } else {
      absl::StrAppend(&file, "L", run, "-", i, ",Row ", i, ",organization\n");
    }
  }
  const int bad = static_cast<int>(want_problems.size());
  const v1::ImportCsvResponse first = office.Import(file);
  EXPECT_EQ(first.rows(), static_cast<uint32_t>(kRows));
  EXPECT_EQ(first.created(), static_cast<uint32_t>(kRows - bad));
  EXPECT_EQ(first.refused(), static_cast<uint32_t>(bad));
  std::vector<std::string> problems;
  for (const std::string& p : CsvImport::Problems(first))
    problems.push_back(p.substr(0, p.find(':')));
  EXPECT_THAT(problems, ElementsAreArray(want_problems));
  const v1::ImportCsvResponse again = office.Import(file);
  EXPECT_EQ(again.created(), 0u);
  EXPECT_EQ(again.unchanged(), static_cast<uint32_t>(kRows - bad));
}

// A file in parts on one call: a key repeated in a later part is refused as a repeat, naming
// the line of the file where it came first, as it is within one part.
TEST_F(SyncE2e, AnImportInPartsRefusesAKeyRepeatedFromAnEarlierPart) {
  auto dispatcher = SignedIn("dispatch");
  CsvImport office(channel_, *dispatcher);
  const std::string run = std::to_string(NowMs());
  const std::string header = "key,name,kind\n";
  // Lines 2 and 3 in the first part; lines 4 and 5 in the second, whose header is not the
  // file's line 1: first_line 3 makes its line 2 the file's line 4.
  const auto [answers, status] = office.ImportParts(
      {{absl::StrCat(header, "P1", run, ",Alpha,organization\nP2", run, ",Beta,organization\n"), 1},
       {absl::StrCat(header, "P3", run, ",Gamma,organization\nP1", run,
                     ",Alpha again,organization\n"),
        3}});
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].created(), 2u);
  EXPECT_EQ(answers[1].created(), 1u);
  EXPECT_EQ(answers[1].refused(), 1u);
  EXPECT_THAT(CsvImport::Problems(answers[1]), ElementsAre("5 key: repeats line 2"));

  // Every part names the entity of the first.
  const auto [taken, refused] =
      office.ImportParts({{absl::StrCat(header, "Q1", run, ",Delta,organization\n"), 1},
                          {absl::StrCat("key,last_name\nQ2", run, ",Wang\n"), 3}},
                         "contact");
  EXPECT_EQ(taken.size(), 1u);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("entity"));
}

TEST_F(SyncE2e, AnExportImportsBackUnchangedWithFormulaCellsMadeInert) {
  auto dispatcher = SignedIn("dispatch");
  auto stub = v1::BackOffice::NewStub(channel_);
  v1::CreateRecordRequest create;
  create.set_entity("account");
  (*create.mutable_fields())["name"] = StringValue("=1+2 Trading");
  (*create.mutable_fields())["kind"] = StringValue("organization");
  (*create.mutable_fields())["notes"] = StringValue("line one\nline \"two\", with a comma");
  v1::WriteRecordResponse created;
  {
    auto context = dispatcher->Context();
    ASSERT_TRUE(stub->CreateRecord(context.get(), create, &created).ok());
  }
  CsvImport office(channel_, *dispatcher);
  const std::string csv = office.Export();
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF") << "UTF-8 with a byte-order mark, for spreadsheets";
  EXPECT_THAT(csv, HasSubstr("'=1+2 Trading")) << "a spreadsheet would run it as a formula";
  const v1::ImportCsvResponse back = office.Import(csv);
  EXPECT_EQ(back.created(), 0u);
  EXPECT_EQ(back.updated(), 0u) << ::testing::PrintToString(CsvImport::Problems(back));
  EXPECT_EQ(back.refused(), 0u) << ::testing::PrintToString(CsvImport::Problems(back));
  EXPECT_EQ(back.unchanged(), back.rows());
  EXPECT_GT(back.rows(), 40u) << "the demo's accounts and this one";
}

}  // namespace
}  // namespace mcrm::testing
