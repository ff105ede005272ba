#pragma once
// `docket report` output: the figures of core::build_report as Markdown, JSON, CSV or one
// self-contained HTML page. Every string that comes from a record is hostile (a title can be
// `<script>…`, a cell can start with `=`), so each format escapes it the way it must.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "docket/core/report.hpp"

namespace docket::app {

enum class ReportFormat { markdown, json, csv, html };

// `md` (or `markdown`), `json`, `csv`, `html`.
std::optional<ReportFormat> parse_report_format(std::string_view text);

// The report as JSON (stable schema, documented in docs/check-and-report.md).
nlohmann::json report_json(const core::ReportData& data);
// The whole report in `format`, ready to write out.
std::string render_report(const core::ReportData& data, ReportFormat format);

// Cell escapes, exposed for tests.
// RFC 4180 field, with formula injection neutralised: a cell starting with = + - @ (or a tab or
// carriage return) gets a leading single quote so spreadsheets show it as text; control
// characters other than tab and line breaks become U+FFFD.
std::string csv_field(std::string_view text);
// Text for HTML element content and attribute values: & < > " ' escaped, control characters
// replaced by U+FFFD.
std::string html_escape(std::string_view text);
// Text for a Markdown table cell: Markdown and HTML punctuation backslash-escaped, line breaks
// and control characters made spaces, so a title can neither break the table nor inject HTML.
std::string markdown_escape(std::string_view text);

// Writes `content` to `path` atomically: a temporary file in the same folder (`.NAME.tmp-XXXXXX`),
// flushed to disk when `durable`, then renamed over `path`, so readers see the old file or the
// whole new one. Caches that check their own content pass durable=false (no fsync). Error(usage)
// naming the path when the folder cannot be written.
void write_file_atomically(const std::filesystem::path& path, std::string_view content, bool durable = true);

}  // namespace docket::app
