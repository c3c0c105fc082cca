// The claims' verdicts (src/study/claim_verdicts.hpp) on planted typed evidence:
// each row's holds / caveat / fails / unchecked path, a missing step for every row,
// one row per claim in the table's order, and the evidence of a typed result equal
// to the evidence read from its --json.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/instance_text.hpp"
#include "study/breakdown_summary.hpp"
#include "study/claim_verdicts.hpp"
#include "study/claims.hpp"
#include "study/forward_run.hpp"
#include "study/json_number.hpp"
#include "study/theorem1.hpp"
#include "study/theorem2.hpp"
#include "study/training.hpp"

using nlohmann::json;
using namespace otv::study;

namespace {

const VerdictRow& row_of(const std::vector<VerdictRow>& rows, const std::string& id) {
  for (const auto& r : rows)
    if (r.id == id) return r;
  FAIL("no row " << id);
  return rows.front();
}

Verdict verdict(const AuditEvidence& e, const std::string& id) { return row_of(audit_verdicts(e), id).verdict; }
std::string reason(const AuditEvidence& e, const std::string& id) { return row_of(audit_verdicts(e), id).reason; }

// A theorem1 step: its verdict, layer 1 with error `layer1` against tolerance 1e-15.
Theorem1Evidence theorem1(LadderVerdict v, double layer1 = 1e-17) {
  Theorem1Evidence t;
  t.verdict = v;
  t.layers = 100;
  if (v == LadderVerdict::fails) t.first_failing_layer = 2;
  t.max_err = 1e-3;
  t.ladder_slope = 1.0;
  t.layer1_u_err = layer1;
  t.layer1_tolerance = 1e-15;
  t.sink_u = -0.01;
  t.n = 4;
  t.lambda = 0.005;
  return t;
}

Theorem2Evidence theorem2(double log10_bound, double log10_min_layers) {
  Theorem2Evidence t;
  t.precondition_holds = t.bound_holds = t.reference_converged = true;
  t.n = 4;
  t.layers = 50;
  t.lambda = 0.1;
  t.measured = 1e-3;
  t.log10_bound = log10_bound;
  t.log10_tightness = log10_bound + 3;
  t.precondition_reachable = true;
  t.log10_min_layers_for_precondition = log10_min_layers;
  return t;
}

// A readout scan at layers 0 and 50.
PatternScan scan(const std::vector<double>& at50) { return {{0, 50}, {{0, 0, 0, 0}, at50}}; }
const std::vector<double> kPrinted4{0.018, 0.24, 0.50, 0.73}, kOther4{0.1, 0.2, 0.3, 0.4};

AblationEvidence ablation(bool sorts, double lo, double hi) {
  AblationEvidence a{"otverify", "grid", false, 5.0, HeldOutEvidence{}};
  a.held_out->n = "7";
  a.held_out->engineered_sorts = {sorts, sorts};
  a.held_out->engineered_mse = 1e-3;
  a.held_out->plain_mse = 5e-3;
  a.held_out->ratios["7"] = {5.0, lo, hi, false};
  a.held_out->ratios["15"] = {0.5, 0.2, 0.9, true};
  return a;
}

// The breakdown steps' summaries (study/breakdown_summary.hpp), planted with the
// fields the small-lambda row reads; the rest as a summary's JSON requires them.
// A grid curve of type `scalar` at `layers`: lambda* with its cause, lambda*_numeric.
CurveThreshold threshold(const std::string& scalar, long long layers, std::optional<double> lambda_star, const std::string& cause,
                         std::optional<double> numeric) {
  CurveThreshold t;
  t.n = 4;
  t.scalar = scalar;
  t.softmax = "stable";
  t.variant = "paper";
  t.layers = layers;
  t.lambda_star = lambda_star;
  t.status = lambda_star ? "bracketed" : "no breakdown down to lambda = 1e-05";
  if (lambda_star) {
    t.passes_at = *lambda_star * 2;
    t.cause = cause;
    t.evidence = ThresholdEvidence{};
  }
  t.lambda_star_numeric = numeric;
  return t;
}
BreakdownSummary grid(std::vector<CurveThreshold> thresholds) { return {10, 1e-2, std::move(thresholds), std::nullopt, std::nullopt}; }

// A search curve of type `scalar` whose smallest passing probe is passes_at (none: it failed at the first).
SearchThreshold searched(const std::string& scalar, std::optional<double> passes_at) {
  SearchThreshold t;
  t.n = 4;
  t.scalar = scalar;
  t.softmax = "stable";
  t.status = passes_at ? "bracketed" : "fails at the first probe";
  t.passes_at = passes_at;
  t.lambda_star_numeric = passes_at ? *passes_at / 1.05 : 0.9;
  t.c = 1;
  t.cause = "cancellation";
  t.evidence = NumericEvidence{};
  return t;
}
// The search's summary: its curves and, per n, the depth points' layers needed (nullopt: beyond the cap).
BreakdownSummary search(std::vector<SearchThreshold> curves, const std::vector<std::vector<std::optional<long long>>>& layers_needed) {
  BreakdownSummary s{5, 1e-2, {}, SearchSummary{std::move(curves), {}, 1.05, 0.9}, std::vector<DepthCurve>{}};
  for (const auto& per_n : layers_needed) {
    DepthCurve d{4, {}, 0, std::nullopt};
    for (const auto& l : per_n) d.points.push_back({1e-3, l, 1000000, 1e-3, 128, true, 64, 0.1, std::nullopt, std::nullopt});
    s.depth->push_back(d);
  }
  return s;
}

// Every step ran; every row is decided (the rate never is).
AuditEvidence full() {
  AuditEvidence e;
  for (const char* v : kVariants) e.theorem1[v] = theorem1(LadderVerdict::holds);
  e.corrected_outside_domain = theorem1(LadderVerdict::unstable);
  e.corrected_outside_domain->ladder = Theorem1LadderEvidence{1e-4, {{"double", 21}, {"mpfr:128", std::nullopt}}, 8.5, 9.0, 9.0};
  e.theorem2_main = theorem2(-1, 6);
  e.theorem2_paper_lambda = theorem2(80, 80);
  e.rates_conclusion = "fits agree.";
  for (const auto& x : kPrintedExamples) e.sorting[x.id] = {{"paper", scan(kOther4)}, {"code", scan(kOther4)}};
  e.sorting["n4"]["paper"] = scan(kPrinted4);
  e.breakdown = grid({threshold("float", 100, std::nullopt, "", std::nullopt)});
  e.breakdown_search = search({}, {});
  e.hilbert = std::vector<bool>{true, true};
  e.ablation = ablation(true, 3.0, 50.0);
  return e;
}

std::vector<std::string> ids(const std::vector<VerdictRow>& rows) {
  std::vector<std::string> v;
  for (const auto& r : rows) v.push_back(r.id);
  return v;
}

std::vector<std::string> claim_ids() {
  std::vector<std::string> v;
  for (const Claim& c : paper_claims()) v.emplace_back(c.id);
  return v;
}

// A result as `otverify report` reads it: printed with --json (non-finite values named) and parsed back.
json printed(const json& j) { return json::parse(with_nonfinite_names(j).dump(2)); }

}  // namespace

