#pragma once
// Dense storage for every scalar type. Products are coefficient-based loops:
// Eigen's blocked product returns NaN enclosures for mpfi_float (DESIGN.md §8).
#include <Eigen/Core>
#include <boost/multiprecision/eigen.hpp>

#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
template <class Real> using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// C = A * B by plain loops (correct for interval types).
template <class Real> Matrix<Real> multiply(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C = Matrix<Real>::Zero(A.rows(), B.cols());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index k = 0; k < A.cols(); ++k) {
      if (ScalarTraits<Real>::is_zero(A(i, k))) continue;  // the construction's matrices are sparse
      const Real a = A(i, k);
      for (Eigen::Index j = 0; j < B.cols(); ++j) C(i, j) += a * B(k, j);
    }
  return C;
}

// C = A * B^T by plain loops.
template <class Real> Matrix<Real> multiply_transposed(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C(A.rows(), B.rows());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.rows(); ++j) {
      Real s = 0;
      for (Eigen::Index k = 0; k < A.cols(); ++k) s += A(i, k) * B(j, k);
      C(i, j) = s;
    }
  return C;
}

}  // namespace otv
