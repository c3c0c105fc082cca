#pragma once
// The search for a numeric threshold lambda*: the largest lambda at which a
// computation fails, found by probing downward from a start -- galloping by
// decades (gaps of 1, 1, 2, 4, 8, ... decades) until a probe fails or the floor
// is reached, then bisection in log lambda until the bracket's ratio is at most
// the resolution. Stateless: the next probe is a function of the probes made so
// far, so a search interrupted anywhere resumes from its results.
#include <functional>
#include <optional>
#include <vector>

namespace otv::study {

struct Probe {
  double lambda;
  bool fails;
};

struct ThresholdSearchSpec {
  double start = 1;          // first probe
  double floor = 0;          // no probe below it (e.g. the type's smallest normal lambda)
  double resolution = 1.05;  // stop when passes_at / lambda_star <= resolution
};

enum class SearchStatus {
  probing,          // `next` is the lambda to probe
  bracketed,        // lambda_star fails, passes_at passes, ratio within the resolution
  fails_at_start,   // the start itself fails: lambda* >= start
  none_above_floor  // no failure down to the floor
};

const char* to_string(SearchStatus s);

struct SearchStep {
  SearchStatus status = SearchStatus::probing;
  std::optional<double> next;                   // when probing
  std::optional<double> lambda_star, passes_at;  // the first failure scanning down, the probe just above it
};

// round: maps a proposed lambda to the value actually probed (the caller's key
// resolution); a proposal that rounds onto a probed lambda ends the bisection.
SearchStep next_probe(const std::vector<Probe>& probes, const ThresholdSearchSpec& spec,
                      const std::function<double(double)>& round = [](double x) { return x; });

}  // namespace otv::study
