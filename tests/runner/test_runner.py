import time

import pytest

from fflab.runner import MetricLog, Run, RunSpec, Status, run_to_end
from fflab.scheduler import Scheduler
from tests.fakes import Counter


def make_run(scheduler=None, idle=None, **params):
    spec = RunSpec("test-counter", Counter.params.resolve(params), seed=0, device="cpu")
    return Run(spec, scheduler=scheduler or Scheduler(2), idle_timeout_s=idle, experiment_cls=Counter)


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    raise AssertionError("condition not reached")


def test_log_cursor_reads_only_new_records_and_survives_truncation():
    log = MetricLog(maxlen=3)
    for i in range(2):
        log.append({"i": i})
    records, cursor = log.since(0)
    assert [r["i"] for r in records] == [0, 1] and cursor == 2
    for i in range(2, 6):
        log.append({"i": i})
    records, cursor = log.since(cursor)
    assert [r["i"] for r in records] == [3, 4, 5] and cursor == 6
    assert log.since(cursor) == ([], 6)


def test_run_finishes_with_every_step_logged_and_final_metrics():
    run = make_run(steps=20).start()
    assert run.wait(10)
    assert run.status is Status.FINISHED
    records, _ = run.log.since(0)
    assert [r["value"] for r in records] == [float(i) for i in range(1, 21)]
    assert run.final_metrics == {"steps_done": 20.0}


def test_pause_resume_step_once_and_stop():
    run = make_run(steps=100000, sleep=0.002).start()
    wait_for(lambda: len(run.log) > 5)
    run.pause()
    wait_for(lambda: run.status is Status.PAUSED)
    count = len(run.log)
    time.sleep(0.2)
    assert len(run.log) == count, "a paused run must not step"
    run.step_once()
    wait_for(lambda: len(run.log) == count + 1)
    time.sleep(0.1)
    assert len(run.log) == count + 1 and run.status is Status.PAUSED
    run.resume()
    wait_for(lambda: len(run.log) > count + 10)
    assert run.status is Status.RUNNING
    run.stop()
    assert run.wait(10)
    assert run.status is Status.STOPPED
    assert run.final_metrics["steps_done"] == len(run.log)


def test_live_parameter_change_reaches_the_running_experiment():
    run = make_run(steps=100000, sleep=0.002).start()
    wait_for(lambda: len(run.log) > 2)
    run.set_params(rate=7.5)
    wait_for(lambda: run.log.last()["rate"] == 7.5)
    with pytest.raises(Exception, match="steps: cannot change while a run is going"):
        run.set_params(steps=3)
    with pytest.raises(Exception, match="rate: 50 is out of range"):
        run.set_params(rate=50.0)
    run.stop()
    run.wait(10)


def test_exception_marks_the_run_failed_with_message_and_traceback():
    run = make_run(steps=50, fail_at=7).start()
    assert run.wait(10)
    assert run.status is Status.FAILED
    assert "RuntimeError: boom at step 7" in run.error
    assert "Traceback" in run.traceback and "boom" in run.traceback
    assert len(run.log) == 6


def test_nan_marks_the_run_diverged_naming_the_metric_and_step():
    run = make_run(steps=50, nan_at=4).start()
    assert run.wait(10)
    assert run.status is Status.DIVERGED
    assert run.status_note == "value became nan at step 4"


def test_bad_params_in_the_experiment_fail_the_run_not_the_caller():
    spec = RunSpec("ff", {"dataset": "digits"}, seed=0, device="cpu")  # missing keys -> KeyError inside
    run = Run(spec, scheduler=Scheduler(1)).start()
    assert run.wait(30)
    assert run.status is Status.FAILED and "KeyError" in run.error


def test_scheduler_queues_runs_beyond_the_sharing_cap_in_order():
    scheduler = Scheduler(1, max_sharing=1)
    first = make_run(scheduler, steps=100000, sleep=0.002).start()
    wait_for(lambda: first.status is Status.RUNNING)
    second = make_run(scheduler, steps=5).start()
    wait_for(lambda: second.queue_position == 0)
    assert second.status is Status.QUEUED and "position 1 in the queue" in second.describe_status()
    assert len(second.log) == 0
    first.pause()  # a paused run frees its slot
    assert second.wait(10) and second.status is Status.FINISHED
    first.stop()
    first.wait(10)
    assert scheduler.active == 0


