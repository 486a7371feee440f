#!/usr/bin/env python3
"""idnum_crosscheck.py - python3-stdnum's verdicts on 10,000 citizen identity numbers and 10,000
unified social credit codes, for test_idnum.c (environment variable IDNUM_CROSSCHECK).

Usage: idnum_crosscheck.py OUTFILE [SEED]
Writes one line per number: KIND<TAB>NUMBER<TAB>VERDICT, KIND "ric" or "uscc", VERDICT 1 if
stdnum.cn.ric / stdnum.cn.uscc accepts the number, else 0.

The numbers are generated only where stdnum and gridgov's reading of the standards should agree;
they differ on purpose elsewhere, and those cases are tested in test_idnum.c alone:

  identity numbers (GB 11643-1999; stdnum.cn.ric):
  - stdnum looks the first 6 digits up in its copy of GB/T 2260 (cn/loc.dat, counties only,
    current and former) and knows no 71 (Taiwan), 81, 82 or 83 (residence permits of Hong Kong,
    Macau and Taiwan residents, 810000/820000/830000); gridgov checks only the province-level
    prefix, so that a county code newer than stdnum's data (or a residence permit) is accepted.
    Valid samples therefore take their 6 digits from stdnum's own data, invalid ones a 2-digit
    prefix that is no province-level code at all.
  - stdnum accepts any real date of years 1-9999; gridgov only 1900-01-01 to today. Valid samples
    are born from 1900-01-01 to two days ago; impossible dates are impossible in every year.
  unified social credit codes (GB 32100-2015; stdnum.cn.uscc):
  - stdnum wants digits in positions 1-8, so it rejects the registration authorities A-H, N and
    Y of the standard's table (N2... codes of rural collective economic organisations and Y1...
    are real); gridgov accepts them, and rejects authority 0 and entity type 0, which stdnum
    accepts. Samples use authorities 1-9 and types 1-9.
  - stdnum does not check the organisation code's own check character (position 17, GB 11714);
    gridgov does. Every sample has a correct one.
  - stdnum removes spaces and '-' anywhere in a credit code; gridgov only trims the ends.
    Samples have no inner separators (surrounding spaces only).
"""

import datetime
import random
import sys

from stdnum import numdb
from stdnum.cn import ric, uscc

# province-level prefixes gridgov accepts (src/domain/idnum.c, region_known)
PROVINCES = set(range(11, 16)) | set(range(21, 24)) | set(range(31, 38)) | set(range(41, 47)) \
    | set(range(50, 55)) | set(range(61, 66)) | {71, 81, 82, 83}
ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'


def ric_check(body17):
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    c = (12 - sum(int(d) * w for d, w in zip(body17, weights)) % 11) % 11
    return 'X' if c == 10 else str(c)


def org_check(body8):
    s = sum((int(c) if c.isdigit() else ord(c) - ord('A') + 10) * w
            for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2)))
    c = 11 - s % 11
    return '0' if c == 11 else 'X' if c == 10 else str(c)


def uscc_check(body17):
    s = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body17))
    return ALPHABET[(31 - s % 31) % 31]


