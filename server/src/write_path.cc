#include "write_path.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"
#include "mcrm/uuid.h"

namespace mcrm::server {
namespace {

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

// The account id a change names for a record that follows an account, if any.
const std::string* NamedAccount(const ChangeSet& change) {
  if (Spec(change.entity).scope != ScopeKind::kByAccount) return nullptr;
  const FieldSpec* field = Spec(change.entity).FieldByName("account_id");
  const auto it = change.changed.find(field->number);
  return it != change.changed.end() && it->second.is_string() ? &it->second.string_value()
                                                              : nullptr;
}

// Whether the write path checks that the records a change's scope keys name exist: for the
// origins where a person types or pastes ids (the back office, imports). A device names only
// records it holds, and a server job the ones it made.
bool ChecksScopeTargets(const Author& author) {
  return author.origin == Author::Origin::kBackOffice || author.origin == Author::Origin::kImport;
}

// The id fields of a change that decide scope (an account's owner and territory, a task's
// assignee, a contact's account), with the ids they are set to.
template <typename Visit>
void ForEachScopeTarget(const ChangeSet& change, Visit visit) {
  for (const auto& [number, value] : change.changed) {
    const FieldSpec* field = Spec(change.entity).Field(number);
    if (field == nullptr || field->scope_role == ScopeRole::kNone ||
        field->type != FieldType::kId || !value.is_string() || value.string_value().empty()) {
      continue;
    }
    visit(*field, value.string_value());
  }
}

}  // namespace

Author Author::Device(Caller caller) { return Author{Origin::kDevice, std::move(caller), ""}; }
Author Author::BackOffice(Caller caller) {
  return Author{Origin::kBackOffice, std::move(caller), ""};
}
Author Author::Import(Caller caller) { return Author{Origin::kImport, std::move(caller), ""}; }
Author Author::ServerJob(std::string job) {
  Caller server;
  server.role = kRoleAdmin;  // a job of the server's own acts on everything
  server.device_id = "server";
  return Author{Origin::kServerJob, std::move(server), std::move(job)};
}

std::string Author::via() const {
  switch (origin) {
    case Origin::kDevice:
      return "device";
    case Origin::kBackOffice:
      return "back_office";
    case Origin::kImport:
      return "import";
    case Origin::kServerJob:
      return absl::StrCat("job:", job);
  }
  return "device";
}

WriteBatch::WriteBatch(StoreTx& tx, const Author& author, int64_t now_ms)
    : tx_(tx), author_(author), now_ms_(now_ms) {}

absl::Status WriteBatch::Load(absl::Span<const ChangeSet* const> changes) {
  // Everything the batch touches or checks scope against, in one read.
  absl::flat_hash_set<std::string> wanted;
  for (const ChangeSet* change : changes) {
    wanted.insert(change->record_id);
    if (const std::string* account = NamedAccount(*change)) wanted.insert(*account);
  }
  ASSIGN_OR_RETURN(std::vector<StoredRecord> loaded,
                   tx_.LoadRecords(std::vector<std::string>(wanted.begin(), wanted.end())));
  for (StoredRecord& r : loaded) records_[r.record.id] = std::move(r);
  if (ChecksScopeTargets(author_)) {
    // Read, not locked: a thousand accounts given to one rep must not take turns on the rep.
    absl::flat_hash_set<std::string> named;
    for (const ChangeSet* change : changes) {
      ForEachScopeTarget(*change, [&](const FieldSpec&, const std::string& id) {
        if (!wanted.contains(id)) named.insert(id);
      });
    }
    ASSIGN_OR_RETURN(std::vector<StoredRecord> peeked,
                     tx_.PeekRecords(std::vector<std::string>(named.begin(), named.end())));
    for (StoredRecord& r : peeked) {
      scope_targets_[r.record.id] = {r.record.entity, r.record.meta.deleted};
    }
  }
  // Accounts of stored children whose account the batch did not name.
  std::vector<std::string> more;
  for (const auto& [id, r] : records_) {
    const std::string& account = r.record.meta.scope.account_id;
    if (Spec(r.record.entity).scope == ScopeKind::kByAccount && !account.empty() &&
        !records_.contains(account)) {
      more.push_back(account);
    }
  }
  if (!more.empty()) {
    ASSIGN_OR_RETURN(std::vector<StoredRecord> accounts, tx_.LoadRecords(more));
    for (StoredRecord& r : accounts) records_[r.record.id] = std::move(r);
  }
  return absl::OkStatus();
}

const StoredRecord* WriteBatch::Current(const std::string& id) const {
  const auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

const Record* WriteBatch::Find(const std::string& id) const {
  const StoredRecord* found = Current(id);
  return found == nullptr ? nullptr : &found->record;
}

WriteResult WriteBatch::Apply(const ChangeSet& change) {
  WriteResult out;
  const Caller& caller = author_.caller;
  const StoredRecord* current = Current(change.record_id);
  const Record* before = current ? &current->record : nullptr;
  const int64_t version = before ? before->meta.server_version : 0;
  out.server_version = version;
  const Record* account_before = before ? Find(AccountIdOf(*before)) : nullptr;
  if (absl::Status allowed =
          CheckMayChange(caller, change.entity, change.record_id, before, account_before);
      !allowed.ok()) {
    out.status = allowed;
    return out;
  }
  if (absl::Status role = CheckMayChangeRole(caller, change.entity, change.changed); !role.ok()) {
    out.status = role;
    return out;
  }
  MergeOutcome outcome = MergeChange(current, change, version + 1);
  if (outcome.result == MergeResult::kRejected) {
    out.status = outcome.status;
    return out;
  }
  const Record& after = outcome.state.record;
  const Record* account_after =
      after.entity == EntityType::kAccount ? &after : Find(AccountIdOf(after));
  if (absl::Status in_scope = CheckStaysInScope(caller, after, account_after, before == nullptr);
      !in_scope.ok()) {
    out.status = in_scope;
    return out;
  }
  if (ChecksScopeTargets(author_)) {
    // A record given to an owner, territory or account that is not there would be seen by no
    // one but the office.
    absl::Status target = absl::OkStatus();
    ForEachScopeTarget(change, [&](const FieldSpec& field, const std::string& id) {
      std::pair<EntityType, bool> what;  // entity, deleted
      if (const Record* named = Find(id)) {
        what = {named->entity, named->meta.deleted};
      } else if (const auto it = scope_targets_.find(id); it != scope_targets_.end()) {
        what = it->second;
      } else {
        what = {field.ref, true};  // not there at all
      }
      if (target.ok() && (what.first != field.ref || what.second)) {
        target = absl::InvalidArgumentError(absl::StrCat(EntityName(change.entity), ".", field.name,
                                                         ": no ", EntityName(field.ref), " ", id));
      }
    });
    if (!target.ok()) {
      out.status = target;
      return out;
    }
  }
  out.result = outcome.result;
  out.server_version = after.meta.server_version;
  for (const FieldConflict& c : outcome.conflicts) {
    conflicts_.push_back(ConflictEntry{change.entity, change.record_id, c, caller.device_id,
                                       caller.user_id, after.meta.server_version, now_ms_,
                                       author_.via()});
  }
  out.conflicts = std::move(outcome.conflicts);
  if (outcome.state_changed) {
    if (before != nullptr) {
      audiences_.push_back(AudienceOf(*before, account_before));
      NoteScopeChange(*before, after, scope_exits_, moved_accounts_, rescoped_users_);
    }
    audiences_.push_back(AudienceOf(after, account_after));
    if (changed_.insert(change.record_id).second) changed_ids_.push_back(change.record_id);
    records_[change.record_id] = std::move(outcome.state);
  }
  return out;
}

absl::Status WriteBatch::Save() {
  // The map is not read after this; its states move into the write.
  std::vector<StoredRecord> saves;
  saves.reserve(changed_ids_.size());
  for (const std::string& id : changed_ids_) saves.push_back(std::move(records_[id]));
  records_.clear();
  RETURN_IF_ERROR(tx_.SaveRecords(saves));
  RETURN_IF_ERROR(tx_.RecordScopeExits(scope_exits_));
  RETURN_IF_ERROR(tx_.TouchRecordsOfAccounts(moved_accounts_));
  for (const std::string& user : rescoped_users_) RETURN_IF_ERROR(tx_.RequireResync(user));
  return tx_.AppendConflicts(conflicts_);
}

WritePath::WritePath(Store& store, HybridClock& clock, std::function<int64_t()> now_ms,
                     CommitListener on_commit)
    : store_(store), clock_(clock), now_ms_(std::move(now_ms)), on_commit_(std::move(on_commit)) {}

absl::Status WritePath::Prepare(const Author& author, ChangeSet& change, absl::string_view path) {
  // A device stamps its own changes: one without a timestamp or mutation id is refused by the
  // validation below, never stamped here (a server timestamp would win every merge, and a new
  // mutation id would apply each retry again).
  const bool stamped = !change.hlc.is_zero() || author.origin == Author::Origin::kDevice;
  if (!stamped) change.hlc = clock_.Now();
  if (change.mutation_id.empty() && author.origin != Author::Origin::kDevice) {
    change.mutation_id = mutation_ids_.NextString(now_ms_());
  }
  const ChangeOrigin origin =
      author.origin == Author::Origin::kServerJob ? ChangeOrigin::kServer : ChangeOrigin::kDevice;
  if (absl::Status valid = ValidateChangeSet(change, origin, /*allow_unknown=*/false);
      !valid.ok()) {
    if (path.empty()) return valid;
    return absl::Status(valid.code(), absl::StrCat(path, ".", valid.message()));
  }
  if (!change.hlc.is_zero()) {
    if (auto observed = clock_.Observe(change.hlc); !observed.ok()) return observed.status();
  }
  return absl::OkStatus();
}

absl::Status WritePath::Transact(const Author& author,
                                 absl::FunctionRef<absl::Status(StoreTx&, WriteBatch&)> work,
                                 bool dry_run) {
  // What makes the store roll a dry run back after it ran whole.
  const absl::Status rolled_back = absl::CancelledError("dry run: rolled back");
  std::vector<Audience> audiences;
  absl::Status status;
  // A deadlock, a serialization failure, a concurrent create of the same id or an import's key
  // that another import gave a record meanwhile (StoreTx::SaveKeys) is run again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = store_.Transact([&](StoreTx& tx) -> absl::Status {
      tx.SetAuthor(author.caller.user_id, author.via());
      WriteBatch batch(tx, author, now_ms_());
      RETURN_IF_ERROR(work(tx, batch));
      RETURN_IF_ERROR(batch.Save());
      audiences = batch.audiences();
      return dry_run ? rolled_back : absl::OkStatus();
    });
    if (!absl::IsAborted(status)) break;
  }
  if (dry_run && status == rolled_back) return absl::OkStatus();
  RETURN_IF_ERROR(status);
  if (!audiences.empty() && on_commit_) on_commit_(audiences);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WriteResult>> WritePath::Write(const Author& author,
                                                          std::vector<ChangeSet> changes,
                                                          bool dry_run) {
  std::vector<WriteResult> results(changes.size());
  std::vector<const ChangeSet*> ready;
  absl::flat_hash_set<std::string> seen_mutations;
  for (size_t i = 0; i < changes.size(); ++i) {
    absl::Status prepared = Prepare(author, changes[i], absl::StrCat("changes[", i, "]"));
    if (prepared.ok() && !seen_mutations.insert(changes[i].mutation_id).second) {
      prepared = absl::InvalidArgumentError(
          absl::StrCat("changes[", i, "].mutation_id: repeats an earlier change"));
    }
    if (!prepared.ok()) {
      results[i].status = prepared;
      continue;
    }
    ready.push_back(&changes[i]);
  }
  if (ready.empty()) return results;
  RETURN_IF_ERROR(Transact(
      author,
      [&](StoreTx&, WriteBatch& batch) -> absl::Status {
        RETURN_IF_ERROR(batch.Load(ready));
        for (const ChangeSet* change : ready) {
          results[static_cast<size_t>(change - changes.data())] = batch.Apply(*change);
        }
        return absl::OkStatus();
      },
      dry_run));
  return results;
}

}  // namespace mcrm::server
