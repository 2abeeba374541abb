// RecommendationServiceImpl: shopml.v1.RecommendationService. Each handler
// validates its request, takes a snapshot of the live model bundle, calls the
// logic (Recommender, Scorer), and finishes with the converted status while
// recording the call's metrics. A call whose client has already gone is
// finished with CANCELLED (DEADLINE_EXCEEDED when its deadline passed)
// before any work; every call finished so counts in
// shopml_cancelled_work_total.
//
// Thread safety: handlers run concurrently on gRPC's callback threads; each
// holds its own bundle snapshot, so a reload never disturbs a call in flight.
#ifndef SHOPML_SERVER_SERVICES_RECOMMENDATION_SERVICE_H_
#define SHOPML_SERVER_SERVICES_RECOMMENDATION_SERVICE_H_

#include "absl/status/status.h"
#include "server/metrics.h"
#include "server/recommender.h"
#include "server/scorer.h"
#include "server/service_context.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"

namespace shopml::server {

class RecommendationServiceImpl final
    : public v1::RecommendationService::CallbackService {
 public:
  // REQUIRES: every member of `ctx` is set and outlives the service.
  explicit RecommendationServiceImpl(const ServiceContext& ctx);

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const v1::RecommendRequest* request,
                                      v1::RecommendResponse* response) override;
  grpc::ServerUnaryReactor* SimilarItems(
      grpc::CallbackServerContext* context,
      const v1::SimilarItemsRequest* request,
      v1::SimilarItemsResponse* response) override;
  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const v1::ScoreRequest* request,
                                  v1::ScoreResponse* response) override;

 private:
  // Returns `status`, counting it in shopml_cancelled_work_total when the
  // call was abandoned.
  absl::Status CountAbandoned(const absl::Status& status);
  absl::Status DoRecommend(const grpc::CallbackServerContext& context,
                           const v1::RecommendRequest& request,
                           v1::RecommendResponse* response);
  absl::Status DoSimilarItems(const v1::SimilarItemsRequest& request,
                              v1::SimilarItemsResponse* response);
  absl::Status DoScore(const v1::ScoreRequest& request,
                       v1::ScoreResponse* response);

  const ServiceContext ctx_;
  const Recommender recommender_;
  const Scorer scorer_;
  RpcMetrics* const recommend_rpc_;
  RpcMetrics* const similar_items_rpc_;
  RpcMetrics* const score_rpc_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_RECOMMENDATION_SERVICE_H_
