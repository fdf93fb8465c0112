// mcrm-app-bench: the Qt Quick app over a replica of a large scope, offscreen, signed in and
// offline; prints one JSON object (`mcrm-bench app` runs it). See README.md, "Benchmarks".
//
//   mcrm-app-bench [--accounts N]   (default 100000; ten records per account in all)
//
// The replica is built once, deterministically, into /tmp/mcrm-app-bench-N.sqlite3 (in a child
// process, so that building it leaves nothing in this one's memory) and reused while it is
// complete. Each run copies it into a fresh data directory and starts the app's own objects on
// it (repository, session, Main.qml) as mcrm-app does, then measures:
//  - start_first_frame_ms: from making the app's objects to the first frame swapped after the
//    customer list (customerList) holds rows;
//  - filter_first_screen_ms: customers filtered by value tier and sorted by name, until the
//    first page of rows is in the app's list model (the p95 of the runs);
//  - search_p95_ms, search_cjk_p95_ms: search as you type, Latin and Chinese queries, a
//    keystroke at a time, until its rows are in the list model;
//  - rss_mb: the process's resident memory after all that, the app's window still up.
// Figures are reported beside their goals; nothing here passes or fails on them.
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QEventLoop>
#include <QGuiApplication>
#include <QPointer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "app/record_list_model.h"
#include "app/record_repository.h"
#include "app/schema_info.h"
#include "app/session_manager.h"
#include "app_setup.h"
#include "mcrm/hlc.h"
#include "mcrm/line_items.h"
#include "mcrm/record.h"
#include "mcrm/uuid.h"
#include "mcrm/validation.h"
#include "pulled_page.h"
#include "replica.h"
#include "sample_records.h"
#include "wire_codec.h"

