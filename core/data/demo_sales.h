// The daily sales history of the demo shop (see DemoSeriesTruth in
// demo_generator.h for the model each series is drawn from).
//
// Thread safety: reentrant; works on the shop it is given only.
#ifndef SHOPML_CORE_DATA_DEMO_SALES_H_
#define SHOPML_CORE_DATA_DEMO_SALES_H_

#include "core/data/demo_generator.h"

namespace shopml::core {

// Fills shop.sales and shop.truth.series: one series per item over
// options.sales_days days. REQUIRES: shop.options is valid and the catalogue
// and truth.item_popularity are generated.
void GenerateDemoSales(DemoShop& shop);

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_DEMO_SALES_H_
