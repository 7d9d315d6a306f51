"""Code lists from the sector's standards (CIN census 2026, Annex A, SSD). Never invent codes here."""

from django.db import models


class ReferralSource(models.TextChoices):
    """CIN census referral source codes."""

    FAMILY = "1A", "Individual – family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual – acquaintance (including neighbours and child minders)"
    SELF = "1C", "Individual – self"
    OTHER_INDIVIDUAL = "1D", "Individual – other (including strangers, MPs)"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health services – GP"
    HEALTH_VISITOR = "3B", "Health services – health visitor"
    SCHOOL_NURSE = "3C", "Health services – school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health services – other primary health services"
    A_AND_E = "3E", "Health services – A&E"
    OTHER_HEALTH = "3F", "Health services – other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services – social care (e.g. adults)"
    OTHER_INTERNAL = "5B", "LA services – other internal"
    EXTERNAL_LA = "5C", "LA services – external (e.g. from another LA)"
    EARLY_HELP = "5D", "LA services – early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other (including children's centres, voluntary sector)"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class Sex(models.TextChoices):
    """Sex as Annex A (2026) labels it; the code is the CIN census one."""

    MALE = "M", "a) Male"
    FEMALE = "F", "b) Female"
    NOT_STATED = "U", "c) Not stated/recorded"
    NEITHER = "N", "d) Neither"


class Ethnicity(models.TextChoices):
    """CIN census / Annex A ethnicity codes, in Annex A order."""

    WBRI = "WBRI", "a) WBRI – White British"
    WIRI = "WIRI", "b) WIRI – White Irish"
    WIRT = "WIRT", "c) WIRT – Traveller of Irish heritage"
    WOTH = "WOTH", "d) WOTH – Any other White background"
    WROM = "WROM", "e) WROM – Gypsy/Roma"
    MWBC = "MWBC", "f) MWBC – White and Black Caribbean"
    MWBA = "MWBA", "g) MWBA – White and Black African"
    MWAS = "MWAS", "h) MWAS – White and Asian"
    MOTH = "MOTH", "i) MOTH – Any other mixed background"
    AIND = "AIND", "j) AIND – Indian"
    APKN = "APKN", "k) APKN – Pakistani"
    ABAN = "ABAN", "l) ABAN – Bangladeshi"
    AOTH = "AOTH", "m) AOTH – Any other Asian background"
    BCRB = "BCRB", "n) BCRB – Caribbean"
    BAFR = "BAFR", "o) BAFR – African"
    BOTH = "BOTH", "p) BOTH – Any other Black background"
    CHNE = "CHNE", "q) CHNE – Chinese"
    OOTH = "OOTH", "r) OOTH – Any other ethnic group"
    REFU = "REFU", "s) REFU – Refused"
    NOBT = "NOBT", "t) NOBT – Information not yet obtained"


class Disability(models.TextChoices):
    """CIN census disability codes (a person may have several; NONE when none)."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Diagnosed with autism or Asperger syndrome"
    DDA = "DDA", "Other DDA"


class CinClosureReason(models.TextChoices):
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class AssessmentFactor(models.TextChoices):
    """CIN census assessment factors used as presenting-need codes (A child, B parent, C other)."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse – child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse – parent/carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse – other person"
    DRUGS_CHILD = "2A", "Drug misuse – child"
    DRUGS_PARENT = "2B", "Drug misuse – parent/carer"
    DRUGS_OTHER = "2C", "Drug misuse – other person"
    DV_CHILD = "3A", "Domestic violence – child"
    DV_PARENT = "3B", "Domestic violence – parent/carer"
    DV_OTHER = "3C", "Domestic violence – other person"
    MH_CHILD = "4A", "Mental health – child"
    MH_PARENT = "4B", "Mental health – parent/carer"
    MH_OTHER = "4C", "Mental health – other person"
    LD_CHILD = "5A", "Learning disability – child"
    LD_PARENT = "5B", "Learning disability – parent/carer"
    LD_OTHER = "5C", "Learning disability – other person"
    PD_CHILD = "6A", "Physical disability or illness – child"
    PD_PARENT = "6B", "Physical disability or illness – parent/carer"
    PD_OTHER = "6C", "Physical disability or illness – other person"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATE_FOSTERING = "8E", "Private fostering"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going/being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    SOCIALLY_UNACCEPTABLE = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    ABUSE_NEGLECT = "16A", "Abuse or neglect – neglect"
    EMOTIONAL = "17A", "Abuse or neglect – emotional abuse"
    PHYSICAL = "18B", "Abuse or neglect – physical abuse"
    SEXUAL = "19B", "Abuse or neglect – sexual abuse"
    FGM = "22A", "Female genital mutilation"
    FAITH = "23A", "Abuse linked to faith or belief"
    CCE = "24A", "Child criminal exploitation"
    OTHER = "21", "Other"


class EpisodeReason(models.TextChoices):
    """Suggested early help episode reasons (SSD guidance)."""

    SUBSTANCE = "substance", "Alcohol/substance misuse"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PARENTING = "parenting", "Parenting and family dynamics"
    DISABILITY = "disability", "Physical and learning disabilities/illness"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic violence/abuse"
    ABUSE_NEGLECT = "abuse_neglect", "Child abuse/neglect"
    VULNERABILITY = "vulnerability", "Special circumstances/vulnerabilities"
    SOCIO_ECONOMIC = "socio_economic", "Socio-economic challenges"
    WELLBEING = "wellbeing", "Child well-being and development"
    INFORMATION = "information", "Information and support service"
    OTHER = "other", "Other"


class Rater(models.TextChoices):
    """Who in the family gave the rating. A child's rating is asked in words suited to their age
    (docs/user-guide.md, "The family's own rating"): under 8 on three faces, 8 and over in plain
    words; both land on the practitioner's 1–10 scale."""

    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    CHILD_UNDER_8 = "child_under_8", "Child under 8"
    CHILD_8_PLUS = "child_8_plus", "Child aged 8 or over"
