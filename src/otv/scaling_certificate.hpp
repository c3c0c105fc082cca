#pragma once
// A-posteriori bound on how far a computed entropic plan is from P_lambda* (eq. 3)
// in the Hilbert metric of Theorem 2 (eq. 11), from what the solver knows: the
// plan's log L_ij = alpha_i + beta_j - C_ij/lambda, its marginal residuals and the
// Hessian of the dual (Sec. 2.1) at it. Derivation: docs/error-model.md, "E8".
//
// P* = diag(e^a) P diag(e^b) for the minimiser x* = (a, b) (gauge b_{n-1} = 0) of
//   phi(x) = sum_ij P_ij e^{a_i + b_j} - (1/n) sum_i a_i - (1/n) sum_j b_j,
// whose gradient at 0 is g = (P1 - 1/n, P^T 1 - 1/n) and whose Hessian is
// H(x) = sum_ij P_ij e^{a_i+b_j} (e_i + e_{n+j})(e_i + e_{n+j})^T >= e^{-sqrt2 |x|} H(0).
// If H(0) >= mu I on the gauge subspace and t = 4|g|/mu has e^{sqrt2 t} < 2, then
// phi > phi(0) on the sphere |x| = t, so |x*| < t, and strong convexity on that ball
// gives |x*| <= |g| e^{sqrt2 t} / mu; osc(a) + osc(b) <= 2 |x*|.
//   bound = 2 |g| e^{sqrt2 t} / mu >= osc_ij (log P*_ij - L_ij) >= max(mu(w, w*), mu(q, q*)).
// In interval arithmetic (mpfi, L an enclosure) every step is rigorous: |g| is an
// upper bound and mu is certified by an interval Cholesky factorisation of
// H(0) - mu I. In point types the same formula is evaluated with a first-order
// allowance for the rounding of the marginals and of the Cholesky factorisation.
#include <cmath>
#include <limits>

#include "otv/cholesky.hpp"
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> struct ScalingCertificate {
  Real residual;        // upper bound on |g|, the Euclidean norm of the reduced marginal residual
  Real min_eigenvalue;  // certified lower bound mu on the reduced Hessian's spectrum; 0 if none
  Real hilbert_bound;   // upper bound on osc(log P* - L); +inf when not certified
  bool certified = false;
};

template <class Real> ScalingCertificate<Real> certify_scaling(const Matrix<Real>& log_plan) {
  using T = ScalarTraits<Real>;
  const Eigen::Index n = log_plan.rows(), N = 2 * n - 1;
  const Real inv_n = Real(1) / Real(n);
  Matrix<Real> P(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) P(i, j) = exp(log_plan(i, j));
  Vector<Real> rows = Vector<Real>::Zero(n), cols = Vector<Real>::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) { rows(i) += P(i, j); cols(j) += P(i, j); }
  // Reduced coordinates (a_0..a_{n-1}, b_0..b_{n-2}): the gauge fixes b_{n-1} = 0.
  Matrix<Real> H = Matrix<Real>::Zero(N, N);
  Real max_diag = 0, sum_sq = 0;
  for (Eigen::Index i = 0; i < N; ++i) {
    const Real d = i < n ? rows(i) : cols(i - n);
    H(i, i) = d;
    max_diag = max_of<Real>(max_diag, T::upper(d));
    const Real g = abs(d - inv_n);
    sum_sq += g * g;
  }
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j + 1 < n; ++j) { H(i, n + j) = P(i, j); H(n + j, i) = P(i, j); }
  ScalingCertificate<Real> c{T::upper(sqrt(sum_sq)), Real(0), Real(std::numeric_limits<double>::infinity()), false};
  const Real u = T::unit_roundoff();
  const Real exact = T::is_interval ? Real(0) : Real(1);  // rounding allowances apply to point types only
  // Marginals: n-term sums of exp, (n + 2) u relative each.
  c.residual += exact * Real(n + 2) * u * max_diag * sqrt(Real(N));

  // mu: half of an inverse-iteration estimate of lambda_min, then certified.
  Matrix<Real> Hp(N, N);
  for (Eigen::Index i = 0; i < N; ++i)
    for (Eigen::Index k = 0; k < N; ++k) Hp(i, k) = T::point(H(i, k));
  const auto R = cholesky_factor<Real>(Hp);
  if (!R) return c;
  Vector<Real> x(N);
  for (Eigen::Index i = 0; i < N; ++i) x(i) = Real(1) + Real(i) / Real(N);
  Real estimate = 0;
  for (int it = 0; it < 12; ++it) {
    const Vector<Real> y = cholesky_solve<Real>(*R, x);
    estimate = T::point(x.squaredNorm() / x.dot(y));
    x = y / T::point(sqrt(y.squaredNorm()));
  }
  const Real mu = T::point(estimate / 2);
  if (!(mu > 0)) return c;
  Matrix<Real> shifted = H;
  for (Eigen::Index i = 0; i < N; ++i) shifted(i, i) -= mu;
  if (!cholesky_factor<Real>(shifted)) return c;
  // Cholesky's backward error (Higham, Thm 10.3) and the rounding of H's entries.
  c.min_eigenvalue = T::lower(mu - exact * (Real(2 * (N + 1) * N) + Real(N * (n + 2))) * u * max_diag);
  if (!(c.min_eigenvalue > 0)) { c.min_eigenvalue = 0; return c; }
  const Real t = 4 * c.residual / c.min_eigenvalue;
  const Real growth = exp(sqrt(Real(2)) * t);
  if (!(T::upper(growth) < 2)) return c;
  c.hilbert_bound = T::upper(2 * c.residual * growth / c.min_eigenvalue);
  c.certified = T::is_finite(c.hilbert_bound);
  return c;
}

}  // namespace otv
