#!/usr/bin/env python3
"""Writes a sample of the demo shop's daily sales series in the format of
bench/export_r_series.R ("frequency,7", then one value per line), for
bench/auto_forecast_bench.cc and bench/auto_vs_r.R.

    python3 bench/export_demo_series.py demo/csv /tmp/shopml_series [count]

Takes `count` (default 6) smooth and as many intermittent series, by the
planted truth in truth_series.csv, evenly spaced over the items; the
intermittent ones are named intermittent_demo_<id> so both benches score them
as intermittent demand.
"""
import csv
import os
import sys
from collections import defaultdict


def main():
    csv_dir, out_dir = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    with open(os.path.join(csv_dir, "truth_series.csv")) as f:
        truth = {row["series_id"]: row["intermittent"] == "1" for row in csv.DictReader(f)}
    sales = defaultdict(list)
    with open(os.path.join(csv_dir, "sales.csv")) as f:
        for row in csv.DictReader(f):
            sales[row["series_id"]].append((row["date"], float(row["quantity"])))
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for intermittent in (False, True):
        ids = sorted(i for i, flag in truth.items() if flag == intermittent)
        for k in range(count):
            series_id = ids[k * len(ids) // count]
            values = [q for _, q in sorted(sales[series_id])]
            prefix = "intermittent_demo_" if intermittent else "demo_"
            path = os.path.join(out_dir, prefix + series_id + ".csv")
            with open(path, "w") as out:
                out.write("frequency,7\n")
                out.write("\n".join("%g" % v for v in values) + "\n")
            written += 1
    print("wrote %d demo series to %s" % (written, out_dir))


if __name__ == "__main__":
    main()
