/* ecs: --detect's JSON lines in the Elastic Common Schema (--ecs), for
 * SIEMs that ingest ECS as is: one object per declared scan, tripwire hit
 * and block, with @timestamp, event.{kind,category,type,action,dataset},
 * source.ip, destination.{ip,port}, network.transport, rule.name, and
 * scout's own fields under "scout" (the custom-field convention). */
#ifndef SCOUT_DETECT_ECS_H
#define SCOUT_DETECT_ECS_H

#include <stdio.h>

#include "detect/detect.h"

void ecs_scan(FILE *f, const struct det_scan *s, const char *action);
void ecs_trip(FILE *f, const struct det_trip *h);
void ecs_block(FILE *f, const char *did, const struct addr *src, uint64_t for_s, const char *why);

#endif
