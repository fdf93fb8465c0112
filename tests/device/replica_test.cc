// The device replica on real SQLite files: local writes and the outbox, pulled pages, the
// overlay of pending changes, search, and settling push results.
#include "replica.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "mcrm/uuid.h"
#include "sample_records.h"
#include "wire_codec.h"

namespace mcrm::device {
namespace {

using ::mcrm::testing::F;
using ::mcrm::testing::ValidSample;
using ::testing::HasSubstr;

constexpr int64_t kT = 1793696400000;

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mcrm-replica-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto replica = Replica::Open((dir_ / "replica.sqlite3").string());
    ASSERT_TRUE(replica.ok()) << replica.status();
    replica_ = *std::move(replica);
  }
  void TearDown() override {
    replica_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string NewId() { return ids_.NextString(kT + counter_++); }
  HlcTimestamp Hlc() { return HlcTimestamp{kT, static_cast<uint32_t>(counter_++), "phone"}; }

  // A server record as a pull delivers it.
  v1::Record Server(EntityType entity, const std::string& id, int64_t version,
                    std::function<void(Record&)> edit = nullptr) {
    Record r = ValidSample(entity);
    r.id = id;
    if (edit) edit(r);
    r.meta.server_version = version;
    r.meta.scope = ComputeScopeKeys(r);
    v1::Record proto;
    wire::ToProto(r, &proto);
    return proto;
  }
  // An account as the server sends it, under `name`.
  v1::Record NamedAccount(const std::string& id, int64_t version, const std::string& name) {
    return Server(EntityType::kAccount, id, version,
                  [&](Record& r) { r.Set("name", Value::String(name)); });
  }

  PulledPage Page(std::vector<v1::Record> records, const std::string& cursor) {
    v1::PullResponse page;
    for (auto& r : records) *page.add_records() = std::move(r);
    page.set_next_cursor(cursor);
    return Read(page);
  }

  // The server's answer that it applied `mutation` at `server_version`.
  static v1::PushResponse Applied(const v1::Mutation& mutation, int64_t server_version) {
    v1::PushResponse answer;
    auto* result = answer.add_results();
    result->set_mutation_id(mutation.mutation_id());
    result->set_outcome(v1::MutationResult::APPLIED);
    result->set_server_version(server_version);
    return answer;
  }

  // A page removing one account: a tombstone, or (`out_of_scope`) a scope exit.
  static PulledPage AccountGone(const std::string& id, bool out_of_scope,
                                const std::string& cursor) {
    v1::PullResponse removal;
    auto* gone = removal.add_records();
    gone->set_entity("account");
    gone->set_id(id);
    if (out_of_scope) {
      gone->mutable_meta()->set_out_of_scope(true);
    } else {
      gone->mutable_meta()->set_deleted(true);
    }
    removal.set_next_cursor(cursor);
    return Read(removal);
  }

  static PulledPage Read(const v1::PullResponse& response) {
    absl::StatusOr<PulledPage> page = ReadPulledPage(response);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *std::move(page) : PulledPage{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Replica> replica_;
  UuidV7Generator ids_;
  int counter_ = 0;
};

TEST_F(ReplicaTest, APulledPageIsStoredWithItsCursorAndNeverBecomesALocalChange) {
  const std::string account = NewId();
  ASSERT_TRUE(
      replica_->ApplyPulledPage(Page({Server(EntityType::kAccount, account, 3)}, "s:7")).ok());
  EXPECT_EQ(*replica_->Cursor(), "s:7");
  EXPECT_EQ(*replica_->RecordCount(), 1);
  auto read = replica_->Read(account);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->Get("name"), Value::String("Grüne Wiese GmbH"));
  EXPECT_TRUE(replica_->Outbox()->empty());
  EXPECT_TRUE(replica_->PendingMutations(100)->empty());
}

TEST_F(ReplicaTest, APageThatFailsHalfwayLeavesNothingBehind) {
  const std::string first = NewId(), second = NewId();
  // The file refuses the page's second record (as a full disk would), after the first is
  // written.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "replica.sqlite3").c_str(), &db), SQLITE_OK);
    const std::string trigger = "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.id = '" +
                                second +
                                "' BEGIN SELECT RAISE(ABORT, 'no room for this record'); END;";
    ASSERT_EQ(sqlite3_exec(db, trigger.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  const absl::Status status = replica_
                                  ->ApplyPulledPage(Page({Server(EntityType::kAccount, first, 1),
                                                          Server(EntityType::kAccount, second, 1)},
                                                         "s:9"))
                                  .status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("no room for this record"));
  EXPECT_EQ(*replica_->RecordCount(), 0) << "the page and its cursor commit together or not at all";
  EXPECT_EQ(*replica_->Cursor(), "");
  EXPECT_TRUE(replica_->Search("Grüne", 10)->empty()) << "nor did the first record's entry";
}

TEST_F(ReplicaTest, ALocalWriteIsSeenAtOnceAndQueuedWithItsBaseVersion) {
  const std::string account = NewId();
  ASSERT_TRUE(
      replica_->ApplyPulledPage(Page({Server(EntityType::kAccount, account, 4)}, "s:1")).ok());
  const EntityType A = EntityType::kAccount;
  auto change = replica_->Write(A, account, {{F(A, "notes"), Value::String("met the owner")}},
                                Hlc(), NewId());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->base_version, 4);
  EXPECT_EQ((*replica_->Read(account))->Get("notes"), Value::String("met the owner"));
  auto pending = replica_->PendingMutations(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].base_version(), 4);
  ASSERT_EQ((*pending)[0].changed_size(), 1) << "only the changed field travels";
}

TEST_F(ReplicaTest, APulledStateKeepsPendingLocalFieldsOnTop) {
  const std::string account = NewId();
  const EntityType A = EntityType::kAccount;
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, account, 1)}, "s:1")).ok());
  ASSERT_TRUE(
      replica_->Write(A, account, {{F(A, "notes"), Value::String("mine")}}, Hlc(), NewId()).ok());
  // Someone else changed the industry; the server state arrives while the note is unsent.
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(Page(
                      {Server(A, account, 2,
                              [](Record& r) { r.Set("industry", Value::String("Fisheries")); })},
                      "s:2"))
                  .ok());
  auto read = replica_->Read(account);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->Get("industry"), Value::String("Fisheries"));
  EXPECT_EQ((*read)->Get("notes"), Value::String("mine"));
}

