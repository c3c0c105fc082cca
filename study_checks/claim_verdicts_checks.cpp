// The claims' verdicts (src/study/claim_verdicts.hpp) on planted step results:
// each claim's holds / fails / caveat path, and the missing step.
#include <catch2/catch.hpp>

#include <string>

#include "study/claim_verdicts.hpp"
#include "study/claims.hpp"

using nlohmann::json;
using otv::study::audit_verdicts;

namespace {

// The row of claim `id` in the table.
json row_of(const json& rows, const std::string& id) {
  for (const auto& r : rows)
    if (r.at("id") == id) return r;
  FAIL("no row " << id);
  return nullptr;
}

std::string verdict(const json& steps, const std::string& id, const json& ablation = nullptr) {
  return row_of(audit_verdicts(steps, ablation), id).at("verdict").get<std::string>();
}

// A theorem1 step's result: its verdict, layer 1 with error `layer1` against tolerance 1e-15.
json theorem1(const std::string& v, double layer1 = 1e-17) {
  json r = {{"verdict", v}, {"ladder_slope", 1.0}, {"layers", 100}, {"first_failing_layer", v == "fails" ? json(2) : json(nullptr)},
            {"max_err", 1e-3}, {"n", 4}, {"lambda", 0.005}};
  r["per_layer"] = json::array({json{{"max_u_err", layer1}, {"max_v_err", 0.0}, {"tolerance", 1e-15}}});
  r["sink"] = json::array({json{{"u", -0.01}}});
  return {{"result", r}};
}

json theorem1_all(const std::string& v, double layer1 = 1e-17) {
  json steps = json::object();
  for (const char* variant : otv::study::kVariants) steps[std::string("theorem1.") + variant + ".double"] = theorem1(v, layer1);
  return steps;
}

}  // namespace

TEST_CASE("claim verdicts: every claim cannot be checked without its steps", "[claim-verdicts]") {
  const json rows = audit_verdicts(json::object(), nullptr);
  // 14 claims; without the breakdown step there is no small-lambda row, and without
  // Theorem 2's steps one unchecked row stands for its bound and precondition.
  CHECK(rows.size() == 12);
  for (const auto& r : rows) {
    CAPTURE(r.at("id").get<std::string>());
    CHECK(r.at("verdict") == otv::study::kUnchecked);
    CHECK_FALSE(r.contains("refuted_by"));  // only decided rows name what would overturn them
  }
}

TEST_CASE("claim verdicts: Theorem 1 and the proof steps", "[claim-verdicts]") {
  CHECK(verdict(theorem1_all("holds"), "theorem1-paper") == otv::study::kHolds);
  CHECK(verdict(theorem1_all("fails"), "theorem1-paper") == otv::study::kFails);
  CHECK(verdict(theorem1_all("rounding"), "theorem1-paper") == otv::study::kCaveat);
  CHECK(verdict(theorem1_all("unstable"), "theorem1-notebook") == otv::study::kCaveat);
  // The corrected construction holds only inside its domain: a caveat even when its run holds.
  CHECK(verdict(theorem1_all("holds"), "theorem1-corrected") == otv::study::kCaveat);
  // One variant's step missing: that row alone is unchecked.
  json some = theorem1_all("holds");
  some.erase("theorem1.relu-reset.double");
  CHECK(verdict(some, "theorem1-relu-reset") == otv::study::kUnchecked);
  CHECK(verdict(some, "theorem1-paper") == otv::study::kHolds);
  // A step that ran but has no result (it failed) counts as missing.
  some["theorem1.notebook.double"] = {{"error", "crashed"}};
  CHECK(verdict(some, "theorem1-notebook") == otv::study::kUnchecked);
  // Eq. (9): layer 1 within its tolerance in every variant that ran.
  CHECK(verdict(theorem1_all("holds"), "proof-eq9") == otv::study::kHolds);
  CHECK(verdict(theorem1_all("holds", 2e-15), "proof-eq9") == otv::study::kFails);
  // The sink: fails with Theorem 1 on the paper variant.
  CHECK(verdict(theorem1_all("holds"), "proof-sink") == otv::study::kHolds);
  CHECK(verdict(theorem1_all("fails"), "proof-sink") == otv::study::kFails);
  // A decided row names what would overturn it.
  CHECK(row_of(audit_verdicts(theorem1_all("fails"), nullptr), "theorem1-paper").contains("refuted_by"));
}

TEST_CASE("claim verdicts: Theorem 2's bound and precondition, the rate", "[claim-verdicts]") {
  auto steps = [](bool precondition, bool bound, bool reachable) {
    json j;
    j["theorem2.main"]["result"] = {{"precondition_holds", precondition}, {"bound_holds", bound}, {"reference_converged", true}, {"lambda", 0.1},
                                    {"layers", 50}, {"log10_tightness", 3.0}, {"measured", 1e-3}, {"log10_bound", -1.0}, {"n", 4},
                                    {"min_layers_for_precondition", reachable ? json(1e6) : json(nullptr)}, {"log10_min_layers_for_precondition", 6.0}};
    j["theorem2.paper_lambda"]["result"] = {{"log10_bound", 80.0}, {"min_layers_for_precondition", reachable ? json(1e80) : json(nullptr)},
                                            {"log10_min_layers_for_precondition", 80.0}};
    return j;
  };
  CHECK(verdict(steps(true, true, true), "theorem2-bound") == otv::study::kCaveat);
  CHECK(verdict(steps(true, false, true), "theorem2-bound") == otv::study::kFails);
  CHECK(verdict(steps(false, true, true), "theorem2-bound") == otv::study::kUnchecked);
  CHECK(verdict(steps(true, true, true), "theorem2-precondition") == otv::study::kCaveat);
  CHECK(verdict(steps(true, true, false), "theorem2-precondition") == otv::study::kFails);
  json half = steps(true, true, true);
  half.erase("theorem2.paper_lambda");
  CHECK(verdict(half, "theorem2-bound") == otv::study::kUnchecked);
  // The rate is never decided: upper bounds with instance-dependent constants.
  json rates = steps(true, true, true);
  rates["theorem2.rates"]["result"]["rates"]["conclusion"] = "fits agree";
  CHECK(verdict(rates, "rate") == otv::study::kUnchecked);
  CHECK(row_of(audit_verdicts(rates, nullptr), "rate").at("reason").get<std::string>().starts_with("no evidence either way. fits agree"));
}

