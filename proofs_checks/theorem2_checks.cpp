// Theorem 2: the factor form of eq. (10) at every layer, and the bound wherever
// its precondition holds.
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>

#include "otv/theorem2.hpp"

namespace {

using otv::Variant;

struct Setting {
  otv::Instance<double> inst;
  otv::Matrix<double> C;
  otv::OptimalScaling<double> star;
};

// Reference in double: Sinkhorn to marginal error 4u, far below the bounds
// compared against (all > 1e-6 here).
Setting setting(std::size_t n, std::uint64_t seed, double lambda) {
  Setting s{otv::to_real<double>(otv::paper_instance(n, seed)), {}, {}};
  s.C = otv::cost_matrix<double>(s.inst);
  s.star = otv::optimal_scaling<double>(s.C, lambda, 4 * otv::ScalarTraits<double>::unit_roundoff(), 100000);
  return s;
}

}  // namespace

TEST_CASE("Every A^(k) factors as diag(w) Q diag(q) to rounding, for every variant", "[theorem2][proof]") {
  const double u = otv::ScalarTraits<double>::unit_roundoff();
  for (Variant v : {Variant::paper, Variant::notebook, Variant::corrected, Variant::relu_reset}) {
    const Setting s = setting(6, 3, 0.05);
    const auto t = otv::trace_theorem2<double>(s.inst, v, 0.05, 0.05, 100, otv::Softmax::stable, s.star.log_w, s.star.log_q);
    // A residual is a difference of scores (c_d u K each, docs/error-model.md) and
    // C/lambda terms; K <= (4 max|x|^2 + |u| + |v|)/lambda + 1 < 2 / 0.05 * 4 + 1 here.
    const double K = (4.0 + 2 * 100 * 0.05) / 0.05 + 1, tol = 4 * (4 + 14) * u * K;
    double worst = 0;
    for (double r : t.residual) worst = std::max(worst, r);
    INFO(otv::to_string(v) << ": max residual " << worst << ", tolerance " << tol);
    CHECK(t.residual.size() == 100);
    CHECK(worst <= tol);
  }
}

TEST_CASE("Theorem 2's bound holds wherever its precondition holds (grid of small instances)", "[theorem2][proof]") {
  int cells = 0, with_precondition = 0;
  double tightest = INFINITY;
  for (std::size_t n : {2, 3, 4})
    for (double lambda : {1.0, 2.0, 4.0})
      for (std::uint64_t seed : {1, 2})
        for (Variant v : {Variant::paper, Variant::corrected}) {
          ++cells;
          const Setting s = setting(n, seed, lambda);
          const double gamma = lambda;  // gamma (1 + 1/n) <= 4 lambda: the GD map does not expand
          // r comes from A^(1); the depth is then the smallest meeting the precondition.
          const auto first = otv::trace_theorem2<double>(s.inst, v, lambda, gamma, 1, otv::Softmax::stable, s.star.log_w, s.star.log_q);
          const double log_r = otv::log_r_most_favourable<double>(first.first.log_w, s.star.log_w, first.first.log_q, s.star.log_q);
          const double log_phi = otv::log_phi_of_cost<double>(s.C, lambda);
          const double min_layers = std::ceil(std::pow(10.0, otv::theorem2_bound(log_r, log_phi, lambda, n, 1).log10_min_layers));
          if (!(min_layers <= 3000)) continue;
          const long long l = std::max<long long>(1, static_cast<long long>(min_layers));
          const auto b = otv::theorem2_bound(log_r, log_phi, lambda, static_cast<long long>(n), l);
          REQUIRE(b.precondition_holds);
          ++with_precondition;
          const auto t = otv::trace_theorem2<double>(s.inst, v, lambda, gamma, l, otv::Softmax::stable, s.star.log_w, s.star.log_q);
          const double log10_measured = std::log10(t.measured);
          INFO("n = " << n << ", lambda = " << lambda << ", seed " << seed << ", " << otv::to_string(v) << ", l = " << l
                      << ": measured " << t.measured << ", bound 10^" << b.log10_bound);
          CHECK(log10_measured <= b.log10_bound);
          tightest = std::min(tightest, b.log10_bound - log10_measured);
        }
  std::cout << "Theorem 2 grid: precondition reachable in " << with_precondition << " of " << cells
            << " cells; smallest log10(bound / measured) = " << tightest << "\n";
  CHECK(with_precondition >= 6);  // the grid must exercise the bound, not skip it
}
