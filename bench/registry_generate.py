"""A synthetic Indonesian beneficiary (mustahik) registry with known duplicates.

    python -m bench.registry_generate --count 100000 --out registry.csv [--seed 2026] [--duplicate-share 0.2]

Batch deduplication can only be measured on a registry whose true persons are known, and a real
one cannot leave the institution. This module simulates one, in pure Python and deterministically
from a seed, with the difficulties the registry of a zakat institution really has:

* names from Faker ``id_ID`` plus the Indonesian variants that make one person look like several:
  single Javanese names (Suparman, Sumiati), Muhammad/Mohammad/Moh./Muh./M., Siti/Sitti/St.,
  Nur/Noor/Nurul, Abdul/Abd., honorifics (H., Hj., Ir., Dr.) and degrees (", S.Pd.") written on
  one list and not on the next, the pre-1972 spelling (Soe-, Dj-, Tj-) of older people;
* a NIK that ``stdnum.id.nik`` accepts: the province and regency codes of the registry's place
  (taken from python-stdnum's own table, so they are real), a district code, the birth date as
  DDMMYY with 40 added to the day for women, and a serial; a KK (family card) number shared by
  the members of a household;
* households: several members registered together share the KK, the address and often the phone,
  and sometimes a family name or even a birth date (twins). They are different people, and so
  are the many "Siti Aminah" and "Suparman" of a regency: these are the hard negatives;
* duplicates: the same person registered again at another branch, with what a second clerk
  really writes: a typo, another variant of the name, the title dropped, the name parts swapped,
  the day and month of the birth date swapped, no NIK (no KTP at hand), another phone or none,
  the village written differently, sometimes a move to another village.

Each record has ``id`` (1..n, shuffled) and ``entity_id`` (the true person; a duplicate shares
it with the person's first registration): everything else is what a registry would hold.
"""

import argparse
import csv
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker
from stdnum import numdb

from satuatap.regions import dataset as regions_dataset

SEED = 2026
REFERENCE_YEAR = 2026
COLUMNS = [
    *("id", "entity_id", "full_name", "nik", "kk", "birth_date", "birth_place", "sex", "phone"),
    *("province", "regency", "district", "village", "street", "rt", "rw"),
]
# People per regency of the registry: a national institution's branches cover a few dozen
# regencies, and the density (not the national size) is what makes names collide.
PEOPLE_PER_REGENCY = 2500
# Zakat beneficiaries are registered mostly where Muslims are; relative weights per province code.
PROVINCE_WEIGHTS = {"31": 5, "32": 6, "33": 6, "34": 3, "35": 6, "36": 4, "11": 2, "12": 2, "13": 2}
PROVINCE_WEIGHTS |= {"14": 1, "15": 1, "16": 2, "18": 2, "52": 2, "61": 1, "63": 1, "64": 1, "73": 2, "75": 1}

