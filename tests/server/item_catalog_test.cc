#include "server/item_catalog.h"

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shopml/v1/common.pb.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

store::v1::ItemRecord Record(const std::string& id, const std::string& category,
                             bool in_stock) {
  store::v1::ItemRecord record;
  record.set_item_id(id);
  record.set_category(category);
  record.set_stock_status(in_stock ? v1::STOCK_STATUS_IN_STOCK
                                   : v1::STOCK_STATUS_OUT_OF_STOCK);
  return record;
}

class ItemCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.path = dir_.Sub("store");
    options.sync = storage::SyncMode::kNoSync;
    ASSERT_OK_AND_ASSIGN(store_, storage::Store::Open(options));
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ItemCatalogTest, LoadsEveryItemOfTheStore) {
  storage::WriteBatchInput batch;
  batch.items = {Record("a", "shoes", true), Record("b", "hats", false),
                 Record("c", "", true)};
  ASSERT_OK(store_->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ItemCatalog> catalog,
                       ItemCatalog::Load(*store_));
  std::shared_ptr<const CatalogSnapshot> snapshot = catalog->Snapshot();
  ASSERT_EQ(snapshot->size(), 3u);
  ASSERT_OK_AND_ASSIGN(uint32_t a, store_->FindItem("a"));
  ASSERT_OK_AND_ASSIGN(uint32_t b, store_->FindItem("b"));
  ASSERT_OK_AND_ASSIGN(uint32_t c, store_->FindItem("c"));
  EXPECT_EQ(snapshot->category_name(snapshot->category(a)), "shoes");
  EXPECT_EQ(snapshot->category_name(snapshot->category(b)), "hats");
  EXPECT_EQ(snapshot->category(c), CatalogSnapshot::kNoCategory);
  EXPECT_EQ(snapshot->category_name(CatalogSnapshot::kNoCategory), "");
  EXPECT_TRUE(snapshot->in_stock(a));
  EXPECT_FALSE(snapshot->in_stock(b));
  EXPECT_EQ(snapshot->FindCategory("hats"), snapshot->category(b));
  EXPECT_EQ(snapshot->FindCategory("socks"), std::nullopt);
}

TEST_F(ItemCatalogTest, ItemsWithoutRecordsHaveNoCategoryAndAreInStock) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ItemCatalog> catalog,
                       ItemCatalog::Load(*store_));
  std::shared_ptr<const CatalogSnapshot> snapshot = catalog->Snapshot();
  EXPECT_EQ(snapshot->size(), 0u);
  EXPECT_EQ(snapshot->category(7), CatalogSnapshot::kNoCategory);
  EXPECT_TRUE(snapshot->in_stock(7));
}

TEST_F(ItemCatalogTest, ApplyPublishesANewSnapshotAndKeepsOldOnesIntact) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ItemCatalog> catalog,
                       ItemCatalog::Load(*store_));
  const std::vector<std::pair<uint32_t, store::v1::ItemRecord>> first = {
      {4, Record("e", "shoes", true)}};
  catalog->Apply(first);
  std::shared_ptr<const CatalogSnapshot> before = catalog->Snapshot();
  const std::vector<std::pair<uint32_t, store::v1::ItemRecord>> second = {
      {4, Record("e", "hats", false)}};
  catalog->Apply(second);
  std::shared_ptr<const CatalogSnapshot> after = catalog->Snapshot();
  EXPECT_EQ(before->category_name(before->category(4)), "shoes");
  EXPECT_TRUE(before->in_stock(4));
  EXPECT_EQ(after->category_name(after->category(4)), "hats");
  EXPECT_FALSE(after->in_stock(4));
  EXPECT_EQ(after->size(), 5u);
}

TEST_F(ItemCatalogTest, ReadersRunBesideUpdates) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ItemCatalog> catalog,
                       ItemCatalog::Load(*store_));
  std::thread writer([&] {
    for (uint32_t i = 0; i < 200; ++i) {
      const std::vector<std::pair<uint32_t, store::v1::ItemRecord>> one = {
          {i, Record("x", i % 2 == 0 ? "even" : "odd", i % 3 != 0)}};
      catalog->Apply(one);
    }
  });
  size_t max_size = 0;
  for (int i = 0; i < 2000; ++i) {
    std::shared_ptr<const CatalogSnapshot> snapshot = catalog->Snapshot();
    // Sizes only grow, and every entry of a snapshot is complete.
    ASSERT_GE(snapshot->size(), max_size);
    max_size = snapshot->size();
    for (uint32_t item = 0; item < snapshot->size(); ++item) {
      ASSERT_EQ(snapshot->category_name(snapshot->category(item)),
                item % 2 == 0 ? "even" : "odd");
    }
  }
  writer.join();
  EXPECT_EQ(catalog->Snapshot()->size(), 200u);
}

}  // namespace
}  // namespace shopml::server
