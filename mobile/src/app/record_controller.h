// One record for a page or a form: loads it (as the user sees it, pending changes included),
// saves a form's values through the replica's local write, which checks them by the server's own
// rules (mcrm/validation.h, the state machine, the user's scope) and reports a refusal by field,
// and deletes it. Work runs on the repository's thread.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

namespace mcrm::mobile {

class RecordRepository;

class RecordController : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString entity READ entity WRITE setEntity NOTIFY entityChanged)
  Q_PROPERTY(QString recordId READ recordId WRITE setRecordId NOTIFY recordIdChanged)
  Q_PROPERTY(QVariantMap record READ record NOTIFY recordChanged)
  Q_PROPERTY(bool exists READ exists NOTIFY recordChanged)
  // True once the record was read (whether or not it exists): a page can then tell "not on this
  // device" from "still loading".
  Q_PROPERTY(bool loaded READ loaded NOTIFY recordChanged)
  Q_PROPERTY(bool pending READ pending NOTIFY recordChanged)
  Q_PROPERTY(QVariantMap errors READ errors NOTIFY errorsChanged)
  Q_PROPERTY(bool saving READ saving NOTIFY savingChanged)

 public:
  explicit RecordController(QObject* parent = nullptr);
  RecordController(RecordRepository& repository, QObject* parent = nullptr);

  QString entity() const { return entity_; }
  void setEntity(const QString& entity);
  QString recordId() const { return record_id_; }
  void setRecordId(const QString& id);
  QVariantMap record() const { return record_; }
  bool exists() const { return exists_; }
  bool loaded() const { return loaded_; }
  bool pending() const { return pending_; }
  QVariantMap errors() const { return errors_; }
  bool saving() const { return saving_; }

  // Saves `values` (field name -> value; only what the form changed) as one local change: a new
  // record when recordId is empty (the id is made here), else an edit. Emits saved() or sets
  // errors (field name -> message; "" for one that names no field).
  Q_INVOKABLE void save(const QVariantMap& values);
  Q_INVOKABLE void remove();
  Q_INVOKABLE QString newId();

 signals:
  void entityChanged();
  void recordIdChanged();
  void recordChanged();
  void errorsChanged();
  void savingChanged();
  void saved(const QString& recordId);
  void removed();

 private:
  void Connect();
  void Load();
  void SetErrors(QVariantMap errors);
  void SetSaving(bool saving);

  RecordRepository* repository_;
  QString entity_ = QStringLiteral("account");
  QString record_id_;
  QVariantMap record_;
  bool exists_ = false;
  bool loaded_ = false;
  bool pending_ = false;
  QVariantMap errors_;
  bool saving_ = false;
  int generation_ = 0;
};

// A refusal's message keyed by the field it names: the shared validation writes "entity.field:
// reason" or "entity.field[2].member: reason"; the key is "field", and "" when no field of
// `entity` is named.
QVariantMap ErrorsByField(const QString& entity, const QString& message);

}  // namespace mcrm::mobile
