/* competition_rank.c - how a competition ranks its entries, with no store: the weights, the
 * judges' scores with the highest and the lowest dropped, and the order with its tie-break.
 * Values are integers in ten-thousandths of a point, so equal totals are exactly equal. */
#include "domain/competition.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

const char comp_tie_rule[] = "总分高者名次在前；总分相同的，依次比较权重较高指标的得分（权重相同"
                             "按指标列出顺序）；仍相同的并列，下一名次顺延";

int comp_weight_sum(const struct comp_criterion *cr, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += cr[i].weight;
    return sum;
}

int64_t comp_trimmed_mean(const int *tenths, int n)
{
    if (n <= 0)
        return 0;
    int64_t sum = 0;
    int lo = tenths[0], hi = tenths[0];
    for (int i = 0; i < n; i++) {
        sum += tenths[i];
        lo = tenths[i] < lo ? tenths[i] : lo;
        hi = tenths[i] > hi ? tenths[i] : hi;
    }
    int k = n;
    if (n >= 3) {
        sum -= lo + hi;
        k -= 2;
    }
    /* tenths x 1000 = ten-thousandths, rounded half up */
    return (sum * (COMP_SCALE / 10) * 2 + k) / (2 * k);
}

struct order_ctx {
    const int *by; /* criterion indexes, heavier first */
    int ncr;
};

static int compare(const struct comp_result *x, const struct comp_result *y,
                   const struct order_ctx *o)
{
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    for (int k = 0; k < o->ncr; k++) {
        int64_t a = x->value[o->by[k]], b = y->value[o->by[k]];
        if (a != b)
            return a > b ? -1 : 1;
    }
    return 0;
}

void comp_rank(struct arena *a, const struct comp_criterion *cr, int ncr, const int64_t *entries,
               int nen, const struct comp_score *sc, int nsc, int njudges, const int64_t *figures,
               struct comp_result *out)
{
    int *buf = arena_alloc(a, sizeof(int) * (size_t)(nsc > 0 ? nsc : 1));
    for (int i = 0; i < nen; i++) {
        struct comp_result *r = &out[i];
        memset(r, 0, sizeof(*r));
        r->entry = entries[i];
        r->value = arena_alloc(a, sizeof(int64_t) * (size_t)(ncr > 0 ? ncr : 1));
        r->nscores = arena_alloc(a, sizeof(int) * (size_t)(ncr > 0 ? ncr : 1));
        r->complete = 1;
        for (int k = 0; k < ncr; k++) {
            int n = 0;
            if (cr[k].rule == CR_JUDGES) {
                for (int j = 0; j < nsc; j++) {
                    if (sc[j].entry == entries[i] && sc[j].criterion == cr[k].id)
                        buf[n++] = sc[j].tenths;
                }
                r->value[k] = comp_trimmed_mean(buf, n);
                if (n < njudges || njudges == 0)
                    r->complete = 0;
            } else {
                r->value[k] = figures != NULL ? figures[i * ncr + k] : 0;
            }
            r->nscores[k] = n;
            r->total += (int64_t)cr[k].weight * r->value[k];
        }
        r->total = (r->total + 50) / 100;
    }
    /* criteria by weight, heavier first, then as listed (a stable insertion sort) */
    int *by = arena_alloc(a, sizeof(int) * (size_t)(ncr > 0 ? ncr : 1));
    for (int k = 0; k < ncr; k++) {
        int j = k;
        while (j > 0 && cr[by[j - 1]].weight < cr[k].weight) {
            by[j] = by[j - 1];
            j--;
        }
        by[j] = k;
    }
    struct order_ctx o = {by, ncr};
    /* insertion sort keeps equal entries in their given order: few entries per round */
    for (int i = 1; i < nen; i++) {
        struct comp_result x = out[i];
        int j = i;
        while (j > 0 && compare(&out[j - 1], &x, &o) > 0) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = x;
    }
    for (int i = 0; i < nen; i++)
        out[i].rank = i > 0 && compare(&out[i - 1], &out[i], &o) == 0 ? out[i - 1].rank : i + 1;
}

const char *comp_tenths_text(struct arena *a, int tenths)
{
    return tenths % 10 ? arena_printf(a, "%d.%d", tenths / 10, tenths % 10)
                       : arena_printf(a, "%d", tenths / 10);
}

const char *comp_value_text(struct arena *a, int64_t v)
{
    int64_t hundredths = (v + 50) / 100;
    return arena_printf(a, "%lld.%02lld", (long long)(hundredths / 100),
                        (long long)(hundredths % 100));
}
