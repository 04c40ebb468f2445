#include "hotline_cld2.h"
#include <cstdio>
#include <cld2/public/compact_lang_det.h>
#include <cld2/internal/lang_script.h>
#include <cstring>

extern "C" int hl_cld2_detect(const char *utf8, int length, char *code, int capacity, int *reliable) {
    CLD2::Language languages[3];
    int percents[3] = {0, 0, 0};
    int textBytes = 0;
    bool isReliable = false;
    CLD2::Language language = CLD2::DetectLanguageSummary(utf8, length, true, languages, percents, &textBytes, &isReliable);
    const char *name = CLD2::LanguageCode(language);
    if (capacity > 0) {
        std::strncpy(code, name ? name : "un", static_cast<size_t>(capacity - 1));
        code[capacity - 1] = '\0';
    }
    *reliable = isReliable ? 1 : 0;
    return language == CLD2::UNKNOWN_LANGUAGE ? 0 : percents[0];
}
