#include "mcrm/sqlite/bind_value.h"

#include "mcrm/value_json.h"

namespace mcrm::sqlite {

void BindValue(Statement& stmt, int i, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      stmt.Null(i);
      return;
    case Value::Kind::kBool:
      stmt.Int(i, value.bool_value() ? 1 : 0);
      return;
    case Value::Kind::kInt:
      stmt.Int(i, value.int_value());
      return;
    case Value::Kind::kDouble:
      stmt.Double(i, value.double_value());
      return;
    case Value::Kind::kString:
      stmt.TextRef(i, value.string_value());
      return;
    case Value::Kind::kList:
    case Value::Kind::kStruct:
      stmt.Text(i, JsonOf(value));
      return;
  }
}

}  // namespace mcrm::sqlite
