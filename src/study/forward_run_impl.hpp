#pragma once
// Definitions of ForwardRun; included only by the generated instantiation units
// (and, for positive_parameter, by the theorems' study/theorem*_impl.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "otv/construction.hpp"
#include "otv/dual_objective.hpp"
#include "otv/exact_ot.hpp"
#include "otv/prompt.hpp"
#include "otv/readout.hpp"
#include "otv/transformer.hpp"
#include "study/forward_run.hpp"
#include "study/json_value.hpp"

namespace otv::study {

// Parses a positive parameter in Real; a positive decimal can still underflow.
template <class Real> Real positive_parameter(const std::string& text, const char* name) {
  const Real r = parse_finite<Real>(text);
  if (!(ScalarTraits<Real>::lower(r) > 0))
    throw InputError(std::string(name) + " = " + excerpt(text) + " is not positive in " + ScalarTraits<Real>::name());
  // A positive decimal can also underflow to a subnormal (a few bits of it left,
  // e.g. lambda = 1e-40 in float).
  if constexpr (std::is_floating_point_v<Real>) {
    if (std::fpclassify(r) == FP_SUBNORMAL)
      throw InputError(fmt::format("{} = {} is subnormal in {} (below its smallest normal, {:.6g})", name, excerpt(text), ScalarTraits<Real>::name(),
                                   static_cast<double>(std::numeric_limits<Real>::min())));
  }
  return r;
}

template <class Real> std::size_t count_nonfinite(const Matrix<Real>& m) {
  std::size_t k = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) k += !ScalarTraits<Real>::is_finite(m(i, j));
  return k;
}

