// Breakdown evidence (src/otv/breakdown.hpp) and the predictions E5, E6 of
// docs/error-model.md, checked on one layer where the derivation is exact.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "otv/breakdown.hpp"
#include "otv/construction.hpp"
#include "otv/prompt.hpp"
#include "otv/transformer.hpp"
#include "otv/sinkhorn.hpp"

namespace {

template <class Real> otv::BreakdownTrace<Real> one_layer(double lambda, otv::Softmax mode) {
  const auto inst = otv::to_real<Real>(otv::paper_instance(4, 1));
  return otv::trace_breakdown<Real>(inst, Real(lambda), Real(2 * lambda), 1, otv::Variant::paper, mode);
}

// E5: lambda_uf = C_max / (-ln(min normal) - 1); C_max = (1 - 1/4)^2 for n = 4.
template <class Real> double predicted_underflow_onset() {
  return 0.5625 / (-std::log(static_cast<double>(std::numeric_limits<Real>::min())) - 1);
}

}  // namespace

TEMPLATE_TEST_CASE("E5: exp underflows at layer 1 exactly below C_max / (-ln(min normal) - 1)", "[breakdown]", float, double) {
  const double onset = predicted_underflow_onset<TestType>();
  // exp's smallest result stays normal above the onset, but the pattern is then multiplied
  // by value entries of size ~gamma, whose products turn subnormal ln(1/gamma) + O(1) nats
  // earlier (bisected: flag from 1.056 onset for float, 1.010 for double). At 1.1 onset the
  // margin is 7.8 nats (float) and 64 nats (double): no flag.
  const double clear = 1.1 * onset;
  INFO("predicted onset " << onset << ", flag-free at " << clear);
  const auto above = one_layer<TestType>(clear, otv::Softmax::stable);
  const auto below = one_layer<TestType>(0.98 * onset, otv::Softmax::stable);
  const double ln_min_normal = std::log(static_cast<double>(std::numeric_limits<TestType>::min()));
  CHECK(static_cast<double>(one_layer<TestType>(1.02 * onset, otv::Softmax::stable).min_exp_argument) > ln_min_normal);
  CHECK(static_cast<double>(one_layer<TestType>(0.98 * onset, otv::Softmax::stable).min_exp_argument) < ln_min_normal);
  REQUIRE(above.exceptions.recorded);
  CHECK_FALSE(above.exceptions.underflow);
  CHECK(below.exceptions.underflow);
  // The smallest exp argument is -C_max/lambda - 1 (the sink keeps the row maximum at 0).
  CHECK(static_cast<double>(below.min_exp_argument) == Approx(-0.5625 / (0.98 * onset) - 1).epsilon(1e-5));
  // ... and the underflow is harmless: no data block of a row vanishes, nothing is non-finite.
  CHECK(below.underflowed_rows == 0);
  CHECK(below.nan_entries + below.inf_entries == 0);
}

TEST_CASE("E6: the naive softmax's exp arguments stay <= 0 (no overflow) down to lambda = 1e-5", "[breakdown]") {
  for (double lambda : {1.0, 1e-2, 1e-4, 1e-5}) {
    const auto inst = otv::to_real<double>(otv::paper_instance(16, 3));
    const auto t = otv::trace_breakdown<double>(inst, lambda, 2 * lambda, 50, otv::Variant::paper, otv::Softmax::naive);
    INFO("lambda = " << lambda << ", max exp argument " << t.max_exp_argument);
    CHECK(t.max_exp_argument <= 1e-12);
    CHECK_FALSE(t.exceptions.overflow);
    CHECK(t.nan_entries + t.inf_entries == 0);
  }
}

TEST_CASE("E6: data scores stay below max(-1, -ln n + 2 gamma / (n lambda)), and the initial -1 exceeds 4/n - ln n for n >= 16", "[breakdown]") {
  // Heads 1 and 2 score the data block by log M_ij = (-C_ij + u_i + v_j)/lambda - 1 (and its
  // transpose). At layer 0 the largest is -1 (C_ii = 0: x is a permutation of y). A score
  // rises only while its row or column mass is below 1/n, i.e. while it is below -ln n, by at
  // most 2 gamma/(n lambda) per layer (docs/error-model.md E6). Rounding slack: c_d K u with
  // K ~ (|x|^2 + |y|^2 + 2|x||y|) / lambda <= 4 / lambda (Theorem 1's model), below 1e-9 here.
  for (long long n : {16, 64}) {
    for (double lambda : {1e-2, 1e-5}) {
      const double gamma = 2 * lambda;
      const auto inst = otv::to_real<double>(otv::paper_instance(static_cast<std::size_t>(n), 3));
      const auto con = otv::make_construction<double>(otv::Variant::paper, 1, lambda, gamma);
      const otv::Transformer<double> tf({con.layer}, otv::Softmax::naive);
      auto Z = otv::make_prompt<double>(inst, con.columns);
      double initial = -INFINITY, worst = -INFINITY;
      for (int l = 0; l < 50; ++l)
        Z = tf.step(Z, l, [&](const otv::LayerView<double>& view) {
          for (const auto& scores : view.scores) {
            const double m = scores.topLeftCorner(n, n).maxCoeff();
            worst = std::max(worst, m);
            if (view.layer == 0) initial = std::max(initial, m);
          }
        });
      const double bound = std::max(-1.0, -std::log(double(n)) + 2 * gamma / (double(n) * lambda));
      INFO("n = " << n << ", lambda = " << lambda << ": initial max " << initial << ", max over 50 layers " << worst << ", bound " << bound);
      CHECK(initial == Approx(-1).margin(1e-9));
      CHECK(initial > 4.0 / double(n) - std::log(double(n)));  // the old statement is false here
      CHECK(worst <= bound + 1e-9);
      CHECK(worst <= 0);  // the conclusion: no exp argument above 0, no overflow
    }
  }
}

TEST_CASE("software types record no IEEE flags, hardware types do", "[breakdown]") {
  CHECK_FALSE(one_layer<otv::float128>(1e-3, otv::Softmax::stable).exceptions.recorded);
  CHECK(one_layer<long double>(1e-3, otv::Softmax::stable).exceptions.recorded);
}

TEST_CASE("epsilon-scaled Sinkhorn reaches the plain iteration's fixed point", "[breakdown]") {
  const auto inst = otv::to_real<double>(otv::paper_instance(8, 2));
  const auto C = otv::cost_matrix<double>(inst);
  // converged: certified Hilbert bound <= 1e-9 (E8; its double floor here is 7e-11).
  const auto plain = otv::sinkhorn_log<double>(C, 0.01, 1e-9, 100000);
  const auto scaled = otv::sinkhorn_log_scaled<double>(C, 0.01, 1e-9, 100000);
  REQUIRE(plain.converged);
  REQUIRE(scaled.converged);
  // Potentials are defined up to f + c, g - c: compare the plans.
  const double diff = (plain.plan - scaled.plan).cwiseAbs().maxCoeff();
  INFO("max plan difference " << diff << " (tolerance 1e-12: both stop at the marginal floor 64 u)");
  CHECK(diff < 1e-12);
}
