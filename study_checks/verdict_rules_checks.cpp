// The deciders behind the report's verdicts (src/study/verdict_rules.hpp) on
// planted cases with known answers.
#include <catch2/catch.hpp>

#include <cmath>

#include "study/verdict_rules.hpp"

using otv::study::DigitConvention;

TEST_CASE("printed-digit matcher: rounded vs truncated at the printed place", "[digits]") {
  // 0.2494 prints as 0.24 truncated, 0.25 rounded.
  CHECK(otv::study::matches_printed(0.2494, "0.24", DigitConvention::truncated));
  CHECK_FALSE(otv::study::matches_printed(0.2494, "0.24", DigitConvention::rounded));
  CHECK(otv::study::matches_printed(0.2494, "0.25", DigitConvention::rounded));
  CHECK_FALSE(otv::study::matches_printed(0.2494, "0.25", DigitConvention::truncated));
  // The printed place is the number's own: "0.018" claims three places.
  CHECK(otv::study::matches_printed(0.0183, "0.018", DigitConvention::truncated));
  CHECK(otv::study::matches_printed(0.0183, "0.018", DigitConvention::rounded));
  CHECK_FALSE(otv::study::matches_printed(0.0189, "0.018", DigitConvention::rounded));
  // Boundaries: truncation includes the printed value, excludes the next one.
  CHECK(otv::study::matches_printed(0.37, "0.37", DigitConvention::truncated));
  CHECK_FALSE(otv::study::matches_printed(0.38, "0.37", DigitConvention::truncated));
  CHECK(otv::study::matches_printed(0.375, "0.37", DigitConvention::truncated));
  CHECK(otv::study::matches_printed(0.3750000001, "0.38", DigitConvention::rounded));
  CHECK_FALSE(otv::study::matches_printed(0.3749, "0.38", DigitConvention::rounded));
  // Truncation is toward zero: -0.246 prints as -0.24.
  CHECK(otv::study::matches_printed(-0.246, "-0.24", DigitConvention::truncated));
  CHECK_FALSE(otv::study::matches_printed(0.246, "-0.24", DigitConvention::truncated));
  // A list matches only entry by entry.
  CHECK(otv::study::matches_printed({0.0183, 0.2494, 0.5008, 0.7317}, {"0.018", "0.24", "0.50", "0.73"}, DigitConvention::truncated));
  CHECK_FALSE(otv::study::matches_printed({0.0183, 0.2494, 0.5008, 0.7317}, {"0.018", "0.24", "0.50", "0.73"}, DigitConvention::rounded));
}

TEST_CASE("depth scan: first match, lasting match and the deepest depth", "[digits]") {
  const std::vector<std::string> printed{"0.5"};
  const std::vector<long long> depths{10, 20, 30, 40, 50};
  // Matches at 20, leaves at 30, matches from 40 on.
  const auto m = otv::study::scan_depths(depths, {{0.7}, {0.52}, {0.61}, {0.53}, {0.51}}, printed, DigitConvention::truncated);
  CHECK(m.first == 20);
  CHECK(m.lasting == 40);
  CHECK(m.at_deepest);
  const auto gone = otv::study::scan_depths(depths, {{0.7}, {0.52}, {0.53}, {0.54}, {0.61}}, printed, DigitConvention::truncated);
  CHECK(gone.first == 20);
  CHECK_FALSE(gone.lasting);
  CHECK_FALSE(gone.at_deepest);
}

namespace {

// A rung of p bits, errors e(p, l) and tolerances t(p, l) as doubles (as the JSON carries
// them: 0 where below double's range, e.g. u = 2^-2048).
template <class E, class T> otv::study::LadderRung rung(int bits, int layers, E e, T t) {
  otv::study::LadderRung r{double(bits), {}, {}};
  for (int l = 1; l <= layers; ++l) { r.error.push_back(e(bits, l)); r.tolerance.push_back(t(bits, l)); }
  return r;
}

double u_of(int bits) { return std::ldexp(1.0, -bits); }

std::vector<otv::study::LadderRung> ladder_of(auto e, auto t, int layers = 300) {
  std::vector<otv::study::LadderRung> rungs;
  for (int bits : {53, 128, 256, 512, 1024, 2048}) rungs.push_back(rung(bits, layers, e, t));
  return rungs;
}

}  // namespace

