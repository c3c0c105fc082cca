#pragma once
// Shared helpers for the proof checks: tolerance comparisons with a full-digit
// report, ulp distances, one score's magnitude, exact interval endpoints, and
// brute-force assignments. The rounding model is otv/error_model.hpp's.
#include <catch2/catch.hpp>

#include <boost/math/special_functions/next.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "otv/adaptive_dual_gd.hpp"
#include "otv/construction.hpp"
#include "otv/dual_objective.hpp"
#include "otv/error_model.hpp"
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

// |computed - expected| <= tol; NaN never passes. On failure the report gives, as
// Boost.Math's test tools do, the scalar type, both values with all digits, the
// error and the tolerance in units of u and, for the native types, both values in
// hexfloat and their distance in ulps.
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
    if constexpr (std::is_floating_point_v<Real>) {
      s << "\n  hexfloat  expected " << std::hexfloat << expected << ", computed " << computed << std::defaultfloat;
      if (std::isfinite(computed) && std::isfinite(expected))
        s << "\n  distance  " << boost::math::float_distance(expected, computed) << " ulp";
    }
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

// ---- the rounding model (otv/error_model.hpp) ------------------------------

// K for one pair (x_i, y_j): (|x_i|^2 + |y_j|^2 + 2|x_i||y_j| + iterates) / lambda + 1,
// the error model's score magnitude at one score rather than its maximum over the
// instance, `iterates` bounding |u_i| + |v_j|.
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
