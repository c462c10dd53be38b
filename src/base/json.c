#include "base/json.h"

static json_malloc_t prev_malloc;
static _Thread_local int failed;

static void *counting_malloc(size_t n)
{
    void *p = prev_malloc(n);
    if (!p)
        failed = 1;
    return p;
}

static void install(void)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    if (m == counting_malloc)
        return;
    prev_malloc = m;
    json_set_alloc_funcs(counting_malloc, f);
}

json_t *llr_json_loadb(const char *buf, size_t len, size_t flags,
                       json_error_t *err, int *oom)
{
    install();
    failed = 0;
    json_t *j = json_loadb(buf, len, flags, err);
    *oom = failed;
    if (failed) {
        json_decref(j);
        j = NULL;
    }
    return j;
}
