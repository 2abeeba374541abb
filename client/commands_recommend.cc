// shopml-cli recommend, similar and score: the RecommendationService calls.
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/command.h"
#include "client/recommend_model.h"
#include "client/table.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"

namespace shopml::client {
namespace {

std::vector<FlagSpec> FilterFlags() {
  return {
      {"exclude", FlagKind::kValue, "ID,...", "items never to return"},
      {"categories", FlagKind::kValue, "C,...",
       "only items of these categories"},
      {"in-stock", FlagKind::kBool, "", "only items in stock"},
      {"exclude-purchased", FlagKind::kBool, "",
       "leave out items the user bought"},
      {"exclude-seen", FlagKind::kBool, "",
       "leave out items the user interacted with"},
  };
}

absl::StatusOr<v1::ItemFilter> BuildFilter(const ParsedFlags& flags) {
  v1::ItemFilter filter;
  absl::StatusOr<std::vector<std::string>> exclude = flags.List("exclude");
  if (!exclude.ok()) return exclude.status();
  absl::StatusOr<std::vector<std::string>> categories =
      flags.List("categories");
  if (!categories.ok()) return categories.status();
  for (const std::string& id : *exclude) filter.add_exclude_item_ids(id);
  for (const std::string& c : *categories) filter.add_categories(c);
  for (const auto& [name, setter] :
       {std::pair{"in-stock", &v1::ItemFilter::set_in_stock_only},
        std::pair{"exclude-purchased", &v1::ItemFilter::set_exclude_purchased},
        std::pair{"exclude-seen", &v1::ItemFilter::set_exclude_seen}}) {
    absl::StatusOr<bool> value = flags.Bool(name);
    if (!value.ok()) return value.status();
    (filter.*setter)(*value);
  }
  return filter;
}

// Items of a Recommend or SimilarItems response as a ranked table.
template <typename ItemList>
void PrintItems(const ItemList& items, std::ostream& out) {
  if (items.empty()) {
    out << "no items\n";
    return;
  }
  Table table({{"rank", Table::Align::kRight},
               {"item"},
               {"score", Table::Align::kRight},
               {"reason"},
               {"category"}});
  int rank = 0;
  for (const auto& item : items) {
    table.AddRow({absl::StrCat(++rank), item.item_id(),
                  FormatFixed(item.score(), 4),
                  EnumLabel(v1::Reason_Name(item.reason()), "REASON_"),
                  item.category()});
  }
  table.Print(out);
}

absl::StatusOr<v1::RecommendRequest> BuildRecommendRequest(
    const ParsedFlags& flags) {
  v1::RecommendRequest request;
  absl::StatusOr<std::string> user = flags.Required("user");
  if (!user.ok()) return user.status();
  absl::StatusOr<int> k = flags.Int("k", 10);
  if (!k.ok()) return k.status();
  absl::StatusOr<v1::ItemFilter> filter = BuildFilter(flags);
  if (!filter.ok()) return filter.status();
  absl::StatusOr<std::vector<std::string>> context = flags.List("context");
  if (!context.ok()) return context.status();
  absl::StatusOr<v1::RecommendModel> model =
      ParseRecommendModel(flags.String("model"));
  if (!model.ok()) return model.status();
  absl::StatusOr<bool> rerank = flags.Bool("rerank");
  if (!rerank.ok()) return rerank.status();
  request.set_rerank(*rerank);
  request.set_model(*model);
  request.set_user_id(*user);
  request.set_k(*k);
  *request.mutable_filter() = *filter;
  for (const std::string& id : *context) request.add_context_item_ids(id);
  return request;
}

int RunRecommend(CommandContext& context) {
  absl::StatusOr<v1::RecommendRequest> request =
      BuildRecommendRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::RecommendationService::NewStub(context.channel());
  return RunUnary<v1::RecommendResponse>(
      context,
      [&](grpc::ClientContext* client, v1::RecommendResponse* response) {
        return stub->Recommend(client, *request, response);
      },
      [](const v1::RecommendResponse& response, std::ostream& out) {
        PrintItems(response.items(), out);
        out << DescribeModel(response.model())
            << "; recommendation_id: " << response.recommendation_id() << "\n";
        if (response.cold_start()) {
          out << "cold start: the user has no usable history\n";
        }
        if (response.fallback_used()) {
          out << "fallback: popular items filled the list\n";
        }
        if (!response.reranked_by().empty()) {
          out << "re-ranked by purchase probability (" << response.reranked_by()
              << ")\n";
        }
      });
}

absl::StatusOr<v1::SimilarItemsRequest> BuildSimilarRequest(
    const ParsedFlags& flags) {
  v1::SimilarItemsRequest request;
  absl::StatusOr<std::string> item = flags.Required("item");
  if (!item.ok()) return item.status();
  absl::StatusOr<int> k = flags.Int("k", 10);
  if (!k.ok()) return k.status();
  absl::StatusOr<v1::ItemFilter> filter = BuildFilter(flags);
  if (!filter.ok()) return filter.status();
  const std::string model = flags.String("model");
  if (model == "cooccurrence") {
    request.set_model(v1::SIMILARITY_MODEL_COOCCURRENCE);
  } else if (!model.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--model: must be cooccurrence, got \"", model, "\""));
  }
  request.set_item_id(*item);
  request.set_k(*k);
  *request.mutable_filter() = *filter;
  request.set_user_id(flags.String("user"));
  return request;
}

