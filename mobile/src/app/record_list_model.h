// A list of records for QML: the customers (filtered, searched, sorted by name), or the records
// of one account (its contacts, its timeline of interactions, ...). Roles are the entity's
// field names from the schema, plus `recordId` and `pending`; nothing here is written per
// entity. Queries run on the repository's thread. When records change (a local write, a synced
// batch), the rows shown are read again and the list changes in place (inserts, removals,
// dataChanged), so a sync that lands while a rep scrolls neither resets the list nor moves it.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QVariantMap>
#include <vector>

namespace mcrm::mobile {

class RecordRepository;

class RecordListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(QString entity READ entity WRITE setEntity NOTIFY queryChanged)
  Q_PROPERTY(QString parentId READ parentId WRITE setParentId NOTIFY queryChanged)
  // "account.territory_id": the records of `entity` that this field of a listed entity points
  // at (the territories of the rep's customers), for a filter's choices.
  Q_PROPERTY(QString referencedBy READ referencedBy WRITE setReferencedBy NOTIFY queryChanged)
  Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY queryChanged)
  Q_PROPERTY(QVariantMap filters READ filters WRITE setFilters NOTIFY queryChanged)
  Q_PROPERTY(QString orderBy READ orderBy WRITE setOrderBy NOTIFY queryChanged)
  Q_PROPERTY(bool descending READ descending WRITE setDescending NOTIFY queryChanged)
  Q_PROPERTY(int count READ rowCountProperty NOTIFY countChanged)
  Q_PROPERTY(int total READ total NOTIFY countChanged)
  // True when `total` is a lower bound: there are more than `total` rows (a broad search counts
  // no further than a screenful beyond kCountAhead).
  Q_PROPERTY(bool totalIsLowerBound READ totalIsLowerBound NOTIFY countChanged)
  Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
  Q_PROPERTY(QString error READ error NOTIFY loadingChanged)

 public:
  // How many rows a page reads.
  static constexpr int kPageSize = 50;
  // How far beyond the rows loaded a list counts.
  static constexpr int kCountAhead = 1000;

  // QML makes models without arguments: they use RecordRepository::Default().
  explicit RecordListModel(QObject* parent = nullptr);
  RecordListModel(RecordRepository& repository, QObject* parent = nullptr);

  QString entity() const { return entity_; }
  void setEntity(const QString& entity);
  QString parentId() const { return parent_id_; }
  void setParentId(const QString& id);
  QString referencedBy() const { return referenced_by_; }
  void setReferencedBy(const QString& field);
  QString search() const { return search_; }
  void setSearch(const QString& search);
  QVariantMap filters() const { return filters_; }
  void setFilters(const QVariantMap& filters);
  QString orderBy() const { return order_by_; }
  void setOrderBy(const QString& field);
  bool descending() const { return descending_; }
  void setDescending(bool descending);
  int total() const { return total_; }
  bool totalIsLowerBound() const { return total_is_lower_bound_; }
  bool loading() const { return loading_; }
  QString error() const { return error_; }
  int rowCountProperty() const { return static_cast<int>(rows_.size()); }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;

  // Every role of `row` by name (for QML: model.get(i).name).
  Q_INVOKABLE QVariantMap get(int row) const;

 signals:
  void queryChanged();
  void countChanged();
  void loadingChanged();

 public:
  struct Row {
    QString id;
    bool pending = false;
    QVariantMap values;
  };

 private:
  enum FixedRole { kRecordIdRole = Qt::UserRole + 1, kPendingRole };

  void Connect();
  // The query changed: read the first page anew (the list starts over).
  void Restart();
  // Records changed: read again the rows shown and change the list in place.
  void Refresh();
  // Reads rows [0, `rows`) (or the next page, when `append`) on the repository's thread.
  void Load(int rows, bool append);
  void ApplyRows(std::vector<Row> rows, int total, bool total_is_lower_bound, bool append);
  void SetLoading(bool loading, const QString& error = {});

  RecordRepository* repository_;
  QString entity_ = QStringLiteral("account");
  QString parent_id_;
  QString referenced_by_;
  QString search_;
  QVariantMap filters_;
  QString order_by_;
  bool descending_ = false;
  std::vector<Row> rows_;
  QHash<int, QByteArray> roles_;
  std::vector<QString> role_fields_;  // field name of role kPendingRole + 1 + i
  int total_ = 0;
  bool total_is_lower_bound_ = false;
  bool loading_ = false;
  QString error_;
  int generation_ = 0;     // results of an older query are dropped
  bool complete_ = false;  // rows_ holds every matching row
  bool refresh_queued_ = false;
};

}  // namespace mcrm::mobile
