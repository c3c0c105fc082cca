#pragma once
// Shared helpers for the proof checks: tolerance comparisons with a full-digit
// report, ulp distances, the rounding model of one layer, exact interval
// endpoints, and brute-force assignments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "otv/adaptive_dual_gd.hpp"
#include "otv/construction.hpp"
#include "otv/dual_objective.hpp"
#include "otv/exact_ot.hpp"
#include "otv/instance.hpp"
#include "otv/prompt.hpp"
#include "otv/scalar_traits.hpp"
#include "otv/transformer.hpp"

namespace otv::test {

// ---- comparisons with a full-digit report -----------------------------------

struct Comparison {
  bool ok;
  std::string report;  // filled only on failure (the digits are expensive for mpfr)
};

// |computed - expected| <= tol; NaN never passes. On failure the report gives the
// scalar type, both values with all digits, the error in units of u and the tolerance.
template <class Real>
Comparison compare_within(const Real& computed, const Real& expected, const Real& tol) {
  using T = ScalarTraits<Real>;
  using std::abs;
  const Real err = abs(computed - expected);
  Comparison c{!T::is_nan(err) && err <= tol, {}};
  if (!c.ok) {
    const Real u = T::unit_roundoff();
    std::ostringstream s;
    s << "scalar type " << T::name() << "\n  expected  " << T::to_string(expected) << "\n  computed  "
      << T::to_string(computed) << "\n  |error|   " << T::to_string(err) << "  (" << T::to_double(err / u)
      << " u)\n  tolerance " << T::to_string(tol) << "  (" << T::to_double(tol / u) << " u)";
    c.report = s.str();
  }
  return c;
}

}  // namespace otv::test

// A macro so that Catch reports the caller's line; the INFO carries the digits.
#define OTV_CHECK_WITHIN(computed, expected, tol)                                      \
  do {                                                                                 \
    const auto otv_cmp_ = ::otv::test::compare_within((computed), (expected), (tol)); \
    INFO(otv_cmp_.report);                                                             \
    CHECK(otv_cmp_.ok);                                                                \
  } while (0)

namespace otv::test {

// Distance in units in the last place between two finite doubles (0 if equal,
// 1 if adjacent), through the ordered integer image of the bit patterns.
inline std::uint64_t ulp_distance(double a, double b) {
  auto ordered = [](double x) {
    const auto bits = std::bit_cast<std::int64_t>(x);
    return bits < 0 ? -(bits & std::numeric_limits<std::int64_t>::max()) : bits;
  };
  const std::int64_t ia = ordered(a), ib = ordered(b);
  return ia > ib ? static_cast<std::uint64_t>(ia - ib) : static_cast<std::uint64_t>(ib - ia);
}

template <class Real> Real max_abs(const Vector<Real>& v) {
  using std::abs;
  Real m = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) m = max_of<Real>(m, abs(v(i)));
  return m;
}

template <class Real> Real max_abs_column(const Matrix<Real>& Z, int col, Eigen::Index rows) {
  using std::abs;
  Real m = 0;
  for (Eigen::Index i = 0; i < rows; ++i) m = max_of<Real>(m, abs(Z(i, col)));
  return m;
}

// ---- the rounding model of one score and one layer --------------------------

// Rounded operations behind one head-1 score, both sides together (first order):
//   transformer: a product term 2 x_k y_k / lambda carries 3 roundings (2/lambda,
//   x Q, (xQ) y), the norm terms d + 2 (d-term sum in the prompt, 1/lambda, one
//   product), and summing the d + 3 terms adds d + 2: at most 2d + 4 relative to K;
//   reference: C_ij from differences (d + 2), then / lambda and - 1 (2): d + 4.
// Total 3d + 8 units of u relative to the magnitude K of the summed terms.
inline int score_ops(int d) { return 3 * d + 8; }

// K = (|x_i|^2 + |y_j|^2 + 2|x_i||y_j| + iterates) / lambda + 1: a bound on the sum
// of the absolute values of the terms of the score of (x_i, y_j) (Cauchy-Schwarz
// for the cross term), `iterates` bounding |u_i| + |v_j|.
template <class Real>
Real score_magnitude(const Instance<Real>& inst, Eigen::Index i, Eigen::Index j, const Real& lambda,
                     const Real& iterates = Real(0)) {
  using std::sqrt;
  Real nx = 0, ny = 0;
  for (Eigen::Index k = 0; k < inst.d(); ++k) { nx += inst.x(i, k) * inst.x(i, k); ny += inst.y(j, k) * inst.y(j, k); }
  return (nx + ny + 2 * sqrt(nx) * sqrt(ny) + iterates) / lambda + 1;
}

// A decimal literal in any scalar type (exactly the same decimal for all).
template <class Real> Real lit(const char* s) { return ScalarTraits<Real>::parse(s); }