def test_admitted_runs_take_turns_so_every_curve_moves():
    scheduler = Scheduler(1, max_sharing=3)
    runs = [make_run(scheduler, steps=100000, sleep=0.002).start() for _ in range(3)]
    wait_for(lambda: all(len(run.log) >= 20 for run in runs), timeout=20)  # all three step, on one slot
    assert all(run.status is Status.RUNNING for run in runs)
    assert scheduler.active <= 1 and scheduler.admitted == 3
    assert all(run.sharing_with == 2 for run in runs)
    late = make_run(scheduler, steps=5).start()  # a fourth waits: the cap is three
    wait_for(lambda: late.queue_position == 0)
    assert "3 runs already share the CPU" in late.describe_status()
    runs[0].pause()  # pausing leaves the sharing runs: the fourth is admitted and finishes
    assert late.wait(10) and late.status is Status.FINISHED
    for run in runs:
        run.stop()
        run.wait(10)
    assert scheduler.active == 0 and scheduler.admitted == 0


def test_a_resumed_run_with_room_is_running_at_once_while_it_waits_its_turn_and_queued_without_room():
    scheduler = Scheduler(1, max_sharing=2)
    runs = [make_run(scheduler, steps=100000, sleep=0.002).start() for _ in range(2)]
    wait_for(lambda: all(len(run.log) >= 5 for run in runs))
    runs[0].pause()
    wait_for(lambda: runs[0].status is Status.PAUSED)
    runs[0].resume().wait(5)  # the other run holds the one slot for at least a time slice from now
    assert runs[0].status is Status.RUNNING and scheduler.is_admitted(runs[0].id)
    runs[1].pause()
    wait_for(lambda: runs[1].status is Status.PAUSED)
    third = make_run(scheduler, steps=100000, sleep=0.002).start()  # takes the room the paused one left
    wait_for(lambda: third.status is Status.RUNNING)
    runs[1].resume().wait(5)
    assert runs[1].status is Status.QUEUED and runs[1].queue_position == 0
    for run in (*runs, third):
        run.stop()
        run.wait(10)
    assert scheduler.admitted == 0


def test_unwatched_run_is_paused_and_frees_its_slot():
    scheduler = Scheduler(1)
    run = make_run(scheduler, idle=0.3, steps=100000, sleep=0.002).start()
    wait_for(lambda: run.status is Status.PAUSED, timeout=5)
    assert "no page has watched" in run.status_note
    assert scheduler.active == 0 and scheduler.admitted == 0
    run.resume()  # resume counts as being watched
    wait_for(lambda: run.status is Status.RUNNING)
    run.stop()
    run.wait(10)


def test_a_run_nobody_comes_back_to_is_stopped_after_the_abandon_timeout():
    run = Run(RunSpec("test-counter", Counter.params.resolve({"steps": 100000, "sleep": 0.002})),
              scheduler=Scheduler(1), idle_timeout_s=0.2, abandon_timeout_s=0.8, experiment_cls=Counter).start()
    wait_for(lambda: run.status is Status.PAUSED, timeout=5)
    assert run.wait(10) and run.status is Status.STOPPED
    assert "no page came back" in run.status_note and run.final_metrics["steps_done"] > 0


def test_run_to_end_stops_after_max_seconds():
    spec = RunSpec("test-counter", Counter.params.resolve({"steps": 10**6, "sleep": 0.01}))
    began = time.monotonic()
    run = run_to_end(spec, max_seconds=0.5, scheduler=Scheduler(1), experiment_cls=Counter)
    assert run.status is Status.STOPPED
    assert time.monotonic() - began < 5


def test_run_to_end_keeps_reporting_while_the_final_metrics_are_computed():
    class SlowToScore(Counter):
        def final_metrics(self):
            time.sleep(1.0)
            return super().final_metrics()

    seen = []
    spec = RunSpec("test-counter", Counter.params.resolve({"steps": 10**6, "sleep": 0.01}))
    run = run_to_end(spec, max_seconds=0.3, scheduler=Scheduler(1), experiment_cls=SlowToScore,
                     on_progress=lambda r: seen.append(r.status_note))
    assert run.status is Status.STOPPED and run.final_metrics["steps_done"] > 0
    assert seen.count("computing final metrics") >= 2  # the CLI's progress line says so while it waits


