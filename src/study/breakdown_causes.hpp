#pragma once
// When a breakdown cell fails and why (docs/error-model.md, "lambda*"): the rules the
// threshold table, the numeric search and otverify advise apply to result lines
// (study/breakdown_results.hpp).
//
// A grid cell fails when its head-1 pattern is farther than the tolerance from the
// certified P_lambda* in the Hilbert metric, or holds a non-finite entry:
//   fails  <=>  not (distance_to_optimal <= tol)  or  nan + inf entries > 0.
// A search probe fails on rounding alone: not (numeric_error <= tol) or non-finite.
//
// Causes, in order:
//   non-finite cells:  exp-overflow (overflow flag, or max exp argument > ln max finite),
//                      row-underflow (a data row's softmax all zero), else non-finite;
//   finite cells: by the triangle inequality d(S, P*) <= numeric + d(exact, P*), a failing
//   cell has a contributor >= tol/2; with P*'s certified bound B:
//     numeric >= d(exact, P*) - B and numeric >= tol/2 - 2B   -> cancellation when the
//       layer-1 error is within a factor 4 of the final one (4 e_1 >= e_L), else accumulation;
//     d(exact, P*) - B > numeric and >= tol/2                -> too-few-layers;
//     P* not certified                                        -> reference-not-certified;
//     otherwise                                               -> other (inconsistent metrics).
//
// Example
//   json c = ...;  // numeric_error 2e-2, numeric_error_layer1 6e-3, reference distance 1e-3
//   cell_cause(c, 1e-2) == "cancellation"
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace otv::study {

bool nonfinite(const nlohmann::json& cell);

// Failure and cause of one grid cell under a tolerance.
bool cell_fails(const nlohmann::json& cell, double tolerance);
std::string cell_cause(const nlohmann::json& cell, double tolerance);

// A numeric failure (rounding alone beyond the tolerance, or non-finite) and its cause.
bool numeric_fails(const nlohmann::json& cell, double tolerance);
std::string numeric_cause(const nlohmann::json& cell);

// The cause of a failing result line under its own rule (search probes: numeric;
// grid and bisection cells: against P_lambda*), nullopt when it passes or is a depth line.
std::optional<std::string> failure_cause(const nlohmann::json& cell, double tolerance);

// The lines, each with "cause": failure_cause or null.
nlohmann::json with_causes(const std::vector<nlohmann::json>& cells, double tolerance);

}  // namespace otv::study
