#include "demo_data.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "auth.h"
#include "mcrm/line_items.h"
#include "mcrm/pipeline.h"
#include "mcrm/service_task_state.h"
#include "mcrm/status_macros.h"
#include "mcrm/uuid.h"

namespace mcrm::server {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

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
  template <typename T>
  const T& Pick(absl::Span<const T> items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// ---- locales: the words of the data, one table per language ----------------------------------

// A name, and its spelling in Latin letters (pinyin for Chinese) for mailboxes and messaging ids.
struct Name {
  const char* text;
  const char* latin;
};

struct City {
  const char* name;
  // For the locales whose addresses are placed in their city (see Locale::place): the first
  // postal code of the city and its centre.
  int postal_code = 0;
  double latitude = 0;
  double longitude = 0;
};

struct Territory {
  const char* name;
  const char* code;
};

// The drawn parts of an address.
struct Place {
  std::string street;
  std::string postal_code;
  double latitude = 0;
  double longitude = 0;
};

// Everything that differs between the languages of the demo data. Every locale draws the same
// numbers in the same order (a pick is one draw, whatever the length of its list; phone_number
// and place draw twice and four times), so a seed gives the same records, ids, times, amounts and
// links in each; only the words differ.
struct Locale {
  const char* code;      // DemoOptions::locale
  const char* language;  // for messages
  // Organizations are named prefix + core + separator + suffix ("AlpenNord GmbH",
  // "深圳鼎盛科技有限公司"); the first ones take the featured names instead, in order (drawn all
  // the same).
  absl::Span<const char* const> company_prefixes;
  absl::Span<const char* const> company_cores;
  const char* company_separator;
  absl::Span<const char* const> company_suffixes;
  absl::Span<const char* const> featured_companies;
  absl::Span<const char* const> industries;
  absl::Span<const Name> given_names;
  absl::Span<const Name> family_names;
  bool family_name_first;  // "张伟", not "Anna Schmidt"
  absl::Span<const City> cities;
  const char* country;  // of addresses, ISO 3166-1 alpha-2
  Territory whole_country;
  absl::Span<const Territory> regions;  // four, under whole_country
  const char* currency;
  const char* preferred_language;  // of accounts, BCP 47; nullptr: not set
  const char* messaging_network;   // contacts get an id there (MessagingId.network); nullptr: none
  bool mailboxes_from_names;       // "zhangwei.3.0@...", not "contact3.0@..."
  const char* customer_domain;     // of the accounts' and contacts' emails
  const char* staff_domain;        // of the users' emails
  std::string (*phone_number)(Draw& draw, bool work);
  Place (*place)(Draw& draw, const City& city);
  const char* admin_name;
  const char* dispatcher_name;
  absl::Span<const Name> rep_names;  // a rep is called rep name + rep_suffix
  const char* rep_suffix;
  absl::Span<const char* const> categories;  // of products
  const char* product_model;                 // category + product_model + number
  absl::Span<const char* const> skills;
  const char* site_suffix;  // city + site_suffix
  const char* access_notes;
  const char* interaction_subject;
  const char* opportunity_suffix;  // category + opportunity_suffix
  const char* lost_reason;
  const char* case_subject;
  const char* task_title;
  const char* power_off_prompt;
  const char* pressure_prompt;
  const char* photo_prompt;
  const char* campaign_name;
  const char* campaign_offer;
};

// -- German

const char* const kGermanCompanyWords[] = {"Alpen",  "Nord",  "Sonnen", "Berg", "Fluss",
                                           "Wald",   "Stern", "Grün",   "Blau", "Eichen",
                                           "Linden", "Hafen", "Tal",    "Feld"};
const char* const kGermanCompanySuffixes[] = {"GmbH",          "AG",  "KG",  "eG",
                                              "GmbH & Co. KG", "Ltd", "SARL"};
const char* const kGermanIndustries[] = {"Agriculture", "Food",         "Construction",
                                         "Retail",      "Hospitality",  "Healthcare",
                                         "Logistics",   "Manufacturing"};
const Name kGermanFirstNames[] = {
    {"Anna", "anna"},     {"Ben", "ben"},     {"Clara", "clara"},   {"David", "david"},
    {"Elif", "elif"},     {"Felix", "felix"}, {"Greta", "greta"},   {"Hannes", "hannes"},
    {"Ines", "ines"},     {"Jonas", "jonas"}, {"Katrin", "katrin"}, {"Luca", "luca"},
    {"Mia", "mia"},       {"Noah", "noah"},   {"Olga", "olga"},     {"Paul", "paul"},
    {"Quirin", "quirin"}, {"Rosa", "rosa"},   {"Sven", "sven"},     {"Tara", "tara"}};
const Name kGermanLastNames[] = {
    {"Schmidt", "schmidt"}, {"Müller", "mueller"}, {"Weber", "weber"},       {"Fischer", "fischer"},
    {"Wagner", "wagner"},   {"Becker", "becker"},  {"Hoffmann", "hoffmann"}, {"Koch", "koch"},
    {"Richter", "richter"}, {"Klein", "klein"},    {"Wolf", "wolf"},         {"Yılmaz", "yilmaz"},
    {"Nowak", "nowak"},     {"Rossi", "rossi"},    {"Dubois", "dubois"},     {"Jansen", "jansen"}};
const City kGermanCities[] = {{"Berlin"},  {"Hamburg"},  {"München"},  {"Köln"},   {"Leipzig"},
                              {"Dresden"}, {"Hannover"}, {"Nürnberg"}, {"Bremen"}, {"Rostock"}};
const Territory kGermanRegions[] = {
    {"North", "DE-N"}, {"South", "DE-S"}, {"East", "DE-E"}, {"West", "DE-W"}};
const char* const kGermanCategories[] = {"Irrigation", "Pumps", "Filters", "Sensors",
                                         "Service kits"};
const char* const kGermanSkills[] = {"pumps", "irrigation", "electrics", "sensors", "welding"};

std::string GermanPhoneNumber(Draw& draw, bool /*work*/) {
  return absl::StrFormat("+49 %d %07d", draw.Int(30, 899), draw.Int(0, 9999999));
}

// Anywhere in Germany's box, whatever the city.
Place GermanPlace(Draw& draw, const City& /*city*/) {
  Place place;
  place.street = absl::StrFormat("Hauptstr. %d", draw.Int(1, 200));
  place.postal_code = absl::StrFormat("%05d", draw.Int(10000, 99999));
  place.latitude = draw.Real(47.3, 54.9);
  place.longitude = draw.Real(5.9, 15.0);
  return place;
}

const Locale kGerman = {
    .code = "de",
    .language = "German",
    .company_prefixes = kGermanCompanyWords,
    .company_cores = kGermanCompanyWords,
    .company_separator = " ",
    .company_suffixes = kGermanCompanySuffixes,
    .featured_companies = {},
    .industries = kGermanIndustries,
    .given_names = kGermanFirstNames,
    .family_names = kGermanLastNames,
    .family_name_first = false,
    .cities = kGermanCities,
    .country = "DE",
    .whole_country = {"Germany", "DE"},
    .regions = kGermanRegions,
    .currency = "EUR",
    .preferred_language = nullptr,
    .messaging_network = nullptr,
    .mailboxes_from_names = false,
    .customer_domain = "example.com",
    .staff_domain = "m-crm.example",
    .phone_number = &GermanPhoneNumber,
    .place = &GermanPlace,
    .admin_name = "Ada Admin",
    .dispatcher_name = "Dora Dispatch",
    .rep_names = kGermanFirstNames,
    .rep_suffix = " Rep",
    .categories = kGermanCategories,
    .product_model = " model ",
    .skills = kGermanSkills,
    .site_suffix = " site",
    .access_notes = "Report at the gate.",
    .interaction_subject = "Follow-up",
    .opportunity_suffix = " upgrade",
    .lost_reason = "Price",
    .case_subject = "Pump pressure drops",
    .task_title = "Inspect and service pump",
    .power_off_prompt = "Power isolated?",
    .pressure_prompt = "Pressure after service (bar)",
    .photo_prompt = "Photo of the unit",
    .campaign_name = "Winter service check",
    .campaign_offer = "Free pressure test with every service",
};

// -- Simplified Chinese

const char* const kChineseCityPrefixes[] = {"北京", "上海", "深圳", "广州", "杭州",
                                            "成都", "南京", "武汉", "西安", "苏州"};
// Brand words; real brands only among the featured names.
const char* const kChineseBrands[] = {"华信", "金桥", "东方", "长城", "宏达", "恒通", "中科",
                                      "鼎盛", "瑞丰", "永安", "海纳", "博远", "天成", "新源"};
// Line of business and legal form.
const char* const kChineseCompanySuffixes[] = {
    "科技有限公司", "网络技术有限公司", "农业发展有限公司",    "机械制造有限公司",
    "贸易有限公司", "食品股份有限公司", "电子科技股份有限公司"};
// The biggest customers. 华为 inside a name, not at its start, shows that a search finds the
// middle of a Chinese name.
const char* const kChineseFeaturedCompanies[] = {
    "深圳华为技术有限公司", "杭州阿里巴巴网络技术有限公司", "北京百度网讯科技有限公司"};
const char* const kChineseIndustries[] = {"农业",     "食品加工", "建筑工程", "零售",
                                          "酒店餐饮", "医疗卫生", "物流运输", "机械制造"};
const Name kChineseGivenNames[] = {
    {"伟", "wei"},  {"芳", "fang"}, {"娜", "na"},    {"秀英", "xiuying"}, {"敏", "min"},
    {"静", "jing"}, {"丽", "li"},   {"强", "qiang"}, {"磊", "lei"},       {"洋", "yang"},
    {"艳", "yan"},  {"勇", "yong"}, {"军", "jun"},   {"杰", "jie"},       {"娟", "juan"},
    {"涛", "tao"},  {"明", "ming"}, {"超", "chao"},  {"霞", "xia"},       {"平", "ping"}};
const Name kChineseFamilyNames[] = {{"王", "wang"}, {"李", "li"},   {"张", "zhang"}, {"刘", "liu"},
                                    {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"}, {"赵", "zhao"},
                                    {"吴", "wu"},   {"周", "zhou"}, {"徐", "xu"},    {"孙", "sun"},
                                    {"马", "ma"},   {"朱", "zhu"},  {"胡", "hu"},    {"郭", "guo"}};
const City kChineseCities[] = {
    {"北京", 100000, 39.904, 116.407}, {"上海", 200000, 31.230, 121.474},
    {"深圳", 518000, 22.543, 114.058}, {"广州", 510000, 23.129, 113.264},
    {"杭州", 310000, 30.274, 120.155}, {"成都", 610000, 30.573, 104.066},
    {"南京", 210000, 32.060, 118.797}, {"武汉", 430000, 30.593, 114.305},
    {"西安", 710000, 34.342, 108.940}, {"苏州", 215000, 31.299, 120.585}};
const Territory kChineseRegions[] = {
    {"华北区", "CN-N"}, {"华南区", "CN-S"}, {"华东区", "CN-E"}, {"华西区", "CN-W"}};
const char* const kChineseCategories[] = {"灌溉设备", "水泵", "过滤器", "传感器", "维修套件"};
const char* const kChineseSkills[] = {"水泵", "灌溉", "电气", "传感器", "焊接"};

// Work numbers are landlines ("+86 755 2878 0808"), the others mobiles ("+86 138 1234 5678").
std::string ChinesePhoneNumber(Draw& draw, bool work) {
  static constexpr int kAreaCodes[] = {10, 21, 755, 20, 571, 28, 25, 27, 29, 512};
  static constexpr int kMobilePrefixes[] = {135, 136, 138, 139, 150, 151, 158, 159, 186, 188};
  const int prefix = work ? draw.Pick(kAreaCodes) : draw.Pick(kMobilePrefixes);
  const int number = draw.Int(work ? 20000000 : 0, 99999999);
  return absl::StrFormat("+86 %d %04d %04d", prefix, number / 10000, number % 10000);
}

// In the city: "中山路88号", a postal code of its range, a position near its centre.
Place ChinesePlace(Draw& draw, const City& city) {
  static constexpr const char* kStreets[] = {"人民路", "中山路", "解放路",   "建设路",   "长江路",
                                             "和平路", "新华路", "科技园路", "滨河大道", "东风路"};
  Place place;
  const int number = draw.Int(1, 200);
  place.street =
      absl::StrCat(kStreets[static_cast<size_t>(number) % std::size(kStreets)], number, "号");
  place.postal_code = absl::StrFormat("%06d", city.postal_code + draw.Int(0, 99));
  place.latitude = city.latitude + draw.Real(-0.04, 0.04);
  place.longitude = city.longitude + draw.Real(-0.05, 0.05);
  return place;
}

const Locale kChinese = {
    .code = "zh",
    .language = "Simplified Chinese",
    .company_prefixes = kChineseCityPrefixes,
    .company_cores = kChineseBrands,
    .company_separator = "",
    .company_suffixes = kChineseCompanySuffixes,
    .featured_companies = kChineseFeaturedCompanies,
    .industries = kChineseIndustries,
    .given_names = kChineseGivenNames,
    .family_names = kChineseFamilyNames,
    .family_name_first = true,
    .cities = kChineseCities,
    .country = "CN",
    .whole_country = {"中国", "CN"},
    .regions = kChineseRegions,
    .currency = "CNY",
    .preferred_language = "zh-CN",
    .messaging_network = "wechat",
    .mailboxes_from_names = true,
    .customer_domain = "example.cn",
    .staff_domain = "m-crm.cn",
    .phone_number = &ChinesePhoneNumber,
    .place = &ChinesePlace,
    .admin_name = "系统管理员",
    .dispatcher_name = "调度员",
    .rep_names = kChineseFamilyNames,
    .rep_suffix = "经理",
    .categories = kChineseCategories,
    .product_model = " 型号 ",
    .skills = kChineseSkills,
    .site_suffix = "服务点",
    .access_notes = "请在门卫处登记。",
    .interaction_subject = "回访跟进",
    .opportunity_suffix = "升级改造",
    .lost_reason = "价格",
    .case_subject = "水泵压力下降",
    .task_title = "水泵检查与保养",
    .power_off_prompt = "是否已断电？",
    .pressure_prompt = "保养后的压力（bar）",
    .photo_prompt = "设备照片",
    .campaign_name = "冬季设备检修",
    .campaign_offer = "每次保养均免费进行压力测试",
};

const Locale* const kLocales[] = {&kGerman, &kChinese};

const Locale* FindLocale(absl::string_view code) {
  for (const Locale* locale : kLocales) {
    if (code == locale->code) return locale;
  }
  return nullptr;
}

// ---- the generator -----------------------------------------------------------------------------

class Builder {
 public:
  Builder(const DemoOptions& options, const Locale& locale)
      : options_(options), locale_(locale), draw_(options.seed) {}

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
    const bool work = draw_.Chance(0.7);
    return Value::StructOf({{"kind", Value::String(work ? "work" : "mobile")},
                            {"number", Value::String(locale_.phone_number(draw_, work))}});
  }
  Value Address(const City& city) {
    Place place = locale_.place(draw_, city);
    return Value::StructOf({{"kind", Value::String("visit")},
                            {"street", Value::String(std::move(place.street))},
                            {"city", Value::String(city.name)},
                            {"postal_code", Value::String(std::move(place.postal_code))},
                            {"country", Value::String(locale_.country)},
                            {"latitude", Value::Double(place.latitude)},
                            {"longitude", Value::Double(place.longitude)}});
  }
  std::string PersonName(const Name& given, const Name& family) const {
    return locale_.family_name_first ? absl::StrCat(family.text, given.text)
                                     : absl::StrCat(given.text, " ", family.text);
  }
  // Drawn even when a featured name is taken, so that every locale draws alike.
  std::string CompanyName() {
    std::string drawn =
        absl::StrCat(draw_.Pick(locale_.company_prefixes), draw_.Pick(locale_.company_cores),
                     locale_.company_separator, draw_.Pick(locale_.company_suffixes));
    if (featured_ < locale_.featured_companies.size()) {
      return locale_.featured_companies[featured_++];
    }
    return drawn;
  }
  std::string ContactEmail(const Name& given, const Name& family, int rank, int i) const {
    const std::string mailbox = locale_.mailboxes_from_names
                                    ? absl::StrCat(family.latin, given.latin, ".")
                                    : std::string("contact");
    return absl::StrCat(mailbox, rank, ".", i, "@", locale_.customer_domain);
  }
  Value MessagingIds(const Name& given, const Name& family, int rank, int i) const {
    if (locale_.messaging_network == nullptr) return Value();
    return Value::ListOf({Value::StructOf(
        {{"network", Value::String(locale_.messaging_network)},
         {"handle", Value::String(absl::StrCat(family.latin, given.latin, "_", rank, "_", i))}})});
  }
  static Value StringOrNull(const char* text) {
    return text == nullptr ? Value() : Value::String(text);
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
  const Locale& locale_;
  Draw draw_;
  size_t featured_ = 0;  // featured company names taken
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
  const City& city = draw_.Pick(locale_.cities);
  const bool person = draw_.Chance(0.15);
  const std::string name =
      person ? PersonName(draw_.Pick(locale_.given_names), draw_.Pick(locale_.family_names))
             : CompanyName();
  ASSIGN_OR_RETURN(
      std::string account,
      Add(E::kAccount,
          Fields(E::kAccount,
                 {{"name", Value::String(name)},
                  {"kind", Value::String(person ? "person" : "organization")},
                  {"industry", person ? Value() : Value::String(draw_.Pick(locale_.industries))},
                  {"phones", Value::ListOf({Phone()})},
                  {"emails",
                   Value::Strings({absl::StrCat("info", rank, "@", locale_.customer_domain)})},
                  {"addresses", Value::ListOf({Address(city)})},
                  {"owner_id", Value::String(rep.first)},
                  {"territory_id", Value::String(territory)},
                  {"tags", rank < 10 ? Value::Strings({"key-account"}) : Value()},
                  {"preferred_language", StringOrNull(locale_.preferred_language)}}),
          born));

  // Zipf-like weight: the first accounts order far more (the 80/20 of real customer bases).
  const double weight = 1.0 / std::pow(rank + 1, 0.9);
  const int orders =
      std::clamp(static_cast<int>(std::round(40 * weight)), rank % 3 == 0 ? 1 : 0, 40);
  std::vector<std::string> contacts;
  for (int i = 0, n = draw_.Int(1, 3); i < n; ++i) {
    const Name& given = draw_.Pick(locale_.given_names);
    const Name& family = draw_.Pick(locale_.family_names);
    ASSIGN_OR_RETURN(
        std::string contact,
        Add(E::kContact,
            Fields(
                E::kContact,
                {{"account_id", Value::String(account)},
                 {"first_name", Value::String(given.text)},
                 {"last_name", Value::String(family.text)},
                 {"role", Value::String(draw_.Chance(0.4) ? "decision_maker" : "user")},
                 {"phones", Value::ListOf({Phone()})},
                 {"emails", Value::Strings({ContactEmail(given, family, rank, i)})},
                 {"messaging_ids", MessagingIds(given, family, rank, i)},
                 {"preferred_channel", Value::String(draw_.Chance(0.5) ? "phone" : "messaging")}}),
            born + kDay));
    contacts.push_back(contact);
  }
  std::string site;
  if (!person && draw_.Chance(0.6)) {
    ASSIGN_OR_RETURN(
        site,
        Add(E::kSite,
            Fields(E::kSite, {{"account_id", Value::String(account)},
                              {"name", Value::String(absl::StrCat(city.name, locale_.site_suffix))},
                              {"address", Address(city)},
                              {"access_notes", Value::String(locale_.access_notes)}}),
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
                                           {"currency", Value::String(locale_.currency)},
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
                                     {"subject", Value::String(locale_.interaction_subject)},
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
                    {"name", Value::String(absl::StrCat(draw_.Pick(locale_.categories),
                                                        locale_.opportunity_suffix))},
                    {"stage", Value::String(stage)},
                    {"probability_percent", Value::Int(*DefaultWinProbability(stage))},
                    {"amount_minor", Value::Int(LineItemsTotalMinor(lines))},
                    {"currency", Value::String(locale_.currency)},
                    {"expected_close", Value::String("2027-01-31")},
                    {"lost_reason",
                     stage == "closed_lost" ? Value::String(locale_.lost_reason) : Value()},
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
                    {"subject", Value::String(locale_.case_subject)},
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
                    {"title", Value::String(locale_.task_title)},
                    {"type", Value::String(case_id.empty() ? "maintenance" : "repair")},
                    {"priority", Value::String("normal")},
                    {"required_skills", Value::Strings({draw_.Pick(locale_.skills)})},
                    {"window_start", Value::Int(window)},
                    {"window_end", Value::Int(window + 4 * 3600000)},
                    {"assignee_id", Value::String(rep.first)},
                    {"status", Value::String("assigned")},
                    {"checklist",
                     Value::ListOf(
                         {Value::StructOf({{"key", Value::String("power_off")},
                                           {"prompt", Value::String(locale_.power_off_prompt)},
                                           {"kind", Value::String("yes_no")},
                                           {"required", Value::Bool(true)}}),
                          Value::StructOf({{"key", Value::String("pressure")},
                                           {"prompt", Value::String(locale_.pressure_prompt)},
                                           {"kind", Value::String("number")},
                                           {"required", Value::Bool(true)}}),
                          Value::StructOf({{"key", Value::String("photo")},
                                           {"prompt", Value::String(locale_.photo_prompt)},
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
                       Fields(E::kTerritory, {{"name", Value::String(locale_.whole_country.name)},
                                              {"code", Value::String(locale_.whole_country.code)}}),
                       t0));
  for (const Territory& region : locale_.regions) {
    ASSIGN_OR_RETURN(std::string territory,
                     Add(E::kTerritory,
                         Fields(E::kTerritory, {{"name", Value::String(region.name)},
                                                {"code", Value::String(region.code)},
                                                {"parent_id", Value::String(country)}}),
                         t0));
    territories_.push_back(territory);
  }
  auto user = [&](const std::string& login, const std::string& display, const std::string& role,
                  std::vector<std::string> territories) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(
        std::string id,
        Add(E::kUser,
            Fields(E::kUser,
                   {{"login", Value::String(login)},
                    {"display_name", Value::String(display)},
                    {"role", Value::String(role)},
                    {"skills", Value::Strings({draw_.Pick(locale_.skills)})},
                    {"territory_ids", Value::Strings(territories)},
                    {"capacity_per_day", Value::Int(6)},
                    {"email", Value::String(absl::StrCat(login, "@", locale_.staff_domain))},
                    {"active", Value::Bool(true)}}),
            t0));
    data_.logins.push_back(DemoLogin{login, "demo", role, id});
    return id;
  };
  RETURN_IF_ERROR(user("admin", locale_.admin_name, "admin", {}).status());
  RETURN_IF_ERROR(user("dispatch", locale_.dispatcher_name, "dispatcher", {}).status());
  for (int i = 0; i < 6; ++i) {
    std::vector<std::string> covered = {territories_[static_cast<size_t>(i % 4)]};
    if (i >= 4) covered.push_back(territories_[static_cast<size_t>((i + 1) % 4)]);
    ASSIGN_OR_RETURN(
        std::string id,
        user(absl::StrCat("rep", i + 1),
             absl::StrCat(draw_.Pick(locale_.rep_names).text, locale_.rep_suffix), "rep", covered));
    reps_.emplace_back(id, covered);
  }
  for (int i = 0; i < 40; ++i) {
    const int64_t price = draw_.Int(5, 2000) * 100 - 1;
    ASSIGN_OR_RETURN(
        std::string product,
        Add(E::kProduct,
            Fields(E::kProduct, {{"sku", Value::String(absl::StrFormat("SKU-%04d", i))},
                                 {"name", Value::String(absl::StrCat(draw_.Pick(locale_.categories),
                                                                     locale_.product_model, i))},
                                 {"category", Value::String(draw_.Pick(locale_.categories))},
                                 {"price_minor", Value::Int(price)},
                                 {"currency", Value::String(locale_.currency)},
                                 {"active", Value::Bool(true)}}),
            t0));
    products_.emplace_back(product, price);
  }
  ASSIGN_OR_RETURN(std::string campaign,
                   Add(E::kCampaign,
                       Fields(E::kCampaign, {{"name", Value::String(locale_.campaign_name)},
                                             {"segment_rule", Value::String("value_tier = a")},
                                             {"period_start", Value::String("2026-12-01")},
                                             {"period_end", Value::String("2027-02-28")},
                                             {"offer", Value::String(locale_.campaign_offer)},
                                             {"status", Value::String("active")},
                                             {"channel", Value::String("visit")}}),
                       t0));
  campaigns_.push_back(campaign);
  for (int rank = 0; rank < options_.accounts; ++rank) RETURN_IF_ERROR(AddAccount(rank));
  return std::move(data_);
}

}  // namespace

absl::Status CheckDemoLocale(absl::string_view locale) {
  if (FindLocale(locale) != nullptr) return absl::OkStatus();
  std::string allowed;
  for (size_t i = 0; i < std::size(kLocales); ++i) {
    absl::StrAppend(&allowed,
                    i == 0                         ? ""
                    : i + 1 == std::size(kLocales) ? " or "
                                                   : ", ",
                    kLocales[i]->code, " (", kLocales[i]->language, ")");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--demo-locale: \"", locale, "\" is not a demo-data language; use ", allowed));
}

absl::StatusOr<DemoData> GenerateDemoData(const DemoOptions& options) {
  if (options.accounts < 0 || options.accounts > 10'000'000) {
    return absl::InvalidArgumentError("demo accounts: must be between 0 and 10,000,000");
  }
  RETURN_IF_ERROR(CheckDemoLocale(options.locale));
  Builder builder(options, *FindLocale(options.locale));
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
