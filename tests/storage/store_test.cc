#include "storage/store.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/options_util.h"
#include "storage/keys.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::storage {
namespace {

using ::shopml::testing::StatusIs;
using ::shopml::testing::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr int64_t kSecond = 1000000;

store::v1::ItemRecord Item(const std::string& id, const std::string& category,
                           double price) {
  store::v1::ItemRecord item;
  item.set_item_id(id);
  item.set_category(category);
  item.set_price(price);
  return item;
}

EventInput Event(const std::string& user, const std::string& item,
                 EventKind kind, int64_t time_micros) {
  EventInput event;
  event.user_id = user;
  event.item_id = item;
  event.kind = kind;
  event.time_micros = time_micros;
  return event;
}

// The store's database opened with RocksDB directly, every family of
// kFamilies plus "default", as another build or a damaged disk would see it.
class RawDb {
 public:
  explicit RawDb(const std::string& path, bool read_only = false) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}}};
    for (const char* name : kFamilies) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status status =
        read_only
            ? rocksdb::DB::OpenForReadOnly({}, path, families, &handles_, &raw)
            : rocksdb::DB::Open({}, path, families, &handles_, &raw);
    EXPECT_TRUE(status.ok()) << status.ToString();
    db_.reset(raw);
  }
  ~RawDb() {
    if (db_ == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      EXPECT_TRUE(db_->DestroyColumnFamilyHandle(handle).ok());
    }
    EXPECT_TRUE(db_->Close().ok());
  }

  bool ok() const { return db_ != nullptr; }
  rocksdb::DB* db() const { return db_.get(); }
  // The handle of `name`, one of kFamilies.
  rocksdb::ColumnFamilyHandle* family(const std::string& name) const {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (handle->GetName() == name) return handle;
    }
    ADD_FAILURE() << "no family " << name;
    return nullptr;
  }
  // Number of entries in family `name`.
  int Count(const std::string& name) const {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), family(name)));
    int count = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return count;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Writes `value` under `key` of the `meta` family with RocksDB directly;
// nullopt deletes the key.
void PutRawMeta(const std::string& path, const std::string& key,
                const std::optional<std::string>& value) {
  RawDb raw(path);
  ASSERT_TRUE(raw.ok());
  rocksdb::ColumnFamilyHandle* meta = raw.family(kMetaFamily);
  EXPECT_TRUE((value.has_value() ? raw.db()->Put({}, meta, key, *value)
                                 : raw.db()->Delete({}, meta, key))
                  .ok());
}

// Names of the files in `dir` for which `match` holds, sorted.
std::vector<std::string> FilesIn(
    const std::string& dir,
    const std::function<bool(const std::string&)>& match) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (match(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool IsSstFile(const std::string& name) { return name.ends_with(".sst"); }
bool IsWalFile(const std::string& name) { return name.ends_with(".log"); }

class StoreTest : public ::testing::Test {
 protected:
  StoreOptions Options(bool read_only = false) const {
    return OptionsAt(dir_.Sub("store"), read_only);
  }
  StoreOptions OptionsAt(const std::string& path,
                         bool read_only = false) const {
    StoreOptions options;
    options.path = path;
    options.read_only = read_only;
    options.sync = SyncMode::kNoSync;
    options.block_cache_bytes = 1 << 20;
    return options;
  }

  // Opens the store of this test, failing the test on error.
  std::unique_ptr<Store> OpenStore(bool read_only = false) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        Store::Open(Options(read_only));
    EXPECT_THAT(store, ::shopml::testing::IsOk());
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Writes one item, one event and one sale to the store at `path`.
  void WriteSomeData(const std::string& path) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store,
                         Store::Open(OptionsAt(path)));
    WriteBatchInput batch;
    batch.items.push_back(Item("sku-1", "a", 1));
    batch.events.push_back(Event("bob", "sku-1", EventKind::kView, kSecond));
    batch.sales.push_back({"s1", 1, 2});
    ASSERT_OK(store->Write(batch).status());
  }

  TempDir dir_;
};

