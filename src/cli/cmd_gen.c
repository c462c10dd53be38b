/* llr gen isan|approx|table: generate a model file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/approx.h"
#include "cli/cli.h"
#include "models/isan.h"
#include "models/parity.h"
#include "models/table.h"

#define CMD "llr gen"

static void help(void)
{
    printf(
        "usage: llr gen isan   --vocab V --rank D --horizon T --seed S "
        "[--scale L] -o FILE [--json]\n"
        "       llr gen approx --vocab V --rank D --horizon T --seed S --eps E "
        "[--scale L] -o FILE [--json]\n"
        "       llr gen table  --vocab V --horizon T --seed S [--scale L] -o "
        "FILE [--json]\n"
        "       llr gen table  --from MODEL -o FILE [--json]\n"
        "       llr gen parity --bits n --noise NU [--secret HEX | --seed S] "
        "[--weight k] -o FILE\n"
        "\n"
        "isan    time-varying ISAN of dimension D: every centred logit lies "
        "in [-L, L]\n"
        "        and the logit rank is D at every cut where that is "
        "possible.\n"
        "approx  the ISAN of the same seed plus a prefix-dependent "
        "perturbation:\n"
        "        every centred logit moves by less than E, so the logit "
        "matrices are\n"
        "        full rank yet within E (max norm) of rank D.\n"
        "table   explicit logits for every prefix (N = 1 + V + ... + "
        "V^(T-1) rows):\n"
        "        random raw logits in [-L/2, L/2), or the exact table of "
        "MODEL.\n"
        "\n"
        "parity  noisy parity: T = n + 1, n uniform bits, then the label "
        "<s, x> mod 2\n"
        "        flipped with probability NU; rank 1 at every cut. The "
        "secret s is\n"
        "        HEX (bit i of the number is s_i), or drawn from S (with "
        "exactly k ones\n"
        "        when --weight k is given).\n"
        "\n"
        "  --scale L  logit scale (default 3)\n"
        "  -o FILE    output file, written atomically (safetensors)\n"
        "  --json     print a JSON summary\n");
}

int cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"vocab", required_argument, 0, 'V'},
        {"rank", required_argument, 0, 'd'},
        {"horizon", required_argument, 0, 'T'},
        {"seed", required_argument, 0, 's'},
        {"scale", required_argument, 0, 'L'},
        {"eps", required_argument, 0, 'e'},
        {"from", required_argument, 0, 'f'},
        {"bits", required_argument, 0, 'n'},
        {"noise", required_argument, 0, 'N'},
        {"secret", required_argument, 0, 'S'},
        {"weight", required_argument, 0, 'w'},
        {"output", required_argument, 0, 'o'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long V = -1, d = -1, T = -1;
    uint64_t seed = 0;
    int have_seed = 0, json = 0, have_eps = 0;
    double scale = 3.0, eps = 0;
    const char *out = NULL, *from = NULL, *hex = NULL;
    long long bits = -1, weight = 0;
    double noise = -1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'V':
            if (cli_int(CMD, "--vocab", optarg, 2, LLR_MAX_VOCAB, &V))
                return EXIT_USAGE;
            break;
        case 'd':
            if (cli_int(CMD, "--rank", optarg, 1, LLR_MAX_RANK, &d))
                return EXIT_USAGE;
            break;
        case 'T':
            if (cli_int(CMD, "--horizon", optarg, 1, LLR_MAX_HORIZON, &T))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            have_seed = 1;
            break;
        case 'L':
            if (cli_double(CMD, "--scale", optarg, 1e-12, 1e6, &scale))
                return EXIT_USAGE;
            break;
        case 'e':
            if (cli_double(CMD, "--eps", optarg, 0, 1e6, &eps))
                return EXIT_USAGE;
            have_eps = 1;
            break;
        case 'f': from = optarg; break;
        case 'n':
            if (cli_int(CMD, "--bits", optarg, 1, LLR_MAX_HORIZON - 1, &bits))
                return EXIT_USAGE;
            break;
        case 'N':
            if (cli_double(CMD, "--noise", optarg, 1e-12, 0.499999, &noise))
                return EXIT_USAGE;
            break;
        case 'S': hex = optarg; break;
        case 'w':
            if (cli_int(CMD, "--weight", optarg, 1, LLR_MAX_HORIZON, &weight))
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage(CMD, "which kind: isan, approx or table?");
    const char *kind = argv[optind];
    if (optind + 1 < argc)
        return cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
    if (!out)
        return cli_usage(CMD, "-o FILE is required");
    if (cli_stage(CMD, from, out, (char *)NULL))
        return EXIT_FAIL;
    int is_isan = !strcmp(kind, "isan"), is_approx = !strcmp(kind, "approx");
    int is_table = !strcmp(kind, "table"), is_parity = !strcmp(kind, "parity");
    if (!is_isan && !is_approx && !is_table && !is_parity)
        return cli_usage(CMD, "unknown kind '%s' (isan, approx, table or "
                              "parity)", kind);
    if (!is_parity && (bits >= 0 || noise >= 0 || hex || weight))
        return cli_usage(CMD, "--bits, --noise, --secret and --weight apply "
                              "to parity only");
    if (is_parity) {
        if (bits < 0)
            return cli_usage(CMD, "--bits is required");
        if (noise < 0)
            return cli_usage(CMD, "--noise is required");
        if (!hex == !have_seed)
            return cli_usage(CMD, "give exactly one of --secret and --seed");
        if (hex && weight)
            return cli_usage(CMD, "--weight goes with --seed");
        if (weight > bits)
            return cli_usage(CMD, "--weight %lld exceeds --bits %lld", weight,
                             bits);
        if (V >= 0 || T >= 0 || d >= 0 || have_eps || from)
            return cli_usage(CMD, "parity takes --bits, --noise and --secret "
                                  "or --seed");
    } else if (is_table && from) {
        if (V >= 0 || T >= 0 || d >= 0 || have_seed || have_eps)
            return cli_usage(CMD, "--from takes no other model options");
    } else {
        if (V < 0)
            return cli_usage(CMD, "--vocab is required");
        if (T < 0)
            return cli_usage(CMD, "--horizon is required");
        if (!have_seed)
            return cli_usage(CMD, "--seed is required");
        if (!is_table && d < 0)
            return cli_usage(CMD, "--rank is required");
        if (is_table && d >= 0)
            return cli_usage(CMD, "a table has no --rank");
        if (is_approx && !have_eps)
            return cli_usage(CMD, "--eps is required for approx");
        if (!is_approx && have_eps)
            return cli_usage(CMD, "--eps applies to approx only");
        if (from)
            return cli_usage(CMD, "--from applies to table only");
    }

    llr_error e;
    llr_model *m = NULL;
    int rc;
    if (is_parity) {
        unsigned char *sec = malloc((size_t)bits);
        rc = !sec ? llr_fail(&e, LLR_ENOMEM, "out of memory")
             : hex ? llr_parity_secret_from_hex((int)bits, hex, sec, &e)
                   : llr_parity_secret_from_seed((int)bits, seed, (int)weight,
                                                 sec, &e);
        if (rc == 0)
            rc = llr_parity_new((int)bits, sec, noise, &m, &e);
        free(sec);
    } else if (is_isan)
        rc = llr_isan_generate((int)V, (int)d, (int)T, seed, scale, &m, &e);
    else if (is_approx)
        rc = llr_approx_generate((int)V, (int)d, (int)T, seed, scale, eps, &m,
                                 &e);
    else if (!from)
        rc = llr_table_generate((int)V, (int)T, seed, scale, &m, &e);
    else {
        llr_model *src;
        if (cli_load(CMD, from, &src))
            return EXIT_FAIL;
        rc = llr_table_from_model(src, &m, &e);
        llr_model_free(src);
    }
    if (rc == 0)
        rc = llr_model_save(m, out, &e);
    if (rc) {
        llr_model_free(m);
        return cli_fail(CMD, &e);
    }
    if (cli_commit(CMD)) {
        llr_model_free(m);
        return EXIT_FAIL;
    }
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i}", "file", out, "kind",
                              m->ops->kind, "vocab", m->V, "horizon", m->T);
        json_object_set_new(o, "rank", m->d ? json_integer(m->d) : json_null());
        if (!from && have_seed)
            json_object_set_new(o, "seed", json_integer((json_int_t)seed));
        if (!from && !is_parity)
            json_object_set_new(o, "scale", json_real(scale));
        if (is_parity)
            json_object_set_new(o, "noise", json_real(noise));
        if (is_approx)
            json_object_set_new(o, "eps", json_real(eps));
        cli_json(o);
    } else {
        printf("wrote %s: %s, V=%d, T=%d", out, m->ops->kind, m->V, m->T);
        if (m->d)
            printf(", d=%d", m->d);
        if (is_isan || is_approx)
            printf(", ISAN centred logits in [-%g, %g]", scale, scale);
        if (is_approx)
            printf(", perturbation < %g", eps);
        if (is_parity) {
            int w = 0;
            const unsigned char *sec = llr_parity_secret(m, NULL);
            for (int i = 0; i < bits; i++)
                w += sec[i];
            printf(", noisy parity of %lld bits, secret weight %d, noise %g",
                   bits, w, noise);
        }
        printf("\n");
    }
    llr_model_free(m);
    return EXIT_OK;
}
