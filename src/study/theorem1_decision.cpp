// Definitions of the Theorem 1 decision declared in theorem1_decision.hpp.
#include "study/theorem1_decision.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace otv::study {

using nlohmann::json;

namespace {

double number_or_nan(const json& v) { return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>(); }

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<long long>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

Theorem1Run theorem1_run_from_json(const json& j) {
  Theorem1Run r;
  r.scalar = j.at("scalar").get<std::string>();
  r.precision_bits = j.at("precision_bits").get<double>();
  r.unit_roundoff = number_or_nan(j.at("unit_roundoff"));
  r.max_err = number_or_nan(j.at("max_err"));
  r.tolerance = number_or_nan(j.at("tolerance"));
  if (!j.at("first_failing_layer").is_null()) r.first_failing_layer = j["first_failing_layer"].get<long long>();
  r.rung.bits = r.precision_bits;
  for (const auto& e : j.at("per_layer")) {
    // NaN in either column is no error bound (std::max would drop a NaN second argument).
    const double du = number_or_nan(e.at("max_u_err")), dv = number_or_nan(e.at("max_v_err"));
    r.rung.error.push_back(std::isnan(du) || std::isnan(dv) ? std::numeric_limits<double>::quiet_NaN() : std::max(du, dv));
    r.rung.tolerance.push_back(number_or_nan(e.at("tolerance")));
  }
  return r;
}

double corrected_sink_growth(double lambda, double gamma, double n) { return std::abs(1 - gamma / (lambda * (n + 1))); }

Theorem1Decision decide_theorem1(const Theorem1Run& base, const std::vector<Theorem1Run>& ladder, double lambda, double gamma,
                                 std::size_t n) {
  Theorem1Decision t;
  std::vector<LadderRung> rungs{base.rung};
  for (const auto& r : ladder)
    if (r.scalar != base.scalar) rungs.push_back(r.rung);
  t.decision = decide_ladder(rungs);
  for (const auto& r : ladder) {
    const auto depth = first_reaching(r.rung, t.decision.failure_level);
    t.ladder.push_back({r.scalar, r.max_err, r.unit_roundoff, r.tolerance, r.first_failing_layer,
                        t.decision.failure_level > 0 ? depth : std::nullopt});
  }
  if (t.decision.verdict != LadderVerdict::holds) t.predicted_growth_corrected_sink = corrected_sink_growth(lambda, gamma, double(n));
  return t;
}

void write_json(const Theorem1Decision& d, json& result) {
  json ladder = json::array();
  for (const auto& e : d.ladder)
    ladder.push_back({{"scalar", e.scalar}, {"max_err", e.max_err}, {"unit_roundoff", e.unit_roundoff}, {"tolerance", e.tolerance},
                      {"first_failing_layer", optional_json(e.first_failing_layer)}, {"failure_depth", optional_json(e.failure_depth)}});
  result["ladder"] = ladder;
  result["ladder_slope"] = optional_json(d.decision.slope);
  result["verdict"] = to_string(d.decision.verdict);
  if (d.decision.verdict != LadderVerdict::holds)
    result["ladder_decision"] = {{"failure_level", d.decision.failure_level},
                                 {"growth_per_layer", optional_json(d.decision.growth_per_layer)},
                                 {"layers_per_bit", optional_json(d.decision.layers_per_bit)},
                                 {"growth_from_depths", optional_json(d.decision.growth_from_depths)},
                                 {"predicted_growth_corrected_sink", optional_json(d.predicted_growth_corrected_sink)}};
}

LadderVerdict parse_ladder_verdict(const std::string& text) {
  for (LadderVerdict v : {LadderVerdict::holds, LadderVerdict::rounding_only, LadderVerdict::unstable, LadderVerdict::fails})
    if (text == to_string(v)) return v;
  throw std::invalid_argument("not a ladder verdict: " + text);
}

Theorem1TrialsSummary summarise_trials(const std::vector<LadderVerdict>& verdicts) {
  Theorem1TrialsSummary s;
  for (std::size_t k = 0; k < verdicts.size(); ++k) {
    const LadderVerdict v = verdicts[k];
    ++(v == LadderVerdict::holds ? s.holds : v == LadderVerdict::rounding_only ? s.rounding_only : v == LadderVerdict::unstable ? s.unstable : s.fails);
    if (v != LadderVerdict::holds && !s.any_not_holding) { s.any_not_holding = true; s.representative = k; }
    s.verdict = std::max(s.verdict, v);  // the enumerators are in order of severity
  }
  return s;
}

}  // namespace otv::study
