// The exp of long double, float128 and cpp_bin_float (src/otv/correctly_rounded_exp.hpp):
// correctly rounded to nearest wherever it is in reach, which is the error model's
// e_exp = 0.5 for these types, and the library's exp (value and IEEE flags) elsewhere.
// MPFR's own conversions give the reference (mpfr_set_ld, mpfr_set_float128, decimal
// strings with enough digits to be exact for cpp_bin_float).
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

// Each type with MPFR's exact conversions, its library's exp, printing and the
// arguments the tables take (the others go to the library's exp).
struct LongDouble {
  using Real = long double;
  static constexpr mpfr_prec_t precision = 64;
  static void set(mpfr_ptr m, Real x) { mpfr_set_ld(m, x, MPFR_RNDN); }
  static Real get(mpfr_srcptr m) { return mpfr_get_ld(m, MPFR_RNDN); }
  static Real library_exp(Real x) { return expl(x); }
  static std::string text(Real x) {
    char b[64];
    std::snprintf(b, sizeof b, "%.21Lg", x);
    return b;
  }
  static bool in_reach(Real x) { return std::fabs(x) >= LDBL_MIN && x > -11355 && x < 11356; }  // exp(x) normal
};
struct Float128 {
  using Real = float128;
  static constexpr mpfr_prec_t precision = 113;
  static void set(mpfr_ptr m, Real x) { mpfr_set_float128(m, x.backend().value(), MPFR_RNDN); }
  static Real get(mpfr_srcptr m) { return Real(mpfr_get_float128(m, MPFR_RNDN)); }
  static Real library_exp(Real x) { return Real(expq(x.backend().value())); }
  static std::string text(Real x) {
    char b[80];
    quadmath_snprintf(b, sizeof b, "%.36Qg", x.backend().value());
    return b;
  }
  static bool in_reach(Real x) { return fabs(x) >= std::numeric_limits<Real>::min() && x > -11355 && x < 11356; }
};
template <class Number> struct BinFloat {
  using Real = Number;
  static constexpr mpfr_prec_t precision = std::numeric_limits<Real>::digits;
  static constexpr int digits = std::numeric_limits<Real>::max_digits10 + 5;  // exact both ways at this precision
  static void set(mpfr_ptr m, const Real& x) { mpfr_set_str(m, text(x).c_str(), 10, MPFR_RNDN); }
  static Real get(mpfr_srcptr m) {
    char* t = nullptr;
    mpfr_asprintf(&t, "%.*Re", digits, m);
    const Real x(t);
    mpfr_free_str(t);
    return x;
  }
  static Real library_exp(const Real& x) { return exp(x); }
  static std::string text(const Real& x) { return x.str(digits, std::ios_base::scientific); }
  static bool in_reach(const Real& x) { return isfinite(x) && fabs(x) < 1048576; }  // |x| < 2^20
};
using BinFloat50 = BinFloat<otv::bin_float_50>;
using BinFloat100 = BinFloat<otv::bin_float_100>;

