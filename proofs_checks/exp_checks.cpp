// The two exp choices of the softmax (src/otv/block_exp.hpp): SLEEF's cinz kernels
// give the same bits on every instruction set the CPU has; libm and SLEEF each
// stay within the 1-ulp bound the error model uses (docs/error-model.md); the
// vector path raises overflow and underflow exactly where libm does.
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <vector>

#include "otv/block_exp.hpp"

namespace {

using otv::Isa;

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::baseline, Isa::avx2, Isa::avx512})
    if (otv::isa_supported(isa)) out.push_back(isa);
  return out;
}

// Arguments over exp's whole finite range, dense near 0 (where the softmax's
// row maximum puts most of them) and across the underflow and overflow limits.
template <class Real> std::vector<Real> exp_arguments(std::size_t count, unsigned seed) {
  using L = std::numeric_limits<Real>;
  const Real lo = std::log(L::denorm_min()) - 2, hi = std::log(L::max()) + 2;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<Real> wide(lo, hi), unit(-1, 1);
  std::uniform_int_distribution<int> scale(-60, 2);
  std::vector<Real> x(count);
  for (std::size_t i = 0; i < count; ++i) x[i] = i % 2 ? wide(rng) : std::ldexp(unit(rng), scale(rng));
  return x;
}

// |computed - exp(x)| in ulps of the exact result (its binade's spacing, with
// the subnormal spacing below the smallest normal), exp(x) from MPFR at 256 bits.
template <class Real> double ulp_error(Real x, Real computed) {
  mpfr_t e, d;
  mpfr_init2(e, 256);
  mpfr_init2(d, 256);
  if constexpr (std::is_same_v<Real, float>) mpfr_set_flt(e, x, MPFR_RNDN);
  else mpfr_set_d(e, x, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);
  using L = std::numeric_limits<Real>;
  double err;
  if (mpfr_cmp_d(e, static_cast<double>(L::max())) > 0) {
    err = std::isinf(computed) ? 0 : std::numeric_limits<double>::infinity();  // overflow: Inf is the rounded result
  } else {
    const long exponent = std::max<long>(mpfr_get_exp(e), L::min_exponent);  // e in [2^(E-1), 2^E)
    if constexpr (std::is_same_v<Real, float>) mpfr_set_flt(d, computed, MPFR_RNDN);
    else mpfr_set_d(d, computed, MPFR_RNDN);
    mpfr_sub(d, d, e, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_mul_2si(d, d, L::digits - exponent, MPFR_RNDN);  // in units of 2^(E - p)
    err = mpfr_get_d(d, MPFR_RNDU);
  }
  mpfr_clear(e);
  mpfr_clear(d);
  return err;
}

}  // namespace

TEMPLATE_TEST_CASE("SLEEF's cinz exp gives the same bits on every instruction set the CPU has", "[exp]", float, double) {
  const std::vector<TestType> x = exp_arguments<TestType>(1 << 20, 7);
  std::vector<TestType> scalar(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) scalar[i] = otv::block_exp_detail::sleef_exp(x[i]);
  for (Isa isa : supported_isas()) {
    std::vector<TestType> v = x;
    // Odd block lengths, so every kernel also runs its scalar tail.
    for (std::size_t b = 0; b < v.size(); b += 37) otv::vector_exp_in_place(v.data() + b, std::min<std::ptrdiff_t>(37, v.size() - b), isa);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < x.size(); ++i) differ += std::memcmp(&v[i], &scalar[i], sizeof(TestType)) != 0;
    std::cout << "exp " << (sizeof(TestType) == 4 ? "float" : "double") << " on " << otv::isa_name(isa) << ": " << differ
              << " of " << x.size() << " results differ from the scalar cinz exp\n";
    CAPTURE(otv::isa_name(isa));
    CHECK(differ == 0);
  }
}

