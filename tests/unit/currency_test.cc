// How many decimals money has per currency: the app types and shows money fields (*_minor) by it.
#include "mcrm/currency.h"

#include <gtest/gtest.h>

namespace mcrm {
namespace {

TEST(CurrencyDigits, FollowsIso4217AndIsTwoForWhatIsNoCurrency) {
  const struct {
    const char* code;
    int digits;
  } cases[] = {
      {"EUR", 2}, {"CNY", 2}, {"USD", 2}, {"CHF", 2}, {"JPY", 0},  {"KRW", 0},
      {"KWD", 3}, {"BHD", 3}, {"", 2},    {"eur", 2}, {"EURO", 2}, {"E1R", 2},
  };
  for (const auto& c : cases) EXPECT_EQ(CurrencyDigits(c.code), c.digits) << c.code;
}

}  // namespace
}  // namespace mcrm
