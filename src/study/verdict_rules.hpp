#pragma once
// The decision procedures behind otverify's verdicts, on plain doubles so that
// each can be tested on planted cases with known answers
// (proofs_checks/verdict_rules_checks.cpp): the printed-digit matcher, the
// precision-ladder classifier and the rate fits.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace otv::study {

// ------------------------------------------------------------ printed digits

// How a printed decimal was produced from the value: rounded to nearest, or
// truncated (digits cut off, toward zero) at its last printed place.
enum class DigitConvention { rounded, truncated };

const char* to_string(DigitConvention c);

// Places after the decimal point of a printed number ("0.018" -> 3, "0.5" -> 1).
int printed_decimals(const std::string& printed);

// Whether `value` prints as `printed` under the convention, at the printed
// number's own last place (a dropped trailing zero claims no more). The
// printed decimal is exact; the comparison allows 1e-12 of a unit in the last
// place for the binary value of `printed` itself.
bool matches_printed(double value, const std::string& printed, DigitConvention c);

bool matches_printed(const std::vector<double>& values, const std::vector<std::string>& printed, DigitConvention c);

// A depth scan of the readout against the printed list: the first depth at
// which it matches, and the first from which it matches at every later depth
// scanned (nullopt: none), and whether it matches at the deepest one.
struct DepthMatch {
  std::optional<long long> first, lasting;
  bool at_deepest = false;
};

DepthMatch scan_depths(const std::vector<long long>& depths, const std::vector<std::vector<double>>& readouts,
                       const std::vector<std::string>& printed, DigitConvention c);

// ------------------------------------------------------------ precision ladder

// One rung: a run of the same instance in a type of unit roundoff u, with the
// per-layer error against the exact-arithmetic claim and its rounding tolerance.
struct LadderRung {
  double bits = 0;                       // significand bits p: u = 2^-p (below double's range past ~1074)
  std::vector<double> error, tolerance;  // index l - 1: layer l
  std::optional<long long> onset() const {
    for (std::size_t k = 0; k < error.size(); ++k)
      if (!(error[k] <= tolerance[k])) return static_cast<long long>(k + 1);
    return std::nullopt;
  }
  double max_error() const {
    double m = 0;
    for (double e : error) m = std::max(m, e);
    return m;
  }
};

// holds: every layer within tolerance at the first rung (the base type);
// rounding-only: beyond it there, within it at the top rung;
// unstable: an error of rounding size that grows by a constant factor g per
//   layer, so that it reaches a fixed size after a depth proportional to the
//   bits (bits ln 2 / ln g): at least two rungs reach it, at depths rising with
//   the precision, and the growth factor read from those depths agrees with the
//   one measured per layer. Exact arithmetic would hold; every finite precision
//   fails, later the more bits;
// fails: the top rung fails too, and no precision moves the failure.
enum class LadderVerdict { holds, rounding_only, unstable, fails };

const char* to_string(LadderVerdict v);

struct LadderDecision {
  LadderVerdict verdict = LadderVerdict::holds;
  std::optional<double> slope;               // of log(max error) against log(u) over the rungs with an error > 0
  double failure_level = 0;                  // the fixed size whose depth is compared across rungs
  std::vector<std::optional<long long>> failure_depth;  // per rung: first layer with error >= failure_level
  std::optional<double> growth_per_layer;    // measured from the per-layer errors on the way there
  std::optional<double> layers_per_bit;      // slope of the failure depth against the bits
  std::optional<double> growth_from_depths;  // 2^(1 / layers_per_bit)
};

// Least-squares slope of y on x; nullopt with fewer than two distinct x.
std::optional<double> ls_slope(const std::vector<double>& x, const std::vector<double>& y);

std::optional<long long> first_reaching(const LadderRung& r, double level);

// Per-layer growth factor of a rung's error on its way to `depth`: a log-linear
// fit over the layers where the error is above 64 u (clear of the rounding floor)
// and a normal double.
std::optional<double> growth_until(const LadderRung& r, long long depth);

LadderDecision decide_ladder(const std::vector<LadderRung>& rungs);

// ------------------------------------------------------------ rates

// One measured distance: depth l, size n, the distance, and the instance it
// came from (a key equal for instances that are relabellings of each other).
struct RatePoint {
  double layers, n, measured;
  std::string instance;
};

// The dynamics are equivariant under permutations of the x and of the y indices,
// so relabelled instances give the same distances: one point per (instance, l).
std::vector<RatePoint> distinct_points(const std::vector<RatePoint>& points);

// log(measured) = a log(l) + b log(n) + c by least squares, with standard errors.
struct PowerLawFit {
  double exponent_l = 0, exponent_l_stderr = 0, exponent_n = 0, exponent_n_stderr = 0, log_intercept = 0;
  std::size_t points = 0;
};

PowerLawFit fit_power_law(const std::vector<RatePoint>& points);

// The decay in l of one instance: power law log d = a + p log l against
// geometric log d = a + l log rho, both two-parameter least squares on log d;
// the better model has the smaller residual sum of squares.
struct DecayFit {
  double power_exponent = 0, power_rss = 0;
  double geometric_rate = 0, geometric_rss = 0;  // rho per layer
  bool geometric_preferred() const { return geometric_rss < power_rss; }
};

DecayFit fit_decay(const std::vector<double>& layers, const std::vector<double>& measured);

}  // namespace otv::study
