#pragma once
// The entropic OT dual of Sec. 2.1:
//   L(u,v) = lambda sum_ij M_ij - (1/n) sum_i u_i - (1/n) sum_j v_j,
//   M_ij = exp((-C_ij + u_i + v_j)/lambda - 1),  grad_u L = M1 - 1/n,  grad_v L = M^T 1 - 1/n.
#include "otv/matrix.hpp"

namespace otv {

template <class Real> Matrix<Real> dual_kernel(const Matrix<Real>& C, const Vector<Real>& u, const Vector<Real>& v, const Real& lambda) {
  Matrix<Real> M(C.rows(), C.cols());
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) M(i, j) = exp((u(i) + v(j) - C(i, j)) / lambda - 1);
  return M;
}

template <class Real> Real dual_objective(const Matrix<Real>& C, const Vector<Real>& u, const Vector<Real>& v, const Real& lambda) {
  const Matrix<Real> M = dual_kernel<Real>(C, u, v, lambda);
  const Real inv_n = Real(1) / Real(C.rows());
  Real L = 0;
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    for (Eigen::Index j = 0; j < M.cols(); ++j) L += M(i, j);
  L *= lambda;
  for (Eigen::Index i = 0; i < u.size(); ++i) L -= inv_n * (u(i) + v(i));
  return L;
}

// Row sums M1 and column sums M^T 1.
template <class Real> struct Marginals {
  Vector<Real> rows, cols;
};

template <class Real> Marginals<Real> marginals(const Matrix<Real>& M) {
  Marginals<Real> m{Vector<Real>::Zero(M.rows()), Vector<Real>::Zero(M.cols())};
  for (Eigen::Index i = 0; i < M.rows(); ++i)
    for (Eigen::Index j = 0; j < M.cols(); ++j) { m.rows(i) += M(i, j); m.cols(j) += M(i, j); }
  return m;
}

// (grad_u L, grad_v L) = (M1 - 1/n, M^T 1 - 1/n).
template <class Real> Marginals<Real> dual_gradient(const Matrix<Real>& C, const Vector<Real>& u, const Vector<Real>& v, const Real& lambda) {
  Marginals<Real> g = marginals<Real>(dual_kernel<Real>(C, u, v, lambda));
  const Real inv_n = Real(1) / Real(C.rows());
  for (Eigen::Index i = 0; i < g.rows.size(); ++i) { g.rows(i) -= inv_n; g.cols(i) -= inv_n; }
  return g;
}

}  // namespace otv
