"""How much casework a borough carries a year, per child, from published figures.

    Volumes()                                  # an English borough's rates (defaults below)
    Volumes().for_borough(families, case_rate)  # -> BoroughRates: contacts, episodes a year

Defaults (see docs/demo.md for the sources):
- referrals to children's social care: 536 per 10,000 children a year (DfE, Characteristics of
  children in need, England, year ending 31 March 2024: the national referral rate);
- contacts at the front door: about three per referral (2.9) – a front door refers roughly one
  contact in three to social care;
- early help: about 3% of children a year begin an early help episode (300 per 10,000);
- about 45% of early help episodes are step-downs from children's social care (Barnet's
  dashboard, 46.5%).
For a borough of 300,000 children that is about 45,000 contacts and 9,000 episodes a year.
"""

from dataclasses import dataclass

CHILDREN_PER_FAMILY = 2.45  # what the household builder draws on average


@dataclass(frozen=True)
class Volumes:
    referral_rate: float = 536.0  # referrals to social care per 10,000 children a year
    contacts_per_referral: float = 2.9
    early_help_rate: float = 300.0  # early help episodes begun per 10,000 children a year
    step_down_share: float = 0.45  # of episodes, stepped down from social care

    def __post_init__(self):
        if min(self.referral_rate, self.early_help_rate) <= 0 or self.contacts_per_referral < 1:
            raise ValueError("Rates must be more than 0 and contacts per referral at least 1.")
        if not 0 <= self.step_down_share < 1:
            raise ValueError("The step-down share must be from 0 to under 1.")

    def for_borough(self, families: int, case_rate: float = 1.0) -> "BoroughRates":
        """Yearly volumes for a borough of this many families; case_rate scales them all."""
        children = families * CHILDREN_PER_FAMILY
        return BoroughRates(
            children=children,
            contacts_per_year=children
            / 10_000
            * self.referral_rate
            * self.contacts_per_referral
            * case_rate,
            episodes_per_year=children / 10_000 * self.early_help_rate * case_rate,
            referred_share=1 / self.contacts_per_referral,
            step_down_share=self.step_down_share,
        )


@dataclass(frozen=True)
class BoroughRates:
    children: float
    contacts_per_year: float
    episodes_per_year: float
    referred_share: float  # of contacts, referred (stepped up) to social care
    step_down_share: float


def add_volume_arguments(parser):
    """The rates as command-line options (the demo command and bench/bench_generate.py)."""
    d = Volumes()
    parser.add_argument("--referral-rate", type=float, default=d.referral_rate,
                        help="referrals to social care per 10,000 children a year "
                        f"(default {d.referral_rate:g}, England 2023-24)")  # fmt: skip
    parser.add_argument("--contacts-per-referral", type=float, default=d.contacts_per_referral,
                        help="front door contacts per referral "
                        f"(default {d.contacts_per_referral:g})")  # fmt: skip
    parser.add_argument("--early-help-rate", type=float, default=d.early_help_rate,
                        help="early help episodes begun per 10,000 children a year "
                        f"(default {d.early_help_rate:g}: 3%% of children)")  # fmt: skip
    parser.add_argument("--step-down-share", type=float, default=d.step_down_share,
                        help="share of episodes stepped down from social care "
                        f"(default {d.step_down_share:g})")  # fmt: skip


def volumes_from(options) -> Volumes:
    """Volumes from parsed options (a dict or an argparse namespace); ValueError if out of range."""
    get = options.get if isinstance(options, dict) else lambda name: getattr(options, name)
    return Volumes(referral_rate=get("referral_rate"),
                   contacts_per_referral=get("contacts_per_referral"),
                   early_help_rate=get("early_help_rate"),
                   step_down_share=get("step_down_share"))  # fmt: skip
