// Learning the construction (Sec. 6): data settings, prompts, Adam, the
// constructed weights in the trainable parameterisation, and that training
// lowers the loss. The gradient itself is checked in property_tests/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "otv/constructed_model.hpp"
#include "otv/training.hpp"

namespace {

using otv::DataSetting;
using otv::Layout;
using otv::PromptKind;
using otv::PromptShape;

}  // namespace

TEST_CASE("paper data: x is a permutation of {1/n..1}, y_i = i/n, sorted_x sorted, one draw is reproducible", "[training][data]") {
  const auto a = otv::draw_samples<double>(DataSetting::paper, 7, 5, 3, 0);
  const auto b = otv::draw_samples<double>(DataSetting::paper, 7, 5, 3, 0);
  const auto c = otv::draw_samples<double>(DataSetting::paper, 7, 5, 4, 0);
  REQUIRE(a.size() == 5);
  bool differs = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    std::set<double> xs;
    for (int i = 0; i < 7; ++i) {
      xs.insert(a[k].instance.x(i, 0) * 7);
      CHECK(a[k].instance.y(i, 0) == (i + 1) / 7.0);
      CHECK(a[k].sorted_x(i) == (i + 1) / 7.0);  // sorted permutation of {1/n..1}
      CHECK(a[k].instance.x(i, 0) == b[k].instance.x(i, 0));
      differs |= a[k].instance.x(i, 0) != c[k].instance.x(i, 0);
    }
    CHECK(xs.size() == 7);
    CHECK(*xs.begin() == Approx(1.0).margin(1e-15));
  }
  CHECK(differs);  // another seed, other samples
}

TEST_CASE("grid data: distinct values of the 50-point grid, redrawn per draw index", "[training][data]") {
  const auto d0 = otv::draw_samples<double>(DataSetting::grid, 9, 20, 1, 0);
  const auto d1 = otv::draw_samples<double>(DataSetting::grid, 9, 20, 1, 1);
  bool differs = false;
  for (std::size_t k = 0; k < d0.size(); ++k) {
    std::set<double> xs;
    for (int i = 0; i < 9; ++i) {
      const double g = std::round(d0[k].instance.x(i, 0) * 50);
      CHECK(d0[k].instance.x(i, 0) == g / 50);  // x = k/50, correctly rounded
      CHECK(g >= 0);
      CHECK(g <= 49);
      xs.insert(g);
      differs |= d0[k].instance.x(i, 0) != d1[k].instance.x(i, 0);
      if (i > 0) CHECK(d0[k].sorted_x(i - 1) < d0[k].sorted_x(i));
    }
    CHECK(xs.size() == 9);
  }
  CHECK(differs);
  CHECK_THROWS_AS(otv::draw_samples<double>(DataSetting::grid, 51, 1, 1, 0), otv::InputError);
}

TEST_CASE("plain prompt (eq. 12): n rows [x, y, 0], output column 2, engineered: eq. (6) with n + 1 rows", "[training][prompt]") {
  const auto s = otv::draw_samples<double>(DataSetting::paper, 5, 1, 2, 0).front();
  const PromptShape plain{PromptKind::plain, Layout::paper, 1}, eng{PromptKind::engineered, Layout::notebook, 1};
  const auto Z = otv::make_training_prompt<double>(plain, s.instance);
  REQUIRE(Z.rows() == 5);
  REQUIRE(Z.cols() == 3);
  CHECK(plain.out_column() == 2);
  for (int i = 0; i < 5; ++i) {
    CHECK(Z(i, 0) == s.instance.x(i, 0));
    CHECK(Z(i, 1) == s.instance.y(i, 0));
    CHECK(Z(i, 2) == 0);
  }
  const auto E = otv::make_training_prompt<double>(eng, s.instance);
  CHECK(E.rows() == 6);
  CHECK(E.cols() == 11);
  CHECK(eng.out_column() == eng.columns().out);
}

TEST_CASE("Adam's first step moves every parameter by lr * g / (|g| + eps) against its gradient", "[training][adam]") {
  otv::Matrix<double> p(1, 3), g(1, 3);
  p << 1, 2, 3;
  g << 0.5, -2, 1e-3;
  auto state = otv::adam_start<double>({&p});
  const otv::AdamSettings a{0.01};
  const otv::Matrix<double> before = p;
  otv::adam_update<double>({&p}, {&g}, state, a);
  CHECK(state.step == 1);
  const double u = 0x1.0p-53;
  for (int j = 0; j < 3; ++j) {
    // Bias-corrected moments after one step are g and g^2 up to rounding (a few u).
    const double expected = -a.learning_rate * g(0, j) / (std::abs(g(0, j)) + a.epsilon);
    CHECK(std::abs((p(0, j) - before(0, j)) - expected) <= 16 * u * (std::abs(before(0, j)) + a.learning_rate));
  }
}

