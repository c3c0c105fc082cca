#pragma once
// Breakdown result files (JSON lines, one cell per line): reading and the
// schema that merge, --resume and the threshold table rely on.
#include <nlohmann/json.hpp>

#include <istream>
#include <string>
#include <vector>

namespace otv::cli {

// A metric of a cell; JSON has no Inf/NaN, so non-finite metrics are written as
// null and read back as +Inf.
double metric(const nlohmann::json& cell, const char* name);

// The curve a cell belongs to: n, scalar, softmax, seed, variant, layers,
// generator and gamma ratio.
std::string curve_key(const nlohmann::json& cell);

// Parses JSON-lines result text; every line must be an object with every field
// the consumers read, of the right type. A malformed line is an InputError
// naming `source` and the line number.
std::vector<nlohmann::json> parse_results(std::istream& in, const std::string& source);

// parse_results on a file.
std::vector<nlohmann::json> read_results(const std::string& path);

}  // namespace otv::cli