int RunSimilar(CommandContext& context) {
  absl::StatusOr<v1::SimilarItemsRequest> request =
      BuildSimilarRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::RecommendationService::NewStub(context.channel());
  return RunUnary<v1::SimilarItemsResponse>(
      context,
      [&](grpc::ClientContext* client, v1::SimilarItemsResponse* response) {
        return stub->SimilarItems(client, *request, response);
      },
      [](const v1::SimilarItemsResponse& response, std::ostream& out) {
        PrintItems(response.items(), out);
        out << DescribeModel(response.model()) << "\n";
        if (response.fallback_used()) {
          out << "fallback: popular items filled the list\n";
        }
      });
}

absl::StatusOr<v1::ScoreRequest> BuildScoreRequest(const ParsedFlags& flags) {
  v1::ScoreRequest request;
  absl::StatusOr<std::string> user = flags.Required("user");
  if (!user.ok()) return user.status();
  absl::StatusOr<std::vector<std::string>> items = flags.List("items");
  if (!items.ok()) return items.status();
  if (items->empty()) return absl::InvalidArgumentError("--items: required");
  const std::string target = flags.String("target");
  if (target == "purchase") {
    request.set_target(v1::SCORE_TARGET_PURCHASE_PROBABILITY);
  } else if (target == "rating") {
    request.set_target(v1::SCORE_TARGET_RATING);
  } else if (!target.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--target: must be purchase or rating, got \"", target, "\""));
  }
  const std::string model = flags.String("model");
  const std::pair<const char*, v1::ScoreModel> models[] = {
      {"baseline", v1::SCORE_MODEL_BASELINE},
      {"mf", v1::SCORE_MODEL_MATRIX_FACTORIZATION},
      {"gbdt", v1::SCORE_MODEL_GBDT},
      {"random_forest", v1::SCORE_MODEL_RANDOM_FOREST},
      {"mlp", v1::SCORE_MODEL_MLP},
      {"stacked", v1::SCORE_MODEL_STACKED}};
  bool known = model.empty();
  for (const auto& [name, value] : models) {
    if (model == name) {
      request.set_model(value);
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--model: must be baseline, mf, gbdt, random_forest, mlp or stacked, "
        "got \"",
        model, "\""));
  }
  const std::string explain = flags.String("explain");
  if (!explain.empty()) {
    int top = 0;
    if (!absl::SimpleAtoi(explain, &top) || top < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--explain: must be a count of features, got \"", explain, "\""));
    }
    request.set_top_contributions(top);
  }
  request.set_user_id(*user);
  for (const std::string& id : *items) request.add_item_ids(id);
  return request;
}

