// The breakdown study's deciders (src/study/breakdown_causes.hpp, breakdown_sweep.hpp,
// breakdown_reference.hpp) on planted cells with known answers: the cause classifier
// (docs/error-model.md, "lambda*"), the threshold scan with its bisection bracket, the
// reference ladder's stopping rule, and the summary's JSON codec (study/breakdown_summary.hpp).
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

TEST_CASE("sweep options: an interval type is refused in --scalars and --holdout, naming the option", "[breakdown-decider]") {
  using otv::study::SweepOptions;
  const std::string why = " mpfi: interval types have no single head-1 pattern to compare with the reference; use mpfr:BITS";
  SweepOptions o;
  o.scalars = {"float", "mpfr:128"};
  o.holdout = {"cpp_bin_float_50"};
  REQUIRE_NOTHROW(o.validate());
  o.scalars = {"float", "mpfi:128"};
  REQUIRE_THROWS_WITH(o.validate(), "--scalars" + why);
  o.scalars = {"mpfi:2"};  // the smallest precision: the kind decides, not the bits
  REQUIRE_THROWS_WITH(o.validate(), "--scalars" + why);
  o.scalars = {"float"};
  o.holdout = {"mpfr:96", "mpfi:64"};
  REQUIRE_THROWS_WITH(o.validate(), "--holdout" + why);
  // advise's rule, the same helper with its own words; an unknown name as parse_scalar says.
  REQUIRE_THROWS_WITH(otv::study::require_point_scalar("mpfi:128", "--scalar", "threshold to advise"),
                      "--scalar mpfi: interval types have no threshold to advise; use mpfr:BITS");
  REQUIRE_NOTHROW(otv::study::require_point_scalar("mpfr:128", "--scalar", "threshold to advise"));
  REQUIRE_THROWS_WITH(otv::study::require_point_scalar("quad", "--scalar", "threshold to advise"), Catch::Matchers::StartsWith("unknown scalar type 'quad'"));
}

TEST_CASE("threshold and bisection: the first failure scanning lambda down, and its bracket's midpoint", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Passes at 1e-1 and 1e-2, fails at 1e-3 and below, passes again at 1e-5 (ignored: the first failure counts).
  std::vector<json> curve{cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), cell(1e-3, 5e-2, 1e-12, 1e-13, 5e-2),
                          cell(1e-4, 1e-1, 1e-12, 1e-13, 1e-1), cell(1e-5, 1e-3, 0, 0, 1e-3)};
  const auto t = otv::study::thresholds(curve, tol);
  REQUIRE(t.size() == 1);
  CHECK(t[0].lambda_star == 1e-3);
  CHECK(t[0].passes_at == 1e-2);
  CHECK(t[0].cause == "too-few-layers");
  CHECK_FALSE(t[0].lambda_star_numeric.has_value());
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
  const auto end = otv::study::thresholds({cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), cell(1e-3, 2e-2, 2e-2, 6e-3, 1e-5)}, tol);
  REQUIRE(end.size() == 1);
  CHECK(end[0].lambda_star == 1e-3);
  CHECK(end[0].passes_at == 1e-2);
  CHECK(end[0].status == "bracketed");
  CHECK(end[0].cause == "cancellation");
  CHECK(end[0].lambda_star_numeric == 1e-3);
  CHECK(end[0].cells == 3);
  // The evidence is the failing cell's (lambda = 1e-3), copied as it is.
  REQUIRE(end[0].evidence.has_value());
  CHECK(end[0].evidence->numeric_error == 2e-2);
  CHECK(end[0].evidence->numeric_error_layer1 == 6e-3);
  CHECK(end[0].evidence->optimal_hilbert_bound == 1e-30);
  // Fails already at the largest lambda: no bracket.
  const auto start = otv::study::thresholds({cell(1e-1, 2e-2, 1e-12, 1e-13, 2e-2), cell(1e-2, 2e-2, 1e-12, 1e-13, 2e-2)}, tol);
  CHECK(start[0].status == "fails at the largest lambda");
  CHECK(start[0].lambda_star == 1e-1);
  CHECK_FALSE(start[0].passes_at.has_value());
  CHECK(start[0].cause == "too-few-layers");
  // Never fails: no lambda*, the smallest lambda reached named.
  const auto none = otv::study::thresholds({cell(1e-1, 1e-5, 0, 0, 0), cell(1e-2, 1e-4, 0, 0, 0)}, tol);
  CHECK_FALSE(none[0].lambda_star.has_value());
  CHECK(none[0].status == "no breakdown down to lambda = 0.01");
  CHECK_FALSE(none[0].cause.has_value());
  CHECK_FALSE(none[0].evidence.has_value());
  // A missing cell (a curve with one point) is still a curve; search probes and depth lines are not grid cells.
  json probe = cell(1e-3, 1, 1, 1, 1);
  probe["kind"] = "search";
  json depth = probe;
  depth["kind"] = "depth";
  const auto one = otv::study::thresholds({cell(1e-2, 1e-4, 0, 0, 0), probe, depth}, tol);
  REQUIRE(one.size() == 1);
  CHECK(one[0].cells == 1);
  CHECK_FALSE(one[0].lambda_star.has_value());
  CHECK(otv::study::thresholds({}, tol).empty());
  // Lines written before the search (no kind) are grid cells.
  json old = cell(1e-3, 2e-2, 2e-2, 6e-3, 1e-5);
  old.erase("kind");
  CHECK(otv::study::thresholds({old}, tol)[0].lambda_star == 1e-3);
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