TEST_F(StoreTest, ItemRecordsRoundTrip) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.items.push_back(Item("sku-1", "shoes/running", 59.5));
  batch.items[0].set_stock_status(1);
  batch.items[0].set_title("Trail \"Runner\"");
  (*batch.items[0].mutable_attributes())["brand"] = "Acme";
  batch.items.push_back(Item("sku-2", "hats", 10));
  ASSERT_OK_AND_ASSIGN(WriteResult result, store->Write(batch));
  EXPECT_EQ(result.items_created, 2);
  EXPECT_EQ(result.users_created, 0);

  ASSERT_OK_AND_ASSIGN(uint32_t id, store->FindItem("sku-1"));
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(store->ItemId(id), "sku-1");
  ASSERT_OK_AND_ASSIGN(store::v1::ItemRecord record, store->GetItem(id));
  EXPECT_EQ(record.item_id(), "sku-1");
  EXPECT_EQ(record.category(), "shoes/running");
  EXPECT_EQ(record.price(), 59.5);
  EXPECT_EQ(record.stock_status(), 1);
  EXPECT_EQ(record.title(), "Trail \"Runner\"");
  EXPECT_EQ(record.attributes().at("brand"), "Acme");
}

TEST_F(StoreTest, UserRecordsRoundTrip) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  store::v1::UserRecord& user = batch.users.emplace_back();
  user.set_user_id("alice");
  (*user.mutable_attributes())["country"] = "PT";
  ASSERT_OK_AND_ASSIGN(WriteResult result, store->Write(batch));
  EXPECT_EQ(result.users_created, 1);
  ASSERT_OK_AND_ASSIGN(uint32_t id, store->FindUser("alice"));
  EXPECT_EQ(store->UserId(id), "alice");
  ASSERT_OK_AND_ASSIGN(store::v1::UserRecord record, store->GetUser(id));
  EXPECT_EQ(record.attributes().at("country"), "PT");
}

TEST_F(StoreTest, UpsertOfKnownItemCreatesNoId) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.items.push_back(Item("sku-1", "a", 1));
  ASSERT_OK(store->Write(batch).status());
  batch.items[0].set_price(2);
  ASSERT_OK_AND_ASSIGN(WriteResult result, store->Write(batch));
  EXPECT_EQ(result.items_created, 0);
  EXPECT_EQ(store->NumItems(), 1u);
  ASSERT_OK_AND_ASSIGN(store::v1::ItemRecord record, store->GetItem(0));
  EXPECT_EQ(record.price(), 2);
}

TEST_F(StoreTest, EventsAssignIdsToNewUsersAndItems) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "sku-9", EventKind::kView, kSecond));
  batch.events.push_back(Event("bob", "sku-8", EventKind::kView, 2 * kSecond));
  batch.events.push_back(Event("eve", "sku-9", EventKind::kView, 3 * kSecond));
  ASSERT_OK_AND_ASSIGN(WriteResult result, store->Write(batch));
  EXPECT_EQ(result.users_created, 2);
  EXPECT_EQ(result.items_created, 2);
  EXPECT_EQ(store->NumUsers(), 2u);
  EXPECT_EQ(store->NumItems(), 2u);
  ASSERT_OK_AND_ASSIGN(uint32_t item, store->FindItem("sku-8"));
  EXPECT_EQ(item, 1u);
}

TEST_F(StoreTest, ItemOnlySeenInEventsHasNoRecord) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "sku-9", EventKind::kView, kSecond));
  ASSERT_OK(store->Write(batch).status());
  EXPECT_THAT(store->GetItem(0),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no record")));
}

TEST_F(StoreTest, UnknownIdsAreNotFound) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_THAT(store->FindUser("nobody"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nobody")));
  EXPECT_THAT(store->FindItem("nothing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nothing")));
  EXPECT_THAT(store->SeriesSales("s"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("series")));
  EXPECT_THAT(store->UserEvents(0, 0),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("user 0")));
}

