#pragma once
// Learning the construction (Sec. 6): a trainable model of eq. (7) with two heads
// per layer, Q = w_k w_q^T and w_v optimised directly, B fixed, w_f = 0, trained
// with Adam on the mean squared error of the output column against sorted x.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "otv/adam.hpp"
#include "otv/column_map.hpp"
#include "otv/prompt.hpp"
#include "otv/readout.hpp"
#include "otv/training_data.hpp"
#include "otv/transformer_gradient.hpp"

namespace otv {

// engineered: eq. (6), n data rows and the sink row, 2d + 9 columns.
// plain: eq. (12), [x, y, 0], n rows and 2d + 1 columns.
enum class PromptKind { engineered, plain };

inline PromptKind parse_prompt_kind(const std::string& s) {
  if (s == "engineered") return PromptKind::engineered;
  if (s == "plain") return PromptKind::plain;
  throw InputError("unknown prompt " + excerpt(s) + " (expected engineered or plain)");
}
inline std::string to_string(PromptKind p) { return p == PromptKind::engineered ? "engineered" : "plain"; }

// How a prompt is laid out: its width and where the output column is.
struct PromptShape {
  PromptKind kind = PromptKind::engineered;
  Layout layout = Layout::paper;  // engineered only
  int d = 1;
  ColumnMap columns() const { return ColumnMap::make(layout, d); }
  int width() const { return kind == PromptKind::engineered ? columns().width : 2 * d + 1; }
  int out_column() const { return kind == PromptKind::engineered ? columns().out : 2 * d; }
  bool has_sink() const { return kind == PromptKind::engineered; }
};

template <class Real> Matrix<Real> make_training_prompt(const PromptShape& shape, const Instance<Real>& inst) {
  if (shape.kind == PromptKind::engineered) return make_prompt<Real>(inst, shape.columns());
  Matrix<Real> Z = Matrix<Real>::Zero(inst.n(), shape.width());  // eq. (12)
  Z.leftCols(shape.d) = inst.x;
  Z.middleCols(shape.d, shape.d) = inst.y;
  return Z;
}

// B = mixing * I for every head: the paper's I/20, or the released code's
// gamma-scaled subtraction -gamma I.
template <class Real> struct TrainableModel {
  PromptShape shape;
  Real mixing = Real(1) / Real(20);
  LayerWeights<Real> weights;  // [layer][head], two heads per layer

  int layers() const { return static_cast<int>(weights.size()); }

  std::vector<Matrix<Real>*> parameters() {
    std::vector<Matrix<Real>*> p;
    for (auto& layer : weights)
      for (auto& h : layer) { p.push_back(&h.Q); p.push_back(&h.w_v); }
    return p;
  }

  Transformer<Real> transformer() const {
    const int w = shape.width();
    std::vector<Layer<Real>> layers;
    for (const auto& lw : weights) {
      Layer<Real> layer;
      for (const auto& h : lw) layer.heads.push_back({h.Q, h.w_v, Matrix<Real>::Identity(w, w) * mixing});
      layers.push_back(std::move(layer));
    }
    return Transformer<Real>(std::move(layers), Softmax::stable);
  }
};

// Gaussian initialisation with variance 1/width (Sec. 6: 1/(2d+9) for the engineered
// prompt), from a seeded Box-Muller stream (std::normal_distribution is not
// specified bit for bit across libraries).
template <class Real> TrainableModel<Real> initial_model(const PromptShape& shape, int layers, const Real& mixing, std::uint64_t seed) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), 0x696e6974u};
  std::mt19937_64 rng(seq);
  const double sd = 1.0 / std::sqrt(static_cast<double>(shape.width()));
  auto normal = [&] {
    const double u1 = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  TrainableModel<Real> m{shape, mixing, {}};
  const int w = shape.width();
  for (int l = 0; l < layers; ++l) {
    std::vector<HeadWeights<Real>> lw(2, HeadWeights<Real>{Matrix<Real>(w, w), Matrix<Real>(w, w)});
    for (auto& h : lw)
      for (auto* M : {&h.Q, &h.w_v})
        for (Eigen::Index i = 0; i < w; ++i)
          for (Eigen::Index j = 0; j < w; ++j) (*M)(i, j) = Real(normal());
    m.weights.push_back(std::move(lw));
  }
  return m;
}

// Training loss: mean over samples and rows of (Z^(L)_{i,out} - sorted(x)_i)^2.
// With grad non-null, adds its gradient with respect to every Q and w_v.
template <class Real>
Real loss_and_gradient(const TrainableModel<Real>& model, const std::vector<Sample<Real>>& samples, LayerWeights<Real>* grad) {
  const Transformer<Real> tf = model.transformer();
  const int out = model.shape.out_column();
  const auto maps = grad ? value_maps<Real>(tf, model.layers()) : std::vector<std::vector<Matrix<Real>>>{};
  Real total = 0;
  for (const auto& s : samples) {
    const Eigen::Index n = s.instance.n();
    const Real scale = Real(1) / (Real(static_cast<long long>(samples.size())) * Real(static_cast<long long>(n)));
    const Matrix<Real> Z0 = make_training_prompt<Real>(model.shape, s.instance);
    if (!grad) {
      const Matrix<Real> Z = tf.forward(Z0, model.layers());
      for (Eigen::Index i = 0; i < n; ++i) total += scale * (Z(i, out) - s.sorted_x(i)) * (Z(i, out) - s.sorted_x(i));
      continue;
    }
    const ForwardTrace<Real> trace = forward_trace<Real>(tf, Z0, model.layers());
    Matrix<Real> G = Matrix<Real>::Zero(trace.output.rows(), trace.output.cols());
    for (Eigen::Index i = 0; i < n; ++i) {
      const Real r = trace.output(i, out) - s.sorted_x(i);
      total += scale * r * r;
      G(i, out) = Real(2) * scale * r;
    }
    backward<Real>(tf, maps, trace, std::move(G), *grad);
  }
  return total;
}

template <class Real> std::vector<const Matrix<Real>*> gradient_list(const LayerWeights<Real>& g) {
  std::vector<const Matrix<Real>*> p;
  for (const auto& layer : g)
    for (const auto& h : layer) { p.push_back(&h.Q); p.push_back(&h.w_v); }
  return p;
}

// One Adam iteration on `samples`; returns the loss before the update.
template <class Real>
Real training_step(TrainableModel<Real>& model, AdamState<Real>& adam, const AdamSettings& settings, const std::vector<Sample<Real>>& samples) {
  LayerWeights<Real> grad = zeros_like(model.weights);
  const Real loss = loss_and_gradient<Real>(model, samples, &grad);
  adam_update<Real>(model.parameters(), gradient_list(grad), adam, settings);
  return loss;
}

// A^(l) of eq. (10) for every layer l = 1..L and head: the pattern computed in
// layer l (on Z^(l-1)), restricted to the data block (rows renormalised over the
// n data columns; the plain prompt has no sink).
template <class Real> std::vector<std::vector<Matrix<Real>>> attention_patterns(const TrainableModel<Real>& model, const Instance<Real>& inst) {
  const ForwardTrace<Real> t = forward_trace<Real>(model.transformer(), make_training_prompt<Real>(model.shape, inst), model.layers());
  std::vector<std::vector<Matrix<Real>>> out;
  for (const auto& heads : t.patterns) {
    std::vector<Matrix<Real>> per_head;
    for (const auto& A : heads) per_head.push_back(model.shape.has_sink() ? data_block<Real>(A) : A);
    out.push_back(std::move(per_head));
  }
  return out;
}

}  // namespace otv
