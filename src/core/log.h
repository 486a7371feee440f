/* log.h - leveled logging to stderr, one line per event, in English. */
#ifndef GG_LOG_H
#define GG_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_enabled(enum log_level lvl);
/* One access line per request (at info level), buffered; see log.c. */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush(void);
/* A thread that writes buffered access lines every 100 ms; stop it before exiting. */
void log_start_flusher(void);
void log_stop_flusher(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