TEST_F(ReplicaTest, RefusesAnInvalidWriteAndQueuesNothing) {
  const std::string account = NewId();
  const EntityType A = EntityType::kAccount;
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, account, 1)}, "s:1")).ok());
  auto bad = replica_->Write(A, account, {{F(A, "emails"), Value::Strings({"a@b.de", "nope"})}},
                             Hlc(), NewId());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("account.emails[1]: not an email address"));
  auto computed =
      replica_->Write(A, account, {{F(A, "health_score"), Value::Int(10)}}, Hlc(), NewId());
  EXPECT_EQ(computed.status().code(), absl::StatusCode::kPermissionDenied);
  auto incomplete = replica_->Write(EntityType::kContact, NewId(),
                                    {{F(EntityType::kContact, "first_name"), Value::String("Jo")}},
                                    Hlc(), NewId());
  EXPECT_THAT(std::string(incomplete.status().message()),
              HasSubstr("contact.account_id: required"));
  EXPECT_TRUE(replica_->Outbox()->empty());
}

TEST_F(ReplicaTest, UnsentChangesToOneRecordTravelAsOneMutation) {
  const EntityType C = EntityType::kContact;
  const std::string contact = NewId();
  ASSERT_TRUE(replica_->Write(C, contact, ValidSample(C).fields, Hlc(), NewId()).ok());
  ASSERT_TRUE(
      replica_->Write(C, contact, {{F(C, "job_title"), Value::String("Buyer")}}, Hlc(), NewId())
          .ok());
  auto pending = replica_->PendingMutations(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].base_version(), 0) << "still a create";
  // Written after the push went out: it waits until the server answered the create.
  ASSERT_TRUE(
      replica_
          ->Write(C, contact, {{F(C, "job_title"), Value::String("Head buyer")}}, Hlc(), NewId())
          .ok());
  auto again = replica_->PendingMutations(10);
  ASSERT_EQ(again->size(), 1u) << "the follow-up waits: its base version is not known yet";
  EXPECT_EQ((*again)[0].mutation_id(), (*pending)[0].mutation_id())
      << "an unanswered mutation is sent again under the same id";
  ASSERT_TRUE(replica_->ApplyPushResults(Applied((*pending)[0], 1)).ok());
  auto next = replica_->PendingMutations(10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].base_version(), 1) << "based on the version the create made";
  EXPECT_EQ((*replica_->Read(contact))->Get("job_title"), Value::String("Head buyer"));
}

TEST_F(ReplicaTest, ACreateDeletedBeforeItWasSentSendsNothing) {
  const EntityType C = EntityType::kContact;
  const std::string contact = NewId();
  ASSERT_TRUE(replica_->Write(C, contact, ValidSample(C).fields, Hlc(), NewId()).ok());
  ASSERT_TRUE(replica_->Delete(C, contact, Hlc(), NewId()).ok());
  EXPECT_TRUE(replica_->Outbox()->empty());
  EXPECT_FALSE(replica_->Read(contact)->has_value());
}

