#pragma once
// exp for MPFR numbers with mpfr_exp's result, bit for bit, 3-4x faster at the
// softmax's precisions (eq. 5): a fixed-point approximation, Ziv's rounding test,
// and mpfr_exp itself whenever the test cannot decide.
//
// exp(x) = 2^k exp(r) with x = k ln 2 + r, 0 <= r < ln 2; r's first 32 fraction
// bits, 8 at a time, index four tables of exp(j / 2^8), exp(j / 2^16), exp(j / 2^24),
// exp(j / 2^32), and exp of the rest t < 2^-32 is a Taylor polynomial; all in fixed
// point with F = 64 (N - 1) fraction bits (N limbs, the top one the integer part).
// The fixed-point result Y (near [1, 2)) is within 16 units of 2^-F of exp(r)
// (docs/error-model.md, "The tabulated exp of mpfr and mpfi"); the rounding test
// is told 64. For x != 0, exp(x) is transcendental (Lindemann), never a p-bit
// number nor a midpoint, so when mpfr_can_round says Y 2^k rounds like exp(x),
// mpfr_set gives exactly mpfr_exp's result, in every rounding mode (MPFI's
// endpoints use RNDD and RNDU). Singular x, |x| >= 2^20 and precisions above 465
// bits go to mpfr_exp directly.
#include <gmp.h>
#include <mpfr.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace otv {

namespace mpfr_exp_detail {

using limb = std::uint64_t;
static_assert(GMP_NUMB_BITS == 64 && sizeof(mp_limb_t) == sizeof(limb), "64-bit GMP limbs");

// Fixed-point significands of N limbs: precision p uses N = 1 + ceil((p + 47) / 64)
// (2 .. 9 limbs, p <= 465), so the test has at least 41 bits beyond p + 1 (a
// fallback about once in 2^40).
// Table levels of 8 bits each: exp(t) is then needed for t < 2^-32 only.
inline constexpr int kLevels = 4;
static_assert(kLevels * 8 <= 64, "the table indices come from r's first fraction limb");
inline int limbs_for_precision(mpfr_prec_t p) { return 1 + static_cast<int>((p + 47 + 63) / 64); }

// a * b / 2^F, truncated: the full 2N-limb product's limbs N-1 .. 2N-2 (values < 2^64).
template <int N> inline void multiply(const limb* a, const limb* b, limb* out) {
  mp_limb_t prod[2 * N];
  mpn_mul_n(prod, reinterpret_cast<const mp_limb_t*>(a), reinterpret_cast<const mp_limb_t*>(b), N);
  for (int i = 0; i < N; ++i) out[i] = prod[N - 1 + i];
}

template <int N> inline void add_in_place(limb* a, const limb* b) {
  unsigned char c = 0;
  for (int i = 0; i < N; ++i) {
    const unsigned __int128 t = static_cast<unsigned __int128>(a[i]) + b[i] + c;
    a[i] = static_cast<limb>(t);
    c = static_cast<unsigned char>(t >> 64);
  }
}

// a - b for a >= b, M limbs.
template <int M> inline void subtract(const limb* a, const limb* b, limb* out) {
  limb borrow = 0;
  for (int i = 0; i < M; ++i) {
    const limb d = a[i] - b[i];
    const limb nb = (a[i] < b[i]) | (d < borrow);
    out[i] = d - borrow;
    borrow = nb;
  }
}

template <int M> inline bool less(const limb* a, const limb* b) {
  for (int i = M - 1; i >= 0; --i)
    if (a[i] != b[i]) return a[i] < b[i];
  return false;
}

// k * a, M limbs (the product fits).
template <int M> inline void multiply_small(const limb* a, limb k, limb* out) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < M; ++i) {
    const unsigned __int128 t = static_cast<unsigned __int128>(a[i]) * k + carry;
    out[i] = static_cast<limb>(t);
    carry = t >> 64;
  }
}

// RN(v * 2^bits) as an M-limb integer, v > 0 (table construction only).
inline void fixed_from_mpfr(mpfr_srcptr v, long bits, limb* out, int m) {
  mpfr_t s;
  mpfr_init2(s, mpfr_get_prec(v));
  mpfr_mul_2si(s, v, bits, MPFR_RNDN);
  mpfr_rint(s, s, MPFR_RNDN);
  mpz_t z;
  mpz_init(z);
  mpfr_get_z(z, s, MPFR_RNDN);
  for (int i = 0; i < m; ++i) out[i] = 0;
  size_t count = 0;
  mpz_export(out, &count, -1, sizeof(limb), 0, 0, z);
  mpz_clear(z);
  mpfr_clear(s);
}

