// Hyperparameters of implicit-feedback ALS (implicit_als.h) and the mapping
// from events to the preference/confidence pairs it fits (Hu, Koren and
// Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", 2008).
//
// The events of one (user, item) pair add up to a weight
//   w_ui = sum over events of weight(type)
// and the pair is observed (preference p_ui = 1) when w_ui > 0. Its confidence
// is
//   c_ui = 1 + alpha * w_ui                    (kLinear)
//   c_ui = 1 + alpha * log(1 + w_ui / epsilon) (kLog)
// and every unobserved pair has p_ui = 0, c_ui = 1.
//
// Thread safety: plain data and pure functions; safe from any thread.
#ifndef SHOPML_CORE_CF_IMPLICIT_ALS_OPTIONS_H_
#define SHOPML_CORE_CF_IMPLICIT_ALS_OPTIONS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/cf/item_weight.h"
#include "core/data/interactions.h"

namespace shopml::core {

enum class AlsConfidenceScaling { kLinear, kLog };

// How each least-squares row problem is solved.
enum class AlsSolver {
  // A few conjugate-gradient steps warm-started from the row's previous
  // vector (Takacs, Pilaszy and Tikk 2011; the `implicit` library): cost
  // O(cg_steps * (n * d + d^2)) per row of n entries, so a sweep is linear in
  // the number of observed pairs. Not an exact solve, but ALS only needs each
  // half-step to lower the objective, and the warm start makes a few steps
  // enough.
  kConjugateGradient,
  // Exact Cholesky solve, O(n * d^2 + d^3) per row: for tests, small d, and
  // when a sweep must be a true alternating minimisation.
  kCholesky,
};

struct ImplicitAlsOptions {
  // Latent dimension d, in [1, 1024]. Default: 64.
  int factors = 64;
  // L2 strength lambda on every user and item vector, finite and > 0. Not
  // scaled by the row's number of events (unlike ALS-WR): the confidences
  // already grow with activity, and lambda also covers the unobserved
  // entries of every row. Default: 0.1.
  double regularization = 0.1;
  // Alternating sweeps (users, then items), in [0, 1000]. Train follows the
  // last sweep with one more user solve (see implicit_als.h). 0 keeps the
  // random initialisation. Default: 15.
  int iterations = 15;

  // Confidence transform of the pair weight w (see the top of this file).
  AlsConfidenceScaling scaling = AlsConfidenceScaling::kLinear;
  // alpha, in [0, 1e6]. Default: 1 (with the default weights one purchase
  // gives c = 9, a view c = 2).
  double alpha = 1;
  // epsilon of the log transform, finite and > 0; unused for kLinear.
  // Default: 1.
  double log_epsilon = 1;

  // Weight per event of each type, in [0, 1e6]. A purchase counts once
  // whatever its quantity: ten units of paper are not ten times the
  // interest. Defaults: view 1, cart 3, purchase 8.
  double view_weight = 1;
  double cart_weight = 3;
  double purchase_weight = 8;
  // A rating >= rating_threshold (finite) weighs purchase_weight, a lower one
  // low_rating_weight (in [0, 1e6]): a bad rating still shows the user chose
  // the item, but is no reason to recommend more like it. Defaults: 4 and 0.
  double rating_threshold = 4;
  double low_rating_weight = 0;

  AlsSolver solver = AlsSolver::kConjugateGradient;
  // Conjugate-gradient steps per row solve with kConjugateGradient, in
  // [1, 1000]. Default: 3.
  int cg_steps = 3;

  // Worker threads of a sweep, in [0, 1024]; 0 means
  // std::thread::hardware_concurrency(). Results do not depend on it.
  // Default: 0.
  int threads = 0;
  // Seed of the random initialisation. Default: 42.
  uint64_t seed = 42;
};

// OK, or InvalidArgument naming the first bad field:
// "cg_steps: must be in [1, 1000], got 0".
absl::Status CheckImplicitAlsOptions(const ImplicitAlsOptions& options);

// The number of threads `options.threads` asks for, >= 1.
int AlsThreads(const ImplicitAlsOptions& options);

// w of one event: the type's weight (by rating threshold for kRating).
// REQUIRES: CheckImplicitAlsOptions(options) is OK.
double AlsEventWeight(const ImplicitAlsOptions& options,
                      const Interaction& event);

// c for a pair weight w >= 0, as a float (the precision the solvers use).
// REQUIRES: CheckImplicitAlsOptions(options) is OK.
float AlsConfidence(const ImplicitAlsOptions& options, float w);

// ItemWeight (core/cf/item_weight.h, shared with the other factor models) is
// one observed pair of a user's row; UserWeight one of an item's column. For
// ALS, `weight` is the pair's summed event weight w, before the confidence
// transform.
struct UserWeight {
  uint32_t user = 0;
  float weight = 0;

  friend bool operator==(const UserWeight&, const UserWeight&) = default;
};

// The pairs of `events` (any users) summed per item, ascending by item, only
// those with w > 0. Sums in double and rounds once to float, as Train does,
// so folding in a user's training events reproduces Train's inputs exactly.
// REQUIRES: CheckImplicitAlsOptions(options) is OK.
std::vector<ItemWeight> AlsItemWeights(absl::Span<const Interaction> events,
                                       const ImplicitAlsOptions& options);
// Likewise summed per user.
std::vector<UserWeight> AlsUserWeights(absl::Span<const Interaction> events,
                                       const ImplicitAlsOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_IMPLICIT_ALS_OPTIONS_H_
