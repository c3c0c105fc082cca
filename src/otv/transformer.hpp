#pragma once
// A generic transformer forward pass, eq. (7):
//   Z^(l+1/2) = Z^(l) + sum_j atten_j(Z^(l)) B_j,   Z^(l+1) = Z^(l+1/2) + ReLU(Z^(l+1/2) w_f),
//   atten(Z) = A Z w_v,  A = row-softmax(Z Q Z^T) over all rows (eq. 5).
// It knows nothing about optimal transport.
#include <algorithm>
#include <type_traits>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "otv/block_exp.hpp"
#include "otv/fused_attention.hpp"
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"
#include "otv/softmax_mode.hpp"
#include "otv/worker_pool.hpp"

namespace otv {

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

// Row-wise softmax in place, rows r. Stable: subtract each row's maximum first
// (for intervals a point representative of it; any shift is exact in real
// arithmetic). Naive: exp of the raw scores, which overflows for large scores.
// Sweeps run down columns (column-major storage); each row still sees its
// entries in column order, so every value is that of a row-by-row loop.
// `shift` and `sum` are caller-owned buffers with one entry per row of A.
template <class Real>
void softmax_rows_in_place(Matrix<Real>& A, Softmax mode, Vector<Real>& shift, Vector<Real>& sum, RowRange r) {
  const Eigen::Index cols = A.cols();
  for (Eigen::Index i = r.begin; i < r.end; ++i) shift(i) = 0;
  if (mode == Softmax::stable && cols > 0) {
    for (Eigen::Index i = r.begin; i < r.end; ++i) shift(i) = ScalarTraits<Real>::point(A(i, 0));
    for (Eigen::Index j = 1; j < cols; ++j)
      for (Eigen::Index i = r.begin; i < r.end; ++i) {
        if constexpr (ScalarTraits<Real>::is_interval) {
          const Real p = ScalarTraits<Real>::point(A(i, j));
          if (p > shift(i)) shift(i) = p;
        } else if (A(i, j) > shift(i)) {
          shift(i) = A(i, j);
        }
      }
  }
  for (Eigen::Index i = r.begin; i < r.end; ++i) sum(i) = 0;
  for (Eigen::Index j = 0; j < cols; ++j) {
    Real* a = A.col(j).data();
    // One block exp per column segment (BlockExp: SLEEF's vector exp for float/double).
    BlockExp<Real>::exp_of_differences(a + r.begin, shift.data() + r.begin, r.end - r.begin);
    for (Eigen::Index i = r.begin; i < r.end; ++i) sum(i) += a[i];
  }
  for (Eigen::Index j = 0; j < cols; ++j) {
    Real* a = A.col(j).data();
    for (Eigen::Index i = r.begin; i < r.end; ++i) a[i] /= sum(i);
  }
}

template <class Real> void softmax_rows_in_place(Matrix<Real>& A, Softmax mode, Vector<Real>& shift, Vector<Real>& sum) {
  ensure_size(shift, A.rows());
  ensure_size(sum, A.rows());
  softmax_rows_in_place(A, mode, shift, sum, RowRange{0, A.rows()});
}

template <class Real> Matrix<Real> softmax_rows(const Matrix<Real>& S, Softmax mode) {
  Matrix<Real> A = S;
  Vector<Real> shift, sum;
  softmax_rows_in_place(A, mode, shift, sum);
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

// When the rows of a layer are split between threads. min_rows: below it a layer
// is too short to pay for the hand-over (a few microseconds; a row of a software
// type costs far more than one of doubles). MPFR (and MPFI on it) is thread-safe
// when built with thread-local caches (Debian's is); its precision is the
// process-wide one of Boost 1.74, the same on every thread.
template <class Real> struct RowSplit {
  static constexpr Eigen::Index min_rows = ScalarTraits<Real>::hardware_exceptions ? 256 : 16;
  static bool thread_safe() { return true; }
};
template <> struct RowSplit<mpfr_real> {
  static constexpr Eigen::Index min_rows = 16;
  static bool thread_safe() { return mpfr_buildopt_tls_p() != 0; }
};
template <> struct RowSplit<mpfi_real> : RowSplit<mpfr_real> {};

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
    Matrix<Real> next;
    for (int l = 0; l < depth; ++l) {
      step_into(Z, next, l, observer);
      Z.swap(next);
    }
    return Z;
  }

  Matrix<Real> step(const Matrix<Real>& Z, int l, const Observer<Real>& observer = {}) const {
    Matrix<Real> next;
    step_into(Z, next, l, observer);
    return next;
  }

