// The fast forward pass computes exactly what the textbook loops compute: the
// column sweeps, the skipped zero columns, the reused buffers and the row
// blocks run on several cores change no bit of the result (issue 8).
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "otv/construction.hpp"
#include "otv/prompt.hpp"

using otv::Matrix;

namespace {

// The textbook products the kernels replace (the pre-issue-8 definitions).
template <class Real> Matrix<Real> textbook_multiply(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C = Matrix<Real>::Zero(A.rows(), B.cols());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index k = 0; k < A.cols(); ++k) {
      if (A(i, k) == 0) continue;
      for (Eigen::Index j = 0; j < B.cols(); ++j) C(i, j) += A(i, k) * B(k, j);
    }
  return C;
}
template <class Real> Matrix<Real> textbook_multiply_transposed(const Matrix<Real>& A, const Matrix<Real>& B) {
  Matrix<Real> C(A.rows(), B.rows());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.rows(); ++j) {
      Real s = 0;
      for (Eigen::Index k = 0; k < A.cols(); ++k) s += A(i, k) * B(j, k);
      C(i, j) = s;
    }
  return C;
}

// The textbook row softmax (eq. 5), one entry at a time, with the scalar exp of
// the same choice (BlockExp<Real>::exp: libm, or SLEEF's scalar cinz function,
// which gives the vector kernels' bits).
template <class Real> Matrix<Real> textbook_softmax(const Matrix<Real>& S, otv::Softmax mode = otv::Softmax::stable) {
  Matrix<Real> A(S.rows(), S.cols());
  for (Eigen::Index i = 0; i < S.rows(); ++i) {
    Real m = mode == otv::Softmax::stable ? S(i, 0) : Real(0), sum = 0;
    if (mode == otv::Softmax::stable)
      for (Eigen::Index j = 1; j < S.cols(); ++j) m = S(i, j) > m ? S(i, j) : m;
    for (Eigen::Index j = 0; j < S.cols(); ++j) sum += A(i, j) = otv::BlockExp<Real>::exp(S(i, j) - m);
    for (Eigen::Index j = 0; j < S.cols(); ++j) A(i, j) /= sum;
  }
  return A;
}

template <class Real> bool bitwise_equal(const Matrix<Real>& a, const Matrix<Real>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(Real) * static_cast<std::size_t>(a.size())) == 0;
}

// Entries with zero columns, zero entries, signed zeros, Inf and NaN.
Matrix<double> awkward_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(-1, 1);
  Matrix<double> M(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) M(i, j) = j % 3 == 1 ? (i % 2 ? -0.0 : 0.0) : unit(rng);
  M(rows / 2, 0) = 0;
  return M;
}

}  // namespace

TEST_CASE("products equal the textbook loops bitwise, with zero columns, Inf and NaN", "[forward][kernels]") {
  for (bool non_finite : {false, true}) {
    Matrix<double> A = awkward_matrix(37, 11, 1), B = awkward_matrix(11, 11, 2), Bt = awkward_matrix(29, 11, 3);
    if (non_finite) {
      A(3, 4) = std::numeric_limits<double>::infinity();
      A(5, 1) = std::numeric_limits<double>::quiet_NaN();  // in a zero column of A
      Bt(7, 1) = -std::numeric_limits<double>::infinity();  // meets A's zero column 1
    }
    const Matrix<double> C = otv::multiply<double>(A, B), D = otv::multiply_transposed<double>(A, Bt);
    CHECK(bitwise_equal(C, textbook_multiply<double>(A, B)));
    CHECK(bitwise_equal(D, textbook_multiply_transposed<double>(A, Bt)));
    if (non_finite) {
      CHECK(std::isnan(C(3, 1)));  // Inf times a zero column is NaN, not a skipped +0
      CHECK(std::isnan(D(0, 7)));  // a zero column of A against -Inf
    }
  }
}