TEMPLATE_TEST_CASE("libm and vector exp stay within the error model's bound on every path", "[exp]", float, double) {
  const std::vector<TestType> x = exp_arguments<TestType>(1 << 15, 11);
  const double bound = otv::NativeBlockExp<TestType>::error_ulps();
  double worst_libm = 0;
  for (TestType a : x) worst_libm = std::max(worst_libm, ulp_error(a, std::exp(a)));
  std::cout << "exp " << (sizeof(TestType) == 4 ? "float" : "double") << " max error: libm " << worst_libm << " ulp";
  CHECK(worst_libm <= bound);
  for (Isa isa : supported_isas()) {
    std::vector<TestType> v = x;
    otv::vector_exp_in_place(v.data(), static_cast<std::ptrdiff_t>(v.size()), isa);
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, ulp_error(x[i], v[i]));
    std::cout << ", vector on " << otv::isa_name(isa) << " " << worst << " ulp";
    CAPTURE(otv::isa_name(isa));
    CHECK(worst <= bound);
  }
  std::cout << " (bound " << bound << ")\n";
  // The policy follows the choice.
  {
    const otv::ExpMethodScope libm(otv::ExpMethod::libm);
    for (TestType a : {TestType(-0.3), TestType(2.5)}) CHECK(otv::BlockExp<TestType>::exp(a) == std::exp(a));
  }
  const otv::ExpMethodScope vector(otv::ExpMethod::vector);
  for (TestType a : {TestType(-0.3), TestType(2.5)}) CHECK(otv::BlockExp<TestType>::exp(a) == otv::block_exp_detail::sleef_exp(a));
}

TEMPLATE_TEST_CASE("the vector exp raises overflow and underflow exactly where libm does", "[exp]", float, double) {
  using L = std::numeric_limits<TestType>;
  const TestType big = std::log(L::max()), small = std::log(L::min());
  const TestType args[] = {0, TestType(1e-30), -TestType(1e-30), TestType(1e-40), 1, -1, big * TestType(0.999), big * TestType(1.001),
                           4 * big, small * TestType(0.999), small * TestType(1.001), 2 * small, 4 * small,
                           L::infinity(), -L::infinity(), L::quiet_NaN()};
  for (Isa isa : supported_isas())
    for (TestType a : args) {
      std::feclearexcept(FE_ALL_EXCEPT);
      volatile TestType r = std::exp(a);
      (void)r;
      const int libm = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
      std::vector<TestType> v(19, a);  // full vectors and a scalar tail
      std::feclearexcept(FE_ALL_EXCEPT);
      otv::vector_exp_in_place(v.data(), static_cast<std::ptrdiff_t>(v.size()), isa);
      const int vec = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
      CAPTURE(otv::isa_name(isa), a);
      CHECK((vec & FE_OVERFLOW) == (libm & FE_OVERFLOW));
      CHECK((vec & FE_UNDERFLOW) == (libm & FE_UNDERFLOW));
    }
  // Flags raised before the block survive it.
  std::feclearexcept(FE_ALL_EXCEPT);
  std::feraiseexcept(FE_UNDERFLOW);
  std::vector<TestType> v(19, TestType(0.5));
  otv::vector_exp_in_place(v.data(), static_cast<std::ptrdiff_t>(v.size()), otv::active_isa());
  CHECK(std::fetestexcept(FE_UNDERFLOW) != 0);
}

TEST_CASE("OTV_ISA names the kernels' instruction set, an unknown or missing one is refused", "[exp][isa]") {
  CHECK(otv::isa_supported(Isa::baseline));
  CHECK(otv::isa_supported(otv::active_isa()));
  const char* old = std::getenv("OTV_ISA");
  const std::string saved = old ? old : "";
  ::setenv("OTV_ISA", "baseline", 1);
  CHECK(otv::isa_from_environment() == Isa::baseline);
  ::setenv("OTV_ISA", "sse9", 1);
  CHECK_THROWS_AS(otv::isa_from_environment(), otv::InputError);
  if (!otv::isa_supported(Isa::avx512)) {
    ::setenv("OTV_ISA", "avx512", 1);
    CHECK_THROWS_AS(otv::isa_from_environment(), otv::InputError);
  }
  if (old) ::setenv("OTV_ISA", saved.c_str(), 1);
  else ::unsetenv("OTV_ISA");
}
