// The Hilbert projective metric mu (eq. (11)) and the Birkhoff-Hopf theorem as
// properties, each checked in double (100 cases) and in mpfr:128 (30 cases).
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "otv/hilbert_metric.hpp"
#include "otv/sinkhorn.hpp"
#include "property_helpers.hpp"

// std overloads for double; mpfr's are found by argument-dependent lookup.
using std::abs, std::exp, std::ldexp, std::log, std::sqrt;

namespace {

using otv::Matrix;
using otv::ScalarTraits;
using otv::Vector;

// ---------------------------------------------------------------- generators
// A positive entry is exp(k/8) for an integer k in [-40, 40] (e^-5 .. e^5), so
// shrinking moves k towards 0 and the entry towards 1.
rc::Gen<int> gen_log8() { return rc::gen::inRange(-40, 41); }
rc::Gen<int> gen_size(int min = 1, int max = 8) { return rc::gen::inRange(min, max + 1); }
rc::Gen<std::vector<int>> gen_log8_vector(int n) { return rc::gen::container<std::vector<int>>(n, gen_log8()); }

// A positive rows x cols matrix, entries exp(k/8), k stored row-major.
struct PositiveMatrix {
  int rows, cols;
  std::vector<int> k;
};
void showValue(const PositiveMatrix& m, std::ostream& os) {
  os << m.rows << "x" << m.cols << " exponents/8 (row-major):";
  for (int x : m.k) os << " " << x;
}
rc::Gen<PositiveMatrix> gen_positive_matrix(rc::Gen<int> rows, rc::Gen<int> cols) {
  return rc::gen::mapcat(rc::gen::pair(rows, cols), [](std::pair<int, int> d) {
    return rc::gen::map(gen_log8_vector(d.first * d.second),
                        [d](std::vector<int> k) { return PositiveMatrix{d.first, d.second, std::move(k)}; });
  });
}

// A cost matrix with entries c/64 in [0, 1] and lambda = 2^-e in {1, 0.5, 0.25}.
struct SinkhornCase {
  int n, lambda_exponent;
  std::vector<int> c;  // C_ij = c / 64, row-major
};
void showValue(const SinkhornCase& s, std::ostream& os) {
  os << "n: " << s.n << ", lambda: 2^-" << s.lambda_exponent << ", C*64 (row-major):";
  for (int x : s.c) os << " " << x;
}
rc::Gen<SinkhornCase> gen_sinkhorn_case() {
  return rc::gen::mapcat(rc::gen::pair(gen_size(2, 6), rc::gen::inRange(0, 3)), [](std::pair<int, int> d) {
    return rc::gen::map(rc::gen::container<std::vector<int>>(d.first * d.first, rc::gen::inRange(0, 65)),
                        [d](std::vector<int> c) { return SinkhornCase{d.first, d.second, std::move(c)}; });
  });
}

// ---------------------------------------------------------------- to Real
template <class Real> Vector<Real> positive_vector(const std::vector<int>& k) {
  Vector<Real> v(static_cast<Eigen::Index>(k.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = exp(Real(k[i]) / 8);
  return v;
}
template <class Real> Matrix<Real> positive_matrix(const PositiveMatrix& m) {
  Matrix<Real> K(m.rows, m.cols);
  for (int i = 0; i < m.rows; ++i)
    for (int j = 0; j < m.cols; ++j) K(i, j) = exp(Real(m.k[i * m.cols + j]) / 8);
  return K;
}
// K w by a plain loop.
template <class Real> Vector<Real> apply(const Matrix<Real>& K, const Vector<Real>& w) {
  Vector<Real> r(K.rows());
  for (Eigen::Index i = 0; i < K.rows(); ++i) {
    Real s = 0;
    for (Eigen::Index k = 0; k < K.cols(); ++k) s += K(i, k) * w(k);
    r(i) = s;
  }
  return r;
}
template <class Real> Vector<Real> scaled(const Real& c, const Vector<Real>& w) {
  Vector<Real> r(w.size());
  for (Eigen::Index i = 0; i < w.size(); ++i) r(i) = c * w(i);
  return r;
}
template <class Real> Real mu(const Vector<Real>& w, const Vector<Real>& w2) { return otv::hilbert_distance<Real>(w, w2); }

// ---------------------------------------------------------------- tolerances
// Largest |log x| over the entries: the size of the numbers mu is computed from.
template <class Real> Real log_magnitude(const Vector<Real>& v) {
  Real m = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) m = otv::max_of<Real>(m, abs(log(v(i))));
  return m;
}
template <class Real> Real log_magnitude(const Matrix<Real>& K) {
  Real m = 0;
  for (Eigen::Index i = 0; i < K.rows(); ++i) m = otv::max_of<Real>(m, log_magnitude<Real>(Vector<Real>(K.row(i).transpose())));
  return m;
}
// Rounding slack of a computed mu: a log-entry is off by <= u|log x| plus x's relative error
// (<= (terms + 1) u for sums of `terms` positive products); mu combines four, so 16 u (L + terms + 1).
template <class Real> Real rounding_slack(const Real& log_magnitude_sum, int summed_terms) {
  return 16 * ScalarTraits<Real>::unit_roundoff() * (log_magnitude_sum + summed_terms + 1);
}

// Each fact in double (100 cases) and in mpfr:128 (30 cases).
template <class Property> void holds_in_double_and_mpfr(const std::string& fact, Property property) {
  otv::test::require_property(fact + " (double)", 100, [&] { property.template operator()<double>(); });
  otv::PrecisionScope p(128);
  otv::test::require_property(fact + " (" + ScalarTraits<otv::mpfr_real>::name() + ")", 30,
                              [&] { property.template operator()<otv::mpfr_real>(); });
}

}  // namespace

// ---------------------------------------------------------------- metric axioms

TEST_CASE("mu(w, w') >= 0", "[hilbert][property]") {
  holds_in_double_and_mpfr("mu(w, w') >= 0", []<class Real>() {
    const int n = *gen_size();
    const auto w = positive_vector<Real>(*gen_log8_vector(n)), w2 = positive_vector<Real>(*gen_log8_vector(n));
    RC_ASSERT(mu(w, w2) >= 0);  // exact: max - min of the same numbers rounds to >= 0
  });
}

TEST_CASE("mu(w, w') = mu(w', w), exactly", "[hilbert][property]") {
  holds_in_double_and_mpfr("mu(w, w') = mu(w', w)", []<class Real>() {
    const int n = *gen_size();
    const auto w = positive_vector<Real>(*gen_log8_vector(n)), w2 = positive_vector<Real>(*gen_log8_vector(n));
    // Exact, not up to rounding: fl(a - b) = -fl(b - a), so both orders round the same spread.
    RC_ASSERT(mu(w, w2) == mu(w2, w));
  });
}

TEST_CASE("mu(x, z) <= mu(x, y) + mu(y, z)", "[hilbert][property]") {
  holds_in_double_and_mpfr("triangle inequality", []<class Real>() {
    const int n = *gen_size();
    const auto x = positive_vector<Real>(*gen_log8_vector(n)), y = positive_vector<Real>(*gen_log8_vector(n)),
               z = positive_vector<Real>(*gen_log8_vector(n));
    const Real slack = rounding_slack<Real>(log_magnitude(x) + log_magnitude(y) + log_magnitude(z), 0);
    RC_ASSERT(mu(x, z) <= mu(x, y) + mu(y, z) + slack);
  });
}

TEST_CASE("mu(c w, w') = mu(w, c w') = mu(w, w') for every c > 0", "[hilbert][property]") {
  holds_in_double_and_mpfr("invariance under positive scaling", []<class Real>() {
    const int n = *gen_size();
    const auto w = positive_vector<Real>(*gen_log8_vector(n)), w2 = positive_vector<Real>(*gen_log8_vector(n));
    const Real c = exp(Real(*gen_log8()) / 8);
    const Real d = mu(w, w2);
    const Real slack = rounding_slack<Real>(log_magnitude(w) + log_magnitude(w2) + abs(log(c)), 1);
    RC_ASSERT(abs(mu(scaled(c, w), w2) - d) <= slack);
    RC_ASSERT(abs(mu(w, scaled(c, w2)) - d) <= slack);
  });
}

// ---------------------------------------------------------------- mu = 0 exactly on rays

TEST_CASE("mu(w, c w) = 0 for every c > 0 (up to rounding)", "[hilbert][property]") {
  holds_in_double_and_mpfr("proportional vectors are at distance 0", []<class Real>() {
    const int n = *gen_size();
    const auto w = positive_vector<Real>(*gen_log8_vector(n));
    const Real c = exp(Real(*gen_log8()) / 8);
    RC_ASSERT(mu(w, scaled(c, w)) <= rounding_slack<Real>(2 * log_magnitude(w) + abs(log(c)), 1));
  });
}

TEST_CASE("mu(w, w') > 0 when w, w' are not proportional: mu is the spread of log(w_i / w'_i)", "[hilbert][property]") {
  holds_in_double_and_mpfr("non-proportional vectors are at positive distance", []<class Real>() {
    const int n = *gen_size(2, 8);
    const auto k = *gen_log8_vector(n), k2 = *gen_log8_vector(n);
    int hi = k[0] - k2[0], lo = hi;  // log(w_i / w'_i) = (k_i - k'_i)/8
    for (int i = 1; i < n; ++i) hi = std::max(hi, k[i] - k2[i]), lo = std::min(lo, k[i] - k2[i]);
    RC_PRE(hi > lo);  // w' is not a multiple of w
    const auto w = positive_vector<Real>(k), w2 = positive_vector<Real>(k2);
    const Real d = mu(w, w2), slack = rounding_slack<Real>(log_magnitude(w) + log_magnitude(w2), 0);
    RC_ASSERT(abs(d - Real(hi - lo) / 8) <= slack);
    RC_ASSERT(d >= Real(1) / 8 - slack);  // at least one step of the exponent grid
  });
}

// ---------------------------------------------------------------- Birkhoff's diameter

TEST_CASE("Delta(K) = log max_{i,j,k,l} K_ik K_jl / (K_jk K_il)", "[hilbert][property]") {
  holds_in_double_and_mpfr("Delta is the log of Birkhoff's four-index phi", []<class Real>() {
    const auto km = *gen_positive_matrix(gen_size(), gen_size());
    const auto K = positive_matrix<Real>(km);
    Real phi = 0;
    for (int i = 0; i < km.rows; ++i)
      for (int j = 0; j < km.rows; ++j)
        for (int k = 0; k < km.cols; ++k)
          for (int l = 0; l < km.cols; ++l) phi = otv::max_of<Real>(phi, K(i, k) * K(j, l) / (K(j, k) * K(i, l)));
    RC_ASSERT(abs(otv::projective_diameter<Real>(K) - log(phi)) <= rounding_slack<Real>(4 * log_magnitude(K), 3));
  });
}

TEST_CASE("eta = (sqrt(phi) - 1)/(sqrt(phi) + 1) = tanh(log(phi)/4)", "[hilbert][property]") {
  // Delta <= 20 for these matrices (|log K_ik| <= 5), so phi <= e^20: the direct formula is safe.
  holds_in_double_and_mpfr("eta_of agrees with the direct formula for moderate phi", []<class Real>() {
    const auto K = positive_matrix<Real>(*gen_positive_matrix(gen_size(), gen_size()));
    const Real root = sqrt(otv::phi_of<Real>(K));
    const Real direct = (root - 1) / (root + 1);
    RC_ASSERT(abs(otv::eta_of<Real>(K) - direct) <= rounding_slack<Real>(otv::log_phi<Real>(K), 0));
    RC_ASSERT(otv::eta_of<Real>(K) == otv::birkhoff_contraction<Real>(K));
  });
}

// ---------------------------------------------------------------- Birkhoff-Hopf

TEST_CASE("Birkhoff-Hopf: mu(K w, K w') <= tanh(Delta(K)/4) mu(w, w')", "[hilbert][property]") {
  holds_in_double_and_mpfr("Birkhoff-Hopf contraction", []<class Real>() {
    const auto K = positive_matrix<Real>(*gen_positive_matrix(gen_size(), gen_size()));
    const auto w = positive_vector<Real>(*gen_log8_vector(static_cast<int>(K.cols())));
    const auto w2 = positive_vector<Real>(*gen_log8_vector(static_cast<int>(K.cols())));
    const Vector<Real> Kw = apply(K, w), Kw2 = apply(K, w2);
    const Real slack = rounding_slack<Real>(
        log_magnitude(K) + log_magnitude(w) + log_magnitude(w2) + log_magnitude(Kw) + log_magnitude(Kw2),
        static_cast<int>(K.cols()));
    RC_ASSERT(mu(Kw, Kw2) <= otv::birkhoff_contraction<Real>(K) * mu(w, w2) + slack);
  });
}

// Sharpness, 2x2: for K = [[a, b], [c, d]] and w = (1, e^x), the image's log-ratio is
// h(x) = log((a + b e^x)/(c + d e^x)), and h'(x) = sigma(x + log(b/a)) - sigma(x + log(d/c)).
// Its maximum |h'| is tanh(Delta/4), Delta = |log(ad/(bc))|, at e^x = sqrt(ac/(bd)): the
// bound is attained in the limit of small perturbations w' = (1, e^(x + delta)) there.
// A grid over x in [-11, 11] (the optimum lies in [-10, 10]) with delta = 1/64 gets within 10%.
TEST_CASE("Birkhoff-Hopf is sharp for 2x2: some pair reaches 0.9 tanh(Delta/4)", "[hilbert][property]") {
  holds_in_double_and_mpfr("near-sharpness of the Birkhoff coefficient", []<class Real>() {
    const auto K = positive_matrix<Real>(*gen_positive_matrix(rc::gen::just(2), rc::gen::just(2)));
    const Real contraction = otv::birkhoff_contraction<Real>(K), delta = Real(1) / 64;
    Real best = 0;
    for (int step = -176; step <= 176; ++step) {
      const Real x = Real(step) / 16;
      Vector<Real> w(2), w2(2);
      w << 1, exp(x);
      w2 << 1, exp(x + delta);
      best = otv::max_of<Real>(best, mu(apply(K, w), apply(K, w2)) / mu(w, w2));
    }
    RC_LOG() << "best ratio " << ScalarTraits<Real>::to_string(best) << ", tanh(Delta/4) "
             << ScalarTraits<Real>::to_string(contraction) << "\n";
    RC_ASSERT(best >= Real(9) / 10 * contraction);
  });
}

// ---------------------------------------------------------------- Sinkhorn

// Sinkhorn with Q = exp(-C/lambda) and marginals a = b = 1/n alternates
// w <- a ./ (Q q) and q <- b ./ (Q^T w). Its fixed point satisfies w* = a ./ (Q q*), so
// mu(w_new, w*) = mu(Q q, Q q*) <= tanh(Delta(Q)/4) mu(q, q*) (and likewise for columns,
// Delta(Q^T) = Delta(Q)). (w*, q*) = (exp(f/lambda), exp(g/lambda)) from otv::sinkhorn_log;
// its fixed-point residual mu(w*, a ./ (Q q*)) enters the bound by the triangle inequality.
TEST_CASE("each Sinkhorn half-step contracts mu to the fixed point by tanh(Delta(Q)/4)", "[hilbert][property]") {
  holds_in_double_and_mpfr("Sinkhorn half-steps contract by the Birkhoff coefficient", []<class Real>() {
    const SinkhornCase s = *gen_sinkhorn_case();
    const int n = s.n;
    const Real lambda = ldexp(Real(1), -s.lambda_exponent), a = Real(1) / n;
    Matrix<Real> C(n, n), Q(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) C(i, j) = Real(s.c[i * n + j]) / 64, Q(i, j) = exp(-C(i, j) / lambda);
    const Matrix<Real> Qt = Q.transpose();
    const auto fixed = otv::sinkhorn_log<Real>(C, lambda, sqrt(ScalarTraits<Real>::unit_roundoff()), 20000);
    RC_ASSERT(fixed.converged);
    Vector<Real> w_star(n), q_star(n);
    for (int i = 0; i < n; ++i) w_star(i) = exp(fixed.f(i) / lambda), q_star(i) = exp(fixed.g(i) / lambda);
    auto row_step = [&](const Vector<Real>& q) { Vector<Real> w = apply(Q, q); for (auto& x : w) x = a / x; return w; };
    auto col_step = [&](const Vector<Real>& w) { Vector<Real> q = apply(Qt, w); for (auto& x : q) x = a / x; return q; };
    const Real row_residual = mu(w_star, row_step(q_star)), col_residual = mu(q_star, col_step(w_star));
    const Real row_contraction = otv::birkhoff_contraction<Real>(Q), col_contraction = otv::birkhoff_contraction<Real>(Qt);
    const Real L = log_magnitude(Q) + log_magnitude(w_star) + log_magnitude(q_star);
    Vector<Real> q = positive_vector<Real>(*gen_log8_vector(n));
    for (int iteration = 0; iteration < 4; ++iteration) {
      const Vector<Real> w = row_step(q);
      RC_ASSERT(mu(w, w_star) <= row_contraction * mu(q, q_star) + row_residual +
                                     rounding_slack<Real>(L + log_magnitude(q) + log_magnitude(w), n + 1));
      const Vector<Real> q_next = col_step(w);
      RC_ASSERT(mu(q_next, q_star) <= col_contraction * mu(w, w_star) + col_residual +
                                          rounding_slack<Real>(L + log_magnitude(w) + log_magnitude(q_next), n + 1));
      q = q_next;
    }
  });
}

// ---------------------------------------------------------------- domain

TEST_CASE("mu and Delta reject non-positive or non-finite entries and mismatched sizes", "[hilbert][property]") {
  holds_in_double_and_mpfr("invalid input throws InputError", []<class Real>() {
    const int n = *gen_size();
    const auto w = positive_vector<Real>(*gen_log8_vector(n));
    const int i = *rc::gen::inRange(0, n);
    const Real bad = *rc::gen::element(Real(0), -w(i), std::numeric_limits<Real>::infinity(), std::numeric_limits<Real>::quiet_NaN());
    const auto longer = positive_vector<Real>(*gen_log8_vector(n + 1));
    Vector<Real> broken = w;
    broken(i) = bad;
    RC_ASSERT_THROWS_AS(otv::hilbert_distance<Real>(broken, w), otv::InputError);
    RC_ASSERT_THROWS_AS(otv::hilbert_distance<Real>(w, broken), otv::InputError);
    RC_ASSERT_THROWS_AS(otv::projective_diameter<Real>(Matrix<Real>(broken)), otv::InputError);
    RC_ASSERT_THROWS_AS(otv::hilbert_distance<Real>(w, longer), otv::InputError);
  });
}
