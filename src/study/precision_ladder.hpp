#pragma once
// A precision ladder: one computation repeated at rising precisions (rungs), each
// rung compared with the one below, until a stopping rule settles it. The suite's
// three ladders are instances: Theorem 1's decision over scalar types
// (study/theorem1_decision.hpp), the breakdown reference in mpfr (doubling until the
// compared quantities stop moving) and the certified entropic plan P_lambda*.
#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "otv/scalar_spec.hpp"

namespace otv::study {

template <class Result> struct Rung {
  ScalarSpec scalar;
  Result result;
  std::optional<double> change;  // against the rung below; none on the first rung or when not compared
  double seconds = 0;
};

template <class Result> struct Ladder {
  std::vector<Rung<Result>> rungs;
  // The stopping rule held at the top rung. False when the ladder ended for want
  // of rungs (max_rungs, or no next rung) before the rule held.
  bool settled = false;
  const Rung<Result>& top() const { return rungs.back(); }
};

// What the stopping rule says after a rung: whether the ladder is settled there,
// and which rung to compute next (none: stop). A settled ladder may still climb,
// e.g. to confirm a certificate at a higher precision.
struct LadderStep {
  bool settled = false;
  std::optional<ScalarSpec> next;
};

// Climbs from `first`:
//   result_k = compute(rung_k, rungs below),  change_k = compare(result_{k-1}, result_k),
//   (settled, rung_{k+1}) = step(rungs 0..k),
// until step names no next rung or max_rungs rungs are done.
//
// Parameters
//   first     : ScalarSpec -- the lowest rung.
//   compute   : (const ScalarSpec&, const std::vector<Rung<Result>>&) -> Result;
//               the rungs below allow a warm start from the previous result.
//   compare   : (const Result& below, const Result& above) -> std::optional<double>.
//   step      : (const std::vector<Rung<Result>>&) -> LadderStep, the stopping rule.
//   max_rungs : at most this many rungs (>= 1).
// Returns
//   Ladder<Result> -- every rung computed, with its change and wall seconds, and
//   whether the rule held at the top rung.
// Example
//   // mpfr from 160 bits, doubled until two rungs agree to 1e-40, at most 5 rungs:
//   auto step = [](const std::vector<Rung<double>>& r) {
//     const bool settled = r.back().change && *r.back().change < 1e-40;
//     return LadderStep{settled, settled ? std::nullopt : std::optional(ScalarSpec{ScalarSpec::Kind::mpfr, 2 * r.back().scalar.bits})};
//   };
//   Ladder<double> l = climb<double>({ScalarSpec::Kind::mpfr, 160}, compute, relative_change, step, 5);
template <class Result, class Compute, class Compare, class Step>
Ladder<Result> climb(const ScalarSpec& first, Compute&& compute, Compare&& compare, Step&& step, std::size_t max_rungs) {
  Ladder<Result> ladder;
  std::optional<ScalarSpec> at = first;
  while (at && ladder.rungs.size() < max_rungs) {
    const auto start = std::chrono::steady_clock::now();
    Result result = compute(*at, std::as_const(ladder.rungs));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::optional<double> change;
    if (!ladder.rungs.empty()) change = compare(std::as_const(ladder.rungs.back().result), std::as_const(result));
    ladder.rungs.push_back({*at, std::move(result), change, seconds});
    const LadderStep s = step(std::as_const(ladder.rungs));
    ladder.settled = s.settled;
    at = s.next;
  }
  return ladder;
}

}  // namespace otv::study
