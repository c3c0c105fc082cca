// The threshold search and the rounding law's fit (src/study/threshold_search.hpp,
// src/study/threshold_law.hpp) on planted cases with known answers.
#include <catch2/catch.hpp>

#include <cmath>

#include "study/safe_lambda.hpp"
#include "study/threshold_law.hpp"
#include "study/threshold_search.hpp"

using namespace otv::study;

namespace {

// Runs the search against a planted failure predicate; returns the last step and the probes.
template <class Fails> SearchStep run_search(const ThresholdSearchSpec& spec, Fails fails, std::vector<Probe>& probes) {
  for (int k = 0; k < 200; ++k) {
    const SearchStep s = next_probe(probes, spec);
    if (s.status != SearchStatus::probing) return s;
    probes.push_back({*s.next, fails(*s.next)});
  }
  FAIL("search did not terminate");
  return {};
}

}  // namespace

TEST_CASE("threshold search: a planted step is bracketed within the resolution", "[threshold-search]") {
  const ThresholdSearchSpec spec{1, 1e-300, 1.05};
  for (const double t : {0.3, 2.5e-5, 3.7e-15, 1e-70, 4.4e-200}) {
    std::vector<Probe> probes;
    const SearchStep s = run_search(spec, [&](double l) { return l <= t; }, probes);
    CHECK(s.status == SearchStatus::bracketed);
    CHECK(*s.lambda_star <= t);
    CHECK(*s.passes_at > t);
    CHECK(*s.passes_at / *s.lambda_star <= 1.05);
    // Galloping then bisection: about log2(decades) + log2(decades ln 10 / ln 1.05) probes.
    const double decades = std::max(1.0, -std::log10(t));
    CHECK(probes.size() <= 4 + 2 * std::log2(decades) + std::log2(decades * std::log(10.0) / std::log(1.05)));
  }
}

TEST_CASE("threshold search: the first decades are probed one by one", "[threshold-search]") {
  std::vector<Probe> probes;
  run_search({1, 1e-300, 1.05}, [](double l) { return l <= 1e-300; }, probes);
  REQUIRE(probes.size() >= 5);
  CHECK(probes[0].lambda == 1);
  CHECK(probes[1].lambda == Approx(0.1));
  CHECK(probes[2].lambda == Approx(0.01));
  CHECK(probes[3].lambda == Approx(1e-4));
  CHECK(probes[4].lambda == Approx(1e-8));
}

TEST_CASE("threshold search: a threshold at the floor, none above it, and failure at the start", "[threshold-search]") {
  std::vector<Probe> at_floor;
  const SearchStep f = run_search({1, 1e-20, 1.05}, [](double l) { return l <= 1e-20; }, at_floor);
  CHECK(f.status == SearchStatus::bracketed);
  CHECK(*f.lambda_star == 1e-20);
  std::vector<Probe> flat;
  const SearchStep n = run_search({1, 1e-20, 1.05}, [](double) { return false; }, flat);
  CHECK(n.status == SearchStatus::none_above_floor);
  CHECK(flat.back().lambda == 1e-20);
  CHECK(flat.size() <= 8);  // 1, 0.1, 0.01, 1e-4, 1e-8, 1e-16, the floor
  std::vector<Probe> start;
  const SearchStep s = run_search({1, 1e-20, 1.05}, [](double) { return true; }, start);
  CHECK(s.status == SearchStatus::fails_at_start);
  CHECK(start.size() == 1);
}

TEST_CASE("threshold search: resumes from any subset of its probes in any order", "[threshold-search]") {
  const double t = 6.1e-9;
  auto fails = [&](double l) { return l <= t; };
  std::vector<Probe> full;
  const SearchStep whole = run_search({1, 1e-300, 1.05}, fails, full);
  // A missing probe (a lost result line) and a shuffled order: the search re-probes and ends the same.
  std::vector<Probe> partial(full.rbegin(), full.rend());
  partial.erase(partial.begin() + 3);
  const SearchStep resumed = run_search({1, 1e-300, 1.05}, fails, partial);
  CHECK(resumed.status == SearchStatus::bracketed);
  CHECK(*resumed.lambda_star <= t);
  CHECK(*resumed.passes_at > t);
  CHECK(*resumed.passes_at / *resumed.lambda_star <= 1.05);
  CHECK(whole.status == SearchStatus::bracketed);
}