JAVANESE_MALE = [
    *("Suparman", "Sutrisno", "Slamet", "Sugiyono", "Sukirman", "Suyanto", "Sumarno", "Wagiman", "Tukiman"),
    *("Bejo", "Parmin", "Kasiman", "Sarimin", "Paijo", "Ngadiman", "Sudarsono", "Sugiarto", "Suharto"),
    *("Sudirman", "Joko", "Bambang", "Darmo", "Sukarno", "Sukardi", "Mulyono", "Cipto", "Sutarno", "Jumadi"),
]
JAVANESE_FEMALE = [
    *("Sumiati", "Suwarni", "Sulastri", "Wartini", "Painem", "Tumini", "Sukarni", "Sumarni", "Suparmi"),
    *("Ngatini", "Sriyani", "Warsini", "Sumini", "Juminah", "Tukinah", "Parinem", "Kasmini", "Rukmini"),
    *("Sutinah", "Jumiati", "Darsih", "Karsinah", "Wagini", "Cicih", "Suminah"),
]
JAVANESE_SECOND = ["Riyadi", "Widodo", "Raharjo", "Santoso", "Hartono", "Wibowo", "Prayitno", "Rahayu", "Lestari"]
ISLAMIC_MALE = [
    *("Ahmad", "Hasan", "Husein", "Umar", "Usman", "Ali", "Yusuf", "Ibrahim", "Ismail", "Hamzah", "Ilham"),
    *("Rizky", "Fauzi", "Arif", "Rahmat", "Hidayat", "Syaiful", "Zainal", "Fadli", "Ridwan", "Anwar"),
    *("Jamal", "Kholil", "Mahmud", "Nasrul", "Lukman", "Zulkifli", "Ridho", "Fikri", "Hafiz"),
]
ABDUL_SECOND = ["Rahman", "Aziz", "Hamid", "Karim", "Latif", "Majid", "Wahab", "Rahim", "Malik", "Gani", "Halim"]
SITI_SECOND = [
    *("Aminah", "Fatimah", "Khadijah", "Aisyah", "Rahmawati", "Nurhaliza", "Zubaidah", "Maryam", "Rohmah"),
    *("Halimah", "Zulaikha", "Komariah", "Salamah", "Hajar", "Julaeha", "Rukayah", "Sarah"),
]
NUR_SECOND = ["Hidayah", "Aini", "Hasanah", "Laila", "Jannah", "Azizah", "Fitriani", "Khasanah", "Cahyani"]
NURUL_SECOND = ["Huda", "Fitri", "Aini", "Hidayah", "Izzah", "Fajri", "Qomariyah"]
# Full names so frequent that a regency has several different people of that name.
COMMON_MALE = [
    ["<M>", "Rizki"],
    ["Ahmad", "Fauzi"],
    ["Suparman"],
    ["<M>", "Ilham"],
    ["Slamet"],
    ["Agus", "Salim"],
    ["<M>", "Yusuf"],
    ["Ahmad", "Hidayat"],
]
COMMON_FEMALE = [
    ["<SITI>", "Aminah"],
    ["Sri", "Wahyuni"],
    ["Sumiati"],
    ["<SITI>", "Fatimah"],
    ["<NUR>", "Hidayah"],
    ["<SITI>", "Khadijah"],
    ["Sri", "Rahayu"],
    ["<SITI>", "Nurhaliza"],
]
# Name parts written in several ways; a token "<M>" in a name is rendered as one of these.
VARIANTS = {
    "<M>": ["Muhammad"] * 4 + ["Mohammad", "Moh.", "Muh.", "M.", "Muhamad", "Mochammad"],
    "<SITI>": ["Siti"] * 4 + ["Sitti", "St."],
    "<NUR>": ["Nur", "Nur", "Noor"],
    "<ABDUL>": ["Abdul", "Abdul", "Abd."],
}
DEGREES = ["S.Pd.", "S.Ag.", "S.E.", "S.H.", "S.Pd.I.", "A.Md."]
DISTRICT_PARTS = (
    ["Kali", "Gunung", "Karang", "Tanjung", "Sungai", "Pasir", "Batu", "Kota", "Bukit", "Pulau", "Teluk"],
    ["Baru", "Tengah", "Jaya", "Sari", "Anyar", "Asri", "Kidul", "Lor", "Wetan", "Kulon", "Mas", "Utara"],
)
VILLAGE_PARTS = (
    ["Suka", "Sido", "Karang", "Tegal", "Sumber", "Kebon", "Marga", "Purwo", "Sri", "Mekar", "Wono", "Banjar"],
    ["maju", "jadi", "mulya", "rejo", "sari", "asri", "makmur", "harjo", "agung", "jaya", "mukti", "wangi"],
)
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "823", "852", "853", "856", "857", "858", "877", "878", "895"]
SIMILAR_LETTERS = {"a": "e", "e": "i", "i": "y", "o": "u", "u": "o", "y": "i", "k": "q", "s": "z", "d": "t", "n": "m"}


