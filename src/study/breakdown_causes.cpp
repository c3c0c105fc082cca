#include "study/breakdown_causes.hpp"

#include "study/breakdown_results.hpp"

namespace otv::study {

using nlohmann::json;

bool nonfinite(const json& cell) { return cell.at("nan_entries").get<long long>() + cell.at("inf_entries").get<long long>() > 0; }

namespace {

std::string nonfinite_cause(const json& cell) {
  const json& ex = cell.at("exceptions");
  if ((!ex.is_null() && ex.at("overflow").get<bool>()) || metric(cell, "max_exp_argument") > metric(cell, "log_max_finite")) return "exp-overflow";
  if (cell.at("underflowed_rows").get<long long>() > 0) return "row-underflow";
  return "non-finite";
}

// The layer-1 scores see only the expanded |x|^2 - 2<x,y> + |y|^2 (u = v = 0):
// an error already there within a factor 4 is cancellation; else it grew in u, v.
std::string rounding_cause(const json& cell) {
  return 4 * metric(cell, "numeric_error_layer1") >= metric(cell, "numeric_error") ? "cancellation" : "accumulation";
}

}  // namespace

bool cell_fails(const json& cell, double tolerance) { return !(metric(cell, "distance_to_optimal") <= tolerance) || nonfinite(cell); }

bool numeric_fails(const json& cell, double tolerance) { return !(metric(cell, "numeric_error") <= tolerance) || nonfinite(cell); }

std::string numeric_cause(const json& cell) { return nonfinite(cell) ? nonfinite_cause(cell) : rounding_cause(cell); }

std::string cell_cause(const json& cell, double tolerance) {
  if (nonfinite(cell)) return nonfinite_cause(cell);
  // distance to P* <= numeric error + the exact run's distance (triangle inequality),
  // so a failing cell has a contributor >= tolerance/2: the larger one is the cause.
  // The exact run's distance is known only through the reference P_lambda*, to
  // within its certified bound B: too-few-layers needs the lower end, r - B.
  const json& optimal = cell.at("optimal");
  if (!optimal.at("converged").get<bool>() || optimal.at("hilbert_bound").is_null()) return "reference-not-certified";
  const double bound = optimal.at("hilbert_bound").get<double>();
  const double numeric = metric(cell, "numeric_error");
  const double layers_short = metric(cell, "reference_distance_to_optimal") - bound;
  if (numeric >= layers_short && numeric >= tolerance / 2 - 2 * bound) return rounding_cause(cell);
  if (layers_short > numeric && layers_short >= tolerance / 2) return "too-few-layers";
  return "other";  // would mean inconsistent metrics
}

std::optional<std::string> failure_cause(const json& cell, double tolerance) {
  const std::string kind = cell.value("kind", std::string("grid"));
  if (kind == "search") return numeric_fails(cell, tolerance) ? std::optional(numeric_cause(cell)) : std::nullopt;
  if (kind == "depth") return std::nullopt;
  return cell_fails(cell, tolerance) ? std::optional(cell_cause(cell, tolerance)) : std::nullopt;
}

json with_causes(const std::vector<json>& cells, double tolerance) {
  json out = json::array();
  for (json c : cells) {
    const auto cause = failure_cause(c, tolerance);
    c["cause"] = cause ? json(*cause) : json(nullptr);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace otv::study
