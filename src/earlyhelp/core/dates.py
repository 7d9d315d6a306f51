"""Calendar arithmetic the rules need (months back, whole years of age)."""

import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 March − 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: dt.date, months: int) -> dt.date:
    return months_before(day, -months)


def age_in_years(born: dt.date, on: dt.date) -> int:
    """Whole years: the birthday counts from its day (born 29 February, a year older on
    1 March in a year without one)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_on(born: dt.date | None, on: dt.date) -> int | None:
    """Age in whole years on a day, or None when the date of birth is not known."""
    return age_in_years(born, on) if born else None


_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def long_date(day: dt.date | None) -> str:
    """GOV.UK style: 4 June 2026. (The month's name from a list, not strftime's %B: the same
    English whatever the machine's locale, and a tenth of the time – the busiest pages write a
    few dozen dates.)"""
    return f"{day.day} {_MONTHS[day.month]} {day.year}" if day else ""


def today() -> dt.date:
    """Today in the council's time zone: the one 'today' every rule and default uses."""
    from django.utils import timezone

    return timezone.localdate()


def check_event_date(on: dt.date, *, field: str, what: str, after: dt.date | None = None,
                     after_what: str = "") -> None:
    """Every recorded event takes the date it happened: never in the future, never before what
    it follows. One rule and one message for all of them (a 400 in the API, an error on pages)."""
    from django.core.exceptions import ValidationError

    if on is None:
        raise ValidationError({field: f"Enter the {what} date"})
    if on > today():
        raise ValidationError({field: f"The {what} date must be today or in the past"})
    if after is not None and on < after:
        raise ValidationError(
            {field: f"The {what} date must be on or after {after_what} ({long_date(after)})"}
        )
