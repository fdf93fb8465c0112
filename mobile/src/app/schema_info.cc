#include "schema_info.h"

#include <QVariantMap>

#include "mcrm/currency.h"
#include "mcrm/schema.h"
#include "mcrm/validation.h"

namespace mcrm::mobile {
namespace {

// The type names QML forms switch on ("string list" -> "string_list").
QString TypeName(FieldType type) {
  QString name = QString::fromLatin1(FieldTypeName(type).data(),
                                     static_cast<qsizetype>(FieldTypeName(type).size()));
  return name.replace(QLatin1Char(' '), QLatin1Char('_'));
}

QVariantMap Describe(const FieldSpec& field) {
  QStringList values;
  for (const std::string& value : field.enum_values)
    values.push_back(QString::fromStdString(value));
  QVariantList members;
  if (field.shape != nullptr) {
    for (const FieldSpec& member : field.shape->fields) members.push_back(Describe(member));
  }
  return {
      {QStringLiteral("name"), QString::fromStdString(field.name)},
      {QStringLiteral("type"), TypeName(field.type)},
      {QStringLiteral("required"), field.required},
      {QStringLiteral("computed"), field.server_computed},
      {QStringLiteral("enumValues"), values},
      {QStringLiteral("maxLength"),
       static_cast<qlonglong>(field.max_length > 0             ? field.max_length
                              : field.type == FieldType::kText ? kDefaultTextMaxLength
                                                               : kDefaultStringMaxLength)},
      {QStringLiteral("hasRange"), field.has_range},
      {QStringLiteral("min"), field.min},
      {QStringLiteral("max"), field.max},
      {QStringLiteral("members"), members},
  };
}

}  // namespace

QVariantList SchemaInfo::fields(const QString& entity) const {
  QVariantList out;
  const EntitySpec* spec = FindEntity(entity.toStdString());
  if (spec == nullptr) return out;
  for (const FieldSpec& field : spec->fields) out.push_back(Describe(field));
  return out;
}

QStringList SchemaInfo::enumValues(const QString& entity, const QString& field) const {
  QStringList out;
  const EntitySpec* spec = FindEntity(entity.toStdString());
  const FieldSpec* found = spec ? spec->FieldByName(field.toStdString()) : nullptr;
  if (found == nullptr) return out;
  for (const std::string& value : found->enum_values) out.push_back(QString::fromStdString(value));
  return out;
}

int SchemaInfo::currencyDigits(const QString& currency) const {
  return CurrencyDigits(currency.toStdString());
}

}  // namespace mcrm::mobile
