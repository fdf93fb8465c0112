// Merges the two sources of a pull, changed records and scope exits, into one page in cursor
// order. Both stores use it; only their position types differ.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "mcrm/record.h"
#include "mcrm/version.h"
#include "store/encoding.h"

namespace mcrm::server {

// A pulled item and its position: (major, minor) is (sequence, "") in SQLite and
// (transaction id, record id) in PostgreSQL.
struct PulledItem {
  uint64_t major = 0;
  std::string minor;
  std::string encoded;  // the record as an encoded mcrm.v1.Record
  friend bool operator<(const PulledItem& a, const PulledItem& b) {
    return std::tie(a.major, a.minor) < std::tie(b.major, b.minor);
  }
};

// A page's first record always goes in: every record fits a page.
static_assert(kMaxRecordBytes <= kMaxAnswerBytes);

// Takes at most `limit` items from the two sorted lists (each fetched with limit + 1 rows) in
// position order, and no more than fit in `max_bytes` (the first item always goes in). `more` is
// set when anything fetched was left out. The last taken position is returned in (last_major,
// last_minor), unchanged when nothing was taken.
inline std::vector<std::string> MergePulled(std::vector<PulledItem> a, std::vector<PulledItem> b,
                                            int limit, int64_t max_bytes, bool& more,
                                            uint64_t& last_major, std::string& last_minor) {
  std::vector<std::string> out;
  int64_t bytes = 0;
  size_t i = 0, j = 0;
  while (static_cast<int>(out.size()) < limit && (i < a.size() || j < b.size())) {
    const bool from_a = j >= b.size() || (i < a.size() && !(b[j] < a[i]));
    PulledItem& next = from_a ? a[i] : b[j];
    // The record, its tag and its length prefix.
    const int64_t size = static_cast<int64_t>(next.encoded.size()) + 6;
    if (!out.empty() && bytes + size > max_bytes) break;
    bytes += size;
    from_a ? ++i : ++j;
    last_major = next.major;
    last_minor = next.minor;
    out.push_back(std::move(next.encoded));
  }
  more = i < a.size() || j < b.size();
  return out;
}

// The removal a device receives for a record that left its scope, encoded.
inline std::string ScopeExitRecord(EntityType entity, std::string id, ScopeKeys old_scope) {
  Record r;
  r.entity = entity;
  r.id = std::move(id);
  r.meta.out_of_scope = true;
  r.meta.scope = std::move(old_scope);
  return EncodeRecord(r);
}

}  // namespace mcrm::server
