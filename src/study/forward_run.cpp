#include "study/forward_run.hpp"

#include "otv/block_exp.hpp"
#include "otv/decimal_text.hpp"
#include "otv/isa.hpp"

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

RunResult run_construction(const RunSpec& spec) {
  validate(spec.instance);
  validate_run_parameters(spec.lambda, spec.gamma, spec.layers, spec.patterns_at);
  return with_scalar(spec.scalar, [&]<class Real>() { return ForwardRun<Real>::run(spec); });
}

nlohmann::json kernel_provenance() { return {{"exp", exp_method_name(exp_method())}, {"isa", isa_name(active_isa())}}; }

}  // namespace otv::study
