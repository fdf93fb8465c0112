// mcrm-admin: the back office on the command line, for dispatchers and admins. Works through the
// BackOffice gRPC service (docs/back-office-api.md) by entity and field name, so it needs no
// change when the schema grows: the server describes its fields.
//
// Exit status: 0 done; 1 refused (by the server, or by the schema before anything was sent),
// with the reason and what to do on stderr; 2 a usage error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "mcrm/endpoint.h"
#include "mcrm/utf8.h"
#include "session.h"
#include "values.h"

namespace {

using mcrm::admin::Session;

constexpr char kDescription[] =
    "mcrm-admin: the M-CRM back office on the command line, for dispatchers and admins.\n"
    "Reads and changes customer records by entity and field name, the way the app's changes go:\n"
    "validated, merged with the reps' offline edits, and sent to their devices at the next sync.";

constexpr char kFooter[] =
    "Signing in:\n"
    "  The login and password come from MCRM_LOGIN and MCRM_PASSWORD, or from --credentials FILE\n"
    "  (lines login=... and password=...; only you may read it: chmod 600 FILE). Never from the\n"
    "  command line, which others on this machine can see.\n"
    "  MCRM_DEVICE_ID names this computer to the server (default: mcrm-admin-HOSTNAME).\n"
    "\n"
    "Values, as FIELD=VALUE (mcrm-admin schema ENTITY lists the fields and what they take):\n"
    "  text, dates (2024-05-01), ids, enums   as typed: name=\"Müller GmbH\" kind=organization\n"
    "  numbers, true/false                     capacity_per_day=6 do_not_contact=true\n"
    "  timestamps                              ISO 8601 with a zone (2024-05-01T09:30:00+02:00,\n"
    "                                          2024-05-01T07:30Z) or ms since 1970\n"
    "  lists                                   tags=vip,north or tags='[\"a, b\", \"c\"]'\n"
    "  structs                                 JSON: phones='[{\"kind\": \"work\", \"number\": "
    "\"+43 1 234\"}]'\n"
    "  FIELD= with nothing                     clears the field\n"
    "\n"
    "Exit status: 0 done; 1 refused (the reason and what to do on stderr); 2 usage error.\n"
    "Examples:\n"
    "  mcrm-admin find account --search müller --where kind=organization\n"
    "  mcrm-admin get account 0190b1e4-5f2a-7c3d-8e4f-0123456789ab\n"
    "  mcrm-admin update account 0190b1e4-5f2a-7c3d-8e4f-0123456789ab --base-version 3 "
    "industry=Bakery\n"
    "  mcrm-admin find account --where owner_id=USER_ID --all --json > accounts.json\n"
    "  mcrm-admin export account --output accounts.csv\n"
    "  mcrm-admin import account accounts.csv --dry-run";

// FIELD=VALUE arguments are checked for their form while parsing, so that a malformed one is a
// usage error (status 2) before anything is sent.
CLI::Validator Assignment() {
  return CLI::Validator([](std::string& arg) { return mcrm::admin::CheckAssignmentSyntax(arg); },
                        "");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "mcrm-admin");
  app.footer(kFooter);
  app.require_subcommand(1);
  // Global options may also follow the subcommand (mcrm-admin find account --json); set before
  // the subcommands are added, which inherit it.
  app.fallthrough();

  std::string server = absl::StrCat("127.0.0.1:", mcrm::kDefaultServerPort);
  bool json = false;
  double timeout_seconds = 30;
  std::string credentials_file;
  app.add_option("--server", server, "mcrm-server's address, HOST:PORT")
      ->envname("MCRM_SERVER")
      ->capture_default_str();
  app.add_flag("--json", json,
               "print the server's answer as one JSON document, for scripts, instead of tables");
  app.add_option("--timeout", timeout_seconds, "how long to wait for each answer, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--credentials", credentials_file,
                 "a file with the lines login=... and password=... that only you may read "
                 "(instead of MCRM_LOGIN and MCRM_PASSWORD)")
      ->type_name("FILE");

