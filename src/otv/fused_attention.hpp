#pragma once
// One attention head's rows, atten(Z) w_v B = softmax(Z Q Z^T) (Z w_v B), for
// float and double, computed W rows at a time with every intermediate of those
// rows in one small buffer: the scores, their softmax and the value product
// never go through an (n+1)^2 matrix.
//
// Every entry is the same sequence of IEEE operations as in the column sweeps of
// matrix.hpp and softmax_rows_in_place (transformer.hpp), so the results are
// bitwise theirs: score_ij = sum over the nonzero columns k of query, k
// ascending, from +0, of query_ik Z_jk; the shift is score_i0 replaced by each
// larger score_ij in j order; exp(score - shift); the sum in j order; p = e / sum;
// output_ic = sum over j ascending of (p_ij == 0 ? 0 : p_ij values_jc). What
// changes is only the order across independent entries: W rows are held in
// vector registers (GCC vector extensions, lowered to the ISA the caller was
// compiled for, isa.hpp) and each loaded Z_j or values_j serves all W rows.
//
// The skipped terms are those matrix.hpp skips when Z and values are finite
// (applicable() checks it; otherwise the caller uses the column sweeps, which
// handle Inf and NaN inputs). The lanes beyond the last row of a partial block
// compute 0 * (finite) scores, exp(0) = 1 and p = 1 / Inf = +0, which raise no
// floating-point exception the real rows would not.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "otv/block_exp.hpp"
#include "otv/isa.hpp"
#include "otv/matrix.hpp"
#include "otv/softmax_mode.hpp"

namespace otv {

template <class Real> class FusedAttention {
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>);

 public:
  // Whether the head can run here with the column sweeps' bits: every entry of
  // Z and of values finite.
  static bool applicable(const Matrix<Real>& Z, const Matrix<Real>& values) { return all_finite(Z) && all_finite(values); }

  // query = Z Q and values = Z w_v B, both (n+1) x d'; Z is (n+1) x d'. The
  // references must outlive the object.
  FusedAttention(const Matrix<Real>& query, const Matrix<Real>& Z, const Matrix<Real>& values, Softmax mode)
      : query_(query), values_(values), mode_(mode) {
    const std::vector<char> zero_query = detail::zero_columns(query), zero_values = detail::zero_columns(values);
    for (Eigen::Index k = 0; k < query.cols(); ++k)
      if (!zero_query[static_cast<std::size_t>(k)]) query_columns_.push_back(k);
    for (Eigen::Index c = 0; c < values.cols(); ++c) (zero_values[static_cast<std::size_t>(c)] ? zero_value_columns_ : value_columns_).push_back(c);
    // Z's entries on query's nonzero columns, row after row: the score of key j reads a contiguous run.
    const std::size_t K = query_columns_.size();
    keys_.resize(static_cast<std::size_t>(Z.rows()) * K);
    for (Eigen::Index j = 0; j < Z.rows(); ++j)
      for (std::size_t kk = 0; kk < K; ++kk) keys_[static_cast<std::size_t>(j) * K + kk] = Z(j, query_columns_[kk]);
  }

  // Rows r of the head's output, written into `out` (n+1) x d', with the kernels
  // of the active ISA: its vector width changes no result.
  void rows(RowRange r, Matrix<Real>& out) const {
    switch (active_isa()) {
      case Isa::avx512: return rows_avx512(r, out);
      case Isa::avx2: return rows_avx2(r, out);
      case Isa::baseline: break;
    }
    rows_baseline(r, out);
  }

 private:
  const Matrix<Real>& query_;
  const Matrix<Real>& values_;
  Softmax mode_;
  std::vector<Eigen::Index> query_columns_, value_columns_, zero_value_columns_;
  std::vector<Real> keys_;

  // Block entries per exp call: the slice stays in L1 between subtraction, exp and sum.
  static constexpr std::size_t kExpEntries = 2048;

  static bool all_finite(const Matrix<Real>& M) {
    for (Eigen::Index i = 0; i < M.size(); ++i)
      if (!std::isfinite(M.data()[i])) return false;
    return true;
  }

  // Vector loads and stores through memcpy (unaligned, no aliasing
  // assumptions); by reference, so no vector crosses a function boundary.
  template <class V> [[gnu::always_inline]] static void load(V& v, const Real* p) { std::memcpy(&v, p, sizeof(V)); }
  template <class V> [[gnu::always_inline]] static void store(Real* p, const V& v) { std::memcpy(p, &v, sizeof(V)); }

