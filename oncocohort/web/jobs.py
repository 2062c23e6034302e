"""Report runs off the request thread, one at a time, with the build's own progress stages.

A single worker thread runs every report: the figures are drawn with matplotlib, whose pyplot state is global
to the process, so two builds in one process must not interleave — and on a laptop one build at a time is also the
fastest. A second start for a study whose report is queued or running is refused (:class:`AlreadyRunning`), so two
reports of the same study never run at once. Each run builds from a snapshot of the study's input into a fresh
folder and replaces the previous report only when complete (``report.build.build_report`` itself writes through a
staging folder), so a failed run never leaves a report that looks finished.
"""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..report.build import Progress

# The stages report.build prints, in order; the bar advances one step per stage ("done" ends it).
STAGES = ("validate", "derive", "statistics", "reconcile", "tables", "figures", "report", "done")


class AlreadyRunning(Exception):
    """A report of this study is queued or running."""


@dataclass
class ReportJob:
    """One report run: its state (queued → running → done | failed), the stages seen and the CLI-style lines."""

    study_id: str
    formats: tuple[str, ...]
    style: str = "default"  # journal style and paper of the documents (report.build.build_report)
    paper: str = "a4"
    state: str = "queued"
    stages: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    error: str | None = None
    files: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        known = [s for s in self.stages if s in STAGES]
        return int(100 * len(known) / len(STAGES))

    def as_dict(self) -> dict:
        return {"study": self.study_id, "state": self.state, "formats": list(self.formats), "style": self.style,
                "paper": self.paper,
                "stages_done": list(self.stages), "stages": list(STAGES), "percent": self.percent,
                "log": list(self.lines), "error": self.error, "files": self.files}


class _JobProgress(Progress):
    """build_report's progress printer, recording each stage on the job as well as the line the CLI prints."""

    def __init__(self, job: ReportJob):
        super().__init__(echo=job.lines.append)
        self.job = job

    def __call__(self, stage: str, detail: str = "") -> None:
        super().__call__(stage, detail)
        if stage in STAGES and stage not in self.job.stages:  # "warning", "narrative": lines, not stages
            self.job.stages.append(stage)


class ReportRunner:
    """Queues report builds on one worker thread; keeps the latest job of each study for progress polling."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oncocohort-report")
        self._lock = threading.Lock()
        self._jobs: dict[str, ReportJob] = {}

    def job(self, study_id: str) -> ReportJob | None:
        return self._jobs.get(study_id)

    def start(self, study_id: str, study_folder: Path, formats: tuple[str, ...], style: str = "default",
              paper: str = "a4") -> ReportJob:
        """Queue a report of the study in ``study_folder`` (its ``input``) in the journal ``style`` on ``paper``;
        AlreadyRunning if one is active."""
        with self._lock:
            current = self._jobs.get(study_id)
            if current is not None and current.active:
                raise AlreadyRunning(study_id)
            job = ReportJob(study_id, tuple(formats), style, paper)
            self._jobs[study_id] = job
        self._pool.submit(self._run, job, study_folder)
        return job

    def _run(self, job: ReportJob, folder: Path) -> None:
        from ..report.build import ReportError, build_report
        from ..report.reconcile import ReconciliationError

        job.state = "running"
        work = folder / ".report-run"
        shutil.rmtree(work, ignore_errors=True)
        try:
            shutil.copytree(folder / "input", work / "input", symlinks=False)
            written = build_report(work / "input", work / "output", job.formats, _JobProgress(job), style=job.style,
                                   paper=job.paper)
            for name, source in (("report", work / "output"), ("report-input", work / "input")):
                old = folder / f".{name}-old"
                shutil.rmtree(old, ignore_errors=True)
                if (folder / name).exists():
                    (folder / name).rename(old)
                source.rename(folder / name)
                shutil.rmtree(old, ignore_errors=True)
            job.files = len(written)
            job.state = "done"
        except ReconciliationError as error:
            job.error = "the report's numbers do not add up — nothing written:\n" + "\n".join(
                f"  - {p}" for p in error.problems)
            job.state = "failed"
        except ReportError as error:
            job.error = str(error)
            job.state = "failed"
        except Exception as error:  # a bug, not the user's data: said in one line, the server keeps running
            job.error = (f"internal error: {type(error).__name__}: {error}. This is a bug in oncocohort, not in "
                         "your data; please report it.")
            job.state = "failed"
        finally:
            shutil.rmtree(work, ignore_errors=True)
            job.finished = time.time()

    def wait(self, study_id: str, timeout: float = 600) -> ReportJob | None:
        """Block until the study's job has ended (for tests and scripts)."""
        end = time.time() + timeout
        while (job := self._jobs.get(study_id)) is not None and job.active and time.time() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
