#pragma once
// Theorem 1 side by side: the transformer's u, v columns (data rows) against the
// adaptive-GD iterates (eq. 4 with the steps of Theorem 1), layer by layer, with
// the rounding tolerance of docs/error-model.md. For interval types the same
// code yields certificates: a difference enclosure that excludes 0 is a
// certified counterexample; otherwise its magnitude bound certifies |diff| <= w.
#include <vector>

#include "otv/adaptive_dual_gd.hpp"
#include "otv/construction.hpp"
#include "otv/instance.hpp"
#include "otv/prompt.hpp"

namespace otv {

template <class Real> struct Theorem1Layer {
  int layer;                    // l: Z^(l) against (u^(l), v^(l))
  Real max_u_err, max_v_err;    // max_i |Z_{i,u} - u_i|, max_j |Z_{j,v} - v_j| (upper bounds)
  Real tolerance;               // error-model bound on the rounding part
  Real sink_u, sink_v;          // row n+1, the proof's "?"
  bool certified_counterexample = false;  // intervals: some enclosure pair disjoint
  Eigen::Index witness_row = -1;          // a row that is a certified counterexample
  Real witness_column_value, witness_gd_value;
};

template <class Real> struct Theorem1Trace {
  std::vector<Theorem1Layer<Real>> layers;
  int first_failing_layer = -1;  // first layer whose error exceeds the tolerance
};

// Rounding model (docs/error-model.md): the transformer and GD each evaluate the
// same step with O(d) rounded operations per score; exp turns an absolute score
// error into a relative error of M, which the step multiplies by gamma. Per layer
// the local error is at most c_d u (gamma (S + 1) + |u|_inf + |v|_inf) with S the
// largest |score| and c_d = 4 (2d + 8) operations; local errors add across layers
// (no amplification is assumed; the precision ladder tests that assumption).
template <class Real> Real theorem1_local_error(int d, const Real& unit, const Real& gamma, const Real& max_score,
                                                const Real& max_iterate) {
  const Real c_d = Real(4 * (2 * d + 8));
  return c_d * unit * (gamma * (max_score + 1) + max_iterate);
}

template <class Real>
Theorem1Trace<Real> compare_with_gd(const Instance<Real>& inst, Variant variant, const Real& lambda, const Real& gamma,
                                    int layers, Softmax softmax = Softmax::stable) {
  using T = ScalarTraits<Real>;
  const Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, softmax);
  const ColumnMap& c = con.columns;
  const Eigen::Index n = inst.n();
  const Matrix<Real> C = cost_matrix<Real>(inst);

  Theorem1Trace<Real> trace;
  Matrix<Real> Z = make_prompt<Real>(inst, c);
  DualIterate<Real> gd{Vector<Real>::Zero(n), Vector<Real>::Zero(n)};
  Real tolerance = 0;
  for (int l = 1; l <= layers; ++l) {
    Real max_score = 0;
    Z = tf.step(Z, l - 1, [&](const LayerView<Real>& view) {
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) max_score = max_of<Real>(max_score, T::upper(abs(view.scores[0](i, j))));
    });
    Real max_iterate = 0;
    for (Eigen::Index i = 0; i < n; ++i) max_iterate = max_of<Real>(max_iterate, T::upper(max_of<Real>(abs(gd.u(i)), abs(gd.v(i)))));
    gd = adaptive_dual_gd_step<Real>(C, gd, lambda, gamma);
    tolerance += theorem1_local_error<Real>(static_cast<int>(inst.d()), T::unit_roundoff(), gamma, max_score, max_iterate);

    Theorem1Layer<Real> row{l, Real(0), Real(0), tolerance, Z(n, c.u), Z(n, c.v)};
    for (Eigen::Index i = 0; i < n; ++i) {
      for (bool is_u : {true, false}) {
        const Real z = Z(i, is_u ? c.u : c.v), g = is_u ? gd.u(i) : gd.v(i);
        const Real diff = abs(z - g);
        Real& err = is_u ? row.max_u_err : row.max_v_err;
        err = max_of<Real>(err, T::upper(diff));
        if (T::is_interval && !row.certified_counterexample && T::lower(diff) > 0) {
          row.certified_counterexample = true;
          row.witness_row = i;
          row.witness_column_value = z;
          row.witness_gd_value = g;
        }
      }
    }
    const Real worst = max_of<Real>(row.max_u_err, row.max_v_err);
    if (trace.first_failing_layer < 0 && (T::is_nan(worst) || worst > T::upper(tolerance))) trace.first_failing_layer = l;
    trace.layers.push_back(row);
  }
  return trace;
}

}  // namespace otv
