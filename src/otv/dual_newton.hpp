#pragma once
// Newton's method on the entropic OT dual (Sec. 2.1), in the log scalings of the
// kernel: P_ij = exp(alpha_i + beta_j - C_ij/lambda), minimising
//   phi(alpha, beta) = sum_ij P_ij - (1/n) sum_i alpha_i - (1/n) sum_j beta_j
// (L(u, v)/lambda with alpha = u/lambda - 1/2, beta = v/lambda - 1/2), with the gauge
// beta_{n-1} fixed. Sinkhorn corrects the row/column split of the potentials only
// through the smallest kernel entries, so at small lambda it stalls far from
// P_lambda* in the Hilbert metric; Newton's step solves for the split directly,
// given a precision in which the Hessian's smallest eigenvalue is resolved.
#include "otv/cholesky.hpp"
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> struct DualNewtonResult {
  Vector<Real> alpha, beta;
  int iterations = 0;
  Real residual;  // Euclidean norm of the reduced gradient (P1 - 1/n, P^T 1 - 1/n without the last column)
};

namespace dual_newton_detail {

template <class Real> struct State {
  Matrix<Real> P;
  Vector<Real> gradient;  // reduced: rows, then columns 0..n-2
  Real objective, norm;
};

template <class Real> State<Real> evaluate(const Matrix<Real>& C_over_lambda, const Vector<Real>& alpha, const Vector<Real>& beta) {
  const Eigen::Index n = alpha.size();
  const Real inv_n = Real(1) / Real(n);
  State<Real> s{Matrix<Real>(n, n), Vector<Real>::Zero(2 * n - 1), Real(0), Real(0)};
  Vector<Real> cols = Vector<Real>::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    Real row = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      s.P(i, j) = exp(alpha(i) + beta(j) - C_over_lambda(i, j));
      row += s.P(i, j);
      cols(j) += s.P(i, j);
    }
    s.gradient(i) = row - inv_n;
    s.objective += row - inv_n * (alpha(i) + beta(i));
  }
  for (Eigen::Index j = 0; j + 1 < n; ++j) s.gradient(n + j) = cols(j) - inv_n;
  s.norm = sqrt(s.gradient.squaredNorm());
  return s;
}

}  // namespace dual_newton_detail

// From (alpha, beta) (e.g. Sinkhorn's f/lambda, g/lambda), damped Newton steps
// until the residual reaches the rounding floor, three steps in a row fail to
// lower the best residual, or max_iterations; returns the iterate with the smallest residual. A step is
// accepted when it lowers phi or the residual; halved otherwise (at most 60 times).
template <class Real>
DualNewtonResult<Real> refine_dual_newton(const Matrix<Real>& C, const Real& lambda, Vector<Real> alpha, Vector<Real> beta, int max_iterations) {
  using namespace dual_newton_detail;
  const Eigen::Index n = C.rows(), N = 2 * n - 1;
  const Matrix<Real> C_over_lambda = C / lambda;
  State<Real> s = evaluate<Real>(C_over_lambda, alpha, beta);
  DualNewtonResult<Real> r{alpha, beta, 0, s.norm};
  int stalled = 0;
  // The rounding floor of the residual: n-term sums of size 1/n, N components.
  const Real floor = Real(8 * N) * ScalarTraits<Real>::unit_roundoff() / Real(n);
  for (int it = 0; it < max_iterations && !(r.residual <= floor); ++it) {
    Matrix<Real> H = Matrix<Real>::Zero(N, N);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) {
        H(i, i) += s.P(i, j);
        if (j + 1 < n) { H(n + j, n + j) += s.P(i, j); H(i, n + j) = s.P(i, j); H(n + j, i) = s.P(i, j); }
      }
    const auto R = cholesky_factor<Real>(H);
    if (!R) break;  // Hessian not resolved at this precision
    const Vector<Real> step = cholesky_solve<Real>(*R, Vector<Real>(-s.gradient));
    Real t = 1;
    bool accepted = false;
    for (int halving = 0; halving < 60 && !accepted; ++halving, t /= 2) {
      Vector<Real> a = alpha, b = beta;
      for (Eigen::Index i = 0; i < n; ++i) a(i) += t * step(i);
      for (Eigen::Index j = 0; j + 1 < n; ++j) b(j) += t * step(n + j);
      State<Real> trial = evaluate<Real>(C_over_lambda, a, b);
      if (trial.objective < s.objective || trial.norm < s.norm) {
        accepted = true;
        alpha = std::move(a);
        beta = std::move(b);
        s = std::move(trial);
      }
    }
    if (!accepted) break;
    ++r.iterations;
    if (s.norm < r.residual) {
      r.alpha = alpha;
      r.beta = beta;
      r.residual = s.norm;
      stalled = 0;
    } else if (++stalled == 3) {
      break;  // at the rounding floor of this precision
    }
  }
  return r;
}

}  // namespace otv
