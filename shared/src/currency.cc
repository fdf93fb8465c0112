#include "mcrm/currency.h"

#include <unicode/ucurr.h>

namespace mcrm {

int CurrencyDigits(absl::string_view iso_code) {
  constexpr int kUsual = 2;
  if (iso_code.size() != 3) return kUsual;
  UChar code[4] = {};
  for (size_t i = 0; i < 3; ++i) {
    const char c = iso_code[i];
    if (c < 'A' || c > 'Z') return kUsual;
    code[i] = static_cast<UChar>(c);
  }
  UErrorCode error = U_ZERO_ERROR;
  const int32_t digits = ucurr_getDefaultFractionDigits(code, &error);
  return U_FAILURE(error) || digits < 0 ? kUsual : digits;
}

}  // namespace mcrm
