#pragma once
// The breakdown study's summary as typed records: per curve of the grid map its
// threshold lambda* with bracket, cause and evidence; per curve of the numeric
// search lambda*_numeric with the E7 constant c = lambda* tol / (u S), and per
// (n, softmax) the fitted law log10 lambda* = a + b log10 u with its holdout
// predictions; per n the depth needed in exact arithmetic (E9) with the fit of
// log10 L_needed on log10(1/lambda) (docs/error-model.md). to_json is the
// object `otverify breakdown --json` prints (without "out"), byte for byte;
// breakdown_summary_from_json reads it back.
//
// Numbers copied from result lines keep the lines' spelling: a RecordedNumber is
// nullopt where the line has null (older files' spelling of a non-finite metric,
// or "none": no certified bound), and a non-finite value is "nan", "inf", "-inf".
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "study/threshold_law.hpp"

namespace otv::study {

using RecordedNumber = std::optional<double>;

// The IEEE flags a hardware-type cell raised (absent: mpfr and the software types).
struct FloatExceptions {
  bool overflow = false, underflow = false, invalid = false, divide_by_zero = false;
  bool operator==(const FloatExceptions&) const = default;
};

// The failing cell's metrics behind a grid threshold's cause (study/breakdown_causes.hpp).
struct ThresholdEvidence {
  RecordedNumber distance_to_optimal, numeric_error, numeric_error_layer1, reference_distance_to_optimal;
  long long nan_entries = 0, inf_entries = 0, underflowed_rows = 0;
  RecordedNumber max_exp_argument, min_exp_argument;
  std::optional<FloatExceptions> exceptions;
  double correct_bits = 0;
  RecordedNumber optimal_hilbert_bound;  // P_lambda*'s certified bound, nullopt when none
  bool operator==(const ThresholdEvidence&) const = default;
};

// Per curve of the grid map (cells sharing n, scalar, softmax, seed, variant, layers,
// generator and gamma ratio), scanning lambda downwards:
//   lambda*          = the first lambda whose cell fails (cell_fails), nullopt if none;
//   passes_at        = the lambda above it (the bracket), nullopt when lambda* is the largest;
//   lambda*_numeric  = the first lambda failing on rounding alone (numeric_fails);
//   underflow onset  = the first lambda raising the IEEE underflow flag.
// passes_at, cause and evidence are written only with a lambda*.
struct CurveThreshold {
  long long n = 0;
  std::string scalar, softmax;
  std::uint64_t seed = 0;
  std::string variant;
  long long layers = 0;
  std::string generator;
  double gamma_ratio = 0, tolerance = 0;
  long long cells = 0;
  std::optional<double> lambda_star, passes_at;
  std::string status;  // "bracketed", "fails at the largest lambda", "no breakdown down to lambda = ..."
  std::optional<std::string> cause;
  std::optional<ThresholdEvidence> evidence;
  std::optional<double> lambda_star_numeric, lambda_underflow_onset;
  double cost_max = 0, squared_norm_max = 0;
  RecordedNumber log_min_normal;
  double unit_roundoff = 0;
  bool operator==(const CurveThreshold&) const = default;
};

// A result line's reference ladder as it records it (study/breakdown_reference.hpp).
struct ReferenceRungRecord {
  long long bits = 0;
  RecordedNumber change;  // nullopt at the first rung
  double seconds = 0;
  bool operator==(const ReferenceRungRecord&) const = default;
};
struct ReferenceRecord {
  long long bits = 0;
  bool settled = false;
  std::vector<ReferenceRungRecord> ladder;
  bool operator==(const ReferenceRecord&) const = default;
};

// The probe at lambda*_numeric: the metrics behind its cause.
struct NumericEvidence {
  RecordedNumber numeric_error, numeric_error_layer1;
  double correct_bits = 0;
  long long nan_entries = 0, inf_entries = 0, underflowed_rows = 0;
  RecordedNumber min_exp_argument, max_exp_argument, log_min_normal, log_max_finite;
  std::optional<FloatExceptions> exceptions;
  ReferenceRecord reference;
  bool operator==(const NumericEvidence&) const = default;
};

// The largest probed lambda at which each failure begins, nullopt when none does:
// exp's underflow (E5, harmless) and the IEEE flag over all probes; the rest at or
// below lambda*_numeric (a data row all zero, non-finite entries, a readout off by
// half a grid step, u and v with no correct bit).
struct SearchOnsets {
  std::optional<double> exp_underflow, underflow_flag, row_underflow, non_finite, readout_wrong, no_correct_bits;
  bool operator==(const SearchOnsets&) const = default;
};

// Per search curve (n, scalar, softmax, seed): lambda*_numeric found by the search
// (study/threshold_search.hpp), the E7 prediction u S / tol, and, with a lambda*,
// c = lambda* tol / (u S), the cause and the evidence.
struct SearchThreshold {
  long long n = 0;
  std::string scalar, softmax;
  std::uint64_t seed = 0;
  long long layers = 0;
  double tolerance = 0;
  long long bits = 0;
  double unit_roundoff = 0, squared_norm_max = 0;
  bool holdout = false;  // left out of the law's fit, predicted from it
  long long probes = 0;
  std::string status;  // study::to_string(SearchStatus)
  double floor = 0;    // search_floor
  std::optional<double> lambda_star_numeric, passes_at;
  double e7_lambda_c = 0;
  std::optional<double> c;
  std::optional<std::string> cause;
  std::optional<NumericEvidence> evidence;
  SearchOnsets onsets;
  bool operator==(const SearchThreshold&) const = default;
};

// A held-out type's lambda* predicted from the law, and as measured.
struct HoldoutPrediction {
  std::string scalar;
  double predicted = 0;
  std::optional<double> measured, passes_at;
  bool operator==(const HoldoutPrediction&) const = default;
};

// The law fitted on the bracketed, not held-out curves of one (n, softmax), its
// bounds from E7 (c in [1/8, 4]) and whether the fit is within them.
struct FittedLaw {
  ThresholdLaw law;
  LawBounds e7_bounds{};
  bool within_e7_bounds = false;
  std::vector<HoldoutPrediction> holdout;
  bool operator==(const FittedLaw&) const = default;
};
struct ThresholdLawFit {
  long long n = 0;
  std::string softmax;
  long long points = 0;
  std::optional<FittedLaw> fit;  // nullopt: fewer than two types bracketed
  bool operator==(const ThresholdLawFit&) const = default;
};

struct SearchSummary {
  std::vector<SearchThreshold> curves;
  std::vector<ThresholdLawFit> laws;
  double resolution = 0, start = 0;
  bool operator==(const SearchSummary&) const = default;
};

// One depth-needed line: the first layer within the tolerance of P_lambda* in exact
// arithmetic, nullopt when not within it in `cap` layers.
struct DepthPoint {
  double lambda = 0;
  std::optional<long long> layers_needed;
  long long cap = 0;
  RecordedNumber distance;
  long long optimal_bits = 0;
  bool optimal_converged = false;
  long long bits = 0;
  double seconds = 0;
  std::optional<double> theorem2_r, theorem2_log10_min_layers;
  bool operator==(const DepthPoint&) const = default;
};

// Per n: the points by decreasing lambda, how many are beyond the cap, and the fit of
// log10 L_needed on log10(1/lambda) over the points with L_needed >= 1.
struct DepthCurve {
  long long n = 0;
  std::vector<DepthPoint> points;
  long long beyond_cap = 0;
  std::optional<LinearFit> fit;
  bool operator==(const DepthCurve&) const = default;
};

struct BreakdownSummary {
  long long cells = 0;  // result lines summarised
  double tolerance = 0;
  std::vector<CurveThreshold> thresholds;
  std::optional<SearchSummary> search;       // a search only
  std::optional<std::vector<DepthCurve>> depth;  // a search only
  bool operator==(const BreakdownSummary&) const = default;
};

// Readers of the fields the records copy from result lines, shared by the summary's
// computation (which reads the lines) and breakdown_summary_from_json (which reads the
// records): a recorded number (null, a number, "nan", "inf", "-inf"), the exceptions
// object or null, a line's "reference" object, the evidence of a numeric failure,
// whose keys are the result line's own, and a curve's identity (n, scalar, softmax,
// seed, variant, layers, generator, gamma_ratio: the same keys in a line and in a
// threshold record; the CurveThreshold's other fields keep their defaults).
RecordedNumber recorded_number(const nlohmann::json& v);
std::optional<FloatExceptions> float_exceptions_from_json(const nlohmann::json& j);
ReferenceRecord reference_record_from_json(const nlohmann::json& j);
NumericEvidence numeric_evidence_from_json(const nlohmann::json& j);
CurveThreshold curve_identity_from_json(const nlohmann::json& j);

// `otverify breakdown --json` without "out" (keys sorted, numbers as nlohmann writes them).
nlohmann::json to_json(const BreakdownSummary& s);

// The summary from that object ("out" and unknown keys ignored); a json exception
// for a missing or mistyped field.
BreakdownSummary breakdown_summary_from_json(const nlohmann::json& j);

}  // namespace otv::study
