// Gradient check of the training model: the hand-written backward pass
// (transformer_gradient.hpp) against central finite differences of the shared
// forward pass, in mpfr:256, on random small models (both prompts, both signs of B,
// both readouts: the output column and the released code's attention readout with
// random starting u, v).
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cmath>

#include "otv/training.hpp"
#include "property_helpers.hpp"

namespace {

using R = otv::mpfr_real;

struct GradientCase {
  int n, layers;
  bool engineered, notebook_layout, subtract, attention_readout;
  std::uint32_t seed;
};

void showValue(const GradientCase& c, std::ostream& os) {
  os << "n: " << c.n << ", layers: " << c.layers << ", prompt: " << (c.engineered ? "engineered" : "plain")
     << ", layout: " << (c.notebook_layout ? "notebook" : "paper") << ", B: " << (c.subtract ? "-0.1 I" : "I/20")
     << ", readout: " << (c.attention_readout ? "attention" : "output column") << ", seed: " << c.seed;
}

rc::Gen<GradientCase> gen_gradient_case() {
  return rc::gen::build<GradientCase>(
      rc::gen::set(&GradientCase::n, rc::gen::inRange(1, 5)), rc::gen::set(&GradientCase::layers, rc::gen::inRange(1, 4)),
      rc::gen::set(&GradientCase::engineered, rc::gen::arbitrary<bool>()),
      rc::gen::set(&GradientCase::notebook_layout, rc::gen::arbitrary<bool>()),
      rc::gen::set(&GradientCase::subtract, rc::gen::arbitrary<bool>()),
      rc::gen::set(&GradientCase::attention_readout, rc::gen::arbitrary<bool>()),
      rc::gen::set(&GradientCase::seed, rc::gen::arbitrary<std::uint32_t>()));
}

// Model with weights scaled up (x4) so that the softmax is far from uniform and
// every term of the backward pass matters.
otv::TrainableModel<R> random_model(const GradientCase& c) {
  otv::PromptShape shape{c.engineered ? otv::PromptKind::engineered : otv::PromptKind::plain,
                         c.notebook_layout ? otv::Layout::notebook : otv::Layout::paper, 1};
  const R mixing = c.subtract ? R("-0.1") : R(1) / R(20);
  // The attention readout needs a layer for its Q beyond the residual layers.
  auto m = otv::initial_model<R>(shape, c.layers + (c.attention_readout ? 1 : 0), mixing, c.seed);
  m.attention_readout = c.attention_readout;
  for (auto* p : m.parameters()) *p *= R(4);
  return m;
}

// Loss at weights + t * direction.
R loss_along(const otv::TrainableModel<R>& m, const otv::LayerWeights<R>& dir, const R& t,
             const std::vector<otv::Sample<R>>& data) {
  otv::TrainableModel<R> moved = m;
  for (std::size_t l = 0; l < dir.size(); ++l)
    for (std::size_t j = 0; j < dir[l].size(); ++j) {
      moved.weights[l][j].Q += t * dir[l][j].Q;
      moved.weights[l][j].w_v += t * dir[l][j].w_v;
    }
  return otv::loss_and_gradient<R>(moved, data, nullptr);
}

}  // namespace

TEST_CASE("training gradient: backward pass equals central finite differences in mpfr:256", "[training][property]") {
  otv::PrecisionScope scope(256);
  otv::test::require_property("backward vs central differences (mpfr:256)", 25, [] {
    const GradientCase c = *gen_gradient_case();
    const auto model = random_model(c);
    const auto data = otv::draw_samples<R>(otv::DataSetting::grid, c.n, 2, c.seed, 0, otv::Stream::training, c.attention_readout);
    auto grad = otv::zeros_like(model.weights);
    const R f0 = otv::loss_and_gradient<R>(model, data, &grad);
    // A random direction (every parameter at once) and its directional derivative.
    auto dir = otv::initial_model<R>(model.shape, model.layers(), model.mixing, c.seed + 1).weights;
    R analytic = 0, dir_norm2 = 0, grad_norm2 = 0;
    for (std::size_t l = 0; l < dir.size(); ++l)
      for (std::size_t j = 0; j < dir[l].size(); ++j) {
        analytic += (grad[l][j].Q.cwiseProduct(dir[l][j].Q)).sum() + (grad[l][j].w_v.cwiseProduct(dir[l][j].w_v)).sum();
        dir_norm2 += dir[l][j].Q.squaredNorm() + dir[l][j].w_v.squaredNorm();
        grad_norm2 += grad[l][j].Q.squaredNorm() + grad[l][j].w_v.squaredNorm();
      }
    // Central differences at h and 2h: fd(h) = g + c h^2 + O(h^4), so the
    // truncation error of fd(h) is |fd(2h) - fd(h)| / 3 to leading order; the
    // rounding error of fd(h) is at most about 2 u |f| / h (u = 2^-256, f
    // evaluated with relative error a small multiple of u). h = 2^-64 makes
    // both ~1e-38 relative: far below the expected 1e-30.
    const R h = ldexp(R(1), -64);
    const R fd_h = (loss_along(model, dir, h, data) - loss_along(model, dir, -h, data)) / (2 * h);
    const R fd_2h = (loss_along(model, dir, 2 * h, data) - loss_along(model, dir, -2 * h, data)) / (4 * h);
    const R u = otv::ScalarTraits<R>::unit_roundoff();
    const R truncation = abs(fd_2h - fd_h) / 3;
    const R rounding = 64 * u * abs(f0) / h;  // 64: headroom for the loss's accumulated rounding
    const R scale = sqrt(grad_norm2 * dir_norm2);  // |<g, d>| <= |g| |d|
    const R err = abs(fd_h - analytic);
    RC_LOG() << "f = " << f0.convert_to<double>() << ", <g,d> = " << analytic.convert_to<double>() << ", |fd - <g,d>| = "
             << err.convert_to<double>() << ", truncation " << truncation.convert_to<double>() << ", rounding "
             << rounding.convert_to<double>() << "\n";
    RC_ASSERT(scale > 0);
    RC_ASSERT(err <= 2 * truncation + rounding);
    RC_ASSERT(err <= R("1e-30") * scale);
  });
}