TEST_F(StoreTest, IdsAreStableAcrossReopen) {
  {
    std::unique_ptr<Store> store = OpenStore();
    WriteBatchInput batch;
    batch.items.push_back(Item("sku-1", "a", 1));
    batch.events.push_back(Event("bob", "sku-2", EventKind::kView, kSecond));
    batch.sales.push_back({"store-1/sku-1", 100, 3});
    ASSERT_OK(store->Write(batch).status());
  }
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_OK_AND_ASSIGN(uint32_t sku1, store->FindItem("sku-1"));
  ASSERT_OK_AND_ASSIGN(uint32_t sku2, store->FindItem("sku-2"));
  ASSERT_OK_AND_ASSIGN(uint32_t bob, store->FindUser("bob"));
  ASSERT_OK_AND_ASSIGN(uint32_t series, store->FindSeries("store-1/sku-1"));
  EXPECT_EQ(sku1, 0u);
  EXPECT_EQ(sku2, 1u);
  EXPECT_EQ(bob, 0u);
  EXPECT_EQ(series, 0u);
  EXPECT_EQ(store->ItemId(1), "sku-2");

  WriteBatchInput more;
  more.items.push_back(Item("sku-3", "a", 1));
  ASSERT_OK(store->Write(more).status());
  ASSERT_OK_AND_ASSIGN(uint32_t sku3, store->FindItem("sku-3"));
  EXPECT_EQ(sku3, 2u);
}