namespace mcrm::bench {
namespace {

using Clock = std::chrono::steady_clock;
using mobile::RecordListModel;
using mobile::RecordRepository;

// The goals of the issue, printed beside each figure.
constexpr int kSearchGoalMs = 50;
constexpr int kFilterGoalMs = 50;
constexpr int kStartGoalMs = 1000;
constexpr int kRssGoalMb = 250;

constexpr int kDefaultAccounts = 100000;
// The account, 2 contacts, 5 interactions and 2 orders.
constexpr int kRecordsPerAccount = 10;
constexpr size_t kPageRecords = 2000;
// Runs of the filter (tiers a, b, c in turn).
constexpr int kFilterRuns = 60;
// 2026-01-01 00:00 UTC: ids and timestamps of the generated records count from here.
constexpr int64_t kBaseMs = 1767225600000;
constexpr int64_t kDayMs = 24 * 3600 * 1000;
// Nothing listens there: the app is offline, as on a train.
constexpr char kOfflineAddress[] = "127.0.0.1:9";
// Changed whenever the generated data changes, so that an older cached replica is built anew.
constexpr char kDataVersion[] = "v1";

std::filesystem::path g_run_dir;  // removed on every way out

void RemoveRunDir() {
  if (g_run_dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(g_run_dir, ignored);
}

// Ends the process at once: the app's threads may still run, so no destructors.
[[noreturn]] void Die(absl::string_view what) {
  std::fprintf(stderr, "mcrm-app-bench: %s\n", std::string(what).c_str());
  std::fflush(nullptr);
  RemoveRunDir();
  std::_Exit(1);
}

double MsSince(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// The middle value (the upper of the two middle ones for an even count).
double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Percentile95(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * 95 / 100)];
}

// The bench user: the same id in the process that builds the replica and in the one that signs
// in with it.
std::string BenchUserId() { return MakeUuidV7(kBaseMs, 0, 1).ToString(); }

// What the last page of a complete replica stores as its cursor.
std::string CompleteMarker(int accounts) {
  return absl::StrCat("mcrm-app-bench:", kDataVersion, ":", accounts, ":complete");
}

int64_t ExpectedRecords(int accounts) {
  return int64_t{accounts} * kRecordsPerAccount + 1;  // and the bench user
}

// ---- the replica ------------------------------------------------------------------------------

struct Word {
  const char* text;
  const char* ascii;  // for email addresses
};
struct Trade {
  const char* text;
  const char* ascii;
  const char* industry;
};
struct Place {
  const char* name;  // as in a company name (Chinese) or the city (German)
  const char* city;
  const char* area_code;
  const char* postal_code;
};

constexpr Word kSurnames[] = {
    {"Müller", "mueller"},    {"Schmidt", "schmidt"},       {"Schneider", "schneider"},
    {"Fischer", "fischer"},   {"Weber", "weber"},           {"Meyer", "meyer"},
    {"Wagner", "wagner"},     {"Becker", "becker"},         {"Schulz", "schulz"},
    {"Hoffmann", "hoffmann"}, {"Schäfer", "schaefer"},      {"Koch", "koch"},
    {"Bauer", "bauer"},       {"Richter", "richter"},       {"Klein", "klein"},
    {"Wolf", "wolf"},         {"Schröder", "schroeder"},    {"Neumann", "neumann"},
    {"Schwarz", "schwarz"},   {"Zimmermann", "zimmermann"}, {"Braun", "braun"},
    {"Krüger", "krueger"},    {"Hofmann", "hofmann"},       {"Hartmann", "hartmann"},
    {"Lange", "lange"},       {"Schmitt", "schmitt"},       {"Werner", "werner"},
    {"Krause", "krause"},     {"Meier", "meier"},           {"Lehmann", "lehmann"},
};
constexpr Trade kTrades[] = {
    {"Kältetechnik", "kaeltetechnik", "Refrigeration"},
    {"Logistik", "logistik", "Logistics"},
    {"Maschinenbau", "maschinenbau", "Machinery"},
    {"Elektrotechnik", "elektrotechnik", "Electrical"},
    {"Bau", "bau", "Construction"},
    {"Haustechnik", "haustechnik", "Building services"},
    {"Metallbau", "metallbau", "Metalwork"},
    {"Landtechnik", "landtechnik", "Agriculture"},
    {"Sanitär", "sanitaer", "Plumbing"},
    {"Holzbau", "holzbau", "Timber"},
    {"Druckerei", "druckerei", "Printing"},
    {"Autohaus", "autohaus", "Automotive"},
    {"Gartenbau", "gartenbau", "Horticulture"},
    {"Medizintechnik", "medizintechnik", "Medical"},
    {"Energie", "energie", "Energy"},
    {"Handel", "handel", "Wholesale"},
};
constexpr const char* kLegalForms[] = {"GmbH", "GmbH", "GmbH", "GmbH & Co. KG",
                                       "AG",   "KG",   "e.K.", "OHG"};
constexpr Place kGermanCities[] = {
    {"Berlin", "Berlin", "30", "10115"},
    {"Hamburg", "Hamburg", "40", "20095"},
    {"München", "München", "89", "80331"},
    {"Köln", "Köln", "221", "50667"},
    {"Frankfurt am Main", "Frankfurt am Main", "69", "60311"},
    {"Stuttgart", "Stuttgart", "711", "70173"},
    {"Düsseldorf", "Düsseldorf", "211", "40213"},
    {"Leipzig", "Leipzig", "341", "04109"},
    {"Dresden", "Dresden", "351", "01067"},
    {"Hannover", "Hannover", "511", "30159"},
    {"Nürnberg", "Nürnberg", "911", "90402"},
    {"Bremen", "Bremen", "421", "28195"},
};
constexpr const char* kGermanStreets[] = {"Hauptstraße", "Bahnhofstraße", "Industriestraße",
                                          "Gartenweg",   "Am Markt",      "Lindenallee"};
constexpr const char* kGermanFirstNames[] = {"Anna",    "Thomas", "Julia",   "Michael", "Sabine",
                                             "Stefan",  "Katrin", "Andreas", "Petra",   "Markus",
                                             "Claudia", "Jürgen", "Monika",  "Frank",   "Birgit",
                                             "Uwe",     "Sandra", "Jörg",    "Nicole",  "Klaus"};
constexpr const char* kGermanTitles[] = {"Geschäftsführer", "Einkauf", "Technischer Leiter",
                                         "Buchhaltung", "Vertrieb"};
constexpr const char* kGermanSubjects[] = {"Quartalsgespräch", "Angebot besprochen",
                                           "Wartungstermin", "Reklamation", "Neue Preisliste"};

constexpr Place kChineseCities[] = {
    {"深圳", "深圳市", "755", "518000"}, {"上海", "上海市", "21", "200000"},
    {"北京", "北京市", "10", "100000"},  {"广州", "广州市", "20", "510000"},
    {"杭州", "杭州市", "571", "310000"}, {"成都", "成都市", "28", "610000"},
    {"武汉", "武汉市", "27", "430000"},  {"南京", "南京市", "25", "210000"},
    {"苏州", "苏州市", "512", "215000"}, {"天津", "天津市", "22", "300000"},
};
constexpr Word kBrands[] = {
    {"华为", "huawei"},     {"腾飞", "tengfei"},   {"金山", "jinshan"}, {"宏达", "hongda"},
    {"长城", "changcheng"}, {"东方", "dongfang"},  {"新华", "xinhua"},  {"恒通", "hengtong"},
    {"中兴", "zhongxing"},  {"美的", "meide"},     {"海尔", "haier"},   {"联想", "lianxiang"},
    {"百合", "baihe"},      {"天宇", "tianyu"},    {"瑞丰", "ruifeng"}, {"鼎盛", "dingsheng"},
    {"华润", "huarun"},     {"光明", "guangming"}, {"万通", "wantong"}, {"永安", "yongan"},
};
constexpr const char* kChineseIndustries[] = {"技术", "科技", "电子", "电气", "贸易", "机械",
                                              "物流", "建材", "食品", "医药", "化工", "纺织"};
constexpr const char* kChineseStreets[] = {"科技园路", "人民路", "中山路", "建设路", "解放路"};
constexpr const char* kChineseSurnames[] = {"王", "李", "张", "刘", "陈",
                                            "杨", "黄", "赵", "吴", "周"};
constexpr const char* kChineseGivenNames[] = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇",
                                              "艳", "杰", "军", "强", "丽", "涛", "明"};
constexpr const char* kChineseTitles[] = {"总经理", "采购经理", "技术总监", "财务", "销售经理"};
constexpr const char* kChineseSubjects[] = {"季度回顾", "报价讨论", "维修预约", "投诉处理",
                                            "新价格表"};

constexpr const char* kStages[] = {"prospect", "lead",    "new_customer", "active",
                                   "active",   "at_risk", "dormant",      "lost"};
constexpr const char* kSegments[] = {"SME", "Enterprise", "Public sector", "Retail", "Wholesale"};
constexpr const char* kContactRoles[] = {"decision_maker", "influencer", "user",
                                         "purchaser",      "technical",  "other"};
constexpr const char* kChannels[] = {"visit", "phone", "email", "messaging", "meeting", "note"};
constexpr const char* kOutcomes[] = {"completed",   "no_answer", "left_message",
                                     "rescheduled", "cancelled", "follow_up_needed"};
constexpr const char* kOrderStatuses[] = {"placed", "shipped", "delivered", "delivered"};

Value S(std::string s) { return Value::String(std::move(s)); }

// Makes the records of the bench user's scope, the same ones on every run (one seed).
class Generator {
 public:
  Generator() : random_(20260101) {}