TEST_CASE("ladder: an error that shrinks with u is rounding", "[ladder]") {
  // Error 100 u l against a tolerance of u l in double (a model too tight there) and
  // 1e3 u l above: beyond tolerance in double only.
  auto rungs = ladder_of([](int p, int l) { return 100 * u_of(p) * l; }, [](int p, int l) { return (p == 53 ? 1 : 1e3) * u_of(p) * l; });
  const auto d = otv::study::decide_ladder(rungs);
  CHECK(d.verdict == otv::study::LadderVerdict::rounding_only);
  REQUIRE(d.slope);
  CHECK(*d.slope == Approx(1).epsilon(1e-6));
  // Within tolerance everywhere: holds.
  auto fine = ladder_of([](int p, int l) { return u_of(p) * l; }, [](int p, int l) { return 10 * u_of(p) * l; });
  CHECK(otv::study::decide_ladder(fine).verdict == otv::study::LadderVerdict::holds);
}

TEST_CASE("ladder: an error that does not shrink with u is a mathematical failure", "[ladder]") {
  auto rungs = ladder_of([](int p, int l) { return l >= 2 ? 1.6e-5 : u_of(p); }, [](int p, int l) { return 10 * u_of(p) * l; });
  const auto d = otv::study::decide_ladder(rungs);
  CHECK(d.verdict == otv::study::LadderVerdict::fails);
  REQUIRE(d.slope);
  CHECK(std::abs(*d.slope) < 0.05);
}

TEST_CASE("ladder: a rounding error growing by 9 per layer fails after a depth proportional to the bits", "[ladder]") {
  // e(l) = u 9^l, saturating at 1: the depth moves by ln 2 / ln 9 = 0.315 layers per bit.
  // Computed from log u so that the 2048-bit rung (u = 0 in double) grows into range too.
  auto geometric = [](int bits, int l) { return std::exp(std::min(0.0, -bits * std::log(2.0) + l * std::log(9.0))); };
  auto tol = [](int bits, int l) { return 1e3 * u_of(bits) * l; };
  auto rungs = ladder_of(geometric, tol, 1000);
  const auto d = otv::study::decide_ladder(rungs);
  CHECK(d.verdict == otv::study::LadderVerdict::unstable);
  REQUIRE(d.growth_per_layer);
  CHECK(*d.growth_per_layer == Approx(9).epsilon(1e-6));
  REQUIRE(d.layers_per_bit);
  CHECK(*d.layers_per_bit == Approx(std::log(2.0) / std::log(9.0)).epsilon(0.02));
  // The same ladder cut at 300 layers: the top rungs (onset past 300) pass, and
  // the slope alone would call it rounding; the onsets still decide.
  CHECK(otv::study::decide_ladder(ladder_of(geometric, tol, 300)).verdict == otv::study::LadderVerdict::unstable);
  // One rung reaching the failure level is not enough to see the depth move:
  // then the top rung's excess over its tolerance decides (fails).
  std::vector<otv::study::LadderRung> two{rung(53, 30, geometric, tol), rung(128, 30, geometric, tol)};
  CHECK(otv::study::decide_ladder(two).verdict == otv::study::LadderVerdict::fails);
}

TEST_CASE("rate fit: planted power law vs planted geometric decay", "[rates]") {
  std::vector<double> l, power, geometric;
  for (int k = 8; k <= 256; k += 8) {
    l.push_back(k);
    power.push_back(3 * std::pow(k, -1.5));
    geometric.push_back(2 * std::pow(0.97, k));
  }
  const auto p = otv::study::fit_decay(l, power), g = otv::study::fit_decay(l, geometric);
  CHECK_FALSE(p.geometric_preferred());
  CHECK(p.power_exponent == Approx(-1.5).epsilon(1e-9));
  CHECK(g.geometric_preferred());
  CHECK(g.geometric_rate == Approx(0.97).epsilon(1e-9));
}

