/* calendar.h - the working-day calendar of Asia/Shanghai: weekends, public holidays and make-up
 * working days (调休) as data, and deadlines computed on it.
 *
 * Working days run 09:00-17:00 local time (8 working hours). A deadline of N working days ends
 * at 24:00 local time of the Nth working day after the start day; a deadline of N working hours
 * counts only the hours inside working days' 09:00-17:00. China keeps no daylight saving time, so
 * local time is UTC+8 throughout. */
#ifndef GG_CALENDAR_H
#define GG_CALENDAR_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

#define CAL_DAY_START_MIN (9 * 60) /* 09:00 */
#define CAL_DAY_END_MIN (17 * 60)  /* 17:00 */

/* An exception to the weekday rule. */
struct cal_day {
    int ymd;   /* 20260215 */
    char kind; /* 'h' holiday, 'w' make-up working day */
};

struct calendar {
    struct cal_day *days; /* sorted by ymd */
    int ndays;
};

/* A stage deadline: amount and unit 'h' (working hours), 'd' (working days) or 'c' (calendar
 * days, written "15cd": the seed's "两周内", "15天内"). */
struct sla {
    int amount;
    char unit;
};

/* Parse "4h" / "3d" / "15cd" (1-720 hours, 1-365 days); ERR_INVALID naming field otherwise. */
int sla_parse(const char *s, struct sla *out, const char *field, struct err *e);

/* Load every exception from calendar_days into cal (replacing its contents). */
int calendar_load(struct db *db, struct calendar *cal, struct err *e);
void calendar_free(struct calendar *cal);
/* 1 if the local date ymd (e.g. 20261001) is a working day (cal NULL: the weekday rule only). */
int calendar_is_workday(const struct calendar *cal, int ymd);
/* The instant (UTC seconds) when a stage that started at start (UTC seconds) is due. */
int64_t calendar_due(const struct calendar *cal, int64_t start, struct sla sla);
/* A deadline due (UTC seconds) extended by sla. A day deadline ends at 24:00 of its last day and
 * is stored as the next day's 00:00: extending it by N working days gives the end of the Nth
 * working day after that last day, not after the day of the stored instant. */
int64_t calendar_extend(const struct calendar *cal, int64_t due, struct sla sla);
/* A day deadline (24:00 local, stored as the next day's 00:00) as the last day it covers,
 * "YYYY-MM-DD" in out: 1; 0 for any other instant (an hour deadline), out untouched. */
int calendar_due_date(int64_t due, char out[16]);
/* Working seconds between two instants (for reporting how late a case is); 0 if to <= from. */
int64_t calendar_working_seconds(const struct calendar *cal, int64_t from, int64_t to);

/* Seed calendar_days from the shipped State Council data when the table is empty (in a write
 * transaction); returns the number of rows added. db must be the connection of a store_write
 * callback; call calendar_invalidate() after the commit if a snapshot may already be cached. */
int calendar_seed(struct db *db, int *added, struct err *e);

/* Import a calendar CSV (the format of data/calendar: date,kind,name, e.g. the State Council's
 * notice of a new year) in its own write transaction, replacing the days it names (source
 * 'import'); what names the file in errors (ERR_INVALID, field "line"). */
int calendar_import(struct store *s, const char *data, size_t len, const char *what, int *days,
                    struct err *e);

/* How far ahead the calendar knows the holidays: a year with any day in calendar_days counts as
 * covered to its 31 December. ok when that is at least CAL_HORIZON_DAYS days from now; past it a
 * deadline would silently treat holidays as working days. */
#define CAL_HORIZON_DAYS 60
struct cal_horizon {
    char covered_through[24]; /* "2026-12-31", or empty for an empty calendar */
    int64_t days_left;        /* from today (local) to that day; -1 when empty */
    int ok;
};
int calendar_horizon(struct db *db, int64_t now, struct cal_horizon *out, struct err *e);

/* A process-wide snapshot, reloaded from the store when older than 60 s or invalidated by a
 * calendar change in this process. The snapshot stays valid until calendar_cache_free().
 * A failed reload keeps serving the previous snapshot (logged); NULL only if none was loaded. */
const struct calendar *calendar_cached(struct db *db, struct err *e);
void calendar_invalidate(void);
void calendar_cache_free(void);

/* A year as the API shows it: {year, days, workdays, items: [{day, kind, name, source}]}, the
 * working days counted on exactly the exceptions listed (not on the cached snapshot). */
int calendar_year_json(struct db *db, struct arena *a, int year, json_t **out, struct err *e);
/* Set an exception ("holiday" or "workday", named name) as an administrator's, in its own
 * write transaction; *created tells a new day from a replaced one. The snapshot is invalidated. */
int calendar_day_put(struct store *s, const char *day, const char *kind, const char *name,
                     int *created, struct err *e);
/* Remove an exception (ERR_NOT_FOUND if the day has none), in its own write transaction. */
int calendar_day_delete(struct store *s, const char *day, struct err *e);

/* Dates and instants as the API writes them; years CAL_YEAR_MIN..CAL_YEAR_MAX. */
#define CAL_YEAR_MIN 1970
#define CAL_YEAR_MAX 2100
/* Parse "YYYY-MM-DD" (a real date) into ymd; ERR_INVALID naming field otherwise. */
int calendar_date_parse(const char *s, int *ymd, const char *field, struct err *e);
/* Days since 1970-01-01 of ymd, and back (proleptic Gregorian). */
int64_t calendar_days_from_ymd(int ymd);
int calendar_ymd_from_days(int64_t days);

#endif