TEST_F(StoreTest, InvalidEntryStoresNothingAndAssignsNoIds) {
  {
    std::unique_ptr<Store> store = OpenStore();
    WriteBatchInput batch;
    batch.items.push_back(Item("sku-1", "a", 1));
    batch.events.push_back(Event("bob", "sku-1", EventKind::kView, kSecond));
    batch.events.push_back(
        Event("bob", "sku-2", EventKind::kPurchase, kSecond));
    batch.events[1].quantity = -2;
    EXPECT_THAT(
        store->Write(batch),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr("events[1].quantity: must be >= 0, got -2")));
    EXPECT_EQ(store->NumItems(), 0u);
    EXPECT_EQ(store->NumUsers(), 0u);
  }
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->NumItems(), 0u);
  EXPECT_EQ(store->NumUsers(), 0u);
  EXPECT_THAT(store->FindItem("sku-1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("sku-1")));
  int scanned = 0;
  ASSERT_OK(store->ScanItems([&](uint32_t, const store::v1::ItemRecord&) {
    ++scanned;
    return true;
  }));
  EXPECT_EQ(scanned, 0);
}

struct InvalidCase {
  std::string name;
  std::function<void(WriteBatchInput&)> spoil;
  std::string message;
};

TEST_F(StoreTest, RejectsInvalidEntriesNamingEntryAndField) {
  const std::vector<InvalidCase> cases = {
      {"empty item id", [](WriteBatchInput& b) { b.items[0].set_item_id(""); },
       "items[0].item_id: must be 1-128 bytes, got 0"},
      {"long item id",
       [](WriteBatchInput& b) {
         b.items[0].set_item_id(std::string(129, 'x'));
       },
       "items[0].item_id: must be 1-128 bytes, got 129"},
      {"bad utf-8", [](WriteBatchInput& b) { b.users[0].set_user_id("a\xff"); },
       "users[0].user_id: must be valid UTF-8"},
      {"control char", [](WriteBatchInput& b) { b.events[0].item_id = "a\tb"; },
       "events[0].item_id: must not contain control characters"},
      {"nan price",
       [](WriteBatchInput& b) { b.items[0].set_price(std::nan("")); },
       "items[0].price: must be finite"},
      {"negative price", [](WriteBatchInput& b) { b.items[0].set_price(-1); },
       "items[0].price: must be >= 0, got -1"},
      {"stock status",
       [](WriteBatchInput& b) { b.items[0].set_stock_status(7); },
       "items[0].stock_status"},
      {"long category",
       [](WriteBatchInput& b) {
         b.items[0].set_category(std::string(257, 'c'));
       },
       "items[0].category: must be at most 256 bytes, got 257"},
      {"long title",
       [](WriteBatchInput& b) { b.items[0].set_title(std::string(1025, 't')); },
       "items[0].title: must be at most 1024 bytes, got 1025"},
      {"too many attributes",
       [](WriteBatchInput& b) {
         for (int i = 0; i < 65; ++i) {
           (*b.users[0].mutable_attributes())["a" + std::to_string(i)] = "v";
         }
       },
       "users[0].attributes: must hold at most 64 entries, got 65"},
      {"rating above 10", [](WriteBatchInput& b) { b.events[0].rating = 11; },
       "events[0].rating: must be finite and in [0, 10], got 11"},
      {"infinite rating",
       [](WriteBatchInput& b) { b.events[0].rating = INFINITY; },
       "events[0].rating"},
      {"event kind",
       [](WriteBatchInput& b) { b.events[0].kind = static_cast<EventKind>(9); },
       "events[0].kind"},
      {"event year 10000",
       [](WriteBatchInput& b) { b.events[0].time_micros = INT64_MAX; },
       "events[0].time_micros"},
      {"negative sale", [](WriteBatchInput& b) { b.sales[0].quantity = -3; },
       "sales[0].quantity: must be >= 0, got -3"},
      {"sale day", [](WriteBatchInput& b) { b.sales[0].day = -30000; },
       "sales[0].day"},
      {"recommendation id",
       [](WriteBatchInput& b) {
         b.events[0].recommendation_id = std::string(200, 'r');
       },
       "events[0].recommendation_id: must be 1-128 bytes"},
  };
  std::unique_ptr<Store> store = OpenStore();
  for (const InvalidCase& c : cases) {
    WriteBatchInput batch;
    batch.items.push_back(Item("sku-1", "a", 1));
    batch.users.emplace_back().set_user_id("alice");
    batch.events.push_back(Event("alice", "sku-1", EventKind::kView, kSecond));
    batch.sales.push_back({"s", 1, 1});
    c.spoil(batch);
    EXPECT_THAT(
        store->Write(batch),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.name;
  }
  EXPECT_EQ(store->NumItems(), 0u);
}

TEST_F(StoreTest, RejectsNewerSchemaVersion) {
  OpenStore().reset();
  PutRawMeta(Options().path, SchemaVersionKey(), "2");
  EXPECT_THAT(Store::Open(Options()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("has schema version 2; this build reads up "
                                 "to 1")));
}

TEST_F(StoreTest, UnreadableSchemaVersionIsDataLoss) {
  OpenStore().reset();
  PutRawMeta(Options().path, SchemaVersionKey(), "banana");
  EXPECT_THAT(Store::Open(Options()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("banana")));
}

TEST_F(StoreTest, MissingSchemaVersionWithDataIsDataLoss) {
  {
    std::unique_ptr<Store> store = OpenStore();
    WriteBatchInput batch;
    batch.items.push_back(Item("sku-1", "a", 1));
    ASSERT_OK(store->Write(batch).status());
  }
  PutRawMeta(Options().path, SchemaVersionKey(), std::nullopt);
  EXPECT_THAT(Store::Open(Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("holds data but no schema version")));
}

TEST_F(StoreTest, GarbageCurrentFileIsDataLoss) {
  OpenStore().reset();
  {
    std::ofstream current(Options().path + "/CURRENT", std::ios::trunc);
    current << "\x01garbage";
  }
  EXPECT_THAT(Store::Open(Options()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(Options().path)));
}

TEST_F(StoreTest, CurrentFileNamingAMissingManifestIsDataLoss) {
  OpenStore().reset();
  {
    std::ofstream current(Options().path + "/CURRENT", std::ios::trunc);
    current << "MANIFEST-999999\n";
  }
  EXPECT_THAT(
      Store::Open(Options()),
      StatusIs(absl::StatusCode::kDataLoss,
               AllOf(HasSubstr(Options().path), HasSubstr("MANIFEST-999999"))));
}

TEST_F(StoreTest, MissingCurrentWithRocksDbFilesIsDataLossAndKeepsSstFiles) {
  for (const bool remove_wal : {false, true}) {
    SCOPED_TRACE(remove_wal ? "CURRENT and WAL removed" : "CURRENT removed");
    const std::string path = dir_.Sub(remove_wal ? "no_wal" : "with_wal");
    WriteSomeData(path);
    // Reopening replays the WAL into SST files.
    ASSERT_OK(Store::Open(OptionsAt(path)).status());
    const std::vector<std::string> sst_files = FilesIn(path, IsSstFile);
    ASSERT_FALSE(sst_files.empty());
    std::filesystem::remove(path + "/CURRENT");
    if (remove_wal) {
      for (const std::string& wal : FilesIn(path, IsWalFile)) {
        std::filesystem::remove(path + "/" + wal);
      }
    }
    // A second open must not find a store that the first one created.
    for (int attempt = 0; attempt < 2; ++attempt) {
      EXPECT_THAT(Store::Open(OptionsAt(path)),
                  StatusIs(absl::StatusCode::kDataLoss,
                           AllOf(HasSubstr(path),
                                 HasSubstr("has RocksDB files but no CURRENT; "
                                           "restore from a backup"))))
          << "attempt " << attempt;
    }
    EXPECT_THAT(Store::Open(OptionsAt(path, /*read_only=*/true)),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no CURRENT")));
    EXPECT_FALSE(std::filesystem::exists(path + "/CURRENT"));
    EXPECT_EQ(FilesIn(path, IsSstFile), sst_files);
  }
}

TEST_F(StoreTest, EmptyDirectoryBecomesANewStore) {
  std::filesystem::create_directory(Options().path);
  // What a failed first open may leave behind; not a store yet.
  dir_.WriteFile("store/LOG", "");
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->NumItems(), 0u);
}

TEST_F(StoreTest, MissingColumnFamilyOfExistingStoreIsDataLoss) {
  for (const char* family : kFamilies) {
    SCOPED_TRACE(family);
    const std::string path = dir_.Sub(family);
    WriteSomeData(path);
    {
      RawDb raw(path);
      ASSERT_TRUE(raw.ok());
      ASSERT_TRUE(raw.db()->DropColumnFamily(raw.family(family)).ok());
    }
    const std::string message =
        absl::StrCat("has no column family \"", family, "\"");
    for (int attempt = 0; attempt < 2; ++attempt) {
      EXPECT_THAT(Store::Open(OptionsAt(path)),
                  StatusIs(absl::StatusCode::kDataLoss,
                           AllOf(HasSubstr(path), HasSubstr(message))))
          << "attempt " << attempt;
    }
    EXPECT_THAT(Store::Open(OptionsAt(path, /*read_only=*/true)),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(message)));
  }
}

TEST_F(StoreTest, EmptyMetaBesideDataIsDataLoss) {
  WriteSomeData(Options().path);
  {
    RawDb raw(Options().path);
    ASSERT_TRUE(raw.ok());
    rocksdb::ColumnFamilyHandle* meta = raw.family(kMetaFamily);
    // Deletes every key of `meta`: an empty `meta` must not be claimed as a
    // new store while events still name dense ids.
    ASSERT_TRUE(raw.db()
                    ->DeleteRange({}, meta, std::string(1, '\0'),
                                  std::string(8, '\xff'))
                    .ok());
  }
  EXPECT_THAT(Store::Open(Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("holds data but no schema version")));
}

TEST_F(StoreTest, IdsEqualToTheRestOfAMetaKeyCannotClobberIt) {
  // "chema_version" as a series once overwrote the key "schema_version".
  const std::vector<std::string> ids = {"chema_version",
                                        SchemaVersionKey().substr(1)};
  {
    std::unique_ptr<Store> store = OpenStore();
    WriteBatchInput batch;
    for (const std::string& id : ids) {
      batch.items.push_back(Item(id, "a", 1));
      batch.users.emplace_back().set_user_id(id);
      batch.sales.push_back({id, 1, 1});
    }
    ASSERT_OK(store->Write(batch).status());
  }
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const std::string& id : ids) {
    EXPECT_OK(store->FindItem(id).status());
    EXPECT_OK(store->FindUser(id).status());
    EXPECT_OK(store->SeriesSales(id).status());
  }
}

