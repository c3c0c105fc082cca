#pragma once
// The otverify commands, one template per command, instantiated once per scalar
// type in src/cli/instances/.
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> nlohmann::json run_command(const RunOptions& o);

// Transformer vs adaptive GD on one instance (text form), in one scalar type.
template <class Real> nlohmann::json theorem1_command(const RunOptions& o, const InstanceText& inst);

}  // namespace otv::cli
