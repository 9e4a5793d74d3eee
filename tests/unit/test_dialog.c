/* The protocol dialogs' steps (service/dialog.h), against recorded peers. */
#include <string.h>

#include "service/dialog.h"
#include "unit.h"

void test_dialog_mqtt(void);

extern const struct dialog_ops dialog_mqtt;

/* Runs d against a peer whose replies, `reply`, arrive a byte at a time;
 * returns the last step's code. */
static int talk(const struct dialog_ops *d, const uint8_t *reply, size_t len, struct dialog_result *r)
{
    uint8_t st[DIALOG_STATE] = {0}, out[DIALOG_OUT];
    size_t n = sizeof out;
    int rc = d->step(st, NULL, 0, out, &n, r);
    for (size_t got = 1; rc == DIALOG_MORE && got <= len; got++) {
        n = sizeof out;
        rc = d->step(st, reply, got, out, &n, r);
    }
    return rc;
}

void test_dialog_mqtt(void)
{
    /* Mosquitto 2.0.11 in the lab: CONNACK, SUBACK, the retained PUBLISH */
    static const uint8_t mosq[] = "\x20\x02\x00\x00\x90\x03\x00\x01\x00\x31\x2d\x00\x13$SYS/broker/version"
                                  "mosquitto version 2.0.11";
    struct dialog_result r = {0};
    CHECK(talk(&dialog_mqtt, mosq, sizeof mosq - 1, &r) == DIALOG_DONE);
    CHECK_STR(r.product, "Eclipse Mosquitto");
    CHECK_STR(r.version, "2.0.11");
    CHECK_STR(r.cpe, "cpe:/a:eclipse:mosquitto:2.0.11");
    CHECK_STR(r.note, "$SYS/broker/version: mosquitto version 2.0.11");
    /* anonymous clients refused: said, no version */
    static const uint8_t refused[] = {0x20, 0x02, 0x00, 0x05};
    r = (struct dialog_result){0};
    CHECK(talk(&dialog_mqtt, refused, sizeof refused, &r) == DIALOG_DONE);
    CHECK_STR(r.info, "anonymous connect refused: not authorized");
    CHECK(r.version[0] == 0);
    /* not MQTT at all; a PUBLISH whose topic length runs past its packet */
    static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n";
    CHECK(talk(&dialog_mqtt, http, sizeof http - 1, &r) == DIALOG_FAIL);
    static const uint8_t lying[] = {0x20, 0x02, 0x00, 0x00, 0x30, 0x03, 0xff, 0xff, 'x'};
    CHECK(talk(&dialog_mqtt, lying, sizeof lying, &r) == DIALOG_FAIL);
}