  // One layer, Z^(l) -> Z^(l+1), written into `next` (which must not be Z).
  // Without an observer, float and double layers with finite inputs run every
  // head through FusedAttention (a block buffer per thread); otherwise one
  // (n+1)^2 buffer serves every head in turn: scores are overwritten by their
  // softmax, so memory is O(n^2) whatever the depth.
  // Each head's rows are independent; at large n they are split between
  // cores (row_blocks), with bitwise the same results.
  void step_into(const Matrix<Real>& Z, Matrix<Real>& next, int l, const Observer<Real>& observer = {}) const {
    const auto& lay = layer(l);
    const auto& value_maps = value_maps_[static_cast<std::size_t>(l) % layers_.size()];
    Workspace& ws = workspace_;
    const std::size_t heads = lay.heads.size();
    const Eigen::Index rows = Z.rows();
    ensure_shape(next, rows, Z.cols());
    next = Z;
    if constexpr (VectorUnitKernels<Real>::value)
      if (!observer && fused_heads_into(Z, lay, value_maps, next)) return add_feed_forward(lay, next);
    ws.scores.resize(observer ? heads : 0);
    ws.patterns.resize(observer ? heads : std::min<std::size_t>(heads, 1));
    ensure_shape(ws.mixed, rows, Z.cols());
    ensure_size(ws.shift, rows);
    ensure_size(ws.sum, rows);
    for (std::size_t j = 0; j < heads; ++j) {
      multiply_into<Real>(Z, lay.heads[j].Q, ws.query);
      multiply_into<Real>(Z, value_maps[j], ws.values);
      Matrix<Real>& pattern = ws.patterns[observer ? j : 0];
      Matrix<Real>& scores = observer ? ws.scores[j] : pattern;
      ensure_shape(scores, rows, rows);
      if (observer) {
        row_blocks(rows, [&](RowRange r) { run_on_vector_unit<Real>([&] { multiply_transposed_into<Real>(ws.query, Z, scores, r); }); });
        pattern = scores;
      }
      row_blocks(rows, [&](RowRange r) {
        // Scores, softmax and product for kCacheRows rows at a time, so the
        // block stays in cache between the three passes; compiled for the
        // machine's vector unit (isa.hpp), with the baseline's bits.
        run_on_vector_unit<Real>([&] {
          for (Eigen::Index b = r.begin; b < r.end; b += kCacheRows) {
            const RowRange s{b, std::min(b + kCacheRows, r.end)};
            if (!observer) multiply_transposed_into<Real>(ws.query, Z, pattern, s);
            softmax_rows_in_place<Real>(pattern, mode_, ws.shift, ws.sum, s);
            multiply_into<Real>(pattern, ws.values, ws.mixed, s);
          }
        });
      });
      next += ws.mixed;
    }
    add_feed_forward(lay, next);
    if (observer) observer(LayerView<Real>{l, Z, ws.scores, ws.patterns, next});
  }

 private:
  std::vector<Layer<Real>> layers_;
  std::vector<std::vector<Matrix<Real>>> value_maps_;  // w_v B per layer and head
  Softmax mode_;
  // Buffers reused from layer to layer (a multiprecision entry allocates when
  // created). A Transformer is therefore not shared between threads.
  struct Workspace {
    Matrix<Real> query, values, mixed;           // (n+1) x d'
    std::vector<Matrix<Real>> head_query, head_values, head_mixed;  // per head, (n+1) x d' (fused_heads_into)
    std::vector<Matrix<Real>> scores, patterns;  // (n+1) x (n+1) per head
    Vector<Real> shift, sum;                     // per row of a softmax
  };
  mutable Workspace workspace_;

  // next += the heads' attention outputs, head after head, all heads' rows in one
  // hand-over to the worker pool; false (nothing written) when an input is not
  // finite, where FusedAttention does not apply.
  bool fused_heads_into(const Matrix<Real>& Z, const Layer<Real>& lay, const std::vector<Matrix<Real>>& value_maps, Matrix<Real>& next) const {
    Workspace& ws = workspace_;
    const std::size_t heads = lay.heads.size();
    ws.head_query.resize(heads);
    ws.head_values.resize(heads);
    ws.head_mixed.resize(heads);
    for (std::size_t j = 0; j < heads; ++j) {
      multiply_into<Real>(Z, lay.heads[j].Q, ws.head_query[j]);
      multiply_into<Real>(Z, value_maps[j], ws.head_values[j]);
      if (!FusedAttention<Real>::applicable(Z, ws.head_values[j])) return false;
      ensure_shape(ws.head_mixed[j], Z.rows(), Z.cols());
    }
    std::vector<FusedAttention<Real>> fused;
    fused.reserve(heads);
    for (std::size_t j = 0; j < heads; ++j) fused.emplace_back(ws.head_query[j], Z, ws.head_values[j], mode_);
    row_blocks(Z.rows(), [&](RowRange r) {
      for (std::size_t j = 0; j < heads; ++j) fused[j].rows(r, ws.head_mixed[j]);
    });
    for (std::size_t j = 0; j < heads; ++j) next += ws.head_mixed[j];
    return true;
  }

  // next += relu(next w_f), the layer's feed-forward part when it has one.
  void add_feed_forward(const Layer<Real>& lay, Matrix<Real>& next) const {
    if (!lay.w_f) return;
    Workspace& ws = workspace_;
    ensure_shape(ws.mixed, next.rows(), next.cols());
    multiply_into<Real>(next, *lay.w_f, ws.mixed);
    for (Eigen::Index i = 0; i < next.rows(); ++i)
      for (Eigen::Index c = 0; c < next.cols(); ++c) next(i, c) += ScalarTraits<Real>::relu(ws.mixed(i, c));
  }

  // Rows per cache block: 128 rows of n = 1024 doubles are 1 MiB (L2 holds it).
  static constexpr Eigen::Index kCacheRows = 128;

  // Runs f on row blocks covering [0, rows), in parallel on the process's
  // worker pool when Real's arithmetic is thread-safe and the layer is long
  // enough (RowSplit). Each row is computed by the same code whatever block it
  // falls in, so the result does not depend on the number of threads.
  template <class F> static void row_blocks(Eigen::Index rows, const F& f) {
    WorkerPool& pool = WorkerPool::shared();
    if (!RowSplit<Real>::thread_safe() || rows < RowSplit<Real>::min_rows || pool.threads() < 2) {
      f(RowRange{0, rows});
      return;
    }
    const Eigen::Index blocks = std::min<Eigen::Index>(pool.threads(), rows / (RowSplit<Real>::min_rows / 2));
    pool.run(static_cast<unsigned>(blocks), [&](unsigned b) { f(RowRange{rows * b / blocks, rows * (b + 1) / blocks}); });
  }
};

}  // namespace otv
