#pragma once
// exp over a block of softmax arguments (eq. 5), as a policy per scalar type.
//
// float and double choose between the C library's scalar exp ("libm") and SLEEF's
// vectorised 1.0-ulp exp ("vector", the default). The vector path uses SLEEF's
// Sleef_cinz_* functions (no FMA), which return the same bits on every instruction
// set (proofs_checks/exp_checks.cpp verifies it on each path the CPU has), so a
// run gives the same result with AVX-512, AVX2 or SSE2; elements left over after
// the last full vector go through the scalar cinz function, again the same bits.
// MPFR and MPFI get mpfr_exp's bits from a faster tabulated exp (mpfr_exp.hpp),
// long double, float128 and cpp_bin_float the correctly rounded exp from the same
// tables (correctly_rounded_exp.hpp).
//
// The choice is process-wide (like Boost's default precision): the CLI sets it
// once from --exp; ExpMethodScope sets it for a scope in tests.
#include <immintrin.h>
#include <sleef.h>

#include <atomic>
#include <cfenv>
#include <cmath>
#include <cstddef>
#include <limits>

#include "otv/correctly_rounded_exp.hpp"
#include "otv/error.hpp"
#include "otv/isa.hpp"
#include "otv/mpfr_exp.hpp"
#include "otv/scalar_ops.hpp"

// sleef.h declares the 256- and 512-bit functions only when the translation unit
// is compiled for AVX / AVX-512F; the kernels below are compiled for those ISAs
// per function (target attribute), so they declare what they call.
extern "C" {
__m256d Sleef_cinz_expd4_u10avx(__m256d) __attribute__((const));
__m256 Sleef_cinz_expf8_u10avx(__m256) __attribute__((const));
__m512d Sleef_cinz_expd8_u10avx512fnofma(__m512d) __attribute__((const));
__m512 Sleef_cinz_expf16_u10avx512fnofma(__m512) __attribute__((const));
}

namespace otv {

enum class ExpMethod { libm, vector };

inline const char* exp_method_name(ExpMethod m) { return m == ExpMethod::libm ? "libm" : "vector"; }
inline ExpMethod parse_exp_method(const std::string& s) {
  if (s == "libm") return ExpMethod::libm;
  if (s == "vector") return ExpMethod::vector;
  throw InputError("unknown exp '" + s + "' (expected libm or vector)");
}

namespace block_exp_detail {
inline std::atomic<ExpMethod> method{ExpMethod::vector};
}  // namespace block_exp_detail

inline ExpMethod exp_method() { return block_exp_detail::method.load(std::memory_order_relaxed); }
inline void set_exp_method(ExpMethod m) { block_exp_detail::method.store(m, std::memory_order_relaxed); }

class ExpMethodScope {
 public:
  explicit ExpMethodScope(ExpMethod m) : old_(exp_method()) { set_exp_method(m); }
  ~ExpMethodScope() { set_exp_method(old_); }
  ExpMethodScope(const ExpMethodScope&) = delete;
  ExpMethodScope& operator=(const ExpMethodScope&) = delete;

 private:
  ExpMethod old_;
};

namespace block_exp_detail {

// SLEEF's kernels select Inf above ln(max) without raising FE_OVERFLOW, and raise
// FE_UNDERFLOW for tiny arguments (e.g. exp(1e-300) = 1), where polynomial terms
// underflow. The breakdown's verdicts read these flags, so the block exp
// restores the IEEE meaning: overflow iff a finite argument gave Inf, underflow
// iff an argument other than -Inf gave a result below the smallest normal.
template <class Real, class Kernel> void exp_with_ieee_flags(Real* x, std::ptrdiff_t n, const Kernel& kernel) {
  constexpr Real inf = std::numeric_limits<Real>::infinity();
  std::ptrdiff_t plus_inf = 0, minus_inf = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    plus_inf += x[i] == inf;
    minus_inf += x[i] == -inf;
  }
  const int before = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
  kernel(x, n);
  std::ptrdiff_t infinite = 0, tiny = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    infinite += x[i] == inf;
    tiny += x[i] < std::numeric_limits<Real>::min();
  }
  const int wanted = before | (infinite > plus_inf ? FE_OVERFLOW : 0) | (tiny > minus_inf ? FE_UNDERFLOW : 0);
  // feclearexcept is slow (15 % of a double layer when called per block): only
  // when SLEEF's flags differ from the IEEE ones.
  if (std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW) == wanted) return;
  std::feclearexcept(FE_OVERFLOW | FE_UNDERFLOW);
  if (wanted) std::feraiseexcept(wanted | FE_INEXACT);
}

inline double sleef_exp(double x) { return Sleef_cinz_expd1_u10purec(x); }
inline float sleef_exp(float x) { return Sleef_cinz_expf1_u10purec(x); }

template <class Real> inline void scalar_tail(Real* x, std::ptrdiff_t begin, std::ptrdiff_t n) {
  for (std::ptrdiff_t i = begin; i < n; ++i) x[i] = sleef_exp(x[i]);
}

