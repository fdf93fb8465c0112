#include "mcrm/merge.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "mcrm/change_rules.h"
#include "mcrm/service_task_state.h"

namespace mcrm {
namespace {

std::string Name(const ChangeSet& change) {
  return absl::StrCat(EntityName(change.entity), " ", change.record_id);
}

MergeOutcome Rejected(const StoredRecord* current, absl::Status status) {
  MergeOutcome out;
  out.result = MergeResult::kRejected;
  out.status = std::move(status);
  if (current != nullptr) out.state = *current;
  return out;
}

MergeOutcome Create(const ChangeSet& change, int64_t new_version) {
  if (change.op == ChangeSet::Op::kDelete) {
    return Rejected(nullptr, absl::NotFoundError(absl::StrCat(Name(change), ": no such record")));
  }
  if (change.base_version != 0) {
    return Rejected(nullptr, absl::NotFoundError(absl::StrCat(
                                 Name(change), ": no such record (the change was made on version ",
                                 change.base_version, ")")));
  }
  MergeOutcome out;
  Record& record = out.state.record;
  record = RecordAfterChange(nullptr, change);
  for (const auto& [number, value] : record.fields) {
    out.state.stamps[number] = FieldStamp{new_version, change.hlc};
  }
  // The rules a device checks too: a task starts as new or assigned, the record is valid.
  if (absl::Status valid = ValidateChangeToRecord(nullptr, change, record); !valid.ok()) {
    return Rejected(nullptr, valid);
  }
  record.meta.server_version = new_version;
  record.meta.hlc = change.hlc;
  record.meta.scope = ComputeScopeKeys(record);
  out.result = MergeResult::kApplied;
  out.state_changed = true;
  return out;
}

}  // namespace

MergeOutcome MergeChange(const StoredRecord* current, const ChangeSet& change,
                         int64_t new_version) {
  if (current == nullptr) return Create(change, new_version);
  const RecordMeta& meta = current->record.meta;
  if (absl::Status same = CheckSameEntity(current->record, change); !same.ok()) {
    return Rejected(current, same);
  }
  if (change.base_version > meta.server_version) {
    return Rejected(current,
                    absl::InvalidArgumentError(absl::StrCat(
                        "base_version: ", change.base_version, " is ahead of the server's version ",
                        meta.server_version, " of ", Name(change))));
  }
  if (meta.deleted) {
    return Rejected(current, absl::FailedPreconditionError(absl::StrCat(
                                 Name(change), ": deleted at version ", meta.server_version)));
  }
  if (change.base_version == 0) {
    return Rejected(current,
                    absl::AlreadyExistsError(absl::StrCat(Name(change), ": already exists")));
  }

  const auto changed_since_base = [&](uint32_t field) {
    const auto it = current->stamps.find(field);
    return it != current->stamps.end() && it->second.version > change.base_version;
  };
  bool others_changed = false;
  for (const auto& [field, stamp] : current->stamps) {
    if (!change.changed.contains(field) && stamp.version > change.base_version) {
      others_changed = true;
    }
  }

  MergeOutcome out;
  out.state = *current;
  Record& record = out.state.record;

  if (change.op == ChangeSet::Op::kDelete) {
    // A delete wins over concurrent edits; the tombstone keeps its scope keys so every device
    // that held the record learns of the removal.
    record.fields.clear();
    out.state.stamps.clear();
    record.meta.deleted = true;
    record.meta.server_version = new_version;
    record.meta.hlc = std::max(meta.hlc, change.hlc);
    out.result = others_changed ? MergeResult::kMerged : MergeResult::kApplied;
    out.state_changed = true;
    return out;
  }

  for (const auto& [field, incoming] : change.changed) {
    const Value& stored = current->record.Get(field);
    if (incoming == stored) continue;  // already so: nothing to write, nothing to fight over
    bool take = true;
    if (changed_since_base(field)) {
      const FieldStamp& stamp = current->stamps.at(field);
      if (RuleChecksTheStep(change.entity, field)) {
        const auto from = TaskStatusOf(stored);
        const auto to = TaskStatusOf(incoming);
        take = from && to && IsAllowedTransition(*from, *to);
      } else {
        take = change.hlc > stamp.hlc;
      }
      out.conflicts.push_back(FieldConflict{field, incoming, stored, change.hlc, stamp.hlc, take});
    }
    if (!take) continue;
    if (incoming.is_null()) {
      record.fields.erase(field);
    } else {
      record.fields[field] = incoming;
    }
    out.state.stamps[field] = FieldStamp{new_version, change.hlc};
    out.state_changed = true;
  }

  if (out.state_changed) {
    // The rules a device checks too, on the merged record: a status step that did not conflict
    // must be allowed (one that conflicted was settled above: it won only if allowed), and the
    // result must be valid.
    if (absl::Status valid = ValidateChangeToRecord(&current->record, change, record);
        !valid.ok()) {
      return Rejected(current, valid);
    }
    record.meta.server_version = new_version;
    record.meta.hlc = std::max(meta.hlc, change.hlc);
    record.meta.scope = ComputeScopeKeys(record);
  }
  out.result = !out.conflicts.empty() ? MergeResult::kConflict
               : others_changed       ? MergeResult::kMerged
                                      : MergeResult::kApplied;
  return out;
}

}  // namespace mcrm
