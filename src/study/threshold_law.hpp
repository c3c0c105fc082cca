#pragma once
// The rounding law of the numeric threshold (docs/error-model.md E7):
// lambda* = c u S / tol, fitted as log10 lambda* = a + b log10 u by ordinary least
// squares over scalar types; b is expected to be 1 and c = lambda* tol / (u S).
#include <optional>
#include <vector>

namespace otv::study {

// Ordinary least squares y = intercept + slope x, with the slope's standard error
// s / sqrt(Sxx) (s^2 = residual sum of squares / (m - 2); nullopt for m < 3).
struct LinearFit {
  double slope = 0, intercept = 0;
  std::optional<double> slope_stderr;
  double max_abs_residual = 0;
  long long points = 0;
  bool operator==(const LinearFit&) const = default;
};

// nullopt with fewer than two distinct x.
std::optional<LinearFit> fit_line(const std::vector<double>& x, const std::vector<double>& y);

struct ThresholdPoint {
  double unit_roundoff, lambda_star, squared_norm_max, tolerance;
};

struct ThresholdLaw {
  LinearFit fit;                           // log10 lambda* on log10 u
  double c_geometric_mean = 0, c_min = 0, c_max = 0;  // of lambda* tol / (u S) over the points
  long long points = 0;
  // lambda* predicted for unit roundoff u from the fitted line.
  double predict(double unit_roundoff) const;
  bool operator==(const ThresholdLaw&) const = default;
};

// nullopt with fewer than two distinct unit roundoffs.
std::optional<ThresholdLaw> fit_threshold_law(const std::vector<ThresholdPoint>& points);

// Bounds on the law from bounds on c: if every threshold is c_k u_k S / tol with
// c_k in [c_low, c_high], log10 lambda*_k = x_k + log10(S/tol) + m + r_k with
// m = log10 sqrt(c_low c_high) and |r_k| <= h = log10(c_high / c_low) / 2, so the
// fitted slope is 1 + sum_k (x_k - mean x) r_k / Sxx, within 1 +- h sum_k |x_k - mean x| / Sxx
// (x_k = log10 u_k; infinite slack with fewer than two distinct u).
struct LawBounds {
  double slope_low, slope_high, c_low, c_high;
  bool operator==(const LawBounds&) const = default;
};
LawBounds law_bounds(const std::vector<double>& unit_roundoffs, double c_low, double c_high);

}  // namespace otv::study
