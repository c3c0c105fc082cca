// Theorem 2's rate analysis (src/study/theorem2_rates.hpp) on planted decays.
#include <catch2/catch.hpp>

#include <cmath>

#include "otv/error.hpp"
#include "study/theorem2_rates.hpp"

namespace {

// An instance whose distance after layer l is d(l), for l = 1..layers.
otv::study::RateInstance planted(const std::string& name, long long n, long long layers, auto d, double u = 1e-300) {
  otv::study::RateInstance r{name, name, n, 1.0 + double(n), 0.5, 3.0, u, {}, {}};
  for (long long l = 1; l <= layers; ++l) { r.layers.push_back(l); r.distance.push_back(d(double(l), double(n))); }
  return r;
}

}  // namespace

TEST_CASE("Theorem 2 rates: a planted geometric decay is geometric, a planted power law has one exponent in every window",
          "[theorem2][rates]") {
  std::vector<otv::study::RateInstance> runs;
  for (long long n : {2, 4, 8}) runs.push_back(planted("geometric n=" + std::to_string(n), n, 128, [](double l, double n) { return n * std::pow(0.97, l); }));
  const auto g = otv::study::analyse_rates(runs, {{"copy", "geometric n=2"}}, 128);
  CHECK(g.decays_fitted == 3);
  CHECK(g.geometric_preferred == 3);
  CHECK(g.fit.exponent_n == Approx(1).margin(1e-6));  // d proportional to n at every l
  CHECK(g.points.size() == 3 * 5);                     // l = 8, 16, 32, 64, 128
  CHECK(g.conclusion.find("3 distinct instances (1 relabelled duplicates run once)") == 0);
  CHECK(g.conclusion.find("the decay is geometric") != std::string::npos);

  std::vector<otv::study::RateInstance> power;
  for (long long n : {2, 4, 8}) power.push_back(planted("power n=" + std::to_string(n), n, 200, [](double l, double n) { return std::pow(n, 1.5) / std::sqrt(l); }));
  const auto p = otv::study::analyse_rates(power, {}, 200);
  CHECK(p.geometric_preferred == 0);
  CHECK(p.fit.exponent_l == Approx(-0.5).margin(1e-9));
  CHECK(p.fit.exponent_n == Approx(1.5).margin(1e-9));
  REQUIRE(p.window_exponent_medians.size() == 2);  // [8, 32] and [32, 128]; [128, 512] runs past the grid's end (l = 200)
  for (const auto& [w, e] : p.window_exponent_medians) CHECK(e == Approx(-0.5).margin(1e-9));
  CHECK(p.conclusion.find("the decay is geometric") == std::string::npos);
}

TEST_CASE("Theorem 2 rates: points at the rounding floor are not fitted, and too few points are an input error", "[theorem2][rates]") {
  // The distance 10^-0.3l falls below 1e3 u = 1e-13 after l = 43: later layers measure rounding.
  const double u = 1e-16;
  std::vector<otv::study::RateInstance> runs;
  for (long long n : {2, 4}) runs.push_back(planted("n" + std::to_string(n), n, 64, [](double l, double) { return std::pow(10.0, -0.3 * l); }, u));
  const auto t = otv::study::analyse_rates(runs, {}, 64);
  for (const auto& e : t.instances) CHECK(e.points == 43 - 8 + 1);  // l = 8..43
  for (const auto& p : t.points) CHECK(p.measured > 1e3 * u);
  // l_max = 16: two powers of two (8, 16) per instance, 4 points in all: enough; one instance is not.
  CHECK_THROWS_AS(otv::study::analyse_rates({runs[0]}, {}, 16), otv::InputError);
  const auto j = otv::study::to_json(t);
  CHECK(j["distinct_instances"] == 2);
  CHECK(j["instances"][0].contains("decay"));
  CHECK(j["data"].size() == t.points.size());
}
