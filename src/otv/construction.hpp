#pragma once
// The hand-built parameters of eq. (8), as repaired (docs/construction.md).
// Head 1 scores between data rows are log M_ij (eq. 9); head 2 is its transpose.
#include <stdexcept>
#include <string>

#include "otv/column_map.hpp"
#include "otv/construction_variant.hpp"
#include "otv/error.hpp"
#include "otv/transformer.hpp"

namespace otv {

inline ColumnMap column_map(Variant v, int d) {
  return ColumnMap::make(v == Variant::notebook ? Layout::notebook : Layout::paper, d, v == Variant::corrected);
}

// lambda * Q for head 1 (role = u) or head 2 (role = v), written entry by entry
// on named columns: score_ij = z_i Q z_j^T.
template <class Real> Matrix<Real> lambda_Q(Variant variant, const ColumnMap& c, const Real& lambda, bool head1) {
  Matrix<Real> LQ = Matrix<Real>::Zero(c.width, c.width);
  const auto& src = head1 ? c.x : c.y;  // the query row's points
  const auto& dst = head1 ? c.y : c.x;  // the key row's points
  const int src2 = head1 ? c.x2 : c.y2, dst2 = head1 ? c.y2 : c.x2;
  const int own = head1 ? c.u : c.v, other = head1 ? c.v : c.u;
  for (int k = 0; k < c.d; ++k) LQ(src[k], dst[k]) = 2;  // 2 <x_i, y_j>
  LQ(c.one_a, dst2) = -1;                                // -|y_j|^2
  LQ(src2, c.one_a) = -1;                                // -|x_i|^2
  LQ(own, c.one_b) = 1;                                  // + u_i
  // -lambda (the "- 1" of M_ij): R1 moves the paper's entry to (one_c, one_c);
  // the released code puts it at (one_b, one_c). Both vanish against the sink.
  if (variant == Variant::notebook) LQ(c.one_b, c.one_c) = -lambda;
  else LQ(c.one_c, c.one_c) = -lambda;
  LQ(c.one_c, other) = 1;  // + v_j
  if (c.log_n2 >= 0) LQ(c.log_n2, c.log_n2) = lambda;  // sink-sink score 2 log n
  return LQ;
}

template <class Real> struct Construction {
  ColumnMap columns;
  Layer<Real> layer;  // the same weights at every layer
};

// Eq. (8) with B_j = -gamma I (repair R2: the printed +gamma I ascends).
template <class Real> Construction<Real> make_construction(Variant variant, int d, const Real& lambda, const Real& gamma) {
  Construction<Real> con{column_map(variant, d), {}};
  const ColumnMap& c = con.columns;
  for (bool head1 : {true, false}) {
    Head<Real> h;
    h.Q = lambda_Q<Real>(variant, c, lambda, head1) / lambda;
    h.w_v = Matrix<Real>::Zero(c.width, c.width);
    h.w_v(c.s, head1 ? c.u : c.v) = 1;  // value: s -> u (head 1), s -> v (head 2)
    h.B = Matrix<Real>::Identity(c.width, c.width) * (-gamma);
    con.layer.heads.push_back(std::move(h));
  }
  if (variant == Variant::relu_reset) {
    // ReLU(-u - K one_a) added to u: 0 on data rows while u_i >= -K; on the sink
    // (one_a = 0) it adds -u_s when u_s <= 0, which the sink's update always is.
    Matrix<Real> w_f = Matrix<Real>::Zero(c.width, c.width);
    for (int col : {c.u, c.v}) {
      w_f(col, col) = -1;
      w_f(c.one_a, col) = -Real(kReluResetBound);
    }
    con.layer.w_f = std::move(w_f);
  }
  return con;
}

}  // namespace otv