TEST_CASE("constructed weights in the trainable parameterisation reproduce the construction's u, v columns exactly", "[training][construction]") {
  // mixing = 1/16: (-gamma / mixing) * mixing = -gamma exactly, so both stacks
  // compute the same value maps bit for bit.
  const auto s = otv::draw_samples<double>(DataSetting::paper, 6, 1, 5, 0).front();
  for (Layout layout : {Layout::paper, Layout::notebook}) {
    const PromptShape shape{PromptKind::engineered, layout, 1};
    const auto model = otv::constructed_model<double>(shape, 8, 0.0625, 0.05, 0.01, 6);
    const auto con = otv::make_construction<double>(layout == Layout::paper ? otv::Variant::paper : otv::Variant::notebook, 1, 0.05, 0.01);
    const otv::Transformer<double> ref({con.layer});
    const auto Z0 = otv::make_prompt<double>(s.instance, con.columns);
    const auto Zt = model.transformer().forward(Z0, 8), Zr = ref.forward(Z0, 8);
    for (Eigen::Index i = 0; i < Zt.rows(); ++i)
      for (Eigen::Index c = 0; c < Zt.cols(); ++c)
        if (c != con.columns.out) CHECK(Zt(i, c) == Zr(i, c));
    // The readout writes (n + 1) (A x)_i into the output column of the data rows.
    for (Eigen::Index i = 0; i < 6; ++i) CHECK(Zt(i, con.columns.out) > 0);
    CHECK(Zr(0, con.columns.out) == 0);
  }
  CHECK_THROWS_AS(otv::constructed_model<double>({PromptKind::plain, Layout::paper, 1}, 2, 0.05, 0.05, 0.01, 4), otv::InputError);
}

TEST_CASE("Q distance: zero against itself, invariant under swapping the two heads of a layer", "[training][construction]") {
  const PromptShape shape{PromptKind::engineered, Layout::paper, 1};
  const auto a = otv::initial_model<double>(shape, 3, 0.05, 9);
  auto b = a;
  std::swap(b.weights[1][0], b.weights[1][1]);
  CHECK(otv::q_distance(a, a).relative == 0);
  CHECK(otv::q_distance(b, a).relative == 0);
  CHECK(otv::q_distance(b, a).swapped[1]);
  const auto c = otv::initial_model<double>(shape, 3, 0.05, 10);
  CHECK(otv::q_distance(c, a).relative > 0.5);  // independent Gaussian draws
}

TEST_CASE("training lowers the loss and is deterministic given the seed, for both prompts and scalars", "[training]") {
  auto run = []<class Real>(PromptKind kind, std::uint64_t seed) {
    const PromptShape shape{kind, Layout::paper, 1};
    auto model = otv::initial_model<Real>(shape, 3, Real(1) / Real(20), seed);
    auto adam = otv::adam_start<Real>(model.parameters());
    const auto data = otv::draw_samples<Real>(DataSetting::paper, 4, 16, seed, 0);
    const Real first = otv::loss_and_gradient<Real>(model, data, nullptr);
    for (int k = 0; k < 40; ++k) otv::training_step<Real>(model, adam, otv::AdamSettings{1e-2}, data);
    return std::pair{first, otv::loss_and_gradient<Real>(model, data, nullptr)};
  };
  for (PromptKind kind : {PromptKind::engineered, PromptKind::plain}) {
    const auto [d0, d1] = run.operator()<double>(kind, 1);
    const auto [e0, e1] = run.operator()<double>(kind, 1);
    const auto [f0, f1] = run.operator()<float>(kind, 1);
    INFO(otv::to_string(kind) << ": double " << d0 << " -> " << d1 << ", float " << f0 << " -> " << f1);
    CHECK(d1 < d0);
    CHECK(f1 < f0);
    CHECK(d1 == e1);  // bitwise reproducible
  }
}

// Held-out instances and the sorting verdict (docs/training.md "Held-out check").
TEST_CASE("paper data has sorted(x) = y on every sample, held-out grid instances never do and differ from the training draws",
          "[training][data][held-out]") {
  for (const auto& s : otv::draw_samples<double>(DataSetting::paper, 7, 50, 1, 0)) CHECK(otv::sorted_x_is_y(s));
  const auto train = otv::draw_samples<double>(DataSetting::grid, 7, 50, 1, 0);
  const auto held = otv::held_out_samples<double>(7, 50, 1, false);
  bool differs = false;
  for (std::size_t k = 0; k < held.size(); ++k) {
    CHECK_FALSE(otv::sorted_x_is_y(held[k]));
    differs |= held[k].instance.x != train[k].instance.x;
  }
  CHECK(differs);
  for (const auto& s : otv::held_out_samples<double>(5, 20, 2, true)) {  // random u, v in [0, 1)
    REQUIRE(s.uv.rows() == 5);
    CHECK(s.uv.minCoeff() >= 0);
    CHECK(s.uv.maxCoeff() < 1);
  }
}

