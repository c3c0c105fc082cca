#pragma once
// Theorem 1 as a study: the transformer's u, v columns against adaptive GD (eq. 4)
// on one instance, in a base scalar type, on a precision ladder of types
// (study/precision_ladder.hpp) and optionally certified in interval arithmetic;
// and the same decision over random instances. The JSON codecs give
// `otverify theorem1 --json`.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/construction_variant.hpp"
#include "otv/instance_text.hpp"
#include "otv/scalar_spec.hpp"
#include "otv/softmax_mode.hpp"
#include "study/theorem1_decision.hpp"

namespace otv::study {

struct Theorem1Spec {
  InstanceText instance;                         // validated (otv::validate)
  std::string lambda = "0.005", gamma = "0.01";  // decimals
  long long layers = 2000;
  Variant variant = Variant::paper;
  Softmax softmax = Softmax::stable;
  ScalarSpec scalar{ScalarSpec::Kind::double_};  // the base type
  // The ladder's types, after the base: run always (always_ladder) or only when the
  // base type fails (random trials). May repeat the base type.
  std::vector<ScalarSpec> ladder{{ScalarSpec::Kind::double_}, {ScalarSpec::Kind::mpfr, 128}, {ScalarSpec::Kind::mpfr, 256},
                                 {ScalarSpec::Kind::mpfr, 512}};
  bool always_ladder = true;
  bool certify = false;       // also run in mpfi at certify_bits
  unsigned certify_bits = 0;  // 0: 128 + 2 layers (at most kMaxBits)
  // Called after each scalar run (progress, Ctrl-C); may throw to abort.
  std::function<void()> after_run;
  // Called after each layer of every run with its layers done (Ctrl-C within a long
  // run); may throw to abort. Empty: nothing is called.
  std::function<void(long long layers_done)> after_layer;
};

// A ladder from its comma list ("double,mpfr:128,mpfr:256"); InputError for an unknown type.
std::vector<ScalarSpec> parse_ladder(const std::string& list);

// The mpfi precision of the certificate.
unsigned certify_bits(const Theorem1Spec& spec);

// Layer l of one run: max_i |Z_{i,u} - u_i|, max_j |Z_{j,v} - v_j|, the tolerance
// tol_l, the sink row's (u, v) (the proof's "?", encoded by study/json_value.hpp)
// and, for intervals, whether the certified bound max(|du|, |dv|) is below 1.
struct Theorem1Layer {
  long long layer = 0;
  double max_u_err = 0, max_v_err = 0, tolerance = 0;
  nlohmann::json sink_u, sink_v;
  bool bound_below_one = false;
};

// Disjoint enclosures: a certified counterexample (row 1-based, column "u" or "v").
struct Theorem1Counterexample {
  long long layer = 0, row = 0;
  std::string column, column_enclosure, gd_enclosure;
};

struct Theorem1Certificate {
  unsigned bits = 0;
  long long layers = 0;
  std::string max_abs_difference_bound;  // an enclosure
  long long informative_through_layer = 0;
  std::optional<Theorem1Counterexample> counterexample;
};

// The last layer whose certified bound is below 1 (0: none): beyond it the
// enclosures have widened past any use.
long long informative_through_layer(const std::vector<Theorem1Layer>& layers);

// One run of the comparison in one scalar type.
struct Theorem1Comparison {
  std::string scalar;
  nlohmann::json kernels;  // study::kernel_provenance()
  double unit_roundoff = 0;
  unsigned precision_bits = 0;
  bool interval = false;
  std::vector<Theorem1Layer> layers;
  double max_err = 0, tolerance = 0;  // over all layers; the last layer's tol_L
  std::optional<long long> first_failing_layer;
  std::optional<Theorem1Certificate> certificate;  // interval types
};

// The fields the ladder decision reads.
Theorem1Run theorem1_run(const Theorem1Comparison& c);

struct Theorem1Result {
  Theorem1Comparison base;
  Theorem1Decision decision;
  std::size_t n = 0;
  std::string lambda, gamma;  // as given (exact decimals)
  Variant variant = Variant::paper;
  long long layers = 0;
  std::optional<Theorem1Certificate> certificate;  // --certify's, else the base type's (intervals)
};

// Decides Theorem 1 on one instance: Z^(l)_{i,u} = u_i^(l), Z^(l)_{j,v} = v_j^(l) at
// every layer l <= L, within the rounding tolerance tol_l (otv/error_model.hpp).
//
// Parameters
//   spec : Theorem1Spec -- instance (n points of dimension d), lambda, gamma > 0,
//          layers L, variant, base scalar type, ladder, certificate.
// Returns
//   Theorem1Result -- the base run per layer, the ladder's decision (holds,
//   rounding-only, unstable, fails; study/theorem1_decision.hpp) and the certificate.
// Throws
//   InputError for invalid parameters, with the CLI's messages.
// Example
//   Theorem1Spec s;
//   s.instance = otv::paper_instance(4, 1);
//   s.variant = Variant::corrected;
//   s.layers = 200;
//   to_string(run_theorem1(s).decision.decision.verdict);  // "holds"
Theorem1Result run_theorem1(const Theorem1Spec& spec);

// The run in one scalar type (study/theorem1_impl.hpp), instantiated per type in the
// study's per-type units; call it inside the type's precision scope.
template <class Real> struct Theorem1Study {
  static Theorem1Comparison compare(const Theorem1Spec& spec);
};

// `otverify theorem1 --json` for one instance.
nlohmann::json to_json(const Theorem1Result& r);

// Random trials: uniform instances with n uniform in [1, max_n], drawn in order.
struct Theorem1TrialCase {
  std::size_t n = 0;
  std::uint64_t seed = 0;
};
std::vector<Theorem1TrialCase> draw_trials(std::uint64_t seed, long long trials, long long max_n);

// The spec of one trial: the uniform instance of the case (dimension d), the
// ladder run only when the base type fails.
Theorem1Spec trial_spec(const Theorem1Spec& spec, const Theorem1TrialCase& c, std::size_t d);

struct Theorem1TrialOutcome {
  Theorem1TrialCase drawn;
  LadderVerdict verdict = LadderVerdict::holds;
  std::optional<long long> first_failing_layer;
  double max_err = 0;
  std::string replay;  // `otverify theorem1 --replay` of the case
};

struct Theorem1Trials {
  std::vector<Theorem1TrialOutcome> trials;
  Theorem1TrialsSummary summary;
};

// The trials from their results' JSON records (to_json, in the order drawn: the
// task farm's transport). Returns the outcomes and their summary; the record of
// summary.representative is the command's result.
Theorem1Trials summarise_trial_records(const Theorem1Spec& spec, std::size_t d, const std::vector<Theorem1TrialCase>& cases,
                                       const std::vector<nlohmann::json>& records);

// Adds trials, counts, worst_case and verdict to the representative's record.
void write_json(const Theorem1Trials& t, nlohmann::json& representative);

// Theorem 1 over `trials` random instances of dimension d (seeded by `seed`), one
// after the other: `otverify theorem1 --trials --json`. after_trial, when given, is
// called with the trials done after each (progress, Ctrl-C) and may throw to abort.
// Example: theorem1_trials(spec, 12, 16, 4, 1).at("counts").at("fails")
nlohmann::json theorem1_trials(const Theorem1Spec& spec, long long trials, long long max_n, std::uint64_t seed, std::size_t d,
                               const std::function<void(long long trials_done)>& after_trial = {});

}  // namespace otv::study
