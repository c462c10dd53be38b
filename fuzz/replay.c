/* replay.c - run a fuzz target over committed inputs, without libFuzzer.
 *
 * Usage: replay-TARGET PATH...
 * Each PATH is a file or a directory; a directory's files are replayed in
 * name order, and so are the files of its subdirectories (one level down,
 * no further). Each file's bytes go to LLVMFuzzerTestOneInput once. Built
 * with ASan + UBSan, this lets `make check` run the fuzz corpora on any
 * compiler. If an input crashes the target, its path is printed first.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Provided by the sanitizer runtimes; absent (NULL) in a plain build. */
void __sanitizer_set_death_callback(void (*callback)(void))
    __attribute__((weak));

static char current[4096];   /* the input being replayed, for crash reports */
static size_t replayed;

static void report_current(void)
{
    static const char pre[] = "replay: crashed on input: ";
    if (!current[0])
        return;
    if (write(2, pre, sizeof pre - 1) < 0 ||
        write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
        return;
}

static void on_signal(int sig)
{
    report_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Read the whole file at path into a new buffer. */
static int read_all(const char *path, uint8_t **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = !buf || ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

static int replay_file(const char *path)
{
    uint8_t *buf;
    size_t len;
    if (read_all(path, &buf, &len)) {
        perror(path);
        return -1;
    }
    snprintf(current, sizeof current, "%s", path);
    LLVMFuzzerTestOneInput(buf, len);
    current[0] = '\0';
    free(buf);
    replayed++;
    return 0;
}

static int skip_name(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Replay path; depth says how many directory levels may still be entered. */
static int replay_path(const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st)) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? replay_file(path) : 0;
    if (depth == 0)
        return 0;
    struct dirent **names;
    int n = scandir(path, &names, skip_name, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char sub[4096];
        int w = snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
        if (w < 0 || (size_t)w >= sizeof sub) {
            fprintf(stderr, "replay: path too long: %s/%s\n", path,
                    names[i]->d_name);
            rc = -1;
        } else if (replay_path(sub, depth - 1)) {
            rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
        return 2;
    }
    /* Under a sanitizer its own SEGV handler must stay in place. */
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(report_current);
    } else {
        signal(SIGSEGV, on_signal);
        signal(SIGFPE, on_signal);
    }
    signal(SIGABRT, on_signal);
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], 2))
            rc = 1;
    printf("replayed %zu inputs\n", replayed);
    return rc;
}
