// torchwright-engine-strings FILE: writes the engine's studio texts as QT_TRANSLATE_NOOP lines
// (translations/enginestrings.h) to FILE, for lupdate. Run by scripts/translations.

#include "enginestrings.h"
#include "fileutil.h"
#include "torchwright/diagnostics.h"

#include <cstdio>
#include <exception>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: torchwright-engine-strings FILE\n");
        return 2;
    }
    try {
        torchwright::writeBytesAtomically(argv[1], torchwright::i18n::engineStringsSource());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "cannot write %s: %s\n", argv[1], e.what());
        return 1;
    }
    std::printf("wrote %s\n", argv[1]);
    return 0;
}
