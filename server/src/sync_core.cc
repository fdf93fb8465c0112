#include "sync_core.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "mcrm/change_set.h"
#include "mcrm/merge.h"
#include "mcrm/scope_rule.h"
#include "mcrm/status_macros.h"
#include "mcrm/store/v1/stored.pb.h"
#include "mcrm/uuid.h"
#include "mcrm/version.h"
#include "wire_codec.h"

namespace mcrm::server {
namespace {

v1::MutationResult Rejected(const std::string& mutation_id, const absl::Status& status,
                            int64_t server_version = 0) {
  v1::MutationResult result;
  result.set_mutation_id(mutation_id);
  result.set_outcome(v1::MutationResult::REJECTED);
  result.set_code(static_cast<int>(status.code()));
  result.set_message(std::string(status.message()));
  result.set_server_version(server_version);
  return result;
}

void ToProto(const FieldConflict& conflict, v1::FieldConflict* out) {
  out->set_field(conflict.field);
  if (!conflict.incoming.is_null()) wire::ToProto(conflict.incoming, out->mutable_incoming());
  if (!conflict.stored.is_null()) wire::ToProto(conflict.stored, out->mutable_stored());
  wire::ToProto(conflict.incoming_hlc, out->mutable_incoming_hlc());
  wire::ToProto(conflict.stored_hlc, out->mutable_stored_hlc());
  out->set_incoming_won(conflict.incoming_won);
}

v1::MutationResult::Outcome OutcomeOf(MergeResult result) {
  switch (result) {
    case MergeResult::kApplied:
      return v1::MutationResult::APPLIED;
    case MergeResult::kMerged:
      return v1::MutationResult::MERGED;
    case MergeResult::kConflict:
      return v1::MutationResult::CONFLICT;
    case MergeResult::kRejected:
      return v1::MutationResult::REJECTED;
  }
  return v1::MutationResult::OUTCOME_UNSPECIFIED;
}

uint32_t AccountField(EntityType entity) { return Spec(entity).FieldByName("account_id")->number; }

// Whom a record concerns; `account` is its account for records that follow one.
ScopeTouch TouchOf(const Record& record, const Record* account) {
  ScopeTouch touch;
  switch (Spec(record.entity).scope) {
    case ScopeKind::kEveryone:
      touch.everyone = true;
      break;
    case ScopeKind::kOwnerOrTerritory:
      touch.owner_id = record.meta.scope.owner_id;
      touch.territory_id = record.meta.scope.territory_id;
      break;
    case ScopeKind::kByAccount:
      if (account != nullptr) {
        touch.owner_id = account->meta.scope.owner_id;
        touch.territory_id = account->meta.scope.territory_id;
      }
      break;
    case ScopeKind::kByAssignee:
      touch.assignee_id = record.meta.scope.assignee_id;
      break;
    case ScopeKind::kSelf:
      touch.owner_id = record.id;
      break;
  }
  return touch;
}

// When a change moves a record between scopes, the users who lose it must be told (a scope
// exit), the users who gain an account must get its children too, and a user whose own
// territories or role changed must resync.
void NoteScopeChange(const Record& before, const Record& after, std::vector<Record>& exits,
                     std::vector<std::string>& moved_accounts,
                     std::vector<std::string>& rescoped_users) {
  const ScopeKind kind = Spec(after.entity).scope;
  if (kind == ScopeKind::kSelf) {
    if (before.Get("territory_ids") != after.Get("territory_ids") ||
        before.Get("role") != after.Get("role")) {
      rescoped_users.push_back(after.id);
    }
    return;
  }
  if (kind == ScopeKind::kEveryone || before.meta.scope == after.meta.scope) return;
  exits.push_back(before);
  if (after.entity == EntityType::kAccount) moved_accounts.push_back(after.id);
}

// One mutation on its way through a push.
struct Pending {
  int index = 0;
  ChangeSet change;
};

}  // namespace

SyncCore::SyncCore(Store& store, HybridClock& clock, std::function<int64_t()> now_ms,
                   CommitListener on_commit)
    : store_(store), clock_(clock), now_ms_(std::move(now_ms)), on_commit_(std::move(on_commit)) {}

absl::Status SyncCore::CheckBatchSize(int mutations) {
  if (mutations <= kMaxMutationsPerPush) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("mutations: ", mutations, " in one push, at most ", kMaxMutationsPerPush));
}

