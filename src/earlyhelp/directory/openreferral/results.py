"""What an import reports: the problems found, record by record, and what it wrote."""

from dataclasses import dataclass, field


@dataclass
class ImportProblem:
    record: int  # 1-based position in the file
    service: str  # its id or name, to find it
    field: str
    message: str

    def __str__(self):
        return f"Record {self.record} ({self.service}): {self.field}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems
