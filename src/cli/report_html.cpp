#include "cli/report_html.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "otv/error.hpp"

namespace otv::cli {

namespace {

std::string read_text(const std::filesystem::path& p, const std::string& hint) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError("cannot read " + p.string() + hint);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_once(std::string& text, const std::string& placeholder, const std::string& value) {
  const auto at = text.find(placeholder);
  if (at == std::string::npos || text.find(placeholder, at + 1) != std::string::npos)
    throw InputError("report template must contain " + placeholder + " exactly once");
  text.replace(at, placeholder.size(), value);
}

}  // namespace

std::string json_for_script_element(const nlohmann::json& data) {
  // ensure_ascii: every non-ASCII character (U+2028, U+2029 among them) as \uXXXX.
  const std::string ascii = data.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(ascii.size());
  // <, >, & occur only inside JSON strings, where \u escapes are equivalent.
  for (char ch : ascii) {
    if (ch == '<') out += "\\u003c";
    else if (ch == '>') out += "\\u003e";
    else if (ch == '&') out += "\\u0026";
    else out += ch;
  }
  return out;
}

std::string inline_safe(std::string code) {
  // Only an end tag of the enclosing element ends it; "</" elsewhere (a regular
  // expression such as /</g) must stay as it is.
  auto closes_element = [&](std::size_t at) {
    for (const std::string tag : {"script", "style"}) {
      if (at + 2 + tag.size() > code.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < tag.size() && same; ++k) same = std::tolower(static_cast<unsigned char>(code[at + 2 + k])) == tag[k];
      if (same) return true;
    }
    return false;
  };
  for (auto at = code.find("</"); at != std::string::npos; at = code.find("</", at + 2))
    if (closes_element(at)) code.replace(at, 2, "<\\/");
  return code;
}

ReportAssets load_report_assets(const std::string& dir) {
  const std::filesystem::path root(dir);
  ReportAssets a;
  a.template_html = read_text(root / "template.html", "");
  a.css = read_text(root / "report.css", "");
  a.app_js = read_text(root / "report.js", "");
  const std::string hint = " (the report's front-end libraries: run `npm ci` in " + root.string() + ", or bash scripts/setup.sh)";
  a.library_versions = nlohmann::json::object();
  for (const char* lib : {"vega", "vega-lite", "vega-embed"}) {
    const auto base = root / "node_modules" / lib;
    a.libraries_js += "<script>" + inline_safe(read_text(base / "build" / (std::string(lib) + ".min.js"), hint)) + "</script>\n";
    a.library_versions[lib] = nlohmann::json::parse(read_text(base / "package.json", hint)).value("version", "unknown");
  }
  return a;
}

std::string render_report_html(const ReportAssets& assets, const nlohmann::json& data) {
  std::string html = assets.template_html;
  replace_once(html, "<!--OTV:STYLE-->", "<style>" + inline_safe(assets.css) + "</style>");
  replace_once(html, "<!--OTV:LIBRARIES-->", assets.libraries_js);
  replace_once(html, "<!--OTV:DATA-->", "<script type=\"application/json\" id=\"otv-data\">" + json_for_script_element(data) + "</script>");
  replace_once(html, "<!--OTV:APP-->", "<script>" + inline_safe(assets.app_js) + "</script>");
  return html;
}

}  // namespace otv::cli
