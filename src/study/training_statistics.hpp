#pragma once
// The statistics of the training studies (study/training.hpp): mean and sample
// standard deviation over seeds, a bootstrap interval of a ratio of means, the
// thinned loss curve that results carry, and the ablation's held-out decision.
#include <cstddef>
#include <utility>
#include <vector>

namespace otv::study {

// Mean and sample standard deviation of v:
//
//   mean = (1/k) sum_i v_i,   sd = sqrt( sum_i (v_i - mean)^2 / (k - 1) )
//
// with sd = 0 for k = 1 (one seed has no spread) and mean = NaN, sd = 0 for k = 0.
// Example: mean_sd({1, 2, 3}) == {2, 1}
struct MeanSd {
  double mean = 0, sd = 0;
};
MeanSd mean_sd(const std::vector<double>& v);

// The 95% percentile-bootstrap interval of mean(a) / mean(b): 10^4 resamples, each
// group's values drawn with replacement (std::mt19937_64 seeded 20240601, so the
// interval is reproducible), the 250th and 9750th of the sorted ratios. With a
// handful of seeds it states the spread; it is not a guarantee. NaN, NaN when a
// group is empty.
// Example: bootstrap_ratio_ci({2, 2}, {1, 1}) == {2, 2}
struct RatioInterval {
  double lo = 0, hi = 0;
};
RatioInterval bootstrap_ratio_ci(const std::vector<double>& a, const std::vector<double>& b);

// A loss curve (iteration, loss) thinned to at most kMaxCurvePoints points: every
// stride-th entry from the first, stride = ceil((k - 1) / (kMaxCurvePoints - 1)),
// and always the last. Curves of at most kMaxCurvePoints entries stay whole.
inline constexpr std::size_t kMaxCurvePoints = 200;
using LossCurve = std::vector<std::pair<long long, double>>;
LossCurve thinned_curve(const LossCurve& curve);

// The ablation's held-out comparison at one n: ratio = mean mse(plain) / mean
// mse(engineered) over the seeds, its bootstrap interval, and whether the plain
// prompt wins (ratio < 1). The claim's verdict is study/claims.hpp's
// prompt_engineering_verdict, from these intervals and the sorting verdicts.
struct HeldOutRatio {
  double ratio = 0;
  RatioInterval ci95;
  bool plain_wins = false;
};
HeldOutRatio held_out_ratio(const std::vector<double>& plain_mse, const std::vector<double>& engineered_mse);

}  // namespace otv::study
