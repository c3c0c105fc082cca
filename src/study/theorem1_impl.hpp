#pragma once
// Definitions of Theorem1Study; included only by the study's generated per-type units.
#include "otv/theorem1.hpp"
#include "study/forward_run.hpp"
#include "study/forward_run_impl.hpp"  // positive_parameter
#include "study/json_value.hpp"
#include "study/theorem1.hpp"

namespace otv::study {

template <class Real> Theorem1Comparison Theorem1Study<Real>::compare(const Theorem1Spec& o) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(o.instance);
  const Real lambda = positive_parameter<Real>(o.lambda, "lambda");
  const Real gamma = positive_parameter<Real>(o.gamma, "gamma");
  const Theorem1Trace<Real> trace = compare_with_gd<Real>(inst, o.variant, lambda, gamma, static_cast<int>(o.layers), o.softmax, o.after_layer);

  Theorem1Comparison c;
  c.scalar = T::name();
  c.kernels = kernel_provenance();
  c.unit_roundoff = T::to_double(T::unit_roundoff());
  c.precision_bits = T::bits();
  c.interval = T::is_interval;
  Real max_err = 0;
  std::optional<Theorem1Counterexample> counterexample;
  for (const auto& row : trace.layers) {
    const Real err = max_of<Real>(row.max_u_err, row.max_v_err);
    c.layers.push_back({row.layer, T::to_double(row.max_u_err), T::to_double(row.max_v_err), T::to_double(row.tolerance),
                        json_value<Real>(row.sink_u), json_value<Real>(row.sink_v), T::upper(err) < 1});
    max_err = max_of<Real>(max_err, err);
    if (T::is_interval && row.certified_counterexample && !counterexample)
      counterexample = Theorem1Counterexample{row.layer, static_cast<long long>(row.witness_row + 1), row.witness_is_u ? "u" : "v",
                                              T::to_string(row.witness_column_value), T::to_string(row.witness_gd_value)};
  }
  if (T::is_interval)
    c.certificate = Theorem1Certificate{T::bits(), o.layers, T::to_string(max_err), informative_through_layer(c.layers), counterexample};
  c.max_err = T::to_double(max_err);
  c.tolerance = trace.layers.empty() ? 0.0 : T::to_double(trace.layers.back().tolerance);
  if (trace.first_failing_layer >= 0) c.first_failing_layer = trace.first_failing_layer;
  return c;
}

}  // namespace otv::study
