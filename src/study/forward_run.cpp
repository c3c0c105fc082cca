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

nlohmann::json to_json(const RunResult& r) {
  nlohmann::json j;
  j["scalar"] = r.scalar;
  j["kernels"] = r.kernels;
  j["precision_bits"] = r.precision_bits;
  j["unit_roundoff"] = r.unit_roundoff;
  j["variant"] = to_string(r.variant);
  j["softmax"] = r.softmax == Softmax::stable ? "stable" : "naive";
  j["n"] = r.n;
  j["d"] = r.d;
  j["lambda"] = r.lambda;
  j["gamma"] = r.gamma;
  j["layers"] = r.layers;
  j["readout"] = r.readout;
  j["sorted"] = r.sorted;
  j["readout_max_error"] = r.readout_max_error;
  j["u"] = r.u;
  j["v"] = r.v;
  j["sink"] = {{"u", r.sink_u}, {"v", r.sink_v}};
  j["attention_last"] = r.attention_last;
  j["marginal_error"] = {{"rows", r.marginal_error_rows}, {"cols", r.marginal_error_cols}};
  if (r.max_enclosure_width) j["max_enclosure_width"] = *r.max_enclosure_width;
  if (r.targets) {
    nlohmann::json patterns = nlohmann::json::array();
    for (const auto& p : r.patterns) patterns.push_back({{"layer", p.layer}, {"head1", p.head1}, {"readout", p.readout}});
    j["patterns"] = std::move(patterns);
    j["p_lambda_star"] = r.targets->p_lambda_star;
    j["p_lambda_star_converged"] = r.targets->p_lambda_star_converged;
    j["p_lambda_star_reference"] = r.targets->p_lambda_star_reference;
    j["p_star"] = r.targets->p_star;
  }
  j["breakdown"] = {{"nonfinite_entries", r.nonfinite_entries},
                    {"first_nonfinite_layer", r.first_nonfinite_layer ? nlohmann::json(*r.first_nonfinite_layer) : nlohmann::json(nullptr)}};
  return j;
}

nlohmann::json kernel_provenance() { return {{"exp", exp_method_name(exp_method())}, {"isa", isa_name(active_isa())}}; }

}  // namespace otv::study