TEST_F(StoreTest, IdenticalEventsInOneBatchAreKeptOneMicrosecondApart) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "a", EventKind::kPurchase, kSecond));
  batch.events.push_back(batch.events[0]);
  // Collides with the second event once that one moves to kSecond + 1.
  batch.events.push_back(Event("bob", "a", EventKind::kPurchase, kSecond + 1));
  batch.events[0].quantity = 1;
  batch.events[1].quantity = 2;
  batch.events[2].quantity = 3;
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                       store->UserEvents(0, 0));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].time_micros, kSecond);
  EXPECT_EQ(events[2].quantity, 1);
  EXPECT_EQ(events[1].time_micros, kSecond + 1);
  EXPECT_EQ(events[1].quantity, 2);
  EXPECT_EQ(events[0].time_micros, kSecond + 2);
  EXPECT_EQ(events[0].quantity, 3);
  store.reset();
  RawDb raw(Options().path, /*read_only=*/true);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.Count(kItemEventsFamily), 3);
}

TEST_F(StoreTest, RetriedBatchWithIdenticalEventsStoresThemOnce) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "a", EventKind::kView, kSecond));
  batch.events.push_back(batch.events[0]);
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                       store->UserEvents(0, 0));
  EXPECT_EQ(events.size(), 2u);
  store.reset();
  RawDb raw(Options().path, /*read_only=*/true);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.Count(kEventsFamily), 2);
  EXPECT_EQ(raw.Count(kItemEventsFamily), 2);
}

