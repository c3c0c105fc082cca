#pragma once
// Definitions of ForwardTiming; included only by the generated instantiation units.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

#include "cli/app_support.hpp"
#include "forward_timing.hpp"
#include "otv/block_exp.hpp"
#include "otv/construction.hpp"
#include "otv/prompt.hpp"

namespace otv::cli {

namespace {
// CPU time of the process (all threads): on a loaded machine it still measures
// the work done, where wall time measures the share of the cores obtained.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The exp limit: arguments per CPU second of the exp the pass calls (float and
// double: BlockExp<Real>::exp_in_place; other types: exp_of_differences, whose
// subtractions of zero are negligible next to their exp), on slices of 2048 softmax arguments in [-30, 0] (L1-resident, as in
// the fused kernel), best of 5 runs of at least 0.1 s each.
template <class Real> double standalone_exp_rate() {
  std::vector<Real> args(2048), work(args.size()), zero(args.size(), Real(0));
  for (std::size_t i = 0; i < args.size(); ++i) args[i] = Real(-30.0 * static_cast<double>(i) / static_cast<double>(args.size()));
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    long long calls = 0;
    double elapsed = 0;
    const double start = cpu_seconds();
    while (elapsed < 0.1) {
      for (int k = 0; k < 16; ++k, ++calls) {
        std::copy(args.begin(), args.end(), work.begin());
        const auto m = static_cast<std::ptrdiff_t>(work.size());
        if constexpr (requires { BlockExp<Real>::exp_in_place(work.data(), m); })
          run_on_vector_unit<Real>([&] { BlockExp<Real>::exp_in_place(work.data(), m); });
        else
          BlockExp<Real>::exp_of_differences(work.data(), zero.data(), m);
      }
      elapsed = cpu_seconds() - start;
    }
    best = std::max(best, static_cast<double>(calls) * static_cast<double>(args.size()) / elapsed);
  }
  return best;
}
}  // namespace

template <class Real> nlohmann::json ForwardTiming<Real>::run(const RunOptions& o, int repeats) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(o.text);
  const Real lambda = parse_finite<Real>(o.lambda), gamma = parse_finite<Real>(o.gamma);
  const Construction<Real> con = make_construction<Real>(o.variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, o.softmax);
  const Matrix<Real> Z0 = make_prompt<Real>(inst, con.columns);
  const int layers = static_cast<int>(o.layers);

  Matrix<Real> Z;
  double best = std::numeric_limits<double>::infinity(), best_cpu = best;
  nlohmann::json all = nlohmann::json::array();
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    Z = tf.forward(Z0, layers);
    const double per_layer = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / layers;
    best_cpu = std::min(best_cpu, (cpu_seconds() - cpu_start) / layers);
    all.push_back(per_layer);
    if (per_layer < best) best = per_layer;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  nlohmann::json j;
  j["scalar"] = T::name();
  j["kernels"] = kernel_provenance();
  j["precision_bits"] = T::bits();
  j["n"] = inst.n();
  j["layers"] = layers;
  j["seconds_per_layer"] = best;
  j["seconds_per_layer_all"] = all;
  j["cpu_seconds_per_layer"] = best_cpu;
  j["peak_rss_kib"] = usage.ru_maxrss;  // Linux reports kibibytes
  // One exp per entry of each head's (n+1) x (n+1) softmax (eq. 5).
  const double exps_per_layer = static_cast<double>(con.layer.heads.size()) * static_cast<double>(Z0.rows()) * static_cast<double>(Z0.rows());
  j["exps_per_layer"] = exps_per_layer;
  j["exp_per_cpu_second_in_pass"] = exps_per_layer / best_cpu;
  j["exp_per_cpu_second_standalone"] = standalone_exp_rate<Real>();
  nlohmann::json u = nlohmann::json::array(), v = nlohmann::json::array();
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    u.push_back(T::to_string(Z(i, con.columns.u)));
    v.push_back(T::to_string(Z(i, con.columns.v)));
  }
  j["u"] = u;
  j["v"] = v;
  return j;
}

}  // namespace otv::cli
