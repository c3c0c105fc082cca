#pragma once
// A generic transformer forward pass, eq. (7):
//   Z^(l+1/2) = Z^(l) + sum_j atten_j(Z^(l)) B_j,   Z^(l+1) = Z^(l+1/2) + ReLU(Z^(l+1/2) w_f),
//   atten(Z) = A Z w_v,  A = row-softmax(Z Q Z^T) over all rows (eq. 5).
// It knows nothing about optimal transport.
#include <functional>
#include <optional>
#include <vector>

#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

enum class Softmax { stable, naive };

template <class Real> struct Head {
  Matrix<Real> Q;    // w_k w_q^T (d' x d'); scores are z_i Q z_j^T
  Matrix<Real> w_v;  // value map (d' x d')
  Matrix<Real> B;    // mixing weights (d' x d')
};

template <class Real> struct Layer {
  std::vector<Head<Real>> heads;
  std::optional<Matrix<Real>> w_f;  // feed-forward weights; none means w_f = 0
};

// What an observer sees of one layer: its input, per-head scores and attention
// patterns, and its output. References are valid only during the callback.
template <class Real> struct LayerView {
  int layer;  // 0-based: maps Z^(layer) to Z^(layer+1)
  const Matrix<Real>& input;
  const std::vector<Matrix<Real>>& scores;
  const std::vector<Matrix<Real>>& patterns;
  const Matrix<Real>& output;
};

template <class Real> using Observer = std::function<void(const LayerView<Real>&)>;

// Row-wise softmax. Stable: subtract each row's maximum first (for intervals a
// point representative of it; any shift is exact in real arithmetic). Naive:
// exp of the raw scores, which overflows for large scores.
template <class Real> Matrix<Real> softmax_rows(const Matrix<Real>& S, Softmax mode) {
  Matrix<Real> A(S.rows(), S.cols());
  for (Eigen::Index i = 0; i < S.rows(); ++i) {
    Real shift = 0;
    if (mode == Softmax::stable) {
      shift = ScalarTraits<Real>::point(S(i, 0));
      for (Eigen::Index j = 1; j < S.cols(); ++j) {
        const Real p = ScalarTraits<Real>::point(S(i, j));
        if (p > shift) shift = p;
      }
    }
    Real sum = 0;
    for (Eigen::Index j = 0; j < S.cols(); ++j) {
      A(i, j) = exp(S(i, j) - shift);
      sum += A(i, j);
    }
    for (Eigen::Index j = 0; j < S.cols(); ++j) A(i, j) /= sum;
  }
  return A;
}

template <class Real> struct Attention {
  Matrix<Real> scores, pattern;
};

template <class Real> Attention<Real> attention(const Matrix<Real>& Z, const Head<Real>& h, Softmax mode) {
  Attention<Real> a;
  a.scores = multiply_transposed<Real>(multiply<Real>(Z, h.Q), Z);
  a.pattern = softmax_rows<Real>(a.scores, mode);
  return a;
}

template <class Real> class Transformer {
 public:
  // A stack that cycles through `layers` (weight tying): a constant-weight
  // construction passes a single layer and any depth.
  explicit Transformer(std::vector<Layer<Real>> layers, Softmax mode = Softmax::stable)
      : layers_(std::move(layers)), mode_(mode) {
    for (const auto& layer : layers_) {
      std::vector<Matrix<Real>> maps;
      for (const auto& h : layer.heads) maps.push_back(multiply<Real>(h.w_v, h.B));
      value_maps_.push_back(std::move(maps));
    }
  }

  const Layer<Real>& layer(int l) const { return layers_[static_cast<std::size_t>(l) % layers_.size()]; }
  Softmax softmax_mode() const { return mode_; }

  // Attention of every head of layer l on Z (e.g. the patterns A^(L) of the final state).
  std::vector<Attention<Real>> attentions(const Matrix<Real>& Z, int l) const {
    std::vector<Attention<Real>> out;
    for (const auto& h : layer(l).heads) out.push_back(attention(Z, h, mode_));
    return out;
  }

  // Applies `depth` layers to Z; the observer (if any) sees each layer.
  Matrix<Real> forward(Matrix<Real> Z, int depth, const Observer<Real>& observer = {}) const {
    for (int l = 0; l < depth; ++l) Z = step(Z, l, observer);
    return Z;
  }

  Matrix<Real> step(const Matrix<Real>& Z, int l, const Observer<Real>& observer = {}) const {
    const auto& lay = layer(l);
    const auto& value_maps = value_maps_[static_cast<std::size_t>(l) % layers_.size()];
    std::vector<Matrix<Real>> scores, patterns;
    Matrix<Real> next = Z;
    for (std::size_t j = 0; j < lay.heads.size(); ++j) {
      Attention<Real> a = attention(Z, lay.heads[j], mode_);
      next += multiply<Real>(a.pattern, multiply<Real>(Z, value_maps[j]));
      if (observer) { scores.push_back(std::move(a.scores)); patterns.push_back(std::move(a.pattern)); }
    }
    if (lay.w_f) {
      Matrix<Real> h = multiply<Real>(next, *lay.w_f);
      for (Eigen::Index i = 0; i < h.rows(); ++i)
        for (Eigen::Index c = 0; c < h.cols(); ++c)
          next(i, c) += ScalarTraits<Real>::relu(h(i, c));
    }
    if (observer) observer(LayerView<Real>{l, Z, scores, patterns, next});
    return next;
  }

 private:
  std::vector<Layer<Real>> layers_;
  std::vector<std::vector<Matrix<Real>>> value_maps_;  // w_v B per layer and head
  Softmax mode_;
};

}  // namespace otv
