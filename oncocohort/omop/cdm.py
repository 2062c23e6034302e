"""Opening an OMOP CDM: a DuckDB file, a folder of Parquet/CSV tables, or a Spark session — one Ibis connection.

Everything after :func:`open_cdm` is an Ibis table expression, so the cohort and endpoint code is written once and
runs inside whichever engine holds the data (DuckDB embedded, or Spark local / Spark Connect). Nothing is read into
Python here; :meth:`Cdm.check` only asks the engine for table schemas.

- ``.duckdb`` file: opened read-only (the CDM is never modified).
- folder: each ``<table>.parquet`` / ``<table>.csv`` (or a folder ``<table>/`` of Parquet files) becomes a DuckDB
  view over the file, in an in-memory DuckDB database (the files are only read).
- Spark: ``ibis.pyspark.connect(session)``; ``--spark-remote sc://HOST`` builds a Spark Connect session.

``cdm_schema`` names the schema (DuckDB) or database (Spark) holding the CDM tables; ``results_schema`` the one
holding an OHDSI cohort table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ibis

# The CDM v5.4 tables and columns the analysis reads (other columns are never touched).
CDM_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("person_id", "gender_concept_id", "year_of_birth"),
    "observation_period": ("person_id", "observation_period_start_date", "observation_period_end_date"),
    "condition_occurrence": ("person_id", "condition_concept_id", "condition_start_date"),
    "drug_exposure": ("person_id", "drug_concept_id", "drug_exposure_start_date", "drug_exposure_end_date"),
    "death": ("person_id", "death_date"),
    "measurement": ("person_id", "measurement_concept_id", "measurement_date", "value_as_number"),
    "episode": ("person_id", "episode_concept_id", "episode_start_date"),
    "concept": ("concept_id", "concept_name"),
    "concept_ancestor": ("ancestor_concept_id", "descendant_concept_id"),
}
COHORT_COLUMNS = ("cohort_definition_id", "subject_id", "cohort_start_date", "cohort_end_date")
TABLE_SUFFIXES = (".parquet", ".csv")


class CdmError(Exception):
    """The CDM cannot be opened or lacks what the analysis needs; ``problems`` lists every one in words."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass
