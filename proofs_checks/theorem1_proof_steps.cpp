// The proof of Theorem 1, step by step, at every layer: each check finds the
// first layer (0-based: the layer reading Z^(l)) and variant where its step stops
// holding, and asserts where that is.
//   S1 (eq. 9, data block): head-1 scores between data rows equal log M_ij, with M
//      built from the transformer's own u, v columns; head 2 likewise with M^T.
//   S2 (eq. 9, sink column): a data row's score against the sink row is 0.
//   S3 head-1 output on data rows = -D_l (M1 - 1/n), head-2 = -D'_l (M^T 1 - 1/n),
//      with the step sizes D_l = gamma / (M1 + 1), D'_l = gamma / (M^T 1 + 1) of Theorem 1.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "check_helpers.hpp"
#include "otv/dual_objective.hpp"
#include "otv/theorem1.hpp"

namespace {

using otv::Matrix;
using otv::Variant;
using otv::Vector;

struct StepFailures {
  int score_identity = -1, sink_score = -1, head_output = -1;  // first failing layer, -1: none
  std::string first_reports;  // each step's first failing comparison: where, and its full-digit report
};

// Tolerances (otv/error_model.hpp): a score carries at most c_d u K of rounding;
// a head output at most 2 u [gamma (c_d K + n + 2 + 2 e_exp) + iterates], e_exp exp's bound in ulps.
template <class Real> StepFailures first_failures(Variant variant, const otv::InstanceText& text, const char* lambda_text,
                                                  const char* gamma_text, int layers) {
  using T = otv::ScalarTraits<Real>;
  const auto inst = otv::to_real<Real>(text);
  const Real lambda = otv::parse_finite<Real>(lambda_text), gamma = otv::parse_finite<Real>(gamma_text);
  const auto con = otv::make_construction<Real>(variant, static_cast<int>(inst.d()), lambda, gamma);
  const otv::Transformer<Real> tf({con.layer});
  const auto& c = con.columns;
  const Eigen::Index n = inst.n();
  const Matrix<Real> C = otv::cost_matrix<Real>(inst);
  const auto model = otv::theorem1_error_model<Real>(inst, lambda, gamma);
  const Real inv_n = Real(1) / Real(n);

  StepFailures f;
  Matrix<Real> Z = otv::make_prompt<Real>(inst, c);
  for (int l = 0; l < layers; ++l) {
    Vector<Real> cu = Z.col(c.u).head(n), cv = Z.col(c.v).head(n);
    Real iterates = 0;
    for (Eigen::Index i = 0; i < n; ++i) iterates = otv::max_of<Real>(iterates, abs(cu(i)) + abs(cv(i)));
    const Real score_tol = model.score_error(iterates);
    const Matrix<Real> M = otv::dual_kernel<Real>(C, cu, cv, lambda);
    const auto sums = otv::marginals<Real>(M);
    Z = tf.step(Z, l, [&](const otv::LayerView<Real>& view) {
      // A step's first failure (layer l) records where and the comparison's report.
      auto check = [&](int& first, const char* step, const std::string& where, const Real& computed, const Real& expected, const Real& tol) {
        if (first >= 0) return;
        const auto cmp = otv::test::compare_within<Real>(computed, expected, tol);
        if (cmp.ok) return;
        first = l;
        f.first_reports += std::string(step) + " first fails at layer " + std::to_string(l) + ", " + where + ":\n" + cmp.report + "\n";
      };
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::string row = "row " + std::to_string(i);
        for (Eigen::Index j = 0; j < n; ++j) {
          const std::string at = row + ", column " + std::to_string(j);
          check(f.score_identity, "S1 head 1", at, view.scores[0](i, j), Real(log(M(i, j))), score_tol);
          check(f.score_identity, "S1 head 2", at, view.scores[1](i, j), Real(log(M(j, i))), score_tol);
        }
        check(f.sink_score, "S2 head 1", row, view.scores[0](i, n), Real(0), score_tol);
        check(f.sink_score, "S2 head 2", row, view.scores[1](i, n), Real(0), score_tol);
        // Head outputs (after B = -gamma I) are the changes of the u and v columns.
        const Real expect_u = -gamma / (sums.rows(i) + 1) * (sums.rows(i) - inv_n);
        const Real expect_v = -gamma / (sums.cols(i) + 1) * (sums.cols(i) - inv_n);
        const Real out_tol = model.head_output_error(iterates);
        check(f.head_output, "S3 u", row, Real(view.output(i, c.u) - view.input(i, c.u)), expect_u, out_tol);
        check(f.head_output, "S3 v", row, Real(view.output(i, c.v) - view.input(i, c.v)), expect_v, out_tol);
      }

    });
  }
  f.first_reports = "Theorem 1 proof steps, " + otv::to_string(variant) + ", " + T::name() + ", n = " + std::to_string(n) +
                    ", through layer " + std::to_string(layers - 1) + ":\n" + f.first_reports;
  return f;
}

otv::InstanceText example() {
  otv::InstanceText t;
  for (const char* x : {"0.5", "0.75", "0.25", "0"}) t.x.push_back({x});
  for (const char* y : {"0", "0.25", "0.5", "0.75"}) t.y.push_back({y});
  return t;
}

template <class Real> void check_variants(const otv::InstanceText& text, int layers) {
  for (Variant v : {Variant::paper, Variant::notebook}) {
    const StepFailures f = first_failures<Real>(v, text, "0.005", "0.01", layers);
    INFO(f.first_reports);
    CHECK(f.score_identity == -1);  // S1 holds at every layer: it involves data rows only
    CHECK(f.sink_score == 1);       // S2 fails from layer 1: the sink's v has moved
    CHECK(f.head_output == 1);      // S3 fails with it: the sink weight is exp(v_sink/lambda) != 1
  }
  for (Variant v : {Variant::corrected, Variant::relu_reset}) {
    const StepFailures f = first_failures<Real>(v, text, "0.005", "0.01", layers);
    INFO(f.first_reports);
    CHECK(f.score_identity == -1);
    CHECK(f.sink_score == -1);
    CHECK(f.head_output == -1);
  }
}

}  // namespace

TEST_CASE("Proof of Theorem 1, step by step at every layer (double)", "[theorem1][proof]") {
  check_variants<double>(example(), 200);
  check_variants<double>(otv::uniform_instance(9, 2, 5), 100);
}

TEST_CASE("Proof of Theorem 1, step by step at every layer (mpfr:256)", "[theorem1][proof]") {
  otv::PrecisionScope p(256);
  check_variants<otv::mpfr_real>(example(), 50);
}
