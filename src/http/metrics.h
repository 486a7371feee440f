/* metrics.h - request counters and latency histograms per route, in Prometheus text format. */
#ifndef GG_METRICS_H
#define GG_METRICS_H

#include "core/buf.h"
#include "store/store.h"

void metrics_init(int nroutes);
void metrics_free(void);
/* route index nroutes stands for "no route matched" */
void metrics_observe(int route, int status, double seconds);
int metrics_render(struct buf *out, struct store *s, double uptime);

#endif