  // What the chosen subcommand does once signed in; its callback sets it.
  std::function<int(const Session&)> run;
  // What it checks before signing in (import: that its file can be read), when anything: 0, or
  // the exit status of the refusal (already reported).
  std::function<int()> prepare;

  // ---- schema ---------------------------------------------------------------------------------
  std::string schema_entity;
  CLI::App* schema = app.add_subcommand(
      "schema",
      "List the kinds of record (entities), or one entity's fields: their type, whether a new "
      "record needs them, whether lists can be ordered by them, and the values they take");
  schema->add_option("entity", schema_entity, "an entity, e.g. account; without it, all of them")
      ->type_name("ENTITY");
  schema->callback([&] {
    run = [&](const Session& s) { return mcrm::admin::RunSchema(s, json, schema_entity); };
  });

  // ---- get ------------------------------------------------------------------------------------
  std::string get_entity, get_id, get_key;
  CLI::App* get = app.add_subcommand(
      "get", "Show one record with all its fields and its version (which update and delete need)");
  get->add_option("entity", get_entity, "the record's entity, e.g. account")
      ->required()
      ->type_name("ENTITY");
  CLI::Option* get_by_id = get->add_option("id", get_id, "the record's id")->type_name("ID");
  get->add_option("--key", get_key,
                  "instead of the id: the key a CSV import gave the record (its \"key\" column)")
      ->type_name("KEY")
      ->excludes(get_by_id);
  get->callback([&] {
    if (get_id.empty() && get_key.empty())
      throw CLI::ValidationError("get", "give ID or --key KEY");
    run = [&](const Session& s) {
      return mcrm::admin::RunGet(s, json, get_entity, get_id, get_key);
    };
  });

  // ---- create ---------------------------------------------------------------------------------
  std::string create_entity;
  std::vector<std::string> create_fields;
  CLI::App* create = app.add_subcommand(
      "create", "Create a record from FIELD=VALUE arguments; prints its new id and version");
  create->add_option("entity", create_entity, "the entity to create, e.g. account")
      ->required()
      ->type_name("ENTITY");
  create
      ->add_option("fields", create_fields,
                   "the fields to set, e.g. name=\"Müller GmbH\" kind=organization (mcrm-admin "
                   "schema ENTITY says which are required)")
      ->required()
      ->type_name("FIELD=VALUE...")
      ->check(Assignment());
  create->callback([&] {
    run = [&](const Session& s) {
      return mcrm::admin::RunCreate(s, json, create_entity, create_fields);
    };
  });

  // ---- update ---------------------------------------------------------------------------------
  std::string update_entity, update_id;
  int64_t update_base = 0;
  std::vector<std::string> update_fields;
  CLI::App* update = app.add_subcommand(
      "update",
      "Change some fields of a record. Fields others changed since the version you read are kept; "
      "a field you both changed is a conflict, decided by time and logged (see conflicts)");
  update->add_option("entity", update_entity, "the record's entity, e.g. account")
      ->required()
      ->type_name("ENTITY");
  update->add_option("id", update_id, "the record's id")->required()->type_name("ID");
  update
      ->add_option("--base-version", update_base,
                   "the version you read the record at (get shows it)")
      ->required()
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  update
      ->add_option("fields", update_fields,
                   "the fields to change; FIELD= with nothing clears a field")
      ->required()
      ->type_name("FIELD=VALUE...")
      ->check(Assignment());
  update->callback([&] {
    run = [&](const Session& s) {
      return mcrm::admin::RunUpdate(s, json, update_entity, update_id, update_base, update_fields);
    };
  });

