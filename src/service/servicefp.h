/* servicefp: nmap's service fingerprint, what -sV prints for a service that
 * returned data but that nothing in the probe database named for sure, so
 * that users can submit it (nmap's form takes exactly this text):
 *
 *   SF-Port7001-TCP:V=7.93%I=7%D=11/25%Time=6925A0F1%P=x86_64-pc-linux-gnu%r
 *   SF:(NULL,11,"hello\x20stranger\r\n")%r(GenericLines,...);
 *
 * Built as nmap builds it: each probe's response in walk order, cut to 900
 * bytes (the full length given in hex), escaped so that it reads as a PCRE;
 * lines wrapped at nmap's column with "\nSF:"; no response added once the
 * text passes 2 200 bytes; ";" at the end.  Pure: the caller gives the time. */
#ifndef SCOUT_SERVICE_SERVICEFP_H
#define SCOUT_SERVICE_SERVICEFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct servicefp_head {
    uint16_t port;
    bool udp, ssl;      /* ssl: the responses came from inside TLS ("%T=SSL") */
    int intensity;      /* --version-intensity */
    time_t when;        /* of the first response */
};

struct servicefp {
    char *s;            /* NULL until the first response */
    size_t len, cap;
    bool failed;        /* out of memory: the fingerprint is dropped */
};

/* Adds probe's response (len > 0 bytes; its header first, from h, when it
 * is the first). */
void servicefp_add(struct servicefp *fp, const struct servicefp_head *h, const char *probe,
                   const uint8_t *resp, size_t len);
/* The finished text (owned, ";"-terminated), or NULL when nothing was added
 * (or memory failed); fp is emptied either way. */
char *servicefp_finish(struct servicefp *fp);
void servicefp_free(struct servicefp *fp);
/* The XML attribute's form (owned, NULL when out of memory): without the
 * "\nSF:" breaks, and, as nmap does, cut at an '&' that no ';' follows. */
char *servicefp_unwrap(const char *text);

#endif
