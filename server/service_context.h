// ServiceContext: what every gRPC service implementation needs, owned by the
// Server and outliving all services.
#ifndef SHOPML_SERVER_SERVICE_CONTEXT_H_
#define SHOPML_SERVER_SERVICE_CONTEXT_H_

#include "server/call_gate.h"
#include "server/config.h"
#include "server/item_catalog.h"
#include "server/metrics.h"
#include "server/model_manager.h"
#include "server/new_item_vectors.h"
#include "storage/store.h"

namespace shopml::server {

struct ServiceContext {
  const ServerConfig* config = nullptr;
  storage::Store* store = nullptr;
  ItemCatalog* catalog = nullptr;
  ModelManager* models = nullptr;
  Metrics* metrics = nullptr;
  NewItemVectors* new_items = nullptr;
  // Authentication and admission, entered first by every handler.
  CallGate* gate = nullptr;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICE_CONTEXT_H_
