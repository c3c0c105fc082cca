#pragma once
// The engineered prompt Z_n of eq. (6): n data rows and one sink row.
#include "otv/column_map.hpp"
#include "otv/instance.hpp"

namespace otv {

template <class Real> Matrix<Real> make_prompt(const Instance<Real>& inst, const ColumnMap& cols) {
  const Eigen::Index n = inst.n();
  Matrix<Real> Z = Matrix<Real>::Zero(n + 1, cols.width);
  for (Eigen::Index i = 0; i < n; ++i) {
    Real nx = 0, ny = 0;
    for (int k = 0; k < cols.d; ++k) {
      Z(i, cols.x[k]) = inst.x(i, k);
      Z(i, cols.y[k]) = inst.y(i, k);
      nx += inst.x(i, k) * inst.x(i, k);
      ny += inst.y(i, k) * inst.y(i, k);
    }
    Z(i, cols.x2) = nx;
    Z(i, cols.y2) = ny;
    Z(i, cols.one_a) = Z(i, cols.one_b) = Z(i, cols.one_c) = Z(i, cols.s) = Real(1);
  }
  Z(n, cols.s) = Real(-1) / Real(n);  // eq. (6): -1/n in the sink row
  if (cols.log_n2 >= 0) Z(n, cols.log_n2) = sqrt(Real(2) * log(Real(n)));
  return Z;
}

}  // namespace otv
