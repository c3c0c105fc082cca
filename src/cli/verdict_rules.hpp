#pragma once
// The decision procedures behind otverify's verdicts, on plain doubles so that
// each can be tested on planted cases with known answers
// (proofs_checks/verdict_rules_checks.cpp): the printed-digit matcher, the
// precision-ladder classifier and the rate fits.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace otv::cli {

// ------------------------------------------------------------ printed digits

// How a printed decimal was produced from the value: rounded to nearest, or
// truncated (digits cut off, toward zero) at its last printed place.
enum class DigitConvention { rounded, truncated };

inline const char* to_string(DigitConvention c) { return c == DigitConvention::rounded ? "rounded" : "truncated"; }

// Places after the decimal point of a printed number ("0.018" -> 3, "0.5" -> 1).
inline int printed_decimals(const std::string& printed) {
  const auto dot = printed.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(printed.size() - dot - 1);
}

// Whether `value` prints as `printed` under the convention, at the printed
// number's own last place (a dropped trailing zero claims no more). The
// printed decimal is exact; the comparison allows 1e-12 of a unit in the last
// place for the binary value of `printed` itself.
inline bool matches_printed(double value, const std::string& printed, DigitConvention c) {
  const double p = std::strtod(printed.c_str(), nullptr), unit = std::pow(10.0, -printed_decimals(printed));
  const double slack = 1e-12 * unit;
  if (c == DigitConvention::rounded) return std::abs(value - p) <= 0.5 * unit + slack;
  // Truncation toward zero: |p| <= |value| < |p| + unit, same sign (or p = 0).
  if (p != 0 && (value < 0) != (p < 0)) return false;
  const double a = std::abs(value), b = std::abs(p);
  return a >= b - slack && a < b + unit - slack;
}

inline bool matches_printed(const std::vector<double>& values, const std::vector<std::string>& printed, DigitConvention c) {
  if (values.size() != printed.size()) return false;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!matches_printed(values[i], printed[i], c)) return false;
  return true;
}

// A depth scan of the readout against the printed list: the first depth at
// which it matches, and the first from which it matches at every later depth
// scanned (nullopt: none), and whether it matches at the deepest one.
struct DepthMatch {
  std::optional<long long> first, lasting;
  bool at_deepest = false;
};

inline DepthMatch scan_depths(const std::vector<long long>& depths, const std::vector<std::vector<double>>& readouts,
                              const std::vector<std::string>& printed, DigitConvention c) {
  DepthMatch m;
  for (std::size_t k = 0; k < depths.size(); ++k) {
    const bool ok = matches_printed(readouts[k], printed, c);
    if (ok && !m.first) m.first = depths[k];
    if (ok && !m.lasting) m.lasting = depths[k];
    if (!ok) m.lasting.reset();
    m.at_deepest = ok;
  }
  return m;
}

// ------------------------------------------------------------ precision ladder

// One rung: a run of the same instance in a type of unit roundoff u, with the
// per-layer error against the exact-arithmetic claim and its rounding tolerance.
struct LadderRung {
  double bits = 0;                       // significand bits p: u = 2^-p (below double's range past ~1074)
  std::vector<double> error, tolerance;  // index l - 1: layer l
  std::optional<long long> onset() const {
    for (std::size_t k = 0; k < error.size(); ++k)
      if (!(error[k] <= tolerance[k])) return static_cast<long long>(k + 1);
    return std::nullopt;
  }
  double max_error() const {
    double m = 0;
    for (double e : error) m = std::max(m, e);
    return m;
  }
};

// holds: every layer within tolerance at the first rung (the base type);
// rounding-only: beyond it there, within it at the top rung;
// unstable: an error of rounding size that grows by a constant factor g per
//   layer, so that it reaches a fixed size after a depth proportional to the
//   bits (bits ln 2 / ln g): at least two rungs reach it, at depths rising with
//   the precision, and the growth factor read from those depths agrees with the
//   one measured per layer. Exact arithmetic would hold; every finite precision
//   fails, later the more bits;
// fails: the top rung fails too, and no precision moves the failure.
enum class LadderVerdict { holds, rounding_only, unstable, fails };

