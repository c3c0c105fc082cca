#pragma once
// Depth needed: the smallest L at which the head-1 data-block scores on Z^(L) are
// within a tolerance of log P_lambda* in the Hilbert metric (oscillation of the
// difference, docs/error-model.md "Breakdown"), found by early stopping on the
// distance measured at every layer of one forward pass, up to a cap.
#include <optional>

#include "otv/breakdown.hpp"
#include "otv/theorem2.hpp"

namespace otv {

template <class Real> struct DepthNeeded {
  std::optional<long long> layers;  // nullopt: not within the tolerance in `cap` layers
  Real distance;                    // at `layers`, or at the cap
  // Theorem 2 for this instance: r from A^(1) against P_lambda* (most favourable
  // representatives, F4) and log10 of its precondition 64 n^3 e^{3r/lambda} r;
  // nullopt when the pass stops before layer 1.
  std::optional<Theorem2Bound> theorem2;
};

// osc_ij(S_ij - L_ij) over the n x n data block (softmax normalisation cancels).
template <class Real> Real score_distance(const Matrix<Real>& scores, const Matrix<Real>& log_plan) {
  const Matrix<Real> d = breakdown_detail::data_scores<Real>(scores) - log_plan;
  return d.maxCoeff() - d.minCoeff();
}

template <class Real>
DepthNeeded<Real> depth_needed(const Instance<Real>& inst, const Real& lambda, const Real& gamma, Variant variant, Softmax mode,
                               const Matrix<Real>& log_plan, const Real& tolerance, long long cap) {
  const Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, mode);
  DepthNeeded<Real> r{std::nullopt, Real(0), std::nullopt};
  const Matrix<Real> C = cost_matrix<Real>(inst);
  // w*, q* of P_lambda* (marginals 1/n): factor_pattern normalises rows to 1, so log n comes off.
  PatternFactors<Real> optimal = factor_pattern<Real>(log_plan, C, lambda);
  optimal.log_w.array() -= log(Real(inst.n()));
  // Layer l's head-1 scores are computed on Z^(l): the distance at depth l, one layer ahead.
  bool within = false;
  const Observer<Real> observe = [&](const LayerView<Real>& view) {
    r.distance = score_distance<Real>(view.scores[0], log_plan);
    within = r.distance <= tolerance;
    if (view.layer == 1) {
      const PatternFactors<Real> first = factor_pattern<Real>(view.scores[0], C, lambda);
      const double log_r = ScalarTraits<Real>::to_double(log_r_most_favourable<Real>(first.log_w, optimal.log_w, first.log_q, optimal.log_q));
      r.theorem2 = theorem2_bound(log_r, ScalarTraits<Real>::to_double(log_phi_of_cost<Real>(C, lambda)), ScalarTraits<Real>::to_double(lambda),
                                  inst.n(), 1);
    }
  };
  Matrix<Real> Z = make_prompt<Real>(inst, con.columns), next;
  for (long long l = 0; l <= cap; ++l) {
    tf.step_into(Z, next, static_cast<int>(l), observe);
    Z.swap(next);
    if (within) {
      r.layers = l;
      return r;
    }
  }
  return r;
}

}  // namespace otv
