#include "demo_data.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "auth.h"
#include "mcrm/line_items.h"
#include "mcrm/pipeline.h"
#include "mcrm/service_task_state.h"
#include "mcrm/status_macros.h"
#include "mcrm/uuid.h"

namespace mcrm::server {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

const char* const kCompanyWords[] = {"Alpen", "Nord", "Sonnen", "Berg",   "Fluss", "Wald", "Stern",
                                     "Grün",  "Blau", "Eichen", "Linden", "Hafen", "Tal",  "Feld"};
const char* const kCompanySuffixes[] = {"GmbH", "AG", "KG", "eG", "GmbH & Co. KG", "Ltd", "SARL"};
const char* const kIndustries[] = {"Agriculture", "Food",       "Construction", "Retail",
                                   "Hospitality", "Healthcare", "Logistics",    "Manufacturing"};
const char* const kFirstNames[] = {"Anna",   "Ben",  "Clara",  "David",  "Elif", "Felix", "Greta",
                                   "Hannes", "Ines", "Jonas",  "Katrin", "Luca", "Mia",   "Noah",
                                   "Olga",   "Paul", "Quirin", "Rosa",   "Sven", "Tara"};
const char* const kLastNames[] = {"Schmidt",  "Müller", "Weber",   "Fischer", "Wagner", "Becker",
                                  "Hoffmann", "Koch",   "Richter", "Klein",   "Wolf",   "Yılmaz",
                                  "Nowak",    "Rossi",  "Dubois",  "Jansen"};
const char* const kCities[] = {"Berlin",  "Hamburg",  "München",  "Köln",   "Leipzig",
                               "Dresden", "Hannover", "Nürnberg", "Bremen", "Rostock"};
const char* const kCategories[] = {"Irrigation", "Pumps", "Filters", "Sensors", "Service kits"};
const char* const kSkills[] = {"pumps", "irrigation", "electrics", "sensors", "welding"};
const char* const kTerritoryNames[] = {"North", "South", "East", "West"};

// Everything drawn from one seeded engine, so the same seed gives the same data.
class Draw {
 public:
  explicit Draw(uint64_t seed) : engine_(seed) {}
  uint64_t Bits() { return engine_(); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  double Real(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  bool Chance(double p) { return Real(0, 1) < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(N) - 1))];
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

class Builder {
 public:
  explicit Builder(const DemoOptions& options) : options_(options), draw_(options.seed) {}

  std::string NewId(int64_t at_ms) {
    return MakeUuidV7(at_ms, draw_.Bits(), draw_.Bits()).ToString();
  }

  // Creates a record through the merge, which validates it.
  absl::StatusOr<std::string> Add(EntityType entity, FieldMap fields, int64_t born_ms,
                                  std::string id = "") {
    ChangeSet create;
    create.entity = entity;
    create.record_id = id.empty() ? NewId(born_ms) : std::move(id);
    create.mutation_id = create.record_id;
    // Stamped no later than the data set's "now": a record born after it (a visit planned for
    // next week) was still made before it, and the write path refuses a clock from the future.
    create.hlc = HlcTimestamp{std::min(born_ms, options_.now_ms), 0, "demo"};
    create.changed = std::move(fields);
    MergeOutcome out = MergeChange(nullptr, create, 1);
    if (out.result == MergeResult::kRejected) {
      return absl::InternalError(absl::StrCat("demo data: ", out.status.message()));
    }
    data_.records.push_back(std::move(out.state));
    return create.record_id;
  }

  static FieldMap Fields(EntityType entity,
                         std::initializer_list<std::pair<const char*, Value>> values) {
    FieldMap out;
    for (const auto& [name, value] : values) {
      if (!value.is_null()) out[Spec(entity).FieldByName(name)->number] = value;
    }
    return out;
  }

  absl::StatusOr<DemoData> Build();