inline const char* to_string(LadderVerdict v) {
  switch (v) {
    case LadderVerdict::holds: return "holds";
    case LadderVerdict::rounding_only: return "rounding-only";
    case LadderVerdict::unstable: return "unstable";
    case LadderVerdict::fails: return "fails";
  }
  return "?";
}

struct LadderDecision {
  LadderVerdict verdict = LadderVerdict::holds;
  std::optional<double> slope;               // of log(max error) against log(u) over the rungs with an error > 0
  double failure_level = 0;                  // the fixed size whose depth is compared across rungs
  std::vector<std::optional<long long>> failure_depth;  // per rung: first layer with error >= failure_level
  std::optional<double> growth_per_layer;    // measured from the per-layer errors on the way there
  std::optional<double> layers_per_bit;      // slope of the failure depth against the bits
  std::optional<double> growth_from_depths;  // 2^(1 / layers_per_bit)
};

// Least-squares slope of y on x; nullopt with fewer than two distinct x.
inline std::optional<double> ls_slope(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double k = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i]; }
  const double den = k * sxx - sx * sx;
  if (!(std::abs(den) > 0)) return std::nullopt;
  return (k * sxy - sx * sy) / den;
}

inline std::optional<long long> first_reaching(const LadderRung& r, double level) {
  for (std::size_t k = 0; k < r.error.size(); ++k)
    if (!(r.error[k] < level)) return static_cast<long long>(k + 1);
  return std::nullopt;
}

// Per-layer growth factor of a rung's error on its way to `depth`: a log-linear
// fit over the layers where the error is above 64 u (clear of the rounding floor)
// and a normal double.
inline std::optional<double> growth_until(const LadderRung& r, long long depth) {
  std::vector<double> l, le;
  for (long long k = 1; k <= depth; ++k) {
    const double e = r.error[static_cast<std::size_t>(k - 1)];
    // Subnormal doubles (a high rung's errors as the JSON carries them) have lost digits.
    if (e > std::max(std::ldexp(64.0, -static_cast<int>(r.bits)), std::numeric_limits<double>::min()) && std::isfinite(e)) {
      l.push_back(double(k));
      le.push_back(std::log(e));
    }
  }
  const auto s = ls_slope(l, le);
  if (!s) return std::nullopt;
  return std::exp(*s);
}

inline LadderDecision decide_ladder(const std::vector<LadderRung>& rungs) {
  LadderDecision d;
  if (rungs.empty()) return d;
  {
    std::vector<double> lu, le;
    for (const auto& r : rungs) {
      const double e = r.max_error();
      if (e > 0 && std::isfinite(e)) { lu.push_back(-r.bits * std::log(2.0)); le.push_back(std::log(e)); }
    }
    d.slope = ls_slope(lu, le);
  }
  if (!rungs.front().onset()) return d;  // holds
  // The fixed size: 2^-10 of the base type's worst error -- reached early by a
  // discrepancy that does not shrink with u, never by rounding in the higher rungs.
  d.failure_level = std::ldexp(rungs.front().max_error(), -10);
  std::vector<double> bits, depths, log_growth;
  bool rising = true;
  std::optional<long long> previous;
  for (const auto& r : rungs) {
    d.failure_depth.push_back(first_reaching(r, d.failure_level));
    const auto& depth = d.failure_depth.back();
    if (!depth) continue;
    rising = rising && (!previous || *depth > *previous);
    previous = depth;
    bits.push_back(r.bits);
    depths.push_back(double(*depth));
    if (const auto g = growth_until(r, *depth)) log_growth.push_back(std::log(*g));
  }
  if (rising && depths.size() >= 2) {
    d.layers_per_bit = ls_slope(bits, depths);
    if (d.layers_per_bit && *d.layers_per_bit > 0) d.growth_from_depths = std::exp2(1 / *d.layers_per_bit);
    if (!log_growth.empty()) {
      double s = 0;
      for (double g : log_growth) s += g;
      d.growth_per_layer = std::exp(s / double(log_growth.size()));
    }
    // Both readings of the growth must agree (within 25 % in log g): a geometric
    // error, not a coincidence of depths.
    if (d.growth_from_depths && d.growth_per_layer && *d.growth_per_layer > 1 &&
        std::abs(std::log(*d.growth_from_depths) - std::log(*d.growth_per_layer)) <= 0.25 * std::log(*d.growth_per_layer)) {
      d.verdict = LadderVerdict::unstable;
      return d;
    }
  }
  d.verdict = rungs.back().onset() ? LadderVerdict::fails : LadderVerdict::rounding_only;
  return d;
}

