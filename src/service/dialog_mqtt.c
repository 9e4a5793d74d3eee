/* dialog_mqtt: an MQTT 3.1.1 broker's version, as nmap's mqtt-subscribe
 * script finds it: connect anonymously, subscribe to $SYS/broker/version,
 * read the retained message (Mosquitto: "mosquitto version 2.0.11").  A
 * broker that refuses anonymous clients says so in its CONNACK. */
#include <stdio.h>
#include <string.h>

#include "service/dialog.h"

#define TOPIC "$SYS/broker/version"

struct mqtt_state {
    uint8_t phase; /* 0: nothing sent, 1: CONNECT sent, 2: SUBSCRIBE sent */
};

static size_t connect_packet(uint8_t *out)
{
    static const uint8_t p[] = {0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30, 0, 5, 's', 'c', 'o', 'u', 't'};
    memcpy(out, p, sizeof p);
    return sizeof p;
}

static size_t subscribe_packet(uint8_t *out)
{
    size_t t = strlen(TOPIC), n = 0;
    out[n++] = 0x82;
    out[n++] = (uint8_t)(2 + 2 + t + 1);
    out[n++] = 0, out[n++] = 1; /* packet id */
    out[n++] = 0, out[n++] = (uint8_t)t;
    memcpy(out + n, TOPIC, t);
    n += t;
    out[n++] = 0; /* QoS 0 */
    return n;
}

/* One packet at in[*off]: its type and flags byte, body and body length.
 * Returns 1, 0 when incomplete, -1 when malformed. */
static int packet(const uint8_t *in, size_t len, size_t *off, uint8_t *type, const uint8_t **body,
                  size_t *blen)
{
    size_t i = *off, rem = 0;
    if (i >= len)
        return 0;
    *type = in[i++];
    for (int k = 0;; k++) {
        if (k == 4)
            return -1;
        if (i >= len)
            return 0;
        rem |= (size_t)(in[i] & 0x7f) << (7 * k);
        if (!(in[i++] & 0x80))
            break;
    }
    if (rem > len - i)
        return 0;
    *body = in + i, *blen = rem;
    *off = i + rem;
    return 1;
}

/* The version message's text, printable only. */
static void take_version(const uint8_t *p, size_t n, struct dialog_result *r)
{
    char v[160];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof v; i++)
        if (p[i] >= 0x20 && p[i] < 0x7f)
            v[k++] = (char)p[i];
    v[k] = 0;
    snprintf(r->note, sizeof r->note, "%s: %s", TOPIC, v);
    const char *m = "mosquitto version ";
    if (!strncmp(v, m, strlen(m)) && v[strlen(m)]) {
        snprintf(r->product, sizeof r->product, "Eclipse Mosquitto");
        snprintf(r->version, sizeof r->version, "%.47s", v + strlen(m));
        snprintf(r->cpe, sizeof r->cpe, "cpe:/a:eclipse:mosquitto:%.60s", r->version);
    } else {
        snprintf(r->info, sizeof r->info, "broker: %.80s", v);
    }
}

/* CONNACK's refusals (MQTT 3.1.1, 3.2.2.3). */
static const char *refusal(uint8_t rc)
{
    static const char *const why[] = {"", "unacceptable protocol version", "client id rejected",
                                      "server unavailable", "bad user name or password",
                                      "not authorized"};
    return rc < sizeof why / sizeof why[0] ? why[rc] : "refused";
}

static int after_subscribe(const uint8_t *in, size_t len, struct dialog_result *r)
{
    size_t off = 0;
    uint8_t type;
    const uint8_t *b;
    size_t bl;
    int k;
    while ((k = packet(in, len, &off, &type, &b, &bl)) == 1) {
        if (type >> 4 == 9 && bl >= 3 && b[2] == 0x80) { /* SUBACK: refused */
            snprintf(r->info, sizeof r->info, "%s not readable", TOPIC);
            return DIALOG_DONE;
        }
        if (type >> 4 != 3 || bl < 2) /* not a PUBLISH */
            continue;
        size_t tl = (size_t)b[0] << 8 | b[1], skip = 2 + tl + ((type >> 1 & 3) ? 2 : 0);
        if (skip > bl)
            return DIALOG_FAIL;
        if (tl == strlen(TOPIC) && !memcmp(b + 2, TOPIC, tl)) {
            take_version(b + skip, bl - skip, r);
            return DIALOG_DONE;
        }
    }
    return k < 0 ? DIALOG_FAIL : DIALOG_MORE;
}

static int mqtt_step(void *stp, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen,
                     struct dialog_result *r)
{
    struct mqtt_state *st = stp;
    *outlen = 0;
    if (st->phase == 0) {
        *outlen = connect_packet(out);
        st->phase = 1;
        return DIALOG_MORE;
    }
    if (len < 4)
        return DIALOG_MORE;
    if (in[0] != 0x20 || in[1] != 2)
        return DIALOG_FAIL;
    if (in[3] != 0) {
        snprintf(r->info, sizeof r->info, "anonymous connect refused: %s", refusal(in[3]));
        return DIALOG_DONE;
    }
    if (st->phase == 1) {
        *outlen = subscribe_packet(out);
        st->phase = 2;
        return DIALOG_MORE;
    }
    return after_subscribe(in + 4, len - 4, r);
}

const struct dialog_ops dialog_mqtt = {
    .name = "mqtt", .service = "mqtt", .max_read = 4096, .max_ms = 3000, .step = mqtt_step,
};
