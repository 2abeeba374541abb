#include "server/services/recommendation_service.h"

#include <memory>

#include "core/util/status_macros.h"
#include "server/call_gate.h"
#include "server/cancellation.h"
#include "server/model_metrics.h"
#include "server/services/recommendation_requests.h"
#include "server/test_hooks.h"

namespace shopml::server {
namespace {

RpcMetrics* MethodMetrics(const ServiceContext& ctx, const char* method) {
  return ctx.metrics->Rpc(v1::RecommendationService::service_full_name(),
                          method);
}

constexpr absl::string_view kBeforeStart = "before it started";

}  // namespace

RecommendationServiceImpl::RecommendationServiceImpl(const ServiceContext& ctx)
    : ctx_(ctx),
      recommender_(
          *ctx.store, *ctx.catalog, ctx.config->history_events,
          RetrievalOptions{ctx.config->hnsw_min_items, ctx.config->hnsw_ef},
          ctx.new_items),
      scorer_(*ctx.store),
      recommend_rpc_(MethodMetrics(ctx, "Recommend")),
      similar_items_rpc_(MethodMetrics(ctx, "SimilarItems")),
      score_rpc_(MethodMetrics(ctx, "Score")) {}

grpc::ServerUnaryReactor* RecommendationServiceImpl::Recommend(
    grpc::CallbackServerContext* context, const v1::RecommendRequest* request,
    v1::RecommendResponse* response) {
  return ctx_.gate->Dispatch(
      context, CallClass::kRead, recommend_rpc_,
      [this, context, request, response] {
        absl::Status status = AbandonedStatus(*context, kBeforeStart);
        if (status.ok()) status = DoRecommend(*context, *request, response);
        return CountAbandoned(status);
      });
}

grpc::ServerUnaryReactor* RecommendationServiceImpl::SimilarItems(
    grpc::CallbackServerContext* context,
    const v1::SimilarItemsRequest* request,
    v1::SimilarItemsResponse* response) {
  return ctx_.gate->Dispatch(context, CallClass::kRead, similar_items_rpc_,
                             [this, context, request, response] {
                               absl::Status status =
                                   AbandonedStatus(*context, kBeforeStart);
                               if (status.ok())
                                 status = DoSimilarItems(*request, response);
                               return CountAbandoned(status);
                             });
}

grpc::ServerUnaryReactor* RecommendationServiceImpl::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  return ctx_.gate->Dispatch(context, CallClass::kRead, score_rpc_,
                             [this, context, request, response] {
                               absl::Status status =
                                   AbandonedStatus(*context, kBeforeStart);
                               if (status.ok())
                                 status = DoScore(*request, response);
                               return CountAbandoned(status);
                             });
}

absl::Status RecommendationServiceImpl::CountAbandoned(
    const absl::Status& status) {
  if (IsAbandoned(status)) ctx_.metrics->RecordCancelledWork();
  return status;
}

absl::Status RecommendationServiceImpl::DoRecommend(
    const grpc::CallbackServerContext& context,
    const v1::RecommendRequest& request, v1::RecommendResponse* response) {
  SHOPML_ASSIGN_OR_RETURN(RecommendQuery query,
                          ParseRecommendRequest(request, *ctx_.config));
  SHOPML_ASSIGN_OR_RETURN(std::shared_ptr<const core::ModelBundle> bundle,
                          ctx_.models->RequireCurrent());
  if (const absl::Duration delay = RecommendDelayForTesting();
      delay > absl::ZeroDuration()) {
    SHOPML_RETURN_IF_ERROR(WaitUnlessAbandoned(context, delay));
  }
  ModelRequestTimer timer(ctx_.metrics->model(), ModelMethod::kRecommend,
                          bundle->version());
  SHOPML_ASSIGN_OR_RETURN(*response, recommender_.Recommend(*bundle, query));
  ctx_.metrics->RecordRecommendation(response->model().name());
  if (response->cold_start()) ctx_.metrics->RecordColdStart();
  if (response->fallback_used()) {
    ctx_.metrics->RecordRecommendFallback(response->model().name());
  }
  return absl::OkStatus();
}

absl::Status RecommendationServiceImpl::DoSimilarItems(
    const v1::SimilarItemsRequest& request,
    v1::SimilarItemsResponse* response) {
  SHOPML_ASSIGN_OR_RETURN(SimilarItemsQuery query,
                          ParseSimilarItemsRequest(request, *ctx_.config));
  SHOPML_ASSIGN_OR_RETURN(std::shared_ptr<const core::ModelBundle> bundle,
                          ctx_.models->RequireCurrent());
  ModelRequestTimer timer(ctx_.metrics->model(), ModelMethod::kSimilarItems,
                          bundle->version());
  SHOPML_ASSIGN_OR_RETURN(*response, recommender_.SimilarItems(*bundle, query));
  ctx_.metrics->RecordRecommendation(response->model().name());
  return absl::OkStatus();
}

absl::Status RecommendationServiceImpl::DoScore(const v1::ScoreRequest& request,
                                                v1::ScoreResponse* response) {
  SHOPML_ASSIGN_OR_RETURN(ScoreQuery query,
                          ParseScoreRequest(request, *ctx_.config));
  SHOPML_ASSIGN_OR_RETURN(std::shared_ptr<const core::ModelBundle> bundle,
                          ctx_.models->RequireCurrent());
  ModelRequestTimer timer(ctx_.metrics->model(), ModelMethod::kScore,
                          bundle->version());
  SHOPML_ASSIGN_OR_RETURN(*response, scorer_.Score(*bundle, query));
  return absl::OkStatus();
}

}  // namespace shopml::server
