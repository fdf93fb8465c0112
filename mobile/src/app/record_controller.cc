#include "record_controller.h"

#include <QRegularExpression>

#include "record_repository.h"
#include "record_variant.h"
#include "replica.h"

namespace mcrm::mobile {
namespace {

struct LoadedRecord {
  bool exists = false;
  bool pending = false;
  QVariantMap values;
};

}  // namespace

QVariantMap ErrorsByField(const QString& entity, const QString& message) {
  // "account.emails[1]: not an email address" -> {"emails": "not an email address"}
  static const QRegularExpression kPath(QStringLiteral("^([a-z_]+)\\.([a-z_0-9]+)[^:]*: (.*)$"));
  const QRegularExpressionMatch match = kPath.match(message);
  if (match.hasMatch() && match.captured(1) == entity) {
    const EntitySpec* spec = FindEntity(entity.toStdString());
    if (spec != nullptr && spec->FieldByName(match.captured(2).toStdString()) != nullptr) {
      return {{match.captured(2), match.captured(3)}};
    }
  }
  return {{QString(), message}};
}

RecordController::RecordController(QObject* parent)
    : QObject(parent), repository_(RecordRepository::Default()) {
  Connect();
}

RecordController::RecordController(RecordRepository& repository, QObject* parent)
    : QObject(parent), repository_(&repository) {
  Connect();
}

void RecordController::Connect() {
  if (repository_ == nullptr) return;
  connect(repository_, &RecordRepository::recordChanged, this, [this](const QString& id) {
    if (id == record_id_) Load();
  });
  connect(repository_, &RecordRepository::recordsChanged, this, &RecordController::Load);
}

void RecordController::setEntity(const QString& entity) {
  if (entity == entity_) return;
  entity_ = entity;
  emit entityChanged();
  Load();
}

void RecordController::setRecordId(const QString& id) {
  if (id == record_id_) return;
  record_id_ = id;
  emit recordIdChanged();
  SetErrors({});
  // Another record: nothing of the last one shows while it loads.
  record_.clear();
  exists_ = pending_ = loaded_ = false;
  emit recordChanged();
  Load();
}

void RecordController::Load() {
  const int generation = ++generation_;
  if (record_id_.isEmpty() || repository_ == nullptr || !repository_->IsOpen()) {
    record_.clear();
    exists_ = pending_ = loaded_ = false;
    emit recordChanged();
    return;
  }
  const std::string id = record_id_.toStdString();
  repository_->Run<LoadedRecord>(
      this,
      [id](device::Replica& replica) {
        LoadedRecord out;
        auto record = replica.Read(id);
        if (!record.ok() || !record->has_value()) return out;
        out.exists = true;
        out.values = ToVariantMap(**record);
        auto unsent = replica.HasUnsentChanges(id);
        out.pending = unsent.ok() && *unsent;
        return out;
      },
      [this, generation](LoadedRecord loaded) {
        if (generation != generation_) return;
        record_ = std::move(loaded.values);
        exists_ = loaded.exists;
        loaded_ = true;
        pending_ = loaded.pending;
        emit recordChanged();
      });
}

void RecordController::save(const QVariantMap& values) {
  if (saving_ || repository_ == nullptr || !repository_->IsOpen()) return;
  const auto entity = EntityNamed(entity_);
  if (!entity.ok()) {
    SetErrors({{QString(), QString::fromStdString(std::string(entity.status().message()))}});
    return;
  }
  auto fields = FromVariantMap(*entity, values);
  if (!fields.ok()) {
    SetErrors(
        ErrorsByField(entity_, QString::fromStdString(std::string(fields.status().message()))));
    return;
  }
  SetSaving(true);
  const bool create = record_id_.isEmpty();
  RecordRepository* repository = repository_;
  const std::string given_id = record_id_.toStdString();
  repository_->Run<absl::StatusOr<std::string>>(
      this,
      [repository, create, given_id, type = *entity,
       changed = *std::move(fields)](device::Replica& replica) -> absl::StatusOr<std::string> {
        const std::string id = create ? repository->NewId() : given_id;
        auto written = replica.Write(type, id, changed, repository->NextHlc(), repository->NewId());
        if (!written.ok()) return written.status();
        return id;
      },
      [this, create](absl::StatusOr<std::string> id) {
        SetSaving(false);
        if (!id.ok()) {
          SetErrors(
              ErrorsByField(entity_, QString::fromStdString(std::string(id.status().message()))));
          return;
        }
        SetErrors({});
        const QString saved_id = QString::fromStdString(*id);
        if (create) {
          record_id_ = saved_id;
          emit recordIdChanged();
        }
        repository_->NotifyRecordChanged(saved_id);
        emit saved(saved_id);
      });
}

void RecordController::remove() {
  if (record_id_.isEmpty() || repository_ == nullptr || !repository_->IsOpen()) return;
  const auto entity = EntityNamed(entity_);
  if (!entity.ok()) return;
  RecordRepository* repository = repository_;
  const std::string id = record_id_.toStdString();
  repository_->Run<absl::Status>(
      this,
      [repository, id, type = *entity](device::Replica& replica) {
        return replica.Delete(type, id, repository->NextHlc(), repository->NewId()).status();
      },
      [this](absl::Status status) {
        if (!status.ok()) {
          SetErrors({{QString(), QString::fromStdString(std::string(status.message()))}});
          return;
        }
        repository_->NotifyRecordChanged(record_id_);
        emit removed();
      });
}

QString RecordController::newId() {
  return repository_ != nullptr && repository_->IsOpen()
             ? QString::fromStdString(repository_->NewId())
             : QString();
}

void RecordController::SetErrors(QVariantMap errors) {
  if (errors == errors_) return;
  errors_ = std::move(errors);
  emit errorsChanged();
}

void RecordController::SetSaving(bool saving) {
  if (saving == saving_) return;
  saving_ = saving;
  emit savingChanged();
}

}  // namespace mcrm::mobile
