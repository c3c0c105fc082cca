#pragma once
// Reference algorithm, written independently of the transformer: gradient
// descent on the entropic OT dual with the adaptive step sizes of Theorem 1,
//   u <- u - gamma (M1 - 1/n) / (M1 + 1),  v <- v - gamma (M^T 1 - 1/n) / (M^T 1 + 1),
// from u = v = 0 (eq. 4). M_ij = exp((-C_ij + u_i + v_j)/lambda - 1).
#include <functional>

#include "otv/dual_objective.hpp"

namespace otv {

template <class Real> struct DualIterate {
  Vector<Real> u, v;
};

// One step of eq. (4) with the steps D_l, D'_l of Theorem 1. If `used` is given,
// it receives the marginals M1, M^T 1 of the current iterate.
template <class Real>
DualIterate<Real> adaptive_dual_gd_step(const Matrix<Real>& C, const DualIterate<Real>& it, const Real& lambda, const Real& gamma,
                                        Marginals<Real>* used = nullptr) {
  const Marginals<Real> m = marginals<Real>(dual_kernel<Real>(C, it.u, it.v, lambda));
  if (used) *used = m;
  const Real inv_n = Real(1) / Real(C.rows());
  DualIterate<Real> next = it;
  for (Eigen::Index i = 0; i < C.rows(); ++i) {
    next.u(i) -= gamma * (m.rows(i) - inv_n) / (m.rows(i) + 1);
    next.v(i) -= gamma * (m.cols(i) - inv_n) / (m.cols(i) + 1);
  }
  return next;
}

// Runs `steps` iterations; on_iterate(l, iterate) sees u^(l), v^(l) for l = 0..steps.
template <class Real>
DualIterate<Real> adaptive_dual_gd(const Matrix<Real>& C, const Real& lambda, const Real& gamma, int steps,
                                   const std::function<void(int, const DualIterate<Real>&)>& on_iterate = {}) {
  DualIterate<Real> it{Vector<Real>::Zero(C.rows()), Vector<Real>::Zero(C.rows())};
  if (on_iterate) on_iterate(0, it);
  for (int l = 1; l <= steps; ++l) {
    it = adaptive_dual_gd_step<Real>(C, it, lambda, gamma);
    if (on_iterate) on_iterate(l, it);
  }
  return it;
}

}  // namespace otv