TEST_F(ReplicaTest, PushResultsSettleTheOutbox) {
  const EntityType A = EntityType::kAccount;
  const std::string a = NewId(), b = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, a, 2), Server(A, b, 5)}, "s:1")).ok());
  ASSERT_TRUE(replica_->Write(A, a, {{F(A, "notes"), Value::String("mine")}}, Hlc(), NewId()).ok());
  ASSERT_TRUE(replica_->Write(A, b, {{F(A, "tax_id"), Value::String("DE1")}}, Hlc(), NewId()).ok());
  auto pending = replica_->PendingMutations(10);
  ASSERT_EQ(pending->size(), 2u);
  v1::PushResponse answer;
  auto* lost = answer.add_results();
  lost->set_mutation_id((*pending)[0].mutation_id());
  lost->set_outcome(v1::MutationResult::CONFLICT);
  lost->set_server_version(2);
  auto* conflict = lost->add_conflicts();
  conflict->set_field(F(A, "notes"));
  conflict->mutable_incoming()->set_string_value("mine");
  conflict->mutable_stored()->set_string_value("theirs");
  conflict->set_incoming_won(false);
  auto* refused = answer.add_results();
  refused->set_mutation_id((*pending)[1].mutation_id());
  refused->set_outcome(v1::MutationResult::REJECTED);
  refused->set_code(7);
  refused->set_message("account 42: outside your scope");
  ASSERT_TRUE(replica_->ApplyPushResults(answer).ok());

  auto outbox = replica_->Outbox();
  ASSERT_EQ(outbox->size(), 1u) << "the conflict is settled, the rejection stays";
  EXPECT_TRUE((*outbox)[0].rejected);
  EXPECT_EQ((*outbox)[0].code, 7);
  EXPECT_EQ((*outbox)[0].reason, "account 42: outside your scope");
  EXPECT_TRUE(replica_->PendingMutations(10)->empty()) << "a rejected change is not sent again";
  auto conflicts = replica_->Conflicts();
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ((*conflicts)[0].mine, Value::String("mine"));
  EXPECT_EQ((*conflicts)[0].theirs, Value::String("theirs"));
  EXPECT_FALSE((*conflicts)[0].mine_won);
  auto shown = replica_->Read(a);
  ASSERT_TRUE(shown.ok() && shown->has_value());
  EXPECT_EQ((*shown)->Get("notes"), Value::String("theirs"))
      << "before the next pull, the view shows what the server kept";
  EXPECT_EQ((*shown)->meta.server_version, 2);

  EXPECT_EQ(replica_->Discard(999).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(replica_->Discard((*outbox)[0].seq).ok());
  EXPECT_TRUE(replica_->Outbox()->empty());
  // A retried push answered twice settles nothing twice.
  EXPECT_TRUE(replica_->ApplyPushResults(answer).ok());
}

// "Send it again" (the push's answer was full) is no refusal: the entry stays pending, unmarked,
// and goes out with the next push under the same mutation id.
TEST_F(ReplicaTest, AChangeTheServerDidNotGetToIsSentAgain) {
  const EntityType A = EntityType::kAccount;
  const std::string a = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, a, 2)}, "s:1")).ok());
  ASSERT_TRUE(replica_->Write(A, a, {{F(A, "notes"), Value::String("mine")}}, Hlc(), NewId()).ok());
  auto pending = replica_->PendingMutations(10);
  ASSERT_EQ(pending->size(), 1u);
  // A change after the sent one waits for its answer, for its base.
  ASSERT_TRUE(
      replica_->Write(A, a, {{F(A, "notes"), Value::String("mine, later")}}, Hlc(), NewId()).ok());
  v1::PushResponse answer;
  auto* deferred = answer.add_results();
  deferred->set_mutation_id((*pending)[0].mutation_id());
  deferred->set_outcome(v1::MutationResult::REJECTED);
  deferred->set_code(static_cast<int>(absl::StatusCode::kResourceExhausted));
  deferred->set_message("mutations[0]: not applied: ...; send it again in another push");
  ASSERT_TRUE(replica_->ApplyPushResults(answer).ok());
  auto outbox = replica_->Outbox();
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_FALSE((*outbox)[0].rejected);
  auto again = replica_->PendingMutations(10);
  ASSERT_EQ(again->size(), 1u) << "the later change still waits for the first one's answer";
  EXPECT_EQ((*again)[0].mutation_id(), (*pending)[0].mutation_id());
}