  // ---- delete ---------------------------------------------------------------------------------
  std::string delete_entity, delete_id;
  int64_t delete_base = 0;
  CLI::App* delete_command = app.add_subcommand(
      "delete", "Delete a record; the reps' devices remove it at their next sync");
  delete_command->add_option("entity", delete_entity, "the record's entity, e.g. account")
      ->required()
      ->type_name("ENTITY");
  delete_command->add_option("id", delete_id, "the record's id")->required()->type_name("ID");
  delete_command
      ->add_option("--base-version", delete_base,
                   "the version you read the record at (get shows it)")
      ->required()
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  delete_command->callback([&] {
    run = [&](const Session& s) {
      return mcrm::admin::RunDelete(s, json, delete_entity, delete_id, delete_base);
    };
  });

  // ---- find -----------------------------------------------------------------------------------
  mcrm::admin::FindArgs find_args;
  CLI::App* find = app.add_subcommand(
      "find",
      "List the records of an entity that match every condition given, and/or a search; a page "
      "at a time (--limit), or all of them (--all)");
  find->add_option("entity", find_args.entity, "the entity to list, e.g. account")
      ->required()
      ->type_name("ENTITY");
  // Each condition option takes one FIELD=VALUE and may be repeated.
  const auto condition = [&](const char* name, std::vector<std::string>& into, const char* help) {
    find->add_option(name, into, help)
        ->type_name("FIELD=VALUE")
        ->allow_extra_args(false)
        ->check(Assignment());
  };
  condition("--where", find_args.where,
            "the field equals the value (FIELD= with nothing: the field is not set)");
  condition("--at-least", find_args.at_least, "the field is at least the value");
  condition("--at-most", find_args.at_most, "the field is at most the value");
  condition("--contains", find_args.contains, "the list field holds the value, e.g. tags=vip");
  find->add_option("--search", find_args.search,
                   "words anywhere in the searchable fields: by their beginning (mül finds "
                   "Müller), Chinese by two neighbouring characters, phone numbers by their last "
                   "digits")
      ->type_name("TEXT");
  find->add_option("--order-by", find_args.order_by,
                   "order by this field (one marked indexed in mcrm-admin schema ENTITY); "
                   "default: by id, which is by creation")
      ->type_name("FIELD");
  find->add_flag("--desc", find_args.descending, "order from the largest down");
  find->add_option("--limit", find_args.limit, "records per page, 1 to 1000 (default 50)")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  find->add_flag("--all", find_args.all, "follow every page to the last one");
  find->add_option("--page-token", find_args.page_token,
                   "continue after the page that printed this token")
      ->type_name("TOKEN");
  find->add_option("--columns", find_args.columns,
                   "the table's columns, e.g. id,name,owner_id,version (field names, id, version)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("FIELD,...");
  find->callback(
      [&] { run = [&](const Session& s) { return mcrm::admin::RunFind(s, json, find_args); }; });

  // ---- reassign -------------------------------------------------------------------------------
  std::string reassign_owner, reassign_territory;
  std::vector<std::string> reassign_accounts;
  CLI::App* reassign = app.add_subcommand(
      "reassign",
      "Give accounts to another rep and/or territory (up to 1000 at once); their contacts, "
      "sites, orders and the rest follow them to the new rep's devices");
  reassign->add_option("--owner", reassign_owner, "the new owner: a user's id")
      ->type_name("USER_ID");
  reassign->add_option("--territory", reassign_territory, "the new territory: a territory's id")
      ->type_name("TERRITORY_ID");
  reassign->add_option("accounts", reassign_accounts, "the accounts to move")
      ->required()
      ->type_name("ACCOUNT_ID...");
  reassign->callback([&] {
    if (reassign_owner.empty() && reassign_territory.empty()) {
      throw CLI::ValidationError("reassign",
                                 "give --owner USER_ID, --territory TERRITORY_ID, or both");
    }
    run = [&](const Session& s) {
      return mcrm::admin::RunReassign(s, json, reassign_owner, reassign_territory,
                                      reassign_accounts);
    };
  });

  // ---- set-password ---------------------------------------------------------------------------
  std::string password_user;
  CLI::App* set_password = app.add_subcommand(
      "set-password",
      "Set the password a user signs in with (admins only). The password is read from standard "
      "input: typed twice when asked, or the first line of a pipe; never from the command line");
  set_password->add_option("user", password_user, "the user's id (their user record)")
      ->required()
      ->type_name("USER_ID");
  set_password->callback([&] {
    run = [&](const Session& s) { return mcrm::admin::RunSetPassword(s, json, password_user); };
  });

  // ---- conflicts ------------------------------------------------------------------------------
  std::string conflicts_record, conflicts_user;
  uint32_t conflicts_limit = 0;
  CLI::App* conflicts = app.add_subcommand(
      "conflicts",
      "Show the conflict log of a record or of a user's changes, newest first: where two people "
      "changed the same field and one value won");
  CLI::Option* record_option =
      conflicts->add_option("--record", conflicts_record, "the record's id")->type_name("ID");
  CLI::Option* user_option =
      conflicts->add_option("--user", conflicts_user, "the id of the user whose changes met them")
          ->type_name("USER_ID");
  record_option->excludes(user_option);
  conflicts->add_option("--limit", conflicts_limit, "at most this many entries (default 100)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  conflicts->callback([&] {
    if (conflicts_record.empty() && conflicts_user.empty()) {
      throw CLI::ValidationError("conflicts", "give --record ID or --user USER_ID");
    }
    run = [&](const Session& s) {
      return mcrm::admin::RunConflicts(s, json, conflicts_record, conflicts_user, conflicts_limit);
    };
  });

