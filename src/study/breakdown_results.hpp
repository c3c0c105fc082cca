#pragma once
// Breakdown result lines (JSON lines, one cell per line): the schema that merge,
// --resume, the threshold table and the causes rely on, checked on reading, and
// the two readings of a line every consumer shares (a metric, the curve).
#include <nlohmann/json.hpp>

#include <istream>
#include <string>
#include <vector>

namespace otv::study {

// A metric of a cell; JSON has no Inf/NaN, so non-finite metrics are written as
// "inf"/"nan" (or null, in older files) and read back as +Inf.
double metric(const nlohmann::json& cell, const char* name);

// The curve a cell belongs to: n, scalar, softmax, seed, variant, layers,
// generator and gamma ratio.
std::string curve_key(const nlohmann::json& cell);

// Parses JSON-lines result text; every line must be an object with every field
// the consumers read, of the right type. A malformed line is an InputError
// naming `source` and the line number.
std::vector<nlohmann::json> parse_results(std::istream& in, const std::string& source);

}  // namespace otv::study
