#pragma once
// Definition of BreakdownCell; included only by the generated instantiation units.
#include <chrono>
#include <limits>

#include "study/breakdown_cell.hpp"
#include "otv/breakdown.hpp"
#include "otv/depth_needed.hpp"

namespace otv::study {

template <class Real> CellOutput BreakdownCell<Real>::cell(const CellSpec& spec) {
  using T = ScalarTraits<Real>;
  const auto start = std::chrono::steady_clock::now();
  const Instance<Real> inst = to_real<Real>(spec.instance);
  const Real lambda = parse_finite<Real>(spec.lambda), gamma = parse_finite<Real>(spec.gamma);
  if (!(T::lower(lambda) > 0) || !(T::lower(gamma) > 0))
    throw InputError("lambda = " + spec.lambda + " or gamma = " + spec.gamma + " is not positive in " + T::name());
  const BreakdownTrace<Real> t = trace_breakdown<Real>(inst, lambda, gamma, spec.layers, spec.variant, spec.softmax);
  CellOutput o;
  o.scalar = T::name();
  o.bits = T::bits();
  o.unit_roundoff = T::to_double(T::unit_roundoff());
  auto strings = [](const auto& m, std::vector<std::string>& out) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(T::to_string(m(i, j)));
  };
  strings(t.first_scores, o.first_scores);
  strings(t.final_scores, o.final_scores);
  strings(t.u, o.u);
  strings(t.v, o.v);
  strings(Matrix<Real>(t.readout.col(0)), o.readout);
  o.nan_entries = t.nan_entries;
  o.inf_entries = t.inf_entries;
  o.first_nonfinite_layer = t.first_nonfinite_layer;
  o.underflowed_rows = t.underflowed_rows;
  o.min_exp_argument = T::to_double(t.min_exp_argument);
  o.max_exp_argument = T::to_double(t.max_exp_argument);
  o.log_max_finite = T::to_double(log(std::numeric_limits<Real>::max()));
  o.log_min_normal = T::to_double(log(std::numeric_limits<Real>::min()));
  o.exceptions_recorded = t.exceptions.recorded;
  o.overflow = t.exceptions.overflow;
  o.underflow = t.exceptions.underflow;
  o.invalid = t.exceptions.invalid;
  o.divide_by_zero = t.exceptions.divide_by_zero;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

template <class Real> DepthOutput BreakdownCell<Real>::depth(const DepthSpec& spec) {
  using T = ScalarTraits<Real>;
  const auto start = std::chrono::steady_clock::now();
  const Instance<Real> inst = to_real<Real>(spec.cell.instance);
  const Eigen::Index n = inst.n();
  Matrix<Real> log_plan(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) log_plan(i, j) = parse_finite<Real>(spec.log_plan[static_cast<std::size_t>(i * n + j)]);
  const DepthNeeded<Real> d = otv::depth_needed<Real>(inst, parse_finite<Real>(spec.cell.lambda), parse_finite<Real>(spec.cell.gamma), spec.cell.variant,
                                                 spec.cell.softmax, log_plan, Real(spec.tolerance), spec.cap);
  const std::optional<Theorem2Bound>& t2 = d.theorem2;
  return {d.layers ? *d.layers : -1, T::to_double(d.distance), T::bits(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          t2 ? std::optional<double>(std::exp(t2->log_r)) : std::nullopt, t2 ? std::optional<double>(t2->log10_min_layers) : std::nullopt};
}

}  // namespace otv::study