namespace {

// A search summary with every kind of field: a bracketed curve with its evidence (a
// NaN error, spelled "nan"; no IEEE flags), a held-out curve predicted by the law, a
// law without a fit; depth with a point beyond its cap and a fit.
otv::study::SearchSummary planted_search() {
  using namespace otv::study;
  SearchThreshold d;
  d.n = 4, d.scalar = "double", d.softmax = "stable", d.seed = 1, d.layers = 20, d.tolerance = 1e-2, d.bits = 53;
  d.unit_roundoff = 0x1p-53, d.squared_norm_max = 2, d.probes = 15, d.status = "bracketed", d.floor = 2.24712e-308;
  d.lambda_star_numeric = 1e-14, d.passes_at = 1.04e-14, d.e7_lambda_c = 2.22e-14, d.c = 0.45, d.cause = "cancellation";
  NumericEvidence e;
  e.numeric_error = std::nan(""), e.numeric_error_layer1 = 0.25, e.correct_bits = 3, e.inf_entries = 2;
  e.min_exp_argument = -HUGE_VAL, e.max_exp_argument = 0, e.log_min_normal = -708.4, e.log_max_finite = 709.78;
  e.reference = {85, true, {{85, std::nullopt, 0.5}, {171, 3.2e-26, 1.5}}};
  d.evidence = e;
  d.onsets.exp_underflow = 1e-3, d.onsets.non_finite = 1e-14;
  SearchThreshold held = d;
  held.scalar = "cpp_bin_float_50", held.holdout = true, held.lambda_star_numeric = 1.54e-49, held.passes_at = 1.6e-49;
  ThresholdLaw law;
  law.fit = {1.0059, 2.05, std::nullopt, 0.01, 2};
  law.c_geometric_mean = 0.48, law.c_min = 0.45, law.c_max = 0.51, law.points = 2;
  FittedLaw fitted{law, {0.9, 1.1, 0.125, 4}, true, {{"cpp_bin_float_50", 1.51e-49, 1.54e-49, 1.6e-49}}};
  return {{d, held}, {{4, "stable", 2, fitted}, {4, "naive", 1, std::nullopt}}, 1.05, 0.9};
}

std::vector<otv::study::DepthCurve> planted_depth() {
  using namespace otv::study;
  DepthPoint within{0.9, 4, 62500, 1e-3, 161, true, 128, 0.25, 1.5, std::nullopt};
  DepthPoint beyond{0.285, std::nullopt, 62500, HUGE_VAL, 161, false, 128, 0.5, std::nullopt, 2.5};
  return {{4, {within, beyond}, 1, LinearFit{-0.406, 0.767, 0.182, 0.01, 4}}, {16, {}, 0, std::nullopt}};
}

}  // namespace

