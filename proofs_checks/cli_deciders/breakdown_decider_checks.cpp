// The breakdown map's deciders (src/cli/breakdown_sweep.hpp) on planted cells with
// known answers: the cause classifier (docs/error-model.md, "lambda*") and the
// threshold scan with its bisection bracket.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "cli/breakdown_sweep.hpp"

using nlohmann::json;

namespace {

// A cell of the default sweep's curve (n = 4, double, stable) at lambda, with the
// metrics that decide it; everything else as a finite, harmless cell has it.
// P_lambda* is certified to 1e-30 (docs/error-model.md E8) unless a case says otherwise.
json cell(double lambda, double distance, double numeric, double numeric_layer1, double reference) {
  return {{"optimal", {{"converged", true}, {"hilbert_bound", 1e-30}}}, {"lambda", lambda}, {"n", 4}, {"scalar", "double"}, {"softmax", "stable"}, {"seed", 1}, {"variant", "paper"}, {"layers", 100},
          {"generator", "paper"}, {"gamma_ratio", 2.0},
          {"key", otv::cli::cell_key(otv::cli::SweepOptions{}, lambda, 4, 1, {"double", otv::Softmax::stable})},
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
  CHECK(otv::cli::cell_cause(cell(1e-4, 2e-2, 2e-2, 6e-3, 1e-3), tol) == "cancellation");
  // Rounding grown over the layers from a small layer-1 error: accumulation.
  CHECK(otv::cli::cell_cause(cell(1e-4, 2e-2, 2e-2, 1e-3, 1e-3), tol) == "accumulation");
  // Exact arithmetic itself far from P*: too few layers.
  CHECK(otv::cli::cell_cause(cell(1e-4, 2e-2, 1e-12, 1e-13, 2e-2), tol) == "too-few-layers");
  // Non-finite entries: by flag or exp argument (overflow), by a vanished row, else non-finite.
  json nan = cell(1e-4, 2e-2, 1e-12, 1e-13, 1e-3);
  nan["nan_entries"] = 3;
  CHECK(otv::cli::cell_cause(nan, tol) == "non-finite");
  nan["underflowed_rows"] = 1;
  CHECK(otv::cli::cell_cause(nan, tol) == "row-underflow");
  nan["max_exp_argument"] = 800.0;
  CHECK(otv::cli::cell_cause(nan, tol) == "exp-overflow");
  nan["max_exp_argument"] = 0.0;
  nan["exceptions"]["overflow"] = true;
  CHECK(otv::cli::cell_cause(nan, tol) == "exp-overflow");
  // Without a certified P_lambda* no cause can be told (the exact run's distance is unknown).
  json uncertified = cell(1e-4, 2e-2, 1e-12, 1e-13, 2e-2);
  uncertified["optimal"]["converged"] = false;
  CHECK(otv::cli::cell_cause(uncertified, tol) == "reference-not-certified");
  // A reference distance within the certificate's bound of the tolerance is not too-few-layers.
  json loose = cell(1e-4, 2e-2, 1e-12, 1e-13, 6e-3);
  loose["optimal"]["hilbert_bound"] = 2e-3;
  CHECK(otv::cli::cell_cause(loose, tol) == "other");
  // Both contributors below half the tolerance contradicts the triangle inequality: other.
  CHECK(otv::cli::cell_cause(cell(1e-4, 2e-2, 1e-3, 1e-4, 1e-3), tol) == "other");
  CHECK(otv::cli::cell_fails(cell(1e-4, 2e-2, 0, 0, 0), tol));
  CHECK_FALSE(otv::cli::cell_fails(cell(1e-4, 5e-3, 0, 0, 0), tol));
}

TEST_CASE("threshold and bisection: the first failure scanning lambda down, and its bracket's midpoint", "[breakdown-decider]") {
  const double tol = 1e-2;
  // Passes at 1e-1 and 1e-2, fails at 1e-3 and below, passes again at 1e-5 (ignored: the first failure counts).
  std::vector<json> curve{cell(1e-1, 1e-5, 0, 0, 1e-5), cell(1e-2, 1e-4, 0, 0, 1e-4), cell(1e-3, 5e-2, 1e-12, 1e-13, 5e-2),
                          cell(1e-4, 1e-1, 1e-12, 1e-13, 1e-1), cell(1e-5, 1e-3, 0, 0, 1e-3)};
  const json t = otv::cli::thresholds(curve, tol);
  REQUIRE(t.size() == 1);
  CHECK(t[0]["lambda_star"].get<double>() == 1e-3);
  CHECK(t[0]["passes_at"].get<double>() == 1e-2);
  CHECK(t[0]["cause"] == "too-few-layers");
  CHECK(t[0]["lambda_star_numeric"].is_null());
  otv::cli::SweepOptions o;
  o.scalars = {"double"};
  o.softmax = {otv::Softmax::stable};
  const auto groups = otv::cli::bisection_groups(o, curve);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].lambda == Approx(std::sqrt(1e-3 * 1e-2)).epsilon(1e-5));
  CHECK(groups[0].kind == "bisect");
  // Once the midpoint is in the results, the bracket moves to it: fails there -> no duplicate,
  // and the next round bisects between 1e-2 and the midpoint.
  curve.push_back(cell(otv::cli::canonical_lambda(std::sqrt(1e-3 * 1e-2)), 3e-2, 1e-12, 1e-13, 3e-2));
  const auto next = otv::cli::bisection_groups(o, curve);
  REQUIRE(next.size() == 1);
  CHECK(next[0].lambda == Approx(std::sqrt(1e-2 * std::sqrt(1e-3 * 1e-2))).epsilon(1e-5));
  // A curve that never fails, or fails already at its largest lambda, has nothing to bisect.
  CHECK(otv::cli::bisection_groups(o, {cell(1e-1, 1e-5, 0, 0, 0), cell(1e-2, 1e-4, 0, 0, 0)}).empty());
  CHECK(otv::cli::bisection_groups(o, {cell(1e-1, 1, 0, 0, 1), cell(1e-2, 1, 0, 0, 1)}).empty());
}
