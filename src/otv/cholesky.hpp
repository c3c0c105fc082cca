#pragma once
// Cholesky factorisation A = R^T R of a symmetric matrix by plain loops, for every
// scalar type including intervals (Eigen's blocked kernels give NaN enclosures for
// mpfi, DESIGN.md section 8). For an interval matrix, success (every pivot's
// enclosure > 0) proves that every symmetric matrix in the enclosure is positive
// definite: the exact pivots of each lie in the computed enclosures.
#include <optional>

#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

// The upper-triangular factor R, or nullopt when a pivot is not (certainly) positive.
template <class Real> std::optional<Matrix<Real>> cholesky_factor(const Matrix<Real>& A) {
  using T = ScalarTraits<Real>;
  const Eigen::Index N = A.rows();
  Matrix<Real> R = Matrix<Real>::Zero(N, N);
  for (Eigen::Index j = 0; j < N; ++j) {
    Real pivot = A(j, j);
    for (Eigen::Index k = 0; k < j; ++k) pivot -= R(k, j) * R(k, j);
    if (T::is_nan(pivot) || !(T::lower(pivot) > 0)) return std::nullopt;
    R(j, j) = sqrt(pivot);
    for (Eigen::Index i = j + 1; i < N; ++i) {
      Real s = A(j, i);
      for (Eigen::Index k = 0; k < j; ++k) s -= R(k, j) * R(k, i);
      R(j, i) = s / R(j, j);
    }
  }
  return R;
}

// Solves R^T R x = b by forward and back substitution.
template <class Real> Vector<Real> cholesky_solve(const Matrix<Real>& R, const Vector<Real>& b) {
  const Eigen::Index N = R.rows();
  Vector<Real> y(N), x(N);
  for (Eigen::Index i = 0; i < N; ++i) {
    Real s = b(i);
    for (Eigen::Index k = 0; k < i; ++k) s -= R(k, i) * y(k);
    y(i) = s / R(i, i);
  }
  for (Eigen::Index i = N - 1; i >= 0; --i) {
    Real s = y(i);
    for (Eigen::Index k = i + 1; k < N; ++k) s -= R(i, k) * x(k);
    x(i) = s / R(i, i);
  }
  return x;
}

}  // namespace otv
