#pragma once
// Error types shared by the library and the CLI.
#include <stdexcept>
#include <string>

namespace otv {

// Bad user input (malformed numbers, wrong shapes, out-of-range options).
// The CLI turns it into one line on stderr and exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace otv
