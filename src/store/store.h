/* store: the results store, where every scan is written as it runs and read
 * back by `scout diff`, `scout report` and `--resume`.
 *
 * Two backends behind one interface and one schema (documented in the
 * README): an embedded SQLite database (the default, a file under the
 * user's data directory, or --db PATH) and a PostgreSQL server (--db
 * postgresql://...), which the shards of a fleet share.  A scan is one row
 * per process that ran it (a shard), all rows of one scan sharing its key;
 * reading a scan merges its rows.
 *
 * Contract:
 *   - every call returns 0, or -1 with e set to one line naming the store
 *     and what failed ("results store /path/scout.db: database is locked");
 *   - writes are batched: store_hosts writes a whole host group in one
 *     transaction; store_checkpoint replaces the scan's checkpoint
 *     atomically (a crash leaves the old one or the new one, never a mix);
 *   - nothing already stored is lost or changed by a failing call;
 *   - not thread-safe: one thread (the scan's) uses a handle.
 * The caller (scan.c) reports a failing store once and goes on without it. */
#ifndef SCOUT_STORE_H
#define SCOUT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scanrec.h"
#include "util.h"

struct store;

/* Opens (creating it and its schema if needed) the store named by spec: a
 * file path, or a postgresql:// or postgres:// URL; NULL: the default
 * SQLite file, $XDG_DATA_HOME/scout/scout.db (~/.local/share/...).  A file
 * of another schema version is migrated when scout knows how, else refused
 * with a message saying which version it holds. */
int store_open(struct store **s, const char *spec, err_t *e);
void store_close(struct store *s);
/* What the store is, for messages: the file path or the URL without its password. */
const char *store_name(const struct store *s);
/* Privileges: open the store while privileged, then write after the drop.
 * A SQLite store keeps the descriptors (database, -wal, -shm) it opened,
 * so writes work after the drop whoever owns the files and wherever they
 * are (/root included); this call only gives uid:gid the files and
 * directories store_open created inside a directory uid owns, so that a
 * store `sudo scout` made in its caller's directory is the caller's
 * afterwards (one made in /root stays root's).  Call it just before
 * dropping to SUDO_UID, not when becoming nobody (nobody needs no file,
 * and should own none).  A no-op for PostgreSQL. */
int store_chown(struct store *s, uid_t uid, gid_t gid, err_t *e);

/* A new scan row: sc's key, args, version, seed, shard and start (hosts
 * ignored).  Sets sc->id. */
int store_scan_begin(struct store *s, struct rec_scan *sc, err_t *e);
/* A finished group's hosts, in one transaction, with the checkpoint that
 * follows them (may be NULL) in the same transaction. */
int store_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, const void *ckpt,
                size_t ckpt_len, err_t *e);
/* The same in pieces, for groups too large to hold as records at once:
 * begin, hosts as many times as needed, end with the checkpoint (NULL: none)
 * and commit.  A failing store_group_hosts has rolled back (no end then). */
int store_group_begin(struct store *s, err_t *e);
int store_group_hosts(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, err_t *e);
int store_group_end(struct store *s, int64_t scan, const void *ckpt, size_t ckpt_len, err_t *e);
/* Rolls the group back (the caller failed between begin and end). */
void store_group_abort(struct store *s);
/* Replaces the scan's checkpoint (an opaque blob: scan.c's resume state). */
int store_checkpoint(struct store *s, int64_t scan, const void *blob, size_t len, err_t *e);
/* Marks the scan ended at `end`; finished = it ran to completion. */
int store_scan_end(struct store *s, int64_t scan, double end, bool finished, err_t *e);

/* The id of the latest scan (by start), or of the latest one not finished
 * when unfinished_only; 0 when there is none. */
int store_last_scan(struct store *s, bool unfinished_only, int64_t *id, err_t *e);
/* A scan by id, merged with every other row of its key (the shards of a
 * fleet): hosts sorted, a host reported by several shards merged port by
 * port (the union; up if any shard saw it up).  Identity (key, args,
 * version, seed) is id's row; start the earliest, end the latest; finished
 * once every shard 1..shard_n has a finished row; shard_k 0 when several
 * rows were merged.  The caller frees it with scanrec_free. */
int store_load(struct store *s, int64_t id, struct rec_scan *out, err_t *e);
/* The scan's checkpoint (malloc'd, *blob NULL and *len 0 when none). */
int store_get_checkpoint(struct store *s, int64_t scan, void **blob, size_t *len, err_t *e);
/* Adds a whole scan read elsewhere (scout import), finished, in one
 * transaction; sets sc->id. */
int store_import(struct store *s, struct rec_scan *sc, err_t *e);

#endif
