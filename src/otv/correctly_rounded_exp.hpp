#pragma once
// exp correctly rounded to nearest for the types whose own exp is not: long double
// (x87, 64-bit significand), float128 (113 bits) and cpp_bin_float (168 and 334
// bits), by the tables of mpfr_exp.hpp. The argument's fields become an MPFR number
// of the type's precision without rounding (MPFR's custom interface),
// mpfr_exp_tabulated rounds exp to that precision (mpfr_exp's value), and the
// result's significand and exponent go back into the type's fields. glibc's expl is
// off by up to 1.07 ulp and Boost's cpp_bin_float exp by up to 16 ulp in the
// softmax's range (8.6e5 ulp at |x| near 11,400: its reduction loses about log2 |x|
// bits), where the error model's e_exp = 0.5 for these types assumed correct
// rounding (docs/error-model.md); libquadmath's expq is nearly correctly rounded but
// about 3x slower.
//
// Reach of long double and float128: normal x with -11355 < x < 11356, where exp(x)
// is a normal number of both types (exponents -16382 .. 16383: ln 2^-16382 =
// -11355.14, ln 2^16384 = 11356.52), so no IEEE flag of the type's own exp is missed
// (exp raises inexact only). Others (zero, subnormal, Inf, NaN, and x whose exp
// underflows or overflows) go to expl / expq, whose underflow and overflow flags the
// breakdown reads (E5); exp of zero or a subnormal rounds to 1 in either.
// cpp_bin_float (no subnormals, exponents to +-2^31, beyond MPFR's default +-2^30):
// regular x with |x| < 2^20; zero and |x| < 2^-(p+2) give 1, and Inf, NaN and
// larger |x| go to Boost's exp.
#include <quadmath.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "otv/mpfr_exp.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

namespace correctly_rounded_exp_detail {

using mpfr_exp_detail::limb;

inline constexpr unsigned kBias = 16383;  // both types' exponent bias

// An IEEE number as MPFR sees a regular number: +-0.1b... * 2^exponent, the
// significand's leading bit at the top of significand[1] (unused low bits zero).
struct Fields {
  bool negative = false;
  mpfr_exp_t exponent = 0;
  limb significand[2] = {0, 0};
};

// Normal x with |x| < 2^14 (the tables take |x| < 2^20), as fields; false otherwise.
inline bool fields_in_reach(unsigned sign_exponent, Fields& f) {
  const unsigned biased = sign_exponent & 0x7fff;
  if (biased == 0 || biased > kBias + 13) return false;
  f.negative = (sign_exponent >> 15) != 0;
  f.exponent = static_cast<mpfr_exp_t>(biased) - static_cast<mpfr_exp_t>(kBias - 1);
  return true;
}

inline bool to_fields(long double x, Fields& f) {
  static_assert(LDBL_MANT_DIG == 64, "x87 extended precision long double");
  std::uint64_t m;
  std::uint16_t se;
  std::memcpy(&m, &x, sizeof m);
  std::memcpy(&se, reinterpret_cast<const unsigned char*>(&x) + 8, sizeof se);
  if (!fields_in_reach(se, f) || (m >> 63) == 0) return false;  // unnormals too
  f.significand[1] = m;
  return true;
}
inline long double long_double_from_fields(const Fields& f) {
  const std::uint64_t m = f.significand[1];
  const auto se = static_cast<std::uint16_t>((f.negative ? 0x8000u : 0u) | static_cast<unsigned>(f.exponent + (kBias - 1)));
  long double x = 0;
  std::memcpy(&x, &m, sizeof m);
  std::memcpy(reinterpret_cast<unsigned char*>(&x) + 8, &se, sizeof se);
  return x;
}

// float128: sign, 15 exponent bits and the fraction's top 48 bits in the high word,
// the fraction's low 64 bits in the low word; the leading 1 is implicit.
inline bool to_fields(__float128 x, Fields& f) {
  std::uint64_t w[2];  // little endian: w[0] low, w[1] high
  std::memcpy(w, &x, sizeof w);
  if (!fields_in_reach(static_cast<unsigned>(w[1] >> 48), f)) return false;
  f.significand[1] = (std::uint64_t{1} << 63) | ((w[1] & 0xffffffffffffULL) << 15) | (w[0] >> 49);
  f.significand[0] = w[0] << 15;
  return true;
}
inline __float128 float128_from_fields(const Fields& f) {
  const std::uint64_t biased = static_cast<std::uint64_t>(f.exponent + (kBias - 1));
  std::uint64_t w[2];
  w[1] = (f.negative ? std::uint64_t{1} << 63 : 0) | (biased << 48) | ((f.significand[1] & ~(std::uint64_t{1} << 63)) >> 15);
  w[0] = (f.significand[1] << 49) | (f.significand[0] >> 15);
  __float128 x;
  std::memcpy(&x, w, sizeof w);
  return x;
}

// exp(x) rounded to nearest at `precision` bits, or false when x is out of reach.
inline bool exp_fields(const Fields& x, mpfr_prec_t precision, Fields& y) {
  const limb* xs = x.significand + (precision <= 64 ? 1 : 0);
  mpfr_t xv, yv;
  mpfr_custom_init_set(xv, x.negative ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND, x.exponent, precision, const_cast<limb*>(xs));
  if (mpfr_cmp_si(xv, -11355) <= 0 || mpfr_cmp_si(xv, 11356) >= 0) return false;
  limb* ys = y.significand + (precision <= 64 ? 1 : 0);
  mpfr_custom_init_set(yv, MPFR_ZERO_KIND, 0, precision, ys);
  mpfr_exp_tabulated(yv, xv, MPFR_RNDN);
  y.negative = false;
  y.exponent = mpfr_get_exp(yv);
  return true;
}

// cpp_bin_float<D>'s significand (bit_count bits, leading bit set, in the low limbs of
// a cpp_int) as MPFR's: the same bits shifted to the top of ceil(bit_count / 64) limbs.
template <unsigned D> inline constexpr unsigned bin_float_limbs = (bmp::cpp_bin_float<D>::bit_count + 63) / 64;
template <unsigned D> inline constexpr unsigned bin_float_shift = 64 * bin_float_limbs<D> - bmp::cpp_bin_float<D>::bit_count;

}  // namespace correctly_rounded_exp_detail