// One kernel per ISA and type (exp_checks.cpp runs each through vector_exp_in_place).
inline void exp_baseline(double* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, Sleef_cinz_expd2_u10sse2(_mm_loadu_pd(x + i)));
  scalar_tail(x, i, n);
}
inline void exp_baseline(float* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(x + i, Sleef_cinz_expf4_u10sse2(_mm_loadu_ps(x + i)));
  scalar_tail(x, i, n);
}
// AVX2 machines get SLEEF's AVX kernel: its AVX2 kernels use FMA and differ in bits.
[[gnu::target("avx")]] inline void exp_avx2(double* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(x + i, Sleef_cinz_expd4_u10avx(_mm256_loadu_pd(x + i)));
  scalar_tail(x, i, n);
}
[[gnu::target("avx")]] inline void exp_avx2(float* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, Sleef_cinz_expf8_u10avx(_mm256_loadu_ps(x + i)));
  scalar_tail(x, i, n);
}
[[gnu::target("avx512f")]] inline void exp_avx512(double* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(x + i, Sleef_cinz_expd8_u10avx512fnofma(_mm512_loadu_pd(x + i)));
  scalar_tail(x, i, n);
}
[[gnu::target("avx512f")]] inline void exp_avx512(float* x, std::ptrdiff_t n) {
  std::ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, Sleef_cinz_expf16_u10avx512fnofma(_mm512_loadu_ps(x + i)));
  scalar_tail(x, i, n);
}

}  // namespace block_exp_detail

// x[i] = exp(x[i]) for i < n with SLEEF on the given ISA (which the CPU must have).
template <class Real> void vector_exp_in_place(Real* x, std::ptrdiff_t n, Isa isa) {
  using namespace block_exp_detail;
  switch (isa) {
    case Isa::avx512: return exp_with_ieee_flags(x, n, [](Real* p, std::ptrdiff_t m) { exp_avx512(p, m); });
    case Isa::avx2: return exp_with_ieee_flags(x, n, [](Real* p, std::ptrdiff_t m) { exp_avx2(p, m); });
    case Isa::baseline: break;
  }
  exp_with_ieee_flags(x, n, [](Real* p, std::ptrdiff_t m) { exp_baseline(p, m); });
}

// The policy. Primary template: exp correctly rounded to nearest (long double,
// float128, cpp_bin_float: correctly_rounded_exp.hpp), element by element; a
// subnormal or infinite long double or float128 result is outside every model (E5).
template <class Real> struct BlockExp {
  // Bound on |exp computed - exp exact| in ulps of the result, for the current choice.
  static double error_ulps() { return 0.5; }
  static Real exp(const Real& x) { return correctly_rounded_exp(x); }
  // a[i] = exp(a[i] - shift[i]) for i < n.
  static void exp_of_differences(Real* a, const Real* shift, std::ptrdiff_t n) {
    for (std::ptrdiff_t i = 0; i < n; ++i) a[i] = correctly_rounded_exp(Real(a[i] - shift[i]));
  }
};

// float and double: libm or SLEEF. Both are held to 1 ulp: SLEEF documents 1.0 ulp
// for its u10 functions; glibc documents no bound, its table of known maximum
// errors lists 1 ulp for exp (docs/error-model.md; exp_checks.cpp measures both).
template <class Real> struct NativeBlockExp {
  static double error_ulps() { return 1.0; }
  static Real exp(Real x) { return exp_method() == ExpMethod::vector ? block_exp_detail::sleef_exp(x) : std::exp(x); }
  static void exp_of_differences(Real* a, const Real* shift, std::ptrdiff_t n) {
    for (std::ptrdiff_t i = 0; i < n; ++i) a[i] -= shift[i];
    exp_in_place(a, n);
  }
  // a[i] = exp(a[i]) for i < n.
  static void exp_in_place(Real* a, std::ptrdiff_t n) {
    if (exp_method() == ExpMethod::libm) {
      for (std::ptrdiff_t i = 0; i < n; ++i) a[i] = std::exp(a[i]);
      return;
    }
    vector_exp_in_place(a, n, active_isa());
  }
};
template <> struct BlockExp<double> : NativeBlockExp<double> {};
template <> struct BlockExp<float> : NativeBlockExp<float> {};

// mpfr: correctly rounded, mpfr_exp's value (mpfr_exp_tabulated), on existing storage.
template <> struct BlockExp<mpfr_real> {
  static double error_ulps() { return 0.5; }
  static mpfr_real exp(const mpfr_real& x) {
    mpfr_real y;
    mpfr_exp_tabulated(y.backend().data(), x.backend().data(), MPFR_RNDN);
    return y;
  }
  static void exp_of_differences(mpfr_real* a, const mpfr_real* shift, std::ptrdiff_t n) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      mpfr_ptr y = a[i].backend().data();
      mpfr_sub(y, y, shift[i].backend().data(), MPFR_RNDN);
      mpfr_exp_tabulated(y, y, MPFR_RNDN);
    }
  }
};

// mpfi: mpfi_exp's enclosure, [RD exp(lower), RU exp(upper)] (exp is increasing).
template <> struct BlockExp<mpfi_real> {
  static double error_ulps() { return 0.5; }
  static void exp_into(mpfi_ptr y, mpfi_srcptr x) {
    mpfr_exp_tabulated(&y->left, &x->left, MPFR_RNDD);
    mpfr_exp_tabulated(&y->right, &x->right, MPFR_RNDU);
  }
  static mpfi_real exp(const mpfi_real& x) {
    mpfi_real y;
    exp_into(y.backend().data(), x.backend().data());
    return y;
  }
  static void exp_of_differences(mpfi_real* a, const mpfi_real* shift, std::ptrdiff_t n) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      mpfi_ptr y = a[i].backend().data();
      mpfi_sub(y, y, shift[i].backend().data());
      exp_into(y, y);
    }
  }
};

}  // namespace otv
