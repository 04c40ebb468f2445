#ifndef HOTLINE_CSQLITE_SHIM_H
#define HOTLINE_CSQLITE_SHIM_H
#include <sqlite3.h>

/// The FTS5 extension API of a connection, or NULL when FTS5 is missing.
/// Done in C because Swift cannot hand SQLite a static type string for sqlite3_bind_pointer
/// without care, and a helper keeps that detail in one place.
static inline fts5_api *hotline_fts5_api(sqlite3 *db) {
    fts5_api *api = 0;
    sqlite3_stmt *stmt = 0;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, 0) != SQLITE_OK) return 0;
    sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", 0);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

/// SQLITE_TRANSIENT is a macro Swift cannot import.
static inline sqlite3_destructor_type hotline_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