TEST_F(ReplicaTest, AConflictCanBeUndoneAsANewLocalChange) {
  const EntityType A = EntityType::kAccount;
  const std::string a = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, a, 2)}, "s:1")).ok());
  ASSERT_TRUE(replica_->Write(A, a, {{F(A, "notes"), Value::String("mine")}}, Hlc(), NewId()).ok());
  auto pending = replica_->PendingMutations(10);
  ASSERT_EQ(pending->size(), 1u);
  v1::PushResponse answer;
  auto* lost = answer.add_results();
  lost->set_mutation_id((*pending)[0].mutation_id());
  lost->set_outcome(v1::MutationResult::CONFLICT);
  lost->set_server_version(3);
  auto* conflict = lost->add_conflicts();
  conflict->set_field(F(A, "notes"));
  conflict->mutable_incoming()->set_string_value("mine");
  conflict->mutable_stored()->set_string_value("theirs");
  conflict->set_incoming_won(false);
  ASSERT_TRUE(replica_->ApplyPushResults(answer).ok());
  ASSERT_EQ(replica_->Conflicts()->size(), 1u);
  const int64_t seq = (*replica_->Conflicts())[0].seq;

  EXPECT_EQ(replica_->UndoConflict(seq + 100, Hlc(), NewId()).status().code(),
            absl::StatusCode::kNotFound);
  auto undo = replica_->UndoConflict(seq, Hlc(), NewId());
  ASSERT_TRUE(undo.ok()) << undo.status();
  EXPECT_EQ(undo->base_version, 3) << "made on the version the server answered with";
  EXPECT_EQ((*replica_->Read(a))->Get("notes"), Value::String("mine"))
      << "the user's value is back at once";
  auto outbox = replica_->Outbox();
  ASSERT_EQ(outbox->size(), 1u) << "and waits to be pushed like any edit";
  EXPECT_EQ(outbox->front().change.changed.at(F(A, "notes")), Value::String("mine"));
  EXPECT_TRUE(replica_->Conflicts()->empty()) << "the conflict left the log with the undo";
  EXPECT_EQ(replica_->UndoConflict(seq, Hlc(), NewId()).status().code(),
            absl::StatusCode::kNotFound)
      << "one undo per conflict";
}

TEST_F(ReplicaTest, SearchFollowsARecordThroughRenamesAndRemoval) {
  // A rename must take out exactly the old words, even when a page renames a record twice.
  const std::string a = NewId(), b = NewId();
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(Page(
                      {NamedAccount(a, 1, "Alpha Kälte"), NamedAccount(b, 1, "Alpha Bau")}, "s:1"))
                  .ok());
  EXPECT_EQ(replica_->Search("Alpha", 10)->size(), 2u);
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(Page(
                      {NamedAccount(a, 2, "Beta Kälte"), NamedAccount(a, 3, "Gamma Kälte")}, "s:2"))
                  .ok());
  EXPECT_EQ(*replica_->Search("Alpha", 10), std::vector<std::string>{b});
  EXPECT_TRUE(replica_->Search("Beta", 10)->empty()) << "the page's first rename was replaced";
  EXPECT_EQ(*replica_->Search("Gamma", 10), std::vector<std::string>{a});
  EXPECT_EQ(*replica_->Search("Kälte", 10), std::vector<std::string>{a});
  ASSERT_TRUE(replica_->ApplyPulledPage(AccountGone(a, /*out_of_scope=*/false, "s:3")).ok());
  EXPECT_TRUE(replica_->Search("Gamma", 10)->empty());
  EXPECT_EQ(*replica_->Search("Alpha", 10), std::vector<std::string>{b});
  // FTS5's own check of its index structures.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "replica.sqlite3").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db,
                         "INSERT INTO list_accounts_search (list_accounts_search) "
                         "VALUES ('integrity-check')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(ReplicaTest, AnIndexBuiltUnderAnotherSchemaIsRebuiltOnOpen) {
  const std::string a = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({NamedAccount(a, 1, "Delta Kälte")}, "s:1")).ok());
  replica_.reset();
  // As an older build would have left it: list tables made by another DDL (here, a table of
  // fewer columns and an empty index).
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "replica.sqlite3").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE list_accounts; CREATE TABLE list_accounts (id TEXT PRIMARY "
                           "KEY, pending INTEGER); DELETE FROM list_accounts_search; UPDATE "
                           "sync_state SET value = 'old' WHERE key = 'list_ddl'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  auto reopened = Replica::Open((dir_ / "replica.sqlite3").string());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  replica_ = *std::move(reopened);
  EXPECT_EQ(*replica_->Search("Delta", 10), std::vector<std::string>{a}) << "rebuilt on open";
  // A rename now takes out exactly what the rebuilt index holds.
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({NamedAccount(a, 2, "Epsilon Kälte")}, "s:2")).ok());
  EXPECT_TRUE(replica_->Search("Delta", 10)->empty());
  EXPECT_EQ(*replica_->Search("Epsilon", 10), std::vector<std::string>{a});
}

TEST_F(ReplicaTest, ARemovedAccountTakesItsChildrenAlong) {
  const std::string account = NewId(), contact = NewId(), product = NewId(), task = NewId();
  // Each page answers how many records it added (for progress, without counting the table).
  EXPECT_EQ(*replica_->ApplyPulledPage(
                Page({Server(EntityType::kAccount, account, 1),
                      Server(EntityType::kContact, contact, 1,
                             [&](Record& r) { r.Set("account_id", Value::String(account)); }),
                      Server(EntityType::kProduct, product, 1),
                      Server(EntityType::kServiceTask, task, 1,
                             [&](Record& r) {
                               r.Set("account_id", Value::String(account));
                               r.Set("status", Value::String("assigned"));
                             })},
                     "s:3")),
            4);
  ASSERT_EQ(*replica_->RecordCount(), 4);
  EXPECT_EQ(*replica_->ApplyPulledPage(Page({Server(EntityType::kProduct, product, 2)}, "s:3")), 0)
      << "an update adds nothing";
  EXPECT_EQ(replica_->Search("Schmidt", 10)->size(), 1u);
  EXPECT_EQ(*replica_->ApplyPulledPage(AccountGone(account, /*out_of_scope=*/true, "s:4")), -2)
      << "the account and its contact";
  EXPECT_EQ(*replica_->RecordCount(), 2) << "the product stays";
  EXPECT_FALSE(replica_->Read(contact)->has_value());
  EXPECT_TRUE(replica_->Read(task)->has_value())
      << "a task is the rep's by its assignee, whoever's its account is";
  EXPECT_TRUE(replica_->Search("Schmidt", 10)->empty()) << "and the search index forgets them";
}

