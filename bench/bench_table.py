"""Shared by the Python peers of the scoring-model benchmarks: reads the
labelled tables bench/table_csv.h writes and measures AUC the way
core/eval/classification_metrics.h does (ties get their mean rank)."""
import numpy as np


def load(path):
    """Features (float32, NaN missing) and labels of a table CSV."""
    data = np.genfromtxt(path, delimiter=",", skip_header=1,
                         filling_values=np.nan, dtype=np.float32)
    return data[:, :-1], data[:, -1]


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
