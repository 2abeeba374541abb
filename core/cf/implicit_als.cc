#include "core/cf/implicit_als.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/cf/implicit_als_csr.h"
#include "core/cf/implicit_als_solver.h"
#include "core/cf/implicit_als_trainer.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

using ProtoOptions = model::v1::ImplicitAlsOptions;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("implicit ALS model: ", what));
}

absl::Status OutOfMemory(absl::string_view what) {
  return absl::ResourceExhaustedError(
      absl::StrCat("implicit ALS: out of memory ", what));
}

// Wire format: the matrix row-major in FloatMatrix.values.
void EncodeMatrix(const RowMatrixXf& m, model::v1::FloatMatrix* out) {
  out->set_rows(static_cast<uint32_t>(m.rows()));
  out->set_cols(static_cast<uint32_t>(m.cols()));
  out->mutable_values()->Resize(static_cast<int>(m.size()), 0.0f);
  if (m.size() > 0) {
    std::memcpy(out->mutable_values()->mutable_data(), m.data(),
                sizeof(float) * m.size());
  }
}

absl::StatusOr<RowMatrixXf> DecodeMatrix(const model::v1::FloatMatrix& in,
                                         uint32_t cols,
                                         absl::string_view field) {
  if (in.cols() != cols) {
    return Corrupt(absl::StrCat(field, ".cols: ", in.cols(),
                                ", expected options.factors ", cols));
  }
  const uint64_t size = uint64_t{in.rows()} * in.cols();
  if (static_cast<uint64_t>(in.values_size()) != size) {
    return Corrupt(absl::StrCat(field, ".values: size ", in.values_size(),
                                ", expected rows * cols = ", size));
  }
  for (int k = 0; k < in.values_size(); ++k) {
    if (!std::isfinite(in.values(k))) {
      return Corrupt(absl::StrCat(field, ".values[", k, "]: not finite"));
    }
  }
  RowMatrixXf m(in.rows(), in.cols());
  if (size > 0) {
    std::memcpy(m.data(), in.values().data(), sizeof(float) * size);
  }
  return m;
}

ProtoOptions OptionsToProto(const ImplicitAlsOptions& o) {
  ProtoOptions p;
  p.set_factors(static_cast<uint32_t>(o.factors));
  p.set_regularization(o.regularization);
  p.set_iterations(static_cast<uint32_t>(o.iterations));
  p.set_scaling(o.scaling == AlsConfidenceScaling::kLog
                    ? ProtoOptions::CONFIDENCE_SCALING_LOG
                    : ProtoOptions::CONFIDENCE_SCALING_LINEAR);
  p.set_alpha(o.alpha);
  p.set_log_epsilon(o.log_epsilon);
  p.set_view_weight(o.view_weight);
  p.set_cart_weight(o.cart_weight);
  p.set_purchase_weight(o.purchase_weight);
  p.set_rating_threshold(o.rating_threshold);
  p.set_low_rating_weight(o.low_rating_weight);
  p.set_solver(o.solver == AlsSolver::kCholesky
                   ? ProtoOptions::SOLVER_CHOLESKY
                   : ProtoOptions::SOLVER_CONJUGATE_GRADIENT);
  p.set_cg_steps(static_cast<uint32_t>(o.cg_steps));
  p.set_seed(o.seed);
  return p;
}

