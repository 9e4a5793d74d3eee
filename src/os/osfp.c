/* osfp: building and reading a fingerprint's tests (osfp.h). */
#include "osfp.h"

#include <stdio.h>
#include <string.h>

const struct osfp_test *osfp_test(const struct osfp *fp, const char *name)
{
    for (uint32_t i = 0; i < fp->n; i++)
        if (strcmp(fp->t[i].name, name) == 0)
            return &fp->t[i];
    return NULL;
}

const char *osfp_attr(const struct osfp_test *t, const char *name)
{
    for (uint32_t i = 0; t && i < t->n; i++)
        if (strcmp(t->a[i].name, name) == 0)
            return t->a[i].val;
    return NULL;
}

struct osfp_test *osfp_add_test(struct osfp *fp, const char *name)
{
    if (fp->n >= OSFP_MAX_TESTS)
        return NULL;
    struct osfp_test *t = &fp->t[fp->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

bool osfp_add(struct osfp_test *t, const char *name, const char *val)
{
    if (!t || t->n >= OSFP_MAX_ATTRS)
        return false;
    struct osfp_attr *a = &t->a[t->n++];
    snprintf(a->name, sizeof a->name, "%s", name);
    snprintf(a->val, sizeof a->val, "%s", val);
    return true;
}

bool osfp_addx(struct osfp_test *t, const char *name, uint32_t hex)
{
    char v[12];
    snprintf(v, sizeof v, "%X", hex);
    return osfp_add(t, name, v);
}
