#include "record_list_model.h"

#include <QTimer>
#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "list_rows.h"
#include "mcrm/sort_key.h"
#include "record_repository.h"
#include "record_variant.h"
#include "replica.h"

namespace mcrm::mobile {
namespace {

struct Loaded {
  absl::Status status;
  std::vector<RecordListModel::Row> rows;
  int total = 0;
  bool total_is_lower_bound = false;
};

// Orders an account's records by one field: unset values first (last when descending), then by
// id so that the order is total. Text by the list tables' sort keys (mcrm::SortKeyOf), so that
// every list of the app sorts alike.
void SortRecords(std::vector<Record>& records, const FieldSpec* field, bool descending) {
  struct Keyed {
    Record record;
    Value value;
    std::string text_key;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(records.size());
  for (Record& record : records) {
    Value value = field != nullptr ? record.Get(field->number) : Value::Null();
    std::string key = value.is_string() ? mcrm::SortKeyOf(value.string_value()) : std::string();
    keyed.push_back({std::move(record), std::move(value), std::move(key)});
  }
  const auto less = [](const Keyed& a, const Keyed& b) {
    const Value& x = a.value;
    const Value& y = b.value;
    if (x.is_null() != y.is_null()) return x.is_null();
    if (!x.is_null() && !(x == y)) {
      if (x.is_string() && y.is_string() && a.text_key != b.text_key) {
        return a.text_key < b.text_key;
      }
      if (x.is_int() && y.is_int()) return x.int_value() < y.int_value();
      if (x.is_double() && y.is_double()) return x.double_value() < y.double_value();
    }
    return a.record.id < b.record.id;
  };
  std::sort(keyed.begin(), keyed.end(),
            [&](const Keyed& a, const Keyed& b) { return descending ? less(b, a) : less(a, b); });
  records.clear();
  for (Keyed& k : keyed) records.push_back(std::move(k.record));
}

}  // namespace

RecordListModel::RecordListModel(QObject* parent)
    : QAbstractListModel(parent), repository_(RecordRepository::Default()) {
  Connect();
  setEntity(entity_);
}

RecordListModel::RecordListModel(RecordRepository& repository, QObject* parent)
    : QAbstractListModel(parent), repository_(&repository) {
  Connect();
  setEntity(entity_);
}

void RecordListModel::Connect() {
  if (repository_ == nullptr) return;
  connect(repository_, &RecordRepository::recordChanged, this, &RecordListModel::Refresh);
  connect(repository_, &RecordRepository::recordsChanged, this, &RecordListModel::Refresh);
}

void RecordListModel::setEntity(const QString& entity) {
  const auto type = EntityNamed(entity);
  if (!type.ok()) {
    SetLoading(false, QString::fromStdString(std::string(type.status().message())));
    return;
  }
  const bool same = entity == entity_ && !roles_.isEmpty();
  entity_ = entity;
  if (!same) {
    beginResetModel();
    rows_.clear();
    roles_ = {{kRecordIdRole, "recordId"}, {kPendingRole, "pending"}};
    role_fields_.clear();
    for (const FieldSpec& field : Spec(*type).fields) {
      roles_.insert(kPendingRole + 1 + static_cast<int>(role_fields_.size()),
                    QByteArray::fromStdString(field.name));
      role_fields_.push_back(QString::fromStdString(field.name));
    }
    endResetModel();
  }
  emit queryChanged();
  Restart();
}

void RecordListModel::setParentId(const QString& id) {
  if (id == parent_id_) return;
  parent_id_ = id;
  emit queryChanged();
  Restart();
}

void RecordListModel::setReferencedBy(const QString& field) {
  if (field == referenced_by_) return;
  referenced_by_ = field;
  emit queryChanged();
  Restart();
}

void RecordListModel::setSearch(const QString& search) {
  if (search == search_) return;
  search_ = search;
  emit queryChanged();
  Restart();
}

void RecordListModel::setFilters(const QVariantMap& filters) {
  if (filters == filters_) return;
  filters_ = filters;
  emit queryChanged();
  Restart();
}

void RecordListModel::setOrderBy(const QString& field) {
  if (field == order_by_) return;
  order_by_ = field;
  emit queryChanged();
  Restart();
}

void RecordListModel::setDescending(bool descending) {
  if (descending == descending_) return;
  descending_ = descending;
  emit queryChanged();
  Restart();
}

int RecordListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant RecordListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  const Row& row = rows_[static_cast<size_t>(index.row())];
  if (role == kRecordIdRole || role == Qt::DisplayRole) return row.id;
  if (role == kPendingRole) return row.pending;
  const int field = role - kPendingRole - 1;
  if (field < 0 || field >= static_cast<int>(role_fields_.size())) return {};
  return row.values.value(role_fields_[static_cast<size_t>(field)]);
}

QHash<int, QByteArray> RecordListModel::roleNames() const { return roles_; }

QVariantMap RecordListModel::get(int row) const {
  if (row < 0 || row >= static_cast<int>(rows_.size())) return {};
  QVariantMap out = rows_[static_cast<size_t>(row)].values;
  out.insert(QStringLiteral("recordId"), rows_[static_cast<size_t>(row)].id);
  out.insert(QStringLiteral("pending"), rows_[static_cast<size_t>(row)].pending);
  return out;
}

bool RecordListModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && !complete_ && !loading_ &&
         (total_is_lower_bound_ || static_cast<int>(rows_.size()) < total_);
}

