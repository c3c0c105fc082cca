// The breakdown study's deciders (src/study/breakdown_causes.hpp, breakdown_sweep.hpp,
// breakdown_reference.hpp) on planted cells with known answers: the cause classifier
// (docs/error-model.md, "lambda*"), the threshold scan with its bisection bracket, and
// the reference ladder's stopping rule.
#include <catch2/catch.hpp>

#include <cmath>

#include "study/breakdown_causes.hpp"
#include "study/breakdown_reference.hpp"
#include "study/breakdown_sweep.hpp"

#include <fmt/format.h>

using nlohmann::json;

namespace {

// A cell of the default sweep's curve (n = 4, double, stable) at lambda, with the
// metrics that decide it; everything else as a finite, harmless cell has it.
// P_lambda* is certified to 1e-30 (docs/error-model.md E8) unless a case says otherwise.
json cell(double lambda, double distance, double numeric, double numeric_layer1, double reference) {
  return {{"optimal", {{"converged", true}, {"hilbert_bound", 1e-30}}}, {"lambda", lambda}, {"n", 4}, {"scalar", "double"}, {"softmax", "stable"}, {"seed", 1}, {"variant", "paper"}, {"layers", 100},
          {"generator", "paper"}, {"gamma_ratio", 2.0},
          {"key", otv::study::cell_key(otv::study::SweepOptions{}, lambda, 4, 1, {"double", otv::Softmax::stable})},
          {"distance_to_optimal", distance}, {"numeric_error", numeric}, {"numeric_error_layer1", numeric_layer1},
          {"reference_distance_to_optimal", reference}, {"nan_entries", 0}, {"inf_entries", 0}, {"underflowed_rows", 0},
          {"max_exp_argument", 0.0}, {"min_exp_argument", -10.0}, {"log_max_finite", 709.78}, {"log_min_normal", -708.4},
          {"kind", "grid"}, {"exceptions", {{"overflow", false}, {"underflow", false}}}, {"correct_bits", 50}, {"cost_max", 0.5625}, {"squared_norm_max", 2.0},
          {"unit_roundoff", 1.1e-16}};
}

}  // namespace

TEST_CASE("breakdown cause: each cause on a planted cell", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Rounding present from layer 1 (within a factor 4 of the final error): cancellation.
  CHECK(otv::study::cell_cause(cell(1e-4, 2e-2, 2e-2, 6e-3, 1e-3), tol) == "cancellation");
  // Rounding grown over the layers from a small layer-1 error: accumulation.
  CHECK(otv::study::cell_cause(cell(1e-4, 2e-2, 2e-2, 1e-3, 1e-3), tol) == "accumulation");
  // Exact arithmetic itself far from P*: too few layers.
  CHECK(otv::study::cell_cause(cell(1e-4, 2e-2, 1e-12, 1e-13, 2e-2), tol) == "too-few-layers");
  // Non-finite entries: by flag or exp argument (overflow), by a vanished row, else non-finite.
  json nan = cell(1e-4, 2e-2, 1e-12, 1e-13, 1e-3);
  nan["nan_entries"] = 3;
  CHECK(otv::study::cell_cause(nan, tol) == "non-finite");
  nan["underflowed_rows"] = 1;
  CHECK(otv::study::cell_cause(nan, tol) == "row-underflow");
  nan["max_exp_argument"] = 800.0;
  CHECK(otv::study::cell_cause(nan, tol) == "exp-overflow");
  nan["max_exp_argument"] = 0.0;
  nan["exceptions"]["overflow"] = true;
  CHECK(otv::study::cell_cause(nan, tol) == "exp-overflow");
  // Without a certified P_lambda* no cause can be told (the exact run's distance is unknown).
  json uncertified = cell(1e-4, 2e-2, 1e-12, 1e-13, 2e-2);
  uncertified["optimal"]["converged"] = false;
  CHECK(otv::study::cell_cause(uncertified, tol) == "reference-not-certified");
  // A reference distance within the certificate's bound of the tolerance is not too-few-layers.
  json loose = cell(1e-4, 2e-2, 1e-12, 1e-13, 6e-3);
  loose["optimal"]["hilbert_bound"] = 2e-3;
  CHECK(otv::study::cell_cause(loose, tol) == "other");
  // Both contributors below half the tolerance contradicts the triangle inequality: other.
  CHECK(otv::study::cell_cause(cell(1e-4, 2e-2, 1e-3, 1e-4, 1e-3), tol) == "other");
  CHECK(otv::study::cell_fails(cell(1e-4, 2e-2, 0, 0, 0), tol));
  CHECK_FALSE(otv::study::cell_fails(cell(1e-4, 5e-3, 0, 0, 0), tol));
}

