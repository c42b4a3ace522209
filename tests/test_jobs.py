"""Background jobs (the collapse map, Compare's start): a result, a one-line error or a stop,
whatever the script run that started them does meanwhile."""

import threading

import pytest

from gan_viz.ui import jobs


def test_a_job_returns_its_result_and_reports_progress_while_it_runs():
    go = threading.Event()

    def work(job):
        job.progress = 1
        go.wait(30)
        return 42

    job = jobs.Job(work)
    assert job.running and job.result is None
    go.set()
    assert job.wait(30) and not job.running
    assert (job.progress, job.result, job.error) == (1, 42, None)


@pytest.mark.parametrize("exc, line", [(ValueError("too many runs\nsecond line"), "too many runs"),
                                       (MemoryError("out of\nmemory"), "MemoryError: out of memory")])
def test_a_failing_job_reports_one_line(exc, line):
    def work(job):
        raise exc

    job = jobs.Job(work)
    assert job.wait(30) and job.result is None and job.error == line


def test_stop_ends_a_job_that_looks_at_it():
    def work(job):
        for i in range(10**9):
            job.progress = i
            if job.stop.is_set():
                return None
        return "finished"

    job = jobs.Job(work)
    job.stop.set()
    assert job.wait(30) and job.result is None and job.error is None and job.progress < 10**9 - 1
