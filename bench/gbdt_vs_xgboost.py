#!/usr/bin/env python3
"""xgboost's side of bench/gbdt_bench.cc: trains Debian's python3-xgboost
(tree_method "hist") on the table gbdt_bench --export wrote, with the same
depth, trees, learning rate, L2 and min child weight, and prints training
time, test AUC, batch-prediction rows per second and TreeSHAP
(pred_contribs) rows per second, all on `threads` threads.

    python3 bench/gbdt_vs_xgboost.py /tmp/gbdt [threads]

xgboost caches the predictions of every DMatrix it has predicted on, so
predicting the same DMatrix again costs next to nothing: prediction is timed
on a fresh DMatrix per repetition (built outside the timing), and with
inplace_predict on the numpy array, which has no cache. The CPU / wall time
ratio shows how many threads predict really used.
"""
import sys
import time

import numpy as np
import xgboost as xgb
from bench_table import auc, load


def timed(fn, repeats):
    """Best wall seconds of fn(i) over the repeats, and CPU / wall."""
    best, cpu, wall = float("inf"), 0.0, 0.0
    for i in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn(i)
        w, c = time.perf_counter() - w, time.process_time() - c
        best, cpu, wall = min(best, w), cpu + c, wall + w
    return best, cpu / wall


def main():
    directory = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    x_train, y_train = load(directory + "/train.csv")
    x_test, y_test = load(directory + "/test.csv")
    params = {"objective": "binary:logistic", "tree_method": "hist",
              "max_depth": 6, "eta": 0.1, "lambda": 1.0,
              "min_child_weight": 1.0, "max_bin": 255, "nthread": threads}
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan,
                         nthread=threads)
    start = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=200)
    train_seconds = time.perf_counter() - start

    repeats = 10
    fresh = [xgb.DMatrix(x_test, missing=np.nan, nthread=threads)
             for _ in range(repeats)]
    predictions = booster.predict(xgb.DMatrix(x_test, missing=np.nan))
    dmatrix_s, dmatrix_ratio = timed(lambda i: booster.predict(fresh[i]),
                                     repeats)
    inplace_s, inplace_ratio = timed(
        lambda i: booster.inplace_predict(x_test, missing=np.nan), repeats)
    cached_s, _ = timed(lambda i: booster.predict(fresh[0]), repeats)
    small = x_test[:1000]
    small_s, _ = timed(
        lambda i: booster.inplace_predict(small, missing=np.nan), 50)
    explain = [xgb.DMatrix(x_test[:2000], missing=np.nan) for _ in range(3)]
    contribs_s, _ = timed(
        lambda i: booster.predict(explain[i], pred_contribs=True), 3)
    n = len(y_test)
    print(f"xgboost {xgb.__version__} hist, {threads} thread(s): "
          f"train {train_seconds:.2f} s, "
          f"test AUC {auc(predictions, y_test):.4f}")
    print(f"  predict, fresh DMatrix: {n / dmatrix_s / 1e6:.2f} M rows/s "
          f"(CPU/wall {dmatrix_ratio:.2f}); inplace_predict: "
          f"{n / inplace_s / 1e6:.2f} M rows/s (CPU/wall {inplace_ratio:.2f}); "
          f"same DMatrix again (cache): {n / cached_s / 1e6:.1f} M rows/s")
    print(f"  inplace_predict of 1,000 rows: {small_s / 1000 * 1e9:.0f} ns/row; "
          f"pred_contribs: {2000 / contribs_s:.0f} rows/s")


if __name__ == "__main__":
    main()