absl::StatusOr<ImplicitAlsOptions> OptionsFromProto(const ProtoOptions& p) {
  ImplicitAlsOptions o;
  // Clamped so that a huge unsigned value fails the range check instead of
  // wrapping into it.
  auto to_int = [](uint32_t v) {
    return static_cast<int>(std::min<uint32_t>(v, 1u << 30));
  };
  o.factors = to_int(p.factors());
  o.regularization = p.regularization();
  o.iterations = to_int(p.iterations());
  switch (p.scaling()) {
    case ProtoOptions::CONFIDENCE_SCALING_LINEAR:
      o.scaling = AlsConfidenceScaling::kLinear;
      break;
    case ProtoOptions::CONFIDENCE_SCALING_LOG:
      o.scaling = AlsConfidenceScaling::kLog;
      break;
    default:
      return Corrupt(absl::StrCat("options.scaling: unknown value ",
                                  static_cast<int>(p.scaling())));
  }
  o.alpha = p.alpha();
  o.log_epsilon = p.log_epsilon();
  o.view_weight = p.view_weight();
  o.cart_weight = p.cart_weight();
  o.purchase_weight = p.purchase_weight();
  o.rating_threshold = p.rating_threshold();
  o.low_rating_weight = p.low_rating_weight();
  switch (p.solver()) {
    case ProtoOptions::SOLVER_CONJUGATE_GRADIENT:
      o.solver = AlsSolver::kConjugateGradient;
      break;
    case ProtoOptions::SOLVER_CHOLESKY:
      o.solver = AlsSolver::kCholesky;
      break;
    default:
      return Corrupt(absl::StrCat("options.solver: unknown value ",
                                  static_cast<int>(p.solver())));
  }
  o.cg_steps = to_int(p.cg_steps());
  o.seed = p.seed();
  if (absl::Status s = CheckImplicitAlsOptions(o); !s.ok()) {
    return Corrupt(absl::StrCat("options.", s.message()));
  }
  return o;
}

// The fold-in of one row: validates and merges `pairs` (id, w), then solves
// exactly against `f` with G = `g`. Id is UserWeight::user or
// ItemWeight::item, selected by `id`.
template <typename Pair, typename IdFn>
absl::StatusOr<Eigen::VectorXf> FoldIn(const ImplicitAlsOptions& options,
                                       const RowMatrixXf& f,
                                       const Eigen::MatrixXf& g,
                                       absl::Span<const Pair> pairs, IdFn id,
                                       absl::string_view id_name) {
  const uint64_t bound = static_cast<uint64_t>(f.rows());
  for (size_t k = 0; k < pairs.size(); ++k) {
    if (id(pairs[k]) >= bound) {
      return absl::InvalidArgumentError(
          absl::StrCat("interactions[", k, "].", id_name, ": ", id(pairs[k]),
                       " is out of range [0, ", bound, ")"));
    }
    if (!std::isfinite(pairs[k].weight) || pairs[k].weight < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "interactions[", k, "].weight: must be finite and >= 0, got ",
          pairs[k].weight));
    }
  }
  try {
    std::vector<std::pair<uint32_t, float>> sorted;
    sorted.reserve(pairs.size());
    for (const Pair& p : pairs) sorted.emplace_back(id(p), p.weight);
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<uint32_t> indices;
    std::vector<float> confidence;
    for (size_t i = 0; i < sorted.size();) {
      double w = 0;
      size_t j = i;
      for (; j < sorted.size() && sorted[j].first == sorted[i].first; ++j) {
        w += sorted[j].second;
      }
      const float wf = static_cast<float>(w);
      if (wf > 0) {
        indices.push_back(sorted[i].first);
        confidence.push_back(AlsConfidence(options, wf));
      }
      i = j;
    }
    implicit_als_internal::RowScratch scratch(options.factors);
    Eigen::VectorXf x(options.factors);
    if (!implicit_als_internal::SolveRowExact(f, g, indices, confidence,
                                              scratch, x)) {
      return absl::InternalError(
          "implicit ALS fold-in: normal equations not positive definite");
    }
    return x;
  } catch (const std::bad_alloc&) {
    return OutOfMemory("in fold-in");
  }
}

}  // namespace

absl::StatusOr<ImplicitAls> ImplicitAls::Train(
    const Interactions& data, const ImplicitAlsOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(std::unique_ptr<ImplicitAlsTrainer> trainer,
                          ImplicitAlsTrainer::Create(data, options));
  for (int it = 0; it < options.iterations; ++it) {
    SHOPML_RETURN_IF_ERROR(trainer->Iterate());
  }
  if (options.iterations > 0) SHOPML_RETURN_IF_ERROR(trainer->SolveUsers());
  return std::move(*trainer).TakeModel();
}

