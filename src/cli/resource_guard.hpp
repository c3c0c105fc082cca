#pragma once
// Resource guard: estimate a command's peak memory from n, the scalar type's
// precision and what it stores per layer, and refuse (InputError, exit 2)
// before running when the estimate exceeds the memory available.
#include <cstdint>
#include <string>

#include "cli/options.hpp"

namespace otv::cli {

// What a model command holds at its peak: n x n matrices (working set plus
// stored patterns) in the scalar type, and per-layer records (trace and JSON).
struct MemoryUse {
  std::size_t n = 0, d = 1;
  long long stored_patterns = 0;   // n x n patterns kept beyond the working set
  long long per_layer_records = 0; // layers whose errors or distances are kept
};
std::uint64_t estimate_bytes(const ScalarSpec& spec, const MemoryUse& use);

// MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read. The
// environment variable OTV_MEMORY_AVAILABLE (bytes) overrides it (tests).
std::uint64_t available_memory();

// Throws InputError naming `what`, the estimate and the memory available when
// the estimate exceeds it; does nothing when the memory available is unknown.
void require_memory(const ScalarSpec& spec, const MemoryUse& use, const std::string& what);

// The same for a byte count estimated elsewhere; `advice` ends the message.
void require_bytes(std::uint64_t need, const std::string& what, const std::string& advice);

// Bytes of `count` numbers kept as round-trip decimal strings of a `bits`-bit type.
std::uint64_t decimal_strings_bytes(unsigned bits, std::uint64_t count);

}  // namespace otv::cli