// ------------------------------------------------------------ rates

// One measured distance: depth l, size n, the distance, and the instance it
// came from (a key equal for instances that are relabellings of each other).
struct RatePoint {
  double layers, n, measured;
  std::string instance;
};

// The dynamics are equivariant under permutations of the x and of the y indices,
// so relabelled instances give the same distances: one point per (instance, l).
inline std::vector<RatePoint> distinct_points(const std::vector<RatePoint>& points) {
  std::vector<RatePoint> out;
  std::map<std::pair<std::string, double>, bool> seen;
  for (const auto& p : points)
    if (seen.emplace(std::make_pair(p.instance, p.layers), true).second) out.push_back(p);
  return out;
}

// log(measured) = a log(l) + b log(n) + c by least squares, with standard errors.
struct PowerLawFit {
  double exponent_l = 0, exponent_l_stderr = 0, exponent_n = 0, exponent_n_stderr = 0, log_intercept = 0;
  std::size_t points = 0;
};

inline PowerLawFit fit_power_law(const std::vector<RatePoint>& points) {
  const auto m = static_cast<Eigen::Index>(points.size());
  Eigen::MatrixXd X(m, 3);
  Eigen::VectorXd y(m);
  for (Eigen::Index k = 0; k < m; ++k) {
    const auto& p = points[static_cast<std::size_t>(k)];
    X(k, 0) = std::log(p.layers);
    X(k, 1) = std::log(p.n);
    X(k, 2) = 1;
    y(k) = std::log(p.measured);
  }
  const Eigen::MatrixXd XtX = X.transpose() * X;
  const Eigen::VectorXd beta = XtX.ldlt().solve(X.transpose() * y);
  const double dof = std::max<double>(1, double(m) - 3);
  const double sigma2 = (y - X * beta).squaredNorm() / dof;
  const Eigen::MatrixXd cov = sigma2 * XtX.inverse();
  return {beta(0), std::sqrt(cov(0, 0)), beta(1), std::sqrt(cov(1, 1)), beta(2), points.size()};
}

// The decay in l of one instance: power law log d = a + p log l against
// geometric log d = a + l log rho, both two-parameter least squares on log d;
// the better model has the smaller residual sum of squares.
struct DecayFit {
  double power_exponent = 0, power_rss = 0;
  double geometric_rate = 0, geometric_rss = 0;  // rho per layer
  bool geometric_preferred() const { return geometric_rss < power_rss; }
};

inline DecayFit fit_decay(const std::vector<double>& layers, const std::vector<double>& measured) {
  DecayFit f;
  auto fit = [&](bool geometric, double& slope, double& rss) {
    std::vector<double> x, y;
    for (std::size_t k = 0; k < layers.size(); ++k) { x.push_back(geometric ? layers[k] : std::log(layers[k])); y.push_back(std::log(measured[k])); }
    slope = ls_slope(x, y).value_or(0);
    double mx = 0, my = 0;
    for (std::size_t k = 0; k < x.size(); ++k) { mx += x[k]; my += y[k]; }
    mx /= double(x.size());
    my /= double(x.size());
    rss = 0;
    for (std::size_t k = 0; k < x.size(); ++k) rss += std::pow(y[k] - my - slope * (x[k] - mx), 2);
  };
  double s = 0;
  fit(false, f.power_exponent, f.power_rss);
  fit(true, s, f.geometric_rss);
  f.geometric_rate = std::exp(s);
  return f;
}

}  // namespace otv::cli
