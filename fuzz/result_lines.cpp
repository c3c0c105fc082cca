// Fuzzes the reader of breakdown result files (JSON lines; merge and --resume)
// and what merge and the threshold table then read from each accepted cell.
#include <sstream>

#include "study/breakdown_results.hpp"
#include "fuzz_target.hpp"

void fuzz_one(const std::string& text) {
  std::istringstream in(text);
  for (const auto& cell : otv::study::parse_results(in, "fuzz.jsonl")) {
    (void)cell.at("key").get<std::string>();
    (void)otv::study::curve_key(cell);
    (void)otv::study::metric(cell, "distance_to_optimal");
    if (cell.at("nan_entries").get<long long>() + cell.at("inf_entries").get<long long>() < 0) __builtin_trap();
  }
}
