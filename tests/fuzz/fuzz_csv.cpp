// CSV tables: the bytes split by the parser with each delimiter (and detected), every field read
// as a number, and (unless built with FUZZ_CSV_PARSER_ONLY, the torch-free quick build) the same
// bytes as a csv dataset's table read through the format's reader, as training and the studio's
// preview do, and predicted through the run's record.

#include "fuzzcommon.h"

#include "csvreader.h"

#ifndef FUZZ_CSV_PARSER_ONLY
#include "dataset.h"
#include "datasetreader.h"
#endif

#include <exception>
#include <string_view>

using namespace torchwright;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
#ifndef FUZZ_CSV_PARSER_ONLY
    torch::set_num_threads(1);
#endif
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    for (char delimiter : {char(0), ',', ';', '\t'}) {
        try {
            const CsvTable t = parseCsv(text, "fuzz.csv", delimiter);
            if (t.rows.size() != t.lines.size())
                std::abort();
            for (size_t i = 1; i < t.lines.size(); ++i)
                if (t.lines[i] <= t.lines[i - 1])
                    std::abort(); // rows start on increasing lines
            double v = 0;
            for (const auto &row : t.rows)
                for (const auto &field : row)
                    (void)parseCsvNumber(field, v);
        } catch (const std::exception &) {
        }
    }
#ifndef FUZZ_CSV_PARSER_ONLY
    const std::string path = fuzz::writeFile("t.csv", data, size);
    Project p;
    p.dataset.kind = "csv";
    p.dataset.path = fuzz::scratch();
    p.dataset.csv.file = "t.csv";
    p.dataset.csv.target = size % 2 ? "0" : "-1";
    p.dataset.csv.task = size % 3 ? "classification" : "regression";
    p.dataset.csv.maxClasses = 50;
    p.dataset.sampleShape = {int64_t(size % 7 + 1)};
    p.dataset.numClasses = int(size % 5 + 1);
    try {
        (void)datasetSummary(p, 1);
    } catch (const std::exception &) {
    }
    try {
        const RawSplit train = datasetFormat(p).reader->train(p, {});
        std::vector<std::string> sources;
        (void)datasetFormat(p).reader->predictInputs(train.info.preprocessing, path, sources, {});
    } catch (const std::exception &) {
    }
#endif
    return 0;
}
