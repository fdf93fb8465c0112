// Money in minor units: fields named *_minor hold an amount in the smallest unit of the record's
// currency (cents, fen), whose size ISO 4217 gives per currency.
#pragma once

#include "absl/strings/string_view.h"

namespace mcrm {

// How many decimals amounts of `iso_code` have (ISO 4217 minor units, as ICU knows them): 2 for
// EUR, CNY and USD, 0 for JPY and KRW, 3 for KWD. 2 for a code that is not a currency's.
int CurrencyDigits(absl::string_view iso_code);

}  // namespace mcrm
