#include "server/item_catalog.h"

#include "absl/strings/str_cat.h"
#include "shopml/v1/common.pb.h"

namespace shopml::server {

const std::string& CatalogSnapshot::category_name(int32_t category) const {
  static const std::string* const kEmpty = new std::string();
  if (category < 0 || static_cast<size_t>(category) >= names_.size()) {
    return *kEmpty;
  }
  return names_[category];
}

std::optional<int32_t> CatalogSnapshot::FindCategory(
    absl::string_view name) const {
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void CatalogSnapshot::Set(uint32_t item, const store::v1::ItemRecord& record) {
  if (item >= category_.size()) {
    category_.resize(item + 1, kNoCategory);
    in_stock_.resize(item + 1, 1);
  }
  int32_t category = kNoCategory;
  if (!record.category().empty()) {
    auto [it, inserted] = ids_.try_emplace(record.category(),
                                           static_cast<int32_t>(names_.size()));
    if (inserted) names_.push_back(record.category());
    category = it->second;
  }
  category_[item] = category;
  in_stock_[item] =
      record.stock_status() != v1::STOCK_STATUS_OUT_OF_STOCK ? 1 : 0;
}

ItemCatalog::ItemCatalog()
    : snapshot_(std::make_shared<const CatalogSnapshot>()) {}

absl::StatusOr<std::unique_ptr<ItemCatalog>> ItemCatalog::Load(
    const storage::Store& store) {
  auto snapshot = std::make_shared<CatalogSnapshot>();
  absl::Status status =
      store.ScanItems([&](uint32_t item, const store::v1::ItemRecord& record) {
        snapshot->Set(item, record);
        return true;
      });
  if (!status.ok()) return status;
  std::unique_ptr<ItemCatalog> catalog(new ItemCatalog());
  absl::MutexLock lock(&catalog->mu_);
  catalog->snapshot_ = std::move(snapshot);
  return catalog;
}

std::shared_ptr<const CatalogSnapshot> ItemCatalog::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

void ItemCatalog::Apply(
    absl::Span<const std::pair<uint32_t, store::v1::ItemRecord>> records) {
  if (records.empty()) return;
  absl::MutexLock apply_lock(&apply_mu_);
  auto next = std::make_shared<CatalogSnapshot>(*Snapshot());
  for (const auto& [item, record] : records) next->Set(item, record);
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(next);
}

absl::Status ItemCatalog::ApplyWritten(
    const storage::Store& store,
    absl::Span<const store::v1::ItemRecord> records) {
  std::vector<std::pair<uint32_t, store::v1::ItemRecord>> resolved;
  resolved.reserve(records.size());
  for (const store::v1::ItemRecord& record : records) {
    absl::StatusOr<uint32_t> item = store.FindItem(record.item_id());
    if (!item.ok()) {
      return absl::InternalError(absl::StrCat(
          "item written but not in the store: ", item.status().message()));
    }
    resolved.emplace_back(*item, record);
  }
  Apply(resolved);
  return absl::OkStatus();
}

}  // namespace shopml::server