@dataclass
class Place:
    """A village with the codes and names of its district, regency and province."""

    code: str  # 6 digits: province, regency, district (the first half of a NIK)
    province: str
    regency: str
    district: str
    village: str


@dataclass
class Household:
    """Members registered together: one KK (family card), one address."""

    place: Place
    kk: str
    street: str
    rt: str
    rw: str
    phone: str = ""


@dataclass
class Person:
    """A true person; ``tokens`` may hold variant markers ("<M>") rendered differently per registration."""

    household: Household
    sex: str
    birth_date: date
    birth_place: str
    tokens: list[str]
    nik: str
    phone: str
    title: str = ""
    degree: str = ""
    old_spelling: bool = False
    variants: dict[str, str] = field(default_factory=dict)
    entity_id: int = 0  # numbered once the person is kept


def _regencies() -> list[tuple[str, str, str]]:
    """(4-digit code, province name, regency name) from python-stdnum's table of NIK places."""
    out = []
    for _length, province_code, _high, province_info, regencies in numdb.get("id/loc").prefixes:
        if province_code not in PROVINCE_WEIGHTS:
            continue
        for _length, regency_code, _high, regency_info, _children in regencies:
            name = regency_info["name_id"].title()
            kind = "Kota" if int(regency_code) >= 71 else "Kabupaten"
            out.append((province_code + regency_code, province_info["name_id"], f"{kind} {name}"))
    return out


