#include "core/cf/implicit_als_csr.h"

#include <algorithm>
#include <utility>

namespace shopml::core::implicit_als_internal {

ConfidenceCsr BuildUserItemCsr(const Interactions& data,
                               const ImplicitAlsOptions& options) {
  // Bucket the events by user (a stable counting sort of their indices), then
  // sum each user's events per item. 4 bytes per event instead of a sorted
  // copy of the events keeps 20M-event runs within a few hundred MB.
  const uint32_t num_users = data.num_users;
  std::vector<uint64_t> event_offsets(num_users + 1, 0);
  for (const Interaction& e : data.events) ++event_offsets[e.user + 1];
  for (uint32_t u = 0; u < num_users; ++u) {
    event_offsets[u + 1] += event_offsets[u];
  }
  std::vector<uint32_t> by_user(data.events.size());
  {
    std::vector<uint64_t> fill(event_offsets.begin(), event_offsets.end() - 1);
    for (size_t i = 0; i < data.events.size(); ++i) {
      by_user[fill[data.events[i].user]++] = static_cast<uint32_t>(i);
    }
  }

  ConfidenceCsr csr;
  csr.rows = num_users;
  csr.cols = data.num_items;
  csr.offsets.assign(num_users + 1, 0);
  csr.indices.reserve(data.events.size());
  csr.confidence.reserve(data.events.size());
  std::vector<std::pair<uint32_t, uint32_t>> row;  // (item, event index).
  for (uint32_t u = 0; u < num_users; ++u) {
    row.clear();
    for (uint64_t k = event_offsets[u]; k < event_offsets[u + 1]; ++k) {
      row.emplace_back(data.events[by_user[k]].item, by_user[k]);
    }
    // Sorting by (item, event index) keeps event order within a pair, so the
    // double sums below match AlsItemWeights bit for bit.
    std::sort(row.begin(), row.end());
    for (size_t i = 0; i < row.size();) {
      double w = 0;
      size_t j = i;
      for (; j < row.size() && row[j].first == row[i].first; ++j) {
        w += AlsEventWeight(options, data.events[row[j].second]);
      }
      const float wf = static_cast<float>(w);
      if (wf > 0) {
        csr.indices.push_back(row[i].first);
        csr.confidence.push_back(AlsConfidence(options, wf));
      }
      i = j;
    }
    csr.offsets[u + 1] = csr.indices.size();
  }
  csr.indices.shrink_to_fit();
  csr.confidence.shrink_to_fit();
  return csr;
}

ConfidenceCsr Transpose(const ConfidenceCsr& csr) {
  ConfidenceCsr t;
  t.rows = csr.cols;
  t.cols = csr.rows;
  t.offsets.assign(static_cast<size_t>(t.rows) + 1, 0);
  for (uint32_t j : csr.indices) ++t.offsets[j + 1];
  for (uint32_t r = 0; r < t.rows; ++r) t.offsets[r + 1] += t.offsets[r];
  t.indices.resize(csr.nnz());
  t.confidence.resize(csr.nnz());
  std::vector<uint64_t> fill(t.offsets.begin(), t.offsets.end() - 1);
  // Visiting the source rows in order leaves every target row ascending.
  for (uint32_t r = 0; r < csr.rows; ++r) {
    for (uint64_t k = csr.offsets[r]; k < csr.offsets[r + 1]; ++k) {
      const uint64_t at = fill[csr.indices[k]]++;
      t.indices[at] = r;
      t.confidence[at] = csr.confidence[k];
    }
  }
  return t;
}

}  // namespace shopml::core::implicit_als_internal