class Cdm:
    """An open CDM: the Ibis connection, where the tables are, and the names the report's methods use."""

    con: object
    engine: str  # "DuckDB" or "Spark"
    source: str  # the data source in words (file, folder or Spark address)
    cdm_schema: str | None = None
    results_schema: str | None = None
    _tables: dict = field(default_factory=dict)

    def table(self, name: str, schema: str | None = None):
        """The Ibis table ``name`` of the CDM (or of ``schema``, e.g. the results schema)."""
        schema = schema if schema is not None else self.cdm_schema
        key = (schema, name)
        if key not in self._tables:
            self._tables[key] = self.con.table(name, database=schema) if schema else self.con.table(name)
        return self._tables[key]

    def has_table(self, name: str, schema: str | None = None) -> bool:
        schema = schema if schema is not None else self.cdm_schema
        try:
            names = self.con.list_tables(database=schema) if schema else self.con.list_tables()
        except Exception:  # noqa: BLE001 - an unknown schema: no table there
            return False
        return name in names or name.upper() in names

    def check(self, needed: dict[str, tuple[str, ...]], schema: str | None = None) -> None:
        """Every table and column in ``needed`` exists; otherwise CdmError naming each missing one."""
        problems = []
        where = schema if schema is not None else self.cdm_schema
        place = f" in schema {where}" if where else ""
        for name, columns in needed.items():
            if not self.has_table(name, schema):
                problems.append(f"{self.source}: the CDM table {name} is missing{place} (needed columns: "
                                f"{', '.join(columns)})")
                continue
            present = set(self.table(name, schema).columns)
            for column in columns:
                if column not in present:
                    problems.append(f"{self.source}: table {name}{place} has no column {column} (OMOP CDM v5.4 "
                                    f"names it so; columns found: {', '.join(sorted(present))})")
        if problems:
            raise CdmError(problems)

    def close(self) -> None:
        try:
            if self.engine == "DuckDB":
                self.con.disconnect()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def _folder_tables(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if path.is_dir() and any(path.glob("*.parquet")):
            found.setdefault(name, path)
        for suffix in TABLE_SUFFIXES:
            if path.is_file() and name.endswith(suffix):
                found.setdefault(name[: -len(suffix)], path)
    return found


def keep_in_engine(expression, name: str):
    """``expression`` computed once and kept inside the engine, as a table the next queries read: a DuckDB
    temporary table (gone when the connection closes; written in the expression's order), a persisted DataFrame on
    Spark (Ibis ``cache``; its query plan then no longer repeats the expression's). Nothing is fetched."""
    backend = expression._find_backend()
    if backend.name == "duckdb":
        return backend.create_table(ibis.util.gen_name(name), expression, temp=True)
    return expression.cache()


def release_kept(table) -> None:
    """Free a table :func:`keep_in_engine` made on Spark (unpersist; a DuckDB temporary table goes with its
    connection)."""
    if table is not None and table._find_backend().name != "duckdb":
        table.release()


def _quiet(con):
    """No DuckDB progress bar on the terminal (it draws one for queries over 2 s): the CLI reports its own."""
    con.raw_sql("SET enable_progress_bar = false")
    return con


def open_duckdb(path: str | Path, cdm_schema: str | None = None, results_schema: str | None = None) -> Cdm:
    """A ``.duckdb`` file (read-only) or a folder of ``<table>.parquet|csv`` files (views over them)."""
    path = Path(path)
    if not path.exists():
        raise CdmError([f"{path}: no such file or folder (give a .duckdb file or a folder of CDM tables)"])
    if path.is_dir():
        tables = _folder_tables(path)
        if not tables:
            raise CdmError([f"{path}: the folder holds no <table>.parquet or <table>.csv files"])
        con = _quiet(ibis.duckdb.connect())
        for name, file in tables.items():
            if file.is_dir():
                con.read_parquet(str(file / "*.parquet"), table_name=name)
            elif file.suffix.lower() == ".parquet":
                con.read_parquet(str(file), table_name=name)
            else:
                con.read_csv(str(file), table_name=name)
        return Cdm(con, "DuckDB", f"{path} (folder of CDM tables)", None, None)
    try:
        con = _quiet(ibis.duckdb.connect(str(path), read_only=True))
    except Exception as exc:  # noqa: BLE001 - any DuckDB error: not a database we can open
        raise CdmError([f"{path}: cannot be opened as a DuckDB database ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''})"]) from None
    return Cdm(con, "DuckDB", str(path), cdm_schema, results_schema)


def open_spark(session, source: str = "Spark session", cdm_schema: str | None = None,
               results_schema: str | None = None) -> Cdm:
    """A CDM in a Spark session (tables in ``cdm_schema`` or the current database)."""
    return Cdm(ibis.pyspark.connect(session), "Spark", source, cdm_schema, results_schema)


def spark_connect_session(remote: str):
    """A Spark Connect session for ``sc://HOST[:PORT]``; CdmError when pyspark is missing or the server is not
    reachable."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CdmError(["--spark-remote needs pyspark: pip install 'oncocohort[spark]'"]) from None
    if not remote.startswith("sc://"):
        raise CdmError([f"--spark-remote {remote}: write the Spark Connect address as sc://HOST[:PORT]"])
    try:
        return SparkSession.builder.remote(remote).getOrCreate()
    except Exception as exc:  # noqa: BLE001 - connection failures come as many types
        raise CdmError([f"--spark-remote {remote}: cannot connect ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''})"]) from None


def open_cdm(path: str | Path | None = None, spark_remote: str | None = None, cdm_schema: str | None = None,
             results_schema: str | None = None) -> Cdm:
    """The CDM at ``path`` (DuckDB) or behind ``spark_remote`` (Spark Connect)."""
    if spark_remote:
        session = spark_connect_session(spark_remote)
        return open_spark(session, spark_remote, cdm_schema, results_schema)
    return open_duckdb(path, cdm_schema, results_schema)
