#pragma once
// Training data for learning the construction (paper Sec. 6, DESIGN.md §6), d = 1.
// Two settings: the paper's (x a random permutation of {1/n, ..., n/n}, y_i = i/n,
// one fixed set of samples) and the released code's (x n distinct values of
// {0, 1/50, ..., 49/50} in random order, y_i = i/n, samples redrawn every 50 steps).
// Every draw is a function of (seed, draw index) only, so a resumed run sees the
// same samples as an uninterrupted one.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "otv/error.hpp"
#include "otv/instance.hpp"

namespace otv {

enum class DataSetting { paper, notebook };

inline DataSetting parse_data_setting(const std::string& s) {
  if (s == "paper") return DataSetting::paper;
  if (s == "notebook") return DataSetting::notebook;
  throw InputError("unknown data setting " + excerpt(s) + " (expected paper or notebook)");
}
inline std::string to_string(DataSetting s) { return s == DataSetting::paper ? "paper" : "notebook"; }

// The grid of the released code: x drawn as distinct values of {0, 1/50, ..., 49/50}.
inline constexpr int kNotebookGrid = 50;

// One training sample: x (in prompt order) and its sorted copy, the target of the
// output column (y_i = i/n is increasing, so sorted(x)_i is the point sent to y_i).
template <class Real> struct Sample {
  Instance<Real> instance;
  Vector<Real> sorted_x;
};

// Integer numerators of x over a common denominator, by seeded Fisher-Yates.
inline std::vector<long long> draw_numerators(DataSetting setting, int n, std::mt19937_64& rng) {
  const int pool = setting == DataSetting::paper ? n : kNotebookGrid;
  std::vector<long long> v(static_cast<std::size_t>(pool));
  for (int i = 0; i < pool; ++i) v[static_cast<std::size_t>(i)] = setting == DataSetting::paper ? i + 1 : i;
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
  v.resize(static_cast<std::size_t>(n));
  return v;
}

template <class Real> Sample<Real> make_sample(const std::vector<long long>& numerators, long long denominator) {
  const auto n = static_cast<Eigen::Index>(numerators.size());
  Sample<Real> s{{Matrix<Real>(n, 1), Matrix<Real>(n, 1)}, Vector<Real>(n)};
  std::vector<long long> sorted = numerators;
  std::sort(sorted.begin(), sorted.end());
  for (Eigen::Index i = 0; i < n; ++i) {
    s.instance.x(i, 0) = Real(numerators[static_cast<std::size_t>(i)]) / Real(denominator);
    s.instance.y(i, 0) = Real(i + 1) / Real(n);
    s.sorted_x(i) = Real(sorted[static_cast<std::size_t>(i)]) / Real(denominator);
  }
  return s;
}

// Draw number `draw` (0 for the paper's fixed set; iteration / resample_every for
// the released code's) of `count` samples at size n.
template <class Real> std::vector<Sample<Real>> draw_samples(DataSetting setting, int n, int count, std::uint64_t seed, std::uint64_t draw) {
  if (setting == DataSetting::notebook && n > kNotebookGrid)
    throw InputError("the notebook data setting draws distinct values of a 50-point grid: n must be <= 50");
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), static_cast<std::uint32_t>(draw),
                    static_cast<std::uint32_t>(draw >> 32), 0x74726eu};
  std::mt19937_64 rng(seq);
  const long long den = setting == DataSetting::paper ? n : kNotebookGrid;
  std::vector<Sample<Real>> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) out.push_back(make_sample<Real>(draw_numerators(setting, n, rng), den));
  return out;
}

}  // namespace otv
