#pragma once
// Files the user names as input (--x-file, --model, merge inputs, --resume,
// --from): read with a bound, so /dev/zero cannot fill memory and a FIFO cannot
// block, and refused in one line before any parsing when too large.
#include <cstdint>
#include <string>

namespace otv::cli {

// Byte caps (README "Limits"). A CSV of kMaxPoints rows is far below the CSV
// cap; result, model and report files of the largest sweeps are a few MB.
inline constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{64} << 20;
inline constexpr std::uintmax_t kMaxJsonBytes = std::uintmax_t{256} << 20;

// The whole contents of the regular file `path`; `what` names it in errors.
// Throws InputError if it cannot be opened, is not a regular file (a FIFO,
// a device, a directory) or holds more than max_bytes.
std::string read_input_file(const std::string& path, const std::string& what, std::uintmax_t max_bytes);

}  // namespace otv::cli
