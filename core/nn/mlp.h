// A multilayer perceptron for scoring: dense layers
//
//   a_0 = standardise(x),  a_l = act(a_{l-1} W_l + b_l)  (hidden layers),
//   z   = a_{L-1} W_L + b_L,  prediction = out(z)
//
// with act one of ReLU, tanh and the logistic sigmoid, and out given by the
// loss: binary cross-entropy (out = sigmoid, one output, labels in {0, 1}),
// mean squared error (out = identity, one output) or softmax cross-entropy
// (out = softmax over num_classes outputs, labels the class ids 0 .. K-1 as
// floats). Trained by backpropagation on shuffled mini-batches with Adam or
// SGD with (optionally Nesterov) momentum, minimising
//
//   mean over the batch of loss(row) + l2 / 2 * sum over layers ||W_l||^2
//
// (biases are not penalised), with inverted dropout on the hidden layers'
// outputs while training. Weights start He-normal for ReLU and Xavier-
// (Glorot-) uniform for tanh and sigmoid; biases start at zero.
//
// Standardisation: each feature is centred and scaled by the mean and
// standard deviation of its non-missing training values (a constant or
// all-missing feature gets std 1), stored with the model and applied before
// the first layer at prediction time. A missing value (NaN) is imputed with
// the training mean, i.e. 0 after standardising, so a missing feature
// contributes nothing to the first layer.
//
// Early stopping: after every epoch the mean loss (without the L2 term) on a
// validation set is computed; training stops after early_stopping_patience
// epochs without a lower one and returns the weights of the best epoch.
//
// Determinism: the same options and data give the same model bit for bit,
// whatever `threads` is: mini-batches are cut into shards of fixed size whose
// gradients are summed in shard order, and every random draw comes from the
// seed.
//
// Thread safety: a trained model is immutable; Predict and Loss are safe to
// call concurrently.
#ifndef SHOPML_CORE_NN_MLP_H_
#define SHOPML_CORE_NN_MLP_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/features/feature_matrix.h"
#include "core/nn/network.h"
#include "core/nn/optimizer.h"
#include "core/nn/standardizer.h"
#include "shopml/model/v1/nn_models.pb.h"

namespace shopml::core {

struct MlpOptions {
  // Units of each hidden layer, each in [1, 4096]; at most 16 layers; empty
  // is a linear (or logistic, or multinomial logistic) model.
  // Default: {64, 32}.
  std::vector<int> hidden = {64, 32};
  MlpActivation activation = MlpActivation::kRelu;
  MlpLoss loss = MlpLoss::kBinaryCrossEntropy;
  // Classes of the softmax loss, [2, 1000]; ignored by the other losses.
  // Default: 2.
  int num_classes = 2;
  MlpOptimizer optimizer = MlpOptimizer::kAdam;
  // Step size, (0, 10]. Default: 1e-3.
  double learning_rate = 1e-3;
  // Adam's moment decay rates, [0, 1), and the constant added to the root of
  // the second moment, (0, 1]. Defaults: 0.9, 0.999, 1e-8.
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  // SGD's momentum, [0, 1), and whether it is Nesterov's. Defaults: 0.9,
  // false.
  double momentum = 0.9;
  bool nesterov = false;
  // Rows per mini-batch, [1, 65536]; the last batch of an epoch may be
  // smaller. Default: 256.
  int batch_size = 256;
  // Passes over the training rows, [1, 100000]. Default: 200.
  int max_epochs = 200;
  // Weight decay: l2 / 2 * ||W||^2 is added to the mean batch loss, [0,
  // 1e3]. scikit-learn's alpha penalises alpha / 2 * ||W||^2 / batch rows,
  // so alpha = l2 * batch_size on full batches. Default: 1e-4.
  double l2 = 1e-4;
  // Probability of zeroing a hidden unit's output while training, [0, 0.95].
  // Kept outputs are scaled by 1 / (1 - dropout), so prediction uses the
  // weights as they are. Default: 0.
  double dropout = 0;
  // Epochs without a lower validation loss before training stops, [0,
  // 100000]; 0 never stops early (the best epoch is still returned when there
  // is a validation set). Default: 10.
  int early_stopping_patience = 10;
  // Share of the training rows held out, drawn with the seed, as the
  // validation set when Train gets none and early_stopping_patience > 0,
  // [0, 0.9]; 0 holds out nothing and trains for max_epochs. Default: 0.1.
  double validation_fraction = 0.1;
  // Seeds the initial weights, the hold-out, the batch order and dropout.
  // Default: 1.
  uint64_t seed = 1;
  // Threads computing the 128-row shards of mini-batches of at least 1024
  // rows (smaller batches are too short to pay for starting threads) and the
  // blocks of the validation rows, [0, 1024]; 0 is
  // std::thread::hardware_concurrency(). Results do not depend on it.
  // Default: 0.
  int threads = 0;
};

// A training set: rows of features (NaN missing) and one label per row.
struct MlpData {
  const FeatureMatrix* x = nullptr;
  absl::Span<const float> y;
};

class MlpModel {
 public:
  // InvalidArgument naming the field ("hidden[1]: ...", "learning_rate:
  // ...") for an option out of range, or for data with no rows, labels of the
  // wrong count or not finite, labels not in {0, 1} for binary cross-entropy
  // or not integers in [0, num_classes) for softmax, a validation set with
  // other features, or a hold-out that leaves no training rows.
  // ResourceExhausted if memory runs out.
  static absl::StatusOr<MlpModel> Train(const MlpData& train,
                                        const MlpData* validation,
                                        const MlpOptions& options);

