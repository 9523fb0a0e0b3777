// CSV parsing (see csvreader.h): one pass over the text, RFC 4180 quoting, line numbers kept.

#include "csvreader.h"

#include "fileutil.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

namespace torchwright {

namespace {

// Splits `text` with `delimiter`; stops after `maxRows` rows when it is not 0.
CsvTable split(std::string_view text, const std::string &file, char delimiter, size_t maxRows)
{
    CsvTable t;
    t.delimiter = delimiter;
    int64_t line = 1;
    size_t i = 0;
    const size_t n = text.size();
    // A UTF-8 byte order mark is not part of the first field.
    if (n >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        i = 3;
    while (i < n && (maxRows == 0 || t.rows.size() < maxRows)) {
        // An empty line (LF or CRLF alone) is no row.
        if (text[i] == '\n') {
            ++line;
            ++i;
            continue;
        }
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
            ++line;
            i += 2;
            continue;
        }
        const int64_t start = line;
        std::vector<std::string> row;
        std::string field;
        bool endOfRow = false;
        while (!endOfRow) {
            field.clear();
            if (i < n && text[i] == '"') {
                // A quoted field: up to the closing quote; "" is one quote.
                ++i;
                for (;;) {
                    if (i >= n)
                        throw EngineError(Message::tr("%1:%2: a quoted field is not closed (its quote opens on "
                                                      "this line and the file ends inside it)",
                                                      file, start));
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (c == '\n')
                        ++line;
                    field += c;
                    ++i;
                }
                // Only a delimiter or the end of the row may follow the closing quote.
                if (i < n && text[i] != delimiter && text[i] != '\n'
                    && !(text[i] == '\r' && (i + 1 >= n || text[i + 1] == '\n')))
                    throw EngineError(Message::tr("%1:%2: unexpected text after the closing quote of field %3", file,
                                                  line, row.size() + 1));
            } else {
                const size_t begin = i;
                while (i < n && text[i] != delimiter && text[i] != '\n')
                    ++i;
                size_t end = i;
                if (end > begin && text[end - 1] == '\r' && (i >= n || text[i] == '\n'))
                    --end;
                field.assign(text.data() + begin, end - begin);
            }
            if (row.size() >= kMaxCsvFields)
                throw EngineError(
                    Message::tr("%1:%2: more than %3 fields in one row", file, start, uint64_t(kMaxCsvFields)));
            row.push_back(field);
            if (i < n && text[i] == delimiter) {
                ++i;
                continue;
            }
            if (i < n && text[i] == '\r')
                ++i;
            if (i < n && text[i] == '\n') {
                ++i;
                ++line;
            }
            endOfRow = true;
        }
        if (t.rows.size() >= kMaxCsvRows)
            throw EngineError(Message::tr("%1:%2: more than %3 rows", file, start, uint64_t(kMaxCsvRows)));
        t.rows.push_back(std::move(row));
        t.lines.push_back(start);
    }
    return t;
}

} // namespace

char detectCsvDelimiter(std::string_view text)
{
    // Judged on the first rows only; a quote left open there is the parse's business, not this.
    char best = ',';
    size_t bestFrequency = 0, bestFields = 0;
    for (char d : {',', ';', '\t'}) {
        CsvTable t;
        try {
            t = split(text.substr(0, std::min<size_t>(text.size(), 1 << 16)), "", d, 50);
        } catch (const EngineError &) {
            continue;
        }
        std::map<size_t, size_t> counts; // fields -> rows with that many
        // The first row may be a count line or a header, and the last one may be cut off.
        const size_t last = t.rows.size() > 2 ? t.rows.size() - 1 : t.rows.size();
        for (size_t r = t.rows.size() > 1 ? 1 : 0; r < last; ++r)
            ++counts[t.rows[r].size()];
        size_t fields = 0, frequency = 0;
        for (const auto &[f, c] : counts)
            if (f > 1 && (c > frequency || (c == frequency && f > fields))) {
                fields = f;
                frequency = c;
            }
        if (frequency > bestFrequency || (frequency == bestFrequency && fields > bestFields)) {
            best = d;
            bestFrequency = frequency;
            bestFields = fields;
        }
    }
    return best;
}

CsvTable parseCsv(std::string_view text, const std::string &file, char delimiter)
{
    return split(text, file, delimiter ? delimiter : detectCsvDelimiter(text), 0);
}

bool parseCsvNumber(const std::string &field, double &value)
{
    size_t b = 0, e = field.size();
    while (b < e && (field[b] == ' ' || field[b] == '\t'))
        ++b;
    while (e > b && (field[e - 1] == ' ' || field[e - 1] == '\t'))
        --e;
    if (b == e)
        return false;
    // Only the characters of a decimal number: strtod would also take "inf", "nan" and hex.
    for (size_t i = b; i < e; ++i) {
        const char c = field[i];
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return false;
    }
    const std::string s = field.substr(b, e - b);
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v))
        return false;
    value = v;
    return true;
}

std::string readCsvFile(const std::string &path, size_t maxBytes)
{
    requireRegularFile(path);              // before gzopen: a FIFO would block
    gzFile f = gzopen(path.c_str(), "rb"); // passes a plain file through unchanged
    if (!f)
        throw EngineError(Message::tr("%1: cannot open: %2", path, std::strerror(errno)));
    gzbuffer(f, 1 << 17);
    std::string data;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const int got = gzread(f, buf.data(), unsigned(buf.size()));
        if (got < 0) {
            int code = 0;
            const std::string msg = gzerror(f, &code);
            gzclose_r(f);
            throw EngineError(Message::tr("%1: the gzip data is damaged (%2)", path, msg));
        }
        if (got == 0)
            break;
        if (data.size() + size_t(got) > maxBytes) {
            gzclose_r(f);
            throw EngineError(Message::tr("%1: the table holds more than %2 bytes; at most that much is read", path,
                                          uint64_t(maxBytes)));
        }
        data.append(buf.data(), size_t(got));
    }
    int code = 0;
    const char *msg = gzerror(f, &code);
    const std::string err = code != Z_OK && code != Z_STREAM_END ? msg : "";
    const int closed = gzclose_r(f);
    if (!err.empty())
        throw EngineError(Message::tr("%1: the gzip stream is truncated or damaged (%2)", path, err));
    if (closed == Z_BUF_ERROR)
        throw EngineError(Message::tr("%1: the gzip stream is truncated or damaged", path));
    return data;
}

} // namespace torchwright