TEST_CASE("claim verdicts: Verdict's text is the report's", "[claim-verdicts]") {
  CHECK(std::string(to_string(Verdict::holds)) == "holds");
  CHECK(std::string(to_string(Verdict::holds_with_caveat)) == "holds with caveat");
  CHECK(std::string(to_string(Verdict::fails)) == "fails");
  CHECK(std::string(to_string(Verdict::unchecked)) == "cannot be checked here");
}

TEST_CASE("claim verdicts: every claim has exactly one row, in the claims table's order", "[claim-verdicts]") {
  CHECK(ids(audit_verdicts(AuditEvidence{})) == claim_ids());
  CHECK(ids(audit_verdicts(full())) == claim_ids());
  // Without any step every row is unchecked, and names nothing that would overturn it.
  for (const VerdictRow& r : audit_verdicts(AuditEvidence{})) {
    CAPTURE(r.id);
    CHECK(r.verdict == Verdict::unchecked);
    CHECK_FALSE(r.refuted_by);
    CHECK_FALSE(to_json(r).contains("refuted_by"));
  }
  // With every step: each row decided (but the rate), the row's claim and evidence section from the table.
  for (const VerdictRow& r : audit_verdicts(full())) {
    CAPTURE(r.id);
    CHECK((r.verdict == Verdict::unchecked) == (r.id == "rate"));
    CHECK(r.evidence == claim(r.id).evidence);
    if (!r.id.starts_with("sorting-")) CHECK(r.claim == claim(r.id).text);
  }
}

