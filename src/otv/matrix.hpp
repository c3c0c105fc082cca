#pragma once
// Dense storage for every scalar type. Products are coefficient-based loops:
// Eigen's blocked product returns NaN enclosures for mpfi_float (DESIGN.md §8).
// The loops run down columns (Eigen stores column-major) and write into
// caller-owned storage, so native types vectorise and multiprecision types
// allocate nothing per operation. Every entry is accumulated in the same order
// (k ascending, from +0) as the textbook triple loop, so results are bitwise
// those of the plain loops.
#include <Eigen/Core>
#include <boost/multiprecision/eigen.hpp>
#include <type_traits>
#include <vector>

#include "otv/scalar_ops.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

template <class Real> using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
template <class Real> using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// Gives m the shape rows x cols with entries at the current working precision,
// keeping its storage when it already has both (buffers reused across layers).
template <class Real> void ensure_shape(Matrix<Real>& m, Eigen::Index rows, Eigen::Index cols) {
  const bool same_precision = m.size() == 0 || ScalarTraits<Real>::precision_of(m(0, 0)) == ScalarTraits<Real>::bits();
  if (m.rows() != rows || m.cols() != cols || !same_precision) m = Matrix<Real>(rows, cols);
}
template <class Real> void ensure_size(Vector<Real>& v, Eigen::Index size) {
  const bool same_precision = v.size() == 0 || ScalarTraits<Real>::precision_of(v(0)) == ScalarTraits<Real>::bits();
  if (v.size() != size || !same_precision) v = Vector<Real>(size);
}

// Rows [begin, end) of a product: row blocks are independent, so they can be
// computed in any order or in parallel with identical results.
struct RowRange {
  Eigen::Index begin, end;
};

namespace detail {
inline std::vector<char> zero_columns(const auto& M) {
  std::vector<char> zero(static_cast<std::size_t>(M.cols()), 1);
  for (Eigen::Index k = 0; k < M.cols(); ++k)
    for (Eigen::Index i = 0; i < M.rows() && zero[static_cast<std::size_t>(k)]; ++i)
      zero[static_cast<std::size_t>(k)] = is_exact_zero(M(i, k));
  return zero;
}
// finite[i - r.begin]: row i of M has only finite entries.
inline std::vector<char> finite_rows(const auto& M, RowRange r) {
  std::vector<char> finite(static_cast<std::size_t>(r.end - r.begin), 1);
  for (Eigen::Index k = 0; k < M.cols(); ++k)
    for (Eigen::Index i = r.begin; i < r.end; ++i)
      if (!is_finite_value(M(i, k))) finite[static_cast<std::size_t>(i - r.begin)] = 0;
  return finite;
}
}  // namespace detail

// Rows r of C = A * B, skipping terms whose A entry is zero (the construction's
// matrices are sparse). A zero column of B gives +0 in every row of A that is
// finite (its terms are all +-0), so it costs no products; a row with an Inf or
// NaN still gets the NaN its terms produce. C has its shape already and does
// not alias A or B.
template <class Real> void multiply_into(const Matrix<Real>& A, const Matrix<Real>& B, Matrix<Real>& C, RowRange r) {
  const std::vector<char> zero_col = detail::zero_columns(B);
  std::vector<char> finite_row;
  Real scratch;
  for (Eigen::Index j = 0; j < B.cols(); ++j) {
    Real* c = C.col(j).data();
    for (Eigen::Index i = r.begin; i < r.end; ++i) c[i] = 0;
    if (zero_col[static_cast<std::size_t>(j)]) {
      if (finite_row.empty()) finite_row = detail::finite_rows(A, r);
      for (Eigen::Index i = r.begin; i < r.end; ++i) {
        if (finite_row[static_cast<std::size_t>(i - r.begin)]) continue;
        for (Eigen::Index k = 0; k < A.cols(); ++k)
          if (!is_exact_zero(A(i, k))) add_product(c[i], A(i, k), B(k, j), scratch);
      }
      continue;
    }
    for (Eigen::Index k = 0; k < A.cols(); ++k) {
      const Real b = B(k, j);  // a copy: c cannot alias it, so native loops vectorise
      const Real* a = A.col(k).data();
      if constexpr (std::is_arithmetic_v<Real>) {
        // Adding +0 for a skipped term is exact (c starts at +0 and a sum is
        // -0 only if both addends are), and the loop vectorises.
        for (Eigen::Index i = r.begin; i < r.end; ++i) c[i] += a[i] == 0 ? Real(0) : a[i] * b;
      } else {
        for (Eigen::Index i = r.begin; i < r.end; ++i)
          if (!is_exact_zero(a[i])) add_product(c[i], a[i], b, scratch);
      }
    }
  }
}

template <class Real> void multiply_into(const Matrix<Real>& A, const Matrix<Real>& B, Matrix<Real>& C) {
  ensure_shape(C, A.rows(), B.cols());
  multiply_into(A, B, C, RowRange{0, A.rows()});
}

// Rows r of C = A * B^T. A term with a zero column of A and a finite B entry is
// +-0 and is skipped. C has its shape already and does not alias A or B.
template <class Real> void multiply_transposed_into(const Matrix<Real>& A, const Matrix<Real>& B, Matrix<Real>& C, RowRange r) {
  const std::vector<char> zero_col = detail::zero_columns(A);
  Real scratch;
  for (Eigen::Index j = 0; j < B.rows(); ++j) {
    Real* c = C.col(j).data();
    for (Eigen::Index i = r.begin; i < r.end; ++i) c[i] = 0;
    for (Eigen::Index k = 0; k < A.cols(); ++k) {
      const Real b = B(j, k);
      if (zero_col[static_cast<std::size_t>(k)] && is_finite_value(b)) continue;
      const Real* a = A.col(k).data();
      for (Eigen::Index i = r.begin; i < r.end; ++i) add_product(c[i], a[i], b, scratch);
    }
  }
}

template <class Real> void multiply_transposed_into(const Matrix<Real>& A, const Matrix<Real>& B, Matrix<Real>& C) {
  ensure_shape(C, A.rows(), B.rows());
  multiply_transposed_into(A, B, C, RowRange{0, A.rows()});
}

template <class Real> Matrix<Real> multiply(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C;
  multiply_into(A, B, C);
  return C;
}

template <class Real> Matrix<Real> multiply_transposed(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C;
  multiply_transposed_into(A, B, C);
  return C;
}

}  // namespace otv
