#include "study/breakdown_results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "otv/error.hpp"
#include "otv/instance.hpp"
#include "otv/scalar_registry.hpp"
#include "otv/transformer.hpp"
#include "study/forward_run.hpp"
#include "study/json_number.hpp"

namespace otv::study {

using nlohmann::json;

double metric(const json& cell, const char* name) {
  const json& v = cell.at(name);
  // Non-finite (and null, the spelling of older files such as reports/data/breakdown_default.jsonl) reads as infinitely far.
  const double x = v.is_null() ? std::numeric_limits<double>::infinity() : number_of(v);
  return std::isfinite(x) ? x : std::numeric_limits<double>::infinity();
}

std::string curve_key(const json& c) {
  return fmt::format("{:09}|{}|{}|{}|{}|{}|{}|{}", c.at("n").get<long long>(), c.at("scalar").get<std::string>(), c.at("softmax").get<std::string>(),
                     c.at("seed").get<std::uint64_t>(), c.at("variant").get<std::string>(), c.at("layers").get<long long>(),
                     c.at("generator").get<std::string>(), c.at("gamma_ratio").get<double>());
}

std::vector<json> parse_results(std::istream& in, const std::string& source) {
  std::vector<json> out;
  std::string line;
  long long number_of_line = 0;
  // Read by the threshold table without a check of their own (copied as they are).
  static const char* copied[] = {"min_exp_argument", "correct_bits", "cost_max", "squared_norm_max", "log_min_normal", "unit_roundoff"};
  static const char* metrics[] = {"distance_to_optimal", "numeric_error", "numeric_error_layer1", "reference_distance_to_optimal",
                                  "max_exp_argument", "log_max_finite"};
  while (std::getline(in, line)) {
    ++number_of_line;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw InputError(fmt::format("{}:{}: not a JSON object", source, number_of_line));
    try {
      // Types and ranges before anything converts: nlohmann's get<integer> of a
      // float out of range is undefined behaviour (found by fuzz_result_lines).
      // The ranges matter too: --resume reruns bisection cells with the n,
      // scalar and lambda read here, and the table adds counts.
      auto fail = [&](const char* field, const char* what) {
        throw InputError(fmt::format("{}:{}: {} = {} {}", source, number_of_line, field, j.at(field).dump(), what));
      };
      auto integer_in = [&](const char* field, long long lo, long long hi) {
        const json& v = j.at(field);
        if (!v.is_number_integer()) fail(field, "is not an integer");
        if (v.is_number_unsigned() ? v.get<unsigned long long>() > static_cast<unsigned long long>(hi) : !(v.get<long long>() >= lo && v.get<long long>() <= hi))
          fail(field, "is out of range");
      };
      integer_in("n", 1, static_cast<long long>(kMaxPoints));
      integer_in("layers", 0, kMaxLayers);
      if (!j.at("seed").is_number_unsigned()) fail("seed", "is not an unsigned integer");
      const json& lambda = j.at("lambda");
      if (!lambda.is_number() || !(lambda.get<double>() >= std::numeric_limits<double>::min() && lambda.get<double>() <= std::numeric_limits<double>::max()))
        fail("lambda", "is not a positive finite number");
      if (!j.at("gamma_ratio").is_number()) fail("gamma_ratio", "is not a number");
      (void)j.at("key").get<std::string>();
      (void)curve_key(j);
      parse_scalar(j.at("scalar").get<std::string>());
      parse_softmax(j.at("softmax").get<std::string>());
      // A depth-needed line (breakdown's search, docs/error-model.md E9): its own few fields.
      if (j.contains("kind") && j["kind"] == "depth") {
        integer_in("layers_needed", -1, kMaxLayers);
        (void)metric(j, "distance");
        (void)j.at("optimal").at("converged").get<bool>();
        out.push_back(std::move(j));
        continue;
      }
      for (const char* count : {"nan_entries", "inf_entries", "underflowed_rows"}) integer_in(count, 0, 1LL << 52);
      for (const char* m : metrics) (void)metric(j, m);
      for (const char* c : copied) (void)j.at(c);
      // The reference's certificate, which the cause rule reads (docs/error-model.md E8).
      const json& optimal = j.at("optimal");
      (void)optimal.at("converged").get<bool>();
      if (const json& b = optimal.at("hilbert_bound"); !b.is_null() && !b.is_number())
        throw InputError(fmt::format("{}:{}: optimal.hilbert_bound = {} is not a number", source, number_of_line, b.dump()));
      const json& ex = j.at("exceptions");
      if (!ex.is_null()) (void)ex.at("underflow").get<bool>(), (void)ex.at("overflow").get<bool>();
    } catch (const json::exception& e) {
      throw InputError(fmt::format("{}:{}: missing or malformed field ({})", source, number_of_line, e.what()));
    }
    out.push_back(std::move(j));
  }
  if (in.bad()) throw InputError("error reading " + source);
  return out;
}

}  // namespace otv::study
