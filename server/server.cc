#include "server/server.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/util/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"
#include "server/log.h"
#include "server/model_metrics.h"
#include "server/parse_error_interceptor.h"
#include "server/services/forecast_service.h"
#include "server/services/ingest_service.h"
#include "server/services/model_service.h"
#include "server/services/recommendation_service.h"
#include "server/services/store_service.h"
#include "server/tls_credentials.h"

namespace shopml::server {
namespace {

// Health names that follow the model bundle, and those that serve without one
// (forecasts are fitted at request time from the store).
constexpr const char* kModelHealthNames[] = {"", "readiness",
                                             "shopml.v1.RecommendationService"};
constexpr const char* kAlwaysHealthNames[] = {
    "liveness", "shopml.v1.ForecastService", "shopml.v1.IngestService",
    "shopml.v1.ModelService", "shopml.v1.StoreService"};

// Removes gRPC's reflection plugin from a builder. libgrpc++_reflection
// registers the plugin for every server as soon as the library is loaded, so
// turning reflection off needs this option.
class DisableReflectionOption : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    std::erase_if(*plugins, [](const auto& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
  }
};

}  // namespace

Server::Server(const ServerConfig& config) : config_(config) {}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerConfig& config) {
  std::unique_ptr<Server> server(new Server(config));
  SHOPML_RETURN_IF_ERROR(server->Init());
  return server;
}

absl::Status Server::Init() {
  // The store opens first, so a store held by another process (the likeliest
  // start-up failure) fails before anything else starts. RocksDB creates the
  // store directory but not its parents; an error creating them resurfaces
  // from Store::Open with the path in it.
  // The TLS files are checked before anything starts.
  SHOPML_ASSIGN_OR_RETURN(credentials_, BuildServerCredentials(config_));
  std::error_code ignored;
  std::filesystem::create_directories(config_.store_path, ignored);
  storage::StoreOptions store_options;
  store_options.path = config_.store_path;
  store_options.sync = config_.sync_writes ? storage::SyncMode::kSync
                                           : storage::SyncMode::kNoSync;
  // RocksDB's warnings, e.g. a torn WAL tail dropped at recovery.
  store_options.warning_sink = [](const std::string& message) {
    Log(LogLevel::kWarning, absl::StrCat("store: ", message));
  };
  SHOPML_ASSIGN_OR_RETURN(store_, storage::Store::Open(store_options));
  SHOPML_ASSIGN_OR_RETURN(catalog_, ItemCatalog::Load(*store_));
  SHOPML_ASSIGN_OR_RETURN(metrics_, Metrics::Create(config_.metrics_address));
  metrics_->SetStoreStatsSource(
      [store = store_.get()] { return store->Stats(); });
  metrics_->SetStorePath(config_.store_path);
  metrics_->model()->SetRecallProbe(
      {config_.hnsw_recall_queries, config_.hnsw_ef, /*k=*/10});

  models_ = std::make_unique<ModelManager>(
      config_.models_dir,
      [this](const absl::Status& status, const core::ModelBundle* bundle) {
        OnModelLoad(status, bundle);
      });
  absl::StatusOr<ReloadResult> loaded = models_->LoadNewestValid();
  if (!loaded.ok()) {
    Log(LogLevel::kWarning,
        absl::StrCat("serving without a model bundle until one loads: ",
                     loaded.status().message()));
  }

  SHOPML_ASSIGN_OR_RETURN(
      gate_, CallGate::Create(config_, TlsEnabled(config_), metrics_.get()));
  context_ = ServiceContext{&config_,      store_.get(),   catalog_.get(),
                            models_.get(), metrics_.get(), &new_items_,
                            gate_.get()};
  SHOPML_RETURN_IF_ERROR(BuildGrpcServer());
  if (config_.reload_poll_seconds > 0) {
    models_->StartPolling(absl::Seconds(config_.reload_poll_seconds));
  }
  return absl::OkStatus();
}

absl::Status Server::BuildGrpcServer() {
  services_.push_back(std::make_unique<RecommendationServiceImpl>(context_));
  services_.push_back(std::make_unique<ForecastServiceImpl>(context_));
  services_.push_back(std::make_unique<IngestServiceImpl>(context_));
  services_.push_back(std::make_unique<ModelServiceImpl>(context_));
  services_.push_back(std::make_unique<StoreServiceImpl>(context_));

  grpc::EnableDefaultHealthCheckService(true);
  // Registers the plugin for builders created from now on.
  if (config_.enable_reflection) {
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  }
  grpc::ServerBuilder builder;
  if (!config_.enable_reflection) {
    builder.SetOption(std::make_unique<DisableReflectionOption>());
  }
  if (std::shared_ptr<grpc::AuthMetadataProcessor> processor =
          gate_->Processor()) {
    credentials_->SetAuthMetadataProcessor(processor);
  }
  builder.AddListeningPort(config_.grpc_address, credentials_, &grpc_port_);
  builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
  const std::vector<std::string> service_names = {
      v1::RecommendationService::service_full_name(),
      v1::ForecastService::service_full_name(),
      v1::IngestService::service_full_name(),
      v1::ModelService::service_full_name(),
      v1::StoreService::service_full_name()};
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<ParseErrorInterceptorFactory>(
      RequestTypesOf(service_names)));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (const std::unique_ptr<grpc::Service>& service : services_) {
    builder.RegisterService(service.get());
  }
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("grpc_address: cannot listen on ", config_.grpc_address));
  }
  absl::MutexLock lock(&health_mu_);
  health_ = grpc_server_->GetHealthCheckService();
  UpdateHealth();
  return absl::OkStatus();
}

void Server::OnModelLoad(const absl::Status& status,
                         const core::ModelBundle* bundle) {
  metrics_->RecordModelLoad(status, bundle);
  if (!status.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("model bundle load failed: ", status.message()));
    return;
  }
  Log(LogLevel::kInfo,
      absl::StrCat("loaded model bundle ",
                   bundle == nullptr ? "" : bundle->version()));
  absl::MutexLock lock(&health_mu_);
  model_ready_ = true;
  UpdateHealth();
}

void Server::UpdateHealth() {
  if (health_ == nullptr || health_frozen_) return;
  for (const char* name : kModelHealthNames) {
    health_->SetServingStatus(name, model_ready_);
  }
  for (const char* name : kAlwaysHealthNames) {
    health_->SetServingStatus(name, true);
  }
}

void Server::StopServingHealth() {
  absl::MutexLock lock(&health_mu_);
  if (health_frozen_) return;
  health_frozen_ = true;
  // Turns every name NOT_SERVING and ignores later updates.
  if (health_ != nullptr) health_->Shutdown();
}

void Server::Shutdown(absl::Duration drain) {
  absl::MutexLock shutdown_lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  StopServingHealth();
  if (models_ != nullptr) models_->StopPolling();
  if (grpc_server_ != nullptr) {
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + drain));
  }
  if (metrics_ != nullptr) metrics_->SetStoreStatsSource(nullptr);
  if (store_ != nullptr) {
    store_.reset();
    Log(LogLevel::kInfo, "store closed");
  }
}

void Server::Wait() {
  if (grpc_server_ != nullptr) grpc_server_->Wait();
}

}  // namespace shopml::server
