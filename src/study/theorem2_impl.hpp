#pragma once
// Definitions of Theorem2Study; included only by the study's generated per-type units.
#include "otv/theorem2.hpp"
#include "study/forward_run.hpp"
#include "study/forward_run_impl.hpp"  // positive_parameter
#include "study/json_value.hpp"
#include "study/theorem2.hpp"

namespace otv::study {

template <class Real> Theorem2Result Theorem2Study<Real>::run(const Theorem2Spec& o, const EntropicReference& reference) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(o.instance);
  const Real lambda = positive_parameter<Real>(o.lambda, "lambda");
  const Real gamma = positive_parameter<Real>(o.gamma, "gamma");
  const Eigen::Index n = inst.n();
  const Matrix<Real> C = cost_matrix<Real>(inst);
  Vector<Real> log_ws(n), log_qs(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    log_ws(i) = parse_finite<Real>(reference.log_w.at(static_cast<std::size_t>(i)));
    log_qs(i) = parse_finite<Real>(reference.log_q.at(static_cast<std::size_t>(i)));
  }
  const Theorem2Trace<Real> t = trace_theorem2<Real>(inst, o.variant, lambda, gamma, o.layers, o.softmax, log_ws, log_qs);
  Theorem2Result r;
  Real max_residual = 0;
  for (std::size_t k = 0; k < t.distance.size(); ++k) {
    r.per_layer.push_back({static_cast<long long>(k + 1), T::to_double(t.distance[k]), T::to_double(t.residual[k])});
    max_residual = max_of<Real>(max_residual, t.residual[k]);
  }
  for (const auto& [k, A] : t.patterns) {
    std::vector<double> entries;
    for (Eigen::Index i = 0; i < A.rows(); ++i)
      for (Eigen::Index j = 0; j < A.cols(); ++j) entries.push_back(T::to_double(A(i, j)));
    r.rank.push_back({k, spectrum(entries, static_cast<std::size_t>(A.rows()))});
  }
  const double log_r = T::to_double(log_r_most_favourable<Real>(t.first.log_w, log_ws, t.first.log_q, log_qs));
  const double log_phi = T::to_double(log_phi_of_cost<Real>(C, lambda));
  r.bound = theorem2_bound(log_r, log_phi, T::to_double(lambda), n, o.layers);
  r.scalar = T::name();
  r.kernels = kernel_provenance();
  r.unit_roundoff = T::to_double(T::unit_roundoff());
  r.variant = o.variant;
  r.n = n;
  r.layers = o.layers;
  r.lambda = json_value(lambda);
  r.gamma = json_value(gamma);
  r.measured = T::to_double(t.measured);
  r.argmin_layer = t.argmin;
  r.max_factorization_residual = T::to_double(max_residual);
  r.reference = reference;
  return r;
}

}  // namespace otv::study
