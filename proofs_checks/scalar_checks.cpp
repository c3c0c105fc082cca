// The scalar layer: decimals parsed straight into each type, unit roundoff,
// round-trip printing, and the precision that results carry.
#include <catch2/catch.hpp>

#include "otv/construction.hpp"
#include "otv/prompt.hpp"

namespace {

template <class Real> void check_round_trip(const char* text) {
  using T = otv::ScalarTraits<Real>;
  const Real x = otv::parse_finite<Real>(text);
  const Real y = otv::parse_finite<Real>(T::to_string(x));
  INFO(T::name() << ": " << text << " -> " << T::to_string(x) << " -> " << T::to_string(y));
  CHECK(x == y);
}

template <class Real> void check_unit_roundoff(int expected_bits) {
  using T = otv::ScalarTraits<Real>;
  INFO(T::name());
  CHECK(T::bits() == static_cast<unsigned>(expected_bits));
  CHECK(T::unit_roundoff() == ldexp(Real(1), -expected_bits));
  CHECK(Real(1) + T::unit_roundoff() == Real(1));          // ties to even
  CHECK(Real(1) + 2 * T::unit_roundoff() > Real(1));       // 2u is the spacing at 1
}

}  // namespace

TEST_CASE("Unit roundoff is 2^-p for every fixed-precision type", "[scalar]") {
  check_unit_roundoff<float>(24);
  check_unit_roundoff<double>(53);
  check_unit_roundoff<long double>(64);
  check_unit_roundoff<otv::float128>(113);
  otv::PrecisionScope p(128);
  check_unit_roundoff<otv::mpfr_real>(128);  // digits10 = 38 allocates exactly 128 bits
}

TEST_CASE("Printing round-trips: parse(to_string(x)) == x", "[scalar]") {
  for (const char* t : {"0.1", "-1e-30", "3.14159265358979323846264338327950288", "123456789.987654321"}) {
    check_round_trip<float>(t);
    check_round_trip<double>(t);
    check_round_trip<long double>(t);
    check_round_trip<otv::float128>(t);
    check_round_trip<otv::bin_float_50>(t);
    check_round_trip<otv::bin_float_100>(t);
    otv::PrecisionScope p(300);
    check_round_trip<otv::mpfr_real>(t);
  }
}

TEST_CASE("An mpfr run sees the exact decimal, not a double", "[scalar]") {
  otv::PrecisionScope p(256);
  const otv::mpfr_real tenth = otv::parse_finite<otv::mpfr_real>("0.1");
  const otv::mpfr_real via_double(0.1);
  const otv::mpfr_real u = otv::ScalarTraits<otv::mpfr_real>::unit_roundoff();
  CHECK(abs(tenth * 10 - 1) <= 4 * u);             // correctly rounded 1/10
  CHECK(abs(via_double * 10 - 1) > ldexp(otv::mpfr_real(1), -60));  // a double is off by ~2^-57
  // An interval encloses the decimal it was parsed from (endpoints compared as
  // mpfr numbers: x * 10 rounds to at most 1 when x < 0.1, so <= is exact here).
  const otv::mpfi_real t = otv::parse_finite<otv::mpfi_real>("0.1");
  CHECK(boost::multiprecision::lower(t) * 10 <= 1);
  CHECK(boost::multiprecision::upper(t) * 10 >= 1);
  CHECK(boost::multiprecision::lower(t) < boost::multiprecision::upper(t));  // 1/10 is not a binary number
}

TEST_CASE("Results carry the precision of their scope, and the scope restores it", "[scalar]") {
  using T = otv::ScalarTraits<otv::mpfr_real>;
  const unsigned before = T::bits();
  {
    otv::PrecisionScope p(256);
    otv::InstanceText text;
    for (const char* x : {"0.5", "0.75", "0.25"}) { text.x.push_back({x}); text.y.push_back({x}); }
    const auto inst = otv::to_real<otv::mpfr_real>(text);
    const auto con = otv::make_construction<otv::mpfr_real>(otv::Variant::paper, 1, otv::parse_finite<otv::mpfr_real>("0.1"),
                                                            otv::parse_finite<otv::mpfr_real>("0.05"));
    const auto Z = otv::Transformer<otv::mpfr_real>({con.layer}).forward(otv::make_prompt(inst, con.columns), 3);
    CHECK(T::bits() == 257);  // Boost 1.74: the smallest digits10 allocation >= 256 bits
    for (Eigen::Index i = 0; i < Z.rows(); ++i)
      for (Eigen::Index j = 0; j < Z.cols(); ++j) REQUIRE(T::precision_of(Z(i, j)) == 257);
  }
  CHECK(T::bits() == before);
}

TEST_CASE("Malformed or non-finite decimals are rejected in every type", "[scalar]") {
  for (const char* bad : {"", "abc", "1.2.3", "nan", "inf", "0x1p3", "1e", "--1", "1,5"}) {
    INFO("'" << bad << "'");
    CHECK_THROWS_AS(otv::parse_finite<double>(bad), otv::InputError);
    CHECK_THROWS_AS(otv::parse_finite<otv::mpfr_real>(bad), otv::InputError);
  }
  CHECK_THROWS_AS(otv::parse_finite<float>("1e39"), otv::InputError);
  CHECK_THROWS_AS(otv::parse_finite<double>("1e309"), otv::InputError);
  CHECK_NOTHROW(otv::parse_finite<otv::float128>("1e309"));
}