TEST_F(ReplicaTest, SearchFindsAccountsAndContactsByNamePhoneEmailAndCity) {
  const std::string account = NewId(), contact = NewId();
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(Page(
                      {Server(EntityType::kAccount, account, 1),
                       Server(EntityType::kContact, contact, 1,
                              [&](Record& r) { r.Set("account_id", Value::String(account)); })},
                      "s:2"))
                  .ok());
  EXPECT_EQ(*replica_->Search("grüne", 10), std::vector<std::string>{account});
  EXPECT_EQ(*replica_->Search("Berl", 10), std::vector<std::string>{account}) << "city, by prefix";
  EXPECT_EQ(replica_->Search("1234567", 10)->size(), 2u) << "phone numbers";
  EXPECT_EQ(*replica_->Search("anna.schmidt", 10), std::vector<std::string>{contact}) << "email";
  EXPECT_EQ(*replica_->Search("Anna Schmidt", 10), std::vector<std::string>{contact});
  // Only what a rep looks a customer up by: not the street, the postcode, the kind of a phone
  // or an address (which would match nearly every record), nor tags.
  for (const char* other : {"Hauptstr", "10115", "work", "visit", "organic"}) {
    EXPECT_TRUE(replica_->Search(other, 10)->empty()) << other;
  }
  EXPECT_TRUE(replica_->Search("\"", 10).ok()) << "quotes in a query are no syntax error";
  EXPECT_TRUE(replica_->Search("", 10)->empty());
}

TEST_F(ReplicaTest, AResyncKeepsTheOutboxAndAWipeKeepsNothing) {
  const EntityType A = EntityType::kAccount;
  const std::string account = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, account, 1)}, "s:5")).ok());
  ASSERT_TRUE(
      replica_->Write(A, account, {{F(A, "notes"), Value::String("keep me")}}, Hlc(), NewId())
          .ok());
  ASSERT_TRUE(replica_->ResetForResync().ok());
  EXPECT_EQ(*replica_->RecordCount(), 0);
  EXPECT_EQ(*replica_->Cursor(), "");
  EXPECT_EQ(replica_->Outbox()->size(), 1u) << "unsent changes survive a resync";
  ASSERT_TRUE(replica_->Wipe().ok());
  EXPECT_TRUE(replica_->Outbox()->empty());
}

TEST_F(ReplicaTest, TheDumpToolShowsCursorCountsOutboxAndConflicts) {
  const EntityType A = EntityType::kAccount;
  const std::string account = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({Server(A, account, 3)}, "s:42")).ok());
  ASSERT_TRUE(
      replica_->Write(A, account, {{F(A, "notes"), Value::String("to say")}}, Hlc(), NewId()).ok());
  replica_.reset();  // the tool opens the file itself
  const std::string command =
      std::string(MCRM_REPLICA_DUMP) + " " + (dir_ / "replica.sqlite3").string();
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_THAT(output, HasSubstr("cursor: s:42"));
  EXPECT_THAT(output, HasSubstr("records: 1"));
  EXPECT_THAT(output, HasSubstr("outbox: 1"));
  EXPECT_THAT(output, HasSubstr("pending account " + account + " upsert base=3 notes=\"to say\""));
  EXPECT_THAT(output, HasSubstr("conflicts: 0"));
  FILE* missing =
      popen((std::string(MCRM_REPLICA_DUMP) + " /nonexistent/replica 2>&1").c_str(), "r");
  ASSERT_NE(missing, nullptr);
  std::string refusal;
  while (fgets(buffer, sizeof buffer, missing) != nullptr) refusal += buffer;
  EXPECT_NE(pclose(missing), 0);
  EXPECT_THAT(refusal, HasSubstr("no such file"));
}