template <class Real> RunResult ForwardRun<Real>::run(const RunSpec& o) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(o.instance);
  const Real lambda = positive_parameter<Real>(o.lambda, "lambda");
  const Real gamma = positive_parameter<Real>(o.gamma, "gamma");
  const Construction<Real> con = make_construction<Real>(o.variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, o.softmax);
  const ColumnMap& c = con.columns;
  const Eigen::Index n = inst.n();

  // Breakdown is a result: record the first layer whose output is not finite.
  long long first_nonfinite_layer = -1;
  Matrix<Real> Z = make_prompt<Real>(inst, c);
  // --patterns-at: A^(k), the head-1 data block acting on Z^(k) (eq. 10), and the
  // readout at that depth (a depth scan of the sorted estimate).
  std::size_t nonfinite_in_patterns = 0;
  RunResult r;
  auto record_pattern = [&](long long k) {
    if (std::find(o.patterns_at.begin(), o.patterns_at.end(), k) == o.patterns_at.end()) return;
    const auto att_k = tf.attentions(Z, static_cast<int>(k));
    const Matrix<Real> block = data_block<Real>(att_k[0].pattern), read = readout<Real>(att_k[1].pattern, inst.x);
    nonfinite_in_patterns += count_nonfinite<Real>(block) + count_nonfinite<Real>(read);
    r.patterns.push_back({k, json_matrix<Real>(block), json_matrix<Real>(read)});
  };
  for (long long l = 0; l < o.layers; ++l) {
    record_pattern(l);
    Z = tf.step(Z, static_cast<int>(l));
    if (first_nonfinite_layer < 0 && count_nonfinite<Real>(Z) > 0) first_nonfinite_layer = l + 1;
    if (o.after_layer) o.after_layer(l + 1);
  }
  // Every result must carry the precision of the scope (Boost's variable precision).
  if (T::precision_of(Z(n, c.u)) != T::bits() || T::precision_of(Z(0, c.v)) != T::bits())
    throw std::logic_error("result precision " + std::to_string(T::precision_of(Z(n, c.u))) + " bits, expected " + std::to_string(T::bits()));
  record_pattern(o.layers);
  // Patterns A^(L) of the final state Z^(L) (eq. 10 uses the state they act on).
  const auto att = tf.attentions(Z, static_cast<int>(o.layers));
  const Matrix<Real> est = readout<Real>(att[1].pattern, inst.x);
  const Matrix<Real> sorted = transported_x<Real>(inst, exact_ot<Real>(inst));
  const Matrix<Real> plan = plan_from_scores<Real>(att[0].scores);
  const Marginals<Real> m = marginals<Real>(plan);

  const Real inv_n = Real(1) / Real(n);
  Real readout_err = 0, row_err = 0, col_err = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index k = 0; k < inst.d(); ++k) readout_err = max_of<Real>(readout_err, T::upper(abs(est(i, k) - sorted(i, k))));
    row_err = max_of<Real>(row_err, T::upper(abs(m.rows(i) - inv_n)));
    col_err = max_of<Real>(col_err, T::upper(abs(m.cols(i) - inv_n)));
  }
  Real max_width = 0;  // enclosure width of the u, v columns (intervals only)
  for (Eigen::Index i = 0; i <= n; ++i)
    for (int col : {c.u, c.v}) max_width = max_of<Real>(max_width, T::upper(T::width(Z(i, col))));
  // The state Z^(L) (u, v, sink and the rest) and every other non-finite value
  // the command outputs: the data block A^(L) (its row normalisation can make
  // 0/0 of a finite pattern), the readout, its error, the marginal errors, the
  // --patterns-at patterns (counted as recorded) and P_lambda* (below).
  const Matrix<Real> attention_last = data_block<Real>(att[0].pattern);
  std::size_t nonfinite = count_nonfinite<Real>(Z) + count_nonfinite<Real>(attention_last) + count_nonfinite<Real>(est) + nonfinite_in_patterns;
  for (const Real& e : {readout_err, row_err, col_err}) nonfinite += !T::is_finite(e);

  r.scalar = T::name();
  r.kernels = kernel_provenance();
  r.precision_bits = T::bits();
  r.unit_roundoff = json_value<Real>(T::unit_roundoff());
  r.variant = o.variant;
  r.softmax = o.softmax;
  r.n = n;
  r.d = inst.d();
  r.lambda = json_value(lambda);
  r.gamma = json_value(gamma);
  r.layers = o.layers;
  r.readout = json_matrix<Real>(est);
  r.sorted = json_matrix<Real>(sorted);
  r.readout_max_error = json_value<Real>(readout_err);
  r.u = json_vector<Real>(Z.col(c.u).head(n));
  r.v = json_vector<Real>(Z.col(c.v).head(n));
  r.sink_u = json_value<Real>(Z(n, c.u));
  r.sink_v = json_value<Real>(Z(n, c.v));
  r.attention_last = json_matrix<Real>(attention_last);
  r.marginal_error_rows = json_value<Real>(row_err);
  r.marginal_error_cols = json_value<Real>(col_err);
  if (T::is_interval) r.max_enclosure_width = json_value<Real>(max_width);
  if (!o.patterns_at.empty()) {
    // P_lambda* (eq. 3) from the certified reference rounded into Real, and P* (eq. 2),
    // both scaled by n so that rows sum to 1 like the data block A^(k).
    Matrix<Real> p_lambda(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index k = 0; k < n; ++k)
        p_lambda(i, k) = Real(n) * exp(parse_finite<Real>(o.p_lambda_star.value().log_plan.at(static_cast<std::size_t>(i * n + k))));
    Matrix<Real> p_star = Matrix<Real>::Zero(n, n);
    const Assignment as = exact_ot<Real>(inst);
    for (Eigen::Index i = 0; i < n; ++i) p_star(i, as[static_cast<std::size_t>(i)]) = 1;
    nonfinite += count_nonfinite<Real>(p_lambda);
    r.targets = PatternTargets{json_matrix<Real>(p_lambda), json_matrix<Real>(p_star), o.p_lambda_star->converged,
                               reference_summary(*o.p_lambda_star)};
  }
  r.nonfinite_entries = nonfinite;
  if (first_nonfinite_layer >= 0) r.first_nonfinite_layer = first_nonfinite_layer;
  return r;
}

}  // namespace otv::study