  // ---- undo -----------------------------------------------------------------------------------
  int64_t undo_seq = 0;
  CLI::App* undo = app.add_subcommand(
      "undo",
      "Undo one entry of the conflict log: the value that lost is written again, as a new change "
      "that the devices receive");
  undo->add_option("seq", undo_seq, "the entry's number (the seq column of conflicts)")
      ->required()
      ->check(CLI::PositiveNumber)
      ->type_name("SEQ");
  undo->callback(
      [&] { run = [&](const Session& s) { return mcrm::admin::RunUndo(s, json, undo_seq); }; });

  // ---- devices --------------------------------------------------------------------------------
  std::string devices_user;
  CLI::App* devices = app.add_subcommand(
      "devices",
      "List the devices that signed in: whose they are, when each last synced, how many changes it "
      "held that the server had not yet accepted, and whether it was revoked");
  devices->add_option("--user", devices_user, "only this user's devices (default: every device)")
      ->type_name("USER_ID");
  devices->callback([&] {
    run = [&](const Session& s) { return mcrm::admin::RunDevices(s, json, devices_user); };
  });

  // ---- revoke-device --------------------------------------------------------------------------
  std::string revoke_device;
  CLI::App* revoke = app.add_subcommand(
      "revoke-device",
      "Revoke a lost or stolen device (admins only): its sessions end, and it wipes its local "
      "data at its next call");
  revoke->add_option("device", revoke_device, "the device's id, as it signed in with")
      ->required()
      ->type_name("DEVICE_ID");
  revoke->callback([&] {
    run = [&](const Session& s) { return mcrm::admin::RunRevokeDevice(s, json, revoke_device); };
  });

