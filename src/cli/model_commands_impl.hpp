#pragma once
// Definitions of ModelCommands; included only by the generated instantiation units.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/app_support.hpp"
#include "cli/model_commands.hpp"
#include "study/json_value.hpp"
#include "otv/dual_objective.hpp"
#include "otv/exact_ot.hpp"
#include "otv/prompt.hpp"
#include "otv/readout.hpp"
#include "otv/theorem1.hpp"
#include "otv/theorem2.hpp"
#include "study/forward_run_impl.hpp"  // positive_parameter

#include <Eigen/SVD>

namespace otv::cli {

using namespace otv::study;  // the JSON encoding of values (study/json_value.hpp)

using study::positive_parameter;

template <class Real> nlohmann::json ModelCommands<Real>::theorem1(const RunOptions& o, const InstanceText& text) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(text);
  const Real lambda = positive_parameter<Real>(o.lambda, "lambda");
  const Real gamma = positive_parameter<Real>(o.gamma, "gamma");
  const Theorem1Trace<Real> trace = compare_with_gd<Real>(inst, o.variant, lambda, gamma, static_cast<int>(o.layers), o.softmax);

  nlohmann::json j;
  j["scalar"] = T::name();
  j["kernels"] = kernel_provenance();
  j["unit_roundoff"] = T::to_double(T::unit_roundoff());
  j["precision_bits"] = T::bits();
  j["interval"] = T::is_interval;
  nlohmann::json per_layer = nlohmann::json::array(), sink = nlohmann::json::array();
  Real max_err = 0;
  nlohmann::json certificate = {{"counterexample", nullptr}};
  for (const auto& row : trace.layers) {
    per_layer.push_back({{"layer", row.layer}, {"max_u_err", T::to_double(row.max_u_err)},
                         {"max_v_err", T::to_double(row.max_v_err)}, {"tolerance", T::to_double(row.tolerance)}});
    sink.push_back({{"layer", row.layer}, {"u", json_value<Real>(row.sink_u)}, {"v", json_value<Real>(row.sink_v)}});
    max_err = max_of<Real>(max_err, max_of<Real>(row.max_u_err, row.max_v_err));
    if (T::is_interval && row.certified_counterexample && certificate["counterexample"].is_null())
      certificate["counterexample"] = {{"layer", row.layer}, {"row", row.witness_row + 1}, {"column", row.witness_is_u ? "u" : "v"},
                                       {"column_enclosure", T::to_string(row.witness_column_value)},
                                       {"gd_enclosure", T::to_string(row.witness_gd_value)}};
  }
  if (T::is_interval) {
    certificate["bits"] = T::bits();
    certificate["about"] = "the instance's decimals as parsed (for --generator: the decimals it printed, e.g. i/n truncated to 40 digits, not the rationals)";
    certificate["layers"] = o.layers;
    certificate["max_abs_difference_bound"] = T::to_string(max_err);
    // The last layer at which the certified bound is still below 1 (beyond it the
    // enclosures have widened past any use).
    int useful = 0;
    for (const auto& row : trace.layers)
      if (T::upper(max_of<Real>(row.max_u_err, row.max_v_err)) < 1) useful = row.layer;
    certificate["informative_through_layer"] = useful;
    j["certificate"] = certificate;
  }
  j["per_layer"] = per_layer;
  j["sink"] = sink;
  j["max_err"] = T::to_double(max_err);
  j["tolerance"] = trace.layers.empty() ? 0.0 : T::to_double(trace.layers.back().tolerance);
  j["first_failing_layer"] = trace.first_failing_layer < 0 ? nlohmann::json(nullptr) : nlohmann::json(trace.first_failing_layer);
  return j;
}

