// The tabulated exp of mpfr and mpfi (src/otv/mpfr_exp.hpp): its fixed-point
// result stays within the written error bound (16 units of 2^-F), it gives
// mpfr_exp's bits in every rounding mode (and mpfi_exp's enclosures), and its
// rounding test decides nearly every argument, so the fast path is the one taken.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "otv/block_exp.hpp"

namespace {

using otv::mpfr_exp_detail::exp_by_tables;
using otv::mpfr_exp_detail::FixedExp;
using otv::mpfr_exp_detail::fixed_exp;
using otv::mpfr_exp_detail::Tables;

const mpfr_rnd_t kRoundings[] = {MPFR_RNDN, MPFR_RNDD, MPFR_RNDU, MPFR_RNDZ};

// Set x (its own precision) to +-m 2^e with m a random significand in [1/2, 1).
void random_argument(mpfr_ptr x, std::mt19937_64& rng, long e_min, long e_max) {
  mpfr_set_ui(x, 0, MPFR_RNDN);
  const long limbs = (mpfr_get_prec(x) + 63) / 64;
  for (long i = 0; i < limbs; ++i) {
    mpfr_mul_2ui(x, x, 64, MPFR_RNDN);
    mpfr_add_ui(x, x, rng(), MPFR_RNDN);  // rounds at x's precision: the low bits it keeps are random
  }
  if (mpfr_zero_p(x)) mpfr_set_ui(x, 1, MPFR_RNDN);
  const long e = std::uniform_int_distribution<long>(e_min, e_max)(rng);
  mpfr_set_exp(x, e);
  if (rng() & 1) mpfr_neg(x, x, MPFR_RNDN);
}

std::string text(mpfr_srcptr v) {
  char* s = nullptr;
  mpfr_asprintf(&s, "%.*Rg", static_cast<int>(mpfr_get_prec(v) * 0.302) + 2, v);
  std::string out = s;
  mpfr_free_str(s);
  return out;
}

// Compare with mpfr_exp at y's precision in rounding rnd: "" or a failure line.
std::string compare_with_mpfr_exp(mpfr_srcptr x, mpfr_prec_t p, mpfr_rnd_t rnd) {
  mpfr_t want, got;
  mpfr_init2(want, p);
  mpfr_init2(got, p);
  mpfr_exp(want, x, rnd);
  otv::mpfr_exp_tabulated(got, x, rnd);
  std::string msg;
  if (!(mpfr_equal_p(want, got) || (mpfr_nan_p(want) && mpfr_nan_p(got))))
    msg = "precision " + std::to_string(p) + ", rounding " + mpfr_print_rnd_mode(rnd) + ", x = " + text(x) +
          ": expected " + text(want) + ", computed " + text(got);
  mpfr_clear(want);
  mpfr_clear(got);
  return msg;
}

// |Y - exp(x - k ln 2)| in units of 2^-F, for N limbs; exact value at F + 128 bits.
template <int N> double fixed_point_error(mpfr_srcptr x) {
  constexpr long F = Tables<N>::F;
  FixedExp<N> e;
  REQUIRE(fixed_exp<N>(x, e));
  mpfr_t exact, y;
  mpfr_init2(exact, F + 128);
  mpfr_init2(y, 64 * N);
  mpfr_exp(exact, x, MPFR_RNDN);
  mpfr_mul_2si(exact, exact, F - e.k, MPFR_RNDN);  // exp(r) 2^F
  mpz_t z;
  mpz_init(z);
  mpz_import(z, N, -1, sizeof(e.y[0]), 0, 0, e.y);
  mpfr_set_z(y, z, MPFR_RNDN);  // exact: 64 N bits
  mpfr_sub(exact, exact, y, MPFR_RNDN);
  const double err = std::abs(mpfr_get_d(exact, MPFR_RNDU));
  mpz_clear(z);
  mpfr_clear(exact);
  mpfr_clear(y);
  return err;
}

template <int N> void check_fixed_point_bound(std::mt19937_64& rng) {
  double worst = 0;
  mpfr_t x;
  mpfr_init2(x, 64 * N + 70);
  for (int i = 0; i < 3000; ++i) {
    random_argument(x, rng, i % 3 == 0 ? -80 : -4, i % 3 == 2 ? 20 : 6);
    worst = std::max(worst, fixed_point_error<N>(x));
  }
  // r just above 0 and just below ln 2: x = j ln 2 (rounded) for small j.
  for (int j = -40; j <= 40; ++j) {
    mpfr_const_log2(x, MPFR_RNDN);
    mpfr_mul_si(x, x, j == 0 ? 1 : j, MPFR_RNDN);
    worst = std::max(worst, fixed_point_error<N>(x));
  }
  mpfr_clear(x);
  std::cout << "tabulated exp, " << N << " limbs (F = " << Tables<N>::F << "): worst fixed-point error " << worst
            << " units of 2^-F (bound 16)\n";
  CAPTURE(N);
  CHECK(worst < 16);
}

}  // namespace

TEST_CASE("the tabulated exp's fixed-point result is within 16 units of 2^-F of exp(r)", "[exp][mpfr]") {
  std::mt19937_64 rng(17);
  check_fixed_point_bound<2>(rng);
  check_fixed_point_bound<3>(rng);
  check_fixed_point_bound<4>(rng);
  check_fixed_point_bound<5>(rng);
  check_fixed_point_bound<7>(rng);
  check_fixed_point_bound<9>(rng);
}