absl::StatusOr<v1::PushResponse> SyncCore::Push(
    const Caller& caller, const google::protobuf::RepeatedPtrField<v1::Mutation>& mutations,
    absl::Span<const absl::Status> unreadable) {
  RETURN_IF_ERROR(CheckBatchSize(mutations.size()));
  std::vector<std::optional<v1::MutationResult>> results(mutations.size());
  std::vector<Pending> pending;
  absl::flat_hash_map<std::string, int> first_index;  // mutation id -> index in this batch

  // Decode and check each mutation on its own; these rejections need no store.
  for (int i = 0; i < mutations.size(); ++i) {
    const v1::Mutation& m = mutations[i];
    const std::string path = absl::StrCat("mutations[", i, "]");
    if (static_cast<size_t>(i) < unreadable.size() && !unreadable[i].ok()) {
      results[i] = Rejected("", unreadable[i]);
      continue;
    }
    auto change = wire::FromProto(m, path);
    if (!change.ok()) {
      results[i] = Rejected(m.mutation_id(), change.status());
      continue;
    }
    if (absl::Status valid = ValidateChangeSet(*change, ChangeOrigin::kDevice, false);
        !valid.ok()) {
      results[i] = Rejected(m.mutation_id(), valid);
      continue;
    }
    if (auto [it, fresh] = first_index.emplace(change->mutation_id, i); !fresh) {
      results[i] = Rejected(m.mutation_id(),
                            absl::InvalidArgumentError(absl::StrCat(
                                path, ".mutation_id: repeats mutations[", it->second, "]")));
      continue;
    }
    if (auto observed = clock_.Observe(change->hlc); !observed.ok()) {
      results[i] = Rejected(m.mutation_id(), observed.status());
      continue;
    }
    pending.push_back(Pending{i, *std::move(change)});
  }

  std::vector<ScopeTouch> touches;
  const int64_t now = now_ms_();
  // The bytes an answer's results take: each result, its tag and its length prefix.
  const auto answer_bytes = [](const v1::MutationResult& result) {
    return static_cast<int64_t>(result.ByteSizeLong()) + 6;
  };
  int64_t early_bytes = 0;  // the results of mutations refused before the store
  for (const auto& result : results) {
    if (result.has_value()) early_bytes += answer_bytes(*result);
  }
  // The "send it again" answer of a mutation that did not fit.
  const auto deferred = [](int index, const std::string& mutation_id) {
    return Rejected(
        mutation_id,
        absl::ResourceExhaustedError(absl::StrCat(
            "mutations[", index, "]: not applied: the answer to this push reached its size bound (",
            kMaxAnswerBytes, " bytes); send it again in another push")));
  };
  // The most such an answer takes: its mutation id is a UUID (ValidateChangeSet checked it) and
  // its index has at most as many digits as the largest push allows.
  const int64_t deferred_bytes = answer_bytes(deferred(kMaxMutationsPerPush, std::string(36, '0')));
  auto work = [&](StoreTx& tx) -> absl::Status {
    touches.clear();
    RETURN_IF_ERROR(tx.SerializeDevice(caller.device_id));
    std::vector<std::string> mutation_ids;
    for (const Pending& p : pending) mutation_ids.push_back(p.change.mutation_id);
    ASSIGN_OR_RETURN(auto replayed, tx.FindMutationResults(caller.device_id, mutation_ids));

    // Everything the batch touches or checks scope against, in one read.
    absl::flat_hash_set<std::string> wanted;
    for (const Pending& p : pending) {
      wanted.insert(p.change.record_id);
      if (Spec(p.change.entity).scope == ScopeKind::kByAccount) {
        const auto it = p.change.changed.find(AccountField(p.change.entity));
        if (it != p.change.changed.end() && it->second.is_string())
          wanted.insert(it->second.string_value());
      }
    }
    ASSIGN_OR_RETURN(std::vector<StoredRecord> loaded,
                     tx.LoadRecords(std::vector<std::string>(wanted.begin(), wanted.end())));
    absl::flat_hash_map<std::string, StoredRecord> records;
    for (StoredRecord& r : loaded) records[r.record.id] = std::move(r);
    // Accounts referenced by stored children whose account the batch did not name.
    std::vector<std::string> more;
    for (const auto& [id, r] : records) {
      const std::string account = r.record.meta.scope.account_id;
      if (Spec(r.record.entity).scope == ScopeKind::kByAccount && !records.contains(account)) {
        more.push_back(account);
      }
    }
    if (!more.empty()) {
      ASSIGN_OR_RETURN(std::vector<StoredRecord> accounts, tx.LoadRecords(more));
      for (StoredRecord& r : accounts) records[r.record.id] = std::move(r);
    }
    auto find = [&](const std::string& id) -> const Record* {
      auto it = records.find(id);
      return it == records.end() ? nullptr : &it->second.record;
    };

    // Records the batch changed, in first-change order; their newest states are in `records`.
    std::vector<std::string> changed_ids;
    absl::flat_hash_set<std::string> changed;
    std::vector<Record> scope_exits;
    std::vector<std::string> moved_accounts, rescoped_users;
    std::vector<ConflictEntry> conflicts;
    std::vector<std::pair<std::string, std::string>> new_results;
    // The answer stays within kMaxAnswerBytes: once the next result might not fit (a conflict
    // carries both values), that mutation and every later one are answered "send it again",
    // changing nothing and storing nothing. The first always goes (a result is at most a
    // record and a change).
    int64_t bytes = early_bytes;
    bool full = false;
    bool answered = false;  // a mutation of this push reached the store: the first always does
    const auto defer = [&](v1::MutationResult& result, const Pending& p) {
      full = true;
      result = deferred(p.index, p.change.mutation_id);
      bytes += answer_bytes(result);
    };
    for (size_t k = 0; k < pending.size(); ++k) {
      const Pending& p = pending[k];
      // Room this mutation's answer must leave: the deferred answers of all after it.
      const int64_t room =
          kMaxAnswerBytes - static_cast<int64_t>(pending.size() - k - 1) * deferred_bytes;
      v1::MutationResult& result = results[p.index].emplace();
      if (full) {
        defer(result, p);
        continue;
      }
      if (auto it = replayed.find(p.change.mutation_id); it != replayed.end()) {
        if (answered && bytes + static_cast<int64_t>(it->second.size()) + 6 > room) {
          defer(result, p);
          continue;
        }
        result.ParseFromString(it->second);
        bytes += static_cast<int64_t>(it->second.size()) + 6;
        answered = true;
        continue;
      }
      auto current_it = records.find(p.change.record_id);
      const StoredRecord* current = current_it == records.end() ? nullptr : &current_it->second;
      const int64_t worst = static_cast<int64_t>(mutations[p.index].ByteSizeLong()) +
                            (current ? EncodedSizeBound(current->record) : 0) + 1024;
      if (answered && bytes + worst > room) {
        defer(result, p);
        continue;
      }
      answered = true;
      const Record* before = current ? &current->record : nullptr;
      const int64_t version = current ? current->record.meta.server_version : 0;
      const Record* account_before = before ? find(AccountIdOf(*before)) : nullptr;
      if (absl::Status allowed =
              CheckMayChange(caller, p.change.entity, p.change.record_id, before, account_before);
          !allowed.ok()) {
        result = Rejected(p.change.mutation_id, allowed, version);
        new_results.emplace_back(p.change.mutation_id, result.SerializeAsString());
        bytes += answer_bytes(result);
        continue;
      }
      MergeOutcome outcome = MergeChange(current, p.change, version + 1);
      const Record* account_after = outcome.state.record.entity == EntityType::kAccount
                                        ? &outcome.state.record
                                        : find(AccountIdOf(outcome.state.record));
      absl::Status in_scope =
          outcome.result == MergeResult::kRejected
              ? outcome.status
              : CheckStaysInScope(caller, outcome.state.record, account_after, before == nullptr);
      if (!in_scope.ok()) {
        result = Rejected(p.change.mutation_id, in_scope, version);
      } else {
        result.set_mutation_id(p.change.mutation_id);
        result.set_outcome(OutcomeOf(outcome.result));
        result.set_server_version(outcome.state.record.meta.server_version);
        for (const FieldConflict& c : outcome.conflicts) {
          ToProto(c, result.add_conflicts());
          conflicts.push_back(ConflictEntry{p.change.entity, p.change.record_id, c,
                                            caller.device_id, caller.user_id,
                                            outcome.state.record.meta.server_version, now});
        }
        if (outcome.state_changed) {
          if (before != nullptr) {
            touches.push_back(TouchOf(*before, account_before));
            NoteScopeChange(*before, outcome.state.record, scope_exits, moved_accounts,
                            rescoped_users);
          }
          touches.push_back(TouchOf(outcome.state.record, account_after));
          if (changed.insert(p.change.record_id).second) changed_ids.push_back(p.change.record_id);
          records[p.change.record_id] = std::move(outcome.state);
        }
      }
      new_results.emplace_back(p.change.mutation_id, result.SerializeAsString());
      bytes += answer_bytes(result);
    }
    // The map is not read after this; its states move into the write.
    std::vector<StoredRecord> saves;
    saves.reserve(changed_ids.size());
    for (const std::string& id : changed_ids) saves.push_back(std::move(records[id]));
    RETURN_IF_ERROR(tx.SaveRecords(saves));
    RETURN_IF_ERROR(tx.RecordScopeExits(scope_exits));
    RETURN_IF_ERROR(tx.TouchRecordsOfAccounts(moved_accounts));
    for (const std::string& user : rescoped_users) RETURN_IF_ERROR(tx.RequireResync(user));
    RETURN_IF_ERROR(tx.AppendConflicts(conflicts));
    RETURN_IF_ERROR(tx.SaveMutationResults(caller.device_id, new_results));
    return absl::OkStatus();
  };

  if (!pending.empty()) {
    absl::Status status;
    // A deadlock, a serialization failure or a concurrent create of the same id is retried.
    for (int attempt = 0; attempt < 3; ++attempt) {
      status = store_.Transact(work);
      if (!absl::IsAborted(status)) break;
    }
    RETURN_IF_ERROR(status);
    if (!touches.empty() && on_commit_) on_commit_(touches);
  }
  v1::PushResponse response;
  for (auto& result : results) *response.add_results() = std::move(*result);
  return response;
}

