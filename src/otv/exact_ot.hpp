#pragma once
// Exact OT (eq. 2): the permutation minimising Tr(PC). For d = 1 and squared
// cost it is the monotone matching (sort both sides); for d > 1 the Hungarian
// algorithm (shortest augmenting paths, O(n^3)).
#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "otv/instance.hpp"

namespace otv {

// assignment[i] = j: x_i is sent to y_j.
using Assignment = std::vector<Eigen::Index>;

template <class Real> Assignment monotone_matching(const Instance<Real>& inst) {
  const auto n = static_cast<std::size_t>(inst.n());
  std::vector<Eigen::Index> ix(n), iy(n);
  std::iota(ix.begin(), ix.end(), 0);
  std::iota(iy.begin(), iy.end(), 0);
  auto key = [](const Real& r) { return ScalarTraits<Real>::point(r); };
  std::stable_sort(ix.begin(), ix.end(), [&](auto a, auto b) { return key(inst.x(a, 0)) < key(inst.x(b, 0)); });
  std::stable_sort(iy.begin(), iy.end(), [&](auto a, auto b) { return key(inst.y(a, 0)) < key(inst.y(b, 0)); });
  Assignment as(n);
  for (std::size_t k = 0; k < n; ++k) as[static_cast<std::size_t>(ix[k])] = iy[k];
  return as;
}

// Hungarian algorithm on a square cost matrix (potentials in Real, compared
// through point representatives so interval types work too).
template <class Real> Assignment hungarian(const Matrix<Real>& cost) {
  const Eigen::Index n = cost.rows();
  using W = Real;
  auto pt = [](const W& w) { return ScalarTraits<Real>::point(w); };
  std::vector<W> u(n + 1, W(0)), v(n + 1, W(0));
  std::vector<Eigen::Index> p(n + 1, 0), way(n + 1, 0);
  for (Eigen::Index i = 1; i <= n; ++i) {
    p[0] = i;
    Eigen::Index j0 = 0;
    std::vector<W> minv(n + 1);
    std::vector<bool> used(n + 1, false), finite(n + 1, false);
    do {
      used[j0] = true;
      const Eigen::Index i0 = p[j0];
      bool have = false;
      W delta = 0;
      Eigen::Index j1 = 0;
      for (Eigen::Index j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const W cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (!finite[j] || pt(cur) < pt(minv[j])) { minv[j] = cur; way[j] = j0; finite[j] = true; }
        if (!have || pt(minv[j]) < pt(delta)) { delta = minv[j]; j1 = j; have = true; }
      }
      for (Eigen::Index j = 0; j <= n; ++j) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
        else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do { const Eigen::Index j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0);
  }
  Assignment as(n);
  for (Eigen::Index j = 1; j <= n; ++j) as[p[j] - 1] = j - 1;
  return as;
}

template <class Real> Assignment exact_ot(const Instance<Real>& inst) {
  return inst.d() == 1 ? monotone_matching(inst) : hungarian<Real>(cost_matrix(inst));
}

// For each target y_j, the source point sent to it: the sorted x when d = 1
// and y is increasing (n x d).
template <class Real> Matrix<Real> transported_x(const Instance<Real>& inst, const Assignment& as) {
  Matrix<Real> t(inst.n(), inst.d());
  for (Eigen::Index i = 0; i < inst.n(); ++i) t.row(as[i]) = inst.x.row(i);
  return t;
}

}  // namespace otv