TEST_F(ReplicaTest, AFileOfTheFirstSchemaIsMigratedAndKeepsItsSearch) {
  // A replica written by the first release: records, and search entries keyed by record id.
  replica_.reset();
  const std::string path = (dir_ / "v1.sqlite3").string();
  const std::string id = NewId();
  v1::Record account = NamedAccount(id, 3, "Moorhof Molkerei");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE records (id TEXT PRIMARY KEY, entity INTEGER NOT NULL, "
                         "version INTEGER NOT NULL, account_id TEXT NOT NULL, record BLOB NOT "
                         "NULL); CREATE INDEX records_by_account ON records(account_id); "
                         "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, mutation_id "
                         "TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL, mutation BLOB NOT NULL, "
                         "base_known INTEGER NOT NULL, sent INTEGER NOT NULL DEFAULT 0, rejected "
                         "INTEGER NOT NULL DEFAULT 0, code INTEGER NOT NULL DEFAULT 0, reason TEXT "
                         "NOT NULL DEFAULT ''); CREATE INDEX outbox_by_record ON "
                         "outbox(record_id); CREATE TABLE conflicts (seq INTEGER PRIMARY KEY "
                         "AUTOINCREMENT, entity INTEGER NOT NULL, record_id TEXT NOT NULL, field "
                         "INTEGER NOT NULL, mine BLOB NOT NULL, theirs BLOB NOT NULL, mine_won "
                         "INTEGER NOT NULL); CREATE TABLE sync_state (key TEXT PRIMARY KEY, value "
                         "TEXT NOT NULL); CREATE VIRTUAL TABLE search USING fts5(record_id "
                         "UNINDEXED, body); PRAGMA user_version = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "INSERT INTO records VALUES (?1, 1, 3, ?1, ?2)", -1, &insert, nullptr),
      SQLITE_OK);
  const std::string blob = account.SerializeAsString();
  sqlite3_bind_text(insert, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(insert, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
  sqlite3_finalize(insert);
  ASSERT_EQ(
      sqlite3_exec(db, ("INSERT INTO search VALUES ('" + id + "', 'Moorhof Molkerei')").c_str(),
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);

  auto migrated = Replica::Open(path);
  ASSERT_TRUE(migrated.ok()) << migrated.status();
  EXPECT_THAT(*(*migrated)->Search("moorhof", 10), ::testing::ElementsAre(id))
      << "the search entries were rebuilt under the new keys";
  // And they stay in step with later pulls.
  ASSERT_TRUE(
      (*migrated)->ApplyPulledPage(Page({NamedAccount(id, 4, "Talhof Käserei")}, "s:9")).ok());
  EXPECT_TRUE((*migrated)->Search("moorhof", 10)->empty());
  EXPECT_THAT(*(*migrated)->Search("talhof", 10), ::testing::ElementsAre(id));
}

// ---- lists: what the app's customer list shows
// ---------------------------------------------------

// The ids of a list, in order.
std::vector<std::string> Ids(const absl::StatusOr<std::vector<ListedRow>>& rows) {
  std::vector<std::string> out;
  if (!rows.ok()) return {absl::StrCat("error: ", rows.status().ToString())};
  for (const ListedRow& row : *rows) out.push_back(row.id);
  return out;
}

ListQuery AccountsByName() {
  ListQuery query;
  query.entity = EntityType::kAccount;
  query.order_by = "name";
  return query;
}

TEST_F(ReplicaTest, AccountsSortByNameChineseInPinyinOrderThenLatin) {
  const std::vector<std::string> names = {"中国移动",  "Zeta AG",  "北京华为",  "深圳腾讯", "百度",
                                          "Müller KG", "阿里巴巴", "Muller KG", "张三科技"};
  std::vector<v1::Record> records;
  std::map<std::string, std::string> id_of;
  for (const std::string& name : names) {
    id_of[name] = NewId();
    records.push_back(NamedAccount(id_of[name], 1, name));
  }
  ASSERT_TRUE(replica_->ApplyPulledPage(Page(records, "s:1")).ok());
  std::vector<std::string> expected;
  for (const char* name : {"阿里巴巴", "百度", "北京华为", "深圳腾讯", "张三科技", "中国移动",
                           "Muller KG", "Müller KG", "Zeta AG"}) {
    expected.push_back(id_of[name]);
  }
  EXPECT_EQ(Ids(replica_->List(AccountsByName())), expected);
  ListQuery second_page = AccountsByName();
  second_page.offset = 3;
  second_page.limit = 2;
  EXPECT_EQ(Ids(replica_->List(second_page)),
            (std::vector<std::string>{id_of["深圳腾讯"], id_of["张三科技"]}));
  ListQuery backwards = AccountsByName();
  backwards.descending = true;
  backwards.limit = 1;
  EXPECT_EQ(Ids(replica_->List(backwards)), std::vector<std::string>{id_of["Zeta AG"]});
}

TEST_F(ReplicaTest, SearchFindsAChineseNameInsideALongerOneAndAPhoneByItsLastDigits) {
  const std::string huawei = NewId(), tencent = NewId(), phone_owner = NewId();
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(
                      Page({NamedAccount(huawei, 1, "深圳华为技术有限公司"),
                            NamedAccount(tencent, 1, "深圳腾讯计算机系统有限公司"),
                            Server(EntityType::kAccount, phone_owner, 1,
                                   [](Record& r) {
                                     r.Set("name", Value::String("Moorhof"));
                                     r.Set("phones",
                                           Value::ListOf({Value::StructOf(
                                               {{"kind", Value::String("mobile")},
                                                {"number", Value::String("+86 138 0013 0808")}})}));
                                   })},
                           "s:1"))
                  .ok());
  ListQuery query = AccountsByName();
  query.search = "华为";
  EXPECT_EQ(Ids(replica_->List(query)), std::vector<std::string>{huawei});
  query.search = "深圳";
  EXPECT_EQ(Ids(replica_->List(query)).size(), 2u);
  query.search = "0808";
  EXPECT_EQ(Ids(replica_->List(query)), std::vector<std::string>{phone_owner});
  query.search = "moor";
  EXPECT_EQ(*replica_->CountList(query), 1);
  query.search = "有限公司";
  EXPECT_EQ(*replica_->CountList(query), 2);
  EXPECT_EQ(*replica_->CountList(query, /*at_most=*/1), 1) << "a broad search counts no further";
  query.search = "华技";
  EXPECT_TRUE(Ids(replica_->List(query)).empty()) << "characters that are not neighbours";
}

TEST_F(ReplicaTest, AnAccountCreatedOfflineIsListedFoundAndMarkedUntilTheServerHasIt) {
  const std::string id = NewId();
  Record account = ValidSample(EntityType::kAccount);
  account.Set("name", Value::String("Bergbauernhof Alm"));
  ASSERT_TRUE(replica_->Write(EntityType::kAccount, id, account.fields, Hlc(), NewId()).ok());
  ListQuery query = AccountsByName();
  query.search = "bergbau";
  auto rows = replica_->List(query);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, id);
  EXPECT_TRUE((*rows)[0].pending) << "an unsent change is marked";

  // Renamed offline: the list and its search follow at once.
  ASSERT_TRUE(replica_
                  ->Write(EntityType::kAccount, id,
                          {{F(EntityType::kAccount, "name"), Value::String("Talhof")}}, Hlc(),
                          NewId())
                  .ok());
  EXPECT_TRUE(Ids(replica_->List(query)).empty());
  query.search = "talhof";
  EXPECT_EQ(Ids(replica_->List(query)), std::vector<std::string>{id});

  // The server applies it: the mark goes.
  auto pending = replica_->PendingMutations(10);
  ASSERT_EQ(pending->size(), 1u);
  ASSERT_TRUE(replica_->ApplyPushResults(Applied((*pending)[0], 1)).ok());
  rows = replica_->List(query);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_FALSE((*rows)[0].pending);
}

TEST_F(ReplicaTest, APulledRecordWithPendingChangesIsListedWithTheChangesOnTop) {
  const std::string id = NewId();
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({NamedAccount(id, 1, "Alpenblick")}, "s:1")).ok());
  ASSERT_TRUE(replica_
                  ->Write(EntityType::kAccount, id,
                          {{F(EntityType::kAccount, "name"), Value::String("Seeblick")}}, Hlc(),
                          NewId())
                  .ok());
  // The server's next version of the record arrives while the rename is unsent.
  ASSERT_TRUE(replica_->ApplyPulledPage(Page({NamedAccount(id, 2, "Alpenblick")}, "s:2")).ok());
  ListQuery query = AccountsByName();
  query.search = "seeblick";
  auto rows = replica_->List(query);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_TRUE((*rows)[0].pending);
  query.search = "alpenblick";
  EXPECT_TRUE(Ids(replica_->List(query)).empty());
}

