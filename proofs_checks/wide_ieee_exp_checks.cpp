// The exp of long double and float128 (src/otv/wide_ieee_exp.hpp): correctly
// rounded to nearest wherever exp(x) is a normal number, which is the error model's
// e_exp = 0.5 for these types, and expl / expq's value and IEEE flags elsewhere.
// MPFR's own conversions give the reference (mpfr_set_ld, mpfr_set_float128).
#define MPFR_WANT_FLOAT128
#define _Float128 __float128  // g++ 12 has no _Float128 in C++: the same binary128 type
#include <mpfr.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "otv/block_exp.hpp"

namespace {

using otv::float128;

// The two types with MPFR's exact conversions, their libm exp and printing.
struct LongDouble {
  using Real = long double;
  static constexpr mpfr_prec_t precision = 64;
  static void set(mpfr_ptr m, Real x) { mpfr_set_ld(m, x, MPFR_RNDN); }
  static Real get(mpfr_srcptr m) { return mpfr_get_ld(m, MPFR_RNDN); }
  static Real libm_exp(Real x) { return expl(x); }
  static std::string text(Real x) {
    char b[64];
    std::snprintf(b, sizeof b, "%.21Lg", x);
    return b;
  }
};
struct Float128 {
  using Real = float128;
  static constexpr mpfr_prec_t precision = 113;
  static void set(mpfr_ptr m, Real x) { mpfr_set_float128(m, x.backend().value(), MPFR_RNDN); }
  static Real get(mpfr_srcptr m) { return Real(mpfr_get_float128(m, MPFR_RNDN)); }
  static Real libm_exp(Real x) { return Real(expq(x.backend().value())); }
  static std::string text(Real x) {
    char b[80];
    quadmath_snprintf(b, sizeof b, "%.36Qg", x.backend().value());
    return b;
  }
};

template <class R> bool same_bits(R a, R b) {
  if (a != a && b != b) return true;  // NaN
  constexpr std::size_t value_bytes = std::is_same_v<R, long double> ? 10 : sizeof(R);  // long double pads to 16
  return std::memcmp(&a, &b, value_bytes) == 0;
}

// Arguments: dense near 0 (the softmax's), uniform over the normal results'
// range and across its ends, with random low bits.
template <class T> std::vector<typename T::Real> wide_arguments(std::size_t count, unsigned seed) {
  using Real = typename T::Real;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> wide(-11400, 11400), unit(-1, 1);
  std::uniform_int_distribution<int> scale(-70, 5);
  std::vector<Real> x(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double d = i % 2 ? wide(rng) : std::ldexp(unit(rng), scale(rng));
    x[i] = Real(d) + Real(d) * Real(static_cast<double>(rng() >> 11)) * Real(0x1p-105);  // bits below double's
  }
  return x;
}

// The ends of reach and of the normal results, multiples of ln 2, tiny and special values.
template <class T> std::vector<typename T::Real> planted_arguments() {
  using Real = typename T::Real;
  using L = std::numeric_limits<Real>;
  std::vector<Real> x = {Real(0), -Real(0), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), Real(1e-30), Real(-1e-30),
                         Real(-11355), Real(11356), Real(-11355.5), Real(11356.6), Real(16384), Real(-16384), Real(8192),
                         Real(-8192), Real(1e6), Real(-1e6), L::infinity(), -L::infinity(), L::quiet_NaN()};
  for (Real v : {Real(-11355), Real(11356), Real(16384), Real(-16384)})
    for (double s : {-0x1p-60, 0x1p-60}) x.push_back(v * (1 + Real(s)));  // a few ulps either side
  using std::log;
  const Real ln2 = log(Real(2));
  for (int j = -16000; j <= 16000; j += 499) x.push_back(ln2 * j);
  return x;
}

template <class Real> Real abs_value(Real x) {
  using std::fabs;
  return fabs(x);
}

