#pragma once
// Theorem 1 side by side: the transformer's u, v columns (data rows) against the
// adaptive-GD iterates (eq. 4 with the steps of Theorem 1), layer by layer, with
// the rounding tolerance of docs/error-model.md (otv/error_model.hpp). For interval types the same
// code yields certificates: a difference enclosure that excludes 0 is a
// certified counterexample; otherwise the upper end of |Z - g|'s enclosure (the
// largest distance between the two enclosures, at most the width of their hull,
// not the width of either) bounds |difference|.
#include <functional>
#include <vector>

#include "otv/adaptive_dual_gd.hpp"
#include "otv/construction.hpp"
#include "otv/error_model.hpp"
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
  bool witness_is_u = true;               // in its u column (else v)
  Real witness_column_value = 0, witness_gd_value = 0;
};

template <class Real> struct Theorem1Trace {
  std::vector<Theorem1Layer<Real>> layers;
  int first_failing_layer = -1;  // first layer whose error exceeds the tolerance
};

// after_layer(l), when given, is called after layer l (progress, Ctrl-C) and may throw to abort.
template <class Real>
Theorem1Trace<Real> compare_with_gd(const Instance<Real>& inst, Variant variant, const Real& lambda, const Real& gamma,
                                    int layers, Softmax softmax = Softmax::stable,
                                    const std::function<void(long long layers_done)>& after_layer = {}) {
  using T = ScalarTraits<Real>;
  const Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, softmax);
  const ColumnMap& c = con.columns;
  const Eigen::Index n = inst.n();
  const Matrix<Real> C = cost_matrix<Real>(inst);

  Theorem1Trace<Real> trace;
  Matrix<Real> Z = make_prompt<Real>(inst, c);
  DualIterate<Real> gd{Vector<Real>::Zero(n), Vector<Real>::Zero(n)};
  const Theorem1ErrorModel<Real> model = theorem1_error_model<Real>(inst, lambda, gamma);
  Real tolerance = 0;
  Marginals<Real> sums;
  for (int l = 1; l <= layers; ++l) {
    Z = tf.step(Z, l - 1);
    Real max_u = 0, max_v = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      max_u = max_of<Real>(max_u, T::upper(abs(gd.u(i))));
      max_v = max_of<Real>(max_v, T::upper(abs(gd.v(i))));
    }
    gd = adaptive_dual_gd_step<Real>(C, gd, lambda, gamma, &sums);
    tolerance = model.amplification(sums) * tolerance + model.local_error(max_u + max_v);

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
          row.witness_is_u = is_u;
          row.witness_column_value = z;
          row.witness_gd_value = g;
        }
      }
    }
    const Real worst = max_of<Real>(row.max_u_err, row.max_v_err);
    if (trace.first_failing_layer < 0 && (T::is_nan(worst) || worst > T::upper(tolerance))) trace.first_failing_layer = l;
    trace.layers.push_back(row);
    if (after_layer) after_layer(l);
  }
  return trace;
}

}  // namespace otv