TEST_F(ReplicaTest, AccountsFilterByTierAndAnAccountThatLeavesTakesItsContactsOffTheLists) {
  const std::string a = NewId(), b = NewId(), contact = NewId();
  ASSERT_TRUE(replica_
                  ->ApplyPulledPage(
                      Page({Server(EntityType::kAccount, a, 1,
                                   [](Record& r) {
                                     r.Set("name", Value::String("Anker"));
                                     r.Set("value_tier", Value::String("a"));
                                   }),
                            Server(EntityType::kAccount, b, 1,
                                   [](Record& r) {
                                     r.Set("name", Value::String("Boje"));
                                     r.Set("value_tier", Value::String("b"));
                                   }),
                            Server(EntityType::kContact, contact, 1,
                                   [&](Record& r) { r.Set("account_id", Value::String(a)); })},
                           "s:1"))
                  .ok());
  ListQuery tier_a = AccountsByName();
  tier_a.equals = {{"value_tier", Value::String("a")}};
  EXPECT_EQ(Ids(replica_->List(tier_a)), std::vector<std::string>{a});
  ListQuery contacts;
  contacts.entity = EntityType::kContact;
  contacts.equals = {{"account_id", Value::String(a)}};
  contacts.order_by = "last_name";
  EXPECT_EQ(Ids(replica_->List(contacts)), std::vector<std::string>{contact});

  ASSERT_TRUE(replica_->ApplyPulledPage(AccountGone(a, /*out_of_scope=*/true, "s:2")).ok());
  EXPECT_TRUE(Ids(replica_->List(tier_a)).empty());
  EXPECT_TRUE(Ids(replica_->List(contacts)).empty());
  EXPECT_TRUE(replica_->Search("schmidt", 10)->empty()) << "nor is the contact found";
}

