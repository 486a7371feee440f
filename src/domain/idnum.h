/* idnum.h - identity numbers in the registry of residents: citizen identity numbers (GB
 * 11643-1999), mainland phone numbers and unified social credit codes (GB 32100-2015) checked and
 * normalised, and the masks that show them without the characters that identify a person.
 *
 * The checks trim surrounding whitespace, accept lower-case letters and write the normalised
 * form to out; on failure they return ERR_INVALID naming field and the reason, and leave out an
 * empty string. */
#ifndef GG_IDNUM_H
#define GG_IDNUM_H

#include "core/err.h"

/* A citizen identity number: 17 digits and a check character (digit or X), a province-level
 * region prefix (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82, 83), a real birth date
 * YYYYMMDD from 1900-01-01 to today (China time) and the ISO 7064 MOD 11-2 check character.
 * out receives the 18 characters with an upper-case X. */
int idcard_check(const char *in, char out[19], struct err *e, const char *field);
/* The MOD 11-2 check character ('0'-'9' or 'X') of the first 17 digits; 0 if one is no digit. */
char idcard_check_char(const char body17[17]);
/* The birth date "YYYY-MM-DD" of a checked number; "" if id18 has no 8 digits at 7-14. */
void idcard_birth(const char *id18, char out[11]);
/* "male" (odd 17th digit) or "female" (even) for a checked number; NULL if id18 is shorter than
 * 17 characters or its 17th is no digit. */
const char *idcard_gender(const char *id18);

/* A mainland mobile number, 1[3-9] and 9 digits after an optional +86 or 86 (out: the 11
 * digits), or a fixed line: area code 0 + 2 or 3 digits (3 for 0[3-9]..), an optional '-' or
 * space, a local number of 7-8 digits starting 2-9 and an optional extension "-" + 1-6 digits
 * (out: "0575-82123456" or "0575-82123456-8001"). */
int phone_check(const char *in, char out[24], struct err *e, const char *field);

/* A unified social credit code: 18 characters of 0-9 A-H J-N P-R T U W-Y (no I O Z S V); the
 * registration authority (1-9, A-H, N or Y), the type (1-9), the 6-digit administrative division
 * code, the organisation code of GB 11714 with its own check character (characters 9-17) and
 * the check character of GB 32100. out receives the code in upper case. */
int credit_code_check(const char *in, char out[19], struct err *e, const char *field);
/* The GB 32100 check character of the first 17 characters (upper case); 0 if one is outside the
 * code's alphabet. */
char credit_code_check_char(const char body17[17]);
/* The GB 11714 check character ('0'-'9' or 'X') of an organisation code's first 8 characters
 * (digits and upper-case letters); 0 if one is neither. */
char orgcode_check_char(const char body8[8]);

/* For display: the first 6 and the last 4 characters of an identity number, a '*' for each one
 * between ("330604********1234"). Input shorter than 15 characters, or with any character other
 * than printable ASCII, becomes all stars (one per character); at most 23 characters out. */
void mask_idcard(const char *id, char out[24]);
/* For display: a fixed line (0 + area code, at least 7 local digits) keeps its area code,
 * separators and the last 2 digits of the local number ("0575-******56", an extension all
 * stars); anything else of 11 characters or more keeps the first 3 and the last 4 ("138****5678"),
 * of 7 to 10 only the last 2; shorter input, or any character other than printable ASCII,
 * becomes all stars (one per character). At most 31 characters out. */
void mask_phone(const char *p, char out[32]);

#endif