// Singular values (double) of an n x n pattern and its effective rank
// exp(entropy of sigma / sum sigma) (Roy & Vetterli 2007).
template <class Real> nlohmann::json spectrum(const Matrix<Real>& A) {
  Eigen::MatrixXd D(A.rows(), A.cols());
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j) D(i, j) = ScalarTraits<Real>::to_double(A(i, j));
  const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXd>(D).singularValues();
  const double total = sv.sum();
  double entropy = 0;
  for (Eigen::Index k = 0; k < sv.size(); ++k)
    if (sv(k) > 0) entropy -= sv(k) / total * std::log(sv(k) / total);
  return {{"singular_values", std::vector<double>(sv.data(), sv.data() + sv.size())}, {"effective_rank", std::exp(entropy)}};
}

template <class Real> nlohmann::json ModelCommands<Real>::theorem2(const RunOptions& o, const InstanceText& text, const nlohmann::json& reference) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(text);
  const Real lambda = positive_parameter<Real>(o.lambda, "lambda");
  const Real gamma = positive_parameter<Real>(o.gamma, "gamma");
  const Eigen::Index n = inst.n();
  const Matrix<Real> C = cost_matrix<Real>(inst);
  Vector<Real> log_ws(n), log_qs(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    log_ws(i) = parse_finite<Real>(reference["log_w"][i].get<std::string>());
    log_qs(i) = parse_finite<Real>(reference["log_q"][i].get<std::string>());
  }
  const Theorem2Trace<Real> t = trace_theorem2<Real>(inst, o.variant, lambda, gamma, o.layers, o.softmax, log_ws, log_qs);
  nlohmann::json per_layer = nlohmann::json::array(), ranks = nlohmann::json::array();
  Real max_residual = 0;
  for (std::size_t k = 0; k < t.distance.size(); ++k) {
    per_layer.push_back({{"layer", k + 1}, {"distance", T::to_double(t.distance[k])}, {"residual", T::to_double(t.residual[k])}});
    max_residual = max_of<Real>(max_residual, t.residual[k]);
  }
  for (const auto& [k, A] : t.patterns) {
    nlohmann::json s = spectrum<Real>(A);
    s["layer"] = k;
    ranks.push_back(s);
  }
  const PatternFactors<Real>& first = t.first;
  const Real measured = t.measured;
  const long long argmin = t.argmin;

  const double log_r = T::to_double(log_r_most_favourable<Real>(first.log_w, log_ws, first.log_q, log_qs));
  const double log_phi = T::to_double(log_phi_of_cost<Real>(C, lambda));
  const Theorem2Bound b = theorem2_bound(log_r, log_phi, T::to_double(lambda), n, o.layers);
  const double measured_d = T::to_double(measured);
  const double log10_measured = std::log10(measured_d);

  nlohmann::json j;
  j["scalar"] = T::name();
  j["kernels"] = kernel_provenance();
  j["unit_roundoff"] = T::to_double(T::unit_roundoff());
  j["variant"] = to_string(o.variant);
  j["n"] = n;
  j["lambda"] = json_value(lambda);
  j["gamma"] = json_value(gamma);
  j["layers"] = o.layers;
  j["r"] = std::exp(log_r);
  j["log_r"] = log_r;
  j["eta"] = b.eta;
  j["log_phi"] = b.log_phi;
  j["phi"] = std::exp(b.log_phi);
  j["log10_bound"] = b.log10_bound;
  j["precondition_holds"] = b.precondition_holds;
  j["min_layers_for_precondition"] = b.log10_min_layers < 15 ? nlohmann::json(std::ceil(std::pow(10.0, b.log10_min_layers)))
                                                              : nlohmann::json(nullptr);
  j["log10_min_layers_for_precondition"] = b.log10_min_layers;
  j["measured"] = measured_d;
  j["argmin_layer"] = argmin;
  j["bound_holds"] = log10_measured <= b.log10_bound;
  j["log10_tightness"] = b.log10_bound - log10_measured;
  j["max_factorization_residual"] = T::to_double(max_residual);
  j["per_layer"] = per_layer;
  j["rank"] = ranks;
  return j;
}

}  // namespace otv::cli