TEST_CASE("claim verdicts: a missing step makes its rows, and only those, unchecked", "[claim-verdicts]") {
  struct Case {
    const char* what;
    std::function<void(AuditEvidence&)> drop;
    std::vector<std::string> unchecked;
  };
  const std::vector<Case> cases{
      {"theorem1.paper", [](AuditEvidence& e) { e.theorem1.erase("paper"); }, {"theorem1-paper", "proof-sink"}},
      {"theorem1.notebook", [](AuditEvidence& e) { e.theorem1.erase("notebook"); }, {"theorem1-notebook"}},
      {"theorem1.corrected", [](AuditEvidence& e) { e.theorem1.erase("corrected"); }, {"theorem1-corrected"}},
      {"theorem1.relu-reset", [](AuditEvidence& e) { e.theorem1.erase("relu-reset"); }, {"theorem1-relu-reset"}},
      {"every theorem1", [](AuditEvidence& e) { e.theorem1.clear(); },
       {"theorem1-paper", "theorem1-notebook", "theorem1-corrected", "theorem1-relu-reset", "proof-eq9", "proof-sink"}},
      // The rate, never decided, quotes the main run's tightness when it has one.
      {"theorem2.main", [](AuditEvidence& e) { e.theorem2_main.reset(); }, {"theorem2-bound", "theorem2-precondition", "rate"}},
      {"theorem2.paper_lambda", [](AuditEvidence& e) { e.theorem2_paper_lambda.reset(); }, {"theorem2-bound", "theorem2-precondition"}},
      {"sorting.n4.code", [](AuditEvidence& e) { e.sorting["n4"].erase("code"); }, {"sorting-n4"}},
      {"sorting.n8", [](AuditEvidence& e) { e.sorting.erase("n8"); }, {"sorting-n8"}},
      {"breakdown", [](AuditEvidence& e) { e.breakdown.reset(); }, {"small-lambda"}},
      {"hilbert", [](AuditEvidence& e) { e.hilbert.reset(); }, {"hilbert"}},
      {"ablation", [](AuditEvidence& e) { e.ablation.reset(); }, {"prompt-engineering"}},
      {"held-out check", [](AuditEvidence& e) { e.ablation->held_out.reset(); }, {"prompt-engineering"}},
  };
  const std::vector<VerdictRow> all = audit_verdicts(full());
  for (const Case& c : cases) {
    CAPTURE(c.what);
    AuditEvidence e = full();
    c.drop(e);
    const std::vector<VerdictRow> rows = audit_verdicts(e);
    REQUIRE(ids(rows) == claim_ids());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      CAPTURE(rows[k].id);
      if (std::find(c.unchecked.begin(), c.unchecked.end(), rows[k].id) != c.unchecked.end()) {
        CHECK(rows[k].verdict == Verdict::unchecked);
        CHECK_FALSE(rows[k].refuted_by);
      } else {
        CHECK(rows[k] == all[k]);
      }
    }
  }
  // The rows the table once left out: named unchecked, with the step that is missing.
  AuditEvidence e = full();
  e.breakdown.reset();
  e.theorem2_main.reset();
  e.hilbert.reset();
  CHECK(reason(e, "small-lambda") == "the breakdown step did not run");
  CHECK(reason(e, "theorem2-precondition") == "the theorem2 steps did not run");
  CHECK(reason(e, "theorem2-bound") == "the theorem2 steps did not run");
  CHECK(reason(e, "hilbert") == "the property tests are not built here (ninja -C build property_tests)");
  // The rate is unchecked either way; without its step the reason says so.
  e.rates_conclusion.reset();
  CHECK(reason(e, "rate") == "the rates step did not run");
  // A property run without cases is no evidence.
  e.hilbert = std::vector<bool>{};
  CHECK(verdict(e, "hilbert") == Verdict::unchecked);
}

