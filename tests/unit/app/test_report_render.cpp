// app/report_render: every format escapes hostile record text the way it must.

#include <doctest/doctest.h>

#include <filesystem>

#include "../test_support.hpp"
#include "docket/app/report_render.hpp"
#include "docket/codec/json.hpp"
#include "docket/core/error.hpp"
#include "docket/core/time.hpp"

using namespace docket;

namespace {

const Timestamp kT0 = *parse_rfc3339("2026-11-23T10:00:00Z");

std::vector<Record> hostile_records() {
  Record r;
  r.id = *ExceptionId::parse("EX-AAAAAAAAAA");
  r.title = "<script>alert(1)</script> | =HYPERLINK(\"x\") \x1b[31m";
  r.opened = {kT0, *Email::parse("alice@acme.example")};
  r.owners = {*Email::parse("alice@acme.example")};
  r.identity = {"token", "<img src=x onerror=alert(1)>", "github/acme"};
  r.frameworks = {"OWASP-NHI:<b>NHI5</b>"};
  Record again = r;
  again.id = *ExceptionId::parse("EX-BBBBBBBBBB");
  again.recurrence_of = {r.id};
  return {r, again};
}

core::ReportData hostile_report() { return core::build_report(hostile_records(), Policy{}, kT0); }

}  // namespace

TEST_CASE("report formats are parsed by name") {
  CHECK(app::parse_report_format("md") == app::ReportFormat::markdown);
  CHECK(app::parse_report_format("markdown") == app::ReportFormat::markdown);
  CHECK(app::parse_report_format("html") == app::ReportFormat::html);
  CHECK_FALSE(app::parse_report_format("pdf"));
}