  // The signed-in rep's own record.
  Record User() {
    Record r = testing::ValidSample(EntityType::kUser);
    r.id = BenchUserId();
    r.Set("login", S("bench.rep"));
    r.Set("display_name", S("Bench Rep"));
    r.Set("email", S("bench.rep@m-crm.example"));
    r.Set("active", Value::Bool(true));
    return r;
  }

  // Account `index` and the records that belong to it (kRecordsPerAccount in all).
  void AppendAccount(int index, std::vector<Record>& out) {
    const bool chinese = index % 2 == 1;
    Record account;
    account.entity = EntityType::kAccount;
    account.id = NextId();
    std::string domain;
    // Some numbers end in 0808, so that typing those digits finds a few at any size.
    const bool ends_0808 = index % 500 == 0;
    if (chinese) {
      const Place& place = Pick(kChineseCities);
      const Word& brand = Pick(kBrands);
      const char* industry = Pick(kChineseIndustries);
      domain = absl::StrCat(brand.ascii, index, ".cn");
      account.Set("name", S(absl::StrCat(place.name, brand.text, industry, "有限公司")));
      account.Set("industry", S(industry));
      std::string phone = absl::StrCat("+86 ", place.area_code, " ", Digits(4), " ");
      absl::StrAppend(&phone, ends_0808 ? "0808" : Digits(4));
      account.Set("phones", Value::ListOf({Phone("work", std::move(phone))}));
      std::string street = Pick(kChineseStreets);
      absl::StrAppend(&street, Number(999), "号");
      account.Set("addresses", Value::ListOf({Address(std::move(street), place, "CN")}));
      account.Set("preferred_language", S("zh-CN"));
    } else {
      const Word& surname = Pick(kSurnames);
      const Trade& trade = Pick(kTrades);
      const Place& place = Pick(kGermanCities);
      std::string name = surname.text;
      if (Chance(30)) absl::StrAppend(&name, " & ", Pick(kSurnames).text);
      absl::StrAppend(&name, " ", trade.text, " ", Pick(kLegalForms));
      domain = absl::StrCat(surname.ascii, "-", trade.ascii, index, ".de");
      account.Set("name", S(std::move(name)));
      account.Set("industry", S(trade.industry));
      std::string phone = absl::StrCat("+49 ", place.area_code, " ", Digits(3));
      absl::StrAppend(&phone, ends_0808 ? "0808" : Digits(4));
      account.Set("phones", Value::ListOf({Phone("work", std::move(phone))}));
      std::string street = Pick(kGermanStreets);
      absl::StrAppend(&street, " ", Number(200));
      account.Set("addresses", Value::ListOf({Address(std::move(street), place, "DE")}));
      account.Set("preferred_language", S("de-DE"));
    }
    account.Set("kind", S("organization"));
    account.Set("emails", Value::Strings({absl::StrCat("info@", domain)}));
    account.Set("owner_id", S(BenchUserId()));
    // Tiers as the 80/20 rule makes them: few top customers.
    const uint64_t tier = random_() % 10;
    account.Set("value_tier", S(tier < 2 ? "a" : tier < 5 ? "b" : "c"));
    account.Set("lifecycle_stage", S(Pick(kStages)));
    account.Set("segment", S(Pick(kSegments)));
    account.Set("health_score", Value::Int(static_cast<int64_t>(random_() % 101)));
    account.Set("rfm_recency", Value::Int(1 + static_cast<int64_t>(random_() % 5)));
    account.Set("rfm_frequency", Value::Int(1 + static_cast<int64_t>(random_() % 5)));
    account.Set("rfm_monetary", Value::Int(1 + static_cast<int64_t>(random_() % 5)));
    const std::string account_id = account.id;
    out.push_back(std::move(account));

    std::string contacts[2];
    for (std::string& contact_id : contacts) {
      Record contact;
      contact.entity = EntityType::kContact;
      contact.id = NextId();
      contact_id = contact.id;
      contact.Set("account_id", S(account_id));
      if (chinese) {
        contact.Set("last_name", S(Pick(kChineseSurnames)));
        std::string given = Pick(kChineseGivenNames);
        if (Chance(50)) given += Pick(kChineseGivenNames);
        contact.Set("first_name", S(std::move(given)));
        contact.Set("job_title", S(Pick(kChineseTitles)));
        std::string phone = absl::StrCat("+86 13", Digits(1), " ");
        absl::StrAppend(&phone, Digits(4), " ");
        absl::StrAppend(&phone, Digits(4));
        contact.Set("phones", Value::ListOf({Phone("mobile", std::move(phone))}));
        contact.Set("emails", Value::Strings({absl::StrCat("c", serial_, "@", domain)}));
        contact.Set("preferred_channel", S("messaging"));
      } else {
        const Word& surname = Pick(kSurnames);
        const std::string first = Pick(kGermanFirstNames);
        contact.Set("last_name", S(surname.text));
        contact.Set("first_name", S(first));
        contact.Set("job_title", S(Pick(kGermanTitles)));
        std::string phone = absl::StrCat("+49 15", Digits(1), " ");
        absl::StrAppend(&phone, Digits(7));
        contact.Set("phones", Value::ListOf({Phone("mobile", std::move(phone))}));
        contact.Set("emails",
                    Value::Strings({absl::StrCat(absl::AsciiStrToLower(first.substr(0, 1)), ".",
                                                 surname.ascii, "@", domain)}));
        contact.Set("preferred_channel", S("phone"));
      }
      contact.Set("role", S(Pick(kContactRoles)));
      out.push_back(std::move(contact));
    }

    for (int i = 0; i < 5; ++i) {
      Record interaction;
      interaction.entity = EntityType::kInteraction;
      interaction.id = NextId();
      interaction.Set("account_id", S(account_id));
      interaction.Set("contact_id", S(contacts[i % 2]));
      interaction.Set("channel", S(Pick(kChannels)));
      interaction.Set("direction", S(Chance(70) ? "outbound" : "inbound"));
      interaction.Set("subject", S(chinese ? Pick(kChineseSubjects) : Pick(kGermanSubjects)));
      const int64_t day = static_cast<int64_t>(random_() % 365);
      const int64_t hour = 8 + static_cast<int64_t>(random_() % 10);
      const int64_t planned = kBaseMs - day * kDayMs + hour * 3600000;
      const int64_t started = planned + static_cast<int64_t>(random_() % 30) * 60000;
      const int64_t minutes = 15 + static_cast<int64_t>(random_() % 106);
      interaction.Set("planned_start", Value::Int(planned));
      interaction.Set("planned_end", Value::Int(planned + 3600000));
      interaction.Set("actual_start", Value::Int(started));
      interaction.Set("actual_end", Value::Int(started + minutes * 60000));
      interaction.Set("duration_minutes", Value::Int(minutes));
      interaction.Set("outcome", S(Pick(kOutcomes)));
      interaction.Set("satisfaction", Value::Int(1 + static_cast<int64_t>(random_() % 5)));
      interaction.Set("rep_id", S(BenchUserId()));
      out.push_back(std::move(interaction));
    }

    for (int i = 0; i < 2; ++i) {
      Record order;
      order.entity = EntityType::kOrder;
      order.id = NextId();
      order.Set("account_id", S(account_id));
      order.Set("order_number", S(absl::StrFormat("SO-%d-%07d", 2025 + i, index)));
      order.Set("ordered_at", Value::Int(kBaseMs - static_cast<int64_t>(random_() % 365) * kDayMs));
      order.Set("status", S(Pick(kOrderStatuses)));
      order.Set("currency", S(chinese ? "CNY" : "EUR"));
      Value::List lines;
      const int count = 1 + static_cast<int>(random_() % 3);
      for (int line = 0; line < count; ++line) {
        lines.push_back(Value::StructOf(
            {{"product_id", S(testing::kProductId)},
             {"quantity", Value::Double(static_cast<double>(1 + random_() % 20))},
             {"unit_price_minor", Value::Int(500 + static_cast<int64_t>(random_() % 99500))},
             {"discount_percent", Value::Double(static_cast<double>(5 * (random_() % 3)))}}));
      }
      Value all = Value::ListOf(std::move(lines));
      order.Set("total_minor", Value::Int(LineItemsTotalMinor(all)));
      order.Set("lines", std::move(all));
      order.Set("rep_id", S(BenchUserId()));
      out.push_back(std::move(order));
    }
  }