template <class T> std::string check_against_mpfr(typename T::Real x) {
  using Real = typename T::Real;
  const Real got = otv::wide_ieee_exp(x);
  mpfr_t m;
  mpfr_init2(m, T::precision);
  T::set(m, x);
  const bool normal_result = mpfr_cmp_si(m, -11355) > 0 && mpfr_cmp_si(m, 11356) < 0 && !mpfr_zero_p(m) &&
                             abs_value(x) >= std::numeric_limits<Real>::min();
  Real want;
  if (normal_result) {
    mpfr_exp(m, m, MPFR_RNDN);
    want = T::get(m);
  } else {
    want = T::libm_exp(x);
  }
  mpfr_clear(m);
  if (same_bits(want, got)) return "";
  return T::text(x) + ": expected " + T::text(want) + (normal_result ? " (mpfr_exp)" : " (libm)") + ", computed " + T::text(got);
}

// |libm's exp(x) - exp(x)| in ulps of the result (normal results), exp(x) at 256 bits.
template <class T> double libm_ulp_error(typename T::Real x) {
  mpfr_t e, d;
  mpfr_init2(e, 256);
  mpfr_init2(d, 256);
  T::set(e, x);
  mpfr_exp(e, e, MPFR_RNDN);
  T::set(d, T::libm_exp(x));
  mpfr_sub(d, d, e, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  mpfr_mul_2si(d, d, T::precision - mpfr_get_exp(e), MPFR_RNDN);  // e in [2^(E-1), 2^E): ulp 2^(E-p)
  const double err = mpfr_get_d(d, MPFR_RNDU);
  mpfr_clear(e);
  mpfr_clear(d);
  return err;
}

}  // namespace

TEMPLATE_TEST_CASE("long double and float128 exp is correctly rounded where exp is normal, libm's elsewhere", "[exp][wide]",
                   LongDouble, Float128) {
  using Real = typename TestType::Real;
  std::vector<Real> args = wide_arguments<TestType>(100000, 11);
  for (Real v : planted_arguments<TestType>()) args.push_back(v);
  std::vector<std::string> failures;
  long differ = 0, libm_differs = 0;
  double libm_worst = 0;
  for (Real x : args) {
    const std::string f = check_against_mpfr<TestType>(x);
    differ += !f.empty();
    if (!f.empty() && failures.size() < 10) failures.push_back(f);
    const bool normal_result = abs_value(x) >= std::numeric_limits<Real>::min() && x > Real(-11355) && x < Real(11356);
    if (normal_result && !same_bits(TestType::libm_exp(x), otv::wide_ieee_exp(x))) {
      ++libm_differs;
      libm_worst = std::max(libm_worst, libm_ulp_error<TestType>(x));
    }
  }
  // libm's figures are findings about the library (the error model no longer relies on it).
  std::cout << "wide exp, " << TestType::precision << " bits: " << args.size() << " arguments, " << differ
            << " differ from the correctly rounded exp; libm's exp differs on " << libm_differs << ", worst "
            << libm_worst << " ulp\n";
  for (const std::string& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
}

TEMPLATE_TEST_CASE("long double and float128 exp raises overflow and underflow exactly where libm does", "[exp][wide]",
                   LongDouble, Float128) {
  using Real = typename TestType::Real;
  for (Real a : planted_arguments<TestType>()) {
    std::feclearexcept(FE_ALL_EXCEPT);
    volatile Real r = TestType::libm_exp(a);
    (void)r;
    const int libm = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
    std::feclearexcept(FE_ALL_EXCEPT);
    Real v[1] = {a}, zero[1] = {Real(0)};
    otv::BlockExp<Real>::exp_of_differences(v, zero, 1);
    const int ours = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
    CAPTURE(TestType::text(a));
    CHECK(ours == libm);
  }
}

TEMPLATE_TEST_CASE("the long double and float128 block exps are the wide exp of the differences", "[exp][wide]", LongDouble,
                   Float128) {
  using Real = typename TestType::Real;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> arg(-40, 5);
  std::vector<Real> a(257), shift(257), want(257);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = Real(arg(rng)) / 3;
    shift[i] = Real(arg(rng)) / 7;
    want[i] = otv::wide_ieee_exp(Real(a[i] - shift[i]));
  }
  otv::BlockExp<Real>::exp_of_differences(a.data(), shift.data(), static_cast<std::ptrdiff_t>(a.size()));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += !same_bits(a[i], want[i]);
  CHECK(differ == 0);
  CHECK(same_bits(otv::BlockExp<Real>::exp(a[3]), otv::wide_ieee_exp(a[3])));
  CHECK(otv::BlockExp<Real>::error_ulps() == 0.5);
}