TEST_CASE("threshold search: the first failure scanning down decides a non-monotone curve", "[threshold-search]") {
  // Fails on [1e-9, 1e-7] (which the probe at 1e-8 hits) and below 1e-12: lambda* is the upper failure.
  std::vector<Probe> probes;
  const SearchStep s = run_search({1, 1e-300, 1.05}, [](double l) { return (l <= 1e-7 && l >= 1e-9) || l <= 1e-12; }, probes);
  CHECK(s.status == SearchStatus::bracketed);
  CHECK(*s.lambda_star <= 1e-7);
  CHECK(*s.passes_at > 1e-7);
  CHECK(*s.passes_at / *s.lambda_star <= 1.05);
  // A window between two probes is invisible: fails on [1e-6, 1e-5] only and below 1e-12.
  std::vector<Probe> missed;
  const SearchStep m = run_search({1, 1e-300, 1.05}, [](double l) { return (l <= 1e-5 && l >= 1e-6) || l <= 1e-12; }, missed);
  CHECK(*m.lambda_star <= 1e-12);
}

TEST_CASE("rounding law: an exact line is recovered with zero standard error", "[threshold-law]") {
  // lambda* = 0.5 u S / tol, S = 2, tol = 1e-2, over 30 decades of u.
  std::vector<ThresholdPoint> p;
  for (const double u : {6e-8, 1.1e-16, 5.4e-20, 9.6e-35, 1.5e-39, 8.6e-78}) p.push_back({u, 0.5 * u * 2 / 1e-2, 2, 1e-2});
  const auto law = fit_threshold_law(p);
  REQUIRE(law);
  CHECK(law->fit.slope == Approx(1).epsilon(1e-12));
  REQUIRE(law->fit.slope_stderr);
  CHECK(*law->fit.slope_stderr < 1e-12);
  CHECK(law->c_geometric_mean == Approx(0.5));
  CHECK(law->c_min == Approx(0.5));
  CHECK(law->c_max == Approx(0.5));
  CHECK(law->predict(1e-25) == Approx(0.5 * 1e-25 * 2 / 1e-2).epsilon(1e-9));
}

TEST_CASE("rounding law: constants spread within a factor stay within the E7 bounds", "[threshold-law]") {
  const std::vector<double> u{6e-8, 1.1e-16, 5.4e-20, 9.6e-35, 1.5e-39, 8.6e-78};
  const std::vector<double> c{3, 1.0 / 3, 3, 1.0 / 3, 1, 3};  // the extremes the bound allows
  std::vector<ThresholdPoint> p;
  for (std::size_t k = 0; k < u.size(); ++k) p.push_back({u[k], c[k] * u[k] * 2 / 1e-2, 2, 1e-2});
  const auto law = fit_threshold_law(p);
  REQUIRE(law);
  const LawBounds b = law_bounds(u, 1.0 / 3, 3);
  CHECK(law->fit.slope >= b.slope_low);
  CHECK(law->fit.slope <= b.slope_high);
  CHECK(law->c_min >= b.c_low * (1 - 1e-12));
  CHECK(law->c_max <= b.c_high * (1 + 1e-12));
  CHECK(*law->fit.slope_stderr > 0);
  // A threshold off the law by a factor 10 at one end breaks the slope bound.
  p.back().lambda_star *= 1e3;
  CHECK(fit_threshold_law(p)->fit.slope < law_bounds(u, 1.0 / 3, 3).slope_low);
}

TEST_CASE("rounding law: too few points", "[threshold-law]") {
  CHECK_FALSE(fit_threshold_law({}));
  CHECK_FALSE(fit_threshold_law({{1e-16, 1e-14, 2, 1e-2}}));
  CHECK_FALSE(fit_threshold_law({{1e-16, 1e-14, 2, 1e-2}, {1e-16, 2e-14, 2, 1e-2}}));  // one distinct u
  const auto two = fit_threshold_law({{1e-16, 1e-14, 2, 1e-2}, {1e-32, 1e-30, 2, 1e-2}});
  REQUIRE(two);
  CHECK(two->fit.slope == Approx(1));
  CHECK_FALSE(two->fit.slope_stderr);  // no residual degrees of freedom
}

TEST_CASE("safe lambda: the law's prediction times the margin, and the confirmation rule", "[safe-lambda]") {
  // float at n = 16 (c = 1.67, u = 2^-24, S = 2, tol = 1e-2): predicted 1.99e-5.
  const SafeLambdaAdvice a = advise_safe_lambda(1.67, std::ldexp(1.0, -24), 2, 1e-2);
  CHECK(a.predicted_threshold == Approx(1.67 * std::ldexp(1.0, -24) * 2 / 1e-2));
  CHECK(a.advised_lambda == Approx(2 * a.predicted_threshold));
  CHECK(advise_safe_lambda(1, 1e-16, 2, 1e-2, 3).advised_lambda == Approx(6e-14));
  CHECK(advice_confirmed(true, true));
  CHECK_FALSE(advice_confirmed(false, true));
  CHECK_FALSE(advice_confirmed(true, false));
  CHECK(advice_reason(true, true).rfind("confirmed", 0) == 0);
  CHECK(advice_reason(false, true).rfind("not confirmed", 0) == 0);
  CHECK(advice_reason(true, false).rfind("not confirmed", 0) == 0);
}