 private:
  // Ids in creation order, as the devices that made them would have.
  std::string NextId() {
    ++serial_;
    const uint64_t rand_a = random_();
    const uint64_t rand_b = random_();
    return MakeUuidV7(kBaseMs + serial_, rand_a, rand_b).ToString();
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[random_() % N];
  }
  bool Chance(int percent) { return static_cast<int>(random_() % 100) < percent; }
  int64_t Number(int most) {
    return 1 + static_cast<int64_t>(random_() % static_cast<uint64_t>(most));
  }
  std::string Digits(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + random_() % 10));
    return out;
  }
  static Value Phone(const char* kind, std::string number) {
    return Value::StructOf({{"kind", S(kind)}, {"number", S(std::move(number))}});
  }
  static Value Address(std::string street, const Place& place, const char* country) {
    return Value::StructOf({{"kind", S("visit")},
                            {"street", S(std::move(street))},
                            {"city", S(place.city)},
                            {"postal_code", S(place.postal_code)},
                            {"country", S(country)}});
  }

  std::mt19937_64 random_;
  int64_t serial_ = 0;
};

// Applies `records` as one pulled page (as the server would send them, checked as the device
// checks a page), storing `cursor` with it.
void ApplyPage(device::Replica& replica, std::vector<Record>& records, const std::string& cursor,
               bool more) {
  v1::PullResponse response;
  for (Record& record : records) {
    record.meta.server_version = 1;
    record.meta.hlc = HlcTimestamp{kBaseMs, 0, "server"};
    record.meta.scope = ComputeScopeKeys(record);
    if (absl::Status valid = ValidateRecord(record); !valid.ok()) {
      Die(absl::StrCat("a generated record is not valid: ", valid.ToString()));
    }
    wire::ToProto(record, response.add_records());
  }
  response.set_next_cursor(cursor);
  response.set_more(more);
  auto page = device::ReadPulledPage(response);
  if (!page.ok()) Die(absl::StrCat("a generated page: ", page.status().ToString()));
  if (auto applied = replica.ApplyPulledPage(*page); !applied.ok()) {
    Die(absl::StrCat("applying a page: ", applied.status().ToString()));
  }
}

