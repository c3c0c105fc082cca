#pragma once
// The model commands theorem1 and theorem2 (run is study/forward_run.hpp), one class template instantiated
// once per scalar type in its own translation unit (see src/cli/instantiate.cpp.in).
#include <nlohmann/json.hpp>

#include "cli/options.hpp"

namespace otv::cli {

template <class Real> struct ModelCommands {
  // Transformer vs adaptive GD on one instance (text form), in one scalar type.
  static nlohmann::json theorem1(const RunOptions& o, const InstanceText& inst);

  // Theorem 2 on one instance: factors of every A^(k), distances to the reference
  // scaling `reference` ({"log_w", "log_q"} of entropic_reference), the bound and its precondition.
  static nlohmann::json theorem2(const RunOptions& o, const InstanceText& inst, const nlohmann::json& reference);
};

}  // namespace otv::cli
