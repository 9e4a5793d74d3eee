/* dynlib: shared libraries opened when first needed (dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>

int dynlib_open(const char *soname, const char *package, const char *const *names, void **fns, size_t n,
                void **handle, err_t *e)
{
    /* NODELETE: the library's own global state (libxml2's parser tables)
     * stays reachable after dlclose, not unloaded under it */
    *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!*handle)
        return err_set(e, "%s is needed (install %s): %s", soname, package, dlerror());
    for (size_t i = 0; i < n; i++) {
        fns[i] = dlsym(*handle, names[i]);
        if (!fns[i]) {
            err_set(e, "%s has no %s (install %s)", soname, names[i], package);
            dlclose(*handle);
            *handle = NULL;
            return -1;
        }
    }
    return 0;
}

void dynlib_close(void *handle)
{
    if (handle)
        dlclose(handle);
}
