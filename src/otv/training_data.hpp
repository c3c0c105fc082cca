#pragma once
// Training data for learning the construction (paper Sec. 6, DESIGN.md §6), d = 1.
// Two settings of x, both with y_i = i/n: the paper's (x a random permutation of
// {1/n, ..., n/n}) and the released code's grid (x n distinct values of
// {0, 1/50, ..., 49/50} in random order). Under the paper's, sorted(x) = y for every
// sample, so a model can reach zero loss by copying its y column without sorting;
// under the grid, sorted(x)_n <= 49/50 < 1 = y_n, so sorting is required.
// Every draw is a function of (seed, draw index, stream) only, so a resumed run sees
// the same samples as an uninterrupted one, and held-out draws never repeat a
// training draw.
#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "otv/error.hpp"
#include "otv/instance.hpp"

namespace otv {

enum class DataSetting { paper, grid };

inline DataSetting parse_data_setting(const std::string& s) {
  if (s == "paper") return DataSetting::paper;
  if (s == "grid") return DataSetting::grid;
  throw InputError("unknown data setting " + excerpt(s) + " (expected grid or paper)");
}
inline std::string to_string(DataSetting s) { return s == DataSetting::paper ? "paper" : "grid"; }

// Training draws and held-out draws come from disjoint seed streams.
enum class Stream : std::uint32_t { training = 0x74726eu, held_out = 0x686c64u };

// The grid of the released code: x drawn as distinct values of {0, 1/50, ..., 49/50}.
inline constexpr int kNotebookGrid = 50;

// One training sample: x (in prompt order) and its sorted copy, the target of the
// output column (y_i = i/n is increasing, so sorted(x)_i is the point sent to y_i);
// uv: the starting u, v of the data rows (n x 2; empty: zero, as in eq. 6).
template <class Real> struct Sample {
  Instance<Real> instance;
  Vector<Real> sorted_x;
  Matrix<Real> uv;
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
  Sample<Real> s{{Matrix<Real>(n, 1), Matrix<Real>(n, 1)}, Vector<Real>(n), {}};
  std::vector<long long> sorted = numerators;
  std::sort(sorted.begin(), sorted.end());
  for (Eigen::Index i = 0; i < n; ++i) {
    s.instance.x(i, 0) = Real(numerators[static_cast<std::size_t>(i)]) / Real(denominator);
    s.instance.y(i, 0) = Real(i + 1) / Real(n);
    s.sorted_x(i) = Real(sorted[static_cast<std::size_t>(i)]) / Real(denominator);
  }
  return s;
}

// Draw number `draw` (0 for one fixed set; iteration / resample_every when the
// samples are redrawn) of `count` samples at size n. random_uv: each sample's
// starting u, v uniform in [0, 1) (the released code starts them at random values),
// drawn after all x so that the x draws do not depend on it.
template <class Real>
std::vector<Sample<Real>> draw_samples(DataSetting setting, int n, int count, std::uint64_t seed, std::uint64_t draw,
                                       Stream stream = Stream::training, bool random_uv = false) {
  if (setting == DataSetting::grid && n > kNotebookGrid)
    throw InputError("the grid data setting draws distinct values of a 50-point grid: n must be <= 50");
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), static_cast<std::uint32_t>(draw),
                    static_cast<std::uint32_t>(draw >> 32), static_cast<std::uint32_t>(stream)};
  std::mt19937_64 rng(seq);
  const long long den = setting == DataSetting::paper ? n : kNotebookGrid;
  std::vector<Sample<Real>> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) out.push_back(make_sample<Real>(draw_numerators(setting, n, rng), den));
  if (random_uv)
    for (auto& s : out) {
      s.uv.resize(n, 2);
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index c = 0; c < 2; ++c) s.uv(i, c) = Real(static_cast<double>(rng() >> 11) * 0x1.0p-53);
    }
  return out;
}

// Is sorted(x) = y (the paper's data: a model can copy y instead of sorting)?
template <class Real> bool sorted_x_is_y(const Sample<Real>& s) {
  for (Eigen::Index i = 0; i < s.instance.n(); ++i)
    if (s.sorted_x(i) != s.instance.y(i, 0)) return false;
  return true;
}

// Held-out test instances: the grid setting on the held-out stream, every one with
// sorted(x) != y (the grid guarantees it: sorted(x)_n <= 49/50 < y_n = 1), so a
// model that copies y cannot score as sorting.
template <class Real> std::vector<Sample<Real>> held_out_samples(int n, int count, std::uint64_t seed, bool random_uv) {
  auto out = draw_samples<Real>(DataSetting::grid, n, count, seed, 0, Stream::held_out, random_uv);
  for (const auto& s : out)
    if (sorted_x_is_y(s)) throw std::logic_error("held_out_samples: a grid draw has sorted(x) = y");
  return out;
}

}  // namespace otv
