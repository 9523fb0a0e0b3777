#pragma once
// The engine's texts the studio shows (setting labels and help, layer categories, descriptions
// and parameter help, dataset and export format labels), written as a C++ source of
// QT_TRANSLATE_NOOP lines so lupdate puts them into the translation files. The engine stays
// plain English and Qt-free; the studio translates them where it shows them (ui/i18n.h,
// engineText()). scripts/translations writes translations/engine_strings.cpp from this, and
// tst_translations checks that the checked-in file is up to date.

#include <string>

namespace torchwright::i18n {

// Translation contexts, one per kind of engine descriptor.
inline constexpr const char *kSettingsContext = "torchwright::settings";
inline constexpr const char *kLayersContext = "torchwright::layers";
// The values of drop-downs (adam, cosine, labels...), shown translated, stored as they are.
inline constexpr const char *kChoicesContext = "torchwright::choices";
inline constexpr const char *kDatasetsContext = "torchwright::datasets";
inline constexpr const char *kExportsContext = "torchwright::exports";

// The whole text of translations/engine_strings.cpp.
std::string engineStringsSource();

} // namespace torchwright::i18n
