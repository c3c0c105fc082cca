// The certified P_lambda* reference (docs/error-model.md E8): the a-posteriori
// Hilbert-metric bound of otv/scaling_certificate.hpp, Sinkhorn's `converged`
// flag that rests on it, and Newton's refinement of the dual, on planted cases
// whose answer is known.
#include <catch2/catch.hpp>

#include <cmath>

#include "otv/dual_newton.hpp"
#include "otv/hilbert_metric.hpp"
#include "otv/instance.hpp"
#include "otv/scaling_certificate.hpp"
#include "otv/sinkhorn.hpp"

namespace {

using otv::Matrix;
using otv::mpfi_real;
using otv::mpfr_real;

// n = 2, C = [[0, c], [c, 0]]: P* = [[p, 1/2 - p], [1/2 - p, p]] with
// p = 1 / (2 (1 + e^{-c/lambda})). The planted plan diag(e^s, e^-s) P* diag(e^-s, e^s)
// is mu = 4 s from P* in the Hilbert metric (osc of a_i + b_j) while its row sums
// are off by only (1/2 - p)(e^{2s} - 1).
template <class Real> Matrix<Real> planted_log_plan(const Real& c_over_lambda, const Real& s) {
  const Real p = 1 / (2 * (1 + exp(-c_over_lambda))), off = 1 / Real(2) - p;
  Matrix<Real> L(2, 2);
  L << log(p), log(off) + 2 * s, log(off) - 2 * s, log(p);
  return L;
}

double upper(const mpfi_real& x) { return otv::ScalarTraits<mpfi_real>::upper(x).convert_to<double>(); }

}  // namespace

TEST_CASE("E8 planted: a plan with marginal error < 2^-26 can be 4 nats from P_lambda* in the Hilbert metric", "[reference][certificate]") {
  otv::PrecisionScope scope(256);
  const mpfi_real c_over_lambda(40), s(1);
  const Matrix<mpfi_real> L = planted_log_plan<mpfi_real>(c_over_lambda, s);
  Matrix<mpfi_real> P = L.unaryExpr([](const mpfi_real& x) { return mpfi_real(exp(x)); });
  const double row_error = upper(abs(P(0, 0) + P(0, 1) - mpfi_real(0.5)));
  INFO("row error " << row_error);
  REQUIRE(row_error < std::ldexp(1.0, -26));  // the old flag (marginal error < 2^-(bits/2), double) says converged
  const auto cert = otv::certify_scaling<mpfi_real>(L);
  INFO("bound " << upper(cert.hilbert_bound));
  // Sound: not certified, or a bound no smaller than the true distance 4 s.
  CHECK((!cert.certified || upper(cert.hilbert_bound) >= 4.0));
}

TEST_CASE("E8 planted: the certified bound encloses the true Hilbert distance and is within 10x of it", "[reference][certificate]") {
  otv::PrecisionScope scope(256);
  for (const char* cl : {"1", "10", "40"})
    for (const char* sd : {"1e-30", "1e-20", "1e-10"}) {
      const mpfi_real s(sd);
      const auto cert = otv::certify_scaling<mpfi_real>(planted_log_plan<mpfi_real>(mpfi_real(cl), s));
      const double truth = 4 * std::stod(sd);
      INFO("c/lambda = " << cl << ", s = " << sd << ", bound " << upper(cert.hilbert_bound) << ", true distance " << truth);
      REQUIRE(cert.certified);
      CHECK(upper(cert.hilbert_bound) >= truth);
      CHECK(upper(cert.hilbert_bound) <= 10 * truth);
    }
}

TEST_CASE("E8: Sinkhorn's converged flag is the Hilbert bound, not the marginal error", "[reference][certificate]") {
  // Started from the planted split (g = lambda (-2s, 2s) with s = 1 in the
  // potentials' units), one iteration leaves a marginal error far below the old
  // threshold 2^-26 while the plan is still nats away: not converged.
  const double lambda = 0.025, c = 1;  // c/lambda = 40
  Matrix<double> C(2, 2);
  C << 0, c, c, 0;
  otv::Vector<double> g0(2);
  g0 << -2 * lambda, 2 * lambda;
  const auto one = otv::sinkhorn_log<double>(C, lambda, 1e-10, 1, &g0);
  INFO("marginal error " << one.marginal_error << ", bound " << one.hilbert_bound);
  CHECK(one.marginal_error < std::ldexp(1.0, -26));
  CHECK_FALSE(one.converged);
  CHECK(one.hilbert_bound > 1e-10);
}