// max over i, j of |x_i|^2 + |y_j|^2 + 2|x_i||y_j|.
template <class Real> Real data_magnitude(const Instance<Real>& inst) {
  using std::sqrt;
  Real m = 0;
  for (Eigen::Index i = 0; i < inst.n(); ++i)
    for (Eigen::Index j = 0; j < inst.n(); ++j) {
      Real na = 0, nb = 0;
      for (Eigen::Index k = 0; k < inst.d(); ++k) { na += inst.x(i, k) * inst.x(i, k); nb += inst.y(j, k) * inst.y(j, k); }
      m = max_of<Real>(m, na + nb + 2 * sqrt(na) * sqrt(nb));
    }
  return m;
}

// Local rounding error of one layer's u (or v) entry, transformer and reference
// together, at iterates bounded by `iterate_max` (= max |u| + max |v|):
//   a score error of score_ops(d) u K becomes a relative error of the softmax
//   weights; normalising over n + 1 terms and the weighted sum of the values
//   (1 and -1/n) add 2n + 6; the reference's row sum and (r - 1/n)/(r + 1) add
//   n + 4 (bounded by the same 2n + 8 budget); the step is scaled by gamma; the
//   final u + step rounds relative to |u| on each side:
//   local = u [ gamma (score_ops(d) K + 2n + 8) + 2 iterate_max ].
template <class Real>
Real layer_local_error(int d, Eigen::Index n, const Real& unit, const Real& lambda, const Real& gamma,
                       const Real& data_mag, const Real& iterate_max) {
  const Real K = (data_mag + iterate_max) / lambda + 1;
  return unit * (gamma * (Real(score_ops(d)) * K + Real(2 * n + 8)) + 2 * iterate_max);
}

// Errors only add from layer to layer (no amplification) when the GD map's
// Jacobian has infinity norm 1: max_i |1 - a_i| + a_i = 1 for
// a_i = gamma (1 + 1/n) r_i / (lambda (r_i + 1)^2) <= gamma (1 + 1/n) / (4 lambda) <= 1.
template <class Real> bool errors_only_add(Eigen::Index n, const Real& lambda, const Real& gamma) {
  return gamma * (1 + Real(1) / Real(n)) <= 4 * lambda;
}

// ---- instances and runs -----------------------------------------------------

// The paper's Sec. 6 example: x = [0.5, 0.75, 0.25, 0], y = [0, 0.25, 0.5, 0.75].
inline InstanceText paper_example() {
  InstanceText t;
  for (const char* s : {"0.5", "0.75", "0.25", "0"}) t.x.push_back({s});
  for (const char* s : {"0", "0.25", "0.5", "0.75"}) t.y.push_back({s});
  return t;
}

// Transformer of a construction variant and its layer-0 prompt.
template <class Real> struct Setup {
  Instance<Real> inst;
  Construction<Real> con;
  Transformer<Real> tf;
  Matrix<Real> Z0;
};

template <class Real>
Setup<Real> make_setup(const InstanceText& text, Variant variant, const Real& lambda, const Real& gamma,
                       Softmax mode = Softmax::stable) {
  Instance<Real> inst = to_real<Real>(text);
  Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  Transformer<Real> tf({con.layer}, mode);
  Matrix<Real> Z0 = make_prompt<Real>(inst, con.columns);
  return Setup<Real>{std::move(inst), std::move(con), std::move(tf), std::move(Z0)};
}

// ---- exact OT by brute force ---------------------------------------------------

template <class Real> Real assignment_cost(const Matrix<Real>& C, const Assignment& as) {
  Real s = 0;
  for (Eigen::Index i = 0; i < C.rows(); ++i) s += C(i, as[static_cast<std::size_t>(i)]);
  return s;
}

template <class Real> Real brute_force_min_cost(const Matrix<Real>& C) {
  Assignment p(static_cast<std::size_t>(C.rows()));
  std::iota(p.begin(), p.end(), 0);
  Real best = assignment_cost<Real>(C, p);
  while (std::next_permutation(p.begin(), p.end())) best = std::min(best, assignment_cost<Real>(C, p));
  return best;
}

inline bool is_permutation_of_indices(const Assignment& as) {
  std::vector<Eigen::Index> s(as.begin(), as.end());
  std::sort(s.begin(), s.end());
  for (std::size_t k = 0; k < s.size(); ++k)
    if (s[k] != static_cast<Eigen::Index>(k)) return false;
  return true;
}

// ---- exact interval endpoints ---------------------------------------------------

// Endpoints of an mpfi enclosure as mpfr numbers of the interval's own precision
// (exact: no rounding); mpfr_cmp then compares exactly across precisions.
inline mpfr_real exact_lower(const mpfi_real& x) {
  mpfr_real r;
  mpfr_set_prec(r.backend().data(), mpfi_get_prec(x.backend().data()));
  mpfi_get_left(r.backend().data(), x.backend().data());
  return r;
}
inline mpfr_real exact_upper(const mpfi_real& x) {
  mpfr_real r;
  mpfr_set_prec(r.backend().data(), mpfi_get_prec(x.backend().data()));
  mpfi_get_right(r.backend().data(), x.backend().data());
  return r;
}
inline bool encloses(const mpfi_real& iv, const mpfr_real& x) {
  return mpfr_cmp(exact_lower(iv).backend().data(), x.backend().data()) <= 0 &&
         mpfr_cmp(x.backend().data(), exact_upper(iv).backend().data()) <= 0;
}

}  // namespace otv::test
