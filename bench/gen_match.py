#!/usr/bin/env python3
"""gen_match.py - new residents and party rosters for bench/match.sh (python3's standard library only).

Writes three UTF-8 CSVs that `gridgov import` reads, so that every identity and phone number is
sealed and hashed by gridgov itself:
  residents.csv      --registrations N new residents (name, a distinct valid GB 11643 identity
                     number, a distinct mobile, one of the --places given, kind new)
  registrations.csv  one registration per resident: the resident's id (--resident-base + row),
                     the registration date, the place of origin as text and division code (the
                     region of the identity number)
  rosters.csv        --rosters M rows of members who left their home places: name, identity
                     number (or none), birth date, phone (or none), origin organisation, origin
                     as text and division code
Among the rosters hide --hidden members of the new residents, in six kinds: the same identity
number (40 %), a name one character off without identity number (20 %), month and day of the
birth date swapped (10 %), a mistyped identity number (another sequence number, 10 %), only a
phone (10 %) and a birth date one digit off (10 %); and --false-friends rows with the name of a
new resident but another birth date and origin. pairs.csv lists "kind,resident_row,roster_row"
(0-based rows of the files) for the hidden members and the false friends. Deterministic for a
--seed.
"""
import argparse
import random
import sys

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# counties new residents come from: code, text
ORIGINS = (
    ("341221", "安徽省阜阳市临泉县"), ("341222", "安徽省阜阳市太和县"),
    ("341623", "安徽省亳州市利辛县"), ("412722", "河南省周口市商水县"),
    ("412723", "河南省周口市沈丘县"), ("411526", "河南省信阳市潢川县"),
    ("511321", "四川省南充市南部县"), ("511623", "四川省广安市邻水县"),
    ("522427", "贵州省毕节市威宁彝族回族苗族自治县"), ("361128", "江西省上饶市鄱阳县"),
    ("431121", "湖南省永州市祁阳县"), ("610528", "陕西省渭南市富平县"),
    ("532128", "云南省昭通市镇雄县"), ("450721", "广西壮族自治区钦州市灵山县"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红梅林玉珍宇浩然子涵欣怡梓轩一诺雨萱晨阳佳琪俊嘉豪思远文博春秋冬雪松柏海波峰岩鹏飞云龙凤燕"
KINDS = ("exact",) * 4 + ("name_one_off",) * 2 + ("birth_swapped", "id_typo", "phone_only",
                                                   "birth_one_off")


def days_in(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def check_char(body):
    return CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


class Ids:
    """Distinct identity numbers and phones across both files."""

    def __init__(self, rng):
        self.rng, self.ids, self.phones = rng, set(), set()

    def idnum(self, region, y, m, d):
        for _ in range(1000):
            # sequences 500-999: none is one of the demo's own residents (000-440)
            body = "%s%04d%02d%02d%03d" % (region, y, m, d, self.rng.randint(500, 999))
            idn = body + check_char(body)
            if idn not in self.ids:
                self.ids.add(idn)
                return idn
        sys.exit("gen_match.py: identity numbers exhausted")

    def phone(self):
        while True:
            p = "1%d%09d" % (self.rng.randint(3, 9), self.rng.randint(0, 999999999))
            if p not in self.phones:
                self.phones.add(p)
                return p


def person(rng):
    y = rng.randint(1960, 2004)
    m = rng.randint(1, 12)
    d = rng.randint(1, days_in(y, m))
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return name, rng.choice(ORIGINS), (y, m, d)


def date(ymd):
    return "%04d-%02d-%02d" % ymd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--registrations", type=int, default=80000)
    ap.add_argument("--rosters", type=int, default=200000)
    ap.add_argument("--hidden", type=int, default=1000)
    ap.add_argument("--false-friends", type=int, default=1000)
    ap.add_argument("--places", required=True, help="comma-separated place codes")
    ap.add_argument("--resident-base", type=int, required=True,
                    help="the id the first imported resident gets, minus one")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    n, m = a.registrations, a.rosters
    if n < 1 or m < a.hidden + a.false_friends or a.hidden > n or a.false_friends > n:
        sys.exit("gen_match.py: need rosters >= hidden + false friends, both <= registrations")
    rng = random.Random(a.seed)
    ids = Ids(rng)
    places = a.places.split(",")

    people = []  # name, (code, text), (y, m, d), idnum, phone
    with open(a.dir + "/residents.csv", "w", encoding="utf-8", newline="") as res, \
            open(a.dir + "/registrations.csv", "w", encoding="utf-8", newline="") as reg:
        res.write("name,id_number,phone,place,address,kind\r\n")
        reg.write("resident,registered_on,origin,origin_code\r\n")
        for i in range(n):
            name, origin, ymd = person(rng)
            idn = ids.idnum(origin[0], *ymd)
            phone = ids.phone()
            people.append((name, origin, ymd, idn, phone))
            res.write("%s,%s,%s,%s,出租房%d号,new\r\n" % (name, idn, phone, places[i % len(places)],
                                                       i + 1))
            reg.write("%d,2026-%02d-%02d,%s,%s\r\n" % (a.resident_base + i + 1, rng.randint(1, 10),
                                                       rng.randint(1, 28), origin[1], origin[0]))

    def swappable(r):
        _, _, (_, mo, d), _, _ = people[r]
        return mo != d and d <= 12

    special = {}  # roster row -> (kind, resident row)
    slots = rng.sample(range(m), a.hidden + a.false_friends)
    used = set()
    for k in range(a.hidden):
        kind = KINDS[k % len(KINDS)]
        while True:  # distinct residents; a swapped birth date needs a day of 12 or less
            r = rng.randrange(n)
            if r not in used and (kind != "birth_swapped" or swappable(r)):
                break
        used.add(r)
        special[slots[k]] = (kind, r)
    friend_rows = rng.sample(range(n), a.false_friends)
    for k, r in enumerate(friend_rows):
        special[slots[a.hidden + k]] = ("false_friend", r)

    with open(a.dir + "/rosters.csv", "w", encoding="utf-8", newline="") as ros, \
            open(a.dir + "/pairs.csv", "w", encoding="utf-8", newline="") as pairs:
        ros.write("name,id_number,birth_date,phone,origin_org,origin,origin_code\r\n")
        for j in range(m):
            kind, r = special.get(j, (None, None))
            if kind is None:
                name, origin, ymd = person(rng)
                idn = ids.idnum(origin[0], *ymd) if rng.random() < 0.85 else ""
                birth = "" if idn else date(ymd)
                phone = ids.phone() if rng.random() < 0.5 else ""
            else:
                name, origin, ymd, rid, rphone = people[r]
                idn, birth, phone = "", date(ymd), ""
                y, mo, d = ymd
                pairs.write("%s,%d,%d\n" % (kind, r, j))
                if kind == "exact":
                    idn, birth = rid, ""
                elif kind == "name_one_off":
                    last = name[-1]
                    name = name[:-1] + rng.choice([c for c in GIVEN if c != last])
                elif kind == "birth_swapped":
                    birth = date((y, d, mo))
                elif kind == "birth_one_off":
                    if d % 10 != 9 and d < days_in(y, mo):
                        birth = date((y, mo, d + 1))
                    elif d % 10 != 0:
                        birth = date((y, mo, d - 1))
                    else:  # the 30th, last of its month: the year one off
                        birth = date((y + 1 if y % 10 != 9 else y - 1, mo, d))
                elif kind == "id_typo":
                    idn, birth = ids.idnum(origin[0], y, mo, d), ""
                elif kind == "phone_only":
                    birth, phone = "", rphone
                elif kind == "false_friend":
                    while True:
                        _, o2, ymd2 = person(rng)
                        if o2[0][:2] != origin[0][:2] and abs(ymd2[0] - y) > 1:
                            break
                    origin, birth = o2, date(ymd2)
            org = "%s%s党委" % (origin[1], rng.choice(("城关镇", "新集镇", "老集镇", "黄岭镇")))
            ros.write("%s,%s,%s,%s,%s,%s,%s\r\n" % (name, idn, birth, phone, org, origin[1],
                                                     origin[0]))


if __name__ == "__main__":
    main()
