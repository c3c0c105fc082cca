#pragma once
// Numerical breakdown of the construction in one scalar type: the real forward
// pass, with the evidence that classifies a failure recorded on the way —
// head-1 scores of the data block at the first and the last layer, IEEE
// exception flags (<cfenv>, hardware types only), non-finite entries, softmax
// rows whose data block underflowed, and the extreme arguments passed to exp.
#include <cfenv>

#include "otv/construction.hpp"
#include "otv/instance.hpp"
#include "otv/prompt.hpp"
#include "otv/readout.hpp"

namespace otv {

struct FpExceptions {
  bool recorded = false;  // false: software arithmetic, flags not meaningful
  bool overflow = false, underflow = false, invalid = false, divide_by_zero = false;
};

template <class Real> struct BreakdownTrace {
  Matrix<Real> first_scores, final_scores;  // head-1 scores, data block: layer 1 (on Z^(0)) and on Z^(L)
  Vector<Real> u, v;                        // data rows of the u, v columns of Z^(L)
  Matrix<Real> readout;                     // head-2 readout of Z^(L) (eq. 10 transposed)
  long long nan_entries = 0, inf_entries = 0;  // in Z^(L)
  long long first_nonfinite_layer = -1;        // first l with a non-finite entry in Z^(l)
  long long underflowed_rows = 0;  // (layer, head, row) whose data block of the pattern is all zero
  Real min_exp_argument, max_exp_argument;  // over all layers and heads (stable: s - row max; naive: s)
  FpExceptions exceptions;
};

namespace breakdown_detail {

template <class Real> Matrix<Real> data_scores(const Matrix<Real>& scores) {
  const Eigen::Index n = scores.rows() - 1;
  return scores.topLeftCorner(n, n);
}

// The least and the greatest exp argument over the softmax rows met so far
// (stable: s - row max; naive: s), each the first met of its value (zeros' signs
// included); NaN is sticky (max_of).
template <class Real> struct ExpArgumentRange {
  bool empty = true;
  Real least = 0, greatest = 0;
  void add(const Real& a) {
    if (empty) { least = greatest = a; empty = false; }
    least = -max_of<Real>(-least, -a);
    greatest = max_of<Real>(greatest, a);
  }
  // Every argument of row i of the scores S, in the order the softmax forms them.
  void add_every_argument(const Matrix<Real>& S, Eigen::Index i, Softmax mode) {
    Real shift = 0;
    if (mode == Softmax::stable) {
      shift = S(i, 0);
      for (Eigen::Index j = 1; j < S.cols(); ++j) shift = max_of<Real>(shift, S(i, j));
    }
    for (Eigen::Index j = 0; j < S.cols(); ++j) add(S(i, j) - shift);
  }
  // The same range as add_every_argument, from two subtractions: in a row of finite
  // point values, rounded subtraction is monotone, so the extreme arguments are
  // those of the first least and first greatest score, with the same bits and
  // IEEE flags. Rows with Inf or NaN, and intervals, take every argument.
  void add_row(const Matrix<Real>& S, Eigen::Index i, Softmax mode) {
    using T = ScalarTraits<Real>;
    if constexpr (T::is_interval) return add_every_argument(S, i, mode);
    if (S.cols() == 0) return;
    Eigen::Index lo = 0, hi = 0;
    bool finite = T::is_finite(S(i, 0));
    for (Eigen::Index j = 1; j < S.cols() && finite; ++j) {
      finite = T::is_finite(S(i, j));
      if (S(i, j) < S(i, lo)) lo = j;
      if (S(i, j) > S(i, hi)) hi = j;
    }
    if (!finite) return add_every_argument(S, i, mode);
    const Real shift = mode == Softmax::stable ? S(i, hi) : Real(0);
    add(S(i, lo) - shift);
    add(S(i, hi) - shift);
  }
};

}  // namespace breakdown_detail

// Runs `layers` layers of the construction on inst and records the trace.
template <class Real>
BreakdownTrace<Real> trace_breakdown(const Instance<Real>& inst, const Real& lambda, const Real& gamma, long long layers, Variant variant,
                                     Softmax mode) {
  using T = ScalarTraits<Real>;
  const Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, mode);
  const ColumnMap& c = con.columns;
  const Eigen::Index n = inst.n();
  BreakdownTrace<Real> t;
  breakdown_detail::ExpArgumentRange<Real> arguments;
  const Observer<Real> observe = [&](const LayerView<Real>& view) {
    if (view.layer == 0) t.first_scores = breakdown_detail::data_scores<Real>(view.scores[0]);
    for (std::size_t h = 0; h < view.scores.size(); ++h) {
      const Matrix<Real>& S = view.scores[h];
      const Matrix<Real>& A = view.patterns[h];
      for (Eigen::Index i = 0; i < S.rows(); ++i) {
        arguments.add_row(S, i, mode);
        bool data_all_zero = i < n;
        for (Eigen::Index j = 0; j < n && data_all_zero; ++j) data_all_zero = T::is_zero(A(i, j));
        t.underflowed_rows += data_all_zero;
      }
    }
  };
  Matrix<Real> Z = make_prompt<Real>(inst, c);
  if constexpr (T::hardware_exceptions) std::feclearexcept(FE_ALL_EXCEPT);
  for (long long l = 0; l < layers; ++l) {
    Z = tf.step(Z, static_cast<int>(l), observe);
    if (t.first_nonfinite_layer < 0)
      for (Eigen::Index i = 0; i < Z.rows() && t.first_nonfinite_layer < 0; ++i)
        for (Eigen::Index k = 0; k < Z.cols(); ++k)
          if (!T::is_finite(Z(i, k))) { t.first_nonfinite_layer = l + 1; break; }
  }
  const auto att = tf.attentions(Z, static_cast<int>(layers));
  t.final_scores = breakdown_detail::data_scores<Real>(att[0].scores);
  t.readout = readout<Real>(att[1].pattern, inst.x);
  if constexpr (T::hardware_exceptions) {
    t.exceptions = {true, std::fetestexcept(FE_OVERFLOW) != 0, std::fetestexcept(FE_UNDERFLOW) != 0, std::fetestexcept(FE_INVALID) != 0,
                    std::fetestexcept(FE_DIVBYZERO) != 0};
  }
  t.min_exp_argument = arguments.least;
  t.max_exp_argument = arguments.greatest;
  t.u = Vector<Real>(n);
  t.v = Vector<Real>(n);
  for (Eigen::Index i = 0; i < n; ++i) { t.u(i) = Z(i, c.u); t.v(i) = Z(i, c.v); }
  for (Eigen::Index i = 0; i < Z.rows(); ++i)
    for (Eigen::Index k = 0; k < Z.cols(); ++k) {
      t.nan_entries += T::is_nan(Z(i, k));
      t.inf_entries += !T::is_nan(Z(i, k)) && !T::is_finite(Z(i, k));
    }
  return t;
}

}  // namespace otv
