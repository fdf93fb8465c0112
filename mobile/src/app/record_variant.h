// Records as QML sees them: a QVariantMap keyed by the schema's field names, and back. One
// conversion for every entity, driven by the schema, so that no page or model has code of its
// own per entity. No QObject here.
#pragma once

#include <QString>
#include <QVariant>
#include <QVariantList>
#include <QVariantMap>

#include "absl/status/statusor.h"
#include "mcrm/record.h"

namespace mcrm::mobile {

// `record`'s set fields by name (string, text, enum, id, date: QString; int, timestamp:
// qlonglong; double; bool; string and id lists: QStringList; a struct: QVariantMap by member
// name; a list of structs: QVariantList of those), plus "id" and "entity".
QVariantMap ToVariantMap(const Record& record);

// The QVariant of one value of `field` (invalid QVariant for null).
QVariant ToVariant(const FieldSpec& field, const Value& value);

// A form's values (field name -> QVariant) as changed fields of `entity`. An empty string, an
// empty list and an invalid QVariant clear the field. INVALID_ARGUMENT naming the field for a
// name the entity does not have or a value of the wrong kind ("account.health_score: expected
// a whole number"). Rules beyond the kind are the shared validation's (mcrm/validation.h).
absl::StatusOr<FieldMap> FromVariantMap(EntityType entity, const QVariantMap& values);

// The entity named `name` ("account", "service_task"), as the schema names it.
absl::StatusOr<EntityType> EntityNamed(const QString& name);

// A one-line title for a record of any entity: its name, subject or title, whichever the entity
// has (for lists of changes and conflicts).
QString RecordTitle(const Record& record);

}  // namespace mcrm::mobile
