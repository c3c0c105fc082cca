// The trained-model file format (src/study/model_file.hpp): a written model reads
// back to the same file, and malformed files are refused in one line.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "otv/error.hpp"
#include "study/model_file.hpp"

namespace {

std::string corpus_file(const std::string& name) {
  std::ifstream in(std::string(OTV_SOURCE_DIR) + "/fuzz/corpus/model_json/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("model file: parse then write is the identity on written models, and a truncated file is refused", "[model-file][json]") {
  for (const char* name : {"engineered_n2_l1.json", "notebook_n3_l2.json", "plain_n3_l2.json"}) {
    CAPTURE(name);
    const std::string text = corpus_file(name);
    REQUIRE_FALSE(text.empty());
    const auto m = otv::study::parse_model_json(text);
    const std::string written = otv::study::model_json(m);
    CHECK(otv::study::model_json(otv::study::parse_model_json(written)) == written);
    CHECK(m.completed <= m.settings.iterations);
  }
  CHECK_THROWS_WITH(otv::study::parse_model_json(corpus_file("cut_short.json")), Catch::Contains("model file: not JSON"));
}

TEST_CASE("model file: malformed files and settings are input errors", "[model-file][json]") {
  CHECK_THROWS_AS(otv::study::parse_model_json("{"), otv::InputError);
  CHECK_THROWS_WITH(otv::study::parse_model_json("{}"), Catch::Contains("format tag"));
  CHECK_THROWS_WITH(otv::study::parse_model_json(R"({"format": "otverify-trained-model", "version": 1})"), Catch::Contains("unsupported version"));
  otv::study::TrainSettings s;
  CHECK_NOTHROW(s.validate());
  s.prompt = "fancy";
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("unknown prompt"));
  s = {};
  s.learning_rate = "0";  // a decimal, not > 0
  CHECK_THROWS_AS(s.validate(), otv::InputError);
  s = {};
  CHECK(s.to_json()["width"] == 11);  // engineered prompt, d = 1: 2d + 9
}
