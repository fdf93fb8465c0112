#include "mcrm/sort_key.h"

#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/uvernum.h>

#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"

namespace mcrm {
namespace {

// One collator per thread (ICU's collators are not shared between threads), made at its first
// use and closed when the thread ends.
UCollator* ThreadCollator() {
  struct Closer {
    void operator()(UCollator* c) const { ucol_close(c); }
  };
  thread_local std::unique_ptr<UCollator, Closer> collator = [] {
    UErrorCode error = U_ZERO_ERROR;
    UCollator* made = ucol_open("zh", &error);
    if (U_FAILURE(error)) return std::unique_ptr<UCollator, Closer>();
    // Letters and accents decide the order, case does not: "Müller" and "müller" tie (and then
    // go by the caller's tie-break). The keys are a third shorter, and so is every index entry.
    ucol_setStrength(made, UCOL_SECONDARY);
    return std::unique_ptr<UCollator, Closer>(made);
  }();
  return collator.get();
}

}  // namespace

std::string SortKeyOf(absl::string_view text) {
  UCollator* collator = ThreadCollator();
  if (collator == nullptr) return std::string(text);  // no ICU data: bytes order, still total
  UErrorCode error = U_ZERO_ERROR;
  int32_t units = 0;
  u_strFromUTF8Lenient(nullptr, 0, &units, text.data(), static_cast<int32_t>(text.size()), &error);
  error = U_ZERO_ERROR;  // U_BUFFER_OVERFLOW_ERROR is how the length is told
  std::u16string utf16(static_cast<size_t>(units), u'\0');
  u_strFromUTF8Lenient(utf16.data(), units, nullptr, text.data(), static_cast<int32_t>(text.size()),
                       &error);
  if (U_FAILURE(error)) return std::string(text);
  std::string key(static_cast<size_t>(3 * units + 16), '\0');
  int32_t size =
      ucol_getSortKey(collator, utf16.data(), units, reinterpret_cast<uint8_t*>(key.data()),
                      static_cast<int32_t>(key.size()));
  if (size > static_cast<int32_t>(key.size())) {  // rare: ask again with the room it needs
    key.resize(static_cast<size_t>(size));
    size = ucol_getSortKey(collator, utf16.data(), units, reinterpret_cast<uint8_t*>(key.data()),
                           size);
  }
  // The key ends with a 0 byte that adds nothing to the order.
  key.resize(static_cast<size_t>(size > 0 ? size - 1 : 0));
  return key;
}

std::string SortKeyVersion() {
  UCollator* collator = ThreadCollator();
  if (collator == nullptr) return "bytes (no ICU collator)";  // what SortKeyOf then returns
  // The collation data's own version, which is what the keys depend on: the same ICU library
  // can load other data.
  UVersionInfo version;
  ucol_getVersion(collator, version);
  char text[U_MAX_VERSION_STRING_LENGTH] = {};
  u_versionToString(version, text);
  return absl::StrCat("ICU ", U_ICU_VERSION, " collation ", text, " (zh, secondary strength)");
}

}  // namespace mcrm