  // The model file; FromProto(ToProto()) predicts bit for bit the same.
  // FromProto never trusts its input: DataLoss on an unknown format_version,
  // activation or loss, layers whose shapes do not chain from num_features
  // to the loss's outputs, weights or standardiser values that are not
  // finite (or a std that is not > 0), or arrays of the wrong length.
  model::v1::MlpModel ToProto() const;
  static absl::StatusOr<MlpModel> FromProto(const model::v1::MlpModel& proto);
  static constexpr uint32_t kFormatVersion = 1;

  // One value per row of `x`: P(y = 1) for binary cross-entropy, the
  // prediction for MSE, and the most probable class id (as a float; ties go
  // to the lower id) for softmax. Rows are computed in blocks of fixed size
  // on up to `threads` threads (0: hardware_concurrency); the result does not
  // depend on it. REQUIRES: x.cols() == num_features().
  std::vector<float> Predict(const FeatureMatrix& x, int threads = 1) const;

  // `probabilities`: row-major, x.rows() x num_outputs(): the class
  // probabilities for softmax, P(y = 1) for binary cross-entropy (one column)
  // and the prediction for MSE. REQUIRES: x.cols() == num_features().
  FeatureMatrix PredictOutputs(const FeatureMatrix& x, int threads = 1) const;

  // The mean loss (without the L2 term) of the model on `data`, as training
  // computes it for early stopping. InvalidArgument as Train for bad data.
  absl::StatusOr<double> Loss(const MlpData& data, int threads = 1) const;

  int num_features() const { return standardizer_.num_features(); }
  int num_outputs() const { return network_.num_outputs(); }
  MlpLoss loss() const { return network_.loss(); }
  MlpActivation activation() const { return network_.activation(); }
  // Epochs trained, best_epoch() (1-based; 0 without validation) the one
  // whose weights were kept, and its validation loss (NaN without
  // validation).
  int epochs_run() const { return epochs_run_; }
  int best_epoch() const { return best_epoch_; }
  double best_validation_loss() const { return best_validation_loss_; }

  const nn_internal::Network<float>& network() const { return network_; }
  const Standardizer& standardizer() const { return standardizer_; }

 private:
  friend class MlpTrainer;

  // Predict, PredictOutputs and Loss cut the rows into blocks of this many,
  // whatever the thread count, so their results do not depend on it.
  static constexpr Eigen::Index kBlockRows = 256;

  // The logits of rows [begin, end) of x in ws->out.back(); `standardized`
  // is scratch.
  void Logits(const FeatureMatrix& x, Eigen::Index begin, Eigen::Index end,
              FeatureMatrix* standardized,
              nn_internal::Workspace<float>* ws) const;
  // Loss without checking the data; also the validation loss of training.
  double MeanLoss(const FeatureMatrix& x, absl::Span<const float> y,
                  int threads) const;

  nn_internal::Network<float> network_;
  Standardizer standardizer_;
  int epochs_run_ = 0;
  int best_epoch_ = 0;
  double best_validation_loss_ = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_NN_MLP_H_
