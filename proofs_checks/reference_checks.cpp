// Checks of the reference algorithms (adaptive GD, Sinkhorn, the dual
// gradient, exact OT) and the interval forward pass.
#include "check_helpers.hpp"

#include "otv/readout.hpp"
#include "otv/sinkhorn.hpp"

using namespace otv;
using namespace otv::test;

namespace {

template <class Real> Matrix<Real> normalised(const Matrix<Real>& M) { return M / M.sum(); }

}  // namespace

// ---- 7. GD, Sinkhorn and the dual gradient --------------------------------------------

TEST_CASE("Sinkhorn's plan has marginals 1/n to 1e-12 (double)", "[reference]") {
  for (const InstanceText& text : {paper_example(), paper_instance(7, 3), uniform_instance(6, 2, 5)}) {
    const Instance<double> inst = to_real<double>(text);
    const Eigen::Index n = inst.n();
    // converged: the certified Hilbert bound (E8) <= 1e-10; its rounding floor in
    // double, 2 (n + 2) u sqrt(2n - 1) / (n mu), is 2e-12 .. 6e-12 on these instances.
    const auto sk = sinkhorn_log<double>(cost_matrix(inst), 0.1, 1e-10, 100000);
    CAPTURE(n, sk.iterations, sk.marginal_error, sk.hilbert_bound);
    CHECK(sk.converged);
    const Marginals<double> m = marginals<double>(sk.plan);
    for (Eigen::Index i = 0; i < n; ++i) {
      CAPTURE(i);
      OTV_CHECK_WITHIN(m.rows(i), 1.0 / n, 1e-12);
      OTV_CHECK_WITHIN(m.cols(i), 1.0 / n, 1e-12);
    }
    CHECK((sk.plan.array() > 0).all());
  }
}

TEST_CASE("Reference adaptive GD converges to Sinkhorn's plan: M/sum(M) within 1e-8 of P_lambda* (n = 4, lambda = 0.1)",
          "[reference]") {
  const double lambda = 0.1, gamma = 0.05;
  const int steps = 20000;
  for (const InstanceText& text : {paper_example(), paper_instance(4, 6)}) {
    const Instance<double> inst = to_real<double>(text);
    const Matrix<double> C = cost_matrix(inst);
    const auto sk = sinkhorn_log<double>(C, lambda, 1e-10, 100000);  // Hilbert bound, as above
    REQUIRE(sk.converged);
    double first = -1, last = -1;
    const DualIterate<double> it = adaptive_dual_gd<double>(C, lambda, gamma, steps, [&](int l, const DualIterate<double>& x) {
      if (l == 1) first = (normalised<double>(dual_kernel<double>(C, x.u, x.v, lambda)) - sk.plan).cwiseAbs().maxCoeff();
    });
    last = (normalised<double>(dual_kernel<double>(C, it.u, it.v, lambda)) - sk.plan).cwiseAbs().maxCoeff();
    INFO("max |M/sum(M) - P*| after 1 step " << first << ", after " << steps << " steps " << last);
    CHECK(first > 1e-3);  // the start is far from the plan: convergence is not vacuous
    CHECK(last < 1e-8);
    // And the GD iterate is (near) stationary: the gradient M1 - 1/n, M^T 1 - 1/n vanishes.
    const Marginals<double> g = dual_gradient<double>(C, it.u, it.v, lambda);
    CHECK(max_abs<double>(g.rows) < 1e-8);
    CHECK(max_abs<double>(g.cols) < 1e-8);
  }
}

