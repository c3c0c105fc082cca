#pragma once
// Hand-written backward pass of eq. (7) with w_f = 0 (the training setting of
// Sec. 6): gradients with respect to every head's Q and w_v, B fixed. The forward
// pass is the generic Transformer::forward (transformer.hpp); this file only
// records what it computes and differentiates through it.
#include <stdexcept>
#include <vector>

#include "otv/transformer.hpp"

namespace otv {

// The trainable part of one head: Q = w_k w_q^T (optimised directly, Sec. 6) and w_v.
// Also the shape of its gradient and of Adam's moments.
template <class Real> struct HeadWeights {
  Matrix<Real> Q, w_v;
};
template <class Real> using LayerWeights = std::vector<std::vector<HeadWeights<Real>>>;  // [layer][head]

template <class Real> LayerWeights<Real> zeros_like(const LayerWeights<Real>& w) {
  LayerWeights<Real> z = w;
  for (auto& layer : z)
    for (auto& h : layer) { h.Q.setZero(); h.w_v.setZero(); }
  return z;
}

// What the forward pass computed: the input Z^(l) of every layer and each head's
// attention pattern A on it (eq. 5), and the final state.
template <class Real> struct ForwardTrace {
  std::vector<Matrix<Real>> inputs;
  std::vector<std::vector<Matrix<Real>>> patterns;
  Matrix<Real> output;
};

template <class Real> ForwardTrace<Real> forward_trace(const Transformer<Real>& tf, const Matrix<Real>& Z0, int depth) {
  ForwardTrace<Real> t;
  t.output = tf.forward(Z0, depth, [&t](const LayerView<Real>& v) {
    t.inputs.push_back(v.input);
    t.patterns.push_back(v.patterns);
  });
  return t;
}

// The value maps w_v B of the first `layers` layers, per head: computed once per
// parameter update rather than once per sample.
template <class Real> std::vector<std::vector<Matrix<Real>>> value_maps(const Transformer<Real>& tf, int layers) {
  std::vector<std::vector<Matrix<Real>>> maps(static_cast<std::size_t>(layers));
  for (int l = 0; l < layers; ++l)
    for (const auto& h : tf.layer(l).heads) maps[static_cast<std::size_t>(l)].push_back(h.w_v * h.B);
  return maps;
}

// Adds dL/dQ and dL/dw_v of every layer and head to grads, given G = dL/dZ^(L)
// and maps = value_maps(tf, grads.size()). A stack that cycles through its layers
// (weight tying) accumulates layer l into grads[l % grads.size()].
template <class Real>
void backward(const Transformer<Real>& tf, const std::vector<std::vector<Matrix<Real>>>& maps, const ForwardTrace<Real>& trace,
              Matrix<Real> G, LayerWeights<Real>& grads) {
  const int depth = static_cast<int>(trace.inputs.size());
  for (int l = depth - 1; l >= 0; --l) {
    const Layer<Real>& layer = tf.layer(l);
    if (layer.w_f) throw std::logic_error("backward: the training model has w_f = 0 (eq. 7 without the feed-forward)");
    const Matrix<Real>& Z = trace.inputs[static_cast<std::size_t>(l)];
    auto& g = grads[static_cast<std::size_t>(l) % grads.size()];
    Matrix<Real> dZ = G;  // residual connection
    for (std::size_t j = 0; j < layer.heads.size(); ++j) {
      const Head<Real>& h = layer.heads[j];
      const Matrix<Real>& A = trace.patterns[static_cast<std::size_t>(l)][j];
      const Matrix<Real>& W = maps[static_cast<std::size_t>(l) % grads.size()][j];
      const Matrix<Real> ZW = Z * W;
      // out = A (Z W): through A and through the values.
      const Matrix<Real> dA = G * ZW.transpose();
      const Matrix<Real> dV = A.transpose() * G;
      g[j].w_v += Z.transpose() * dV * h.B.transpose();
      dZ += dV * W.transpose();
      // Row softmax: dS = A .* (dA - rowsum(dA .* A)).
      Matrix<Real> dS(A.rows(), A.cols());
      for (Eigen::Index i = 0; i < A.rows(); ++i) {
        Real dot = 0;
        for (Eigen::Index k = 0; k < A.cols(); ++k) dot += dA(i, k) * A(i, k);
        for (Eigen::Index k = 0; k < A.cols(); ++k) dS(i, k) = A(i, k) * (dA(i, k) - dot);
      }
      // S = Z Q Z^T.
      const Matrix<Real> ZQt = Z * h.Q.transpose(), ZQ = Z * h.Q;
      g[j].Q += Z.transpose() * dS * Z;
      dZ += dS * ZQt + dS.transpose() * ZQ;
    }
    G = std::move(dZ);
  }
}

}  // namespace otv