// A generic head (not the construction): random weights with zero columns in
// Q and in w_v B, signed zeros, rows not a multiple of any block width, and
// (naive softmax, large scores) rows whose exp overflows, so that p has Inf and
// NaN entries that meet the zero columns of the values.
template <class Real> void check_generic_head(Eigen::Index rows, otv::Softmax mode, Real scale) {
  Matrix<Real> Z = awkward_matrix(rows, 7, 11).cast<Real>() * scale;
  Matrix<Real> Q = awkward_matrix(7, 7, 12).cast<Real>(), w_v = awkward_matrix(7, 7, 13).cast<Real>(), B = awkward_matrix(7, 7, 14).cast<Real>();
  Q.col(5).setZero();
  w_v.col(2).setZero();
  B.col(0) = -B.col(0);
  const otv::Head<Real> h{Q, w_v, B};
  const otv::Transformer<Real> tf({otv::Layer<Real>{{h}, std::nullopt}}, mode);
  const Matrix<Real> values = textbook_multiply<Real>(Z, textbook_multiply<Real>(w_v, B));
  const Matrix<Real> expected = Z + textbook_multiply<Real>(textbook_softmax<Real>(textbook_multiply_transposed<Real>(textbook_multiply<Real>(Z, Q), Z), mode), values);
  CAPTURE(rows, static_cast<int>(mode), scale, otv::isa_name(otv::active_isa()));
  CHECK(bitwise_equal(tf.step(Z, 0), expected));
}

TEST_CASE("the fused row-block head equals the textbook head bitwise: tails, zero columns, overflowing rows", "[forward][kernels]") {
  const auto method = GENERATE(otv::ExpMethod::libm, otv::ExpMethod::vector);
  const otv::ExpMethodScope exp_choice(method);
  CAPTURE(otv::exp_method_name(method));
  // Rows that end in a short last block of every width (1, 2, 4 and 8 vectors) on each ISA.
  for (Eigen::Index rows : {1, 7, 37, 129, 250, 301})
    for (otv::Softmax mode : {otv::Softmax::stable, otv::Softmax::naive}) {
      check_generic_head<double>(rows, mode, 1);
      check_generic_head<float>(rows, mode, 1);
    }
  // Scores up to ~ 7 (30)^2: exp overflows in double and float (naive), giving Inf / Inf.
  check_generic_head<double>(301, otv::Softmax::naive, 30);
  check_generic_head<float>(301, otv::Softmax::naive, 30);
  check_generic_head<float>(37, otv::Softmax::naive, 5);
}

TEST_CASE("a layer split over cores equals the textbook layer on one core, bitwise, for either exp", "[forward][parallel]") {
  // n + 1 = 301 rows: above the threshold at which the rows are split, between at
  // least two threads (on one core nothing is split: fail rather than pass untested).
  REQUIRE(otv::WorkerPool::shared().threads() >= 2);
  const auto inst = otv::to_real<double>(otv::uniform_instance(300, 1, 5));
  const auto method = GENERATE(otv::ExpMethod::libm, otv::ExpMethod::vector);
  const otv::ExpMethodScope exp_choice(method);
  CAPTURE(otv::exp_method_name(method));
  for (otv::Variant variant : {otv::Variant::paper, otv::Variant::relu_reset}) {
    const auto con = otv::make_construction<double>(variant, 1, 0.05, 0.1);
    const otv::Transformer<double> tf({con.layer});
    Matrix<double> Z = otv::make_prompt<double>(inst, con.columns);
    for (int l = 0; l < 3; ++l) {
      // One core, from the free functions that take the whole matrix.
      Matrix<double> expected = Z;
      for (const auto& h : con.layer.heads)
        expected += textbook_multiply<double>(textbook_softmax<double>(textbook_multiply_transposed<double>(textbook_multiply<double>(Z, h.Q), Z)),
                                              textbook_multiply<double>(Z, textbook_multiply<double>(h.w_v, h.B)));
      if (con.layer.w_f) {
        const Matrix<double> hidden = textbook_multiply<double>(expected, *con.layer.w_f);
        for (Eigen::Index i = 0; i < hidden.rows(); ++i)
          for (Eigen::Index c = 0; c < hidden.cols(); ++c) expected(i, c) += otv::ScalarTraits<double>::relu(hidden(i, c));
      }
      Z = tf.step(Z, l);
      CHECK(bitwise_equal(Z, expected));
    }
  }
}