TEST_CASE("dual_gradient equals central finite differences of dual_objective (mpfr:256)", "[reference]") {
  const PrecisionScope p(256);
  using R = mpfr_real;
  const R u = ScalarTraits<R>::unit_roundoff(), lambda = lit<R>("0.1");
  const R h = ldexp(R(1), -80);
  for (const InstanceText& text : {paper_example(), uniform_instance(5, 2, 12)}) {
    const Instance<R> inst = to_real<R>(text);
    const Eigen::Index n = inst.n();
    const Matrix<R> C = cost_matrix(inst);
    Vector<R> uu(n), vv(n);
    for (Eigen::Index i = 0; i < n; ++i) { uu(i) = R(i + 1) / 50; vv(i) = -R(2 * i + 1) / 70; }
    const Marginals<R> g = dual_gradient<R>(C, uu, vv, lambda);
    const Matrix<R> M = dual_kernel<R>(C, uu, vv, lambda);
    const Marginals<R> r = marginals<R>(M);
    // Error model of (L(+h) - L(-h)) / 2h against the gradient:
    //  truncation h^2/6 f''' with f''' = (1/lambda^2) sum_j M_ij e^{O(h/lambda)} <= h^2 (r + 1) / lambda^2;
    //  rounding of each L (n^2 exponentials with arguments of size K, n^2 + 2n sums) is
    //  <= (n^2 + K) u |L|_terms, twice, divided by 2h; the gradient itself (n + K) u.
    R K = 0, terms = lambda * M.sum();
    for (Eigen::Index i = 0; i < n; ++i) {
      terms += (abs(uu(i)) + abs(vv(i))) / R(n);
      for (Eigen::Index j = 0; j < n; ++j) K = max_of<R>(K, (C(i, j) + abs(uu(i)) + abs(vv(j))) / lambda + 1);
    }
    const R rounding = (R(n * n) + K) * u * terms / h + (R(n) + K) * u;
    for (bool along_u : {true, false})
      for (Eigen::Index i = 0; i < n; ++i) {
        Vector<R> up = along_u ? uu : vv, dn = up;
        up(i) += h;
        dn(i) -= h;
        const R Lp = along_u ? dual_objective<R>(C, up, vv, lambda) : dual_objective<R>(C, uu, up, lambda);
        const R Lm = along_u ? dual_objective<R>(C, dn, vv, lambda) : dual_objective<R>(C, uu, dn, lambda);
        const R fd = (Lp - Lm) / (2 * h);
        const R sum_i = along_u ? r.rows(i) : r.cols(i);
        const R tol = h * h * (sum_i + 1) / (lambda * lambda) + rounding;
        CAPTURE(along_u, i, n);
        OTV_CHECK_WITHIN(fd, along_u ? R(g.rows(i)) : R(g.cols(i)), tol);
        CHECK(tol < ldexp(R(1), -140));
      }
  }
}

// ---- 8. exact OT ------------------------------------------------------------------------

TEST_CASE("Exact OT for d = 1: the monotone matching sorts, and is optimal against brute force", "[exact_ot]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed)
    for (const InstanceText& text : {uniform_instance(9, 1, seed), paper_instance(8, seed), gaussian_instance(6, 1, seed)}) {
      const Instance<double> inst = to_real<double>(text);
      const Eigen::Index n = inst.n();
      const Assignment as = exact_ot(inst);
      CAPTURE(seed, n);
      REQUIRE(is_permutation_of_indices(as));
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index k = 0; k < n; ++k)
          if (inst.x(i, 0) < inst.x(k, 0)) {
            CAPTURE(i, k);
            CHECK(inst.y(as[static_cast<std::size_t>(i)], 0) < inst.y(as[static_cast<std::size_t>(k)], 0));
          }
      if (n <= 6) {
        const Matrix<double> C = cost_matrix(inst);
        // Both sums add n costs: they differ by at most 2 n u max C when the permutations agree.
        const double tol = 2 * n * ScalarTraits<double>::unit_roundoff() * C.maxCoeff();
        OTV_CHECK_WITHIN(assignment_cost<double>(C, as), brute_force_min_cost<double>(C), tol);
      }
    }
}

TEST_CASE("Exact OT for d = 2: the Hungarian algorithm equals brute force over all permutations for n <= 6",
          "[exact_ot]") {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed)
    for (std::size_t n = 2; n <= 6; ++n)
      for (const InstanceText& text : {uniform_instance(n, 2, 1000 + seed), gaussian_instance(n, 2, 2000 + seed)}) {
        const Instance<double> inst = to_real<double>(text);
        const Matrix<double> C = cost_matrix(inst);
        const Assignment as = exact_ot(inst);  // d > 1: the Hungarian algorithm
        CAPTURE(seed, n);
        REQUIRE(as == hungarian<double>(C));
        REQUIRE(is_permutation_of_indices(as));
        const double tol = 2 * static_cast<double>(n) * ScalarTraits<double>::unit_roundoff() * C.maxCoeff();
        OTV_CHECK_WITHIN(assignment_cost<double>(C, as), brute_force_min_cost<double>(C), tol);
        ++compared;
      }
  CHECK(compared == 60);
}