def _old_spelling(word: str) -> str:
    """The pre-1972 spelling of a name part: Suparman -> Soeparman, Joko -> Djoko, Cipto -> Tjipto."""
    if len(word) > 2 and word[1] == "u":
        word = word[0] + "oe" + word[2:]
    return word.replace("j", "dj").replace("J", "Dj").replace("c", "tj").replace("C", "Tj")


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard inside a word (never its first letter): substitution, deletion,
    doubled letter or two letters transposed."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        letter = word[i].lower()
        return word[:i] + SIMILAR_LETTERS.get(letter, "a" if letter != "a" else "e") + word[i + 1 :]
    if kind < 0.55:
        return word[:i] + word[i + 1 :]
    if kind < 0.8:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class Registry:
    """The simulation: places, households and persons, then their registrations."""

    def __init__(self, count: int, seed: int):
        self.rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.serials: dict[str, int] = {}
        self.phones: set[str] = set()
        self.places = self._places(max(1, round(count / PEOPLE_PER_REGENCY)))

    # -- places and numbers --------------------------------------------------------------------

    def _places(self, regency_count: int) -> list[Place]:
        rng = self.rng
        regencies = _regencies()
        weights = [PROVINCE_WEIGHTS[code[:2]] for code, _, _ in regencies]
        chosen: dict[str, tuple[str, str, str]] = {}
        while len(chosen) < min(regency_count, len(regencies)):
            regency = rng.choices(regencies, weights)[0]
            chosen[regency[0]] = regency
        places = []
        # A NIK's district digits must be a real district of its regency (the official list in
        # satuatap/regions/data); a regency no longer on it keeps the numbers 01, 02, ...
        real = sorted(regions_dataset.district_digits())
        for code, province, regency in sorted(chosen.values()):
            numbers = [d[4:] for d in real if d[:4] == code] or [f"{n:02d}" for n in range(1, 9)]
            districts = self._distinct_names(DISTRICT_PARTS, rng.randint(4, 8), " ")
            for number, district in enumerate(districts):
                place = f"{code}{numbers[number % len(numbers)]}"
                for village in self._distinct_names(VILLAGE_PARTS, rng.randint(4, 8), ""):
                    places.append(Place(place, province, regency, district, village))
        return places

    def _distinct_names(self, parts: tuple[list[str], list[str]], count: int, joiner: str) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            name = joiner.join((self.rng.choice(parts[0]), self.rng.choice(parts[1])))
            if name not in names:
                names.append(name)
        return names

    def _serial(self, prefix: str) -> str:
        """The next 4-digit serial for a 12-digit prefix, so numbers are unique."""
        self.serials[prefix] = self.serials.get(prefix, 0) + 1
        return f"{prefix}{self.serials[prefix]:04d}"

    def _nik(self, code: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "F" else 0)
        return self._serial(f"{code}{day:02d}{birth.month:02d}{birth.year % 100:02d}")

    def _kk(self, code: str) -> str:
        issued = date(2005, 1, 1) + timedelta(days=self.rng.randint(0, 7300))
        return self._serial(f"{code}{issued:%d%m%y}")

    def _phone(self) -> str:
        while True:
            number = f"+62{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(1_000_000, 99_999_999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    # -- people --------------------------------------------------------------------------------

    def _given_name(self, sex: str, born: date) -> list[str]:
        rng, fake = self.rng, self.fake
        roll = rng.random()
        if roll < 0.04:
            return list(rng.choice(COMMON_MALE if sex == "M" else COMMON_FEMALE))
        if sex == "M":
            if roll < 0.22 and born.year < 1990:
                name = [rng.choice(JAVANESE_MALE)]
                return name + [rng.choice(JAVANESE_SECOND)] if rng.random() < 0.3 else name
            if roll < 0.40:
                return ["<M>", rng.choice(ISLAMIC_MALE + [fake.first_name_male()])] + self._maybe_last(sex, 0.4)
            if roll < 0.48:
                return ["<ABDUL>", rng.choice(ABDUL_SECOND)] + self._maybe_last(sex, 0.3)
            if roll < 0.62:
                return [rng.choice(ISLAMIC_MALE)] + self._maybe_last(sex, 0.7)
            return [fake.first_name_male()] + self._maybe_last(sex, 0.75)
        if roll < 0.22 and born.year < 1990:
            return [rng.choice(JAVANESE_FEMALE)]
        if roll < 0.40:
            return ["<SITI>", rng.choice(SITI_SECOND + [fake.first_name_female()])]
        if roll < 0.47:
            return ["<NUR>", rng.choice(NUR_SECOND)]
        if roll < 0.52:
            return ["Nurul", rng.choice(NURUL_SECOND)]
        return [fake.first_name_female()] + self._maybe_last(sex, 0.7)

    def _maybe_last(self, sex: str, share: float) -> list[str]:
        if self.rng.random() >= share:
            return []
        return [self.fake.last_name_male() if sex == "M" else self.fake.last_name_female()]

    def _person(self, household: Household, sex: str, born: date, tokens: list[str]) -> Person:
        rng = self.rng
        place = household.place
        age = REFERENCE_YEAR - born.year
        title = ""
        if age >= 45 and rng.random() < 0.07:
            title = "H." if sex == "M" else "Hj."
        elif age >= 25 and rng.random() < 0.01:
            title = rng.choice(["Ir.", "Dr."])
        birth_place = place.regency.split(" ", 1)[1] if rng.random() < 0.8 else rng.choice(self.places).regency
        return Person(
            household=household,
            sex=sex,
            birth_date=born,
            birth_place=birth_place.removeprefix("Kabupaten ").removeprefix("Kota "),
            tokens=tokens,
            nik=self._nik(place.code, born, sex) if rng.random() < 0.9 else "",
            phone="",
            title=title,
            degree=rng.choice(DEGREES) if age >= 23 and rng.random() < 0.03 else "",
            old_spelling=born.year < 1965 and rng.random() < 0.35,
        )

    def _birth(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1)
        return start + timedelta(days=self.rng.randint(0, (date(last_year, 12, 31) - start).days))

    def households(self, people: int) -> list[Person]:
        """Persons by household until ``people`` persons exist: a head, often a spouse, sometimes
        children (twins included) and a family name they share."""
        rng, fake = self.rng, self.fake
        persons: list[Person] = []
        while len(persons) < people:
            place = rng.choice(self.places)
            household = Household(
                place=place,
                kk=self._kk(place.code) if rng.random() < 0.92 else "",
                street=f"{fake.street_name()} No. {rng.randint(1, 150)}",
                rt=f"{rng.randint(1, 15):03d}",
                rw=f"{rng.randint(1, 9):03d}",
            )
            head_sex = "M" if rng.random() < 0.7 else "F"
            head_born = self._birth(1940, 1998)
            head = self._person(household, head_sex, head_born, self._given_name(head_sex, head_born))
            head.phone = household.phone = self._phone() if rng.random() < 0.8 else ""
            members = [head]
            if head_sex == "M" and rng.random() < 0.45:
                born = self._birth(min(head_born.year + 1, 1998), min(head_born.year + 8, 2000))
                members.append(self._person(household, "F", born, self._given_name("F", born)))
            family_name = head.tokens[-1] if len(head.tokens) > 1 and rng.random() < 0.4 else ""
            children = rng.choice([0, 0, 0, 0, 1, 1, 2, 3])
            last_child: Person | None = None
            for _ in range(children):
                sex = rng.choice("MF")
                twin = last_child is not None and rng.random() < 0.03
                born = self._birth(head_born.year + 20, min(head_born.year + 42, 2024))
                if twin:
                    born = last_child.birth_date
                tokens = self._given_name(sex, born)
                if family_name and tokens[-1] != family_name:
                    tokens = tokens[:2] + [family_name]
                last_child = self._person(household, sex, born, tokens)
                members.append(last_child)
            for member in members[1:]:
                shared = rng.random()
                grown = REFERENCE_YEAR - member.birth_date.year >= 17
                member.phone = household.phone if shared < 0.35 else (self._phone() if grown and shared < 0.75 else "")
            for member in members[: people - len(persons)]:
                member.entity_id = len(persons) + 1
                persons.append(member)
        return persons

    # -- registrations -------------------------------------------------------------------------

    def name(self, person: Person, duplicate: bool) -> str:
        """The name as a clerk writes it: the person's usual variants the first time; on a later
        registration other variants, a title dropped or added, old spelling, a typo, parts swapped."""
        rng = self.rng
        words = []
        for token in person.tokens:
            if token in VARIANTS:
                usual = person.variants.setdefault(token, rng.choice(VARIANTS[token]))
                word = rng.choice(VARIANTS[token]) if duplicate and rng.random() < 0.5 else usual
            else:
                word = _old_spelling(token) if person.old_spelling and rng.random() < 0.7 else token
            words.append(word)
        if duplicate:
            roll = rng.random()
            if roll < 0.22:
                candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
                if candidates:
                    i = rng.choice(candidates)
                    words[i] = _typo(rng, words[i])
            elif roll < 0.28 and len(words) >= 2:
                words = words[1:] + words[:1]
            elif roll < 0.32 and len(words) >= 3:
                del words[rng.randrange(1, len(words) - 1)]
            elif roll < 0.36 and len(words) >= 2 and len(words[0]) <= 5 and words[0].isalpha():
                words = [words[0] + words[1].lower()] + words[2:]
        name = " ".join(words)
        if person.title and rng.random() < 0.6:
            name = f"{person.title} {name}"
        if person.degree and rng.random() < 0.6:
            name = f"{name}, {person.degree}"
        return name.upper() if rng.random() < 0.15 else name

    def registration(self, person: Person, duplicate: bool) -> dict:
        """One record of ``person``; a duplicate is a later registration at another branch."""
        rng = self.rng
        household = person.household
        place = household.place
        moved = duplicate and rng.random() < 0.08
        if moved:
            nearby = [p for p in self.places if p.code[:4] == place.code[:4]] if rng.random() < 0.8 else self.places
            place = rng.choice(nearby)
            street = f"{self.fake.street_name()} No. {rng.randint(1, 150)}"
            rt, rw = f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 9):03d}"
        else:
            street, rt, rw = household.street, household.rt, household.rw
            if duplicate and rng.random() < 0.2:
                rt = rw = ""
        nik = person.nik if rng.random() < (0.65 if duplicate else 0.88) else ""
        if nik and duplicate and rng.random() < 0.03:
            nik = nik[:-1] + str((int(nik[-1]) + rng.randint(1, 9)) % 10)
        birth: date | None = person.birth_date
        if rng.random() < (0.1 if duplicate else 0.04):
            birth = None
        elif duplicate and birth.day <= 12 and birth.day != birth.month and rng.random() < 0.1:
            birth = birth.replace(month=birth.day, day=birth.month)
        elif duplicate and (birth.month, birth.day) != (2, 29) and rng.random() < 0.03:
            birth = birth.replace(year=birth.year + rng.choice([-1, 1]))
        phone = person.phone
        if duplicate:
            roll = rng.random()
            phone = phone if roll < 0.55 else (self._phone() if roll < 0.75 else "")
        kk = household.kk if household.kk and rng.random() < (0.6 if duplicate else 0.85) else ""
        if kk and duplicate and (moved or rng.random() < 0.05):
            kk = self._kk(place.code)  # a new family card: married, divorced or moved since
        sex = person.sex
        if duplicate and rng.random() < 0.005:
            sex = "F" if sex == "M" else "M"
        village = place.village
        if duplicate and rng.random() < 0.3:
            village = self._village_variant(village)
        return {
            "id": 0,
            "entity_id": person.entity_id,
            "full_name": self.name(person, duplicate),
            "nik": nik,
            "kk": kk,
            "birth_date": birth,
            "birth_place": person.birth_place if not duplicate or rng.random() < 0.7 else "",
            "sex": sex,
            "phone": phone,
            "province": place.province,
            "regency": place.regency if not duplicate or rng.random() < 0.7 else place.regency.split(" ", 1)[1],
            "district": place.district,
            "village": village,
            "street": street if not duplicate or rng.random() < 0.8 else street.replace("Jl.", "Jalan"),
            "rt": rt,
            "rw": rw,
        }

    def _village_variant(self, village: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return f"{rng.choice(['Desa', 'Kel.', 'Kelurahan', 'Ds.'])} {village}"
        if roll < 0.55:
            split = next((len(p) for p in VILLAGE_PARTS[0] if village.startswith(p)), 0)
            return f"{village[:split]} {village[split:].capitalize()}" if split else village
        if roll < 0.8:
            return village.upper()
        return _typo(rng, village)


def generate(count: int, *, seed: int = SEED, duplicate_share: float = 0.2) -> list[dict]:
    """``count`` registrations, ``duplicate_share`` of them later registrations of an earlier person.

    Records come shuffled with ids 1..count; ``entity_id`` names the true person. The same
    arguments always give the same records.
    """
    if count <= 0:
        return []
    registry = Registry(count, seed)
    rng = registry.rng
    duplicates = min(round(count * duplicate_share), count - 1)
    persons = registry.households(count - duplicates)
    records = [registry.registration(person, duplicate=False) for person in persons]
    records += [registry.registration(rng.choice(persons), duplicate=True) for _ in range(duplicates)]
    rng.shuffle(records)
    for number, record in enumerate(records, start=1):
        record["id"] = number
    return records


def write_csv(records: list[dict], path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "birth_date": record["birth_date"].isoformat() if record["birth_date"] else ""})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--duplicate-share", type=float, default=0.2)
    parser.add_argument("--out", required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    records = generate(args.count, seed=args.seed, duplicate_share=args.duplicate_share)
    write_csv(records, args.out)
    entities = len({record["entity_id"] for record in records})
    seconds = time.perf_counter() - started
    print(f"{len(records):,} records of {entities:,} persons written to {args.out} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
