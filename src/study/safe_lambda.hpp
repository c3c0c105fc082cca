#pragma once
// The safe-lambda advice: the smallest lambda a scalar type handles within a
// tolerance, from the rounding law lambda*_T = c u_T S / tol (docs/error-model.md
// E7: slope 1 in u, fitted over 70 decades), with c measured on a cheap type at
// the same n and instance, and a margin for c's spread across types.
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "study/breakdown_sweep.hpp"

namespace otv::study {

struct SafeLambdaAdvice {
  double predicted_threshold = 0;  // c u S / tol
  double advised_lambda = 0;       // margin x predicted_threshold
};

// margin 2: at one n, c varies across the default types by at most a factor 1.65 (E7).
SafeLambdaAdvice advise_safe_lambda(double c, double unit_roundoff, double squared_norm_max, double tolerance, double margin = 2);

// The advice is confirmed when the type passes at the advised lambda and fails at a tenth
// of it (the law is then right to within the factor 10 between them); the one-line reason.
bool advice_confirmed(bool passes_at_advised, bool fails_at_tenth);
std::string advice_reason(bool passes_at_advised, bool fails_at_tenth);

struct AdviseSpec {
  long long n = 0, d = 1;  // paper instance for d = 1, uniform for d > 1
  std::string scalar;
  double tolerance = 1e-2;
  long long layers = 100;  // of the confirming runs
  bool depth = true;       // the depth needed at the advised lambda (needs the certified P_lambda*)
};

// The sweep options advise runs under (a search at n in one type, stable softmax);
// throws InputError with the CLI's messages (d outside [1, 64], an interval type, ranges).
SweepOptions advise_options(const AdviseSpec& spec);

// The smallest safe lambda of spec.scalar at n, confirmed by runs:
//   c      = lambda*_double tol / (u_double S)   (double's threshold search at n),
//   advised = 2 c u S / tol  (advise_safe_lambda), canonical to 6 digits;
//   confirmed <=> the type passes at `advised` and fails at advised / 10;
//   with spec.depth, the layers exact arithmetic needs at max(advised, 1e-5) (E9).
// Parameters
//   spec : AdviseSpec -- n, d, scalar (not an interval type), tolerance, layers.
//   run  : GroupRunner -- runs the search, confirming and depth groups.
// Returns
//   the record of otverify advise --json (n, d, scalar, tolerance, unit_roundoff,
//   squared_norm_max, c, predicted_threshold, advised_lambda, numeric errors at the
//   advised lambda and a tenth, confirmed, reason, depth_lambda, layers_needed,
//   depth_cap, ...), or nullopt when a run was interrupted.
// Throws
//   InputError when double has no threshold at n or a tenth of the advice is below
//   the type's normal range.
// Example
//   advise({16, 1, "float"}, run).value()["advised_lambda"];  // ~ 2.9e-5
std::optional<nlohmann::json> advise(const AdviseSpec& spec, const GroupRunner& run);

}  // namespace otv::study
