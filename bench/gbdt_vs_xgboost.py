#!/usr/bin/env python3
"""xgboost's side of bench/gbdt_bench.cc: trains Debian's python3-xgboost
(tree_method "hist") on the table gbdt_bench --export wrote, with the same
depth, trees, learning rate, L2 and min child weight, and prints training
time, test AUC and batch-prediction rows per second.

    python3 bench/gbdt_vs_xgboost.py /tmp/gbdt [threads]
"""
import sys
import time

import numpy as np
import xgboost as xgb


def load(path):
    data = np.genfromtxt(path, delimiter=",", skip_header=1,
                         filling_values=np.nan)
    return data[:, :-1].astype(np.float32), data[:, -1].astype(np.float32)


def auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    s, y = scores[order], labels[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = (i + j + 1) / 2.0
        i = j
    pos = y.sum()
    neg = len(y) - pos
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def main():
    directory = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    x_train, y_train = load(directory + "/train.csv")
    x_test, y_test = load(directory + "/test.csv")
    params = {"objective": "binary:logistic", "tree_method": "hist",
              "max_depth": 6, "eta": 0.1, "lambda": 1.0,
              "min_child_weight": 1.0, "max_bin": 255, "nthread": threads}
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan)
    dtest = xgb.DMatrix(x_test, missing=np.nan)
    start = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=200)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    repeats = 10
    for _ in range(repeats):
        predictions = booster.predict(dtest)
    predict_seconds = (time.perf_counter() - start) / repeats
    print(f"xgboost {xgb.__version__} hist, {threads} thread(s): "
          f"train {train_seconds:.2f} s, test AUC {auc(predictions, y_test):.4f}, "
          f"predict {len(y_test) / predict_seconds / 1e6:.2f} M rows/s")


if __name__ == "__main__":
    main()
