#pragma once
// The verdicts on the paper's claims (study/claims.hpp) as pure functions of the
// audit steps' results: the JSON each step printed with --json, keyed by step id
// ({id: {"result": ...}}; a step that did not run has no entry or no "result").
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
//   small-lambda        caveat when any type has a lambda* or a searched usable floor;
//   hilbert             holds when every property test passed;
//   prompt-engineering  prompt_engineering_verdict on the held-out ablation.
// A missing step makes its row "cannot be checked here".
#include <nlohmann/json.hpp>

namespace otv::study {

inline constexpr const char* kHolds = "holds";
inline constexpr const char* kFails = "fails";
inline constexpr const char* kCaveat = "holds with caveat";
inline constexpr const char* kUnchecked = "cannot be checked here";

// The verdict table, one row per claim in the report's order.
// Parameters
//   steps    : {step id: {"result": step JSON, ...}} -- otverify report's audit results.
//   ablation : the training ablation (null when absent).
// Returns
//   array of rows as above, each decided row naming what would overturn it.
// Example
//   audit_verdicts(json::object(), nullptr)[0]["verdict"] == "cannot be checked here"
nlohmann::json audit_verdicts(const nlohmann::json& steps, const nlohmann::json& ablation);

}  // namespace otv::study
