// Definitions of the Theorem 1 decision declared in theorem1_decision.hpp.
#include "study/theorem1_decision.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace otv::study {

using nlohmann::json;

namespace {

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<long long>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

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
