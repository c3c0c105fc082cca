#pragma once
// The rounding model of Theorem 1 (docs/error-model.md, section "Theorem 1"): the
// one statement of it, used by the library (theorem1.hpp), the proof checks and,
// by its constants, bench/compare. First order in the unit roundoff u.
//   local_l = 2 u [ 2 gamma (c_d K + n + 2 + 2 e_exp) + |u|_inf + |v|_inf ],  c_d = 4d + 14
//   tol_l   = rho_l tol_{l-1} + local_l,  rho = max_i |1 - a_i| + a_i
#include <Eigen/Core>

#include "otv/block_exp.hpp"
#include "otv/dual_objective.hpp"
#include "otv/instance.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

// c_d: rounded operations behind one head-1 score (at most 2d + 6 products of prompt
// entries with entries of Q = (lambda Q) / lambda, and their sum); its absolute error
// is at most c_d u K.
constexpr int score_roundings(int d) { return 4 * d + 14; }

// max over the instance of |x|^2 + |y|^2 + 2 |x| |y| (max |x| and max |y| taken apart).
template <class Real> Real data_magnitude(const Instance<Real>& inst) {
  Real x2 = 0, y2 = 0;
  for (Eigen::Index i = 0; i < inst.n(); ++i) {
    x2 = max_of<Real>(x2, ScalarTraits<Real>::upper(Real(inst.x.row(i).squaredNorm())));
    y2 = max_of<Real>(y2, ScalarTraits<Real>::upper(Real(inst.y.row(i).squaredNorm())));
  }
  return x2 + y2 + 2 * sqrt(x2 * y2);
}

template <class Real> struct Theorem1ErrorModel {
  int d;
  Eigen::Index n;
  Real unit, lambda, gamma;
  Real data_magnitude;  // data_magnitude(instance)

  // K: the magnitude of a head-1 score before cancellation, iterates bounding |u|_inf + |v|_inf.
  Real score_magnitude(const Real& max_iterate_sum) const { return (data_magnitude + max_iterate_sum) / lambda + 1; }
  // c_d u K: the rounding of one score.
  Real score_error(const Real& max_iterate_sum) const { return Real(score_roundings(d)) * unit * score_magnitude(max_iterate_sum); }
  // The relative error of the softmax weights in units of u: c_d K + n + 2 + 2 e_exp.
  Real weight_roundings(const Real& max_iterate_sum) const {
    return Real(score_roundings(d)) * score_magnitude(max_iterate_sum) + Real(n) + 1 + softmax_roundings();
  }
  // One computation's head output (a change of the u or v column): 2 u [gamma weight_roundings + |u|_inf + |v|_inf].
  Real head_output_error(const Real& max_iterate_sum) const { return 2 * unit * (gamma * weight_roundings(max_iterate_sum) + max_iterate_sum); }
  // local_l: one layer, transformer and GD together: 2 u [2 gamma weight_roundings + |u|_inf + |v|_inf].
  Real local_error(const Real& max_iterate_sum) const { return 2 * unit * (2 * gamma * weight_roundings(max_iterate_sum) + max_iterate_sum); }
  // The softmax's own relative error in units of u, beyond the (n + 1) u of its
  // row sum: exp (2 e_exp: e_exp ulps are at most 2 e_exp u relative) and the division (1).
  static Real softmax_roundings() { return Real(1 + 2 * BlockExp<Real>::error_ulps()); }
  // rho: the infinity norm of the GD map's Jacobian at the iterate whose marginals are m.
  Real amplification(const Marginals<Real>& m) const {
    Real rho = 1;
    const Real factor = gamma * (1 + Real(1) / Real(n)) / lambda;
    for (const auto* sums : {&m.rows, &m.cols})
      for (Eigen::Index i = 0; i < sums->size(); ++i) {
        const Real r = ScalarTraits<Real>::upper((*sums)(i));
        const Real a = factor * r / ((r + 1) * (r + 1));
        rho = max_of<Real>(rho, ScalarTraits<Real>::upper(abs(1 - a) + a));
      }
    return rho;
  }
  // rho = 1 for every iterate (errors only add) iff gamma (1 + 1/n) <= 4 lambda, since r / (r + 1)^2 <= 1/4.
  bool errors_only_add() const { return gamma * (1 + Real(1) / Real(n)) <= 4 * lambda; }
};

template <class Real>
Theorem1ErrorModel<Real> theorem1_error_model(const Instance<Real>& inst, const Real& lambda, const Real& gamma) {
  return {static_cast<int>(inst.d()), inst.n(), ScalarTraits<Real>::unit_roundoff(), lambda, gamma, data_magnitude<Real>(inst)};
}

}  // namespace otv
