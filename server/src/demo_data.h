// A deterministic demo-data generator: the same seed gives the same data, byte for byte. Used by
// README command 1, by tests and by benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mcrm/merge.h"
#include "store/store.h"
#include "write_path.h"

namespace mcrm::server {

struct DemoOptions {
  uint64_t seed = 1;
  int accounts = 200;
  // The "now" of the data set (ms since the Unix epoch): ids and times are spread before it.
  int64_t now_ms = 1793696400000;  // 2026-11-02 09:00 UTC
  // The language of names, addresses and texts: "de" (German) or "zh" (Simplified Chinese:
  // Chinese names and addresses, +86 numbers, WeChat ids, CNY). A seed gives the same records
  // (ids, times, amounts, links) in every locale; only the words differ. The logins stay the same.
  std::string locale = "de";
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

// OK for a locale GenerateDemoData knows; otherwise INVALID_ARGUMENT naming --demo-locale and the
// allowed values.
absl::Status CheckDemoLocale(absl::string_view locale);

// Territories, users (an admin, a dispatcher and reps), a product catalogue, `accounts` accounts
// with contacts, sites, orders with lines, interactions, opportunities, cases and service tasks,
// and campaigns with targets. Revenue is skewed: a few big customers order most (Zipf weights).
// Every record passes validation; an error means the generator itself is wrong (or,
// INVALID_ARGUMENT, that the options are: a negative account count, an unknown locale).
absl::StatusOr<DemoData> GenerateDemoData(const DemoOptions& options);

// Generates and stores the demo data through `writes` (a server job), with credentials, unless
// `store` already holds records. Returns the logins (empty when the store was not empty).
absl::StatusOr<std::vector<DemoLogin>> SeedDemoData(WritePath& writes, Store& store,
                                                    const DemoOptions& options);

}  // namespace mcrm::server
