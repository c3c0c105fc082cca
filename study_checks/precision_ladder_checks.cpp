// The precision ladder (src/study/precision_ladder.hpp) on planted computations
// whose rungs, changes and stopping points are known in advance.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <vector>

#include "study/precision_ladder.hpp"

using namespace otv;
using namespace otv::study;

namespace {

ScalarSpec mpfr(unsigned bits) { return {ScalarSpec::Kind::mpfr, bits}; }

// result(b) = 2^-b: consecutive doublings change it by 2^-b (1 - 2^-b).
double planted(const ScalarSpec& s, const std::vector<Rung<double>>&) { return std::ldexp(1.0, -static_cast<int>(s.bits)); }
std::optional<double> absolute_change(double below, double above) { return std::abs(above - below); }

// Settled once a doubling changes the result by less than `threshold`.
auto doubling_until(double threshold) {
  return [threshold](const std::vector<Rung<double>>& r) {
    const bool settled = r.back().change && *r.back().change < threshold;
    return LadderStep{settled, settled ? std::nullopt : std::optional(mpfr(2 * r.back().scalar.bits))};
  };
}

}  // namespace

TEST_CASE("precision ladder: doubling stops at the first rung whose change is below the threshold", "[precision-ladder]") {
  // Changes: 2^-64 (at 128), 2^-128 (256), 2^-256 (512): the first below 2^-200 is at 512 bits.
  const Ladder<double> l = climb<double>(mpfr(64), planted, absolute_change, doubling_until(std::ldexp(1.0, -200)), 10);
  REQUIRE(l.rungs.size() == 4);
  CHECK(l.settled);
  CHECK(l.top().scalar.bits == 512);
  CHECK_FALSE(l.rungs.front().change.has_value());
  CHECK(*l.rungs[1].change == std::ldexp(1.0, -64) - std::ldexp(1.0, -128));
  CHECK(*l.rungs[3].change < std::ldexp(1.0, -200));
  CHECK(*l.rungs[2].change >= std::ldexp(1.0, -200));
}

TEST_CASE("precision ladder: a ladder cut off by max_rungs is not settled", "[precision-ladder]") {
  // The rule would hold at 512 bits; three rungs end at 256.
  const Ladder<double> l = climb<double>(mpfr(64), planted, absolute_change, doubling_until(std::ldexp(1.0, -200)), 3);
  CHECK(l.rungs.size() == 3);
  CHECK_FALSE(l.settled);
  CHECK(l.top().scalar.bits == 256);
}

TEST_CASE("precision ladder: a fixed list of types, uncompared, ends with the list", "[precision-ladder]") {
  // Theorem 1's shape: base then a list of scalars, each run whatever the one below said.
  const std::vector<ScalarSpec> list{{ScalarSpec::Kind::double_}, mpfr(128), mpfr(256)};
  const Ladder<int> l = climb<int>(
      list[0], [](const ScalarSpec& s, const std::vector<Rung<int>>&) { return static_cast<int>(s.bits); },
      [](int, int) { return std::optional<double>(); },
      [&](const std::vector<Rung<int>>& r) {
        return LadderStep{r.size() == list.size(), r.size() < list.size() ? std::optional(list[r.size()]) : std::nullopt};
      },
      10);
  REQUIRE(l.rungs.size() == 3);
  CHECK(l.settled);
  CHECK(l.rungs[0].scalar.kind == ScalarSpec::Kind::double_);
  CHECK(l.rungs[2].result == 256);
  for (const auto& r : l.rungs) CHECK_FALSE(r.change.has_value());
}

TEST_CASE("precision ladder: compute sees the rungs below it (warm start)", "[precision-ladder]") {
  const Ladder<double> l = climb<double>(
      mpfr(100), [](const ScalarSpec&, const std::vector<Rung<double>>& below) { return below.empty() ? 1.0 : below.back().result / 2; },
      absolute_change, [](const std::vector<Rung<double>>& r) { return LadderStep{false, r.size() < 4 ? std::optional(mpfr(100)) : std::nullopt}; },
      10);
  REQUIRE(l.rungs.size() == 4);
  CHECK(l.top().result == 0.125);
  CHECK(*l.top().change == 0.125);
  CHECK_FALSE(l.settled);  // the list ran out before the rule held
}

TEST_CASE("precision ladder: a settled rung may be confirmed by one more, which decides", "[precision-ladder]") {
  // Settled at the second rung, one confirming rung asked for; the confirmation fails.
  const Ladder<double> l = climb<double>(
      mpfr(64), planted, absolute_change,
      [](const std::vector<Rung<double>>& r) {
        if (r.size() == 2) return LadderStep{true, mpfr(r.back().scalar.bits + 1)};
        return LadderStep{r.size() == 1, r.size() == 1 ? std::optional(mpfr(128)) : std::nullopt};
      },
      10);
  REQUIRE(l.rungs.size() == 3);
  CHECK(l.rungs[2].scalar.bits == 129);
  CHECK_FALSE(l.settled);
}
