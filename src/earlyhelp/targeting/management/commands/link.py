"""Link any files into people: `earlyhelp link --config MAPPING.toml FILE... --out clusters.csv`."""

from pathlib import Path

import pyarrow.csv as pacsv
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.targeting.linkage.files import MappingError, link_files


class Command(BaseCommand):
    help = (
        "Link the records of any CSV or XLSX files into people with the targeting linkage model. "
        "The mapping (TOML) names each file's columns. Writes one row per input record: its "
        "file, its record id and a cluster id shared by the records of one person."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--config", required=True, type=Path, metavar="MAPPING.toml")
        parser.add_argument("--out", required=True, type=Path, metavar="clusters.csv")
        parser.add_argument(
            "--pairs",
            type=Path,
            metavar="pairs.csv",
            help="also write the scored pairs with their match probability",
        )
        parser.add_argument("--model", type=Path, help="use this saved model (Splink JSON)")
        parser.add_argument("--save-model", type=Path, help="write the model used to this file")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")

    def handle(
        self,
        *args,
        files,
        config,
        out,
        pairs=None,
        model=None,
        save_model=None,
        backend="duckdb",
        **options,
    ):
        for path in [config, *files, *([model] if model else [])]:
            if not path.is_file():
                raise CommandError(f"{path} does not exist")
        spark = None
        if backend == "spark":
            from earlyhelp.targeting.spark import SparkUnavailable, get_spark_session

            try:
                spark = get_spark_session()
            except SparkUnavailable as exc:
                raise CommandError(f"Spark cannot run here: {exc}") from None
        try:
            clusters, scored, notes = link_files(
                config,
                files,
                model_path=model,
                save_model=save_model,
                backend=backend,
                spark=spark,
                echo=lambda message: self.stderr.write(f"  {message}"),
            )
        except MappingError as exc:
            raise CommandError(str(exc)) from None
        pacsv.write_csv(clusters, out)
        if pairs:
            pacsv.write_csv(scored, pairs)
        self.stdout.write(
            self.style.SUCCESS(
                f"Linked {notes['records']:,} records into {notes['clusters']:,} clusters; "
                f"wrote {out}" + (f" and {pairs}" if pairs else "")
            )
        )
