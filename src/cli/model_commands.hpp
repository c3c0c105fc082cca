#pragma once
// The model commands (run, theorem1, theorem2), one class template instantiated
// once per scalar type in its own translation unit (see src/cli/instantiate.cpp.in).
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> struct ModelCommands {
  static nlohmann::json run(const RunOptions& o);

  // Transformer vs adaptive GD on one instance (text form), in one scalar type.
  static nlohmann::json theorem1(const RunOptions& o, const InstanceText& inst);

  // Sinkhorn's optimal scaling (log w*, log q*) in one scalar type, as decimal strings,
  // iterated until the marginal error is below 2^(-bits/2).
  static nlohmann::json optimal_scaling(const RunOptions& o, const InstanceText& inst);

  // Theorem 2 on one instance: factors of every A^(k), distances to the reference
  // scaling `reference` (from optimal_scaling), the bound and its precondition.
  static nlohmann::json theorem2(const RunOptions& o, const InstanceText& inst, const nlohmann::json& reference);
};

}  // namespace otv::cli
