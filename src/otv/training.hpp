#pragma once
// Learning the construction (Sec. 6): a trainable model of eq. (7) with two heads
// per layer, Q = w_k w_q^T and w_v optimised directly, B fixed, w_f = 0, trained
// with Adam on the mean squared error of the output column against sorted x.
#include <algorithm>
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
  int x_column() const { return kind == PromptKind::engineered ? columns().x[0] : 0; }
};

// uv: starting u, v of the data rows (n x 2), or empty for eq. (6)'s zeros; the
// plain prompt has no u, v columns.
template <class Real> Matrix<Real> make_training_prompt(const PromptShape& shape, const Instance<Real>& inst, const Matrix<Real>& uv = {}) {
  if (shape.kind == PromptKind::engineered) {
    Matrix<Real> Z = make_prompt<Real>(inst, shape.columns());
    if (uv.size() > 0) {
      Z.block(0, shape.columns().u, inst.n(), 1) = uv.col(0);
      Z.block(0, shape.columns().v, inst.n(), 1) = uv.col(1);
    }
    return Z;
  }
  Matrix<Real> Z = Matrix<Real>::Zero(inst.n(), shape.width());  // eq. (12)
  Z.leftCols(shape.d) = inst.x;
  Z.middleCols(shape.d, shape.d) = inst.y;
  return Z;
}
template <class Real> Matrix<Real> make_training_prompt(const PromptShape& shape, const Sample<Real>& s) {
  return make_training_prompt<Real>(shape, s.instance, s.uv);
}

