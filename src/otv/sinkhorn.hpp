#pragma once
// Log-domain Sinkhorn for the entropic plan P_lambda* of eq. (3) with marginals
// 1/n: P_ij = exp((f_i + g_j - C_ij)/lambda), alternating exact row and column
// fits. Equivalent to P* = diag(w*) Q diag(q*), Q_ij = exp(-C_ij/lambda - 1)
// (Sec. 5) with w = exp(f/lambda + 1/2), q = exp(g/lambda + 1/2).
#include "otv/dual_objective.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> struct SinkhornResult {
  Matrix<Real> plan;
  Vector<Real> f, g;      // potentials
  int iterations = 0;
  Real marginal_error;    // max |P1 - 1/n|, |P^T 1 - 1/n| after the last step
  bool converged = false;
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

// initial_g: a warm start for the column potentials (default 0).
template <class Real>
SinkhornResult<Real> sinkhorn_log(const Matrix<Real>& C, const Real& lambda, const Real& tolerance, int max_iterations,
                                  const Vector<Real>* initial_g = nullptr) {
  const Eigen::Index n = C.rows();
  const Real log_marginal = -log(Real(n));
  SinkhornResult<Real> r{Matrix<Real>(n, n), Vector<Real>::Zero(n), initial_g ? *initial_g : Vector<Real>::Zero(n), 0, Real(0), false};
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
  for (r.iterations = 1; r.iterations <= max_iterations; ++r.iterations) {
    fit_rows();
    fit_cols();  // columns now exact; rows measure convergence
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) r.plan(i, j) = exp((r.f(i) + r.g(j) - C(i, j)) / lambda);
    const Marginals<Real> m = marginals<Real>(r.plan);
    r.marginal_error = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Real e = ScalarTraits<Real>::point(abs(m.rows(i) - inv_n));
      if (e > r.marginal_error) r.marginal_error = e;
    }
    if (r.marginal_error <= tolerance) { r.converged = true; break; }
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
