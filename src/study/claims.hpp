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

// The paper's printed sorting examples (Sec. 6, "Validations"), as printed.
struct PrintedExample {
  const char* id;
  const char* x;
  const char* y_paper;  // y_i = (i - 1)/n, the grid of the printed sorted list
  const char* y_code;   // the released code's y_i = i - 1
  const char* printed_output;
};
inline constexpr PrintedExample kPrintedExamples[] = {
    {"n4", "0.5,0.75,0.25,0", "0,0.25,0.5,0.75", "0,1,2,3", "0.018,0.24,0.50,0.73"},
    {"n8", "0.375,0.5,0.125,0.875,0.75,0.25,0,0.625", "0,0.125,0.25,0.375,0.5,0.625,0.75,0.875", "0,1,2,3,4,5,6,7",
     "0.02,0.12,0.25,0.37,0.5,0.62,0.75,0.84"},
};

// Depth resolution of the printed-example scans (layers between readouts).
inline constexpr long long kSortingScanStep = 50;

// The constructions audited, in the report's order.
inline constexpr const char* kVariants[] = {"paper", "notebook", "corrected", "relu-reset"};


// The prompt-engineering claim (Sec. 6, Figure 4) decided on held-out instances
// (sorted(x) != y) at one n, from per-seed sorting verdicts and the bootstrap
// interval [ratio_lo, ratio_hi] of mean mse(plain) / mean mse(engineered):
//   holds   every engineered seed sorts and the interval lies above 1;
//   fails   the interval lies below 1 (the plain prompt is better);
//   caveat  otherwise (not separated, or better without sorting).
// Example: prompt_engineering_verdict({true, true, true}, 3.0, 50.0) == ClaimVerdict::holds
enum class ClaimVerdict { holds, caveat, fails };

ClaimVerdict prompt_engineering_verdict(const std::vector<bool>& engineered_sorts, double ratio_lo, double ratio_hi);

// The text of a printed sorting example's claim: "Sorting example printed in Sec. 6 (n = N): x -> output".
std::string sorting_claim_text(std::string_view n, std::string_view x, std::string_view printed_output);

}  // namespace otv::study
