#include "sync_core.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
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

// One mutation on its way through a push.
struct Pending {
  int index = 0;
  ChangeSet change;
};

}  // namespace

SyncCore::SyncCore(Store& store, HybridClock& clock, std::function<int64_t()> now_ms,
                   CommitListener on_commit)
    : store_(store), writes_(store, clock, std::move(now_ms), std::move(on_commit)) {}

absl::Status SyncCore::CheckBatchSize(int mutations) {
  if (mutations <= kMaxMutationsPerPush) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("mutations: ", mutations, " in one push, at most ", kMaxMutationsPerPush));
}

absl::StatusOr<v1::PushResponse> SyncCore::Push(
    const Caller& caller, const google::protobuf::RepeatedPtrField<v1::Mutation>& mutations,
    absl::Span<const absl::Status> unreadable) {
  RETURN_IF_ERROR(CheckBatchSize(mutations.size()));
  const Author author = Author::Device(caller);
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
    // A device's change carries its own mutation id and timestamp: Prepare stamps nothing for
    // it, refuses one without them, and has the server clock observe the timestamp.
    if (absl::Status prepared = writes_.Prepare(author, *change); !prepared.ok()) {
      results[i] = Rejected(m.mutation_id(), prepared);
      continue;
    }
    if (auto [it, fresh] = first_index.emplace(change->mutation_id, i); !fresh) {
      results[i] = Rejected(m.mutation_id(),
                            absl::InvalidArgumentError(absl::StrCat(
                                path, ".mutation_id: repeats mutations[", it->second, "]")));
      continue;
    }
    pending.push_back(Pending{i, *std::move(change)});
  }

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
  auto work = [&](StoreTx& tx, WriteBatch& batch) -> absl::Status {
    RETURN_IF_ERROR(tx.SerializeDevice(caller.device_id));
    std::vector<std::string> mutation_ids;
    std::vector<const ChangeSet*> changes;
    for (const Pending& p : pending) {
      mutation_ids.push_back(p.change.mutation_id);
      changes.push_back(&p.change);
    }
    ASSIGN_OR_RETURN(auto replayed, tx.FindMutationResults(caller.device_id, mutation_ids));
    RETURN_IF_ERROR(batch.Load(changes));

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
      const StoredRecord* current = batch.Current(p.change.record_id);
      const int64_t worst = static_cast<int64_t>(mutations[p.index].ByteSizeLong()) +
                            (current ? EncodedSizeBound(current->record) : 0) + 1024;
      if (answered && bytes + worst > room) {
        defer(result, p);
        continue;
      }
      answered = true;
      const WriteResult written = batch.Apply(p.change);
      if (written.result == MergeResult::kRejected) {
        result = Rejected(p.change.mutation_id, written.status, written.server_version);
      } else {
        result.set_mutation_id(p.change.mutation_id);
        result.set_outcome(OutcomeOf(written.result));
        result.set_server_version(written.server_version);
        for (const FieldConflict& c : written.conflicts) wire::ToProto(c, result.add_conflicts());
      }
      new_results.emplace_back(p.change.mutation_id, result.SerializeAsString());
      bytes += answer_bytes(result);
    }
    return tx.SaveMutationResults(caller.device_id, new_results);
  };

  if (!pending.empty()) RETURN_IF_ERROR(writes_.Transact(author, work));
  v1::PushResponse response;
  for (auto& result : results) *response.add_results() = std::move(*result);
  return response;
}

absl::StatusOr<std::string> SyncCore::Pull(const Caller& caller, absl::string_view cursor,
                                           uint32_t limit, int64_t unsent_changes) {
  // A cursor this server made is a position and a record id: far shorter than this.
  if (cursor.size() > kMaxCursorLength) {
    return absl::InvalidArgumentError(absl::StrCat("cursor: longer than ", kMaxCursorLength,
                                                   " bytes; not a cursor of this server"));
  }
  const int page_size =
      limit == 0 ? kDefaultPullLimit : static_cast<int>(std::min<uint32_t>(limit, kMaxPullLimit));
  const ScopeFilter scope = ScopeFilter::Of(caller);
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
  if (!page.more) {
    // The device is up to date: what the back office's device list shows.
    RETURN_IF_ERROR(store_.NoteDeviceSync(caller.device_id, writes_.now_ms(), unsent_changes));
  }
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
    wire::ToProto(e.conflict, entry.mutable_conflict());
    entry.set_device_id(e.device_id);
    entry.set_user_id(e.user_id);
    entry.set_server_version(e.server_version);
    entry.set_at_ms(e.at_ms);
    entry.set_via(e.via);
    entry.set_seq(e.seq);
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
