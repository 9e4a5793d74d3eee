/* store/backend: what the results store's two backends (sqlite.c, pg.c)
 * implement, and what store.c shares with them.
 *
 * store.c owns the transactions of the public calls (begin, the backend's
 * inserts, commit, a rollback on any failure), the messages' "results store
 * NAME:" prefix, the codes table's contents, the ports' packed form and the
 * merging of a key's rows; a backend owns its connection and its SQL. */
#ifndef SCOUT_STORE_BACKEND_H
#define SCOUT_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"

/* The schema this scout writes (README "Results store"); a store holding an
 * older one is brought up to it by store_migrations, a newer one refused. */
#define STORE_SCHEMA_VERSION 1
/* How long a write waits for another process's transaction (SQLite). */
#define STORE_BUSY_MS 5000

/* A growing text buffer (port data, COPY rows, SQL). */
struct buf {
    char *p;
    size_t len, cap;
};
int buf_add(struct buf *b, const char *s, size_t n);
/* Room for n more bytes and a NUL. */
int buf_reserve(struct buf *b, size_t n);
int buf_str(struct buf *b, const char *s);
void buf_free(struct buf *b);

/* A host row as read back, before merging: which scan row and host row it
 * came from decide how it merges. */
struct host_row {
    struct rec_host h;
    int64_t scan, id;
};
/* Everything stored under one scan's key (rows of every shard). */
struct store_rows {
    struct rec_scan *scans; /* meta only (hosts NULL) */
    uint32_t nscans;
    struct host_row *rows;  /* in the order read (by host id) */
    uint32_t n, cap;
};
/* A new zeroed row at the end (-1 and e set when out of memory). */
struct host_row *rows_add(struct store_rows *r, err_t *e);
void rows_free(struct store_rows *r);
/* Gives the service of (proto, port) to the host row with that id (rows by
 * id, ports sorted): the strings of svc move into it.  A service whose port
 * was not stored is dropped. */
void rows_attach_service(struct store_rows *r, int64_t host, uint8_t proto, uint16_t port,
                         struct rec_port *svc);

struct store_backend {
    void (*close)(struct store *s);
    int (*begin)(struct store *s, err_t *e);
    int (*commit)(struct store *s, err_t *e);
    void (*rollback)(struct store *s);
    /* A scans row for sc's fields (finished, end as given); *id its id. */
    int (*insert_scan)(struct store *s, const struct rec_scan *sc, int64_t *id, err_t *e);
    /* Host rows, their packed ports (store_pack_ports) and their services. */
    int (*insert_hosts)(struct store *s, int64_t scan, const struct rec_host *h, uint32_t n, err_t *e);
    int (*put_checkpoint)(struct store *s, int64_t scan, const void *blob, size_t len, double t,
                          err_t *e);
    int (*end_scan)(struct store *s, int64_t scan, double end, bool finished, err_t *e);
    int (*last_scan)(struct store *s, bool unfinished_only, int64_t *id, err_t *e);
    /* Every scans row sharing id's key (id's own first), every host row of
     * those scans by host id, ports unpacked and services attached. */
    int (*load)(struct store *s, int64_t id, struct store_rows *out, err_t *e);
    int (*get_checkpoint)(struct store *s, int64_t scan, void **blob, size_t *len, err_t *e);
    /* NULL when the backend has no files (PostgreSQL). */
    int (*chown)(struct store *s, uid_t uid, gid_t gid, err_t *e);
};

struct store {
    const struct store_backend *ops;
    char *name; /* for messages: the path, or the URL without its password */
};

/* The backends' constructors: *out set (name filled) or -1 with e set,
 * without the "results store" prefix (store_open adds it). */
int sqlite_store_open(struct store **out, const char *path, int busy_ms, err_t *e);
int pg_store_open(struct store **out, const char *url, err_t *e);

/* $XDG_DATA_HOME/scout/scout.db, else ~/.local/share/scout/scout.db
 * (malloc'd); ~ is $HOME, or the user's entry when HOME is unset. */
int store_default_path(char **out, err_t *e);

/* ---- the schema's shared parts ---- */

/* The view that names everything, the same SQL in both backends. */
#define STORE_PORT_REPORT_VIEW                                                                      \
    "CREATE VIEW port_report AS SELECT h.scan, s.key, h.address, pc.name AS protocol, p.port,"      \
    " sc.name AS state, rc.name AS reason, p.ttl, v.name AS service, v.tunnel, v.product, v.version," \
    " v.extrainfo, v.cpe FROM ports p JOIN hosts h ON h.id = p.host JOIN scans s ON s.id = h.scan"  \
    " LEFT JOIN codes pc ON pc.kind = 'protocol' AND pc.code = p.protocol"                          \
    " LEFT JOIN codes sc ON sc.kind = 'state' AND sc.code = p.state"                                \
    " LEFT JOIN codes rc ON rc.kind = 'reason' AND rc.code = p.reason"                              \
    " LEFT JOIN services v ON v.host = p.host AND v.protocol = p.protocol AND v.port = p.port"

/* The codes table: (kind, code, name) for every protocol, port state,
 * reason and host status this scout knows.  A store's codes are the enum
 * values that wrote them; the table names them for SQL readers and lets a
 * later scout notice (codes_check) that its enums no longer mean the same. */
struct code_def {
    const char *kind;
    int code;
    const char *name;
};
#define STORE_NCODES (PROTO_COUNT + PS_COUNT + R_COUNT + 3)
/* The codes of this binary, into out; returns how many. */
size_t codes_list(struct code_def out[STORE_NCODES]);
/* A stored (kind, code, name): -1 with e set when this binary gives that
 * code another name; codes it does not know are fine (a newer scout's). */
int codes_check(const char *kind, int64_t code, const char *name, err_t *e);
/* "INSERT INTO codes (kind, code, name) VALUES (...), ... ON CONFLICT DO
 * NOTHING": fills what a store lacks (the same SQL for both backends). */
int codes_insert_sql(struct buf *sql, err_t *e);
/* The names of host statuses (there is no other table of them). */
const char *status_name(int status);

/* Ports are kept per host, packed (README): a JSON array of integers, one
 * per decided port, port | proto << 16 | state << 18 | reason << 22 | ttl << 29. */
int store_pack_ports(const struct rec_host *h, struct buf *out, err_t *e);
/* Parses one packed array into h->ports (sorted, deduplicated); a value it
 * cannot read is an error, a state this scout does not know drops the port. */
int store_unpack_ports(const char *text, size_t len, struct rec_host *h, err_t *e);
/* Checks a host record before it is written: fields within the codes the
 * packing can carry (a bug upstream, refused rather than mangled). */
int store_check_host(const struct rec_host *h, err_t *e);

/* "52:54:00:12:34:56" from a host (NULL when it has none), and back. */
const char *store_mac_text(const struct rec_host *h, char buf[18]);
int store_mac_parse(const char *s, struct rec_host *h);

#endif
