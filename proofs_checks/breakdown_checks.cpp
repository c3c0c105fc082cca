// Breakdown evidence (src/otv/breakdown.hpp) and the predictions E5, E6 of
// docs/error-model.md, checked on one layer where the derivation is exact.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

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

namespace {

// Planted score rows for the exp-argument range: ties, signed zeros, far-apart
// values whose differences round together, +-Inf and NaN.
std::vector<std::vector<double>> planted_score_rows() {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> rows = {
      {0.0, -0.0, 0.0}, {-0.0, 0.0, -0.0}, {-0.0, -1.0, 0.0, -0.0}, {2.5, 2.5, 2.5},
      {-1e30, std::nextafter(-1e30, 0.0), 1e10, 1e10}, {1e300, -1e300, 1e300, -1e300},
      {-3.0, inf, 1.0}, {-inf, 0.0, -inf}, {inf, inf}, {1.0, nan, -1.0}, {nan, 0.0}, {7.0}};
  std::uint64_t state = 20261202;  // a fixed LCG: many rows of few distinct values
  for (int r = 0; r < 200; ++r) {
    std::vector<double> row;
    for (int j = 0; j < 1 + r % 9; ++j) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const double pick[] = {0.0, -0.0, 1.0, -1.0, 0.5, -1e-310, 1e-310, -700.0, 3e38, -3e38};
      row.push_back(pick[(state >> 33) % 10]);
    }
    rows.push_back(row);
  }
  return rows;
}

template <class Real> bool same_bits(const Real& a, const Real& b) {
  using std::isnan, std::signbit;
  using boost::multiprecision::isnan, boost::multiprecision::signbit;
  if ((isnan)(a) || (isnan)(b)) return (isnan)(a) && (isnan)(b);
  return a == b && (signbit)(a) == (signbit)(b);
}

}  // namespace

TEMPLATE_TEST_CASE("the exp-argument range from each row's extreme scores equals the range over every argument, bit for bit",
                   "[breakdown]", float, double, long double, otv::mpfr_real) {
  using Real = TestType;
  const auto rows = planted_score_rows();
  for (const otv::Softmax mode : {otv::Softmax::stable, otv::Softmax::naive}) {
    // One row at a time, and all rows in one range (the order across rows matters for ties).
    otv::breakdown_detail::ExpArgumentRange<Real> all_fast, all_every;
    for (const auto& row : rows) {
      otv::Matrix<Real> S(1, static_cast<Eigen::Index>(row.size()));
      for (std::size_t j = 0; j < row.size(); ++j) S(0, static_cast<Eigen::Index>(j)) = Real(row[j]);
      otv::breakdown_detail::ExpArgumentRange<Real> fast, every;
      fast.add_row(S, 0, mode);
      every.add_every_argument(S, 0, mode);
      all_fast.add_row(S, 0, mode);
      all_every.add_every_argument(S, 0, mode);
      INFO(otv::ScalarTraits<Real>::name() << (mode == otv::Softmax::stable ? " stable" : " naive") << ", row of " << row.size() << " starting "
                                           << row[0] << ": least " << otv::ScalarTraits<Real>::to_string(fast.least) << " vs "
                                           << otv::ScalarTraits<Real>::to_string(every.least) << ", greatest "
                                           << otv::ScalarTraits<Real>::to_string(fast.greatest) << " vs " << otv::ScalarTraits<Real>::to_string(every.greatest));
      CHECK(same_bits(fast.least, every.least));
      CHECK(same_bits(fast.greatest, every.greatest));
    }
    CHECK(same_bits(all_fast.least, all_every.least));
    CHECK(same_bits(all_fast.greatest, all_every.greatest));
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
