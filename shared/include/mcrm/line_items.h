// Line items (of an order or an opportunity): the one rule for what they add up to.
#pragma once

#include <cstdint>

#include "mcrm/value.h"

namespace mcrm {

// The total of a list of LineItem structs in minor units of their currency: for each line
// quantity x unit price x (1 - discount / 100), rounded to the nearest minor unit, then summed.
// Missing or mistyped parts count as zero (validation reports them separately).
int64_t LineItemsTotalMinor(const Value& lines);

}  // namespace mcrm
