#include "cli/resource_guard.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "otv/error.hpp"

namespace otv::cli {

namespace {
// Working set of a forward pass, in n x n matrices: per head the scores, the
// pattern and Eigen temporaries, plus the head-1 plan and its marginals.
// Measured peak RSS: run n = 2048 double 269 MB (estimate 269 MB); n = 256
// mpfr:1024 108 MB (estimate 93 MB).
constexpr std::uint64_t kWorkingMatrices = 8;
// A per-layer record: the trace entry and its JSON objects; measured 2.6 KiB
// per layer (theorem1, 20000 layers, double).
constexpr std::uint64_t kBytesPerLayerRecord = 3072;

std::string size_text(std::uint64_t bytes) {
  return bytes >= (1ULL << 30) ? fmt::format("{:.3g} GiB", bytes / 1073741824.0) : fmt::format("{:.3g} MiB", bytes / 1048576.0);
}
}  // namespace

std::uint64_t estimate_bytes(const ScalarSpec& spec, const MemoryUse& use) {
  const std::uint64_t rows = use.n + 1, width = 2 * use.d + 11;
  const std::uint64_t scalars = (kWorkingMatrices + static_cast<std::uint64_t>(use.stored_patterns)) * rows * rows + 4 * rows * width;
  return scalars * scalar_bytes(spec) + static_cast<std::uint64_t>(use.per_layer_records) * kBytesPerLayerRecord;
}

std::uint64_t available_memory() {
  if (const char* forced = std::getenv("OTV_MEMORY_AVAILABLE")) return std::strtoull(forced, nullptr, 10);
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

void require_bytes(std::uint64_t need, const std::string& what, const std::string& advice) {
  const std::uint64_t have = available_memory();
  if (have > 0 && need > have)
    throw InputError(fmt::format("{} needs about {} but {} are available; {}", what, size_text(need), size_text(have), advice));
}

void require_memory(const ScalarSpec& spec, const MemoryUse& use, const std::string& what) {
  require_bytes(estimate_bytes(spec, use),
                fmt::format("{} (n = {}, {} bytes per scalar, {} stored layers)", what, use.n, scalar_bytes(spec), use.per_layer_records),
                "reduce --n, the precision or --layers");
}

std::uint64_t decimal_strings_bytes(unsigned bits, std::uint64_t count) {
  // std::string (32 bytes) + heap block (16) + digits (bits log10 2) + sign, point, exponent.
  return count * (48 + static_cast<std::uint64_t>(bits * 0.30103) + 8);
}

}  // namespace otv::cli