template <int N> struct Tables {
  static constexpr long F = 64L * (N - 1);  // fraction bits
  // level[l][j] = exp(j / 2^(8 (l + 1))): r's fraction bits 8l+1 .. 8l+8 index level l.
  std::array<std::array<std::array<limb, N>, 256>, kLevels> level{};
  std::vector<std::array<limb, N>> taylor;  // 1 / i!, i = 0 .. degree
  std::array<limb, N + 1> ln2{};            // ln 2 with F + 64 fraction bits

  Tables() {
    const mpfr_prec_t work = F + 192;
    mpfr_t v;
    mpfr_init2(v, work);
    for (int l = 0; l < kLevels; ++l)
      for (int j = 0; j < 256; ++j) {
        mpfr_set_ui(v, static_cast<unsigned long>(j), MPFR_RNDN);
        mpfr_div_2ui(v, v, 8 * (l + 1), MPFR_RNDN);
        mpfr_exp(v, v, MPFR_RNDN);
        fixed_from_mpfr(v, F, level[l][j].data(), N);
      }
    // Degree m: the remainder sum_{i > m} t^i / i! < 2 t^(m+1) / (m+1)! <= 2^-F for t < 2^-(8 kLevels).
    int m = 1;
    while (8.0 * kLevels * (m + 1) + std::lgamma(m + 2.0) / std::log(2.0) < F + 1) ++m;
    mpfr_set_ui(v, 1, MPFR_RNDN);
    for (int i = 0; i <= m; ++i) {
      if (i > 1) mpfr_div_ui(v, v, static_cast<unsigned long>(i), MPFR_RNDN);
      taylor.emplace_back();
      fixed_from_mpfr(v, F, taylor.back().data(), N);
    }
    mpfr_const_log2(v, MPFR_RNDN);
    fixed_from_mpfr(v, F + 64, ln2.data(), N + 1);
    mpfr_clear(v);
  }
};

template <int N> const Tables<N>& tables() {
  static const Tables<N> t;
  return t;
}

// floor(|x| * 2^(F + 64)) in N + 1 limbs; |x| < 2^20, x regular.
template <int N> inline void magnitude_fixed(mpfr_srcptr x, limb* out) {
  for (int i = 0; i <= N; ++i) out[i] = 0;
  const long nx = static_cast<long>((mpfr_get_prec(x) + 63) / 64);
  const limb* mant = static_cast<const limb*>(mpfr_custom_get_significand(x));
  // bit b of the significand (as an integer) lands on bit b + shift of out.
  const long shift = static_cast<long>(mpfr_get_exp(x)) - 64 * nx + 64L * N;
  for (long i = 0; i < nx; ++i) {
    const long pos = 64 * i + shift;
    if (pos <= -64) continue;
    if (pos < 0) {
      out[0] |= mant[i] >> (-pos);
      continue;
    }
    const long o = pos / 64, sh = pos % 64;
    if (o <= N) out[o] |= mant[i] << sh;
    if (sh != 0 && o + 1 <= N) out[o + 1] |= mant[i] >> (64 - sh);
  }
}

// exp(x) = Y 2^k in fixed point: y = Y 2^F in N limbs, Y near [1, 2) and within
// 16 units of 2^-F of exp(x - k ln 2) (the model; proofs_checks/exp_checks.cpp
// measures it).
template <int N> struct FixedExp {
  limb y[N];
  long k;
};

