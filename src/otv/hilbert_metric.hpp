#pragma once
// The Hilbert projective metric mu on positive vectors (eq. (11), Franklin-Lorenz)
// and Birkhoff's contraction coefficient of a positive matrix (Birkhoff-Hopf):
// mu(K w, K w') <= tanh(Delta(K)/4) mu(w, w'). Everything is computed in log space,
// so entries spanning many orders of magnitude neither overflow nor underflow.
#include <string>

#include "otv/error.hpp"
#include "otv/matrix.hpp"
#include "otv/scalar_traits.hpp"

namespace otv {

namespace hilbert_detail {

// max(a, b), NaN-sticky. For intervals: the enclosure [max(lo), max(hi)] of
// max over the two boxes, comparing only degenerate (endpoint) intervals.
template <class Real> Real enclosing_max(const Real& a, const Real& b) {
  using T = ScalarTraits<Real>;
  if constexpr (T::is_interval) {
    if (T::is_nan(a)) return a;
    if (T::is_nan(b)) return b;
    return hull(max_of(T::lower(a), T::lower(b)), max_of(T::upper(a), T::upper(b)));
  } else {
    return max_of(a, b);
  }
}

// min(a, b) = -max(-a, -b) (exact under negation, for points and intervals).
template <class Real> Real enclosing_min(const Real& a, const Real& b) { return -enclosing_max<Real>(-a, -b); }

// max_k d(k) - min_k d(k) over k = 0..m-1 (m >= 1).
template <class Real, class Entry> Real spread(Eigen::Index m, Entry&& d) {
  Real hi = d(0), lo = hi;
  for (Eigen::Index k = 1; k < m; ++k) {
    const Real x = d(k);
    hi = enclosing_max<Real>(hi, x);
    lo = enclosing_min<Real>(lo, x);
  }
  return hi - lo;
}

// Entries must be positive and finite (for intervals: the whole enclosure is > 0).
template <class Real> void require_positive(const Real& x, const std::string& what) {
  using T = ScalarTraits<Real>;
  if (T::is_nan(x) || !T::is_finite(x) || !(T::lower(x) > 0))
    throw InputError(what + " has a non-positive or non-finite entry " + T::to_string(x));
}

}  // namespace hilbert_detail

// mu in log space, eq. (11): max_i (log w_i - log w'_i) - min_i (log w_i - log w'_i).
template <class Real> Real hilbert_distance_log(const Vector<Real>& log_w, const Vector<Real>& log_w2) {
  if (log_w.size() != log_w2.size())
    throw InputError("Hilbert distance of vectors of sizes " + std::to_string(log_w.size()) + " and " + std::to_string(log_w2.size()));
  if (log_w.size() == 0) throw InputError("Hilbert distance of empty vectors");
  return hilbert_detail::spread<Real>(log_w.size(), [&](Eigen::Index i) { return Real(log_w(i) - log_w2(i)); });
}

// mu(w, w') = log max_ij (w_i w'_j)/(w_j w'_i) for positive w, w' (eq. (11)).
template <class Real> Real hilbert_distance(const Vector<Real>& w, const Vector<Real>& w2) {
  if (w.size() != w2.size())
    throw InputError("Hilbert distance of vectors of sizes " + std::to_string(w.size()) + " and " + std::to_string(w2.size()));
  if (w.size() == 0) throw InputError("Hilbert distance of empty vectors");
  Vector<Real> log_w(w.size()), log_w2(w.size());
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    hilbert_detail::require_positive<Real>(w(i), "first vector");
    hilbert_detail::require_positive<Real>(w2(i), "second vector");
    log_w(i) = log(w(i));
    log_w2(i) = log(w2(i));
  }
  return hilbert_distance_log<Real>(log_w, log_w2);
}

// Birkhoff's projective diameter Delta(K) = log phi(K), phi(K) = max_{i,j,k,l} K_ik K_jl / (K_jk K_il).
// Since phi = max_{i,j} [max_k K_ik/K_jk] / [min_l K_il/K_jl], Delta is the largest
// Hilbert distance between two rows of K: O(n^2 m) in log space.
// From log K, for kernels such as exp(-C/lambda) whose entries underflow.
template <class Real> Real projective_diameter_log(const Matrix<Real>& log_K) {
  const Eigen::Index n = log_K.rows(), m = log_K.cols();
  if (n == 0 || m == 0) throw InputError("projective diameter of an empty matrix");
  Real delta = 0;  // i = j gives phi = 1, Delta = 0
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j)  // mu is symmetric: pairs i < j suffice
      delta = hilbert_detail::enclosing_max<Real>(
          delta, hilbert_detail::spread<Real>(m, [&](Eigen::Index k) { return Real(log_K(i, k) - log_K(j, k)); }));
  return delta;
}

template <class Real> Real projective_diameter(const Matrix<Real>& K) {
  if (K.rows() == 0 || K.cols() == 0) throw InputError("projective diameter of an empty matrix");
  Matrix<Real> log_K(K.rows(), K.cols());
  for (Eigen::Index i = 0; i < K.rows(); ++i)
    for (Eigen::Index k = 0; k < K.cols(); ++k) {
      hilbert_detail::require_positive<Real>(K(i, k), "matrix");
      log_K(i, k) = log(K(i, k));
    }
  return projective_diameter_log<Real>(log_K);
}

// log phi(K) = Delta(K): use this instead of phi_of when phi may overflow.
template <class Real> Real log_phi(const Matrix<Real>& K) { return projective_diameter<Real>(K); }

// phi(K) = exp(Delta(K)); overflows (inf in IEEE types) when Delta is large.
template <class Real> Real phi_of(const Matrix<Real>& K) { return exp(projective_diameter<Real>(K)); }

// Birkhoff-Hopf contraction coefficient: mu(K w, K w') <= tanh(Delta(K)/4) mu(w, w').
template <class Real> Real birkhoff_contraction(const Matrix<Real>& K) { return tanh(projective_diameter<Real>(K) / 4); }

// eta of Theorem 2, eta = (sqrt(phi) - 1)/(sqrt(phi) + 1), computed without overflow
// or cancellation through the identity (sqrt(phi)-1)/(sqrt(phi)+1) = tanh(log(phi)/4):
// it is the Birkhoff-Hopf coefficient.
template <class Real> Real eta_of(const Matrix<Real>& K) { return tanh(log_phi<Real>(K) / 4); }

}  // namespace otv
