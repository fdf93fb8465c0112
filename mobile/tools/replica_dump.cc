// mcrm-replica-dump: shows what is hard to see in a device's replica file: its cursor, how many
// records of each entity it holds, the outbox (pending and rejected changes) and the local
// conflict log.
//   mcrm-replica-dump PATH
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "replica.h"

namespace {

std::string Fields(const mcrm::ChangeSet& change) {
  const mcrm::EntitySpec& spec = mcrm::Spec(change.entity);
  std::vector<std::string> parts;
  for (const auto& [number, value] : change.changed) {
    const mcrm::FieldSpec* field = spec.Field(number);
    parts.push_back(
        absl::StrCat(field ? field->name : absl::StrCat("#", number), "=", value.DebugString()));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mcrm-replica-dump REPLICA_FILE\n");
    return 2;
  }
  // Opening creates a missing file; a dump must not.
  if (!std::filesystem::exists(argv[1])) {
    std::fprintf(stderr, "mcrm-replica-dump: %s: no such file\n", argv[1]);
    return 1;
  }
  auto replica = mcrm::device::Replica::Open(argv[1]);
  if (!replica.ok()) {
    std::fprintf(stderr, "mcrm-replica-dump: %s\n",
                 std::string(replica.status().message()).c_str());
    return 1;
  }
  auto cursor = (*replica)->Cursor();
  auto counts = (*replica)->RecordCountsByEntity();
  auto outbox = (*replica)->Outbox();
  auto conflicts = (*replica)->Conflicts();
  if (!cursor.ok() || !counts.ok() || !outbox.ok() || !conflicts.ok()) {
    std::fprintf(stderr, "mcrm-replica-dump: cannot read the replica\n");
    return 1;
  }
  std::printf("cursor: %s\n", cursor->empty() ? "(none: nothing pulled yet)" : cursor->c_str());
  int64_t total = 0;
  for (const auto& [entity, n] : *counts) total += n;
  std::printf("records: %lld\n", static_cast<long long>(total));
  for (const auto& [entity, n] : *counts) {
    std::printf("  %-16s %lld\n", std::string(mcrm::EntityName(entity)).c_str(),
                static_cast<long long>(n));
  }
  std::printf("outbox: %zu\n", outbox->size());
  for (const auto& entry : *outbox) {
    std::printf("  #%lld %s %s %s %s base=%lld %s%s\n", static_cast<long long>(entry.seq),
                entry.rejected ? "REJECTED" : "pending",
                std::string(mcrm::EntityName(entry.change.entity)).c_str(),
                entry.change.record_id.c_str(),
                entry.change.op == mcrm::ChangeSet::Op::kDelete ? "delete" : "upsert",
                static_cast<long long>(entry.change.base_version), Fields(entry.change).c_str(),
                entry.rejected ? absl::StrCat(" reason=\"", entry.reason, "\"").c_str() : "");
  }
  std::printf("conflicts: %zu\n", conflicts->size());
  for (const auto& c : *conflicts) {
    const mcrm::FieldSpec* field = mcrm::Spec(c.entity).Field(c.field);
    std::printf("  #%lld %s %s %s mine=%s theirs=%s %s\n", static_cast<long long>(c.seq),
                std::string(mcrm::EntityName(c.entity)).c_str(), c.record_id.c_str(),
                field ? field->name.c_str() : "?", c.mine.DebugString().c_str(),
                c.theirs.DebugString().c_str(), c.mine_won ? "(mine kept)" : "(theirs kept)");
  }
  return 0;
}
