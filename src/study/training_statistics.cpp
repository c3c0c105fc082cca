#include "study/training_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace otv::study {

MeanSd mean_sd(const std::vector<double>& v) {
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0};
}

RatioInterval bootstrap_ratio_ci(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 rng(20240601);
  auto resampled_mean = [&](const std::vector<double>& v) {
    double m = 0;
    for (std::size_t k = 0; k < v.size(); ++k) m += v[rng() % v.size()];
    return m / static_cast<double>(v.size());
  };
  std::vector<double> r(10000);
  for (auto& x : r) {
    const double num = resampled_mean(a);  // a's draws first: the order fixes the stream
    x = num / resampled_mean(b);
  }
  std::sort(r.begin(), r.end());
  return {r[249], r[9749]};
}

LossCurve thinned_curve(const LossCurve& curve) {
  LossCurve out;
  if (curve.empty()) return out;
  const std::size_t stride = std::max<std::size_t>(1, (curve.size() - 1 + kMaxCurvePoints - 2) / (kMaxCurvePoints - 1));
  for (std::size_t k = 0; k + 1 < curve.size(); k += stride) out.push_back(curve[k]);
  out.push_back(curve.back());
  return out;
}

HeldOutRatio held_out_ratio(const std::vector<double>& plain_mse, const std::vector<double>& engineered_mse) {
  const double r = mean_sd(plain_mse).mean / mean_sd(engineered_mse).mean;
  return {r, bootstrap_ratio_ci(plain_mse, engineered_mse), r < 1};
}

}  // namespace otv::study
