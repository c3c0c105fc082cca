#pragma once
// Theorem 1's verdict on one instance from its runs in several scalar types, and
// the verdict over random trials: pure functions of typed runs, with the JSON
// codecs of the command's output beside the structs.
//
// Theorem 1 claims Z^(l)_{i,u} = u_i^(l), Z^(l)_{j,v} = v_j^(l) (eq. 4 iterates) at
// every layer l. A run measures max |Z - GD| per layer against the rounding
// tolerance tol_l of otv/error_model.hpp; the precision ladder (verdict_rules.hpp)
// tells rounding from a discrepancy that survives every precision.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "study/verdict_rules.hpp"

namespace otv::study {

// One run of the comparison in one scalar type (the fields the decision reads).
struct Theorem1Run {
  std::string scalar;                            // e.g. "double", "mpfr:256"
  double precision_bits = 0, unit_roundoff = 0;
  double max_err = 0, tolerance = 0;             // over all layers; the last layer's tol_L
  std::optional<long long> first_failing_layer;  // first l with max |Z - GD| > tol_l
  LadderRung rung;                               // per layer: max(max |du|, max |dv|) and tol_l
};

// (study/theorem1.hpp's theorem1_run reads one from a typed comparison.)

// One rung of the ladder as reported: the run's summary and the depth at which its
// error reaches the decision's failure level (nullopt: never, or no level).
struct Theorem1LadderEntry {
  std::string scalar;
  double max_err = 0, unit_roundoff = 0, tolerance = 0;
  std::optional<long long> first_failing_layer, failure_depth;
};

struct Theorem1Decision {
  std::vector<Theorem1LadderEntry> ladder;
  LadderDecision decision;
  // |1 - gamma / (lambda (n + 1))|: the growth per layer of corrected's sink map
  // u <- u - gamma h(u), h'(0) = 1 / (lambda (n + 1)) (docs/findings.md F3); set
  // whenever the verdict is not `holds`.
  std::optional<double> predicted_growth_corrected_sink;
};

// |1 - gamma / (lambda (n + 1))|.
double corrected_sink_growth(double lambda, double gamma, double n);

// Decides Theorem 1 on one instance.
//   base:   the run in the base scalar type
//   ladder: the runs in the ladder's types, in order (may repeat the base type,
//           which then counts once as a rung); empty: no ladder was run
//   lambda, gamma, n: the instance's parameters (for the predicted growth)
// Returns the ladder entries, the ladder's decision (rungs: base, then the ladder's
// other types) and the prediction.
// Example: decide_theorem1(run_double, {run_double, run_mpfr128}, 0.005, 0.01, 4).decision.verdict
Theorem1Decision decide_theorem1(const Theorem1Run& base, const std::vector<Theorem1Run>& ladder, double lambda, double gamma,
                                 std::size_t n);

// Writes ladder, ladder_slope, verdict and (unless the verdict is `holds`)
// ladder_decision into the command's result object.
void write_json(const Theorem1Decision& d, nlohmann::json& result);

// Random trials: the verdict over all, and the trial that represents them (the first
// that does not hold, else the first).
struct Theorem1TrialsSummary {
  int holds = 0, rounding_only = 0, unstable = 0, fails = 0;
  LadderVerdict verdict = LadderVerdict::holds;  // the worst found: holds < rounding-only < unstable < fails
  std::size_t representative = 0;
  bool any_not_holding = false;
};

Theorem1TrialsSummary summarise_trials(const std::vector<LadderVerdict>& verdicts);

// "holds", "rounding-only", "unstable", "fails" (to_string's inverse); throws std::invalid_argument otherwise.
LadderVerdict parse_ladder_verdict(const std::string& text);

}  // namespace otv::study
