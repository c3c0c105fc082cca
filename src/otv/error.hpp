#pragma once
// Error types shared by the library and the CLI.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace otv {

// Bad user input (malformed numbers, wrong shapes, out-of-range options).
// The CLI turns it into one line on stderr and exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// User input quoted in an error message: at most 32 bytes, and bytes outside
// printable ASCII escaped as \xNN, so a 200 MB argument or a NUL byte gives one
// short readable line.
inline std::string excerpt(std::string_view s) {
  constexpr std::size_t kShown = 32;
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (s.size() > kShown) return out + "...' (" + std::to_string(s.size()) + " bytes)";
  return out + "'";
}

}  // namespace otv