  // ---- import ---------------------------------------------------------------------------------
  mcrm::admin::ImportArgs import_args;
  CLI::App* import_command = app.add_subcommand(
      "import",
      "Create and update records from a CSV file with a column per field: every row is checked, "
      "each bad one is reported by its line and column and left out, and the others are written. "
      "Importing the same file again changes nothing; an edited file updates the rows that "
      "changed");
  import_command
      ->add_option("entity", import_args.entity,
                   "the entity of the rows: account, contact, site, product or order")
      ->required()
      ->type_name("ENTITY");
  import_command
      ->add_option("file", import_args.file,
                   "the CSV file, as a spreadsheet program saves it: UTF-8 (with or without a "
                   "byte-order mark) or GB18030; of any size (a large file is sent in parts)")
      ->required()
      ->type_name("FILE");
  import_command
      ->add_option("--encoding", import_args.encoding,
                   "the file's encoding when its accents or Chinese come out wrong: UTF-8, GB18030 "
                   "or Windows-1252 (default: told by the file's bytes)")
      ->check(CLI::IsMember({"UTF-8", "GB18030", "Windows-1252"}, CLI::ignore_case))
      ->type_name("ENCODING");
  import_command->add_flag("--dry-run", import_args.dry_run,
                           "check every row and count what would be created, updated and "
                           "refused, but change nothing");
  import_command->footer(
      "The file:\n"
      "  line 1 names the columns: the entity's fields (mcrm-admin schema ENTITY), and a column\n"
      "  key with each row's stable key from the system the file comes from (the same key always\n"
      "  names the same record), or a column id with record ids, as export writes them.\n"
      "  account_key (contact_key) instead of account_id (contact_id) names the account by the\n"
      "  key its own import gave it: import the accounts first, then their contacts. In an\n"
      "  order's lines, product_key instead of product_id does the same for products.\n"
      "  Cells: text, enum values, dates (2024-05-01) and ids as they are; numbers in decimal;\n"
      "  true/false; times in ISO 8601 UTC (2026-11-02T09:00:00Z); lists separated by\n"
      "  semicolons (vip;north); phones, addresses and other structs as JSON. An empty cell\n"
      "  leaves the field unset.\n"
      "  Columns the server computes (as export writes them) are ignored.\n"
      "Prints each problem as: line N, column C: reason; then the counts.\n"
      "Exit status 1 when a row was refused, so that a script notices; the others are written.\n"
      "Example: mcrm-admin import account accounts.csv --dry-run");
  import_command->callback([&] {
    prepare = [&] { return mcrm::admin::ReadImportFile(import_args); };
    run = [&](const Session& s) { return mcrm::admin::RunImport(s, json, import_args); };
  });

  // ---- export ---------------------------------------------------------------------------------
  std::string export_entity, export_output;
  CLI::App* export_command = app.add_subcommand(
      "export",
      "Write every record of an entity as CSV (UTF-8 with a byte-order mark, which spreadsheet "
      "programs open), a column per field: a file that import reads back unchanged");
  export_command->add_option("entity", export_entity, "the entity to export, e.g. account")
      ->required()
      ->type_name("ENTITY");
  export_command
      ->add_option("--output,-o", export_output,
                   "write to this file (mode 0644; it replaces an earlier one once the export is "
                   "complete) instead of standard output")
      ->type_name("FILE");
  export_command->callback([&] {
    run = [&](const Session& s) {
      return mcrm::admin::RunExport(s, json, export_entity, export_output);
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A word that is no command leaves CLI11 to say that a command is required: name it.
    const std::vector<std::string> rest = app.remaining();
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !rest.empty() &&
        !absl::StartsWith(rest[0], "-")) {
      std::fprintf(stderr, "mcrm-admin: %s is not a command; mcrm-admin --help lists them\n",
                   mcrm::Quoted(rest[0]).c_str());
      return 2;
    }
    // --help is a ParseError with status 0; every other one is a usage error: status 2, not
    // CLI11's own numbers (100 and up), which a script could not tell from anything else.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!run) return 2;  // require_subcommand(1) makes this unreachable

  auto endpoint = mcrm::ParseEndpoint(server, /*allow_any_port=*/false);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "mcrm-admin: --server (or MCRM_SERVER): %s\n",
                 std::string(endpoint.status().message()).c_str());
    return 2;
  }
  if (prepare) {
    if (int refused = prepare(); refused != 0) return refused;
  }
  auto credentials = mcrm::admin::ReadCredentials(credentials_file);
  if (!credentials.ok()) return mcrm::admin::Fail(credentials.status().message());

  const auto timeout =
      std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(timeout_seconds * 1000)));
  Session session(endpoint->ToString(), timeout, mcrm::admin::DeviceId());
  if (grpc::Status status = session.SignIn(*credentials); !status.ok()) {
    return session.Refused(status);
  }
  return run(session);
}