void RemoveReplicaFiles(const std::filesystem::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

// True when `cache` holds the whole replica of `accounts` accounts.
bool Complete(const std::filesystem::path& cache, int accounts) {
  if (!std::filesystem::exists(cache)) return false;
  auto replica = device::Replica::Open(cache.string());
  if (!replica.ok()) return false;
  auto cursor = (*replica)->Cursor();
  if (!cursor.ok() || *cursor != CompleteMarker(accounts)) return false;
  auto held = (*replica)->RecordCount();
  return held.ok() && *held == ExpectedRecords(accounts);
}

// Builds the replica into a file beside `cache`, then puts it in its place.
void Build(const std::filesystem::path& cache, int accounts) {
  const std::filesystem::path part = cache.string() + ".part";
  RemoveReplicaFiles(part);
  const auto start = Clock::now();
  std::fprintf(stderr, "mcrm-app-bench: building the replica (%d accounts, %lld records) in %s\n",
               accounts, static_cast<long long>(ExpectedRecords(accounts)), cache.c_str());
  {
    auto opened = device::Replica::Open(part.string());
    if (!opened.ok()) Die(opened.status().ToString());
    device::Replica& replica = **opened;
    if (absl::Status s = replica.StoreSession(BenchUserId(), "bench-token"); !s.ok()) {
      Die(s.ToString());
    }
    Generator generator;
    std::vector<Record> pending = {generator.User()};
    int pages = 0;
    for (int index = 0; index < accounts; ++index) {
      generator.AppendAccount(index, pending);
      if (pending.size() < kPageRecords) continue;
      const auto end = pending.begin() + static_cast<std::ptrdiff_t>(kPageRecords);
      std::vector<Record> page(std::make_move_iterator(pending.begin()),
                               std::make_move_iterator(end));
      pending.erase(pending.begin(), end);
      ApplyPage(replica, page, absl::StrCat("mcrm-app-bench:page:", ++pages), /*more=*/true);
      if (pages % 50 == 0) {
        std::fprintf(stderr, "mcrm-app-bench: %d of %d accounts (%.0f s)\n", index + 1, accounts,
                     MsSince(start) / 1000);
      }
    }
    // The last page marks the replica complete.
    ApplyPage(replica, pending, CompleteMarker(accounts), /*more=*/false);
  }  // closed: the log is copied into the file
  RemoveReplicaFiles(cache);
  std::error_code error;
  std::filesystem::rename(part, cache, error);
  if (error) Die(absl::StrCat("cannot rename ", part.string(), ": ", error.message()));
  std::fprintf(stderr, "mcrm-app-bench: replica built in %.0f s\n", MsSince(start) / 1000);
}

// Makes sure `cache` holds the complete replica, in a child process: building it allocates a
// great deal, which would stay in this process's resident memory and falsify rss_mb.
void PrepareReplica(const std::filesystem::path& cache, int accounts) {
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) Die("fork failed");
  if (child == 0) {
    if (!Complete(cache, accounts)) Build(cache, accounts);
    std::fflush(nullptr);
    std::_Exit(0);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Die("the replica could not be prepared");
  }
}

