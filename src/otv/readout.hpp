#pragma once
// Readout of the constructed transformer, as in the authors' code: the head-2
// attention pattern (rows indexed by the targets y) with the sink column masked
// out and rows renormalised, applied to x. Also the head-1 data block of eq. (10).
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

// Data block of a full (n+1)x(n+1) pattern, rows renormalised over the n data
// columns: eq. (10) for head 1.
template <class Real> Matrix<Real> data_block(const Matrix<Real>& pattern) {
  const Eigen::Index n = pattern.rows() - 1;
  Matrix<Real> A = pattern.topLeftCorner(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    Real s = 0;
    for (Eigen::Index j = 0; j < n; ++j) s += A(i, j);
    for (Eigen::Index j = 0; j < n; ++j) A(i, j) /= s;
  }
  return A;
}

// Estimate of the point transported to each y_j: (masked head-2 pattern) x.
template <class Real> Matrix<Real> readout(const Matrix<Real>& head2_pattern, const Matrix<Real>& x) {
  return multiply<Real>(data_block<Real>(head2_pattern), x);
}

// The head-1 plan: exp of the head-1 scores over the data block (proportional
// to M_ij by eq. 9), normalised to unit mass. Its row and column sums against
// 1/n judge convergence to P_lambda*, independent of the sink row.
template <class Real> Matrix<Real> plan_from_scores(const Matrix<Real>& head1_scores) {
  const Eigen::Index n = head1_scores.rows() - 1;
  Real m = ScalarTraits<Real>::point(head1_scores(0, 0));
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      if (ScalarTraits<Real>::point(head1_scores(i, j)) > m) m = ScalarTraits<Real>::point(head1_scores(i, j));
  Matrix<Real> P(n, n);
  Real total = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) { P(i, j) = exp(head1_scores(i, j) - m); total += P(i, j); }
  return P / total;
}

}  // namespace otv
