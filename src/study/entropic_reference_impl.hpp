#pragma once
// Definitions of EntropicReferenceRung; included only by the study's generated per-type units.
#include "study/entropic_reference.hpp"
#include <cmath>
#include <limits>

#include "otv/dual_newton.hpp"
#include "otv/hilbert_metric.hpp"
#include "otv/instance.hpp"
#include "otv/scaling_certificate.hpp"

namespace otv::study {

namespace entropic_reference_detail {

template <class Real> Vector<Real> parse_vector(const std::vector<std::string>& x) {
  Vector<Real> v(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) v(static_cast<Eigen::Index>(i)) = parse_finite<Real>(x[i]);
  return v;
}

template <class Real> std::vector<std::string> strings(const Vector<Real>& v) {
  std::vector<std::string> out;
  for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(ScalarTraits<Real>::to_string(v(i)));
  return out;
}

// L_ij = alpha_i + beta_j - C_ij / lambda, C and lambda from their decimals.
template <class Real> Matrix<Real> log_plan_matrix(const InstanceText& inst, const std::string& lambda, const Potentials& p) {
  const Matrix<Real> C = cost_matrix<Real>(to_real<Real>(inst));
  const Real l = parse_finite<Real>(lambda);
  const Vector<Real> a = parse_vector<Real>(p.alpha), b = parse_vector<Real>(p.beta);
  Matrix<Real> L(C.rows(), C.cols());
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) L(i, j) = a(i) + b(j) - C(i, j) / l;
  return L;
}

}  // namespace entropic_reference_detail

template <class Real>
RungRefinement EntropicReferenceRung<Real>::refine(const InstanceText& inst, const std::string& lambda, const Potentials& start) {
  using namespace entropic_reference_detail;
  const Matrix<Real> C = cost_matrix<Real>(to_real<Real>(inst));
  const DualNewtonResult<Real> r = refine_dual_newton<Real>(C, parse_finite<Real>(lambda), parse_vector<Real>(start.alpha),
                                                            parse_vector<Real>(start.beta), 200);
  return {{strings<Real>(r.alpha), strings<Real>(r.beta)}, r.iterations, ScalarTraits<Real>::to_double(r.residual)};
}

template <class Real>
RungCertificate EntropicReferenceRung<Real>::certify(const InstanceText& inst, const std::string& lambda, const Potentials& p) {
  using T = ScalarTraits<Real>;
  const ScalingCertificate<Real> c = certify_scaling<Real>(entropic_reference_detail::log_plan_matrix<Real>(inst, lambda, p));
  // Upper bounds rounded up to double: nextafter covers the conversion.
  auto up = [](const Real& x) { return std::nextafter(T::to_double(T::upper(x)), std::numeric_limits<double>::infinity()); };
  // log2 mu: mu itself can be far below double's range (e^-6000 at n = 4, lambda = 1e-5).
  const double log2_mu = T::lower(c.min_eigenvalue) > 0 ? std::floor(T::to_double(T::lower(log2(T::lower(c.min_eigenvalue)))))
                                                        : -std::numeric_limits<double>::infinity();
  return {up(c.residual), log2_mu, c.certified ? up(c.hilbert_bound) : std::numeric_limits<double>::infinity(), c.certified};
}

template <class Real> double EntropicReferenceRung<Real>::change(const Potentials& a, const Potentials& b) {
  using namespace entropic_reference_detail;
  const Real d = hilbert_distance_log<Real>(parse_vector<Real>(a.alpha), parse_vector<Real>(b.alpha)) +
                 hilbert_distance_log<Real>(parse_vector<Real>(a.beta), parse_vector<Real>(b.beta));
  return ScalarTraits<Real>::to_double(d);
}

template <class Real>
std::vector<std::string> EntropicReferenceRung<Real>::log_plan(const InstanceText& inst, const std::string& lambda, const Potentials& p) {
  const Matrix<Real> L = entropic_reference_detail::log_plan_matrix<Real>(inst, lambda, p);
  std::vector<std::string> out;
  for (Eigen::Index i = 0; i < L.rows(); ++i)
    for (Eigen::Index j = 0; j < L.cols(); ++j) out.push_back(ScalarTraits<Real>::to_string(L(i, j)));
  return out;
}

template <class Real> std::vector<std::string> EntropicReferenceRung<Real>::shifted(const std::vector<std::string>& x, const std::string& shift) {
  const Real s = parse_finite<Real>(shift);
  std::vector<std::string> out;
  for (const auto& e : x) out.push_back(ScalarTraits<Real>::to_string(Real(parse_finite<Real>(e) + s)));
  return out;
}

}  // namespace otv::study
