// The series files of bench/export_r_series.R and
// bench/export_demo_series.py ("frequency,<m>", then one value per line),
// shared by the forecasting benchmarks.
#ifndef SHOPML_BENCH_SERIES_FILES_H_
#define SHOPML_BENCH_SERIES_FILES_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace shopml::bench {

struct NamedSeries {
  std::string name;  // The file's stem.
  int frequency = 1;
  std::vector<double> values;
};

// Exits with a message for a file without the frequency line.
inline NamedSeries ReadSeries(const std::filesystem::path& path) {
  NamedSeries series;
  series.name = path.stem().string();
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line) || line.rfind("frequency,", 0) != 0) {
    std::fprintf(stderr, "%s: first line must be frequency,<m>\n",
                 path.c_str());
    std::exit(1);
  }
  series.frequency = std::atoi(line.c_str() + 10);
  while (std::getline(in, line)) {
    if (!line.empty()) {
      series.values.push_back(std::strtod(line.c_str(), nullptr));
    }
  }
  return series;
}

// Every <dir>/*.csv, sorted by name; exits with a hint when there is none.
inline std::vector<NamedSeries> ReadSeriesDir(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".csv") files.push_back(entry.path());
  }
  if (files.empty()) {
    std::fprintf(stderr,
                 "no series in %s: run Rscript bench/export_r_series.R %s\n",
                 dir.c_str(), dir.c_str());
    std::exit(1);
  }
  std::sort(files.begin(), files.end());
  std::vector<NamedSeries> series;
  for (const auto& file : files) series.push_back(ReadSeries(file));
  return series;
}

// Holdout length: two seasons, or 8 values without a season.
inline int Holdout(int frequency) { return frequency > 1 ? 2 * frequency : 8; }

// Files named intermittent* hold intermittent demand.
inline bool IsIntermittent(const NamedSeries& series) {
  return series.name.rfind("intermittent", 0) == 0;
}

}  // namespace shopml::bench

#endif  // SHOPML_BENCH_SERIES_FILES_H_