TEST_F(ReplicaTest, AListQueryNamesWhatIsWrongWithIt) {
  ListQuery query = AccountsByName();
  query.equals = {{"industry", Value::String("food")}};
  EXPECT_THAT(replica_->List(query).status().message(), HasSubstr("list.filter.industry"));
  query.equals = {{"value_tier", Value::String("z")}};
  EXPECT_EQ(replica_->List(query).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(replica_->List(query).status().message(), HasSubstr("value_tier"));
  query.equals.clear();
  query.order_by = "website";
  EXPECT_THAT(replica_->List(query).status().message(), HasSubstr("list.order_by"));
  query = AccountsByName();
  query.limit = 0;
  EXPECT_THAT(replica_->List(query).status().message(), HasSubstr("list.limit"));
  query = AccountsByName();
  query.entity = EntityType::kProduct;
  EXPECT_THAT(replica_->List(query).status().message(), HasSubstr("list.entity"));
}

// What the WAL-index (the "-shm" file beside a database in WAL mode) says about the log: how many
// frames it holds, and how many of them a checkpoint has copied into the database file. The
// layout is SQLite's documented one (https://www.sqlite.org/walformat.html), in native byte order:
// the header (twice, 48 bytes each), then the checkpoint information.
struct WalIndex {
  uint32_t frames = 0;      // mxFrame, at byte 16 of the header
  uint32_t backfilled = 0;  // nBackfill, at byte 96
  int64_t page_size = 0;    // szPage, at byte 14 of the header (1 stands for 65536)
};

WalIndex ReadWalIndex(const std::filesystem::path& shm) {
  char bytes[136] = {};
  std::ifstream in(shm, std::ios::binary);
  in.read(bytes, sizeof bytes);
  WalIndex out;
  uint16_t page_size = 0;
  std::memcpy(&page_size, bytes + 14, sizeof page_size);
  out.page_size = page_size == 1 ? 65536 : page_size;
  std::memcpy(&out.frames, bytes + 16, sizeof out.frames);
  std::memcpy(&out.backfilled, bytes + 96, sizeof out.backfilled);
  return out;
}

TEST_F(ReplicaTest, TheLogIsCopiedIntoTheFileWhileTheReplicaStaysOpen) {
  // Past the replica's checkpoint threshold (4 MiB of log) the copy runs on the replica's
  // checkpointer thread, not inside a commit, and must still happen: the database file grows
  // while the replica stays open, and the log stops growing.
  //
  // That thread runs as fast as the machine lets it. So that nothing here depends on how fast
  // that is, whenever a commit pushes the log past the threshold (and so pokes the thread) the
  // test waits until the thread has copied the whole log before it writes on; the next commit
  // must then start the log over instead of making it longer.
  constexpr int64_t kCheckpointBytes = 4 << 20;  // Replica::Checkpointer::kCheckpointBytes
  const auto file = dir_ / "replica.sqlite3";
  const auto wal = dir_ / "replica.sqlite3-wal";
  const auto shm = dir_ / "replica.sqlite3-shm";
  const auto grown = std::filesystem::file_size(file) + (8u << 20);
  int records = 0;
  while (std::filesystem::file_size(file) < grown) {
    ASSERT_LT(records, 40000) << "the database file did not grow: nothing was checkpointed";
    std::vector<v1::Record> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back(Server(EntityType::kAccount, NewId(), 1));
    ASSERT_TRUE(
        replica_->ApplyPulledPage(Page(std::move(batch), absl::StrCat("s:", records))).ok());
    records += 1000;
    const WalIndex written = ReadWalIndex(shm);
    if (static_cast<int64_t>(written.frames) * written.page_size < kCheckpointBytes) continue;
    // No time limit: only the ctest timeout bounds a checkpointer that never does its work.
    for (int polls = 1; ReadWalIndex(shm).backfilled < written.frames; ++polls) {
      if (polls % 2000 == 0) {
        std::fprintf(stderr, "still waiting for the checkpointer to copy %u frames\n",
                     written.frames);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_GE(std::filesystem::file_size(file), grown)
      << "the database file did not grow: nothing was checkpointed";
  EXPECT_LT(std::filesystem::file_size(wal), 40u << 20) << "the log kept growing";
  EXPECT_EQ(*replica_->RecordCount(), records);
}

TEST_F(ReplicaTest, ReopensWithoutMigratingTwiceAndRefusesANewerFile) {
  const std::string path = (dir_ / "replica.sqlite3").string();
  ASSERT_TRUE(
      replica_->ApplyPulledPage(Page({Server(EntityType::kProduct, NewId(), 1)}, "s:1")).ok());
  replica_.reset();
  auto again = Replica::Open(path);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*(*again)->RecordCount(), 1);
  again->reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto newer = Replica::Open(path);
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(newer.status().message()), HasSubstr("newer app"));
}

}  // namespace
}  // namespace mcrm::device