def counties():
    """6-digit codes of stdnum's region data whose province gridgov knows."""
    out = []
    for length, low, high, _props, _children in numdb.get('cn/loc').prefixes:
        if length == 6 and low == high and int(low[:2]) in PROVINCES:
            out.append(low)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: idnum_crosscheck.py OUTFILE [SEED]')
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) == 3 else 11643)
    regions = counties()
    first = datetime.date(1900, 1, 1).toordinal()
    last = (datetime.date.today() - datetime.timedelta(days=2)).toordinal()
    this_year = datetime.date.today().year

    def birth():
        return datetime.date.fromordinal(rnd.randint(first, last)).strftime('%Y%m%d')

    def seq():
        return '%03d' % rnd.randint(0, 999)

    def valid_ric():
        body = rnd.choice(regions) + birth() + seq()
        return body + ric_check(body)

    def impossible_date():
        y = rnd.randint(1900, this_year)
        kind = rnd.randrange(6)
        if kind == 0:
            return '%04d02%02d' % (y, rnd.randint(30, 31))
        if kind == 1:  # 29 February of a common year (1900 is one)
            y = rnd.choice([yy for yy in range(1900, this_year + 1)
                            if yy % 4 or (yy % 100 == 0 and yy % 400)])
            return '%04d0229' % y
        if kind == 2:
            return '%04d%02d31' % (y, rnd.choice([4, 6, 9, 11]))
        if kind == 3:
            return '%04d%02d%02d' % (y, rnd.choice([0] + list(range(13, 100))), rnd.randint(1, 28))
        if kind == 4:
            return '%04d%02d00' % (y, rnd.randint(1, 12))
        return '%04d%02d%02d' % (y, rnd.randint(1, 12), rnd.randint(32, 99))

    ids = []
    for _ in range(4000):  # valid
        ids.append(valid_ric())
    for _ in range(1500):  # a wrong check character
        n = valid_ric()
        ids.append(n[:17] + rnd.choice([c for c in '0123456789X' if c != n[17]]))
    for _ in range(1500):  # an impossible birth date, mostly with a right check character
        body = rnd.choice(regions) + impossible_date() + seq()
        ids.append(body + (ric_check(body) if rnd.random() < 0.8 else rnd.choice('0123456789X')))
    for _ in range(800):  # a prefix that is no province-level region code
        p = rnd.choice([p for p in range(100) if p not in PROVINCES])
        body = '%02d%04d' % (p, rnd.randint(0, 9999)) + birth() + seq()
        ids.append(body + ric_check(body))
    for _ in range(800):  # a wrong length: the old 15 digits, one too few or many, others
        n = valid_ric()
        kind = rnd.randrange(5)
        if kind == 0:
            ids.append(n[:6] + n[8:14] + n[14:17])
        elif kind == 1:
            ids.append(n[:17])
        elif kind == 2:
            ids.append(n + rnd.choice('0123456789X'))
        elif kind == 3:
            i = rnd.randrange(17)
            ids.append(n[:i] + n[i + 1:])
        else:
            ids.append(n[:rnd.randint(0, 16)] if rnd.random() < 0.5 else n + n[:rnd.randint(2, 8)])
    while len(ids) < 9000:  # check character X written as a lower-case x
        n = valid_ric()
        if n[17] == 'X':
            ids.append(n[:17] + 'x')
    for _ in range(600):  # a character other than a digit among the first 17
        n = valid_ric()
        i = rnd.randrange(17)
        ids.append(n[:i] + rnd.choice('ABXxOo/.#*+') + n[i + 1:])
    for _ in range(400):  # surrounding spaces
        ids.append(' ' * rnd.randint(0, 3) + valid_ric() + ' ' * rnd.randint(0, 3))

    def valid_uscc(authority=None):
        head = (authority or rnd.choice('123456789')) + rnd.choice('123456789') + \
            (rnd.choice(regions) if rnd.random() < 0.7 else '%06d' % rnd.randint(0, 999999))
        # organisation codes: digits, and the letters of the alphabet in some ("MA..." codes)
        if rnd.random() < 0.5:
            org = ''.join(rnd.choice('0123456789') for _ in range(8))
        else:
            org = 'MA' + ''.join(rnd.choice(ALPHABET) for _ in range(6))
        body = head + org + org_check(org)
        return body + uscc_check(body)

    codes = []
    for _ in range(4000):  # valid
        codes.append(valid_uscc())
    for _ in range(2000):  # a wrong check character
        n = valid_uscc()
        codes.append(n[:17] + rnd.choice([c for c in ALPHABET if c != n[17]]))
    for _ in range(1500):  # a letter the alphabet leaves out (I O Z S V)
        n = valid_uscc()
        i = rnd.randrange(18)
        codes.append(n[:i] + rnd.choice('IOZSV') + n[i + 1:])
    for _ in range(1000):  # a wrong length
        n = valid_uscc()
        codes.append(n[:rnd.randint(0, 17)] if rnd.random() < 0.5 else n + rnd.choice(ALPHABET))
    for _ in range(500):  # a letter in the division code
        n = valid_uscc()
        i = rnd.randrange(2, 8)
        codes.append(n[:i] + rnd.choice('ABCDEFGHJKLMNPQRTUWXY') + n[i + 1:])
    for _ in range(1000):  # lower case, surrounding spaces
        codes.append(' ' * rnd.randint(0, 2) + valid_uscc().lower() + ' ' * rnd.randint(0, 2))

    valid = 0
    with open(sys.argv[1], 'w', encoding='ascii') as f:
        for kind, module, numbers in (('ric', ric, ids), ('uscc', uscc, codes)):
            for n in numbers:
                ok = module.is_valid(n)
                valid += ok
                f.write('%s\t%s\t%d\n' % (kind, n, ok))
    print('idnum_crosscheck: %d identity numbers, %d credit codes, %d valid by stdnum'
          % (len(ids), len(codes), valid), file=sys.stderr)


if __name__ == '__main__':
    main()
