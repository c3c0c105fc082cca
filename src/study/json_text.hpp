#pragma once
// A JSON value as text: strings unquoted, everything else dumped (a step's numbers
// and names as the report's reasons quote them).
#include <nlohmann/json.hpp>

#include <string>

namespace otv::study {

inline std::string text_of(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace otv::study