TEST_CASE("claim verdicts: Theorem 1 and the proof steps", "[claim-verdicts]") {
  AuditEvidence e = full();
  CHECK(verdict(e, "theorem1-paper") == Verdict::holds);
  CHECK(reason(e, "theorem1-paper").starts_with("within the rounding tolerance at every one of 100 layers (max error 0.001). Would be overturned by "));
  e.theorem1["paper"] = theorem1(LadderVerdict::fails);
  e.theorem1["paper"].certified_counterexample = true;
  CHECK(verdict(e, "theorem1-paper") == Verdict::fails);
  CHECK(reason(e, "theorem1-paper").starts_with(
      "u, v columns leave the GD iterates at layer 2 (max error 0.001; ladder slope 1.00: not rounding); certified by mpfi enclosures"));
  CHECK(row_of(audit_verdicts(e), "theorem1-paper").refuted_by == std::string(claim("theorem1-paper").overturned_by));
  e.theorem1["notebook"] = theorem1(LadderVerdict::rounding_only);
  CHECK(verdict(e, "theorem1-notebook") == Verdict::holds_with_caveat);
  e.theorem1["notebook"] = theorem1(LadderVerdict::unstable);
  CHECK(verdict(e, "theorem1-notebook") == Verdict::holds_with_caveat);
  // The corrected construction holds only inside its domain: a caveat even when its run holds,
  // with the ladder outside its domain as evidence.
  CHECK(verdict(e, "theorem1-corrected") == Verdict::holds_with_caveat);
  CHECK(reason(e, "theorem1-corrected").find("the ladder says unstable: the error reaches 0.0001 at layer double 21, mpfr:128 never; growth per layer 8.5 "
                                             "measured, 9 from those depths, 9 predicted") != std::string::npos);
  e.corrected_outside_domain->ladder.reset();  // the run held outside: nothing to add
  CHECK(reason(e, "theorem1-corrected").find("Outside") == std::string::npos);

  // Eq. (9): layer 1 within its tolerance (1e-15) in every variant that ran; at the tolerance it holds.
  e = full();
  e.theorem1["relu-reset"].layer1_v_err = 1e-15;
  CHECK(verdict(e, "proof-eq9") == Verdict::holds);
  e.theorem1["relu-reset"].layer1_v_err = 1.01e-15;
  CHECK(verdict(e, "proof-eq9") == Verdict::fails);
  e.theorem1.erase("relu-reset");  // the others suffice
  CHECK(verdict(e, "proof-eq9") == Verdict::holds);

  // The sink: fails with Theorem 1 on the paper variant, whatever the other variants say.
  e = full();
  CHECK(verdict(e, "proof-sink") == Verdict::holds);
  CHECK(reason(e, "proof-sink").starts_with("the sink's u drifts to -0.01 (fixed point -2 lambda ln n = -0.0138629)"));
  e.theorem1["notebook"] = theorem1(LadderVerdict::fails);
  CHECK(verdict(e, "proof-sink") == Verdict::holds);
  e.theorem1["paper"] = theorem1(LadderVerdict::fails);
  CHECK(verdict(e, "proof-sink") == Verdict::fails);
}

TEST_CASE("claim verdicts: Theorem 2's bound and precondition, the rate", "[claim-verdicts]") {
  AuditEvidence e = full();
  CHECK(verdict(e, "theorem2-bound") == Verdict::holds_with_caveat);
  CHECK(reason(e, "theorem2-bound").starts_with("holds at lambda = 0.1, l = 50 with 10^2.00 to spare; at the paper's lambda = 0.005 the bound is 10^80.0"));
  CHECK(verdict(e, "theorem2-precondition") == Verdict::holds_with_caveat);
  e.theorem2_main->bound_holds = false;
  CHECK(verdict(e, "theorem2-bound") == Verdict::fails);
  // The bound is checked against a converged reference only.
  e = full();
  e.theorem2_main->reference_converged = false;
  CHECK(verdict(e, "theorem2-bound") == Verdict::fails);
  // Where the precondition does not hold at the depth run the bound says nothing.
  e = full();
  e.theorem2_main->precondition_holds = false;
  CHECK(verdict(e, "theorem2-bound") == Verdict::unchecked);
  CHECK(reason(e, "theorem2-bound") == "the precondition does not hold at the depth run (l = 50)");
  CHECK(verdict(e, "theorem2-precondition") == Verdict::holds_with_caveat);
  // The precondition fails when no finite depth meets it at either lambda.
  e = full();
  e.theorem2_paper_lambda->precondition_reachable = false;
  CHECK(verdict(e, "theorem2-precondition") == Verdict::fails);
  e = full();
  e.theorem2_main->precondition_reachable = false;
  CHECK(verdict(e, "theorem2-precondition") == Verdict::fails);
  // The rate is never decided: upper bounds with instance-dependent constants.
  e = full();
  CHECK(verdict(e, "rate") == Verdict::unchecked);
  CHECK(reason(e, "rate").starts_with("no evidence either way. fits agree. Where the precondition holds (n = 4, lambda = 0.1, l = 50) the measured distance "
                                      "is 10^2.00 below the paper's bound and 10^1.40 below the talk's"));
  e.theorem2_main->precondition_holds = false;
  CHECK(reason(e, "rate") == "no evidence either way. fits agree. Would be decided by a distance above the talk's sqrt(n) bound where its precondition holds.");
}

TEST_CASE("claim verdicts: the printed sorting examples", "[claim-verdicts]") {
  // n = 4: the readout prints the paper's digits from layer 50 on under the paper's settings.
  AuditEvidence e = full();
  CHECK(verdict(e, "sorting-n4") == Verdict::holds);
  CHECK(row_of(audit_verdicts(e), "sorting-n4").claim == sorting_claim_text("4", kPrintedExamples[0].x, kPrintedExamples[0].printed_output));
  CHECK(row_of(audit_verdicts(e), "sorting-n4").steps == std::vector<std::string>{"sorting.n4.paper", "sorting.n4.code"});
  e.sorting["n4"] = {{"paper", scan(kOther4)}, {"code", scan(kPrinted4)}};
  CHECK(verdict(e, "sorting-n4") == Verdict::holds_with_caveat);
  CHECK(reason(e, "sorting-n4").starts_with("printed digits reproduced only under the released code's settings"));
  e.sorting["n4"] = {{"paper", scan(kOther4)}, {"code", scan(kOther4)}};
  CHECK(reason(e, "sorting-n4").starts_with("the readout approximates sorted x, but the printed digits are reproduced under neither setting"));
  // Printed at an earlier layer but not at the deepest: not reproduced.
  e.sorting["n4"]["paper"] = {{0, 50, 100}, {{0, 0, 0, 0}, kPrinted4, kOther4}};
  CHECK(verdict(e, "sorting-n4") == Verdict::holds_with_caveat);
  e.sorting["n4"].erase("paper");
  CHECK(verdict(e, "sorting-n4") == Verdict::unchecked);
  CHECK(row_of(audit_verdicts(e), "sorting-n4").claim == sorting_claim_text("4", kPrintedExamples[0].x, kPrintedExamples[0].printed_output));
}

TEST_CASE("claim verdicts: small lambda from the breakdown thresholds and search", "[claim-verdicts]") {
  AuditEvidence e = full();
  CHECK(verdict(e, "small-lambda") == Verdict::holds);
  CHECK(reason(e, "small-lambda") == "float: no lambda*; rounding alone not searched below the grid (worst over n and softmax mode; P_lambda* certified, E8). "
                                     "Would be overturned by " + std::string(claim("small-lambda").overturned_by) + ".");
  e.breakdown = grid({threshold("float", 100, 1e-3, "cancellation", 1e-3)});
  CHECK(verdict(e, "small-lambda") == Verdict::holds_with_caveat);
  CHECK(reason(e, "small-lambda").starts_with("only with enough precision: float: lambda* = 0.001 (cancellation at 100 layers); rounding alone from 0.001"));
  // Too few layers alone: depth is named, not precision.
  e.breakdown = grid({threshold("float", 100, 1e-2, "too-few-layers", std::nullopt)});
  CHECK(reason(e, "small-lambda").starts_with("only with enough depth: "));
  e.breakdown->thresholds.push_back(threshold("double", 100, std::nullopt, "", 1e-9));
  CHECK(reason(e, "small-lambda").starts_with("only with enough depth and precision: double: no lambda*; rounding alone from 1e-09; float: "));
  // The worst lambda* over n and softmax modes, with its cause.
  e.breakdown = grid({threshold("float", 100, 1e-3, "cancellation", std::nullopt), threshold("float", 100, 1e-2, "underflow", std::nullopt)});
  CHECK(reason(e, "small-lambda").starts_with("breaks down: float: lambda* = 0.01 (underflow at 100 layers); rounding alone not searched below the grid"));
  // A searched usable floor makes a caveat even where the grid never broke down;
  // a searched type without grid thresholds and the depth points are named too.
  e = full();
  e.breakdown_search = search({searched("float", 6e-6), searched("float", 2e-6), searched("mpfr:128", 1e-9), searched("double", std::nullopt)},
                              {{12, std::nullopt}, {40}});
  CHECK(verdict(e, "small-lambda") == Verdict::holds_with_caveat);
  CHECK(reason(e, "small-lambda") ==
        "only with enough precision: float: no lambda*; rounding alone none in the grid, usable down to lambda = 6e-06 (searched, E7); mpfr:128: usable "
        "down to lambda = 1e-09 (searched, E7); exact arithmetic needs at most 40 layers at any lambda in [1e-5, 0.9] (E9) (worst over n and softmax "
        "mode; P_lambda* certified, E8). Would be overturned by " +
            std::string(claim("small-lambda").overturned_by) + ".");
  // A search run without the depth needed (--no-depth) names no depth; a search that
  // found no usable lambda adds nothing.
  e.breakdown_search = search({searched("float", 6e-6)}, {});
  CHECK(reason(e, "small-lambda").find("(E9)") == std::string::npos);
  e.breakdown_search = search({searched("double", std::nullopt)}, {{std::nullopt}});
  CHECK(verdict(e, "small-lambda") == Verdict::holds);
  // The search without the grid decides nothing.
  e.breakdown.reset();
  CHECK(verdict(e, "small-lambda") == Verdict::unchecked);
}

TEST_CASE("claim verdicts: Hilbert properties and the prompt-engineering ablation", "[claim-verdicts]") {
  AuditEvidence e = full();
  CHECK(verdict(e, "hilbert") == Verdict::holds);
  e.hilbert = std::vector<bool>{true, false, true};
  CHECK(verdict(e, "hilbert") == Verdict::fails);
  CHECK(reason(e, "hilbert").starts_with("2 of 3 properties hold"));
  // The ablation, decided by prompt_engineering_verdict on the held-out ratio at the training n.
  e = full();
  CHECK(verdict(e, "prompt-engineering") == Verdict::holds);
  CHECK(reason(e, "prompt-engineering").starts_with(
      "held-out instances (sorted(x) != y), 2 seeds, otverify setup, grid data: at n = 7 mse vs sorted x engineered 0.001, plain 0.005 (copy-y baseline 0, "
      "mean-of-x 0); engineered sorts in 2 of 2 seeds; ratio plain / engineered 5 [bootstrap 95% 3, 50]; n = 15: 0.5 [0.2, 0.9] (plain wins); final "
      "training loss ratio 5. Would be overturned by "));
  e.ablation = ablation(true, 0.1, 0.5);
  CHECK(verdict(e, "prompt-engineering") == Verdict::fails);
  e.ablation = ablation(false, 3.0, 50.0);
  CHECK(verdict(e, "prompt-engineering") == Verdict::holds_with_caveat);
  e.ablation->paper_data = true;
  CHECK(reason(e, "prompt-engineering").find("; trained on the paper's data, where sorted(x) = y. Would") != std::string::npos);
  e.ablation->held_out.reset();
  CHECK(reason(e, "prompt-engineering") == "the training ablation has no held-out check (sorted(x) != y); regenerate it (docs/training.md)");
}

TEST_CASE("claim verdicts: a row's JSON is the report's", "[claim-verdicts]") {
  const std::vector<VerdictRow> rows = audit_verdicts(full());
  const json j = to_json(row_of(rows, "theorem1-relu-reset"));
  CHECK(j.dump() == json{{"id", "theorem1-relu-reset"},
                         {"claim", std::string(claim("theorem1-relu-reset").text)},
                         {"verdict", "holds"},
                         {"reason", row_of(rows, "theorem1-relu-reset").reason},
                         {"evidence", "theorem1"},
                         {"steps", {"theorem1.relu-reset.double"}},
                         {"refuted_by", std::string(claim("theorem1-relu-reset").overturned_by)}}
                        .dump());
  CHECK(to_json(row_of(rows, "rate")).size() == 6);  // no refuted_by on an unchecked row
  CHECK(to_json(rows).size() == rows.size());
}

TEST_CASE("claim verdicts: the evidence of a typed result is the evidence read from its --json", "[claim-verdicts][typed]") {
  // Theorem 1: failing (a ladder decision and a certified counterexample) and holding.
  Theorem1Spec t1;
  t1.instance = otv::paper_instance(4, 1);
  t1.layers = 6;
  t1.ladder = parse_ladder("double,mpfr:128");
  t1.certify = true;
  const Theorem1Result paper = run_theorem1(t1);
  const Theorem1Evidence fails = theorem1_evidence(paper);
  CHECK(fails.verdict == LadderVerdict::fails);
  CHECK(fails.certified_counterexample);
  CHECK(fails.ladder);
  CHECK(fails == theorem1_evidence(printed(to_json(paper))));
  t1.variant = otv::Variant::relu_reset;
  t1.certify = false;
  const Theorem1Result relu = run_theorem1(t1);
  CHECK(theorem1_evidence(relu).verdict == LadderVerdict::holds);
  CHECK(theorem1_evidence(relu) == theorem1_evidence(printed(to_json(relu))));

  // Theorem 2, with and without its precondition.
  Theorem2Spec t2;
  t2.instance = otv::paper_instance(4, 1);
  t2.layers = 40;
  const Theorem2Result main = run_theorem2(t2);
  CHECK(theorem2_evidence(main) == theorem2_evidence(printed(to_json(main))));
  t2.lambda = "0.005";
  const Theorem2Result paper_lambda = run_theorem2(t2);
  CHECK_FALSE(theorem2_evidence(paper_lambda).precondition_reachable);
  CHECK(theorem2_evidence(paper_lambda) == theorem2_evidence(printed(to_json(paper_lambda))));

  // A printed example's scan, in double and in mpfr (the readout as decimal strings).
  RunSpec run;
  run.instance = otv::paper_instance(4, 1);
  run.layers = 10;
  run.patterns_at = {0, 5, 10};
  const RunResult scanned = run_construction(run);
  CHECK(pattern_scan(scanned).layers == std::vector<long long>{0, 5, 10});
  CHECK(pattern_scan(scanned) == pattern_scan(printed(to_json(scanned))));
  run.scalar = otv::parse_scalar("mpfr:128");
  const RunResult mpfr = run_construction(run);
  CHECK(pattern_scan(mpfr) == pattern_scan(printed(to_json(mpfr))));

  // The ablation: planted held-out scores at n = 7, 9 and ratios at 7, 9, 15 (15 sorts before 7 as JSON keys).
  AblationResult a;
  a.base.data = "paper";
  a.ratio = 12.5;
  for (long long n : {7, 9}) {
    a.generalisation["engineered"][n] = {{1e-3, 2e-3}, {0.1, 0.1}, {1.5e-3, 5e-4}, 0.1, 0.2, 0.3, {"sorts", "copies"}};
    a.generalisation["plain"][n] = {{5e-3, 6e-3}, {0.1, 0.1}, {5.5e-3, 5e-4}, 0.1, 0.2, 0.3, {"copies", "copies"}};
  }
  for (long long n : {7, 9, 15}) a.held_out_ratio[n] = {3.5, {2.0, 6.0}, n == 15};
  const AblationEvidence ae = ablation_evidence(a);
  REQUIRE(ae.held_out);
  CHECK(ae.held_out->engineered_sorts == std::vector<bool>{true, false});
  CHECK(ae == ablation_evidence(printed(to_json(a))));
  a.held_out_ratio.erase(7);  // no held-out check at the training n
  CHECK_FALSE(ablation_evidence(a).held_out);
  CHECK(ablation_evidence(a) == ablation_evidence(printed(to_json(a))));

  // The whole table: the report's steps JSON gives the evidence, and the rows, of the typed results.
  AuditEvidence typed;
  typed.theorem1["paper"] = fails;
  typed.theorem1["relu-reset"] = theorem1_evidence(relu);
  typed.theorem2_main = theorem2_evidence(main);
  typed.theorem2_paper_lambda = theorem2_evidence(paper_lambda);
  typed.sorting["n4"] = {{"paper", pattern_scan(scanned)}, {"code", pattern_scan(mpfr)}};
  typed.ablation = ablation_evidence(a);
  json steps = json::object();
  steps["theorem1.paper.double"]["result"] = printed(to_json(paper));
  steps["theorem1.relu-reset.double"]["result"] = printed(to_json(relu));
  steps["theorem1.notebook.double"] = {{"error", "crashed"}};  // ran without a result: missing
  steps["theorem2.main"]["result"] = printed(to_json(main));
  steps["theorem2.paper_lambda"]["result"] = printed(to_json(paper_lambda));
  steps["sorting.n4.paper"]["result"] = printed(to_json(scanned));
  steps["sorting.n4.code"]["result"] = printed(to_json(mpfr));
  const AuditEvidence decoded = audit_evidence(steps, printed(to_json(a)));
  CHECK(decoded == typed);
  CHECK(to_json(audit_verdicts(decoded)) == to_json(audit_verdicts(typed)));
  CHECK(audit_evidence(json::object(), nullptr) == AuditEvidence{});
}

TEST_CASE("claim verdicts: the report's steps JSON read as evidence (breakdown, search, properties, rates)", "[claim-verdicts]") {
  // The breakdown steps as the report runs them: the grid map (otverify breakdown --points, or
  // merge of a --breakdown file) and the search with (full) and without (quick, --no-depth) the
  // depth needed; each printed with --json ("out" beside the summary) and read back whole.
  const BreakdownSummary map = grid({threshold("float", 100, 1e-3, "cancellation", std::nullopt), threshold("double", 50, std::nullopt, "", HUGE_VAL)});
  const BreakdownSummary deep = search({searched("float", 6e-6), searched("double", std::nullopt)}, {{12, std::nullopt}, {}});
  const BreakdownSummary shallow = search({searched("float", 6e-6)}, {});
  auto step = [](const BreakdownSummary& s) {
    json r = to_json(s);
    r["out"] = nullptr;
    return json{{"command", "otverify breakdown --json"}, {"exit_code", 0}, {"result", printed(r)}};
  };
  json steps = json::object();
  steps["breakdown"] = step(map);
  steps["breakdown.search"] = step(deep);
  steps["hilbert"]["result"]["cases"] = json::array({json{{"success", true}}, json{{"success", false}}});
  steps["theorem2.rates"]["result"]["rates"]["conclusion"] = "fits agree.";
  steps["sorting.n8.paper"]["result"] = json::object();  // a run without its scan: no evidence
  AuditEvidence want;
  want.breakdown = map;
  want.breakdown_search = deep;
  want.hilbert = std::vector<bool>{true, false};
  want.rates_conclusion = "fits agree.";
  const AuditEvidence e = audit_evidence(steps, nullptr);
  CHECK(e == want);
  CHECK(e.breakdown->thresholds.at(1).lambda_star_numeric == HUGE_VAL);  // "inf" read back
  CHECK(to_json(audit_verdicts(e)) == to_json(audit_verdicts(want)));
  steps["breakdown.search"] = step(shallow);
  want.breakdown_search = shallow;
  CHECK(audit_evidence(steps, nullptr) == want);
  // A merged sweep holding search lines too: the grid step's summary carries them, the row reads its thresholds only.
  BreakdownSummary merged = map;
  merged.search = deep.search;
  merged.depth = deep.depth;
  steps["breakdown"] = step(merged);
  want.breakdown = merged;
  CHECK(audit_evidence(steps, nullptr) == want);
  AuditEvidence grid_only = want;
  grid_only.breakdown = map;
  CHECK(row_of(audit_verdicts(want), "small-lambda") == row_of(audit_verdicts(grid_only), "small-lambda"));
  // A rates step without its analysis is no evidence; a breakdown step that failed (no
  // result) did not run, and the search alone decodes without the grid.
  steps["theorem2.rates"]["result"] = json::object();
  steps["breakdown"] = {{"command", "otverify breakdown --json"}, {"exit_code", 4}, {"error", "crashed"}};
  want.rates_conclusion.reset();
  want.breakdown.reset();
  CHECK(audit_evidence(steps, nullptr) == want);
  CHECK(verdict(want, "small-lambda") == Verdict::unchecked);
  steps.erase("breakdown.search");
  CHECK_FALSE(audit_evidence(steps, nullptr).breakdown_search);
  // A summary missing a field is not read as evidence.
  steps["breakdown"] = step(map);
  steps["breakdown"]["result"].erase("tolerance");
  CHECK_THROWS_AS(audit_evidence(steps, nullptr), json::exception);
}
