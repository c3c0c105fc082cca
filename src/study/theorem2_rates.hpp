#pragma once
// Theorem 2's rate, measured: how the distance of the head-1 patterns to P_lambda*
// decays in the depth l and grows in n, over a grid of instances. A pure function of
// the typed runs, with the JSON codec of `otverify theorem2 --rates` beside it.
//
// Theorem 2: max(mu(q, q*), mu(w, w*)) <= 36 n^{3/2} e^{r/lambda} sqrt(r) / (sqrt(l) (1 - eta)),
// i.e. a rate l^-1/2 n^3/2 (the talk states n^1/2).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "study/verdict_rules.hpp"

namespace otv::study {

// One instance's Theorem 2 run: its distance to P_lambda* after every layer.
struct RateInstance {
  std::string name;             // e.g. "paper n=4 seed=1"
  std::string relabelling_key;  // equal for instances that are relabellings of each other
  long long n = 0;
  double r = 0, eta = 0, log10_bound = 0, unit_roundoff = 0;
  std::vector<long long> layers;  // 1, 2, ..., l
  std::vector<double> distance;   // max(mu(q, q*), mu(w, w*)) at each
};

// A relabelled instance that was not run again.
struct RelabelledDuplicate {
  std::string instance, relabelling_of;
};

// The decay of one instance: the running minimum of its distances at l >= 8,
// above the rounding floor 1e3 u; fitted when there are at least 5 such points.
struct InstanceDecay {
  std::string name;
  long long n = 0;
  double r = 0, eta = 0, log10_bound = 0;
  std::size_t points = 0;
  std::optional<DecayFit> decay;
  std::map<std::string, double> window_exponents;  // "8-32" -> power-law exponent on l in [8, 32]
};

struct Theorem2Rates {
  PowerLawFit fit;                       // log d = a log l + b log n + c over l = 8, 16, 32, ...
  std::vector<RatePoint> points;         // the fitted points
  std::vector<InstanceDecay> instances;
  std::vector<RelabelledDuplicate> duplicates;
  int geometric_preferred = 0, decays_fitted = 0;
  std::map<std::string, double> window_exponent_medians;
  std::string conclusion;                // what the data support, in l and in n
};

// Analyses the rate over the distinct instances' runs (duplicates: the relabellings
// not run again, only reported), each run to depth l_max.
//   l in [8, l_max], the running minimum above 1e3 u: power law vs geometric decay
//   per instance, power-law exponents on windows [lo, 4 lo], lo = 8, 32, ...; the fit
//   in l and n over the powers of two.
// Throws otv::InputError with fewer than 4 points to fit (l_max < 32).
// Example: analyse_rates(runs, {}, 256).fit.exponent_n
Theorem2Rates analyse_rates(const std::vector<RateInstance>& runs, const std::vector<RelabelledDuplicate>& duplicates, long long l_max);

// The "rates" object of `otverify theorem2 --rates --json`.
nlohmann::json to_json(const Theorem2Rates& rates);

}  // namespace otv::study