template <class R> bool same_bits(const R& a, const R& b) {
  if (a != a && b != b) return true;  // NaN
  if constexpr (std::is_same_v<R, long double>) return std::memcmp(&a, &b, 10) == 0;  // long double pads to 16
  else if constexpr (std::is_same_v<R, float128>) return std::memcmp(&a, &b, sizeof a) == 0;
  else return a == b && signbit(a) == signbit(b);  // cpp_bin_float: equal values are equal bits
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

// The ends of reach (exp's normal range, 2^20), multiples of ln 2, tiny and special values.
template <class T> std::vector<typename T::Real> planted_arguments() {
  using Real = typename T::Real;
  using L = std::numeric_limits<Real>;
  std::vector<Real> x = {Real(0), -Real(0), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(), Real(1e-30), Real(-1e-30),
                         Real(-11355), Real(11356), Real(-11355.5), Real(11356.6), Real(16384), Real(-16384), Real(8192),
                         Real(-8192), Real(1e6), Real(-1e6), Real(1048575.5), Real(-1048575.5), Real(1048576), Real(-1048576),
                         Real(1e-45), Real(-1e-95), Real(1e-60), Real(-1e-110), L::infinity(), -L::infinity(), L::quiet_NaN()};
  for (Real v : {Real(-11355), Real(11356), Real(16384), Real(-16384)})
    for (double s : {-0x1p-60, 0x1p-60}) x.push_back(v * (1 + Real(s)));  // a few ulps either side
  using std::log;
  const Real ln2 = log(Real(2));
  for (int j = -16000; j <= 16000; j += 499) x.push_back(ln2 * j);
  return x;
}

template <class T> std::string check_against_mpfr(const typename T::Real& x) {
  using Real = typename T::Real;
  const Real got = otv::correctly_rounded_exp(x);
  const bool reach = T::in_reach(x);
  Real want;
  if (reach) {
    mpfr_t m;
    mpfr_init2(m, T::precision);
    T::set(m, x);
    mpfr_exp(m, m, MPFR_RNDN);
    want = T::get(m);
    mpfr_clear(m);
  } else {
    want = T::library_exp(x);
  }
  if (same_bits(want, got)) return "";
  return T::text(x) + ": expected " + T::text(want) + (reach ? " (mpfr_exp)" : " (library)") + ", computed " + T::text(got);
}

// |the library's exp(x) - exp(x)| in ulps of the result, exp(x) at 2p + 64 bits.
template <class T> double library_ulp_error(const typename T::Real& x) {
  mpfr_t e, d;
  mpfr_init2(e, 2 * T::precision + 64);
  mpfr_init2(d, 2 * T::precision + 64);
  T::set(e, x);
  mpfr_exp(e, e, MPFR_RNDN);
  T::set(d, T::library_exp(x));
  mpfr_sub(d, d, e, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  mpfr_mul_2si(d, d, T::precision - mpfr_get_exp(e), MPFR_RNDN);  // e in [2^(E-1), 2^E): ulp 2^(E-p)
  const double err = mpfr_get_d(d, MPFR_RNDU);
  mpfr_clear(e);
  mpfr_clear(d);
  return err;
}

}  // namespace

TEMPLATE_TEST_CASE("exp of long double, float128 and cpp_bin_float is correctly rounded in reach, the library's elsewhere",
                   "[exp][correctly-rounded]", LongDouble, Float128, BinFloat50, BinFloat100) {
  using Real = typename TestType::Real;
  // cpp_bin_float's arithmetic is slow: fewer random arguments.
  const std::size_t count = std::is_floating_point_v<Real> || std::is_same_v<Real, float128> ? 100000 : 10000;
  std::vector<Real> args = wide_arguments<TestType>(count, 11);
  for (const Real& v : planted_arguments<TestType>()) args.push_back(v);
  std::vector<std::string> failures;
  long differ = 0, library_differs = 0;
  double library_worst = 0;
  for (const Real& x : args) {
    const std::string f = check_against_mpfr<TestType>(x);
    differ += !f.empty();
    if (!f.empty() && failures.size() < 10) failures.push_back(f);
    if (TestType::in_reach(x) && !same_bits(TestType::library_exp(x), otv::correctly_rounded_exp(x))) {
      ++library_differs;
      library_worst = std::max(library_worst, library_ulp_error<TestType>(x));
    }
  }
  // The library's figures are findings about it (the error model no longer relies on it).
  std::cout << "correctly rounded exp, " << TestType::precision << " bits: " << args.size() << " arguments, " << differ
            << " differ from mpfr_exp; the library's exp differs on " << library_differs << ", worst " << library_worst
            << " ulp\n";
  for (const std::string& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
}

TEMPLATE_TEST_CASE("long double and float128 exp raises overflow and underflow exactly where the library's does", "[exp][correctly-rounded]",
                   LongDouble, Float128) {
  using Real = typename TestType::Real;
  for (Real a : planted_arguments<TestType>()) {
    std::feclearexcept(FE_ALL_EXCEPT);
    volatile Real r = TestType::library_exp(a);
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

TEMPLATE_TEST_CASE("the block exp of these types is the correctly rounded exp of the differences", "[exp][correctly-rounded]",
                   LongDouble, Float128, BinFloat50, BinFloat100) {
  using Real = typename TestType::Real;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> arg(-40, 5);
  std::vector<Real> a(257), shift(257), want(257);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = Real(arg(rng)) / 3;
    shift[i] = Real(arg(rng)) / 7;
    want[i] = otv::correctly_rounded_exp(Real(a[i] - shift[i]));
  }
  otv::BlockExp<Real>::exp_of_differences(a.data(), shift.data(), static_cast<std::ptrdiff_t>(a.size()));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += !same_bits(a[i], want[i]);
  CHECK(differ == 0);
  CHECK(same_bits(otv::BlockExp<Real>::exp(a[3]), otv::correctly_rounded_exp(a[3])));
  CHECK(otv::BlockExp<Real>::error_ulps() == 0.5);
}