  // One entry per ISA, each compiled once for it (noinline: a caller compiled for
  // another ISA, e.g. run_on_vector_unit's flattened ones, calls it rather than
  // inlining every width). Vectors per block: as many accumulators, shifts and
  // loads as the ISA has vector registers for (AVX-512: 32; AVX2 and SSE2: 16).
  [[gnu::target("avx512f"), gnu::flatten, gnu::noinline]] void rows_avx512(RowRange r, Matrix<Real>& out) const { rows_in_blocks<64, 8>(r, out); }
  [[gnu::target("avx2"), gnu::flatten, gnu::noinline]] void rows_avx2(RowRange r, Matrix<Real>& out) const { rows_in_blocks<32, 4>(r, out); }
  [[gnu::noinline]] void rows_baseline(RowRange r, Matrix<Real>& out) const { rows_in_blocks<16, 4>(r, out); }

  // Blocks of U vectors of rows; the last, shorter block in the fewest vectors that
  // hold it (a block's cost is that of all its lanes).
  template <std::size_t Bytes, std::size_t U> void rows_in_blocks(RowRange r, Matrix<Real>& out) const {
    constexpr auto W = static_cast<Eigen::Index>(U * Bytes / sizeof(Real));
    // Per thread, kept from call to call: no allocation per layer once grown.
    thread_local std::vector<Real> buffer;
    const std::size_t need = (static_cast<std::size_t>(query_.rows()) + query_columns_.size()) * static_cast<std::size_t>(W);
    if (buffer.size() < need) buffer.resize(need);
    Eigen::Index b = r.begin;
    for (; b + W <= r.end; b += W) block<Bytes, U>(b, W, buffer.data(), out);
    if (b < r.end) last_block<Bytes, U>(b, r.end - b, buffer.data(), out);
  }
  template <std::size_t Bytes, std::size_t U> void last_block(Eigen::Index i0, Eigen::Index m, Real* buffer, Matrix<Real>& out) const {
    if constexpr (U > 1)
      if (m <= static_cast<Eigen::Index>(U / 2 * Bytes / sizeof(Real))) return last_block<Bytes, U / 2>(i0, m, buffer, out);
    block<Bytes, U>(i0, m, buffer, out);
  }