def test_status_reported_while_preparing_reaches_the_run():
    from fflab.experiment import report_status

    class Announcing(Counter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            report_status("downloading mnist: 1.0 of 9.9 MB")
            time.sleep(0.5)

    spec = RunSpec("test-counter", Counter.params.resolve({"steps": 3}))
    run = Run(spec, scheduler=Scheduler(1), experiment_cls=Announcing).start()
    wait_for(lambda: "downloading mnist" in run.describe_status(), timeout=5)
    assert run.wait(10) and run.status is Status.FINISHED


def test_thread_budget_is_the_runs_share_capped_by_the_experiment(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(8)))
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert make_run(Scheduler(2)).thread_budget() == 4
    assert make_run(Scheduler(16)).thread_budget() == 1
    monkeypatch.setattr(Counter, "max_threads", 1)
    assert make_run(Scheduler(1)).thread_budget() == 1


def test_thread_budget_follows_the_cpu_affinity_and_omp_num_threads(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {3})  # pinned to one core of many
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert make_run(Scheduler(1)).thread_budget() == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(8)))
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert make_run(Scheduler(1)).thread_budget() == 2


def test_wake_lets_a_run_waiting_in_line_give_up_at_once_not_at_its_next_poll():
    import threading

    scheduler = Scheduler(1)
    assert scheduler.acquire("holder")
    give_up = threading.Event()
    result = []
    waiter = threading.Thread(target=lambda: result.append(scheduler.acquire("waiter", give_up.is_set, poll_s=60)),
                              daemon=True)
    waiter.start()
    wait_for(lambda: "waiter" in scheduler._turns)
    give_up.set()
    scheduler.wake()  # as `Run` does when a command is queued
    waiter.join(5)
    assert result == [False] and not waiter.is_alive()


def test_a_question_is_answered_by_the_runs_own_thread_while_it_trains_is_paused_and_has_ended():
    import threading

    def where(exp):
        return threading.current_thread().name, exp.steps_done

    run = make_run(steps=100000, sleep=0.002).start()
    wait_for(lambda: len(run.log) > 3)
    thread, steps = run.ask(where)
    assert thread == f"fflab-run-{run.id}" and steps >= 3
    run.pause()
    wait_for(lambda: run.status is Status.PAUSED)
    paused_at = len(run.log)
    assert run.ask(where) == (f"fflab-run-{run.id}", paused_at), "a paused run answers, and takes no step for it"
    run.stop()
    assert run.wait(10)
    thread, steps = run.ask(where)
    assert thread not in (threading.current_thread().name, f"fflab-run-{run.id}") and steps == paused_at


def test_a_question_that_raises_raises_in_the_asker_and_the_run_goes_on():
    run = make_run(steps=100000, sleep=0.002).start()
    wait_for(lambda: len(run.log) > 2)
    with pytest.raises(ZeroDivisionError):
        run.ask(lambda exp: 1 / 0)
    count = len(run.log)
    wait_for(lambda: len(run.log) > count + 3)
    assert run.status is Status.RUNNING
    run.stop()
    run.wait(10)


def test_a_question_unanswered_in_time_gives_none():
    run = make_run(steps=100000, sleep=0.5).start()  # each step takes half a second
    wait_for(lambda: len(run.log) >= 1)
    time.sleep(0.05)  # inside a step now
    assert run.ask(lambda exp: exp.steps_done, timeout=0.05) is None
    run.stop()
    run.wait(10)


def test_a_posed_question_stays_posed_until_the_busy_run_answers_it_once():
    run = make_run(steps=100000, sleep=0.5).start()
    wait_for(lambda: len(run.log) >= 1)
    time.sleep(0.05)  # inside a half-second step
    asked = run.pose(lambda exp: exp.steps_done)
    assert not run.await_answer(asked, timeout=0.05)
    assert run.await_answer(asked, timeout=3.0) and asked.result() >= 2
    run.stop()
    assert run.wait(10)
    late = run.pose(lambda exp: exp.steps_done)  # after the end: a thread of its own answers
    assert run.await_answer(late, timeout=3.0) and late.result() == len(run.log)
