// The run parameters' checks, shared by the CLI (RunOptions::validate), the Python
// module and run_construction; a file of its own so that parsers (fuzz/) link it
// without the forward pass's per-type instances.
#include "otv/decimal_text.hpp"
#include "study/forward_run.hpp"

namespace otv::study {

void validate_run_parameters(const std::string& lambda, const std::string& gamma, long long layers,
                             const std::vector<long long>& patterns_at) {
  require_decimal(lambda);
  require_decimal(gamma);
  if (!is_positive_decimal(lambda)) throw InputError("lambda must be > 0 (got " + excerpt(lambda) + ")");
  if (!is_positive_decimal(gamma)) throw InputError("gamma must be > 0 (got " + excerpt(gamma) + ")");
  if (layers < 0) throw InputError("layers must be >= 0 (got " + std::to_string(layers) + ")");
  if (layers > kMaxLayers) throw InputError("layers " + std::to_string(layers) + " exceeds the limit " + std::to_string(kMaxLayers));
  for (long long k : patterns_at)
    if (k < 0 || k > layers) throw InputError("--patterns-at layer " + std::to_string(k) + " is outside [0, " + std::to_string(layers) + "]");
}

}  // namespace otv::study
