#ifndef HOTLINE_ICU_H
#define HOTLINE_ICU_H
/*
 * A small C facade over ICU. The header exposes no ICU type: Swift code that imports it can
 * also import Foundation (whose own private ICU would clash with a system ICU module), and the
 * implementation uses ICU's ordinary, version-independent names.
 * All text is UTF-8; all offsets are UTF-8 byte offsets.
 */
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/// NFKC case folding of UTF-8 text into `out`. Returns the byte length written, or the length
/// needed (greater than `capacity`) when `out` is too small, or -1 on invalid input.
int32_t hl_nfkc_casefold(const char *text, int32_t length, char *out, int32_t capacity);

/// An ICU word-break iterator over UTF-8 text (root locale: dictionary-based for CJK and Thai).
typedef struct hl_word_breaker hl_word_breaker;
hl_word_breaker *hl_word_breaker_open(void);
void hl_word_breaker_close(hl_word_breaker *breaker);
/// Points the iterator at `text`; the text must stay alive until the next call.
bool hl_word_breaker_set_text(hl_word_breaker *breaker, const char *text, int32_t length);
/// The next segment: [start, end) in bytes and its rule status (>= 100 for words).
/// Returns false at the end.
bool hl_word_breaker_next(hl_word_breaker *breaker, int32_t *start, int32_t *end, int32_t *status);

/// An ICU transliterator by id (e.g. "Traditional-Simplified").
typedef struct hl_transliterator hl_transliterator;
hl_transliterator *hl_transliterator_open(const char *id);
void hl_transliterator_close(hl_transliterator *t);
/// Transliterates UTF-8 text into `out`; returns bytes written, the size needed when larger than
/// `capacity`, or -1 on error.
int32_t hl_transliterate(hl_transliterator *t, const char *text, int32_t length, char *out, int32_t capacity);

/// The ICU Unicode script code (UScriptCode) of a code point.
int32_t hl_script_of(uint32_t codepoint);

/// ICU's version as "major.minor", written into `out` (at least 16 bytes).
void hl_icu_version(char *out, int32_t capacity);

#ifdef __cplusplus
}
#endif
#endif
