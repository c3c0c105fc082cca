#include "study/threshold_search.hpp"

#include <algorithm>
#include <cmath>

namespace otv::study {

const char* to_string(SearchStatus s) {
  switch (s) {
    case SearchStatus::probing: return "probing";
    case SearchStatus::bracketed: return "bracketed";
    case SearchStatus::fails_at_start: return "fails at the start";
    case SearchStatus::none_above_floor: return "no failure down to the floor";
  }
  return "?";
}

SearchStep next_probe(const std::vector<Probe>& probes, const ThresholdSearchSpec& spec, const std::function<double(double)>& round) {
  std::vector<Probe> p = probes;
  std::sort(p.begin(), p.end(), [](const Probe& a, const Probe& b) { return a.lambda > b.lambda; });
  SearchStep step;
  if (p.empty() || p.front().lambda < spec.start) {
    step.next = spec.start;
    return step;
  }
  const auto failure = std::find_if(p.begin(), p.end(), [](const Probe& x) { return x.fails; });
  if (failure == p.end()) {
    const double smallest = p.back().lambda;
    if (smallest <= spec.floor) {
      step.status = SearchStatus::none_above_floor;
      return step;
    }
    // Galloping: the gap below the smallest probe is the span searched so far, at least a decade.
    const double decades = std::max(1.0, std::floor(std::log10(spec.start / smallest) + 0.5));
    step.next = std::max(spec.floor, round(smallest * std::pow(10.0, -decades)));
    if (!(*step.next < smallest)) step.status = SearchStatus::none_above_floor, step.next.reset();
    return step;
  }
  step.lambda_star = failure->lambda;
  if (failure == p.begin()) {
    step.status = SearchStatus::fails_at_start;
    return step;
  }
  step.passes_at = std::prev(failure)->lambda;
  const double mid = round(std::exp(0.5 * (std::log(*step.lambda_star) + std::log(*step.passes_at))));  // no underflow of the product
  if (*step.passes_at / *step.lambda_star <= spec.resolution || !(mid > *step.lambda_star && mid < *step.passes_at)) {
    step.status = SearchStatus::bracketed;
    return step;
  }
  step.next = mid;
  return step;
}

}  // namespace otv::study