TEST_F(StoreTest, DatabaseOptionsBoundTheWalAndRecoverToAPointInTime) {
  OpenStore().reset();
  rocksdb::ConfigOptions config;
  config.ignore_unknown_options = true;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  ASSERT_TRUE(
      rocksdb::LoadLatestOptions(config, Options().path, &db_options, &families)
          .ok());
  EXPECT_EQ(db_options.max_total_wal_size, uint64_t{256} << 20);
  EXPECT_EQ(db_options.wal_recovery_mode,
            rocksdb::WALRecoveryMode::kPointInTimeRecovery);
}

TEST_F(StoreTest, SecondWriterIsUnavailableMentioningLock) {
  std::unique_ptr<Store> first = OpenStore();
  EXPECT_THAT(
      Store::Open(Options()),
      StatusIs(absl::StatusCode::kUnavailable,
               ::testing::AllOf(HasSubstr("lock"), HasSubstr(Options().path))));
}

TEST_F(StoreTest, ReadOnlyOpenSeesDataBesideTheWriter) {
  std::unique_ptr<Store> writer = OpenStore();
  WriteBatchInput batch;
  batch.items.push_back(Item("sku-1", "a", 1));
  batch.events.push_back(Event("bob", "sku-1", EventKind::kView, kSecond));
  ASSERT_OK(writer->Write(batch).status());

  std::unique_ptr<Store> reader = OpenStore(/*read_only=*/true);
  ASSERT_OK_AND_ASSIGN(uint32_t item, reader->FindItem("sku-1"));
  ASSERT_OK_AND_ASSIGN(store::v1::ItemRecord record, reader->GetItem(item));
  EXPECT_EQ(record.item_id(), "sku-1");
  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                       reader->UserEvents(0, 0));
  EXPECT_EQ(events.size(), 1u);
}

