#pragma once
// The bound of Theorem 2 and its precondition, in log space (no scalar type: the
// bound's inputs are doubles).
#include <cmath>

namespace otv {

struct Theorem2Bound {
  double log_r, eta, log_phi, log10_bound, log10_min_layers;
  bool precondition_holds;
};

// The bound of Theorem 2 and its precondition for n points, depth l, in log space.
inline Theorem2Bound theorem2_bound(double log_r, double log_phi, double lambda, long long n, long long l) {
  const double ln10 = std::log(10.0), r = std::exp(log_r);
  Theorem2Bound b{};
  b.log_r = log_r;
  b.log_phi = log_phi;
  b.eta = std::tanh(log_phi / 4);  // (sqrt(phi) - 1)/(sqrt(phi) + 1)
  // log(1 - eta) = log(2 / (sqrt(phi) + 1)) computed without cancellation.
  const double log_one_minus_eta = std::log(2.0) - (log_phi / 2 + std::log1p(std::exp(-log_phi / 2)));
  const double ln_bound = std::log(36.0) + 1.5 * std::log(double(n)) + r / lambda + 0.5 * log_r - 0.5 * std::log(double(l)) - log_one_minus_eta;
  b.log10_bound = ln_bound / ln10;
  const double ln_min_layers = std::log(64.0) + 3 * std::log(double(n)) + 3 * r / lambda + log_r;
  b.log10_min_layers = ln_min_layers / ln10;
  b.precondition_holds = std::log(double(l)) >= ln_min_layers;
  return b;
}

}  // namespace otv