TEST_CASE("threshold and bisection: the first failure scanning lambda down, and its bracket's midpoint", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Passes at 1e-1 and 1e-2, fails at 1e-3 and below, passes again at 1e-5 (ignored: the first failure counts).
  std::vector<json> curve{cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), cell(1e-3, 5e-2, 1e-12, 1e-13, 5e-2),
                          cell(1e-4, 1e-1, 1e-12, 1e-13, 1e-1), cell(1e-5, 1e-3, 0, 0, 1e-3)};
  const json t = otv::study::thresholds(curve, tol);
  REQUIRE(t.size() == 1);
  CHECK(t[0]["lambda_star"].get<double>() == 1e-3);
  CHECK(t[0]["passes_at"].get<double>() == 1e-2);
  CHECK(t[0]["cause"] == "too-few-layers");
  CHECK(t[0]["lambda_star_numeric"].is_null());
  otv::study::SweepOptions o;
  o.scalars = {"double"};
  o.softmax = {otv::Softmax::stable};
  const auto groups = otv::study::bisection_groups(o, curve);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].lambda == Approx(std::sqrt(1e-3 * 1e-2)).epsilon(1e-5));
  CHECK(groups[0].kind == "bisect");
  // Once the midpoint is in the results, the bracket moves to it: fails there -> no duplicate,
  // and the next round bisects between 1e-2 and the midpoint.
  curve.push_back(cell(otv::study::canonical_lambda(std::sqrt(1e-3 * 1e-2)), 3e-2, 1e-12, 1e-13, 3e-2));
  const auto next = otv::study::bisection_groups(o, curve);
  REQUIRE(next.size() == 1);
  CHECK(next[0].lambda == Approx(std::sqrt(1e-2 * std::sqrt(1e-3 * 1e-2))).epsilon(1e-5));
  // A curve that never fails, or fails already at its largest lambda, has nothing to bisect.
  CHECK(otv::study::bisection_groups(o, {cell(1e-1, 1e-5, 0, 0, 0), cell(1e-2, 1e-4, 0, 0, 0)}).empty());
  CHECK(otv::study::bisection_groups(o, {cell(1e-1, 1, 0, 0, 1), cell(1e-2, 1, 0, 0, 1)}).empty());
}

TEST_CASE("breakdown: a numeric failure is rounding alone beyond the tolerance, or non-finite", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Far from P* (too few layers) but exact to rounding: a grid failure, not a numeric one.
  json c = cell(1e-4, 2e-2, 1e-12, 1e-13, 2e-2);
  CHECK(otv::study::cell_fails(c, tol));
  CHECK_FALSE(otv::study::numeric_fails(c, tol));
  // The tolerance itself passes (<=); just above fails.
  CHECK_FALSE(otv::study::numeric_fails(cell(1e-4, 0, tol, 0, 0), tol));
  CHECK(otv::study::numeric_fails(cell(1e-4, 0, std::nextafter(tol, 1.0), 0, 0), tol));
  // A non-finite metric (spelled "inf") reads as infinitely far; non-finite entries fail whatever the metrics.
  c["numeric_error"] = "inf";
  CHECK(otv::study::numeric_fails(c, tol));
  json nan = cell(1e-4, 0, 0, 0, 0);
  nan["inf_entries"] = 1;
  CHECK(otv::study::numeric_fails(nan, tol));
  CHECK(otv::study::cell_fails(nan, tol));
  CHECK(otv::study::numeric_cause(nan) == "non-finite");
  CHECK(otv::study::numeric_cause(cell(1e-4, 0, 2e-2, 6e-3, 0)) == "cancellation");
  CHECK(otv::study::numeric_cause(cell(1e-4, 0, 2e-2, 4e-3, 0)) == "accumulation");
}