TEST_F(StoreTest, ReadOnlyStoreRejectsWrites) {
  OpenStore().reset();
  std::unique_ptr<Store> reader = OpenStore(/*read_only=*/true);
  WriteBatchInput batch;
  batch.items.push_back(Item("sku-1", "a", 1));
  EXPECT_THAT(
      reader->Write(batch),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("read-only")));
}

TEST_F(StoreTest, MissingStoreIsNotFoundWithoutCreate) {
  StoreOptions options = Options();
  options.create_if_missing = false;
  EXPECT_THAT(Store::Open(options),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(options.path)));
  EXPECT_THAT(Store::Open(Options(/*read_only=*/true)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(options.path)));
}

TEST_F(StoreTest, UserEventsAreNewestFirstWithLimit) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "a", EventKind::kView, 5 * kSecond));
  batch.events.push_back(Event("bob", "b", EventKind::kPurchase, -kSecond));
  batch.events.push_back(Event("bob", "c", EventKind::kAddToCart, 9 * kSecond));
  batch.events.push_back(Event("eve", "a", EventKind::kView, 7 * kSecond));
  batch.events[1].quantity = 2;
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(uint32_t bob, store->FindUser("bob"));

  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> all, store->UserEvents(bob, 0));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].time_micros, 9 * kSecond);
  EXPECT_EQ(all[1].time_micros, 5 * kSecond);
  EXPECT_EQ(all[2].time_micros, -kSecond);
  EXPECT_EQ(all[2].kind, EventKind::kPurchase);
  EXPECT_EQ(all[2].quantity, 2);
  EXPECT_EQ(store->ItemId(all[2].item), "b");

  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> two, store->UserEvents(bob, 2));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].time_micros, 5 * kSecond);
}

TEST_F(StoreTest, ItemEventsAreNewestFirstWithLimit) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "a", EventKind::kView, 5 * kSecond));
  batch.events.push_back(Event("eve", "a", EventKind::kPurchase, 7 * kSecond));
  batch.events.push_back(Event("ann", "a", EventKind::kAddToCart, -kSecond));
  batch.events.push_back(Event("bob", "b", EventKind::kView, 9 * kSecond));
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(uint32_t a, store->FindItem("a"));

  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> all, store->ItemEvents(a, 0));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(store->UserId(all[0].user), "eve");
  EXPECT_EQ(all[0].kind, EventKind::kPurchase);
  EXPECT_EQ(all[0].item, a);
  EXPECT_EQ(all[1].time_micros, 5 * kSecond);
  EXPECT_EQ(store->UserId(all[2].user), "ann");
  EXPECT_EQ(all[2].kind, EventKind::kAddToCart);

  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> one, store->ItemEvents(a, 1));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].time_micros, 7 * kSecond);
  EXPECT_THAT(store->ItemEvents(99, 0),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("item 99")));
}

TEST_F(StoreTest, RetriedEventOverwritesItself) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("bob", "a", EventKind::kRating, kSecond));
  batch.events[0].rating = 4;
  ASSERT_OK(store->Write(batch).status());
  batch.events[0].rating = 5;
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                       store->UserEvents(0, 0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].rating, 5);
}

TEST_F(StoreTest, ScanEventsVisitsEventsInUserThenTimeOrder) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.events.push_back(Event("u1", "a", EventKind::kView, 3 * kSecond));
  batch.events.push_back(Event("u0", "a", EventKind::kView, 2 * kSecond));
  batch.events.push_back(Event("u1", "b", EventKind::kView, kSecond));
  ASSERT_OK(store->Write(batch).status());
  std::vector<std::pair<uint32_t, int64_t>> seen;
  ASSERT_OK(store->ScanEvents([&](const StoredEvent& e) {
    seen.emplace_back(e.user, e.time_micros);
    return true;
  }));
  // u1 got dense id 0 (first seen), u0 id 1.
  EXPECT_THAT(seen, ElementsAre(Pair(0u, kSecond), Pair(0u, 3 * kSecond),
                                Pair(1u, 2 * kSecond)));
}