// x regular, |x| < 2^20; false if the reduction does not settle (never expected).
template <int N> bool fixed_exp(mpfr_srcptr x, FixedExp<N>& out) {
  const Tables<N>& tab = tables<N>();
  limb X[N + 1], B[N + 1], R[N + 1];
  magnitude_fixed<N>(x, X);
  const bool negative = mpfr_sgn(x) < 0;
  // x = k ln 2 + r with 0 <= r < ln 2: k from a double estimate, corrected by one.
  const double estimate = std::fabs(mpfr_get_d(x, MPFR_RNDN)) / 0.69314718055994530942;
  long kk = negative ? static_cast<long>(std::ceil(estimate)) : static_cast<long>(std::floor(estimate));
  // positive x: r = |x| - kk ln 2; negative: r = kk ln 2 - |x| (k = -kk).
  for (int pass = 0;; ++pass) {
    if (pass == 3) return false;
    multiply_small<N + 1>(tab.ln2.data(), static_cast<limb>(kk), B);
    const limb* hi = negative ? B : X;
    const limb* lo = negative ? X : B;
    if (less<N + 1>(hi, lo)) {
      kk += negative ? 1 : -1;
      continue;
    }
    subtract<N + 1>(hi, lo, R);
    if (!less<N + 1>(R, tab.ln2.data())) {
      kk += negative ? -1 : 1;
      continue;
    }
    break;
  }
  out.k = negative ? -kk : kk;
  // R / 2^64: r with F fraction bits (truncated); its first 32 fraction bits index the tables.
  limb t[N];
  for (int i = 0; i < N; ++i) t[i] = R[i + 1];
  int index[kLevels];
  for (int l = 0; l < kLevels; ++l) index[l] = static_cast<int>((t[N - 2] >> (56 - 8 * l)) & 0xff);
  t[N - 2] &= (limb(1) << (64 - 8 * kLevels)) - 1;
  // exp(t) by Horner: s = c_m; s = s t + c_i.
  const int m = static_cast<int>(tab.taylor.size()) - 1;
  limb s[N], p[N];
  for (int i = 0; i < N; ++i) s[i] = tab.taylor[m][i];
  for (int i = m - 1; i >= 0; --i) {
    multiply<N>(s, t, p);
    add_in_place<N>(p, tab.taylor[i].data());
    for (int l = 0; l < N; ++l) s[l] = p[l];
  }
  for (int l = 0; l < kLevels; ++l) {
    multiply<N>(s, tab.level[l][index[l]].data(), p);
    for (int i = 0; i < N; ++i) s[i] = p[i];
  }
  for (int i = 0; i < N; ++i) out.y[i] = s[i];
  return true;
}

// y = RN/RD/RU/RZ(Y 2^k) when the rounding test proves it is the rounding of
// exp(x); false otherwise (y untouched).
template <int N> bool round_fixed_exp(const FixedExp<N>& e, mpfr_ptr y, mpfr_rnd_t rnd) {
  constexpr long F = Tables<N>::F;
  const limb* q = e.y;
  int top = N - 1;
  while (top >= 0 && q[top] == 0) --top;
  if (top < 0) return false;
  const int lead = 63 - __builtin_clzll(q[top]);  // highest set bit of q[top]
  const long msb = 64L * top + lead;               // Y's leading bit is 2^(msb - F)
  const int sh = 63 - lead;
  limb sig[N] = {};
  for (int i = 0; i <= top; ++i) {
    const int dst = i + (N - 1 - top);
    sig[dst] |= q[i] << sh;
    if (sh != 0 && dst + 1 < N) sig[dst + 1] |= q[i] >> (64 - sh);
  }
  mpfr_t b;
  const mpfr_exp_t eb = static_cast<mpfr_exp_t>(msb + 1 - F + e.k);
  mpfr_custom_init_set(b, MPFR_REGULAR_KIND, eb, 64 * N, sig);
  // |b - exp(x)| < 2^(6 - F + k) = 2^(EXP(b) - err) with err = msb - 5.
  const mpfr_exp_t err = static_cast<mpfr_exp_t>(msb - 5);
  if (!mpfr_can_round(b, err, MPFR_RNDN, MPFR_RNDZ, mpfr_get_prec(y) + (rnd == MPFR_RNDN))) return false;
  mpfr_set(y, b, rnd);
  return true;
}

template <int N> bool exp_fixed(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t rnd) {
  FixedExp<N> e;
  return fixed_exp<N>(x, e) && round_fixed_exp<N>(e, y, rnd);
}

// The fixed-point path alone: y = exp(x) rounded in direction rnd, or false (y
// untouched) when x is singular or too large, y's precision is out of reach, or
// the rounding test cannot decide. x = 0 gives 1 exactly.
inline bool exp_by_tables(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t rnd) {
  if (mpfr_zero_p(x)) {
    mpfr_set_ui(y, 1, rnd);
    return true;
  }
  if (!mpfr_regular_p(x) || mpfr_get_exp(x) > 20) return false;
  switch (limbs_for_precision(mpfr_get_prec(y))) {
    case 2: return exp_fixed<2>(y, x, rnd);
    case 3: return exp_fixed<3>(y, x, rnd);
    case 4: return exp_fixed<4>(y, x, rnd);
    case 5: return exp_fixed<5>(y, x, rnd);
    case 6: return exp_fixed<6>(y, x, rnd);
    case 7: return exp_fixed<7>(y, x, rnd);
    case 8: return exp_fixed<8>(y, x, rnd);
    case 9: return exp_fixed<9>(y, x, rnd);
    default: return false;
  }
}

}  // namespace mpfr_exp_detail

// y = exp(x) rounded in direction rnd to y's precision: mpfr_exp's value. y may be x.
inline void mpfr_exp_tabulated(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t rnd) {
  if (!mpfr_exp_detail::exp_by_tables(y, x, rnd)) mpfr_exp(y, x, rnd);
}

}  // namespace otv