void RecordListModel::fetchMore(const QModelIndex& parent) {
  if (canFetchMore(parent)) Load(kPageSize, /*append=*/true);
}

void RecordListModel::Restart() {
  ++generation_;
  if (!rows_.empty()) {
    beginResetModel();
    rows_.clear();
    endResetModel();
  }
  complete_ = false;
  total_ = 0;
  total_is_lower_bound_ = false;
  emit countChanged();
  // Several properties are often set in a row (QML bindings): one query for all of them.
  if (!refresh_queued_) {
    refresh_queued_ = true;
    QTimer::singleShot(0, this, [this] {
      refresh_queued_ = false;
      Load(std::max(static_cast<int>(rows_.size()), kPageSize), /*append=*/false);
    });
  }
}

void RecordListModel::Refresh() {
  if (refresh_queued_) return;
  refresh_queued_ = true;
  QTimer::singleShot(0, this, [this] {
    refresh_queued_ = false;
    Load(std::max(static_cast<int>(rows_.size()), kPageSize), /*append=*/false);
  });
}

void RecordListModel::Load(int rows, bool append) {
  if (repository_ == nullptr || !repository_->IsOpen()) return;
  const auto entity = EntityNamed(entity_);
  if (!entity.ok()) return;
  const int generation = ++generation_;
  SetLoading(true);
  const int offset = append ? static_cast<int>(rows_.size()) : 0;
  const std::string parent = parent_id_.toStdString();
  const std::string order_by = order_by_.toStdString();
  const bool descending = descending_;
  device::ListQuery query;
  query.entity = *entity;
  query.search = search_.toStdString();
  query.order_by = order_by;
  query.descending = descending;
  query.offset = offset;
  query.limit = std::min(rows, device::kMaxListLimit);
  for (auto it = filters_.begin(); it != filters_.end(); ++it) {
    if (!it.value().isValid() || it.value().toString().isEmpty()) continue;  // "any"
    const FieldSpec* field = Spec(*entity).FieldByName(it.key().toStdString());
    if (field == nullptr) continue;  // refused below, naming it
    query.equals.emplace_back(it.key().toStdString(),
                              field->type == FieldType::kInt
                                  ? Value::Int(it.value().toLongLong())
                                  : Value::String(it.value().toString().toStdString()));
  }
  for (auto it = filters_.begin(); it != filters_.end(); ++it) {
    if (Spec(*entity).FieldByName(it.key().toStdString()) == nullptr) {
      SetLoading(false, tr("Unknown filter: %1").arg(it.key()));
      return;
    }
  }
  // "account.territory_id": which listed entity and which of its fields.
  std::optional<std::pair<EntityType, std::string>> referenced_by;
  if (!referenced_by_.isEmpty()) {
    const QStringList parts = referenced_by_.split(QLatin1Char('.'));
    const auto source = EntityNamed(parts.value(0));
    if (parts.size() != 2 || !source.ok()) {
      SetLoading(false, tr("Not a field of an entity: %1").arg(referenced_by_));
      return;
    }
    referenced_by.emplace(*source, parts.value(1).toStdString());
  }
  repository_->Run<Loaded>(
      this,
      [query, parent, order_by, descending, referenced_by](device::Replica& replica) {
        Loaded out;
        if (referenced_by.has_value()) {
          auto ids = replica.ListValues(referenced_by->first, referenced_by->second,
                                        device::kMaxListLimit);
          if (!ids.ok()) {
            out.status = ids.status();
            return out;
          }
          std::vector<Record> records;
          for (const std::string& id : *ids) {
            auto record = replica.Read(id);
            if (record.ok() && record->has_value() && (*record)->entity == query.entity) {
              records.push_back(**std::move(record));
            }
          }
          SortRecords(records, Spec(query.entity).FieldByName(order_by), descending);
          for (const Record& record : records) {
            out.rows.push_back({QString::fromStdString(record.id), false, ToVariantMap(record)});
          }
          out.total = static_cast<int>(out.rows.size());
          return out;
        }
        if (parent.empty()) {
          auto listed = replica.List(query);
          if (!listed.ok()) {
            out.status = listed.status();
            return out;
          }
          // Counted a thousand rows beyond the page at most: one more means "more than".
          const int64_t at_most = query.offset + query.limit + RecordListModel::kCountAhead + 1;
          auto total = replica.CountList(query, at_most);
          out.total = total.ok() ? static_cast<int>(std::min(*total, at_most - 1)) : 0;
          out.total_is_lower_bound = total.ok() && *total == at_most;
          for (const device::ListedRow& row : *listed) {
            auto record = replica.Read(row.id);
            if (!record.ok() || !record->has_value()) continue;
            out.rows.push_back(
                {QString::fromStdString(row.id), row.pending, ToVariantMap(**record)});
          }
          return out;
        }
        auto children = replica.Children(parent, query.entity);
        if (!children.ok()) {
          out.status = children.status();
          return out;
        }
        SortRecords(*children, Spec(query.entity).FieldByName(order_by), descending);
        absl::flat_hash_set<std::string> pending;
        if (auto unsent = replica.UnsentRecordIds(); unsent.ok()) pending = *std::move(unsent);
        for (const Record& record : *children) {
          out.rows.push_back({QString::fromStdString(record.id), pending.contains(record.id),
                              ToVariantMap(record)});
        }
        out.total = static_cast<int>(out.rows.size());
        return out;
      },
      [this, generation, append](Loaded loaded) {
        if (generation != generation_) return;  // a newer query is under way
        if (!loaded.status.ok()) {
          SetLoading(false, QString::fromStdString(std::string(loaded.status.message())));
          return;
        }
        ApplyRows(std::move(loaded.rows), loaded.total, loaded.total_is_lower_bound, append);
        SetLoading(false);
      });
}