// Copies the replica into the run's data directory and writes it out, so that the disk is idle
// while the app is measured. Answers its size in MiB.
double CopyReplica(const std::filesystem::path& cache, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::copy_file(cache, to, std::filesystem::copy_options::overwrite_existing, error);
  if (error) Die(absl::StrCat("cannot copy ", cache.string(), ": ", error.message()));
  const int fd = open(to.c_str(), O_RDONLY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  return static_cast<double>(std::filesystem::file_size(to)) / (1024.0 * 1024.0);
}

// ---- the app ----------------------------------------------------------------------------------

struct Memory {
  double rss_mb = 0;
  double peak_mb = 0;
};

Memory ReadMemory() {
  Memory out;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) out.rss_mb = std::atof(line.c_str() + 6) / 1024.0;
    if (line.rfind("VmHWM:", 0) == 0) out.peak_mb = std::atof(line.c_str() + 6) / 1024.0;
  }
  if (out.rss_mb <= 0) Die("cannot read VmRSS from /proc/self/status");
  return out;
}

// The item named `name` in the window, by QObject parent or by visual parent.
QObject* FindObject(QQuickWindow* window, const QString& name) {
  if (QObject* found = window->findChild<QObject*>(name)) return found;
  std::vector<QQuickItem*> items = {window->contentItem()};
  while (!items.empty()) {
    QQuickItem* item = items.back();
    items.pop_back();
    if (item == nullptr) continue;
    if (item->objectName() == name) return item;
    for (QQuickItem* child : item->childItems()) items.push_back(child);
  }
  return nullptr;
}

// Runs `work` on the repository's thread and waits for its result.
template <typename Result>
Result OnReplica(RecordRepository& repository, std::function<Result(device::Replica&)> work) {
  QEventLoop loop;
  std::optional<Result> out;
  repository.Run<Result>(&loop, std::move(work), [&](Result result) {
    out.emplace(std::move(result));
    loop.quit();
  });
  if (!out.has_value()) loop.exec();
  return std::move(*out);
}

// Changes the model's query by `change`, then runs the event loop until the model has the rows
// of the new query (its loading turned on and off again). Answers the time that took.
double TimeQuery(RecordListModel& model, const std::function<void()>& change, const QString& what) {
  QEventLoop loop;
  bool started = false;
  std::optional<Clock::time_point> done;
  QObject::connect(&model, &RecordListModel::loadingChanged, &loop, [&] {
    if (model.loading()) {
      started = true;
    } else if ((started || !model.error().isEmpty()) && !done.has_value()) {
      done = Clock::now();
      loop.quit();
    }
  });
  QTimer limit;
  limit.setSingleShot(true);
  QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
  limit.start(60000);
  const auto start = Clock::now();
  change();
  if (!done.has_value()) loop.exec();
  if (!done.has_value()) Die(absl::StrCat(what.toStdString(), ": no answer within 60 s"));
  if (!model.error().isEmpty()) {
    Die(absl::StrCat(what.toStdString(), ": ", model.error().toStdString()));
  }
  return std::chrono::duration<double, std::milli>(*done - start).count();
}

// What the user's text is after each keystroke (a character at a time).
std::vector<QString> Keystrokes(const QString& text) {
  std::vector<QString> out;
  for (qsizetype i = 1; i <= text.size(); ++i) {
    if (i < text.size() && text[i].isLowSurrogate()) continue;
    out.push_back(text.left(i));
  }
  return out;
}

struct Typed {
  std::vector<double> ms;  // one per keystroke that made a query
  int empty = 0;           // keystrokes whose query found nothing
};

// Types each query into the customer search as a user does, from an empty field, waiting for
// each keystroke's rows before the next.
Typed TypeQueries(RecordListModel& model, const std::vector<QString>& queries) {
  Typed out;
  for (const QString& query : queries) {
    if (!model.search().isEmpty()) {
      TimeQuery(
          model, [&] { model.setSearch(QString()); }, QStringLiteral("clearing the search"));
    }
    QString previous;
    for (const QString& keys : Keystrokes(query)) {
      // As the customers page does: a trailing space asks nothing new.
      const QString search = keys.trimmed();
      if (search == previous) continue;
      previous = search;
      out.ms.push_back(TimeQuery(
          model, [&] { model.setSearch(search); }, QStringLiteral("search \"%1\"").arg(search)));
      if (model.rowCount() == 0) ++out.empty;
    }
  }
  if (out.ms.empty()) Die("no keystroke was timed");
  return out;
}

struct Figures {
  double app_object_ms = 0;
  double start_rows_ms = 0;
  double start_frame_ms = 0;
  std::vector<double> filter_ms;
  Typed latin, cjk;
  Memory memory;
  int64_t records = 0;
  int64_t accounts = 0;
  double replica_mb = 0;
};

// What the frame watch shares with the render thread (which may emit the window's signals).
struct FrameWatch {
  Clock::time_point start;
  std::atomic<bool> armed{false};      // the list has rows (set on the GUI thread)
  std::atomic<bool> synced{false};     // a frame was synchronized after that
  std::atomic<int64_t> swapped_ns{0};  // when that frame was swapped, after `start`
  QPointer<QEventLoop> loop;           // GUI thread only
};