 private:
  int64_t Before(int64_t max_days) {
    return options_.now_ms - draw_.Int(1, static_cast<int>(max_days)) * kDay;
  }
  Value Phone() {
    return Value::StructOf(
        {{"kind", Value::String(draw_.Chance(0.7) ? "work" : "mobile")},
         {"number", Value::String(absl::StrFormat("+49 %d %07d", draw_.Int(30, 899),
                                                  draw_.Int(0, 9999999)))}});
  }
  Value Address(const std::string& city) {
    return Value::StructOf(
        {{"kind", Value::String("visit")},
         {"street", Value::String(absl::StrFormat("Hauptstr. %d", draw_.Int(1, 200)))},
         {"city", Value::String(city)},
         {"postal_code", Value::String(absl::StrFormat("%05d", draw_.Int(10000, 99999)))},
         {"country", Value::String("DE")},
         {"latitude", Value::Double(draw_.Real(47.3, 54.9))},
         {"longitude", Value::Double(draw_.Real(5.9, 15.0))}});
  }
  Value Lines(int count) {
    Value::List lines;
    for (int i = 0; i < count; ++i) {
      const auto& product = draw_.Pick(products_);
      lines.push_back(Value::StructOf({{"product_id", Value::String(product.first)},
                                       {"quantity", Value::Double(draw_.Int(1, 20))},
                                       {"unit_price_minor", Value::Int(product.second)},
                                       {"discount_percent", Value::Double(draw_.Int(0, 3) * 5)}}));
    }
    return Value::ListOf(std::move(lines));
  }
  absl::Status AddAccount(int rank);

