#!/usr/bin/env python3
"""gen_residents.py - generated residents for bench/import.sh (python3's standard library only).

Writes --rows N residents of the demo's 博文社区 as a UTF-8 CSV with the Chinese header
(姓名,身份证号,手机号,网格,住址,类别), every row valid: a distinct GB 11643 identity number
(check character "10X98765432"[sum % 11], sequence 700-999 so none is one of the demo's own
residents), a distinct mobile 1[3-9]xxxxxxxxx, a place of the
demo (three grids and their community), a kind of 户籍居民 or 新居民. Deterministic for a --seed.

With --sql FILE it also writes the same rows as plain SQL for the raw-SQLite limit: one
transaction of INSERTs into the residents table as gridgov stores them (county, the identity
and phone numbers as base64url strings of a 24-byte nonce, a 16-byte MAC and the text, as
secretbox sealing makes them, a keyed BLAKE2b hex hash beside each, gender and birth date, the
times), and nothing else: no look-ups, no encryption, no savepoints.
"""
import argparse
import base64
import hashlib
import random
import sys

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# county-level codes of the kind a district's residents carry (all with known provinces)
REGIONS = ("330604", "330602", "330603", "330624", "330681", "330683", "330106", "330212",
           "341221", "412722", "511321", "522121", "362330", "431121", "452123", "610528")
PLACES = ("330604002007001", "330604002007002", "330604002007003", "330604002007")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红梅林玉珍宇浩然子涵欣怡梓轩一诺雨萱晨阳佳琪俊杰嘉豪思远文博"
ROADS = ("博文路", "百官大道", "市民大道", "江扬路", "舜江西路", "人民西路", "德盛路")
KINDS = ("户籍居民", "新居民")
EPOCH_DAYS = 365 * 55  # birth dates over 55 years from 1950-01-01


def idcard(i):
    """The i-th distinct identity number: region, birth date and sequence from i."""
    region = REGIONS[i % len(REGIONS)]
    j = i // len(REGIONS)
    day = j % EPOCH_DAYS
    seq = 700 + j // EPOCH_DAYS  # the demo's own people use sequences below 700
    y, m, d = ymd(day)
    body = "%s%04d%02d%02d%03d" % (region, y, m, d, seq)
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHECK[total % 11]


def ymd(day):
    y = 1950
    while True:
        n = 366 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 365
        if day < n:
            break
        day -= n
        y += 1
    months = [31, 29 if n == 366 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while day >= months[m]:
        day -= months[m]
        m += 1
    return y, m + 1, day + 1


def sealed(rng, text):
    raw = rng.randbytes(24 + 16) + text.encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--sql")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.rows < 1 or args.rows > 16 * EPOCH_DAYS * 300:
        sys.exit("gen_residents.py: --rows out of range")
    rng = random.Random(args.seed)
    key = hashlib.blake2b(b"gridgov-bench", digest_size=32).digest()
    sql = open(args.sql, "w", encoding="utf-8") if args.sql else None
    if sql:
        sql.write("PRAGMA journal_mode=WAL;\nPRAGMA foreign_keys=ON;\n"
                  "PRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-16000;\nBEGIN IMMEDIATE;\n")
    now = 1764547200
    with open(args.csv, "w", encoding="utf-8", newline="") as out:
        out.write("姓名,身份证号,手机号,网格,住址,类别\r\n")
        for i in range(args.rows):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN)
                                                  for _ in range(rng.randint(1, 2)))
            idn = idcard(i)
            phone = "1%010d" % (3300000000 + i * 7)  # distinct: 133..., 134..., up to 19...
            place = PLACES[i % len(PLACES)]
            addr = "曹娥街道%s%d号%d幢%d室" % (rng.choice(ROADS), rng.randint(1, 999),
                                         rng.randint(1, 30), rng.randint(101, 2604))
            kind = KINDS[1 if i % 3 == 2 else 0]
            out.write("%s,%s,%s,%s,%s,%s\r\n" % (name, idn, phone, place, addr, kind))
            if sql:
                ih = hashlib.blake2b(idn.encode(), key=key, digest_size=32).hexdigest()
                ph = hashlib.blake2b(phone.encode(), key=key, digest_size=32).hexdigest()
                gender = "male" if int(idn[16]) % 2 else "female"
                birth = "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14])
                sql.write(
                    "INSERT INTO residents (created_at, updated_at, county, name, id_number, "
                    "id_number_hash, gender, birth_date, phone, phone_hash, place_code, address, "
                    "kind, tags) VALUES (%d, %d, '330604', '%s', '%s', '%s', '%s', '%s', '%s', "
                    "'%s', '%s', '%s', '%s', '[]');\n"
                    % (now, now, name, sealed(rng, idn), ih, gender, birth, sealed(rng, phone),
                       ph, place, addr, "new" if kind == "新居民" else "local"))
    if sql:
        sql.write("COMMIT;\n")
        sql.close()


if __name__ == "__main__":
    main()
