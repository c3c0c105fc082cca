#pragma once
// Google Benchmark cases for one scalar type (registered from a generated
// translation unit per type, bench/register_scalar.cpp.in):
//   forward/<type>/n     one layer of the generic forward pass (the paper's
//                        construction, both heads), with exp/s and dense-equivalent flop/s;
//   exp/<type>/n         exp alone on (n+1) score-like arguments (the limit for exp/s);
//   gemm/<type>/n        Eigen's product of the shape of Z Q Z^T, (n+1) x d' times d' x (n+1);
//   gd/<type>/n          one step of the reference adaptive GD (eq. 4);
//   sinkhorn/<type>/n    one iteration of the reference log-domain Sinkhorn.
#include <benchmark/benchmark.h>

#include <optional>
#include <string>
#include <vector>

#include "otv/adaptive_dual_gd.hpp"
#include "otv/construction.hpp"
#include "otv/prompt.hpp"
#include "otv/sinkhorn.hpp"

namespace otv::bench {

inline const std::vector<long> kSizes = {8, 32, 128, 512, 2048};
constexpr double kLambda = 0.1, kGamma = 0.05;  // the released code's setting (DESIGN.md §6)

// A scalar type at a precision (0: fixed), benchmarked for n up to max_n.
struct ScalarCase {
  std::string name;
  unsigned bits;
  long max_n;
};

// Holds the working precision of mpfr/mpfi for one benchmark (bits 0: none).
struct OptionalPrecision {
  explicit OptionalPrecision(unsigned bits) {
    if (bits) scope.emplace(bits);
  }
  std::optional<PrecisionScope> scope;
};

template <class Real> Instance<Real> bench_instance(long n) {
  return to_real<Real>(paper_instance(static_cast<std::size_t>(n), 1));
}

template <class Real> void forward_layer(benchmark::State& state, unsigned bits) {
  OptionalPrecision precision(bits);
  const long n = state.range(0);
  const auto con = make_construction<Real>(Variant::paper, 1, Real(kLambda), Real(kGamma));
  const Transformer<Real> tf({con.layer});
  Matrix<Real> Z = make_prompt<Real>(bench_instance<Real>(n), con.columns), next;
  int l = 0;
  for (auto _ : state) {
    tf.step_into(Z, next, l++);
    Z.swap(next);
  }
  const double rows = static_cast<double>(n + 1), width = con.columns.width;
  const double heads = static_cast<double>(con.layer.heads.size());
  // Dense-equivalent flops of one layer: per head Z Q, (Z Q) Z^T, Z (w_v B) and A (Z w_v B).
  const double flops = heads * 2.0 * (2.0 * rows * width * width + 2.0 * rows * rows * width);
  state.counters["exp/s"] = benchmark::Counter(heads * rows * rows, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Real> void exp_alone(benchmark::State& state, unsigned bits) {
  OptionalPrecision precision(bits);
  const long n = state.range(0);
  Vector<Real> arg(n + 1), out(n + 1), zero = Vector<Real>::Zero(n + 1);
  for (long i = 0; i <= n; ++i) arg(i) = Real(-50) * Real(i) / Real(n);  // softmax arguments lie in (-inf, 0]
  // The softmax's block exp (BlockExp: SLEEF's vector exp for float and double).
  for (auto _ : state) {
    out = arg;
    BlockExp<Real>::exp_of_differences(out.data(), zero.data(), n + 1);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["exp/s"] = benchmark::Counter(static_cast<double>(n + 1), benchmark::Counter::kIsIterationInvariantRate);
}

template <class Real> void gemm_of_scores_shape(benchmark::State& state, unsigned bits) {
  OptionalPrecision precision(bits);
  const long n = state.range(0);
  const auto con = make_construction<Real>(Variant::paper, 1, Real(kLambda), Real(kGamma));
  const Matrix<Real> Z = make_prompt<Real>(bench_instance<Real>(n), con.columns);
  const Matrix<Real> ZQ = Z * con.layer.heads[0].Q;
  Matrix<Real> S(n + 1, n + 1);
  for (auto _ : state) {
    S.noalias() = ZQ * Z.transpose();
    benchmark::DoNotOptimize(S.data());
  }
  const double rows = static_cast<double>(n + 1), width = con.columns.width;
  state.counters["flop/s"] = benchmark::Counter(2.0 * rows * rows * width, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Real> void gd_step(benchmark::State& state, unsigned bits) {
  OptionalPrecision precision(bits);
  const Matrix<Real> C = cost_matrix<Real>(bench_instance<Real>(state.range(0)));
  DualIterate<Real> it{Vector<Real>::Zero(C.rows()), Vector<Real>::Zero(C.rows())};
  for (auto _ : state) it = adaptive_dual_gd_step<Real>(C, it, Real(kLambda), Real(kGamma));
}

template <class Real> void sinkhorn_iteration(benchmark::State& state, unsigned bits) {
  OptionalPrecision precision(bits);
  const Matrix<Real> C = cost_matrix<Real>(bench_instance<Real>(state.range(0)));
  for (auto _ : state) {
    auto r = sinkhorn_log<Real>(C, Real(kLambda), Real(0), 1);
    benchmark::DoNotOptimize(r.plan.data());
  }
}

template <class Real> bool register_all(const std::vector<ScalarCase>& cases) {
  for (const ScalarCase& c : cases) {
    auto add = [&](const std::string& what, void (*fn)(benchmark::State&, unsigned)) {
      auto* b = benchmark::RegisterBenchmark((what + "/" + c.name).c_str(), fn, c.bits);
      for (long n : kSizes)
        if (n <= c.max_n) b->Arg(n);
      b->Unit(benchmark::kMicrosecond)->MinTime(0.2);
    };
    add("forward", &forward_layer<Real>);
    add("exp", &exp_alone<Real>);
    add("gemm", &gemm_of_scores_shape<Real>);
    add("gd", &gd_step<Real>);
    add("sinkhorn", &sinkhorn_iteration<Real>);
  }
  return true;
}

}  // namespace otv::bench
