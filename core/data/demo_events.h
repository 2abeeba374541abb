// The event log of the demo shop (see demo_generator.h for the planted
// structure): shopping visits of views in the user's favoured categories and
// the funnel to carts, purchases and ratings.
//
// Thread safety: reentrant; works on the shop it is given only.
#ifndef SHOPML_CORE_DATA_DEMO_EVENTS_H_
#define SHOPML_CORE_DATA_DEMO_EVENTS_H_

#include "core/data/demo_generator.h"

namespace shopml::core {

// Fills shop.events with exactly options.num_events events, ascending in
// time. REQUIRES: shop.options is valid and the catalogue, users and
// truth.segment_* are generated.
void GenerateDemoEvents(DemoShop& shop);

}  // namespace shopml::core

#endif  // SHOPML_CORE_DATA_DEMO_EVENTS_H_
