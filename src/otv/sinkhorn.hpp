#pragma once
// Log-domain Sinkhorn for the entropic plan P_lambda* of eq. (3) with marginals
// 1/n: P_ij = exp((f_i + g_j - C_ij)/lambda), alternating exact row and column
// fits. Equivalent to P* = diag(w*) Q diag(q*), Q_ij = exp(-C_ij/lambda - 1)
// (Sec. 5) with w = exp(f/lambda + 1/2), q = exp(g/lambda + 1/2).
// `converged` certifies the quantity Theorem 2 uses: the a-posteriori bound of
// otv/scaling_certificate.hpp on the Hilbert distance of the plan to P_lambda*
// is below the tolerance. A small marginal error does not imply it: at small
// lambda the split of each row's potential between f and g is set by kernel
// entries too small to move a row sum (docs/error-model.md E8).
#include "otv/dual_objective.hpp"
#include "otv/scalar_traits.hpp"
#include "otv/scaling_certificate.hpp"

#include <limits>

namespace otv {

template <class Real> struct SinkhornResult {
  Matrix<Real> plan;
  Vector<Real> f, g;      // potentials
  int iterations = 0;
  Real marginal_error;    // max |P1 - 1/n| after the last step (columns are fitted exactly)
  Real hilbert_bound;     // certified bound on osc(log P_lambda* - log plan) at the last check (+inf: none)
  bool converged = false; // hilbert_bound <= tolerance
};

// log sum_j exp(a_j), shifted by a point representative of the maximum.
template <class Real> Real log_sum_exp(const Vector<Real>& a) {
  Real m = ScalarTraits<Real>::point(a(0));
  for (Eigen::Index j = 1; j < a.size(); ++j)
    if (ScalarTraits<Real>::point(a(j)) > m) m = ScalarTraits<Real>::point(a(j));
  Real s = 0;
  for (Eigen::Index j = 0; j < a.size(); ++j) s += exp(a(j) - m);
  return m + log(s);
}

// tolerance: on the Hilbert-metric bound, in nats. The bound is evaluated every
// kCertificateInterval iterations (it costs a Cholesky factorisation, O(n^3)) and
// when the iteration stops; it stops early, not converged, once the marginal
// error is at the rounding floor (64 u), where no further step can help.
// tolerance <= 0 (a warm start, a timing): no certificate, never converged.
// initial_g: a warm start for the column potentials (default 0).
inline constexpr int kCertificateInterval = 8;

template <class Real>
SinkhornResult<Real> sinkhorn_log(const Matrix<Real>& C, const Real& lambda, const Real& tolerance, int max_iterations,
                                  const Vector<Real>* initial_g = nullptr) {
  const Eigen::Index n = C.rows();
  const Real log_marginal = -log(Real(n));
  using T = ScalarTraits<Real>;
  SinkhornResult<Real> r{Matrix<Real>(n, n), Vector<Real>::Zero(n), initial_g ? *initial_g : Vector<Real>::Zero(n), 0, Real(0),
                         Real(std::numeric_limits<double>::infinity()), false};
  Matrix<Real> log_plan(n, n);
  Vector<Real> a(n);
  auto fit_rows = [&] {
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) a(j) = (r.g(j) - C(i, j)) / lambda;
      r.f(i) = lambda * (log_marginal - log_sum_exp<Real>(a));
    }
  };
  auto fit_cols = [&] {
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index i = 0; i < n; ++i) a(i) = (r.f(i) - C(i, j)) / lambda;
      r.g(j) = lambda * (log_marginal - log_sum_exp<Real>(a));
    }
  };
  const Real inv_n = Real(1) / Real(n);
  const Real floor = Real(64) * T::unit_roundoff();
  for (r.iterations = 1; r.iterations <= max_iterations; ++r.iterations) {
    fit_rows();
    fit_cols();  // columns now exact; rows measure convergence
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) {
        log_plan(i, j) = (r.f(i) + r.g(j) - C(i, j)) / lambda;
        r.plan(i, j) = exp(log_plan(i, j));
      }
    const Marginals<Real> m = marginals<Real>(r.plan);
    r.marginal_error = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Real e = T::point(abs(m.rows(i) - inv_n));
      if (e > r.marginal_error) r.marginal_error = e;
    }
    const bool at_floor = r.marginal_error <= floor, last = r.iterations == max_iterations;
    if (tolerance > 0 && (r.iterations % kCertificateInterval == 0 || at_floor || last)) {
      r.hilbert_bound = certify_scaling<Real>(log_plan).hilbert_bound;
      if (r.hilbert_bound <= tolerance) { r.converged = true; break; }
    }
    if (at_floor) break;
  }
  if (r.iterations > max_iterations) r.iterations = max_iterations;
  return r;
}

// Epsilon scaling: Sinkhorn at lambda_k = max(C) 2^-k down to lambda, each stage
// warm-started from the previous one's potentials; small lambda then converges in
// far fewer iterations than from g = 0. max_iterations bounds every stage; the
// result counts the iterations of all stages.
template <class Real>
SinkhornResult<Real> sinkhorn_log_scaled(const Matrix<Real>& C, const Real& lambda, const Real& tolerance, int max_iterations) {
  Real stage = C.maxCoeff();
  int total = 0;
  Vector<Real> g = Vector<Real>::Zero(C.rows());
  while (stage / 2 > lambda) {
    stage /= 2;
    const SinkhornResult<Real> r = sinkhorn_log<Real>(C, stage, tolerance, max_iterations, &g);
    g = r.g;
    total += r.iterations;
  }
  SinkhornResult<Real> r = sinkhorn_log<Real>(C, lambda, tolerance, max_iterations, &g);
  r.iterations += total;
  return r;
}

}  // namespace otv
