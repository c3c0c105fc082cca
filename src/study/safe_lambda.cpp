#include "study/safe_lambda.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "otv/error.hpp"
#include "otv/scalar_registry.hpp"
#include "study/breakdown_causes.hpp"

namespace otv::study {

SafeLambdaAdvice advise_safe_lambda(double c, double unit_roundoff, double squared_norm_max, double tolerance, double margin) {
  const double predicted = c * unit_roundoff * squared_norm_max / tolerance;
  return {predicted, margin * predicted};
}

bool advice_confirmed(bool passes_at_advised, bool fails_at_tenth) { return passes_at_advised && fails_at_tenth; }

std::string advice_reason(bool passes_at_advised, bool fails_at_tenth) {
  if (advice_confirmed(passes_at_advised, fails_at_tenth))
    return "confirmed: within the tolerance at the advised lambda, beyond it at a tenth (rounding of the S/lambda-sized score terms, E7)";
  if (!passes_at_advised) return "not confirmed: the type already fails at the advised lambda (the law's constant is larger for this type or instance)";
  return "not confirmed: the type still passes at a tenth of the advised lambda (the advice is conservative by more than 10x here)";
}

}  // namespace otv::study

namespace otv::study {

using nlohmann::json;

SweepOptions advise_options(const AdviseSpec& spec) {
  SweepOptions o;
  o.search = true;
  o.lambda_max = kSearchStart;
  o.softmax = {Softmax::stable};
  o.holdout.clear();
  o.tolerance = spec.tolerance;
  o.layers = spec.layers;
  if (spec.d < 1 || spec.d > 64) throw InputError("--d must be in [1, 64]");
  o.generator = spec.d == 1 ? "paper" : "uniform";
  o.dimension = spec.d;
  if (spec.n < 1 || spec.n > kMaxSweepN) throw InputError(fmt::format("--n: {} is not an integer in [1, {}]", excerpt(std::to_string(spec.n)), kMaxSweepN));
  o.ns = {spec.n};
  o.scalars = {spec.scalar};
  require_point_scalar(spec.scalar, "--scalar", "threshold to advise");
  o.validate();
  return o;
}

std::optional<json> advise(const AdviseSpec& spec, const GroupRunner& run) {
  const SweepOptions o = advise_options(spec);
  std::vector<json> results;
  auto add = [&](const SweepOptions& so, const std::vector<Group>& groups, const char* what) {
    auto lines = run(so, groups, what);
    if (lines) results.insert(results.end(), lines->begin(), lines->end());
    return lines.has_value();
  };
  // c from double's threshold at this n and instance: cheap, and the law's slope is 1.
  SweepOptions reference = o;
  reference.scalars = {"double"};
  for (;;) {
    const auto groups = search_groups(reference, results, 0, 1);
    if (groups.empty()) break;
    if (!add(reference, groups, "advise: double's threshold")) return std::nullopt;
  }
  const SearchThreshold curve = search_summary(results, reference).curves.at(0);
  if (!curve.c) throw InputError(fmt::format("double has no threshold at n = {} ({})", spec.n, curve.status));
  const double u = with_scalar(parse_scalar(spec.scalar), []<class Real>() { return ScalarTraits<Real>::to_double(ScalarTraits<Real>::unit_roundoff()); });
  const double s_max = curve.squared_norm_max;
  const SafeLambdaAdvice advice = advise_safe_lambda(*curve.c, u, s_max, o.tolerance);
  const double advised = canonical_lambda(advice.advised_lambda), tenth = canonical_lambda(advised / 10);
  if (tenth < search_floor(spec.scalar, o.gamma_ratio))
    throw InputError(fmt::format("a tenth of the advised lambda {:.3g} is below the normal range of {}", advised, spec.scalar));
  if (!add(o, {{advised, spec.n, 1, "search", {{spec.scalar, Softmax::stable}}}, {tenth, spec.n, 1, "search", {{spec.scalar, Softmax::stable}}}},
           "advise: confirming runs"))
    return std::nullopt;
  // Depth at the advised lambda, or at the smallest lambda whose P_lambda* is certified cheaply (E9).
  const double depth_lambda = canonical_lambda(std::max(advised, o.depth_min));
  if (spec.depth && !add(o, {{depth_lambda, spec.n, 1, "depth", {{"mpfr:128", Softmax::stable}}}}, "advise: depth needed")) return std::nullopt;
  const json* at_advised = nullptr;
  const json* at_tenth = nullptr;
  const json* depth = nullptr;
  for (const auto& cell : results) {
    if (cell.at("kind") == "depth") depth = &cell;
    else if (cell.at("scalar") == spec.scalar && cell.at("lambda") == advised) at_advised = &cell;
    else if (cell.at("scalar") == spec.scalar && cell.at("lambda") == tenth) at_tenth = &cell;
  }
  const bool passes = !numeric_fails(*at_advised, o.tolerance), fails = numeric_fails(*at_tenth, o.tolerance);
  json out = {{"n", spec.n}, {"d", spec.d}, {"scalar", spec.scalar}, {"tolerance", o.tolerance}, {"unit_roundoff", u}, {"squared_norm_max", s_max},
              {"c", *curve.c}, {"c_from", "double"}, {"predicted_threshold", advice.predicted_threshold}, {"advised_lambda", advised},
              {"numeric_error_at_advised", at_advised->at("numeric_error")}, {"numeric_error_at_tenth", at_tenth->at("numeric_error")},
              {"confirmed", advice_confirmed(passes, fails)}, {"reason", advice_reason(passes, fails)}, {"layers_of_confirming_runs", o.layers}};
  if (depth) {
    const long long needed = depth->at("layers_needed");
    out["depth_lambda"] = depth_lambda;
    out["layers_needed"] = needed < 0 ? json(nullptr) : json(needed);
    out["depth_cap"] = depth->at("layers");
  }
  return out;
}

}  // namespace otv::study
