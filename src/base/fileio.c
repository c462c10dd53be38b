#include "base/fileio.h"
#include "base/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int llr_read_file(const char *path, unsigned char **buf, size_t *len,
                  llr_error *e)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO that nobody writes to would block
     * forever; it is refused below as not a regular file. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return llr_fail(e, LLR_EIO,
                        "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return llr_fail(e, LLR_EIO,
                        "%s: cannot stat: %s", path, strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return llr_fail(e, LLR_EINPUT, "%s: not a regular file", path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *b = malloc(n + 1);
    if (!b) {
        close(fd);
        return llr_fail(e, LLR_ENOMEM,
                        "%s: out of memory reading %zu bytes", path, n);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int err = r < 0 ? errno : 0;
            free(b);
            close(fd);
            return llr_fail(e, LLR_EIO, "%s: read failed: %s", path,
                            err ? strerror(err) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

int llr_write_atomic(const char *path, const void *buf, size_t len,
                     llr_error *e)
{
    return llr_output_write_now(path, buf, len, e);
}
