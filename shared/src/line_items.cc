#include "mcrm/line_items.h"

#include <cmath>

namespace mcrm {

int64_t LineItemsTotalMinor(const Value& lines) {
  if (!lines.is_list()) return 0;
  int64_t total = 0;
  for (const Value& line : lines.list_value()) {
    const Value& quantity = line.Get("quantity");
    const Value& price = line.Get("unit_price_minor");
    const Value& discount = line.Get("discount_percent");
    const double q = quantity.is_double() ? quantity.double_value() : 0;
    const double p = price.is_int() ? static_cast<double>(price.int_value()) : 0;
    const double d = discount.is_double() ? discount.double_value() : 0;
    total += static_cast<int64_t>(std::llround(q * p * (1.0 - d / 100.0)));
  }
  return total;
}

}  // namespace mcrm