TEST_F(StoreTest, ScanItemsStopsWhenTheCallbackSaysSo) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  for (const char* id : {"a", "b", "c"})
    batch.items.push_back(Item(id, "x", 1));
  ASSERT_OK(store->Write(batch).status());
  std::vector<std::string> seen;
  ASSERT_OK(store->ScanItems([&](uint32_t, const store::v1::ItemRecord& r) {
    seen.push_back(r.item_id());
    return seen.size() < 2;
  }));
  EXPECT_THAT(seen, ElementsAre("a", "b"));
}

TEST_F(StoreTest, SeriesSalesAreAscendingByDay) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.sales.push_back({"s1", 20000, 4});
  batch.sales.push_back({"s1", -3, 1.5});
  batch.sales.push_back({"s2", 10, 9});
  batch.sales.push_back({"s1", 7, 0});
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(auto sales, store->SeriesSales("s1"));
  EXPECT_THAT(sales,
              ElementsAre(Pair(-3, 1.5), Pair(7, 0.0), Pair(20000, 4.0)));
  EXPECT_THAT(store->SeriesIds(), ElementsAre("s1", "s2"));
  EXPECT_EQ(store->NumSeries(), 2u);
}

TEST_F(StoreTest, ConcurrentWritersAssignEachIdOnce) {
  std::unique_ptr<Store> store = OpenStore();
  constexpr int kThreads = 4;
  constexpr int kWrites = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kWrites; ++i) {
        WriteBatchInput batch;
        // Every thread writes the same users; items are its own.
        batch.events.push_back(Event("user-" + std::to_string(i),
                                     "item-" + std::to_string(t),
                                     EventKind::kView, i * kSecond));
        EXPECT_OK(store->Write(batch).status());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(store->NumUsers(), static_cast<uint32_t>(kWrites));
  ASSERT_EQ(store->NumItems(), static_cast<uint32_t>(kThreads));
  for (uint32_t user = 0; user < store->NumUsers(); ++user) {
    ASSERT_OK_AND_ASSIGN(uint32_t found, store->FindUser(store->UserId(user)));
    EXPECT_EQ(found, user);
    ASSERT_OK_AND_ASSIGN(std::vector<StoredEvent> events,
                         store->UserEvents(user, 0));
    EXPECT_EQ(events.size(), static_cast<size_t>(kThreads));
  }
}

TEST_F(StoreTest, StatsCountIdsEventsAndSales) {
  std::unique_ptr<Store> store = OpenStore();
  WriteBatchInput batch;
  batch.items.push_back(Item("sku-1", "a", 1));
  batch.events.push_back(Event("bob", "sku-1", EventKind::kView, kSecond));
  batch.events.push_back(Event("bob", "sku-2", EventKind::kView, kSecond));
  batch.events.push_back(Event("eve", "sku-2", EventKind::kView, kSecond));
  batch.sales.push_back({"s1", 1, 1});
  batch.sales.push_back({"s1", 2, 1});
  ASSERT_OK(store->Write(batch).status());
  const StoreStats stats = store->Stats();
  EXPECT_EQ(stats.num_items, 2u);
  EXPECT_EQ(stats.num_users, 2u);
  EXPECT_EQ(stats.num_series, 1u);
  EXPECT_EQ(stats.approx_events, 3u);
  EXPECT_EQ(stats.approx_sales, 2u);
  EXPECT_GT(stats.live_bytes, 0u);
}

}  // namespace
}  // namespace shopml::storage
