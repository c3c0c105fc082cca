#pragma once
// bench_forward: the generic forward pass timed on one instance, for bench/compare.
// A class template instantiated once per scalar type (src/cli/instantiate.cpp.in).
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> struct ForwardTiming {
  // Runs o.layers layers from the prompt `repeats` times. Reports the best time
  // per layer, the peak resident memory of the process and the final u, v
  // columns (all n + 1 rows, decimal strings that round-trip).
  static nlohmann::json run(const RunOptions& o, int repeats);
};

}  // namespace otv::cli