TEST_CASE("breakdown summary JSON: keys with and without lambda*, non-finite spellings, nulls", "[breakdown-summary]") {
  const double tol = 1e-2;
  // A curve failing at 1e-3 with a non-finite error (written "inf"), and one that never fails.
  json inf_cell = cell(1e-3, 2e-2, 2e-2, 6e-3, 1e-5);
  inf_cell["numeric_error"] = "inf";
  inf_cell["optimal"]["hilbert_bound"] = nullptr;
  json other = cell(1e-2, 1e-4, 0, 0, 0);
  other["scalar"] = "float";
  otv::study::BreakdownSummary s{3, tol, otv::study::thresholds({cell(1e-2, 1e-4, 0, 0, 1e-4), inf_cell, other}, tol), planted_search(), planted_depth()};
  const json j = otv::study::to_json(s);
  const json& failing = j.at("thresholds").at(0);
  CHECK(failing.at("scalar") == "double");
  CHECK(failing.at("passes_at") == 1e-2);
  CHECK(failing.at("evidence").at("numeric_error") == "inf");
  CHECK(failing.at("evidence").at("optimal_hilbert_bound").is_null());
  CHECK(failing.at("evidence").at("exceptions").at("underflow") == false);
  // Without a lambda*: no bracket, cause or evidence at all (not nulls).
  const json& passing = j.at("thresholds").at(1);
  CHECK(passing.at("lambda_star").is_null());
  CHECK_FALSE(passing.contains("passes_at"));
  CHECK_FALSE(passing.contains("cause"));
  CHECK_FALSE(passing.contains("evidence"));
  // The search: a NaN spelled "nan", -Inf "-inf", a flag-less type's exceptions null.
  const json& curve = j.at("search").at("curves").at(0);
  CHECK(curve.at("evidence").at("numeric_error") == "nan");
  CHECK(curve.at("evidence").at("min_exp_argument") == "-inf");
  CHECK(curve.at("evidence").at("exceptions").is_null());
  CHECK(curve.at("evidence").at("reference").at("ladder").at(0).at("change").is_null());
  CHECK(curve.at("onsets").at("row_underflow").is_null());
  // A law with a fit has its fields at the top (no "fit" key); one without has "fit": null.
  const json& law = j.at("search").at("laws").at(0);
  CHECK_FALSE(law.contains("fit"));
  CHECK(law.at("slope_stderr").is_null());
  CHECK(law.at("e7_bounds").at("c") == json::array({0.125, 4.0}));
  CHECK(law.at("holdout").at(0).at("measured") == 1.54e-49);
  CHECK(j.at("search").at("laws").at(1).at("fit").is_null());
  CHECK_FALSE(j.at("search").at("laws").at(1).contains("slope"));
  // Depth: beyond the cap, layers_needed is null and the distance "inf"; a curve without a fit, null.
  const json& depth = j.at("depth");
  CHECK(depth.at(0).at("points").at(1).at("layers_needed").is_null());
  CHECK(depth.at(0).at("points").at(1).at("distance") == "inf");
  CHECK(depth.at(0).at("points").at(0).at("theorem2_log10_min_layers").is_null());
  CHECK(depth.at(0).at("fit").at("points") == 4);
  CHECK(depth.at(1).at("fit").is_null());
  // A grid map has neither "search" nor "depth".
  const json grid = otv::study::to_json(otv::study::BreakdownSummary{3, tol, s.thresholds, std::nullopt, std::nullopt});
  CHECK_FALSE(grid.contains("search"));
  CHECK_FALSE(grid.contains("depth"));
  CHECK(grid.at("cells") == 3);
}