void RecordListModel::ApplyRows(std::vector<Row> rows, int total, bool total_is_lower_bound,
                                bool append) {
  if (append) {
    if (!rows.empty()) {
      const int first = static_cast<int>(rows_.size());
      beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
      for (Row& row : rows) rows_.push_back(std::move(row));
      endInsertRows();
    }
  } else {
    // In place: walk the new rows; keep a row that is still there (its data may change), remove
    // the rows that are gone before it, insert the ones that are new.
    size_t i = 0;
    for (Row& row : rows) {
      const auto found = std::find_if(rows_.begin() + static_cast<std::ptrdiff_t>(i), rows_.end(),
                                      [&](const Row& old) { return old.id == row.id; });
      if (found == rows_.end()) {
        beginInsertRows({}, static_cast<int>(i), static_cast<int>(i));
        rows_.insert(rows_.begin() + static_cast<std::ptrdiff_t>(i), std::move(row));
        endInsertRows();
      } else {
        const auto at = static_cast<size_t>(found - rows_.begin());
        if (at > i) {
          beginRemoveRows({}, static_cast<int>(i), static_cast<int>(at) - 1);
          rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(i),
                      rows_.begin() + static_cast<std::ptrdiff_t>(at));
          endRemoveRows();
        }
        Row& old = rows_[i];
        if (old.pending != row.pending || old.values != row.values) {
          old = std::move(row);
          emit dataChanged(index(static_cast<int>(i)), index(static_cast<int>(i)));
        }
      }
      ++i;
    }
    if (i < rows_.size()) {
      beginRemoveRows({}, static_cast<int>(i), static_cast<int>(rows_.size()) - 1);
      rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(i), rows_.end());
      endRemoveRows();
    }
  }
  total_ = std::max(total, static_cast<int>(rows_.size()));
  total_is_lower_bound_ = total_is_lower_bound;
  complete_ = !total_is_lower_bound_ && static_cast<int>(rows_.size()) >= total_;
  emit countChanged();
}

void RecordListModel::SetLoading(bool loading, const QString& error) {
  if (loading == loading_ && error == error_) return;
  loading_ = loading;
  error_ = error;
  emit loadingChanged();
}

}  // namespace mcrm::mobile
