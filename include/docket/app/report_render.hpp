#pragma once
// `docket report` output: the figures of core::build_report as Markdown, JSON, CSV or one
// self-contained HTML page. Every string that comes from a record is hostile (a title can be
// `<script>…`, a cell can start with `=`), so each format escapes it the way it must.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docket/core/record.hpp"
#include "docket/core/report.hpp"
#include "docket/store/files.hpp"

namespace docket::app {

enum class ReportFormat { markdown, json, csv, html };

// `md` (or `markdown`), `json`, `csv`, `html`.
std::optional<ReportFormat> parse_report_format(std::string_view text);

// Calls its argument with the compact JSON of records (codec::to_json(record).dump()), ordered by
// opening time, then id (the order of the report's rows): RecordIndex::stream_json's texts. The
// JSON report's `exceptions` are the record objects of its rows, taken from these texts (texts
// of records no row names are skipped).
using RecordJsonSource = std::function<void(const std::function<void(std::string_view)>&)>;
// The texts of `records` (kept by reference: they must outlive the source), in the order given.
RecordJsonSource record_json_source(const std::vector<Record>& records);

// The report as JSON (docs/json.md, docs/schema/report.schema.json). Throws Error(internal) when
// `records` lacks a row's record.
nlohmann::json report_json(const core::ReportData& data, const RecordJsonSource& records);
// The whole report in `format`, ready to write out (`records` is read for JSON only).
std::string render_report(const core::ReportData& data, ReportFormat format, const RecordJsonSource& records = {});

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

// Reports are written with store::write_output_file (docket/store/files.hpp).
using store::write_output_file;

}  // namespace docket::app
