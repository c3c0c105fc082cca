#pragma once
// otverify report's HTML: one self-contained file made from reports/template.html,
// its CSS and script, the front-end libraries from reports/node_modules (inlined,
// so the page works offline from a file URL) and the report data as JSON.
#include <nlohmann/json.hpp>

#include <string>

namespace otv::cli {

// The data as the text of a <script type="application/json"> element: ASCII only,
// with <, >, & written as \u003c, \u003e, \u0026 (and so also U+2028, U+2029 as
// escapes), so no string in the data can close the element or start markup.
std::string json_for_script_element(const nlohmann::json& data);

// Script or style text for inlining: "</script" and "</style" (any case) become
// "<\/script", "<\/style", which cannot close the element (the same text inside
// JavaScript strings and CSS strings, where such sequences can only occur).
std::string inline_safe(std::string code);

struct ReportAssets {
  std::string template_html, css, app_js;
  std::string libraries_js;   // vega, vega-lite, vega-embed, markdown-it, katex, in load order
  std::string libraries_css;  // KaTeX's style sheet, its fonts inlined as data: URLs
  nlohmann::json library_versions;
};

// Reads the assets from dir (default: default_reports_dir()); an InputError says
// what is missing (e.g. node_modules: run `npm ci` in reports/).
ReportAssets load_report_assets(const std::string& dir);

// Fills the template's placeholders <!--OTV:STYLE-->, <!--OTV:LIBRARIES-->,
// <!--OTV:DATA--> and <!--OTV:APP--> (each exactly once).
std::string render_report_html(const ReportAssets& assets, const nlohmann::json& data);

}  // namespace otv::cli
