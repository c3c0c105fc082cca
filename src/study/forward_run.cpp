#include "study/forward_run.hpp"

#include "otv/block_exp.hpp"
#include "otv/isa.hpp"
#include "otv/scalar_registry.hpp"

namespace otv::study {

RunResult run_construction(const RunSpec& spec) {
  validate(spec.instance);
  validate_run_parameters(spec.lambda, spec.gamma, spec.layers, spec.patterns_at);
  if (spec.patterns_at.empty() || spec.p_lambda_star) return with_scalar(spec.scalar, [&]<class Real>() { return ForwardRun<Real>::run(spec); });
  RunSpec with_reference = spec;
  with_reference.p_lambda_star = entropic_reference(spec.instance, spec.lambda, reference_target(spec.scalar));
  return with_scalar(spec.scalar, [&]<class Real>() { return ForwardRun<Real>::run(with_reference); });
}

std::string scalar_name(const ScalarSpec& scalar) {
  return with_scalar(scalar, []<class Real>() { return ScalarTraits<Real>::name(); });
}

nlohmann::json kernel_provenance() { return {{"exp", exp_method_name(exp_method())}, {"isa", isa_name(active_isa())}}; }

}  // namespace otv::study