TEST_CASE("CSV fields follow RFC 4180 and neutralise formulas") {
  CHECK(app::csv_field("plain") == "plain");
  CHECK(app::csv_field("a,b") == "\"a,b\"");
  CHECK(app::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(app::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(app::csv_field("=1+1") == "'=1+1");
  CHECK(app::csv_field("+1") == "'+1");
  CHECK(app::csv_field("-1") == "'-1");
  CHECK(app::csv_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(app::csv_field("=HYPERLINK(\"a\",\"b\")") == "\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"");
  CHECK(app::csv_field("a=b") == "a=b");
  CHECK(app::csv_field("esc\x1b[31m") == "esc\xEF\xBF\xBD[31m");
}

TEST_CASE("HTML and Markdown escapes leave no markup from record text") {
  CHECK(app::html_escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  CHECK(app::html_escape("bell\a") == "bell\xEF\xBF\xBD");
  CHECK(app::markdown_escape("a|b <i>*x*</i>\nnext") == "a\\|b \\<i\\>\\*x\\*\\</i\\> next");
}

TEST_CASE("the HTML report is one self-contained page with charts and no live markup from records") {
  const std::string html = app::render_report(hostile_report(), app::ReportFormat::html);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>NHI5") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("\x1b") == std::string::npos);
  // Nothing is fetched: no external URL other than the SVG namespace name.
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
}

TEST_CASE("the Markdown, CSV and JSON reports carry the records, escaped for each format") {
  const auto data = hostile_report();
  const std::string md = app::render_report(data, app::ReportFormat::markdown);
  CHECK(md.find("EX-AAAAAAAAAA") != std::string::npos);
  // Every `<` from the title is backslash-escaped, so no HTML tag reaches a Markdown renderer.
  CHECK(md.find("\\<script\\>alert(1)\\</script\\>") != std::string::npos);
  for (auto at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) CHECK(md[at - 1] == '\\');
  CHECK(md.find("\x1b") == std::string::npos);

  const std::string csv = app::render_report(data, app::ReportFormat::csv);
  CHECK(csv.rfind("id,title,state,", 0) == 0);
  CHECK(csv.find("\r\nEX-AAAAAAAAAA,\"<script>") != std::string::npos);
  CHECK(csv.find("\x1b") == std::string::npos);

  const auto records = hostile_records();
  const auto json = nlohmann::json::parse(app::render_report(data, app::ReportFormat::json, app::record_json_source(records)));
  CHECK(json["schema_version"] == 1);
  CHECK(json["totals"]["total"] == 2);
  // The exceptions are the record objects, exactly what show and list print for them.
  CHECK(json["exceptions"][0] == codec::to_json(records[0]));
  CHECK(json["timing"][0]["id"] == "EX-AAAAAAAAAA");
  CHECK(json["recurrence"][0]["ids"].size() == 2);
  CHECK(json["by_state"]["open"] == 2);
}

TEST_CASE("decisions name the reason, approvers with times, controls and expiry, escaped in every format") {
  const Email alice = *Email::parse("alice@acme.example"), bob = *Email::parse("bob@acme.example");
  Record r;
  r.id = *ExceptionId::parse("EX-AAAAAAAAAA");
  r.title = "vendor access";
  r.state = State::accepted;
  r.opened = {kT0, alice};
  const std::string reason = "<script>alert(1)</script> a | b\nsecond line";
  r.requests = {Request{1, Resolution::accepted, reason, kT0 + Duration{86400}, {"<b>recording</b> | on", "IP allow-list"}, {kT0, alice}}};
  r.approvals = {Approval{1, Decision::approve, {kT0 + Duration{60}, bob}, ""}};
  r.outcome = Outcome{Resolution::accepted, {kT0 + Duration{60}, bob}, reason, kT0 + Duration{86400}};
  const auto data = core::build_report({r}, Policy{}, kT0 + Duration{120});
  REQUIRE(data.decisions.size() == 1);

  const std::string md = app::render_report(data, app::ReportFormat::markdown);
  const auto row_at = md.find("| EX-AAAAAAAAAA | vendor access | accepted, in force, expiring soon |");
  REQUIRE(row_at != std::string::npos);
  const std::string row = md.substr(row_at, md.find('\n', row_at) - row_at);
  // One table row: the line break became a space, every `|` of record text is escaped.
  CHECK(row.find("\\<script\\>alert(1)\\</script\\> a \\| b second line") != std::string::npos);
  CHECK(row.find("bob@acme.example at 2026-11-23T10:01:00Z") != std::string::npos);
  CHECK(row.find("\\<b\\>recording\\</b\\> \\| on; IP allow-list") != std::string::npos);
  CHECK(row.find("2026-11-24T10:00:00Z") != std::string::npos);
  std::size_t cells = 0;
  for (std::size_t i = 0; i < row.size(); ++i) cells += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
  CHECK(cells == 8);  // 7 columns
  CHECK(md.find("| acceptances in force | 1 |") != std::string::npos);
  CHECK(md.find("| acceptances expired (not revoked or renewed) | 0 |") != std::string::npos);

  const std::string html = app::render_report(data, app::ReportFormat::html);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>recording") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; a | b\nsecond line") != std::string::npos);
  CHECK(html.find("<li>bob@acme.example\n2026-11-23T10:01:00Z</li>") != std::string::npos);
  CHECK(html.find("<li>&lt;b&gt;recording&lt;/b&gt; | on</li><li>IP allow-list</li>") != std::string::npos);

  const auto json = nlohmann::json::parse(app::render_report(data, app::ReportFormat::json, app::record_json_source({r})));
  CHECK(json["decisions"][0]["reason"] == reason);
  CHECK(json["decisions"][0]["approvers"][0]["by"] == "bob@acme.example");
  CHECK(json["decisions"][0]["controls"].size() == 2);
  CHECK(json["totals"]["acceptances_in_force"] == 1);
  CHECK(json["totals"]["acceptances_expired"] == 0);
}

TEST_CASE("reports are written atomically, replacing the old file whole") {
  docket::test::TempDir dir;
  const auto path = dir / "report.html";
  docket::test::write_file(path, "old");
  app::write_output_file(path, "new content");
  CHECK(docket::test::read_file(path) == "new content");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);  // no temporary left behind
  CHECK_THROWS_AS(app::write_output_file(dir / "missing" / "r.html", "x"), docket::Error);
}

TEST_CASE("the JSON report written row by row is byte for byte the whole document dumped") {
  using nlohmann::json;
  const auto same = [](const std::vector<Record>& records) {
    const auto d = core::build_report(records, Policy{}, kT0);
    const auto source = app::record_json_source(records);
    return app::render_report(d, app::ReportFormat::json, source) ==
           app::report_json(d, source).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  };
  CHECK(same(hostile_records()));
  CHECK(same({}));  // no rows: "exceptions": []
  // Text that must be escaped, invalid UTF-8 (replaced), an accepted item and a recurrence.
  Record r;
  r.id = *ExceptionId::parse("EX-CCCCCCCCCC");
  r.title = "two\nlines \"quoted\" \\ tab\t \xff\xfe end ✓";
  r.opened = {kT0, *Email::parse("alice@acme.example")};
  r.owners = {*Email::parse("alice@acme.example"), *Email::parse("bob@acme.example")};
  r.frameworks = {"NIST-CSF-2.0:ID.RA-07", "OWASP-NHI:NHI1"};
  Record one = r;
  one.id = *ExceptionId::parse("EX-DDDDDDDDDD");
  one.title = "single";
  CHECK(same({r}));
  CHECK(same({r, one}));
  const std::vector<Record> just_r{r};
  CHECK(app::render_report(core::build_report(just_r, Policy{}, kT0), app::ReportFormat::json, app::record_json_source(just_r))
            .find("\xff") == std::string::npos);
  // A report whose records lack a row's record is refused, never printed short.
  CHECK_THROWS_AS(app::render_report(core::build_report(just_r, Policy{}, kT0), app::ReportFormat::json), docket::Error);
}
