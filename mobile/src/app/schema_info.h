// The schema as QML reads it (the `Schema` singleton): each entity's fields with their types
// and rules, so that one generic form edits any entity by field name.
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariantList>

namespace mcrm::mobile {

class SchemaInfo : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

  // Each field of `entity` (in schema order): {name, type, required, computed, enumValues,
  // maxLength, min, max, hasRange, members (for structs)}. Empty for an unknown entity.
  Q_INVOKABLE QVariantList fields(const QString& entity) const;
  Q_INVOKABLE QStringList enumValues(const QString& entity, const QString& field) const;
  // How many decimals money in `currency` has (mcrm/currency.h): money fields hold minor units.
  Q_INVOKABLE int currencyDigits(const QString& currency) const;
};

}  // namespace mcrm::mobile