TEST_CASE("transported_x of the paper's example [0.5, 0.75, 0.25, 0] -> [0, 0.25, 0.5, 0.75] is [0, 0.25, 0.5, 0.75]",
          "[exact_ot]") {
  const Instance<double> inst = to_real<double>(paper_example());
  const Assignment as = exact_ot(inst);
  CHECK(as == Assignment{2, 3, 1, 0});
  const Matrix<double> t = transported_x(inst, as);
  REQUIRE(t.rows() == 4);
  REQUIRE(t.cols() == 1);
  CHECK(t(0, 0) == 0.0);
  CHECK(t(1, 0) == 0.25);
  CHECK(t(2, 0) == 0.5);
  CHECK(t(3, 0) == 0.75);
}

// ---- 9. interval forward pass ------------------------------------------------------------

TEST_CASE("mpfi:256 forward pass (3 layers, n = 5, 9, 17): no NaN enclosures, each encloses the mpfr:512 result",
          "[interval]") {
  const int layers = 3;
  for (Variant variant : {Variant::paper, Variant::corrected})
    for (std::size_t n : {5u, 9u, 17u}) {
      const InstanceText text = paper_instance(n, 40 + n);
      std::vector<Matrix<mpfr_real>> ref;  // Z^(1..layers) at 512 bits (values keep their precision)
      {
        const PrecisionScope p(512);
        const auto s = make_setup<mpfr_real>(text, variant, lit<mpfr_real>("0.1"), lit<mpfr_real>("0.05"));
        Matrix<mpfr_real> Z = s.Z0;
        for (int l = 0; l < layers; ++l) ref.push_back(Z = s.tf.step(Z, l));
      }
      const PrecisionScope p(256);
      using T = ScalarTraits<mpfi_real>;
      const auto s = make_setup<mpfi_real>(text, variant, lit<mpfi_real>("0.1"), lit<mpfi_real>("0.05"));
      Matrix<mpfi_real> Z = s.Z0;
      double worst_width = 0;
      for (int l = 0; l < layers; ++l) {
        Z = s.tf.step(Z, l);
        const Matrix<mpfr_real>& R = ref[static_cast<std::size_t>(l)];
        REQUIRE(R.rows() == Z.rows());
        REQUIRE(R.cols() == Z.cols());
        REQUIRE(otv::ScalarTraits<otv::mpfr_real>::precision_of(R(0, 0)) >= 512);
        for (Eigen::Index i = 0; i < Z.rows(); ++i)
          for (Eigen::Index c = 0; c < Z.cols(); ++c) {
            const mpfi_real& e = Z(i, c);
            const bool ok = !T::is_nan(e) && T::is_finite(e) && encloses(e, R(i, c));
            std::string report;  // on failure: both endpoints and the reference, all digits
            if (!ok) {
              using M = ScalarTraits<mpfr_real>;
              report = T::name() + " enclosure [" + M::to_string(exact_lower(e)) + ", " + M::to_string(exact_upper(e)) +
                       "] vs mpfr:512 value " + R(i, c).str(160, std::ios_base::fmtflags(0));
            }
            CAPTURE(to_string(variant), n, l + 1, i, c);
            INFO(report);
            CHECK_FALSE(T::is_nan(e));
            CHECK(ok);
            worst_width = std::max(worst_width, T::to_double(T::width(e)));
          }
      }
      // The enclosures are tight (widths near 2^-257 times the magnitudes), not merely valid.
      INFO(to_string(variant) << " n = " << n << ": widest enclosure " << worst_width);
      CHECK(worst_width < 1e-70);
    }
}
