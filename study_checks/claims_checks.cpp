// The claims table (src/study/claims.hpp): ids unique, every claim placed in a
// report section, and what would overturn each decided claim stated.
#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <string>

#include "study/claims.hpp"

TEST_CASE("claims table: unique ids, a known evidence section and a plan for every claim", "[claims]") {
  const std::set<std::string> sections{"theorem1", "sink", "theorem2", "rates", "sorting", "breakdown", "hilbert", "ablation"};
  std::set<std::string> ids;
  for (const auto& c : otv::study::paper_claims()) {
    CAPTURE(std::string(c.id));
    CHECK(ids.insert(std::string(c.id)).second);
    CHECK(sections.count(std::string(c.evidence)) == 1);
    CHECK_FALSE(c.plan.empty());
    // Only the sorting examples' text is formatted per case.
    CHECK(c.text.empty() == (c.id.substr(0, 8) == "sorting-"));
  }
  CHECK(ids.size() == 14);
  // Every claim the report decides names what would overturn it, except the rate
  // (no evidence either way) and the sorting examples (stated in their reasons).
  for (const char* id : {"theorem1-paper", "theorem1-corrected", "proof-sink", "theorem2-bound", "small-lambda", "prompt-engineering"})
    CHECK_FALSE(otv::study::claim(id).overturned_by.empty());
  CHECK(otv::study::claim("rate").overturned_by.empty());
  CHECK_THROWS_AS(otv::study::claim("theorem3"), std::out_of_range);
  CHECK(otv::study::sorting_claim_text("4", "0.5,0.75,0.25,0", "0.018,0.24,0.50,0.73") ==
        "Sorting example printed in Sec. 6 (n = 4): 0.5,0.75,0.25,0 -> 0.018,0.24,0.50,0.73");
}