int RunScore(CommandContext& context) {
  absl::StatusOr<v1::ScoreRequest> request = BuildScoreRequest(context.flags());
  if (!request.ok()) return context.UsageError(request.status());
  auto stub = v1::RecommendationService::NewStub(context.channel());
  return RunUnary<v1::ScoreResponse>(
      context,
      [&](grpc::ClientContext* client, v1::ScoreResponse* response) {
        return stub->Score(client, *request, response);
      },
      [](const v1::ScoreResponse& response, std::ostream& out) {
        const bool rating = response.target() == v1::SCORE_TARGET_RATING;
        Table table({{"item"},
                     {rating ? "rating" : "purchase_probability",
                      Table::Align::kRight}});
        for (const v1::ItemScore& score : response.scores()) {
          table.AddRow({score.item_id(), FormatFixed(score.prediction(), 4)});
        }
        table.Print(out);
        out << DescribeModel(response.model()) << "\n";
        for (const v1::ItemScore& score : response.scores()) {
          if (score.contributions().empty()) continue;
          out << score.item_id() << " (" << response.contributions_model()
              << ", base " << FormatFixed(score.contributions_base(), 4)
              << "):";
          for (const v1::FeatureContribution& c : score.contributions()) {
            out << " " << c.feature() << " "
                << FormatFixed(c.contribution(), 4);
          }
          out << "\n";
        }
      });
}

}  // namespace

std::vector<Command> RecommendationCommands() {
  std::vector<Command> commands;

  Command recommend{
      "recommend",
      "--user=U [--k=10] [filters] [--context=ID,...] "
      "[--model=popularity|cooccurrence|als|ease|user_knn] [--rerank]",
      "Recommend items for a user (RecommendationService/Recommend).",
      "Filters apply during selection, so k items come back whenever k "
      "eligible\nitems exist. Unknown users get popular items.\n",
      {{"user", FlagKind::kValue, "U", "user id (required)"},
       {"k", FlagKind::kValue, "N", "number of items (default 10)"}},
      RunRecommend};
  for (FlagSpec& spec : FilterFlags()) recommend.flags.push_back(spec);
  recommend.flags.push_back({"context", FlagKind::kValue, "ID,...",
                             "items the user is looking at now"});
  recommend.flags.push_back({"model", FlagKind::kValue,
                             "popularity|cooccurrence|als|ease|user_knn",
                             "recommender (default: the server's choice)"});
  recommend.flags.push_back(
      {"rerank", FlagKind::kBool, "",
       "re-order the best candidates by the purchase scorer"});
  commands.push_back(std::move(recommend));

  Command similar{
      "similar",
      "--item=I [--k=10] [filters] [--user=U] [--model=cooccurrence]",
      "Find items similar to an item (RecommendationService/SimilarItems).",
      "Similar means bought together by the same customers.\n",
      {{"item", FlagKind::kValue, "I", "item id (required)"},
       {"k", FlagKind::kValue, "N", "number of items (default 10)"}},
      RunSimilar};
  for (FlagSpec& spec : FilterFlags()) similar.flags.push_back(spec);
  similar.flags.push_back(
      {"user", FlagKind::kValue, "U",
       "user the list is shown to, for --exclude-purchased/--exclude-seen"});
  similar.flags.push_back({"model", FlagKind::kValue, "cooccurrence",
                           "similarity model (default: the server's)"});
  commands.push_back(std::move(similar));

  commands.push_back(Command{
      "score",
      "--user=U --items=ID,... [--target=purchase|rating] "
      "[--model=M] [--explain=N]",
      "Predict purchase probability or rating (RecommendationService/Score).",
      "Here --target names what to predict: give the server address before "
      "the\ncommand, or in SHOPML_TARGET.\n",
      {{"user", FlagKind::kValue, "U", "user id (required)"},
       {"items", FlagKind::kValue, "ID,...", "items to score (required)"},
       {"target", FlagKind::kValue, "purchase|rating",
        "what to predict (default purchase)"},
       {"model", FlagKind::kValue, "baseline|mf|gbdt|random_forest|mlp|stacked",
        "model (default: the server's for the target)"},
       {"explain", FlagKind::kValue, "N",
        "list each item's N most influential features"}},
      RunScore});
  return commands;
}

}  // namespace shopml::client
