#pragma once
// Running RapidCheck under Catch2 without losing results: rc::check's bool is
// ignored by Catch and no reproduce string is printed under Catch, so properties
// run through run_property, which fixes and logs the seed, reports how many cases
// ran, and returns the result (with the shrunk counterexample) for assertions.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

namespace otv::test {

// Seed: OTV_RC_SEED if set, else a fixed default so CI runs are reproducible.
inline std::uint64_t property_seed() {
  const char* s = std::getenv("OTV_RC_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 20261123ULL;
}

template <class Testable>
rc::detail::TestResult run_property(const std::string& name, int cases, Testable&& testable) {
  rc::detail::TestMetadata meta;
  meta.id = meta.description = name;
  rc::detail::TestParams params;
  params.seed = property_seed();
  params.maxSuccess = cases;
  params.maxSize = 100;
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), meta, params);
  std::cout << "property '" << name << "' (seed " << params.seed << "): ";
  rc::detail::printResultMessage(result, std::cout);
  std::cout << "\n";
  return result;
}

// The property must hold: FAIL with RapidCheck's message (and the shrunk case) otherwise.
template <class Testable> void require_property(const std::string& name, int cases, Testable&& testable) {
  const auto result = run_property(name, cases, std::forward<Testable>(testable));
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream ss;
    rc::detail::printResultMessage(result, ss);
    FAIL(name << ": " << ss.str());
  }
  INFO(name << ": " << result.template get<rc::detail::SuccessResult>().numSuccess << " cases");
  CHECK(result.template get<rc::detail::SuccessResult>().numSuccess == cases);
}

// The property must fail (a finding): returns the shrunk counterexample.
template <class Testable> rc::detail::FailureResult require_failure(const std::string& name, int cases, Testable&& testable) {
  const auto result = run_property(name, cases, std::forward<Testable>(testable));
  REQUIRE(result.template is<rc::detail::FailureResult>());
  return result.template get<rc::detail::FailureResult>();
}

}  // namespace otv::test
