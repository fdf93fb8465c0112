// A deterministic demo-data generator: the same seed gives the same data, byte for byte. Used by
// README command 1, by tests and by benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mcrm/merge.h"
#include "store/store.h"
#include "write_path.h"

namespace mcrm::server {

struct DemoOptions {
  uint64_t seed = 1;
  int accounts = 200;
  // The "now" of the data set (ms since the Unix epoch): ids and times are spread before it.
  int64_t now_ms = 1793696400000;  // 2026-11-02 09:00 UTC
};

struct DemoLogin {
  std::string login;
  std::string password;
  std::string role;
  std::string user_id;
};

struct DemoData {
  std::vector<StoredRecord> records;  // users first, then territories, catalogue, accounts, ...
  std::vector<DemoLogin> logins;      // the users that can sign in
};

// Territories, users (an admin, a dispatcher and reps), a product catalogue, `accounts` accounts
// with contacts, sites, orders with lines, interactions, opportunities, cases and service tasks,
// and campaigns with targets. Revenue is skewed: a few big customers order most (Zipf weights).
// Every record passes validation; an error means the generator itself is wrong.
absl::StatusOr<DemoData> GenerateDemoData(const DemoOptions& options);

// Generates and stores the demo data through `writes` (a server job), with credentials, unless
// `store` already holds records. Returns the logins (empty when the store was not empty).
absl::StatusOr<std::vector<DemoLogin>> SeedDemoData(WritePath& writes, Store& store,
                                                    const DemoOptions& options);

}  // namespace mcrm::server
