"""`earlyhelp link`: the management command around earlyhelp.targeting.linkage.command."""

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.targeting.linkage import command


class Command(BaseCommand):
    help = command.HELP

    def add_arguments(self, parser):
        command.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            command.run(
                **options,
                say=self.stdout.write,
                progress=self.stderr.write,
                success=self.style.SUCCESS,
            )
        except command.LinkFailed as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from None
