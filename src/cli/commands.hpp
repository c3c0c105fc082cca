#pragma once
// The otverify commands, one template per command, instantiated once per scalar
// type in src/cli/instances/.
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> nlohmann::json run_command(const RunOptions& o);

}  // namespace otv::cli
