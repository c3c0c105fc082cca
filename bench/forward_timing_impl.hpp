#pragma once
// Definitions of ForwardTiming; included only by the generated instantiation units.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "cli/app_support.hpp"
#include "forward_timing.hpp"
#include "otv/construction.hpp"
#include "otv/prompt.hpp"

namespace otv::cli {

template <class Real> nlohmann::json ForwardTiming<Real>::run(const RunOptions& o, int repeats) {
  using T = ScalarTraits<Real>;
  const Instance<Real> inst = to_real<Real>(o.text);
  const Real lambda = parse_finite<Real>(o.lambda), gamma = parse_finite<Real>(o.gamma);
  const Construction<Real> con = make_construction<Real>(o.variant, static_cast<int>(inst.d()), lambda, gamma);
  const Transformer<Real> tf({con.layer}, o.softmax);
  const Matrix<Real> Z0 = make_prompt<Real>(inst, con.columns);
  const int layers = static_cast<int>(o.layers);

  // CPU time of the process (all threads): on a loaded machine it still measures
  // the work done, where wall time measures the share of the cores obtained.
  auto cpu_seconds = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  };
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
