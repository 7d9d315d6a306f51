"""The journey of a referral to a service in the directory, from the states of ReferralStatus."""

from earlyhelp.core.workflow import NEW, Machine, Move

from .models import Referral
from .models import ReferralStatus as S

REFERRAL = Machine("referral", Referral, (
    Move("send", (NEW,), S.SENT, "A referral is sent once."),
    Move("accept", (S.SENT,), S.ACCEPTED,
         "Only a referral waiting for a response can be accepted."),
    Move("decline", (S.SENT,), S.DECLINED,
         "Only a referral waiting for a response can be declined."),
    Move("start", (S.ACCEPTED,), S.STARTED,
         "A referral must be accepted before the service can start."),
    Move("finish", (S.STARTED,), S.FINISHED,
         "Only a service that has started can be marked finished."),
    Move("withdraw", (S.SENT, S.ACCEPTED, S.STARTED), S.WITHDRAWN,
         "This referral has already ended; it cannot be withdrawn."),
))
