// Explicit instantiation of every command for one scalar type (one TU per type
// keeps the multiprecision templates from being compiled in every file).
#include "cli/commands_impl.hpp"

template nlohmann::json otv::cli::run_command<otv::bin_float_100>(const otv::cli::RunOptions&);
template nlohmann::json otv::cli::theorem1_command<otv::bin_float_100>(const otv::cli::RunOptions&, const otv::InstanceText&);
template nlohmann::json otv::cli::optimal_scaling_command<otv::bin_float_100>(const otv::cli::RunOptions&, const otv::InstanceText&);
template nlohmann::json otv::cli::theorem2_command<otv::bin_float_100>(const otv::cli::RunOptions&, const otv::InstanceText&, const nlohmann::json&);