// Entry by entry, all digits (mpfi: both endpoints).
template <class Real> bool same_digits(const Matrix<Real>& a, const Matrix<Real>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (otv::ScalarTraits<Real>::to_string(a(i)) != otv::ScalarTraits<Real>::to_string(b(i))) return false;
  return true;
}

TEMPLATE_TEST_CASE("a layer split between the worker threads equals the serial layer, in every type family", "[forward][parallel]",
                   float, long double, otv::float128, otv::bin_float_50, otv::mpfr_real, otv::mpfi_real) {
  using Real = TestType;
  const otv::PrecisionScope precision(128);
  REQUIRE(otv::WorkerPool::shared().threads() >= 2);  // else nothing is split
  const Eigen::Index n = otv::RowSplit<Real>::min_rows + 24;  // split into blocks of unequal size
  REQUIRE(otv::RowSplit<Real>::thread_safe());
  const auto inst = otv::to_real<Real>(otv::uniform_instance(n, 1, 5));
  const auto con = otv::make_construction<Real>(otv::Variant::paper, 1, otv::parse_finite<Real>("0.05"), otv::parse_finite<Real>("0.1"));
  const otv::Transformer<Real> tf({con.layer});
  Matrix<Real> Z = otv::make_prompt<Real>(inst, con.columns);
  for (int l = 0; l < 2; ++l) {
    // On the calling thread only: the free functions take the whole matrix.
    Matrix<Real> expected = Z;
    for (const auto& h : con.layer.heads)
      expected += otv::multiply<Real>(otv::attention<Real>(Z, h, otv::Softmax::stable).pattern, otv::multiply<Real>(Z, otv::multiply<Real>(h.w_v, h.B)));
    if (con.layer.w_f) {
      const Matrix<Real> hidden = otv::multiply<Real>(expected, *con.layer.w_f);
      for (Eigen::Index i = 0; i < hidden.size(); ++i) expected(i) += otv::ScalarTraits<Real>::relu(hidden(i));
    }
    Z = tf.step(Z, l);
    CAPTURE(otv::ScalarTraits<Real>::name(), l);
    CHECK(same_digits(Z, expected));
  }
}

TEST_CASE("an overflow on a worker core is visible to <cfenv> on the caller", "[forward][parallel]") {
  // Scores z_i Q z_j^T: 0 in the first rows, 3 * 30^2 = 2700 among the last rows,
  // so only the last row block (a worker's) overflows exp in the naive softmax.
  const Eigen::Index rows = 400;
  Matrix<double> Z = Matrix<double>::Zero(rows, 3);
  for (Eigen::Index i = rows - 8; i < rows; ++i) Z.row(i).setConstant(30);
  otv::Head<double> h{Matrix<double>::Identity(3, 3), Matrix<double>::Identity(3, 3), Matrix<double>::Identity(3, 3)};
  const otv::Transformer<double> tf({otv::Layer<double>{{h}, std::nullopt}}, otv::Softmax::naive);
  std::feclearexcept(FE_ALL_EXCEPT);
  const Matrix<double> out = tf.step(Z, 0);
  CHECK(std::fetestexcept(FE_OVERFLOW) != 0);
  CHECK(std::isnan(out(rows - 1, 0)));  // Inf / Inf in the overflowing rows
  CHECK(std::isfinite(out(0, 0)));  // rows of the caller's block stay finite
}

TEST_CASE("reused buffers follow a change of working precision", "[forward][mpfr]") {
  Matrix<otv::mpfr_real> m;
  {
    otv::PrecisionScope p(128);
    otv::ensure_shape(m, 3, 3);
    CHECK(otv::ScalarTraits<otv::mpfr_real>::precision_of(m(2, 2)) == otv::ScalarTraits<otv::mpfr_real>::bits());
  }
  otv::PrecisionScope p(512);
  otv::ensure_shape(m, 3, 3);
  CHECK(otv::ScalarTraits<otv::mpfr_real>::precision_of(m(2, 2)) == otv::ScalarTraits<otv::mpfr_real>::bits());
  CHECK(otv::ScalarTraits<otv::mpfr_real>::bits() >= 512);
}