// B = mixing * I for every head: the paper's I/20, or the released code's
// gamma-scaled subtraction -gamma I.
// Readout: otverify's reads the output column of Z^(L); the released code's
// (attention_readout) runs L - 1 residual layers and reads (A x)_i, A = softmax over
// the n data columns (sink masked) of Z Q Z^T on Z^(L-1), Q = the last layer's
// head-1 Q, x = the x column of Z^(L-1) (the rest of layer L is unused).
template <class Real> struct TrainableModel {
  PromptShape shape;
  Real mixing = Real(1) / Real(20);
  LayerWeights<Real> weights;  // [layer][head], two heads per layer
  bool attention_readout = false;

  int layers() const { return static_cast<int>(weights.size()); }
  int residual_layers() const { return attention_readout ? layers() - 1 : layers(); }
  const Matrix<Real>& readout_q() const { return weights.back()[0].Q; }

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
  TrainableModel<Real> m{shape, mixing, {}, false};
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

// The released code's readout pattern on a state Z: softmax over the n data
// columns of the data rows' scores Z Q Z^T (the sink neither asks nor answers).
template <class Real> Matrix<Real> readout_pattern(const TrainableModel<Real>& model, const Matrix<Real>& Z, Eigen::Index n) {
  const Matrix<Real> Zd = Z.topRows(n);
  return softmax_rows<Real>(Zd * model.readout_q() * Zd.transpose(), Softmax::stable);
}

// The model's estimate of sorted(x) on a state Z^(residual_layers): the output
// column, or the attention readout A x.
template <class Real> Vector<Real> readout(const TrainableModel<Real>& model, const Matrix<Real>& Z, Eigen::Index n) {
  if (!model.attention_readout) return Z.col(model.shape.out_column()).head(n);
  return readout_pattern<Real>(model, Z, n) * Z.col(model.shape.x_column()).head(n);
}

template <class Real> Vector<Real> predict(const TrainableModel<Real>& model, const Sample<Real>& s) {
  return readout<Real>(model, model.transformer().forward(make_training_prompt<Real>(model.shape, s), model.residual_layers()), s.instance.n());
}

// dL/dZ from dL/dprediction = g through the readout; adds dL/dQ of the readout.
template <class Real>
Matrix<Real> readout_backward(const TrainableModel<Real>& model, const Matrix<Real>& Z, const Vector<Real>& g, LayerWeights<Real>& grad) {
  const Eigen::Index n = g.size();
  Matrix<Real> G = Matrix<Real>::Zero(Z.rows(), Z.cols());
  if (!model.attention_readout) {
    G.col(model.shape.out_column()).head(n) = g;
    return G;
  }
  const int xc = model.shape.x_column();
  const Matrix<Real> Zd = Z.topRows(n);
  const Matrix<Real> A = readout_pattern<Real>(model, Z, n);
  const Matrix<Real> dA = g * Zd.col(xc).transpose();  // pred = A x
  Matrix<Real> dS(n, n);                                // row softmax
  for (Eigen::Index i = 0; i < n; ++i) {
    Real dot = 0;
    for (Eigen::Index k = 0; k < n; ++k) dot += dA(i, k) * A(i, k);
    for (Eigen::Index k = 0; k < n; ++k) dS(i, k) = A(i, k) * (dA(i, k) - dot);
  }
  const Matrix<Real>& Q = model.readout_q();
  grad.back()[0].Q += Zd.transpose() * dS * Zd;
  G.topRows(n) = dS * Zd * Q.transpose() + dS.transpose() * Zd * Q;
  G.col(xc).head(n) += A.transpose() * g;
  return G;
}

// Training loss: mean over samples and rows of (prediction_i - sorted(x)_i)^2.
// With grad non-null, adds its gradient with respect to every Q and w_v.
template <class Real>
Real loss_and_gradient(const TrainableModel<Real>& model, const std::vector<Sample<Real>>& samples, LayerWeights<Real>* grad) {
  const Transformer<Real> tf = model.transformer();
  const int depth = model.residual_layers();
  const auto maps = grad ? value_maps<Real>(tf, model.layers()) : std::vector<std::vector<Matrix<Real>>>{};
  Real total = 0;
  for (const auto& s : samples) {
    const Eigen::Index n = s.instance.n();
    const Real scale = Real(1) / (Real(static_cast<long long>(samples.size())) * Real(static_cast<long long>(n)));
    const Matrix<Real> Z0 = make_training_prompt<Real>(model.shape, s);
    if (!grad) {
      const Vector<Real> r = readout<Real>(model, tf.forward(Z0, depth), n) - s.sorted_x;
      for (Eigen::Index i = 0; i < n; ++i) total += scale * r(i) * r(i);
      continue;
    }
    const ForwardTrace<Real> trace = forward_trace<Real>(tf, Z0, depth);
    const Vector<Real> r = readout<Real>(model, trace.output, n) - s.sorted_x;
    for (Eigen::Index i = 0; i < n; ++i) total += scale * r(i) * r(i);
    const Vector<Real> g = (Real(2) * scale) * r;
    backward<Real>(tf, maps, trace, readout_backward<Real>(model, trace.output, g, *grad), *grad);
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

// A^(l) of eq. (10) for every residual layer l and head: the pattern computed in
// layer l (on Z^(l-1)), restricted to the data block (rows renormalised over the
// n data columns; the plain prompt has no sink).
template <class Real> std::vector<std::vector<Matrix<Real>>> attention_patterns(const TrainableModel<Real>& model, const Sample<Real>& s) {
  const ForwardTrace<Real> t = forward_trace<Real>(model.transformer(), make_training_prompt<Real>(model.shape, s), model.residual_layers());
  std::vector<std::vector<Matrix<Real>>> out;
  for (const auto& heads : t.patterns) {
    std::vector<Matrix<Real>> per_head;
    for (const auto& A : heads) per_head.push_back(model.shape.has_sink() ? data_block<Real>(A) : A);
    out.push_back(std::move(per_head));
  }
  return out;
}

// Figure 3 as the released notebook draws it: the readout's Q (the last layer's
// head-1 Q) applied to every state Z^(l), l = 0..residual_layers, sink masked.
// Row i belongs to the target y_i = i/n, so at convergence it selects the token
// holding the i-th smallest x (the transpose of P*'s row-per-x convention).
template <class Real> std::vector<Matrix<Real>> readout_patterns(const TrainableModel<Real>& model, const Sample<Real>& s) {
  const ForwardTrace<Real> t = forward_trace<Real>(model.transformer(), make_training_prompt<Real>(model.shape, s), model.residual_layers());
  std::vector<Matrix<Real>> out;
  for (const auto& Z : t.inputs) out.push_back(readout_pattern<Real>(model, Z, s.instance.n()));
  out.push_back(readout_pattern<Real>(model, t.output, s.instance.n()));
  return out;
}

// How well predictions sort, on held-out instances (sorted(x) != y): mean squared
// error against sorted x, against y, and the errors of the two predictors that do
// not sort: "copy y" (predict y_i) and "mean of x" (predict mean(x) everywhere).
struct SortingScore {
  double mse_sorted = 0, mse_to_y = 0, copy_y_baseline = 0, mean_baseline = 0;
  // Sorting: at least 10 times below the better of the two non-sorting
  // predictors (an order of magnitude, so that neither copying y nor
  // predicting the mean nor a blend of them passes). Copying y, symmetrically:
  // not sorting, and 10 times closer to y than y is to sorted x.
  static constexpr double kSortingFactor = 10;
  bool sorts() const { return mse_sorted * kSortingFactor <= std::min(copy_y_baseline, mean_baseline); }
  bool copies_y() const { return !sorts() && mse_to_y * kSortingFactor <= copy_y_baseline; }
  const char* verdict() const { return sorts() ? "sorts" : copies_y() ? "copies y (does not sort)" : "does not sort"; }
};

template <class Real> SortingScore score_sorting(const std::vector<Vector<Real>>& predictions, const std::vector<Sample<Real>>& samples) {
  auto d = [](const Real& r) { return ScalarTraits<Real>::to_double(r); };
  SortingScore sc;
  double count = 0;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const Sample<Real>& s = samples[k];
    const Eigen::Index n = s.instance.n();
    const double mean = d(s.instance.x.sum()) / static_cast<double>(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double p = d(predictions[k](i)), t = d(s.sorted_x(i)), y = d(s.instance.y(i, 0));
      sc.mse_sorted += (p - t) * (p - t);
      sc.mse_to_y += (p - y) * (p - y);
      sc.copy_y_baseline += (y - t) * (y - t);
      sc.mean_baseline += (mean - t) * (mean - t);
    }
    count += static_cast<double>(n);
  }
  for (double* v : {&sc.mse_sorted, &sc.mse_to_y, &sc.copy_y_baseline, &sc.mean_baseline}) *v /= count;
  return sc;
}

template <class Real> SortingScore score_sorting(const TrainableModel<Real>& model, const std::vector<Sample<Real>>& samples) {
  std::vector<Vector<Real>> predictions;
  for (const auto& s : samples) predictions.push_back(predict<Real>(model, s));
  return score_sorting<Real>(predictions, samples);
}

}  // namespace otv