absl::StatusOr<ImplicitAls> ImplicitAls::FromFactors(
    const ImplicitAlsOptions& options, RowMatrixXf user_factors,
    RowMatrixXf item_factors) {
  try {
    const int threads = AlsThreads(options);
    ImplicitAls model;
    model.options_ = options;
    model.user_factors_ = std::move(user_factors);
    model.item_factors_ = std::move(item_factors);
    SHOPML_ASSIGN_OR_RETURN(
        const Eigen::MatrixXd item_gram,
        implicit_als_internal::Gram(model.item_factors_, threads));
    SHOPML_ASSIGN_OR_RETURN(
        const Eigen::MatrixXd user_gram,
        implicit_als_internal::Gram(model.user_factors_, threads));
    model.item_gram_ = implicit_als_internal::RegularizedGram(
        item_gram, options.regularization);
    model.user_gram_ = implicit_als_internal::RegularizedGram(
        user_gram, options.regularization);
    return model;
  } catch (const std::bad_alloc&) {
    return OutOfMemory("for the Gram matrices");
  }
}

absl::StatusOr<ImplicitAls> ImplicitAls::FromProto(
    const model::v1::ImplicitAlsModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  SHOPML_ASSIGN_OR_RETURN(ImplicitAlsOptions options,
                          OptionsFromProto(proto.options()));
  try {
    const uint32_t d = static_cast<uint32_t>(options.factors);
    SHOPML_ASSIGN_OR_RETURN(
        RowMatrixXf users,
        DecodeMatrix(proto.user_factors(), d, "user_factors"));
    SHOPML_ASSIGN_OR_RETURN(
        RowMatrixXf items,
        DecodeMatrix(proto.item_factors(), d, "item_factors"));
    return FromFactors(options, std::move(users), std::move(items));
  } catch (const std::bad_alloc&) {
    return OutOfMemory("loading the factors");
  }
}

model::v1::ImplicitAlsModel ImplicitAls::ToProto() const {
  model::v1::ImplicitAlsModel proto;
  proto.set_format_version(kFormatVersion);
  *proto.mutable_options() = OptionsToProto(options_);
  EncodeMatrix(user_factors_, proto.mutable_user_factors());
  EncodeMatrix(item_factors_, proto.mutable_item_factors());
  return proto;
}

uint32_t ImplicitAls::num_users() const {
  return static_cast<uint32_t>(user_factors_.rows());
}

uint32_t ImplicitAls::num_items() const {
  return static_cast<uint32_t>(item_factors_.rows());
}

float ImplicitAls::Score(uint32_t user, uint32_t item) const {
  if (user >= num_users() || item >= num_items()) return 0;
  return user_factors_.row(user).dot(item_factors_.row(item));
}

absl::StatusOr<Eigen::VectorXf> ImplicitAls::FoldInUser(
    absl::Span<const ItemWeight> interactions) const {
  return FoldIn(
      options_, item_factors_, item_gram_, interactions,
      [](const ItemWeight& p) { return p.item; }, "item");
}

absl::StatusOr<Eigen::VectorXf> ImplicitAls::FoldInItem(
    absl::Span<const UserWeight> interactions) const {
  return FoldIn(
      options_, user_factors_, user_gram_, interactions,
      [](const UserWeight& p) { return p.user; }, "user");
}

absl::StatusOr<double> ImplicitAls::Objective(const Interactions& data) const {
  if (data.num_users != num_users() || data.num_items != num_items()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "data: ", data.num_users, " users x ", data.num_items,
        " items, but the model has ", num_users(), " x ", num_items()));
  }
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  if (data.events.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "events: at most 2^32 - 1 supported, got ", data.events.size()));
  }
  try {
    const implicit_als_internal::ConfidenceCsr csr =
        implicit_als_internal::BuildUserItemCsr(data, options_);
    return implicit_als_internal::Objective(user_factors_, item_factors_, csr,
                                            options_.regularization,
                                            AlsThreads(options_));
  } catch (const std::bad_alloc&) {
    return OutOfMemory("for the confidence matrix");
  }
}

}  // namespace shopml::core
