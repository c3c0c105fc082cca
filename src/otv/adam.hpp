#pragma once
// Adam (Kingma and Ba, 2015) with bias correction, on a list of parameter
// matrices. The state (step count and both moments) is plain data so that a
// checkpoint holds all of it and a resumed run continues bit for bit.
#include <cmath>
#include <vector>

#include "otv/matrix.hpp"

namespace otv {

struct AdamSettings {
  double learning_rate = 1e-3;  // Sec. 6: step size 0.001
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};

template <class Real> struct AdamState {
  long long step = 0;
  std::vector<Matrix<Real>> m, v;  // first and second moments, one per parameter matrix
};

template <class Real> AdamState<Real> adam_start(const std::vector<Matrix<Real>*>& params) {
  AdamState<Real> s;
  for (const auto* p : params) {
    s.m.push_back(Matrix<Real>::Zero(p->rows(), p->cols()));
    s.v.push_back(Matrix<Real>::Zero(p->rows(), p->cols()));
  }
  return s;
}

template <class Real>
void adam_update(const std::vector<Matrix<Real>*>& params, const std::vector<const Matrix<Real>*>& grads, AdamState<Real>& s,
                 const AdamSettings& a) {
  using std::sqrt;
  ++s.step;
  const Real b1 = Real(a.beta1), b2 = Real(a.beta2), eps = Real(a.epsilon), lr = Real(a.learning_rate);
  const Real c1 = Real(1) - Real(std::pow(a.beta1, static_cast<double>(s.step)));
  const Real c2 = Real(1) - Real(std::pow(a.beta2, static_cast<double>(s.step)));
  for (std::size_t k = 0; k < params.size(); ++k) {
    Matrix<Real>& p = *params[k];
    const Matrix<Real>& g = *grads[k];
    for (Eigen::Index i = 0; i < p.rows(); ++i)
      for (Eigen::Index j = 0; j < p.cols(); ++j) {
        Real& m = s.m[k](i, j);
        Real& v = s.v[k](i, j);
        m = b1 * m + (Real(1) - b1) * g(i, j);
        v = b2 * v + (Real(1) - b2) * g(i, j) * g(i, j);
        p(i, j) -= lr * (m / c1) / (sqrt(v / c2) + eps);
      }
  }
}

}  // namespace otv
