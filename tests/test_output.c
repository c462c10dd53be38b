/* test_output.c - staged outputs (base/output.h, docs/reliability.md). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/output.h"
#include "helpers.h"

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static int tmp_left(const char *p)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s.tmp.* >/dev/null 2>&1", p);
    return system(cmd) == 0;
}

Test(output, discard_writes_nothing_commit_writes_all)
{
    llr_error e;
    char a[600], b[600];
    snprintf(a, sizeof a, "%s", tmp_path("staged_a"));
    snprintf(b, sizeof b, "%s", tmp_path("staged_b"));
    cr_assert(llr_output_add(a, &e) == 0, "%s", e.msg);
    cr_assert(llr_output_add(b, &e) == 0, "%s", e.msg);
    cr_assert(llr_write_atomic(a, "model", 5, &e) == 0, "%s", e.msg);
    FILE *f = llr_output_stream(b, &e);
    cr_assert(f != NULL, "%s", e.msg);
    fputs("trace\n", f);
    /* Staged, not yet in place. */
    cr_assert(!exists(a) && !exists(b));
    llr_outputs_discard();
    cr_assert(!exists(a) && !exists(b));
    cr_assert(!tmp_left(a) && !tmp_left(b));
    /* Again, committed: both in place, no temporary file. */
    cr_assert(llr_output_add(a, &e) == 0, "%s", e.msg);
    cr_assert(llr_output_add(b, &e) == 0, "%s", e.msg);
    cr_assert(llr_write_atomic(a, "model", 5, &e) == 0, "%s", e.msg);
    f = llr_output_stream(b, &e);
    cr_assert(f != NULL, "%s", e.msg);
    fputs("trace\n", f);
    cr_assert(llr_outputs_commit(&e) == 0, "%s", e.msg);
    unsigned char *buf;
    size_t len;
    cr_assert(llr_read_file(a, &buf, &len, &e) == 0);
    cr_assert(len == 5 && !memcmp(buf, "model", 5));
    free(buf);
    cr_assert(llr_read_file(b, &buf, &len, &e) == 0);
    cr_assert(len == 6 && !memcmp(buf, "trace\n", 6));
    free(buf);
    cr_assert(!tmp_left(a) && !tmp_left(b));
}

Test(output, collisions_and_missing_directories_refused_up_front)
{
    llr_error e;
    char in[600], out[600], lnk[600], bad[600];
    snprintf(in, sizeof in, "%s", tmp_path("coll_in"));
    snprintf(out, sizeof out, "%s", tmp_path("coll_out"));
    snprintf(lnk, sizeof lnk, "%s", tmp_path("coll_link"));
    snprintf(bad, sizeof bad, "%s", tmp_path("no/such/dir/x"));
    cr_assert(llr_write_atomic(in, "in", 2, &e) == 0, "%s", e.msg);
    cr_assert(symlink(in, lnk) == 0);
    cr_assert(llr_output_input(in, &e) == 0);
    cr_assert(llr_output_add(lnk, &e) != 0);
    assert_code(e, LLR_EINPUT);
    cr_assert(llr_output_add(out, &e) == 0, "%s", e.msg);
    cr_assert(llr_output_add(out, &e) != 0);
    assert_code(e, LLR_EINPUT);
    cr_assert(llr_output_add(bad, &e) != 0);
    assert_code(e, LLR_EIO);
    cr_assert(strstr(e.msg, "cannot write there") != NULL, "%s", e.msg);
    llr_outputs_discard();
    cr_assert(!exists(out) && !tmp_left(out));
}

Test(output, existing_mode_kept_symlink_followed)
{
    llr_error e;
    char f[600], l[600];
    snprintf(f, sizeof f, "%s", tmp_path("mode600"));
    snprintf(l, sizeof l, "%s", tmp_path("mode600_link"));
    cr_assert(llr_write_atomic(f, "old", 3, &e) == 0, "%s", e.msg);
    cr_assert(chmod(f, 0600) == 0);
    cr_assert(symlink(f, l) == 0);
    cr_assert(llr_write_atomic(l, "new!", 4, &e) == 0, "%s", e.msg);
    struct stat st;
    cr_assert(lstat(l, &st) == 0 && S_ISLNK(st.st_mode));
    cr_assert(stat(f, &st) == 0 && (st.st_mode & 07777) == 0600);
    cr_assert(st.st_size == 4);
}