// exp(x) correctly rounded to nearest where exp(x) is normal; expl(x) elsewhere.
inline long double correctly_rounded_exp(long double x) {
  using namespace correctly_rounded_exp_detail;
  Fields f, y;
  if (to_fields(x, f) && exp_fields(f, 64, y)) return long_double_from_fields(y);
  return expl(x);
}

// exp(x) correctly rounded to nearest where exp(x) is normal; expq(x) elsewhere.
inline float128 correctly_rounded_exp(const float128& x) {
  using namespace correctly_rounded_exp_detail;
  Fields f, y;
  const __float128 v = x.backend().value();
  if (to_fields(v, f) && exp_fields(f, 113, y)) return float128(float128_from_fields(y));
  return float128(expq(v));
}

// exp(x) correctly rounded to nearest for regular |x| < 2^20; Boost's exp elsewhere.
template <unsigned D> bmp::number<bmp::cpp_bin_float<D>, bmp::et_off> correctly_rounded_exp(
    const bmp::number<bmp::cpp_bin_float<D>, bmp::et_off>& x) {
  using namespace correctly_rounded_exp_detail;
  using Backend = bmp::cpp_bin_float<D>;
  using Number = bmp::number<Backend, bmp::et_off>;
  constexpr unsigned p = Backend::bit_count, L = bin_float_limbs<D>, shift = bin_float_shift<D>;
  static_assert(sizeof(*x.backend().bits().limbs()) == sizeof(limb), "64-bit cpp_int limbs");
  const Backend& b = x.backend();
  // Zero, and |x| < 2^-(p+2), whose exp rounds to 1 (also keeps MPFR's exponent range).
  if (b.exponent() == Backend::exponent_zero || b.exponent() <= -static_cast<int>(p) - 3) return Number(1);
  if (b.exponent() == Backend::exponent_infinity || b.exponent() == Backend::exponent_nan || b.exponent() >= 20) {
    using std::exp;
    return exp(x);
  }
  limb xs[L] = {}, ys[L];
  const auto* bits = b.bits().limbs();  // unsigned long long: 64 bits, as limb
  for (unsigned i = 0; i < b.bits().size() && i < L; ++i) {
    xs[i] |= bits[i] << shift;
    if (shift != 0 && i + 1 < L) xs[i + 1] |= bits[i] >> (64 - shift);
  }
  mpfr_t xv, yv;
  mpfr_custom_init_set(xv, b.sign() ? -MPFR_REGULAR_KIND : MPFR_REGULAR_KIND, static_cast<mpfr_exp_t>(b.exponent()) + 1, p, xs);
  mpfr_custom_init_set(yv, MPFR_ZERO_KIND, 0, p, ys);
  mpfr_exp_tabulated(yv, xv, MPFR_RNDN);
  Number y;
  Backend& r = y.backend();
  r.bits().resize(L, L);
  auto* out = r.bits().limbs();
  for (unsigned i = 0; i < L; ++i) out[i] = (ys[i] >> shift) | (shift != 0 && i + 1 < L ? ys[i + 1] << (64 - shift) : 0);
  r.bits().normalize();
  r.exponent() = static_cast<typename Backend::exponent_type>(mpfr_get_exp(yv) - 1);
  r.sign() = false;
  return y;
}

}  // namespace otv
