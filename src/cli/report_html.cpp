#include "cli/report_html.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
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

std::string base64(const std::string& bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t k = 0; k < bytes.size(); k += 3) {
    const std::size_t left = bytes.size() - k;
    const unsigned v = static_cast<unsigned char>(bytes[k]) << 16 | (left > 1 ? static_cast<unsigned char>(bytes[k + 1]) << 8 : 0) |
                       (left > 2 ? static_cast<unsigned char>(bytes[k + 2]) : 0);
    out += kDigits[v >> 18 & 63];
    out += kDigits[v >> 12 & 63];
    out += left > 1 ? kDigits[v >> 6 & 63] : '=';
    out += left > 2 ? kDigits[v & 63] : '=';
  }
  return out;
}

// KaTeX's style sheet with its fonts inlined: each @font-face's list of files
// (woff2, woff, ttf beside the sheet) becomes the woff2 file as a data: URL, which
// every browser that runs Vega reads, so mathematics renders offline from file://.
std::string katex_css_with_fonts(const std::filesystem::path& dist, const std::string& hint) {
  const std::string css = read_text(dist / "katex.min.css", hint);
  static const std::regex sources(R"re(src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)[^;}]*)re");
  std::string out;
  std::size_t done = 0, fonts = 0;
  for (auto it = std::sregex_iterator(css.begin(), css.end(), sources); it != std::sregex_iterator(); ++it, ++fonts) {
    out.append(css, done, static_cast<std::size_t>(it->position(0)) - done);
    out += "src:url(data:font/woff2;base64," + base64(read_text(dist / "fonts" / ((*it)[1].str() + ".woff2"), hint)) + ") format(\"woff2\")";
    done = static_cast<std::size_t>(it->position(0) + it->length(0));
  }
  out.append(css, done);
  if (fonts == 0 || out.find("url(fonts/") != std::string::npos)
    throw InputError("KaTeX's style sheet in " + dist.string() + " names its fonts in an unexpected way (expected url(fonts/NAME.woff2) format(\"woff2\"), ...)");
  return out;
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
  // Each library's browser build (it defines one global: vega, vegaLite, vegaEmbed, markdownit, katex).
  const std::pair<const char*, const char*> builds[] = {{"vega", "build/vega.min.js"},
                                                       {"vega-lite", "build/vega-lite.min.js"},
                                                       {"vega-embed", "build/vega-embed.min.js"},
                                                       {"markdown-it", "dist/browser/markdown-it.umd.min.js"},
                                                       {"katex", "dist/katex.min.js"}};
  for (const auto& [lib, build] : builds) {
    const auto base = root / "node_modules" / lib;
    a.libraries_js += "<script>" + inline_safe(read_text(base / build, hint)) + "</script>\n";
    a.library_versions[lib] = nlohmann::json::parse(read_text(base / "package.json", hint)).value("version", "unknown");
  }
  a.libraries_css = inline_safe(katex_css_with_fonts(root / "node_modules" / "katex" / "dist", hint));
  return a;
}

std::string render_report_html(const ReportAssets& assets, const nlohmann::json& data) {
  std::string html = assets.template_html;
  replace_once(html, "<!--OTV:STYLE-->", "<style>" + assets.libraries_css + "</style>\n<style>" + inline_safe(assets.css) + "</style>");
  replace_once(html, "<!--OTV:LIBRARIES-->", assets.libraries_js);
  replace_once(html, "<!--OTV:DATA-->", "<script type=\"application/json\" id=\"otv-data\">" + json_for_script_element(data) + "</script>");
  replace_once(html, "<!--OTV:APP-->", "<script>" + inline_safe(assets.app_js) + "</script>");
  return html;
}

}  // namespace otv::cli