TEST_CASE("claim verdicts: small lambda from the breakdown thresholds and search", "[claim-verdicts]") {
  auto breakdown = [](json lambda_star, json numeric) {
    json j;
    j["breakdown"]["result"]["thresholds"] = json::array(
        {json{{"scalar", "float"}, {"layers", 100}, {"lambda_star", lambda_star}, {"cause", "cancellation"}, {"lambda_star_numeric", numeric}}});
    return j;
  };
  CHECK(verdict(breakdown(nullptr, nullptr), "small-lambda") == otv::study::kHolds);
  const json rows = audit_verdicts(breakdown(1e-3, 1e-3), nullptr);
  CHECK(row_of(rows, "small-lambda").at("verdict") == otv::study::kCaveat);
  CHECK(row_of(rows, "small-lambda").at("reason").get<std::string>().starts_with("only with enough precision: float: lambda* = 0.001 (cancellation at 100 layers)"));
  // Too few layers alone: depth is named, not precision.
  json depth = breakdown(1e-2, nullptr);
  depth["breakdown"]["result"]["thresholds"][0]["cause"] = "too-few-layers";
  CHECK(row_of(audit_verdicts(depth, nullptr), "small-lambda").at("reason").get<std::string>().starts_with("only with enough depth: "));
  // A searched usable floor makes a caveat even where the grid never broke down.
  json searched = breakdown(nullptr, nullptr);
  searched["breakdown.search"]["result"]["search"]["curves"] = json::array({json{{"scalar", "float"}, {"passes_at", 6e-6}}});
  searched["breakdown.search"]["result"]["depth"] = json::array();
  CHECK(verdict(searched, "small-lambda") == otv::study::kCaveat);
}

TEST_CASE("claim verdicts: Hilbert properties, printed examples and the ablation", "[claim-verdicts]") {
  auto hilbert = [](bool second) {
    json j;
    j["hilbert"]["result"]["cases"] = json::array({json{{"success", true}}, json{{"success", second}}});
    return j;
  };
  const json pass = hilbert(true), fail = hilbert(false);
  CHECK(verdict(pass, "hilbert") == otv::study::kHolds);
  CHECK(verdict(fail, "hilbert") == otv::study::kFails);
  json none;
  none["hilbert"]["result"]["cases"] = json::array();
  CHECK(verdict(none, "hilbert") == otv::study::kUnchecked);
  // The n = 4 example: the readout prints the paper's digits from layer 50 on under the paper's settings.
  auto scan = [](const json& readout) {
    json j;
    j["result"]["patterns"] = json::array({json{{"layer", 0}, {"readout", {0, 0, 0, 0}}}, json{{"layer", 50}, {"readout", readout}}});
    return j;
  };
  const json printed = {0.018, 0.24, 0.50, 0.73}, other = {0.1, 0.2, 0.3, 0.4};
  auto sorting = [&](const json& paper, const json& code) {
    json j;
    j["sorting.n4.paper"] = scan(paper);
    if (!code.is_null()) j["sorting.n4.code"] = scan(code);
    return j;
  };
  CHECK(verdict(sorting(printed, other), "sorting-n4") == otv::study::kHolds);
  CHECK(verdict(sorting(other, printed), "sorting-n4") == otv::study::kCaveat);
  CHECK(verdict(sorting(printed, nullptr), "sorting-n4") == otv::study::kUnchecked);  // the code-settings step missing
  // The ablation: absent, without the held-out check, and decided by prompt_engineering_verdict.
  CHECK(verdict(json::object(), "prompt-engineering") == otv::study::kUnchecked);
  CHECK(verdict(json::object(), "prompt-engineering", json{{"ratio", 2.0}}) == otv::study::kUnchecked);
  auto ablation = [](const char* sorts, double lo, double hi) {
    json a = {{"ratio", 5.0}};
    a["settings"] = {{"n", 7}, {"data", "held-out"}};
    a["held_out_ratio"]["7"] = {{"ratio", 5.0}, {"ci95", {lo, hi}}};
    a["generalisation"]["engineered"]["7"] = {{"verdicts", {sorts, sorts}}, {"mse_mean", 1e-3}, {"copy_y_baseline", 0.1}, {"mean_baseline", 0.2}};
    a["generalisation"]["plain"]["7"] = {{"mse_mean", 5e-3}};
    return a;
  };
  CHECK(verdict(json::object(), "prompt-engineering", ablation("sorts", 3.0, 50.0)) == otv::study::kHolds);
  CHECK(verdict(json::object(), "prompt-engineering", ablation("sorts", 0.1, 0.5)) == otv::study::kFails);
  CHECK(verdict(json::object(), "prompt-engineering", ablation("copies", 3.0, 50.0)) == otv::study::kCaveat);
}
