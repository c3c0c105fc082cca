#pragma once
// Theorem 2: the head-1 attention patterns A^(k) (eq. 10) factor as
// diag(w^(k)) Q diag(q^(k)), Q_ij = exp(-C_ij/lambda - 1), and approach
// P_lambda* = diag(w*) Q diag(q*) in the Hilbert metric (eq. 11):
//   max(mu(q^(k), q*), mu(w^(k), w*)) <= 36 n^{3/2} e^{r/lambda} sqrt(r) / (sqrt(l) (1 - eta))
// for some k <= l, when l >= 64 n^3 e^{3r/lambda} r. Everything here is in log space.
#include <cmath>
#include <vector>

#include "otv/construction.hpp"
#include "otv/hilbert_metric.hpp"
#include "otv/prompt.hpp"
#include "otv/readout.hpp"
#include "otv/sinkhorn.hpp"
#include "otv/theorem2_bound.hpp"

namespace otv {

// log A - log Q = a_i + b_j: the factors of eq. (10) and how far the pattern is
// from that form (max residual, which is rounding when the form holds).
template <class Real> struct PatternFactors {
  Vector<Real> log_w, log_q;
  Real max_residual;
};

// From the head-1 scores of a full (n+1)x(n+1) pattern: log A_ij over the data
// block (softmax over the n data columns, eq. 10) is s_ij - logsumexp_j s_ij.
template <class Real> PatternFactors<Real> factor_pattern(const Matrix<Real>& head1_scores, const Matrix<Real>& C, const Real& lambda) {
  const Eigen::Index n = C.rows();
  Matrix<Real> L(n, n);
  Vector<Real> row(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) row(j) = head1_scores(i, j);
    const Real lse = log_sum_exp<Real>(row);
    for (Eigen::Index j = 0; j < n; ++j) L(i, j) = head1_scores(i, j) - lse + C(i, j) / lambda + 1;
  }
  // Two-way decomposition: a_i = row mean - grand mean, b_j = column mean.
  PatternFactors<Real> f{Vector<Real>::Zero(n), Vector<Real>::Zero(n), Real(0)};
  Real grand = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) { f.log_w(i) += L(i, j); f.log_q(j) += L(i, j); grand += L(i, j); }
  grand /= Real(n * n);
  for (Eigen::Index i = 0; i < n; ++i) { f.log_w(i) = f.log_w(i) / Real(n) - grand; f.log_q(i) /= Real(n); }
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      f.max_residual = max_of<Real>(f.max_residual, ScalarTraits<Real>::upper(abs(L(i, j) - f.log_w(i) - f.log_q(j))));
  return f;
}

// log w*, log q* of P_lambda* = diag(w*) Q diag(q*) from Sinkhorn's potentials:
// P_ij = exp((f_i + g_j - C_ij)/lambda) gives w* = exp(f/lambda + 1/2), q* = exp(g/lambda + 1/2).
template <class Real> struct OptimalScaling {
  Vector<Real> log_w, log_q;
  int iterations;
  bool converged;
};

template <class Real> OptimalScaling<Real> optimal_scaling(const Matrix<Real>& C, const Real& lambda, const Real& tolerance, int max_iterations) {
  const SinkhornResult<Real> s = sinkhorn_log<Real>(C, lambda, tolerance, max_iterations);
  OptimalScaling<Real> o{s.f / lambda, s.g / lambda, s.iterations, s.converged};
  for (Eigen::Index i = 0; i < C.rows(); ++i) { o.log_w(i) += Real(1) / 2; o.log_q(i) += Real(1) / 2; }
  return o;
}

// log of (1/4) r^2 = |w1 - w*|^2 + |q1 - q*|^2 at given representatives.
template <class Real> Real log_r_squared_quarter(const Vector<Real>& lw1, const Vector<Real>& lws, const Vector<Real>& lq1, const Vector<Real>& lqs) {
  Real s = 0;
  for (Eigen::Index i = 0; i < lw1.size(); ++i) {
    const Real dw = exp(lw1(i)) - exp(lws(i)), dq = exp(lq1(i)) - exp(lqs(i));
    s += dw * dw + dq * dq;
  }
  return log(s);
}

