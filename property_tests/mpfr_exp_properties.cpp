// The tabulated exp (src/otv/mpfr_exp.hpp) as a property: for every argument,
// precision and rounding mode it gives mpfr_exp's value, bit for bit; and the exp
// of float128 built on it (src/otv/correctly_rounded_exp.hpp) is the correctly rounded one.
#define MPFR_WANT_FLOAT128
#define _Float128 __float128  // g++ 12 has no _Float128 in C++: the same binary128 type
#include <mpfr.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "otv/mpfr_exp.hpp"
#include "otv/correctly_rounded_exp.hpp"
#include "property_helpers.hpp"

namespace {

// An argument +-m 2^e: its precision, exponent e, sign and significand limbs
// (shrinking moves towards 2 bits, e = 0 and zero limbs); the result's precision
// and the rounding mode.
struct ExpCase {
  int precision, argument_precision, exponent;
  bool negative;
  std::vector<std::uint64_t> limbs;
  int rounding;
};
void showValue(const ExpCase& c, std::ostream& os) {
  os << "precision " << c.precision << ", argument: precision " << c.argument_precision << ", exponent "
     << c.exponent << (c.negative ? ", negative" : ", positive") << ", limbs";
  for (auto l : c.limbs) os << " " << l;
  os << ", rounding " << mpfr_print_rnd_mode(static_cast<mpfr_rnd_t>(c.rounding));
}

rc::Gen<int> gen_precision() { return rc::gen::inRange(2, 601); }
rc::Gen<int> gen_exponent() { return rc::gen::inRange(-100, 23); }  // 2^22: beyond the tables' range
rc::Gen<int> gen_rounding() { return rc::gen::element(int(MPFR_RNDN), int(MPFR_RNDD), int(MPFR_RNDU), int(MPFR_RNDZ)); }

rc::Gen<ExpCase> gen_exp_case() {
  return rc::gen::mapcat(rc::gen::pair(gen_precision(), gen_precision()), [](std::pair<int, int> p) {
    const int limbs = (p.second + 63) / 64;
    return rc::gen::build<ExpCase>(rc::gen::set(&ExpCase::precision, rc::gen::just(p.first)),
                                   rc::gen::set(&ExpCase::argument_precision, rc::gen::just(p.second)),
                                   rc::gen::set(&ExpCase::exponent, gen_exponent()),
                                   rc::gen::set(&ExpCase::negative, rc::gen::arbitrary<bool>()),
                                   rc::gen::set(&ExpCase::limbs, rc::gen::container<std::vector<std::uint64_t>>(
                                                                     limbs, rc::gen::arbitrary<std::uint64_t>())),
                                   rc::gen::set(&ExpCase::rounding, gen_rounding()));
  });
}

// x = +-(0.limbs) 2^exponent at its precision (zero when every limb is).
void set_argument(mpfr_ptr x, const ExpCase& c) {
  mpfr_set_ui(x, 0, MPFR_RNDN);
  for (auto l : c.limbs) {
    mpfr_mul_2ui(x, x, 64, MPFR_RNDN);
    mpfr_add_ui(x, x, l, MPFR_RNDN);
  }
  if (mpfr_zero_p(x)) return;
  mpfr_set_exp(x, c.exponent);
  if (c.negative) mpfr_neg(x, x, MPFR_RNDN);
}

}  // namespace

TEST_CASE("exp by tables is mpfr_exp", "[property][exp]") {
  otv::test::require_property("exp by tables is mpfr_exp", 20000, [] {
    const ExpCase c = *gen_exp_case();
    mpfr_t x, want, got;
    mpfr_init2(x, c.argument_precision);
    mpfr_init2(want, c.precision);
    mpfr_init2(got, c.precision);
    set_argument(x, c);
    const auto rnd = static_cast<mpfr_rnd_t>(c.rounding);
    mpfr_exp(want, x, rnd);
    otv::mpfr_exp_tabulated(got, x, rnd);
    const bool same = mpfr_equal_p(want, got) != 0;
    mpfr_clear(x);
    mpfr_clear(want);
    mpfr_clear(got);
    RC_ASSERT(same);
  });
}

namespace {

// A float128 from its fields: sign, biased exponent (shrinking towards 16383, x near
// +-1; up to 2^15, beyond the range where exp is normal) and 112 fraction bits.
struct Binary128 {
  bool negative;
  unsigned biased_exponent;
  std::uint64_t high_fraction, low_fraction;
};
void showValue(const Binary128& b, std::ostream& os) {
  os << (b.negative ? "-" : "+") << "1.f 2^(" << b.biased_exponent << " - 16383), fraction " << b.high_fraction << " "
     << b.low_fraction;
}
rc::Gen<Binary128> gen_binary128() {
  return rc::gen::build<Binary128>(
      rc::gen::set(&Binary128::negative, rc::gen::arbitrary<bool>()),
      rc::gen::set(&Binary128::biased_exponent, rc::gen::map(rc::gen::inRange(-120, 16), [](int e) { return unsigned(16383 + e); })),
      rc::gen::set(&Binary128::high_fraction, rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 48)),
      rc::gen::set(&Binary128::low_fraction, rc::gen::arbitrary<std::uint64_t>()));
}
__float128 to_float128(const Binary128& b) {
  const std::uint64_t w[2] = {b.low_fraction,
                              (b.negative ? std::uint64_t{1} << 63 : 0) | (std::uint64_t{b.biased_exponent} << 48) | b.high_fraction};
  __float128 x;
  std::memcpy(&x, w, sizeof x);
  return x;
}

}  // namespace

TEST_CASE("float128's exp is the correctly rounded exp wherever exp is normal", "[property][exp]") {
  otv::test::require_property("float128's exp is the correctly rounded exp wherever exp is normal", 20000, [] {
    const __float128 x = to_float128(*gen_binary128());
    mpfr_t m;
    mpfr_init2(m, 113);
    mpfr_set_float128(m, x, MPFR_RNDN);
    const bool normal = mpfr_cmp_si(m, -11355) > 0 && mpfr_cmp_si(m, 11356) < 0;
    mpfr_exp(m, m, MPFR_RNDN);
    const __float128 want = normal ? mpfr_get_float128(m, MPFR_RNDN) : expq(x);
    mpfr_clear(m);
    const __float128 got = otv::correctly_rounded_exp(otv::float128(x)).backend().value();
    RC_ASSERT(std::memcmp(&want, &got, sizeof want) == 0);
  });
}
