"""Pools the demo borough draws from: names by background, streets, postcodes, ethnicity mix.

Built once per run from Faker's en_GB lists (read directly, so no Faker random state is involved)
plus short lists of names common in London boroughs that Faker under-represents. Every draw after
that goes through the generator's seeded random.Random, so a seed always gives the same borough.
"""

import itertools
from bisect import bisect
from dataclasses import dataclass

from faker.providers.person.en_GB import Provider as EnGbNames

# A London-ish mix of children's ethnicity (CIN census codes), roughly an outer London borough.
ETHNICITY_WEIGHTS = {
    "WBRI": 34.0, "WIRI": 1.5, "WOTH": 14.0, "WIRT": 0.3, "WROM": 0.7,
    "MWBC": 2.5, "MWBA": 1.5, "MWAS": 2.5, "MOTH": 4.0,
    "AIND": 6.5, "APKN": 3.0, "ABAN": 2.5, "AOTH": 5.0,
    "BCRB": 3.0, "BAFR": 8.0, "BOTH": 1.5, "CHNE": 1.2, "OOTH": 5.8,
    "REFU": 0.5, "NOBT": 2.0,
}  # fmt: skip

# Which name pool a household of each ethnicity draws from; the parents' ethnicity for mixed.
NAME_GROUP = {
    "WBRI": "british", "WIRI": "irish", "WOTH": "european", "WIRT": "irish", "WROM": "european",
    "AIND": "indian", "APKN": "pakistani", "ABAN": "bangladeshi", "AOTH": "asian_other",
    "BCRB": "caribbean", "BAFR": "african", "BOTH": "african", "CHNE": "chinese",
    "OOTH": "middle_eastern", "REFU": "british", "NOBT": "british",
}  # fmt: skip
# Mixed children: (one parent's ethnicity, the other's).
MIXED_PARENTS = {
    "MWBC": ("WBRI", "BCRB"),
    "MWBA": ("WBRI", "BAFR"),
    "MWAS": ("WBRI", "AIND"),
    "MOTH": ("WOTH", "OOTH"),
}


def _zipf(names, exponent):
    """Weights falling with rank, so the first names in a list are the most common."""
    return {name: 1.0 / (rank**exponent) for rank, name in enumerate(names, start=1)}