TEST_CASE("E8: a deliberately truncated Sinkhorn is not converged, run to the end it is", "[reference][certificate]") {
  const auto C = otv::cost_matrix<double>(otv::to_real<double>(otv::paper_instance(4, 1)));
  const double lambda = 0.05, tolerance = 1e-9;
  const auto truncated = otv::sinkhorn_log<double>(C, lambda, tolerance, 3);
  const auto full = otv::sinkhorn_log<double>(C, lambda, tolerance, 100000);
  INFO("truncated: marginal error " << truncated.marginal_error << ", bound " << truncated.hilbert_bound << "; full: "
                                    << full.iterations << " iterations, bound " << full.hilbert_bound);
  CHECK_FALSE(truncated.converged);
  CHECK(truncated.hilbert_bound > tolerance);
  REQUIRE(full.converged);
  // The full run's plan is within tolerance of P*, so the truncated plan is really
  // farther than the tolerance (the flag is not merely conservative).
  Matrix<double> Lt(4, 4), Lf(4, 4);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      Lt(i, j) = (truncated.f(i) + truncated.g(j) - C(i, j)) / lambda;
      Lf(i, j) = (full.f(i) + full.g(j) - C(i, j)) / lambda;
    }
  const double distance = (Lt - Lf).maxCoeff() - (Lt - Lf).minCoeff();
  CHECK(distance > 10 * tolerance);
}

TEST_CASE("E8 on the breakdown cell n = 4, lambda = 6.79e-4: double Sinkhorn's split is 1e-2 nats off, "
          "Newton in mpfr:512 certifies P_lambda* to 1e-30",
          "[reference][certificate]") {
  const otv::InstanceText text = otv::paper_instance(4, 1);
  const auto Cd = otv::cost_matrix<double>(otv::to_real<double>(text));
  const double lambda_d = 6.79e-4;
  const auto sk = otv::sinkhorn_log_scaled<double>(Cd, lambda_d, 1e-12, 20000);
  INFO("double Sinkhorn: marginal error " << sk.marginal_error << ", bound " << sk.hilbert_bound);
  CHECK(sk.marginal_error < 1e-13);  // the marginals look converged ...
  CHECK_FALSE(sk.converged);         // ... the flag says otherwise
  otv::PrecisionScope scope(512);
  const Matrix<mpfr_real> C = otv::cost_matrix<mpfr_real>(otv::to_real<mpfr_real>(text));
  const mpfr_real lambda("6.79e-4");
  otv::Vector<mpfr_real> a(4), b(4);
  for (int i = 0; i < 4; ++i) { a(i) = mpfr_real(sk.f(i)) / mpfr_real(lambda_d); b(i) = mpfr_real(sk.g(i)) / mpfr_real(lambda_d); }
  const auto r = otv::refine_dual_newton<mpfr_real>(C, lambda, a, b, 100);
  const Matrix<mpfi_real> Ci = otv::cost_matrix<mpfi_real>(otv::to_real<mpfi_real>(text));
  const mpfi_real lambda_i("6.79e-4");
  Matrix<mpfi_real> L(4, 4);
  double hi = -1e300, lo = 1e300;  // the double plan's distance to the refined one
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      L(i, j) = mpfi_real(r.alpha(i)) + mpfi_real(r.beta(j)) - Ci(i, j) / lambda_i;
      const double diff = ((sk.f(i) + sk.g(j) - Cd(i, j)) / lambda_d) - (r.alpha(i) + r.beta(j) - C(i, j) / lambda).convert_to<double>();
      hi = std::max(hi, diff);
      lo = std::min(lo, diff);
    }
  const auto cert = otv::certify_scaling<mpfi_real>(L);
  INFO("Newton: " << r.iterations << " steps, bound " << upper(cert.hilbert_bound) << "; double plan's distance " << hi - lo);
  REQUIRE(cert.certified);
  CHECK(upper(cert.hilbert_bound) < 1e-30);
  CHECK(hi - lo > 5e-3);  // the mechanism E8 describes: measured 1.15e-2
}
