// One training iteration at the paper's scale (Sec. 6): n = 7, 20 layers,
// 500 samples, double and float: forward pass, hand-written backward pass and
// one Adam update. 10^4 iterations take 10^4 times this (README).
#include <benchmark/benchmark.h>

#include "otv/training.hpp"

namespace {

template <class Real> void BM_train_iteration(benchmark::State& state) {
  const otv::PromptShape shape{state.range(0) ? otv::PromptKind::engineered : otv::PromptKind::plain, otv::Layout::paper, 1};
  auto model = otv::initial_model<Real>(shape, 20, Real(1) / Real(20), 1);
  auto adam = otv::adam_start<Real>(model.parameters());
  const auto data = otv::draw_samples<Real>(otv::DataSetting::paper, 7, 500, 1, 0);
  for (auto _ : state) {
    const Real loss = otv::training_step<Real>(model, adam, otv::AdamSettings{}, data);
    benchmark::DoNotOptimize(loss);
  }
}

BENCHMARK_TEMPLATE(BM_train_iteration, double)->Arg(1)->Arg(0)->ArgName("engineered")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_train_iteration, float)->Arg(1)->ArgName("engineered")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
