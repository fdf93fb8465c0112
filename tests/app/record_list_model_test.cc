// The app's list model on a real replica file: QAbstractItemModelTester watches every change,
// and a sync that lands while the list is shown changes it in place (rows inserted, data
// changed), never by a reset.
#include "app/record_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/record_controller.h"
#include "app/record_repository.h"
#include "mcrm/uuid.h"
#include "replica.h"
#include "sample_records.h"
#include "wire_codec.h"

namespace {

using mcrm::EntityType;
using mcrm::Record;
using mcrm::Value;

constexpr int64_t kT = 1793696400000;

class RecordListModelTest : public QObject {
  Q_OBJECT

 private:
  // A page of accounts named `names` as a pull delivers it, applied through a connection of its
  // own (as the sync worker's is).
  void Pull(const std::vector<std::pair<std::string, std::string>>& accounts) {
    auto replica = mcrm::device::Replica::Open(path_.toStdString());
    QVERIFY(replica.ok());
    mcrm::v1::PullResponse page;
    for (const auto& [id, name] : accounts) {
      Record r = mcrm::testing::ValidSample(EntityType::kAccount);
      r.id = id;
      r.Set("name", Value::String(name));
      r.meta.server_version = ++version_;
      r.meta.scope = mcrm::ComputeScopeKeys(r);
      mcrm::wire::ToProto(r, page.add_records());
    }
    page.set_next_cursor("c:" + std::to_string(version_));
    auto read = mcrm::device::ReadPulledPage(page);
    QVERIFY(read.ok());
    QVERIFY((*replica)->ApplyPulledPage(*read).ok());
  }
  std::string NewId() { return ids_.NextString(kT + counter_++); }
  QStringList Names(const mcrm::mobile::RecordListModel& model) {
    QStringList out;
    for (int i = 0; i < model.rowCount(); ++i) out << model.get(i).value("name").toString();
    return out;
  }

  QTemporaryDir dir_;
  QString path_;
  mcrm::UuidV7Generator ids_;
  int counter_ = 0;
  int64_t version_ = 0;

 private slots:
  void init() { path_ = dir_.filePath(QStringLiteral("replica-%1.sqlite3").arg(counter_++)); }

  void aSyncThatLandsChangesTheListInPlace() {
    const std::string alpha = NewId(), gamma = NewId();
    Pull({{alpha, "Alpha Bau"}, {gamma, "Gamma Kälte"}});
    mcrm::mobile::RecordRepository repository;
    QVERIFY(repository.Open(path_.toStdString(), "test-device").ok());
    mcrm::mobile::RecordListModel model(repository);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOrderBy(QStringLiteral("name"));
    QTRY_COMPARE_WITH_TIMEOUT(Names(model), (QStringList{"Alpha Bau", "Gamma Kälte"}), 20000);

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    // A pulled page adds one account between the two and renames one.
    const std::string beta = NewId();
    Pull({{beta, "Beta Holz"}, {gamma, "Gamma Kältetechnik"}});
    repository.NotifyRecordsChanged();
    QTRY_COMPARE_WITH_TIMEOUT(Names(model),
                              (QStringList{"Alpha Bau", "Beta Holz", "Gamma Kältetechnik"}), 20000);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 1);
    QVERIFY(changed.count() >= 1);
  }

  void aLocalEditShowsAtOnceWithItsPendingMark() {
    const std::string id = NewId();
    Pull({{id, "Moorhof"}});
    mcrm::mobile::RecordRepository repository;
    QVERIFY(repository.Open(path_.toStdString(), "test-device").ok());
    mcrm::mobile::RecordListModel model(repository);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOrderBy(QStringLiteral("name"));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 20000);
    QCOMPARE(model.get(0).value("pending").toBool(), false);

    mcrm::mobile::RecordController controller(repository);
    controller.setEntity(QStringLiteral("account"));
    controller.setRecordId(QString::fromStdString(id));
    QSignalSpy saved(&controller, &mcrm::mobile::RecordController::saved);
    controller.save({{QStringLiteral("name"), QStringLiteral("Talhof")}});
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(model.get(0).value("name").toString(), QStringLiteral("Talhof"),
                              20000);
    QCOMPARE(model.get(0).value("pending").toBool(), true);
  }

  void aRecordThatIsNotThereLoadsAsGone() {
    const std::string id = NewId();
    Pull({{id, "Moorhof"}});
    mcrm::mobile::RecordRepository repository;
    QVERIFY(repository.Open(path_.toStdString(), "test-device").ok());
    mcrm::mobile::RecordController controller(repository);
    controller.setEntity(QStringLiteral("account"));
    controller.setRecordId(QString::fromStdString(id));
    QTRY_VERIFY_WITH_TIMEOUT(controller.loaded() && controller.exists(), 20000);
    controller.setRecordId(QString::fromStdString(NewId()));
    QVERIFY(!controller.loaded());  // until the read answers: a page shows it is loading
    QTRY_VERIFY_WITH_TIMEOUT(controller.loaded(), 20000);
    QVERIFY(!controller.exists());
  }

  void aRefusedSaveNamesTheField() {
    const std::string id = NewId();
    Pull({{id, "Moorhof"}});
    mcrm::mobile::RecordRepository repository;
    QVERIFY(repository.Open(path_.toStdString(), "test-device").ok());
    mcrm::mobile::RecordController controller(repository);
    controller.setEntity(QStringLiteral("account"));
    controller.setRecordId(QString::fromStdString(id));
    controller.save({{QStringLiteral("emails"), QStringList{QStringLiteral("not an address")}}});
    QTRY_VERIFY_WITH_TIMEOUT(controller.errors().contains(QStringLiteral("emails")), 20000);
    QVERIFY(!controller.saving());
  }

  void searchFiltersAndPagesAreAnsweredByTheReplica() {
    std::vector<std::pair<std::string, std::string>> accounts;
    for (int i = 0; i < 120; ++i) {
      accounts.emplace_back(
          NewId(), (i % 2 ? "深圳华为技术有限公司 " : "Müller Bau ") + std::to_string(1000 + i));
    }
    Pull(accounts);
    mcrm::mobile::RecordRepository repository;
    QVERIFY(repository.Open(path_.toStdString(), "test-device").ok());
    mcrm::mobile::RecordListModel model(repository);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOrderBy(QStringLiteral("name"));
    QTRY_VERIFY_WITH_TIMEOUT(!model.loading() && model.rowCount() > 0, 20000);
    QCOMPARE(model.total(), 120);
    QCOMPARE(model.rowCount(), mcrm::mobile::RecordListModel::kPageSize);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 100, 20000);
    model.setSearch(QStringLiteral("华为"));
    QTRY_VERIFY_WITH_TIMEOUT(!model.loading() && model.total() == 60, 20000);
    model.setSearch(QStringLiteral("mül"));
    QTRY_VERIFY_WITH_TIMEOUT(!model.loading() && model.total() == 60, 20000);
    QVERIFY(model.get(0).value("name").toString().startsWith(QStringLiteral("Müller")));
  }
};

}  // namespace

QTEST_GUILESS_MAIN(RecordListModelTest)
#include "record_list_model_test.moc"