// r depends on the representatives: (w, q) and (c w, q / c) give the same A and
// P*, but not the same r (finding F4). We report the most favourable reading,
// the infimum over both scalings; it reduces to one parameter t:
// inf r^2/4 = inf_t 2 |t w1 - w*| |q1 / t - q*|.
template <class Real> Real log_r_most_favourable(const Vector<Real>& lw1, const Vector<Real>& lws, const Vector<Real>& lq1, const Vector<Real>& lqs) {
  auto log_objective = [&](const Real& log_t) {
    Real a = 0, b = 0;
    for (Eigen::Index i = 0; i < lw1.size(); ++i) {
      const Real dw = exp(lw1(i) + log_t) - exp(lws(i)), dq = exp(lq1(i) - log_t) - exp(lqs(i));
      a += dw * dw;
      b += dq * dq;
    }
    return log(Real(2)) + (log(a) + log(b)) / 2;  // log(2 |.| |.|)
  };
  // Bracket log t by the spread of log(w*/w1), scan, then refine by golden section.
  Real lo = ScalarTraits<Real>::point(lws(0) - lw1(0)), hi = lo;
  for (Eigen::Index i = 1; i < lw1.size(); ++i) {
    const Real d = ScalarTraits<Real>::point(lws(i) - lw1(i));
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  lo -= 1;
  hi += 1;
  const int grid = 64;
  Real best_t = lo, best = log_objective(lo);
  for (int k = 1; k <= grid; ++k) {
    const Real t = lo + (hi - lo) * Real(k) / Real(grid);
    const Real v = log_objective(t);
    if (ScalarTraits<Real>::point(v) < ScalarTraits<Real>::point(best)) { best = v; best_t = t; }
  }
  Real a = best_t - (hi - lo) / Real(grid), b = best_t + (hi - lo) / Real(grid);
  const Real g = (sqrt(Real(5)) - 1) / 2;
  for (int it = 0; it < 100; ++it) {
    const Real c = b - g * (b - a), d = a + g * (b - a);
    if (ScalarTraits<Real>::point(log_objective(c)) < ScalarTraits<Real>::point(log_objective(d))) b = d; else a = c;
  }
  const Real refined = log_objective((a + b) / 2);
  if (ScalarTraits<Real>::point(refined) < ScalarTraits<Real>::point(best)) best = refined;
  // r = 2 sqrt(r^2/4): log r = log 2 + (1/2) log(r^2/4).
  return log(Real(2)) + best / 2;
}

// log phi(Q) for Q_ij = exp(-C_ij/lambda - 1) straight from C (no underflow):
// log phi = max_{i,j,k,l} (C_jk + C_il - C_ik - C_jl) / lambda. The printed
// formula's denominator Q_jk Q_ii is a typo for Q_jk Q_il (docs/construction.md).
template <class Real> Real log_phi_of_cost(const Matrix<Real>& C, const Real& lambda) {
  Matrix<Real> logQ = -C / lambda;
  return projective_diameter_log<Real>(logQ);
}

// The transformer's A^(k), k = 1..l (head-1 pattern on Z^(k)), against w*, q*.
template <class Real> struct Theorem2Trace {
  std::vector<Real> distance, residual;  // index k - 1: max(mu(q^(k), q*), mu(w^(k), w*)), factor residual
  PatternFactors<Real> first;            // factors of A^(1), for r
  Real measured = 0;                     // min over k of distance
  long long argmin = -1;
  std::vector<std::pair<long long, Matrix<Real>>> patterns;  // A^(k) (data block) at k = 1, 2, 4, ..., l
};

template <class Real>
Theorem2Trace<Real> trace_theorem2(const Instance<Real>& inst, Variant variant, const Real& lambda, const Real& gamma, long long layers,
                                   Softmax softmax, const Vector<Real>& log_ws, const Vector<Real>& log_qs) {
  using T = ScalarTraits<Real>;
  const Matrix<Real> C = cost_matrix<Real>(inst);
  const Construction<Real> con = make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, softmax);
  Theorem2Trace<Real> t;
  auto visit = [&](long long k, const Matrix<Real>& scores, const Matrix<Real>& pattern) {
    PatternFactors<Real> f = factor_pattern<Real>(scores, C, lambda);
    const Real dist = max_of<Real>(T::upper(hilbert_distance_log<Real>(f.log_q, log_qs)), T::upper(hilbert_distance_log<Real>(f.log_w, log_ws)));
    t.distance.push_back(dist);
    t.residual.push_back(f.max_residual);
    if (t.argmin < 0 || T::point(dist) < T::point(t.measured)) { t.measured = dist; t.argmin = k; }
    if ((k & (k - 1)) == 0 || k == layers) t.patterns.emplace_back(k, data_block<Real>(pattern));
    if (k == 1) t.first = std::move(f);
  };
  Matrix<Real> Z = make_prompt<Real>(inst, con.columns);
  for (long long l = 0; l < layers; ++l)
    Z = tf.step(Z, static_cast<int>(l), [&](const LayerView<Real>& view) {
      if (view.layer >= 1) visit(view.layer, view.scores[0], view.patterns[0]);
    });
  if (layers >= 1) {
    const auto att = tf.attentions(Z, static_cast<int>(layers));
    visit(layers, att[0].scores, att[0].pattern);
  }
  return t;
}

}  // namespace otv