absl::StatusOr<std::string> SyncCore::Pull(const Caller& caller, absl::string_view cursor,
                                           uint32_t limit) {
  // A cursor this server made is a position and a record id: far shorter than this.
  if (cursor.size() > kMaxCursorLength) {
    return absl::InvalidArgumentError(absl::StrCat("cursor: longer than ", kMaxCursorLength,
                                                   " bytes; not a cursor of this server"));
  }
  const int page_size =
      limit == 0 ? kDefaultPullLimit : static_cast<int>(std::min<uint32_t>(limit, kMaxPullLimit));
  ScopeFilter scope;
  scope.everything = caller.sees_everything();
  scope.user_id = caller.user_id;
  scope.territory_ids = caller.territory_ids;
  ASSIGN_OR_RETURN(PullPage page, store_.Pull(scope, cursor, page_size));
  store::v1::EncodedPullResponse response;
  if (page.resync_required) {
    response.set_resync_required(true);
    return response.SerializeAsString();
  }
  response.mutable_records()->Reserve(static_cast<int>(page.encoded_records.size()));
  for (std::string& encoded : page.encoded_records) response.add_records(std::move(encoded));
  response.set_next_cursor(std::move(page.next_cursor));
  response.set_more(page.more);
  if (cursor.empty()) {
    ASSIGN_OR_RETURN(int64_t total, store_.CountScope(scope));
    response.set_estimated_total(static_cast<uint64_t>(total));
  }
  return response.SerializeAsString();
}