TEST_CASE("the tabulated exp gives mpfr_exp's bits in every rounding mode", "[exp][mpfr]") {
  // The limb-count edges (p = 64 m - 47 and one above), the types' precisions, and past the reach (466+).
  const mpfr_prec_t precisions[] = {2, 17, 18, 53, 81, 82, 113, 128, 145, 146, 161, 168, 209, 210, 256, 273, 320,
                                    337, 401, 465, 466, 600};
  std::mt19937_64 rng(5);
  std::vector<std::string> failures;
  auto check = [&](mpfr_srcptr x, mpfr_prec_t p) {
    for (mpfr_rnd_t rnd : kRoundings) {
      const std::string f = compare_with_mpfr_exp(x, p, rnd);
      if (!f.empty() && failures.size() < 5) failures.push_back(f);
    }
  };
  long cases = 0;
  for (mpfr_prec_t p : precisions) {
    for (mpfr_prec_t px : {mpfr_prec_t(2), p, 4 * p + 3}) {
      mpfr_t x;
      mpfr_init2(x, px);
      for (int i = 0; i < 500; ++i, ++cases) {
        random_argument(x, rng, i % 4 == 0 ? -90 : -3, i % 4 == 1 ? 21 : 7);  // 2^21: beyond the fast path
        check(x, p);
      }
      // Planted: multiples of ln 2 (r at 0 and ln 2), table boundaries j / 2^8 and j / 2^16,
      // the largest fast-path exponent, tiny arguments, zeros, infinities and NaN.
      for (int j = -300; j <= 300; j += 7, ++cases) {
        mpfr_const_log2(x, MPFR_RNDN);
        mpfr_mul_si(x, x, j, MPFR_RNDN);
        check(x, p);
        mpfr_set_si_2exp(x, j, j % 2 ? -8 : -16, MPFR_RNDN);
        check(x, p);
      }
      for (double v : {1048575.75, -1048575.75, 1048576.0, 1e-30, -1e-30, 0.0, -0.0}) {
        mpfr_set_d(x, v, MPFR_RNDN);
        check(x, p);
      }
      mpfr_set_inf(x, 1);
      check(x, p);
      mpfr_set_inf(x, -1);
      check(x, p);
      mpfr_set_nan(x);
      check(x, p);
      mpfr_clear(x);
    }
  }
  std::cout << "tabulated exp: " << cases << " arguments x 4 roundings against mpfr_exp, " << failures.size()
            << " differ\n";
  for (const std::string& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
}

TEST_CASE("the tabulated exp's rounding test decides nearly every softmax argument", "[exp][mpfr]") {
  std::mt19937_64 rng(9);
  for (mpfr_prec_t p : {mpfr_prec_t(53), mpfr_prec_t(128), mpfr_prec_t(168), mpfr_prec_t(320), mpfr_prec_t(465)}) {
    mpfr_t x, y;
    mpfr_init2(x, p);
    mpfr_init2(y, p);
    long decided = 0;
    const long total = 20000;
    for (long i = 0; i < total; ++i) {
      random_argument(x, rng, -6, 7);  // |x| < 128: the stable softmax's arguments
      decided += exp_by_tables(y, x, kRoundings[i % 4]);
    }
    mpfr_clear(x);
    mpfr_clear(y);
    CAPTURE(p);
    CHECK(decided == total);  // a fallback is expected about once in 2^40
  }
  mpfr_t x, y;
  mpfr_init2(x, 64);
  mpfr_init2(y, 466);
  mpfr_set_d(x, -0.5, MPFR_RNDN);
  CHECK_FALSE(exp_by_tables(y, x, MPFR_RNDN));  // beyond the tables' reach
  mpfr_set_prec(y, 128);
  mpfr_set_d(x, 1048576.0, MPFR_RNDN);
  CHECK_FALSE(exp_by_tables(y, x, MPFR_RNDN));  // |x| >= 2^20
  mpfr_clear(x);
  mpfr_clear(y);
}

TEST_CASE("the mpfr and mpfi block exps give the libraries' own exp of the differences", "[exp][mpfr]") {
  using otv::mpfi_real;
  using otv::mpfr_real;
  const otv::PrecisionScope scope(168);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> arg(-40, 5);
  std::vector<mpfr_real> a(257), shift(257), want(257);
  std::vector<mpfi_real> ia(257), ishift(257), iwant(257);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = mpfr_real(arg(rng)) / 3;
    shift[i] = mpfr_real(arg(rng)) / 7;
    want[i] = exp(a[i] - shift[i]);  // Boost: mpfr_sub, mpfr_exp
    ia[i] = mpfi_real(a[i]) / 3;
    ishift[i] = mpfi_real(shift[i]);
    iwant[i] = exp(ia[i] - ishift[i]);  // Boost: mpfi_sub, mpfi_exp
  }
  otv::BlockExp<mpfr_real>::exp_of_differences(a.data(), shift.data(), static_cast<std::ptrdiff_t>(a.size()));
  otv::BlockExp<mpfi_real>::exp_of_differences(ia.data(), ishift.data(), static_cast<std::ptrdiff_t>(ia.size()));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    differ += !mpfr_equal_p(a[i].backend().data(), want[i].backend().data());
    differ += !mpfr_equal_p(&ia[i].backend().data()->left, &iwant[i].backend().data()->left);
    differ += !mpfr_equal_p(&ia[i].backend().data()->right, &iwant[i].backend().data()->right);
  }
  CHECK(differ == 0);
  CHECK(otv::BlockExp<mpfr_real>::exp(a[3]) == exp(a[3]));
}
