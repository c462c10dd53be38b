/* base/output.c - staged outputs (base/output.h). */
#include "base/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char name[PATH_MAX];   /* as given */
    char target[PATH_MAX]; /* resolved: symlinks followed */
    char tmp[PATH_MAX];    /* the temporary file; "" when written directly */
    int fd;                /* -1 once a stream owns it, or for "-" */
    FILE *f;
    int direct;
    int have_id;
    dev_t dev;
    ino_t ino;
    mode_t mode;
} slot;

typedef struct {
    char target[PATH_MAX];
    int have_id;
    dev_t dev;
    ino_t ino;
} input;

static slot outs[LLR_OUTPUT_MAX];
static volatile sig_atomic_t n_outs;
static input ins[LLR_OUTPUT_MAX];
static int n_ins;

/* The resolved name of path: realpath when it exists, else the resolved
 * directory and the last component. */
static int resolve(const char *path, char *out, llr_error *e)
{
    if (!*path)
        return llr_fail(e, LLR_EINPUT, "an output path is empty");
    if (realpath(path, out))
        return 0;
    if (errno != ENOENT)
        return llr_fail(e, LLR_EIO, "%s: cannot resolve: %s", path,
                        strerror(errno));
    struct stat ls;
    if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode))
        return llr_fail(e, LLR_EIO,
                        "%s: a symbolic link to a missing file or directory",
                        path);
    size_t pl = strlen(path);
    if (pl >= PATH_MAX)
        return llr_fail(e, LLR_EINPUT, "%s: path too long", path);
    char dir[PATH_MAX];
    memcpy(dir, path, pl + 1);
    char *slash = strrchr(dir, '/');
    const char *base;
    if (!slash) {
        base = path;
        strcpy(dir, ".");
    } else {
        base = path + (slash - dir) + 1;
        if (slash == dir)
            slash[1] = 0;
        else
            *slash = 0;
    }
    if (!*base)
        return llr_fail(e, LLR_EINPUT, "%s: names a directory, not a file",
                        path);
    char rdir[PATH_MAX];
    if (!realpath(dir, rdir))
        return llr_fail(e, LLR_EIO,
                        "%s: cannot write there: the directory %s: %s", path,
                        dir, strerror(errno));
    struct stat ds;
    if (stat(rdir, &ds) != 0 || !S_ISDIR(ds.st_mode))
        return llr_fail(e, LLR_EIO,
                        "%s: cannot write there: %s is not a directory", path,
                        dir);
    size_t dl = strlen(rdir), bl = strlen(base);
    if (dl + 1 + bl + 1 > PATH_MAX)
        return llr_fail(e, LLR_EINPUT, "%s: path too long", path);
    memcpy(out, rdir, dl);
    out[dl] = dl == 1 && rdir[0] == '/' ? 0 : '/';
    memcpy(out + dl + (out[dl] == '/'), base, bl + 1);
    return 0;
}

int llr_output_input(const char *path, llr_error *e)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return 0;
    if (n_ins == LLR_OUTPUT_MAX)
        return llr_fail(e, LLR_EINPUT, "%s: too many inputs", path);
    input *in = &ins[n_ins];
    if (!realpath(path, in->target))
        return 0;
    in->have_id = 1;
    in->dev = st.st_dev;
    in->ino = st.st_ino;
    n_ins++;
    return 0;
}

int llr_output_registered(const char *path)
{
    for (int i = 0; i < n_outs; i++)
        if (!strcmp(outs[i].name, path))
            return 1;
    return 0;
}

static slot *find(const char *path, llr_error *e)
{
    for (int i = 0; i < n_outs; i++)
        if (!strcmp(outs[i].name, path))
            return &outs[i];
    llr_fail(e, LLR_EINPUT, "%s: not a registered output", path);
    return NULL;
}