absl::StatusOr<v1::ListConflictsResponse> SyncCore::ListConflicts(
    const Caller& caller, const v1::ListConflictsRequest& request) {
  const int limit =
      request.limit() == 0 ? 100 : static_cast<int>(std::min<uint32_t>(request.limit(), 1000));
  std::vector<ConflictEntry> entries;
  switch (request.subject_case()) {
    case v1::ListConflictsRequest::kRecordId: {
      RETURN_IF_ERROR(CheckUuidV7(request.record_id(), "record_id"));
      ASSIGN_OR_RETURN(std::vector<StoredRecord> found, store_.ReadRecords({request.record_id()}));
      if (!found.empty() && !caller.sees_everything()) {
        const Record& record = found[0].record;
        std::vector<StoredRecord> account;
        if (Spec(record.entity).scope == ScopeKind::kByAccount) {
          ASSIGN_OR_RETURN(account, store_.ReadRecords({record.meta.scope.account_id}));
        }
        if (!CallerSees(caller, record, account.empty() ? nullptr : &account[0].record)) {
          return absl::PermissionDeniedError("record_id: outside your scope");
        }
      }
      ASSIGN_OR_RETURN(entries, store_.ConflictsForRecord(request.record_id()));
      if (static_cast<int>(entries.size()) > limit) entries.resize(limit);
      break;
    }
    case v1::ListConflictsRequest::kUserId: {
      RETURN_IF_ERROR(CheckUuidV7(request.user_id(), "user_id"));
      if (!caller.sees_everything() && request.user_id() != caller.user_id) {
        return absl::PermissionDeniedError("user_id: reps read only their own conflicts");
      }
      ASSIGN_OR_RETURN(entries, store_.ConflictsForUser(request.user_id(), limit));
      break;
    }
    case v1::ListConflictsRequest::SUBJECT_NOT_SET:
      return absl::InvalidArgumentError("record_id or user_id: one is required");
  }
  v1::ListConflictsResponse response;
  // Within the same bound as a pull page: the values of a conflict can be large (a list of
  // addresses), and a thousand of them must still reach a client with gRPC's default limits.
  int64_t bytes = 0;
  for (const ConflictEntry& e : entries) {
    v1::ConflictLogEntry entry;
    entry.set_entity(std::string(EntityName(e.entity)));
    entry.set_record_id(e.record_id);
    ToProto(e.conflict, entry.mutable_conflict());
    entry.set_device_id(e.device_id);
    entry.set_user_id(e.user_id);
    entry.set_server_version(e.server_version);
    entry.set_at_ms(e.at_ms);
    bytes += static_cast<int64_t>(entry.ByteSizeLong()) + 6;
    if (response.entries_size() > 0 && bytes > kMaxAnswerBytes) {
      response.set_truncated(true);
      break;
    }
    *response.add_entries() = std::move(entry);
  }
  return response;
}

}  // namespace mcrm::server
