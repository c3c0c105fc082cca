#pragma once
// The constructed weights of eq. (8) (as repaired, construction.hpp) written in
// the trainable parameterisation of Sec. 6, to compare with trained weights: is
// the construction a minimiser of the training loss (Sec. 7, (ii))?
#include <algorithm>
#include <cmath>

#include "otv/construction.hpp"
#include "otv/training.hpp"

namespace otv {

// With B = mixing * I fixed, w_v = (-gamma / mixing) * (eq. 8's value map) gives
// the construction's update -gamma head_j. Eq. (8) has no readout; the last
// layer's head 2 (rows indexed by the targets y_i, softmax over x_j and the sink)
// also writes (n+1) (A x)_i into the output column: with the sink's share
// 1/(1 + sum_j M_ij) ~ n/(n+1) at the fixed point, this is the masked readout of
// readout.hpp at the training size n. With the released code's attention readout
// (attention_readout), layers 1..L-1 are eq. (8) and the readout's Q (the last
// layer's head-1 slot) is eq. (8)'s head-2 Q: A x with A the head-2 pattern, sink
// masked, which is DESIGN.md's sorting readout at any n.
template <class Real>
TrainableModel<Real> constructed_model(const PromptShape& shape, int layers, const Real& mixing, const Real& lambda, const Real& gamma, int n,
                                       bool attention_readout = false) {
  if (shape.kind != PromptKind::engineered) throw InputError("the construction of eq. (8) needs the engineered prompt");
  const Variant variant = shape.layout == Layout::notebook ? Variant::notebook : Variant::paper;
  const Construction<Real> con = make_construction<Real>(variant, shape.d, lambda, gamma);
  const ColumnMap& c = con.columns;
  TrainableModel<Real> m{shape, mixing, {}, attention_readout};
  for (int l = 0; l < layers; ++l) {
    std::vector<HeadWeights<Real>> lw;
    for (const auto& h : con.layer.heads) lw.push_back({h.Q, h.w_v * (-gamma / mixing)});
    if (attention_readout && l == layers - 1) {
      const Matrix<Real> zero = Matrix<Real>::Zero(c.width, c.width);
      lw = {{con.layer.heads[1].Q, zero}, {zero, zero}};
    } else if (!attention_readout && l == layers - 1)
      for (int k = 0; k < shape.d; ++k) lw[1].w_v(c.x[static_cast<std::size_t>(k)], c.out) = Real(n + 1) / mixing;
    m.weights.push_back(std::move(lw));
  }
  return m;
}

// Distance between two models' Q after the natural symmetry of eq. (7): the two
// heads of a layer enter as a sum, so they may be swapped. Per layer the better
// of the two assignments; relative to |Q_reference|_F over all layers.
struct QDistance {
  double relative = 0;
  double norm_ratio = 0;          // |Q_trained|_F / |Q_reference|_F
  double cosine = 0;              // <Q_trained, Q_reference>_F / (norms), heads matched
  std::vector<double> per_layer;  // relative, per layer
  std::vector<bool> swapped;      // heads swapped in the best assignment
};

template <class Real> QDistance q_distance(const TrainableModel<Real>& trained, const TrainableModel<Real>& reference) {
  auto sq = [](const Matrix<Real>& a) {
    double s = 0;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index j = 0; j < a.cols(); ++j) { const double t = ScalarTraits<Real>::to_double(a(i, j)); s += t * t; }
    return s;
  };
  auto dot = [](const Matrix<Real>& a, const Matrix<Real>& b) {
    double s = 0;
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      for (Eigen::Index j = 0; j < a.cols(); ++j) s += ScalarTraits<Real>::to_double(a(i, j)) * ScalarTraits<Real>::to_double(b(i, j));
    return s;
  };
  QDistance d;
  double num = 0, den = 0, tnorm = 0, inner = 0;
  for (int l = 0; l < std::min(trained.layers(), reference.layers()); ++l) {
    const auto& t = trained.weights[static_cast<std::size_t>(l)];
    const auto& r = reference.weights[static_cast<std::size_t>(l)];
    const double same = sq(t[0].Q - r[0].Q) + sq(t[1].Q - r[1].Q);
    const double swap = sq(t[0].Q - r[1].Q) + sq(t[1].Q - r[0].Q);
    const double ref = sq(r[0].Q) + sq(r[1].Q);
    d.per_layer.push_back(std::sqrt(std::min(same, swap) / ref));
    d.swapped.push_back(swap < same);
    num += std::min(same, swap);
    den += ref;
    tnorm += sq(t[0].Q) + sq(t[1].Q);
    inner += swap < same ? dot(t[0].Q, r[1].Q) + dot(t[1].Q, r[0].Q) : dot(t[0].Q, r[0].Q) + dot(t[1].Q, r[1].Q);
  }
  d.relative = std::sqrt(num / den);
  d.norm_ratio = std::sqrt(tnorm / den);
  d.cosine = inner / std::sqrt(tnorm * den);
  return d;
}

}  // namespace otv
