// The scalar table (otv/scalar_spec.hpp) against the types: every row's kind
// prints a name (study::scalar_name, through the registry's dispatch and the
// type's traits) that parses back to the same kind and name, the "expected"
// list names every row, and the bytes and costs keep their planted values.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "otv/scalar_spec.hpp"
#include "study/forward_run.hpp"

using otv::ScalarSpec;

namespace {

// Specs of a row: the fixed type, or its precisions at both ends of the range and between.
std::vector<ScalarSpec> specs_of(const otv::ScalarKindInfo& row) {
  if (!row.bits) return {{row.kind}};
  return {{row.kind, otv::kMinBits}, {row.kind, 53}, {row.kind, 256}, {row.kind, 1000}};
}

std::string unknown_type_message() {
  try {
    otv::parse_scalar("quad");
  } catch (const otv::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every scalar table row parses from its printed name and back") {
  for (const otv::ScalarKindInfo& row : otv::kScalarKinds)
    for (const ScalarSpec& spec : specs_of(row)) {
      const std::string name = otv::study::scalar_name(spec);
      INFO("row " << row.name << ", printed " << name);
      CHECK(name.starts_with(row.name));
      CHECK((row.bits ? name.size() > row.name.size() : name == row.name));
      const ScalarSpec parsed = otv::parse_scalar(name);
      CHECK(parsed.kind == row.kind);
      CHECK(otv::study::scalar_name(parsed) == name);
    }
}

TEST_CASE("the unknown-type message and the help list every row and leave intervals out on request") {
  const std::string message = unknown_type_message();
  CHECK(message == "unknown scalar type 'quad' (expected float, double, long-double, float128, cpp_bin_float_50, cpp_bin_float_100, "
                   "mpfr:BITS, mpfi:BITS)");
  for (const otv::ScalarKindInfo& row : otv::kScalarKinds) {
    const std::string listed = std::string(row.name) + (row.bits ? "BITS" : "");
    CHECK(otv::scalar_names_text().find(listed) != std::string::npos);
    CHECK((otv::scalar_names_text(false).find(listed) != std::string::npos) == !row.interval);
  }
  // otverify advise's --scalar help: only mpfi is an interval type.
  CHECK(otv::scalar_names_text(false) == "float, double, long-double, float128, cpp_bin_float_50, cpp_bin_float_100, mpfr:BITS");
}

TEST_CASE("bytes and relative costs per scalar type") {
  using K = ScalarSpec::Kind;
  CHECK(otv::scalar_bytes({K::float_}) == 4);
  CHECK(otv::scalar_bytes({K::double_}) == 8);
  CHECK(otv::scalar_bytes({K::long_double}) == 16);
  CHECK(otv::scalar_bytes({K::float128}) == 16);
  CHECK(otv::scalar_bytes({K::bin_float_50}) == 40);
  CHECK(otv::scalar_bytes({K::bin_float_100}) == 64);
  // mpfr: 32-byte header + 8 per 64-bit limb + 16-byte allocator header; mpfi twice that.
  CHECK(otv::scalar_bytes({K::mpfr, 64}) == 56);
  CHECK(otv::scalar_bytes({K::mpfr, 65}) == 64);
  CHECK(otv::scalar_bytes({K::mpfi, 128}) == 128);
  CHECK(otv::relative_cost({K::float_}) == 1);
  CHECK(otv::relative_cost({K::double_}) == 1);
  CHECK(otv::relative_cost({K::long_double}) == 6);
  CHECK(otv::relative_cost({K::float128}) == 60);
  CHECK(otv::relative_cost({K::bin_float_50}) == 100);
  CHECK(otv::relative_cost({K::bin_float_100}) == 200);
  // Linear in the bits above 128, flat below.
  CHECK(otv::relative_cost({K::mpfr, 64}) == 80);
  CHECK(otv::relative_cost({K::mpfr, 256}) == 160);
  CHECK(otv::relative_cost({K::mpfi, 384}) == 480);
}
