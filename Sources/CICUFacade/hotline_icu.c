#include "hotline_icu.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/utypes.h>
#include <unicode/unorm2.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>
#include <unicode/uscript.h>
#include <unicode/uversion.h>

/* UTF-8 → UTF-16 into a malloc'ed buffer; returns NULL on error. */
static UChar *to_utf16(const char *text, int32_t length, int32_t *outLength) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strFromUTF8(NULL, 0, &needed, text, length, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return NULL;
    status = U_ZERO_ERROR;
    UChar *buffer = (UChar *)malloc(sizeof(UChar) * (size_t)(needed + 1));
    if (!buffer) return NULL;
    u_strFromUTF8(buffer, needed + 1, outLength, text, length, &status);
    if (U_FAILURE(status)) { free(buffer); return NULL; }
    return buffer;
}

/* UTF-16 → UTF-8 into out; same return convention as the public functions. */
static int32_t to_utf8(const UChar *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8(out, capacity, &written, text, length, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return written;
    if (U_FAILURE(status)) return -1;
    return written;
}

int32_t hl_nfkc_casefold(const char *text, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *norm = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) return -1;
    int32_t srcLength = 0;
    UChar *src = to_utf16(text, length, &srcLength);
    if (!src) return -1;
    int32_t destCapacity = srcLength * 3 + 16;
    UChar *dest = (UChar *)malloc(sizeof(UChar) * (size_t)destCapacity);
    if (!dest) { free(src); return -1; }
    int32_t destLength = unorm2_normalize(norm, src, srcLength, dest, destCapacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        free(dest);
        destCapacity = destLength + 1;
        dest = (UChar *)malloc(sizeof(UChar) * (size_t)destCapacity);
        if (!dest) { free(src); return -1; }
        status = U_ZERO_ERROR;
        destLength = unorm2_normalize(norm, src, srcLength, dest, destCapacity, &status);
    }
    free(src);
    if (U_FAILURE(status)) { free(dest); return -1; }
    int32_t result = to_utf8(dest, destLength, out, capacity);
    free(dest);
    return result;
}

struct hl_word_breaker {
    UBreakIterator *iterator;
    UText *text;
    int32_t previous;
};

hl_word_breaker *hl_word_breaker_open(void) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) return NULL;
    hl_word_breaker *breaker = (hl_word_breaker *)calloc(1, sizeof(hl_word_breaker));
    if (!breaker) { ubrk_close(iterator); return NULL; }
    breaker->iterator = iterator;
    return breaker;
}

void hl_word_breaker_close(hl_word_breaker *breaker) {
    if (!breaker) return;
    if (breaker->text) utext_close(breaker->text);
    ubrk_close(breaker->iterator);
    free(breaker);
}

bool hl_word_breaker_set_text(hl_word_breaker *breaker, const char *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    breaker->text = utext_openUTF8(breaker->text, text, length, &status);
    if (U_FAILURE(status)) return false;
    ubrk_setUText(breaker->iterator, breaker->text, &status);
    if (U_FAILURE(status)) return false;
    breaker->previous = ubrk_first(breaker->iterator);
    return true;
}

bool hl_word_breaker_next(hl_word_breaker *breaker, int32_t *start, int32_t *end, int32_t *status) {
    int32_t next = ubrk_next(breaker->iterator);
    if (next == UBRK_DONE) return false;
    *start = breaker->previous;
    *end = next;
    *status = ubrk_getRuleStatus(breaker->iterator);
    breaker->previous = next;
    return true;
}

struct hl_transliterator { UTransliterator *t; };

hl_transliterator *hl_transliterator_open(const char *id) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t idLength = 0;
    UChar *uid = to_utf16(id, (int32_t)strlen(id), &idLength);
    if (!uid) return NULL;
    UTransliterator *t = utrans_openU(uid, idLength, UTRANS_FORWARD, NULL, 0, NULL, &status);
    free(uid);
    if (U_FAILURE(status)) return NULL;
    hl_transliterator *result = (hl_transliterator *)malloc(sizeof(hl_transliterator));
    if (!result) { utrans_close(t); return NULL; }
    result->t = t;
    return result;
}

void hl_transliterator_close(hl_transliterator *t) {
    if (!t) return;
    utrans_close(t->t);
    free(t);
}

int32_t hl_transliterate(hl_transliterator *t, const char *text, int32_t length, char *out, int32_t capacity) {
    int32_t srcLength = 0;
    UChar *src = to_utf16(text, length, &srcLength);
    if (!src) return -1;
    /* Romanisation can grow text several times (一 → "yi", 庄 → "zhuang"): start roomy and
       grow until the transliterated text fits. */
    for (int32_t factor = 4; factor <= 64; factor *= 4) {
        int32_t bufferCapacity = srcLength * factor + 16;
        UChar *buffer = (UChar *)malloc(sizeof(UChar) * (size_t)bufferCapacity);
        if (!buffer) { free(src); return -1; }
        memcpy(buffer, src, sizeof(UChar) * (size_t)srcLength);
        int32_t textLength = srcLength;
        int32_t limit = srcLength;
        UErrorCode status = U_ZERO_ERROR;
        utrans_transUChars(t->t, buffer, &textLength, bufferCapacity, 0, &limit, &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) { free(buffer); continue; }
        free(src);
        if (U_FAILURE(status)) { free(buffer); return -1; }
        int32_t result = to_utf8(buffer, textLength, out, capacity);
        free(buffer);
        return result;
    }
    free(src);
    return -1;
}

int32_t hl_script_of(uint32_t codepoint) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode code = uscript_getScript((UChar32)codepoint, &status);
    if (U_FAILURE(status)) return -1;
    return (int32_t)code;
}

void hl_icu_version(char *out, int32_t capacity) {
    UVersionInfo info;
    u_getVersion(info);
    char buffer[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(info, buffer);
    strncpy(out, buffer, (size_t)capacity - 1);
    out[capacity - 1] = 0;
}