# Children's names are modern; adults' are the Faker en_GB lists (names of adults today).
BRITISH_BOYS = """Oliver Noah George Arthur Leo Muhammad Harry Oscar Archie Henry Theodore Freddie
Jack Charlie Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Edward
Adam Ethan Joshua Reggie Harrison Albie Jaxon Max Hugo Louie Dylan Riley Mason Elijah Toby Jude
Logan Ronnie Rory Ezra Reuben Sonny Louis Jake Liam Kai Callum Tyler Kyle Connor""".split()
BRITISH_GIRLS = """Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella
Grace Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie Matilda
Ruby Maya Isabelle Alice Bonnie Luna Ellie Eva Chloe Jessica Lola Holly Hallie Amber Erin Megan
Aria Layla Mila Esme Maisie Lacey Skye Summer Jasmine Katie Paige""".split()
IRISH_SURNAMES = """Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill Doyle McCarthy
Gallagher Doherty Kennedy Lynch Murray Quinn Moore McLaughlin Carroll Connolly Daly Brennan
Collins Flynn""".split()
IRISH_MEN = "Sean Patrick Michael Conor Ciaran Declan Liam Eoin Niall Padraig Kieran Aidan".split()
IRISH_WOMEN = "Siobhan Niamh Aoife Ciara Sinead Roisin Orla Mary Bridget Saoirse Grainne".split()
EUROPEAN_SURNAMES = """Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Popescu Ionescu Popa
Dumitru Stan Rossi Russo Ferrari Silva Santos Ferreira Pereira Oliveira Costa Garcia Fernandez
Lopez Kaya Yilmaz Demir Horvath Nagy Petrov Ivanova Kazlauskas Jankauskas Berzins Ozola Papadopoulos
Kovacs Novak Dvorak Muller Schmidt""".split()
EUROPEAN_MEN = """Piotr Jakub Tomasz Krzysztof Andrei Mihai Alexandru Marco Luca Joao Tiago Miguel
Pedro Adrian Stefan Lukas Mateusz Daniel Filip Nikolai Dimitri Marius""".split()
EUROPEAN_WOMEN = """Anna Zofia Maria Katarzyna Agnieszka Ioana Elena Andreea Giulia Francesca
Ana Beatriz Ines Joana Laura Alina Natalia Monika Julia Oana Karolina Daria""".split()
INDIAN_SURNAMES = """Patel Shah Singh Kaur Sharma Gupta Mehta Desai Joshi Kumar Parmar Mistry
Chauhan Solanki Thakkar Modi Rao Reddy Nair Pillai Iyer Bhatt Gill Sandhu Dhillon""".split()
INDIAN_MEN = """Arjun Rohan Aarav Vihaan Dev Raj Amit Sanjay Vikram Harpreet Gurpreet Jaswinder
Rajesh Suresh Anil Nikhil Krish Aryan Ishaan Kabir""".split()
INDIAN_WOMEN = """Priya Anaya Aanya Diya Asha Kavita Sunita Neha Pooja Harleen Simran Manpreet
Jaspreet Anjali Riya Meera Isha Navya Saanvi Kiran""".split()
PAKISTANI_SURNAMES = """Khan Hussain Ahmed Ali Akhtar Mahmood Iqbal Butt Malik Qureshi Raza Shah
Bibi Aslam Anwar Riaz Sheikh Chaudhry Mirza Rashid""".split()
BANGLADESHI_SURNAMES = """Begum Rahman Islam Uddin Miah Ahmed Hossain Khatun Ali Chowdhury
Hoque Akter Alam Karim Sarkar""".split()
MUSLIM_MEN = """Mohammed Muhammad Ali Omar Ibrahim Yusuf Hamza Ahmed Zain Abdul Bilal Imran Tariq
Usman Hassan Adam Ismail Zakariya Ayaan Rayyan""".split()
MUSLIM_WOMEN = """Aisha Fatima Maryam Zainab Amira Ayesha Khadija Sana Hafsa Noor Inaaya Zara
Iman Safa Amina Hana Nadia Rukhsana Shazia Sumaiya""".split()
ASIAN_OTHER_SURNAMES = """Perera Fernando Silva Jayasuriya Gurung Tamang Rai Nguyen Tran Santos
Reyes Cruz Ahmadi Rahimi""".split()
AFRICAN_SURNAMES = """Okafor Adeyemi Mensah Osei Asante Boateng Okonkwo Adebayo Olawale Eze
Nwosu Mohamed Abdi Hassan Ali Warsame Yusuf Omar Ibrahim Kamara Mwangi Otieno Ogunleye Owusu
Appiah Oyelaran Afolabi Bello""".split()
AFRICAN_MEN = """Oluwaseun Chidi Kwame Kofi Emeka Tunde Samuel David Daniel Abdirahman Mohamed
Abdullahi Ibrahim Michael Joseph Emmanuel Isaac Victor Femi Chinedu""".split()
AFRICAN_WOMEN = """Ngozi Chiamaka Adaeze Abena Akosua Funmilayo Blessing Grace Esther Faith Hodan
Fadumo Ifrah Amina Ruth Deborah Precious Temitope Folake Comfort""".split()
CARIBBEAN_SURNAMES = """Campbell Brown Williams Thompson Johnson Francis Grant Clarke Reid Henry
Lewis Morgan Wright Bailey Stewart Daley Forbes Gayle Spencer Richards""".split()
CARIBBEAN_MEN = """Marcus Tyrone Jermaine Andre Leon Dwayne Kareem Devon Nathaniel Curtis Wayne
Courtney Jerome Kemar""".split()
CARIBBEAN_WOMEN = """Shanice Keisha Tanisha Chantelle Jade Simone Natalie Monique Marcia Beverley
Janelle Aaliyah Tiana Kiara""".split()
CHINESE_SURNAMES = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Wong Chan Lee Cheung".split()
CHINESE_MEN = "Wei Jun Hao Ming Jian Lei Yi Chen Kai Tao Ryan Jason Kevin Daniel".split()
CHINESE_WOMEN = "Mei Ying Li Xin Yan Jing Hui Lin Jia Amy Grace Vivian Jenny".split()
MIDDLE_EASTERN_SURNAMES = """Ahmadi Hosseini Karimi Rezaei Mohammadi Hassan Abbas Saleh Haddad
Nasser Aziz Yildiz Aydin Sahin Celik Kurdi Barzani Hamid Jaber Darwish""".split()


