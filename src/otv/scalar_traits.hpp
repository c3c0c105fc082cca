#pragma once
// Scalar genericity in one place: every algorithm is templated on Real and asks
// ScalarTraits<Real> for its name, unit roundoff, precision, parsing and printing.
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/float128.hpp>
#include <boost/multiprecision/mpfi.hpp>
#include <boost/multiprecision/mpfr.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

#include "otv/decimal_text.hpp"
#include "otv/error.hpp"

namespace otv {

namespace bmp = boost::multiprecision;
// Expression templates off: binding an expression template to `auto` silently
// dangles, so every multiprecision type here is et_off.
using float128 = bmp::float128;
using bin_float_50 = bmp::number<bmp::cpp_bin_float<50>, bmp::et_off>;
using bin_float_100 = bmp::number<bmp::cpp_bin_float<100>, bmp::et_off>;
using mpfr_real = bmp::number<bmp::mpfr_float_backend<0>, bmp::et_off>;
using mpfi_real = bmp::number<bmp::mpfi_float_backend<0>, bmp::et_off>;

// Boost 1.74 keeps the variable precision of mpfr/mpfi as a process-wide number
// of decimal digits and allocates digits10_2_2(d) bits. These helpers map a
// requested bit count to the smallest such allocation >= bits.
inline unsigned digits10_for_bits(unsigned bits) {
  unsigned d = 1;
  while (bmp::detail::digits10_2_2(d) < bits) ++d;
  return d;
}
inline unsigned bits_for_digits10(unsigned d) {
  return static_cast<unsigned>(bmp::detail::digits10_2_2(d));
}

template <class Real> struct ScalarTraits;

// Shared part for IEEE-like types with a fixed precision.
template <class Real> struct FixedTraits {
  static constexpr bool is_interval = false;
  // Arithmetic in hardware, so <cfenv> flags record overflow, underflow, ...
  static constexpr bool hardware_exceptions = true;
  static constexpr bool json_number = false;  // JSON: decimal string unless a native double fits
  static unsigned bits() { return std::numeric_limits<Real>::digits; }
  static unsigned precision_of(const Real&) { return bits(); }
  // Unit roundoff u = 2^-p for round-to-nearest with a p-bit significand.
  static Real unit_roundoff() { return std::numeric_limits<Real>::epsilon() / 2; }
  static int digits10_roundtrip() { return std::numeric_limits<Real>::max_digits10; }
  static Real point(const Real& x) { return x; }
  static Real lower(const Real& x) { return x; }
  static Real upper(const Real& x) { return x; }
  static bool is_finite(const Real& x) { using std::isfinite; using boost::multiprecision::isfinite; return (isfinite)(x); }
  static double to_double(const Real& x) { return static_cast<double>(x); }
  static bool is_zero(const Real& x) { return x == 0; }
  static bool is_nan(const Real& x) { return x != x; }
  static Real width(const Real&) { return Real(0); }
  static Real relu(const Real& x) { return x > 0 ? x : Real(0); }
};

template <> struct ScalarTraits<float> : FixedTraits<float> {
  static constexpr bool json_number = true;
  static std::string name() { return "float"; }
  static float parse(const std::string& s) { require_decimal(s); return std::strtof(s.c_str(), nullptr); }
  static std::string to_string(float x) { char b[64]; std::snprintf(b, sizeof b, "%.9g", x); return b; }
};
template <> struct ScalarTraits<double> : FixedTraits<double> {
  static constexpr bool json_number = true;
  static std::string name() { return "double"; }
  static double parse(const std::string& s) { require_decimal(s); return std::strtod(s.c_str(), nullptr); }
  static std::string to_string(double x) { char b[64]; std::snprintf(b, sizeof b, "%.17g", x); return b; }
};
template <> struct ScalarTraits<long double> : FixedTraits<long double> {
  static std::string name() { return "long-double"; }
  static long double parse(const std::string& s) { require_decimal(s); return std::strtold(s.c_str(), nullptr); }
  static std::string to_string(long double x) { char b[80]; std::snprintf(b, sizeof b, "%.21Lg", x); return b; }
};

// Boost number types: parse from the decimal string, print with enough digits to
// round-trip.
template <class Real> struct BoostFixedTraits : FixedTraits<Real> {
  static constexpr bool hardware_exceptions = false;  // software arithmetic
  static Real parse(const std::string& s) { require_decimal(s); return Real(s); }
  static std::string to_string(const Real& x) {
    return x.str(std::numeric_limits<Real>::max_digits10, std::ios_base::fmtflags(0));
  }
  static bool is_finite(const Real& x) { return (boost::multiprecision::isfinite)(x); }
};
template <> struct ScalarTraits<float128> : BoostFixedTraits<float128> {
  static std::string name() { return "float128"; }
};
template <> struct ScalarTraits<bin_float_50> : BoostFixedTraits<bin_float_50> {
  static std::string name() { return "cpp_bin_float_50"; }
};
template <> struct ScalarTraits<bin_float_100> : BoostFixedTraits<bin_float_100> {
  static std::string name() { return "cpp_bin_float_100"; }
};

template <> struct ScalarTraits<mpfr_real> {
  static constexpr bool is_interval = false;
  static constexpr bool hardware_exceptions = false;
  static constexpr bool json_number = false;
  static unsigned bits() { return bits_for_digits10(mpfr_real::default_precision()); }
  // The precision a value actually carries (results must carry bits()).
  static unsigned precision_of(const mpfr_real& x) { return static_cast<unsigned>(mpfr_get_prec(x.backend().data())); }
  static std::string name() { return "mpfr:" + std::to_string(bits()); }
  static mpfr_real unit_roundoff() { return ldexp(mpfr_real(1), -static_cast<int>(bits())); }
  static int digits10_roundtrip() { return static_cast<int>(std::ceil(bits() * 0.30102999566398120)) + 1; }
  static mpfr_real parse(const std::string& s) { require_decimal(s); return mpfr_real(s); }
  static std::string to_string(const mpfr_real& x) { return x.str(digits10_roundtrip(), std::ios_base::fmtflags(0)); }
  static mpfr_real point(const mpfr_real& x) { return x; }
  static mpfr_real lower(const mpfr_real& x) { return x; }
  static mpfr_real upper(const mpfr_real& x) { return x; }
  static bool is_finite(const mpfr_real& x) { return (boost::multiprecision::isfinite)(x); }
  static double to_double(const mpfr_real& x) { return x.convert_to<double>(); }
  static bool is_zero(const mpfr_real& x) { return x == 0; }
  static bool is_nan(const mpfr_real& x) { return (boost::multiprecision::isnan)(x); }
  static mpfr_real width(const mpfr_real&) { return mpfr_real(0); }
  static mpfr_real relu(const mpfr_real& x) { return x > 0 ? x : mpfr_real(0); }
};

// Intervals: every operation returns an enclosure of the exact result.
template <> struct ScalarTraits<mpfi_real> {
  static constexpr bool is_interval = true;
  static constexpr bool hardware_exceptions = false;
  static constexpr bool json_number = false;
  static unsigned bits() { return bits_for_digits10(mpfi_real::default_precision()); }
  static unsigned precision_of(const mpfi_real& x) { return static_cast<unsigned>(mpfi_get_prec(x.backend().data())); }
  static std::string name() { return "mpfi:" + std::to_string(bits()); }
  static mpfi_real unit_roundoff() { return ldexp(mpfi_real(1), -static_cast<int>(bits())); }
  static int digits10_roundtrip() { return static_cast<int>(std::ceil(bits() * 0.30102999566398120)) + 1; }
  // A decimal literal becomes the tightest interval that encloses it.
  static mpfi_real parse(const std::string& s) { require_decimal(s); return mpfi_real(s); }
  static std::string to_string(const mpfi_real& x) {
    return "[" + mpfr_to_string(lower_mpfr(x)) + ", " + mpfr_to_string(upper_mpfr(x)) + "]";
  }
  // The midpoint as a degenerate interval: used where any representative works
  // (e.g. the shift of a stable softmax), so enclosures stay tight.
  static mpfi_real point(const mpfi_real& x) { return mpfi_real(median(x)); }
  static mpfi_real lower(const mpfi_real& x) { return mpfi_real(lower_mpfr(x)); }
  static mpfi_real upper(const mpfi_real& x) { return mpfi_real(upper_mpfr(x)); }
  static bool is_finite(const mpfi_real& x) {
    return (boost::multiprecision::isfinite)(lower_mpfr(x)) && (boost::multiprecision::isfinite)(upper_mpfr(x));
  }
  static double to_double(const mpfi_real& x) { return median(x).convert_to<double>(); }
  // Comparisons of overlapping intervals throw (from a noexcept function, so
  // they terminate): interval code compares only endpoints.
  static bool is_zero(const mpfi_real& x) { return lower_mpfr(x) == 0 && upper_mpfr(x) == 0; }
  static bool is_nan(const mpfi_real& x) { return mpfi_nan_p(x.backend().data()) != 0; }
  // Width of the enclosure, rounded up.
  static mpfi_real width(const mpfi_real& x) { return upper(x) - lower(x); }
  // Enclosure of max(0, t) over t in x.
  static mpfi_real relu(const mpfi_real& x) {
    if (lower_mpfr(x) >= 0) return x;
    if (upper_mpfr(x) <= 0) return mpfi_real(0);
    return mpfi_real(endpoint(0), upper_mpfr(x));
  }

 private:
  using endpoint = bmp::number<bmp::mpfr_float_backend<0>, bmp::et_off>;
  static endpoint lower_mpfr(const mpfi_real& x) { return endpoint(lower(x.backend()) ); }
  static endpoint upper_mpfr(const mpfi_real& x) { return endpoint(upper(x.backend())); }
  static std::string mpfr_to_string(const endpoint& x) { return x.str(digits10_roundtrip(), std::ios_base::fmtflags(0)); }
  static endpoint lower(const bmp::mpfi_float_backend<0>& b) { endpoint r; mpfi_get_left(r.backend().data(), b.data()); return r; }
  static endpoint upper(const bmp::mpfi_float_backend<0>& b) { endpoint r; mpfi_get_right(r.backend().data(), b.data()); return r; }
};

// Sets the working precision of the variable-precision types for a scope.
// Boost 1.74 keeps it process-wide, so one precision is in force at a time.
class PrecisionScope {
 public:
  explicit PrecisionScope(unsigned bits)
      : old_mpfr_(mpfr_real::default_precision()), old_mpfi_(mpfi_real::default_precision()) {
    mpfr_real::default_precision(digits10_for_bits(bits));
    mpfi_real::default_precision(digits10_for_bits(bits));
  }
  ~PrecisionScope() {
    mpfr_real::default_precision(old_mpfr_);
    mpfi_real::default_precision(old_mpfi_);
  }
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  unsigned old_mpfr_, old_mpfi_;
};

// Larger of two values (for intervals: compare degenerate ones, e.g. upper bounds).
// NaN is sticky: a maximum over values with a NaN is NaN, never silently dropped.
template <class Real> Real max_of(const Real& a, const Real& b) {
  if (ScalarTraits<Real>::is_nan(a)) return a;
  if (ScalarTraits<Real>::is_nan(b)) return b;
  return b > a ? b : a;
}

// Parse a decimal into Real and require a finite result (1e999 overflows double).
template <class Real> Real parse_finite(const std::string& s) {
  Real r = ScalarTraits<Real>::parse(s);
  if (!ScalarTraits<Real>::is_finite(r))
    throw InputError("number " + excerpt(s) + " is not finite in " + ScalarTraits<Real>::name());
  return r;
}

}  // namespace otv
