#pragma once
// libFuzzer entry point shared by the fuzz targets: each defines
// fuzz_one(text), which must either return or throw otv::InputError (bad input
// is reported, exit 2). Any other exception, a crash or a sanitizer report is a
// finding: libFuzzer saves the input, which then joins fuzz/corpus/<target>/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "otv/error.hpp"

void fuzz_one(const std::string& text);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    fuzz_one(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const otv::InputError&) {
  }
  return 0;
}