# Short lists lack the long tail of real names, so draws from them are kept flat (given names
# rank-weighted gently, surnames nearly evenly); Bangladeshi and Pakistani surnames really are
# concentrated (Begum, Khan, Ahmed…). British surnames carry Faker's real frequencies.
SURNAME_EXPONENT = 0.2
# Surnames only women carry (a man drawing one draws again); Sikh women are Kaur, men Singh.
FEMALE_ONLY_SURNAMES = {"Begum", "Khatun", "Bibi", "Akter", "Kaur"}


@dataclass
class WeightedPool:
    """Draw with rng.random() and a binary search over cumulative weights (fast for big pools)."""

    items: list
    cumulative: list

    @classmethod
    def of(cls, weights: dict) -> "WeightedPool":
        items = list(weights)
        return cls(items, list(itertools.accumulate(weights[i] for i in items)))

    def draw(self, rng):
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _pool(*lists_with_weight, exponent=0.5):
    weights = {}
    for names, share in lists_with_weight:
        for name, weight in _zipf(names, exponent).items():
            weights[name] = weights.get(name, 0.0) + weight * share
    return WeightedPool.of(weights)


@dataclass
class NamePools:
    """Surnames, adults' and children's given names for one background."""

    surnames: WeightedPool
    men: WeightedPool
    women: WeightedPool
    boys: WeightedPool
    girls: WeightedPool


