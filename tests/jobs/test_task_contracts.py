"""Every task that code enqueues by its contract (app.core.tasks) is a task the worker runs, with
the contract's very parameters: a job built from a contract always finds its function."""

import inspect

import pytest

from app.core import tasks as contracts
from app.core.queue import job_options, task_job
from tasks import FUNCTIONS


def _parameters(function) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in list(inspect.signature(function).parameters.values())[1:]]


@pytest.mark.parametrize("name", sorted(contracts.CONTRACTS))
def test_each_contract_is_a_registered_task_with_its_parameters(name):
    registered = {function.__name__: function for function in FUNCTIONS}
    assert name in registered, f"no task {name} in the worker's functions"
    assert _parameters(registered[name]) == _parameters(contracts.CONTRACTS[name])


def test_a_job_from_a_contract_carries_its_name_key_and_arguments():
    job = task_job(contracts.push_stock, key="storepush:1:2", **job_options(timeout=900, retries=5))(
        organization_id=1, store_id=2)
    assert (job.function, job.key, job.kwargs, job.timeout, job.retries) == (
        "push_stock", "storepush:1:2", {"organization_id": 1, "store_id": 2}, 900, 5)


def test_a_job_refuses_positional_arguments():
    with pytest.raises(TypeError):
        task_job(contracts.deliver_mail)([1, 2])  # type: ignore[call-arg]  # the mistake this test proves is caught
