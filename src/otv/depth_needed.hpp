#pragma once
// Depth needed: the smallest L at which the head-1 data-block scores on Z^(L) are
// within a tolerance of log P_lambda* in the Hilbert metric (oscillation of the
// difference, docs/error-model.md "Breakdown"), found by early stopping on the
// distance measured at every layer of one forward pass, up to a cap.
#include <optional>

#include "otv/breakdown.hpp"

namespace otv {

template <class Real> struct DepthNeeded {
  std::optional<long long> layers;  // nullopt: not within the tolerance in `cap` layers
  Real distance;                    // at `layers`, or at the cap
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
  DepthNeeded<Real> r{std::nullopt, Real(0)};
  // Layer l's head-1 scores are computed on Z^(l): the distance at depth l, one layer ahead.
  bool within = false;
  const Observer<Real> observe = [&](const LayerView<Real>& view) {
    r.distance = score_distance<Real>(view.scores[0], log_plan);
    within = r.distance <= tolerance;
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
