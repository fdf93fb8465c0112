// What each subcommand does: its calls to the server and what it prints. main.cc defines the
// command line and signs in; these take its parsed arguments and the session and return the
// exit status: 0 done, 1 refused (by the server or by the schema), with the reason on stderr.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "session.h"

namespace mcrm::admin {

int RunSchema(const Session& session, bool json, const std::string& entity);

int RunGet(const Session& session, bool json, const std::string& entity, const std::string& id,
           const std::string& key = "");
int RunCreate(const Session& session, bool json, const std::string& entity,
              const std::vector<std::string>& fields);
int RunUpdate(const Session& session, bool json, const std::string& entity, const std::string& id,
              int64_t base_version, const std::vector<std::string>& fields);
int RunDelete(const Session& session, bool json, const std::string& entity, const std::string& id,
              int64_t base_version);

struct FindArgs {
  std::string entity;
  // FIELD=VALUE each.
  std::vector<std::string> where;
  std::vector<std::string> at_least;
  std::vector<std::string> at_most;
  std::vector<std::string> contains;
  std::string search;
  std::string order_by;
  bool descending = false;
  // Records per page; 0: the server's default (50).
  uint32_t limit = 0;
  // Follow next_page_token to the last page.
  bool all = false;
  std::string page_token;
  // The table's columns: field names, "id" and "version"; empty: a choice by the schema.
  std::vector<std::string> columns;
};
int RunFind(const Session& session, bool json, const FindArgs& args);

// 1 when some account did not move (each one's outcome is printed).
int RunReassign(const Session& session, bool json, const std::string& owner_id,
                const std::string& territory_id, const std::vector<std::string>& account_ids);
int RunSetPassword(const Session& session, bool json, const std::string& user_id);
// One of `record_id` and `user_id` is set.
int RunConflicts(const Session& session, bool json, const std::string& record_id,
                 const std::string& user_id, uint32_t limit);
int RunUndo(const Session& session, bool json, int64_t seq);
int RunDevices(const Session& session, bool json, const std::string& user_id);
int RunRevokeDevice(const Session& session, bool json, const std::string& device_id);

struct ImportArgs {
  std::string entity;
  // The CSV file's path, and its bytes (ReadImportFile).
  std::string file;
  std::string content;
  bool dry_run = false;
  // "UTF-8", "GB18030" or "Windows-1252"; "" to tell by the whole file's bytes.
  std::string encoding;
};
// Reads `args.file` into `args.content`, before signing in, so that a mistyped path is told
// first: 0, or 1 with the reason on stderr.
int ReadImportFile(ImportArgs& args);
// Sends the file in parts (csv_parts.h), sums their answers and prints each problem by its line
// and column in the file, then the counts. 1 when a row was refused (so that a script notices),
// or when the server refused a part as a whole (its header, its encoding, its quoting).
int RunImport(const Session& session, bool json, const ImportArgs& args);

// Every page of the entity's CSV, to `output` (created with mode 0644, and put in place once
// complete) or, when it is empty, to standard output.
int RunExport(const Session& session, bool json, const std::string& entity,
              const std::string& output);

}  // namespace mcrm::admin