  // Rows [i0, i0 + m), m <= W = U L, in U vectors of L rows each. The buffer
  // holds each key's W scores (then exps, then p) contiguously.
  template <std::size_t Bytes, std::size_t U> void block(Eigen::Index i0, Eigen::Index m, Real* buffer, Matrix<Real>& out) const {
    using V [[gnu::vector_size(Bytes)]] = Real;
    using Bits = std::conditional_t<sizeof(Real) == 8, std::int64_t, std::int32_t>;
    using VB [[gnu::vector_size(Bytes)]] = Bits;
    constexpr std::size_t L = Bytes / sizeof(Real), W = U * L;

    const Eigen::Index cols = query_.rows();  // keys: one per row of Z
    const std::size_t K = query_columns_.size();
    Real* s = buffer;
    Real* q = buffer + static_cast<std::size_t>(cols) * W;  // K x W: this block's query rows, 0 past the last
    for (std::size_t kk = 0; kk < K; ++kk) {
      const Real* col = query_.col(query_columns_[kk]).data() + i0;
      for (std::size_t w = 0; w < W; ++w) q[kk * W + w] = static_cast<Eigen::Index>(w) < m ? col[w] : Real(0);
    }

    // Scores and their running maximum.
    V shift[U] = {}, acc[U], x[U];
    const bool stable = mode_ == Softmax::stable;
    for (Eigen::Index j = 0; j < cols; ++j) {
      const Real* key = keys_.data() + static_cast<std::size_t>(j) * K;
#pragma GCC unroll 8
      for (std::size_t u = 0; u < U; ++u) acc[u] = V{};
      for (std::size_t kk = 0; kk < K; ++kk) {
        const Real b = key[kk];
#pragma GCC unroll 8
        for (std::size_t u = 0; u < U; ++u) {
          load(x[u], q + kk * W + u * L);
          acc[u] += x[u] * b;
        }
      }
      Real* sj = s + static_cast<std::size_t>(j) * W;
#pragma GCC unroll 8
      for (std::size_t u = 0; u < U; ++u) {
        if (stable) shift[u] = j == 0 ? acc[u] : (acc[u] > shift[u] ? acc[u] : shift[u]);
        store(sj + u * L, acc[u]);
      }
    }

    // exp(score - shift) and the sums, a slice in L1 at a time.
    V sum[U] = {};
    const std::size_t total = static_cast<std::size_t>(cols) * W, slice_len = std::max(W, kExpEntries / W * W);
    for (std::size_t e0 = 0; e0 < total; e0 += slice_len) {
      const std::size_t len = std::min(slice_len, total - e0);
      Real* slice = s + e0;
      for (std::size_t e = 0; e < len; e += W)
#pragma GCC unroll 8
        for (std::size_t u = 0; u < U; ++u) {
          load(x[u], slice + e + u * L);
          store(slice + e + u * L, x[u] - shift[u]);
        }
      BlockExp<Real>::exp_in_place(slice, static_cast<std::ptrdiff_t>(len));
      for (std::size_t e = 0; e < len; e += W)
#pragma GCC unroll 8
        for (std::size_t u = 0; u < U; ++u) {
          load(x[u], slice + e + u * L);
          sum[u] += x[u];
        }
    }
    for (std::size_t w = static_cast<std::size_t>(m); w < W; ++w) sum[w / L][w % L] = std::numeric_limits<Real>::infinity();

    // p = e / sum in place, with the first nonzero value column on the way;
    // `infinite` marks rows with a non-finite p (exponent bits all ones).
    constexpr Bits exponent = sizeof(Real) == 8 ? Bits(0x7ff0000000000000ll) : Bits(0x7f800000);
    VB infinite[U] = {}, bits;
    const V zero = {};
    const bool fused_value = !value_columns_.empty();
    const Real* v0 = fused_value ? values_.col(value_columns_[0]).data() : nullptr;
    for (std::size_t u = 0; u < U; ++u) acc[u] = V{};
    for (Eigen::Index j = 0; j < cols; ++j) {
      Real* e = s + static_cast<std::size_t>(j) * W;
#pragma GCC unroll 8
      for (std::size_t u = 0; u < U; ++u) {
        load(x[u], e + u * L);
        x[u] /= sum[u];
        store(e + u * L, x[u]);
        std::memcpy(&bits, &x[u], sizeof(V));
        infinite[u] |= (bits & exponent) == exponent;
        if (fused_value) acc[u] += x[u] == zero ? zero : x[u] * v0[j];
      }
    }
    auto write = [&](Eigen::Index c) {
      Real* o = out.col(c).data() + i0;
      for (Eigen::Index w = 0; w < m; ++w) o[w] = acc[static_cast<std::size_t>(w) / L][static_cast<std::size_t>(w) % L];
    };
    if (fused_value) write(value_columns_[0]);
    for (std::size_t cc = 1; cc < value_columns_.size(); ++cc) {
      const Real* vc = values_.col(value_columns_[cc]).data();
      for (std::size_t u = 0; u < U; ++u) acc[u] = V{};
      for (Eigen::Index j = 0; j < cols; ++j)
#pragma GCC unroll 8
        for (std::size_t u = 0; u < U; ++u) {
          load(x[u], s + static_cast<std::size_t>(j) * W + u * L);
          acc[u] += x[u] == zero ? zero : x[u] * vc[j];
        }
      write(value_columns_[cc]);
    }
    // A zero column of values gives +0 in a row with finite p; a row with an
    // Inf or NaN p gets what its terms give (matrix.hpp's multiply_into).
    for (Eigen::Index c : zero_value_columns_) {
      Real* o = out.col(c).data() + i0;
      const Real* vc = values_.col(c).data();
      for (Eigen::Index w = 0; w < m; ++w) {
        o[w] = 0;
        if (!infinite[static_cast<std::size_t>(w) / L][static_cast<std::size_t>(w) % L]) continue;
        for (Eigen::Index j = 0; j < cols; ++j) {
          const Real p = s[static_cast<std::size_t>(j) * W + static_cast<std::size_t>(w)];
          if (p != 0) o[w] += p * vc[j];
        }
      }
    }
  }
};

}  // namespace otv
