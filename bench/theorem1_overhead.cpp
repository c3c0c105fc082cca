// Cost of the Theorem 1 check against the transformer run alone:
// n = 64, 200 layers, double, the paper's construction.
#include <benchmark/benchmark.h>

#include "otv/theorem1.hpp"

namespace {

otv::Instance<double> instance() { return otv::to_real<double>(otv::uniform_instance(64, 1, 7)); }

void BM_transformer_alone(benchmark::State& state) {
  const auto inst = instance();
  const auto con = otv::make_construction<double>(otv::Variant::paper, 1, 0.005, 0.01);
  const otv::Transformer<double> tf({con.layer});
  for (auto _ : state) {
    auto Z = tf.forward(otv::make_prompt<double>(inst, con.columns), 200);
    benchmark::DoNotOptimize(Z.data());
  }
}

void BM_theorem1_check(benchmark::State& state) {
  const auto inst = instance();
  for (auto _ : state) {
    auto trace = otv::compare_with_gd<double>(inst, otv::Variant::paper, 0.005, 0.01, 200);
    benchmark::DoNotOptimize(trace.layers.data());
  }
}

}  // namespace

BENCHMARK(BM_transformer_alone)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_theorem1_check)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
