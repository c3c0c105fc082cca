// Theorem 1's study (theorem1.hpp): the ladder of runs, the certificate, the trials
// and the JSON codecs; the per-type runs are study/theorem1_impl.hpp's.
#include "otv/scalar_registry.hpp"
#include "study/theorem1.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

#include "study/forward_run.hpp"
#include "study/json_number.hpp"
#include "study/precision_ladder.hpp"

namespace otv::study {

using nlohmann::json;

namespace {

json optional_json(const std::optional<long long>& v) { return v ? json(*v) : json(nullptr); }

json to_json(const Theorem1Certificate& c) {
  json j = {{"counterexample", nullptr}};
  if (c.counterexample) {
    const Theorem1Counterexample& w = *c.counterexample;
    j["counterexample"] = {{"layer", w.layer}, {"row", w.row}, {"column", w.column}, {"column_enclosure", w.column_enclosure},
                           {"gd_enclosure", w.gd_enclosure}};
  }
  j["bits"] = c.bits;
  j["about"] = "the instance's decimals as parsed (for --generator: the decimals it printed, e.g. i/n truncated to 40 digits, not the rationals)";
  j["layers"] = c.layers;
  j["max_abs_difference_bound"] = c.max_abs_difference_bound;
  j["informative_through_layer"] = c.informative_through_layer;
  return j;
}

json to_json(const Theorem1Comparison& c) {
  json j;
  j["scalar"] = c.scalar;
  j["kernels"] = c.kernels;
  j["unit_roundoff"] = c.unit_roundoff;
  j["precision_bits"] = c.precision_bits;
  j["interval"] = c.interval;
  json per_layer = json::array(), sink = json::array();
  for (const Theorem1Layer& l : c.layers) {
    per_layer.push_back({{"layer", l.layer}, {"max_u_err", l.max_u_err}, {"max_v_err", l.max_v_err}, {"tolerance", l.tolerance}});
    sink.push_back({{"layer", l.layer}, {"u", l.sink_u}, {"v", l.sink_v}});
  }
  if (c.certificate) j["certificate"] = to_json(*c.certificate);
  j["per_layer"] = per_layer;
  j["sink"] = sink;
  j["max_err"] = c.max_err;
  j["tolerance"] = c.tolerance;
  j["first_failing_layer"] = optional_json(c.first_failing_layer);
  return j;
}

Theorem1Comparison compare_in(const Theorem1Spec& spec, const ScalarSpec& scalar) {
  Theorem1Comparison c = with_scalar(scalar, [&]<class Real>() { return Theorem1Study<Real>::compare(spec); });
  if (spec.after_run) spec.after_run();
  return c;
}

}  // namespace

std::vector<ScalarSpec> parse_ladder(const std::string& list) {
  std::vector<ScalarSpec> ladder;
  for (const auto& name : split(list, ',')) ladder.push_back(parse_scalar(trim(name)));
  return ladder;
}

unsigned certify_bits(const Theorem1Spec& spec) {
  return spec.certify_bits ? spec.certify_bits : static_cast<unsigned>(std::min<long long>(kMaxBits, 128 + 2 * spec.layers));
}

long long informative_through_layer(const std::vector<Theorem1Layer>& layers) {
  long long useful = 0;
  for (const Theorem1Layer& l : layers)
    if (l.bound_below_one) useful = l.layer;
  return useful;
}

Theorem1Run theorem1_run(const Theorem1Comparison& c) {
  Theorem1Run r;
  r.scalar = c.scalar;
  r.precision_bits = c.precision_bits;
  r.unit_roundoff = c.unit_roundoff;
  r.max_err = c.max_err;
  r.tolerance = c.tolerance;
  r.first_failing_layer = c.first_failing_layer;
  r.rung.bits = r.precision_bits;
  for (const Theorem1Layer& l : c.layers) {
    // NaN in either column is no error bound (std::max would drop a NaN second argument).
    r.rung.error.push_back(std::isnan(l.max_u_err) || std::isnan(l.max_v_err) ? std::numeric_limits<double>::quiet_NaN()
                                                                              : std::max(l.max_u_err, l.max_v_err));
    r.rung.tolerance.push_back(l.tolerance);
  }
  return r;
}

Theorem1Result run_theorem1(const Theorem1Spec& spec) {
  validate(spec.instance);
  validate_run_parameters(spec.lambda, spec.gamma, spec.layers, {});
  // Rungs: the base type, then the ladder's types in order (all of them, or none
  // when the ladder runs only on failure and the base type holds).
  const Ladder<Theorem1Comparison> ladder = climb<Theorem1Comparison>(
      spec.scalar, [&](const ScalarSpec& s, const std::vector<Rung<Theorem1Comparison>>&) { return compare_in(spec, s); },
      [](const Theorem1Comparison&, const Theorem1Comparison&) { return std::optional<double>(); },
      [&](const std::vector<Rung<Theorem1Comparison>>& rungs) -> LadderStep {
        const bool skip = rungs.size() == 1 && !spec.always_ladder && !rungs.front().result.first_failing_layer;
        if (skip || rungs.size() > spec.ladder.size()) return {true, std::nullopt};
        return {false, spec.ladder[rungs.size() - 1]};
      },
      1 + spec.ladder.size());
  Theorem1Result r;
  r.base = ladder.rungs.front().result;
  std::vector<Theorem1Run> runs;
  for (std::size_t k = 1; k < ladder.rungs.size(); ++k) runs.push_back(theorem1_run(ladder.rungs[k].result));
  // lambda and gamma as doubles only for the predicted sink growth (strtod: a value outside double's range is no error here).
  const double lambda = std::strtod(spec.lambda.c_str(), nullptr), gamma = std::strtod(spec.gamma.c_str(), nullptr);
  r.decision = decide_theorem1(theorem1_run(r.base), runs, lambda, gamma, spec.instance.n());
  r.n = spec.instance.n();
  r.lambda = spec.lambda;
  r.gamma = spec.gamma;
  r.variant = spec.variant;
  r.layers = spec.layers;
  r.certificate = spec.certify ? compare_in(spec, {ScalarSpec::Kind::mpfi, certify_bits(spec)}).certificate : r.base.certificate;
  return r;
}

json to_json(const Theorem1Result& r) {
  json j = to_json(r.base);
  write_json(r.decision, j);
  // The instance's parameters (lambda, gamma as given: exact decimals), for readers of the result.
  j["n"] = r.n;
  j["lambda"] = r.lambda;
  j["gamma"] = r.gamma;
  if (r.certificate) j["certificate"] = to_json(*r.certificate);
  j["variant"] = to_string(r.variant);
  j["layers"] = r.layers;
  return j;
}

std::vector<Theorem1TrialCase> draw_trials(std::uint64_t seed, long long trials, long long max_n) {
  std::mt19937_64 rng(seed);
  std::vector<Theorem1TrialCase> cases;
  for (long long k = 0; k < trials; ++k) {
    const auto n = static_cast<std::size_t>(1 + rng() % static_cast<std::uint64_t>(max_n));
    cases.push_back({n, rng()});
  }
  return cases;
}

Theorem1Spec trial_spec(const Theorem1Spec& spec, const Theorem1TrialCase& c, std::size_t d) {
  Theorem1Spec s = spec;
  s.instance = uniform_instance(c.n, d, c.seed);
  s.always_ladder = false;
  return s;
}

Theorem1Trials summarise_trial_records(const Theorem1Spec& spec, std::size_t d, const std::vector<Theorem1TrialCase>& cases,
                                       const std::vector<json>& records) {
  Theorem1Trials t;
  std::vector<LadderVerdict> verdicts;
  for (std::size_t k = 0; k < records.size(); ++k) {
    const json& r = records[k];
    Theorem1TrialOutcome o;
    o.drawn = cases.at(k);
    o.verdict = parse_ladder_verdict(r.at("verdict").get<std::string>());
    if (!r.at("first_failing_layer").is_null()) o.first_failing_layer = r.at("first_failing_layer").get<long long>();
    o.max_err = number_of(r.at("max_err"));
    o.replay = fmt::format("generator=uniform,n={},d={},seed={},lambda={},gamma={},layers={},variant={}", o.drawn.n, d, o.drawn.seed,
                           spec.lambda, spec.gamma, spec.layers, to_string(spec.variant));
    verdicts.push_back(o.verdict);
    t.trials.push_back(std::move(o));
  }
  t.summary = summarise_trials(verdicts);
  return t;
}

void write_json(const Theorem1Trials& t, json& representative) {
  json trials = json::array();
  for (const Theorem1TrialOutcome& o : t.trials)
    trials.push_back({{"n", o.drawn.n}, {"seed", o.drawn.seed}, {"verdict", to_string(o.verdict)},
                      {"first_failing_layer", optional_json(o.first_failing_layer)}, {"max_err", o.max_err}, {"replay", o.replay}});
  const Theorem1TrialsSummary& s = t.summary;
  representative["trials"] = trials;
  representative["counts"] = {{"holds", s.holds}, {"rounding-only", s.rounding_only}, {"unstable", s.unstable}, {"fails", s.fails}};
  representative["worst_case"] = s.any_not_holding ? json(t.trials[s.representative].replay) : json(nullptr);
  representative["verdict"] = to_string(s.verdict);
}

json theorem1_trials(const Theorem1Spec& spec, long long trials, long long max_n, std::uint64_t seed, std::size_t d,
                     const std::function<void(long long trials_done)>& after_trial) {
  if (trials < 1 || max_n < 1) throw InputError("random trials need trials >= 1 and max_n >= 1");
  const std::vector<Theorem1TrialCase> cases = draw_trials(seed, trials, max_n);
  std::vector<json> records;
  for (const Theorem1TrialCase& c : cases) {
    records.push_back(to_json(run_theorem1(trial_spec(spec, c, d))));
    if (after_trial) after_trial(static_cast<long long>(records.size()));
  }
  const Theorem1Trials t = summarise_trial_records(spec, d, cases, records);
  json j = records[t.summary.representative];
  write_json(t, j);
  return j;
}

}  // namespace otv::study