def build_name_pools() -> dict[str, NamePools]:
    faker_surnames = WeightedPool.of(dict(EnGbNames.last_names))
    faker_men = list(EnGbNames.first_names_male)
    faker_women = list(EnGbNames.first_names_female)
    british = NamePools(
        surnames=faker_surnames,
        men=_pool((faker_men, 1.0)),
        women=_pool((faker_women, 1.0)),
        boys=_pool((BRITISH_BOYS, 1.0)),
        girls=_pool((BRITISH_GIRLS, 1.0)),
    )
    muslim_boys = _pool((MUSLIM_MEN, 1.0), (BRITISH_BOYS[:10], 0.2))
    muslim_girls = _pool((MUSLIM_WOMEN, 1.0), (BRITISH_GIRLS[:10], 0.2))
    return {
        "british": british,
        "irish": NamePools(
            _pool((IRISH_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((IRISH_MEN, 1.0), (faker_men, 0.5)),
            _pool((IRISH_WOMEN, 1.0), (faker_women, 0.5)),
            _pool((IRISH_MEN, 0.5), (BRITISH_BOYS, 1.0)),
            _pool((IRISH_WOMEN, 0.5), (BRITISH_GIRLS, 1.0)),
        ),
        "european": NamePools(
            _pool((EUROPEAN_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((EUROPEAN_MEN, 1.0)),
            _pool((EUROPEAN_WOMEN, 1.0)),
            _pool((EUROPEAN_MEN, 0.6), (BRITISH_BOYS, 0.6)),
            _pool((EUROPEAN_WOMEN, 0.6), (BRITISH_GIRLS, 0.6)),
        ),
        "indian": NamePools(
            _pool((INDIAN_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((INDIAN_MEN, 1.0)),
            _pool((INDIAN_WOMEN, 1.0)),
            _pool((INDIAN_MEN, 1.0)),
            _pool((INDIAN_WOMEN, 1.0)),
        ),
        "pakistani": NamePools(
            _pool((PAKISTANI_SURNAMES, 1.0), exponent=0.6),
            _pool((MUSLIM_MEN, 1.0)),
            _pool((MUSLIM_WOMEN, 1.0)),
            muslim_boys,
            muslim_girls,
        ),
        "bangladeshi": NamePools(
            _pool((BANGLADESHI_SURNAMES, 1.0), exponent=0.6),
            _pool((MUSLIM_MEN, 1.0)),
            _pool((MUSLIM_WOMEN, 1.0)),
            muslim_boys,
            muslim_girls,
        ),
        "asian_other": NamePools(
            _pool((ASIAN_OTHER_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((INDIAN_MEN, 0.5), (faker_men, 0.3)),
            _pool((INDIAN_WOMEN, 0.5), (faker_women, 0.3)),
            _pool((INDIAN_MEN, 0.5), (BRITISH_BOYS, 0.5)),
            _pool((INDIAN_WOMEN, 0.5), (BRITISH_GIRLS, 0.5)),
        ),
        "african": NamePools(
            _pool((AFRICAN_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((AFRICAN_MEN, 1.0)),
            _pool((AFRICAN_WOMEN, 1.0)),
            _pool((AFRICAN_MEN, 0.6), (BRITISH_BOYS, 0.5)),
            _pool((AFRICAN_WOMEN, 0.6), (BRITISH_GIRLS, 0.5)),
        ),
        "caribbean": NamePools(
            _pool((CARIBBEAN_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((CARIBBEAN_MEN, 1.0), (faker_men, 0.3)),
            _pool((CARIBBEAN_WOMEN, 1.0), (faker_women, 0.3)),
            _pool((CARIBBEAN_MEN, 0.4), (BRITISH_BOYS, 1.0)),
            _pool((CARIBBEAN_WOMEN, 0.4), (BRITISH_GIRLS, 1.0)),
        ),
        "chinese": NamePools(
            _pool((CHINESE_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((CHINESE_MEN, 1.0)),
            _pool((CHINESE_WOMEN, 1.0)),
            _pool((CHINESE_MEN, 0.5), (BRITISH_BOYS, 0.5)),
            _pool((CHINESE_WOMEN, 0.5), (BRITISH_GIRLS, 0.5)),
        ),
        "middle_eastern": NamePools(
            _pool((MIDDLE_EASTERN_SURNAMES, 1.0), exponent=SURNAME_EXPONENT),
            _pool((MUSLIM_MEN, 1.0)),
            _pool((MUSLIM_WOMEN, 1.0)),
            muslim_boys,
            muslim_girls,
        ),
    }


STREET_STEMS = """Oak Elm Ash Station Church Mill Park Victoria Queens Kings Albert Manor Grange
Green Meadow Orchard School North South West High Chapel Bridge Windsor York Cedar Willow Beech
Hazel Rowan Alder Holly Maple Springfield Richmond Clarence Stanley Nelson Mount Castle Hillside
Brook Woodland Heath Abbey Priory Cromwell Wellington Gladstone Devonshire Cavendish Salisbury
Marlborough Tennyson Wordsworth Shakespeare Milton Chaucer Byron Kestrel Heron Lark Wren Lime
Poplar Sycamore Chestnut Hawthorn Larch Juniper Laurel Primrose Bluebell Foxglove Elmwood
Ashfield Oakfield Brookfield Fairfield Highfield Greenway Parkside Riverside Lakeside""".split()
STREET_SUFFIXES = {
    "Road": 30, "Street": 14, "Avenue": 12, "Close": 10, "Lane": 7, "Drive": 6, "Gardens": 6,
    "Crescent": 4, "Way": 5, "Court": 3, "Terrace": 2, "Place": 2, "Grove": 4, "Rise": 1,
}  # fmt: skip

LOCALITY_NAMES = [
    ("Northfield", "NF"),
    ("Riverside", "RS"),
    ("Eastgate", "EG"),
    ("Westbrook", "WB"),
    ("Kingsmead Central", "KC"),
    ("Southmoor", "SM"),
]
BOROUGH = "Kingsmead"
# A made-up postcode area: the demo's addresses can never be someone's real address.
POSTCODE_AREA = "KM"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes
