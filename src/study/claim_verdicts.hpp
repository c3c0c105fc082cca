#pragma once
// The verdicts on the paper's claims (study/claims.hpp) as pure functions of typed
// evidence: AuditEvidence holds, per audit step, the facts the verdicts read (absent
// when the step did not run); audit_verdicts decides one VerdictRow per claim.
// The evidence comes either from the studies' typed results (theorem1_evidence(
// Theorem1Result), ...) or, in `otverify report`, from the JSON each step printed
// with --json (audit_evidence); both give the same evidence.
//
// Each row: {id, claim, verdict, reason, evidence, steps[, refuted_by]}, verdict one of
//   holds | holds with caveat | fails | cannot be checked here,
// decided per claim:
//   theorem1-<variant>  the theorem1 step's verdict (holds; rounding or unstable: caveat;
//                       fails), corrected always a caveat (only for gamma < 2 lambda (n + 1));
//   proof-eq9           layer 1 within its tolerance in every variant that ran;
//   proof-sink          fails when Theorem 1 fails on the paper variant;
//   theorem2-bound      the bound holds and the reference converged (caveat: vacuous at the
//                       paper's lambda); unchecked when the precondition fails at the depth run;
//   theorem2-precondition  caveat when reachable at both lambdas, else fails;
//   rate                never decided (upper bounds with instance-dependent constants);
//   sorting-<example>   holds when the printed digits appear and last under the paper's
//                       settings, caveat otherwise;
//   small-lambda        caveat when any type has a lambda* (the breakdown step's CurveThreshold)
//                       or a searched usable floor (breakdown.search's SearchThreshold::passes_at);
//   hilbert             holds when every property test passed;
//   prompt-engineering  prompt_engineering_verdict on the held-out ablation.
// Every claim has exactly one row, in paper_claims()'s order: a missing step makes
// its row "cannot be checked here", the reason naming the step.
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "study/breakdown_summary.hpp"
#include "study/verdict_rules.hpp"

namespace otv::study {

struct Theorem1Result;
struct Theorem2Result;
struct RunResult;
struct AblationResult;

enum class Verdict { holds, holds_with_caveat, fails, unchecked };

// "holds", "holds with caveat", "fails", "cannot be checked here".
const char* to_string(Verdict v);

// One row of the verdict table; steps: the audit steps it was decided from.
struct VerdictRow {
  std::string id, claim;
  Verdict verdict = Verdict::unchecked;
  std::string reason, evidence;
  std::vector<std::string> steps;
  std::optional<std::string> refuted_by;  // decided rows: what would overturn the verdict
  bool operator==(const VerdictRow&) const = default;
};

// The row as the report's "verdicts" carry it (refuted_by only when set).
nlohmann::json to_json(const VerdictRow& row);
nlohmann::json to_json(const std::vector<VerdictRow>& rows);

// A Theorem 1 ladder that did not hold: the failure level, the depth at which each
// rung's error reaches it, and the growth per layer measured and predicted.
struct Theorem1LadderEvidence {
  double failure_level = 0;
  std::vector<std::pair<std::string, std::optional<long long>>> failure_depths;  // (scalar, depth) per rung
  std::optional<double> growth_per_layer, growth_from_depths, predicted_growth_corrected_sink;
  bool operator==(const Theorem1LadderEvidence&) const = default;
};

// One `otverify theorem1` step: its decision, the layer-1 errors (eq. 9), the sink's
// last u and the instance's n and lambda (the fixed point -2 lambda ln n).
struct Theorem1Evidence {
  LadderVerdict verdict = LadderVerdict::holds;
  long long layers = 0;
  std::optional<long long> first_failing_layer;
  double max_err = 0;
  std::optional<double> ladder_slope;
  bool certified_counterexample = false;  // disjoint mpfi enclosures
  double layer1_u_err = 0, layer1_v_err = 0, layer1_tolerance = 0;
  double sink_u = 0;  // at the last layer
  double n = 0, lambda = 0;
  std::optional<Theorem1LadderEvidence> ladder;  // unless the verdict is holds
  bool operator==(const Theorem1Evidence&) const = default;
};

// One `otverify theorem2` step.
struct Theorem2Evidence {
  bool precondition_holds = false, bound_holds = false, reference_converged = false;
  long long n = 0, layers = 0;
  double lambda = 0;
  double measured = 0, log10_bound = 0, log10_tightness = 0;
  bool precondition_reachable = false;  // a finite depth meets the precondition
  double log10_min_layers_for_precondition = 0;
  bool operator==(const Theorem2Evidence&) const = default;
};

// A printed example's scan (`otverify run --patterns-at`): the readout per layer scanned.
struct PatternScan {
  std::vector<long long> layers;
  std::vector<std::vector<double>> readouts;
  bool operator==(const PatternScan&) const = default;
};

// The training ablation's held-out facts at the training n (its text: "7").
struct HeldOutRatioEvidence {
  double ratio = 0, lo = 0, hi = 0;  // plain / engineered mse and its bootstrap 95% interval
  bool plain_wins = false;
  bool operator==(const HeldOutRatioEvidence&) const = default;
};
struct HeldOutEvidence {
  std::string n;
  std::vector<bool> engineered_sorts;  // per seed
  double engineered_mse = 0, plain_mse = 0, copy_y_baseline = 0, mean_baseline = 0;
  std::map<std::string, HeldOutRatioEvidence> ratios;  // by n as text (the JSON's key order)
  bool operator==(const HeldOutEvidence&) const = default;
};
struct AblationEvidence {
  std::string setup, data;
  bool paper_data = false;     // trained where sorted(x) = y
  double training_ratio = 0;   // final training loss plain / engineered
  std::optional<HeldOutEvidence> held_out;  // nullopt: no held-out scores of both prompts and ratio at the training n
  bool operator==(const AblationEvidence&) const = default;
};

// What the verdicts read, one member per audit step (nullopt or absent: did not run).
struct AuditEvidence {
  std::map<std::string, Theorem1Evidence> theorem1;         // by variant (kVariants), in double
  std::optional<Theorem1Evidence> corrected_outside_domain;  // lambda = 0.001, gamma = 0.05
  std::optional<Theorem2Evidence> theorem2_main, theorem2_paper_lambda;
  std::optional<std::string> rates_conclusion;               // theorem2.rates
  std::map<std::string, std::map<std::string, PatternScan>> sorting;  // example id (n4) -> setting (paper, code)
  // The breakdown steps' summaries (`otverify breakdown --json`, or merge of a given sweep):
  // the small-lambda row reads the grid map's thresholds and the search's curves and depth.
  std::optional<BreakdownSummary> breakdown, breakdown_search;
  std::optional<std::vector<bool>> hilbert;                  // per property: passed
  std::optional<AblationEvidence> ablation;
  bool operator==(const AuditEvidence&) const = default;
};

// The evidence of one typed result, and of the same result's --json (equal for a
// result and its to_json). The JSON readers throw nlohmann::json::exception for a
// result missing a field the verdicts read (std::invalid_argument for an unknown
// Theorem 1 verdict), and std::out_of_range for a Theorem 1 run without layer 1.
Theorem1Evidence theorem1_evidence(const Theorem1Result& r);
Theorem1Evidence theorem1_evidence(const nlohmann::json& result);
Theorem2Evidence theorem2_evidence(const Theorem2Result& r);
Theorem2Evidence theorem2_evidence(const nlohmann::json& result);
PatternScan pattern_scan(const RunResult& r);
PatternScan pattern_scan(const nlohmann::json& result);
AblationEvidence ablation_evidence(const AblationResult& r);
AblationEvidence ablation_evidence(const nlohmann::json& ablation);

// The evidence in otverify report's audit results.
// Parameters
//   steps    : {step id: {"result": step JSON, ...}}; a step without "result" did not run.
//   ablation : the training ablation's JSON (null when absent).
// Returns
//   AuditEvidence -- each step's facts, read as the verdicts need them; the breakdown
//   and breakdown.search results whole, by breakdown_summary_from_json (a json
//   exception for a summary missing a field).
// Example
//   audit_evidence(json::object(), nullptr) == AuditEvidence{}
AuditEvidence audit_evidence(const nlohmann::json& steps, const nlohmann::json& ablation);

// The verdict table: a pure function of the evidence, one row per claim of
// paper_claims() in its order, each decided row naming what would overturn it.
// Parameters
//   e : AuditEvidence -- the steps' facts (from typed results or audit_evidence).
// Returns
//   vector<VerdictRow> -- as above; a row whose step is missing is Verdict::unchecked
//   with the reason "the ... step did not run".
// Example
//   AuditEvidence e;
//   e.hilbert = std::vector<bool>{true, true};
//   audit_verdicts(e)[12].verdict;  // Verdict::holds (the hilbert row)
//   audit_verdicts({})[0].verdict;  // Verdict::unchecked
std::vector<VerdictRow> audit_verdicts(const AuditEvidence& e);

}  // namespace otv::study
