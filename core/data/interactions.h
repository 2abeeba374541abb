// Plain training data handed to core models: events over dense user and item
// ids and the catalogue's categories. Built by the trainer from the store; core
// never sees the store itself.
//
// Thread safety: immutable after construction; safe to share.
#ifndef SHOPML_CORE_DATA_INTERACTIONS_H_
#define SHOPML_CORE_DATA_INTERACTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace shopml::core {

// Numbered as shopml.v1.EventType.
enum class EventType : uint8_t {
  kView = 1,
  kAddToCart = 2,
  kPurchase = 3,
  kRating = 4
};

struct Interaction {
  uint32_t user = 0;
  uint32_t item = 0;
  int64_t time_micros = 0;  // Microseconds since the Unix epoch.
  EventType type = EventType::kView;
  float rating = 0;      // For kRating.
  int32_t quantity = 0;  // For kPurchase; 0 means 1.
};

// Category of each dense item id.
struct Catalog {
  // item_category[item] indexes category_names, or is kNoCategory. Size:
  // num_items.
  std::vector<int32_t> item_category;
  std::vector<std::string> category_names;
  // item_in_stock[item]; size num_items. Items without a record count as in
  // stock.
  std::vector<bool> item_in_stock;
  // item_price[item], NaN when unknown; empty when no price is known.
  std::vector<float> item_price;
  static constexpr int32_t kNoCategory = -1;
};

struct Interactions {
  uint32_t num_users = 0;
  uint32_t num_items = 0;
  // Every user and item id is below num_users / num_items. Any order.
  std::vector<Interaction> events;
  Catalog catalog;
  // "Now" for recency weighting: the time of the newest event, or the training
  // time.
  int64_t now_micros = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_INTERACTIONS_H_
