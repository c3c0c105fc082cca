#pragma once
// Breakdown result files (JSON lines, one cell per line), read with the input-file
// bound; the schema and its check are the study layer's (study/breakdown_results.hpp).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "study/breakdown_results.hpp"

namespace otv::cli {

// study::parse_results on a file.
std::vector<nlohmann::json> read_results(const std::string& path);

}  // namespace otv::cli
