"""A tiny borough of source records with known people, for linkage and page tests."""

import datetime as dt

from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory
from earlyhelp.targeting import services

from .helpers import nhs, person, upn, write_source

REFERENCE = dt.date(2026, 3, 31)
JESSICA_NHS = nhs("401023213")
KHAN_NHS = nhs("943476591")

# record id -> the person it belongs to (the truth)
TRUTH = {
    "school_attendance:S1": "jessica",
    "police:P1": "jessica",
    "ae_attendance:E1": "jessica",
    "school_attendance:S2": "thomas",
    "school_attendance:S3": "daniel",
    "police:P2": "mohammed-85",
    "ae_attendance:E2": "mohammed-85",
    "police:P3": "mohammed-90",
    "police:P4": "peter-75",
    "ae_attendance:E3": "peter-10",
    "police:P5": "amy",
    "ae_attendance:E4": "amy-twin",
}


def source_files(tmp_path):
    oak = {"postcode": "EB1 1AA", "address": "12 Oak Road"}
    elm = {"postcode": "EB2 2BB", "address": "4 Elm Street"}
    mill = {"postcode": "EB3 3CC", "address": "7 Mill Lane"}
    term = {
        "school_urn": "100001",
        "period_start": "2025-09-01",
        "period_end": "2025-12-19",
        "sessions_possible": "120",
    }
    school = write_source(
        tmp_path / "school.csv",
        "school_attendance",
        [
            {
                **person("Jessica", "Brown", "2014-05-03", "F", **oak),
                "record_id": "S1",
                "upn": upn("801200000001"),
                **term,
                "sessions_unauthorised": "20",
            },
            # twins: same surname, birthday and address, different names and UPNs
            {
                **person("Thomas", "Green", "2016-07-21", "M", **elm),
                "record_id": "S2",
                "upn": upn("801200000002"),
                **term,
                "sessions_unauthorised": "2",
            },
            {
                **person("Daniel", "Green", "2016-07-21", "M", **elm),
                "record_id": "S3",
                "upn": upn("801200000003"),
                **term,
                "sessions_unauthorised": "1",
            },
        ],
    )
    police = write_source(
        tmp_path / "police.csv",
        "police",
        [
            # a nickname, the same birthday and address
            {
                **person("Jess", "Brown", "2014-05-03", "F", **oak),
                "record_id": "P1",
                "incident_date": "2025-11-02",
                "incident_type": "crime",
                "involvement": "offender",
            },
            {
                **person("Mohammed", "Khan", "1985-01-10", "M", **mill),
                "record_id": "P2",
                "incident_date": "2025-10-01",
                "incident_type": "asb",
                "involvement": "subject",
            },
            # the same name, born five years later, living elsewhere: someone else
            {
                **person(
                    "Mohammed",
                    "Khan",
                    "1990-06-02",
                    "M",
                    postcode="EB9 9ZZ",
                    address="90 Station Road",
                ),
                "record_id": "P3",
                "incident_date": "2025-10-01",
                "incident_type": "crime",
                "involvement": "victim",
            },
            # a father and son of one name at one address
            {
                **person(
                    "Peter", "Walker", "1975-03-03", "M", postcode="EB4 4DD", address="3 Park Close"
                ),
                "record_id": "P4",
                "incident_date": "2025-10-01",
                "incident_type": "crime",
                "involvement": "offender",
            },
            {
                **person(
                    "Amy", "Shah", "2012-02-14", "F", postcode="EB5 5EE", address="5 Ash Court"
                ),
                "record_id": "P5",
                "incident_date": "2025-10-01",
                "incident_type": "crime",
                "involvement": "witness",
            },
        ],
    )
    ae = write_source(
        tmp_path / "ae.csv",
        "ae_attendance",
        [
            # day and month swapped; the NHS number only here
            {
                **person("Jessica", "Brown", "2014-03-05", "F", **oak),
                "record_id": "E1",
                "nhs_number": JESSICA_NHS,
                "attendance_date": "2026-01-05",
                "reason": "injury",
            },
            # another spelling of the name, a typo in the postcode
            {
                **person(
                    "Muhammad", "Khan", "1985-01-10", "M", postcode="EB3 3CD", address="7 Mill Lane"
                ),
                "record_id": "E2",
                "nhs_number": KHAN_NHS,
                "attendance_date": "2026-02-01",
                "reason": "alcohol",
            },
            {
                **person(
                    "Peter", "Walker", "2010-08-08", "M", postcode="EB4 4DD", address="3 Park Close"
                ),
                "record_id": "E3",
                "attendance_date": "2026-02-01",
                "reason": "injury",
            },
            # Amy's twin sister: held for review, never linked automatically
            {
                **person(
                    "Zara", "Shah", "2012-02-14", "F", postcode="EB5 5EE", address="5 Ash Court"
                ),
                "record_id": "E4",
                "attendance_date": "2026-02-01",
                "reason": "injury",
            },
        ],
    )
    return {"school_attendance": school, "police": police, "ae_attendance": ae}


def import_all(tmp_path, user=None):
    return [
        services.import_batch(source_type=code, path=path, acting_user=user)
        for code, path in source_files(tmp_path).items()
    ]


def jessica_in_earlyhelp():
    """Jessica and her mother are already known: an open early help episode."""
    family = FamilyFactory(name="Brown household", address_line_1="12 Oak Road", postcode="EB1 1AA")
    jessica = PersonFactory(
        given_name="Jessica",
        family_name="Brown",
        date_of_birth=dt.date(2014, 5, 3),
        sex="F",
        nhs_number=JESSICA_NHS,
    )
    mother = PersonFactory(
        given_name="Laura", family_name="Brown", date_of_birth=dt.date(1986, 9, 9), sex="F"
    )
    MembershipFactory(family=family, person=jessica, role="child", start_date=dt.date(2014, 5, 3))
    MembershipFactory(
        family=family, person=mother, role="parent_carer", start_date=dt.date(2014, 5, 3)
    )
    EpisodeFactory(family=family, start_date=dt.date(2026, 1, 10))
    return family, jessica
