#include "study/forward_run.hpp"

#include "otv/block_exp.hpp"
#include "otv/isa.hpp"
#include "otv/scalar_registry.hpp"

namespace otv::study {

RunResult run_construction(const RunSpec& spec) {
  validate(spec.instance);
  validate_run_parameters(spec.lambda, spec.gamma, spec.layers, spec.patterns_at);
  return with_scalar(spec.scalar, [&]<class Real>() { return ForwardRun<Real>::run(spec); });
}

nlohmann::json kernel_provenance() { return {{"exp", exp_method_name(exp_method())}, {"isa", isa_name(active_isa())}}; }

}  // namespace otv::study