void RunApp(const QString& data_dir, Figures& figures) {
  auto watch = std::make_shared<FrameWatch>();
  // ---- start: the app's objects as mcrm-app makes them, to the first frame with customers
  watch->start = Clock::now();
  RecordRepository repository;
  RecordRepository::SetDefault(&repository);
  mobile::SessionManager session(repository, data_dir, QString::fromLatin1(kOfflineAddress));
  mobile::SchemaInfo schema;
  mobile::RegisterQmlTypes(&session, &schema);
  mobile::ApplyLanguage(session.language(), nullptr);
  session.Resume();
  if (!session.signedIn()) Die("the session did not resume on the replica");
  QQmlApplicationEngine engine;
  mobile::AddAppImportPath(&engine);
  engine.load(QUrl(QString::fromLatin1(mobile::kMainQmlUrl)));
  if (engine.rootObjects().isEmpty()) Die("Main.qml did not load");
  auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
  if (window == nullptr) Die("Main.qml's root is not a window");
  if (window->width() != 390 || window->height() != 844) window->resize(390, 844);
  QObject* list = FindObject(window, QStringLiteral("customerList"));
  if (list == nullptr) Die("no customerList in the first page: is the session signed in?");

  // A frame counts once it was synchronized after the list had rows: polishing (where the list
  // makes its rows' items) and synchronizing run on the GUI thread, or with it blocked, so the
  // rows are in that frame.
  QObject::connect(
      window, &QQuickWindow::afterSynchronizing, window,
      [watch] {
        if (watch->armed.load()) watch->synced.store(true);
      },
      Qt::DirectConnection);
  QObject::connect(
      window, &QQuickWindow::frameSwapped, window,
      [watch] {
        if (!watch->synced.load() || watch->swapped_ns.load() != 0) return;
        watch->swapped_ns.store(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - watch->start)
                .count());
        QMetaObject::invokeMethod(
            qApp,
            [watch] {
              if (!watch->loop.isNull()) watch->loop->quit();
            },
            Qt::QueuedConnection);
      },
      Qt::DirectConnection);
  QPointer<QObject> list_guard(list);
  const auto arm = [&figures, watch, list_guard, window] {
    if (watch->armed.load() || list_guard.isNull()) return;
    if (list_guard->property("count").toInt() <= 0) return;
    figures.start_rows_ms = MsSince(watch->start);
    watch->armed.store(true);
    window->update();
  };
  std::vector<QMetaObject::Connection> arming;
  // The list's model tells when its rows came in; a timer stands by in case it is another.
  if (auto* shown = qobject_cast<RecordListModel*>(list->property("model").value<QObject*>())) {
    arming.push_back(QObject::connect(shown, &RecordListModel::countChanged, window, arm));
  }
  QTimer poll;
  arming.push_back(QObject::connect(&poll, &QTimer::timeout, window, arm));
  poll.start(10);
  {
    QEventLoop loop;
    watch->loop = &loop;
    QTimer limit;
    limit.setSingleShot(true);
    QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
    limit.start(120000);
    arm();
    if (watch->swapped_ns.load() == 0) loop.exec();
    watch->loop = nullptr;
  }
  poll.stop();
  for (const auto& connection : arming) QObject::disconnect(connection);
  if (watch->swapped_ns.load() == 0) {
    Die(watch->armed.load() ? "the customer list had rows but no frame showed them within 120 s"
                            : "the customer list got no rows within 120 s");
  }
  figures.start_frame_ms = static_cast<double>(watch->swapped_ns.load()) / 1e6;

  // ---- the customers' list model, as the customers page uses it
  RecordListModel model(repository);
  TimeQuery(
      model, [&] { model.setOrderBy(QStringLiteral("name")); }, QStringLiteral("the first list"));
  if (model.rowCount() == 0) Die("the customer list model is empty");

  for (int run = 0; run < kFilterRuns; ++run) {
    const QString tier = QString(QLatin1Char("abc"[run % 3]));
    figures.filter_ms.push_back(TimeQuery(
        model,
        [&] {
          model.setFilters({{QStringLiteral("value_tier"), tier}});
        },
        QStringLiteral("filter value_tier = %1").arg(tier)));
    if (model.rowCount() == 0) Die(absl::StrCat("no customer of tier ", tier.toStdString()));
  }
  TimeQuery(
      model, [&] { model.setFilters({}); }, QStringLiteral("clearing the filters"));

  figures.latin = TypeQueries(model, {QStringLiteral("müller"), QStringLiteral("kältetechnik"),
                                      QStringLiteral("schmidt bau"), QStringLiteral("dresden"),
                                      QStringLiteral("0808"), QStringLiteral("weber logistik"),
                                      QStringLiteral("hoffmann"), QStringLiteral("leipzig")});
  figures.cjk = TypeQueries(
      model, {QStringLiteral("深圳华为"), QStringLiteral("华为技术"), QStringLiteral("有限公司"),
              QStringLiteral("上海宏达"), QStringLiteral("北京联想"), QStringLiteral("海尔电子"),
              QStringLiteral("杭州"), QStringLiteral("物流有限"), QStringLiteral("成都金山")});

  // ---- memory, with the window up and the replica open
  figures.memory = ReadMemory();

  struct Counts {
    absl::Status status;
    int64_t records = 0;
    int64_t accounts = 0;
  };
  const Counts counts = OnReplica<Counts>(repository, [](device::Replica& replica) {
    Counts out;
    auto by_entity = replica.RecordCountsByEntity();
    if (!by_entity.ok()) {
      out.status = by_entity.status();
      return out;
    }
    for (const auto& [entity, n] : *by_entity) {
      out.records += n;
      if (entity == EntityType::kAccount) out.accounts = n;
    }
    return out;
  });
  if (!counts.status.ok()) Die(counts.status.ToString());
  figures.records = counts.records;
  figures.accounts = counts.accounts;
}

