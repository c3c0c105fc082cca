// The claims table (src/study/claims.hpp): ids unique, every claim placed in a
// report section, what would overturn each decided claim stated; and the
// prompt-engineering verdict on planted cases.
#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <string>

#include "study/claims.hpp"

TEST_CASE("claims table: unique ids, a known evidence section and a plan for every claim", "[claims]") {
  const std::set<std::string> sections{"theorem1", "sink", "theorem2", "rates", "sorting", "breakdown", "hilbert", "ablation"};
  std::set<std::string> ids, used;
  for (const auto& c : otv::study::paper_claims()) {
    CAPTURE(std::string(c.id));
    CHECK(ids.insert(std::string(c.id)).second);
    CHECK(sections.count(std::string(c.evidence)) == 1);
    used.insert(std::string(c.evidence));
    CHECK_FALSE(c.plan.empty());
    // Only the sorting examples' text is formatted per case.
    CHECK(c.text.empty() == (c.id.substr(0, 8) == "sorting-"));
  }
  CHECK(ids.size() == 14);
  CHECK(used == sections);  // every section of the report holds some claim's evidence
  // Every claim the report decides names what would overturn it, except the rate
  // (no evidence either way) and the sorting examples (stated in their reasons).
  for (const char* id : {"theorem1-paper", "theorem1-corrected", "proof-sink", "theorem2-bound", "small-lambda", "prompt-engineering"})
    CHECK_FALSE(otv::study::claim(id).overturned_by.empty());
  CHECK(otv::study::claim("rate").overturned_by.empty());
  CHECK_THROWS_AS(otv::study::claim("theorem3"), std::out_of_range);
  CHECK(otv::study::sorting_claim_text("4", "0.5,0.75,0.25,0", "0.018,0.24,0.50,0.73") ==
        "Sorting example printed in Sec. 6 (n = 4): 0.5,0.75,0.25,0 -> 0.018,0.24,0.50,0.73");
}

TEST_CASE("prompt-engineering verdict on planted cases", "[claims][training]") {
  using otv::study::ClaimVerdict;
  CHECK(otv::study::prompt_engineering_verdict({true, true, true}, 3.0, 50.0) == ClaimVerdict::holds);
  CHECK(otv::study::prompt_engineering_verdict({true, false, true}, 3.0, 50.0) == ClaimVerdict::caveat);  // one seed does not sort
  CHECK(otv::study::prompt_engineering_verdict({false, false}, 3.0, 50.0) == ClaimVerdict::caveat);       // better, but no sorting
  CHECK(otv::study::prompt_engineering_verdict({true, true}, 0.8, 4.0) == ClaimVerdict::caveat);          // not separated
  CHECK(otv::study::prompt_engineering_verdict({true, true}, 1.0, 4.0) == ClaimVerdict::caveat);          // lower end exactly 1
  CHECK(otv::study::prompt_engineering_verdict({true, true}, 0.2, 0.9) == ClaimVerdict::fails);           // plain wins
  CHECK(otv::study::prompt_engineering_verdict({}, 3.0, 50.0) == ClaimVerdict::caveat);
}
