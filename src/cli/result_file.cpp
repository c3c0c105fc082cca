#include "cli/result_file.hpp"

#include <sstream>

#include "cli/input_file.hpp"

namespace otv::cli {

std::vector<nlohmann::json> read_results(const std::string& path) {
  std::istringstream in(read_input_file(path, "result file", kMaxJsonBytes));
  return study::parse_results(in, path);
}

}  // namespace otv::cli
