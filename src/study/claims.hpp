#pragma once
// The paper's claims that otverify audits, as data: each with the statement the
// report shows, the report section holding its evidence, how it is checked (the
// audit steps) and what would overturn a decided verdict. The report's verdict rows
// (otverify report) are keyed by these ids.
#include <string>
#include <string_view>
#include <vector>

namespace otv::study {

struct Claim {
  std::string_view id;             // e.g. "theorem1-paper"
  std::string_view text;           // the claim as stated (LaTeX), "" where formatted per case (sorting-*)
  std::string_view evidence;       // the report section: theorem1, sink, theorem2, rates, sorting, breakdown, hilbert, ablation
  std::string_view plan;           // how otverify checks it
  std::string_view overturned_by;  // what would overturn a decided verdict ("" : stated in the reason itself)
};

// Every audited claim, in the report's order.
const std::vector<Claim>& paper_claims();

// The claim with this id; throws std::out_of_range for an unknown id.
const Claim& claim(std::string_view id);

// The text of a printed sorting example's claim: "Sorting example printed in Sec. 6 (n = N): x -> output".
std::string sorting_claim_text(std::string_view n, std::string_view x, std::string_view printed_output);

}  // namespace otv::study