TEST_CASE("sorting verdict on planted predictions: sorted x sorts, y copies, the mean, blends and 1/5 of the baseline do not",
          "[training][held-out][verdict]") {
  const auto held = otv::held_out_samples<double>(7, 100, 3, false);
  auto planted = [&](auto f) {
    std::vector<otv::Vector<double>> p;
    for (const auto& s : held) p.push_back(f(s));
    return otv::score_sorting<double>(p, held);
  };
  const auto exact = planted([](const auto& s) { return otv::Vector<double>(s.sorted_x); });
  CHECK(exact.sorts());
  CHECK(exact.mse_sorted == 0);
  const auto copy = planted([](const auto& s) { return otv::Vector<double>(s.instance.y.col(0)); });
  CHECK_FALSE(copy.sorts());
  CHECK(copy.copies_y());
  CHECK(copy.mse_to_y == 0);
  CHECK(copy.mse_sorted == copy.copy_y_baseline);
  const auto mean = planted([](const auto& s) { return otv::Vector<double>::Constant(7, s.instance.x.mean()); });
  CHECK_FALSE(mean.sorts());
  CHECK(mean.mse_sorted == Approx(mean.mean_baseline).epsilon(1e-12));
  const auto blend = planted([](const auto& s) { return otv::Vector<double>(0.5 * (s.sorted_x + s.instance.y.col(0))); });
  CHECK_FALSE(blend.sorts());  // 1/4 of the copy-y baseline, and 1/4 of it from y
  CHECK_FALSE(blend.copies_y());
  const auto near_y = planted([](const auto& s) { return otv::Vector<double>(0.8 * s.instance.y.col(0) + 0.2 * s.sorted_x); });
  CHECK(near_y.copies_y());  // 1/25 of the copy-y baseline from y
  // Sorted x shifted by a constant e: mse e^2. Sorts iff 10 e^2 <= min(baselines).
  const double b = std::min(copy.copy_y_baseline, mean.mean_baseline);
  for (const auto& [factor, sorts] : {std::pair{20.0, true}, std::pair{5.0, false}}) {
    const double e = std::sqrt(b / factor);
    const auto near = planted([&](const auto& s) { return otv::Vector<double>(s.sorted_x.array() + e); });
    CHECK(near.mse_sorted == Approx(b / factor).epsilon(1e-9));
    CHECK(near.sorts() == sorts);
  }
  CHECK(std::string(copy.verdict()) == "copies y (does not sort)");
  CHECK(std::string(exact.verdict()) == "sorts");
  CHECK(std::string(mean.verdict()) == "does not sort");
}

// A one-layer transformer that copies y into the output column: head 1 scores
// s_ij = c (2 y_i y_j - |y_j|^2) = c |y_i|^2 - c (y_i - y_j)^2, so row i selects
// token i (the next token is e^{-c/n^2} behind, the sink e^{-c |y_i|^2}); w_v B
// maps y to the output column. On the paper's data its training loss is zero:
// the loss there cannot tell copying from sorting. The held-out check can.
TEST_CASE("planted model that copies y: zero loss on paper data, scored as copying y (not sorting) on held-out instances",
          "[training][held-out][verdict]") {
  const int n = 7;
  const PromptShape shape{PromptKind::engineered, Layout::paper, 1};
  const otv::ColumnMap c = shape.columns();
  const double mixing = 0.05, strength = 1000.0 * n * n;
  otv::TrainableModel<double> copy{shape, mixing, {}, false};
  const otv::Matrix<double> zero = otv::Matrix<double>::Zero(c.width, c.width);
  otv::HeadWeights<double> h{zero, zero};
  h.Q(c.y[0], c.y[0]) = 2 * strength;
  h.Q(c.one_a, c.y2) = -strength;
  h.w_v(c.y[0], c.out) = 1 / mixing;
  copy.weights.push_back({h, {zero, zero}});
  CHECK(otv::loss_and_gradient<double>(copy, otv::draw_samples<double>(DataSetting::paper, n, 20, 1, 0), nullptr) < 1e-28);
  const auto held = otv::held_out_samples<double>(n, 100, 1, false);
  const otv::SortingScore sc = otv::score_sorting<double>(copy, held);
  CHECK(sc.mse_to_y < 1e-28);
  CHECK_FALSE(sc.sorts());
  CHECK(sc.copies_y());
  CHECK(sc.mse_sorted == Approx(sc.copy_y_baseline).epsilon(1e-9));
}
