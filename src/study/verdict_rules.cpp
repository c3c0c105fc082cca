// Definitions of the decision procedures declared in verdict_rules.hpp.
#include "study/verdict_rules.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

namespace otv::study {

const char* to_string(DigitConvention c) { return c == DigitConvention::rounded ? "rounded" : "truncated"; }

int printed_decimals(const std::string& printed) {
  const auto dot = printed.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(printed.size() - dot - 1);
}

bool matches_printed(double value, const std::string& printed, DigitConvention c) {
  const double p = std::strtod(printed.c_str(), nullptr), unit = std::pow(10.0, -printed_decimals(printed));
  const double slack = 1e-12 * unit;
  if (c == DigitConvention::rounded) return std::abs(value - p) <= 0.5 * unit + slack;
  // Truncation toward zero: |p| <= |value| < |p| + unit, same sign (or p = 0).
  if (p != 0 && (value < 0) != (p < 0)) return false;
  const double a = std::abs(value), b = std::abs(p);
  return a >= b - slack && a < b + unit - slack;
}

bool matches_printed(const std::vector<double>& values, const std::vector<std::string>& printed, DigitConvention c) {
  if (values.size() != printed.size()) return false;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!matches_printed(values[i], printed[i], c)) return false;
  return true;
}

DepthMatch scan_depths(const std::vector<long long>& depths, const std::vector<std::vector<double>>& readouts,
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

const char* to_string(LadderVerdict v) {
  switch (v) {
    case LadderVerdict::holds: return "holds";
    case LadderVerdict::rounding_only: return "rounding-only";
    case LadderVerdict::unstable: return "unstable";
    case LadderVerdict::fails: return "fails";
  }
  return "?";
}

std::optional<double> ls_slope(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double k = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i]; }
  const double den = k * sxx - sx * sx;
  if (!(std::abs(den) > 0)) return std::nullopt;
  return (k * sxy - sx * sy) / den;
}

std::optional<long long> first_reaching(const LadderRung& r, double level) {
  for (std::size_t k = 0; k < r.error.size(); ++k)
    if (!(r.error[k] < level)) return static_cast<long long>(k + 1);
  return std::nullopt;
}

std::optional<double> growth_until(const LadderRung& r, long long depth) {
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

LadderDecision decide_ladder(const std::vector<LadderRung>& rungs) {
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

std::vector<RatePoint> distinct_points(const std::vector<RatePoint>& points) {
  std::vector<RatePoint> out;
  std::map<std::pair<std::string, double>, bool> seen;
  for (const auto& p : points)
    if (seen.emplace(std::make_pair(p.instance, p.layers), true).second) out.push_back(p);
  return out;
}

PowerLawFit fit_power_law(const std::vector<RatePoint>& points) {
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

DecayFit fit_decay(const std::vector<double>& layers, const std::vector<double>& measured) {
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
}  // namespace otv::study