int ParseAccounts(int argc, char** argv) {
  int accounts = kDefaultAccounts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    if (arg == "--accounts" && i + 1 < argc) {
      value = argv[++i];
    } else if (arg.rfind("--accounts=", 0) == 0) {
      value = arg.substr(11);
    } else {
      std::fprintf(stderr, "usage: mcrm-app-bench [--accounts N]  (default %d, at least 100)\n",
                   kDefaultAccounts);
      std::exit(arg == "--help" || arg == "-h" ? 0 : 2);
    }
    if (!absl::SimpleAtoi(value, &accounts) || accounts < 100) {
      Die("--accounts: a number, at least 100");
    }
  }
  return accounts;
}

int Main(int argc, char** argv) {
  const int accounts = ParseAccounts(argc, argv);
  const std::filesystem::path temp = std::filesystem::temp_directory_path();
  const std::filesystem::path cache = temp / absl::StrCat("mcrm-app-bench-", accounts, ".sqlite3");
  PrepareReplica(cache, accounts);

  Figures figures;
  g_run_dir = temp / absl::StrCat("mcrm-app-bench-run-", getpid());
  RemoveRunDir();
  std::filesystem::create_directories(g_run_dir);
  std::atexit(RemoveRunDir);
  figures.replica_mb = CopyReplica(cache, g_run_dir / "replica.sqlite3");

  qputenv("QT_QPA_PLATFORM", "offscreen");
  const auto app_start = Clock::now();
  QGuiApplication app(argc, argv);
  QGuiApplication::setApplicationName(QStringLiteral("mcrm-app"));
  QGuiApplication::setOrganizationName(QStringLiteral("M-CRM"));
  QGuiApplication::setApplicationVersion(QStringLiteral(MCRM_VERSION));
  figures.app_object_ms = MsSince(app_start);

  // Signed in before, on this device: the session's settings as the app left them.
  const QString data_dir = QString::fromStdString(g_run_dir.string());
  {
    QSettings settings(QDir(data_dir).filePath(QStringLiteral("settings.ini")),
                       QSettings::IniFormat);
    settings.setValue(QStringLiteral("session/user_id"), QString::fromStdString(BenchUserId()));
    settings.setValue(QStringLiteral("server/address"), QString::fromLatin1(kOfflineAddress));
    settings.setValue(QStringLiteral("device/id"), QStringLiteral("bench-device"));
    settings.sync();
    if (settings.status() != QSettings::NoError) Die("cannot write settings.ini");
  }

  RunApp(data_dir, figures);

  std::printf(
      "{\"bench\":\"app\",\"path\":\"mcrm-app's objects and Main.qml in process, offscreen, "
      "signed in and offline, on a warm replica file; list model queries on the repository's "
      "thread\",\"accounts\":%lld,\"records\":%lld,\"replica_mb\":%.0f,"
      "\"keystrokes\":%zu,\"keystrokes_cjk\":%zu,\"filter_runs\":%zu,"
      "\"search_p95_ms\":%.2f,\"search_p95_goal_ms\":%d,\"search_median_ms\":%.2f,"
      "\"search_cjk_p95_ms\":%.2f,\"search_cjk_p95_goal_ms\":%d,\"search_cjk_median_ms\":%.2f,"
      "\"filter_first_screen_ms\":%.2f,\"filter_first_screen_goal_ms\":%d,"
      "\"filter_first_screen_median_ms\":%.2f,"
      "\"start_first_frame_ms\":%.1f,\"start_first_frame_goal_ms\":%d,"
      "\"start_list_rows_ms\":%.1f,\"app_object_ms\":%.1f,"
      "\"rss_mb\":%.1f,\"rss_goal_mb\":%d,\"rss_peak_mb\":%.1f,"
      "\"search_no_rows_keystrokes\":%d,\"search_cjk_no_rows_keystrokes\":%d}\n",
      static_cast<long long>(figures.accounts), static_cast<long long>(figures.records),
      figures.replica_mb, figures.latin.ms.size(), figures.cjk.ms.size(), figures.filter_ms.size(),
      Percentile95(figures.latin.ms), kSearchGoalMs, Median(figures.latin.ms),
      Percentile95(figures.cjk.ms), kSearchGoalMs, Median(figures.cjk.ms),
      Percentile95(figures.filter_ms), kFilterGoalMs, Median(figures.filter_ms),
      figures.start_frame_ms, kStartGoalMs, figures.start_rows_ms, figures.app_object_ms,
      figures.memory.rss_mb, kRssGoalMb, figures.memory.peak_mb, figures.latin.empty,
      figures.cjk.empty);
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace mcrm::bench

int main(int argc, char** argv) { return mcrm::bench::Main(argc, argv); }
