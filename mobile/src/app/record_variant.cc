#include "record_variant.h"

#include <QStringList>

#include "absl/strings/str_cat.h"
#include "mcrm/status_macros.h"

namespace mcrm::mobile {
namespace {

QVariant StructToVariant(const StructSpec& shape, const Value& value) {
  QVariantMap out;
  if (!value.is_struct()) return out;
  for (const auto& [name, member] : value.struct_value()) {
    const FieldSpec* field = shape.Field(name);
    if (field != nullptr) out.insert(QString::fromStdString(name), ToVariant(*field, member));
  }
  return out;
}

absl::Status WrongKind(absl::string_view path, absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": expected ", expected));
}

absl::StatusOr<Value> FromVariant(const FieldSpec& field, const QVariant& variant,
                                  const std::string& path);

absl::StatusOr<Value> StructFromVariant(const StructSpec& shape, const QVariant& variant,
                                        const std::string& path) {
  if (variant.typeId() != QMetaType::QVariantMap) return WrongKind(path, "a group of values");
  Value::Struct out;
  const QVariantMap map = variant.toMap();
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it.key().toStdString();
    const FieldSpec* field = shape.Field(name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".", name, ": no such field"));
    }
    ASSIGN_OR_RETURN(Value value, FromVariant(*field, it.value(), path + "." + name));
    if (!value.is_null()) out.emplace(name, std::move(value));
  }
  return Value::StructOf(std::move(out));
}

absl::StatusOr<Value> FromVariant(const FieldSpec& field, const QVariant& variant,
                                  const std::string& path) {
  if (!variant.isValid() || variant.isNull()) return Value::Null();
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kText:
    case FieldType::kDate:
    case FieldType::kId:
    case FieldType::kEnum: {
      if (!variant.canConvert<QString>()) return WrongKind(path, "text");
      const QString text = variant.toString();
      if (text.isEmpty()) return Value::Null();
      return Value::String(text.toStdString());
    }
    case FieldType::kInt:
    case FieldType::kTimestamp: {
      if (variant.typeId() == QMetaType::QString && variant.toString().trimmed().isEmpty()) {
        return Value::Null();
      }
      bool ok = false;
      const double number = variant.toDouble(&ok);
      const qlonglong whole = static_cast<qlonglong>(number);
      if (!ok || static_cast<double>(whole) != number) return WrongKind(path, "a whole number");
      return Value::Int(whole);
    }
    case FieldType::kDouble: {
      if (variant.typeId() == QMetaType::QString && variant.toString().trimmed().isEmpty()) {
        return Value::Null();
      }
      bool ok = false;
      const double number = variant.toDouble(&ok);
      if (!ok) return WrongKind(path, "a number");
      return Value::Double(number);
    }
    case FieldType::kBool:
      if (variant.typeId() != QMetaType::Bool) return WrongKind(path, "yes or no");
      return Value::Bool(variant.toBool());
    case FieldType::kStringList:
    case FieldType::kIdList: {
      if (!variant.canConvert<QStringList>()) return WrongKind(path, "a list of texts");
      std::vector<std::string> items;
      for (const QString& item : variant.toStringList()) {
        if (!item.trimmed().isEmpty()) items.push_back(item.trimmed().toStdString());
      }
      if (items.empty()) return Value::Null();
      return Value::Strings(std::move(items));
    }
    case FieldType::kStruct:
      return StructFromVariant(*field.shape, variant, path);
    case FieldType::kStructList: {
      if (variant.typeId() != QMetaType::QVariantList && !variant.canConvert<QVariantList>()) {
        return WrongKind(path, "a list");
      }
      Value::List items;
      const QVariantList list = variant.toList();
      for (qsizetype i = 0; i < list.size(); ++i) {
        ASSIGN_OR_RETURN(Value item,
                         StructFromVariant(*field.shape, list[i], absl::StrCat(path, "[", i, "]")));
        if (!item.struct_value().empty()) items.push_back(std::move(item));
      }
      if (items.empty()) return Value::Null();
      return Value::ListOf(std::move(items));
    }
  }
  return WrongKind(path, "a value");
}

}  // namespace

QVariant ToVariant(const FieldSpec& field, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return {};
    case Value::Kind::kBool:
      return value.bool_value();
    case Value::Kind::kInt:
      return static_cast<qlonglong>(value.int_value());
    case Value::Kind::kDouble:
      return value.double_value();
    case Value::Kind::kString:
      return QString::fromStdString(value.string_value());
    case Value::Kind::kStruct:
      return field.shape != nullptr ? StructToVariant(*field.shape, value) : QVariant();
    case Value::Kind::kList: {
      if (field.type == FieldType::kStructList && field.shape != nullptr) {
        QVariantList out;
        for (const Value& item : value.list_value()) {
          out.push_back(StructToVariant(*field.shape, item));
        }
        return out;
      }
      QStringList out;
      for (const Value& item : value.list_value()) {
        if (item.is_string()) out.push_back(QString::fromStdString(item.string_value()));
      }
      return out;
    }
  }
  return {};
}

QVariantMap ToVariantMap(const Record& record) {
  QVariantMap out;
  const EntitySpec& entity = Spec(record.entity);
  for (const auto& [number, value] : record.fields) {
    const FieldSpec* field = entity.Field(number);
    if (field != nullptr) out.insert(QString::fromStdString(field->name), ToVariant(*field, value));
  }
  out.insert(QStringLiteral("id"), QString::fromStdString(record.id));
  out.insert(QStringLiteral("entity"), QString::fromStdString(entity.name));
  return out;
}

absl::StatusOr<FieldMap> FromVariantMap(EntityType entity, const QVariantMap& values) {
  const EntitySpec& spec = Spec(entity);
  FieldMap out;
  for (auto it = values.begin(); it != values.end(); ++it) {
    const std::string name = it.key().toStdString();
    const FieldSpec* field = spec.FieldByName(name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ".", name, ": no such field"));
    }
    ASSIGN_OR_RETURN(Value value,
                     FromVariant(*field, it.value(), absl::StrCat(spec.name, ".", name)));
    out[field->number] = std::move(value);
  }
  return out;
}

absl::StatusOr<EntityType> EntityNamed(const QString& name) {
  const EntitySpec* entity = FindEntity(name.toStdString());
  if (entity == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("entity: no such entity \"", name.toStdString(), "\""));
  }
  return entity->type;
}

QString RecordTitle(const Record& record) {
  for (const char* name : {"name", "subject", "title", "order_number", "competitor"}) {
    const FieldSpec* field = Spec(record.entity).FieldByName(name);
    if (field == nullptr) continue;
    const Value& value = record.Get(field->number);
    if (value.is_string() && !value.string_value().empty()) {
      return QString::fromStdString(value.string_value());
    }
  }
  if (record.entity == EntityType::kContact) {
    const Value& first = record.Get("first_name");
    const Value& last = record.Get("last_name");
    return QStringLiteral("%1 %2")
        .arg(first.is_string() ? QString::fromStdString(first.string_value()) : QString(),
             last.is_string() ? QString::fromStdString(last.string_value()) : QString())
        .trimmed();
  }
  return QString::fromStdString(record.id);
}

}  // namespace mcrm::mobile
