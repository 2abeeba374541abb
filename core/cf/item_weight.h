// ItemWeight: one entry of a user's implicit-feedback history as the factor
// models read it at serving time (an item and the strength of the user's
// evidence for it).
//
// Thread safety: plain data.
#ifndef SHOPML_CORE_CF_ITEM_WEIGHT_H_
#define SHOPML_CORE_CF_ITEM_WEIGHT_H_

#include <cstdint>

namespace shopml::core {

struct ItemWeight {
  uint32_t item = 0;
  float weight = 0;  // > 0 for evidence; the model documents its scale.

  friend bool operator==(const ItemWeight&, const ItemWeight&) = default;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_ITEM_WEIGHT_H_
