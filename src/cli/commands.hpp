#pragma once
// The otverify commands, one template per command, instantiated once per scalar
// type in src/cli/instances/.
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> nlohmann::json run_command(const RunOptions& o);

// Transformer vs adaptive GD on one instance (text form), in one scalar type.
template <class Real> nlohmann::json theorem1_command(const RunOptions& o, const InstanceText& inst);

// Sinkhorn's optimal scaling (log w*, log q*) in one scalar type, as decimal strings,
// iterated until the marginal error is below 2^(-bits/2).
template <class Real> nlohmann::json optimal_scaling_command(const RunOptions& o, const InstanceText& inst);

// Theorem 2 on one instance: factors of every A^(k), distances to the reference
// scaling `reference` (from optimal_scaling_command), the bound and its precondition.
template <class Real> nlohmann::json theorem2_command(const RunOptions& o, const InstanceText& inst, const nlohmann::json& reference);

}  // namespace otv::cli