TEST_CASE("breakdown summary JSON: read back, the same summary and the same bytes", "[breakdown-summary]") {
  const double tol = 1e-2;
  json nan_cell = cell(1e-3, 2e-2, 1e-12, 1e-13, 2e-2);
  nan_cell["nan_entries"] = 3;
  nan_cell["distance_to_optimal"] = "nan";
  nan_cell["exceptions"] = nullptr;
  const std::vector<json> lines{cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), nan_cell};
  const otv::study::BreakdownSummary s{3, tol, otv::study::thresholds(lines, tol), planted_search(), planted_depth()};
  json j = otv::study::to_json(s);
  j["out"] = "sweep.jsonl";  // as the CLI prints it: ignored on reading
  const otv::study::BreakdownSummary r = otv::study::breakdown_summary_from_json(j);
  j.erase("out");
  CHECK(otv::study::to_json(r).dump() == j.dump());
  // Typed fields read back.
  REQUIRE(r.thresholds.size() == 1);
  CHECK(r.thresholds[0].lambda_star == 1e-3);
  CHECK(r.thresholds[0].passes_at == 1e-2);
  CHECK(r.thresholds[0].cause == "non-finite");
  REQUIRE(r.thresholds[0].evidence.has_value());
  CHECK(std::isnan(r.thresholds[0].evidence->distance_to_optimal.value()));
  CHECK(r.thresholds[0].evidence->nan_entries == 3);
  CHECK_FALSE(r.thresholds[0].evidence->exceptions.has_value());
  REQUIRE(r.search.has_value());
  REQUIRE(r.search->curves.size() == 2);
  CHECK(std::isnan(r.search->curves[0].evidence.value().numeric_error.value()));
  CHECK(r.search->curves[0].evidence->reference.ladder.at(1).change == 3.2e-26);
  CHECK(r.search->curves[1].holdout);
  REQUIRE(r.search->laws.size() == 2);
  REQUIRE(r.search->laws[0].fit.has_value());
  CHECK(r.search->laws[0].fit->law.fit.slope == 1.0059);
  CHECK(r.search->laws[0].fit->e7_bounds.c_high == 4);
  CHECK(r.search->laws[0].fit->holdout.at(0).predicted == 1.51e-49);
  CHECK_FALSE(r.search->laws[1].fit.has_value());
  REQUIRE(r.depth.has_value());
  CHECK(r.depth->at(0).points.at(0).layers_needed == 4);
  CHECK_FALSE(r.depth->at(0).points.at(1).layers_needed.has_value());
  CHECK(r.depth->at(0).fit.value().slope_stderr == 0.182);
  CHECK_FALSE(r.depth->at(1).fit.has_value());
  // A grid map's summary reads back without search and depth.
  const json grid = otv::study::to_json(otv::study::BreakdownSummary{3, tol, s.thresholds, std::nullopt, std::nullopt});
  const auto g = otv::study::breakdown_summary_from_json(grid);
  CHECK_FALSE(g.search.has_value());
  CHECK_FALSE(g.depth.has_value());
  CHECK(otv::study::to_json(g) == grid);
  // A missing field is an error, not a default.
  json broken = grid;
  broken["thresholds"][0].erase("status");
  CHECK_THROWS_AS(otv::study::breakdown_summary_from_json(broken), json::exception);
}

TEST_CASE("curve identity: the same eight keys read from a result line and from a threshold record", "[breakdown-summary]") {
  json line = cell(1e-3, 2e-2, 1e-12, 1e-13, 2e-2);
  // Every field distinct from its default and from the fixture's, the seed beyond 2^63.
  line["n"] = 7;
  line["scalar"] = "float";
  line["softmax"] = "naive";
  line["seed"] = std::uint64_t{9223372036854775813u};
  line["variant"] = "corrected";
  line["layers"] = 12;
  line["generator"] = "uniform";
  line["gamma_ratio"] = 0.5;
  const otv::study::CurveThreshold id = otv::study::curve_identity_from_json(line);
  CHECK(id.n == 7);
  CHECK(id.scalar == "float");
  CHECK(id.softmax == "naive");
  CHECK(id.seed == 9223372036854775813u);
  CHECK(id.variant == "corrected");
  CHECK(id.layers == 12);
  CHECK(id.generator == "uniform");
  CHECK(id.gamma_ratio == 0.5);
  // Nothing beyond the identity is read: the rest is the default record's.
  otv::study::CurveThreshold rest = id;
  rest.n = 0, rest.scalar = rest.softmax = rest.variant = rest.generator = "", rest.seed = 0, rest.layers = 0, rest.gamma_ratio = 0;
  CHECK(rest == otv::study::CurveThreshold{});
  // A threshold record spells the identity with the line's keys: it reads back the same.
  const std::vector<otv::study::CurveThreshold> t = otv::study::thresholds({line}, 1e-2);
  REQUIRE(t.size() == 1);
  const otv::study::CurveThreshold back = otv::study::curve_identity_from_json(otv::study::to_json(otv::study::BreakdownSummary{1, 1e-2, t, std::nullopt, std::nullopt}).at("thresholds").at(0));
  CHECK(back == id);
  // A missing or mistyped key is an error, never a default.
  for (const char* key : {"n", "scalar", "softmax", "seed", "variant", "layers", "generator", "gamma_ratio"}) {
    json missing = line;
    missing.erase(key);
    CHECK_THROWS_AS(otv::study::curve_identity_from_json(missing), json::exception);
    json mistyped = line;
    mistyped[key] = json::array();
    CHECK_THROWS_AS(otv::study::curve_identity_from_json(mistyped), json::exception);
  }
}
