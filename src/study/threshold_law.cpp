#include "study/threshold_law.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace otv::study {

std::optional<LinearFit> fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t m = std::min(x.size(), y.size());
  if (m < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < m; ++k) mx += x[k], my += y[k];
  mx /= static_cast<double>(m), my /= static_cast<double>(m);
  double sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < m; ++k) sxx += (x[k] - mx) * (x[k] - mx), sxy += (x[k] - mx) * (y[k] - my);
  if (!(sxx > 0)) return std::nullopt;
  LinearFit f;
  f.points = static_cast<long long>(m);
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double rss = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const double r = y[k] - f.intercept - f.slope * x[k];
    rss += r * r;
    f.max_abs_residual = std::max(f.max_abs_residual, std::abs(r));
  }
  if (m >= 3) f.slope_stderr = std::sqrt(rss / static_cast<double>(m - 2) / sxx);
  return f;
}

double ThresholdLaw::predict(double unit_roundoff) const { return std::pow(10.0, fit.intercept + fit.slope * std::log10(unit_roundoff)); }

std::optional<ThresholdLaw> fit_threshold_law(const std::vector<ThresholdPoint>& points) {
  std::vector<double> x, y;
  double log_c = 0;
  ThresholdLaw law;
  law.c_min = std::numeric_limits<double>::infinity(), law.c_max = 0;
  for (const auto& p : points) {
    x.push_back(std::log10(p.unit_roundoff));
    y.push_back(std::log10(p.lambda_star));
    const double c = p.lambda_star * p.tolerance / (p.unit_roundoff * p.squared_norm_max);
    log_c += std::log(c);
    law.c_min = std::min(law.c_min, c), law.c_max = std::max(law.c_max, c);
  }
  const auto fit = fit_line(x, y);
  if (!fit) return std::nullopt;
  law.fit = *fit;
  law.points = static_cast<long long>(points.size());
  law.c_geometric_mean = std::exp(log_c / static_cast<double>(points.size()));
  return law;
}

LawBounds law_bounds(const std::vector<double>& unit_roundoffs, double c_low, double c_high) {
  double mean = 0, sxx = 0, sad = 0;
  for (double u : unit_roundoffs) mean += std::log10(u) / static_cast<double>(unit_roundoffs.size());
  for (double u : unit_roundoffs) sxx += (std::log10(u) - mean) * (std::log10(u) - mean), sad += std::abs(std::log10(u) - mean);
  const double slack = sxx > 0 ? std::log10(c_high / c_low) / 2 * sad / sxx : std::numeric_limits<double>::infinity();
  return {1 - slack, 1 + slack, c_low, c_high};
}

}  // namespace otv::study