TEST_CASE("thresholds: at the grid's end, at its start, none, and the search's lines left out", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Fails only at the smallest lambda of the grid: lambda* is the grid's end, bracketed by the cell above.
  const json end = otv::study::thresholds({cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), cell(1e-3, 2e-2, 2e-2, 6e-3, 1e-5)}, tol);
  REQUIRE(end.size() == 1);
  CHECK(end[0]["lambda_star"].get<double>() == 1e-3);
  CHECK(end[0]["passes_at"].get<double>() == 1e-2);
  CHECK(end[0]["status"] == "bracketed");
  CHECK(end[0]["cause"] == "cancellation");
  CHECK(end[0]["lambda_star_numeric"].get<double>() == 1e-3);
  CHECK(end[0]["cells"] == 3);
  // Fails already at the largest lambda: no bracket.
  const json start = otv::study::thresholds({cell(1e-1, 2e-2, 1e-12, 1e-13, 2e-2), cell(1e-2, 2e-2, 1e-12, 1e-13, 2e-2)}, tol);
  CHECK(start[0]["status"] == "fails at the largest lambda");
  CHECK(start[0]["passes_at"].is_null());
  CHECK(start[0]["cause"] == "too-few-layers");
  // Never fails: no lambda*, the smallest lambda reached named.
  const json none = otv::study::thresholds({cell(1e-1, 1e-5, 0, 0, 0), cell(1e-2, 1e-4, 0, 0, 0)}, tol);
  CHECK(none[0]["lambda_star"].is_null());
  CHECK(none[0]["status"] == "no breakdown down to lambda = 0.01");
  CHECK_FALSE(none[0].contains("cause"));
  // A missing cell (a curve with one point) is still a curve; search probes and depth lines are not grid cells.
  json probe = cell(1e-3, 1, 1, 1, 1);
  probe["kind"] = "search";
  json depth = probe;
  depth["kind"] = "depth";
  const json one = otv::study::thresholds({cell(1e-2, 1e-4, 0, 0, 0), probe, depth}, tol);
  REQUIRE(one.size() == 1);
  CHECK(one[0]["cells"] == 1);
  CHECK(one[0]["lambda_star"].is_null());
  CHECK(otv::study::thresholds({}, tol).empty());
  // Lines written before the search (no kind) are grid cells.
  json old = cell(1e-3, 2e-2, 2e-2, 6e-3, 1e-5);
  old.erase("kind");
  CHECK(otv::study::thresholds({old}, tol)[0]["lambda_star"].get<double>() == 1e-3);
}

namespace {

// A planted rung at `bits`: u = (value), v = (0) and zero scores (an oscillation of one
// entry is 0: the scores cannot move), the decimal exact (dyadic values, 60 digits).
otv::study::CellOutput planted_rung(unsigned bits, double value) {
  otv::study::CellOutput c;
  c.bits = bits;
  c.final_scores = c.first_scores = {"0"};
  c.u = {fmt::format("{:.60g}", value)};
  c.v = {"0"};
  return c;
}

}  // namespace

TEST_CASE("breakdown reference ladder: settled means the last doubling changed less than 2^-(p_max + 8)", "[breakdown-reference]") {
  using otv::ScalarSpec;
  // p_max = 24 (float): rungs from 56 bits, threshold 2^-32.
  // A result that does not move: settled at the first comparison (2 rungs, 56 and 112 bits).
  const auto still = otv::study::climb_reference(24, [](const ScalarSpec& s) { return planted_rung(s.bits, 0.5); });
  REQUIRE(still.rungs.size() == 2);
  CHECK(still.settled);
  CHECK(still.rungs[0].scalar.bits == 56);
  CHECK(still.rungs[1].scalar.bits == 112);
  CHECK_FALSE(still.rungs[0].change.has_value());
  CHECK(*still.rungs[1].change == 0);
  // Moving by 2^-20, then 2^-40 (below 2^-32): settled at the third rung.
  const auto settles = otv::study::climb_reference(24, [](const ScalarSpec& s) {
    return planted_rung(s.bits, s.bits == 56 ? 0.5 : s.bits == 112 ? 0.5 + std::ldexp(1.0, -20) : 0.5 + std::ldexp(1.0, -20) + std::ldexp(1.0, -40));
  });
  REQUIRE(settles.rungs.size() == 3);
  CHECK(settles.settled);
  CHECK(*settles.rungs[1].change == std::ldexp(1.0, -20));
  CHECK(*settles.rungs[2].change == Approx(std::ldexp(1.0, -40)).epsilon(1e-9));
  // Exactly at the threshold is not below it; moving by 2^-32 at every doubling never settles:
  // 1 + 4 doublings, the top rung at 56 x 16 bits, reported as not settled.
  const auto never = otv::study::climb_reference(24, [](const ScalarSpec& s) {
    return planted_rung(s.bits, 0.5 + std::ldexp(1.0, -32) * std::log2(s.bits / 56.0));
  });
  REQUIRE(never.rungs.size() == 1 + otv::study::kMaxReferenceDoublings);
  CHECK_FALSE(never.settled);
  CHECK(never.top().scalar.bits == 56 * 16);
  for (std::size_t k = 1; k < never.rungs.size(); ++k) CHECK(*never.rungs[k].change == std::ldexp(1.0, -32));
  // The change is relative to max(1, the upper rung's scale): a u of 2^10 moving by 2^-20 is 2^-30.
  CHECK(otv::study::reference_change(planted_rung(56, 1024), planted_rung(112, 1024 + std::ldexp(1.0, -20))) == Approx(std::ldexp(1.0, -30)).epsilon(1e-6));
  // A non-finite score at either rung is an infinite change (never settles).
  otv::study::CellOutput bad = planted_rung(112, 0.5);
  bad.final_scores = {"nan"};
  CHECK(std::isinf(otv::study::reference_change(planted_rung(56, 0.5), bad)));
  // The ladder as result lines record it.
  const json j = otv::study::reference_ladder_json(settles);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["change"].is_null());
  CHECK(j[2]["bits"] == 224);
}