static int same(const char *t, int have_id, dev_t dev, ino_t ino,
                const char *t2, int have_id2, dev_t dev2, ino_t ino2)
{
    return !strcmp(t, t2) || (have_id && have_id2 && dev == dev2 &&
                              ino == ino2);
}

int llr_output_add(const char *path, llr_error *e)
{
    if (n_outs == LLR_OUTPUT_MAX)
        return llr_fail(e, LLR_EINPUT, "%s: too many outputs", path);
    if (strlen(path) >= PATH_MAX)
        return llr_fail(e, LLR_EINPUT, "%s: path too long", path);
    slot s;
    memset(&s, 0, sizeof s);
    s.fd = -1;
    strcpy(s.name, path);
    if (!strcmp(path, "-")) {
        /* Standard output: its own descriptor, so that closing it at
         * commit leaves stdout (and its buffered report) alone. */
        fflush(stdout);
        strcpy(s.target, "-");
        s.direct = 1;
        s.fd = dup(STDOUT_FILENO);
        if (s.fd < 0)
            return llr_fail(e, LLR_EIO, "standard output: %s",
                            strerror(errno));
    } else {
        if (resolve(path, s.target, e))
            return -1;
        struct stat st;
        mode_t um = umask(0);
        umask(um);
        s.mode = 0666 & ~um;
        if (stat(s.target, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                return llr_fail(e, LLR_EIO, "%s: is a directory", path);
            s.have_id = 1;
            s.dev = st.st_dev;
            s.ino = st.st_ino;
            if (S_ISREG(st.st_mode))
                s.mode = st.st_mode & 07777;
            else
                s.direct = 1;
        }
        for (int i = 0; i < n_ins; i++)
            if (same(s.target, s.have_id, s.dev, s.ino, ins[i].target,
                     ins[i].have_id, ins[i].dev, ins[i].ino))
                return llr_fail(e, LLR_EINPUT,
                                "%s: is also an input of this run; "
                                "refusing to overwrite it",
                                path);
        for (int i = 0; i < n_outs; i++)
            if (same(s.target, s.have_id, s.dev, s.ino, outs[i].target,
                     outs[i].have_id, outs[i].dev, outs[i].ino))
                return llr_fail(e, LLR_EINPUT,
                                "%s: is also another output (%s) of this run",
                                path, outs[i].name);
        if (s.direct) {
            s.fd = open(s.target, O_WRONLY | O_NOCTTY);
            if (s.fd < 0)
                return llr_fail(e, LLR_EIO, "%s: cannot open: %s", path,
                                strerror(errno));
        } else {
            size_t tl = strlen(s.target);
            if (tl + 12 > PATH_MAX)
                return llr_fail(e, LLR_EINPUT, "%s: path too long", path);
            memcpy(s.tmp, s.target, tl);
            memcpy(s.tmp + tl, ".tmp.XXXXXX", 12);
        }
    }
    /* The template goes into the table before the file exists, so that
     * a signal arriving meanwhile removes it. */
    int k = n_outs;
    outs[k] = s;
    n_outs = k + 1;
    if (!s.direct) {
        slot *t = &outs[k];
        t->fd = mkstemp(t->tmp);
        if (t->fd < 0) {
            int err = errno;
            t->tmp[0] = 0;
            n_outs = k;
            return llr_fail(e, LLR_EIO,
                            "%s: cannot create a file in its directory: %s",
                            path, strerror(err));
        }
        if (fchmod(t->fd, s.mode) != 0) {
            int err = errno;
            close(t->fd);
            unlink(t->tmp);
            t->tmp[0] = 0;
            n_outs = k;
            return llr_fail(e, LLR_EIO, "%s: cannot set its mode: %s", path,
                            strerror(err));
        }
    }
    return 0;
}

FILE *llr_output_stream(const char *path, llr_error *e)
{
    slot *s = find(path, e);
    if (!s)
        return NULL;
    if (s->f)
        return s->f;
    s->f = fdopen(s->fd, "w");
    if (!s->f) {
        llr_fail(e, LLR_EIO, "%s: cannot open a stream: %s", path,
                 strerror(errno));
        return NULL;
    }
    s->fd = -1;
    return s->f;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

int llr_output_write(const char *path, const void *buf, size_t len,
                     llr_error *e)
{
    slot *s = find(path, e);
    if (!s)
        return -1;
    if (s->f) {
        if (fwrite(buf, 1, len, s->f) != len || fflush(s->f) != 0)
            return llr_fail(e, LLR_EIO, "%s: write failed: %s", path,
                            strerror(errno));
        return 0;
    }
    if (!s->direct &&
        (lseek(s->fd, 0, SEEK_SET) != 0 || ftruncate(s->fd, 0) != 0))
        return llr_fail(e, LLR_EIO, "%s: cannot rewrite: %s", path,
                        strerror(errno));
    if (write_all(s->fd, buf, len) != 0)
        return llr_fail(e, LLR_EIO, "%s: write failed: %s", path,
                        strerror(errno));
    return 0;
}

/* Close slot s: 0, or -1 with errno. */
static int finish(slot *s)
{
    int bad = 0, err = 0;
    if (s->f == stdout) {
        bad = fflush(stdout) != 0 || ferror(stdout);
        err = errno;
    } else if (s->f) {
        bad = fflush(s->f) != 0 || ferror(s->f) ||
              (!s->direct && fsync(fileno(s->f)) != 0);
        err = errno;
        if (fclose(s->f) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
    } else if (s->fd >= 0) {
        bad = !s->direct && fsync(s->fd) != 0;
        err = errno;
        if (close(s->fd) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
    }
    s->f = NULL;
    s->fd = -1;
    errno = err ? err : EIO;
    return bad ? -1 : 0;
}

static void clear(int from)
{
    for (int i = from; i < n_outs; i++)
        outs[i].tmp[0] = 0;
    n_outs = from;
    if (from == 0)
        n_ins = 0;
}

static void discard_from(int from)
{
    for (int i = from; i < n_outs; i++) {
        if (outs[i].f && outs[i].f != stdout)
            fclose(outs[i].f);
        else if (outs[i].fd >= 0)
            close(outs[i].fd);
        outs[i].f = NULL;
        outs[i].fd = -1;
        if (outs[i].tmp[0])
            unlink(outs[i].tmp);
    }
    clear(from);
}

void llr_outputs_discard(void)
{
    discard_from(0);
}

static int commit_from(int from, llr_error *e)
{
    for (int i = from; i < n_outs; i++)
        if (finish(&outs[i]) != 0) {
            int err = errno;
            llr_fail(e, LLR_EIO, "%s: cannot finish writing: %s",
                     outs[i].name, strerror(err));
            discard_from(from);
            return -1;
        }
    for (int i = from; i < n_outs; i++) {
        if (!outs[i].tmp[0])
            continue;
        if (rename(outs[i].tmp, outs[i].target) != 0) {
            int err = errno;
            llr_fail(e, LLR_EIO, "%s: cannot rename into place: %s",
                     outs[i].name, strerror(err));
            discard_from(from);
            return -1;
        }
        outs[i].tmp[0] = 0;
    }
    clear(from);
    return 0;
}

int llr_outputs_commit(llr_error *e)
{
    return commit_from(0, e);
}

int llr_output_write_now(const char *path, const void *buf, size_t len,
                         llr_error *e)
{
    if (llr_output_registered(path))
        return llr_output_write(path, buf, len, e);
    int from = n_outs;
    if (llr_output_add(path, e))
        return -1;
    if (llr_output_write(path, buf, len, e)) {
        discard_from(from);
        return -1;
    }
    return commit_from(from, e);
}

void llr_outputs_unlink_temps(void)
{
    int n = n_outs;
    for (int i = 0; i < n && i < LLR_OUTPUT_MAX; i++)
        if (outs[i].tmp[0])
            unlink(outs[i].tmp);
}
