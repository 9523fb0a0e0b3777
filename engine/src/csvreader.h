#pragma once
// CSV text as rows of fields (RFC 4180: fields separated by one delimiter character, records by
// CRLF or LF, a field in double quotes may hold delimiters, line breaks and doubled quotes), with
// the 1-based line each row starts on so that every message can name it. Torch-free; the csv
// dataset format (datasets/csv.cpp) builds on it, and tests/fuzz/fuzz_csv.cpp feeds it anything.

#include "torchwright/diagnostics.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace torchwright {

struct CsvTable {
    std::vector<std::vector<std::string>> rows; // empty lines left out
    std::vector<int64_t> lines;                 // the 1-based line each row starts on
    char delimiter = ',';
};

// The most fields a row may have, and the most rows a file may hold: beyond them the file is
// refused (naming the line) before it can fill memory with empty fields.
constexpr size_t kMaxCsvFields = size_t(1) << 20;
constexpr size_t kMaxCsvRows = size_t(1) << 28;

// The delimiter of `text` among comma, semicolon and tab: the one that splits the first rows
// into the same number of fields most often (more than one field), comma on a tie or when none
// does.
char detectCsvDelimiter(std::string_view text);

// Splits `text` into rows. `delimiter` 0 detects it. `file` names the file in errors: an
// unterminated quoted field, text after a closing quote, or a row or file over the limits
// (EngineError "FILE:LINE: ...").
CsvTable parseCsv(std::string_view text, const std::string &file, char delimiter = 0);

// A whole field as a finite number ("3", "-0.5", "1e-3", surrounding spaces allowed); false for
// anything else (empty, "NA", "1,5", "inf", "nan").
bool parseCsvNumber(const std::string &field, double &value);

// A file's bytes, inflated when it is gzip. Refuses (naming the file) one that is not a regular
// file, or whose content (inflated) is larger than `maxBytes`, before reading past it.
std::string readCsvFile(const std::string &path, size_t maxBytes);

} // namespace torchwright
