// A record's value bound as SQLite holds it natively, for every user of the project's SQLite
// tables (the server's typed tables, the device's list tables).
#pragma once

#include "mcrm/sqlite/statement.h"
#include "mcrm/value.h"

namespace mcrm::sqlite {

// Bool as 0/1, ints (timestamps too) as ints, doubles, strings (dates and ids too) as text,
// null as NULL; a list or struct (which a valid record never has in a scalar field) as its JSON
// text (mcrm/value_json.h). A string is bound without a copy: `value` must outlive the run.
void BindValue(Statement& stmt, int i, const Value& value);

}  // namespace mcrm::sqlite
