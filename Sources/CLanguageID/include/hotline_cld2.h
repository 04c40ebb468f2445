#ifndef HOTLINE_CLD2_H
#define HOTLINE_CLD2_H
// CLD2 (Compact Language Detector 2, from Debian's libcld2) behind a C header with no C++ types,
// so Swift can call it.
#ifdef __cplusplus
extern "C" {
#endif

/// Detects the language of valid UTF-8 text. Writes CLD2's language code ("en", "fr", "id",
/// "zh", "zh-Hant", "un" for unknown …) into `code` (NUL-terminated, cut to `capacity`), sets
/// `*reliable` to 1 when CLD2 trusts its answer, and returns the percent of the text in that
/// language (0 when unknown).
int hl_cld2_detect(const char *utf8, int length, char *code, int capacity, int *reliable);

#ifdef __cplusplus
}
#endif
#endif
