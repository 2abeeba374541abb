// ServerConfig: every setting of the `shopml serve` process, from (highest
// precedence first) command-line flags `--name=value`, environment variables
// `SHOPML_NAME`, an optional config file of `name = value` lines
// (`--config=path`), and defaults.
//
// Thread safety: immutable after Load; safe to share.
#ifndef SHOPML_SERVER_CONFIG_H_
#define SHOPML_SERVER_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace shopml::server {

struct ServerConfig {
  // host:port of the gRPC listener; port 0 picks a free port. Default:
  // 127.0.0.1:50051.
  std::string grpc_address = "127.0.0.1:50051";
  // host:port of the Prometheus /metrics endpoint; empty disables it; port 0
  // picks a free port. Default: 127.0.0.1:9464.
  std::string metrics_address = "127.0.0.1:9464";
  // RocksDB store directory. Default: ./data/store.
  std::string store_path = "data/store";
  // Directory of model bundles, models/<version>/. Default: ./data/models.
  std::string models_dir = "data/models";
  // fsync each acknowledged write (true) or only write the WAL to the OS
  // (false). Default: true.
  bool sync_writes = true;
  // Request limits; larger values are rejected with INVALID_ARGUMENT.
  int max_k = 1000;            // Recommend / SimilarItems k. Default: 1000.
  int max_score_items = 1000;  // Score item_ids. Default: 1000.
  int max_horizon = 366;       // Forecast horizon, in periods. Default: 366.
  int max_batch = 10000;       // Entries per ingest request. Default: 10000.
  int max_context_items = 50;  // Recommend context_item_ids. Default: 50.
  int max_message_bytes = 4 << 20;  // Largest request accepted. Default: 4 MiB.
  // Seconds between checks of models_dir for a newer bundle; 0 disables.
  // Default: 0.
  int reload_poll_seconds = 0;
  // Seconds between SIGTERM turning health NOT_SERVING and the listeners
  // closing: calls keep being served while load balancers and health-checking
  // clients move away. Default: 0.
  int drain_delay_seconds = 0;
  // Longest wait for in-flight RPCs on SIGTERM, once the listeners have
  // closed, before cancelling them. Default: 10.
  int drain_timeout_seconds = 10;
  // Serve gRPC server reflection. Default: true.
  bool enable_reflection = true;
  // Events per user read for personalisation (recent history). Default: 50.
  int history_events = 50;
  // Candidates a Recommend with rerank re-orders by the purchase scorer; 0
  // turns re-ranking off. Default: 200.
  int rerank_candidates = 200;
  // Implicit ALS searches the bundle's HNSW graph, when it has one, for
  // catalogues of at least hnsw_min_items items (-1: never); hnsw_ef is the
  // graph search's candidate list (0: the graph's default). Defaults: 50000,
  // 0.
  int hnsw_min_items = 50000;
  int hnsw_ef = 0;
  // User vectors of a newly loaded bundle whose HNSW top 10 is compared with
  // the exact one (shopml_hnsw_recall); 0 turns the measurement off. Only
  // for bundles with an HNSW graph. Default: 100.
  int hnsw_recall_queries = 100;
  // Longest time a Forecast may spend choosing a model for a series the
  // bundle stores none for, in milliseconds; the request's own deadline
  // shortens it. Default: 2000.
  int forecast_fit_ms = 2000;
  // Directory StoreService/CreateCheckpoint writes store copies into, one
  // subdirectory per checkpoint; put it on the store's filesystem so the copy
  // is hard links. Empty disables the RPC. Default: empty.
  std::string checkpoint_dir;
  // TLS on the gRPC port (server/tls_credentials.h): PEM files of the
  // server's certificate chain and private key; setting both turns TLS on,
  // setting one alone is a start-up error. Default: empty (plaintext).
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM file of the CAs that client certificates must chain to; when set,
  // every client must present a valid certificate (mutual TLS). Needs TLS.
  // Default: empty (no client certificates asked for).
  std::string tls_client_ca_file;
  // File of accepted bearer tokens, one SHA-256 hex digest per line
  // (server/token_auth.h). When set, IngestService, ModelService and
  // StoreService calls need `authorization: Bearer <token>`, and so do
  // RecommendationService and ForecastService calls when
  // auth_required_for_reads. Health and reflection never do. Defaults: empty
  // (no tokens), false.
  std::string auth_tokens_file;
  bool auth_required_for_reads = false;
  // Admission (server/admission.h): most calls executing at once per class;
  // further calls are refused at once with RESOURCE_EXHAUSTED. 0 means no
  // limit. Reads are Recommend, SimilarItems and Score; forecasts are
  // Forecast (a model chosen on the request costs up to forecast_fit_ms of
  // CPU); writes are the IngestService, ModelService and StoreService calls.
  // Health is never limited. Defaults: 64, 8, 32.
  int max_inflight_reads = 64;
  int max_inflight_forecasts = 8;
  int max_inflight_writes = 32;
  // Calls admitted per second over all shopml.v1 services (a token bucket
  // holding one second's worth); 0 turns the rate limit off. Default: 0.
  int max_requests_per_second = 0;

  // Where each setting's value came from, by setting name: "flag",
  // "env SHOPML_MAX_K", "file <path>:<line>". Settings left at their default
  // are absent. Filled by Load.
  std::map<std::string, std::string> sources;

  // Parses flags (the arguments after the command, e.g. after `serve`),
  // environment and the optional file (`--config=path`, or SHOPML_CONFIG).
  // InvalidArgument naming the setting (and where its value came from) for
  // an unknown flag or file setting, a malformed value, or an out-of-range
  // one; NotFound when the config file cannot be read.
  static absl::StatusOr<ServerConfig> Load(
      const std::vector<std::string>& args);
  // Every setting with its value and source, one `name = value  # source` per
  // line.
  std::string Describe() const;
  // Usage of `shopml serve`: every setting with its default, range and
  // meaning.
  static std::string HelpText();
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_CONFIG_H_
