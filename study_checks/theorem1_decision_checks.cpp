// Theorem 1's decision (src/study/theorem1_decision.hpp) from small typed runs:
// the ladder's rungs, failure depths, the predicted sink growth, the trials
// summary and the JSON codec.
#include <catch2/catch.hpp>

#include <cmath>

#include "study/theorem1_decision.hpp"

using otv::study::LadderVerdict;
using otv::study::Theorem1Run;

namespace {

// A run of `layers` layers with error e(l) and tolerance t(l) in a type of p bits.
Theorem1Run run(const std::string& scalar, int bits, int layers, auto e, auto t) {
  Theorem1Run r;
  r.scalar = scalar;
  r.precision_bits = bits;
  r.unit_roundoff = std::ldexp(1.0, -bits);
  r.rung.bits = bits;
  for (int l = 1; l <= layers; ++l) {
    r.rung.error.push_back(e(bits, l));
    r.rung.tolerance.push_back(t(bits, l));
    r.max_err = std::max(r.max_err, r.rung.error.back());
    if (!r.first_failing_layer && !(r.rung.error.back() <= r.rung.tolerance.back())) r.first_failing_layer = l;
  }
  r.tolerance = r.rung.tolerance.back();
  return r;
}

// Rounding: the error is 100 u l, the tolerance u l in double and 1e3 u l above.
Theorem1Run rounding(const std::string& scalar, int bits) {
  return run(scalar, bits, 50, [](int p, int l) { return 100 * std::ldexp(1.0, -p) * l; },
             [](int p, int l) { return (p == 53 ? 1 : 1e3) * std::ldexp(1.0, -p) * l; });
}

// A discrepancy 1e-3 from layer 2 on, whatever the precision.
Theorem1Run discrepancy(const std::string& scalar, int bits) {
  return run(scalar, bits, 50, [](int p, int l) { return l >= 2 ? 1e-3 : std::ldexp(1.0, -p); },
             [](int p, int l) { return 10 * std::ldexp(1.0, -p) * l; });
}

}  // namespace

TEST_CASE("Theorem 1 decision: rounding in double only is rounding-only, the base type counts once as a rung", "[theorem1][ladder]") {
  const auto base = rounding("double", 53);
  const auto d = otv::study::decide_theorem1(base, {rounding("double", 53), rounding("mpfr:128", 128), rounding("mpfr:256", 256)}, 0.005,
                                             0.01, 4);
  CHECK(d.decision.verdict == LadderVerdict::rounding_only);
  REQUIRE(d.decision.slope);
  CHECK(*d.decision.slope == Approx(1).epsilon(1e-9));  // a repeated base rung would not change it; a missing one would
  REQUIRE(d.ladder.size() == 3);
  CHECK(d.ladder[0].scalar == "double");
  CHECK(d.decision.failure_depth.size() == 3);  // rungs: double, mpfr:128, mpfr:256
  // The prediction is reported whenever the verdict is not `holds`.
  REQUIRE(d.predicted_growth_corrected_sink);
  CHECK(*d.predicted_growth_corrected_sink == Approx(std::abs(1 - 0.01 / (0.005 * 5))));
}

TEST_CASE("Theorem 1 decision: a discrepancy at every precision fails, with the depth it reaches the failure level", "[theorem1][ladder]") {
  const auto d = otv::study::decide_theorem1(discrepancy("double", 53), {discrepancy("mpfr:128", 128), discrepancy("mpfr:256", 256)}, 0.1,
                                             0.05, 2);
  CHECK(d.decision.verdict == LadderVerdict::fails);
  CHECK(d.decision.failure_level == std::ldexp(1e-3, -10));
  for (const auto& e : d.ladder) {
    CHECK(e.first_failing_layer == 2);
    CHECK(e.failure_depth == 2);
  }
}

TEST_CASE("Theorem 1 decision: a holding base with no ladder (the missing step) holds, with no depths and no prediction", "[theorem1][ladder]") {
  const auto fine = run("double", 53, 10, [](int p, int) { return std::ldexp(1.0, -p); }, [](int p, int l) { return 4 * std::ldexp(1.0, -p) * l; });
  const auto d = otv::study::decide_theorem1(fine, {}, 0.005, 0.01, 4);
  CHECK(d.decision.verdict == LadderVerdict::holds);
  CHECK(d.ladder.empty());
  CHECK_FALSE(d.predicted_growth_corrected_sink);
  // With a ladder that holds too: no failure level, so no failure depth either.
  const auto with = otv::study::decide_theorem1(fine, {fine}, 0.005, 0.01, 4);
  REQUIRE(with.ladder.size() == 1);
  CHECK_FALSE(with.ladder[0].failure_depth);
  nlohmann::json j;
  otv::study::write_json(with, j);
  CHECK(j["verdict"] == "holds");
  CHECK_FALSE(j.contains("ladder_decision"));
  CHECK(j["ladder"][0]["failure_depth"].is_null());
}

TEST_CASE("Theorem 1 decision: the JSON codec writes the verdict fields", "[theorem1][json]") {
  const auto d = otv::study::decide_theorem1(discrepancy("double", 53), {discrepancy("mpfr:128", 128)}, 0.1, 0.05, 2);
  nlohmann::json out;
  otv::study::write_json(d, out);
  CHECK(out["verdict"] == "fails");
  CHECK(out["ladder"][0]["failure_depth"] == 2);
  CHECK(out["ladder_decision"]["predicted_growth_corrected_sink"].get<double>() == Approx(std::abs(1 - 0.05 / (0.1 * 3))));
}

TEST_CASE("Theorem 1 trials: the worst verdict, and the first trial that does not hold represents them", "[theorem1][trials]") {
  using V = LadderVerdict;
  const auto s = otv::study::summarise_trials({V::holds, V::unstable, V::holds, V::fails, V::rounding_only});
  CHECK(s.holds == 2);
  CHECK(s.unstable == 1);
  CHECK(s.fails == 1);
  CHECK(s.rounding_only == 1);
  CHECK(s.verdict == V::fails);
  CHECK(s.representative == 1);
  CHECK(s.any_not_holding);
  const auto all = otv::study::summarise_trials({V::holds, V::holds});
  CHECK(all.verdict == V::holds);
  CHECK(all.representative == 0);
  CHECK_FALSE(all.any_not_holding);
  CHECK(otv::study::summarise_trials({V::rounding_only, V::unstable}).verdict == V::unstable);
  for (V v : {V::holds, V::rounding_only, V::unstable, V::fails}) CHECK(otv::study::parse_ladder_verdict(otv::study::to_string(v)) == v);
  CHECK_THROWS_AS(otv::study::parse_ladder_verdict("hold"), std::invalid_argument);
}
