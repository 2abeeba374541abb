// Reads and writes the labelled tables the scoring-model benchmarks share
// with their Python peers (xgboost, scikit-learn): a header line of feature
// names ending in "label", then one row per example, comma-separated, an
// empty field for a missing value. `shopml propensity-table` and
// `gbdt_bench --export` write them.
#ifndef SHOPML_BENCH_TABLE_CSV_H_
#define SHOPML_BENCH_TABLE_CSV_H_

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/features/feature_matrix.h"

namespace shopml::bench {

struct LabelledTable {
  std::vector<std::string> names;  // Feature names, without "label".
  core::FeatureMatrix x;
  std::vector<float> y;
};

// Exits with a message on a malformed file: benchmarks have no caller to
// return an error to.
inline LabelledTable ReadTableCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  LabelledTable t;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) {
    t.names.push_back(name);
  }
  if (t.names.empty() || t.names.back() != "label") {
    std::fprintf(stderr, "%s: the header must end in 'label'\n", path.c_str());
    std::exit(2);
  }
  t.names.pop_back();
  const size_t cols = t.names.size();
  std::vector<float> values;
  size_t rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t fields = 0;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      const std::string field =
          line.substr(start, comma == std::string::npos ? std::string::npos
                                                        : comma - start);
      const float v = field.empty() ? NAN : std::strtof(field.c_str(), nullptr);
      if (fields < cols) {
        values.push_back(v);
      } else {
        t.y.push_back(v);
      }
      ++fields;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (fields != cols + 1) {
      std::fprintf(stderr, "%s:%zu: %zu fields, expected %zu\n", path.c_str(),
                   rows + 2, fields, cols + 1);
      std::exit(2);
    }
    ++rows;
  }
  t.x = Eigen::Map<core::FeatureMatrix>(values.data(),
                                        static_cast<Eigen::Index>(rows),
                                        static_cast<Eigen::Index>(cols));
  return t;
}

inline void WriteTableCsv(const core::FeatureMatrix& x,
                          const std::vector<float>& y,
                          const std::vector<std::string>& names,
                          const std::string& path) {
  std::ofstream out(path);
  out.precision(9);  // Floats round-trip.
  for (const std::string& name : names) out << name << ",";
  out << "label\n";
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const float v = x(r, j);
      if (!std::isnan(v)) out << v;
      out << ",";
    }
    out << y[r] << "\n";
  }
}

}  // namespace shopml::bench

#endif  // SHOPML_BENCH_TABLE_CSV_H_
