/* log.c - timestamped log lines to stderr, one write per line so threads do not interleave.
 * Access lines, one per request, are gathered in a buffer per thread that a flusher thread
 * writes out every 100 ms (or sooner when it fills), so the request path makes no system call
 * and takes no contended lock for them; any other line flushes the buffers first, so the log
 * stays in order. */
#include "core/log.h"
#include "core/arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ACCESS_BUF (64 * 1024)
#define FLUSH_MS 100

static enum log_level min_level = LOG_INFO;

/* one per thread that logs requests, on a list the flusher walks; never freed (threads of a
 * server live as long as it) */
struct logbuf {
    pthread_mutex_t mu; /* taken by its thread and, briefly, by the flusher */
    size_t len;
    struct logbuf *next;
    char data[ACCESS_BUF];
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct logbuf *buffers;
static _Thread_local struct logbuf *mine;

static pthread_t flusher;
static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t run_cv = PTHREAD_COND_INITIALIZER;
static _Atomic int flusher_running;
static int flusher_stop;

void log_set_level(enum log_level lvl)
{
    min_level = lvl;
}

int log_enabled(enum log_level lvl)
{
    return lvl >= min_level;
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

void log_flush(void)
{
    pthread_mutex_lock(&list_mu);
    for (struct logbuf *b = buffers; b; b = b->next) {
        pthread_mutex_lock(&b->mu);
        write_all(b->data, b->len);
        b->len = 0;
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&list_mu);
}

/* "2026-11-29T01:35:54.526Z info " into line; returns its length. */
static int prefix(char *line, size_t size, enum log_level lvl)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    /* the date and time to the second change once a second: format them once per thread */
    static _Thread_local time_t last_sec = -1;
    static _Thread_local char stamp[24];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != last_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        last_sec = ts.tv_sec;
    }
    return snprintf(line, size, "%s.%03ldZ %s ", stamp, ts.tv_nsec / 1000000, names[lvl]);
}

static size_t format_line(char *line, size_t size, enum log_level lvl, const char *fmt, va_list ap)
{
    int n = prefix(line, size, lvl);
    int m = vsnprintf(line + n, size - (size_t)n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)size - 2)
        n = (int)size - 2;
    line[n++] = '\n';
    return (size_t)n;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    char line[2048];
    if (lvl < min_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_line(line, sizeof(line), lvl, fmt, ap);
    va_end(ap);
    log_flush();
    write_all(line, n);
}

void log_access(const char *fmt, ...)
{
    char line[2048];
    if (LOG_INFO < min_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_line(line, sizeof(line), LOG_INFO, fmt, ap);
    va_end(ap);
    if (!flusher_running) { /* tools and tests: no flusher, write at once */
        write_all(line, n);
        return;
    }
    if (mine == NULL) {
        mine = xcalloc(1, sizeof(*mine));
        pthread_mutex_init(&mine->mu, NULL);
        pthread_mutex_lock(&list_mu);
        mine->next = buffers;
        buffers = mine;
        pthread_mutex_unlock(&list_mu);
    }
    pthread_mutex_lock(&mine->mu);
    if (mine->len + n > sizeof(mine->data)) {
        write_all(mine->data, mine->len);
        mine->len = 0;
    }
    memcpy(mine->data + mine->len, line, n);
    mine->len += n;
    pthread_mutex_unlock(&mine->mu);
}

static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&run_mu);
    while (!flusher_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&run_cv, &run_mu, &until);
        log_flush();
    }
    pthread_mutex_unlock(&run_mu);
    return NULL;
}

void log_start_flusher(void)
{
    if (flusher_running)
        return;
    flusher_stop = 0;
    if (pthread_create(&flusher, NULL, flusher_main, NULL) == 0)
        flusher_running = 1;
}

void log_stop_flusher(void)
{
    if (!flusher_running)
        return;
    pthread_mutex_lock(&run_mu);
    flusher_stop = 1;
    pthread_cond_signal(&run_cv);
    pthread_mutex_unlock(&run_mu);
    pthread_join(flusher, NULL);
    flusher_running = 0;
    log_flush();
}
