#!/usr/bin/python3
"""scikit-learn's side of bench/mlp_bench.cc: trains Debian's python3-sklearn
MLPClassifier on the table gbdt_bench --export wrote, with the same layers,
activation, Adam settings, batch size, L2 and early stopping as mlp_bench,
and prints training time, epochs, test AUC and batch-prediction rows per
second.

    /usr/bin/python3 bench/mlp_vs_sklearn.py /tmp/gbdt [threads] [--epochs=N]

Without --epochs both sides stop early (sklearn on validation accuracy with
tol 1e-4, ours on validation loss; patience 10 on 10 % of the rows); with
--epochs=N sklearn runs exactly N epochs, like BM_MlpTrainEpochs.

MLPClassifier rejects NaN, so the pipeline standardises (StandardScaler
ignores NaN when fitting) and then fills 0, which is what core/nn does with
a missing value. sklearn's alpha penalises alpha / 2 ||W||^2 / batch rows in
each batch's mean loss; our l2 is per mean loss, so alpha = l2 * batch_size.
The data is float32, which sklearn keeps, so both sides multiply in float32.
"""
import os
import sys

THREADS = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2].isdigit() else "1"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from bench_table import auc, load  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

L2 = 1e-4
BATCH = 256


def main():
    directory = sys.argv[1]
    epochs = None
    for arg in sys.argv[2:]:
        if arg.startswith("--epochs="):
            epochs = int(arg[len("--epochs="):])
    x_train, y_train = load(directory + "/train.csv")
    x_test, y_test = load(directory + "/test.csv")
    mlp = MLPClassifier(hidden_layer_sizes=(64, 32), activation="relu",
                        solver="adam", learning_rate_init=1e-3,
                        beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                        batch_size=BATCH, alpha=L2 * BATCH, random_state=1)
    if epochs is None:
        mlp.set_params(max_iter=200, early_stopping=True,
                       validation_fraction=0.1, n_iter_no_change=10)
    else:
        mlp.set_params(max_iter=epochs, early_stopping=False,
                       n_iter_no_change=epochs + 1, tol=0)
    model = make_pipeline(StandardScaler(),
                          SimpleImputer(strategy="constant", fill_value=0),
                          mlp)
    start, start_cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, y_train)
    train_seconds = time.perf_counter() - start
    train_cpu = time.process_time() - start_cpu
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        p = model.predict_proba(x_test)[:, 1]
    predict_seconds = (time.perf_counter() - start) / repeats
    print(f"sklearn {sklearn.__version__} MLPClassifier (64, 32) relu adam, "
          f"{THREADS} BLAS thread(s), {mlp.coefs_[0].dtype}: "
          f"train {train_seconds:.2f} s ({train_cpu:.2f} s CPU), "
          f"{mlp.n_iter_} epochs "
          f"({train_seconds / mlp.n_iter_:.3f} s/epoch), "
          f"test AUC {auc(p, y_test):.4f}, "
          f"predict {len(y_test) / predict_seconds / 1e3:.0f}k rows/s")


if __name__ == "__main__":
    main()