  const DemoOptions& options_;
  Draw draw_;
  DemoData data_;
  std::vector<std::string> territories_;
  std::vector<std::pair<std::string, std::vector<std::string>>> reps_;  // id, territories
  std::vector<std::pair<std::string, int64_t>> products_;               // id, price
  std::vector<std::string> campaigns_;
};

absl::Status Builder::AddAccount(int rank) {
  using E = EntityType;
  const int64_t born = Before(3 * 365);
  const auto& rep = reps_[static_cast<size_t>(draw_.Int(0, static_cast<int>(reps_.size()) - 1))];
  const std::string territory = draw_.Pick(rep.second);
  const std::string city = draw_.Pick(kCities);
  const bool person = draw_.Chance(0.15);
  const std::string name = person
                               ? absl::StrCat(draw_.Pick(kFirstNames), " ", draw_.Pick(kLastNames))
                               : absl::StrCat(draw_.Pick(kCompanyWords), draw_.Pick(kCompanyWords),
                                              " ", draw_.Pick(kCompanySuffixes));
  ASSIGN_OR_RETURN(
      std::string account,
      Add(E::kAccount,
          Fields(E::kAccount,
                 {{"name", Value::String(name)},
                  {"kind", Value::String(person ? "person" : "organization")},
                  {"industry", person ? Value() : Value::String(draw_.Pick(kIndustries))},
                  {"phones", Value::ListOf({Phone()})},
                  {"emails", Value::Strings({absl::StrFormat("info%d@example.com", rank)})},
                  {"addresses", Value::ListOf({Address(city)})},
                  {"owner_id", Value::String(rep.first)},
                  {"territory_id", Value::String(territory)},
                  {"tags", rank < 10 ? Value::Strings({"key-account"}) : Value()}}),
          born));

  // Zipf-like weight: the first accounts order far more (the 80/20 of real customer bases).
  const double weight = 1.0 / std::pow(rank + 1, 0.9);
  const int orders =
      std::clamp(static_cast<int>(std::round(40 * weight)), rank % 3 == 0 ? 1 : 0, 40);
  std::vector<std::string> contacts;
  for (int i = 0, n = draw_.Int(1, 3); i < n; ++i) {
    ASSIGN_OR_RETURN(
        std::string contact,
        Add(E::kContact,
            Fields(
                E::kContact,
                {{"account_id", Value::String(account)},
                 {"first_name", Value::String(draw_.Pick(kFirstNames))},
                 {"last_name", Value::String(draw_.Pick(kLastNames))},
                 {"role", Value::String(draw_.Chance(0.4) ? "decision_maker" : "user")},
                 {"phones", Value::ListOf({Phone()})},
                 {"emails", Value::Strings({absl::StrFormat("contact%d.%d@example.com", rank, i)})},
                 {"preferred_channel", Value::String(draw_.Chance(0.5) ? "phone" : "messaging")}}),
            born + kDay));
    contacts.push_back(contact);
  }
  std::string site;
  if (!person && draw_.Chance(0.6)) {
    ASSIGN_OR_RETURN(site,
                     Add(E::kSite,
                         Fields(E::kSite, {{"account_id", Value::String(account)},
                                           {"name", Value::String(absl::StrCat(city, " site"))},
                                           {"address", Address(city)},
                                           {"access_notes", Value::String("Report at the gate.")}}),
                         born + kDay));
  }
  for (int i = 0; i < orders; ++i) {
    const Value lines = Lines(draw_.Int(1, 4));
    RETURN_IF_ERROR(Add(E::kOrder,
                        Fields(E::kOrder, {{"account_id", Value::String(account)},
                                           {"order_number",
                                            Value::String(absl::StrFormat("SO-%d-%d", rank, i))},
                                           {"ordered_at", Value::Int(Before(720))},
                                           {"status", Value::String("delivered")},
                                           {"currency", Value::String("EUR")},
                                           {"lines", lines},
                                           {"total_minor", Value::Int(LineItemsTotalMinor(lines))},
                                           {"rep_id", Value::String(rep.first)}}),
                        born + 2 * kDay)
                        .status());
  }
  for (int i = 0, n = draw_.Int(0, 4); i < n; ++i) {
    const int64_t start = Before(180);
    RETURN_IF_ERROR(
        Add(E::kInteraction,
            Fields(E::kInteraction, {{"account_id", Value::String(account)},
                                     {"contact_id", Value::String(draw_.Pick(contacts))},
                                     {"channel", Value::String(draw_.Pick(std::vector<std::string>{
                                                     "visit", "phone", "email", "messaging"}))},
                                     {"direction", Value::String("outbound")},
                                     {"subject", Value::String("Follow-up")},
                                     {"actual_start", Value::Int(start)},
                                     {"actual_end", Value::Int(start + 30 * 60000)},
                                     {"outcome", Value::String("completed")},
                                     {"satisfaction", Value::Int(draw_.Int(2, 5))},
                                     {"rep_id", Value::String(rep.first)}}),
            born + 3 * kDay)
            .status());
  }
  if (draw_.Chance(0.4)) {
    const std::string stage = draw_.Pick(OpportunityStageNames());
    const Value lines = Lines(draw_.Int(1, 3));
    RETURN_IF_ERROR(
        Add(E::kOpportunity,
            Fields(E::kOpportunity,
                   {{"account_id", Value::String(account)},
                    {"name", Value::String(absl::StrCat(draw_.Pick(kCategories), " upgrade"))},
                    {"stage", Value::String(stage)},
                    {"probability_percent", Value::Int(*DefaultWinProbability(stage))},
                    {"amount_minor", Value::Int(LineItemsTotalMinor(lines))},
                    {"currency", Value::String("EUR")},
                    {"expected_close", Value::String("2027-01-31")},
                    {"lost_reason", stage == "closed_lost" ? Value::String("Price") : Value()},
                    {"lines", lines},
                    {"owner_id", Value::String(rep.first)}}),
            born + 4 * kDay)
            .status());
  }
  std::string case_id;
  if (draw_.Chance(0.2)) {
    const int64_t opened = Before(60);
    ASSIGN_OR_RETURN(
        case_id,
        Add(E::kCase,
            Fields(E::kCase,
                   {{"account_id", Value::String(account)},
                    {"subject", Value::String("Pump pressure drops")},
                    {"type", Value::String(draw_.Chance(0.5) ? "complaint" : "service_request")},
                    {"priority", Value::String(draw_.Pick(
                                     std::vector<std::string>{"normal", "high", "urgent"}))},
                    {"channel", Value::String("phone")},
                    {"status", Value::String("open")},
                    {"opened_at", Value::Int(opened)},
                    {"sla_response_due", Value::Int(opened + kDay / 6)},
                    {"sla_resolution_due", Value::Int(opened + 2 * kDay)}}),
            born + 5 * kDay));
  }
  if (!case_id.empty() || draw_.Chance(0.1)) {
    const int64_t window = options_.now_ms + draw_.Int(0, 10) * kDay;
    RETURN_IF_ERROR(
        Add(E::kServiceTask,
            Fields(E::kServiceTask,
                   {{"account_id", Value::String(account)},
                    {"site_id", site.empty() ? Value() : Value::String(site)},
                    {"case_id", case_id.empty() ? Value() : Value::String(case_id)},
                    {"title", Value::String("Inspect and service pump")},
                    {"type", Value::String(case_id.empty() ? "maintenance" : "repair")},
                    {"priority", Value::String("normal")},
                    {"required_skills", Value::Strings({draw_.Pick(kSkills)})},
                    {"window_start", Value::Int(window)},
                    {"window_end", Value::Int(window + 4 * 3600000)},
                    {"assignee_id", Value::String(rep.first)},
                    {"status", Value::String("assigned")},
                    {"checklist",
                     Value::ListOf({Value::StructOf({{"key", Value::String("power_off")},
                                                     {"prompt", Value::String("Power isolated?")},
                                                     {"kind", Value::String("yes_no")},
                                                     {"required", Value::Bool(true)}}),
                                    Value::StructOf(
                                        {{"key", Value::String("pressure")},
                                         {"prompt", Value::String("Pressure after service (bar)")},
                                         {"kind", Value::String("number")},
                                         {"required", Value::Bool(true)}}),
                                    Value::StructOf({{"key", Value::String("photo")},
                                                     {"prompt", Value::String("Photo of the unit")},
                                                     {"kind", Value::String("photo")}})})}}),
            born + 6 * kDay)
            .status());
  }
  if (rank < 20 && !campaigns_.empty()) {
    RETURN_IF_ERROR(Add(E::kCampaignTarget,
                        Fields(E::kCampaignTarget, {{"campaign_id", Value::String(campaigns_[0])},
                                                    {"account_id", Value::String(account)},
                                                    {"rep_id", Value::String(rep.first)},
                                                    {"response", Value::String("pending")}}),
                        born + 7 * kDay)
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<DemoData> Builder::Build() {
  using E = EntityType;
  const int64_t t0 = options_.now_ms - 4 * 365 * kDay;
  ASSIGN_OR_RETURN(std::string country,
                   Add(E::kTerritory,
                       Fields(E::kTerritory,
                              {{"name", Value::String("Germany")}, {"code", Value::String("DE")}}),
                       t0));
  for (const char* name : kTerritoryNames) {
    ASSIGN_OR_RETURN(
        std::string territory,
        Add(E::kTerritory,
            Fields(E::kTerritory,
                   {{"name", Value::String(name)},
                    {"code", Value::String(absl::StrCat("DE-", std::string(name).substr(0, 1)))},
                    {"parent_id", Value::String(country)}}),
            t0));
    territories_.push_back(territory);
  }
  auto user = [&](const std::string& login, const std::string& display, const std::string& role,
                  std::vector<std::string> territories) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(
        std::string id,
        Add(E::kUser,
            Fields(E::kUser, {{"login", Value::String(login)},
                              {"display_name", Value::String(display)},
                              {"role", Value::String(role)},
                              {"skills", Value::Strings({draw_.Pick(kSkills)})},
                              {"territory_ids", Value::Strings(territories)},
                              {"capacity_per_day", Value::Int(6)},
                              {"email", Value::String(absl::StrCat(login, "@m-crm.example"))},
                              {"active", Value::Bool(true)}}),
            t0));
    data_.logins.push_back(DemoLogin{login, "demo", role, id});
    return id;
  };
  RETURN_IF_ERROR(user("admin", "Ada Admin", "admin", {}).status());
  RETURN_IF_ERROR(user("dispatch", "Dora Dispatch", "dispatcher", {}).status());
  for (int i = 0; i < 6; ++i) {
    std::vector<std::string> covered = {territories_[static_cast<size_t>(i % 4)]};
    if (i >= 4) covered.push_back(territories_[static_cast<size_t>((i + 1) % 4)]);
    ASSIGN_OR_RETURN(std::string id,
                     user(absl::StrCat("rep", i + 1), absl::StrCat(draw_.Pick(kFirstNames), " Rep"),
                          "rep", covered));
    reps_.emplace_back(id, covered);
  }
  for (int i = 0; i < 40; ++i) {
    const int64_t price = draw_.Int(5, 2000) * 100 - 1;
    ASSIGN_OR_RETURN(
        std::string product,
        Add(E::kProduct,
            Fields(E::kProduct,
                   {{"sku", Value::String(absl::StrFormat("SKU-%04d", i))},
                    {"name", Value::String(absl::StrCat(draw_.Pick(kCategories), " model ", i))},
                    {"category", Value::String(draw_.Pick(kCategories))},
                    {"price_minor", Value::Int(price)},
                    {"currency", Value::String("EUR")},
                    {"active", Value::Bool(true)}}),
            t0));
    products_.emplace_back(product, price);
  }
  ASSIGN_OR_RETURN(
      std::string campaign,
      Add(E::kCampaign,
          Fields(E::kCampaign, {{"name", Value::String("Winter service check")},
                                {"segment_rule", Value::String("value_tier = a")},
                                {"period_start", Value::String("2026-12-01")},
                                {"period_end", Value::String("2027-02-28")},
                                {"offer", Value::String("Free pressure test with every service")},
                                {"status", Value::String("active")},
                                {"channel", Value::String("visit")}}),
          t0));
  campaigns_.push_back(campaign);
  for (int rank = 0; rank < options_.accounts; ++rank) RETURN_IF_ERROR(AddAccount(rank));
  return std::move(data_);
}

}  // namespace

absl::StatusOr<DemoData> GenerateDemoData(const DemoOptions& options) {
  if (options.accounts < 0 || options.accounts > 10'000'000) {
    return absl::InvalidArgumentError("demo accounts: must be between 0 and 10,000,000");
  }
  Builder builder(options);
  return builder.Build();
}

absl::StatusOr<std::vector<DemoLogin>> SeedDemoData(WritePath& writes, Store& store,
                                                    const DemoOptions& options) {
  ASSIGN_OR_RETURN(PullPage existing, store.Pull(ScopeFilter{.everything = true}, "", 1));
  if (!existing.encoded_records.empty()) return std::vector<DemoLogin>{};
  ASSIGN_OR_RETURN(DemoData data, GenerateDemoData(options));
  // Stored as a job of the server's own, through the write path like every other change.
  const Author author = Author::ServerJob("demo-data");
  constexpr size_t kBatch = 2000;
  for (size_t begin = 0; begin < data.records.size(); begin += kBatch) {
    const size_t n = std::min(kBatch, data.records.size() - begin);
    std::vector<ChangeSet> creates;
    creates.reserve(n);
    for (size_t i = begin; i < begin + n; ++i) {
      const Record& record = data.records[i].record;
      ChangeSet create;
      create.mutation_id = record.id;
      create.entity = record.entity;
      create.record_id = record.id;
      create.hlc = record.meta.hlc;
      create.changed = record.fields;
      creates.push_back(std::move(create));
    }
    ASSIGN_OR_RETURN(std::vector<WriteResult> results, writes.Write(author, std::move(creates)));
    for (const WriteResult& result : results) {
      if (result.result == MergeResult::kRejected) {
        return absl::InternalError(absl::StrCat("demo data: ", result.status.message()));
      }
    }
  }
  for (const DemoLogin& login : data.logins) {
    ASSIGN_OR_RETURN(std::string hash, HashPassword(login.password));
    RETURN_IF_ERROR(store.PutCredentials(Credentials{login.user_id, login.login, hash}));
  }
  return data.logins;
}

}  // namespace mcrm::server
