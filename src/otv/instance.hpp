#pragma once
// Problem instances in a scalar type: the text of otv/instance_text.hpp parsed
// exactly, and the cost matrix (Sec. 2.1).
#include "otv/instance_text.hpp"
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> struct Instance {
  Matrix<Real> x, y;  // n x d each
  Eigen::Index n() const { return x.rows(); }
  Eigen::Index d() const { return x.cols(); }
};

template <class Real> Instance<Real> to_real(const InstanceText& inst) {
  validate(inst);
  const auto n = static_cast<Eigen::Index>(inst.n()), d = static_cast<Eigen::Index>(inst.d());
  Instance<Real> r{Matrix<Real>(n, d), Matrix<Real>(n, d)};
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < d; ++k) {
      r.x(i, k) = parse_finite<Real>(inst.x[i][k]);
      r.y(i, k) = parse_finite<Real>(inst.y[i][k]);
    }
  return r;
}

// Cost C_ij = |x_i - y_j|^2 computed from differences (the accurate form; the
// prompt forces the expanded form |x|^2 - 2<x,y> + |y|^2 on the transformer).
template <class Real> Matrix<Real> cost_matrix(const Instance<Real>& inst) {
  Matrix<Real> C(inst.n(), inst.n());
  for (Eigen::Index i = 0; i < inst.n(); ++i)
    for (Eigen::Index j = 0; j < inst.n(); ++j) {
      Real s = 0;
      for (Eigen::Index k = 0; k < inst.d(); ++k) {
        const Real t = inst.x(i, k) - inst.y(j, k);
        s += t * t;
      }
      C(i, j) = s;
    }
  return C;
}

}  // namespace otv