TEST_CASE("rate fit: exponents in l and n, duplicated points counted once", "[rates]") {
  std::vector<otv::study::RatePoint> pts;
  int k = 0;
  for (double n : {2.0, 4.0, 8.0})
    for (double l : {8.0, 16.0, 32.0, 64.0}) {
      const double noise = (++k % 3 - 1) * 0.05;  // deterministic scatter
      pts.push_back({l, n, std::exp(noise) * std::pow(l, -0.5) * std::pow(n, 1.5), "n" + std::to_string(int(n))});
    }
  const auto once = otv::study::fit_power_law(pts);
  CHECK(once.exponent_l == Approx(-0.5).margin(0.05));
  CHECK(once.exponent_n == Approx(1.5).margin(0.05));
  // The same instances three times (relabelled seeds): the naive fit's standard
  // error shrinks by about sqrt(3) with no new information; distinct_points undoes it.
  std::vector<otv::study::RatePoint> tripled;
  for (int rep = 0; rep < 3; ++rep) tripled.insert(tripled.end(), pts.begin(), pts.end());
  const auto naive = otv::study::fit_power_law(tripled);
  CHECK(naive.exponent_n_stderr < 0.7 * once.exponent_n_stderr);
  const auto distinct = otv::study::distinct_points(tripled);
  CHECK(distinct.size() == pts.size());
  const auto fixed = otv::study::fit_power_law(distinct);
  CHECK(fixed.exponent_n_stderr == Approx(once.exponent_n_stderr).epsilon(1e-12));
}

// ---- edge cases ------------------------------------------------------------------

TEST_CASE("ladder: a flat ladder has slope 0 and fails, rungs of equal precision give no slope", "[ladder]") {
  // The same error 1e-5 at every precision: slope exactly 0, no precision moves it.
  auto flat = ladder_of([](int, int) { return 1e-5; }, [](int p, int l) { return u_of(p) * l; }, 20);
  const auto d = otv::study::decide_ladder(flat);
  REQUIRE(d.slope);
  CHECK(*d.slope == 0);
  CHECK(d.verdict == otv::study::LadderVerdict::fails);
  // Every rung reaches the failure level at layer 1: the depth does not rise.
  for (const auto& depth : d.failure_depth) CHECK(depth == 1);
  CHECK_FALSE(d.layers_per_bit);
  // Two rungs of the same precision: no distinct log u, no slope.
  CHECK_FALSE(otv::study::ls_slope({-53, -53}, {1, 2}));
  CHECK_FALSE(otv::study::ls_slope({-53}, {1}));
  CHECK(otv::study::ls_slope({0, 1}, {3, 3}) == 0.0);
}

TEST_CASE("ladder: a threshold reached only at the last layer, and one never reached", "[ladder]") {
  otv::study::LadderRung r{53, {0, 0, 0, 0.5}, {1, 1, 1, 0.25}};
  CHECK(r.onset() == 4);
  CHECK(otv::study::first_reaching(r, 0.5) == 4);   // reaching is >=: the last layer counts
  CHECK_FALSE(otv::study::first_reaching(r, 0.51));  // beyond the grid's end: never
  CHECK(r.max_error() == 0.5);
  // An error exactly at the tolerance is within it; NaN never is.
  CHECK_FALSE((otv::study::LadderRung{53, {0.25}, {0.25}}.onset()));
  CHECK((otv::study::LadderRung{53, {std::nan("")}, {1}}.onset() == 1));
}

TEST_CASE("ladder: no rungs, or a rung with no layers, hold by default", "[ladder]") {
  const auto none = otv::study::decide_ladder({});
  CHECK(none.verdict == otv::study::LadderVerdict::holds);
  CHECK_FALSE(none.slope);
  const auto empty = otv::study::decide_ladder({otv::study::LadderRung{53, {}, {}}});
  CHECK(empty.verdict == otv::study::LadderVerdict::holds);
  CHECK_FALSE(empty.slope);  // no error > 0 to fit
}

TEST_CASE("rate fit: two points determine both models exactly", "[rates]") {
  const auto f = otv::study::fit_decay({1, 2}, {1, 0.5});
  CHECK(f.power_exponent == Approx(-1));
  CHECK(f.geometric_rate == Approx(0.5));
  CHECK(f.power_rss == Approx(0).margin(1e-24));
  CHECK(f.geometric_rss == Approx(0).margin(1e-24));
}
