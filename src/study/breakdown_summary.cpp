#include "study/breakdown_summary.hpp"

#include <nlohmann/json.hpp>

#include "study/json_number.hpp"

namespace otv::study {

using nlohmann::json;

namespace {

// Recorded numbers and optional lambdas: null for none, non-finite values spelled out.
json recorded(const std::optional<double>& x) { return x ? json_number(*x) : json(nullptr); }
// Numbers the summary computes (c, slopes, ...): as nlohmann writes a double.
json plain(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

json to_json(const std::optional<FloatExceptions>& e) {
  if (!e) return nullptr;
  return {{"overflow", e->overflow}, {"underflow", e->underflow}, {"invalid", e->invalid}, {"divide_by_zero", e->divide_by_zero}};
}

json to_json(const ThresholdEvidence& e) {
  return {{"distance_to_optimal", recorded(e.distance_to_optimal)}, {"numeric_error", recorded(e.numeric_error)},
          {"numeric_error_layer1", recorded(e.numeric_error_layer1)}, {"reference_distance_to_optimal", recorded(e.reference_distance_to_optimal)},
          {"nan_entries", e.nan_entries}, {"inf_entries", e.inf_entries}, {"underflowed_rows", e.underflowed_rows},
          {"max_exp_argument", recorded(e.max_exp_argument)}, {"min_exp_argument", recorded(e.min_exp_argument)}, {"exceptions", to_json(e.exceptions)},
          {"correct_bits", e.correct_bits}, {"optimal_hilbert_bound", recorded(e.optimal_hilbert_bound)}};
}
ThresholdEvidence threshold_evidence_from(const json& j) {
  return {recorded_number(j.at("distance_to_optimal")), recorded_number(j.at("numeric_error")), recorded_number(j.at("numeric_error_layer1")),
          recorded_number(j.at("reference_distance_to_optimal")), j.at("nan_entries").get<long long>(), j.at("inf_entries").get<long long>(),
          j.at("underflowed_rows").get<long long>(), recorded_number(j.at("max_exp_argument")), recorded_number(j.at("min_exp_argument")),
          float_exceptions_from_json(j.at("exceptions")), j.at("correct_bits").get<double>(), recorded_number(j.at("optimal_hilbert_bound"))};
}

json to_json(const CurveThreshold& t) {
  json j = {{"n", t.n}, {"scalar", t.scalar}, {"softmax", t.softmax}, {"seed", t.seed}, {"variant", t.variant}, {"layers", t.layers},
            {"generator", t.generator}, {"gamma_ratio", t.gamma_ratio}, {"tolerance", t.tolerance}, {"cells", t.cells},
            {"lambda_star", recorded(t.lambda_star)}, {"status", t.status}, {"lambda_star_numeric", recorded(t.lambda_star_numeric)},
            {"lambda_underflow_onset", recorded(t.lambda_underflow_onset)}, {"cost_max", t.cost_max}, {"squared_norm_max", t.squared_norm_max},
            {"log_min_normal", recorded(t.log_min_normal)}, {"unit_roundoff", t.unit_roundoff}};
  if (t.lambda_star) {
    j["passes_at"] = recorded(t.passes_at);
    j["cause"] = t.cause.value();
    j["evidence"] = to_json(t.evidence.value());
  }
  return j;
}
CurveThreshold curve_threshold_from(const json& j) {
  CurveThreshold t = curve_identity_from_json(j);
  t.tolerance = j.at("tolerance").get<double>();
  t.cells = j.at("cells").get<long long>();
  t.lambda_star = recorded_number(j.at("lambda_star"));
  t.status = j.at("status").get<std::string>();
  if (t.lambda_star) {
    t.passes_at = recorded_number(j.at("passes_at"));
    t.cause = j.at("cause").get<std::string>();
    t.evidence = threshold_evidence_from(j.at("evidence"));
  }
  t.lambda_star_numeric = recorded_number(j.at("lambda_star_numeric"));
  t.lambda_underflow_onset = recorded_number(j.at("lambda_underflow_onset"));
  t.cost_max = j.at("cost_max").get<double>();
  t.squared_norm_max = j.at("squared_norm_max").get<double>();
  t.log_min_normal = recorded_number(j.at("log_min_normal"));
  t.unit_roundoff = j.at("unit_roundoff").get<double>();
  return t;
}

json to_json(const ReferenceRecord& r) {
  json ladder = json::array();
  for (const auto& rung : r.ladder) ladder.push_back({{"bits", rung.bits}, {"change", recorded(rung.change)}, {"seconds", rung.seconds}});
  return {{"bits", r.bits}, {"settled", r.settled}, {"ladder", ladder}};
}

json to_json(const NumericEvidence& e) {
  return {{"numeric_error", recorded(e.numeric_error)}, {"numeric_error_layer1", recorded(e.numeric_error_layer1)}, {"correct_bits", e.correct_bits},
          {"nan_entries", e.nan_entries}, {"inf_entries", e.inf_entries}, {"underflowed_rows", e.underflowed_rows},
          {"min_exp_argument", recorded(e.min_exp_argument)}, {"max_exp_argument", recorded(e.max_exp_argument)},
          {"log_min_normal", recorded(e.log_min_normal)}, {"log_max_finite", recorded(e.log_max_finite)}, {"exceptions", to_json(e.exceptions)},
          {"reference", to_json(e.reference)}};
}

json to_json(const SearchOnsets& o) {
  return {{"exp_underflow", recorded(o.exp_underflow)}, {"underflow_flag", recorded(o.underflow_flag)}, {"row_underflow", recorded(o.row_underflow)},
          {"non_finite", recorded(o.non_finite)}, {"readout_wrong", recorded(o.readout_wrong)}, {"no_correct_bits", recorded(o.no_correct_bits)}};
}
SearchOnsets onsets_from(const json& j) {
  return {recorded_number(j.at("exp_underflow")), recorded_number(j.at("underflow_flag")), recorded_number(j.at("row_underflow")),
          recorded_number(j.at("non_finite")), recorded_number(j.at("readout_wrong")), recorded_number(j.at("no_correct_bits"))};
}

json to_json(const SearchThreshold& t) {
  json j = {{"n", t.n}, {"scalar", t.scalar}, {"softmax", t.softmax}, {"seed", t.seed}, {"layers", t.layers}, {"tolerance", t.tolerance},
            {"bits", t.bits}, {"unit_roundoff", t.unit_roundoff}, {"squared_norm_max", t.squared_norm_max}, {"holdout", t.holdout},
            {"probes", t.probes}, {"status", t.status}, {"floor", t.floor}, {"lambda_star_numeric", recorded(t.lambda_star_numeric)},
            {"passes_at", recorded(t.passes_at)}, {"e7_lambda_c", t.e7_lambda_c}, {"onsets", to_json(t.onsets)}};
  if (t.lambda_star_numeric) {
    j["c"] = t.c.value();
    j["cause"] = t.cause.value();
    j["evidence"] = to_json(t.evidence.value());
  }
  return j;
}
SearchThreshold search_threshold_from(const json& j) {
  SearchThreshold t;
  t.n = j.at("n").get<long long>();
  t.scalar = j.at("scalar").get<std::string>();
  t.softmax = j.at("softmax").get<std::string>();
  t.seed = j.at("seed").get<std::uint64_t>();
  t.layers = j.at("layers").get<long long>();
  t.tolerance = j.at("tolerance").get<double>();
  t.bits = j.at("bits").get<long long>();
  t.unit_roundoff = j.at("unit_roundoff").get<double>();
  t.squared_norm_max = j.at("squared_norm_max").get<double>();
  t.holdout = j.at("holdout").get<bool>();
  t.probes = j.at("probes").get<long long>();
  t.status = j.at("status").get<std::string>();
  t.floor = j.at("floor").get<double>();
  t.lambda_star_numeric = recorded_number(j.at("lambda_star_numeric"));
  t.passes_at = recorded_number(j.at("passes_at"));
  t.e7_lambda_c = j.at("e7_lambda_c").get<double>();
  if (t.lambda_star_numeric) {
    t.c = j.at("c").get<double>();
    t.cause = j.at("cause").get<std::string>();
    t.evidence = numeric_evidence_from_json(j.at("evidence"));
  }
  t.onsets = onsets_from(j.at("onsets"));
  return t;
}

json to_json(const ThresholdLawFit& l) {
  json j = {{"n", l.n}, {"softmax", l.softmax}, {"points", l.points}};
  if (!l.fit) {
    j["fit"] = nullptr;
    return j;
  }
  const FittedLaw& f = *l.fit;
  const LawBounds& b = f.e7_bounds;
  j["slope"] = f.law.fit.slope;
  j["slope_stderr"] = plain(f.law.fit.slope_stderr);
  j["intercept"] = f.law.fit.intercept;
  j["max_abs_residual_decades"] = f.law.fit.max_abs_residual;
  j["c"] = {{"geometric_mean", f.law.c_geometric_mean}, {"min", f.law.c_min}, {"max", f.law.c_max}};
  j["e7_bounds"] = {{"slope", {b.slope_low, b.slope_high}}, {"c", {b.c_low, b.c_high}}};
  j["within_e7_bounds"] = f.within_e7_bounds;
  json holdout = json::array();
  for (const auto& h : f.holdout)
    holdout.push_back({{"scalar", h.scalar}, {"predicted", h.predicted}, {"measured", recorded(h.measured)}, {"passes_at", recorded(h.passes_at)}});
  j["holdout"] = holdout;
  return j;
}
ThresholdLawFit law_fit_from(const json& j) {
  ThresholdLawFit l{j.at("n").get<long long>(), j.at("softmax").get<std::string>(), j.at("points").get<long long>(), std::nullopt};
  if (j.contains("fit") && j.at("fit").is_null()) return l;
  FittedLaw f;
  // The law is fitted over all its points (study::fit_threshold_law).
  f.law.points = f.law.fit.points = l.points;
  f.law.fit.slope = j.at("slope").get<double>();
  f.law.fit.slope_stderr = recorded_number(j.at("slope_stderr"));
  f.law.fit.intercept = j.at("intercept").get<double>();
  f.law.fit.max_abs_residual = j.at("max_abs_residual_decades").get<double>();
  const json& c = j.at("c");
  f.law.c_geometric_mean = c.at("geometric_mean").get<double>();
  f.law.c_min = c.at("min").get<double>();
  f.law.c_max = c.at("max").get<double>();
  const json& b = j.at("e7_bounds");
  f.e7_bounds = {b.at("slope").at(0).get<double>(), b.at("slope").at(1).get<double>(), b.at("c").at(0).get<double>(), b.at("c").at(1).get<double>()};
  f.within_e7_bounds = j.at("within_e7_bounds").get<bool>();
  for (const auto& h : j.at("holdout"))
    f.holdout.push_back({h.at("scalar").get<std::string>(), h.at("predicted").get<double>(), recorded_number(h.at("measured")), recorded_number(h.at("passes_at"))});
  l.fit = std::move(f);
  return l;
}

json to_json(const SearchSummary& s) {
  json curves = json::array(), laws = json::array();
  for (const auto& t : s.curves) curves.push_back(to_json(t));
  for (const auto& l : s.laws) laws.push_back(to_json(l));
  return {{"curves", curves}, {"laws", laws}, {"resolution", s.resolution}, {"start", s.start}};
}
SearchSummary search_summary_from(const json& j) {
  SearchSummary s;
  for (const auto& t : j.at("curves")) s.curves.push_back(search_threshold_from(t));
  for (const auto& l : j.at("laws")) s.laws.push_back(law_fit_from(l));
  s.resolution = j.at("resolution").get<double>();
  s.start = j.at("start").get<double>();
  return s;
}

json to_json(const DepthCurve& d) {
  json points = json::array();
  for (const auto& p : d.points)
    points.push_back({{"lambda", p.lambda}, {"layers_needed", p.layers_needed ? json(*p.layers_needed) : json(nullptr)}, {"cap", p.cap},
                      {"distance", recorded(p.distance)}, {"optimal_bits", p.optimal_bits}, {"optimal_converged", p.optimal_converged},
                      {"bits", p.bits}, {"seconds", p.seconds}, {"theorem2_r", plain(p.theorem2_r)},
                      {"theorem2_log10_min_layers", plain(p.theorem2_log10_min_layers)}});
  json fit = nullptr;
  if (d.fit)
    fit = {{"slope", d.fit->slope}, {"slope_stderr", plain(d.fit->slope_stderr)}, {"intercept", d.fit->intercept}, {"points", d.fit->points},
           {"max_abs_residual_decades", d.fit->max_abs_residual}};
  return {{"n", d.n}, {"points", points}, {"beyond_cap", d.beyond_cap}, {"fit", fit}};
}
DepthCurve depth_curve_from(const json& j) {
  DepthCurve d{j.at("n").get<long long>(), {}, j.at("beyond_cap").get<long long>(), std::nullopt};
  for (const auto& p : j.at("points")) {
    const json& needed = p.at("layers_needed");
    d.points.push_back({p.at("lambda").get<double>(), needed.is_null() ? std::nullopt : std::optional(needed.get<long long>()), p.at("cap").get<long long>(),
                        recorded_number(p.at("distance")), p.at("optimal_bits").get<long long>(), p.at("optimal_converged").get<bool>(),
                        p.at("bits").get<long long>(), p.at("seconds").get<double>(), recorded_number(p.at("theorem2_r")),
                        recorded_number(p.at("theorem2_log10_min_layers"))});
  }
  if (const json& f = j.at("fit"); !f.is_null())
    d.fit = LinearFit{f.at("slope").get<double>(), f.at("intercept").get<double>(), recorded_number(f.at("slope_stderr")),
                      f.at("max_abs_residual_decades").get<double>(), f.at("points").get<long long>()};
  return d;
}

}  // namespace

RecordedNumber recorded_number(const json& v) { return v.is_null() ? std::nullopt : std::optional(number_of(v)); }

std::optional<FloatExceptions> float_exceptions_from_json(const json& j) {
  if (j.is_null()) return std::nullopt;
  // Result lines are checked for overflow and underflow only (study/breakdown_results.hpp).
  return FloatExceptions{j.at("overflow").get<bool>(), j.at("underflow").get<bool>(), j.value("invalid", false), j.value("divide_by_zero", false)};
}

ReferenceRecord reference_record_from_json(const json& j) {
  ReferenceRecord r{j.at("bits").get<long long>(), j.at("settled").get<bool>(), {}};
  for (const auto& rung : j.at("ladder"))
    r.ladder.push_back({rung.at("bits").get<long long>(), recorded_number(rung.at("change")), rung.at("seconds").get<double>()});
  return r;
}

NumericEvidence numeric_evidence_from_json(const json& j) {
  return {recorded_number(j.at("numeric_error")), recorded_number(j.at("numeric_error_layer1")), j.at("correct_bits").get<double>(),
          j.at("nan_entries").get<long long>(), j.at("inf_entries").get<long long>(), j.at("underflowed_rows").get<long long>(),
          recorded_number(j.at("min_exp_argument")), recorded_number(j.at("max_exp_argument")), recorded_number(j.at("log_min_normal")),
          recorded_number(j.at("log_max_finite")), float_exceptions_from_json(j.at("exceptions")), reference_record_from_json(j.at("reference"))};
}

CurveThreshold curve_identity_from_json(const json& j) {
  CurveThreshold t;
  t.n = j.at("n").get<long long>();
  t.scalar = j.at("scalar").get<std::string>();
  t.softmax = j.at("softmax").get<std::string>();
  t.seed = j.at("seed").get<std::uint64_t>();
  t.variant = j.at("variant").get<std::string>();
  t.layers = j.at("layers").get<long long>();
  t.generator = j.at("generator").get<std::string>();
  t.gamma_ratio = j.at("gamma_ratio").get<double>();
  return t;
}

json to_json(const BreakdownSummary& s) {
  json thresholds = json::array();
  for (const auto& t : s.thresholds) thresholds.push_back(to_json(t));
  json j = {{"cells", s.cells}, {"tolerance", s.tolerance}, {"thresholds", thresholds}};
  if (s.search) j["search"] = to_json(*s.search);
  if (s.depth) {
    json depth = json::array();
    for (const auto& d : *s.depth) depth.push_back(to_json(d));
    j["depth"] = depth;
  }
  return j;
}

BreakdownSummary breakdown_summary_from_json(const json& j) {
  BreakdownSummary s{j.at("cells").get<long long>(), j.at("tolerance").get<double>(), {}, std::nullopt, std::nullopt};
  for (const auto& t : j.at("thresholds")) s.thresholds.push_back(curve_threshold_from(t));
  if (j.contains("search")) s.search = search_summary_from(j.at("search"));
  if (j.contains("depth")) {
    s.depth.emplace();
    for (const auto& d : j.at("depth")) s.depth->push_back(depth_curve_from(d));
  }
  return s;
}

}  // namespace otv::study
